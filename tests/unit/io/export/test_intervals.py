"""ELAN and Praat tiers: lossless round trips (ms times, labels, empty tiers), the files open with
pympi's and praatio's own readers, and an edited file comes back as the same interval table."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.errors import SchemaError
from alloava_analysis.io.export.intervals import read_eaf, read_textgrid, write_eaf, write_textgrid
from alloava_analysis.model import INTERVAL_COLUMNS, make_intervals

TIERS = ["words", "segments", "pauses", "gesture_units"]


def _table() -> pd.DataFrame:
    """Words with sub-ms times, unicode labels, a pause tier with silence, an empty tier."""
    rows = [
        (0.2004, 0.4501, "Hello,", "words"), (0.5, 0.9, "wörld", "words"), (1.6, 2.0, "again", "words"),
        (0.2004, 2.0, "Hello, wörld again", "segments"),
        (0.0, 0.2004, "leading", "pauses"), (0.9, 1.6, "between", "pauses"), (2.0, 3.5, "trailing", "pauses"),
    ]
    table = make_intervals(pd.DataFrame(rows, columns=["start", "end", "label", "tier"]), tiers=TIERS)
    table.attrs["duration_s"] = 3.5
    return table


def _same_to_the_ms(back: pd.DataFrame, table: pd.DataFrame) -> None:
    assert back.attrs["tiers"] == table.attrs["tiers"]
    assert list(back.columns) == list(INTERVAL_COLUMNS)
    assert back["tier"].tolist() == table["tier"].tolist() and back["label"].tolist() == table["label"].tolist()
    np.testing.assert_allclose(back[["start", "end"]].to_numpy(), table[["start", "end"]].to_numpy(), atol=5e-4)
    np.testing.assert_array_equal(np.rint(back[["start", "end"]].to_numpy() * 1000),
                                  np.rint(table[["start", "end"]].to_numpy() * 1000))


@pytest.mark.parametrize("write, read", [(write_eaf, read_eaf), (write_textgrid, read_textgrid)])
def test_round_trip_is_lossless_to_the_millisecond_with_empty_tiers(tmp_path, write, read):
    table = _table()
    path = write(tmp_path / ("clip.eaf" if write is write_eaf else "clip.TextGrid"), table)
    back = read(path)
    _same_to_the_ms(back, table)
    assert back[back.tier == "gesture_units"].empty and "gesture_units" in back.attrs["tiers"]
    assert back[back.tier == "pauses"]["label"].tolist() == ["leading", "between", "trailing"]  # silence kept
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # atomic: no temporary or .bak file left
    again = read(write(path, back))  # writing what was read changes nothing
    _same_to_the_ms(again, table)


def test_eaf_opens_with_pympi_links_the_media_and_keeps_empty_labels(tmp_path):
    import pympi
    media = tmp_path / "video" / "TED_abcdefghijk.mp4"
    media.parent.mkdir()
    media.write_bytes(b"\0")
    table = make_intervals(pd.concat([_table(), make_intervals([{"start": 1.0, "end": 1.25, "label": ""}],
                                                               tier="gesture_units")]), tiers=TIERS)
    path = write_eaf(tmp_path / "eaf" / "TED_abcdefghijk.eaf", table, media=media, clip_id="TED_abcdefghijk")
    eaf = pympi.Elan.Eaf(str(path))
    assert list(eaf.get_tier_names()) == TIERS
    assert sorted(eaf.get_annotation_data_for_tier("words")) == [(200, 450, "Hello,"), (500, 900, "wörld"),
                                                                 (1600, 2000, "again")]
    assert eaf.get_annotation_data_for_tier("gesture_units") == [(1000, 1250, "")]
    (linked,) = eaf.get_linked_files()
    assert linked["MEDIA_URL"] == media.resolve().as_uri() and linked["MIME_TYPE"] == "video/mp4"
    assert linked["RELATIVE_MEDIA_URL"] == "./../video/TED_abcdefghijk.mp4"
    assert eaf.get_properties() and ("alloava_clip_id", "TED_abcdefghijk") in eaf.get_properties()
    back = read_eaf(path)
    assert back.attrs["media"] == ["./../video/TED_abcdefghijk.mp4"]
    assert back[back.tier == "gesture_units"][["start", "end", "label"]].values.tolist() == [[1.0, 1.25, ""]]


def test_textgrid_opens_with_praatio_and_holds_the_silence_between_words(tmp_path):
    from praatio import textgrid
    path = write_textgrid(tmp_path / "clip.TextGrid", _table())
    grid = textgrid.openTextgrid(str(path), includeEmptyIntervals=True)
    assert list(grid.tierNames) == TIERS and grid.maxTimestamp == 3.5
    words = [(e.start, e.end, e.label) for e in grid.getTier("words").entries]
    assert words == [(0.0, 0.2, ""), (0.2, 0.45, "Hello,"), (0.45, 0.5, ""), (0.5, 0.9, "wörld"),
                     (0.9, 1.6, ""), (1.6, 2.0, "again"), (2.0, 3.5, "")]
    assert [(e.start, e.end, e.label) for e in grid.getTier("gesture_units").entries] == [(0.0, 3.5, "")]


def test_an_edited_file_comes_back_as_the_edited_table(tmp_path):
    """A hand correction made with the other tools' own libraries flows back as an interval table."""
    import pympi
    from praatio import textgrid
    from praatio.data_classes.interval_tier import IntervalTier
    path = write_eaf(tmp_path / "c.eaf", _table())
    eaf = pympi.Elan.Eaf(str(path))
    eaf.add_annotation("gesture_units", 1200, 1850, "beat")
    eaf.remove_annotation("words", 700)
    eaf.add_annotation("words", 500, 880, "world")
    eaf.to_file(str(path))
    back = read_eaf(path)
    assert back[back.tier == "gesture_units"][["start", "end", "label"]].values.tolist() == [[1.2, 1.85, "beat"]]
    assert back[back.tier == "words"]["label"].tolist() == ["Hello,", "world", "again"]

    tg_path = write_textgrid(tmp_path / "c.TextGrid", _table())
    grid = textgrid.openTextgrid(str(tg_path), includeEmptyIntervals=False)
    grid.replaceTier("gesture_units", IntervalTier("gesture_units", [(0.3, 0.8, "iconic")], 0, grid.maxTimestamp))
    grid.save(str(tg_path), format="short_textgrid", includeBlankSpaces=True)
    back = read_textgrid(tg_path)
    assert back[back.tier == "gesture_units"][["start", "end", "label"]].values.tolist() == [[0.3, 0.8, "iconic"]]
    assert back[back.tier == "words"]["label"].tolist() == ["Hello,", "wörld", "again"]


