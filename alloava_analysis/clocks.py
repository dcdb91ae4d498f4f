"""The one place that moves data between clocks.

Three clocks meet in Allo-AVA: the **audio clock** (feature frames of
:mod:`~alloava_analysis.features.speech`, e.g. 100 Hz), the **word clock** (word start
and end times from the transcript) and the **video clock** (pose frame times
from the container, see :mod:`~alloava_analysis.features.motion`). All of them count
seconds from the same media origin. Anything that puts a feature of one clock
onto another -- a per-frame word label, an audio envelope sampled at video
frames, or both modalities averaged over shared analysis windows -- goes
through the functions below, so the rules (NaN outside the source range, what
counts as "inside" a window, how much coverage a window needs) live in one
place.

Window tables carry ``window_s``, ``hop_s`` and ``clock`` in their columns so
every result built from them records how it was windowed.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .checks import check_option, check_positive, check_range
from .errors import ParameterError, SchemaError
from .model import check_time_axis, estimate_frame_rate

__all__ = [
    "CLOCKS",
    "aggregate_windows",
    "count_in_windows",
    "make_windows",
    "resample_to_times",
    "shared_span",
    "words_to_frames",
]

CLOCKS = ("audio", "video", "word", "window")
_RESAMPLE_METHODS = ("linear", "mean", "nearest")
_AGGREGATES = ("mean", "median", "max", "sum")
#: Events this close before a window boundary count as on it (float rounding of ``k * hop``).
_INSTANT_TOLERANCE_S = 1e-9


def words_to_frames(words: pd.DataFrame, frame_times: np.ndarray) -> pd.Series:
    """The word being spoken at each frame time.

    A frame at time ``t`` shows the word whose ``[start, end)`` interval
    contains ``t``; ``""`` when no word does (silence, or a zero-length word).
    If words overlap, the one that started last wins.

    Parameters
    ----------
    words
        Words table with at least ``word``, ``start`` and ``end`` columns
        (seconds from the media origin), as built by :func:`~alloava_analysis.model.make_words`.
    frame_times
        Frame times in seconds (strictly increasing), e.g. ``pose.time.values``.

    Returns
    -------
    pandas.Series
        One string per frame, indexed by ``frame_times`` (index name ``time``),
        named ``word``.
    """
    t = check_time_axis(frame_times, what="frame times")
    missing = [c for c in ("word", "start", "end") if c not in words]
    if missing:
        raise SchemaError(f"expected words with columns word, start, end; missing {missing}", where="words")
    index = pd.Index(t, name="time")
    if len(words) == 0:
        return pd.Series(np.full(t.size, "", dtype=object), index=index, name="word")
    order = np.argsort(words["start"].to_numpy(dtype=float), kind="stable")
    starts = words["start"].to_numpy(dtype=float)[order]
    ends = words["end"].to_numpy(dtype=float)[order]
    labels = words["word"].astype(str).str.strip().to_numpy(dtype=object)[order]
    keep = ends > starts  # a zero-length word covers no time
    starts, ends, labels = starts[keep], ends[keep], labels[keep]
    if starts.size and (ends[:-1] <= starts[1:]).all():
        # usual case, no overlaps: the last word that started at or before t covers t if t < its end
        idx = np.searchsorted(starts, t, side="right") - 1
        safe = np.clip(idx, 0, None)
        inside = (idx >= 0) & (t < ends[safe])
        out = np.where(inside, labels[safe], "").astype(object)
    else:
        # overlapping words: paint them in start order so that later starts win where they cover t
        out = np.full(t.size, "", dtype=object)
        a = np.searchsorted(t, starts, side="left")
        b = np.searchsorted(t, ends, side="left")
        for i in range(starts.size):
            out[a[i]:b[i]] = labels[i]
    return pd.Series(out, index=index, name="word")


def _check_pair(values: np.ndarray, times: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    t = check_time_axis(times, what=f"{what} times")
    v = np.asarray(values, dtype=np.float64)
    if v.shape[:1] != t.shape:
        raise SchemaError(f"expected one {what} value per {what} time ({t.size}), got shape {v.shape} "
                          f"(mismatched clocks?)", where=f"{what} values")
    return v, t


def resample_to_times(values: np.ndarray, source_times: np.ndarray, target_times: np.ndarray, *,
                      method: str = "linear") -> np.ndarray:
    """Move a feature sampled at ``source_times`` onto ``target_times``.

    Parameters
    ----------
    values
        Samples on the source clock, shape (n,) or (n, ...) (axis 0 is time);
        NaN marks missing samples.
    source_times, target_times
        Strictly increasing seconds on the same media origin.
    method
        ``"linear"``: linear interpolation between the two bracketing source
        samples (NaN if either is NaN) -- right for upsampling or for
        similar rates. ``"mean"``: average of the finite source samples that
        fall in each target frame's interval, the interval running from the
        midpoint with the previous target time to the midpoint with the next
        one (half a step either side at the ends) -- right for downsampling,
        e.g. a 100 Hz audio envelope onto 30 fps video; NaN where no finite
        source sample falls in the interval. ``"nearest"``: the closest
        source sample.

    Returns
    -------
    numpy.ndarray
        float64 array with ``len(target_times)`` rows. Target times outside
        ``[source_times[0], source_times[-1]]`` (for ``"mean"``: intervals
        that lie wholly outside it) are NaN: nothing is extrapolated.
    """
    check_option("method", method, _RESAMPLE_METHODS)
    v, ts = _check_pair(values, source_times, "source")
    tt = check_time_axis(target_times, what="target times")
    flat = v.reshape(v.shape[0], -1)
    if ts.size == 0 or tt.size == 0:
        return np.full((tt.size,) + v.shape[1:], np.nan)
    out = np.full((tt.size, flat.shape[1]), np.nan)
    inside = (tt >= ts[0]) & (tt <= ts[-1])
    if method == "linear":
        if ts.size == 1:
            out[inside] = flat[0]
        else:
            j = np.clip(np.searchsorted(ts, tt, side="right") - 1, 0, ts.size - 2)
            w = ((tt - ts[j]) / (ts[j + 1] - ts[j]))[:, None]
            lo, hi = flat[j], flat[j + 1]
            # An exact hit on a source sample must not be spoiled by a NaN neighbour.
            val = np.where(w == 0, lo, np.where(w == 1, hi, lo * (1 - w) + hi * w))
            out[inside] = val[inside]
    elif method == "nearest":
        if ts.size == 1:
            j = np.zeros(tt.size, dtype=int)
        else:
            j = np.clip(np.searchsorted(ts, tt), 1, ts.size - 1)
            j = np.where(np.abs(tt - ts[j - 1]) <= np.abs(ts[j] - tt), j - 1, j)
        out[inside] = flat[j][inside]
    else:  # mean
        if tt.size == 1:
            half = (ts[-1] - ts[0]) / 2 + 1.0
            lo_edges, hi_edges = tt - half, tt + half
        else:
            mids = (tt[1:] + tt[:-1]) / 2
            lo_edges = np.concatenate([[tt[0] - (tt[1] - tt[0]) / 2], mids])
            hi_edges = np.concatenate([mids, [tt[-1] + (tt[-1] - tt[-2]) / 2]])
        out = _interval_reduce(flat, ts, lo_edges, hi_edges)
    return out.reshape((tt.size,) + v.shape[1:])


def _interval_reduce(flat: np.ndarray, times: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                     *, how: str = "mean") -> np.ndarray:
    """Mean (or sum) of finite samples with ``lo <= t < hi`` per interval, via cumulative sums."""
    finite = np.isfinite(flat)
    csum = np.concatenate([np.zeros((1, flat.shape[1])), np.cumsum(np.where(finite, flat, 0.0), axis=0)])
    ccnt = np.concatenate([np.zeros((1, flat.shape[1])), np.cumsum(finite, axis=0)])
    a = np.searchsorted(times, lo, side="left")
    b = np.searchsorted(times, hi, side="left")
    total = csum[b] - csum[a]
    count = ccnt[b] - ccnt[a]
    with np.errstate(invalid="ignore", divide="ignore"):
        if how == "sum":
            return np.where(count > 0, total, np.nan)
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def shared_span(*time_axes: np.ndarray) -> tuple[float, float]:
    """The time span ``(start, stop)`` covered by every one of ``time_axes``.

    Raises ``ValueError`` when the clocks do not overlap (e.g. a transcript
    from another recording).

    Parameters
    ----------
    time_axes
        One or more arrays of times in seconds on the same media origin (any
        order; NaN ignored), e.g. frame times and audio feature times.

    Returns
    -------
    tuple of float
        ``(start, stop)`` in seconds: the latest first time and the earliest
        last time of the axes.
    """
    if not time_axes:
        raise ParameterError("invalid value for time_axes: expected at least one time axis, got none",
                             name="time_axes")
    starts, stops = [], []
    for i, t in enumerate(time_axes):
        t = np.asarray(t, dtype=float)
        t = t[np.isfinite(t)]
        if t.size == 0:
            raise SchemaError("expected a time axis with at least one finite time, got none",
                              where=f"time axis {i}")
        starts.append(t.min())
        stops.append(t.max())
    start, stop = max(starts), min(stops)
    if stop <= start:
        raise SchemaError(f"expected overlapping clocks, got spans "
                          f"{[(round(a, 3), round(b, 3)) for a, b in zip(starts, stops)]} with no overlap "
                          f"(are these modalities from the same recording?)")
    return float(start), float(stop)


def make_windows(start: float, stop: float, *, window_s: float, hop_s: float | None = None,
                 clock: str = "window") -> pd.DataFrame:
    """Analysis windows ``[start + k*hop, start + k*hop + window)`` that fit in ``[start, stop]``.

    Parameters
    ----------
    start, stop
        Span to tile, in seconds (e.g. from :func:`shared_span`, or ``0`` and
        the clip duration).
    window_s
        Window length in seconds.
    hop_s
        Step between window starts; defaults to ``window_s`` (adjacent,
        non-overlapping windows).
    clock
        Recorded in the ``clock`` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``window`` (0, 1, ...), ``start``, ``end``, ``center``,
        ``window_s``, ``hop_s``, ``clock``; empty (with the columns) when the
        span is shorter than one window -- callers decide whether that is an
        error.
    """
    check_positive("window_s", window_s)
    check_positive("hop_s", hop_s, allow_none=True)
    hop_s = window_s if hop_s is None else hop_s
    for name, value in (("start", start), ("stop", stop)):
        if not _finite_number(value):
            raise ParameterError(f"invalid value for {name}: expected a finite number of seconds, got {value!r} "
                                 f"(span [{start!r}, {stop!r}])", name=name)
    n = int(np.floor((stop - start - window_s) / hop_s + 1e-9)) + 1 if stop - start >= window_s - 1e-9 else 0
    k = np.arange(max(n, 0))
    starts = float(start) + k * float(hop_s)
    return pd.DataFrame({
        "window": k.astype("int64"),
        "start": starts,
        "end": starts + window_s,
        "center": starts + window_s / 2,
        "window_s": float(window_s),
        "hop_s": float(hop_s),
        "clock": clock,
    })


def _finite_number(value: object) -> bool:
    """Whether ``value`` is a finite real number (numpy scalars and 0-d arrays included; bools and strings not)."""
    if isinstance(value, (bool, str, bytes)):
        return False
    try:
        return bool(np.isfinite(float(value)))
    except (TypeError, ValueError):
        return False


def _window_bounds(windows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    for col in ("start", "end"):
        if col not in windows:
            raise SchemaError(f"expected a windows table with start and end columns (see make_windows), "
                              f"got columns {list(windows.columns)}", where="windows")
    return windows["start"].to_numpy(dtype=float), windows["end"].to_numpy(dtype=float)


def aggregate_windows(values: np.ndarray, times: np.ndarray, windows: pd.DataFrame, *,
                      how: str = "mean", min_coverage: float = 0.5,
                      rate_hz: float | None = None) -> np.ndarray:
    """Aggregate a sampled feature over each analysis window.

    A sample stands for the interval from its time ``t`` to the next sample
    (a video frame is shown until the next one), so it belongs to the window
    ``[start, end)`` that holds the middle of that interval:
    ``start <= t + 0.5 / rate_hz < end``. Frame times that sit on window
    boundaries (frame-level windows, ``window_s = 1 / fps``) or that were
    rounded when stored (e.g. to 0.1 ms) therefore land in their own window
    instead of the previous one. NaN samples are skipped; a window whose
    finite samples cover less than ``min_coverage`` of it is NaN (a
    documented missing value, never a number computed from a few stray frames).

    Parameters
    ----------
    values
        Samples, shape (n,) (axis 0 is time).
    times
        Sample times, strictly increasing.
    windows
        Table from :func:`make_windows`.
    how
        ``"mean"``, ``"median"``, ``"max"`` or ``"sum"``.
    min_coverage
        Fraction in [0, 1] of the window's expected samples that must be finite.
    rate_hz
        Sampling rate used to compute the expected count; estimated from the
        median step of ``times`` when omitted.

    Returns
    -------
    numpy.ndarray
        One float per window.
    """
    check_option("how", how, _AGGREGATES)
    check_range("min_coverage", min_coverage, 0, 1)
    check_positive("rate_hz", rate_hz, allow_none=True)
    v, t = _check_pair(values, times, "feature")
    if v.ndim != 1:
        raise SchemaError(f"expected a 1-D feature, got shape {v.shape}", where="feature values")
    lo, hi = _window_bounds(windows)
    if lo.size == 0:
        return np.empty(0)
    if rate_hz is None:
        if t.size < 2:
            raise SchemaError(f"expected at least 2 samples to infer the rate, got {t.size}; pass rate_hz",
                              where="feature times")
        rate_hz = estimate_frame_rate(t)
    half = 0.5 / float(rate_hz)
    lo, hi = lo - half, hi - half  # a sample belongs where the middle of its interval falls
    flat = v[:, None]
    count = _interval_reduce(np.isfinite(flat).astype(float), t, lo, hi, how="sum")[:, 0]
    count = np.nan_to_num(count)
    expected = np.maximum(np.round((hi - lo) * rate_hz), 1)
    if how in ("mean", "sum"):
        out = _interval_reduce(flat, t, lo, hi, how=how)[:, 0]
    else:
        a = np.searchsorted(t, lo, side="left")
        b = np.searchsorted(t, hi, side="left")
        reducer = np.nanmedian if how == "median" else np.nanmax
        out = np.full(lo.size, np.nan)
        for i in np.flatnonzero(count > 0):  # per-window order statistics; windows are few
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                out[i] = reducer(v[a[i]:b[i]])
    out[count < min_coverage * expected] = np.nan
    return out


def count_in_windows(event_times: np.ndarray, windows: pd.DataFrame, *, rate_hz: float | None = None) -> np.ndarray:
    """Number of events (e.g. word starts) in each window ``[start, end)``.

    Parameters
    ----------
    event_times
        Times in seconds (any order; NaN ignored).
    windows
        Table from :func:`make_windows`.
    rate_hz
        None (default): the events are instants, counted when
        ``start <= t < end`` up to a float tolerance of 1 ns (so a word that
        starts exactly on a boundary computed as ``k * hop`` is not pushed into
        the previous window by rounding). A rate: the events are samples of
        that rate (e.g. the times of valid video frames) and are counted by the
        middle of their interval, as in :func:`aggregate_windows`.

    Returns
    -------
    numpy.ndarray
        One float count per window.
    """
    check_positive("rate_hz", rate_hz, allow_none=True)
    ev = np.sort(np.asarray(event_times, dtype=float))
    ev = ev[np.isfinite(ev)]
    lo, hi = _window_bounds(windows)
    shift = _INSTANT_TOLERANCE_S if rate_hz is None else 0.5 / float(rate_hz)
    return (np.searchsorted(ev, hi - shift, side="left") - np.searchsorted(ev, lo - shift, side="left")).astype(float)
