"""Known answer on real recordings: delaying a real talk's audio by d moves the DTW lag by d (issue 22).

Real motion (``signer_holistic.parquet``: a signer's hands, MediaPipe Holistic, 24 fps) is paired with
real speech (``jfk_speech.flac``). The two were not recorded together, so the lag between them means
nothing; only how the estimate *changes* when the audio is delayed by a known d is asserted. The
speech energy is recomputed from the delayed waveform each time, so sub-frame delays are real.

The search range is +/-1.5 s: at +/-1 s the unrelated pair's best shift lies at the edge of the range
and delays push it out; this pair also has several almost equally good shifts (measured: at +/-1.2 s
and +/-2 s the minimum jumps between them as d changes), which is a property of two unrelated
signals, not of the delay.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from alloava_analysis.clocks import resample_to_times
from alloava_analysis.crossmodal import dtw
from alloava_analysis.crossmodal.lags import remove_slow_trend
from alloava_analysis.features import motion, speech
from alloava_analysis.io.extraction import read_pose_dataset

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
DELAYS = np.round(np.arange(-0.4, 0.401, 0.1), 2)


@pytest.fixture(scope="module")
def real_pair():
    intensity = motion.movement_intensity(read_pose_dataset(REAL / "signer_holistic.parquet"), group="hands")
    audio, samplerate = sf.read(REAL / "jfk_speech.flac")
    return intensity["time"].to_numpy(), intensity["intensity"].to_numpy(), audio, samplerate


def _energy(audio: np.ndarray, samplerate: int, delay_s: float, times: np.ndarray) -> np.ndarray:
    """Speech energy on the video clock of ``audio`` delayed by ``delay_s`` (silence shifted in, length kept)."""
    k = int(round(delay_s * samplerate))
    shifted = np.concatenate([np.zeros(k), audio])[:audio.size] if k >= 0 else \
        np.concatenate([audio[-k:], np.zeros(-k)])
    env = speech.rms_envelope(shifted, samplerate=samplerate)
    return resample_to_times(env["rms"].to_numpy(), env["time"].to_numpy(), times, method="mean")


def test_delaying_real_speech_by_d_moves_the_dtw_lag_by_d_within_one_frame(real_pair):
    times, intensity, audio, samplerate = real_pair
    rate = 1.0 / float(np.median(np.diff(times)))
    assert rate == pytest.approx(24.0, abs=0.01)
    m = remove_slow_trend(intensity, rate_hz=rate, window_s=2.0)
    estimates = []
    for d in DELAYS:
        s = remove_slow_trend(_energy(audio, samplerate, float(d), times), rate_hz=rate, window_s=2.0)
        result = dtw.dtw_shift_lag(m, s, rate_hz=rate, max_lag_s=1.5, block_s=2.0, n_boot=50, n_surrogates=0)
        estimates.append(result["peak_lag_s"])
    moved = np.asarray(estimates) - estimates[list(DELAYS).index(0.0)]
    assert np.abs(moved - DELAYS).max() <= 1.0 / rate  # delayed speech: motion leads by d more
