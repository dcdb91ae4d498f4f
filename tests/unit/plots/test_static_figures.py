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


def _legends_beside_the_data(fig):
    fig.canvas.draw()
    for ax in _axes_with_data(fig):
        legend = ax.get_legend()
        if legend is not None:
            box, area = legend.get_window_extent(), ax.get_window_extent()
            assert not box.overlaps(area), f"legend over the data of axes {fig.axes.index(ax)}"


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
        _legends_beside_the_data(fig)


def test_lag_profile_is_drawn_within_its_search_range():
    apply_style()
    t = np.arange(300) / 30.0
    profile = pd.DataFrame({"time": t, "lag_s": np.linspace(-0.5, 0.5, 300)})
    profile.attrs["max_lag_s"] = 0.5
    ax = plots.plot_lag_profile(profile).axes[0]
    low, high = ax.get_ylim()
    assert -600 < low < -500 and 500 < high < 600       # ms: the searched +-500 ms and a small margin
    assert "searched range ±500 ms" in [t.get_text() for t in ax.get_legend().get_texts()]


def _fd_entry(value, slope, sizes):
    x = 1.0 / np.asarray(sizes, float)
    return {"fd_infinity": {"value": value, "intercept": value, "ci_low": value * 0.9, "ci_high": value * 1.1,
                            "slope": slope, "sizes": sizes, "fd": list(value + slope * x)}}


def test_fd_infinity_figure_uses_a_log_axis_plain_numbers_and_a_legend_beside_the_data():
    apply_style()
    sizes = [76, 111, 146, 181, 217, 252]
    fig = plots.plot_fd_infinity({"jitter 1 px": _fd_entry(7042.7, 11208.0, sizes),
                                  "jitter 4 px": _fd_entry(1599692.1, 3691104.0, sizes),
                                  "frozen": _fd_entry(1081.3, 475.6, sizes)})
    _check(fig)
    _legends_beside_the_data(fig)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[1] == "jitter 4 px: FD-inf 1,599,692 [1,439,723, 1,759,661]"
    labels = "".join(t.get_text() for t in ax.get_yticklabels() if t.get_text())
    assert "1,000,000" in labels and "e" not in labels.lower() and "10^" not in labels


def test_fd_infinity_figure_stays_linear_for_distances_of_one_magnitude():
    apply_style()
    sizes = [76, 111, 146, 181, 217, 252]
    fig = plots.plot_fd_infinity({"a": _fd_entry(2.0, 30.0, sizes), "b": _fd_entry(3.0, 40.0, sizes)})
    _check(fig)
    assert fig.axes[0].get_yscale() == "linear"


def test_audit_panels_carry_units_and_ticks_that_do_not_overlap_and_labels_explain_only_drawn_marks():
    apply_style()
    rows = [{"group": g, "metric": metric, "difference": d, "difference_ci_low": d - w, "difference_ci_high": d + w,
             "suppressed": False, "flagged": False}
            for g, d in (("gender=female", -0.3), ("gender=male", 0.3))
            for metric, w in (("speech_rate", 11.7), ("asr_probability", 0.0123), ("dropout_fraction", 0.0042))]
    fig = plots.plot_group_differences(rows)
    fig.canvas.draw()
    assert [ax.get_xlabel() for ax in fig.axes] == ["(words/min)", "(probability)", "(share of keypoint-frames)"]
    for ax in fig.axes:
        boxes = [t.get_window_extent() for t in ax.get_xticklabels() if t.get_text()]
        assert all(not a.overlaps(b) for a, b in zip(boxes, boxes[1:])), [t.get_text() for t in ax.get_xticklabels()]
    assert "red" not in fig._supxlabel.get_text() and "none flagged" in fig._supxlabel.get_text()
    rep = [{"group": "overall", "share": 1.0, "suppressed": False},
           {"group": "gender=female", "share": 0.5, "suppressed": False, "under_represented": False},
           {"group": "gender=male", "share": 0.5, "suppressed": False, "under_represented": False}]
    label = plots.plot_representation(rep).axes[0].get_xlabel()
    assert label == "share of hours (0-1)"  # no reference ticks and no red bars drawn: none explained
