"""The data model: checked constructors for pose and words, and the ``Clip`` record.

Every loader (JSON reader, columnar store, extractor, synthetic generator) builds
its pose through :func:`make_pose` and its words through :func:`make_words`, so
all of them share one set of checks. Pose datasets follow the conventions of the
``movement`` package: ``position(time, space, keypoint, individual)`` and
``confidence(time, keypoint, individual)``, ``ds_type="poses"``.
"""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
import xarray as xr

from .checks import check_nonnegative, check_option, check_positive
from .errors import ParameterError, SchemaError
from .schema import get_layout

POSITION_DIMS = ("time", "space", "keypoint", "individual")
CONFIDENCE_DIMS = ("time", "keypoint", "individual")
#: Dimension names of movement < 0.17 (and of this toolkit before it followed them) -> current names.
LEGACY_DIMS = {"keypoints": "keypoint", "individuals": "individual"}
#: Flat extractor attrs (NetCDF holds no nested attrs); the full record is the JSON string ``attrs["extractor"]``.
EXTRACTOR_ATTRS = {"extractor_name": "name", "extractor_version": "version", "model_sha256": "model_sha256"}
WORD_COLUMNS = ("word", "start", "end", "probability", "segment")
SEGMENT_COLUMNS = ("segment", "start", "end", "text")
#: Columns of an interval table (words, segments, pauses, gesture units as annotation tiers).
INTERVAL_COLUMNS = ("start", "end", "label", "tier")
COORDS = ("normalized", "pixels")


def check_time_axis(time: np.ndarray, *, path: str | Path | None = None, what: str = "timestamps") -> np.ndarray:
    """Return ``time`` as float64 after checking it is 1-D, finite and strictly increasing.

    Parameters
    ----------
    time
        Timestamps in seconds.
    path
        The file they came from, named in the :class:`SchemaError`.
    what
        What the values are, as the error message calls them.

    Returns
    -------
    numpy.ndarray
        ``time`` as a 1-D float64 array.
    """
    t = np.asarray(time, dtype=np.float64)
    if t.ndim != 1:
        raise SchemaError(f"expected 1-D {what}, got shape {t.shape}", path=path)
    bad = np.flatnonzero(~np.isfinite(t))
    if bad.size:
        raise SchemaError(f"expected finite {what}, got {t[bad[0]]}", path=path, where=f"frame {bad[0]}")
    steps = np.diff(t)
    if steps.size and (steps <= 0).any():
        i = int(np.flatnonzero(steps <= 0)[0])
        kind = "duplicate" if steps[i] == 0 else "non-monotonic"
        raise SchemaError(f"expected strictly increasing {what}, got {kind} {t[i]} -> {t[i + 1]}",
                          path=path, where=f"frame {i + 1}")
    return t


#: Frame rates snapped to when the timestamps agree with them within rounding (NTSC rates as exact fractions).
COMMON_FRAME_RATES = (24000 / 1001, 24.0, 25.0, 30000 / 1001, 30.0, 48.0, 50.0, 60000 / 1001, 60.0, 90.0, 100.0,
                      120.0, 240.0)
#: Default resolution of stored timestamps (JSON keypoints often keep 0.1-1 ms).
TIMESTAMP_RESOLUTION_S = 1e-3


