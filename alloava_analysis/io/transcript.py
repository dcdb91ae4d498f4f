"""Whisper-style transcript JSON: ``segments[].words[]`` with ``word, start, end, probability``."""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pandas as pd

from ..errors import SchemaError
from ..model import make_words
from .atomic import write_json


class _NonFinite(Exception):
    """A NaN/Infinity token met while parsing JSON (carries the token)."""


class _OutOfRange(Exception):
    """A number literal that no 64-bit float can hold (carries the literal)."""


#: Integer literals longer than this are checked against the float range (10**308 < float max).
_FLOAT_DIGITS = 308


def _parse_int(literal: str) -> int:
    if len(literal) - literal.startswith("-") > _FLOAT_DIGITS:
        try:  # int() refuses more than sys.get_int_max_str_digits() digits with a ValueError
            float(int(literal))
        except (OverflowError, ValueError):
            raise _OutOfRange(literal) from None
    return int(literal)


def _parse_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):  # 1e999 overflows to infinity
        raise _OutOfRange(literal)
    return value


def _marked_path(path: Path, **hooks: Any) -> str | None:
    """JSON path of the first value that ``hooks`` (``json.load`` parse hooks) turn into a marker.

    Re-parses the file; used only to locate an error. A hook returns
    ``_MARK`` for the offending token and a plain value otherwise.
    """
    with open(path, encoding="utf-8") as handle:
        doc = json.load(handle, **hooks)
    stack = [("$", doc)]
    while stack:
        where, node = stack.pop()
        if node is _MARK:
            return where
        if isinstance(node, dict):
            stack += [(f"{where}.{k}" if k.isidentifier() else f"{where}[{k!r}]", v)
                      for k, v in reversed(node.items())]
        elif isinstance(node, list):
            stack += [(f"{where}[{i}]", v) for i, v in reversed(list(enumerate(node)))]
    return None


_MARK = object()


def _constant_path(path: Path) -> str | None:
    """JSON path of the first NaN/Infinity token in ``path``."""
    return _marked_path(path, parse_constant=lambda token: _MARK)


def _out_of_range_path(path: Path) -> str | None:
    """JSON path of the first number literal outside the float range in ``path``."""
    def mark(parse):
        def hook(literal: str):
            try:
                return parse(literal)
            except _OutOfRange:
                return _MARK
        return hook

    return _marked_path(path, parse_int=mark(_parse_int), parse_float=mark(_parse_float),
                        parse_constant=lambda token: None)


#: What :func:`fast_loads` returns when only the standard parser can decide (or explain) a document.
FALLBACK = object()


def _holds_huge_int(node: Any) -> bool:
    """True when a decoded document holds an integer no 64-bit float can hold."""
    stack = [node]
    while stack:
        item = stack.pop()
        if type(item) is int:
            if item.bit_length() > 1000:
                try:
                    float(item)
                except OverflowError:
                    return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def fast_loads(data: bytes | memoryview, *, check_ints: bool = True) -> Any:
    """Decode JSON bytes with msgspec, or return :data:`FALLBACK` when :func:`read_json`'s rules need the slow parser.

    msgspec gives the same objects as :func:`json.loads` for valid JSON; malformed
    input, ``NaN``, numbers out of the float range, too deep nesting and (with
    ``check_ints``) huge integers all come back as :data:`FALLBACK`, so that the
    standard parser produces the error with its line, column or JSON path.

    Parameters
    ----------
    data
        The JSON document's bytes.
    check_ints
        Also fall back for integers no 64-bit float can hold (a full scan of the document).

    Returns
    -------
    object
        The decoded document, or :data:`FALLBACK`.
    """
    try:
        doc = msgspec.json.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, ValueError):
        return FALLBACK
    return FALLBACK if check_ints and _holds_huge_int(doc) else doc


