"""Evaluation figures: FD against 1 / N with its extrapolation to infinitely many windows."""
from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import numpy as np  # noqa: E402

from alloava_analysis import plots  # noqa: E402
from alloava_analysis.plots.style import apply_style  # noqa: E402
from tests.unit.plots.helpers import check_figure  # noqa: E402


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