def estimate_frame_rate(time: np.ndarray, *, nominal: float | None = None,
                        resolution_s: float = TIMESTAMP_RESOLUTION_S) -> float:
    """Frame rate of a timeline, robust to rounded timestamps and dropped frames.

    ``1 / median(diff(t))`` reads 30.03 Hz for a 30 fps timeline rounded to
    0.1 ms. Here each frame gets its index from a coarse step (so gaps of
    dropped frames count as the frames they are), the step is the
    least-squares slope of time on index over the whole timeline (fitted on
    growing prefixes so the indices never slip), and the rate is snapped to
    ``nominal`` (the container's rate), else to the first of
    :data:`COMMON_FRAME_RATES`, whose frame grid reproduces every timestamp
    within ``resolution_s``.

    Parameters
    ----------
    time
        Timestamps in seconds (1-D, strictly increasing).
    nominal
        The container's nominal rate, tried first (None: only the common rates).
    resolution_s
        How far a stored timestamp may be from its frame's true time (rounding), seconds.

    Returns
    -------
    float
        Frames per second; NaN with fewer than 2 timestamps.
    """
    t = check_time_axis(time)
    check_nonnegative("resolution_s", resolution_s)
    check_positive("nominal", nominal, allow_none=True)
    if t.size < 2:
        return float("nan")
    step = float(np.median(np.diff(t)))
    d = t - t[0]
    m = min(t.size, 8)
    while True:
        k = np.round(d[:m] / step)
        if k[-1] > 0:
            step = float(np.polyfit(k, d[:m], 1)[0])
        if m == t.size:
            break
        m = min(t.size, 2 * m)
    k = np.round(d / step)
    for rate in ([float(nominal)] if nominal else []) + list(COMMON_FRAME_RATES):
        resid = d - k / rate
        if k[-1] > 0 and float(resid.max() - resid.min()) <= 2 * resolution_s + 1e-9:
            return float(rate)
    return float(1.0 / step)


def frame_step(time: np.ndarray) -> float:
    """Seconds between frames of a timeline: ``1 / estimate_frame_rate(time)`` (robust to rounding and drops).

    Parameters
    ----------
    time
        Timestamps in seconds (1-D, strictly increasing).

    Returns
    -------
    float
        The frame step in seconds; NaN with fewer than 2 timestamps.
    """
    return float(1.0 / estimate_frame_rate(time))


