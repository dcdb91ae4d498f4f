"""Dynamic time warping with ``dtaidistance``'s C backend.

* Distances use ``dtaidistance.dtw.distance_fast`` (univariate) and
  ``dtaidistance.dtw_ndim.distance_fast`` (multivariate: series of shape
  (time, features)); the cost is the square root of the summed squared
  differences along the path, as in ``dtaidistance``.
* The **Sakoe-Chiba band** is given in seconds (``band_s``) or samples
  (``band``): a sample may only be matched to samples less than ``band``
  steps away (dtaidistance's ``window``).
* Series are **z-normalised** by default, so DTW compares shapes, not levels.
* :func:`dtw_shift_lag` is the DTW lag that ``alloava correlate`` reports: the
  global shift of ``y`` whose DTW alignment with ``x`` (local warps up to
  0.1 s) costs least, searched explicitly over ``[-max_lag_s, max_lag_s]``,
  with a block-bootstrap interval and a circular-shift null; a lag that is not
  detectable is NaN with the reason in words. Positive means ``x`` leads ``y``
  (same convention as :func:`alloava_analysis.crossmodal.lags.cross_correlation_lag`).
  :func:`banded_costs` is its vectorised DTW (equal to dtaidistance's cost).
* :func:`dtw_lag` summarises one warping path as a lag (the median offset of
  the **peaks the path matches**, :func:`matched_peaks`). It is kept for
  looking at paths but is **not a calibrated lag** (issue 22, measured on an
  independent generator and on exact nulls): re-aligning around its own
  estimate makes the estimate confirm itself, so 25-50 % of its block-bootstrap
  intervals exclude 0 on exact nulls; without re-alignment the path's pull
  towards the diagonal shrinks lags (0.30 s for a planted 0.4 s); and
  matched-peak offsets depend on the shapes of the peaks (fast-rise,
  slow-decay strokes against symmetric syllables), not only on their timing.
  :func:`lag_profile` gives the path's local lag per sample (for each ``i``
  of ``x``, the mean matched ``j`` minus ``i``).
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

from ..checks import check_int, check_nonnegative, check_option, check_positive, check_range
from ..errors import ParameterError, SchemaError

__all__ = [
    "banded_costs",
    "distance_matrix",
    "dtw_distance",
    "dtw_lag",
    "dtw_lag_interval",
    "dtw_path",
    "dtw_reference",
    "dtw_shift_lag",
    "lag_profile",
    "matched_peaks",
    "pooled_dtw_shift_lag",
    "require_c",
    "znormalize",
]

log = logging.getLogger(__name__)

#: Allowed values of ``nan``: what to do with missing samples.
NAN_POLICIES = ("raise", "interpolate")
_INSTALL_ADVICE = ("pip install --force-reinstall --no-deps --no-binary dtaidistance dtaidistance "
                   "(needs a C compiler with OpenMP, e.g. gcc)")


@lru_cache(maxsize=1)
def require_c() -> bool:
    """Check that dtaidistance's C (and OpenMP) extensions load; raise ``RuntimeError`` otherwise.

    ``dtaidistance`` prints its diagnostics to stdout; they are captured (so
    ``--json`` output stays clean) and put into the error message.

    Returns
    -------
    bool
        True (the result is cached).
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
            raise SchemaError(f"expected finite values in {what}, got all NaN")
        if not ok.all():
            flat[:, c] = np.interp(t, t[ok], flat[ok, c])
    return flat.reshape(v.shape)


def znormalize(x: np.ndarray, *, nan: str = "raise", what: str = "series") -> np.ndarray:
    """Z-normalise along time (axis 0), per feature for 2-D input.

    Parameters
    ----------
    x
        Series of shape (time,) or (time, features), at least 2 samples.
    nan
        ``"raise"`` (default) or ``"interpolate"`` (linear in sample index,
        nearest at the edges; documented gap filling, never silent).
    what
        Name of the series in error messages.

    Returns
    -------
    numpy.ndarray
        The z-normalised series (float64, same shape).

    Raises
    ------
    SchemaError
        For NaN with ``nan="raise"``, or a constant series (no shape to align).
    """
    check_option("nan", nan, NAN_POLICIES)
    v = np.asarray(x, dtype=np.float64)
    if v.ndim not in (1, 2) or v.shape[0] < 2:
        raise SchemaError(f"expected {what} of shape (time,) or (time, features) with >= 2 samples, got {v.shape}")
    if not np.isfinite(v).all():
        if nan != "interpolate":
            raise SchemaError(f"expected finite {what} for DTW, got {int((~np.isfinite(v)).sum())} NaN/inf "
                              f"(pass nan='interpolate' to fill gaps linearly)")
        v = _fill_nan(v, what)
    sd = v.std(axis=0)
    if np.any(sd == 0):
        raise SchemaError(f"expected a non-constant {what} to z-normalise, got a constant series")
    return (v - v.mean(axis=0)) / sd


