"""synth -> validate -> convert -> load: what is loaded equals what was written."""
from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from alloava_analysis.cli import main
from alloava_analysis.corpus import Corpus
from alloava_analysis.io.allo_ava import load_clip
from alloava_analysis.synthetic import SynthConfig, synthesize_clip

N_CLIPS, SEED = 3, 7
CONFIG = dict(duration_s=(20.0, 30.0))


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth") / "corpus"
    code = main(["synth", str(root), "--clips", str(N_CLIPS), "--seed", str(SEED), "--duration", "20", "30", "--quiet"])
    assert code == 0
    return root


def run_json(capsys, *argv):
    code = main([*argv, "--json", "--quiet"])
    return code, json.loads(capsys.readouterr().out)


def test_validate_reports_every_clip_ok(corpus_dir, capsys):
    code, report = run_json(capsys, "validate", str(corpus_dir))
    assert code == 0
    assert report["n_ok"] == N_CLIPS and report["n_errors"] == 0
    for clip in report["clips"]:
        assert clip["schema_variant"] == "frame_list/dict_points/mediapipe_pose_33+openpose_body_18"
        assert abs(clip["durations"]["audio_s"] - clip["durations"]["keypoints_s"]) < 0.1


def test_loaded_clip_equals_what_the_generator_made(corpus_dir):
    truth = json.loads((corpus_dir / "truth.json").read_text())
    config = SynthConfig(**CONFIG)
    for index, entry in enumerate(truth["clips"]):
        made = synthesize_clip(index, seed=SEED, config=config)
        assert made.clip.clip_id == entry["clip_id"]
        loaded = load_clip(corpus_dir, entry["clip_id"], expected_rate=48_000)
        for layout, pose in made.clip.poses.items():
            got = loaded.poses[layout]
            np.testing.assert_allclose(got["position"].values, pose["position"].values, atol=1.5e-6)
            np.testing.assert_allclose(got["confidence"].values, pose["confidence"].values, atol=1e-4)
            np.testing.assert_array_equal(got["time"].values, pose["time"].values)
        np.testing.assert_array_equal(loaded.words["word"], made.clip.words["word"])
        np.testing.assert_allclose(loaded.words[["start", "end"]], made.clip.words[["start", "end"]], atol=1e-4)
        audio = loaded.audio.read()
        assert loaded.audio.samplerate == 48_000 and audio.size == made.audio.size
        np.testing.assert_allclose(audio, made.audio, atol=1.0 / 32767)


def test_convert_then_store_load_equals_json_load(corpus_dir, capsys):
    code, result = run_json(capsys, "convert", str(corpus_dir))
    assert code == 0 and result["clips"] == N_CLIPS and result["rows"] > 0
    corpus = Corpus(corpus_dir)
    assert corpus.index["frames"].notna().all()
    for clip_id in corpus.clip_ids:
        from_store = corpus.load(clip_id)
        assert from_store.metadata["loaded_from"] == "store"
        from_json = load_clip(corpus_dir, clip_id)
        for layout in from_json.poses:
            xr.testing.assert_identical(from_store.poses[layout], from_json.poses[layout])
        assert from_store.words.equals(from_json.words)
        assert from_store.frame_text.equals(from_json.frame_text)
    code, again = run_json(capsys, "convert", str(corpus_dir))
    assert again["clips"] == 0 and again["unchanged"] == N_CLIPS


def test_stats_reports_measured_next_to_claims(corpus_dir, capsys):
    code, stats = run_json(capsys, "stats", str(corpus_dir))
    assert code == 0
    truth = json.loads((corpus_dir / "truth.json").read_text())
    measured = stats["measured"]
    assert measured["videos"] == N_CLIPS
    assert measured["words"] == sum(c["n_words"] for c in truth["clips"])
    assert measured["hours"] == pytest.approx(sum(c["duration_s"] for c in truth["clips"]) / 3600, rel=1e-3)
    names = {c["name"] for c in stats["claims"]}
    assert {"videos", "hours", "wpm", "speakers", "keypoints", "bytes"} <= names
    assert all(c["source"] for c in stats["claims"])
