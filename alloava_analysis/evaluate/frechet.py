"""Fréchet distance between feature sets, with bootstrap intervals and the FD-infinity extrapolation.

The Fréchet distance between Gaussians fitted to two sets of feature vectors,

    FD = |mu_r - mu_g|^2 + tr(S_r + S_g - 2 (S_r^1/2 S_g S_r^1/2)^1/2),

is what FID, FGD and AIST++'s FID_k / FID_g compute on different features.
It is biased upwards at finite sample size, by an amount that depends on the
number of samples and the dimension, so values from sets of different sizes
are not comparable. :func:`fd_infinity` follows Chong & Forsyth (2020,
"Effectively Unbiased FID and Inception Score and where to find them"):
FD is computed on random subsets of several sizes N, fitted linearly
against 1/N, and the intercept (N -> infinity) is reported. A distance
cannot be negative, but the fitted intercept can be: by chance when the sets
are alike, and systematically when they share samples (an identical copy:
subsets of one finite set differ by an amount that scales as 1/N - 1/n and
vanishes at the full size n, so a line in 1/N meets the axis below 0). The
reported value is therefore the intercept clipped at 0, with the raw
intercept, its standard error and interval beside it.
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy import stats
from tqdm.auto import tqdm

from ..checks import check_int, check_range
from ..errors import ParameterError, SchemaError

#: How ``ci_low`` / ``ci_high`` are made (reported with every interval).
CI_METHOD = ("bootstrap percentile interval shifted by the bootstrap bias (bootstrap mean - estimate), "
             "clipped at 0")

__all__ = ["CI_METHOD", "fd_infinity", "frechet_distance", "frechet_from_features", "frechet_report", "gaussian_stats"]


def gaussian_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and (unbiased, ddof=1) covariance of the rows of ``x`` (n, dims).

    Parameters
    ----------
    x
        At least 2 feature vectors (n, dims), one row per sample.

    Returns
    -------
    mean
        (dims,)
    covariance
        (dims, dims)
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 2:
        raise SchemaError(f"expected at least 2 feature vectors of shape (n, dims), got {x.shape}")
    return x.mean(axis=0), np.atleast_2d(np.cov(x, rowvar=False))


def _psd_sqrt(s: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh((s + s.T) / 2)
    return (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T


def frechet_distance(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> float:
    """Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2).

    The trace term uses the symmetric form ``tr((S1^1/2 S2 S1^1/2)^1/2)``
    with eigendecompositions, which is exact for positive semi-definite
    (also singular) covariances; tiny negative results from rounding are
    clipped to 0.

    Parameters
    ----------
    mu1, sigma1
        Mean (d,) and covariance (d, d) of the first Gaussian.
    mu2, sigma2
        Mean and covariance of the second, of the same d.

    Returns
    -------
    float
        The distance (>= 0), in squared feature units.
    """
    mu1, mu2 = np.atleast_1d(mu1).astype(np.float64), np.atleast_1d(mu2).astype(np.float64)
    s1, s2 = np.atleast_2d(sigma1).astype(np.float64), np.atleast_2d(sigma2).astype(np.float64)
    if mu1.shape != mu2.shape or s1.shape != s2.shape or s1.shape != (mu1.size, mu1.size):
        raise SchemaError(f"expected matching means (d,) and covariances (d, d), got {mu1.shape}, {mu2.shape}, "
                          f"{s1.shape}, {s2.shape}")
    r1 = _psd_sqrt(s1)
    m = r1 @ s2 @ r1
    tr_covmean = float(np.sum(np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0.0, None))))
    fd = float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2.0 * tr_covmean)
    return max(fd, 0.0)


def frechet_from_features(real: np.ndarray, generated: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (rows are samples).

    Parameters
    ----------
    real, generated
        Feature vectors (n, dims) of each set, at least 2 rows each.

    Returns
    -------
    float
        :func:`frechet_distance` of their :func:`gaussian_stats`.
    """
    mu1, s1 = gaussian_stats(real)
    mu2, s2 = gaussian_stats(generated)
    return frechet_distance(mu1, s1, mu2, s2)