def _prepare(x: np.ndarray, y: np.ndarray, znorm: bool, nan: str) -> tuple[np.ndarray, np.ndarray]:
    check_option("nan", nan, NAN_POLICIES)
    if znorm:
        a, b = znormalize(x, nan=nan, what="x"), znormalize(y, nan=nan, what="y")
    else:
        a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        if nan == "interpolate":
            a, b = _fill_nan(a, "x"), _fill_nan(b, "y")
        if not (np.isfinite(a).all() and np.isfinite(b).all()):
            raise SchemaError("expected finite series for DTW, got NaN/inf (pass nan='interpolate')")
    if a.ndim != b.ndim or (a.ndim == 2 and a.shape[1] != b.shape[1]):
        raise SchemaError(f"expected series with the same number of features, got shapes {a.shape} and {b.shape}")
    return np.ascontiguousarray(a), np.ascontiguousarray(b)


def _band(band: int | None, band_s: float | None, rate_hz: float | None) -> int | None:
    check_int("band", band, minimum=1, allow_none=True)
    check_nonnegative("band_s", band_s, allow_none=True)
    check_positive("rate_hz", rate_hz, allow_none=True)
    if band is not None and band_s is not None:
        raise ParameterError(f"invalid value for band_s: expected band (samples) or band_s (seconds), got both "
                             f"(band={band}, band_s={band_s})", name="band_s")
    if band_s is not None:
        if rate_hz is None:
            raise ParameterError("invalid value for rate_hz: expected the sampling rate in Hz with band_s, got None",
                                 name="rate_hz")
        band = int(np.ceil(band_s * rate_hz)) + 1
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
    band = _band(band, band_s, rate_hz)
    require_c()
    from dtaidistance import dtw, dtw_ndim

    a, b = _prepare(x, y, znorm, nan)
    kw = _kwargs(band, None)
    if a.ndim == 2:
        return float(dtw_ndim.distance_fast(a, b, **kw))
    return float(dtw.distance_fast(a, b, use_pruning=False, **kw))


def dtw_path(x: np.ndarray, y: np.ndarray, *, band: int | None = None, band_s: float | None = None,
             rate_hz: float | None = None, znorm: bool = True, nan: str = "raise",
             penalty: float | None = None) -> tuple[float, np.ndarray]:
    """DTW distance and the optimal warping path (C backend).

    Parameters
    ----------
    x, y
        Shape (time,) (lengths may differ).
    band, band_s, rate_hz
        Sakoe-Chiba band in samples, or in seconds with the sampling rate in Hz
        (not both; None: no band).
    znorm
        Z-normalise each series first.
    nan
        ``"raise"`` or ``"interpolate"`` (see :func:`znormalize`).
    penalty
        dtaidistance's penalty for a non-diagonal step (None: none).

    Returns
    -------
    distance : float
    path : numpy.ndarray
        (k, 2) int array of matched index pairs ``(i in x, j in y)``, from
        ``(0, 0)`` to ``(len(x) - 1, len(y) - 1)``.
    """
    check_nonnegative("penalty", penalty, allow_none=True)
    band = _band(band, band_s, rate_hz)
    require_c()
    from dtaidistance import dtw

    a, b = _prepare(x, y, znorm, nan)
    kw = _kwargs(band, penalty)
    path, dist = dtw.warping_path_fast(a, b, include_distance=True, **kw)
    return float(dist), np.asarray(path, dtype=np.int64).reshape(-1, 2)


def lag_profile(path: np.ndarray, *, rate_hz: float, times: np.ndarray | None = None) -> pd.DataFrame:
    """Local lag along a warping path.

    For each index ``i`` of ``x``, ``lag = (mean of matched j - i) / rate_hz``
    (positive: ``x`` leads ``y``). ``times`` gives the time of each ``x``
    sample (default ``i / rate_hz``).

    Parameters
    ----------
    path
        Warping path, (k, 2) index pairs ``(i, j)`` as from :func:`dtw_path`.
    rate_hz
        Sampling rate in Hz of both series.
    times
        Time in seconds of each ``x`` sample.

    Returns
    -------
    pandas.DataFrame
        ``i, time, lag_s``; attrs ``rate_hz``, ``convention``.
    """
    check_positive("rate_hz", rate_hz)
    path = np.asarray(path)
    if path.ndim != 2 or path.shape[1] != 2 or path.shape[0] == 0:
        raise SchemaError(f"expected a (k, 2) warping path, got shape {path.shape}")
    n = int(path[:, 0].max()) + 1
    cnt = np.bincount(path[:, 0], minlength=n)
    mean_j = np.bincount(path[:, 0], weights=path[:, 1], minlength=n) / np.maximum(cnt, 1)
    i = np.arange(n)
    t = i / rate_hz if times is None else np.asarray(times, dtype=float)[:n]
    out = pd.DataFrame({"i": i, "time": t, "lag_s": (mean_j - i) / rate_hz})
    out.attrs.update(rate_hz=float(rate_hz), convention="positive lag: x leads y")
    return out


