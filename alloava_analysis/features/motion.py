"""Motion features on the video clock.

The cleaning chain is :func:`mask_low_confidence` -> :func:`interpolate_gaps`
(bounded: longer gaps stay missing) -> :func:`smooth` (Savitzky-Golay), then
:func:`kinematics` (velocity, speed, acceleration, jerk by finite differences
on the frame timestamps), :func:`movement_intensity` (body-size-normalised
speed of a body-part group, relative to the torso or to the image) and
:func:`gesture_units` (from a hand leaving rest to its return, found by a
speed threshold with hysteresis above the tracker's noise floor) with
:func:`gesture_rate`. :func:`detect_pose_cuts` finds camera cuts from
jumps of the whole skeleton; :class:`MotionSettings` bundles the choices an
analysis records with its results.

Kinematics are planar by default: MediaPipe's ``z`` is a *relative depth*
(roughly the distance from the hip midpoint along the camera axis, in the
same normalised units as ``x``), estimated from a single image and several
times noisier than ``x`` and ``y``; on a rigidly moved photo it inflates head
speed about eightfold. Pass ``use_z=True`` to include it anyway.

All functions take and return ``movement``-style pose datasets
(``position(time, space, keypoint, individual)``) or tidy DataFrames with a
``time`` column; windowed summaries go through :mod:`alloava_analysis.clocks`.
"""
from __future__ import annotations

import logging
import warnings
from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from .. import choices
from ..checks import check_int, check_nonnegative, check_option, check_positive, check_range
from ..clocks import aggregate_windows, count_in_windows, make_windows
from ..errors import ParameterError, SchemaError
from ..model import CONFIDENCE_DIMS, estimate_frame_rate, frame_step, validate_pose
from ..schema import get_layout

__all__ = [
    "MotionSettings",
    "body_reference",
    "clean_pose",
    "combine_cuts",
    "cut_evidence_counts",
    "detect_pose_cuts",
    "jump_peaks",
    "recorded_cut_frames",
    "recorded_cuts",
    "recorded_support_frames",
    "shot_cut_table",
    "shot_cuts",
    "spans_cut",
    "gesture_rate",
    "gesture_units",
    "interpolate_gaps",
    "kinematics",
    "mask_low_confidence",
    "mask_outside_frame",
    "movement_intensity",
    "moving_mean",
    "noise_floor",
    "pixel_scale",
    "shoulder_width",
    "smooth",
    "window_intensity",
]

log = logging.getLogger(__name__)

#: Allowed values of ``relative_to``: ``"auto"`` is ``"body"`` for :data:`BODY_RELATIVE_GROUPS`, else ``"image"``.
RELATIVE_TO = choices.RELATIVE_TO
#: Groups measured relative to the torso by default (their motion is gesture, not posture or camera).
BODY_RELATIVE_GROUPS = ("hands", "arms", "left_hand", "right_hand", "fingers")
#: Allowed values of ``cut_handling``.
CUT_HANDLING = choices.CUT_HANDLING
#: Allowed values of ``cut_source``.
CUT_SOURCES = choices.CUT_SOURCES


def _check_option(name: str, value: Any, allowed: Sequence[Any]) -> None:
    """Raise :class:`~alloava_analysis.errors.ParameterError` (a ValueError) listing the allowed values."""
    check_option(name, value, allowed)


def resolve_relative_to(relative_to: str, group: str) -> str:
    """``"body"`` or ``"image"``: what ``relative_to`` means for ``group`` (``"auto"`` resolved).

    Parameters
    ----------
    relative_to
        One of :data:`RELATIVE_TO`: ``"auto"``, ``"body"`` or ``"image"``.
    group
        Body-part group name (``"hands"``, ``"head"``, ...); ``"auto"`` means
        ``"body"`` for :data:`BODY_RELATIVE_GROUPS`, else ``"image"``.

    Returns
    -------
    str
        ``"body"`` or ``"image"``.
    """
    _check_option("relative_to", relative_to, RELATIVE_TO)
    if relative_to == "auto":
        return "body" if group in BODY_RELATIVE_GROUPS else "image"
    return relative_to


@dataclass(frozen=True)
class MotionSettings:
    """How movement is measured: one object that analyses take and record with their results.

    Parameters
    ----------
    use_z
        Include MediaPipe's relative depth ``z`` in speeds (default planar x, y).
    relative_to
        ``"body"``: positions relative to the shoulder midpoint (gesture, not
        sway, pans or zooms); ``"image"``: image-plane positions; ``"auto"``:
        ``"body"`` for hands, arms and fingers, ``"image"`` for other groups.
    cut_handling
        ``"exclude"``: frames next to a camera cut get no speed, and analysis
        windows and gesture units that span a cut are dropped (and counted);
        ``"ignore"``: cuts are not looked for.
    cut_source
        ``"video"``: cut times found in the frames at extraction time
        (``clip.metadata["shot_cuts"]``); ``"pose"``: :func:`detect_pose_cuts`;
        ``"auto"``: both combined (:func:`shot_cut_table`; an empty list from
        one never silences the other; a pose jump needs frame support where
        the frames were checked).
    cut_jump
        Pose-cut threshold: median jump of all keypoints between two frames,
        in shoulder widths (see :func:`detect_pose_cuts`).
    cut_guard_s
        Frames within this time of a cut get no speed.
    confidence_threshold, max_gap_s, smooth_s
        Pose cleaning before speeds (see :func:`clean_pose`): points below the
        confidence (0 to 1) are missing, gaps up to ``max_gap_s`` seconds are
        interpolated, and ``smooth_s`` seconds of smoothing (0: none).
    """

    use_z: bool = False
    relative_to: str = "auto"
    cut_handling: str = "exclude"
    cut_source: str = "auto"
    cut_jump: float = 0.08
    cut_guard_s: float = 0.1
    confidence_threshold: float = 0.5
    max_gap_s: float = 0.2
    smooth_s: float = 0.0

    def __post_init__(self) -> None:
        _check_option("relative_to", self.relative_to, RELATIVE_TO)
        _check_option("cut_handling", self.cut_handling, CUT_HANDLING)
        _check_option("cut_source", self.cut_source, CUT_SOURCES)
        _check_option("use_z", self.use_z, (False, True))
        check_positive("cut_jump", self.cut_jump)
        check_nonnegative("cut_guard_s", self.cut_guard_s)
        check_range("confidence_threshold", self.confidence_threshold, 0.0, 1.0)
        check_nonnegative("max_gap_s", self.max_gap_s)
        check_nonnegative("smooth_s", self.smooth_s)

    def reference(self, group: str) -> str:
        """``"body"`` or ``"image"`` for ``group``.

        Parameters
        ----------
        group
            Body-part group name (see :func:`resolve_relative_to`).

        Returns
        -------
        str
            ``"body"`` or ``"image"``.
        """
        return resolve_relative_to(self.relative_to, group)

    def intensity_options(self, group: str) -> dict[str, Any]:
        """Keyword options of :func:`movement_intensity` for ``group``.

        Parameters
        ----------
        group
            Body-part group name.

        Returns
        -------
        dict
            ``use_z``, the resolved ``relative_to`` and the pose cleaning
            (``confidence_threshold``, ``max_gap_s``, ``smooth_s``), to pass as ``**options``.
        """
        return {"use_z": self.use_z, "relative_to": self.reference(group),
                "confidence_threshold": self.confidence_threshold, "max_gap_s": self.max_gap_s,
                "smooth_s": self.smooth_s}

    def to_dict(self, group: str | None = None) -> dict[str, Any]:
        """Plain values for results; with ``group``, also the resolved reference and a description.

        Parameters
        ----------
        group
            Body-part group the settings are applied to; None leaves out the
            group-specific keys.

        Returns
        -------
        dict
            The fields and ``coordinates``; with ``group`` also ``group``,
            ``relative_to_resolved`` and ``measure`` (a sentence).
        """
        d: dict[str, Any] = asdict(self)
        d["coordinates"] = "x, y, z (MediaPipe relative depth)" if self.use_z else "x, y (image plane)"
        if group is not None:
            ref = self.reference(group)
            d["group"] = group
            d["relative_to_resolved"] = ref
            d["measure"] = (f"mean speed of the {group} keypoints "
                            + ("relative to the shoulder midpoint" if ref == "body" else "in the image plane")
                            + f" ({d['coordinates']}), in shoulder widths per second")
        return d


def _fps(ds: xr.Dataset) -> float:
    fps = float(ds.attrs.get("fps", np.nan))
    if not np.isfinite(fps) or fps <= 0:
        t = ds["time"].values
        if t.size < 2:
            raise SchemaError(f"expected at least 2 frames to infer the frame rate, got {t.size}",
                              path=ds.attrs.get("source") or None)
        fps = estimate_frame_rate(t)
    return fps


