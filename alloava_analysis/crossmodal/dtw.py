"""Dynamic time warping with ``dtaidistance``'s C backend.

* Distances use ``dtaidistance.dtw.distance_fast`` (univariate) and
  ``dtaidistance.dtw_ndim.distance_fast`` (multivariate: series of shape
  (time, features)); the cost is the square root of the summed squared
  differences along the path, as in ``dtaidistance``.
* The **Sakoe-Chiba band** is given in seconds (``band_s``) or samples
  (``band``): a sample may only be matched to samples less than ``band``
  steps away (dtaidistance's ``window``).
* Series are **z-normalised** by default, so DTW compares shapes, not levels.
* :func:`dtw_lag` turns the warping path into a **local lag profile**: for
  each sample ``i`` of ``x`` the mean index ``j`` of the ``y`` samples matched
  to it gives ``lag = (j - i) / rate``; positive means ``x`` leads ``y`` (same
  convention as :func:`alloava_analysis.crossmodal.lags.cross_correlation_lag`).
* :func:`distance_matrix` computes all pairwise distances in parallel
  (OpenMP) with ``distance_matrix_fast``.

The C extension must be present: :func:`require_c` raises ``RuntimeError``
with install advice instead of falling back to the (100x slower) Python code.
:func:`dtw_reference` is a small pure-Python implementation used by the tests
and the benchmark to check the C results.
"""
from __future__ import annotations

import contextlib
import io
import logging
from functools import lru_cache

import numpy as np
import pandas as pd

__all__ = [
    "distance_matrix",
    "dtw_distance",
    "dtw_lag",
    "dtw_path",
    "dtw_reference",
    "lag_profile",
    "require_c",
    "znormalize",
]

log = logging.getLogger(__name__)

_INSTALL_ADVICE = ("pip install --force-reinstall --no-deps --no-binary dtaidistance dtaidistance "
                   "(needs a C compiler with OpenMP, e.g. gcc)")


@lru_cache(maxsize=1)
def require_c() -> bool:
    """Check that dtaidistance's C (and OpenMP) extensions load; raise ``RuntimeError`` otherwise.

    ``dtaidistance`` prints its diagnostics to stdout; they are captured (so
    ``--json`` output stays clean) and put into the error message.
    """
    try:
        from dtaidistance import dtw
    except ImportError as err:
        raise RuntimeError(f"expected the dtaidistance package, got ImportError: {err}; install it with "
                           f"{_INSTALL_ADVICE}") from None
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        ok = bool(dtw.try_import_c(verbose=False))
    if not ok:
        raise RuntimeError("expected dtaidistance's compiled C/OpenMP backend, but it did not load, and a silent "
                           "fall-back to pure Python would be ~100x slower. Rebuild it with: "
                           f"{_INSTALL_ADVICE}. dtaidistance said: {buf.getvalue().strip()[:800]}")
    return True


def _fill_nan(v: np.ndarray, what: str) -> np.ndarray:
    """Linear interpolation over NaN along axis 0 (nearest value at the edges); all-NaN raises."""
    v = np.array(v, dtype=np.float64)
    flat = v.reshape(v.shape[0], -1)
    t = np.arange(flat.shape[0])
    for c in range(flat.shape[1]):
        ok = np.isfinite(flat[:, c])
        if not ok.any():
            raise ValueError(f"expected finite values in {what}, got all NaN")
        if not ok.all():
            flat[:, c] = np.interp(t, t[ok], flat[ok, c])
    return flat.reshape(v.shape)


