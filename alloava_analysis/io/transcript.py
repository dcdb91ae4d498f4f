"""Whisper-style transcript JSON: ``segments[].words[]`` with ``word, start, end, probability``."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SchemaError
from ..model import make_words
from .atomic import write_json


class _NonFinite(Exception):
    """A NaN/Infinity token met while parsing JSON (carries the token)."""


def _constant_path(path: Path) -> str | None:
    """JSON path of the first NaN/Infinity token in ``path`` (re-parses the file; only on error)."""
    marker = object()
    with open(path, encoding="utf-8") as handle:
        doc = json.load(handle, parse_constant=lambda token: marker)
    stack = [("$", doc)]
    while stack:
        where, node = stack.pop()
        if node is marker:
            return where
        if isinstance(node, dict):
            stack += [(f"{where}.{k}" if k.isidentifier() else f"{where}[{k!r}]", v)
                      for k, v in reversed(node.items())]
        elif isinstance(node, list):
            stack += [(f"{where}[{i}]", v) for i, v in reversed(list(enumerate(node)))]
    return None


def read_json(path: str | Path) -> Any:
    """Parse a JSON file, turning decode errors into :class:`SchemaError` with line and column.

    ``NaN`` and ``Infinity`` are not JSON; they are rejected (missing values are ``null``).
    """
    path = Path(path)

    def reject(token: str) -> None:
        raise _NonFinite(token)

    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle, parse_constant=reject)
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

    Returns ``(words, segments, meta)``: words with ``word, start, end,
    probability, segment``; segments with ``segment, start, end, text``; and
    the remaining top-level fields (engine, model, language, ...).
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
    """Segments (``segment, start, end, text``) spanned by the words of each segment id."""
    grouped = words.groupby("segment", sort=True)
    return pd.DataFrame({
        "segment": list(grouped.groups),
        "start": grouped["start"].min().to_numpy(),
        "end": grouped["end"].max().to_numpy(),
        "text": grouped["word"].agg(" ".join).to_numpy(),
    })


def write_transcript(path: str | Path, words: pd.DataFrame, *, segments: pd.DataFrame | None = None,
                     meta: dict | None = None) -> Path:
    """Write words (and segments) as Whisper-style JSON atomically."""
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
