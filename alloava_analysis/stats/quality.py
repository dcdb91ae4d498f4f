"""Per-clip tracking quality: the one definition of keypoint dropout and low confidence.

``alloava validate`` (over all keypoints) and ``alloava audit`` (over the hand
keypoints, by demographic group) both report these numbers, so they always mean
the same thing. Every keypoint-frame (one keypoint of one individual in one frame)
falls in exactly one of three classes:

* **missing** (dropout): a position coordinate is NaN;
* **low confidence**: present, with confidence below the threshold;
* **confident**: present, confidence at or above the threshold.

The three fractions below are shares of *all* keypoint-frames, so they add up to 1.
"""
from __future__ import annotations

import numpy as np
import xarray as xr

from ..checks import check_range
from ..errors import ParameterError, SchemaError
from ..model import POSITION_DIMS, validate_pose
from ..schema import get_layout

__all__ = ["HAND_SIDES", "QUALITY_KEYS", "hand_visibility", "keypoint_quality"]

QUALITY_KEYS = ("frames", "nan_fraction", "low_confidence_fraction", "confidence_mean")
#: Prefixes that split the hand keypoints of a layout into the two hands.
HAND_SIDES = ("left_", "right_")


_KEYPOINT_DIM, _INDIVIDUAL_DIM = POSITION_DIMS[2], POSITION_DIMS[3]


def _groups(ds: xr.Dataset) -> dict[str, tuple[str, ...]]:
    """The keypoint groups of the pose's layout (a pose of no known layout has none to select)."""
    layout = ds.attrs.get("layout", "")
    try:
        return get_layout(layout).groups
    except KeyError:
        raise SchemaError(f"expected a pose of a known layout to select keypoint groups, got layout {layout!r}",
                          path=ds.attrs.get("source") or None) from None


def _select(ds: xr.Dataset, keypoints: list[str] | tuple[str, ...] | None, group: str | None) -> xr.Dataset:
    dim = _KEYPOINT_DIM
    present = [str(k) for k in ds[dim].values]
    if group is not None:
        groups = _groups(ds)
        if group not in groups:
            raise ParameterError(f"invalid value for group: expected one of {sorted(groups)} (the groups of layout "
                                 f"{ds.attrs.get('layout')!r}), got group {group!r}", name="group",
                                 allowed=tuple(sorted(groups)))
        names = [k for k in groups[group] if k in set(present)]
        if not names:
            raise SchemaError(f"expected keypoints of group {group!r} in a {ds.attrs.get('layout')!r} pose, "
                              "got none of them", path=ds.attrs.get("source") or None)
        keypoints = names
    elif keypoints is not None:
        unknown = [k for k in keypoints if k not in present] if not isinstance(keypoints, str) else [keypoints]
        if unknown:
            raise ParameterError(f"invalid value for keypoints: expected names of the pose's keypoints, got "
                                 f"{unknown}", name="keypoints")
    return ds if keypoints is None else ds.sel({dim: list(keypoints)})


def _present(ds: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """(present, confidence) arrays of shape (time, keypoint, individual)."""
    space_axis = ds["position"].dims.index("space")
    present = np.isfinite(ds["position"].values).all(axis=space_axis)
    return present, ds["confidence"].values


def keypoint_quality(ds: xr.Dataset, *, keypoints: list[str] | tuple[str, ...] | None = None,
                     group: str | None = None, low_confidence: float = 0.5) -> dict[str, float | int]:
    """Dropout and low-confidence shares of a pose's keypoint-frames.

    Parameters
    ----------
    ds
        Pose dataset (``position``, ``confidence``).
    keypoints, group
        Restrict to these keypoint names, or to a body-part group such as
        ``"hands"`` (see :func:`alloava_analysis.schema.group_keypoints`); default all.
    low_confidence
        Confidence below this is "low" (the threshold the motion features mask at).

    Returns
    -------
    dict
        ``frames``; ``nan_fraction`` (missing keypoint-frames / all);
        ``low_confidence_fraction`` (present but below ``low_confidence`` / all);
        ``confidence_mean`` (over present keypoint-frames; NaN when none is present).
    """
    check_range("low_confidence", low_confidence, 0.0, 1.0)
    ds = validate_pose(ds)
    present, conf = _present(_select(ds, keypoints, group))
    n = present.size
    if n == 0:
        return {"frames": int(ds.sizes["time"]), "nan_fraction": float("nan"),
                "low_confidence_fraction": float("nan"), "confidence_mean": float("nan")}
    low = present & (conf < low_confidence)
    return {"frames": int(ds.sizes["time"]), "nan_fraction": float(1 - present.mean()),
            "low_confidence_fraction": float(low.sum() / n),
            "confidence_mean": float(conf[present].mean()) if present.any() else float("nan")}


def hand_visibility(ds: xr.Dataset, *, low_confidence: float = 0.5) -> float:
    """Share of frames in which **both** hands are visible.

    A hand is visible in a frame when every keypoint of the layout's ``hands``
    group on that side (``left_*`` / ``right_*``) is present with confidence at
    least ``low_confidence``. First individual only. NaN for a pose without frames.

    Parameters
    ----------
    ds
        A pose dataset whose layout has a ``hands`` group.
    low_confidence
        Confidence a keypoint needs to count as visible (0 to 1).

    Returns
    -------
    float
        The share of frames, 0 to 1.
    """
    check_range("low_confidence", low_confidence, 0.0, 1.0)
    if "hands" not in _groups(ds):
        raise SchemaError(f"expected a pose layout with hand keypoints, got layout {ds.attrs.get('layout')!r}",
                          path=ds.attrs.get("source") or None)
    sel = _select(ds, None, "hands")
    names = [str(k) for k in sel[_KEYPOINT_DIM].values]
    sel = sel.isel({_INDIVIDUAL_DIM: [0]})
    present, conf = _present(sel)
    ok = (present & (conf >= low_confidence))[:, :, 0]  # (time, keypoints)
    sides = [[i for i, n in enumerate(names) if n.startswith(p)] for p in HAND_SIDES]
    if any(not s for s in sides):
        raise SchemaError(f"expected left_ and right_ hand keypoints in a {ds.attrs.get('layout')!r} pose, "
                          f"got {names}", path=ds.attrs.get("source") or None)
    if ok.shape[0] == 0:
        return float("nan")
    both = np.logical_and.reduce([ok[:, s].all(axis=1) for s in sides])
    return float(both.mean())
