"""The synthetic generator plants what it says it plants (checked with plain numpy, not the analyses)."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alloava_analysis import synthetic as syn
from alloava_analysis.corpus import Corpus, read_labels
from alloava_analysis.io.allo_ava import load_clip
from alloava_analysis.synthetic import (
    HAND_KEYPOINTS,
    VOCABULARY,
    GroupEffect,
    SynthConfig,
    expected_window_correlation,
    generate_corpus,
    synthesize_clip,
)
from alloava_analysis.synthetic import latents as syn_latents
from alloava_analysis.synthetic import pose as syn_pose
from alloava_analysis.synthetic import speakers as syn_speakers
from alloava_analysis.synthetic import streams as syn_streams

SHORT = SynthConfig(duration_s=(12.0, 18.0))
MINUTE = SynthConfig(duration_s=(60.0, 60.0))


@pytest.fixture(scope="module")
def clips():
    """30 in-memory clips of 30-60 s (seed 11) shared by the statistical checks."""
    cfg = SynthConfig(duration_s=(30.0, 60.0))
    return [synthesize_clip(k, seed=11, config=cfg) for k in range(30)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth") / "corpus"
    truth = generate_corpus(root, n_clips=3, seed=5, config=SHORT, progress=False)
    return root, truth


def _hand_speed_from_pose(sc: syn.SyntheticClip) -> np.ndarray:
    """Per-frame mean central-difference speed of the confident hand keypoints, shoulder widths/s.

    As truth.json defines it: planar (x, y; z is MediaPipe's noisy relative depth) and relative
    to the shoulder midpoint.
    """
    ds = sc.clip.poses["mediapipe_pose_33"]
    w, h = ds.attrs["frame_width"], ds.attrs["frame_height"]
    pos = ds["position"].values[:, :2, :, 0].astype(float) * np.array([w, h])[None, :, None]
    shoulders = pos[:, :, [syn_pose._KP["left_shoulder"], syn_pose._KP["right_shoulder"]]]
    width = np.nanmedian(np.linalg.norm(shoulders[:, :, 0] - shoulders[:, :, 1], axis=1))
    hands = [syn_pose._KP[k] for k in HAND_KEYPOINTS]
    relative = pos[:, :, hands] - shoulders.mean(axis=2, keepdims=True)
    speed = np.linalg.norm(np.gradient(relative, sc.frame_time, axis=0), axis=1) / width
    conf = ds["confidence"].values[:, hands, 0]
    ok = conf >= 0.5
    ok[1:] &= ok[:-1]
    ok[:-1] &= ok[1:]
    n_ok = ok.sum(axis=1)
    return np.where(n_ok > 0, np.where(ok, speed, 0.0).sum(axis=1) / np.maximum(n_ok, 1), np.nan)


# ------------------------------------------------------------------------------------------
# determinism
# ------------------------------------------------------------------------------------------
def test_same_seed_same_clip_different_seed_differs():
    a = synthesize_clip(2, seed=3, config=SHORT)
    b = synthesize_clip(2, seed=3, config=SHORT)
    c = synthesize_clip(2, seed=4, config=SHORT)
    pos = lambda sc: sc.clip.pose["position"].values  # noqa: E731
    np.testing.assert_array_equal(pos(a), pos(b))
    np.testing.assert_array_equal(a.audio, b.audio)
    pd.testing.assert_frame_equal(a.clip.words, b.clip.words)
    assert a.truth == b.truth
    assert a.clip.clip_id != c.clip.clip_id
    assert not np.array_equal(a.audio[:1000], c.audio[:1000])


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


# ------------------------------------------------------------------------------------------
# the layout on disk
# ------------------------------------------------------------------------------------------
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


# ------------------------------------------------------------------------------------------
# words and speech rate
# ------------------------------------------------------------------------------------------
def test_word_starts_per_window_follow_the_planted_rate():
    sc = synthesize_clip(0, seed=21, config=MINUTE)
    w = sc.windows
    starts = sc.clip.words["start"].to_numpy()
    counted = np.array([((starts >= a) & (starts < b)).sum() for a, b in zip(w["start"], w["end"])])
    np.testing.assert_array_equal(counted, w["n_words"])
    planted = w["rate_wps"] * (w["end"] - w["start"])
    assert (np.abs(counted - planted) <= 0.5 + 1e-9).all()
    words = sc.clip.words
    assert (words["end"] > words["start"]).all() and (words["start"].diff().dropna() > 0).all()
    assert (words["start"].to_numpy()[1:] >= words["end"].to_numpy()[:-1]).all()  # no overlap
    assert words["end"].max() < sc.truth["duration_s"]


def test_words_come_from_the_vocabulary_with_pauses_and_sentences():
    sc = synthesize_clip(1, seed=21, config=MINUTE)
    words, segments = sc.clip.words, sc.clip.segments
    bare = words["word"].str.lower().str.rstrip(".")
    assert bare.isin(list(VOCABULARY)).all()
    syllables = bare.map(VOCABULARY).to_numpy()
    per_syllable = ((words["end"] - words["start"]) / syllables).to_numpy()
    assert 0.10 < np.median(per_syllable) < 0.22
    gaps = words["start"].to_numpy()[1:] - words["end"].to_numpy()[:-1]
    sentence_end = words["word"].str.endswith(".").to_numpy()[:-1]
    assert (gaps[sentence_end] >= 0.25).all()  # a pause after every sentence
    assert 0.05 < (gaps >= 0.25).mean() < 0.4
    sizes = words.groupby("segment").size().to_numpy()
    assert ((sizes[:-1] >= 8) & (sizes[:-1] <= 20)).all()
    assert len(segments) == len(sizes)
    np.testing.assert_allclose(segments["start"], words.groupby("segment")["start"].min())
    assert words["probability"].between(0, 1).all()


def test_frame_text_names_the_word_being_spoken():
    sc = synthesize_clip(0, seed=2, config=SHORT)
    text, words = sc.clip.frame_text, sc.clip.words
    assert len(text) == sc.frame_time.size
    for t, label in text.items():
        inside = words[(words["start"] <= t) & (t < words["end"])]
        assert label == (inside["word"].iat[0] if len(inside) else "")
    assert (text != "").mean() > 0.5


def test_wpm_over_a_corpus_is_near_208(clips):
    n_words = sum(sc.truth["n_words"] for sc in clips)
    minutes = sum(sc.truth["duration_s"] for sc in clips) / 60
    assert abs(n_words / minutes - 208) < 0.06 * 208


# ------------------------------------------------------------------------------------------
# movement
# ------------------------------------------------------------------------------------------
def test_realised_hand_speed_matches_the_planted_profile():
    sc = synthesize_clip(3, seed=8, config=MINUTE)
    measured = _hand_speed_from_pose(sc)
    ok = np.isfinite(measured)
    assert ok.mean() > 0.85
    assert np.corrcoef(measured[ok], sc.hand_speed[ok])[0, 1] > 0.99
    assert abs(np.median(measured[ok] / sc.hand_speed[ok]) - 1) < 0.02
    # the window means are the planted intensities
    full = sc.windows["full"].to_numpy()
    win = np.minimum((sc.frame_time // 5.0).astype(int), len(sc.windows) - 1)
    means = pd.Series(measured).groupby(win).mean().to_numpy()[full]
    np.testing.assert_allclose(means, sc.windows["intensity"].to_numpy()[full], rtol=0.05)
    np.testing.assert_allclose(sc.windows["realized_intensity"], sc.windows["intensity"], rtol=1e-9)


def test_fingers_move_rigidly_with_the_wrist_and_hands_stay_in_frame():
    sc = synthesize_clip(0, seed=8, config=MINUTE)
    pos = sc.clip.pose["position"]
    conf = sc.clip.pose["confidence"]
    wrist = pos.sel(keypoint="left_wrist").values[..., 0]
    for finger in ("left_pinky", "left_index", "left_thumb"):
        offset = pos.sel(keypoint=finger).values[..., 0] - wrist
        tracked = (conf.sel(keypoint=[finger, "left_wrist"]).values[..., 0] > 0.5).all(axis=1)
        assert np.nanstd(offset[tracked, :2], axis=0).max() < 0.002  # tracking noise only (bursts excluded)
    y = pos.sel(keypoint=list(HAND_KEYPOINTS), space="y").values
    assert np.nanpercentile(y, 99) < 1.0 and np.nanmin(pos.sel(space="y").values[:, :11]) > 0


def test_window_latents_have_the_planted_correlation_and_autocorrelation():
    cfg = SynthConfig(correlation=0.5, ar_phi=0.6)
    lat = syn_latents.window_latents(40_000, cfg, np.random.default_rng(0))
    s, m = lat[:, 0], lat[:, 1]
    assert abs(np.corrcoef(s, m)[0, 1] - 0.5) < 0.03
    assert abs(np.corrcoef(s[1:], s[:-1])[0, 1] - 0.6) < 0.03
    assert abs(np.corrcoef(m[1:], m[:-1])[0, 1] - 0.6) < 0.03
    np.testing.assert_allclose(lat.std(axis=0), 1.0, atol=0.03)


def test_expected_window_correlation_is_close_to_the_planted_one():
    assert abs(expected_window_correlation(SynthConfig()) - 0.5) < 0.02
    assert abs(expected_window_correlation(SynthConfig(correlation=-0.3)) + 0.3) < 0.02
    assert expected_window_correlation(SynthConfig(), pooled=True) < expected_window_correlation(SynthConfig())


@pytest.mark.slow
def test_measured_window_correlation_recovers_expected_r(clips):
    """Words/s and pose-measured intensity, z-scored within clip and pooled, give expected_r."""
    rates, intensities = [], []
    for sc in clips:
        full = sc.windows["full"].to_numpy()
        starts = sc.clip.words["start"].to_numpy()
        w = sc.windows[full]
        rate = np.array([((starts >= a) & (starts < b)).sum() for a, b in zip(w["start"], w["end"])]) / 5.0
        win = (sc.frame_time // 5.0).astype(int)
        measured = pd.Series(_hand_speed_from_pose(sc)).groupby(win).mean().to_numpy()[: full.sum()]
        for vec, out in ((rate, rates), (measured, intensities)):
            out.append((vec - vec.mean()) / vec.std())
    r = np.corrcoef(np.concatenate(rates), np.concatenate(intensities))[0, 1]
    n_windows = sum(len(x) for x in rates)
    assert n_windows > 200
    # within-clip centring of short AR(1) series shrinks r a little; the tolerance covers it
    assert abs(r - expected_window_correlation(SynthConfig())) < 0.12


def test_hand_speed_leads_speech_energy_by_the_planted_lag():
    sc = synthesize_clip(0, seed=9, config=MINUTE)
    fps = 30.0
    # audio RMS in 1/30 s frames, smoothed over ~0.2 s (the syllable rhythm averaged out)
    hop = 48_000 // 30
    frames = sc.audio[: sc.frame_time.size * hop].reshape(-1, hop).astype(float)
    rms = np.convolve(np.sqrt((frames ** 2).mean(axis=1)), np.ones(6) / 6, mode="same")
    speed = _hand_speed_from_pose(sc)
    lags = np.arange(-15, 16)

    def xcorr(x, y, k):  # corr(x[t], y[t + k])
        a, b = (x[: x.size - k], y[k:]) if k >= 0 else (x[-k:], y[: y.size + k])
        ok = np.isfinite(a) & np.isfinite(b)
        return np.corrcoef(a[ok], b[ok])[0, 1]

    best_truth = lags[np.argmax([xcorr(sc.hand_speed, sc.speech_modulation, k) for k in lags])]
    assert best_truth / fps == pytest.approx(0.15, abs=0.5 / fps)
    curve = [xcorr(speed, rms, k) for k in lags]
    assert lags[int(np.argmax(curve))] / fps == pytest.approx(0.15, abs=1.5 / fps)
    assert max(curve) > 0.3


def test_no_fine_coupling_means_independent_fast_fluctuations():
    sc = synthesize_clip(0, seed=9, config=dataclasses.replace(MINUTE, fine_coupling=0.0))
    assert np.all(sc.speech_modulation == 1.0)
    # within a window the hand speed is constant, syllable amplitudes are not tied to it
    syl = sc.syllables
    frame = np.minimum(np.rint((syl["start"] + syl["end"]).to_numpy() / 2 * 30).astype(int), sc.frame_time.size - 1)
    within = sc.hand_speed[frame] / sc.windows["intensity"].to_numpy()[np.minimum(frame // 150, len(sc.windows) - 1)]
    np.testing.assert_allclose(within, 1.0)
    coupled = synthesize_clip(0, seed=9, config=MINUTE)
    t = (coupled.syllables["start"] + coupled.syllables["end"]).to_numpy() / 2
    speed_then = np.interp(t - 0.15, coupled.frame_time, coupled.hand_speed)
    window_level = np.interp(t - 0.15, coupled.frame_time, coupled.windows["intensity"].to_numpy()[
        np.minimum((coupled.frame_time // 5).astype(int), len(coupled.windows) - 1)])
    assert np.corrcoef(coupled.syllables["amplitude"], speed_then / window_level)[0, 1] > 0.6


# ------------------------------------------------------------------------------------------
# tracking quality and groups
# ------------------------------------------------------------------------------------------
def test_dropout_and_low_confidence_fractions(clips):
    for sc in clips:
        ds = sc.clip.pose
        pos = ds["position"].sel(keypoint=list(HAND_KEYPOINTS)).values
        conf = ds["confidence"].sel(keypoint=list(HAND_KEYPOINTS)).values
        lost = np.isnan(pos).any(axis=1)
        assert sc.truth["dropout_fraction"] == pytest.approx(lost.mean(), abs=1e-6)
        assert (conf[lost] == 0).all()
        low = (conf >= 0.1) & (conf <= 0.4) & ~lost
        assert sc.truth["low_conf_fraction"] == pytest.approx(low.mean(), abs=1e-6)
        assert abs(sc.truth["dropout_fraction"] - sc.truth["planted_dropout_rate"]) < 0.02
        assert abs(sc.truth["low_conf_fraction"] - sc.truth["planted_low_conf_rate"]) < 0.012
        others = ds["confidence"].sel(keypoint=["nose", "left_shoulder", "right_elbow"]).values
        assert others.min() >= 0.85 and others.max() <= 0.99
    table = pd.DataFrame([sc.truth for sc in clips])
    darker = table["skin_tone"] == "darker"
    assert darker.any() and (~darker).any()
    base = table.loc[~darker, "dropout_fraction"].mean()
    assert base == pytest.approx(0.03, abs=0.006)
    assert table.loc[darker, "dropout_fraction"].mean() / base == pytest.approx(3.0, rel=0.25)


def test_planted_group_differences_in_asr_and_movement(clips):
    table = pd.DataFrame([sc.truth for sc in clips])
    old = table["age_group"] == "55+"
    assert table.loc[old, "mean_asr_probability"].mean() == pytest.approx(0.78, abs=0.02)
    assert table.loc[~old, "mean_asr_probability"].mean() == pytest.approx(0.90, abs=0.02)
    young = table["age_group"] == "18-34"
    # planted values depend only on the planted group (so gender, for example, has no effect)
    np.testing.assert_allclose(table["planted_intensity_base"], np.where(young, 0.84, 0.70))
    np.testing.assert_allclose(table["planted_asr_probability"], np.where(old, 0.78, 0.90))
    np.testing.assert_allclose(table["planted_dropout_rate"], np.where(table["skin_tone"] == "darker", 0.09, 0.03))
    np.testing.assert_allclose(table["planted_low_conf_rate"], 0.02)
    assert set(table["gender"]) == {"female", "male"}
    ratio = table.loc[young, "mean_intensity"].mean() / table.loc[~young, "mean_intensity"].mean()
    assert ratio == pytest.approx(1.2, rel=0.15)


def test_speakers_recur_and_keep_their_demographics_and_voice(clips):
    table = pd.DataFrame([sc.truth for sc in clips])
    n_speakers = table["speaker_id"].nunique()
    assert 0.25 * len(table) < n_speakers < 0.75 * len(table)
    per_speaker = table.groupby("speaker_id")[["gender", "age_group", "skin_tone", "f0_hz"]].nunique()
    assert (per_speaker == 1).all().all()
    female = table["gender"] == "female"
    assert table.loc[female, "f0_hz"].between(190, 230).all()
    assert table.loc[~female, "f0_hz"].between(110, 140).all()


def test_speaker_and_category_shares_over_many_clips():
    cfg = SynthConfig()
    keys = [syn_streams.clip_identity(syn_streams.stream(1, 0, k), cfg)[0] for k in range(3000)]
    shares = pd.Series([k.category for k in keys]).value_counts(normalize=True)
    for name, p in cfg.category_mix:
        assert shares[name] == pytest.approx(p, abs=0.03)
    ids = [k.youtube_id for k in keys]
    assert len(set(ids)) == len(ids) and all(len(i) == 11 for i in ids)
    speakers = syn_speakers.speaker_sequence(3000, 1, cfg.speakers_per_clip)
    assert speakers[0] == 0 and len(np.unique(speakers)) / 3000 == pytest.approx(0.47, abs=0.03)
    np.testing.assert_array_equal(syn_speakers.speaker_sequence(100, 1, cfg.speakers_per_clip), speakers[:100])


# ------------------------------------------------------------------------------------------
# audio
# ------------------------------------------------------------------------------------------
def test_audio_is_48k_mono_with_energy_exactly_during_words():
    sc = synthesize_clip(0, seed=13, config=SHORT)
    assert sc.samplerate == 48_000 and sc.audio.dtype == np.float32 and sc.audio.ndim == 1
    assert sc.audio.size == round(sc.truth["duration_s"] * 48_000)
    t = np.arange(sc.audio.size) / 48_000
    starts, ends = sc.clip.words["start"].to_numpy(), sc.clip.words["end"].to_numpy()
    i = np.searchsorted(starts, t, side="right") - 1
    inside = (i >= 0) & (t < ends[np.clip(i, 0, None)])
    rms_in = np.sqrt(np.mean(sc.audio[inside] ** 2))
    rms_out = np.sqrt(np.mean(sc.audio[~inside] ** 2))
    assert rms_in > 30 * rms_out
    assert np.abs(sc.audio).max() <= 1.0


def test_audio_pitch_is_the_speakers_f0():
    sc = synthesize_clip(0, seed=13, config=SHORT)
    word = sc.clip.words.iloc[int(np.argmax((sc.clip.words["end"] - sc.clip.words["start"]).to_numpy()))]
    seg = sc.audio[int(word.start * 48_000): int(word.end * 48_000)].astype(float)
    spectrum = np.abs(np.fft.rfft(seg * np.hanning(seg.size), n=1 << 20))
    freq = np.fft.rfftfreq(1 << 20, 1 / 48_000)
    band = (freq > 60) & (freq < 400)
    peak = freq[band][np.argmax(spectrum[band])]
    assert 0.85 * sc.truth["f0_hz"] < peak < 1.15 * sc.truth["f0_hz"]


# ------------------------------------------------------------------------------------------
# configuration
# ------------------------------------------------------------------------------------------
def test_config_is_json_ready_and_checked():
    d = SynthConfig().to_dict()
    assert json.loads(json.dumps(d))["category_mix"]["TED"] == 0.4
    assert d["group_effects"][0]["metric"] == "dropout_fraction"
    with pytest.raises(ValueError, match="correlation"):
        SynthConfig(correlation=1.5)
    with pytest.raises(ValueError, match="group of skin_tone"):
        SynthConfig(group_effects=(GroupEffect("skin_tone", "purple", "dropout_fraction", 0.1),))
    with pytest.raises(ValueError, match="clip_index"):
        synthesize_clip(-1, seed=0)
    with pytest.raises(ValueError, match="n_clips"):
        generate_corpus(Path("/nonexistent"), n_clips=0, seed=0)


def test_no_group_effects_gives_equal_planted_values():
    cfg = SynthConfig(group_effects=())
    sc = [synthesize_clip(k, seed=2, config=dataclasses.replace(cfg, duration_s=(6.0, 6.0))) for k in range(6)]
    assert {c.truth["planted_dropout_rate"] for c in sc} == {0.03}
    assert {c.truth["planted_asr_probability"] for c in sc} == {0.9}
    assert {c.truth["planted_intensity_base"] for c in sc} == {0.7}


def test_config_round_trips_through_truth_json(tmp_path):
    cfg = SynthConfig(correlation=0.2, duration_s=(10.0, 12.0))
    truth = generate_corpus(tmp_path / "c", n_clips=1, seed=4, config=cfg, progress=False)
    stored = json.loads((tmp_path / "c" / "truth.json").read_text())["generator"]["config"]
    assert SynthConfig.from_dict(stored) == cfg
    again = synthesize_clip(0, seed=4, config=SynthConfig.from_dict(stored), audio=False)
    assert again.clip.clip_id == truth["clips"][0]["clip_id"]
