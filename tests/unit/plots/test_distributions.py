"""The speech-rate distribution figure, labelled with units."""
from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import pandas as pd  # noqa: E402

from alloava_analysis import plots  # noqa: E402
from alloava_analysis.plots.style import apply_style  # noqa: E402
from tests.unit.plots.helpers import check_figure  # noqa: E402


def test_rate_distribution_figure():
    apply_style()
    rates = pd.DataFrame({"category": ["TED", "TED", "Panel"], "wpm": [200.0, 210.0, 190.0],
                          "minutes": [1.0, 1.5, 0.7]})
    check_figure(plots.plot_rate_distribution(rates, claimed_wpm=208))
