"""Diversity, smoothness and distribution distances on normalised motion.

* :func:`average_pairwise_distance` -- APD, the mean Euclidean distance
  between pairs of samples (diversity; higher = more varied motion);
* :func:`hellinger_distance` of two histograms, and :func:`speed_histograms`
  binning two speed samples on shared bins;
* :func:`motion_statistics` -- GENEA-style mean acceleration and jerk
  magnitudes, and the per-frame speed, of a normalised pose
  (via :func:`~alloava_analysis.features.motion.kinematics`).
"""
from __future__ import annotations

import warnings

import numpy as np
import xarray as xr
from scipy.spatial.distance import pdist

from ..checks import check_int, check_range
from ..errors import SchemaError
from ..features.motion import kinematics
from ..model import POSITION_DIMS

__all__ = ["average_pairwise_distance", "hellinger_distance", "motion_statistics", "speed_histograms"]


def average_pairwise_distance(x: np.ndarray, *, max_samples: int = 1000, seed: int = 0) -> float:
    """Mean Euclidean distance over all pairs of rows of ``x`` (n, ...), flattened per row.

    With more than ``max_samples`` rows a random subset of that size is used
    (the estimate is unbiased for the mean pairwise distance either way).

    Parameters
    ----------
    x
        At least 2 samples, e.g. pose windows (n, frames, keypoints, 2).
    max_samples
        Largest number of rows used (>= 2).
    seed
        Seed of the random subset (>= 0).

    Returns
    -------
    float
        The mean distance, in the units of ``x``.
    """
    check_int("max_samples", max_samples, minimum=2)
    check_int("seed", seed, minimum=0)
    x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    if len(x) < 2:
        raise SchemaError(f"expected at least 2 samples for a pairwise distance, got {len(x)}")
    if len(x) > max_samples:
        x = x[np.random.default_rng(seed).choice(len(x), max_samples, replace=False)]
    return float(pdist(x).mean())


def hellinger_distance(p: np.ndarray, q: np.ndarray) -> float:
    """Hellinger distance ``sqrt(1 - sum sqrt(p q))`` between two histograms (normalised here), in [0, 1].

    Parameters
    ----------
    p, q
        Counts (>= 0, not all 0) on the same bins, e.g. from :func:`speed_histograms`.

    Returns
    -------
    float
        0 for the same distribution, 1 for distributions without overlap.
    """
    p, q = np.asarray(p, np.float64), np.asarray(q, np.float64)
    if p.shape != q.shape or (p < 0).any() or (q < 0).any() or p.sum() <= 0 or q.sum() <= 0:
        raise SchemaError(f"expected two non-negative, non-empty histograms of the same shape, got {p.shape} "
                          f"and {q.shape}")
    bc = float(np.sum(np.sqrt(p / p.sum() * q / q.sum())))
    return float(np.sqrt(max(0.0, 1.0 - bc)))


def speed_histograms(real: np.ndarray, generated: np.ndarray, *, bins: int = 40,
                     quantile: float = 0.995) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Histograms of two speed samples on shared bins.

    The bins are ``bins`` equal steps from 0 to the ``quantile`` of the real
    speeds; the last bin also holds everything faster (so no sample is lost).

    Parameters
    ----------
    real, generated
        Speeds of each set (non-finite values are dropped; each needs one finite value).
    bins
        Number of bins (>= 1).
    quantile
        Quantile of the real speeds where the last bin ends, in (0, 1].

    Returns
    -------
    edges
        The ``bins + 1`` bin edges, in the speeds' units.
    real_counts, generated_counts
        Samples per bin of each set.
    """
    check_int("bins", bins, minimum=1)
    check_range("quantile", quantile, 0.0, 1.0, inclusive=(False, True))
    real, generated = np.asarray(real, float), np.asarray(generated, float)
    real, generated = real[np.isfinite(real)], generated[np.isfinite(generated)]
    if not real.size or not generated.size:
        raise SchemaError(f"expected finite speeds in both sets, got {real.size} real and {generated.size} generated")
    top = float(np.quantile(real, quantile))
    if not top > 0:
        top = float(max(np.max(real), np.max(generated), 1e-9))
    edges = np.linspace(0.0, top, bins + 1)
    count = [np.histogram(np.clip(v, 0.0, top), bins=edges)[0] for v in (real, generated)]
    return edges, count[0], count[1]


def motion_statistics(norm: xr.Dataset) -> dict[str, np.ndarray]:
    """Per-frame speed, acceleration and jerk magnitudes of a normalised pose, averaged over keypoints.

    Parameters
    ----------
    norm
        A pose from :func:`~.normalize.normalize_pose` (shoulder widths).

    Returns
    -------
    dict
        ``speed``, ``acceleration``, ``jerk`` (one value per frame; NaN
        where a keypoint is missing nearby), in shoulder widths per second (squared, cubed).
    """
    kin = kinematics(norm, isotropic=False)
    out = {}
    for key, var in (("speed", "speed"), ("acceleration", "acceleration_magnitude"), ("jerk", "jerk_magnitude")):
        values = kin[var].isel({POSITION_DIMS[3]: 0}).values  # (time, keypoint)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out[key] = np.where(np.isfinite(values).all(axis=1), np.nanmean(values, axis=1), np.nan)
    return out