def make_pose(
    position: np.ndarray,
    *,
    time: np.ndarray,
    layout: str,
    confidence: np.ndarray | None = None,
    keypoints: list[str] | tuple[str, ...] | None = None,
    individuals: tuple[str, ...] = ("speaker",),
    fps: float | None = None,
    source: str | Path | None = None,
    extractor: dict[str, Any] | str | None = None,
    coords: str = "normalized",
    frame_size: tuple[int, int] | None = None,
    schema_variant: str | None = None,
) -> xr.Dataset:
    """Build a checked, movement-compatible pose dataset.

    Parameters
    ----------
    position
        Array (time, space, keypoint) or (time, space, keypoint, individual);
        NaN marks a missing point.
    time
        Seconds from the media origin, strictly increasing.
    layout
        A name from :data:`alloava_analysis.schema.LAYOUTS`.
    confidence
        Array (time, keypoint[, individual]) in [0, 1]; NaN or absent means
        unknown (filled with 1 where the position is finite, 0 where it is NaN).
    keypoints
        Subset of the layout's keypoints, in the order of ``position``'s axis 2
        (default: all of them, in layout order).
    individuals
        Names along the ``individual`` axis, one per person in ``position``.
    fps
        Nominal frame rate (frames/s); estimated from the median time step when omitted.
    source
        The file the points came from: ``attrs["source"]``, and named in errors.
    extractor
        What made the points (``name``, ``version``, ``model_sha256``, ...), as a
        mapping or its JSON string. Stored as the JSON string ``attrs["extractor"]``
        plus flat ``extractor_name``, ``extractor_version`` and ``model_sha256``
        (every attr is NetCDF-serialisable); read it back with :func:`extractor_info`.
    coords
        ``"normalized"`` (0..1 of the frame) or ``"pixels"``.
    frame_size
        (width, height) of the frame in pixels; None when unknown (stored as 0 x 0).
    schema_variant
        Which variant of a file format the points were read from (``attrs["schema_variant"]``).

    Returns
    -------
    xarray.Dataset
        ``position`` (time, space, keypoint, individual) and ``confidence``
        (time, keypoint, individual), both float32, with the ``body_part``
        coordinate and NetCDF-serialisable attrs (``fps``, ``layout``,
        ``source``, ``extractor``, ``coords``, ``frame_width``, ...).
    """
    where_src = None if source is None else str(source)
    check_option("coords", coords, COORDS)
    if isinstance(individuals, str) or not isinstance(individuals, (tuple, list, np.ndarray)) or \
            not all(isinstance(i, str) for i in individuals):
        raise ParameterError(f"invalid value for individuals: expected a tuple of names, got {individuals!r}",
                             name="individuals")
    lay = get_layout(layout)
    t = check_time_axis(time, path=where_src)
    pos = np.asarray(position, dtype=np.float32)
    if pos.ndim == 3:
        pos = pos[..., None]
    if pos.ndim != 4:
        raise SchemaError(f"expected position of shape (time, space, keypoint[, individual]), "
                          f"got {pos.shape}", path=where_src)
    if pos.shape[0] != t.size:
        raise SchemaError(f"expected {t.size} frames of position (one per timestamp), got {pos.shape[0]}",
                          path=where_src)
    if pos.shape[1] not in (2, 3):
        raise SchemaError(f"expected 2 or 3 spatial coordinates, got {pos.shape[1]}", path=where_src)
    names = tuple(keypoints) if keypoints is not None else lay.keypoints
    if len(names) != pos.shape[2]:
        raise SchemaError(f"expected {len(names)} keypoints for layout {layout!r}, got {pos.shape[2]}",
                          path=where_src)
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise SchemaError(f"expected distinct keypoint names, got {dup!r} twice", path=where_src)
    known = set(lay.keypoints)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SchemaError(f"expected keypoints of layout {layout!r}, got {unknown[:5]}", path=where_src)
    body_part = [lay.body_part[i] for i in lay.index(names)]
    if len(individuals) != pos.shape[3]:
        raise SchemaError(f"expected {len(individuals)} individuals, got {pos.shape[3]}", path=where_src)

    finite = np.isfinite(pos).all(axis=1)
    if confidence is None:
        conf = finite.astype(np.float32)
    else:
        conf = np.asarray(confidence, dtype=np.float32)
        if conf.ndim == 2:
            conf = conf[..., None]
        if conf.shape != (pos.shape[0], pos.shape[2], pos.shape[3]):
            raise SchemaError(f"expected confidence of shape {(pos.shape[0], pos.shape[2], pos.shape[3])}, "
                              f"got {conf.shape}", path=where_src)
        out_of_range = np.isfinite(conf) & ((conf < 0) | (conf > 1))
        if out_of_range.any():
            f, k, _ = np.argwhere(out_of_range)[0]
            raise SchemaError(f"expected confidence in [0, 1], got {conf[f, k, 0]}", path=where_src,
                              where=f"frame {f}, keypoint {names[k]!r}")
        conf = np.where(np.isnan(conf), finite.astype(np.float32), conf)
    conf = np.where(finite, conf, np.float32(0.0)).astype(np.float32)

    info = _extractor_dict(extractor, path=where_src)
    if fps is None:
        fps = estimate_frame_rate(t)
    elif isinstance(fps, (bool, str)) or not isinstance(fps, (int, float, np.number)) or \
            not (float(fps) > 0 or np.isnan(fps)):
        raise SchemaError(f"expected a positive fps (or None to estimate it), got {fps}", path=where_src)
    attrs = {
        "ds_type": "poses",
        "fps": float(fps),
        "time_unit": "seconds",
        "layout": layout,
        "source": where_src or "",
        "source_software": str(info.get("name", "")),
        "extractor": json.dumps(info, default=str),
        **{attr: "" if info.get(key) is None else str(info[key]) for attr, key in EXTRACTOR_ATTRS.items()},
        "coords": coords,
        "frame_width": int(frame_size[0]) if frame_size else 0,
        "frame_height": int(frame_size[1]) if frame_size else 0,
        "schema_variant": schema_variant or "",
    }
    space = ["x", "y", "z"][: pos.shape[1]]
    return xr.Dataset(
        data_vars={
            "position": (POSITION_DIMS, pos),
            "confidence": (CONFIDENCE_DIMS, conf),
        },
        coords={
            "time": t,
            "space": space,
            "keypoint": list(names),
            "body_part": ("keypoint", body_part),
            "individual": list(individuals),
        },
        attrs=attrs,
    )


