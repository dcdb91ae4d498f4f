"""Motion features on the video clock.

The cleaning chain is :func:`mask_low_confidence` -> :func:`interpolate_gaps`
(bounded: longer gaps stay missing) -> :func:`smooth` (Savitzky-Golay), then
:func:`kinematics` (velocity, speed, acceleration, jerk by finite differences
on the frame timestamps), :func:`movement_intensity` (body-size-normalised
speed of a body-part group) and :func:`gesture_units` (speed threshold with
hysteresis) with :func:`gesture_rate`.

All functions take and return ``movement``-style pose datasets
(``position(time, space, keypoints, individuals)``) or tidy DataFrames with a
``time`` column; windowed summaries go through :mod:`alloava_analysis.clocks`.
"""
from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd
import xarray as xr
from scipy import signal

from ..clocks import aggregate_windows, count_in_windows, make_windows
from ..model import validate_pose
from ..schema import group_keypoints

__all__ = [
    "clean_pose",
    "gesture_rate",
    "gesture_units",
    "interpolate_gaps",
    "kinematics",
    "mask_low_confidence",
    "movement_intensity",
    "shoulder_width",
    "smooth",
    "window_intensity",
]

log = logging.getLogger(__name__)


def _fps(ds: xr.Dataset) -> float:
    fps = float(ds.attrs.get("fps", np.nan))
    if not np.isfinite(fps) or fps <= 0:
        t = ds["time"].values
        if t.size < 2:
            raise ValueError(f"expected at least 2 frames to infer the frame rate, got {t.size}")
        fps = 1.0 / float(np.median(np.diff(t)))
    return fps


def _pixel_scale(ds: xr.Dataset) -> np.ndarray:
    """Per-axis factors that make distances isotropic (pixels for normalised coords with a known frame size)."""
    scale = np.ones(ds.sizes["space"])
    if ds.attrs.get("coords") == "normalized" and ds.attrs.get("frame_width") and ds.attrs.get("frame_height"):
        scale[0], scale[1] = float(ds.attrs["frame_width"]), float(ds.attrs["frame_height"])
        if scale.size > 2:
            scale[2] = float(ds.attrs["frame_width"])  # MediaPipe z uses the x scale
    return scale


# --------------------------------------------------------------------------------------------
# cleaning
# --------------------------------------------------------------------------------------------
def mask_low_confidence(ds: xr.Dataset, *, threshold: float = 0.5) -> xr.Dataset:
    """Set positions to NaN where ``confidence < threshold`` (confidence itself is kept)."""
    validate_pose(ds)
    if not 0 <= threshold <= 1:
        raise ValueError(f"expected a confidence threshold in [0, 1], got {threshold}")
    keep = ds["confidence"] >= threshold
    out = ds.copy()
    out["position"] = ds["position"].where(keep)
    out.attrs["confidence_threshold"] = float(threshold)
    return out