def znormalize(x: np.ndarray, *, nan: str = "raise", what: str = "series") -> np.ndarray:
    """Z-normalise along time (axis 0), per feature for 2-D input.

    Parameters
    ----------
    nan
        ``"raise"`` (default) or ``"interpolate"`` (linear in sample index,
        nearest at the edges; documented gap filling, never silent).

    Raises
    ------
    ValueError
        For NaN with ``nan="raise"``, or a constant series (no shape to align).
    """
    v = np.asarray(x, dtype=np.float64)
    if v.ndim not in (1, 2) or v.shape[0] < 2:
        raise ValueError(f"expected {what} of shape (time,) or (time, features) with >= 2 samples, got {v.shape}")
    if not np.isfinite(v).all():
        if nan != "interpolate":
            raise ValueError(f"expected finite {what} for DTW, got {int((~np.isfinite(v)).sum())} NaN/inf "
                             f"(pass nan='interpolate' to fill gaps linearly)")
        v = _fill_nan(v, what)
    sd = v.std(axis=0)
    if np.any(sd == 0):
        raise ValueError(f"expected a non-constant {what} to z-normalise, got a constant series")
    return (v - v.mean(axis=0)) / sd


def _prepare(x: np.ndarray, y: np.ndarray, znorm: bool, nan: str) -> tuple[np.ndarray, np.ndarray]:
    if znorm:
        a, b = znormalize(x, nan=nan, what="x"), znormalize(y, nan=nan, what="y")
    else:
        a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        if nan == "interpolate":
            a, b = _fill_nan(a, "x"), _fill_nan(b, "y")
        if not (np.isfinite(a).all() and np.isfinite(b).all()):
            raise ValueError("expected finite series for DTW, got NaN/inf (pass nan='interpolate')")
    if a.ndim != b.ndim or (a.ndim == 2 and a.shape[1] != b.shape[1]):
        raise ValueError(f"expected series with the same number of features, got shapes {a.shape} and {b.shape}")
    return np.ascontiguousarray(a), np.ascontiguousarray(b)


def _band(band: int | None, band_s: float | None, rate_hz: float | None) -> int | None:
    if band is not None and band_s is not None:
        raise ValueError("expected band (samples) or band_s (seconds), got both")
    if band_s is not None:
        if rate_hz is None:
            raise ValueError("expected rate_hz with band_s")
        band = int(np.ceil(band_s * rate_hz)) + 1
    if band is not None and band < 1:
        raise ValueError(f"expected a band of at least 1 sample, got {band}")
    return band


def _kwargs(band: int | None, penalty: float | None) -> dict:
    kw = {}
    if band is not None:
        kw["window"] = int(band)
    if penalty:
        kw["penalty"] = float(penalty)
    return kw


def dtw_distance(x: np.ndarray, y: np.ndarray, *, band: int | None = None, band_s: float | None = None,
                 rate_hz: float | None = None, znorm: bool = True, nan: str = "raise") -> float:
    """DTW distance between two series (C backend; multivariate when 2-D).

    Parameters
    ----------
    x, y
        Shape (time,) or (time, features); lengths may differ.
    band, band_s, rate_hz
        Sakoe-Chiba band in samples, or in seconds with the sampling rate.
    znorm
        Z-normalise each series (per feature) first.
    nan
        ``"raise"`` or ``"interpolate"`` (see :func:`znormalize`).

    Returns
    -------
    float
        ``inf`` when the band makes the end unreachable (lengths differ by
        more than the band).
    """
    require_c()
    from dtaidistance import dtw, dtw_ndim

    a, b = _prepare(x, y, znorm, nan)
    kw = _kwargs(_band(band, band_s, rate_hz), None)
    if a.ndim == 2:
        return float(dtw_ndim.distance_fast(a, b, **kw))
    return float(dtw.distance_fast(a, b, use_pruning=False, **kw))


def dtw_path(x: np.ndarray, y: np.ndarray, *, band: int | None = None, band_s: float | None = None,
             rate_hz: float | None = None, znorm: bool = True, nan: str = "raise",
             penalty: float | None = None) -> tuple[float, np.ndarray]:
    """DTW distance and the optimal warping path (C backend).

    Returns
    -------
    distance : float
    path : numpy.ndarray
        (k, 2) int array of matched index pairs ``(i in x, j in y)``, from
        ``(0, 0)`` to ``(len(x) - 1, len(y) - 1)``.
    """
    require_c()
    from dtaidistance import dtw

    a, b = _prepare(x, y, znorm, nan)
    kw = _kwargs(_band(band, band_s, rate_hz), penalty)
    path, dist = dtw.warping_path_fast(a, b, include_distance=True, **kw)
    return float(dist), np.asarray(path, dtype=np.int64).reshape(-1, 2)