def _refine(v: np.ndarray, i: int) -> float:
    """Sub-sample position of a local maximum at ``i`` (parabola through it and its neighbours)."""
    if i <= 0 or i >= v.size - 1:
        return float(i)
    a, b, c = v[i - 1], v[i], v[i + 1]
    den = a - 2 * b + c
    return float(i + (np.clip(0.5 * (a - c) / den, -0.5, 0.5) if den < 0 else 0.0))


def matched_peaks(a: np.ndarray, b: np.ndarray, path: np.ndarray, *, prominence: float = 1.0,
                  min_distance: int = 1, tolerance: int = 1) -> pd.DataFrame:
    """Peaks of ``a`` and ``b`` that a warping path matches to each other, refined to sub-sample positions.

    A peak ``i`` of ``a`` (local maximum with at least ``prominence`` in units
    of the series' standard deviation) is matched to the peak ``j`` of ``b``
    nearest to the path's partners of ``i`` when one lies within
    ``tolerance`` samples of them; the same from the side of ``b``, and the
    union is kept, so swapping ``a`` and ``b`` only changes the sign of the
    offsets. Positions are refined by a parabola through each peak.

    Parameters
    ----------
    a, b
        The two aligned 1-D series.
    path
        Their warping path, (k, 2) index pairs ``(i in a, j in b)``.
    prominence
        Smallest peak prominence, in standard deviations of each series.
    min_distance
        Smallest distance between peaks of one series, in samples.
    tolerance
        How far (samples) a peak of the other series may lie outside the path's partners.

    Returns
    -------
    pandas.DataFrame
        ``i, j, i_refined, j_refined, offset`` (``j_refined - i_refined``, samples).
    """
    from scipy import signal
    check_nonnegative("prominence", prominence)
    check_int("min_distance", min_distance, minimum=0)
    check_nonnegative("tolerance", tolerance)
    path = np.asarray(path)
    sd_a, sd_b = float(np.std(a)) or 1.0, float(np.std(b)) or 1.0
    pa, _ = signal.find_peaks(a, prominence=prominence * sd_a, distance=max(1, int(min_distance)))
    pb, _ = signal.find_peaks(b, prominence=prominence * sd_b, distance=max(1, int(min_distance)))
    pairs = set()
    for own, other, col, partner in ((pa, pb, 0, 1), (pb, pa, 1, 0)):
        if not own.size or not other.size:
            continue
        order = np.argsort(path[:, col], kind="stable")
        keys = path[order, col]
        for p in own:
            lo, hi = np.searchsorted(keys, p, "left"), np.searchsorted(keys, p, "right")
            partners = path[order[lo:hi], partner]
            if not partners.size:
                continue
            k = np.searchsorted(other, partners.mean())
            near = [q for q in other[max(k - 1, 0):k + 1]
                    if partners.min() - tolerance <= q <= partners.max() + tolerance]
            if near:
                q = min(near, key=lambda q: abs(q - partners.mean()))
                pairs.add((int(p), int(q)) if col == 0 else (int(q), int(p)))
    rows = sorted(pairs)
    out = pd.DataFrame(rows, columns=["i", "j"], dtype="int64")
    out["i_refined"] = [_refine(a, i) for i in out["i"]]
    out["j_refined"] = [_refine(b, j) for j in out["j"]]
    out["offset"] = out["j_refined"] - out["i_refined"]
    return out


