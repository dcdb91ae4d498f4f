"""Per-gesture kinematics: one row per gesture unit, as gesture researchers measure them.

Units are the rest-to-rest gesture units of :func:`~.motion.gesture_units`.
Each hand is followed on its own (:func:`hand_tracks`): the mean of the
hand's keypoints of the ``hands`` group, relative to the torso (the shoulder
midpoint), in shoulder widths, so that sway, camera pans and camera distance
do not change any measure. In every unit (:func:`gesture_table`):

- **speed** is the hand's speed smoothed by a centred moving mean over
  ``smooth_s``; the unit is described by its most active hand (the longest
  path), and ``hands`` lists every hand whose path is at least
  ``both_hands_share`` of it;
- **submovements** (:func:`find_submovements`) are peaks of that smoothed
  speed with a prominence of at least ``submovement_prominence`` shoulder
  widths/s, at least ``submovement_min_separation_s`` apart;
- **holds** (:func:`find_holds`) are runs of at least ``hold_min_s`` in which
  the smoothed speed stays under ``hold_speed``, between the unit's first and
  last submovement (the slow frames where the hand leaves and regains rest are
  not holds);
- **gesture space** (:func:`gesture_space`) after McNeill (1992, *Hand and
  Mind*, fig. 3.1): concentric squares around the torso centre, which lies
  ``centre_below_shoulders`` shoulder widths below the shoulder midpoint on
  the body axis; centre-centre within half a shoulder width of it (the chest,
  between the shoulders), centre within one, periphery within
  ``periphery_half_width``, extreme periphery beyond; upper/lower and the
  speaker's left/right of the torso centre. The unit's share of frames in each.

Every threshold is a field of :class:`GestureSettings`.
"""
from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from ..checks import check_nonnegative, check_option, check_positive, check_range
from ..errors import ParameterError, SchemaError
from ..model import validate_pose
from . import motion

__all__ = ["COLUMNS", "DETAILS", "GestureSettings", "SECTORS", "TABLE_UNITS", "clip_gesture_table", "find_holds",
           "find_submovements", "gesture_space", "gesture_table", "hand_tracks",
           "torso_coordinates"]

#: McNeill's sectors from the torso centre outwards.
SECTORS = ("centre_centre", "centre", "periphery", "extreme_periphery")
#: The hands followed, by the prefix of their keypoints.
HANDS = ("left", "right")

#: Unit of every measured column of :func:`gesture_table` (``df.attrs["units"]``).
TABLE_UNITS = {
    "start_s": "s", "end_s": "s", "duration_s": "s", "peak_time_s": "s",
    "peak_speed": "shoulder widths/s", "mean_speed": "shoulder widths/s",
    "amplitude": "shoulder widths", "vertical_amplitude": "shoulder widths", "path_length": "shoulder widths",
    "n_submovements": "count", "n_holds": "count", "hold_s": "s",
    **{f"share_{s}": "fraction of frames" for s in SECTORS},
    "share_upper": "fraction of frames", "share_lower": "fraction of frames",
    "share_left": "fraction of frames", "share_right": "fraction of frames",
}