def pixel_scale(ds: xr.Dataset) -> np.ndarray:
    """Per-axis factors that make distances isotropic (pixels for normalised coords with a known frame size).

    Parameters
    ----------
    ds
        Pose dataset.

    Returns
    -------
    numpy.ndarray
        One factor per ``space`` entry: the frame width for x (and z) and
        height for y when coordinates are normalised and the frame size is
        known; ones otherwise.
    """
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
    """Set positions to NaN where ``confidence < threshold`` (confidence itself is kept).

    Parameters
    ----------
    ds
        Pose dataset.
    threshold
        Confidence in [0, 1] below which a position is masked.

    Returns
    -------
    xarray.Dataset
        A copy with the masked positions; attr ``confidence_threshold``.
    """
    check_range("threshold", threshold, 0, 1)
    ds = validate_pose(ds)
    keep = ds["confidence"] >= threshold
    out = ds.copy()
    out["position"] = ds["position"].where(keep)
    out.attrs["confidence_threshold"] = float(threshold)
    return out


def mask_outside_frame(ds: xr.Dataset, *, margin: float = 0.0) -> xr.Dataset:
    """Set positions outside the image (normalised x or y beyond ``[-margin, 1 + margin]``) to NaN.

    A pose tracker places landmarks it cannot see -- hands below the bottom
    edge, for instance -- outside the frame, often with a visibility of 0.5
    or more; they are guesses, and their wandering would count as movement.
    Normalised coordinates are checked against ``[-margin, 1 + margin]``,
    pixel coordinates against the frame size (``margin`` as a fraction of
    it); pixel coordinates without a known frame size are returned as they are.

    Parameters
    ----------
    ds
        Pose dataset.
    margin
        Allowed overshoot beyond the image edges, as a fraction (>= 0) of the
        frame size.

    Returns
    -------
    xarray.Dataset
        A copy with the points outside the frame NaN; attr ``frame_margin``.
    """
    check_nonnegative("margin", margin)
    ds = validate_pose(ds)
    if ds.attrs.get("coords") == "normalized":
        size = np.array([1.0, 1.0])
    elif ds.attrs.get("frame_width") and ds.attrs.get("frame_height"):
        size = np.array([float(ds.attrs["frame_width"]), float(ds.attrs["frame_height"])])
    else:
        return ds
    pos = ds["position"]
    xy = pos.isel(space=slice(0, 2))
    lo = xr.DataArray(-margin * size, dims="space", coords={"space": xy["space"]})
    hi = xr.DataArray((1 + margin) * size, dims="space", coords={"space": xy["space"]})
    inside = ((xy >= lo) & (xy <= hi)).all("space") | xy.isnull().any("space")
    out = ds.copy()
    out["position"] = pos.where(inside)
    out.attrs["frame_margin"] = float(margin)
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

    Parameters
    ----------
    ds
        Pose dataset.
    max_gap_s
        Longest time in seconds (>= 0) between the valid frames around a gap
        for it to be filled.

    Returns
    -------
    xarray.Dataset
        A copy with the short gaps filled (float32); attr ``max_gap_s``.
    """
    check_nonnegative("max_gap_s", max_gap_s)
    ds = validate_pose(ds)
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
    from scipy import signal
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

    NaN stretches are respected: each valid run is filtered on its own.

    Parameters
    ----------
    ds
        Pose dataset.
    window_s
        Filter length in seconds, turned into an odd number of frames (at
        least ``polyorder + 2``). ``0`` returns the data unchanged.
    polyorder
        Order of the local polynomial.

    Returns
    -------
    xarray.Dataset
        A copy with smoothed positions (float32); attrs ``smooth_window_s``
        and ``smooth_polyorder``.
    """
    check_nonnegative("window_s", window_s)
    check_int("polyorder", polyorder, minimum=0)
    ds = validate_pose(ds)
    if window_s == 0:
        return ds
    frames = int(round(window_s * _fps(ds)))
    frames = max(frames + (frames % 2 == 0), polyorder + 2 + (polyorder % 2))
    out = ds.copy()
    out["position"] = (ds["position"].dims,
                       _savgol_nan(ds["position"].values, frames, polyorder).astype(np.float32))
    out.attrs.update(smooth_window_s=float(window_s), smooth_polyorder=int(polyorder))
    return out


def clean_pose(ds: xr.Dataset, *, confidence_threshold: float = 0.5, max_gap_s: float = 0.2,
               smooth_s: float = 0.0, polyorder: int = 2, frame_margin: float | None = 0.0) -> xr.Dataset:
    """The standard cleaning chain: mask (low confidence, outside the frame), bounded interpolation, optional smoothing.

    Parameters
    ----------
    ds
        Pose dataset.
    confidence_threshold
        Positions with a lower confidence are masked (:func:`mask_low_confidence`).
    frame_margin
        ``margin`` of :func:`mask_outside_frame`; None keeps points outside the frame.
    max_gap_s
        Longest gap filled by :func:`interpolate_gaps`, in seconds.
    smooth_s, polyorder
        Savitzky-Golay window in seconds and polynomial order (:func:`smooth`);
        ``smooth_s=0`` skips smoothing.

    Returns
    -------
    xarray.Dataset
        The cleaned copy, with the attrs each step records.
    """
    check_range("confidence_threshold", confidence_threshold, 0, 1)
    check_nonnegative("max_gap_s", max_gap_s)
    check_nonnegative("smooth_s", smooth_s)
    check_int("polyorder", polyorder, minimum=0)
    check_nonnegative("frame_margin", frame_margin, allow_none=True)
    out = mask_low_confidence(ds, threshold=confidence_threshold)
    if frame_margin is not None:
        out = mask_outside_frame(out, margin=frame_margin)
    out = interpolate_gaps(out, max_gap_s=max_gap_s)
    return smooth(out, window_s=smooth_s, polyorder=polyorder) if smooth_s else out


# --------------------------------------------------------------------------------------------
# kinematics
# --------------------------------------------------------------------------------------------
def _derivative(values: np.ndarray, t: np.ndarray) -> np.ndarray:
    """d/dt along axis 0 with second-order central differences on (possibly uneven) timestamps."""
    if t.size < 2:
        raise SchemaError(f"expected at least 2 frames to differentiate, got {t.size}", where="time")
    if t.size == 2:
        d = (values[1] - values[0]) / (t[1] - t[0])
        return np.stack([d, d])
    return np.gradient(values, t, axis=0, edge_order=1)


def _planar(ds: xr.Dataset, use_z: bool) -> xr.Dataset:
    """``ds`` with only x and y in ``space`` unless ``use_z`` (and a z is there)."""
    _check_option("use_z", use_z, (False, True))
    if use_z or ds.sizes["space"] <= 2:
        return ds
    return ds.isel(space=slice(0, 2))


def kinematics(ds: xr.Dataset, *, isotropic: bool = True, use_z: bool = False) -> xr.Dataset:
    """Velocity, speed, acceleration and jerk of every keypoint.

    Derivatives are taken on the frame timestamps (``time`` coordinate,
    seconds), so uneven frame spacing is handled; a NaN position makes the
    derivatives around it NaN.

    Parameters
    ----------
    ds
        Pose dataset.
    isotropic
        For normalised coordinates with a known frame size, scale x and y to
        pixels first so that a distance means the same in both directions.
    use_z
        Include ``z`` (MediaPipe's relative depth, scaled like x; noisy). By
        default only the image plane (x, y) is used.

    Returns
    -------
    xarray.Dataset
        ``velocity``, ``acceleration``, ``jerk`` with the dims of ``position``
        (``space`` = x, y unless ``use_z``) and their magnitudes ``speed``,
        ``acceleration_magnitude``, ``jerk_magnitude`` (time, keypoint,
        individual); units: position units (pixels when scaled) per second
        (squared, cubed); attrs ``use_z``.
    """
    ds = validate_pose(ds)
    ds = _planar(ds, use_z)
    t = ds["time"].values
    scale = pixel_scale(ds) if isotropic else np.ones(ds.sizes["space"])
    pos = ds["position"].values.astype(np.float64) * scale[None, :, None, None]
    vel = _derivative(pos, t)
    acc = _derivative(vel, t)
    jerk = _derivative(acc, t)
    dims = ds["position"].dims
    mag_dims = CONFIDENCE_DIMS
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
        attrs={**ds.attrs, "units": "pixels" if (scale != 1).any() else ds.attrs.get("coords", ""),
               "use_z": int(bool(use_z and ds.sizes["space"] > 2))},
    )
    return out


