"""Bad keyword options of :mod:`alloava_analysis.crossmodal` are accepted or refused with a ParameterError naming them.

The per-clip and per-lag loops turn a clip's ``ValueError`` into a note; an
option the caller got wrong must not end up there, so these walks also check
that options are refused before the loops start.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.crossmodal import correlation, coupling, dtw, information, lags
from alloava_analysis.errors import ParameterError
from tests.fixtures.bad_options import table_tests, walk_bad_options
from tests.fixtures.datasets import SAMPLERATE, make_clip, tone

RATE = 25.0


def _pair(n: int = 200, lag: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Smooth noise ``x`` and ``y`` = ``x`` delayed by ``lag`` samples plus noise."""
    rng = np.random.default_rng(seed)
    x = np.convolve(rng.standard_normal(n + lag + 10), np.ones(5) / 5, mode="same")
    return x[lag:n + lag].copy(), x[:n] + 0.3 * rng.standard_normal(n)


def _windows() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({"clip_id": np.repeat(["a", "b", "c"], 10), "x": rng.standard_normal(30),
                         "y": rng.standard_normal(30)})


def _frames() -> pd.DataFrame:
    parts = []
    for k, clip_id in enumerate(("a", "b")):
        x, y = _pair(250, seed=k)
        parts.append(pd.DataFrame({"clip_id": clip_id, "motion_hp": x, "speech_energy_hp": y}))
    frames = pd.concat(parts, ignore_index=True)
    frames.attrs["rate_hz"] = RATE
    return frames


def _curves() -> list[pd.DataFrame]:
    return [lags.cross_correlation_curve(*_pair(seed=k), rate_hz=RATE, max_lag_s=0.4) for k in range(3)]


def _path() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, y = _pair(60)
    return x, y, dtw.dtw_path(x, y, band=5)[1]


def _peaks() -> pd.DataFrame:
    return pd.DataFrame({"time": np.arange(12) * 1.5, "offset_s": np.linspace(0.05, 0.15, 12)})


def _shift_lags() -> list[dict]:
    return [dtw.dtw_shift_lag(*_pair(seed=k), rate_hz=RATE, max_lag_s=0.4, n_boot=20, n_surrogates=9)
            for k in range(3)]


def _in_memory_clip() -> SimpleNamespace:
    clip = make_clip(0, n_frames=150)  # 6 s at 25 fps: one default 5 s window
    return SimpleNamespace(clip=clip, audio=tone(6.0), samplerate=SAMPLERATE)


def _synchrony_inputs() -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    units = pd.DataFrame({"clip_id": "a", "speaker_id": ["s1", "s2", "s3"], "unit": [0, 1, 2],
                          "start_s": [0.5, 2.5, 4.5], "end_s": [1.5, 3.5, 5.5], "peak_time_s": [1.0, 3.0, 5.0]})
    events = pd.DataFrame({"clip_id": "a", "kind": "f0_peak", "time_s": [1.1, 2.9, 5.2, 7.0]})
    return units, events, {"a": [(0.0, 8.0)]}