@dataclass(frozen=True)
class GestureSettings:
    """Every threshold of the per-gesture table, checked once and recorded with the results.

    Parameters
    ----------
    group
        Body-part group whose movement makes gesture units (:func:`~.motion.movement_intensity`).
    high
        Enter threshold of :func:`~.motion.gesture_units`, shoulder widths/s.
    min_duration_s
        Shortest gesture unit, seconds.
    smooth_s
        Length in seconds of the centred moving mean applied to each hand's speed.
    submovement_prominence
        Smallest prominence (scipy's ``find_peaks``) of a submovement's speed peak, shoulder widths/s.
    submovement_min_separation_s
        Smallest time between two submovement peaks, seconds (the lower peak goes).
    hold_speed
        A hold is slower than this, shoulder widths/s.
    hold_min_s
        Shortest hold, seconds.
    hold_above_noise
        Raise the hold threshold to the clip's noise floor of hand speed when
        that is higher (:func:`~.motion.noise_floor`, the floor gesture units
        use): a jittery tracker never shows a still hand as slower than its jitter.
    both_hands_share
        A hand counts as gesturing in a unit when its path is at least this share of the most active hand's.
    centre_below_shoulders
        How far the torso centre lies below the shoulder midpoint, shoulder widths.
    periphery_half_width
        Half-width of McNeill's periphery square, shoulder widths (centre-centre 0.5, centre 1.0).
    motion
        How cuts and body-relative motion are handled (:class:`~.motion.MotionSettings`).
    """

    group: str = "hands"
    high: float = 0.6
    min_duration_s: float = 0.2
    smooth_s: float = 0.2
    submovement_prominence: float = 0.3
    submovement_min_separation_s: float = 0.2
    hold_speed: float = 0.2
    hold_min_s: float = 0.2
    hold_above_noise: bool = True
    both_hands_share: float = 0.5
    centre_below_shoulders: float = 0.7
    periphery_half_width: float = 1.5
    motion: Any = field(default_factory=motion.MotionSettings)

    def __post_init__(self) -> None:
        check_option("group", self.group, motion.BODY_RELATIVE_GROUPS)
        for name in ("high", "min_duration_s", "smooth_s", "submovement_min_separation_s",
                     "hold_min_s", "centre_below_shoulders"):
            check_nonnegative(name, getattr(self, name))
        for name in ("submovement_prominence", "hold_speed"):
            check_positive(name, getattr(self, name))
        check_option("hold_above_noise", self.hold_above_noise, (False, True))
        check_range("both_hands_share", self.both_hands_share, 0.0, 1.0)
        check_range("periphery_half_width", self.periphery_half_width, 1.0, None, inclusive=(False, True))
        if self.motion is None:
            object.__setattr__(self, "motion", motion.MotionSettings())
        if not isinstance(self.motion, motion.MotionSettings):
            raise ParameterError(f"invalid value for motion: expected a MotionSettings, got "
                                 f"{type(self.motion).__name__}", name="motion")

    def to_dict(self) -> dict[str, Any]:
        """Plain values for results (``motion`` as its own ``to_dict``).

        Returns
        -------
        dict
            Field name -> value.
        """
        out = asdict(self)
        out["motion"] = self.motion.to_dict()
        return out


def _frames(t: np.ndarray, seconds: float) -> int:
    step = float(np.median(np.diff(t))) if t.size > 1 else 1.0
    return max(int(round(seconds / step)), 1)


def find_submovements(time: np.ndarray, speed: np.ndarray, *,
                      settings: GestureSettings | None = None) -> np.ndarray:
    """Indices of the submovements: peaks of an (already smoothed) speed series.

    A peak needs a prominence of at least ``settings.submovement_prominence``
    and lies at least ``settings.submovement_min_separation_s`` from a higher
    one (scipy's ``find_peaks``); NaN frames count as still (speed 0).

    Parameters
    ----------
    time
        Frame times, seconds.
    speed
        Smoothed speed, shoulder widths/s (one value per frame).
    settings
        The thresholds; default :class:`GestureSettings`.

    Returns
    -------
    numpy.ndarray
        Frame indices of the peaks, in time order.
    """
    s = settings or GestureSettings()
    t, v = np.asarray(time, dtype=float), np.asarray(speed, dtype=float)
    if t.shape != v.shape:
        raise SchemaError(f"expected one speed per frame, got {v.shape} speeds for {t.shape} frames", where="speed")
    if v.size < 3:
        return np.empty(0, dtype=np.int64)
    from scipy import signal  # where it is used: importing scipy.signal costs ~1 s (issue 26)

    v = np.concatenate([[0.0], np.nan_to_num(v, nan=0.0), [0.0]])  # a unit cut off mid-movement still peaks
    peaks, _ = signal.find_peaks(v, prominence=s.submovement_prominence,
                                 distance=_frames(t, s.submovement_min_separation_s))
    return (peaks - 1).astype(np.int64)


