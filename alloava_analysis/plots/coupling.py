"""Figures of the coupling analyses: sensitivity of the correlation, DTW alignment, lagged mutual information."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..checks import check_int, check_positive
from .style import legend_outside

_POOLING_STYLE = {"mixed": ("tab:blue", "o"), "raw": ("tab:orange", "s"), "mean_r": ("tab:green", "^")}


def _setting_label(row: pd.Series) -> str:
    if row["factor"] == "baseline":
        return f"baseline: {row['window_s']:g} s, {row['group']}"
    value = {"window": f"{row['window_s']:g} s", "group": str(row["group"]),
             "smoothing": f"{row['smooth_s']:g} s", "motion": str(row["motion"]),
             "normalisation": "shoulder widths/s" if row.get("normalize", True) else "pixels/s",
             "speech rate": str(row.get("speech_rate", "")).replace("_", " ")}[row["factor"]]
    return f"{row['factor']}: {value}"


def plot_sensitivity(table: pd.DataFrame, *, claimed_r: float | None = None,
                     planted_r: float | None = None) -> plt.Figure:
    """Pooled correlation (95 % CI) for each analysis choice and pooling, with the claimed and planted values.

    Parameters
    ----------
    table
        The ``table`` of :func:`alloava_analysis.runs.sensitivity.coupling_sensitivity`'s result.
    claimed_r
        The paper's correlation, drawn as a dashed line (None: not drawn).
    planted_r
        The correlation expected from what was planted in synthetic data (None: not drawn).

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    keys = [k for k in ("factor", "window_s", "group", "smooth_s", "motion", "normalize", "speech_rate") if k in table]
    settings = table.drop_duplicates(keys).reset_index(drop=True)
    labels = [_setting_label(r) for _, r in settings.iterrows()]
    poolings = list(dict.fromkeys(table["pooling"]))
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * len(settings) + 1.6))
    offsets = np.linspace(-0.25, 0.25, len(poolings)) if len(poolings) > 1 else [0.0]
    for off, pooling in zip(offsets, poolings):
        colour, marker = _POOLING_STYLE.get(pooling, ("0.3", "o"))
        for i, (_, s) in enumerate(settings.iterrows()):
            row = table[(table["pooling"] == pooling) & (table[keys] == s[keys]).all(axis=1)]
            if row.empty or pd.isna(row["r"].iloc[0]):
                continue
            r, lo, hi = (float(row[c].iloc[0]) for c in ("r", "ci_low", "ci_high"))
            ax.errorbar(r, i + off, xerr=[[r - lo], [hi - r]], fmt=marker, color=colour, ms=5, capsize=2,
                        label=f"pooling: {pooling}" if i == 0 else None)
    if claimed_r is not None:
        ax.axvline(claimed_r, color="tab:red", ls="--", lw=1.2, label=f"paper's r = {claimed_r:g}")
    if planted_r is not None:
        ax.axvline(planted_r, color="k", ls=":", lw=1.2, label=f"planted (expected) r = {planted_r:.2f}")
    ax.axvline(0.0, color="0.6", lw=0.8)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylabel("analysis choice (one varied at a time)")
    ax.invert_yaxis()
    ax.set_xlim(-1, 1)
    ax.set_xlabel("pooled correlation r, speech rate vs movement intensity (95 % CI)")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    return fig