def test_zero_length_and_overlapping_intervals_are_fixed_with_warnings(tmp_path):
    table = make_intervals([{"start": 1.0, "end": 1.0, "label": "uh"}, {"start": 2.0, "end": 2.6, "label": "a"},
                            {"start": 2.5, "end": 3.0, "label": "b"}], tier="words")
    with pytest.warns(UserWarning) as caught:
        back = read_textgrid(write_textgrid(tmp_path / "z.TextGrid", table))
    text = " ".join(str(w.message) for w in caught)
    assert "1 interval(s) shorter than 1 ms" in text and "1 overlapping interval(s)" in text
    assert back[["start", "end", "label"]].values.tolist() == [[1.0, 1.001, "uh"], [2.0, 2.5, "a"], [2.5, 3.0, "b"]]


@pytest.mark.parametrize("read, name", [(read_eaf, "bad.eaf"), (read_textgrid, "bad.TextGrid")])
def test_a_broken_file_is_a_schema_error_naming_it(tmp_path, read, name):
    path = tmp_path / name
    path.write_text("<nonsense")
    with pytest.raises(SchemaError) as info:
        read(path)
    assert name in str(info.value)


# ------------------------------------------------------------------ the interval table itself
def test_make_intervals_orders_by_tier_then_time_and_keeps_empty_tiers():
    table = make_intervals([{"start": 2.0, "end": 3.0, "label": "b", "tier": "t2"},
                            {"start": 1.0, "end": 1.5, "label": None, "tier": "t1"},
                            {"start": 0.0, "end": 0.5, "label": "a", "tier": "t2"}], tiers=["t2", "t1", "t3"])
    assert table.attrs["tiers"] == ["t2", "t1", "t3"]
    assert table[["tier", "label"]].values.tolist() == [["t2", "a"], ["t2", "b"], ["t1", ""]]
    empty = make_intervals([], tiers=["words"])
    assert empty.empty and list(empty.columns) == list(INTERVAL_COLUMNS) and empty.attrs["tiers"] == ["words"]


