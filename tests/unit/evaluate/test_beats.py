"""Beat alignment: motion whose strokes end on the audio onsets beats the same motion shifted."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.evaluate import audio_onsets, beat_alignment, motion_beats, motion_statistics, normalize_pose
from tests.fixtures.evaluation import upper_body_pose

RATE = 48_000


def _onset_times(duration_s: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    gaps = rng.uniform(0.35, 0.8, int(duration_s / 0.35))
    t = 0.5 + np.cumsum(np.concatenate([[0.0], gaps]))
    return t[t < duration_s - 0.5]


def _clicks(onsets: np.ndarray, duration_s: float) -> np.ndarray:
    rng = np.random.default_rng(1)
    y = rng.normal(0, 0.001, int(duration_s * RATE))
    n = int(0.04 * RATE)
    burst = rng.normal(0, 0.3, n) * np.exp(-np.arange(n) / (0.008 * RATE))
    for t in onsets:
        i = int(t * RATE)
        y[i:i + n] += burst
    return y.astype(np.float32)


def _strokes(times: np.ndarray, onsets: np.ndarray) -> np.ndarray:
    """Wrist x (shoulder widths) moving back and forth between 0 and 1, at rest exactly at each onset."""
    knots = np.concatenate([[times[0]], onsets, [times[-1] + 1e-6]])
    x = np.zeros_like(times)
    for i, (a, b) in enumerate(zip(knots[:-1], knots[1:])):
        sel = (times >= a) & (times < b)
        u = (times[sel] - a) / (b - a)
        start, end = i % 2, (i + 1) % 2
        x[sel] = start + (end - start) * (1 - np.cos(np.pi * u)) / 2
    return x


@pytest.fixture(scope="module")
def planted():
    duration = 30.0
    onsets = _onset_times(duration)
    return onsets, _clicks(onsets, duration), np.arange(int(duration * 30)) / 30.0


def test_audio_onsets_recover_planted_clicks(planted):
    onsets, audio, _ = planted
    found = audio_onsets(audio, samplerate=RATE)
    nearest = np.min(np.abs(onsets[:, None] - found[None, :]), axis=1)
    assert np.mean(nearest < 0.03) >= 0.95
    assert len(found) <= 1.2 * len(onsets)


def test_motion_following_onsets_aligns_better_than_shifted(planted):
    onsets, audio, t = planted
    detected = audio_onsets(audio, samplerate=RATE)
    wrist = _strokes(t, onsets)
    scores = {}
    for name, shift_s in (("aligned", 0.0), ("shifted", 0.2), ("shifted_more", 0.4)):
        moved = np.interp(t - shift_s, t, wrist)
        norm = normalize_pose(upper_body_pose(t, wrist_x=moved))
        speed = motion_statistics(norm)["speed"]
        beats = motion_beats(speed, norm["time"].values)
        scores[name] = beat_alignment(beats, detected)
    assert scores["aligned"] > 0.8
    assert scores["aligned"] > scores["shifted"] + 0.3 and scores["aligned"] > scores["shifted_more"] + 0.3


def test_beat_alignment_reference_values():
    assert beat_alignment(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 1.0
    # one beat 0.05 s (one sigma) from its onset: exp(-1/2)
    assert beat_alignment(np.array([1.05]), np.array([1.0, 3.0]), sigma_s=0.05) == pytest.approx(np.exp(-0.5))
    assert np.isnan(beat_alignment(np.array([]), np.array([1.0])))
    # the other direction scores each onset by its nearest beat
    assert beat_alignment(np.array([1.0]), np.array([1.0, 3.0]), direction="audio_to_motion") == pytest.approx(0.5)
    with pytest.raises(ValueError, match="direction"):
        beat_alignment(np.array([1.0]), np.array([1.0]), direction="sideways")


def test_constant_speed_has_no_beats():
    t = np.arange(100) / 30
    assert motion_beats(np.ones(100), t).size == 0
