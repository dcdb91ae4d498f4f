"""Fixed-length windows of normalised pose and the versioned feature sets computed on them.

A window is ``window_s`` seconds of :func:`~.normalize.normalize_pose` output
(``frames x keypoints x 2``, shoulder widths); windows with any missing value
are dropped (and counted). Each window becomes one sample of a feature set,
so a Fréchet distance compares the distributions of windows.

Feature sets (in the spirit of AIST++'s FID_k and FID_g, but for planar
upper-body pose; the name and version are part of every result):

``alloava-kinetic`` v1
    Per keypoint: mean squared horizontal velocity, mean squared vertical
    velocity (the two kinetic-energy terms of AIST++) and mean acceleration
    magnitude (its energy-expenditure term), by central differences on the
    analysis clock; units shoulder widths / s (squared) and / s^2.
``alloava-geometric`` v1
    Per keypoint: mean and standard deviation of x and of y over the window;
    per arm: mean and standard deviation of the elbow angle
    (shoulder-elbow-wrist, radians); mean and standard deviation of the
    wrist-to-wrist distance; mean height of each wrist above its shoulder
    (these 8 only when the keypoint set has the arms).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import xarray as xr

from ..checks import check_positive
from ..clocks import make_windows
from ..errors import ParameterError, SchemaError
from ..model import POSITION_DIMS

__all__ = ["FEATURE_SETS", "FeatureSet", "GEOMETRIC", "KINETIC", "geometric_features", "kinetic_features",
           "pose_windows"]

_KP = POSITION_DIMS[2]


def pose_windows(norm: xr.Dataset, *, window_s: float = 2.0, hop_s: float | None = None
                 ) -> tuple[np.ndarray, np.ndarray, int]:
    """Cut a normalised pose into windows of whole frames.

    Parameters
    ----------
    norm
        A pose on a fixed clock (:func:`~.normalize.normalize_pose` with ``rate_hz``).
    window_s
        Window length in seconds (> 0; at least 3 frames).
    hop_s
        Step between window starts in seconds; None: ``window_s`` (adjacent windows).

    Returns
    -------
    windows
        (n, frames, keypoints, 2) float64 windows without missing values.
    starts
        Start time of each kept window (seconds).
    dropped
        How many windows were dropped because they held missing values.
    """
    check_positive("window_s", window_s)
    check_positive("hop_s", hop_s, allow_none=True)
    t = norm["time"].values
    if not norm.attrs.get("fps"):
        raise SchemaError("expected a pose on a fixed clock (attrs fps, as normalize_pose makes with rate_hz), "
                          f"got fps={norm.attrs.get('fps')!r}", path=norm.attrs.get("source") or None)
    rate = float(norm.attrs["fps"])
    frames = int(round(window_s * rate))
    if frames < 3:
        raise ParameterError(f"invalid value for window_s: expected windows of at least 3 frames, got "
                             f"window_s={window_s} at {rate} Hz", name="window_s")
    pos = norm["position"].isel({POSITION_DIMS[3]: 0}).values.transpose(0, 2, 1).astype(np.float64)
    win = make_windows(float(t[0]), float(t[-1]) + 1.0 / rate, window_s=window_s, hop_s=hop_s)
    first = np.round((win["start"].to_numpy() - t[0]) * rate).astype(int)
    first = first[first + frames <= len(t)]
    if not first.size:
        return np.zeros((0, frames, pos.shape[1], 2)), np.zeros(0), 0
    stack = pos[first[:, None] + np.arange(frames)[None, :]]
    ok = np.isfinite(stack).all(axis=(1, 2, 3))
    return stack[ok], t[first[ok]], int((~ok).sum())


def _derivative(x: np.ndarray, rate: float) -> np.ndarray:
    return np.gradient(x, 1.0 / rate, axis=1)


def kinetic_features(windows: np.ndarray, rate_hz: float, keypoints: tuple[str, ...]) -> np.ndarray:
    """``alloava-kinetic`` v1 features of (n, frames, keypoints, 2) windows: (n, 3 * keypoints).

    Parameters
    ----------
    windows
        Windows from :func:`pose_windows` (shoulder widths).
    rate_hz
        Their frame rate in Hz.
    keypoints
        Their keypoint names (not used: part of the :attr:`FeatureSet.compute` signature).

    Returns
    -------
    numpy.ndarray
        Per window: mean squared x velocity of every keypoint, then mean
        squared y velocity, then mean acceleration magnitude (shoulder widths/s
        squared, and shoulder widths/s^2).
    """
    v = _derivative(windows, rate_hz)
    a = _derivative(v, rate_hz)
    return np.concatenate([np.mean(v[..., 0] ** 2, axis=1), np.mean(v[..., 1] ** 2, axis=1),
                           np.mean(np.linalg.norm(a, axis=-1), axis=1)], axis=1)


def _angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    u, w = a - b, c - b
    cos = np.sum(u * w, axis=-1) / np.maximum(np.linalg.norm(u, axis=-1) * np.linalg.norm(w, axis=-1), 1e-12)
    return np.arccos(np.clip(cos, -1.0, 1.0))


def geometric_features(windows: np.ndarray, rate_hz: float, keypoints: tuple[str, ...]) -> np.ndarray:
    """``alloava-geometric`` v1 features of (n, frames, keypoints, 2) windows: (n, 4 * keypoints [+ 8 with arms]).

    Parameters
    ----------
    windows
        Windows from :func:`pose_windows` (shoulder widths).
    rate_hz
        Their frame rate (not used: part of the :attr:`FeatureSet.compute` signature).
    keypoints
        Their keypoint names; the 8 arm features need both shoulders, elbows and wrists.

    Returns
    -------
    numpy.ndarray
        Per window: mean x, mean y, sd of x, sd of y of every keypoint, then
        the arm features of the module docstring.
    """
    idx = {k: i for i, k in enumerate(keypoints)}
    need = [f"{s}_{p}" for s in ("left", "right") for p in ("shoulder", "elbow", "wrist")]
    p = {k: windows[:, :, i] for k, i in idx.items()}
    cols = [windows[..., 0].mean(axis=1), windows[..., 1].mean(axis=1),
            windows[..., 0].std(axis=1), windows[..., 1].std(axis=1)]
    if any(k not in idx for k in need):
        return np.concatenate(cols, axis=1)
    extra = []
    for side in ("left", "right"):
        ang = _angle(p[f"{side}_shoulder"], p[f"{side}_elbow"], p[f"{side}_wrist"])
        extra += [ang.mean(axis=1), ang.std(axis=1)]
    span = np.linalg.norm(p["left_wrist"] - p["right_wrist"], axis=-1)
    extra += [span.mean(axis=1), span.std(axis=1)]
    for side in ("left", "right"):  # image y points down: height above the shoulder is shoulder_y - wrist_y
        extra.append((p[f"{side}_shoulder"][..., 1] - p[f"{side}_wrist"][..., 1]).mean(axis=1))
    return np.concatenate(cols + [np.stack(extra, axis=1)], axis=1)


@dataclass(frozen=True)
class FeatureSet:
    """A named, versioned map from pose windows to feature vectors.

    Attributes
    ----------
    name, version
        Reported with every Fréchet distance computed on it.
    definition
        One-line definition (also reported).
    compute
        ``compute(windows, rate_hz, keypoints) -> (n, dims)``.
    standardize
        Whether features are z-scored with the real set's mean and standard
        deviation before the Fréchet distance (as AIST++ does for FID_k/FID_g).
    """

    name: str
    version: str
    definition: str
    compute: Callable[[np.ndarray, float, tuple[str, ...]], np.ndarray]
    standardize: bool = True

    def meta(self, dims: int | None = None, keypoints: tuple[str, ...] | None = None) -> dict:
        """What is reported with every Fréchet distance computed on this feature set.

        Parameters
        ----------
        dims
            Number of feature dimensions, reported when given.
        keypoints
            The keypoints the features were computed on, reported when given.

        Returns
        -------
        dict
            ``name, version, definition, standardized`` and the given ``dims`` and ``keypoints``.
        """
        out = {"name": self.name, "version": self.version, "definition": self.definition,
               "standardized": self.standardize}
        if keypoints is not None:
            out["keypoints"] = list(keypoints)
        if dims is not None:
            out["dims"] = int(dims)
        return out


KINETIC = FeatureSet("alloava-kinetic", "1", "per keypoint: mean squared x velocity, mean squared y velocity, "
                     "mean acceleration magnitude over the window (central differences, shoulder widths/s)",
                     kinetic_features)
GEOMETRIC = FeatureSet("alloava-geometric", "1", "per keypoint: mean and sd of x and y; per arm: mean and sd of "
                       "the elbow angle; mean and sd of the wrist-to-wrist distance; mean wrist height above "
                       "the shoulder", geometric_features)
FEATURE_SETS = {"kinetic": KINETIC, "geometric": GEOMETRIC}
