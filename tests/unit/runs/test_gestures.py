"""``gestures_corpus``: one table row per gesture unit of every clip, units with the CSV, tiers on request."""
from __future__ import annotations

from pathlib import Path

import pytest

from alloava_analysis.errors import OutputPathError, ParameterError
from alloava_analysis.features.gestures import COLUMNS, GestureSettings
from alloava_analysis.io.export.intervals import read_eaf
from alloava_analysis.io.export.tables import read_table
from alloava_analysis.runs.gestures import gestures_corpus
from alloava_analysis.runs.settings import SynchronySettings
from alloava_analysis.synthetic import SynthConfig, generate_corpus
from tests.fixtures.datasets import corrupt


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    root = tmp_path_factory.mktemp("gestures") / "corpus"
    generate_corpus(root, n_clips=3, seed=1, config=SynthConfig(duration_s=(16.0, 20.0)), progress=False)
    return root


def test_every_unit_of_every_clip_is_one_row_with_units_and_the_join_columns(synth, tmp_path):
    result = gestures_corpus(synth, out=tmp_path / "g", progress=False)
    assert result["failed"] == [] and result["clips"] == 3
    table = read_table(result["table"])
    assert len(table) == result["gestures"] == sum(c["gestures"] for c in result["per_clip"]) >= 1
    assert list(table.columns) == list(COLUMNS)
    assert {"clip_id", "unit", "peak_time_s", "start_s", "end_s"} <= set(table.columns)
    assert table.attrs["units"]["peak_time_s"] == "s" and table.attrs["units"]["amplitude"] == "shoulder widths"
    assert table["speaker_id"].notna().all()               # the synthetic clips know their speaker
    assert result["settings"]["hold_speed"] == GestureSettings().hold_speed


def test_synchrony_times_the_table_units_and_writes_their_lags(synth, tmp_path):
    result = gestures_corpus(synth, out=tmp_path / "g", synchrony=SynchronySettings(n_null=19, n_boot=50),
                             progress=False)
    sync = result["synchrony"]
    units = read_table(result["table"])
    lags = read_table(sync["table"])
    analysed = len(units) - sync["n_outside_speech"]
    assert len(lags) == analysed * len(sync["settings"]["kinds"])
    assert set(zip(lags["clip_id"], lags["unit"])) <= set(zip(units["clip_id"], units["unit"]))
    assert sync["failed"] == [] and sync["null"]["draws"] == 19
    silent = gestures_corpus(synth, out=tmp_path / "h", progress=False)
    assert "synchrony" not in silent and not (tmp_path / "h" / "synchrony.csv").exists()
    with pytest.raises(ParameterError, match="SynchronySettings"):
        gestures_corpus(synth, out=tmp_path / "k", synchrony={"n_null": 9}, progress=False)


def test_tiers_are_written_per_clip_and_read_back(synth, tmp_path):
    result = gestures_corpus(synth, out=tmp_path / "g", tiers="eaf", progress=False, hold_min_s=0.1)
    eafs = [Path(f) for f in result["files"] if f.endswith(".eaf")]
    assert len(eafs) == 3 and result["settings"]["hold_min_s"] == 0.1
    with_units = [c["clip_id"] for c in result["per_clip"] if c["gestures"]]
    tiers = read_eaf(next(p for p in eafs if p.stem == with_units[0]))
    assert {"submovements", "holds", "gesture_space", "gesture_units"} <= set(tiers.attrs["tiers"])
    n_sub = int(read_table(result["table"]).query("clip_id == @with_units[0]")["n_submovements"].sum())
    assert (tiers["tier"] == "submovements").sum() == n_sub


def test_a_broken_clip_is_listed_and_the_others_are_measured(tmp_path):
    root = tmp_path / "corpus"
    generate_corpus(root, n_clips=2, seed=2, config=SynthConfig(duration_s=(8.0, 8.0)), progress=False)
    bad = sorted(p.stem for p in (root / "keypoints").glob("*.json"))[0]
    corrupt(root, bad, "truncate_keypoints")
    result = gestures_corpus(root, progress=False)
    assert [f["clip_id"] for f in result["failed"]] == [bad] and result["clips"] == 1


def test_bad_options_are_refused_before_any_clip_is_measured(synth):
    with pytest.raises(ParameterError, match="tiers"):
        gestures_corpus(synth, tiers="docx", progress=False)
    with pytest.raises(ParameterError, match="hold_sped"):
        gestures_corpus(synth, hold_sped=0.3, progress=False)
    with pytest.raises(ParameterError, match="settings"):
        gestures_corpus(synth, settings="fast", progress=False)
    with pytest.raises(OutputPathError):
        gestures_corpus(synth, out=synth / "keypoints" / "g", progress=False)
