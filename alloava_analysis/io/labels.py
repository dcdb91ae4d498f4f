"""The demographic labels CSV (``labels.csv``): one reader and one writer for the corpus, the generator and rebuild.

One row per clip keyed by ``clip_id``; every other column is a label (speaker,
gender, age group, ...) carried into the corpus index, never inferred from the media.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import SchemaError
from .layout import MODALITY_DIRS
from .tables import restore_cells, write_csv_table

LABELS_FILE = "labels.csv"
#: Modalities whose source files the corpus index hashes.
SOURCE_MODALITIES = ("keypoints", "transcript", "audio")
#: Columns the corpus index fills itself (layout scan, audio header, store index; see
#: :func:`alloava_analysis.corpus.clip_summary`). A labels CSV may not use them: a label named
#: ``transcript`` would replace every transcript path.
INDEX_COLUMNS = ("clip_id", "category", "youtube_id", *MODALITY_DIRS, "audio_s", "schema_variant", "layouts",
                 "frames", "n_keypoints", "pose_s", "fps", "words", "transcript_s",
                 *(f"{m}_{what}" for m in SOURCE_MODALITIES for what in ("sha256", "bytes")),
                 "keypoints_stamp", "transcript_stamp")
#: Key columns a labels CSV may repeat (they are checked against ``clip_id`` and dropped).
KEY_COLUMNS = ("clip_id", "category", "youtube_id")

__all__ = ["INDEX_COLUMNS", "KEY_COLUMNS", "LABELS_FILE", "SOURCE_MODALITIES", "read_labels", "write_labels"]


def _check(labels: pd.DataFrame, path: str | Path | None) -> pd.DataFrame:
    """The rules every labels table follows (read or written); raises SchemaError naming the row or column."""
    if "clip_id" not in labels:
        raise SchemaError(f"expected a 'clip_id' column, got {list(labels.columns)}", path=path, where="header")
    clash = [c for c in labels.columns if c in INDEX_COLUMNS and c not in KEY_COLUMNS]
    if clash:
        raise SchemaError(f"expected label columns that do not shadow the corpus index, got {clash}; the index "
                          f"fills these itself, so rename them (e.g. {'label_' + clash[0]!r})", path=path,
                          where="header")
    for column, position in (("category", slice(None, -12)), ("youtube_id", slice(-11, None))):
        if column in labels:
            derived = labels["clip_id"].astype(str).str[position]
            wrong = (labels[column] != "") & (labels[column] != derived)
            if wrong.any():
                row = int(np.flatnonzero(wrong)[0])
                raise SchemaError(f"expected {column} {derived.iat[row]!r} (from clip_id {labels.clip_id.iat[row]!r}), "
                                  f"got {labels[column].iat[row]!r}", path=path, where=f"row {row + 2}")
    dup = labels["clip_id"].duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup)[0])
        raise SchemaError(f"expected one row per clip_id, got {labels.clip_id.iat[row]!r} twice", path=path,
                          where=f"row {row + 2}")
    return labels


def read_labels(path: str | Path) -> pd.DataFrame:
    """Demographic labels keyed by ``clip_id`` (one row per clip; every value a string, empty where unknown).

    Label columns never shadow index columns: a column named like one of
    :data:`INDEX_COLUMNS` (``transcript``, ``audio``, ``frames``, ``words``, ...)
    raises :class:`~alloava_analysis.errors.SchemaError` naming it (rename it,
    e.g. ``label_words``). ``category`` and ``youtube_id`` may be repeated; they
    must agree with ``clip_id``. A UTF-8 byte-order mark is accepted.

    Parameters
    ----------
    path
        The labels CSV (usually ``<corpus>/labels.csv``).

    Returns
    -------
    pandas.DataFrame
        One row per clip, ``clip_id`` and the label columns as strings (empty where unknown).
    """
    path = Path(path)
    try:
        labels = restore_cells(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig"))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise SchemaError(f"expected a CSV file: {err}", path=path) from None
    return _check(labels, path)


def write_labels(path: str | Path, labels: pd.DataFrame | Iterable[dict], *,
                 columns: Sequence[str] | None = None) -> Path:
    """Write ``labels`` (a table or rows with a ``clip_id``) atomically as ``path``, rows in the given order.

    Parameters
    ----------
    path
        The CSV to write (usually ``<corpus>/labels.csv``).
    labels
        One row per clip; ``clip_id`` first (it is moved there if needed).
    columns
        Column order (default: the table's, ``clip_id`` first).

    Returns
    -------
    Path
        ``path``.
    """
    table = labels if isinstance(labels, pd.DataFrame) else pd.DataFrame(list(labels), columns=columns)
    if columns is not None:
        table = table[list(columns)]
    table = _check(table.reset_index(drop=True), path)
    table = table[["clip_id", *[c for c in table.columns if c != "clip_id"]]]
    return write_csv_table(path, table)
