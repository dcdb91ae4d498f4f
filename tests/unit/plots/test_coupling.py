"""Coupling figures: the sensitivity forest, DTW alignment, lag profile and lagged MI, labelled with units."""
from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from alloava_analysis import plots  # noqa: E402
from alloava_analysis.plots.style import apply_style  # noqa: E402
from tests.unit.plots.helpers import check_figure, legends_beside_the_data  # noqa: E402


def test_sensitivity_figure():
    apply_style()
    table = pd.DataFrame([{"factor": f, "window_s": w, "group": "hands", "smooth_s": 0.0, "motion": "m",
                           "pooling": p, "r": 0.3, "ci_low": 0.1, "ci_high": 0.5}
                          for f, w in (("baseline", 5.0), ("window", 2.0)) for p in ("mixed", "raw")])
    fig = plots.plot_sensitivity(table, claimed_r=0.0285, planted_r=0.5)
    check_figure(fig)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["baseline: 5 s, hands", "window: 2 s"]
    assert "paper's r = 0.0285" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_dtw_lag_and_mi_figures():
    apply_style()
    rate = 30.0
    t = np.arange(300) / rate
    x, y = np.sin(t * 3), np.sin((t - 0.15) * 3)
    path = np.c_[np.arange(300), np.clip(np.arange(300) + 4, 0, 299)]
    check_figure(plots.plot_dtw_alignment(x, y, path, rate_hz=rate, band=30))
    profile = pd.DataFrame({"time": t, "lag_s": np.full(300, 0.15), "edge": t < 1})
    check_figure(plots.plot_lag_profile(profile, planted_lag_s=0.15))
    curve = pd.DataFrame({"lag_s": np.linspace(-1, 1, 31), "bits": np.linspace(0, 0.2, 31)})
    check_figure(plots.plot_lagged_mi(curve, null_p95=0.02, planted_lag_s=0.15, best_lag_s=0.15))


def test_legends_of_the_statistics_and_lag_figures_sit_beside_the_data():
    apply_style()
    t = np.arange(300) / 30.0
    profile = pd.DataFrame({"time": t, "lag_s": np.full(300, 0.15), "edge": t < 1})
    profile.attrs["max_lag_s"] = 1.0
    curve = pd.DataFrame({"lag_s": np.linspace(-1, 1, 31), "r": np.linspace(0, 0.2, 31)})
    rates = pd.DataFrame({"category": ["TED", "TED", "Panel"], "wpm": [200.0, 210.0, 190.0],
                          "minutes": [1.0, 1.5, 0.7]})
    path = np.c_[np.arange(300), np.clip(np.arange(300) + 4, 0, 299)]
    for fig in (plots.plot_lag_profile(profile, planted_lag_s=0.15),
                plots.plot_lag_curve(curve, best_lag_s=0.1, planted_lag_s=0.15),
                plots.plot_rate_distribution(rates, claimed_wpm=208),
                plots.plot_dtw_alignment(np.sin(t * 3), np.sin((t - 0.15) * 3), path, rate_hz=30.0, band=30)):
        legends_beside_the_data(fig)


def test_lag_profile_is_drawn_within_its_search_range():
    apply_style()
    t = np.arange(300) / 30.0
    profile = pd.DataFrame({"time": t, "lag_s": np.linspace(-0.5, 0.5, 300)})
    profile.attrs["max_lag_s"] = 0.5
    ax = plots.plot_lag_profile(profile).axes[0]
    low, high = ax.get_ylim()
    assert -600 < low < -500 and 500 < high < 600       # ms: the searched +-500 ms and a small margin
    assert "searched range ±500 ms" in [t.get_text() for t in ax.get_legend().get_texts()]
