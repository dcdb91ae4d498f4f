"""Evaluation figures: FD against 1 / N with its extrapolation to infinitely many windows."""
from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import numpy as np  # noqa: E402

from alloava_analysis import plots  # noqa: E402
from alloava_analysis.plots.style import apply_style  # noqa: E402
from tests.unit.plots.helpers import check_figure, legends_beside_the_data  # noqa: E402


def test_fd_infinity_draws_the_subsets_and_the_fitted_line_to_zero():
    apply_style()
    sizes = [100, 200, 400]
    entry = {"fd_infinity": {"sizes": sizes, "fd": [3.0 + 50 / n for n in sizes], "value": 3.0, "slope": 50.0}}
    fig = plots.plot_fd_infinity({"generated": entry, "no fit": {}})
    check_figure(fig)
    points, line = fig.axes[0].lines[:2]
    assert np.allclose(points.get_xdata(), [1 / n for n in sizes])
    assert line.get_xdata()[0] == 0.0 and line.get_ydata()[0] == 3.0  # the extrapolated FD at N -> infinity
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["generated (FD-inf 3)"]


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
    check_figure(fig)
    legends_beside_the_data(fig)
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
    check_figure(fig)
    assert fig.axes[0].get_yscale() == "linear"