def plot_dtw_alignment(x: np.ndarray, y: np.ndarray, path: np.ndarray, *, rate_hz: float, band: int | None = None,
                       x_label: str = "movement intensity", y_label: str = "speech energy") -> plt.Figure:
    """Two z-scored series and the DTW warping path between them (time in seconds on both axes).

    Parameters
    ----------
    x, y
        The two series on one clock, of the same length.
    path
        The warping path, (k, 2) matched indices into ``x`` and ``y``
        (:func:`~alloava_analysis.crossmodal.dtw.dtw_path`).
    rate_hz
        Sample rate of the series in Hz (> 0).
    band
        Half-width of the alignment band in samples, shaded when given (>= 0).
    x_label, y_label
        Names of the series.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    check_positive("rate_hz", rate_hz)
    check_int("band", band, minimum=0, allow_none=True)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [1.6, 1]})
    t = np.arange(len(x)) / rate_hz
    z = lambda v: (v - np.nanmean(v)) / (np.nanstd(v) or 1.0)  # noqa: E731 - display only
    axes[0].plot(t, z(np.asarray(x, float)), lw=1, label=x_label)
    axes[0].plot(t, z(np.asarray(y, float)) - 4, lw=1, label=f"{y_label} (shifted down)")
    step = max(1, len(path) // 60)
    for i, j in path[::step]:
        axes[0].plot([i / rate_hz, j / rate_hz], [z(np.asarray(x, float))[i], z(np.asarray(y, float))[j] - 4],
                     color="0.7", lw=0.5, zorder=0)
    axes[0].set_xlabel("time (s)")
    axes[0].set_ylabel("z-score (standard deviations)")
    legend_outside(axes[0], where="top", fontsize=8)
    axes[0].set_title("matched samples (grey)", loc="right")
    axes[1].plot(path[:, 0] / rate_hz, path[:, 1] / rate_hz, color="tab:blue", lw=1.2, label="warping path")
    axes[1].plot([0, t[-1]], [0, t[-1]], color="0.5", ls=":", label="no lag")
    if band:
        axes[1].fill_between([0, t[-1]], [-band / rate_hz, t[-1] - band / rate_hz],
                             [band / rate_hz, t[-1] + band / rate_hz], color="tab:blue", alpha=0.08,
                             label=f"band ±{band / rate_hz:g} s")
    axes[1].set_xlabel(f"{x_label} time (s)")
    axes[1].set_ylabel(f"{y_label} time (s)")
    axes[1].set_aspect("equal")
    legend_outside(axes[1], where="top", fontsize=8, ncol=1)
    fig.tight_layout()
    return fig


def plot_lag_profile(profile: pd.DataFrame, *, planted_lag_s: float | None = None) -> plt.Figure:
    """Local DTW lag along a clip (positive = motion leads speech), its median, the planted lag and the search range.

    Parameters
    ----------
    profile
        :func:`~alloava_analysis.crossmodal.dtw.lag_profile` output (``time``, ``lag_s``), with an
        optional boolean ``edge`` column marking segment edges (left out of the median) and an
        optional ``max_lag_s`` attr (:func:`~alloava_analysis.crossmodal.dtw.dtw_lag`): the searched
        range, drawn and used as the lag axis's limits.
    planted_lag_s
        The planted lag in seconds, drawn when given.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    fig, ax = plt.subplots(figsize=(9, 3))
    inner = profile[~profile["edge"]] if "edge" in profile else profile
    ax.plot(profile["time"], profile["lag_s"] * 1000, color="0.75", lw=0.8, label="local lag (segment edges grey)")
    ax.plot(inner["time"], inner["lag_s"] * 1000, ".", ms=2, color="tab:blue", label="local lag")
    ax.axhline(float(np.median(inner["lag_s"])) * 1000, color="tab:red", ls="--",
               label=f"median {np.median(inner['lag_s']) * 1000:.0f} ms")
    if planted_lag_s is not None:
        ax.axhline(planted_lag_s * 1000, color="k", ls=":", label=f"planted {planted_lag_s * 1000:.0f} ms")
    reach = profile.attrs.get("max_lag_s")
    if reach:
        for sign in (-1, 1):
            ax.axhline(sign * reach * 1000, color="0.4", lw=0.8, ls="-.",
                       label=f"searched range ±{reach * 1000:.0f} ms" if sign > 0 else None)
        ax.set_ylim(-reach * 1000 * 1.08, reach * 1000 * 1.08)
    ax.set_xlabel("time in clip (s)")
    ax.set_ylabel("lag (ms), + = motion leads")
    legend_outside(ax, fontsize=8)
    fig.tight_layout()
    return fig


def plot_lagged_mi(curve: pd.DataFrame, *, null_p95: float | None = None, planted_lag_s: float | None = None,
                   best_lag_s: float | None = None) -> plt.Figure:
    """Mutual information (bits) against lag, with the surrogates' 95th percentile and the planted lag.

    Parameters
    ----------
    curve
        :func:`~alloava_analysis.crossmodal.information.lagged_mi` output (``lag_s``, ``bits``).
    null_p95
        95th percentile of the surrogates' mutual information in bits, drawn when given.
    planted_lag_s, best_lag_s
        The planted lag and the lag tested, in seconds, drawn when given.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.plot(curve["lag_s"] * 1000, curve["bits"], color="tab:blue", label="MI (KSG)")
    if null_p95 is not None:
        ax.axhline(null_p95, color="0.4", ls="--", label=f"surrogates, 95th percentile ({null_p95:.3f} bits)")
    if best_lag_s is not None:
        ax.axvline(best_lag_s * 1000, color="tab:red", ls="--", label=f"tested lag {best_lag_s * 1000:.0f} ms")
    if planted_lag_s is not None:
        ax.axvline(planted_lag_s * 1000, color="k", ls=":", label=f"planted {planted_lag_s * 1000:.0f} ms")
    ax.set_xlabel("lag (ms), + = motion leads speech")
    ax.set_ylabel("mutual information (bits)")
    ax.set_ylim(bottom=0)
    legend_outside(ax, fontsize=8)
    fig.tight_layout()
    return fig
