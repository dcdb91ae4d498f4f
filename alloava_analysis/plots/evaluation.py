"""Figures of the evaluation of generated motion: FD against 1/N (FD-infinity) and head pose with blinks."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, NullFormatter

from .style import legend_outside, literal

__all__ = ["plot_fd_infinity", "plot_head_pose"]


def _plain(value: float | None) -> str:
    """A distance as people read it: thousands separated, no scientific notation."""
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def plot_fd_infinity(reports: dict[str, dict]) -> plt.Figure:
    """Mean FD of random subsets against 1 / N, the fitted line and FD-infinity with its interval at N -> infinity.

    The FD axis is logarithmic when the comparisons span more than a factor of 30 (a jittered copy can sit
    three orders of magnitude above a frozen one), so that every comparison stays readable.

    Parameters
    ----------
    reports
        Label -> a Fréchet-distance entry of ``evaluate_corpora`` (its ``fd_infinity`` is drawn;
        entries without one are skipped).

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    fig, ax = plt.subplots(figsize=(10, 4))  # room for the legend beside the data
    drawn = []
    for label, rep in reports.items():
        inf = rep.get("fd_infinity") or {}
        if not inf.get("sizes"):
            continue
        x = 1.0 / np.asarray(inf["sizes"], float)
        lo, hi = inf.get("ci_low"), inf.get("ci_high")
        interval = f" [{_plain(lo)}, {_plain(hi)}]" if lo is not None and hi is not None else ""
        (line,) = ax.plot(x, inf["fd"], "o", label=f"{literal(label)}: FD-inf {_plain(inf['value'])}{interval}")
        grid = np.linspace(0, x.max(), 20)
        ax.plot(grid, inf["intercept" if "intercept" in inf else "value"] + inf["slope"] * grid, "--",
                color=line.get_color(), lw=1)
        if lo is not None and hi is not None:
            ax.errorbar([0.0], [inf["value"]], yerr=[[inf["value"] - lo], [hi - inf["value"]]], fmt="s",
                        color=line.get_color(), capsize=3, ms=4)
        drawn += [v for v in [*inf["fd"], inf["value"]] if v is not None]
    positive = [v for v in drawn if v > 0]
    if positive and len(positive) == len(drawn) and max(positive) / min(positive) > 30:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _plain(v)))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_ylabel("Fréchet distance (standardised features, log scale)")
    else:
        ax.set_ylabel("Fréchet distance (standardised features)")
    ax.axvline(0.0, color="0.6", lw=0.8)
    ax.set_xlabel("1 / N (N = generated windows in the subset; 0 = FD-infinity, with its 95 % interval)")
    if drawn:
        legend_outside(ax, fontsize=8, title="comparison: FD-infinity [95 % CI]", title_fontsize=8)
    fig.tight_layout()
    return fig


def plot_head_pose(pose: pd.DataFrame, closure: np.ndarray | None = None, blinks: pd.DataFrame | None = None
                   ) -> plt.Figure:
    """Pitch, yaw and roll (degrees) over time, and the eye closure with the detected blinks shaded.

    Parameters
    ----------
    pose
        :func:`~alloava_analysis.evaluate.face.head_pose` output.
    closure
        Eye closure (0 to 1) per row of ``pose``; None: no second panel.
    blinks
        :func:`~alloava_analysis.evaluate.face.detect_blinks` output, shaded on the closure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    rows = 2 if closure is not None else 1
    fig, axes = plt.subplots(rows, 1, figsize=(8, 2.4 * rows), sharex=True, squeeze=False)
    for angle in ("pitch", "yaw", "roll"):
        axes[0, 0].plot(pose["time"], pose[angle], lw=0.8, label=angle)
    axes[0, 0].set_ylabel("head angle (degrees)")
    axes[0, 0].legend(fontsize=8, ncol=3)
    if closure is not None:
        ax = axes[1, 0]
        ax.plot(pose["time"], closure, color="k", lw=0.8)
        for _, b in (blinks if blinks is not None else pd.DataFrame()).iterrows():
            ax.axvspan(b["start"], b["end"], color="tab:red", alpha=0.3)
        ax.set_ylabel("eye closure (0-1)")
    axes[-1, 0].set_xlabel("time (s)")
    fig.tight_layout()
    return fig
