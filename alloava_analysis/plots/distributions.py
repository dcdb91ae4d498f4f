"""Per-clip distributions (speech rate, durations) for the statistics notebook."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..checks import check_option
from .style import legend_outside


def plot_rate_distribution(rates: pd.DataFrame, *, claimed_wpm: float | None = None,
                           by: str = "category") -> plt.Figure:
    """Speech rate (words/min) of each clip by ``by``, with the claimed mean; clip durations beside it.

    Parameters
    ----------
    rates
        :func:`alloava_analysis.stats.descriptive.per_clip_rates` output
        (columns ``wpm``, ``minutes`` and ``by``).
    claimed_wpm
        The claimed mean rate in words/min, drawn when given.
    by
        The column of ``rates`` that groups the clips.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    check_option("by", by, list(rates.columns), extra="a column of rates")
    groups = sorted(rates[by].astype(str).unique())
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.45 * len(groups) + 2.2), sharey=True)
    rng = np.random.default_rng(0)  # jitter only
    for ax, column, label in zip(axes, ("wpm", "minutes"), ("speech rate (words/min)", "clip duration (min)")):
        for i, group in enumerate(groups):
            values = rates.loc[rates[by].astype(str) == group, column].to_numpy(float)
            ax.scatter(values, i + rng.uniform(-0.15, 0.15, values.size), s=22, alpha=0.8, label=None)
            if values.size:
                ax.plot([np.median(values)] * 2, [i - 0.3, i + 0.3], color="k", lw=1.5)
        ax.set_xlabel(label)
    axes[0].set_yticks(range(len(groups)), groups)
    axes[0].set_ylabel(by)
    if claimed_wpm is not None:
        axes[0].axvline(claimed_wpm, color="tab:red", ls="--", label=f"claimed mean ({claimed_wpm:g} words/min)")
    axes[0].plot([], [], color="k", lw=1.5, label="median of the clips")
    legend_outside(axes[0], where="top", fontsize=8)
    fig.suptitle("Per clip: speech rate and duration")
    fig.tight_layout()
    return fig
