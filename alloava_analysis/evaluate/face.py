"""Talking-head measures from MediaPipe FaceLandmarker output: head pose and blinks.

The face dataset is what extraction stores (``extraction/<clip>.mediapipe_face_478.parquet``):
478 landmarks, ``blendshapes(time, blendshape)`` (52 ARKit-style scores) and
``transformation_matrix(time, row, col)`` (the 4x4 facial transformation
matrix from the canonical face model to the camera frame).

* :func:`head_pose` -- pitch, yaw and roll in degrees from the rotation part
  of the matrix (made orthonormal first), ``R = Rz(roll) Ry(yaw) Rx(pitch)``:
  pitch about the x axis (nodding), yaw about y (turning), roll about z
  (tilting); 0 faces the camera.
* :func:`eye_closure` -- per frame 0 (open) .. 1 (closed): the mean of the
  ``eyeBlinkLeft`` / ``eyeBlinkRight`` blendshapes, or, without blendshapes,
  ``1 - EAR / EAR_open`` from the landmarks (eye aspect ratio of Soukupová
  and Čech 2016 on the mesh points in :data:`EAR_POINTS`; ``EAR_open`` the
  clip's 90th percentile).
* :func:`detect_blinks` -- closure above ``high`` until it falls below
  ``low`` (hysteresis), lasting at most ``max_duration_s``; and
  :func:`blinks_per_minute` over the frames where a face was found.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import xarray as xr
from scipy.spatial.transform import Rotation

from ..checks import check_option, check_positive, check_range
from ..errors import ParameterError, SchemaError
from ..features.motion import gesture_units
from ..model import POSITION_DIMS, estimate_frame_rate

__all__ = ["BLINK_BLENDSHAPES", "CLOSURE_METHODS", "EAR_POINTS", "blinks_per_minute", "detect_blinks",
           "eye_aspect_ratio", "eye_closure", "head_angular_speed", "head_pose", "rotation_angles"]

BLINK_BLENDSHAPES = ("eyeBlinkLeft", "eyeBlinkRight")
#: MediaPipe face-mesh indices (p1 .. p6 of the eye aspect ratio): corner, two upper-lid, corner, two lower-lid.
EAR_POINTS = {"right": (33, 160, 158, 133, 153, 144), "left": (362, 385, 387, 263, 373, 380)}
ANGLES = ("pitch", "yaw", "roll")
#: How :func:`eye_closure` measures the eyes (``method=``).
CLOSURE_METHODS = ("auto", "blendshapes", "ear")


def rotation_angles(matrices: np.ndarray) -> np.ndarray:
    """(n, 3) pitch, yaw, roll in degrees of (n, 4, 4) or (n, 3, 3) matrices (NaN rows stay NaN).

    Parameters
    ----------
    matrices
        Facial transformation matrices (n, 4, 4) or rotation parts (n, 3, 3);
        the nearest rotation of each is used, so a scale does not matter.

    Returns
    -------
    numpy.ndarray
        (n, 3) pitch, yaw, roll in degrees (module docstring convention); NaN
        for a matrix with NaN or a singular rotation part.
    """
    m = np.asarray(matrices, dtype=np.float64)
    if m.ndim != 3 or m.shape[1:] not in ((4, 4), (3, 3)):
        raise SchemaError(f"expected matrices of shape (n, 4, 4) or (n, 3, 3), got {m.shape}")
    r = m[:, :3, :3]
    out = np.full((len(m), 3), np.nan)
    ok = np.isfinite(r).all(axis=(1, 2))
    ok[ok] = np.abs(np.linalg.det(r[ok])) > 1e-12
    if ok.any():
        u, _, vt = np.linalg.svd(r[ok])  # polar decomposition: nearest rotation (drops scale)
        rot = u @ vt
        flip = np.linalg.det(rot) < 0
        rot[flip] = (u[flip] * np.array([1, 1, -1])) @ vt[flip]
        out[ok] = Rotation.from_matrix(rot).as_euler("xyz", degrees=True)
    return out


def head_pose(face: xr.Dataset) -> pd.DataFrame:
    """``time, pitch, yaw, roll`` (degrees) per frame of a face dataset with ``transformation_matrix``.

    Parameters
    ----------
    face
        A face dataset with ``transformation_matrix(time, row, col)``, as extraction stores it.

    Returns
    -------
    pandas.DataFrame
        One row per frame: ``time`` (seconds), ``pitch, yaw, roll`` (degrees);
        attrs ``units`` and ``convention``.
    """
    if "transformation_matrix" not in face:
        raise SchemaError(f"expected a 'transformation_matrix' variable in the face dataset, got "
                          f"{list(face.data_vars)}", path=face.attrs.get("source") or None)
    ang = rotation_angles(face["transformation_matrix"].values)
    out = pd.DataFrame({"time": face["time"].values, **{k: ang[:, i] for i, k in enumerate(ANGLES)}})
    out.attrs.update(units="degrees", convention="R = Rz(roll) Ry(yaw) Rx(pitch)")
    return out


def head_angular_speed(pose: pd.DataFrame) -> np.ndarray:
    """Per-frame angular speed (degrees/s) of a :func:`head_pose` table.

    Parameters
    ----------
    pose
        A :func:`head_pose` table.

    Returns
    -------
    numpy.ndarray
        Norm of the time derivative of pitch, yaw and roll per frame, in
        degrees/s; NaN with fewer than 2 frames.
    """
    ang = pose[list(ANGLES)].to_numpy(float)
    t = pose["time"].to_numpy(float)
    if len(t) < 2:
        return np.full(len(t), np.nan)
    return np.linalg.norm(np.gradient(ang, t, axis=0), axis=1)


def eye_aspect_ratio(face: xr.Dataset) -> np.ndarray:
    """Mean eye aspect ratio of both eyes per frame (image plane, isotropic when the frame size is known).

    Parameters
    ----------
    face
        A ``mediapipe_face_478`` pose dataset (the full mesh: :data:`EAR_POINTS` are mesh indices).

    Returns
    -------
    numpy.ndarray
        The ratio per frame (smaller = more closed); NaN where an eye point is missing.
    """
    kp, ind = POSITION_DIMS[2], POSITION_DIMS[3]
    pos = face["position"].isel(space=[0, 1], **{ind: 0}).values.astype(np.float64)  # (time, 2, keypoint)
    if face.attrs.get("coords") == "normalized" and face.attrs.get("frame_width"):
        pos = pos * np.array([face.attrs["frame_width"], face.attrs["frame_height"]], float)[None, :, None]
    if pos.shape[2] < 478:
        raise SchemaError(f"expected the 478-point face mesh for the eye aspect ratio, got {face.sizes[kp]} points",
                          path=face.attrs.get("source") or None)

    def dist(q: np.ndarray, i: int, j: int) -> np.ndarray:
        return np.linalg.norm(q[:, :, i] - q[:, :, j], axis=1)

    ears = []
    for p in EAR_POINTS.values():
        q = pos[:, :, list(p)]
        ears.append((dist(q, 1, 5) + dist(q, 2, 4)) / np.maximum(2 * dist(q, 0, 3), 1e-12))
    return np.mean(ears, axis=0)


def eye_closure(face: xr.Dataset, *, method: str = "auto") -> tuple[np.ndarray, str]:
    """Per-frame eye closure in [0, 1] and the method used (``"blendshapes"`` or ``"ear"``).

    ``method="auto"`` uses the blendshapes when the dataset has them and
    they are not all missing, else the eye aspect ratio.

    Parameters
    ----------
    face
        A face dataset: ``blendshapes(time, blendshape)`` and/or the 478 mesh points.
    method
        ``"auto"``, ``"blendshapes"`` or ``"ear"`` (:data:`CLOSURE_METHODS`).

    Returns
    -------
    closure
        0 (open) to 1 (closed) per frame; NaN where the eyes were not measured.
    method
        The measure used: ``"blendshapes"`` or ``"ear"``.
    """
    check_option("method", method, CLOSURE_METHODS)
    has_blend = "blendshapes" in face and all(b in list(face["blendshape"].values) for b in BLINK_BLENDSHAPES)
    if method == "blendshapes" and not has_blend:
        raise SchemaError(f"expected blendshapes {BLINK_BLENDSHAPES} in the face dataset (method='blendshapes'), "
                          f"got none", path=face.attrs.get("source") or None)
    if has_blend and method != "ear":
        score = face["blendshapes"].sel(blendshape=list(BLINK_BLENDSHAPES)).values.astype(np.float64).mean(axis=1)
        if np.isfinite(score).any() or method == "blendshapes":
            return np.clip(score, 0.0, 1.0), "blendshapes"
    ear = eye_aspect_ratio(face)
    if not np.isfinite(ear).any():
        return ear, "ear"
    open_ear = float(np.nanpercentile(ear, 90))
    return np.clip(1.0 - ear / open_ear, 0.0, 1.0) if open_ear > 0 else np.full_like(ear, np.nan), "ear"


def detect_blinks(times: np.ndarray, closure: np.ndarray, *, high: float = 0.5, low: float = 0.35,
                  max_duration_s: float = 0.8) -> pd.DataFrame:
    """Blinks: closure rises above ``high`` and stays above ``low`` for at most ``max_duration_s``.

    Uses the hysteresis detector :func:`~alloava_analysis.features.motion.gesture_units`
    (NaN frames end an event).

    Parameters
    ----------
    times
        Frame times in seconds.
    closure
        Eye closure per frame, 0 (open) to 1 (closed), as from :func:`eye_closure`.
    high, low
        Thresholds on the closure, in [0, 1] with ``low <= high``: a blink
        starts above ``high`` and lasts until the closure falls below ``low``.
    max_duration_s
        Longest blink in seconds; longer closures are not counted.

    Returns
    -------
    pandas.DataFrame
        One row per blink: ``start, end, duration`` (seconds) and ``peak`` (the highest closure).
    """
    check_range("high", high, 0.0, 1.0)
    check_range("low", low, 0.0, 1.0)
    if low > high:
        raise ParameterError(f"invalid value for low: expected low <= high (hysteresis), got low={low!r}, "
                             f"high={high!r}", name="low")
    check_positive("max_duration_s", max_duration_s)
    frame = pd.DataFrame({"time": np.asarray(times, float), "closure": np.asarray(closure, float)})
    if len(frame) < 2:
        return pd.DataFrame({"start": [], "end": [], "duration": [], "peak": []})
    units = gesture_units(frame, high=high, low=low, min_duration_s=0.0, merge_gap_s=0.0, column="closure",
                          floor=None, smooth_s=0.0, confidence_floor=False, cuts=[])  # plain hysteresis
    units = units[units["duration"] <= max_duration_s + 1e-9]
    return units[["start", "end", "duration", "peak"]].reset_index(drop=True)


def blinks_per_minute(times: np.ndarray, closure: np.ndarray, **options) -> tuple[float, int, float]:
    """Blink rate over the frames with a finite closure: (blinks per minute, blinks, minutes observed).

    Parameters
    ----------
    times, closure
        Frame times in seconds and eye closure per frame (see :func:`detect_blinks`).
    options
        ``high``, ``low``, ``max_duration_s`` of :func:`detect_blinks`.

    Returns
    -------
    rate
        Blinks per minute observed; NaN when no frame has a closure.
    blinks
        Number of blinks.
    minutes
        Minutes observed: frames with a finite closure times the frame step
        (:func:`~alloava_analysis.model.estimate_frame_rate`).
    """
    t = np.asarray(times, float)
    c = np.asarray(closure, float)
    if t.size < 2:
        return float("nan"), 0, 0.0
    step = 1.0 / estimate_frame_rate(t)
    minutes = float(np.isfinite(c).sum()) * step / 60.0
    n = len(detect_blinks(t, c, **options))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return (n / minutes if minutes > 0 else float("nan")), n, minutes