#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "crossmodal.synchrony.synchrony": lambda tmp: (_synchrony_inputs(), {"n_null": 19, "n_boot": 50}),
    "crossmodal.synchrony.nearest_lags": lambda tmp: ((np.array([1.0, 3.0]), np.array([1.1, 9.0])), {}),
    "crossmodal.synchrony.unit_lags": lambda tmp: (_synchrony_inputs(), {}),
    "crossmodal.correlation.ar1_correlation_interval": lambda tmp: ((0.3, 20, 0.2, 0.1), {}),
    "crossmodal.correlation.ar1_halfwidth": lambda tmp: ((20, 0.2, 0.1), {}),
    "crossmodal.correlation.between_clip_null": lambda tmp: (([_pair(12, seed=k)[0] for k in range(3)],
                                                              [_pair(12, seed=k)[1] for k in range(3)], 10), {}),
    "crossmodal.correlation.block_bootstrap_correlation": lambda tmp: (_pair(40), {}),
    "crossmodal.correlation.clip_pair_interval": lambda tmp: ((0.3, np.linspace(-0.5, 0.5, 21)), {}),
    "crossmodal.correlation.correlation_table": lambda tmp: ((_windows(), "x", "y"), {}),
    "crossmodal.correlation.meta_analysis": lambda tmp: ((np.array([0.2, 0.3, 0.1]), np.array([10.0, 12.0, 9.0])), {}),
    "crossmodal.correlation.pooled_correlation": lambda tmp: ((_windows(), "x", "y"), {}),
    "crossmodal.correlation.pooled_lag1_autocorrelation": lambda tmp: (([_pair(12, seed=k)[0] for k in range(3)],), {}),
    "crossmodal.coupling.check_settings": lambda tmp: ((), {}),
    "crossmodal.coupling.clip_tables": lambda tmp: ((_in_memory_clip(),), {}),
    "crossmodal.coupling.frame_lags": lambda tmp: ((_frames(),), {"max_lag_s": 0.4, "dtw_segment_s": None}),
    "crossmodal.coupling.peak_null_r": lambda tmp: ((np.zeros((9, 25)),), {}),
    "crossmodal.dtw.banded_costs": lambda tmp: (_pair(30), {"warp": 2}),
    "crossmodal.dtw.dtw_shift_lag": lambda tmp: (_pair(), {"rate_hz": RATE, "max_lag_s": 0.4, "n_surrogates": 9}),
    "crossmodal.dtw.pooled_dtw_shift_lag": lambda tmp: ((_shift_lags(),), {"max_lag_s": 0.4}),
    "crossmodal.dtw.distance_matrix": lambda tmp: (([_pair(30, seed=k)[0] for k in range(3)],), {}),
    "crossmodal.dtw.dtw_distance": lambda tmp: (_pair(60), {}),
    "crossmodal.dtw.dtw_lag": lambda tmp: (_pair(), {"rate_hz": RATE, "max_lag_s": 0.4}),
    "crossmodal.dtw.dtw_lag_interval": lambda tmp: ((_peaks(),), {}),
    "crossmodal.dtw.dtw_path": lambda tmp: (_pair(60), {}),
    "crossmodal.dtw.dtw_reference": lambda tmp: (_pair(20), {}),
    "crossmodal.dtw.lag_profile": lambda tmp: ((_path()[2],), {"rate_hz": RATE}),
    "crossmodal.dtw.matched_peaks": lambda tmp: (_path(), {}),
    "crossmodal.dtw.znormalize": lambda tmp: ((_pair(20)[0],), {}),
    "crossmodal.information.ksg_mi": lambda tmp: (_pair(), {}),
    "crossmodal.information.lagged_mi": lambda tmp: (_pair(), {"rate_hz": RATE, "max_lag_s": 0.2}),
    "crossmodal.information.mi_clip_shuffle_test": lambda tmp: (_pair(150), {"groups": np.repeat([0, 1, 2], 50)}),
    "crossmodal.information.mi_surrogate_test": lambda tmp: (_pair(), {}),
    "crossmodal.lags.cross_correlation_curve": lambda tmp: (_pair(), {"rate_hz": RATE, "max_lag_s": 0.4}),
    "crossmodal.lags.cross_correlation_lag": lambda tmp: (_pair(), {"rate_hz": RATE, "max_lag_s": 0.4}),
    "crossmodal.lags.lag_curve": lambda tmp: ((*_pair(), 10), {}),
    "crossmodal.lags.lag_interval": lambda tmp: (_pair(), {"rate_hz": RATE, "max_lag_s": 0.4}),
    "crossmodal.lags.pooled_cross_correlation": lambda tmp: ((_curves(),), {}),
    "crossmodal.lags.pooled_lag_interval": lambda tmp: ((_curves(),), {}),
    "crossmodal.lags.lag_verdict": lambda tmp: ((0.1, 0.0, 0.2, 0.01), {"max_lag_s": 0.4}),
    "crossmodal.lags.surrogate_curves": lambda tmp: (_pair(), {"max_lag": 10}),
    "crossmodal.lags.surrogate_shifts": lambda tmp: ((200,), {"max_lag": 10, "n_surrogates": 9, "seed": 0}),
    "crossmodal.lags.remove_slow_trend": lambda tmp: ((_pair()[0],), {"rate_hz": RATE, "window_s": 1.0}),
}
#: qualified name -> why it is not called here.
EXEMPT: dict[str, str] = {}

test_table_is_complete, test_calls_are_valid, test_walks = table_tests("crossmodal", CALLS, EXEMPT)


def test_important_bad_values_are_refused():
    outcomes = walk_bad_options(correlation.correlation_table, _windows(), "x", "y")
    assert outcomes["interval"]["no-such-choice"] == outcomes["by"]["no-such-choice"] == "ParameterError"
    assert outcomes["ci"][-1.0] == outcomes["n_boot"][-1] == outcomes["seed"][-1] == "ParameterError"
    outcomes = walk_bad_options(coupling.frame_lags, _frames(), max_lag_s=0.4, dtw_segment_s=None)
    assert outcomes["n_boot"][-1] == outcomes["block_s"][-1.0] == "ParameterError"  # not a note per clip
    with pytest.raises(ParameterError, match="pooling: expected one of 'mixed', 'raw', 'mean_r'; got 'median'"):
        correlation.pooled_correlation(_windows(), "x", "y", pooling="median")
    with pytest.raises(ParameterError, match="item: expected a Clip"):
        coupling.clip_tables("clip.mp4")
    with pytest.raises(ParameterError, match="window_s"):
        coupling.clip_tables(_in_memory_clip(), window_s=-1.0)
    with pytest.raises(ParameterError, match="summary"):
        dtw.dtw_lag(*_pair(), rate_hz=RATE, max_lag_s=0.4, summary="median")
    with pytest.raises(ParameterError, match="band_s"):
        dtw.dtw_distance(*_pair(60), band=3, band_s=0.2, rate_hz=RATE)
    with pytest.raises(ParameterError, match="k"):
        information.ksg_mi(*_pair(), k=0)
    assert walk_bad_options(information.lagged_mi, *_pair(), rate_hz=RATE, max_lag_s=0.2)["k"][-1] \
        == "ParameterError"  # not a curve of NaN
    with pytest.raises(ParameterError, match="max_lag_s"):
        lags.cross_correlation_curve(*_pair(), rate_hz=RATE, max_lag_s=-1.0)
