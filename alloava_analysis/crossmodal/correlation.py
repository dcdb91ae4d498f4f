"""Correlation between speech and motion features, with autocorrelation-aware inference.

Lags (cross-correlation curves and their peaks) live in :mod:`.lags`.

Inference
---------
* **Per clip** (default ``interval="clip_pairs"``): Pearson and Spearman
  correlation of the windowed series with a Fisher-z interval whose
  half-width is the 95th percentile of ``|atanh r|`` over **every cross-clip
  pair** of the table -- clip a's x against clip b's y (a != b), first ``n``
  windows of each -- an exact null that keeps whatever autocorrelation the
  window series have, AR(1) or not (:func:`between_clip_null`). ``p_value``
  is the share of those pairs with ``|r|`` at least the clip's. With fewer
  than :data:`MIN_NULL_CLIPS` clips of at least ``n`` windows the AR(1)
  interval below is used instead and ``note`` says so. The AR(1) model
  misses both ways on window series that are not AR(1) (measured on
  cross-paired synthetic clips: 10-18 % null exclusion for 2.5 s and 1 s
  windows of a 5 s latent; see ``benchmarks/short_clip_r.py``).
* ``interval="ar1"``: Pearson and Spearman
  correlation of the windowed series with a Fisher-z interval whose
  half-width is the 95th percentile of ``|atanh r|`` between two
  *independent* AR(1) series of the clip's length, simulated with the
  lag-1 autocorrelations of the two series (:func:`ar1_halfwidth`). Those
  autocorrelations are estimated **pooled over the clips** of the table
  (within-clip demeaned) and corrected for the small-sample bias of
  demeaning (:func:`pooled_lag1_autocorrelation`): with 7-10 windows a
  clip's own estimate is too noisy and biased to use. Simulating the width
  for the clip's own number of windows calibrates it where Bartlett's
  asymptotic effective sample size does not (measured coverage about 95 %
  and two-sided null exclusion about 5 % at 7, 10, 30 and 80 windows; see
  ``tests/unit/crossmodal/test_correlation.py``). The effective number of
  independent windows ``n_eff`` (:func:`ar1_effective_sample_size`) is
  reported; with ``n_eff < 4`` there is no interval (``note`` says so).
  A moving-block bootstrap interval is available as ``interval="block_bootstrap"``.
* **Pooled over clips** (:func:`pooled_correlation`), three choices:
  ``"mixed"`` (default): each clip's series are z-scored within the clip
  (removing speaker and recording baselines), then a linear mixed model
  ``z_y ~ z_x`` with a **clip random effect on the slope** is fitted with
  statsmodels (``MixedLM``); the fixed slope is the precision-weighted mean
  within-clip correlation. ``"raw"``: one Pearson correlation of all windows
  of all clips as they are (between-clip differences in level enter it).
  ``"mean_r"``: the mean of the per-clip Fisher z values. Every choice gets a
  95 % interval from a **cluster bootstrap over clips** (clips resampled with
  replacement; windows within a clip stay together), as a Fisher-z interval
  with a ``t`` quantile on ``n_clips - 1`` degrees of freedom. A
  DerSimonian-Laird random-effects meta-analysis of the per-clip Fisher-z
  values with a **Hartung-Knapp** ``t(k - 1)`` interval is reported next to
  it as a cross-check. MixedLM fit warnings and every clip left out are part
  of the result (``diagnostics``); the model SE of the slope assumes
  independent windows and is reported only as ``se_naive_iid``.
"""
from __future__ import annotations

import logging
import warnings
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import choices
from ..checks import check_int, check_option, check_range
from ..choices import PER_CLIP_INTERVALS
from ..errors import ParameterError, SchemaError
from ..parallel import clip_seed
from .lags import as_pair

__all__ = [
    "POOLING",
    "ar1_correlation_interval",
    "ar1_effective_sample_size",
    "ar1_halfwidth",
    "between_clip_null",
    "block_bootstrap_correlation",
    "block_length",
    "clip_pair_interval",
    "correlation_table",
    "effective_sample_size",
    "meta_analysis",
    "pooled_correlation",
    "pooled_lag1_autocorrelation",
]

log = logging.getLogger(__name__)
_METHODS = ("pearson", "spearman")
_INTERVALS = PER_CLIP_INTERVALS
#: Pooling choices of :func:`pooled_correlation`.
POOLING = choices.POOLING
#: Clips longer than this many windows use the asymptotic AR(1) formulas (no simulation, no n x n matrices).
_EXACT_MAX = 400
#: Fewer effective independent windows than this: no interval (the Fisher approximation is meaningless).
MIN_EFFECTIVE_WINDOWS = 4.0
#: Fewest finite (x, y) windows a clip needs for a correlation, per clip and in the pooled estimates alike.
MIN_PAIRS = 5
#: Fewest clips with at least a clip's number of windows for the between-clip null (else the AR(1) interval).
MIN_NULL_CLIPS = 10


# --------------------------------------------------------------------------------------------
# correlation with a moving-block bootstrap
# --------------------------------------------------------------------------------------------
def _lag1_autocorrelation(v: np.ndarray) -> float:
    a, b = v[:-1], v[1:]
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 3 or np.std(a[ok]) == 0 or np.std(b[ok]) == 0:
        return 0.0
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


