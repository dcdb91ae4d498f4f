"""Window latents and the fast process that couples speech and motion."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from alloava_analysis.synthetic import SynthConfig, synthesize_clip
from alloava_analysis.synthetic import latents as syn_latents
from tests.fixtures.synthetic import MINUTE, hand_speed_from_pose


def test_window_latents_have_the_planted_correlation_and_autocorrelation():
    cfg = SynthConfig(correlation=0.5, ar_phi=0.6)
    lat = syn_latents.window_latents(40_000, cfg, np.random.default_rng(0))
    s, m = lat[:, 0], lat[:, 1]
    assert abs(np.corrcoef(s, m)[0, 1] - 0.5) < 0.03
    assert abs(np.corrcoef(s[1:], s[:-1])[0, 1] - 0.6) < 0.03
    assert abs(np.corrcoef(m[1:], m[:-1])[0, 1] - 0.6) < 0.03
    np.testing.assert_allclose(lat.std(axis=0), 1.0, atol=0.03)


def test_hand_speed_leads_speech_energy_by_the_planted_lag():
    sc = synthesize_clip(0, seed=9, config=MINUTE)
    fps = 30.0
    # audio RMS in 1/30 s frames, smoothed over ~0.2 s (the syllable rhythm averaged out)
    hop = 48_000 // 30
    frames = sc.audio[: sc.frame_time.size * hop].reshape(-1, hop).astype(float)
    rms = np.convolve(np.sqrt((frames ** 2).mean(axis=1)), np.ones(6) / 6, mode="same")
    speed = hand_speed_from_pose(sc)
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