def lag_profile(path: np.ndarray, *, rate_hz: float, times: np.ndarray | None = None) -> pd.DataFrame:
    """Local lag along a warping path.

    For each index ``i`` of ``x``, ``lag = (mean of matched j - i) / rate_hz``
    (positive: ``x`` leads ``y``). ``times`` gives the time of each ``x``
    sample (default ``i / rate_hz``).

    Returns
    -------
    pandas.DataFrame
        ``i, time, lag_s``; attrs ``rate_hz``, ``convention``.
    """
    path = np.asarray(path)
    if path.ndim != 2 or path.shape[1] != 2 or path.shape[0] == 0:
        raise ValueError(f"expected a (k, 2) warping path, got shape {path.shape}")
    n = int(path[:, 0].max()) + 1
    cnt = np.bincount(path[:, 0], minlength=n)
    mean_j = np.bincount(path[:, 0], weights=path[:, 1], minlength=n) / np.maximum(cnt, 1)
    i = np.arange(n)
    t = i / rate_hz if times is None else np.asarray(times, dtype=float)[:n]
    out = pd.DataFrame({"i": i, "time": t, "lag_s": (mean_j - i) / rate_hz})
    out.attrs.update(rate_hz=float(rate_hz), convention="positive lag: x leads y")
    return out