def _standardizer(real: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mu = real.mean(axis=0)
    sd = real.std(axis=0)
    return mu, np.where(sd > 1e-12, sd, 1.0)


def _groups(name: str, n: int, groups: np.ndarray | None) -> list[np.ndarray]:
    if groups is None:
        return [np.array([i]) for i in range(n)]
    groups = np.asarray(groups)
    if groups.shape != (n,):
        raise ParameterError(f"invalid value for {name}: expected one group label per sample ({n}), got shape "
                             f"{groups.shape}", name=name)
    return [np.flatnonzero(groups == g) for g in dict.fromkeys(groups.tolist())]


def _feature_sets(real: np.ndarray, generated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    real, generated = np.asarray(real, np.float64), np.asarray(generated, np.float64)
    if real.ndim != 2 or generated.ndim != 2 or real.shape[1] != generated.shape[1]:
        raise SchemaError(f"expected two feature sets (n, dims) with the same dims, got {real.shape} and "
                          f"{generated.shape}")
    return real, generated


def _intercept_fit(x: np.ndarray, y: np.ndarray, level: float) -> dict:
    """Least-squares ``y = a + b x`` with the standard error and t interval of ``a``."""
    design = np.column_stack([np.ones_like(x), x])
    (intercept, slope), *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ np.array([intercept, slope])
    df = len(x) - 2
    ss = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum(resid ** 2)) / ss if ss > 0 else 1.0
    if df > 0:
        cov = float(np.sum(resid ** 2)) / df * np.linalg.inv(design.T @ design)
        se = float(np.sqrt(max(cov[0, 0], 0.0)))
        half = float(stats.t.ppf(0.5 + level / 2, df)) * se
    else:
        se, half = None, np.nan
    return {"intercept": float(intercept), "slope": float(slope), "intercept_se": se, "r2": r2,
            "interval": (float(intercept - half), float(intercept + half)) if se is not None else (None, None)}


def fd_infinity(real: np.ndarray, generated: np.ndarray, *, n_points: int = 6, repeats: int = 3,
                min_fraction: float = 0.3, seed: int = 0, ci: float = 0.95) -> dict:
    """FD extrapolated to infinitely many samples (FD-infinity).

    Both sets are subsampled (without replacement) to the same fraction ``f``
    of their size for ``n_points`` fractions from ``min_fraction`` (raised so
    the smaller subset has at least ``2 * dims + 2`` samples) to 1; the mean
    FD over ``repeats`` draws is fitted by least squares as ``a + b / N``
    with ``N`` the generated subset size (both bias terms scale as 1/f).
    ``a`` estimates the distance without sample-size bias; it is reported
    clipped at 0 (a distance is not negative), with the raw ``a``, its
    standard error and t interval from the fit beside it.

    Parameters
    ----------
    real, generated
        Feature vectors (n, dims) of each set, the same dims.
    n_points
        Number of subset sizes fitted (>= 2).
    repeats
        Random draws averaged at each size below the full sets (>= 1).
    min_fraction
        Smallest fraction of the sets drawn, in (0, 1].
    seed
        Seed of the draws (>= 0).
    ci
        Level of the interval of the intercept (in (0, 1)).

    Returns
    -------
    dict
        ``value`` (``max(a, 0)``; None with ``reason`` when the sets are
        too small), ``intercept`` (``a`` as fitted), ``intercept_se``,
        ``ci_low`` / ``ci_high`` (t interval of ``a`` on ``n_points - 2``
        degrees of freedom, clipped at 0), ``ci_level``, ``clipped`` (``a``
        was negative), ``note`` (why, when the whole interval lies below 0:
        the 1/N model does not hold, as for sets that share samples),
        ``slope`` (``b``), ``sizes`` (generated subset sizes), ``fd`` (mean
        FD at each size), ``r2`` of the fit.
    """
    check_int("n_points", n_points, minimum=2)
    check_int("repeats", repeats, minimum=1)
    check_range("min_fraction", min_fraction, 0.0, 1.0, inclusive=(False, True))
    check_int("seed", seed, minimum=0)
    check_range("ci", ci, 0.0, 1.0, inclusive=(False, False))
    real, generated = _feature_sets(real, generated)
    n_r, n_g, d = len(real), len(generated), real.shape[1]
    smallest = min(n_r, n_g)
    lo = max(min_fraction, (2 * d + 2) / max(smallest, 1))
    if lo > 0.8:
        return {"value": None, "intercept": None, "intercept_se": None, "ci_low": None, "ci_high": None,
                "ci_level": ci, "clipped": False, "note": None, "slope": None, "sizes": [], "fd": [], "r2": None,
                "reason": f"too few samples for the extrapolation: {smallest} in the smaller set, need "
                          f"{int(np.ceil((2 * d + 2) / 0.8))} for {d} feature dimensions"}
    rng = np.random.default_rng(seed)
    fractions = np.linspace(lo, 1.0, n_points)
    sizes, values = [], []
    for f in fractions:
        kr, kg = max(2, int(round(f * n_r))), max(2, int(round(f * n_g)))
        reps = 1 if f >= 1.0 else repeats
        fds = [frechet_from_features(real[rng.choice(n_r, kr, replace=False)],
                                     generated[rng.choice(n_g, kg, replace=False)]) for _ in range(reps)]
        sizes.append(kg)
        values.append(float(np.mean(fds)))
    fit = _intercept_fit(1.0 / np.asarray(sizes, float), np.asarray(values), ci)
    a, (lo, hi) = fit["intercept"], fit["interval"]
    note = None
    if hi is not None and hi < 0:
        note = (f"the fitted intercept {a:.3g} lies below 0 with its whole {ci:.0%} interval: FD does not fall "
                f"as a + b/N here (as when the two sets share samples, e.g. an identical copy, whose FD "
                f"vanishes at the full size); the distance is reported as 0")
    return {"value": max(a, 0.0), "intercept": a, "intercept_se": fit["intercept_se"],
            "ci_low": None if lo is None else max(lo, 0.0), "ci_high": None if hi is None else max(hi, 0.0),
            "ci_level": ci, "clipped": a < 0, "note": note, "slope": fit["slope"], "sizes": sizes,
            "fd": values, "r2": fit["r2"]}


def frechet_report(real: np.ndarray, generated: np.ndarray, *, real_groups: np.ndarray | None = None,
                   generated_groups: np.ndarray | None = None, standardize: bool = True, n_boot: int = 200,
                   ci: float = 0.95, seed: int = 0, infinity: bool = True, progress: bool = False,
                   desc: str = "bootstrap FD") -> dict:
    """Fréchet distance with a bootstrap interval, the sample sizes and FD-infinity.

    Parameters
    ----------
    real, generated
        Feature vectors (n, dims), one row per sample (window).
    real_groups, generated_groups
        A label per row (e.g. the clip id); the bootstrap then resamples
        whole groups, as windows of one clip are not independent.
    standardize
        Z-score both sets with the real set's mean and standard deviation
        first (one fixed transform for the estimate, the bootstrap and the
        extrapolation).
    n_boot, ci
        Bootstrap resamples (>= 0) and interval level (in (0, 1)). FD is biased upwards at small
        sample sizes and a bootstrap resample (with duplicates) adds a bias
        of its own, so the raw percentile interval (``ci_percentile``) often
        lies wholly above the estimate; ``ci_low`` / ``ci_high`` are that
        interval shifted back by the bootstrap bias and clipped at 0
        (:data:`CI_METHOD`).
    seed
        Seed of the bootstrap and of :func:`fd_infinity` (>= 0).
    infinity
        Also compute :func:`fd_infinity`.
    progress, desc
        Show a progress bar of the bootstrap on stderr, with this label.

    Returns
    -------
    dict
        ``value, ci_low, ci_high, ci_level, ci_method, ci_percentile,
        bootstrap_mean, n_boot, bootstrap_unit, n_real, n_generated,
        n_real_groups, n_generated_groups, dims, standardized, fd_infinity`` (a dict, see
        :func:`fd_infinity`).
    """
    check_int("n_boot", n_boot, minimum=0)
    check_range("ci", ci, 0.0, 1.0, inclusive=(False, False))
    check_int("seed", seed, minimum=0)
    real, generated = _feature_sets(real, generated)
    if len(real) < 2 or len(generated) < 2:
        raise SchemaError(f"expected at least 2 samples in each set, got {len(real)} real and "
                          f"{len(generated)} generated")
    gr, gg = _groups("real_groups", len(real), real_groups), _groups("generated_groups", len(generated),
                                                                     generated_groups)
    d = real.shape[1]
    if min(len(real), len(generated)) <= d:
        warnings.warn(f"Fréchet distance on {d}-dimensional features from only {len(real)} real and "
                      f"{len(generated)} generated samples: the covariances are singular and the value is "
                      f"dominated by sample-size bias", stacklevel=2)
    if standardize:
        mu, sd = _standardizer(real)
        real, generated = (real - mu) / sd, (generated - mu) / sd
    value = frechet_from_features(real, generated)
    rng = np.random.default_rng(seed)
    boots = []
    for _ in tqdm(range(n_boot), desc=desc, unit="resample", disable=not progress or n_boot == 0, leave=False):
        ir = np.concatenate([gr[i] for i in rng.integers(0, len(gr), len(gr))])
        ig = np.concatenate([gg[i] for i in rng.integers(0, len(gg), len(gg))])
        if len(ir) >= 2 and len(ig) >= 2:
            boots.append(frechet_from_features(real[ir], generated[ig]))
    alpha = (1.0 - ci) / 2
    lo = hi = mean = None
    raw = [None, None]
    if boots:
        raw = np.quantile(boots, [alpha, 1 - alpha]).tolist()
        mean = float(np.mean(boots))
        shift = mean - value  # resampling with duplicates adds its own small-sample bias: remove it
        lo, hi = max(0.0, raw[0] - shift), max(0.0, raw[1] - shift)
    unit = "sample" if real_groups is None and generated_groups is None else "group"
    return {"value": value, "ci_low": lo, "ci_high": hi, "ci_level": ci, "ci_method": CI_METHOD,
            "ci_percentile": raw, "bootstrap_mean": mean, "n_boot": len(boots),
            "bootstrap_unit": unit, "n_real": int(len(real)), "n_generated": int(len(generated)),
            "n_real_groups": len(gr), "n_generated_groups": len(gg), "dims": int(d), "standardized": standardize,
            "fd_infinity": fd_infinity(real, generated, seed=seed) if infinity else None}