def find_holds(time: np.ndarray, speed: np.ndarray, *, settings: GestureSettings | None = None,
               within: tuple[int, int] | None = None, threshold: float | None = None) -> pd.DataFrame:
    """Holds: runs of frames whose (smoothed) speed stays under a threshold for ``settings.hold_min_s``.

    Parameters
    ----------
    time
        Frame times, seconds.
    speed
        Smoothed speed, shoulder widths/s (NaN frames end a hold).
    settings
        The thresholds; default :class:`GestureSettings`.
    within
        ``(first, last)`` frame indices (inclusive) a hold must lie strictly
        between (e.g. the first and last submovement); None: anywhere.
    threshold
        Hold speed, shoulder widths/s; None: ``settings.hold_speed``.

    Returns
    -------
    pandas.DataFrame
        ``start_s, end_s, duration_s`` (a hold's edges half a frame outside its first and last frame).
    """
    s = settings or GestureSettings()
    check_positive("threshold", threshold, allow_none=True)
    t, v = np.asarray(time, dtype=float), np.asarray(speed, dtype=float)
    slow = np.isfinite(v) & (v < (s.hold_speed if threshold is None else threshold))
    if within is not None:
        inside = np.zeros(slow.shape, dtype=bool)
        inside[within[0] + 1:within[1]] = True
        slow &= inside
    a, b = motion._runs(slow)
    step = float(np.median(np.diff(t))) if t.size > 1 else 0.0
    start, end = (t[a] - step / 2, t[b] + step / 2) if a.size else (np.empty(0), np.empty(0))
    keep = (end - start) >= s.hold_min_s - 1e-9
    return pd.DataFrame({"start_s": start[keep], "end_s": end[keep], "duration_s": (end - start)[keep]})


def gesture_space(x: np.ndarray, y: np.ndarray, *, settings: GestureSettings | None = None) -> pd.DataFrame:
    """McNeill's gesture-space sector of hand positions given in torso coordinates.

    Parameters
    ----------
    x, y
        Hand position relative to the shoulder midpoint in shoulder widths:
        ``x`` towards the speaker's left, ``y`` up along the body axis (as
        :func:`hand_tracks` gives them).
    settings
        Where the torso centre and the periphery lie; default :class:`GestureSettings`.

    Returns
    -------
    pandas.DataFrame
        Per position: ``sector`` (one of :data:`SECTORS`, None where NaN),
        ``upper`` and ``left`` (booleans: above / to the speaker's left of the
        torso centre; None where NaN).
    """
    s = settings or GestureSettings()
    dx = np.asarray(x, dtype=float)
    dy = np.asarray(y, dtype=float) + s.centre_below_shoulders
    reach = np.maximum(np.abs(dx), np.abs(dy))
    edges = np.array([0.5, 1.0, s.periphery_half_width])
    ok = np.isfinite(reach)
    idx = np.searchsorted(edges, np.where(ok, reach, 0.0), side="left")
    sector = np.where(ok, np.asarray(SECTORS, dtype=object)[np.minimum(idx, 3)], None)
    return pd.DataFrame({"sector": sector, "upper": np.where(ok, dy > 0, None), "left": np.where(ok, dx > 0, None)})