def _extractor_dict(extractor: dict[str, Any] | str | None, *, path: str | None = None) -> dict[str, Any]:
    if extractor is None or extractor == "":
        return {}
    if isinstance(extractor, str):
        try:
            extractor = json.loads(extractor)
        except json.JSONDecodeError:
            extractor = None
        if not isinstance(extractor, dict):
            raise SchemaError("expected extractor as a mapping or its JSON object string, got a string that is "
                              "not a JSON object", path=path)
    if not isinstance(extractor, dict):
        raise SchemaError(f"expected extractor as a mapping or its JSON string, got {type(extractor).__name__}",
                          path=path)
    return dict(extractor)


def extractor_info(ds: xr.Dataset | dict[str, Any]) -> dict[str, Any]:
    """The extractor record of a pose dataset (or of its attrs) as a dict.

    ``attrs["extractor"]`` is a JSON string (NetCDF holds no nested attrs); a
    dict left by an older version is accepted too.

    Parameters
    ----------
    ds
        A pose dataset, or its attrs.

    Returns
    -------
    dict
        ``name``, ``version``, ``model_sha256``, ... as stored; empty when there is none.
    """
    attrs = ds.attrs if isinstance(ds, xr.Dataset) else ds
    return _extractor_dict(attrs.get("extractor"), path=attrs.get("source") or None)


def rename_legacy_dims(ds: xr.Dataset, *, warn: bool = True) -> xr.Dataset:
    """Rename movement < 0.17 dims (``keypoints``, ``individuals``) to ``keypoint``, ``individual``.

    Like movement's own ``rename_legacy_dimensions``: datasets (NetCDF files,
    stores, movement 0.15 datasets) written with the plural names load with
    the current ones.

    Parameters
    ----------
    ds
        A pose dataset with the legacy or the current dim names.
    warn
        Warn (``UserWarning``) when something was renamed.

    Returns
    -------
    xarray.Dataset
        ``ds`` itself when nothing needs renaming, otherwise a renamed copy.
    """
    old = {k: v for k, v in LEGACY_DIMS.items() if k in ds.dims or k in ds.coords}
    clash = [v for v in old.values() if v in ds.dims or v in ds.coords]
    if not old:
        return ds
    if clash:
        raise SchemaError(f"expected either the legacy dims {sorted(old)} or the current {sorted(clash)}, got both",
                          path=ds.attrs.get("source") or None)
    if warn:
        warnings.warn(f"{ds.attrs.get('source') or 'pose dataset'}: renamed legacy dims "
                      + ", ".join(f"{k!r} -> {v!r}" for k, v in old.items())
                      + " (movement >= 0.17 names); save it again to convert it once", UserWarning, stacklevel=3)
    return ds.rename(old)


def validate_pose(ds: xr.Dataset) -> xr.Dataset:
    """Check that ``ds`` is a pose dataset of this toolkit (use at function entry: ``ds = validate_pose(ds)``).

    A dataset with movement's legacy plural dims (``keypoints``, ``individuals``)
    is accepted with a warning and returned renamed (:func:`rename_legacy_dims`).

    Parameters
    ----------
    ds
        The dataset to check; anything else is a ParameterError.

    Returns
    -------
    xarray.Dataset
        ``ds``, with the current dim names.
    """
    if not isinstance(ds, xr.Dataset):
        raise ParameterError(f"invalid value for ds: expected an xarray.Dataset of poses, got {type(ds).__name__}",
                             name="ds")
    ds = rename_legacy_dims(ds)
    for var, dims in (("position", POSITION_DIMS), ("confidence", CONFIDENCE_DIMS)):
        if var not in ds:
            raise SchemaError(f"expected data variable {var!r} in the pose dataset, got {list(ds.data_vars)}")
        if ds[var].dims != dims:
            raise SchemaError(f"expected {var} dims {dims}, got {ds[var].dims}")
    check_time_axis(ds["time"].values, path=ds.attrs.get("source") or None)
    return ds


