"""Every keyword option of ``alloava_analysis.plots`` takes a bad value well: accepted, or a
ParameterError naming it.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from alloava_analysis.crossmodal.synchrony import synchrony  # noqa: E402
from alloava_analysis.errors import ParameterError  # noqa: E402
from alloava_analysis.plots import coupling, distributions, figures, interactive, style  # noqa: E402
from tests.fixtures.bad_options import table_tests, walk_bad_options  # noqa: E402
from tests.fixtures.datasets import line_pose, make_clip  # noqa: E402


def _labelled_axes():
    ax = plt.subplots()[1]
    ax.plot([0, 1], [0, 1], label="a line")
    return ax


def _representation() -> list[dict]:
    return [{"group": "overall", "share": 1.0, "suppressed": False},
            {"group": "gender=female", "share": 0.45, "reference_share": 0.5, "suppressed": False,
             "under_represented": False, "below_reference": False},
            {"group": "gender=male", "share": None, "suppressed": True}]


def _sensitivity() -> pd.DataFrame:
    return pd.DataFrame({"factor": ["baseline", "window"], "window_s": [5.0, 2.0], "group": ["hands", "hands"],
                         "smooth_s": [0.2, 0.2],
                         "motion": ["speed", "speed"], "pooling": ["mixed", "mixed"], "r": [0.3, 0.25],
                         "ci_low": [0.1, 0.05], "ci_high": [0.5, 0.45]})


def _lags() -> pd.DataFrame:
    lag = np.linspace(-1, 1, 21)
    return pd.DataFrame({"lag_s": lag, "r": np.exp(-lag ** 2), "bits": np.exp(-lag ** 2) / 4})


def _windows() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"clip_id": ["a"] * 5 + ["b"] * 5, "speech_rate": rng.uniform(1, 4, 10),
                         "intensity": rng.uniform(0, 1, 10)})


def _synchrony() -> dict:
    units = pd.DataFrame({"clip_id": "a", "speaker_id": ["s1", "s2", "s3"], "unit": [0, 1, 2],
                          "start_s": [0.5, 2.5, 4.5], "end_s": [1.5, 3.5, 5.5], "peak_time_s": [1.0, 3.0, 5.0]})
    events = pd.DataFrame({"clip_id": "a", "kind": "f0_peak", "time_s": [1.1, 2.9, 5.2, 7.0]})
    return synchrony(units, events, {"a": [(0.0, 8.0)]}, kinds=("f0_peak",), n_null=19, n_boot=50)


#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call; fixed
#: options are the ones that must be given for the call to make sense (not walked).
CALLS = {
    "plots.gestures.plot_gesture_space": lambda tmp: ((pd.DataFrame({f"share_{s}": [0.25] for s in (
        "centre_centre", "centre", "periphery", "extreme_periphery", "upper", "left")}),), {}),
    "plots.audit.plot_representation": lambda tmp: ((_representation(),), {}),
    "plots.coupling.plot_dtw_alignment": lambda tmp: ((np.sin(np.arange(20) / 3), np.cos(np.arange(20) / 3),
                                                       np.stack([np.arange(20), np.arange(20)], axis=1)),
                                                      {"rate_hz": 10.0}),  # required, no default
    "plots.coupling.plot_lag_profile": lambda tmp: ((pd.DataFrame({"time": np.arange(10.0), "lag_s": np.full(10, 0.1),
                                                                   "edge": [True] + [False] * 9}),), {}),
    "plots.coupling.plot_lagged_mi": lambda tmp: ((_lags(),), {}),
    "plots.coupling.plot_sensitivity": lambda tmp: ((_sensitivity(),), {}),
    "plots.distributions.plot_rate_distribution": lambda tmp: ((pd.DataFrame({"category": ["TED", "Panel"],
                                                                              "wpm": [150.0, 170.0],
                                                                              "minutes": [10.0, 12.0]}),), {}),
    "plots.figures.plot_clip_overview": lambda tmp: ((make_clip(0),), {}),
    "plots.figures.plot_lag_curve": lambda tmp: ((_lags(),), {}),
    "plots.figures.plot_skeleton": lambda tmp: ((line_pose(10), 0.1), {}),
    "plots.figures.plot_window_scatter": lambda tmp: ((_windows(),), {}),
    "plots.synchrony.plot_lag_distribution": lambda tmp: ((_synchrony(),), {}),
    "plots.interactive.skeleton_player": lambda tmp: ((make_clip(0, n_frames=25),), {}),
    "plots.style.legend_outside": lambda tmp: ((_labelled_axes(),), {}),
}
#: Functions that cannot sensibly run in a unit test: none here.
EXEMPT: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


test_table_is_complete, test_calls_are_valid, test_walks = table_tests("plots", CALLS, EXEMPT)


def test_important_bad_values_are_refused():
    outcomes = walk_bad_options(interactive.skeleton_player, make_clip(0, n_frames=25), include_plotlyjs=False)
    assert outcomes["duration"][-1.0] == outcomes["fps"]["nan"] == outcomes["start"][-1.0] == "ParameterError"
    assert outcomes["audio_rate"][2.5] == outcomes["min_confidence"]["x"] == "ParameterError"
    with pytest.raises(ParameterError, match="rate_hz"):
        coupling.plot_dtw_alignment(np.zeros(3), np.zeros(3), np.zeros((3, 2), int), rate_hz=0.0)
    with pytest.raises(ParameterError, match="'wpm'") as err:
        figures.plot_window_scatter(_windows(), x="wpm")
    assert err.value.name == "x"
    with pytest.raises(ParameterError, match="by"):
        distributions.plot_rate_distribution(pd.DataFrame({"wpm": [1.0], "minutes": [1.0]}))
    with pytest.raises(ParameterError, match="stop"):
        figures.plot_clip_overview(make_clip(0), start=1.0, stop=0.5)
    with pytest.raises(ParameterError, match="'right', 'top'"):
        style.legend_outside(_labelled_axes(), where="left")
