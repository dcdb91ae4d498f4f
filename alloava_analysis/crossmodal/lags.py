"""Cross-correlation lags between two series on one clock.

Sign convention used everywhere in this module: a **positive lag means ``x``
leads ``y``** -- what ``x`` does at time ``t`` shows up in ``y`` at
``t + lag``. The corpus driver passes motion as ``x`` and speech as ``y``, so
positive = motion leads speech (the JSON contract of ``alloava correlate``).
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ..checks import check_int, check_nonnegative, check_positive, check_range
from ..errors import SchemaError
from ..features.motion import moving_mean

__all__ = [
    "as_pair",
    "cross_correlation_curve",
    "cross_correlation_lag",
    "lag_curve",
    "lag_interval",
    "pooled_cross_correlation",
    "pooled_lag_interval",
    "pooled_peak",
    "r_from_sums",
    "remove_slow_trend",
    "standardise",
    "lag_verdict",
    "surrogate_curves",
    "surrogate_p_value",
    "surrogate_shifts",
    "t_interval",
]

log = logging.getLogger(__name__)


def as_pair(x: np.ndarray, y: np.ndarray, what: str = "series") -> tuple[np.ndarray, np.ndarray]:
    """``x`` and ``y`` as float64 1-D series of equal length (one clock); ValueError otherwise.

    Parameters
    ----------
    x, y
        The two series.
    what
        What they are, for error messages.

    Returns
    -------
    tuple of numpy.ndarray
        ``(x, y)`` as float64 arrays.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or y.ndim != 1:
        raise SchemaError(f"expected two 1-D {what}, got shapes {x.shape} and {y.shape}")
    if x.shape != y.shape:
        raise SchemaError(f"expected {what} of equal length on one clock, got {x.size} and {y.size} "
                          f"samples (mismatched clocks? move both onto one clock with alloava_analysis.clocks)")
    return x, y


def standardise(v: np.ndarray, name: str) -> np.ndarray:
    """``(v - mean) / sd`` ignoring NaN; ValueError for under 3 finite samples or a constant ``v``.

    Parameters
    ----------
    v
        1-D series (NaN = missing, kept).
    name
        Its name, for error messages.

    Returns
    -------
    numpy.ndarray
        The standardised series.
    """
    finite = np.isfinite(v)
    if finite.sum() < 3:
        raise SchemaError(f"expected at least 3 finite samples in {name}, got {int(finite.sum())}")
    sd = np.nanstd(v)
    if not sd > 0:
        raise SchemaError(f"expected a non-constant {name}, got a constant series (value {np.nanmean(v):g}); "
                          f"correlation is undefined")
    return (v - np.nanmean(v)) / sd



def remove_slow_trend(x: np.ndarray, *, rate_hz: float, window_s: float) -> np.ndarray:
    """Subtract a centred, NaN-aware moving average of ``window_s`` (a simple high-pass filter).

    Used before frame-level lag analysis so that slow co-variation (e.g. the
    window-level coupling of speech rate and movement) does not tilt the
    cross-correlation peak. NaN samples stay NaN; ``window_s = 0`` returns ``x``.

    Parameters
    ----------
    x
        1-D series.
    rate_hz
        Its sampling rate in Hz (> 0).
    window_s
        Length of the moving average in seconds (>= 0).

    Returns
    -------
    numpy.ndarray
        ``x`` minus its moving average (float64).
    """
    check_nonnegative("window_s", window_s)
    check_positive("rate_hz", rate_hz)
    x = np.asarray(x, dtype=np.float64)
    if window_s == 0:
        return x.copy()
    trend = moving_mean(x, max(1, int(round(window_s * rate_hz))))
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(x), x - trend, np.nan)


