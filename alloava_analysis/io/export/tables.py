"""Tidy feature tables (per frame, per window) as Parquet or CSV, with their units.

Parquet keeps the column names and puts each column's unit in its field
metadata (``unit``) and all units plus the table's attrs in the schema metadata
(``alloava_units``, ``alloava_attrs``). CSV has no metadata, so a unit goes into
the column name: ``speech_rate [words/s]``. :func:`read_table` reads both back
to the same DataFrame with ``attrs["units"]``.

Units come from ``df.attrs["units"]``, then the ``units`` argument, then
:data:`COLUMN_UNITS` (the toolkit's feature columns); columns without a unit
(ids, labels, flags, counts) get none.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ...checks import check_option
from ...errors import ParameterError, SchemaError
from ..atomic import atomic_path
from ..jsonable import to_jsonable
from ..tables import restore_cells, write_csv_table

UNITS_KEY, ATTRS_KEY = b"alloava_units", b"alloava_attrs"
FORMATS = ("parquet", "csv")
#: Units of the feature columns the toolkit writes (coupling windows and frames, movement intensity, speech rate).
COLUMN_UNITS = {
    "time": "s", "start": "s", "end": "s", "center": "s", "duration": "s", "window_s": "s", "hop_s": "s",
    "pause_s": "s", "speaking_s": "s", "lag_s": "s",
    "speech_rate": "words/s", "words_per_s": "words/s", "wpm": "words/min", "syllable_rate": "syllables/s",
    "syllables_per_s": "syllables/s", "articulation_rate": "syllables/s (speaking time)",
    "intensity": "shoulder widths/s", "motion": "shoulder widths/s", "motion_hp": "shoulder widths/s",
    "peak": "shoulder widths/s", "mean": "shoulder widths/s",
    "speech_energy": "RMS (full scale)", "speech_energy_hp": "RMS (full scale)", "rms": "RMS (full scale)",
    "rms_db": "dB FS", "f0": "Hz", "coverage": "fraction", "rate_hz": "Hz", "units_per_min": "units/min",
}
_UNIT_IN_NAME = re.compile(r"^(?P<name>.*\S) \[(?P<unit>[^\[\]]+)\]$")


def table_units(df: pd.DataFrame, units: dict[str, str] | None = None) -> dict[str, str]:
    """The unit of every column of ``df`` that has one.

    Parameters
    ----------
    df
        A tidy table; ``df.attrs["units"]`` wins over the other sources.
    units
        Column -> unit, over :data:`COLUMN_UNITS`.

    Returns
    -------
    dict
        Column name -> unit, for the columns with a unit.
    """
    known = {**COLUMN_UNITS, **(units or {}), **df.attrs.get("units", {})}
    return {str(c): known[str(c)] for c in df.columns if known.get(str(c))}


def _format(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        return check_option("fmt", fmt, FORMATS)
    suffix = path.suffix.lstrip(".").lower()
    if suffix not in FORMATS:
        raise ParameterError(f"invalid value for path: expected a .parquet or .csv file name (or fmt= one of "
                             f"{FORMATS}), got {path.name!r}", name="path", allowed=FORMATS)
    return suffix


def write_table(path: str | Path, df: pd.DataFrame, *, units: dict[str, str] | None = None,
                fmt: str | None = None) -> Path:
    """Write a tidy table as Parquet or CSV (by ``fmt`` or the file suffix), units included.

    Parameters
    ----------
    path
        The file to write.
    df
        A tidy table (its index is not written).
    units
        Column -> unit, for columns :data:`COLUMN_UNITS` does not know (``df.attrs["units"]`` wins).
    fmt
        ``"parquet"`` or ``"csv"``; None takes it from the suffix of ``path``.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    fmt = _format(path, fmt)
    found = table_units(df, units)
    attrs = {k: v for k, v in df.attrs.items() if k != "units"}
    if fmt == "csv":
        return write_csv_table(path, df.rename(columns={c: f"{c} [{u}]" for c, u in found.items()}))
    table = pa.Table.from_pandas(df, preserve_index=False)
    fields = [f.with_metadata({b"unit": found[f.name].encode()}) if f.name in found else f for f in table.schema]
    meta = {**(table.schema.metadata or {}), UNITS_KEY: json.dumps(found).encode(),
            ATTRS_KEY: json.dumps(to_jsonable(attrs)).encode()}
    table = table.cast(pa.schema(fields, metadata=meta))
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return path


def read_table(path: str | Path, *, fmt: str | None = None) -> pd.DataFrame:
    """Read a table written by :func:`write_table`: plain column names, ``attrs["units"]`` (and saved attrs).

    Parameters
    ----------
    path
        A file written by :func:`write_table`.
    fmt
        ``"parquet"`` or ``"csv"``; None takes it from the suffix of ``path``.

    Returns
    -------
    pandas.DataFrame
        The table with ``attrs["units"]`` (column -> unit) and, from Parquet, the saved attrs.
    """
    path = Path(path)
    fmt = _format(path, fmt)
    if fmt == "csv":
        df = restore_cells(pd.read_csv(path, keep_default_na=True))
        units, names = {}, {}
        for col in df.columns:
            m = _UNIT_IN_NAME.match(str(col))
            if m:
                names[col] = m["name"]
                units[m["name"]] = m["unit"]
        df = df.rename(columns=names)
        df.attrs["units"] = units
        return df
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as err:
        raise SchemaError(f"expected a Parquet table: {err}", path=path) from None
    meta = table.schema.metadata or {}
    df = table.to_pandas()
    df.attrs = json.loads(meta.get(ATTRS_KEY, b"{}"))
    df.attrs["units"] = json.loads(meta.get(UNITS_KEY, b"{}"))
    return df
