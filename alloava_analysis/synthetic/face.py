"""Planted face tracks: MediaPipe face-478 datasets with a known blink train and head rotation.

The synthetic corpus has no face output (its poses are body keypoints); these
datasets, shaped like what extraction stores
(``extraction/<clip>.mediapipe_face_478.parquet``: ``blendshapes`` and
``transformation_matrix``), let the talking-head measures be checked against
planted truth: blinks at a known rate (each a 0.15 s triangle of
``eyeBlinkLeft/Right`` up to 0.9) and a head that wanders with a known
standard deviation of pitch, yaw and roll.
"""
from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.spatial.transform import Rotation

from ..checks import check_int, check_nonnegative, check_positive, check_range
from ..model import make_pose

__all__ = ["BLEND_NAMES", "blink_train", "face_dataset", "face_track"]

BLEND_NAMES = ("_neutral", "eyeBlinkLeft", "eyeBlinkRight", "jawOpen")


def blink_train(times: np.ndarray, rate_per_min: float, *, duration_s: float = 0.15, seed: int = 0,
                jitter: float = 0.3) -> tuple[np.ndarray, int]:
    """Eye closure (0.05 open .. 0.9 shut) with blinks every ``60 / rate_per_min`` s.

    The spacing is jittered by up to ``jitter`` of a period.

    Parameters
    ----------
    times
        Frame times in seconds (increasing).
    rate_per_min
        Blinks per minute (> 0).
    duration_s
        Length of one blink in seconds.
    seed
        Seed of the spacing jitter.
    jitter
        Largest change of a spacing, as a fraction of the period.

    Returns
    -------
    closure : numpy.ndarray
        Eye closure per frame.
    n_blinks : int
        Number of blinks planted.
    """
    check_positive("rate_per_min", rate_per_min)
    check_positive("duration_s", duration_s)
    check_int("seed", seed, minimum=0)
    check_range("jitter", jitter, 0, 1, inclusive=(True, False))
    rng = np.random.default_rng(seed)
    times = np.asarray(times, float)
    period = 60.0 / rate_per_min
    starts, t = [], float(times[0]) + period / 2
    while t + duration_s < times[-1]:
        starts.append(t)
        t += period * (1 + rng.uniform(-jitter, jitter))
    closure = np.full(len(times), 0.05)
    for s in starts:
        tri = np.clip(1 - np.abs(2 * (times - s) / duration_s - 1), 0, None) * 0.85
        closure = np.maximum(closure, 0.05 + tri)
    return closure, len(starts)


def face_dataset(times: np.ndarray, *, closure: np.ndarray | None = None, angles_deg: np.ndarray | None = None,
                 scale: float = 1.0) -> xr.Dataset:
    """A face-478 dataset with the given eye closure and head rotation.

    Its ``eyeBlink`` blendshapes are ``closure`` and its transformation matrices
    rotate by ``angles_deg`` (n, 3: pitch, yaw, roll as ``Rz(roll) Ry(yaw) Rx(pitch)``) times ``scale``.

    Parameters
    ----------
    times
        Frame times in seconds.
    closure
        Eye closure per frame (None: open, 0.05).
    angles_deg
        Head pitch, yaw and roll per frame in degrees, shape (n, 3) (None: no rotation).
    scale
        Factor applied to the rotation part of the matrices.

    Returns
    -------
    xarray.Dataset
        A ``mediapipe_face_478`` pose with ``blendshapes(time, blendshape)``
        and ``transformation_matrix(time, row, col)``.
    """
    check_positive("scale", scale)
    n = len(times)
    pos = np.full((n, 3, 478), 0.5, np.float32) + np.linspace(0, 0.1, 478, dtype=np.float32)[None, None]
    ds = make_pose(pos, time=times, layout="mediapipe_face_478", frame_size=(512, 512),
                   extractor={"name": "alloava-synthetic-face", "version": "1"})
    blend = np.full((n, len(BLEND_NAMES)), 0.05, np.float32)
    if closure is not None:
        blend[:, 1] = blend[:, 2] = closure
    ds = ds.assign_coords(blendshape=list(BLEND_NAMES))
    ds["blendshapes"] = (("time", "blendshape"), blend)
    mats = np.tile(np.eye(4, dtype=np.float32), (n, 1, 1))
    if angles_deg is not None:
        mats[:, :3, :3] = scale * Rotation.from_euler("xyz", angles_deg, degrees=True).as_matrix()
    mats[:, :3, 3] = (1.0, -2.0, -40.0)
    ds["transformation_matrix"] = (("time", "row", "col"), mats)
    return ds


def face_track(times: np.ndarray, *, blinks_per_min: float, head_sd_deg: float = 5.0,
               seed: int = 0) -> tuple[xr.Dataset, int]:
    """A face dataset with a planted blink train and a head wandering smoothly (sd ``head_sd_deg`` per angle).

    Parameters
    ----------
    times
        Frame times in seconds.
    blinks_per_min
        Blink rate (> 0).
    head_sd_deg
        Standard deviation of pitch, yaw and roll in degrees.
    seed
        Seed of the blinks and the head path.

    Returns
    -------
    face : xarray.Dataset
        The dataset of :func:`face_dataset`.
    n_blinks : int
        Number of blinks planted.
    """
    check_positive("blinks_per_min", blinks_per_min)
    check_nonnegative("head_sd_deg", head_sd_deg)
    check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    closure, n = blink_train(times, blinks_per_min, seed=seed)
    steps = rng.normal(0, 1, (len(times), 3))
    kernel = np.exp(-0.5 * (np.arange(-30, 31) / 10.0) ** 2)
    walk = np.stack([np.convolve(steps[:, i], kernel, mode="same") for i in range(3)], axis=1)
    return face_dataset(times, closure=closure, angles_deg=head_sd_deg * walk / walk.std(axis=0)), n