def dtw_lag(x: np.ndarray, y: np.ndarray, *, rate_hz: float, max_lag_s: float, znorm: bool = True,
            nan: str = "interpolate", segment_s: float | None = 60.0, penalty: float | None = None,
            times: np.ndarray | None = None, summary: str = "peaks", prominence: float = 1.0,
            min_peak_distance_s: float = 0.1, smooth_s: float = 0.1, recentre: bool = True,
            max_iter: int = 5) -> tuple[float, pd.DataFrame]:
    """Typical lag between two equal-clock series from their DTW warping path (not calibrated: see the module notes).

    The band is ``max_lag_s`` in both directions (a symmetric Sakoe-Chiba
    band: the path can shift at most that far either way). Long series are
    cut into segments of ``segment_s`` (aligned separately, which bounds
    memory and lets the lag drift slowly); the edges of each segment, where
    the path is pinned to the corners, are left out of the summary.

    ``summary="peaks"`` (default): the lag is the median offset between the
    peaks of ``x`` and of ``y`` that the path matches to each other
    (:func:`matched_peaks`), each refined to sub-sample precision. The
    median local lag of the path itself (``summary="path"``) is biased
    towards 0 and quantised to whole samples: where the two series share
    little, the path wanders near the diagonal whatever the true lag.

    That pull towards the diagonal also shrinks matched-peak offsets (slope
    about 0.9 against planted lags), so with ``recentre=True`` (default) the
    alignment is repeated with ``y`` shifted by the whole-sample part of the
    current estimate until the shift no longer changes (at most
    ``max_iter`` times, ``|shift| <= max_lag_s``): the lag is that shift plus
    the median residual offset, and the pull acts only on the residual. The
    band of a recentred alignment narrows by the shift, so no local lag of the
    profile lies outside the searched ``+-max_lag_s``. The
    series are first smoothed with a Gaussian of standard deviation
    ``smooth_s`` (0 disables it), so that peaks are features of the signal
    rather than of frame noise.

    Parameters
    ----------
    x, y
        Equal-length series on one clock (NaN filled per ``nan``).
    rate_hz
        Sampling rate.
    max_lag_s
        Sakoe-Chiba band in seconds.
    znorm
        Z-normalise each segment before alignment.
    nan
        ``"interpolate"`` (default) or ``"raise"`` (see :func:`znormalize`).
    segment_s
        Segment length (None: one segment).
    penalty
        dtaidistance's penalty for non-diagonal steps (None: none).
    times
        Time in seconds of each sample (default ``i / rate_hz``), for the profile and peaks.
    summary
        ``"peaks"`` or ``"path"`` (see above).
    prominence, min_peak_distance_s
        Peak detection for ``summary="peaks"``: prominence in standard
        deviations of the (z-normalised) series, smallest distance between peaks.
    smooth_s
        Gaussian smoothing (standard deviation, seconds) before alignment.
    recentre, max_iter
        Re-align around the current estimate (see above).

    Returns
    -------
    lag_s : float
        Median matched-peak offset (or median local lag), seconds; positive: x leads y.
        NaN when no peaks were matched.
    profile : pandas.DataFrame
        ``segment, i, time, lag_s, edge`` for every sample of ``x`` (of the
        last alignment, ``lag_s`` including the shift); attrs ``peaks``: a table
        ``segment, i, j, time, offset_s`` of the matched peaks used (inside the
        segment edges, offsets including the shift), ``n_peaks``, ``summary``,
        ``shift_samples``, ``iterations``.
    """
    check_option("summary", summary, ("peaks", "path"))
    check_positive("rate_hz", rate_hz)
    check_nonnegative("max_lag_s", max_lag_s)
    check_option("nan", nan, NAN_POLICIES)
    check_nonnegative("segment_s", segment_s, allow_none=True)
    check_nonnegative("penalty", penalty, allow_none=True)
    check_nonnegative("prominence", prominence)
    check_nonnegative("min_peak_distance_s", min_peak_distance_s)
    check_nonnegative("smooth_s", smooth_s)
    check_int("max_iter", max_iter, minimum=1)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape[0] != y.shape[0]:
        raise SchemaError(f"expected equal-length series on one clock, got {x.shape[0]} and {y.shape[0]} "
                          f"samples (mismatched clocks? use alloava_analysis.clocks)")
    band = _band(None, max_lag_s, rate_hz)
    t_all = np.arange(x.shape[0]) / rate_hz if times is None else np.asarray(times, dtype=float)
    if smooth_s:
        from scipy.ndimage import gaussian_filter1d

        sigma = smooth_s * rate_hz
        x = gaussian_filter1d(_fill_nan(x, "x"), sigma, axis=0, mode="nearest")
        y = gaussian_filter1d(_fill_nan(y, "y"), sigma, axis=0, mode="nearest")
    shift, iterations = 0, 0
    max_shift = int(round(max_lag_s * rate_hz))
    while True:
        iterations += 1
        n = x.shape[0] - abs(shift)
        xs, ys = (x[:n], y[shift:]) if shift >= 0 else (x[-shift:], y[:n])
        ts = t_all[:n] if shift >= 0 else t_all[-shift:]
        # the band narrows by the shift, so that shift + local lag stays within the searched +-max_lag_s
        residual, profile, peaks = _align_once(xs, ys, rate_hz=rate_hz, band=max(band - abs(shift), 1),
                                               znorm=znorm, nan=nan,
                                               segment_s=segment_s, penalty=penalty, times=ts, summary=summary,
                                               prominence=prominence,
                                               min_distance=int(round(min_peak_distance_s * rate_hz)))
        if not recentre or not np.isfinite(residual) or iterations >= max_iter:
            break
        new = int(np.clip(shift + round(residual * rate_hz), -max_shift, max_shift))
        if new == shift:
            break
        shift = new
    offset = 0 if shift >= 0 else -shift
    profile["i"] += offset
    profile["lag_s"] += shift / rate_hz
    peaks = peaks.assign(i=peaks["i"] + offset, j=peaks["j"] + offset + shift,
                         offset_s=peaks["offset_s"] + shift / rate_hz)
    lag = residual + shift / rate_hz
    profile.attrs.update(rate_hz=float(rate_hz), band=int(band), max_lag_s=float(max_lag_s),
                         convention="positive lag: x leads y", lag_s=lag, summary=summary,
                         n_peaks=int(len(peaks)), peaks=peaks, shift_samples=int(shift), iterations=iterations,
                         smooth_s=float(smooth_s))
    return lag, profile