def read_json(path: str | Path) -> Any:
    """Parse a JSON file, turning decode errors into :class:`SchemaError` with line and column.

    ``NaN`` and ``Infinity`` are not JSON; they are rejected (missing values are
    ``null``), and so are numbers no 64-bit float can hold (``1e999``, a
    400-digit integer, a 5,000-digit literal) and nesting too deep to parse:
    every one a :class:`SchemaError`, never an ``OverflowError`` or
    ``RecursionError`` later.

    Parameters
    ----------
    path
        A UTF-8 JSON file.

    Returns
    -------
    object
        The decoded document.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        data = None
    if data is not None:
        doc = fast_loads(data)
        if doc is not FALLBACK:
            return doc
        del data
    return _read_json_checked(path)


def _read_json_checked(path: Path) -> Any:
    """The standard-library parse of :func:`read_json`, with every check and error message."""

    def reject(token: str) -> None:
        raise _NonFinite(token)

    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle, parse_constant=reject, parse_int=_parse_int, parse_float=_parse_float)
    except _OutOfRange as err:
        literal = err.args[0]
        shown = literal if len(literal) <= 24 else f"{literal[:12]}...{literal[-6:]} ({len(literal)} characters)"
        raise SchemaError(f"expected a number within the 64-bit float range (about ±1.8e308), got {shown}",
                          path=path, where=_out_of_range_path(path)) from None
    except RecursionError:
        raise SchemaError(f"expected JSON nested less than about {sys.getrecursionlimit()} levels deep, got "
                          f"deeper nesting", path=path, where="$") from None
    except _NonFinite as err:
        raise SchemaError(f"expected a number or null, got {err.args[0]} (not valid JSON; write missing values "
                          f"as null)", path=path, where=_constant_path(path)) from None
    except json.JSONDecodeError as err:
        raise SchemaError(f"expected valid JSON: {err.msg}", path=path,
                          where=f"line {err.lineno}, column {err.colno}") from None
    except UnicodeDecodeError as err:
        raise SchemaError(f"expected UTF-8 text: {err.reason}", path=path, where=f"byte {err.start}") from None


def read_transcript(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Read a Whisper-style transcript.

    Parameters
    ----------
    path
        A transcript JSON file with ``segments[].words[]`` (word timestamps).

    Returns
    -------
    words, segments, meta
        Words with ``word, start, end, probability, segment`` (seconds);
        segments with ``segment, start, end, text``; and the remaining top-level
        fields (engine, model, language, ...).
    """
    path = Path(path)
    doc = read_json(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("segments"), list):
        raise SchemaError(f"expected an object with a 'segments' list, got {type(doc).__name__}"
                          + (f" with keys {sorted(doc)[:8]}" if isinstance(doc, dict) else ""),
                          path=path, where="$")
    words, segments = [], []
    for s, seg in enumerate(doc["segments"]):
        where = f"$.segments[{s}]"
        if not isinstance(seg, dict):
            raise SchemaError(f"expected a segment object, got {type(seg).__name__}", path=path, where=where)
        try:
            seg_id = int(seg.get("id", s))
        except (TypeError, ValueError):
            raise SchemaError(f"expected an integer segment id, got {seg.get('id')!r}", path=path,
                              where=where) from None
        seg_words = seg.get("words")
        if not isinstance(seg_words, list):
            raise SchemaError("expected a 'words' list with word timestamps (transcribe with "
                              "word_timestamps=True)", path=path, where=where)
        for w, word in enumerate(seg_words):
            if not isinstance(word, dict) or not {"word", "start", "end"} <= set(word):
                raise SchemaError(f"expected a word object with 'word', 'start' and 'end', got {word!r}"[:200],
                                  path=path, where=f"{where}.words[{w}]")
            words.append({"word": str(word["word"]).strip(), "start": word["start"], "end": word["end"],
                          "probability": word.get("probability", np.nan), "segment": seg_id})
        segments.append({"segment": seg_id, "start": seg.get("start", np.nan), "end": seg.get("end", np.nan),
                         "text": str(seg.get("text", "")).strip()})
    if not words:
        raise SchemaError("expected at least one word, got an empty transcript", path=path, where="$.segments")
    meta = {k: v for k, v in doc.items() if k != "segments"}
    seg_df = pd.DataFrame(segments, columns=["segment", "start", "end", "text"])
    return make_words(words, path=path), seg_df, meta


def words_to_segments(words: pd.DataFrame) -> pd.DataFrame:
    """Segments (``segment, start, end, text``) spanned by the words of each segment id.

    Parameters
    ----------
    words
        A words table (:func:`~alloava_analysis.model.make_words`).

    Returns
    -------
    pandas.DataFrame
        One row per segment id, sorted: first word's start, last word's end, the words joined by spaces.
    """
    grouped = words.groupby("segment", sort=True)
    return pd.DataFrame({
        "segment": list(grouped.groups),
        "start": grouped["start"].min().to_numpy(),
        "end": grouped["end"].max().to_numpy(),
        "text": grouped["word"].agg(" ".join).to_numpy(),
    })


def write_transcript(path: str | Path, words: pd.DataFrame, *, segments: pd.DataFrame | None = None,
                     meta: dict | None = None) -> Path:
    """Write words (and segments) as Whisper-style JSON atomically.

    Parameters
    ----------
    path
        The JSON file to write.
    words
        A words table (checked by ``make_words``); times are written to 0.1 ms.
    segments
        ``segment, start, end, text`` per segment; default :func:`words_to_segments` of ``words``.
    meta
        Top-level fields to write beside ``text`` and ``segments`` (engine, language, ...).

    Returns
    -------
    Path
        ``path``.
    """
    words = make_words(words, path=path)
    if segments is None:
        segments = words_to_segments(words)
    out_segments = []
    for seg in segments.itertuples(index=False):
        seg_words = words[words["segment"] == seg.segment]
        out_segments.append({
            "id": int(seg.segment), "start": float(seg.start), "end": float(seg.end), "text": str(seg.text),
            "words": [{"word": str(w.word), "start": round(float(w.start), 4), "end": round(float(w.end), 4),
                       "probability": None if np.isnan(w.probability) else round(float(w.probability), 4)}
                      for w in seg_words.itertuples(index=False)],
        })
    doc = dict(meta or {})
    doc["text"] = " ".join(s["text"] for s in out_segments)
    doc["segments"] = out_segments
    return write_json(path, doc)
