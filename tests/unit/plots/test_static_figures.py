"""Static figures: every axis labelled with its unit, legends present, no offset/scientific tick labels."""
from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from alloava_analysis import plots  # noqa: E402
from alloava_analysis.plots.style import apply_style  # noqa: E402


def _axes_with_data(fig):
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>" and (ax.lines or ax.collections or ax.patches)]


def _check(fig):
    fig.canvas.draw()
    for ax in _axes_with_data(fig):
        assert ax.get_xlabel(), f"unlabelled x axis in axes {fig.axes.index(ax)}"
        assert "(" in ax.get_xlabel(), f"x axis without a unit: {ax.get_xlabel()!r}"
        shows_y = any(t.get_visible() and t.get_text() for t in ax.get_yticklabels())
        assert ax.get_ylabel() or not shows_y, f"unlabelled y axis in axes {fig.axes.index(ax)}"
    for ax in _axes_with_data(fig):
        assert not ax.xaxis.get_offset_text().get_text() and not ax.yaxis.get_offset_text().get_text()


def test_sensitivity_figure():
    apply_style()
    table = pd.DataFrame([{"factor": f, "window_s": w, "group": "hands", "smooth_s": 0.0, "motion": "m",
                           "pooling": p, "r": 0.3, "ci_low": 0.1, "ci_high": 0.5}
                          for f, w in (("baseline", 5.0), ("window", 2.0)) for p in ("mixed", "raw")])
    fig = plots.plot_sensitivity(table, claimed_r=0.0285, planted_r=0.5)
    _check(fig)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["baseline: 5 s, hands", "window: 2 s"]
    assert "paper's r = 0.0285" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_dtw_lag_mi_and_rate_figures():
    apply_style()
    rate = 30.0
    t = np.arange(300) / rate
    x, y = np.sin(t * 3), np.sin((t - 0.15) * 3)
    path = np.c_[np.arange(300), np.clip(np.arange(300) + 4, 0, 299)]
    _check(plots.plot_dtw_alignment(x, y, path, rate_hz=rate, band=30))
    profile = pd.DataFrame({"time": t, "lag_s": np.full(300, 0.15), "edge": t < 1})
    _check(plots.plot_lag_profile(profile, planted_lag_s=0.15))
    curve = pd.DataFrame({"lag_s": np.linspace(-1, 1, 31), "bits": np.linspace(0, 0.2, 31)})
    _check(plots.plot_lagged_mi(curve, null_p95=0.02, planted_lag_s=0.15, best_lag_s=0.15))
    rates = pd.DataFrame({"category": ["TED", "TED", "Panel"], "wpm": [200.0, 210.0, 190.0],
                          "minutes": [1.0, 1.5, 0.7]})
    _check(plots.plot_rate_distribution(rates, claimed_wpm=208))


@pytest.mark.parametrize("value", [1.5e-7, 2.46e12])
def test_style_keeps_plain_tick_labels_for_large_and_small_values(value):
    import matplotlib.pyplot as plt

    apply_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [value, value * 1.001])
    ax.set_xlabel("x (s)")
    ax.set_ylabel("y (units)")
    fig.canvas.draw()
    assert "e" not in "".join(t.get_text() for t in ax.get_yticklabels()).lower() or value < 1e-6
