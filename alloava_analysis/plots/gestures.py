"""Figures of the per-gesture table: McNeill's gesture space and its occupancy, submovements and holds."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from ..features.gestures import SECTORS, GestureSettings

__all__ = ["plot_gesture_space", "plot_gesture_kinematics"]

_COLOURS = {"centre_centre": "#08519c", "centre": "#4292c6", "periphery": "#9ecae1", "extreme_periphery": "#deebf7"}


def plot_gesture_space(table: pd.DataFrame, *, positions: pd.DataFrame | None = None,
                       settings: GestureSettings | None = None) -> plt.Figure:
    """McNeill's sectors in torso coordinates (with hand positions) and the share of frames in each.

    Parameters
    ----------
    table
        A :func:`~alloava_analysis.features.gestures.gesture_table` (its ``share_*`` columns).
    positions
        Hand positions to scatter on the sectors (``x``, ``y`` in shoulder widths, e.g. the frames of
        :func:`~alloava_analysis.features.gestures.hand_tracks` inside gesture units); None: none.
    settings
        Where the torso centre and the periphery lie (default :class:`GestureSettings`).

    Returns
    -------
    matplotlib.figure.Figure
        Left: the sectors and positions; right: the mean share of frames per sector over the units, with
        the 10th-90th percentile range.
    """
    s = settings or GestureSettings()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [1, 1.2]})
    centre = -s.centre_below_shoulders
    for name, half in zip(SECTORS[::-1], (s.periphery_half_width + 0.5, s.periphery_half_width, 1.0, 0.5)):
        left.add_patch(Rectangle((-half, centre - half), 2 * half, 2 * half, facecolor=_COLOURS[name],
                                 edgecolor="0.3", lw=0.6, label=name.replace("_", "-")))
    left.plot([-0.5, 0.5], [0.0, 0.0], "o-", color="k", ms=4, label="shoulders")
    if positions is not None and len(positions):
        left.scatter(positions["x"], positions["y"], s=4, color="tab:red", alpha=0.4, label="hand (frames)")
    lim = s.periphery_half_width + 0.5
    left.set_xlim(lim, -lim)                       # the speaker faces us: their left on the right of the figure
    left.set_ylim(centre - lim, centre + lim)
    left.set_aspect("equal")
    left.set_xlabel("x (shoulder widths, + = speaker's left)")
    left.set_ylabel("y (shoulder widths from the shoulders, + = up)")
    left.legend(loc="lower left", fontsize=7, framealpha=0.8)
    left.set_title("McNeill's gesture space")
    names = [f"share_{n}" for n in SECTORS] + ["share_upper", "share_left"]
    labels = [n.replace("_", "-") for n in SECTORS] + ["upper", "speaker's left"]
    data = table[names].astype(float) if len(table) else pd.DataFrame(columns=names, dtype=float)
    mean = data.mean().to_numpy()
    lo, hi = data.quantile(0.1).to_numpy(), data.quantile(0.9).to_numpy()
    pos = np.arange(len(names))
    right.bar(pos, np.nan_to_num(mean), color=[_COLOURS[n] for n in SECTORS] + ["0.6", "0.8"], edgecolor="0.3")
    right.errorbar(pos, np.nan_to_num(mean), yerr=[np.nan_to_num(mean - lo), np.nan_to_num(hi - mean)], fmt="none",
                   color="k", capsize=3, lw=0.8)
    right.set_xticks(pos, labels, rotation=30, ha="right")
    right.set_xlabel(f"sector ({len(table)} gesture units)")
    right.set_ylabel("share of a unit's frames (fraction)")
    right.set_ylim(0, 1)
    right.set_title("occupancy: mean and 10th-90th percentile")
    fig.tight_layout()
    return fig


def plot_gesture_kinematics(table: pd.DataFrame) -> plt.Figure:
    """Submovements per unit, peak speed against duration, and hold time per unit.

    Parameters
    ----------
    table
        A :func:`~alloava_analysis.features.gestures.gesture_table`.

    Returns
    -------
    matplotlib.figure.Figure
        Three panels with units on every axis.
    """
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    counts = table["n_submovements"].astype(int) if len(table) else pd.Series([], dtype=int)
    top = int(counts.max()) if len(counts) else 1
    axes[0].hist(counts, bins=np.arange(-0.5, top + 1.5), color="tab:blue", edgecolor="white")
    axes[0].set_xlabel("submovements per unit (count)")
    axes[0].set_ylabel("gesture units (count)")
    axes[1].scatter(table["duration_s"], table["peak_speed"], s=12, color="tab:blue")
    axes[1].set_xlabel("unit duration (s)")
    axes[1].set_ylabel("peak speed (shoulder widths/s)")
    axes[2].hist(table["hold_s"].astype(float), bins=15, color="tab:orange", edgecolor="white")
    axes[2].set_xlabel("time in holds per unit (s)")
    axes[2].set_ylabel("gesture units (count)")
    fig.tight_layout()
    return fig