def _shoulder_distance(ds: xr.Dataset, isotropic: bool) -> np.ndarray:
    """Per-frame left-right shoulder distance in the image plane, (time, individual)."""
    names = list(ds["keypoint"].values)
    if "left_shoulder" not in names or "right_shoulder" not in names:
        raise SchemaError(f"expected left_shoulder and right_shoulder keypoints to normalise by body size, "
                          f"got layout {ds.attrs.get('layout')!r}", path=ds.attrs.get("source") or None)
    scale = pixel_scale(ds) if isotropic else np.ones(ds.sizes["space"])
    pos = ds["position"].sel(keypoint=["left_shoulder", "right_shoulder"]).values.astype(np.float64)
    pos = (pos * scale[None, :, None, None])[:, :2]
    return np.linalg.norm(pos[:, :, 0] - pos[:, :, 1], axis=1)


def shoulder_width(ds: xr.Dataset, *, isotropic: bool = True) -> xr.DataArray:
    """Clip median of the left-right shoulder distance in the image plane, one value per individual.

    This is the body-size unit of :func:`movement_intensity`. Only x and y
    are used (depth estimates such as MediaPipe's z are too noisy for a
    body-size unit); NaN frames are ignored. Raises ``ValueError`` when the
    layout has no shoulders or they are never both visible.

    Parameters
    ----------
    ds
        Pose dataset.
    isotropic
        Scale normalised x and y to pixels first (as in :func:`kinematics`).

    Returns
    -------
    xarray.DataArray
        ``shoulder_width(individual)`` in position units (pixels when scaled).
    """
    ds = validate_pose(ds)
    dist = _shoulder_distance(ds, isotropic)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        width = np.nanmedian(dist, axis=0)
    bad = ~(np.isfinite(width) & (width > 0))
    if bad.any():
        raise SchemaError(f"expected visible shoulders to measure body size, got none for "
                          f"{list(np.asarray(ds['individual'].values)[bad])} in {ds.attrs.get('source') or 'pose'}")
    return xr.DataArray(width, dims=("individual",), coords={"individual": ds["individual"].values},
                        name="shoulder_width")


def _shot_index(t: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Index of the shot (0 before the first cut) of every frame time."""
    return np.searchsorted(np.sort(cuts), t, side="right")


def _shot_widths(dist: np.ndarray, shot: np.ndarray, fallback: float) -> np.ndarray:
    """Per-frame shoulder width: the median over each shot's frames (``fallback`` for shots without any)."""
    out = np.full(dist.shape, fallback, dtype=np.float64)
    for k in np.unique(shot):
        sel = shot == k
        vals = dist[sel]
        vals = vals[np.isfinite(vals) & (vals > 0)]
        if vals.size:
            out[sel] = float(np.median(vals))
    return out


def body_reference(ds: xr.Dataset) -> xr.DataArray:
    """The torso reference of body-relative motion: the shoulder midpoint, ``position(time, space, individual)``.

    NaN where either shoulder is missing. Raises ``ValueError`` when the layout
    has no shoulders (use ``relative_to="image"`` for face or hand-only layouts).

    Parameters
    ----------
    ds
        Pose dataset.

    Returns
    -------
    xarray.DataArray
        The midpoint of the two shoulders, ``position(time, space, individual)``.
    """
    names = list(ds["keypoint"].values)
    if "left_shoulder" not in names or "right_shoulder" not in names:
        raise SchemaError(f"expected left_shoulder and right_shoulder keypoints for body-relative motion "
                          f"(relative_to='body'), got layout {ds.attrs.get('layout')!r}; use relative_to='image'",
                          path=ds.attrs.get("source") or None)
    return ds["position"].sel(keypoint=["left_shoulder", "right_shoulder"]).mean("keypoint", skipna=False)


def _cut_mask(t: np.ndarray, cuts: np.ndarray, guard_s: float) -> np.ndarray:
    """Frames whose central difference straddles a cut, or that lie within ``guard_s`` of one."""
    bad = np.zeros(t.size, dtype=bool)
    if cuts.size == 0 or t.size == 0:
        return bad
    i = np.clip(np.searchsorted(t, cuts, side="left"), 0, t.size - 1)  # first frame of the new shot
    for j in i:
        bad[max(j - 1, 0):j + 1] = True
    near = np.abs(t[:, None] - cuts[None, :]).min(axis=1) <= guard_s
    return bad | near


def _group_names(ds: xr.Dataset, group: str) -> list[str]:
    """The keypoints of ``group`` that ``ds`` has; ParameterError for a group its layout does not define."""
    layout = ds.attrs.get("layout", "")
    try:
        groups = get_layout(layout).groups
    except KeyError:
        raise SchemaError(f"expected a pose with a known keypoint layout to select group {group!r}, got layout "
                          f"{layout!r}", path=ds.attrs.get("source") or None, where="attrs['layout']") from None
    check_option("group", group, tuple(groups), extra=f"the groups of layout {layout!r}")
    present = set(ds["keypoint"].values)
    names = [k for k in groups[group] if k in present]
    if not names:
        raise SchemaError(f"expected keypoints of group {group!r} in the pose, got none of them",
                          path=ds.attrs.get("source") or None)
    return names


def _individual(ds: xr.Dataset, individual: str | None) -> Any:
    """``individual``, or the first individual of ``ds`` when None; ParameterError for one ``ds`` lacks."""
    present = tuple(ds["individual"].values)
    if individual is None:
        return present[0]
    return check_option("individual", individual, present)


def _scaled_positions(part: xr.Dataset, use_z: bool, widths: np.ndarray) -> np.ndarray:
    """Positions (time, space, keypoint) of a one-individual pose in the units of ``widths`` (isotropic)."""
    planar = _planar(part, use_z)
    return (planar["position"].values[:, :, :, 0].astype(np.float64) * pixel_scale(planar)[None, :, None]
            / widths[:, None, None])


def movement_intensity(ds: xr.Dataset, *, group: str = "hands", individual: str | None = None,
                       relative_to: str = "auto", use_z: bool = False, cuts: Sequence[float] | None = None,
                       cut_guard_s: float = 0.1, confidence_threshold: float = 0.5, max_gap_s: float = 0.2,
                       smooth_s: float = 0.0, normalize: bool = True, min_keypoints: int = 1) -> pd.DataFrame:
    """Per-frame movement intensity of a body-part group.

    Intensity at a frame = the mean, over the group's keypoints that are
    valid there, of the keypoint speed divided by the shoulder width
    (:func:`shoulder_width`; per shot when ``cuts`` are given) -- i.e.
    shoulder widths per second, comparable across speakers, camera distances
    and resolutions.

    Parameters
    ----------
    ds
        Pose dataset (raw; the cleaning chain is applied here).
    group
        ``"hands"``, ``"arms"``, ``"upper_body"``, ``"head"``, ... (see
        :func:`alloava_analysis.schema.group_keypoints`).
    individual
        Which individual; defaults to the first.
    relative_to
        ``"body"``: keypoints relative to the shoulder midpoint
        (:func:`body_reference`), so sway, camera pans and zooms do not count
        as gesture; ``"image"``: image-plane positions (head or whole-body
        motion as the camera sees it); ``"auto"`` (default): ``"body"`` for
        hands, arms and fingers, ``"image"`` otherwise.
    use_z
        Include MediaPipe's relative depth ``z`` (noisy; default planar).
    cuts
        Camera-cut times (seconds; e.g. :func:`detect_pose_cuts`): frames whose
        speed would span a cut, or within ``cut_guard_s`` of one, are NaN.
    cut_guard_s
        Seconds (>= 0) around each cut in which frames get no intensity.
    confidence_threshold, max_gap_s, smooth_s
        Passed to :func:`clean_pose` (``smooth_s=0`` disables smoothing).
    normalize
        Divide by the shoulder width (``False``: raw position units per second).
    min_keypoints
        Frames with fewer valid keypoints in the group are NaN.

    Returns
    -------
    pandas.DataFrame
        ``time``, ``intensity``, ``n_keypoints``, ``confidence`` (mean over the
        group's keypoints, as tracked), ``rest_distance`` (how far the group is
        from where it rests, in shoulder widths: per keypoint from its rest
        position -- the densest place among its still stretches of at least
        0.4 s --, the median over each hand's keypoints, the larger hand; NaN
        where nothing is tracked, e.g. hands below the picture; inf where a
        tracked keypoint rests out of view, i.e. it was untracked for longer
        than it stayed still in view); attrs ``clock="video"``, ``rate_hz``,
        ``group``, ``shoulder_width`` (clip median), ``units``, ``relative_to``
        (resolved), ``use_z``, ``n_cuts``, ``cuts``, ``jitter`` (the tracker's
        per-axis speed noise in the units of ``intensity``, from second
        differences of the positions; see :func:`noise_floor`).
    """
    check_nonnegative("cut_guard_s", cut_guard_s)
    check_range("confidence_threshold", confidence_threshold, 0, 1)
    check_nonnegative("max_gap_s", max_gap_s)
    check_nonnegative("smooth_s", smooth_s)
    check_int("min_keypoints", min_keypoints, minimum=0)
    _check_option("use_z", use_z, (False, True))
    ds = validate_pose(ds)
    reference = resolve_relative_to(relative_to, group)
    names = _group_names(ds, group)
    ind = _individual(ds, individual)
    ds1 = ds.sel(individual=[ind])
    t = ds["time"].values
    cut_times = np.sort(np.asarray([] if cuts is None else cuts, dtype=float))
    width = float(shoulder_width(ds1).values[0]) if normalize else 1.0
    widths = np.full(t.size, width)
    if normalize and cut_times.size:
        widths = _shot_widths(_shoulder_distance(ds1, True)[:, 0], _shot_index(t, cut_times), width)
    clean = clean_pose(ds1, confidence_threshold=confidence_threshold, max_gap_s=max_gap_s, smooth_s=smooth_s)
    part = clean.sel(keypoint=names)
    if reference == "body":
        part = part.copy()
        part["position"] = part["position"] - body_reference(clean).astype(part["position"].dtype)
    kin = kinematics(part, use_z=use_z)
    speed = kin["speed"].values[:, :, 0]  # (time, keypoints)
    pos = _scaled_positions(part, use_z, widths)
    rest = _rest_distance(pos, speed / widths[:, None], t, sides=[_side(k) for k in names])
    n_valid = np.isfinite(speed).sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean_speed = np.nanmean(speed, axis=1)
    intensity = np.where(n_valid >= max(min_keypoints, 1), mean_speed / widths, np.nan)
    if cut_times.size:
        bad = _cut_mask(t, cut_times, cut_guard_s)
        intensity[bad] = np.nan
        n_valid = np.where(bad, 0, n_valid)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        confidence = np.nanmean(ds1["confidence"].sel(keypoint=names).values[:, :, 0], axis=1)
    if cut_times.size:
        rest[bad] = np.nan
    out = pd.DataFrame({"time": t, "intensity": intensity, "n_keypoints": n_valid, "confidence": confidence,
                        "rest_distance": rest})
    out.attrs.update(clock="video", rate_hz=_fps(ds), group=group, shoulder_width=width,
                     jitter=_jitter_speed(pos, t),
                     units="shoulder widths / s" if normalize else f"{kin.attrs['units']} / s",
                     relative_to=reference, use_z=bool(kin.attrs["use_z"]), n_cuts=int(cut_times.size),
                     cuts=cut_times.tolist())
    return out


# --------------------------------------------------------------------------------------------
# shot changes
# --------------------------------------------------------------------------------------------
def _body_unit(ds1: xr.Dataset, pos: np.ndarray) -> float:
    """Body size in the units of ``pos``: shoulder width, else the median spread of the keypoints."""
    try:
        return float(shoulder_width(ds1).values[0])
    except ValueError:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            centre = np.nanmean(pos, axis=2, keepdims=True)
            spread = np.nanmedian(np.sqrt(np.nansum((pos - centre) ** 2, axis=1)), axis=1)
            unit = float(np.nanmedian(spread))
        if not (np.isfinite(unit) and unit > 0):
            raise SchemaError(f"expected visible keypoints to measure body size for cut detection, got none in "
                              f"{ds1.attrs.get('source') or 'pose'}") from None
        return unit


def _gesturing_keypoints(layout: str) -> set[str]:
    """Keypoints of the hands, fingers, wrists and elbows of ``layout`` (left out of cut detection)."""
    from ..schema import get_layout

    try:
        lay = get_layout(layout)
    except (KeyError, ValueError):
        return set()
    out = {k for g in ("hands", "left_hand", "right_hand", "fingers") for k in lay.groups.get(g, ())}
    return out | {k for k in lay.keypoints if "elbow" in k or "wrist" in k}


def jump_peaks(jumps: np.ndarray, *, threshold: float, contrast: float, half: int, exclude: int,
               merge: int) -> tuple[list[int], np.ndarray]:
    """Indices of isolated peaks of a per-step jump series (camera cuts), and the local context of every step.

    A step is a peak when it exceeds ``threshold`` and ``contrast`` times the
    median of the steps within ``half`` of it (leaving out the ``exclude``
    steps on either side); peaks within ``merge`` steps are one (the largest).

    Parameters
    ----------
    jumps
        Per-step jump series (NaN steps are never peaks).
    threshold
        Smallest jump that can be a peak, in the units of ``jumps``.
    contrast
        How many times its context median a peak must exceed.
    half
        Half-width of the context, in steps.
    exclude
        Steps on either side of a step left out of its context.
    merge
        Peaks at most this many steps apart are merged (the largest is kept).

    Returns
    -------
    peaks : list of int
        Indices of the peaks in ``jumps``.
    context : numpy.ndarray
        The context median of every step (0 where it has none).
    """
    padded = np.concatenate([np.full(half, np.nan), jumps, np.full(half, np.nan)])
    win = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1).copy()  # row i centred on jumps[i]
    win[:, half - exclude:half + exclude + 1] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN context at the very ends
        context = np.nanmedian(win, axis=1)
    context = np.where(np.isfinite(context), context, 0.0)
    keep: list[int] = []
    for i in np.flatnonzero((jumps > threshold) & (jumps > contrast * context)):
        if keep and i - keep[-1] <= merge:
            if jumps[i] > jumps[keep[-1]]:
                keep[-1] = int(i)
            continue
        keep.append(int(i))
    return keep, context


