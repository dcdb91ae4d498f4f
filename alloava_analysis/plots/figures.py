"""Plots. The only module that imports matplotlib (and seaborn); every function returns its Figure."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr

from ..checks import check_nonnegative, check_option, check_range
from ..errors import ParameterError
from ..model import Clip, validate_pose
from ..schema import POSE_BONES
from .style import legend_outside, literal


def plot_skeleton(pose: xr.Dataset, time_s: float, *, min_confidence: float = 0.3,
                  ax: plt.Axes | None = None) -> plt.Figure:
    """Draw the skeleton of the frame nearest ``time_s`` in image coordinates (y grows downwards).

    Points below ``min_confidence`` (e.g. legs outside the frame) are left out;
    normalised coordinates are drawn in pixels when the frame size is known, so
    the body keeps its proportions.

    Parameters
    ----------
    pose
        A pose dataset (first individual drawn).
    time_s
        Media time in seconds.
    min_confidence
        Confidence threshold, 0 to 1.
    ax
        Axes to draw into; None: a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of ``ax``, or the new one.
    """
    check_range("time_s", time_s, -np.inf, np.inf, inclusive=(False, False))
    check_range("min_confidence", min_confidence, 0.0, 1.0)
    pose = validate_pose(pose)
    frame = pose.sel(time=time_s, method="nearest").isel(individual=0)
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(4, 4))
    scale = np.ones(2)
    if pose.attrs.get("coords") == "normalized" and pose.attrs.get("frame_width"):
        scale = np.array([pose.attrs["frame_width"], pose.attrs["frame_height"]], dtype=float)
    names = [str(k) for k in frame["keypoint"].values]
    xy = frame["position"].sel(space=["x", "y"]).values.T * scale  # (keypoints, 2)
    conf = frame["confidence"].values
    shown = {n: xy[i] for i, n in enumerate(names) if conf[i] >= min_confidence and np.isfinite(xy[i]).all()}
    for a, b in POSE_BONES:
        if a in shown and b in shown:
            ax.plot([shown[a][0], shown[b][0]], [shown[a][1], shown[b][1]], "-", color="tab:blue", lw=2)
    keep = [i for i, n in enumerate(names) if n in shown]
    points = ax.scatter(xy[keep, 0], xy[keep, 1], c=conf[keep], cmap="viridis", vmin=0, vmax=1, s=12, zorder=3)
    fig.colorbar(points, ax=ax, label="confidence", shrink=0.7)
    ax.set_aspect("equal")
    ax.invert_yaxis()
    ax.set_title(f"t = {float(frame['time']):.2f} s")
    unit = "px" if scale[0] != 1 or pose.attrs.get("coords") == "pixels" else "normalised"
    ax.set_xlabel(f"x ({unit})")
    ax.set_ylabel(f"y ({unit})")
    return fig


def plot_clip_overview(clip: Clip, *, keypoints: tuple[str, ...] = ("left_wrist", "right_wrist", "nose"),
                       start: float = 0.0, stop: float | None = None) -> plt.Figure:
    """Audio waveform, word timeline and keypoint trajectories of one clip on the shared time axis.

    Parameters
    ----------
    clip
        A loaded clip (each of audio, words and pose is drawn when present).
    keypoints
        Keypoints of the clip's pose whose vertical position is drawn.
    start, stop
        The span in seconds; ``stop`` None: the end of the pose (10 s without one).

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    if isinstance(keypoints, str) or not isinstance(keypoints, (tuple, list)) or \
            not all(isinstance(k, str) for k in keypoints):
        raise ParameterError(f"invalid value for keypoints: expected a tuple of keypoint names, got {keypoints!r}",
                             name="keypoints")
    check_nonnegative("start", start)
    check_range("stop", stop, start, np.inf, inclusive=(False, False), allow_none=True)
    pose = clip.pose
    unknown = [k for k in keypoints if pose is not None and k not in pose["keypoint"].values]
    if unknown:
        raise ParameterError(f"invalid value for keypoints: expected names of the clip's pose keypoints "
                             f"({pose.attrs.get('layout')}), got {unknown}", name="keypoints")
    stop = stop if stop is not None else float(pose["time"].values[-1]) if pose is not None else 10.0
    fig, axes = plt.subplots(3, 1, figsize=(10, 6), sharex=True, gridspec_kw={"height_ratios": [1, 0.6, 2]})
    if clip.audio is not None:
        samples = clip.audio.read(start, stop)
        step = max(1, samples.size // 20000)
        t = start + np.arange(0, samples.size, step) / clip.audio.samplerate
        axes[0].plot(t, samples[::step], lw=0.4, color="0.3")
    axes[0].set_ylabel("audio (amplitude)")
    if clip.words is not None:
        shown = clip.words[(clip.words.end > start) & (clip.words.start < stop)]
        for w in shown.itertuples():
            axes[1].axvspan(w.start, w.end, color="tab:orange", alpha=0.35)
        for w in shown.iloc[:: max(1, len(shown) // 40)].itertuples():
            axes[1].text(w.start, 0.5, literal(w.word), fontsize=7, rotation=90, va="center")
    axes[1].set_yticks([])
    axes[1].set_ylabel("words")
    if pose is not None:
        part = pose.sel(time=slice(start, stop)).isel(individual=0)
        for name in keypoints:
            if name in part["keypoint"]:
                axes[2].plot(part["time"], part["position"].sel(keypoint=name, space="y"), label=f"{name} y", lw=0.8)
        axes[2].legend(loc="upper right", fontsize=7)
        axes[2].invert_yaxis()
    axes[2].set_ylabel("position (normalised)")
    axes[2].set_xlabel("time (s)")
    fig.suptitle(clip.clip_id)
    fig.tight_layout()
    return fig


def plot_claims(claims: list[dict]) -> plt.Figure:
    """Measured values as a fraction of the published claims (log scale).

    Parameters
    ----------
    claims
        :func:`~alloava_analysis.stats.descriptive.claims_vs_measured` rows; those without a
        numeric measured value are left out.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    table = pd.DataFrame(claims)
    table = table[pd.to_numeric(table["measured"], errors="coerce").notna()]
    ratio = table["measured"].astype(float) / table["claimed"].astype(float)
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(table) + 1))
    ax.barh(table["name"], ratio, color="tab:green")
    ax.axvline(1.0, color="k", lw=1)
    ax.set_xscale("log")
    ax.set_xlabel("measured / claimed (ratio, log scale)")
    ax.set_ylabel("claim")
    fig.tight_layout()
    return fig


def plot_validation(report: dict) -> plt.Figure:
    """Per-clip missing-keypoint fraction and mean confidence from a ``validate_corpus`` report.

    Parameters
    ----------
    report
        What :func:`alloava_analysis.runs.validate.validate_corpus` returns; failed clips in red.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    rows = pd.DataFrame([{"clip_id": c["clip_id"], "ok": c["ok"], **c.get("keypoints", {})} for c in report["clips"]])
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.3 * len(rows) + 1.5), sharey=True)
    colors = np.where(rows["ok"], "tab:blue", "tab:red")
    for ax, column, label in zip(axes, ("nan_fraction", "confidence_mean"),
                                 ("missing keypoints (fraction of keypoint-frames)", "mean confidence (0-1)")):
        if column in rows:
            ax.barh(rows["clip_id"], rows[column], color=colors)
        ax.set_xlabel(label)
    fig.tight_layout()
    return fig


# --- speech-gesture coupling ---------------------------------------------------------------------

def plot_window_scatter(windows: pd.DataFrame, *, x: str = "speech_rate", y: str = "intensity",
                        by: str = "clip_id") -> plt.Figure:
    """Window-level scatter of ``y`` against ``x``, one colour and regression line per clip.

    Parameters
    ----------
    windows
        One row per analysis window with the ``x``, ``y`` and ``by`` columns.
    x, y
        Columns on the horizontal and the vertical axis.
    by
        Column whose values get a colour and a regression line each (the clip by default).

    Returns
    -------
    matplotlib.figure.Figure
        The figure of the seaborn grid.
    """
    for name, column in (("x", x), ("y", y), ("by", by)):
        check_option(name, column, list(windows.columns), extra="a column of windows")
    import seaborn as sns

    if windows[by].dtype == object:  # the groups' names from the data, shown literally in the legend
        windows = windows.assign(**{by: windows[by].map(literal)})
    grid = sns.lmplot(data=windows, x=x, y=y, hue=by, ci=None, height=4, aspect=1.4,
                      scatter_kws={"s": 14, "alpha": 0.7}, line_kws={"lw": 1}, legend=len(windows[by].unique()) <= 12)
    units = {"speech_rate": "speech rate (words/s)", "syllable_rate": "syllable rate (syllables/s)",
             "articulation_rate": "articulation rate (syllables/s of speech)",
             "windowed_rate": "speech rate (words/s)", "intensity": "movement intensity (shoulder widths/s)"}
    grid.set_axis_labels(units.get(x, x.replace("_", " ")), units.get(y, y.replace("_", " ")))
    return grid.figure


def plot_forest(per_clip: pd.DataFrame, pooled: dict | None = None) -> plt.Figure:
    """Per-clip correlations with their confidence intervals, and the pooled estimate at the bottom.

    Parameters
    ----------
    per_clip
        One row per clip: ``clip_id, r, ci_low, ci_high``.
    pooled
        The pooled estimate (``r, ci_low, ci_high``), drawn when given.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    rows = per_clip.sort_values("r").reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(6, 0.3 * len(rows) + 1.5))
    ypos = np.arange(len(rows))
    ax.errorbar(rows["r"], ypos, xerr=[rows["r"] - rows["ci_low"], rows["ci_high"] - rows["r"]], fmt="o",
                color="tab:blue", ms=4, capsize=2)
    labels = list(rows["clip_id"])
    if pooled and pooled.get("r") is not None:
        ax.errorbar([pooled["r"]], [-1.5], xerr=[[pooled["r"] - pooled["ci_low"]], [pooled["ci_high"] - pooled["r"]]],
                    fmt="D", color="k", ms=6, capsize=3)
        ypos = np.r_[ypos, -1.5]
        labels.append("pooled")
    ax.set_yticks(ypos, labels, fontsize=7)
    ax.axvline(0.0, color="0.5", lw=0.8)
    ax.set_xlim(-1, 1)
    ax.set_xlabel("correlation r (95 % CI)")
    ax.set_ylabel("clip")
    fig.tight_layout()
    return fig


def plot_lag_curve(curve: pd.DataFrame, *, best_lag_s: float | None = None,
                   planted_lag_s: float | None = None) -> plt.Figure:
    """Cross-correlation against lag (positive lag = motion leads speech), with the best and planted lags.

    Parameters
    ----------
    curve
        ``lag_s`` and ``r`` per lag (a cross-correlation curve).
    best_lag_s, planted_lag_s
        The best and the planted lag in seconds, drawn when given.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot(curve["lag_s"], curve["r"], color="tab:blue")
    if best_lag_s is not None:
        ax.axvline(best_lag_s, color="tab:red", ls="--", label=f"best {best_lag_s * 1000:.0f} ms")
    if planted_lag_s is not None:
        ax.axvline(planted_lag_s, color="k", ls=":", label=f"planted {planted_lag_s * 1000:.0f} ms")
    ax.axvline(0.0, color="0.7", lw=0.8)
    ax.set_xlabel("lag (s), positive = motion leads speech")
    ax.set_ylabel("cross-correlation r")
    if best_lag_s is not None or planted_lag_s is not None:  # nothing labelled to explain otherwise
        legend_outside(ax, fontsize=8)
    fig.tight_layout()
    return fig
