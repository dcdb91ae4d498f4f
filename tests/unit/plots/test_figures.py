"""Notebook figures: claims against measurements, and the per-clip forest with the pooled estimate."""
from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from alloava_analysis import plots  # noqa: E402
from alloava_analysis.plots.style import apply_style  # noqa: E402
from tests.unit.plots.helpers import check_figure  # noqa: E402


def test_claims_are_drawn_as_measured_over_claimed_leaving_unmeasured_ones_out():
    apply_style()
    fig = plots.plot_claims([{"name": "videos", "claimed": 7500, "measured": 1500},
                             {"name": "hours", "claimed": 1250.0, "measured": 2500.0},
                             {"name": "r", "claimed": 0.0285, "measured": None}])
    check_figure(fig)
    bars = fig.axes[0].patches
    assert [round(b.get_width(), 6) for b in bars] == [0.2, 2.0]


def test_forest_sorts_clips_by_r_and_puts_the_pooled_estimate_last():
    apply_style()
    per_clip = pd.DataFrame({"clip_id": ["a", "b", "c"], "r": [0.4, -0.1, 0.2], "ci_low": [0.2, -0.3, 0.0],
                             "ci_high": [0.6, 0.1, 0.4]})
    fig = plots.plot_forest(per_clip, {"r": 0.15, "ci_low": 0.05, "ci_high": 0.25})
    check_figure(fig)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["b", "c", "a", "pooled"]
    assert np.allclose(fig.axes[0].get_xlim(), (-1, 1))