def dtw_lag(x: np.ndarray, y: np.ndarray, *, rate_hz: float, max_lag_s: float, znorm: bool = True,
            nan: str = "interpolate", segment_s: float | None = 60.0, penalty: float | None = None,
            times: np.ndarray | None = None) -> tuple[float, pd.DataFrame]:
    """Typical lag between two equal-clock series from their DTW warping path.

    The band is ``max_lag_s`` (the path can shift at most that far). Long
    series are cut into segments of ``segment_s`` (aligned separately, which
    bounds memory and lets the lag drift slowly); the edges of each
    segment, where the path is pinned to the corners, are left out of the
    summary. The summary lag is the median local lag.

    Parameters
    ----------
    x, y
        Equal-length series on one clock (NaN filled per ``nan``).
    rate_hz
        Sampling rate.
    max_lag_s
        Sakoe-Chiba band in seconds.
    segment_s
        Segment length (None: one segment).
    penalty
        dtaidistance's penalty for non-diagonal steps (None: none).

    Returns
    -------
    lag_s : float
        Median local lag (positive: x leads y).
    profile : pandas.DataFrame
        ``segment, i, time, lag_s, edge`` for every sample of ``x``.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"expected equal-length series on one clock, got {x.shape[0]} and {y.shape[0]} "
                         f"samples (mismatched clocks? use alloava_analysis.clocks)")
    band = _band(None, max_lag_s, rate_hz)
    n = x.shape[0]
    seg = n if not segment_s else max(int(round(segment_s * rate_hz)), 4 * band)
    t_all = np.arange(n) / rate_hz if times is None else np.asarray(times, dtype=float)
    parts = []
    for k, a in enumerate(range(0, n, seg)):
        b = min(n, a + seg)
        if b - a < 2 * band + 3:  # a short tail: merge into the previous segment's summary by skipping
            if parts:
                continue
        _, path = dtw_path(x[a:b], y[a:b], band=band, znorm=znorm, nan=nan, penalty=penalty)
        prof = lag_profile(path, rate_hz=rate_hz, times=t_all[a:b])
        prof["i"] += a
        prof["segment"] = k
        prof["edge"] = (prof["i"] - a < band) | (b - 1 - prof["i"] < band)
        parts.append(prof)
    profile = pd.concat(parts, ignore_index=True)[["segment", "i", "time", "lag_s", "edge"]]
    inner = profile.loc[~profile["edge"], "lag_s"]
    lag = float(np.median(inner)) if len(inner) else float(np.median(profile["lag_s"]))
    profile.attrs.update(rate_hz=float(rate_hz), band=int(band), max_lag_s=float(max_lag_s),
                         convention="positive lag: x leads y", lag_s=lag)
    return lag, profile


def distance_matrix(series: list[np.ndarray] | np.ndarray, *, band: int | None = None,
                    band_s: float | None = None, rate_hz: float | None = None, znorm: bool = True,
                    nan: str = "raise", parallel: bool = True) -> np.ndarray:
    """All pairwise DTW distances, computed in C with OpenMP (``distance_matrix_fast``).

    Parameters
    ----------
    series
        List of 1-D series (lengths may differ) or of (time, features)
        arrays for multivariate DTW, or a 2-D array of equal-length series.
    parallel
        Use OpenMP threads.

    Returns
    -------
    numpy.ndarray
        Symmetric (n, n) matrix with zeros on the diagonal.
    """
    require_c()
    from dtaidistance import dtw, dtw_ndim

    items = list(series)
    if len(items) < 2:
        raise ValueError(f"expected at least 2 series for a distance matrix, got {len(items)}")
    prepared = []
    for i, s in enumerate(items):
        v = znormalize(s, nan=nan, what=f"series {i}") if znorm else np.asarray(s, dtype=np.float64)
        if not np.isfinite(v).all():
            raise ValueError(f"expected finite values in series {i}, got NaN/inf")
        prepared.append(np.ascontiguousarray(v))
    ndims = {v.ndim for v in prepared}
    if len(ndims) > 1:
        raise ValueError("expected all series univariate or all multivariate, got a mix")
    kw = _kwargs(_band(band, band_s, rate_hz), None)
    if prepared[0].ndim == 2:
        d = dtw_ndim.distance_matrix_fast(prepared, parallel=parallel, compact=False, **kw)
    else:
        d = dtw.distance_matrix_fast(prepared, parallel=parallel, compact=False, **kw)
    d = np.array(d, dtype=np.float64)
    lower = np.tril_indices_from(d, -1)
    d[lower] = d.T[lower]
    np.fill_diagonal(d, 0.0)
    return d


def dtw_reference(x: np.ndarray, y: np.ndarray, *, band: int | None = None) -> float:
    """Plain-Python DTW (same cost and band as dtaidistance) for checking and benchmarking.

    ``D[i, j] = |x_i - y_j|^2 + min(D[i-1, j], D[i, j-1], D[i-1, j-1])``; row
    ``i`` may use columns ``i - max(0, n - m) - band < j < i + max(0, m - n) + band``
    (dtaidistance's Sakoe-Chiba window, widened by the length difference);
    the distance is ``sqrt(D[n-1, m-1])``. Univariate or multivariate
    (squared Euclidean inner cost). Slow by design: loops in Python.
    """
    a = [np.atleast_1d(v) for v in np.asarray(x, dtype=float)]
    b = [np.atleast_1d(v) for v in np.asarray(y, dtype=float)]
    n, m = len(a), len(b)
    w = max(n, m) if band is None else int(band)
    inf = float("inf")
    prev = [inf] * (m + 1)  # prev[j + 1] is D[i - 1, j]; prev[0] is the virtual start
    prev[0] = 0.0
    for i in range(n):
        cur = [inf] * (m + 1)
        lo = max(0, i - max(0, n - m) - w + 1)
        hi = min(m, i + max(0, m - n) + w)
        ai = a[i]
        for j in range(lo, hi):
            diff = ai - b[j]
            cost = float((diff * diff).sum())
            cur[j + 1] = cost + min(prev[j + 1], cur[j], prev[j])
        prev = cur
        prev[0] = inf
    return float(np.sqrt(prev[m]))