def _interp_gaps_array(values: np.ndarray, t: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linear interpolation along axis 0 of inner NaN runs whose bracketing samples are <= ``max_gap_s`` apart."""
    flat = values.reshape(values.shape[0], -1).astype(np.float64)
    n = flat.shape[0]
    valid = np.isfinite(flat)
    idx = np.arange(n)[:, None]
    prev = np.maximum.accumulate(np.where(valid, idx, -1), axis=0)
    nxt = np.flip(np.minimum.accumulate(np.flip(np.where(valid, idx, n), axis=0), axis=0), axis=0)
    inner = ~valid & (prev >= 0) & (nxt < n)
    p, q = np.clip(prev, 0, n - 1), np.clip(nxt, 0, n - 1)
    span = t[q] - t[p]
    fill = inner & (span <= max_gap_s + 1e-9)
    cols = np.broadcast_to(np.arange(flat.shape[1]), flat.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = (t[:, None] - t[p]) / np.where(span > 0, span, 1.0)
        interp = flat[p, cols] * (1 - w) + flat[q, cols] * w
    out = np.where(fill, interp, flat)
    return out.reshape(values.shape)


def interpolate_gaps(ds: xr.Dataset, *, max_gap_s: float = 0.2) -> xr.Dataset:
    """Fill missing stretches by linear interpolation in time, only where they are short.

    A gap is filled when the two valid frames around it are at most
    ``max_gap_s`` apart; longer gaps, and gaps at the start or end of the
    clip, stay NaN (bounded interpolation: no invented motion over long
    dropouts). Confidence is left as measured, so downstream code can still
    see which points were filled.
    """
    validate_pose(ds)
    if max_gap_s < 0:
        raise ValueError(f"expected max_gap_s >= 0, got {max_gap_s}")
    t = ds["time"].values
    out = ds.copy()
    out["position"] = (ds["position"].dims,
                       _interp_gaps_array(ds["position"].values, t, max_gap_s).astype(np.float32))
    out.attrs["max_gap_s"] = float(max_gap_s)
    return out


def _savgol_nan(values: np.ndarray, window: int, polyorder: int, deriv: int = 0, delta: float = 1.0) -> np.ndarray:
    """Savitzky-Golay along axis 0 that leaves NaN samples NaN.

    Each NaN-free run is filtered separately (runs shorter than the window
    get a window that fits, or stay unfiltered when too short for
    ``polyorder``), so values never leak across gaps.
    """
    flat = values.reshape(values.shape[0], -1).astype(np.float64)
    out = np.full_like(flat, np.nan)
    finite = np.isfinite(flat)
    all_ok = finite.all(axis=0)
    if all_ok.any() and window <= flat.shape[0]:
        out[:, all_ok] = signal.savgol_filter(flat[:, all_ok], window, polyorder, deriv=deriv, delta=delta,
                                              axis=0, mode="interp")
    for c in np.flatnonzero(~all_ok | (window > flat.shape[0])):
        edges = np.diff(np.concatenate([[0], finite[:, c].astype(np.int8), [0]]))
        for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
            run = b - a
            win = min(window, run if run % 2 else run - 1)
            if win > polyorder:
                out[a:b, c] = signal.savgol_filter(flat[a:b, c], win, polyorder, deriv=deriv, delta=delta,
                                                   mode="interp")
            elif deriv == 0:
                out[a:b, c] = flat[a:b, c]
    return out.reshape(values.shape)


def smooth(ds: xr.Dataset, *, window_s: float = 0.2, polyorder: int = 2) -> xr.Dataset:
    """Savitzky-Golay smoothing of positions along time.

    Parameters
    ----------
    window_s
        Filter length in seconds, turned into an odd number of frames (at
        least ``polyorder + 2``). ``0`` returns the data unchanged.
    polyorder
        Order of the local polynomial.

    NaN stretches are respected: each valid run is filtered on its own.
    """
    validate_pose(ds)
    if window_s == 0:
        return ds
    if window_s < 0 or polyorder < 0:
        raise ValueError(f"expected window_s >= 0 and polyorder >= 0, got {window_s}, {polyorder}")
    frames = int(round(window_s * _fps(ds)))
    frames = max(frames + (frames % 2 == 0), polyorder + 2 + (polyorder % 2))
    out = ds.copy()
    out["position"] = (ds["position"].dims,
                       _savgol_nan(ds["position"].values, frames, polyorder).astype(np.float32))
    out.attrs.update(smooth_window_s=float(window_s), smooth_polyorder=int(polyorder))
    return out


def clean_pose(ds: xr.Dataset, *, confidence_threshold: float = 0.5, max_gap_s: float = 0.2,
               smooth_s: float = 0.0, polyorder: int = 2) -> xr.Dataset:
    """The standard cleaning chain: mask, bounded interpolation, optional smoothing."""
    out = mask_low_confidence(ds, threshold=confidence_threshold)
    out = interpolate_gaps(out, max_gap_s=max_gap_s)
    return smooth(out, window_s=smooth_s, polyorder=polyorder) if smooth_s else out


# --------------------------------------------------------------------------------------------
# kinematics
# --------------------------------------------------------------------------------------------
def _derivative(values: np.ndarray, t: np.ndarray) -> np.ndarray:
    """d/dt along axis 0 with second-order central differences on (possibly uneven) timestamps."""
    if t.size < 2:
        raise ValueError(f"expected at least 2 frames to differentiate, got {t.size}")
    if t.size == 2:
        d = (values[1] - values[0]) / (t[1] - t[0])
        return np.stack([d, d])
    return np.gradient(values, t, axis=0, edge_order=1)


def kinematics(ds: xr.Dataset, *, isotropic: bool = True) -> xr.Dataset:
    """Velocity, speed, acceleration and jerk of every keypoint.

    Derivatives are taken on the frame timestamps (``time`` coordinate,
    seconds), so uneven frame spacing is handled; a NaN position makes the
    derivatives around it NaN.

    Parameters
    ----------
    isotropic
        For normalised coordinates with a known frame size, scale x and y to
        pixels first so that a distance means the same in both directions.

    Returns
    -------
    xarray.Dataset
        ``velocity``, ``acceleration``, ``jerk`` with the dims of ``position``
        and their magnitudes ``speed``, ``acceleration_magnitude``,
        ``jerk_magnitude`` (time, keypoints, individuals); units: position
        units (pixels when scaled) per second (squared, cubed).
    """
    validate_pose(ds)
    t = ds["time"].values
    scale = _pixel_scale(ds) if isotropic else np.ones(ds.sizes["space"])
    pos = ds["position"].values.astype(np.float64) * scale[None, :, None, None]
    vel = _derivative(pos, t)
    acc = _derivative(vel, t)
    jerk = _derivative(acc, t)
    dims = ds["position"].dims
    mag_dims = ("time", "keypoints", "individuals")
    out = xr.Dataset(
        {
            "velocity": (dims, vel),
            "speed": (mag_dims, np.linalg.norm(vel, axis=1)),
            "acceleration": (dims, acc),
            "acceleration_magnitude": (mag_dims, np.linalg.norm(acc, axis=1)),
            "jerk": (dims, jerk),
            "jerk_magnitude": (mag_dims, np.linalg.norm(jerk, axis=1)),
        },
        coords={k: v for k, v in ds.coords.items()},
        attrs={**ds.attrs, "units": "pixels" if (scale != 1).any() else ds.attrs.get("coords", "")},
    )
    return out


def shoulder_width(ds: xr.Dataset, *, isotropic: bool = True) -> xr.DataArray:
    """Clip median of the left-right shoulder distance in the image plane, one value per individual.

    This is the body-size unit of :func:`movement_intensity`. Only x and y
    are used (depth estimates such as MediaPipe's z are too noisy for a
    body-size unit); NaN frames are ignored. Raises ``ValueError`` when the
    layout has no shoulders or they are never both visible.
    """
    validate_pose(ds)
    names = list(ds["keypoints"].values)
    if "left_shoulder" not in names or "right_shoulder" not in names:
        raise ValueError(f"expected left_shoulder and right_shoulder keypoints to normalise by body size, "
                         f"got layout {ds.attrs.get('layout')!r}")
    scale = _pixel_scale(ds) if isotropic else np.ones(ds.sizes["space"])
    pos = ds["position"].sel(keypoints=["left_shoulder", "right_shoulder"]).values.astype(np.float64)
    pos = (pos * scale[None, :, None, None])[:, :2]
    dist = np.linalg.norm(pos[:, :, 0] - pos[:, :, 1], axis=1)  # (time, individuals)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        width = np.nanmedian(dist, axis=0)
    bad = ~(np.isfinite(width) & (width > 0))
    if bad.any():
        raise ValueError(f"expected visible shoulders to measure body size, got none for "
                         f"{list(np.asarray(ds['individuals'].values)[bad])} in {ds.attrs.get('source') or 'pose'}")
    return xr.DataArray(width, dims=("individuals",), coords={"individuals": ds["individuals"].values},
                        name="shoulder_width")


def movement_intensity(ds: xr.Dataset, *, group: str = "hands", individual: str | None = None,
                       confidence_threshold: float = 0.5, max_gap_s: float = 0.2, smooth_s: float = 0.0,
                       normalize: bool = True, min_keypoints: int = 1) -> pd.DataFrame:
    """Per-frame movement intensity of a body-part group.

    Intensity at a frame = the mean, over the group's keypoints that are
    valid there, of the keypoint speed divided by the clip's shoulder width
    (:func:`shoulder_width`) -- i.e. shoulder widths per second, comparable
    across speakers, camera distances and resolutions.

    Parameters
    ----------
    ds
        Pose dataset (raw; the cleaning chain is applied here).
    group
        ``"hands"``, ``"arms"``, ``"upper_body"``, ``"head"``, ... (see
        :func:`alloava_analysis.schema.group_keypoints`).
    individual
        Which individual; defaults to the first.
    confidence_threshold, max_gap_s, smooth_s
        Passed to :func:`clean_pose` (``smooth_s=0`` disables smoothing).
    normalize
        Divide by the shoulder width (``False``: raw position units per second).
    min_keypoints
        Frames with fewer valid keypoints in the group are NaN.

    Returns
    -------
    pandas.DataFrame
        ``time``, ``intensity``, ``n_keypoints``; attrs ``clock="video"``,
        ``rate_hz``, ``group``, ``shoulder_width``, ``units``.
    """
    validate_pose(ds)
    names = [k for k in group_keypoints(ds.attrs.get("layout", ""), group) if k in set(ds["keypoints"].values)]
    if not names:
        raise ValueError(f"expected keypoints of group {group!r} in the pose, got none of them")
    ind = ds["individuals"].values[0] if individual is None else individual
    ds1 = ds.sel(individuals=[ind])
    width = float(shoulder_width(ds1).values[0]) if normalize else 1.0
    clean = clean_pose(ds1, confidence_threshold=confidence_threshold, max_gap_s=max_gap_s, smooth_s=smooth_s)
    kin = kinematics(clean.sel(keypoints=names))
    speed = kin["speed"].values[:, :, 0]  # (time, keypoints)
    n_valid = np.isfinite(speed).sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean_speed = np.nanmean(speed, axis=1)
    intensity = np.where(n_valid >= max(min_keypoints, 1), mean_speed / width, np.nan)
    out = pd.DataFrame({"time": ds["time"].values, "intensity": intensity, "n_keypoints": n_valid})
    out.attrs.update(clock="video", rate_hz=_fps(ds), group=group, shoulder_width=width,
                     units="shoulder widths / s" if normalize else f"{kin.attrs['units']} / s")
    return out


def window_intensity(intensity: pd.DataFrame, *, window_s: float = 5.0, hop_s: float | None = None,
                     span: tuple[float, float] | None = None, min_coverage: float = 0.5) -> pd.DataFrame:
    """Mean movement intensity in analysis windows (via :func:`alloava_analysis.clocks.aggregate_windows`).

    Windows where fewer than ``min_coverage`` of the frames are valid are NaN.
    Returns ``window, start, end, center, intensity, coverage, window_s, hop_s, clock``.
    """
    t = intensity["time"].to_numpy(dtype=float)
    v = intensity["intensity"].to_numpy(dtype=float)
    if span is None:
        if t.size == 0:
            raise ValueError("expected intensity frames, got none")
        step = float(np.median(np.diff(t))) if t.size > 1 else 0.0
        span = (float(t[0]), float(t[-1]) + step)
    rate = intensity.attrs.get("rate_hz") or (1.0 / float(np.median(np.diff(t))))
    win = make_windows(span[0], span[1], window_s=window_s, hop_s=hop_s, clock="video")
    out = win[["window", "start", "end", "center"]].copy()
    out["intensity"] = aggregate_windows(v, t, win, how="mean", min_coverage=min_coverage, rate_hz=rate)
    valid = count_in_windows(t[np.isfinite(v)], win)
    out["coverage"] = np.clip(valid / np.maximum(np.round((win["end"] - win["start"]) * rate), 1), 0, 1)
    out[["window_s", "hop_s", "clock"]] = win[["window_s", "hop_s", "clock"]]
    return out


# --------------------------------------------------------------------------------------------
# gesture units
# --------------------------------------------------------------------------------------------
def gesture_units(intensity: pd.DataFrame, *, high: float = 0.6, low: float | None = None,
                  min_duration_s: float = 0.2, merge_gap_s: float = 0.1,
                  column: str = "intensity") -> pd.DataFrame:
    """Gesture units: stretches of movement found by a speed threshold with hysteresis.

    A unit starts when the series rises above ``high`` and lasts until it
    falls below ``low`` (hysteresis: small dips between the two thresholds do
    not split a unit). Units separated by less than ``merge_gap_s`` are
    merged; units shorter than ``min_duration_s`` are dropped. NaN frames end
    a unit.

    Parameters
    ----------
    intensity
        Frame table with ``time`` and ``column`` (e.g. from
        :func:`movement_intensity`; thresholds are then in shoulder widths/s).
    high, low
        Enter and exit thresholds (``low`` defaults to ``high / 2``; must be <= ``high``).

    Returns
    -------
    pandas.DataFrame
        ``unit, start, end, duration, peak, mean`` (one row per unit); attrs
        ``high``, ``low``, ``clock``.
    """
    low = high / 2 if low is None else low
    if not low <= high:
        raise ValueError(f"expected low <= high for hysteresis, got low={low}, high={high}")
    t = intensity["time"].to_numpy(dtype=float)
    v = intensity[column].to_numpy(dtype=float)
    if t.size < 2:
        raise ValueError(f"expected at least 2 frames, got {t.size}")
    step = float(np.median(np.diff(t)))
    # state: 1 after crossing high, 0 after dropping below low (or NaN), carried forward in between
    event = np.where(v > high, 1.0, np.where((v < low) | ~np.isfinite(v), 0.0, np.nan))
    state = pd.Series(event).ffill().fillna(0.0).to_numpy() > 0
    edges = np.diff(np.concatenate([[0], state.astype(np.int8), [0]]))
    a, b = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1  # inclusive frame indices
    if a.size > 1 and merge_gap_s > 0:
        gap = t[a[1:]] - t[b[:-1]] - step
        keep = np.concatenate([[True], gap >= merge_gap_s])
        a = a[keep]
        b = np.concatenate([b[np.flatnonzero(keep[1:])], b[-1:]])
    start, end = t[a] - step / 2, t[b] + step / 2
    dur = end - start
    csum = np.concatenate([[0.0], np.cumsum(np.nan_to_num(v))])
    ccnt = np.concatenate([[0], np.cumsum(np.isfinite(v))])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (csum[b + 1] - csum[a]) / (ccnt[b + 1] - ccnt[a])
    peak = np.array([np.nanmax(v[i:j + 1]) for i, j in zip(a, b)]) if a.size else np.empty(0)
    keep = dur >= min_duration_s
    out = pd.DataFrame({"unit": np.arange(int(keep.sum())), "start": start[keep], "end": end[keep],
                        "duration": dur[keep], "peak": peak[keep], "mean": mean[keep]})
    out.attrs.update(high=float(high), low=float(low), clock=intensity.attrs.get("clock", "video"))
    return out


def gesture_rate(units: pd.DataFrame, *, span: tuple[float, float], window_s: float | None = None,
                 hop_s: float | None = None) -> pd.DataFrame:
    """Gesture units per minute, over the whole span or in windows (a unit counts where it starts).

    Returns ``window, start, end, n_units, units_per_min, window_s, hop_s, clock``
    (one row when ``window_s`` is None).
    """
    lo, hi = float(span[0]), float(span[1])
    if not hi > lo:
        raise ValueError(f"expected span (start, stop) with stop > start, got {span}")
    win = make_windows(lo, hi, window_s=window_s or (hi - lo), hop_s=hop_s, clock="video")
    out = win[["window", "start", "end"]].copy()
    out["n_units"] = count_in_windows(units["start"].to_numpy(dtype=float), win).astype("int64")
    out["units_per_min"] = out["n_units"] / ((out["end"] - out["start"]) / 60.0)
    out[["window_s", "hop_s", "clock"]] = win[["window_s", "hop_s", "clock"]]
    return out