def _align_once(x: np.ndarray, y: np.ndarray, *, rate_hz: float, band: int, znorm: bool, nan: str,
                segment_s: float | None, penalty: float | None, times: np.ndarray, summary: str,
                prominence: float, min_distance: int) -> tuple[float, pd.DataFrame, pd.DataFrame]:
    """One DTW alignment of ``x`` and ``y`` by segments: the lag summary, the local-lag profile, matched peaks."""
    n = x.shape[0]
    seg = n if not segment_s else max(int(round(segment_s * rate_hz)), 4 * band)
    parts, peak_parts = [], []
    for k, a in enumerate(range(0, n, seg)):
        b = min(n, a + seg)
        if b - a < 2 * band + 3 and parts:  # a short tail: left out of the summary
            continue
        xa, ya = _prepare(x[a:b], y[a:b], znorm, nan)
        _, path = dtw_path(xa, ya, band=band, znorm=False, penalty=penalty)
        prof = lag_profile(path, rate_hz=rate_hz, times=times[a:b])
        prof["i"] += a
        prof["segment"] = k
        prof["edge"] = (prof["i"] - a < band) | (b - 1 - prof["i"] < band)
        parts.append(prof)
        if summary == "peaks" and xa.ndim == 1:
            pk = matched_peaks(xa, ya, path, prominence=prominence, min_distance=min_distance)
            pk = pk[(pk["i"] >= band) & (pk["i"] < (b - a) - band)]
            peak_parts.append(pd.DataFrame({"segment": k, "i": pk["i"].to_numpy() + a,
                                            "j": pk["j"].to_numpy() + a,
                                            "time": times[a:b][pk["i"].to_numpy()],
                                            "offset_s": pk["offset"].to_numpy() / rate_hz}))
    profile = pd.concat(parts, ignore_index=True)[["segment", "i", "time", "lag_s", "edge"]]
    peaks = (pd.concat(peak_parts, ignore_index=True) if peak_parts
             else pd.DataFrame({"segment": [], "i": [], "j": [], "time": [], "offset_s": []}))
    if summary == "peaks":
        lag = float(np.median(peaks["offset_s"])) if len(peaks) else float("nan")
    else:
        inner = profile.loc[~profile["edge"], "lag_s"]
        lag = float(np.median(inner)) if len(inner) else float(np.median(profile["lag_s"]))
    return lag, profile, peaks