def detect_pose_cuts(ds: xr.Dataset, *, jump: float = 0.08, contrast: float = 5.0, individual: str | None = None,
                     confidence_threshold: float = 0.5, min_keypoints: int = 4, hold_s: float = 0.5,
                     context_s: float = 0.5) -> pd.DataFrame:
    """Camera cuts found as jumps of the whole skeleton between two frames (for corpora without video).

    For every pair of consecutive frames the *median* over the keypoints of
    the head, face and torso (every keypoint but those of the hands, fingers,
    wrists and elbows, which gesture; visible in both frames, confidence >=
    ``confidence_threshold``; a keypoint missing for up to ``hold_s`` keeps
    its last position) of the image-plane displacement is taken, in shoulder
    widths. A gesture moves the hands, and a body moves a small distance per
    frame; a cut moves every keypoint at once. A cut is declared where this median jump exceeds
    ``jump`` and is ``contrast`` times the median jump within ``context_s``
    around it (so a fast, sustained pan is not a cut); detections within
    three frames of each other are one cut (the largest).

    Parameters
    ----------
    ds
        Pose dataset.
    jump
        Smallest median jump of a cut, in shoulder widths (> 0).
    contrast
        How many times the local median jump a cut must be (>= 1).
    individual
        Which individual; defaults to the first.
    confidence_threshold
        Keypoints with a lower confidence are not used.
    min_keypoints
        Frame pairs with fewer usable keypoints have no jump (and with fewer
        head and torso keypoints than this in the layout, all keypoints are used).
    hold_s
        A keypoint missing for up to this many seconds keeps its last position (0: none).
    context_s
        Half-width in seconds of the context a cut is compared with (at least 3 frames).

    Returns
    -------
    pandas.DataFrame
        One row per cut: ``time`` (midway between the two frames, seconds),
        ``frame`` (index of the first frame of the new shot), ``jump``
        (shoulder widths), ``context`` (the local median jump),
        ``n_keypoints``; attrs ``method="pose_jump"``, ``jump``, ``contrast``,
        ``body_unit``.
    """
    check_positive("jump", jump)
    check_positive("contrast", contrast)
    check_range("contrast", contrast, 1, None)
    check_range("confidence_threshold", confidence_threshold, 0, 1)
    check_int("min_keypoints", min_keypoints, minimum=0)
    check_nonnegative("hold_s", hold_s)
    check_nonnegative("context_s", context_s)
    ds = validate_pose(ds)
    ind = _individual(ds, individual)
    ds1 = mask_low_confidence(ds.sel(individual=[ind]), threshold=confidence_threshold)
    t = ds1["time"].values.astype(np.float64)
    pos = ds1["position"].values[:, :2, :, 0].astype(np.float64) * pixel_scale(ds1)[:2][None, :, None]
    unit = _body_unit(ds1, pos)
    gesturing = _gesturing_keypoints(ds1.attrs.get("layout", ""))
    still = [i for i, k in enumerate(ds1["keypoint"].values) if k not in gesturing]
    if len(still) >= min_keypoints:
        pos = pos[:, :, still]
    fps = _fps(ds1)
    hold = max(int(round(hold_s * fps)), 0)
    held = pd.DataFrame(pos.reshape(t.size, -1)).ffill(limit=hold or None).to_numpy().reshape(pos.shape) \
        if hold else pos
    cols = ["time", "frame", "jump", "context", "n_keypoints"]
    if t.size < 3:
        out = pd.DataFrame(columns=cols)
    else:
        step = np.linalg.norm(np.diff(held, axis=0), axis=1) / unit  # (n-1, keypoints)
        ok = np.isfinite(step)
        n_ok = ok.sum(axis=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.where(n_ok >= min_keypoints, np.nanmedian(np.where(ok, step, np.nan), axis=1), np.nan)
        keep, context = jump_peaks(med, threshold=jump, contrast=contrast,
                                   half=max(int(round(context_s * fps)), 3), exclude=2, merge=3)
        idx = np.asarray(keep, dtype=np.int64)
        out = pd.DataFrame({"time": (t[idx] + t[idx + 1]) / 2, "frame": idx + 1, "jump": med[idx],
                            "context": context[idx], "n_keypoints": n_ok[idx]})
    out.attrs.update(method="pose_jump", jump=float(jump), contrast=float(contrast), body_unit=unit,
                     clock="video")
    return out


def recorded_cuts(metadata: dict) -> np.ndarray | None:
    """Cut times recorded at extraction (``metadata["shot_cuts"]["times_s"]``), or None when none were looked for.

    Parameters
    ----------
    metadata
        A clip's metadata (None or empty: nothing recorded).

    Returns
    -------
    numpy.ndarray or None
        Sorted cut times in seconds; None when extraction did not look for cuts.
    """
    rec = (metadata or {}).get("shot_cuts")
    if not isinstance(rec, dict) or rec.get("times_s") is None:
        return None
    return np.sort(np.asarray(rec["times_s"], dtype=float))


def recorded_cut_frames(metadata: dict, times: np.ndarray) -> np.ndarray | None:
    """Frame index (first frame of the new shot) of every cut recorded at extraction, or None when none were looked for.

    Files written before the frame indices were recorded (``frames`` missing)
    get the index of the first of ``times`` after each recorded time.

    Parameters
    ----------
    metadata
        A clip's metadata.
    times
        The clip's frame times in seconds (for records without ``frames``).

    Returns
    -------
    numpy.ndarray or None
        Integer frame indices in the order of :func:`recorded_cuts`.
    """
    cut_times = recorded_cuts(metadata)
    if cut_times is None:
        return None
    rec = metadata["shot_cuts"]
    frames = rec.get("frames")
    if frames is not None and len(frames) == len(rec["times_s"]):
        order = np.argsort(np.asarray(rec["times_s"], dtype=float), kind="stable")
        return np.asarray(frames, dtype=np.int64)[order]
    return np.searchsorted(np.asarray(times, dtype=float), cut_times, side="right").astype(np.int64)


def recorded_support_frames(metadata: dict) -> np.ndarray | None:
    """Frames recorded at extraction where the picture changed more than around them (``support_frames``), or None.

    Parameters
    ----------
    metadata
        A clip's metadata.

    Returns
    -------
    numpy.ndarray or None
        Sorted frame indices (first frame after each such step); None when
        no cuts were looked for or the record predates ``support_frames``.
    """
    rec = (metadata or {}).get("shot_cuts")
    if not isinstance(rec, dict) or rec.get("times_s") is None or rec.get("support_frames") is None:
        return None
    return np.sort(np.asarray(rec["support_frames"], dtype=np.int64))


def combine_cuts(frame_cuts: pd.DataFrame, pose_cuts: pd.DataFrame, *, tolerance: int = 1,
                 support: np.ndarray | None = None) -> pd.DataFrame:
    """One table of the cuts found in the frames and in the pose; cuts within ``tolerance`` frames are one.

    A cut that both found keeps the frames' time and frame index (the frames
    see the exact frame step) and lists both in ``evidence``. When the frames
    were checked (``support`` given), a cut only the pose found is kept only
    where the picture changed more than around it at that step (a support
    frame within ``tolerance``; evidence ``"frame_support"``): a pose jump
    without one is the tracker switching people or losing a person.

    Parameters
    ----------
    frame_cuts, pose_cuts
        Tables with ``time`` (seconds) and ``frame`` (first frame of the new shot).
    tolerance
        Largest difference of frame index for two findings to be one cut (>= 0).
    support
        Frames where the picture changed more than around them
        (:func:`recorded_support_frames`); None: the frames were not checked,
        and every pose cut is kept.

    Returns
    -------
    pandas.DataFrame
        ``time, frame, evidence`` (a list of ``"frames"``, ``"frame_support"``,
        ``"pose"``), sorted by time; attrs ``pose_unconfirmed``: the frames of
        the pose cuts dropped for want of support.
    """
    check_int("tolerance", tolerance, minimum=0)
    rows = [{"time": float(t), "frame": int(f), "evidence": ["frames"]}
            for t, f in zip(frame_cuts["time"], frame_cuts["frame"])]
    backing = None if support is None else np.asarray(support, dtype=np.int64)
    dropped: list[int] = []
    for t, f in zip(pose_cuts["time"], pose_cuts["frame"]):
        near = [r for r in rows if abs(r["frame"] - int(f)) <= tolerance and "pose" not in r["evidence"]]
        if near:
            min(near, key=lambda r: abs(r["frame"] - int(f)))["evidence"].append("pose")
        elif backing is None:
            rows.append({"time": float(t), "frame": int(f), "evidence": ["pose"]})
        elif (np.abs(backing - int(f)) <= tolerance).any():
            rows.append({"time": float(t), "frame": int(f), "evidence": ["frame_support", "pose"]})
        else:
            dropped.append(int(f))
    out = pd.DataFrame(rows, columns=["time", "frame", "evidence"])
    out = out.sort_values("time", kind="stable").reset_index(drop=True)
    out.attrs["pose_unconfirmed"] = dropped
    return out


def shot_cut_table(pose: xr.Dataset, *, settings: "MotionSettings | None" = None,
                   metadata: dict | None = None) -> pd.DataFrame:
    """The camera cuts an analysis uses for a clip, each with the evidence that found it.

    ``settings.cut_handling="ignore"`` gives none (attrs ``source="none"``).
    ``settings.cut_source="auto"`` (the default) combines the cuts recorded
    from the frames at extraction (``metadata["shot_cuts"]``) with
    :func:`detect_pose_cuts` (:func:`combine_cuts`), so that neither source
    silences the other: a clip whose frames showed no cut still gets the cuts
    its pose shows, where the picture changed more than around them at that
    step (``support_frames`` of the record; records without them keep every
    pose cut). ``"video"`` uses the recorded cuts only (a
    :class:`~alloava_analysis.errors.SchemaError` when none were recorded),
    ``"pose"`` the pose's only.

    Parameters
    ----------
    pose
        Pose dataset of the clip (for pose-detected cuts and frame times).
    settings
        How movement is measured; default :class:`MotionSettings`.
    metadata
        The clip's metadata, where extraction records the frames' cuts.

    Returns
    -------
    pandas.DataFrame
        ``time`` (seconds), ``frame`` (first frame of the new shot),
        ``evidence`` (list of ``"frames"``, ``"frame_support"``, ``"pose"``);
        attrs ``source``: ``"video"``, ``"pose"``, ``"video+pose"`` or
        ``"none"``, and ``pose_unconfirmed`` (frames of pose cuts dropped
        for want of frame support).
    """
    settings = settings or MotionSettings()
    empty = pd.DataFrame({"time": pd.Series(dtype=float), "frame": pd.Series(dtype=np.int64),
                          "evidence": pd.Series(dtype=object)})
    if settings.cut_handling == "ignore":
        empty.attrs.update(source="none", pose_unconfirmed=[])
        return empty
    times = pose["time"].values.astype(np.float64)
    video = recorded_cuts(metadata or {})
    if settings.cut_source == "video" and video is None:
        raise SchemaError("expected cut times recorded from the video at extraction (metadata['shot_cuts']), got "
                          "none; use cut_source='pose' or 'auto'", where="metadata['shot_cuts']")
    frame_cuts = empty[["time", "frame"]] if video is None else \
        pd.DataFrame({"time": video, "frame": recorded_cut_frames(metadata, times)})
    pose_cuts = empty[["time", "frame"]] if settings.cut_source == "video" else \
        detect_pose_cuts(pose, jump=settings.cut_jump)[["time", "frame"]]
    out = combine_cuts(frame_cuts, pose_cuts, support=recorded_support_frames(metadata or {}))
    out.attrs["source"] = {"video": "video", "pose": "pose"}.get(settings.cut_source) or \
        ("pose" if video is None else "video+pose")
    return out


def cut_evidence_counts(evidence: Sequence[Sequence[str]]) -> dict[str, int]:
    """How many cuts each combination of evidence found, e.g. ``{"frames+pose": 2, "pose": 1}``.

    Parameters
    ----------
    evidence
        One list per cut (``evidence`` of :func:`shot_cut_table`).

    Returns
    -------
    dict
        ``"+"``-joined sorted evidence -> number of cuts, in sorted order.
    """
    counts: dict[str, int] = {}
    for ev in evidence:
        key = "+".join(sorted(ev))
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def shot_cuts(pose: xr.Dataset, *, settings: "MotionSettings | None" = None,
              metadata: dict | None = None) -> tuple[np.ndarray, str]:
    """The cut times an analysis uses for a clip, and where they came from (see :func:`shot_cut_table`).

    Parameters
    ----------
    pose
        Pose dataset of the clip (for pose-detected cuts).
    settings
        How movement is measured; default :class:`MotionSettings`.
    metadata
        The clip's metadata, where extraction records the video's cuts.

    Returns
    -------
    cuts : numpy.ndarray
        Cut times in seconds.
    source : str
        ``"video"``, ``"pose"``, ``"video+pose"`` or ``"none"``.
    """
    table = shot_cut_table(pose, settings=settings, metadata=metadata)
    return table["time"].to_numpy(dtype=float), table.attrs["source"]


def spans_cut(start: np.ndarray, end: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """True for every interval ``[start, end)`` with a cut strictly inside it.

    Parameters
    ----------
    start, end
        Interval bounds in seconds (arrays of one shape).
    cuts
        Cut times in seconds.

    Returns
    -------
    numpy.ndarray
        Booleans shaped like ``start``.
    """
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    cuts = np.sort(np.asarray(cuts, dtype=float))
    if cuts.size == 0:
        return np.zeros(start.shape, dtype=bool)
    return np.searchsorted(cuts, end, side="left") > np.searchsorted(cuts, start, side="right")


def window_intensity(intensity: pd.DataFrame, *, window_s: float = 5.0, hop_s: float | None = None,
                     span: tuple[float, float] | None = None, min_coverage: float = 0.5) -> pd.DataFrame:
    """Mean movement intensity in analysis windows (via :func:`alloava_analysis.clocks.aggregate_windows`).

    Windows where fewer than ``min_coverage`` of the frames are valid are NaN.

    Parameters
    ----------
    intensity
        Frame table with ``time`` and ``intensity`` (:func:`movement_intensity`;
        its ``rate_hz`` attr is used when present).
    window_s, hop_s
        Window length and step in seconds (``hop_s`` defaults to ``window_s``).
    span
        ``(start, stop)`` in seconds to tile; defaults to the first frame up to
        one frame past the last.
    min_coverage
        Fraction in [0, 1] of a window's frames that must be valid.

    Returns
    -------
    pandas.DataFrame
        One row per window: ``window, start, end, center, intensity, coverage,
        window_s, hop_s, clock``.
    """
    check_positive("window_s", window_s)
    check_positive("hop_s", hop_s, allow_none=True)
    check_range("min_coverage", min_coverage, 0, 1)
    t, v = _frame_series(intensity, "intensity")
    if span is None:
        if t.size == 0:
            raise SchemaError("expected intensity frames, got none", where="intensity")
        step = 1.0 / estimate_frame_rate(t) if t.size > 1 else 0.0
        span = (float(t[0]), float(t[-1]) + step)
    rate = intensity.attrs.get("rate_hz") or estimate_frame_rate(t)
    win = make_windows(span[0], span[1], window_s=window_s, hop_s=hop_s, clock="video")
    out = win[["window", "start", "end", "center"]].copy()
    out["intensity"] = aggregate_windows(v, t, win, how="mean", min_coverage=min_coverage, rate_hz=rate)
    valid = count_in_windows(t[np.isfinite(v)], win, rate_hz=rate)
    out["coverage"] = np.clip(valid / np.maximum(np.round((win["end"] - win["start"]) * rate), 1), 0, 1)
    out[["window_s", "hop_s", "clock"]] = win[["window_s", "hop_s", "clock"]]
    return out


# --------------------------------------------------------------------------------------------
# gesture units
# --------------------------------------------------------------------------------------------
def moving_mean(v: np.ndarray, k: int) -> np.ndarray:
    """Centred moving mean over ``k`` samples that skips non-finite ones (they give NaN); ``k <= 1`` copies ``v``.

    Parameters
    ----------
    v
        1-D series.
    k
        Window length in samples (odd for a symmetric window).

    Returns
    -------
    numpy.ndarray
        The smoothed series, same length as ``v``.
    """
    if k <= 1:
        return v.copy()
    finite = np.isfinite(v)
    kernel = np.ones(k)
    total = np.convolve(np.where(finite, v, 0.0), kernel, mode="same")
    count = np.convolve(finite.astype(float), kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(finite & (count > 0), total / count, np.nan)


def _smoothing_frames(t: np.ndarray, smooth_s: float) -> int:
    step = frame_step(t) if t.size > 1 else 1.0
    k = int(round(smooth_s / step)) if smooth_s > 0 else 1
    return max(k + (k % 2 == 0), 1) if k > 1 else 1


def _frame_series(frames: pd.DataFrame, column: str, *, option: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``time`` and ``column`` of a frame table as float arrays.

    A missing ``column`` is the caller's ParameterError when it was an option (``option`` names it),
    else the table's SchemaError, as is a missing ``time``.
    """
    if "time" not in frames:
        raise SchemaError(f"expected a frame table with a 'time' column, got columns {list(frames.columns)}",
                          where="frames")
    if column not in frames:
        if option is not None:
            raise ParameterError(f"invalid value for {option}: expected a column of the frame table "
                                 f"({[c for c in frames.columns if c != 'time']}), got {column!r}", name=option)
        raise SchemaError(f"expected a frame table with a {column!r} column, got columns {list(frames.columns)}",
                          where="frames")
    return frames["time"].to_numpy(dtype=float), frames[column].to_numpy(dtype=float)


#: Radius (shoulder widths) of the rest zone around a hand's rest position.
REST_RADIUS = 0.4
#: Speed (shoulder widths/s, smoothed over 0.2 s) below which a hand may be resting.
REST_SPEED = 0.5
#: Shortest still stretch (seconds) from which a rest position is learnt.
REST_MIN_S = 0.4


def _side(keypoint: str) -> str:
    """``"left"``, ``"right"`` or ``""``: which hand a keypoint belongs to (rest is tracked per hand)."""
    return next((side for side in ("left", "right") if keypoint.startswith(side)), "")


def _rest_position(p: np.ndarray, v: np.ndarray, radius: float, t: np.ndarray) -> np.ndarray:
    """Where one keypoint rests in view: the densest place among its still stretches (NaN: not in view).

    ``p`` (time, space) positions, ``v`` (time,) speeds in shoulder widths/s.
    Still frames are those slower than :data:`REST_SPEED` (smoothed over
    0.2 s) in runs of at least :data:`REST_MIN_S`; the rest position is the
    median of the still positions within ``radius`` of the still position
    with the most still neighbours (the mode, so holds elsewhere do not pull it).
    A keypoint that is out of view (untracked) for longer than it stays there
    rests out of view: the still place in view was a hold, and NaN is returned.
    """
    v = moving_mean(v, _smoothing_frames(t, 0.2))
    still = np.isfinite(p).all(axis=1) & (v < REST_SPEED)
    edges = np.diff(np.concatenate([[0], still.astype(np.int8), [0]]))
    keep = np.zeros_like(still)
    step = frame_step(t) if t.size > 1 else 1.0
    for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
        if (b - a) * step >= REST_MIN_S:
            keep[a:b] = True
    if not keep.any():
        return np.full(p.shape[1], np.nan)
    q = p[keep][:: max(1, int(np.ceil(keep.sum() / 1500)))]
    near = np.linalg.norm(q[:, None, :] - q[None, :, :], axis=2) <= radius
    centre = q[np.argmax(near.sum(axis=1))]
    resting = keep & (np.linalg.norm(np.nan_to_num(p - centre, nan=np.inf), axis=1) <= radius)
    if resting.sum() < (~np.isfinite(p).all(axis=1)).sum():
        return np.full(p.shape[1], np.nan)  # out of view longer than still in view: that is where it rests
    return np.median(p[resting], axis=0)


def _rest_distance(pos: np.ndarray, speed: np.ndarray, t: np.ndarray, *, sides: Sequence[str],
                   radius: float = REST_RADIUS) -> np.ndarray:
    """Per frame, how far the hands are from where they rest.

    ``pos`` is (time, space, keypoint), ``speed`` (time, keypoint). Each
    keypoint's distance from its own rest position (:func:`_rest_position`;
    infinite for a tracked keypoint that rests out of view), the median over
    each hand's keypoints, and the larger of the two hands; NaN where no hand
    is tracked (a hand outside the picture or hidden counts as resting).
    """
    rest = np.stack([_rest_position(pos[:, :, k], speed[:, k], radius, t) for k in range(pos.shape[2])], axis=1)
    with np.errstate(invalid="ignore"):
        dist = np.linalg.norm(pos - np.nan_to_num(rest, nan=0.0)[None], axis=1)  # (time, keypoint)
        dist = np.where(np.isnan(rest).any(axis=0)[None, :] & np.isfinite(dist), np.inf, dist)
    out = np.full(pos.shape[0], np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for side in dict.fromkeys(sides):
            cols = [k for k, s in enumerate(sides) if s == side]
            out = np.fmax(out, np.nanmedian(dist[:, cols], axis=1))
    return out


def _jitter_speed(pos: np.ndarray, t: np.ndarray) -> float:
    """The tracker's per-axis speed noise, from second differences of ``pos`` (time, space, keypoint).

    For still points with white position noise of sd s, the second difference
    has sd s * sqrt(6) and a central-difference speed has sd s / (sqrt(2) dt)
    per axis; the median absolute second difference (robust to the frames in
    which the hand really accelerates) estimates s. NaN with fewer than 3 frames.
    """
    if pos.shape[0] < 3:
        return float("nan")
    d2 = pos[2:] - 2 * pos[1:-1] + pos[:-2]
    d2 = np.abs(d2[np.isfinite(d2)])
    if not d2.size:
        return float("nan")
    sd = float(np.median(d2)) / 0.6745 / np.sqrt(6.0)
    return sd / (np.sqrt(2.0) * frame_step(t))


def noise_floor(intensity: pd.DataFrame, *, quantile: float = 0.1, factor: float = 2.5, smooth_s: float = 0.2,
                column: str = "intensity", jitter_factor: float | None = 2.25) -> float:
    """The clip's own noise floor of movement intensity, from its stillness distribution.

    Tracking jitter gives a still keypoint a speed that never reaches zero;
    its level depends on the tracker, the resolution and the lighting, so it
    is measured on the clip itself. Where the table shows the hand resting
    in view for at least a second (``rest_distance`` within
    :data:`REST_RADIUS`), the estimate (2) below is taken over those frames
    only: the noise as it is at rest. Otherwise two estimates, and the
    lower one is used: (1) the tracker's jitter (``intensity.attrs["jitter"]``, the
    per-axis speed noise that :func:`movement_intensity` measures from second
    differences of the positions, which slow or fast gestures barely touch)
    times ``jitter_factor`` (2.25: the level smoothed white jitter stays
    below, as in (2)); (2) the stillness of the series: the intensity is smoothed over
    ``smooth_s`` (as :func:`gesture_units` does), its ``quantile`` (the
    stillest frames) is taken as the level of "not moving", and the floor is
    ``factor`` times it. With the defaults, smoothed white jitter (mean
    about 1.25, sd about 0.27 in units of its per-axis speed noise) stays
    below the floor in about 9,999 frames of 10,000. A clip that never
    rests (its stillest frames already move) gets a higher estimate (2),
    which is why (1) takes over on short clips with little rest.

    Parameters
    ----------
    intensity
        Frame table with ``time`` and ``column``.
    quantile
        Quantile in (0, 1) of the smoothed series taken as the level of stillness.
    factor
        Multiplier (> 0) of that level.
    smooth_s
        Moving-mean length in seconds (>= 0; 0: none).
    column
        The column of ``intensity`` to use.
    jitter_factor
        Multiplier (> 0) of the measured jitter; None: use the stillness estimate only.

    Returns
    -------
    float
        The floor, in the units of ``column`` (NaN when no frame is valid).
    """
    check_range("quantile", quantile, 0, 1, inclusive=(False, False))
    check_positive("factor", factor)
    check_nonnegative("smooth_s", smooth_s)
    t, v = _frame_series(intensity, column, option="column")
    v = moving_mean(v, _smoothing_frames(t, smooth_s))
    check_positive("jitter_factor", jitter_factor, allow_none=True)
    v = v[np.isfinite(v)]
    floor = float(factor * np.quantile(v, quantile)) if v.size else float("nan")
    jitter = float(intensity.attrs.get("jitter", np.nan)) if column == "intensity" else float("nan")
    if "rest_distance" in intensity:                      # a hand seen resting for a second shows the noise itself
        d = intensity["rest_distance"].to_numpy(dtype=float)
        seen = np.isfinite(d) & (d <= REST_RADIUS)
        if seen.sum() * frame_step(t) >= 1.0:
            rest_v = moving_mean(intensity[column].to_numpy(dtype=float), _smoothing_frames(t, smooth_s))[seen]
            rest_v = rest_v[np.isfinite(rest_v)]
            return float(factor * np.quantile(rest_v, quantile)) if rest_v.size else floor
    if jitter_factor is not None and np.isfinite(jitter) and jitter > 0:
        floor = float(np.fmin(floor, jitter_factor * jitter))
    return floor


def _runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last index (inclusive) of each run of True in ``flags``."""
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1


def _extend_runs(a: np.ndarray, b: np.ndarray, away: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Runs ``[a, b]`` grown by at most ``limit`` frames each way over ``away`` frames, never into a neighbour."""
    a, b = a.copy(), b.copy()
    for i in range(a.size):
        lo = max(b[i - 1] + 1 if i else 0, a[i] - limit)
        while a[i] > lo and away[a[i] - 1]:
            a[i] -= 1
        hi = min(a[i + 1] - 1 if i + 1 < a.size else away.size - 1, b[i] + limit)
        while b[i] < hi and away[b[i] + 1]:
            b[i] += 1
    return a, b


def _longest_run(flags: np.ndarray) -> int:
    """Length of the longest run of True in ``flags``."""
    a, b = _runs(flags)
    return int((b - a + 1).max(initial=0))


def gesture_units(intensity: pd.DataFrame, *, high: float = 0.6, low: float | None = None,
                  min_duration_s: float = 0.2, merge_gap_s: float = 0.1, column: str = "intensity",
                  floor: float | str | None = "auto", floor_quantile: float = 0.1, floor_factor: float = 2.5,
                  max_floor: float | None = 1.0, smooth_s: float = 0.2, confidence_floor: bool = True,
                  confidence_ref: float = 0.9, cuts: Sequence[float] | None = None, rest: str | None = "auto",
                  rest_radius: float = REST_RADIUS, min_rest_s: float = 0.3, max_hold_s: float = 2.0) -> pd.DataFrame:
    """Gesture units as an annotator marks them: from a hand leaving rest to its return.

    The series is first smoothed over ``smooth_s`` (a centred moving mean:
    frame-to-frame tracking jitter averages out, a gesture lasting a few
    tenths of a second does not). Movement is a run of frames above the exit
    threshold that somewhere exceeds the enter threshold (hysteresis: dips
    between the two do not split it, and it starts where the hand started
    to move, not where it got fast). Runs separated by less than
    ``merge_gap_s`` are merged; NaN frames end a run.

    Rest (``rest="auto"`` and a ``rest_distance`` column, as
    :func:`movement_intensity` gives): a hand is at rest within
    ``rest_radius`` of its rest position, or when it is not tracked (below
    the picture). Movement at rest ends a run (fidgeting is not a gesture);
    runs are merged when the hand does not rest for ``min_rest_s`` between
    them (a hold or a slow phase inside one gesture; gaps up to
    ``max_hold_s``); each unit is grown, by at most ``max_hold_s`` each way,
    to the frames where the hand leaves and regains rest (or starts moving
    inside the rest zone); a unit that never leaves the rest zone is
    dropped. Frames missing from the recording (a time step over three
    frame steps and 0.25 s) end a unit. Units shorter than ``min_duration_s``
    are dropped.

    Noise floor: the enter threshold is ``max(high, floor)`` and the exit
    threshold ``max(low, floor / 2)``, where ``floor`` is the clip's own
    :func:`noise_floor` (``"auto"``, at most ``max_floor``: a short clip that
    never rests must not hide its gestures behind its own movement), a
    number, or None (no floor). With ``confidence_floor`` and a
    ``confidence`` column (as :func:`movement_intensity` gives), the floor
    of a frame is multiplied by ``(confidence_ref / confidence) ** 2``
    (between 1 and 4): landmarks the tracker is less sure of jitter more.
    MediaPipe gives a clearly visible landmark a visibility of about 0.9;
    occluded hands that it guesses get 0.2-0.6 and wander by about a
    shoulder width per second (measured on the astronaut test video). Still hands,
    jitter and -- with body-relative intensity (the default for hands) --
    rigid whole-body or camera motion therefore do not become units.

    Parameters
    ----------
    intensity
        Frame table with ``time`` and ``column`` (e.g. from
        :func:`movement_intensity`; thresholds are then in shoulder widths/s).
    high, low
        Enter and exit thresholds (``low`` defaults to ``high / 2``; must be <= ``high``).
    min_duration_s
        Units shorter than this many seconds are dropped.
    merge_gap_s
        Units separated by less than this many seconds are merged (0: none).
    column
        The column of ``intensity`` that is thresholded.
    floor, floor_quantile, floor_factor
        The noise floor (see :func:`noise_floor`).
    max_floor
        Upper bound of the automatic floor (units of ``column``: shoulder
        widths/s for :func:`movement_intensity`); None: no bound.
    smooth_s
        Moving-mean length applied before thresholding (0: none).
    confidence_floor, confidence_ref
        Scale the floor by ``confidence_ref / confidence`` where a ``confidence`` column exists.
    cuts
        Camera-cut times; a unit spanning one is dropped (default: the
        ``cuts`` recorded in ``intensity.attrs`` by :func:`movement_intensity`).
    rest
        ``"auto"``: use the ``rest_distance`` column where there is one; None: speed alone.
    rest_radius
        Radius (> 0) of the rest zone, in the units of ``rest_distance`` (shoulder widths).
    min_rest_s
        Shortest stay at rest (seconds) that separates two units.
    max_hold_s
        Longest pause away from rest (seconds) kept inside one unit, and the
        longest stretch a unit is grown by towards rest.

    Returns
    -------
    pandas.DataFrame
        ``unit, start, end, duration, peak, mean`` (one row per unit; ``peak``
        and ``mean`` of the smoothed series); attrs ``high``, ``low``,
        ``noise_floor``, ``smooth_s``, ``n_excluded_cut``, ``clock``.
    """
    check_nonnegative("high", high)
    check_nonnegative("low", low, allow_none=True)
    low = high / 2 if low is None else low
    if not low <= high:
        raise ParameterError(f"invalid value for low: expected low <= high for hysteresis, got low={low}, "
                             f"high={high}", name="low")
    if not (floor in ("auto", None) or (isinstance(floor, (int, float)) and not isinstance(floor, bool))):
        raise ParameterError(f"invalid value for floor: expected 'auto', None or a number, got {floor!r}",
                             name="floor")
    check_nonnegative("min_duration_s", min_duration_s)
    check_nonnegative("merge_gap_s", merge_gap_s)
    check_range("floor_quantile", floor_quantile, 0, 1, inclusive=(False, False))
    check_positive("floor_factor", floor_factor)
    check_nonnegative("max_floor", max_floor, allow_none=True)
    check_nonnegative("smooth_s", smooth_s)
    check_range("confidence_ref", confidence_ref, 0, 1, inclusive=(False, True))
    check_option("rest", rest, ("auto", None))
    check_positive("rest_radius", rest_radius)
    check_nonnegative("min_rest_s", min_rest_s)
    check_nonnegative("max_hold_s", max_hold_s)
    t, v = _frame_series(intensity, column, option="column")
    if t.size < 2:
        raise SchemaError(f"expected at least 2 frames, got {t.size}", where="intensity")
    v = moving_mean(v, _smoothing_frames(t, smooth_s))
    if floor == "auto":
        fl = noise_floor(intensity, quantile=floor_quantile, factor=floor_factor, smooth_s=smooth_s, column=column)
        if max_floor is not None:
            fl = min(fl, float(max_floor))
    else:
        fl = 0.0 if floor is None else float(floor)
    fl = 0.0 if not np.isfinite(fl) else fl
    floor_t = np.full(t.size, fl)
    if confidence_floor and fl > 0 and "confidence" in intensity:
        c = intensity["confidence"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            floor_t = fl * np.clip((confidence_ref / np.where(c > 0, c, np.nan)) ** 2, 1.0, 4.0)
        floor_t = np.where(np.isfinite(floor_t), floor_t, 4.0 * fl)
    enter, leave = np.maximum(high, floor_t), np.maximum(low, floor_t / 2)
    step = frame_step(t)
    k = _smoothing_frames(t, smooth_s)
    at_rest = None
    if rest == "auto" and "rest_distance" in intensity:
        d = intensity["rest_distance"].to_numpy(dtype=float)
        d = moving_mean(np.where(np.isinf(d), 1e9, d), k)  # inf: tracked, but its rest is out of view
        at_rest = ~(d > rest_radius)                      # NaN: no hand tracked, i.e. out of view = resting
    moving = np.isfinite(v) & (v > np.maximum(leave, min(fl, float(np.min(enter)))))
    lost = np.flatnonzero(np.diff(t) > max(3 * step, 0.25))  # frames missing: no unit runs across the hole
    moving[lost] = False
    stirring = moving.copy()
    if at_rest is not None:
        at_rest[lost] = True
        moving &= ~at_rest                                # back at rest ends a unit, however the hand fidgets
    a, b = _runs(moving)
    if a.size > 1:
        gap = t[a[1:]] - t[b[:-1]] - step
        join = gap < merge_gap_s
        if at_rest is not None:                           # a hold or slow phase away from rest does not split
            rested = np.array([_longest_run(at_rest[i + 1:j]) * step >= min_rest_s or np.any((lost >= i) & (lost < j))
                               for i, j in zip(b[:-1], a[1:])])
            join |= ~rested & (gap <= max_hold_s)
        keep = np.concatenate([[True], ~join])
        a = a[keep]
        b = np.concatenate([b[np.flatnonzero(keep[1:])], b[-1:]])
    hot = np.concatenate([[0], np.cumsum(np.isfinite(v) & (v > enter))])
    fast = hot[b + 1] - hot[a] > 0                        # a unit must get fast somewhere
    a, b = a[fast], b[fast]
    if at_rest is not None:                               # from leaving rest to coming back
        a, b = _extend_runs(a, b, ~at_rest | stirring, int(max_hold_s / step))
        left = np.array([not at_rest[i:j + 1].all() for i, j in zip(a, b)], dtype=bool)
        a, b = a[left], b[left]                           # fidgeting that never leaves rest is no gesture
    start, end = t[a] - step / 2, t[b] + step / 2
    dur = end - start
    csum = np.concatenate([[0.0], np.cumsum(np.nan_to_num(v))])
    ccnt = np.concatenate([[0], np.cumsum(np.isfinite(v))])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (csum[b + 1] - csum[a]) / (ccnt[b + 1] - ccnt[a])
    peak = np.array([np.nanmax(v[i:j + 1]) for i, j in zip(a, b)]) if a.size else np.empty(0)
    cut_times = np.asarray(intensity.attrs.get("cuts", []) if cuts is None else cuts, dtype=float)
    across = spans_cut(start, end, cut_times)
    keep = (dur >= min_duration_s) & ~across
    out = pd.DataFrame({"unit": np.arange(int(keep.sum())), "start": start[keep], "end": end[keep],
                        "duration": dur[keep], "peak": peak[keep], "mean": mean[keep]})
    out.attrs.update(high=float(high), low=float(low), noise_floor=float(fl), smooth_s=float(smooth_s),
                     n_excluded_cut=int((across & (dur >= min_duration_s)).sum()),
                     clock=intensity.attrs.get("clock", "video"))
    return out


def gesture_rate(units: pd.DataFrame, *, span: tuple[float, float], window_s: float | None = None,
                 hop_s: float | None = None) -> pd.DataFrame:
    """Gesture units per minute, over the whole span or in windows (a unit counts where it starts).

    Parameters
    ----------
    units
        Gesture-unit table with a ``start`` column (:func:`gesture_units`,
        :func:`~.tiers.units_from_intervals`).
    span
        ``(start, stop)`` in seconds of the media covered, e.g. ``(0, duration)``.
    window_s, hop_s
        Window length and step in seconds; ``window_s=None``: one window over
        the whole span.

    Returns
    -------
    pandas.DataFrame
        ``window, start, end, n_units, units_per_min, window_s, hop_s, clock``
        (one row when ``window_s`` is None).
    """
    try:
        lo, hi = float(span[0]), float(span[1])
    except (TypeError, ValueError, IndexError):
        lo = hi = float("nan")
    if not (np.isfinite(lo) and np.isfinite(hi) and hi > lo):
        raise ParameterError(f"invalid value for span: expected (start, stop) in seconds with stop > start, "
                             f"got {span!r}", name="span")
    win = make_windows(lo, hi, window_s=window_s or (hi - lo), hop_s=hop_s, clock="video")
    out = win[["window", "start", "end"]].copy()
    out["n_units"] = count_in_windows(units["start"].to_numpy(dtype=float), win).astype("int64")
    out["units_per_min"] = out["n_units"] / ((out["end"] - out["start"]) / 60.0)
    out[["window_s", "hop_s", "clock"]] = win[["window_s", "hop_s", "clock"]]
    return out