def block_length(x: np.ndarray, y: np.ndarray | None = None) -> int:
    """Moving-block length by Carlstein's AR(1) rule, from the lag-1 autocorrelation.

    ``l = ceil((2 rho / (1 - rho^2))^(2/3) * n^(1/3))`` with ``rho`` the larger
    absolute lag-1 autocorrelation of ``x`` and ``y`` (capped at 0.95),
    clipped to ``[1, n // 2]``; ``rho = 0`` gives 1 (the i.i.d. bootstrap).

    Parameters
    ----------
    x
        Series (1-D; NaN allowed); ``n`` is its length.
    y
        Optional second series of the pair.

    Returns
    -------
    int
        Block length in samples.
    """
    x = np.asarray(x, dtype=float)
    n = x.size
    rho = abs(_lag1_autocorrelation(x))
    if y is not None:
        rho = max(rho, abs(_lag1_autocorrelation(np.asarray(y, dtype=float))))
    rho = min(rho, 0.95)
    if rho == 0 or n < 4:
        return 1
    length = int(np.ceil((2 * rho / (1 - rho ** 2)) ** (2 / 3) * n ** (1 / 3)))
    return int(np.clip(length, 1, max(1, n // 2)))


def effective_sample_size(x: np.ndarray, y: np.ndarray) -> float:
    """Bartlett's effective sample size for a correlation: ``n (1 - r1x r1y) / (1 + r1x r1y)``.

    ``r1x``, ``r1y`` are lag-1 autocorrelations and ``n`` the number of finite pairs.

    Parameters
    ----------
    x, y
        Equal-length series on one clock (NaN allowed).

    Returns
    -------
    float
        The effective number of independent pairs.
    """
    x, y = as_pair(x, y)
    n = int((np.isfinite(x) & np.isfinite(y)).sum())
    prod = _lag1_autocorrelation(x) * _lag1_autocorrelation(y)
    prod = float(np.clip(prod, -0.95, 0.95))
    return float(n * (1 - prod) / (1 + prod))


# --------------------------------------------------------------------------------------------
# AR(1)-calibrated per-clip intervals
# --------------------------------------------------------------------------------------------
def _centred_ar1_cov(n: int, phi: float) -> np.ndarray:
    """Doubly centred AR(1) correlation matrix ``A S A`` (``A`` removes the mean)."""
    i = np.arange(n)
    m = float(phi) ** np.abs(i[:, None] - i[None, :])
    return m - m.mean(0) - m.mean(1)[:, None] + m.mean()


def _lag1_terms(n: int, phi: float) -> tuple[float, float]:
    """Expected sums of demeaned lag-1 products and squares of an AR(1) series of length ``n``."""
    if n > _EXACT_MAX:
        return (n - 1) * phi - (1 + phi) / (1 - phi), n - (1 + phi) / (1 - phi)
    a = _centred_ar1_cov(n, phi)
    return float(np.trace(a, 1)), float(np.trace(a))


def pooled_lag1_autocorrelation(series: list[np.ndarray], *, bounds: tuple[float, float] = (-0.9, 0.95)) -> float:
    """Lag-1 autocorrelation of an AR(1) model fitted to many short series at once.

    Each series (one clip's windows, NaN dropped) is demeaned; the pooled
    ratio ``sum(d_t d_{t+1}) / sum(d_t^2)`` is biased low for short series
    (by about ``(1 + 3 phi) / n``), so the returned ``phi`` is the one whose
    *expected* pooled ratio for these lengths equals the observed one.

    Parameters
    ----------
    series
        One series per clip (NaN dropped; series under 3 values or constant are skipped).
    bounds
        ``(low, high)``: the range searched for ``phi``.

    Returns
    -------
    float
        ``phi`` clipped to ``bounds``; 0 when there is nothing to estimate from.
    """
    from scipy import optimize

    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError):
        lo = hi = float("nan")
    if not -1 < lo < hi < 1:
        raise ParameterError(f"invalid value for bounds: expected (low, high) with -1 < low < high < 1, got "
                             f"{bounds!r}", name="bounds")
    num = den = 0.0
    lengths = []
    for v in series:
        v = np.asarray(v, dtype=float)
        v = v[np.isfinite(v)]
        if v.size < 3 or np.std(v) == 0:
            continue
        d = v - v.mean()
        num += float((d[:-1] * d[1:]).sum())
        den += float((d * d).sum())
        lengths.append(v.size)
    if not lengths or den <= 0:
        return 0.0
    observed = num / den
    counts = {n: lengths.count(n) for n in set(lengths)}

    def gap(phi: float) -> float:
        terms = [(c * a, c * b) for n, c in counts.items() for a, b in [_lag1_terms(n, phi)]]
        return sum(a for a, _ in terms) / sum(b for _, b in terms) - observed

    if gap(lo) >= 0:
        return float(lo)
    if gap(hi) <= 0:
        return float(hi)
    return float(optimize.brentq(gap, lo, hi, xtol=1e-4))


def _null_variance(n: int, phi_x: float, phi_y: float) -> float:
    """Variance of ``r`` between two independent AR(1) series of length ``n`` (first order)."""
    if n > _EXACT_MAX:
        p = phi_x * phi_y
        return (1 + p) / ((1 - p) * n)
    ax, ay = _centred_ar1_cov(n, phi_x), _centred_ar1_cov(n, phi_y)
    return float((ax * ay).sum() / (np.trace(ax) * np.trace(ay)))


def ar1_effective_sample_size(n: int, phi_x: float, phi_y: float) -> float:
    """Number of independent pairs that would give ``r`` the same null variance: ``1 / Var(r) + 1``.

    Exact for the demeaned series (no asymptotics) up to 400 windows, Bartlett's
    ``n (1 - phi_x phi_y) / (1 + phi_x phi_y)`` beyond; equals ``n`` for white noise.

    Parameters
    ----------
    n
        Number of windows (``n < 3`` is returned as it is).
    phi_x, phi_y
        Lag-1 autocorrelations of the two series.

    Returns
    -------
    float
        The effective sample size.
    """
    if n < 3:
        return float(n)
    return float(1.0 / _null_variance(int(n), float(phi_x), float(phi_y)) + 1.0)


def _round_phi(phi: float) -> float:
    return float(np.clip(round(float(phi), 2), -0.9, 0.95))


@lru_cache(maxsize=512)
def _simulated_halfwidth(n: int, phi_x: float, phi_y: float, ci: float, sims: int) -> float:
    rng = np.random.default_rng(20_261_201 + n)
    a = _ar1_rows(sims, n, phi_x, rng)
    b = _ar1_rows(sims, n, phi_y, rng)
    a -= a.mean(1, keepdims=True)
    b -= b.mean(1, keepdims=True)
    r = (a * b).sum(1) / np.sqrt((a * a).sum(1) * (b * b).sum(1))
    z = np.arctanh(np.clip(r, -1 + 1e-15, 1 - 1e-15))
    return float(np.quantile(np.abs(z), ci))


def _ar1_rows(rows: int, n: int, phi: float, rng: np.random.Generator) -> np.ndarray:
    from scipy.signal import lfilter

    e = rng.standard_normal((rows, n)) * np.sqrt(1 - phi ** 2)
    e[:, 0] /= np.sqrt(1 - phi ** 2)
    return lfilter([1.0], [1.0, -phi], e, axis=1)


def ar1_halfwidth(n: int, phi_x: float, phi_y: float, *, ci: float = 0.95, sims: int = 4000) -> float:
    """Half-width on the Fisher-z scale of a ``ci`` interval for a correlation of ``n`` AR(1) windows.

    The ``ci`` quantile of ``|atanh r|`` between two independent AR(1) series
    (``phi_x``, ``phi_y``, rounded to 0.01) of length ``n``, from ``sims``
    simulated pairs with a fixed seed (deterministic, cached). Beyond 400
    windows the normal approximation ``z_q / sqrt(n_eff - 3)`` is used.

    Parameters
    ----------
    n
        Number of windows.
    phi_x, phi_y
        Lag-1 autocorrelations of the two series.
    ci
        Coverage of the interval, in (0, 1).
    sims
        Simulated pairs of series.

    Returns
    -------
    float
        The half-width on the Fisher-z scale.
    """
    from scipy import stats
    check_range("ci", ci, 0, 1, inclusive=(False, False))
    check_int("sims", sims, minimum=1)
    px, py = _round_phi(phi_x), _round_phi(phi_y)
    if n > _EXACT_MAX:
        neff = ar1_effective_sample_size(n, px, py)
        return float(stats.norm.ppf(0.5 + ci / 2) / np.sqrt(max(neff - 3, 1e-9)))
    return _simulated_halfwidth(int(n), px, py, float(ci), int(sims))


def ar1_correlation_interval(r: float, n: int, phi_x: float, phi_y: float, *, ci: float = 0.95) -> dict:
    """Fisher-z interval ``tanh(atanh r +- h)`` with ``h`` from :func:`ar1_halfwidth`.

    Parameters
    ----------
    r
        The correlation (NaN gives a NaN interval).
    n
        Number of windows it was computed from.
    phi_x, phi_y
        Lag-1 autocorrelations of the two series.
    ci
        Coverage of the interval, in (0, 1).

    Returns
    -------
    dict
        ``ci_low, ci_high, n_eff, halfwidth_z, note``; the interval is NaN and
        ``note`` says why when ``n_eff < 4`` (too few independent windows).
    """
    check_range("ci", ci, 0, 1, inclusive=(False, False))
    neff = ar1_effective_sample_size(n, _round_phi(phi_x), _round_phi(phi_y))
    out = {"ci_low": np.nan, "ci_high": np.nan, "n_eff": neff, "halfwidth_z": np.nan, "note": ""}
    if not np.isfinite(r):
        return out
    if neff < MIN_EFFECTIVE_WINDOWS:
        out["note"] = (f"too few independent windows for any interval: {n} windows with lag-1 autocorrelations "
                       f"{phi_x:.2f} and {phi_y:.2f} are worth n_eff = {neff:.1f} < {MIN_EFFECTIVE_WINDOWS:g} "
                       f"independent pairs (use shorter windows or longer clips)")
        return out
    h = ar1_halfwidth(n, phi_x, phi_y, ci=ci)
    z0 = np.arctanh(np.clip(r, -1 + 1e-12, 1 - 1e-12))
    out.update(ci_low=float(np.tanh(z0 - h)), ci_high=float(np.tanh(z0 + h)), halfwidth_z=h)
    return out


def between_clip_null(xs: list[np.ndarray], ys: list[np.ndarray], n: int, *,
                      method: str = "pearson") -> tuple[np.ndarray, int]:
    """Correlations of every cross-clip pair: clip a's x against clip b's y (a != b), first ``n`` values of each.

    Recordings of different clips are independent, so these correlations are
    draws from the null distribution of ``r`` for ``n`` windows with the
    autocorrelation the window series really have (no model of it).

    Parameters
    ----------
    xs, ys
        One series per clip (finite values, in time order); clips shorter than ``n`` in either are skipped.
    n
        Number of windows (>= 3).
    method
        ``"pearson"`` or ``"spearman"`` (ranks within each truncated series).

    Returns
    -------
    r : numpy.ndarray
        The finite cross-pair correlations (``k (k - 1)`` of them, fewer where a series is constant).
    k : int
        Number of clips that entered.
    """
    from scipy import stats
    check_int("n", n, minimum=3)
    check_option("method", method, _METHODS)
    keep = [i for i, (a, b) in enumerate(zip(xs, ys)) if len(a) >= n and len(b) >= n]
    if len(keep) < 2:
        return np.empty(0), len(keep)
    a = np.stack([np.asarray(xs[i][:n], dtype=float) for i in keep])
    b = np.stack([np.asarray(ys[i][:n], dtype=float) for i in keep])
    if method == "spearman":
        a, b = stats.rankdata(a, axis=1), stats.rankdata(b, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = (a - a.mean(1, keepdims=True)) / a.std(1, keepdims=True)
        b = (b - b.mean(1, keepdims=True)) / b.std(1, keepdims=True)
    r = (a @ b.T) / n
    r = r[~np.eye(len(keep), dtype=bool)]
    return r[np.isfinite(r)], len(keep)


def clip_pair_interval(r: float, null: np.ndarray, *, ci: float = 0.95) -> dict:
    """Fisher-z interval ``tanh(atanh r +- h)``, ``h`` the ``ci`` quantile of ``|atanh|`` of a null sample.

    Parameters
    ----------
    r
        The clip's correlation (NaN gives a NaN interval).
    null
        Null correlations for the clip's number of windows (:func:`between_clip_null`).
    ci
        Coverage of the interval, in (0, 1).

    Returns
    -------
    dict
        ``ci_low, ci_high, halfwidth_z, p_value`` (two-sided: the share of
        null pairs with ``|r|`` at least the clip's, counting the clip itself),
        ``n_eff`` (``3 + 1 / Var(atanh r_null)``: the independent pairs that
        would give the null's spread) and ``null_pairs``.
    """
    check_range("ci", ci, 0, 1, inclusive=(False, False))
    z_null = np.abs(np.arctanh(np.clip(np.asarray(null, dtype=float), -1 + 1e-12, 1 - 1e-12)))
    out = {"ci_low": np.nan, "ci_high": np.nan, "halfwidth_z": np.nan, "p_value": np.nan, "n_eff": np.nan,
           "null_pairs": int(z_null.size)}
    if z_null.size < 2:
        return out
    out["n_eff"] = float(3.0 + 1.0 / max(float(np.mean(z_null ** 2)), 1e-12))
    if not np.isfinite(r):
        return out
    h = float(np.quantile(z_null, ci))
    z0 = float(np.arctanh(np.clip(r, -1 + 1e-12, 1 - 1e-12)))
    out.update(ci_low=float(np.tanh(z0 - h)), ci_high=float(np.tanh(z0 + h)), halfwidth_z=h,
               p_value=float((1 + np.sum(z_null >= abs(z0) - 1e-12)) / (1 + z_null.size)))
    return out


def _rank_rows(a: np.ndarray) -> np.ndarray:
    """Average ranks along axis -1, NaN kept as NaN."""
    from scipy import stats
    return stats.rankdata(a, axis=-1, nan_policy="omit") if np.isnan(a).any() else stats.rankdata(a, axis=-1)


def _rowwise_pearson(a: np.ndarray, b: np.ndarray, *, min_pairs: int = 3) -> np.ndarray:
    """Pearson r for each row of two (m, n) arrays, using pairs where both are finite."""
    ok = np.isfinite(a) & np.isfinite(b)
    n = ok.sum(axis=-1)
    a0, b0 = np.where(ok, a, 0.0), np.where(ok, b, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ma, mb = a0.sum(-1) / n, b0.sum(-1) / n
        da, db = np.where(ok, a - ma[..., None], 0.0), np.where(ok, b - mb[..., None], 0.0)
        sab, saa, sbb = (da * db).sum(-1), (da * da).sum(-1), (db * db).sum(-1)
        r = sab / np.sqrt(saa * sbb)
    # a (numerically) constant row has a spread that is rounding error relative to its magnitude
    degenerate = (n < min_pairs) | (saa <= 1e-20 * (a0 * a0).sum(-1)) | (sbb <= 1e-20 * (b0 * b0).sum(-1)) \
        | ~(saa > 0) | ~(sbb > 0)
    return np.where(degenerate, np.nan, np.clip(r, -1, 1))


def _correlate_rows(a: np.ndarray, b: np.ndarray, method: str) -> np.ndarray:
    if method == "spearman":
        # rank only the pairs used (both finite), as scipy.stats.spearmanr with nan_policy="omit"
        ok = np.isfinite(a) & np.isfinite(b)
        a, b = _rank_rows(np.where(ok, a, np.nan)), _rank_rows(np.where(ok, b, np.nan))
    return _rowwise_pearson(a, b)


def block_bootstrap_indices(n: int, block: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """(n_boot, n) indices of moving-block bootstrap resamples (blocks of ``block`` consecutive samples).

    Parameters
    ----------
    n
        Series length.
    block
        Block length in samples (clipped to ``[1, n]``).
    n_boot
        Number of resamples.
    rng
        Random generator the block starts are drawn from.

    Returns
    -------
    numpy.ndarray
        Integer indices, shape (n_boot, n).
    """
    block = int(np.clip(block, 1, n))
    n_blocks = int(np.ceil(n / block))
    starts = rng.integers(0, n - block + 1, size=(n_boot, n_blocks))
    return (starts[:, :, None] + np.arange(block)).reshape(n_boot, -1)[:, :n]


def block_bootstrap_correlation(x: np.ndarray, y: np.ndarray, *, method: str = "pearson", n_boot: int = 2000,
                                block: int | None = None, ci: float = 0.95, seed: int = 0,
                                min_pairs: int = 5, interval: str = "t") -> dict:
    """Correlation with a moving-block bootstrap confidence interval.

    The default interval (``interval="t"``) is built on the Fisher-z scale:
    ``tanh(atanh(r) +- t * se)`` with ``se`` the standard deviation of the
    bootstrap ``atanh(r*)`` (replicates with ``|r*|`` near 1 inflate it: with
    few windows this interval is conservative) and ``t`` the quantile of
    Student's t with ``n // block - 1`` degrees of freedom (the number of
    independent blocks less one); with fewer than 3 blocks there is no
    interval. Plain percentile intervals (``interval="percentile"``) are too
    narrow for short autocorrelated series. For 7-30 windows prefer the
    AR(1)-calibrated :func:`ar1_correlation_interval` (the default of
    :func:`correlation_table`).

    Parameters
    ----------
    x, y
        Equal-length series (e.g. one value per analysis window); NaN pairs
        are skipped but keep their place, so blocks stay blocks of time.
    method
        ``"pearson"`` or ``"spearman"``.
    n_boot
        Bootstrap resamples.
    interval
        ``"t"`` (default, see above) or ``"percentile"``.
    block
        Block length in samples; default from :func:`block_length`.
    ci
        Coverage of the interval.
    seed
        Seed of the resampling (results are deterministic given it).
    min_pairs
        Fewer finite pairs than this raises ``ValueError``.

    Returns
    -------
    dict
        ``r, ci_low, ci_high, n, block, n_boot, method, interval``. A constant series
        raises ``ValueError``; if more than 10 % of resamples are degenerate
        (constant) a warning is issued and they are left out.
    """
    from scipy import stats
    check_option("method", method, _METHODS)
    check_option("interval", interval, ("t", "percentile"))
    check_int("n_boot", n_boot, minimum=1)
    check_int("block", block, minimum=1, allow_none=True)
    check_range("ci", ci, 0, 1, inclusive=(False, False))
    check_int("seed", seed, minimum=0)
    check_int("min_pairs", min_pairs, minimum=0)
    x, y = as_pair(x, y)
    ok = np.isfinite(x) & np.isfinite(y)
    n_ok = int(ok.sum())
    if n_ok < max(min_pairs, 3):
        raise SchemaError(f"expected at least {max(min_pairs, 3)} finite pairs for a correlation, got {n_ok} "
                          f"(windows too few or all-NaN; use a shorter window or a longer clip)")
    for name, v in (("x", x), ("y", y)):
        if np.nanstd(v[ok]) == 0:
            raise SchemaError(f"expected a non-constant {name}, got a constant series; correlation is undefined")
    r = float(_correlate_rows(x[None], y[None], method)[0])
    blk = block_length(x, y) if block is None else int(block)
    rng = np.random.default_rng(seed)
    idx = block_bootstrap_indices(x.size, blk, n_boot, rng)
    boots = _correlate_rows(x[idx], y[idx], method)
    bad = ~np.isfinite(boots)
    if bad.mean() > 0.1:
        warnings.warn(f"{bad.mean():.0%} of bootstrap resamples were degenerate (constant); the interval "
                      f"rests on the rest and may be unreliable", stacklevel=2)
    alpha = (1 - ci) / 2
    if (~bad).sum() < 2:
        lo = hi = np.nan
    elif interval == "percentile":
        lo, hi = np.nanquantile(boots, [alpha, 1 - alpha])
    elif n_ok // blk < 3:
        lo = hi = np.nan
    else:
        zb = np.arctanh(np.clip(boots[~bad], -1 + 1e-12, 1 - 1e-12))
        se = float(np.std(zb, ddof=1))
        t = stats.t.ppf(1 - alpha, df=n_ok // blk - 1)
        z0 = np.arctanh(np.clip(r, -1 + 1e-12, 1 - 1e-12))
        lo, hi = np.tanh(z0 - t * se), np.tanh(z0 + t * se)
    return {"r": r, "ci_low": float(lo), "ci_high": float(hi), "n": n_ok, "block": blk, "n_boot": int(n_boot),
            "method": method, "interval": interval}


def _window_columns(row: dict, group: pd.DataFrame) -> dict:
    """``row`` with the group's ``window_s``, ``hop_s`` and ``clock`` copied through."""
    for col in ("window_s", "hop_s", "clock"):
        if col in group:
            row[col] = group[col].iat[0]
    return row


def _check_columns(frame: pd.DataFrame, **columns: str) -> None:
    """ParameterError naming the argument whose column ``frame`` lacks (``by="clip_id"``, ``x=...``)."""
    for name, col in columns.items():
        if col not in frame:
            raise ParameterError(f"invalid value for {name}: expected a column of the windows table "
                                 f"({list(frame.columns)}), got {col!r}", name=name)


def correlation_table(frame: pd.DataFrame, x: str, y: str, *, by: str = "clip_id", interval: str = "clip_pairs",
                      n_boot: int = 2000, ci: float = 0.95, seed: int = 0, min_pairs: int = MIN_PAIRS,
                      phi: tuple[float, float] | None = None) -> pd.DataFrame:
    """Per-group (per-clip) Pearson and Spearman correlations with intervals calibrated for few windows.

    Parameters
    ----------
    frame
        Tidy windows table: one row per window with columns ``by``, ``x``,
        ``y`` (and optionally ``window_s``, ``hop_s``, ``clock``, copied
        through), rows in time order within each group.
    x, y
        Column names.
    by
        Column naming the group (clip).
    interval
        ``"clip_pairs"`` (default): :func:`clip_pair_interval` on the
        :func:`between_clip_null` of the table's clips for each clip's number of
        windows (the ``"ar1"`` interval, with a note, where fewer than
        :data:`MIN_NULL_CLIPS` clips are that long).
        ``"ar1"``: :func:`ar1_correlation_interval` with lag-1
        autocorrelations pooled over all groups of the table
        (:func:`pooled_lag1_autocorrelation`; ranks for Spearman).
        ``"block_bootstrap"``: :func:`block_bootstrap_correlation` per group.
    n_boot
        Bootstrap resamples (``interval="block_bootstrap"`` only).
    ci
        Coverage of the intervals, in (0, 1).
    seed
        Seed of the bootstrap; each group's seed is derived from it and the
        group key (:func:`~alloava_analysis.parallel.clip_seed`).
    min_pairs
        Groups with fewer finite pairs than this (and than 3) get no correlation.
    phi
        Lag-1 autocorrelations ``(phi_x, phi_y)`` to use instead of the pooled estimates.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``by, n, r, ci_low, ci_high, p_value, spearman_r,
        spearman_ci_low, spearman_ci_high, spearman_p_value, n_eff, null_pairs,
        phi_x, phi_y, interval, block, note`` plus the window columns
        (``p_value``: two-sided, between-clip null; NaN for the other intervals). ``r`` is Pearson. Groups too
        small or constant get NaN and a ``note`` saying why; a group with too
        few independent windows keeps its ``r`` but gets no interval, and the
        note says so (never a silent number).
    """
    from scipy import stats
    check_option("interval", interval, _INTERVALS)
    check_int("n_boot", n_boot, minimum=1)
    check_range("ci", ci, 0, 1, inclusive=(False, False))
    check_int("seed", seed, minimum=0)
    check_int("min_pairs", min_pairs, minimum=0)
    _check_columns(frame, by=by, x=x, y=y)
    groups = list(frame.groupby(by, sort=False))

    def finite_pairs(g: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        xv, yv = g[x].to_numpy(dtype=float), g[y].to_numpy(dtype=float)
        ok = np.isfinite(xv) & np.isfinite(yv)
        return xv[ok], yv[ok]

    pairs = [finite_pairs(g) for _, g in groups]
    if phi is None:
        phis = {"pearson": (pooled_lag1_autocorrelation([a for a, _ in pairs]),
                            pooled_lag1_autocorrelation([b for _, b in pairs])),
                "spearman": (pooled_lag1_autocorrelation([stats.rankdata(a) for a, _ in pairs if a.size]),
                             pooled_lag1_autocorrelation([stats.rankdata(b) for _, b in pairs if b.size]))}
    else:
        phis = {"pearson": tuple(phi), "spearman": tuple(phi)}

    @lru_cache(maxsize=None)
    def nulls(n: int) -> dict:
        return {m: between_clip_null([a for a, _ in pairs], [b for _, b in pairs], n, method=m) for m in _METHODS}

    rows = []
    for (key, g), (xv, yv) in zip(groups, pairs):
        row = {by: key, "n": int(xv.size), "r": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
               "spearman_r": np.nan, "spearman_ci_low": np.nan, "spearman_ci_high": np.nan,
               "spearman_p_value": np.nan, "n_eff": np.nan, "null_pairs": 0,
               "phi_x": phis["pearson"][0], "phi_y": phis["pearson"][1], "interval": interval, "block": 0,
               "note": ""}
        try:
            if interval == "block_bootstrap":
                gx, gy = g[x].to_numpy(dtype=float), g[y].to_numpy(dtype=float)
                own_seed = clip_seed(seed, key)
                p = block_bootstrap_correlation(gx, gy, method="pearson", n_boot=n_boot, ci=ci, seed=own_seed,
                                                min_pairs=min_pairs)
                sp = block_bootstrap_correlation(gx, gy, method="spearman", n_boot=n_boot, ci=ci, seed=own_seed,
                                                 block=p["block"], min_pairs=min_pairs)
                row.update(r=p["r"], ci_low=p["ci_low"], ci_high=p["ci_high"], spearman_r=sp["r"],
                           spearman_ci_low=sp["ci_low"], spearman_ci_high=sp["ci_high"], block=p["block"],
                           n_eff=effective_sample_size(gx, gy))
                if not np.isfinite(p["ci_low"]):
                    row["note"] = f"too few independent blocks ({xv.size} windows, block {p['block']}) for an interval"
            else:
                if xv.size < max(min_pairs, 3):
                    raise SchemaError(f"expected at least {max(min_pairs, 3)} finite pairs for a correlation, "
                                      f"got {xv.size} (windows too few or all-NaN; use a shorter window or a "
                                      f"longer clip)")
                for name, v in (("x", xv), ("y", yv)):
                    if np.std(v) == 0:
                        raise SchemaError(f"expected a non-constant {name}, got a constant series; correlation "
                                          f"is undefined")
                r = float(np.corrcoef(xv, yv)[0, 1])
                rs = float(stats.spearmanr(xv, yv)[0])
                if interval == "clip_pairs":
                    null = nulls(xv.size)
                    if null["pearson"][1] >= MIN_NULL_CLIPS:
                        p = clip_pair_interval(r, null["pearson"][0], ci=ci)
                        sp = clip_pair_interval(rs, null["spearman"][0], ci=ci)
                        row.update(r=r, ci_low=p["ci_low"], ci_high=p["ci_high"], p_value=p["p_value"],
                                   spearman_r=rs, spearman_ci_low=sp["ci_low"], spearman_ci_high=sp["ci_high"],
                                   spearman_p_value=sp["p_value"], n_eff=p["n_eff"], null_pairs=p["null_pairs"])
                        rows.append(_window_columns(row, g))
                        continue
                    row["note"] = (f"AR(1) interval: only {null['pearson'][1]} clip(s) have >= {xv.size} windows "
                                   f"(the between-clip null needs {MIN_NULL_CLIPS})")
                p = ar1_correlation_interval(r, xv.size, *phis["pearson"], ci=ci)
                sp = ar1_correlation_interval(rs, xv.size, *phis["spearman"], ci=ci)
                row.update(r=r, ci_low=p["ci_low"], ci_high=p["ci_high"], spearman_r=rs,
                           spearman_ci_low=sp["ci_low"], spearman_ci_high=sp["ci_high"], n_eff=p["n_eff"],
                           note="; ".join(n for n in (row["note"], p["note"]) if n))
        except ValueError as err:
            row.update(note=str(err))
        rows.append(_window_columns(row, g))
    out = pd.DataFrame(rows)
    out.attrs.update(phi_x=phis["pearson"][0], phi_y=phis["pearson"][1], interval=interval)
    return out


# --------------------------------------------------------------------------------------------
# pooled over clips
# --------------------------------------------------------------------------------------------
def _usable_groups(frame: pd.DataFrame, x: str, y: str, by: str) -> tuple[pd.DataFrame, list[dict]]:
    """Finite pairs of the groups with >= :data:`MIN_PAIRS` of them and non-constant series; and those left out."""
    df = frame[[by, x, y]]
    ok = np.isfinite(df[x].to_numpy(float)) & np.isfinite(df[y].to_numpy(float))
    dropped, keep = [], []
    for key, g in df.groupby(by, sort=False):
        m = np.isfinite(g[x].to_numpy(float)) & np.isfinite(g[y].to_numpy(float))
        n = int(m.sum())
        if n < MIN_PAIRS:
            dropped.append({by: key, "reason": f"{n} window(s) with both values finite (need {MIN_PAIRS}, as "
                                              f"for a per-clip r)"})
        elif np.std(g[x].to_numpy(float)[m]) == 0 or np.std(g[y].to_numpy(float)[m]) == 0:
            dropped.append({by: key, "reason": "a constant series over its windows (correlation undefined)"})
        else:
            keep.append(key)
    used = df[ok & df[by].isin(keep).to_numpy()]
    return used, dropped


def _zscore_within(df: pd.DataFrame, x: str, y: str, by: str, method: str) -> pd.DataFrame:
    """Per-group z-scores (of within-group ranks for Spearman) of usable groups' finite pairs."""
    df = df.copy()
    if method == "spearman":
        df[x] = df.groupby(by, sort=False)[x].rank()
        df[y] = df.groupby(by, sort=False)[y].rank()
    g = df.groupby(by, sort=False)
    sx, sy = g[x].transform("std", ddof=0), g[y].transform("std", ddof=0)
    return pd.DataFrame({by: df[by], "zx": (df[x] - g[x].transform("mean")) / sx,
                         "zy": (df[y] - g[y].transform("mean")) / sy})


def _fit_mixedlm(z: pd.DataFrame, by: str) -> dict:
    """``zy ~ zx`` with a random slope per group (statsmodels MixedLM, REML)."""
    import statsmodels.formula.api as smf
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        model = smf.mixedlm("zy ~ zx", z.rename(columns={by: "clip"}), groups="clip", re_formula="0 + zx")
        # L-BFGS can stop at slope = 0 on this boundary-heavy model while reporting success; Powell does not
        fit = model.fit(reml=True, method=["powell", "nm"])
    slope_var = float(np.asarray(fit.cov_re)[0, 0]) if np.size(fit.cov_re) else 0.0
    return {"slope": float(fit.fe_params["zx"]), "se_naive_iid": float(fit.bse_fe["zx"]),
            "se_note": "model SE assuming independent windows (ignores within-clip autocorrelation); "
                       "not used for the interval",
            "slope_var": max(slope_var, 0.0),
            "resid_var": float(fit.scale), "converged": bool(fit.converged),
            "warnings": sorted({str(w.message).splitlines()[0] for w in caught
                                if issubclass(w.category, ConvergenceWarning)})}


def meta_analysis(r: np.ndarray, n_eff: np.ndarray, *, ci: float = 0.95, ids: list | None = None) -> dict:
    """DerSimonian-Laird random-effects meta-analysis of correlations on the Fisher-z scale.

    The interval is Hartung-Knapp's: the DL estimate with the weighted
    residual variance ``max(1, q*)`` times its model variance and a
    ``t(k - 1)`` quantile, which keeps its coverage with few clips where the
    normal DL interval is too narrow.

    Parameters
    ----------
    r
        Per-clip correlations.
    n_eff
        Per-clip effective sample sizes; z has variance ``1 / (n_eff - 3)``.
    ci
        Coverage of the interval, in (0, 1).
    ids
        Clip ids (to name the clips left out).

    Returns
    -------
    dict
        ``r, ci_low, ci_high, interval, tau2, i2, k`` (clips used: finite r,
        n_eff > 3) and ``dropped``: ``{clip_id, reason}`` for the others.
    """
    from scipy import stats
    check_range("ci", ci, 0, 1, inclusive=(False, False))
    r, n_eff = np.asarray(r, float), np.asarray(n_eff, float)
    ok = np.isfinite(r) & np.isfinite(n_eff) & (n_eff > 3)
    ids = list(range(r.size)) if ids is None else list(ids)
    dropped = [{"clip_id": ids[i], "reason": "no correlation" if not np.isfinite(r[i]) else
                f"n_eff = {n_eff[i]:.1f} <= 3 (no usable variance)"} for i in np.flatnonzero(~ok)]
    k = int(ok.sum())
    out = {"r": np.nan, "ci_low": np.nan, "ci_high": np.nan, "tau2": np.nan, "i2": np.nan, "k": k,
           "interval": f"DerSimonian-Laird, Hartung-Knapp t(k-1) {ci:.0%} interval", "dropped": dropped}
    if k == 0:
        return out
    z = np.arctanh(np.clip(r[ok], -1 + 1e-12, 1 - 1e-12))
    v = 1.0 / (n_eff[ok] - 3)
    w = 1 / v
    zf = (w * z).sum() / w.sum()
    q = float((w * (z - zf) ** 2).sum())
    c = w.sum() - (w ** 2).sum() / w.sum()
    tau2 = max(0.0, (q - (k - 1)) / c) if k > 1 and c > 0 else 0.0
    ws = 1 / (v + tau2)
    zr = (ws * z).sum() / ws.sum()
    i2 = max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0
    out.update(r=float(np.tanh(zr)), tau2=float(tau2), i2=float(i2))
    if k >= 2:
        q_hk = float((ws * (z - zr) ** 2).sum() / (k - 1))
        se = np.sqrt(max(q_hk, 1.0) / ws.sum())
        crit = stats.t.ppf(0.5 + ci / 2, df=k - 1)
        out.update(ci_low=float(np.tanh(zr - crit * se)), ci_high=float(np.tanh(zr + crit * se)))
    return out


_POOLING_TEXT = {
    "mixed": "MixedLM on within-clip z-scores (clip random slope)",
    "raw": "one correlation of all windows of all clips, raw values (between-clip differences included)",
    "mean_r": "mean of the per-clip Fisher z values",
}


def pooled_correlation(frame: pd.DataFrame, x: str, y: str, *, by: str = "clip_id", method: str = "pearson",
                       pooling: str = "mixed", n_boot: int = 2000, ci: float = 0.95, seed: int = 0,
                       per_clip: pd.DataFrame | None = None) -> dict:
    """Correlation pooled over clips, with an interval that accounts for clips.

    See the module docstring for the three ``pooling`` choices. Every one gets
    a cluster bootstrap over clips of the same estimator (for ``"mixed"``,
    the precision-weighted mean with weights ``1 / (tau^2 + sigma^2 / n_c)``
    from the MixedLM fit), as a Fisher-z interval with a ``t(n_clips - 1)``
    quantile.

    Parameters
    ----------
    frame
        Tidy windows table with ``by``, ``x`` and ``y`` columns.
    x, y
        Column names of the two series.
    by
        Column naming the clip.
    method
        ``"pearson"`` or ``"spearman"`` (ranks: within clips for ``"mixed"``
        and ``"mean_r"``, over all windows for ``"raw"``).
    pooling
        ``"mixed"`` (default), ``"raw"`` or ``"mean_r"``.
    n_boot
        Cluster-bootstrap resamples.
    ci
        Coverage of the interval, in (0, 1).
    seed
        Seed of the bootstrap (and of ``per_clip`` when it is computed here).
    per_clip
        Output of :func:`correlation_table` for the meta-analysis cross-check
        (computed here when omitted).

    Returns
    -------
    dict
        ``r, ci_low, ci_high, method, pooling, n_clips, n_windows, note``,
        ``mixedlm`` (``"mixed"`` only: slope, ``se_naive_iid``, random-slope
        variance, convergence, fit ``warnings``), ``cluster_bootstrap``
        (n_boot, se_z, t_crit), ``meta`` (:func:`meta_analysis`),
        ``dropped``: ``{clip_id, reason}`` for every clip left out, and
        ``diagnostics``: ``{warnings, dropped_clips}`` (human-readable). With
        fewer than 2 usable clips the interval is NaN and ``note`` says so.
    """
    from scipy import stats
    check_option("method", method, _METHODS)
    check_option("pooling", pooling, POOLING)
    check_int("n_boot", n_boot, minimum=1)
    check_range("ci", ci, 0, 1, inclusive=(False, False))
    check_int("seed", seed, minimum=0)
    _check_columns(frame, by=by, x=x, y=y)
    used, dropped = _usable_groups(frame, x, y, by)
    clips = pd.unique(used[by])
    k = len(clips)
    result = {"r": np.nan, "ci_low": np.nan, "ci_high": np.nan,
              "method": f"{method}: {_POOLING_TEXT[pooling]}, {ci:.0%} CI by cluster bootstrap over clips "
                        f"(Fisher z, t df=n_clips-1)",
              "pooling": pooling, "n_clips": k, "n_windows": int(len(used)), "note": "", "mixedlm": None,
              "dropped": [{"clip_id": d[by], "reason": d["reason"]} for d in dropped]}
    fit_warnings: list[str] = []
    if dropped:
        warnings.warn(f"left out of the pooled estimate ({len(dropped)} clip(s)): "
                      + "; ".join(f"{d[by]}: {d['reason']}" for d in dropped[:5]), stacklevel=2)
    if k == 0:
        result["note"] = f"no clip had >= {MIN_PAIRS} finite, non-constant windows"
    else:
        if pooling == "raw":
            xv, yv = used[x].to_numpy(float), used[y].to_numpy(float)
            if method == "spearman":
                xv, yv = stats.rankdata(xv), stats.rankdata(yv)
            sums = pd.DataFrame({by: used[by].to_numpy(), "n": 1.0, "sx": xv, "sy": yv, "sxx": xv * xv,
                                 "syy": yv * yv, "sxy": xv * yv}).groupby(by, sort=False).sum()
            stat_of = lambda c: _pearson_from_sums(c @ sums.to_numpy())  # noqa: E731
            estimate = float(stat_of(np.ones((1, k)))[0])
        else:
            z = _zscore_within(used, x, y, by, method)
            g = z.assign(xy=z.zx * z.zy, xx=z.zx * z.zx).groupby(by, sort=False)
            sxy, sxx = g["xy"].sum().to_numpy(), g["xx"].sum().to_numpy()
            r_c = sxy / sxx
            if pooling == "mean_r":
                zc = np.arctanh(np.clip(r_c, -1 + 1e-12, 1 - 1e-12))
                stat_of = lambda c: np.tanh((c @ zc) / c.sum(axis=1))  # noqa: E731
                estimate = float(np.tanh(zc.mean()))
            else:
                tau2, sigma2 = 0.0, 1.0
                estimate = float(r_c[0])
                if k >= 2:
                    mix = _fit_mixedlm(z, by)
                    tau2, sigma2, estimate = mix["slope_var"], mix["resid_var"], mix["slope"]
                    # The GLS slope given the fitted variances has a closed form (Sherman-Morrison): the
                    # precision-weighted mean of the clip slopes. A mismatch means the optimiser failed.
                    w = 1.0 / (tau2 + sigma2 / sxx)
                    closed = float((w * r_c).sum() / w.sum())
                    if not abs(closed - estimate) < 1e-3:
                        mix["warnings"].append(f"MixedLM slope {estimate:.4f} disagrees with its closed form "
                                               f"{closed:.4f} (optimiser trouble); the closed form is used")
                        mix["slope_reported_by_statsmodels"] = estimate
                        estimate = mix["slope"] = closed
                    result["mixedlm"] = mix
                    fit_warnings = [f"MixedLM: {m}" for m in mix["warnings"]]
                    if not mix["converged"]:
                        fit_warnings.append("MixedLM: did not converge")
                w = 1.0 / (tau2 + sigma2 / sxx)
                stat_of = lambda c: (c @ (w * r_c)) / (c @ w)  # noqa: E731
        result["r"] = float(np.clip(estimate, -1, 1))
        if k >= 2:
            rng = np.random.default_rng(seed)
            counts = rng.multinomial(k, np.full(k, 1.0 / k), size=n_boot).astype(float)
            with np.errstate(invalid="ignore", divide="ignore"):
                boot = np.asarray(stat_of(counts), dtype=float)
            zb = np.arctanh(np.clip(boot[np.isfinite(boot)], -1 + 1e-12, 1 - 1e-12))
            se_z = float(np.std(zb, ddof=1) * np.sqrt(k / (k - 1)))
            crit = stats.t.ppf(0.5 + ci / 2, df=k - 1)
            z0 = np.arctanh(np.clip(result["r"], -1 + 1e-12, 1 - 1e-12))
            result["ci_low"], result["ci_high"] = float(np.tanh(z0 - crit * se_z)), float(np.tanh(z0 + crit * se_z))
            result["cluster_bootstrap"] = {"n_boot": int(n_boot), "se_z": se_z, "t_crit": float(crit)}
        else:
            result["note"] = "one usable clip: no between-clip interval (see its per-clip interval)"
    if per_clip is None:
        per_clip = correlation_table(frame, x, y, by=by, seed=seed)
    col = "r" if method == "pearson" else "spearman_r"
    ids = per_clip[by].tolist() if by in per_clip else None
    result["meta"] = meta_analysis(per_clip[col].to_numpy(float), per_clip["n_eff"].to_numpy(float), ci=ci,
                                   ids=ids)
    result["diagnostics"] = {
        "warnings": fit_warnings,
        "dropped_clips": [f"{d['clip_id']}: {d['reason']}" for d in result["dropped"]],
    }
    for c in ("window_s", "hop_s", "clock"):
        if c in frame:
            result[c] = frame[c].iat[0] if len(frame) else None
    return result


def _pearson_from_sums(t: np.ndarray) -> np.ndarray:
    """Pearson r from rows of summed ``n, sx, sy, sxx, syy, sxy``."""
    n, sx, sy, sxx, syy, sxy = t.T
    with np.errstate(invalid="ignore", divide="ignore"):
        return (n * sxy - sx * sy) / np.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy))
