"""Corpus-level evaluation: identical, jittered and frozen copies of a synthetic corpus move each metric
the expected way; planted blink rates come back; the JSON contract keys are there."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from alloava_analysis.corpus import Corpus
from alloava_analysis.io.layout import modality_path
from alloava_analysis.runs.evaluate import evaluate_corpora, measure_corpus
from alloava_analysis.synthetic import SynthConfig, generate_corpus
from tests.fixtures.evaluation import face_track, perturbed_copy

CONTRACT = {"fgd_kinetic", "fgd_geometric", "apd", "beat_align", "jerk", "hellinger_speed"}
REAL_BLINKS, GEN_BLINKS = 15.0, 5.0
N_BOOT = 30


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    base = tmp_path_factory.mktemp("evaluate")
    synth = base / "synth"
    generate_corpus(synth, n_clips=6, seed=0, config=SynthConfig(duration_s=(22.0, 26.0)), progress=False)
    clips = list(Corpus(synth).clips(progress=False))
    real_face, gen_face, planted = {}, {}, {"real": 0, "generated": 0, "minutes": 0.0}
    for i, clip in enumerate(clips):
        t = clip.pose["time"].values
        real_face[clip.clip_id], n_real = face_track(t, blinks_per_min=REAL_BLINKS, seed=i)
        gen_face[clip.clip_id], n_gen = face_track(t, blinks_per_min=GEN_BLINKS, seed=100 + i, head_sd_deg=1.0)
        planted["real"] += n_real
        planted["generated"] += n_gen
        planted["minutes"] += len(t) / 30.0 / 60.0
    paths = {"real": perturbed_copy(clips, base / "real", kind="identical", face=real_face),
             "identical": perturbed_copy(clips, base / "identical", kind="identical", face=real_face),
             "jitter1": perturbed_copy(clips, base / "jitter1", kind="jittered", sigma_px=1.0),
             "jitter4": perturbed_copy(clips, base / "jitter4", kind="jittered", sigma_px=4.0),
             "frozen": perturbed_copy(clips, base / "frozen", kind="frozen", face=gen_face, audio=False)}
    real = measure_corpus(paths["real"], progress=False)  # measured once, compared four times
    results = {name: evaluate_corpora(real, paths[name], n_boot=N_BOOT, progress=False)
               for name in ("identical", "jitter1", "jitter4", "frozen")}
    return paths, results, planted, clips


def _hostile_videos(folder: Path) -> None:
    """Entries named like videos that are not (issue 23), beside nothing else."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.mp4").write_bytes(b"")
    (folder / "random.mp4").write_bytes(np.random.default_rng(0).bytes(20_000))
    (folder / "text.mp4").write_text("this is not a video\n" * 50)
    (folder / "loop.mp4").symlink_to(folder / "loop.mp4")
    (folder / "dangling.mp4").symlink_to(folder / "missing.mp4")
    (folder / "x.mp4").mkdir()


def test_entries_named_like_videos_that_are_not_are_each_skipped_with_their_reason(tmp_path):
    from alloava_analysis.runs.evaluate import _videos

    folder = tmp_path / "gen"
    _hostile_videos(folder)
    real = Path(__file__).resolve().parents[2] / "fixtures" / "real" / "signer_wave.mp4"
    (folder / "good.mp4").symlink_to(real)
    videos, skipped = _videos(folder, "generated")
    assert videos == [folder / "good.mp4"]
    reasons = {Path(s["path"]).name: s["reason"] for s in skipped}
    assert set(reasons) == {"empty.mp4", "random.mp4", "text.mp4", "loop.mp4", "dangling.mp4", "x.mp4"}
    assert reasons["empty.mp4"] == "an empty file (0 bytes)" and reasons["x.mp4"] == "a folder, not a video file"
    assert reasons["loop.mp4"] == "a link loop" and reasons["dangling.mp4"].startswith("a broken link")
    assert reasons["random.mp4"].startswith("not a readable video") and reasons["text.mp4"].startswith("not a readable")
    assert all(s["side"] == "generated" for s in skipped)


def test_a_folder_of_only_bad_videos_names_the_folder_and_each_reason_not_a_work_path(tmp_path):
    from alloava_analysis.errors import InputPathError
    from alloava_analysis.runs.evaluate import prepare_side

    folder = tmp_path / "gen"
    _hostile_videos(folder)
    work = tmp_path / "work-internal"
    with pytest.raises(InputPathError) as info:
        prepare_side(folder, work_dir=work, side="generated", progress=False)
    text = str(info.value)
    assert str(folder) in text and "work-internal" not in text
    for name in ("empty.mp4", "random.mp4", "text.mp4", "loop.mp4", "dangling.mp4", "x.mp4"):
        assert name in text


