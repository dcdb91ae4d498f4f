"""A written synthetic corpus: files, labels.csv and truth.json."""
from __future__ import annotations

import json

import numpy as np
import pytest

from alloava_analysis import synthetic as syn
from alloava_analysis.corpus import Corpus, read_labels
from alloava_analysis.io.allo_ava import load_clip
from alloava_analysis.synthetic import generate_corpus, synthesize_clip
from tests.fixtures.synthetic import SHORT


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth") / "corpus"
    truth = generate_corpus(root, n_clips=3, seed=5, config=SHORT, progress=False)
    return root, truth


def test_clip_does_not_depend_on_corpus_size(corpus):
    root, truth = corpus
    sc = synthesize_clip(2, seed=5, config=SHORT)
    assert truth["clips"][2] == sc.truth


def test_same_seed_gives_byte_identical_files(corpus, tmp_path):
    root, _ = corpus
    again = tmp_path / "again"
    generate_corpus(again, n_clips=3, seed=5, config=SHORT, progress=False)
    files = sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
    assert sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file()) == files
    assert len(files) == 3 * 3 + 2
    for rel in files:
        assert (root / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_corpus_loads_back_like_the_in_memory_clip(corpus):
    root, truth = corpus
    entry = truth["clips"][1]
    sc = synthesize_clip(1, seed=5, config=SHORT)
    clip = load_clip(root, entry["clip_id"])
    assert clip.clip_id == sc.clip.clip_id == entry["clip_id"]
    assert clip.category in {"TED", "Interview", "Panel", "Presentation"}
    for layout in ("mediapipe_pose_33", "openpose_body_18"):
        mem, disk = sc.clip.poses[layout], clip.poses[layout]
        np.testing.assert_allclose(disk["position"].values, mem["position"].values, atol=2e-6)
        np.testing.assert_allclose(disk["confidence"].values, mem["confidence"].values, atol=1e-4)
        np.testing.assert_allclose(disk["time"].values, mem["time"].values, atol=1e-9)
    np.testing.assert_array_equal(clip.words["word"].to_numpy(), sc.clip.words["word"].to_numpy())
    np.testing.assert_allclose(clip.words["start"], sc.clip.words["start"], atol=1e-4)
    assert clip.audio.samplerate == 48_000
    assert clip.audio.frames == sc.audio.size == round(entry["duration_s"] * 48_000)
    np.testing.assert_allclose(clip.audio.read(), sc.audio, atol=1.5 / 32768)
    assert list(clip.frame_text.to_numpy()) == list(sc.clip.frame_text.to_numpy())


def test_labels_csv_is_keyed_by_clip_id(corpus):
    root, truth = corpus
    labels = read_labels(root / "labels.csv")
    assert list(labels.columns) == ["clip_id", "speaker_id", "gender", "age_group", "skin_tone", "label_source"]
    assert list(labels["clip_id"]) == [c["clip_id"] for c in truth["clips"]]
    assert labels["label_source"].str.startswith("synthetic").all()
    for row, entry in zip(labels.itertuples(), truth["clips"]):
        assert (row.speaker_id, row.gender, row.age_group, row.skin_tone) == (
            entry["speaker_id"], entry["gender"], entry["age_group"], entry["skin_tone"])
    index = Corpus(root).index.set_index("clip_id")
    assert index.loc[truth["clips"][0]["clip_id"], "skin_tone"] == truth["clips"][0]["skin_tone"]


def test_truth_json_records_the_planted_effects(corpus):
    root, truth = corpus
    on_disk = json.loads((root / "truth.json").read_text())
    assert on_disk == json.loads(json.dumps(truth))
    gen, eff = on_disk["generator"], on_disk["effects"]
    assert (gen["name"], gen["seed"], gen["n_clips"]) == ("alloava-synthetic", 5, 3)
    assert gen["config"]["correlation"] == 0.5 and gen["config"]["duration_s"] == [12.0, 18.0]
    assert eff["coupling"]["latent_correlation"] == 0.5 and eff["coupling"]["window_s"] == 5.0
    assert abs(eff["coupling"]["expected_r"] - 0.5) < 0.02
    assert {"speech_rate", "movement_intensity"} <= set(eff["coupling"]["definitions"])
    assert "shoulder widths per second" in eff["coupling"]["definition"]
    assert eff["lag"]["motion_leads_speech_s"] == 0.15 and eff["mutual_information"]["coupled"] is True
    planted = {(g["attribute"], g["group"], g["metric"]) for g in eff["groups"]}
    assert ("skin_tone", "darker", "dropout_fraction") in planted
    assert ("age_group", "55+", "asr_probability") in planted
    nulls = {(n["attribute"], n["metric"]) for n in eff["no_group_effect"]}
    assert ("gender", "dropout_fraction") in nulls and ("skin_tone", "asr_probability") in nulls
    assert not nulls & {(a, m) for a, _, m in planted}
    assert len(nulls) + len(planted) == len(syn.ATTRIBUTES) * len(syn.METRICS)
    for entry in on_disk["clips"]:
        assert {"clip_id", "category", "youtube_id", "speaker_id", "duration_s", "n_words", "wpm", "f0_hz",
                "dropout_fraction", "low_conf_fraction", "gender", "age_group", "skin_tone",
                "realized_window_r"} <= set(entry)


def test_extra_clips_in_the_folder_are_reported(corpus, tmp_path):
    root, _ = corpus
    out = tmp_path / "mixed"
    generate_corpus(out, n_clips=2, seed=5, config=SHORT, progress=False)
    with pytest.warns(UserWarning, match="not written by this run"):
        generate_corpus(out, n_clips=1, seed=6, config=SHORT, progress=False)