@pytest.mark.parametrize("records, kwargs, message", [
    ([{"start": 0.0, "end": 1.0}], {}, "expected a 'tier' column"),
    ([{"start": 1.0, "end": 0.5, "tier": "w"}], {}, "expected 0 <= start <= end"),
    ([{"start": -1.0, "end": 0.5, "tier": "w"}], {}, "expected 0 <= start <= end"),
    ([{"start": "soon", "end": 0.5, "tier": "w"}], {}, "expected a finite numeric interval start"),
    ([{"start": 0.0, "end": np.inf, "tier": "w"}], {}, "expected a finite numeric interval end"),
    ([{"start": 0.0, "tier": "w"}], {}, "expected interval column 'end'"),
    ([{"start": 0.0, "end": 1.0, "tier": "x"}], {"tiers": ["w"]}, "expected intervals only in tiers"),
])
def test_make_intervals_rejects_bad_rows_naming_the_file(records, kwargs, message):
    with pytest.raises(SchemaError, match=message) as info:
        make_intervals(records, path="a.eaf", **kwargs)
    assert "a.eaf" in str(info.value)


# ------------------------------------------------------------------ property: any table of ms times and labels
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_labels = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
    lambda s: s.strip() == s and s != "")


@st.composite
def _tables(draw):
    tiers = draw(st.lists(st.sampled_from(["words", "pauses", "gesture_units", "notes"]), min_size=1, max_size=4,
                          unique=True))
    rows = []
    for tier in tiers:
        cuts = sorted(draw(st.sets(st.integers(0, 20_000), max_size=12)))
        for a, b in zip(cuts[::2], cuts[1::2]):  # disjoint intervals, whole milliseconds
            rows.append({"start": a / 1000, "end": b / 1000, "label": draw(_labels), "tier": tier})
    return make_intervals(rows, tiers=tiers)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=_tables())
def test_any_table_of_millisecond_intervals_round_trips_through_both_formats(tmp_path, table):
    for write, read, name in ((write_eaf, read_eaf, "p.eaf"), (write_textgrid, read_textgrid, "p.TextGrid")):
        back = read(write(tmp_path / name, table))
        assert back.attrs["tiers"] == table.attrs["tiers"]
        pd.testing.assert_frame_equal(back.reset_index(drop=True), table.reset_index(drop=True), check_dtype=False)


@pytest.mark.parametrize("edit, match", [
    (lambda xml: xml.replace('TIME_SLOT_REF1="ts2"', 'TIME_SLOT_REF1="ts999"', 1), "undefined 'ts999'"),
    (lambda xml: xml.replace('TIME_SLOT_ID="ts2" TIME_VALUE="200"', 'TIME_SLOT_ID="ts2"', 1), "'ts2' without one"),
])
def test_an_eaf_with_an_undefined_or_unaligned_time_slot_is_a_schema_error_naming_the_place(tmp_path, edit, match):
    path = write_eaf(tmp_path / "slots.eaf", _table())
    xml = path.read_text(encoding="utf-8")
    edited = edit(xml)
    assert edited != xml, "the fixture's first time slot changed; update the edit"
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(SchemaError, match=match) as info:
        read_eaf(path)
    assert "slots.eaf" in str(info.value) and "tier 'words', annotation 'a" in str(info.value)
