"""Tidy feature tables to Parquet and CSV: units in the field metadata or the column names, round trips."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.io.export.tables import read_table, table_units, write_table


def _windows() -> pd.DataFrame:
    df = pd.DataFrame({"clip_id": ["TED_abcdefghijk"] * 3, "window": [0, 1, 2], "start": [0.0, 5.0, 10.0],
                       "end": [5.0, 10.0, 15.0], "speech_rate": [2.4, np.nan, 3.1], "intensity": [0.5, 0.25, 1.0],
                       "spans_cut": [False, True, False], "clock": "window"})
    df.attrs["shot_cuts"] = {"n_cuts": 1, "times_s": [7.5]}
    return df


def test_parquet_keeps_names_and_puts_units_in_the_field_metadata(tmp_path):
    df = _windows()
    path = write_table(tmp_path / "w.parquet", df)
    schema = pq.read_schema(path)
    assert schema.field("speech_rate").metadata == {b"unit": b"words/s"}
    assert schema.field("start").metadata == {b"unit": b"s"} and not schema.field("clip_id").metadata
    back = read_table(path)
    pd.testing.assert_frame_equal(back, df)
    assert back.attrs["units"] == {"start": "s", "end": "s", "speech_rate": "words/s",
                                   "intensity": "shoulder widths/s"}
    assert back.attrs["shot_cuts"] == {"n_cuts": 1, "times_s": [7.5]}


def test_csv_puts_units_in_the_column_names_and_reads_back(tmp_path):
    df = _windows()
    path = write_table(tmp_path / "w.csv", df, units={"window": "index"})
    header = path.read_text().splitlines()[0].split(",")
    assert header == ["clip_id", "window [index]", "start [s]", "end [s]", "speech_rate [words/s]",
                      "intensity [shoulder widths/s]", "spans_cut", "clock"]
    back = read_table(path)
    pd.testing.assert_frame_equal(back, df, check_dtype=False)
    assert back.attrs["units"]["speech_rate"] == "words/s" and back.attrs["units"]["window"] == "index"


def test_units_from_attrs_override_the_defaults_and_bad_formats_are_refused(tmp_path):
    df = pd.DataFrame({"time": [0.0, 0.04], "intensity": [1.0, 2.0]})
    df.attrs["units"] = {"intensity": "px/s"}
    assert table_units(df) == {"time": "s", "intensity": "px/s"}
    with pytest.raises(ParameterError, match="expected a .parquet or .csv file name"):  # the caller's choice
        write_table(tmp_path / "t.xlsx", df)
    with pytest.raises(ParameterError, match="fmt"):
        write_table(tmp_path / "t.csv", df, fmt="xlsx")
