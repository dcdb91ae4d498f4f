"""The corpus driver of the synchrony analysis: clips measured through the executor, units joined, failures listed."""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.corpus import Corpus
from alloava_analysis.crossmodal.synchrony import synchrony
from alloava_analysis.errors import SchemaError
from alloava_analysis.io.allo_ava import write_clip
from alloava_analysis.io.atomic import write_text
from alloava_analysis.model import make_words
from alloava_analysis.runs.settings import SynchronySettings
from alloava_analysis.runs.synchrony import synchrony_corpus
from tests.fixtures.datasets import corrupt, make_clip
from tests.fixtures.planted_prosody import PLANTED_KINDS, SR, planted_corpus

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from scripts.measure_synchrony import measured_events  # noqa: E402

CHEAP = {"n_null": 99, "n_boot": 200}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A planted corpus (3 speakers x 2 clips of 16 s) in the Allo-AVA layout, with its units keyed by clip id."""
    root = tmp_path_factory.mktemp("synchrony") / "corpus"
    planted = planted_corpus(4, n_speakers=3, clips_per_speaker=2)
    ids, rows = {}, []
    for i, (name, samples) in enumerate(planted.audio.items()):
        clip = make_clip(i, n_frames=400)
        clip = dataclasses.replace(clip, words=make_words(planted.words[name]), frame_text=None)
        write_clip(root, clip, audio=samples, samplerate=SR)
        ids[name] = clip.clip_id
        rows.append({"clip_id": clip.clip_id, "speaker_id": name.split("_")[0]})
    write_text(root / "labels.csv", pd.DataFrame(rows).to_csv(index=False))
    units = planted.units.assign(clip_id=planted.units["clip_id"].map(ids))
    return root, planted, units, ids


def test_the_driver_gives_what_the_library_gives_on_the_same_clips(written):
    root, planted, units, ids = written
    result = synchrony_corpus(root, units, progress=False, **CHEAP)
    events, spans = measured_events(planted)
    events["clip_id"] = events["clip_id"].map(ids)
    spans = {ids[k]: v for k, v in spans.items()}
    direct = synchrony(units, events, spans, **SynchronySettings(**CHEAP).synchrony_options())
    for got, want in zip(result["pooled"], direct["pooled"]):
        assert got["kind"] == want["kind"] and got["n_units"] == want["n_units"]
        # the same events up to the 16-bit WAV the driver reads back
        assert got["mean_lag_s"] == pytest.approx(want["mean_lag_s"], abs=0.002)
    pooled = {row["kind"]: row for row in result["pooled"]}
    for kind in PLANTED_KINDS:
        assert pooled[kind]["coincides"] and pooled[kind]["n_speakers"] == 3 and pooled[kind]["n_clips"] == 6
    assert result["failed"] == [] and result["skipped"] == [] and result["n_clips"] == 6
    assert result["settings"]["n_null"] == 99 and result["settings"]["f0_method"] == "praat"
    assert set(result["events"]["clip_id"]) == set(ids.values())
    assert result["event_kinds"]["f0_peak"]["unit"] == "Hz"


def test_speakers_come_from_the_labels_when_the_units_have_none(written, tmp_path):
    import shutil

    root, _, units, _ = written
    result = synchrony_corpus(root, units.drop(columns="speaker_id"), progress=False, kinds=("word_onset",),
                              **CHEAP)
    assert result["pooled"][0]["n_speakers"] == 3 and not result["notes"]
    shutil.copytree(root, tmp_path / "unlabelled", ignore=shutil.ignore_patterns("labels.csv"))
    bare = synchrony_corpus(Corpus(tmp_path / "unlabelled"), units.drop(columns="speaker_id"),
                            progress=False, kinds=("word_onset",), **CHEAP)
    assert bare["pooled"][0]["n_speakers"] == 6
    assert any("own speaker" in note for note in bare["notes"])


def test_unknown_clips_are_skipped_and_unreadable_audio_fails_the_clip_only(written, tmp_path):
    import shutil

    root, planted, units, ids = written
    copy = tmp_path / "corpus"
    shutil.copytree(root, copy)
    broken = sorted(ids.values())[0]
    corrupt(copy, broken, "garbage_audio")
    extra = units.iloc[:2].assign(clip_id="TED_notinthecorp")
    result = synchrony_corpus(copy, pd.concat([units, extra]), progress=False, kinds=("f0_peak",), **CHEAP)
    assert [f["clip_id"] for f in result["failed"]] == [broken]
    assert {"clip_id": "TED_notinthecorp", "reason": "gesture units given for a clip the corpus does not have"} \
        in result["skipped"]
    assert result["n_clips"] == 5 and result["pooled"][0]["n_clips"] == 5
    with pytest.raises(SchemaError, match="at least one clip"):
        synchrony_corpus(copy, units[units["clip_id"] == broken], progress=False, **CHEAP)
    with pytest.raises(SchemaError, match="peak_time_s"):
        synchrony_corpus(copy, units.drop(columns="peak_time_s"), progress=False, **CHEAP)


def test_settings_are_checked_and_recorded():
    s = SynchronySettings(kinds="f0_peak", fmin=70.0, fmax=300.0)
    assert s.kinds == ("f0_peak",) and s.prosody_options()["fmin"] == 70.0
    assert s.to_dict()["null"] == "shift"
    with pytest.raises(Exception, match="fmax"):
        SynchronySettings(fmin=70.0)
    assert np.isclose(1 / (1 + SynchronySettings().n_null), 0.001)