def make_words(records: pd.DataFrame | list[dict], *, path: str | Path | None = None) -> pd.DataFrame:
    """Build a checked words table with columns ``word, start, end, probability, segment``.

    Times are seconds from the media origin; ``start <= end``; rows sorted by
    start. ``probability`` may be NaN when the engine gives none.

    Parameters
    ----------
    records
        One row or dict per word with ``word``, ``start``, ``end`` and optionally
        ``probability`` (NaN when absent) and ``segment`` (0 when absent).
    path
        The file the words came from, named in the :class:`SchemaError`.

    Returns
    -------
    pandas.DataFrame
        One row per word: ``word, start, end, probability, segment``, sorted by start.
    """
    df = pd.DataFrame(records).copy()
    if df.empty:
        return pd.DataFrame({"word": pd.Series(dtype=str), "start": pd.Series(dtype=float),
                             "end": pd.Series(dtype=float), "probability": pd.Series(dtype=float),
                             "segment": pd.Series(dtype="int64")})
    for col in ("word", "start", "end"):
        if col not in df:
            raise SchemaError(f"expected word column {col!r}, got columns {list(df.columns)}", path=path)
    if "probability" not in df:
        df["probability"] = np.nan
    if "segment" not in df:
        df["segment"] = 0
    df = df[list(WORD_COLUMNS)]
    df["word"] = df["word"].astype(str)
    for col in ("start", "end", "probability"):
        numeric = pd.to_numeric(df[col], errors="coerce").astype(float)
        bad = numeric.isna() & df[col].notna()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise SchemaError(f"expected numeric word {col}, got {df[col].iat[i]!r}", path=path,
                              where=f"word {i} ({df.word.iat[i]!r})")
        df[col] = numeric
    df["segment"] = df["segment"].astype("int64")
    bad = ~np.isfinite(df[["start", "end"]].to_numpy()).all(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise SchemaError(f"expected finite word times, got start={df.start.iat[i]}, end={df.end.iat[i]}",
                          path=path, where=f"word {i} ({df.word.iat[i]!r})")
    inverted = (df["end"] < df["start"]) | (df["start"] < 0)
    if inverted.any():
        i = int(np.flatnonzero(inverted)[0])
        raise SchemaError(f"expected 0 <= start <= end, got start={df.start.iat[i]}, end={df.end.iat[i]}",
                          path=path, where=f"word {i} ({df.word.iat[i]!r})")
    return df.sort_values("start", kind="stable").reset_index(drop=True)


def make_intervals(records: pd.DataFrame | list[dict], *, tier: str | None = None, tiers: list[str] | None = None,
                   path: str | Path | None = None) -> pd.DataFrame:
    """Build a checked interval table with columns ``start, end, label, tier``.

    One table type for words, segments, pauses and gesture units, and for the
    tiers of ELAN and Praat files. Times are seconds from the media origin with
    ``0 <= start <= end``; a missing label is ``""``. Rows are ordered by tier
    (in the order of ``attrs["tiers"]``), then start, then end.

    Parameters
    ----------
    records
        One row or dict per interval with ``start`` and ``end`` (seconds) and
        optionally ``label`` and ``tier``.
    tier
        Tier of every row (overrides a ``tier`` column; required when there is none).
    tiers
        Tier names in order, including tiers without intervals; kept in
        ``attrs["tiers"]``. Defaults to ``records.attrs["tiers"]`` (an interval
        table passed again), else the tiers in order of first appearance.
    path
        The file the intervals came from, named in the :class:`SchemaError`.

    Returns
    -------
    pandas.DataFrame
        One row per interval: ``start, end, label, tier``; ``attrs["tiers"]`` the tier order.
    """
    if tiers is None and isinstance(records, pd.DataFrame) and tier is None:
        tiers = records.attrs.get("tiers")
    df = pd.DataFrame(records).copy()
    if tier is not None:
        df["tier"] = str(tier)
    for col in ("start", "end"):
        if col not in df and not df.empty:
            raise SchemaError(f"expected interval column {col!r}, got columns {list(df.columns)}", path=path)
    if df.empty:
        df = pd.DataFrame({c: pd.Series(dtype=float if c in ("start", "end") else object) for c in INTERVAL_COLUMNS})
    if "tier" not in df:
        raise SchemaError("expected a 'tier' column or tier=...", path=path)
    if "label" not in df:
        df["label"] = ""
    df = df[list(INTERVAL_COLUMNS)].reset_index(drop=True)
    df["label"] = df["label"].where(df["label"].notna(), "").astype(str)
    if df["tier"].isna().any():
        i = int(np.flatnonzero(df["tier"].isna())[0])
        raise SchemaError(f"expected a tier name, got {df.tier.iat[i]!r}", path=path, where=f"interval {i}")
    df["tier"] = df["tier"].astype(str)
    for col in ("start", "end"):
        numeric = pd.to_numeric(df[col], errors="coerce").astype(float)
        bad = ~np.isfinite(numeric.to_numpy())
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise SchemaError(f"expected a finite numeric interval {col}, got {df[col].iat[i]!r}", path=path,
                              where=f"interval {i} ({df.tier.iat[i]}: {df.label.iat[i]!r})")
        df[col] = numeric
    bad = (df["end"] < df["start"]) | (df["start"] < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise SchemaError(f"expected 0 <= start <= end, got start={df.start.iat[i]}, end={df.end.iat[i]}",
                          path=path, where=f"interval {i} ({df.tier.iat[i]}: {df.label.iat[i]!r})")
    order = list(dict.fromkeys([*(tiers or []), *df["tier"]]))
    if tiers is not None and set(df["tier"]) - set(tiers):
        raise SchemaError(f"expected intervals only in tiers {list(tiers)}, got {sorted(set(df['tier']) - set(tiers))}",
                          path=path)
    rank = df["tier"].map({name: i for i, name in enumerate(order)})
    df = df.assign(_rank=rank).sort_values(["_rank", "start", "end"], kind="stable").drop(columns="_rank")
    df = df.reset_index(drop=True)
    df.attrs["tiers"] = order
    return df


def pose_attrs_json(ds: xr.Dataset) -> str:
    """The dataset's attrs as JSON (for formats that cannot hold nested attrs).

    Parameters
    ----------
    ds
        A pose dataset.

    Returns
    -------
    str
        ``ds.attrs`` as a JSON object with sorted keys (values JSON cannot hold written as their ``str``).
    """
    return json.dumps(ds.attrs, sort_keys=True, default=str)


class AudioSource(Protocol):
    """What a clip's audio offers: header facts now, samples on demand (:class:`alloava_analysis.io.audio.Audio`)."""

    path: Path
    samplerate: int
    channels: int
    frames: int

    @property
    def duration(self) -> float:
        """Length in seconds."""

    def read(self, start: float = 0.0, stop: float | None = None, *, mono: bool = True) -> np.ndarray:
        """Samples between ``start`` and ``stop`` seconds as float32 in [-1, 1] (mono: channels averaged)."""


@dataclass
class Clip:
    """One recording: pose (per layout), words, segments, lazy audio and its index row."""

    clip_id: str
    category: str
    youtube_id: str
    poses: dict[str, xr.Dataset] = field(default_factory=dict)
    words: pd.DataFrame | None = None
    segments: pd.DataFrame | None = None
    audio: AudioSource | None = None
    frame_text: pd.Series | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def pose(self) -> xr.Dataset | None:
        """The primary pose: MediaPipe 33 when present, else the first layout loaded."""
        for name in ("mediapipe_pose_33", "mediapipe_holistic", "openpose_body_18"):
            if name in self.poses:
                return self.poses[name]
        return next(iter(self.poses.values()), None)

    def __repr__(self) -> str:
        n_frames = 0 if self.pose is None else self.pose.sizes["time"]
        n_words = 0 if self.words is None else len(self.words)
        return (f"Clip({self.clip_id!r}, layouts={sorted(self.poses)}, frames={n_frames}, "
                f"words={n_words}, audio={'yes' if self.audio else 'no'})")