def torso_coordinates(pose: xr.Dataset, *, settings: GestureSettings | None = None,
                      individual: str | None = None) -> xr.DataArray:
    """Every keypoint relative to the shoulder midpoint, in shoulder widths, along the body's own axes.

    After :func:`~.motion.clean_pose` (``settings.motion.confidence_threshold``,
    ``max_gap_s``), image-plane and isotropic: ``x`` runs along the shoulder
    line towards the speaker's left shoulder, ``y`` perpendicular to it, up
    (the speaker is taken to be upright in the picture); the unit is the clip
    median shoulder width (:func:`~.motion.shoulder_width`). Zooming, panning
    and moving the camera away change none of these values.

    Parameters
    ----------
    pose
        Pose dataset with both shoulders.
    settings
        The cleaning options; default :class:`GestureSettings`.
    individual
        Which individual (default the first).

    Returns
    -------
    xarray.DataArray
        ``position(time, axis, keypoint)`` with ``axis`` = x, y; attrs
        ``shoulder_width`` (position units, pixels when the frame size is known).
    """
    s = settings or GestureSettings()
    pose = validate_pose(pose)
    ind = motion._individual(pose, individual)
    ds1 = pose.sel(individual=[ind])
    width = float(motion.shoulder_width(ds1).values[0])
    clean = motion.clean_pose(ds1, confidence_threshold=s.motion.confidence_threshold, max_gap_s=s.motion.max_gap_s)
    scale = motion.pixel_scale(clean)[:2]
    pos = clean["position"].values[:, :2, :, 0].astype(np.float64) * scale[None, :, None]
    names = list(clean["keypoint"].values)
    ls, rs = pos[:, :, names.index("left_shoulder")], pos[:, :, names.index("right_shoulder")]
    mid = (ls + rs) / 2
    axis = ls - rs
    with np.errstate(invalid="ignore", divide="ignore"):
        axis = axis / np.linalg.norm(axis, axis=1, keepdims=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fallback = np.nanmedian(axis, axis=0)
    axis = np.where(np.isfinite(axis).all(axis=1, keepdims=True), axis, fallback)
    up = np.stack([axis[:, 1], -axis[:, 0]], axis=1)
    up = np.where((up[:, 1:2] <= 0), up, -up)             # image y points down: the speaker is upright
    rel = pos - mid[:, :, None]
    xy = np.stack([np.einsum("ijk,ij->ik", rel, axis), np.einsum("ijk,ij->ik", rel, up)], axis=1) / width
    return xr.DataArray(xy, dims=("time", "axis", "keypoint"),
                        coords={"time": clean["time"].values, "axis": ["x", "y"], "keypoint": names},
                        name="position", attrs={"shoulder_width": width})


def hand_tracks(pose: xr.Dataset, *, settings: GestureSettings | None = None, individual: str | None = None,
                cuts: np.ndarray | None = None) -> dict[str, pd.DataFrame]:
    """Each hand's position in torso coordinates and its smoothed speed, frame by frame.

    A hand's position is the mean of its keypoints in the ``hands`` group
    (``left_*`` and ``right_*``) that are valid in a frame, in the
    coordinates of :func:`torso_coordinates`. Speed is the magnitude of its
    time derivative, smoothed by a centred moving mean over
    ``settings.smooth_s``; frames next to a camera cut have none.

    Parameters
    ----------
    pose
        Pose dataset with both shoulders and at least one hand keypoint.
    settings
        The thresholds; default :class:`GestureSettings`.
    individual
        Which individual (default the first).
    cuts
        Camera-cut times in seconds.

    Returns
    -------
    dict
        ``"left"`` and ``"right"`` (the hands the layout has) -> DataFrame
        ``time, x, y, speed``; attrs ``shoulder_width`` (position units).
    """
    s = settings or GestureSettings()
    body = torso_coordinates(pose, settings=s, individual=individual)
    t = body["time"].values.astype(np.float64)
    bad = motion._cut_mask(t, np.sort(np.asarray([] if cuts is None else cuts, dtype=float)), s.motion.cut_guard_s)
    hand_names = motion._group_names(validate_pose(pose), "hands")
    out = {}
    for side in HANDS:
        names = [k for k in hand_names if k.startswith(side)]
        if not names:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            x, y = body.sel(keypoint=names).mean("keypoint", skipna=True).values.T
        speed = np.linalg.norm(motion._derivative(np.stack([x, y], axis=1), t), axis=1) if t.size > 1 \
            else np.full(t.size, np.nan)
        speed[bad] = np.nan
        speed = motion.moving_mean(speed, motion._smoothing_frames(t, s.smooth_s))
        frame = pd.DataFrame({"time": t, "x": x, "y": y, "speed": speed})
        frame.attrs["shoulder_width"] = body.attrs["shoulder_width"]
        out[side] = frame
    if not out:
        raise SchemaError("expected left_* or right_* keypoints in the hands group, got none",
                          path=pose.attrs.get("source") or None)
    return out


def _path(x: np.ndarray, y: np.ndarray) -> float:
    d = np.hypot(np.diff(x), np.diff(y))
    return float(np.nansum(d))


def _unit_row(tracks: dict[str, pd.DataFrame], start: float, end: float, s: GestureSettings,
              hold_speed: float) -> dict[str, Any]:
    """The measures of one unit ``[start, end)`` from the hand tracks."""
    spans = {side: f[(f["time"] >= start) & (f["time"] < end)] for side, f in tracks.items()}
    paths = {side: _path(f["x"].to_numpy(), f["y"].to_numpy()) for side, f in spans.items()}
    lead = max(paths, key=lambda side: paths[side])
    hands = [side for side in HANDS if side in paths and paths[lead] > 0 and paths[side] >= s.both_hands_share *
             paths[lead]] or [lead]
    f = spans[lead]
    t, x, y, v = (f[c].to_numpy(dtype=float) for c in ("time", "x", "y", "speed"))
    row: dict[str, Any] = {"hands": "both" if len(hands) == 2 else hands[0], "lead_hand": lead}
    tracked = np.isfinite(x) & np.isfinite(y)
    if not tracked.any() or not np.isfinite(v).any():
        return {**row, "peak_time_s": np.nan, "n_submovements": 0, "n_holds": 0, "hold_s": 0.0,
                "submovements": [], "holds": [], "space": []}
    k = int(np.nanargmax(v))
    first = int(np.flatnonzero(tracked)[0])
    disp = np.hypot(x - x[first], y - y[first])
    peaks = find_submovements(t, v, settings=s)
    holds = find_holds(t, v, settings=s, within=(int(peaks[0]), int(peaks[-1])), threshold=hold_speed) \
        if peaks.size >= 2 else find_holds(t[:0], v[:0], settings=s)
    space = gesture_space(x[tracked], y[tracked], settings=s)
    row.update({"peak_speed": float(v[k]), "peak_time_s": float(t[k]), "mean_speed": float(np.nanmean(v)),
                "amplitude": float(np.nanmax(disp)), "vertical_amplitude": float(np.nanmax(np.abs(y - y[first]))),
                "path_length": paths[lead], "n_submovements": int(peaks.size), "n_holds": int(len(holds)),
                "hold_s": float(holds["duration_s"].sum()),
                **{f"share_{name}": float((space["sector"] == name).mean()) for name in SECTORS},
                "share_upper": float(space["upper"].astype(bool).mean()),
                "share_lower": float(1 - space["upper"].astype(bool).mean()),
                "share_left": float(space["left"].astype(bool).mean()),
                "share_right": float(1 - space["left"].astype(bool).mean()),
                "dominant_sector": str(space["sector"].mode().iloc[0]),
                "submovements": _submovement_spans(t, v, peaks),
                "holds": holds[["start_s", "end_s"]].to_numpy().tolist(),
                "space": _runs_of(t[tracked], space["sector"].to_numpy())})
    return row


def _submovement_spans(t: np.ndarray, v: np.ndarray, peaks: np.ndarray) -> list[list[float]]:
    """``[start_s, end_s, peak_s]`` per submovement: from the slowest frame before its peak to the one after."""
    step = float(np.median(np.diff(t))) if t.size > 1 else 0.0
    w = np.nan_to_num(v, nan=0.0)
    bounds = [0] + [int(a + np.argmin(w[a:b + 1])) for a, b in zip(peaks[:-1], peaks[1:])] + [t.size - 1]
    return [[float(t[bounds[i]] - step / 2 if i == 0 else t[bounds[i]]),
             float(t[bounds[i + 1]] + step / 2 if i == peaks.size - 1 else t[bounds[i + 1]]), float(t[p])]
            for i, p in enumerate(peaks)]


def _runs_of(t: np.ndarray, labels: np.ndarray) -> list[list]:
    """``[start_s, end_s, label]`` per run of equal labels (frame edges half a step outside)."""
    if t.size == 0:
        return []
    step = float(np.median(np.diff(t))) if t.size > 1 else 0.0
    change = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    starts, ends = np.concatenate([[0], change]), np.concatenate([change - 1, [t.size - 1]])
    return [[float(t[a] - step / 2), float(t[b] + step / 2), str(labels[a])] for a, b in zip(starts, ends)]


#: List columns :func:`gesture_table` adds with ``details=True``.
DETAILS = ("submovements", "holds", "space")
#: Column order of :func:`gesture_table`.
COLUMNS = ("clip_id", "speaker_id", "unit", "start_s", "end_s", "duration_s", "hands", "lead_hand", "peak_speed",
           "peak_time_s", "mean_speed", "amplitude", "vertical_amplitude", "path_length", "n_submovements",
           "n_holds", "hold_s", *(f"share_{s}" for s in SECTORS), "share_upper", "share_lower", "share_left",
           "share_right", "dominant_sector")


def gesture_table(pose: xr.Dataset, *, settings: GestureSettings | None = None, clip_id: str = "",
                  speaker_id: str | None = None, metadata: dict | None = None, details: bool = False) -> pd.DataFrame:
    """One row per gesture unit of a pose: timing, hands, speed, amplitude, submovements, holds, gesture space.

    Units come from :func:`~.motion.gesture_units` on the
    :func:`~.motion.movement_intensity` of ``settings.group`` (camera cuts as
    ``settings.motion`` says; units spanning one are dropped); the measures
    from :func:`hand_tracks` (see the module docstring for every definition).

    Parameters
    ----------
    pose
        Pose dataset with shoulders and hand keypoints.
    settings
        The thresholds; default :class:`GestureSettings`.
    clip_id, speaker_id
        Written into every row (``speaker_id`` None where unknown).
    metadata
        The clip's metadata (cut times recorded at extraction).
    details
        Also give the list columns of :data:`DETAILS`: ``submovements``
        (``[start_s, end_s, peak_s]`` each, from the slowest frame before the
        peak to the one after it), ``holds`` (``[start_s, end_s]``) and
        ``space`` (``[start_s, end_s, sector]`` per run of one sector).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS` (``peak_time_s``: time of the peak
        smoothed speed of the lead hand); ``attrs["units"]`` (column -> unit,
        :data:`TABLE_UNITS`), ``attrs["settings"]``, ``attrs["clock"]="video"``,
        ``attrs["hold_speed"]`` (the hold threshold used, shoulder widths/s), ``attrs["n_excluded_cut"]``.
    """
    s = settings or GestureSettings()
    check_option("details", details, (False, True))
    pose = validate_pose(pose)
    cuts, _ = motion.shot_cuts(pose, settings=s.motion, metadata=metadata)
    inten = motion.movement_intensity(pose, group=s.group, cuts=cuts, cut_guard_s=s.motion.cut_guard_s,
                                      **s.motion.intensity_options(s.group))
    units = motion.gesture_units(inten, high=s.high, min_duration_s=s.min_duration_s, cuts=cuts)
    tracks = hand_tracks(pose, settings=s, cuts=cuts)
    floor = float(units.attrs.get("noise_floor", 0.0))
    hold_speed = max(s.hold_speed, floor) if s.hold_above_noise else s.hold_speed
    rows = [{"clip_id": clip_id, "speaker_id": speaker_id, "unit": int(u.unit), "start_s": float(u.start),
             "end_s": float(u.end), "duration_s": float(u.duration), **_unit_row(tracks, u.start, u.end, s, hold_speed)}
            for u in units.itertuples()]
    table = pd.DataFrame(rows, columns=list(COLUMNS) + list(DETAILS))
    table = table[list(COLUMNS) + (list(DETAILS) if details else [])]
    table["unit"] = table["unit"].astype("int64")
    for col in ("n_submovements", "n_holds"):
        table[col] = table[col].fillna(0).astype("int64")
    table.attrs.update(units=dict(TABLE_UNITS), settings=s.to_dict(), clock="video", hold_speed=hold_speed,
                       n_excluded_cut=int(units.attrs.get("n_excluded_cut", 0)))
    return table


def clip_gesture_table(clip: Any, *, settings: GestureSettings | None = None, details: bool = False) -> pd.DataFrame:
    """:func:`gesture_table` of a loaded clip (its id, speaker and metadata filled in).

    Parameters
    ----------
    clip
        A :class:`~alloava_analysis.model.Clip` with a pose.
    settings
        The thresholds; default :class:`GestureSettings`.
    details
        Also give the submovement, hold and sector intervals (see :func:`gesture_table`).

    Returns
    -------
    pandas.DataFrame
        The clip's gesture table.
    """
    from ..errors import MissingModalityError

    if clip.pose is None or clip.pose.sizes["time"] < 2:
        raise MissingModalityError(f"clip {clip.clip_id!r}: expected a pose with at least 2 frames, got none")
    speaker = (clip.metadata or {}).get("speaker_id")
    return gesture_table(clip.pose, settings=settings, clip_id=clip.clip_id,
                         speaker_id=None if speaker is None else str(speaker), metadata=clip.metadata,
                         details=details)