def test_contract_keys_and_provenance(corpora):
    results = corpora[1]
    r = results["jitter1"]
    assert CONTRACT <= set(r["metrics"])
    for key in ("fgd_kinetic", "fgd_geometric"):
        fd = r["metrics"][key]
        assert fd["features"]["name"] in ("alloava-kinetic", "alloava-geometric") and fd["features"]["version"] == "1"
        assert fd["n_real"] > 50 and fd["n_generated"] > 50 and fd["n_real_groups"] == 6
        assert fd["ci_low"] <= fd["value"] <= fd["ci_high"] and fd["n_boot"] == N_BOOT
        assert "fd_infinity" in fd
    assert r["normalization"]["name"] == "alloava-shoulder-frame"
    assert r["real"]["clips_evaluated"] == r["generated"]["clips_evaluated"] == 6 and r["failed"] == []
    assert r["metrics"]["blinks_per_min"]["generated"] is None  # the jittered copy has no face data
    assert r["metrics"]["blinks_per_min"]["real"] > 0


def test_identical_copy_scores_zero(corpora):
    m = corpora[1]["identical"]["metrics"]
    assert m["fgd_kinetic"]["value"] == pytest.approx(0, abs=1e-8)
    assert m["fgd_geometric"]["value"] == pytest.approx(0, abs=1e-8)
    assert m["hellinger_speed"]["value"] == pytest.approx(0, abs=1e-8)
    for key in ("apd", "jerk", "acceleration", "beat_align", "blinks_per_min"):
        assert m[key]["difference"] == pytest.approx(0, abs=1e-9), key
    assert m["head_pose_fd"]["value"] == pytest.approx(0, abs=1e-8)


def test_jitter_moves_the_metrics_with_its_size(corpora):
    r = corpora[1]
    small, large = r["jitter1"]["metrics"], r["jitter4"]["metrics"]
    for key in ("fgd_kinetic", "hellinger_speed"):
        assert 0 < small[key]["value"] < large[key]["value"], key
    assert large["fgd_kinetic"]["value"] > large["fgd_kinetic"]["ci_low"] > 0
    for key in ("jerk", "acceleration"):
        assert 1 < small[key]["ratio"] < large[key]["ratio"], key
    # jitter barely changes where the body is: the geometric FD stays far below the kinetic one
    assert large["fgd_geometric"]["value"] < large["fgd_kinetic"]["value"]


def test_frozen_copy_has_no_motion_and_less_diversity(corpora):
    r = corpora[1]["frozen"]
    m = r["metrics"]
    assert m["jerk"]["generated"] == pytest.approx(0, abs=1e-6)
    assert m["acceleration"]["generated"] == pytest.approx(0, abs=1e-6)
    assert m["hellinger_speed"]["value"] > 0.9
    assert m["apd"]["generated"] < 0.8 * m["apd"]["real"]
    assert m["fgd_kinetic"]["value"] > 100 and m["fgd_kinetic"]["ci_low"] > 0
    assert m["beat_align"]["generated"] is None  # a still body has no kinematic beats
    assert r["generated"]["audio"] == {"own": 0, "real": 6, "none": 0}  # onsets from the real speech


def test_planted_blink_rates_and_head_motion_are_recovered(corpora):
    _, results, planted, _ = corpora
    m = results["frozen"]["metrics"]
    blinks = m["blinks_per_min"]
    assert blinks["blinks"] == {"real": planted["real"], "generated": planted["generated"]}
    assert blinks["real"] == pytest.approx(planted["real"] / planted["minutes"], rel=0.01)
    assert blinks["real"] == pytest.approx(REAL_BLINKS, rel=0.15)
    assert blinks["generated"] == pytest.approx(GEN_BLINKS, rel=0.2)
    std = m["head_pose_std"]
    for angle in ("pitch", "yaw", "roll"):
        assert std["real"][angle] > 3 * std["generated"][angle]
    assert m["head_pose_fd"]["value"] > 10
    assert m["head_beat_align"]["real"] is not None


@pytest.mark.filterwarnings("ignore:Fréchet distance on")  # 5 clips: fewer windows than geometric dims
def test_unreadable_generated_clip_is_reported_and_the_rest_evaluated(corpora, tmp_path):
    paths, _, _, clips = corpora
    broken = perturbed_copy(clips, tmp_path / "broken", kind="jittered", sigma_px=1.0)
    victim = Corpus(broken).clip_ids[0]
    modality_path(broken, "keypoints", victim).write_text("{not json")
    r = evaluate_corpora(paths["real"], broken, n_boot=0, progress=False)
    assert [f["clip_id"] for f in r["failed"]] == [victim] and r["failed"][0]["side"] == "generated"
    assert r["generated"]["clips_evaluated"] == 5
    assert np.isfinite(r["metrics"]["fgd_kinetic"]["value"])