def distance_matrix(series: list[np.ndarray] | np.ndarray, *, band: int | None = None,
                    band_s: float | None = None, rate_hz: float | None = None, znorm: bool = True,
                    nan: str = "raise", parallel: bool = True) -> np.ndarray:
    """All pairwise DTW distances, computed in C with OpenMP (``distance_matrix_fast``).

    Parameters
    ----------
    series
        List of 1-D series (lengths may differ) or of (time, features)
        arrays for multivariate DTW, or a 2-D array of equal-length series.
    band, band_s, rate_hz
        Sakoe-Chiba band in samples, or in seconds with the sampling rate in Hz.
    znorm
        Z-normalise each series (per feature) first.
    nan
        ``"raise"`` or ``"interpolate"`` (see :func:`znormalize`).
    parallel
        Use OpenMP threads.

    Returns
    -------
    numpy.ndarray
        Symmetric (n, n) matrix with zeros on the diagonal.
    """
    check_option("nan", nan, NAN_POLICIES)
    band = _band(band, band_s, rate_hz)
    require_c()
    from dtaidistance import dtw, dtw_ndim

    items = list(series)
    if len(items) < 2:
        raise SchemaError(f"expected at least 2 series for a distance matrix, got {len(items)}")
    prepared = []
    for i, s in enumerate(items):
        v = znormalize(s, nan=nan, what=f"series {i}") if znorm else np.asarray(s, dtype=np.float64)
        if not np.isfinite(v).all():
            raise SchemaError(f"expected finite values in series {i}, got NaN/inf")
        prepared.append(np.ascontiguousarray(v))
    ndims = {v.ndim for v in prepared}
    if len(ndims) > 1:
        raise SchemaError("expected all series univariate or all multivariate, got a mix")
    kw = _kwargs(band, None)
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

    Parameters
    ----------
    x, y
        Shape (time,) or (time, features); lengths may differ.
    band
        Sakoe-Chiba band in samples (None: no band).

    Returns
    -------
    float
        The DTW distance (``inf`` when the band makes the end unreachable).
    """
    check_int("band", band, minimum=1, allow_none=True)
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


def _median_interval(estimate: float, reps: np.ndarray, units: int, ci: float) -> tuple[float, float]:
    from scipy import stats

    reps = reps[np.isfinite(reps)]
    if units < 3 or reps.size < 10 or not np.isfinite(estimate):
        return np.nan, np.nan
    sd = float(np.std(reps, ddof=1) * np.sqrt(units / (units - 1)))
    t = stats.t.ppf(0.5 + ci / 2, df=units - 1)
    return estimate - t * sd, estimate + t * sd


def dtw_lag_interval(peaks: pd.DataFrame | list[pd.DataFrame], *, block_s: float = 5.0, n_boot: int = 500,
                     ci: float = 0.95, seed: int = 0) -> dict:
    """Interval for a matched-peak DTW lag: block bootstrap over time (one clip) or over clips (a list).

    One table (``profile.attrs["peaks"]`` of :func:`dtw_lag`): the peaks are
    grouped into blocks of ``block_s`` by their time, blocks are resampled
    with replacement and the median offset recomputed. A list of tables (one
    per clip): clips are resampled (cluster bootstrap) and the median of all
    their offsets recomputed. The interval is ``median +- t(B - 1) sd*``
    with ``B`` blocks or clips.

    Parameters
    ----------
    peaks
        One matched-peak table (``time``, ``offset_s``) or a list of them, one per clip.
    block_s
        Block length in seconds (one table only).
    n_boot
        Bootstrap resamples.
    ci
        Coverage of the interval, in (0, 1).
    seed
        Seed of the resampling.

    Returns
    -------
    dict
        ``lag_s, ci_low, ci_high, units`` (blocks or clips), ``n_peaks``.
    """
    check_positive("block_s", block_s)
    check_int("n_boot", n_boot, minimum=1)
    check_range("ci", ci, 0, 1, inclusive=(False, False))
    check_int("seed", seed, minimum=0)
    tables = peaks if isinstance(peaks, list) else None
    if tables is None:
        p = peaks
        if not len(p):
            return {"lag_s": np.nan, "ci_low": np.nan, "ci_high": np.nan, "units": 0, "n_peaks": 0}
        groups = np.floor(p["time"].to_numpy(float) / block_s).astype(int)
        offsets = p["offset_s"].to_numpy(float)
    else:
        tables = [t for t in tables if len(t)]
        if not tables:
            return {"lag_s": np.nan, "ci_low": np.nan, "ci_high": np.nan, "units": 0, "n_peaks": 0}
        groups = np.concatenate([np.full(len(t), k) for k, t in enumerate(tables)])
        offsets = np.concatenate([t["offset_s"].to_numpy(float) for t in tables])
    labels, inverse = np.unique(groups, return_inverse=True)
    units = labels.size
    members = [offsets[inverse == u] for u in range(units)]
    estimate = float(np.median(offsets))
    rng = np.random.default_rng(seed)
    reps = np.empty(n_boot)
    for b in range(n_boot):
        pick = rng.integers(0, units, units)
        reps[b] = np.median(np.concatenate([members[u] for u in pick]))
    lo, hi = _median_interval(estimate, reps, units, ci)
    return {"lag_s": estimate, "ci_low": lo, "ci_high": hi, "units": int(units), "n_peaks": int(offsets.size)}


# --------------------------------------------------------------------------------------------
# DTW lag as the global shift with the least elastic-alignment cost
# --------------------------------------------------------------------------------------------
def banded_costs(a: np.ndarray, b: np.ndarray, *, warp: int) -> np.ndarray:
    """Squared DTW distance of many equal-length pairs at once, with a Sakoe-Chiba band of ``warp`` samples.

    The same cost and band as dtaidistance's ``distance_fast(a, b, window=warp + 1) ** 2`` (a sample may
    be matched to samples at most ``warp`` steps away), vectorised over the leading axes with numpy.

    Parameters
    ----------
    a, b
        Arrays of shape (..., time), finite; the last axis is aligned.
    warp
        Largest local warp in samples (0: the squared Euclidean distance).

    Returns
    -------
    numpy.ndarray
        Shape (...): the summed squared differences along each optimal path.
    """
    check_int("warp", warp, minimum=0)
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim < 1:
        raise SchemaError(f"expected two arrays of one shape (..., time), got {a.shape} and {b.shape}")
    n, w = a.shape[-1], int(warp)
    batch = a.shape[:-1]
    at = np.ascontiguousarray(a.reshape(-1, n).T)  # time first: each step reads contiguous rows
    bt = np.ascontiguousarray(b.reshape(-1, n).T)
    prev = np.full((2 * w + 3, at.shape[1]), np.inf)  # row k + 1 holds offset k - w (j = i + k - w); ends stay inf
    prev[w + 1] = 0.0  # the virtual start D[-1, -1]
    cur = np.full_like(prev, np.inf)
    for i in range(n):
        cur[:] = np.inf
        for k in range(2 * w + 1):
            j = i + k - w
            if 0 <= j < n:
                # from (i - 1, j) at offset k + 1, (i - 1, j - 1) at offset k, (i, j - 1) at offset k - 1
                step = np.minimum(np.minimum(prev[k + 2], prev[k + 1]), cur[k])
                cur[k + 1] = (at[i] - bt[j]) ** 2 + step
        prev, cur = cur, prev
    return prev[w + 1].reshape(batch)


def _block_costs(x: np.ndarray, ys: np.ndarray, lags: np.ndarray, margin: int, step: int,
                 warp: int) -> tuple[np.ndarray, np.ndarray]:
    """DTW cost and normalising energy, shape (versions of y, blocks, lags), over blocks of ``x[margin:-margin]``."""
    usable = (x.size - 2 * margin) // step * step
    xb = x[margin:margin + usable].reshape(-1, step)
    yb = np.stack([ys[:, margin + s:margin + s + usable].reshape(ys.shape[0], -1, step) for s in lags], axis=-2)
    xb = np.broadcast_to(xb[None, :, None, :], yb.shape)
    return banded_costs(xb, yb, warp=warp), (xb ** 2).sum(-1) + (yb ** 2).sum(-1)


def _curve_minimum(cost: np.ndarray, energy: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """Refined lag (samples) of the least normalised cost of each row of summed block costs (..., lags)."""
    from .lags import _refine_peak

    curve = -np.atleast_2d(cost / energy)
    out = np.full(curve.shape[0], np.nan)
    for k, row in enumerate(curve):
        if np.isfinite(row).any():
            i = int(np.nanargmax(row))
            out[k] = lags[i] + _refine_peak(row, i)
    return out


def _depth(cost: np.ndarray, energy: np.ndarray) -> np.ndarray:
    """How far the least normalised cost lies below the median over lags (the peak statistic), per row."""
    c = np.atleast_2d(cost / energy)
    return np.median(c, axis=-1) - np.min(c, axis=-1)


def dtw_shift_lag(x: np.ndarray, y: np.ndarray, *, rate_hz: float, max_lag_s: float, warp_s: float = 0.1,
                  block_s: float = 5.0, n_boot: int = 500, ci: float = 0.95, n_surrogates: int = 39,
                  alpha: float = 0.05, seed: int = 0) -> dict:
    """DTW lag: the global shift of ``y`` whose elastic (DTW) alignment with ``x`` costs least, with an interval.

    For each lag ``L`` in ``[-max_lag_s, max_lag_s]`` the series (z-normalised, NaN
    filled linearly) are compared over the same stretch of ``x`` -- the clip less
    ``max_lag_s`` at both ends -- cut into blocks of ``block_s``: each block of
    ``x`` is aligned by DTW with the matching block of ``y`` shifted by ``L``,
    allowing local warps up to ``warp_s``. The normalised cost
    ``sum(DTW cost) / sum(x^2 + y^2)`` is a curve over lags; its minimum
    (refined by a parabola) is the lag. Positive: ``x`` leads ``y``.

    Unlike a summary of one warping path (:func:`dtw_lag`), the shift is searched
    explicitly and symmetrically, so a path's pull towards the diagonal cannot
    shrink it, and the shapes of individual peaks do not enter it. The interval
    is a block bootstrap (blocks resampled, minimum recomputed, ``lag +- t(B - 1)
    sd*``); the minimum's depth below the curve's median is compared with that of
    ``n_surrogates`` circularly shifted copies of ``y`` (``p_value``). When it is
    not deeper than the null at ``alpha``, or the interval is missing or wider than
    the search range, the lag is NaN and ``reason`` says why
    (:func:`~alloava_analysis.crossmodal.lags.lag_verdict`).

    Parameters
    ----------
    x, y
        Equal-length series on one clock.
    rate_hz
        Sampling rate in Hz.
    max_lag_s
        Lags searched are ``[-max_lag_s, max_lag_s]``.
    warp_s
        Largest local warp of the alignment, seconds (0: no warping).
    block_s
        Block length in seconds (at least ``2 warp + 2`` samples).
    n_boot
        Bootstrap resamples of blocks.
    ci
        Coverage of the interval, in (0, 1).
    n_surrogates
        Circularly shifted copies of ``y`` for the null of the minimum.
    alpha
        Level of the test, in (0, 1).
    seed
        Seed of the bootstrap and the surrogates.

    Returns
    -------
    dict
        ``lag_s`` (NaN when not detectable), ``detectable, reason, peak_lag_s, p_value, ci_low, ci_high,
        se_s, n_blocks``, ``cost`` (normalised cost at the lag) and, for pooling over clips,
        ``curve: {lag_s, cost, energy}`` and ``null: {cost, energy}`` (arrays over lags; null one row per
        surrogate).
    """
    from .lags import lag_verdict, surrogate_p_value, surrogate_shifts, t_interval

    check_positive("rate_hz", rate_hz)
    check_nonnegative("max_lag_s", max_lag_s)
    check_nonnegative("warp_s", warp_s)
    check_positive("block_s", block_s)
    check_int("n_boot", n_boot, minimum=1)
    check_range("ci", ci, 0, 1, inclusive=(False, False))
    check_int("n_surrogates", n_surrogates, minimum=0)
    check_range("alpha", alpha, 0, 1, inclusive=(False, False))
    check_int("seed", seed, minimum=0)
    x = znormalize(x, nan="interpolate", what="x")
    y = znormalize(y, nan="interpolate", what="y")
    if x.ndim != 1 or x.shape != y.shape:
        raise SchemaError(f"expected two equal-length 1-D series on one clock, got shapes {x.shape} and {y.shape}")
    margin = int(round(max_lag_s * rate_hz))
    warp = int(round(warp_s * rate_hz))
    step = max(int(round(block_s * rate_hz)), 2 * warp + 2)
    lags = np.arange(-margin, margin + 1)
    if x.size - 2 * margin < step:
        raise SchemaError(f"expected a series longer than 2 max_lag_s + block_s ({2 * max_lag_s + block_s:g} s), "
                          f"got {x.size / rate_hz:g} s")
    shifts = surrogate_shifts(x.size, max_lag=margin, n_surrogates=n_surrogates, seed=seed)
    ys = np.stack([y] + [np.roll(y, int(s)) for s in shifts])  # the data, then its surrogates: one batch
    cost, energy = _block_costs(x, ys, lags, margin, step, warp)
    null_c, null_e = cost[1:].sum(1), energy[1:].sum(1)
    cost, energy = cost[0], energy[0]
    total_c, total_e = cost.sum(0), energy.sum(0)
    lag = float(_curve_minimum(total_c, total_e, lags)[0]) / rate_hz
    n_blocks = cost.shape[0]
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n_blocks, np.full(n_blocks, 1.0 / n_blocks), size=n_boot).astype(float)
    reps = _curve_minimum(counts @ cost, counts @ energy, lags) / rate_hz
    lo, hi, sd = t_interval(lag, reps, n_blocks, ci)
    p_value = surrogate_p_value(float(_depth(total_c, total_e)[0]), _depth(null_c, null_e)) if shifts.size \
        else float("nan")
    detectable, reason = lag_verdict(lag, lo, hi, p_value, max_lag_s=max_lag_s, alpha=alpha)
    return {"lag_s": lag if detectable else float("nan"), "detectable": detectable, "reason": reason,
            "peak_lag_s": lag, "p_value": p_value, "ci_low": lo, "ci_high": hi, "se_s": sd, "n_blocks": int(n_blocks),
            "cost": float(np.min(total_c / total_e)),
            "curve": {"lag_s": lags / rate_hz, "lag_samples": lags, "rate_hz": float(rate_hz), "cost": total_c,
                      "energy": total_e},
            "null": {"cost": null_c, "energy": null_e}}


def pooled_dtw_shift_lag(clips: list[dict], *, max_lag_s: float, n_boot: int = 1000, ci: float = 0.95,
                         seed: int = 0, alpha: float = 0.05) -> dict:
    """Pooled DTW lag: the least summed normalised cost over clips, with a cluster bootstrap and a pooled null.

    Parameters
    ----------
    clips
        Results of :func:`dtw_shift_lag` (one per clip, same rate and lag grid).
    max_lag_s
        The search range (for the detectability rule).
    n_boot
        Bootstrap resamples of clips.
    ci
        Coverage of the interval, in (0, 1).
    seed
        Seed of the bootstrap.
    alpha
        Level of the test.

    Returns
    -------
    dict
        ``lag_s`` (NaN when not detectable), ``detectable, reason, peak_lag_s, p_value, ci_low, ci_high, se_s,
        n_clips, cost``.
    """
    from .lags import lag_verdict, surrogate_p_value, t_interval

    check_nonnegative("max_lag_s", max_lag_s)
    check_int("n_boot", n_boot, minimum=1)
    check_range("ci", ci, 0, 1, inclusive=(False, False))
    check_int("seed", seed, minimum=0)
    check_range("alpha", alpha, 0, 1, inclusive=(False, False))
    if not clips:
        raise SchemaError("expected at least one clip's DTW lag result, got none", where="clips")
    lags, rate = clips[0]["curve"]["lag_samples"], clips[0]["curve"]["rate_hz"]
    if any(c["curve"]["rate_hz"] != rate or not np.array_equal(c["curve"]["lag_samples"], lags) for c in clips):
        raise SchemaError("expected DTW cost curves on one lag grid (same max_lag_s and rate)", where="clips")
    cost = np.stack([c["curve"]["cost"] for c in clips])
    energy = np.stack([c["curve"]["energy"] for c in clips])
    lag = float(_curve_minimum(cost.sum(0), energy.sum(0), lags)[0]) / rate
    k = len(clips)
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(k, np.full(k, 1.0 / k), size=n_boot).astype(float)
    reps = _curve_minimum(counts @ cost, counts @ energy, lags) / rate
    lo, hi, sd = t_interval(lag, reps, k, ci)
    n_sur = min(c["null"]["cost"].shape[0] for c in clips)
    p_value = float("nan")
    if n_sur:
        null_c = sum(c["null"]["cost"][:n_sur] for c in clips)
        null_e = sum(c["null"]["energy"][:n_sur] for c in clips)
        p_value = surrogate_p_value(float(_depth(cost.sum(0), energy.sum(0))[0]), _depth(null_c, null_e))
    detectable, reason = lag_verdict(lag, lo, hi, p_value, max_lag_s=max_lag_s, alpha=alpha)
    return {"lag_s": lag if detectable else float("nan"), "detectable": detectable, "reason": reason,
            "peak_lag_s": lag, "p_value": p_value, "ci_low": lo, "ci_high": hi, "se_s": sd, "n_clips": k,
            "cost": float(np.min(cost.sum(0) / energy.sum(0)))}