def _lag_sums(xs: np.ndarray, ys: np.ndarray, max_lag: int) -> np.ndarray:
    """(6, 2 max_lag + 1) sums over the finite pairs ``(x[t], y[t + L])``: count, sx, sy, sxx, syy, sxy."""
    from scipy import signal
    n = xs.size
    mx, my = np.isfinite(xs).astype(float), np.isfinite(ys).astype(float)
    x0, y0 = np.where(mx > 0, xs, 0.0), np.where(my > 0, ys, 0.0)
    max_lag = int(min(max_lag, n - 1))

    def corr(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # full[k + n - 1] = sum_t a[t + k] * b[t]: a (y-side) shifted by lag k against b (x-side)
        full = signal.correlate(a, b, mode="full", method="fft" if n > 2000 else "direct")
        return full[n - 1 - max_lag: n + max_lag]

    return np.stack([np.round(corr(my, mx)), corr(my, x0), corr(y0, mx), corr(my, x0 * x0), corr(y0 * y0, mx),
                     corr(y0, x0)])


def r_from_sums(sums: np.ndarray, min_overlap: int) -> np.ndarray:
    """Pearson r per lag from :func:`_lag_sums` (leading axes allowed); NaN where pairs are too few.

    Parameters
    ----------
    sums
        Lagged sums, shape (..., 6, lags): count, sx, sy, sxx, syy, sxy.
    min_overlap
        Lags with fewer pairs than this (and than 3) are NaN.

    Returns
    -------
    numpy.ndarray
        r, shape (..., lags).
    """
    cnt, sx, sy, sxx, syy, sxy = (sums[..., i, :] for i in range(6))
    with np.errstate(invalid="ignore", divide="ignore"):
        num = cnt * sxy - sx * sy
        den = np.sqrt(np.clip(cnt * sxx - sx * sx, 0, None) * np.clip(cnt * syy - sy * sy, 0, None))
        r = np.clip(num / den, -1.0, 1.0)
    return np.where((cnt < max(min_overlap, 3)) | ~(den > 1e-12 * np.maximum(cnt, 1) ** 2), np.nan, r)


def lag_curve(x: np.ndarray, y: np.ndarray, max_lag: int, *, min_overlap: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """``(r, n)`` per lag ``-max_lag .. max_lag`` samples: the arrays of :func:`cross_correlation_curve`.

    Parameters
    ----------
    x, y
        Equal-length 1-D series on one clock (NaN = missing).
    max_lag
        Largest lag in samples (capped at ``len(x) - 1``).
    min_overlap
        Lags with fewer finite pairs than this get ``r = NaN``.

    Returns
    -------
    r : numpy.ndarray
        Correlation per lag.
    n : numpy.ndarray
        Finite pairs per lag.
    """
    check_int("min_overlap", min_overlap, minimum=0)
    sums = _lag_sums(standardise(x, "x"), standardise(y, "y"), int(min(max_lag, x.size - 1)))
    return r_from_sums(sums, min_overlap), sums[0]


def pooled_peak(r: np.ndarray, n: np.ndarray) -> tuple[int | None, np.ndarray]:
    """Index of the maximum of curves ``r`` (clips x lags) averaged on the Fisher-z scale with weights ``n - 3``.

    Parameters
    ----------
    r
        Correlation curves, shape (clips, lags).
    n
        Pairs behind each value, same shape.

    Returns
    -------
    index : int or None
        Index of the pooled maximum (None when no lag has a finite value).
    pooled : numpy.ndarray
        The pooled curve, as r.
    """
    w = np.where(np.isfinite(r) & (n > 3), n - 3, 0.0)
    z = np.arctanh(np.clip(np.nan_to_num(r), -0.999999, 0.999999))
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = np.tanh((w * z).sum(axis=0) / w.sum(axis=0))
    return (int(np.nanargmax(pooled)) if np.isfinite(pooled).any() else None), pooled


def cross_correlation_curve(x: np.ndarray, y: np.ndarray, *, rate_hz: float, max_lag_s: float,
                            min_overlap: int = 10, clock: str = "") -> pd.DataFrame:
    """NaN-aware normalised cross-correlation of ``x`` and ``y`` for lags in ``[-max_lag_s, max_lag_s]``.

    At lag ``L`` samples the value is the Pearson correlation of the pairs
    ``(x[t], y[t + L])`` in which both values are finite (pairwise deletion),
    so missing frames neither shrink nor inflate it. Positive lag: ``x`` leads
    ``y``. All lags are computed at once from FFT-based correlations of the
    masked, standardised series.

    Parameters
    ----------
    x, y
        Equal-length series on one clock sampled at ``rate_hz``; NaN = missing.
    rate_hz
        Sampling rate in Hz.
    max_lag_s
        Largest lag (seconds) in either direction.
    min_overlap
        Lags with fewer finite pairs than this get ``r = NaN``.
    clock
        Name of the clock both series are on (recorded in the attrs).

    Returns
    -------
    pandas.DataFrame
        Columns ``lag_s``, ``lag_samples``, ``r``, ``n`` (pairs used); attrs
        ``rate_hz``, ``clock`` and ``convention``.
    """
    check_positive("rate_hz", rate_hz)
    check_nonnegative("max_lag_s", max_lag_s)
    check_int("min_overlap", min_overlap, minimum=0)
    x, y = as_pair(x, y)
    max_lag = int(min(round(max_lag_s * rate_hz), x.size - 1))
    r, cnt = lag_curve(x, y, max_lag, min_overlap=min_overlap)
    lags = np.arange(-max_lag, max_lag + 1)
    out = pd.DataFrame({"lag_s": lags / rate_hz, "lag_samples": lags, "r": r, "n": cnt.astype("int64")})
    out.attrs.update(rate_hz=float(rate_hz), clock=clock, convention="positive lag: x leads y")
    return out


def _refine_peak(curve: np.ndarray, i: int) -> float:
    """Sub-sample offset of a peak at ``i`` by fitting a parabola through its neighbours."""
    if i <= 0 or i >= curve.size - 1 or not np.isfinite(curve[i - 1:i + 2]).all():
        return 0.0
    a, b, c = curve[i - 1], curve[i], curve[i + 1]
    den = a - 2 * b + c
    if den >= 0:  # not a strict local maximum
        return 0.0
    return float(np.clip(0.5 * (a - c) / den, -0.5, 0.5))


def cross_correlation_lag(x: np.ndarray, y: np.ndarray, *, rate_hz: float, max_lag_s: float,
                          refine: bool = True, min_overlap: int = 10, clock: str = "") -> tuple[float, pd.DataFrame]:
    """The lag of maximum normalised cross-correlation and the whole curve.

    Sign convention: a **positive lag means x leads y** (``y`` repeats at
    ``t + lag`` what ``x`` did at ``t``). Pass motion as ``x`` and speech as
    ``y`` to get "positive = motion leads speech".

    Parameters
    ----------
    x, y
        Equal-length series on one clock (NaN = missing, handled pairwise).
    rate_hz
        Sampling rate in Hz.
    max_lag_s
        Lags searched are ``[-max_lag_s, max_lag_s]``.
    refine
        Refine the peak to sub-sample precision with a parabola through the
        maximum and its two neighbours (the curve itself stays on the sample
        grid).
    min_overlap
        Lags with fewer finite pairs than this are NaN and never chosen.
    clock
        Name of the clock both series are on (recorded in the curve's attrs).

    Returns
    -------
    lag_s : float
        Lag of the maximum ``r`` in seconds (NaN if every lag is NaN).
    curve : pandas.DataFrame
        ``lag_s, lag_samples, r, n`` as from :func:`cross_correlation_curve`,
        with attrs ``best_lag_s`` and ``best_r``.

    Raises
    ------
    SchemaError
        For constant or (almost) all-NaN series, or series of unequal length.
    """
    curve = cross_correlation_curve(x, y, rate_hz=rate_hz, max_lag_s=max_lag_s, min_overlap=min_overlap,
                                    clock=clock)
    r = curve["r"].to_numpy()
    if not np.isfinite(r).any():
        curve.attrs.update(best_lag_s=float("nan"), best_r=float("nan"))
        return float("nan"), curve
    i = int(np.nanargmax(r))
    offset = _refine_peak(r, i) if refine else 0.0
    lag = (curve["lag_samples"].iat[i] + offset) / rate_hz
    curve.attrs.update(best_lag_s=float(lag), best_r=float(r[i]))
    return float(lag), curve


def pooled_cross_correlation(curves: list[pd.DataFrame], *, refine: bool = True) -> tuple[float, pd.DataFrame]:
    """Combine per-clip cross-correlation curves and return the lag of the pooled maximum.

    At each lag, clip values are averaged on the Fisher-z scale weighted by
    ``n - 3`` (their pair counts). Curves must share ``rate_hz`` and lag grid.

    Parameters
    ----------
    curves
        Curves of :func:`cross_correlation_curve` (None and empty ones are skipped).
    refine
        Refine the peak to sub-sample precision (see :func:`cross_correlation_lag`).

    Returns
    -------
    lag_s : float
        Lag of the pooled maximum (positive: x leads y).
    curve : pandas.DataFrame
        ``lag_s, lag_samples, r, n, n_clips``.
    """
    curves = [c for c in curves if c is not None and len(c)]
    if not curves:
        raise SchemaError("expected at least one cross-correlation curve, got none", where="curves")
    rates = {c.attrs.get("rate_hz") for c in curves}
    if len(rates) > 1:
        raise SchemaError(f"expected curves on one clock, got rates {sorted(map(str, rates))} Hz "
                          f"(resample them onto one clock with alloava_analysis.clocks first)", where="curves")
    lags = curves[0]["lag_samples"].to_numpy()
    if any(not np.array_equal(c["lag_samples"].to_numpy(), lags) for c in curves):
        raise SchemaError("expected curves with the same lag grid (same max_lag_s and rate)", where="curves")
    r = np.stack([c["r"].to_numpy() for c in curves])
    n = np.stack([c["n"].to_numpy() for c in curves]).astype(float)
    i, rr = pooled_peak(r, n)
    out = pd.DataFrame({"lag_s": curves[0]["lag_s"].to_numpy(), "lag_samples": lags, "r": rr,
                        "n": n.sum(axis=0).astype("int64"), "n_clips": (np.isfinite(r) & (n > 3)).sum(axis=0)})
    rate = float(next(iter(rates)))
    out.attrs.update(rate_hz=rate, clock=curves[0].attrs.get("clock", ""), convention="positive lag: x leads y")
    if i is None:
        return float("nan"), out
    lag = (lags[i] + (_refine_peak(rr, i) if refine else 0.0)) / rate
    out.attrs.update(best_lag_s=float(lag), best_r=float(rr[i]))
    return float(lag), out


# --------------------------------------------------------------------------------------------
# uncertainty of a lag: bootstrap over blocks of time (one clip) or over clips (pooled)
# --------------------------------------------------------------------------------------------
def _peak_lags(r: np.ndarray, lags: np.ndarray, refine: bool) -> np.ndarray:
    """Refined argmax lag (samples) of each row of ``r``; NaN for all-NaN rows."""
    r = np.atleast_2d(r)
    out = np.full(r.shape[0], np.nan)
    for k, row in enumerate(r):
        if np.isfinite(row).any():
            i = int(np.nanargmax(row))
            out[k] = lags[i] + (_refine_peak(row, i) if refine else 0.0)
    return out


def _secondary_peak(r: np.ndarray, lags: np.ndarray, main: int, min_separation: int) -> int | None:
    """Index of the highest local maximum of ``r`` at least ``min_separation`` samples from ``main``."""
    from scipy import signal
    rr = np.where(np.isfinite(r), r, -np.inf)
    peaks, _ = signal.find_peaks(rr)
    peaks = [p for p in peaks if abs(p - main) >= min_separation]
    if not peaks:
        return None
    return int(max(peaks, key=lambda p: rr[p]))


def t_interval(estimate: float, replicates: np.ndarray, units: int, ci: float) -> tuple[float, float, float]:
    """``estimate +- t(units - 1) * sd`` of bootstrap replicates (sd inflated by ``sqrt(units / (units - 1))``).

    Parameters
    ----------
    estimate
        The estimate from all the data.
    replicates
        Its bootstrap replicates (NaN ignored).
    units
        Resampled units (blocks or clips); under 3 gives no interval.
    ci
        Coverage, in (0, 1).

    Returns
    -------
    tuple of float
        ``(low, high, sd)``; NaN when there are too few units or replicates.
    """
    from scipy import stats
    reps = replicates[np.isfinite(replicates)]
    if units < 3 or reps.size < 10 or not np.isfinite(estimate):
        return np.nan, np.nan, np.nan
    sd = float(np.std(reps, ddof=1) * np.sqrt(units / (units - 1)))
    t = stats.t.ppf(0.5 + ci / 2, df=units - 1)
    return estimate - t * sd, estimate + t * sd, sd


def surrogate_shifts(n: int, *, max_lag: int, n_surrogates: int, seed: int) -> np.ndarray:
    """Circular shifts (samples) for surrogates: away from the searched lags by at least ``max_lag`` + 1 s worth.

    Parameters
    ----------
    n
        Series length in samples.
    max_lag
        Largest lag searched, in samples.
    n_surrogates
        How many shifts.
    seed
        Seed of the draw.

    Returns
    -------
    numpy.ndarray
        ``n_surrogates`` integer shifts in ``[guard, n - guard]`` (empty when the series is too short).
    """
    check_int("n", n, minimum=0)
    check_int("max_lag", max_lag, minimum=0)
    check_int("n_surrogates", n_surrogates, minimum=0)
    check_int("seed", seed, minimum=0)
    guard = 2 * max_lag + 1
    if n - 2 * guard < 1 or n_surrogates == 0:
        return np.zeros(0, dtype=np.int64)
    return np.random.default_rng(seed).integers(guard, n - guard + 1, n_surrogates)


def surrogate_curves(x: np.ndarray, y: np.ndarray, *, max_lag: int, n_surrogates: int = 99, seed: int = 0,
                     min_overlap: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Cross-correlation curves of ``x`` with circularly shifted copies of ``y``: the null of "no lag".

    A circular shift keeps each series' own rhythm and autocorrelation but
    breaks any alignment between them, so the highest ``r`` of these curves
    is what the peak reaches without coupling.

    Parameters
    ----------
    x, y
        Equal-length series on one clock (NaN = missing).
    max_lag
        Largest lag in samples (the curves have ``2 max_lag + 1`` values).
    n_surrogates
        Number of shifted copies (see :func:`surrogate_shifts`).
    seed
        Seed of the shifts.
    min_overlap
        Lags with fewer finite pairs than this are NaN.

    Returns
    -------
    r : numpy.ndarray
        (n_surrogates, lags) correlations (0 rows when the series are too short).
    n : numpy.ndarray
        Pairs behind each value, same shape.
    """
    check_int("max_lag", max_lag, minimum=0)
    check_int("n_surrogates", n_surrogates, minimum=0)
    check_int("seed", seed, minimum=0)
    check_int("min_overlap", min_overlap, minimum=0)
    x, y = as_pair(x, y)
    xs, ys = standardise(x, "x"), standardise(y, "y")
    max_lag = int(min(max_lag, x.size - 1))
    shifts = surrogate_shifts(x.size, max_lag=max_lag, n_surrogates=n_surrogates, seed=seed)
    sums = np.stack([_lag_sums(xs, np.roll(ys, int(k)), max_lag) for k in shifts]) if shifts.size else \
        np.zeros((0, 6, 2 * max_lag + 1))
    return r_from_sums(sums, min_overlap), sums[:, 0]


def lag_verdict(lag: float, ci_low: float, ci_high: float, p_value: float, *, max_lag_s: float,
                alpha: float = 0.05) -> tuple[bool, str]:
    """Whether a lag is detectable, and why not in words: the peak must beat its null and the interval fit the search.

    Parameters
    ----------
    lag
        The estimated lag (s).
    ci_low, ci_high
        Its interval (s).
    p_value
        Surrogate p-value of the peak (NaN: no null available).
    max_lag_s
        The search range is ``[-max_lag_s, max_lag_s]``.
    alpha
        Level of the peak test.

    Returns
    -------
    detectable : bool
    reason : str
        Empty when detectable.
    """
    check_nonnegative("max_lag_s", max_lag_s)
    check_range("alpha", alpha, 0, 1, inclusive=(False, False))
    if not np.isfinite(lag):
        return False, "no lag: no peak could be located"
    if not np.isfinite(p_value):
        return False, "no lag detectable: too short for a surrogate null of the peak"
    if p_value > alpha:
        return False, (f"no lag detectable: the peak is not above the circular-shift null (p = {p_value:.2g} > "
                       f"{alpha:g})")
    if not (np.isfinite(ci_low) and np.isfinite(ci_high)):
        return False, "no lag detectable: too few blocks for an interval"
    if ci_high - ci_low > 2 * max_lag_s:
        return False, (f"no lag detectable: the interval [{ci_low:+.2f}, {ci_high:+.2f}] s is wider than the search "
                       f"range [-{max_lag_s:g}, {max_lag_s:g}] s")
    return True, ""


def surrogate_p_value(statistic: float, null: np.ndarray) -> float:
    """``(1 + #(null >= statistic)) / (1 + #null)`` over the finite null values (NaN when there are none).

    Parameters
    ----------
    statistic
        The observed statistic (larger = stronger).
    null
        Its values on surrogates.

    Returns
    -------
    float
        The p-value.
    """
    null = np.asarray(null, dtype=float)
    null = null[np.isfinite(null)]
    if not null.size or not np.isfinite(statistic):
        return float("nan")
    return float((1 + np.sum(null >= statistic)) / (1 + null.size))


def lag_interval(x: np.ndarray, y: np.ndarray, *, rate_hz: float, max_lag_s: float, block_s: float = 5.0,
                 n_boot: int = 500, ci: float = 0.95, seed: int = 0, min_overlap: int = 10,
                 competing_share: float = 0.05, competing_ratio: float = 0.9,
                 min_separation_s: float = 0.1, n_surrogates: int = 99, alpha: float = 0.05,
                 null: tuple[np.ndarray, np.ndarray] | None = None) -> dict:
    """Cross-correlation lag of one clip with a block-bootstrap interval and a competing-peak flag.

    The clip is cut into consecutive blocks of ``block_s``; each block
    contributes its lagged sums (pairs inside the block). Bootstrap
    replicates resample blocks with replacement, rebuild the curve from the
    summed sums and take its refined peak. The interval is ``lag +- t(B - 1)
    sd*`` (``B`` blocks; ``sd*`` the replicates' spread). The curve's
    **secondary peak** is its highest local maximum at least
    ``min_separation_s`` from the main one; the clip is flagged
    (``competing_peak``) when it reaches ``competing_ratio`` of the main
    peak's height, or when at least ``competing_share`` of the replicates
    peak nearer to it than to the main peak -- its lag is then ambiguous.

    **Detectability**: the peak's ``r`` is compared with the highest ``r`` of
    :func:`surrogate_curves` (circular-shift null, ``p_value``); when the peak
    is not above the null at ``alpha``, or the interval is missing or wider
    than the search range, ``lag_s`` is NaN, ``detectable`` False and
    ``reason`` says why in words (the peak's position stays in ``peak_lag_s``,
    the interval in ``ci_low, ci_high``).

    Parameters
    ----------
    x, y
        Equal-length series on one clock (NaN = missing).
    rate_hz
        Sampling rate in Hz.
    max_lag_s
        Lags searched are ``[-max_lag_s, max_lag_s]``.
    block_s
        Block length in seconds (at least ``2 max_lag + 2`` samples are used).
    n_boot
        Bootstrap resamples.
    ci
        Coverage of the interval, in (0, 1).
    seed
        Seed of the resampling.
    min_overlap
        Lags with fewer finite pairs than this are NaN.
    competing_share, competing_ratio
        Thresholds of the competing-peak flag (see above), in [0, 1].
    min_separation_s
        Least distance in seconds between the main and the secondary peak.
    n_surrogates
        Circularly shifted copies of ``y`` for the null of the peak.
    alpha
        Level of the peak test, in (0, 1).
    null
        Precomputed ``(r, n)`` of :func:`surrogate_curves` (None: computed here).

    Returns
    -------
    dict
        ``lag_s, detectable, reason, peak_lag_s, p_value, ci_low, ci_high, se_s,
        r, n_blocks, secondary_lag_s, secondary_r, secondary_share,
        competing_peak, note`` (positive lag: x leads y).
    """
    check_positive("rate_hz", rate_hz)
    check_nonnegative("max_lag_s", max_lag_s)
    check_positive("block_s", block_s)
    check_int("n_boot", n_boot, minimum=1)
    check_range("ci", ci, 0, 1, inclusive=(False, False))
    check_int("seed", seed, minimum=0)
    check_int("min_overlap", min_overlap, minimum=0)
    check_range("competing_share", competing_share, 0, 1)
    check_range("competing_ratio", competing_ratio, 0, 1)
    check_nonnegative("min_separation_s", min_separation_s)
    check_int("n_surrogates", n_surrogates, minimum=0)
    check_range("alpha", alpha, 0, 1, inclusive=(False, False))
    x, y = as_pair(x, y)
    lag, curve = cross_correlation_lag(x, y, rate_hz=rate_hz, max_lag_s=max_lag_s, min_overlap=min_overlap)
    max_lag = int(curve["lag_samples"].iat[-1])
    lags = curve["lag_samples"].to_numpy()
    r = curve["r"].to_numpy()
    out = {"lag_s": lag, "detectable": False, "reason": "", "peak_lag_s": lag, "p_value": np.nan,
           "ci_low": np.nan, "ci_high": np.nan, "se_s": np.nan, "r": curve.attrs.get("best_r"),
           "n_blocks": 0, "secondary_lag_s": np.nan, "secondary_r": np.nan, "secondary_share": np.nan,
           "competing_peak": False, "note": ""}
    if not np.isfinite(lag):
        out["note"] = out["reason"] = "no lag: the cross-correlation is undefined at every lag"
        out["lag_s"] = np.nan
        return out
    xs, ys = standardise(x, "x"), standardise(y, "y")
    step = max(int(round(block_s * rate_hz)), 2 * max_lag + 2)
    starts = range(0, x.size - step // 2, step)
    blocks = np.stack([_lag_sums(xs[a:a + step], ys[a:a + step], max_lag) for a in starts
                       if min(a + step, x.size) - a > max_lag])
    n_blocks = blocks.shape[0]
    out["n_blocks"] = int(n_blocks)
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n_blocks, np.full(n_blocks, 1.0 / n_blocks), size=n_boot).astype(float)
    boot_sums = np.einsum("bk,kij->bij", counts, blocks)
    boot_r = r_from_sums(boot_sums, min_overlap)
    reps = _peak_lags(boot_r, lags, refine=True) / rate_hz
    lo, hi, sd = t_interval(lag, reps, n_blocks, ci)
    out.update(ci_low=lo, ci_high=hi, se_s=sd)
    if not np.isfinite(lo):
        out["note"] = f"too few blocks ({n_blocks} of {block_s:g} s) for a lag interval"
    main = int(np.nanargmax(r))
    second = _secondary_peak(r, lags, main, max(1, int(round(min_separation_s * rate_hz))))
    if second is not None:
        share = float(np.mean(np.abs(reps * rate_hz - lags[second]) < np.abs(reps * rate_hz - lag * rate_hz)))
        out.update(secondary_lag_s=float(lags[second] / rate_hz), secondary_r=float(r[second]),
                   secondary_share=share,
                   competing_peak=bool(share >= competing_share or r[second] >= competing_ratio * r[main]))
    null_r, _ = null if null is not None else surrogate_curves(x, y, max_lag=max_lag, n_surrogates=n_surrogates,
                                                               seed=seed, min_overlap=min_overlap)
    null_peaks = np.array([np.nanmax(c) if np.isfinite(c).any() else np.nan for c in null_r])
    out["p_value"] = surrogate_p_value(float(r[main]), null_peaks)
    out["detectable"], out["reason"] = lag_verdict(lag, lo, hi, out["p_value"], max_lag_s=max_lag_s, alpha=alpha)
    if not out["detectable"]:
        out["lag_s"] = np.nan
    return out


def pooled_lag_interval(curves: list[pd.DataFrame], *, n_boot: int = 1000, ci: float = 0.95, seed: int = 0,
                        refine: bool = True, nulls: list[tuple[np.ndarray, np.ndarray]] | None = None,
                        max_lag_s: float | None = None, alpha: float = 0.05) -> dict:
    """Lag of the pooled cross-correlation curve with a cluster-bootstrap interval over clips.

    Replicates resample clips with replacement and pool their curves as
    :func:`pooled_cross_correlation` does (Fisher z weighted by ``n - 3``);
    the interval is ``lag +- t(k - 1) sd*`` over ``k`` clips.

    Parameters
    ----------
    curves
        Per-clip curves of :func:`cross_correlation_curve`.
    n_boot
        Bootstrap resamples.
    ci
        Coverage of the interval, in (0, 1).
    seed
        Seed of the resampling.
    refine
        Refine peaks to sub-sample precision.
    nulls
        Per clip (same order as ``curves``), ``(r, n)`` of :func:`surrogate_curves`
        with the same number of surrogates: surrogate ``k`` of every clip is pooled
        into the ``k``-th null curve (None: no peak test, the lag is not detectable).
    max_lag_s
        Search range (default: the curves' largest lag).
    alpha
        Level of the peak test.

    Returns
    -------
    dict
        ``lag_s`` (NaN when not detectable), ``detectable, reason, peak_lag_s, p_value,
        ci_low, ci_high, se_s, n_clips, interval`` (see :func:`lag_verdict`).
    """
    check_int("n_boot", n_boot, minimum=1)
    check_range("ci", ci, 0, 1, inclusive=(False, False))
    check_int("seed", seed, minimum=0)
    check_nonnegative("max_lag_s", max_lag_s, allow_none=True)
    check_range("alpha", alpha, 0, 1, inclusive=(False, False))
    lag, pooled = pooled_cross_correlation(curves, refine=refine)
    curves = [c for c in curves if c is not None and len(c)]
    r = np.stack([c["r"].to_numpy() for c in curves])
    n = np.stack([c["n"].to_numpy() for c in curves]).astype(float)
    w = np.where(np.isfinite(r) & (n > 3), n - 3, 0.0)
    z = np.arctanh(np.clip(np.nan_to_num(r), -0.999999, 0.999999))
    k = len(curves)
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(k, np.full(k, 1.0 / k), size=n_boot).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        zbar = (counts @ (w * z)) / (counts @ w)
    rate = float(pooled.attrs["rate_hz"])
    reps = _peak_lags(np.tanh(zbar), pooled["lag_samples"].to_numpy(), refine) / rate
    lo, hi, sd = t_interval(lag, reps, k, ci)
    p_value = np.nan
    if nulls and np.isfinite(lag):
        n_sur = min(len(r_k) for r_k, _ in nulls)
        null_peaks = []
        for j in range(n_sur):
            _, pooled_j = pooled_peak(np.stack([r_k[j] for r_k, _ in nulls]), np.stack([n_k[j] for _, n_k in nulls]))
            null_peaks.append(np.nanmax(pooled_j) if np.isfinite(pooled_j).any() else np.nan)
        p_value = surrogate_p_value(float(pooled.attrs["best_r"]), np.array(null_peaks))
    search = float(max_lag_s) if max_lag_s is not None else float(np.abs(pooled["lag_s"]).max())
    detectable, reason = lag_verdict(lag, lo, hi, p_value, max_lag_s=search, alpha=alpha)
    return {"lag_s": lag if detectable else np.nan, "detectable": detectable, "reason": reason, "peak_lag_s": lag,
            "p_value": p_value, "ci_low": lo, "ci_high": hi, "se_s": sd, "n_clips": k,
            "interval": f"{ci:.0%} cluster bootstrap over clips (t, df = n_clips - 1)"}
