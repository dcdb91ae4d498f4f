"""Audio-video offset check: planted offsets are recovered, flagged beyond the tolerance, and refused when unusable."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.extract import sync
from alloava_analysis.model import make_pose
from alloava_analysis.schema import FACE_LANDMARKS

FPS, RATE, DURATION = 25.0, 16_000, 12.0


def _envelope(t: np.ndarray, seed: int) -> np.ndarray:
    """A syllable-like loudness pattern: random bumps 0.1-0.3 s long, silent gaps between phrases."""
    rng = np.random.default_rng(seed)
    env = np.zeros_like(t)
    pos = 0.3
    while pos < DURATION - 0.5:
        width = rng.uniform(0.1, 0.3)
        env += rng.uniform(0.4, 1.0) * np.exp(-0.5 * ((t - pos) / (width / 3)) ** 2)
        pos += width + (rng.uniform(0.4, 0.8) if rng.random() < 0.15 else rng.uniform(0.02, 0.1))
    return env


def _clip(offset_s: float, seed: int = 0, noise: float = 0.02):
    """Mouth opening at 25 fps following the loudness; the audio carries it ``offset_s`` later."""
    rng = np.random.default_rng(seed + 100)
    frame_times = np.arange(0, DURATION, 1 / FPS)
    mouth = 0.1 + 0.3 * _envelope(frame_times, seed) + noise * rng.standard_normal(frame_times.size)
    t = np.arange(int(DURATION * RATE)) / RATE
    carrier = rng.standard_normal(t.size)
    audio = (0.3 * _envelope(t - offset_s, seed) * carrier).astype(np.float32)
    return mouth, frame_times, audio


@pytest.mark.parametrize("offset", [-0.2, -0.08, 0.0, 0.04, 0.15, 0.3])
def test_planted_offset_is_recovered(offset):
    mouth, times, audio = _clip(offset)
    report = sync.estimate_av_offset(mouth, times, audio, RATE)
    assert report["reliable"], report["reason"]
    assert report["offset_s"] == pytest.approx(offset, abs=0.02)
    assert report["r"] > 0.5 and report["p_value"] <= report["alpha"]
    assert report["n_surrogates"] >= 5 / report["alpha"]  # p can fall below alpha with margin
    assert report["flagged"] is (abs(offset) > sync.DEFAULT_TOLERANCE_S)


def test_tolerance_decides_the_flag():
    mouth, times, audio = _clip(0.15)
    assert sync.estimate_av_offset(mouth, times, audio, RATE, tolerance_s=0.2)["flagged"] is False
    assert sync.estimate_av_offset(mouth, times, audio, RATE, tolerance_s=0.1)["flagged"] is True


def test_missing_face_frames_are_tolerated():
    mouth, times, audio = _clip(0.12)
    mouth[40:60] = np.nan  # face lost for 0.8 s
    report = sync.estimate_av_offset(mouth, times, audio, RATE)
    assert report["reliable"] and report["offset_s"] == pytest.approx(0.12, abs=0.02)


def test_offset_beyond_the_search_range_is_not_trusted():
    mouth, times, audio = _clip(0.9)
    report = sync.estimate_av_offset(mouth, times, audio, RATE, max_lag_s=0.5)
    assert not report["reliable"] and not report["flagged"]
    assert report["reason"]


@pytest.mark.parametrize("case, reason", [
    ("still", "moving mouth"),
    ("silent", "silence"),
    ("unrelated", "not above chance"),
    ("no_face", "tracked face"),
])
def test_unusable_clips_say_why(case, reason):
    mouth, times, audio = _clip(0.0)
    if case == "still":
        mouth = np.full_like(mouth, 0.1) + 0.001 * np.random.default_rng(1).standard_normal(mouth.size)
    elif case == "silent":
        audio = np.zeros_like(audio)
    elif case == "unrelated":
        audio = _clip(0.0, seed=7)[2]
    elif case == "no_face":
        mouth = np.full_like(mouth, np.nan)
    report = sync.estimate_av_offset(mouth, times, audio, RATE)
    assert not report["reliable"] and not report["flagged"]
    assert reason in report["reason"]


def _face(gaps: np.ndarray, width_px: float, frame_size: tuple[int, int]) -> "xr.Dataset":  # noqa: F821
    n = gaps.size
    pos = np.full((n, 2, 478), 0.5, np.float32)
    w, h = frame_size
    cx, cy = 0.5, 0.6
    pos[:, 0, FACE_LANDMARKS["mouth_left"]] = cx - width_px / 2 / w
    pos[:, 0, FACE_LANDMARKS["mouth_right"]] = cx + width_px / 2 / w
    pos[:, 1, [FACE_LANDMARKS["mouth_left"], FACE_LANDMARKS["mouth_right"]]] = cy
    pos[:, 0, [FACE_LANDMARKS["upper_lip_inner"], FACE_LANDMARKS["lower_lip_inner"]]] = cx
    pos[:, 1, FACE_LANDMARKS["upper_lip_inner"]] = cy - gaps / 2 / h
    pos[:, 1, FACE_LANDMARKS["lower_lip_inner"]] = cy + gaps / 2 / h
    return make_pose(pos, time=np.arange(n) / FPS, layout="mediapipe_face_478", frame_size=frame_size)


@pytest.mark.parametrize("frame_size", [(640, 640), (1280, 720)])
def test_mouth_opening_is_lip_gap_over_mouth_width_in_pixels(frame_size):
    gaps = np.array([0.0, 5.0, 10.0, 20.0])
    face = _face(gaps, width_px=40.0, frame_size=frame_size)
    np.testing.assert_allclose(sync.mouth_opening(face), gaps / 40.0, rtol=1e-4, atol=1e-5)


def test_mouth_opening_needs_a_face_layout():
    pose = make_pose(np.zeros((3, 2, 33)), time=[0, 1, 2], layout="mediapipe_pose_33")
    with pytest.raises(ValueError, match="mediapipe_face_478"):
        sync.mouth_opening(pose)


def test_a_clip_too_short_for_the_significance_test_abstains():
    mouth, times, audio = _clip(0.2)
    short = times < 5.0
    report = sync.estimate_av_offset(mouth[short], times[short], audio[:5 * RATE], RATE)
    assert not report["reliable"] and not report["flagged"] and np.isnan(report["offset_s"])
    assert report["reason"].startswith("too short")
    # a looser alpha needs fewer surrogates, so the same 5 s can be judged
    loose = sync.estimate_av_offset(mouth[short], times[short], audio[:5 * RATE], RATE, alpha=0.05)
    assert loose["n_surrogates"] >= 5 / 0.05 and loose["reliable"]
    assert loose["offset_s"] == pytest.approx(0.2, abs=0.02)


def test_a_variable_frame_rate_is_read_from_the_frame_times():
    mouth, times, audio = _clip(0.12)
    keep = (np.arange(times.size) % 3 != 1) & (np.random.default_rng(3).random(times.size) > 0.1)
    report = sync.estimate_av_offset(mouth[keep], times[keep], audio, RATE)
    assert report["reliable"] and report["offset_s"] == pytest.approx(0.12, abs=0.02)


def test_several_mouth_series_are_averaged():
    mouth, times, audio = _clip(-0.1)
    both = np.column_stack([mouth, 2 * mouth + 0.05])
    one = sync.estimate_av_offset(mouth, times, audio, RATE)
    two = sync.estimate_av_offset(both, times, audio, RATE)
    assert two["offset_s"] == pytest.approx(one["offset_s"], abs=1e-9)   # an affine copy adds nothing
    with pytest.raises(ValueError, match="frames"):
        sync.estimate_av_offset(both[:-1], times, audio, RATE)


def test_mouth_signals_add_jaw_open_when_blendshapes_exist():
    gaps = np.array([0.0, 5.0, 10.0, 20.0])
    face = _face(gaps, width_px=40.0, frame_size=(640, 640))
    names, series = sync.mouth_signals(face)
    assert names == ["mouth_opening"] and series.shape == (4, 1)
    jaw = np.array([0.1, 0.2, 0.3, 0.4], np.float32)
    face["blendshapes"] = (("time", "blendshape"), np.column_stack([jaw, 1 - jaw]))
    face = face.assign_coords(blendshape=["jawOpen", "mouthClose"])
    face["position"][2] = np.nan                                        # face lost in frame 2
    names, series = sync.mouth_signals(face)
    assert names == ["mouth_opening", "jawOpen"]
    np.testing.assert_allclose(series[[0, 1, 3], 1], jaw[[0, 1, 3]], rtol=1e-6)
    assert np.isnan(series[2]).all()


def test_speech_envelope_keeps_the_speech_band_and_floors_silence():
    t = np.arange(2 * RATE) / RATE
    hum = 0.3 * np.sin(2 * np.pi * 60 * t)                                # mains hum, below the band
    voice = 0.3 * np.sin(2 * np.pi * 1000 * t) * (t >= 1.0)              # a tone in the band from 1 s on
    times, level, peak = sync.speech_envelope_db((hum + voice).astype(np.float32), RATE)
    assert np.diff(times) == pytest.approx(0.01)
    assert peak == pytest.approx(20 * np.log10(0.3 / np.sqrt(2)), abs=0.5)
    quiet, loud = level[(times > 0.2) & (times < 0.8)], level[(times > 1.2) & (times < 1.8)]
    assert loud.min() - quiet.max() > 30                                # the hum barely passes the band
    assert level.min() >= peak - sync.ENVELOPE_FLOOR_DB
