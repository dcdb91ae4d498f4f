"""Mutual information between speech and motion: KSG estimator, lagged curves, surrogate tests.

* :func:`ksg_mi` is algorithm 1 of Kraskov, Stoegbauer & Grassberger (2004):
  for each point the distance ``eps`` to its ``k``-th neighbour in the joint
  space (max-norm, :class:`scipy.spatial.cKDTree` with ``p=inf``), then the
  numbers ``n_x``, ``n_y`` of points strictly closer than ``eps`` in each
  marginal, and ``I = psi(k) + psi(N) - <psi(n_x + 1) + psi(n_y + 1)>``,
  reported in **bits**. Each variable is z-scored first. Ties (e.g. word
  counts, or a floor value in silence) break the estimator's assumption of
  continuous data, so a tiny deterministic jitter (``jitter`` times the
  variable's standard deviation, Gaussian, from ``seed``) is added.
* :func:`mi_surrogate_test` compares the observed MI with surrogates made by
  **circularly shifting** ``y`` by a random offset (within each clip when
  ``groups`` is given). A circular shift keeps each series' own
  autocorrelation and distribution but breaks their alignment, so slowly
  varying series do not look "significant" just because they are smooth.
* :func:`mi_clip_shuffle_test` compares it with a **clip-shuffle** null:
  each clip's ``x`` paired with another clip's ``y`` (random derangements).
* :func:`lagged_mi` gives MI as a function of lag (positive: ``x`` leads ``y``).

Everything is deterministic for a given ``seed``.
"""
from __future__ import annotations

import logging
from functools import partial
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..checks import check_int, check_nonnegative, check_positive
from ..errors import SchemaError
from ..parallel import executor_for, map_chunked

__all__ = ["ksg_mi", "lagged_mi", "mi_clip_shuffle_test", "mi_surrogate_test"]

log = logging.getLogger(__name__)
LN2 = np.log(2.0)
# surrogates x pairs below which a null runs in this process: starting workers (~2 s) would cost more than they save
PARALLEL_MIN_WORK = 2_000_000


def _as_2d(v: np.ndarray, name: str) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    if v.ndim == 1:
        v = v[:, None]
    if v.ndim != 2:
        raise SchemaError(f"expected {name} of shape (n,) or (n, d), got {v.shape}")
    return v


def _prepare(x: np.ndarray, y: np.ndarray, *, k: int, jitter: float, rng: np.random.Generator,
             min_samples: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    x, y = _as_2d(x, "x"), _as_2d(y, "y")
    if x.shape[0] != y.shape[0]:
        raise SchemaError(f"expected x and y with the same number of samples (one clock), got {x.shape[0]} "
                          f"and {y.shape[0]}")
    ok = np.isfinite(x).all(axis=1) & np.isfinite(y).all(axis=1)
    x, y = x[ok], y[ok]
    need = max(min_samples or 0, 2 * k + 2)
    if x.shape[0] < need:
        raise SchemaError(f"expected at least {need} finite pairs for KSG with k={k}, got {x.shape[0]}")
    out = []
    for name, v in (("x", x), ("y", y)):
        sd = v.std(axis=0)
        if np.any(sd == 0):
            raise SchemaError(f"expected a non-constant {name}, got a constant series; mutual information "
                              f"with a constant is 0 by definition and KSG cannot estimate it")
        z = (v - v.mean(axis=0)) / sd
        if jitter:
            z = z + jitter * rng.standard_normal(z.shape)
        out.append(z)
    return out[0], out[1]


def _marginal_counts(v: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """Number of other points strictly within ``eps`` (max-norm) of each point."""
    if v.shape[1] == 1:
        s = np.sort(v[:, 0])
        c = np.searchsorted(s, v[:, 0] + eps, side="left") - np.searchsorted(s, v[:, 0] - eps, side="right")
        return c - 1
    from scipy.spatial import cKDTree

    tree = cKDTree(v)
    r = np.nextafter(eps, 0)  # strictly closer
    return tree.query_ball_point(v, r, p=np.inf, return_length=True) - 1


def _ksg(x: np.ndarray, y: np.ndarray, k: int) -> float:
    from scipy.spatial import cKDTree  # imported where needed: scipy.spatial costs ~0.3 s to import
    from scipy.special import digamma

    n = x.shape[0]
    joint = np.hstack([x, y])
    # an unbalanced tree is built and searched faster here; the k-th neighbour distances are exact either way
    dist, _ = cKDTree(joint, balanced_tree=False, compact_nodes=False).query(joint, k=k + 1, p=np.inf)
    eps = dist[:, -1]
    nx = _marginal_counts(x, eps)
    ny = _marginal_counts(y, eps)
    mi = digamma(k) + digamma(n) - np.mean(digamma(nx + 1) + digamma(ny + 1))
    return float(mi / LN2)


def _check_ksg_options(k: int, jitter: float, seed: int) -> None:
    check_int("k", k, minimum=1)
    check_nonnegative("jitter", jitter)
    check_int("seed", seed, minimum=0)


def _check_test_options(n_surrogates: int, lag_search: int | None, max_samples: int | None, workers: int | None,
                        parallel_min_work: int | None, stop_after: int | None) -> None:
    """ParameterError for a bad option shared by the two surrogate tests."""
    check_int("n_surrogates", n_surrogates, minimum=1)
    check_int("stop_after", stop_after, minimum=1, allow_none=True)
    check_int("lag_search", lag_search, minimum=0, allow_none=True)
    check_int("max_samples", max_samples, minimum=0, allow_none=True)
    check_int("workers", workers, minimum=1, allow_none=True)
    check_nonnegative("parallel_min_work", parallel_min_work, allow_none=True)


def ksg_mi(x: np.ndarray, y: np.ndarray, *, k: int = 3, jitter: float = 1e-10, seed: int = 0) -> float:
    """Mutual information in bits by the KSG k-nearest-neighbour estimator (algorithm 1).

    Parameters
    ----------
    x, y
        Samples, shape (n,) or (n, d); pairs with a NaN are dropped.
    k
        Neighbours (3-10 is usual; larger = less variance, more bias).
    jitter
        Standard deviation of the tie-breaking noise, in units of each
        variable's standard deviation (0 disables it).
    seed
        Seed of the jitter.

    Returns
    -------
    float
        The estimate in bits; it can be slightly negative for independent
        data (the estimator is nearly unbiased, not non-negative).

    Raises
    ------
    ParameterError
        A bad ``k``, ``jitter`` or ``seed``.
    SchemaError
        Constant input, mismatched lengths, or fewer than ``2k + 2`` finite pairs.
    """
    _check_ksg_options(k, jitter, seed)
    a, b = _prepare(x, y, k=k, jitter=jitter, rng=np.random.default_rng(seed))
    return _ksg(a, b, k)


def _shift_within(y: np.ndarray, shifts: np.ndarray, bounds: list[tuple[int, int]]) -> np.ndarray:
    out = np.empty_like(y)
    for (a, b), s in zip(bounds, shifts):
        out[a:b] = np.roll(y[a:b], s, axis=0)
    return out


def _group_bounds(groups: np.ndarray | None, n: int) -> list[tuple[int, int]]:
    if groups is None:
        return [(0, n)]
    g = np.asarray(groups)
    if g.shape[0] != n:
        raise SchemaError(f"expected one group label per sample ({n}), got {g.shape[0]}", where="groups")
    change = np.flatnonzero(g[1:] != g[:-1]) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [n]])
    labels = g[starts]
    if len(set(labels.tolist())) != len(labels):
        raise SchemaError("expected each group's samples to be contiguous (sort by group, then time)",
                          where="groups")
    return list(zip(starts.tolist(), ends.tolist()))


def _pairs_at_lag(x: np.ndarray, y: np.ndarray, lag: int,
                  bounds: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(x[t], y[t + lag])`` that stay inside each group."""
    xs, ys = [], []
    for lo, hi in bounds:
        n = hi - lo
        if abs(lag) >= n:
            continue
        if lag >= 0:
            xs.append(x[lo:hi - lag]), ys.append(y[lo + lag:hi])
        else:
            xs.append(x[lo - lag:hi]), ys.append(y[lo:hi + lag])
    if not xs:
        return x[:0], y[:0]
    return np.vstack(xs), np.vstack(ys)


def _searchable(n: int, max_lag: int) -> bool:
    """Whether a group of ``n`` samples is long enough for lags up to ``max_lag`` (as cross_correlation_curve)."""
    return n >= 2 * max_lag + 10


def _no_group_error(max_lag: int) -> SchemaError:
    return SchemaError(f"expected at least one group longer than {2 * max_lag + 10} samples with non-constant "
                      f"series for the lag search, got none")


def _pooled_best_lag(r: np.ndarray, n: np.ndarray, max_lag: int) -> int:
    """Lag (samples) of the maximum of the curves ``r`` (groups x lags ``-max_lag .. max_lag``) pooled over groups."""
    from .lags import pooled_peak

    i, _ = pooled_peak(r, n)
    if i is None:
        raise SchemaError("expected a finite cross-correlation at some lag for the lag search, got none")
    return i - max_lag


class _ShiftedLagSearch:
    """The lag of maximum pooled cross-correlation of ``x`` and ``y`` circularly shifted within groups, fast.

    Every lag sum over the finite pairs ``(x[t], roll(y, s)[t + L])`` of a group
    is the group's circular correlation at offset ``L - s``, computed once by
    FFT, minus the ``|L|`` wrapped pairs a linear lag leaves out. A surrogate's
    search then costs ``O(max_lag^2)`` per group instead of a pass over its
    frames. Groups shorter than ``2 max_lag + 10`` samples, or constant, are
    left out, as :func:`~alloava_analysis.crossmodal.lags.cross_correlation_curve`
    would fail on them.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, bounds: list[tuple[int, int]], max_lag: int):
        from .lags import standardise

        self.max_lag, self.lags = max_lag, np.arange(-max_lag, max_lag + 1)
        m = np.arange(max(max_lag, 1))
        self.groups = []
        for g, (lo, hi) in enumerate(bounds):
            n = hi - lo
            if not _searchable(n, max_lag):
                continue
            try:
                xs, ys = standardise(x[lo:hi, 0], "x"), standardise(y[lo:hi, 0], "y")
            except ValueError:
                continue
            mx, my = np.isfinite(xs).astype(float), np.isfinite(ys).astype(float)
            x0, y0 = np.nan_to_num(xs), np.nan_to_num(ys)
            x_side = self._x_side(mx, x0)
            circular = np.fft.irfft(np.conj(np.fft.rfft(x_side)) * np.fft.rfft(self._y_side(my, y0)), n)
            # the t a linear lag L leaves out: t >= n - L for L >= 0, t < -L for L < 0 (|L| of them), near the ends,
            # so only those x values are kept (memory: 6 circular sums and 2 series per frame)
            left_out = np.where(self.lags[:, None] >= 0, n - self.lags[:, None] + m, m) % n
            x_edges = x_side[:, left_out] * (m < np.abs(self.lags)[:, None])
            self.groups.append((g, n, my, y0, circular, left_out, x_edges))
        if not self.groups:
            raise _no_group_error(max_lag)

    @staticmethod
    def _x_side(mx: np.ndarray, x0: np.ndarray) -> np.ndarray:
        return np.stack([mx, x0, mx, x0 * x0, mx, x0])  # paired with _y_side: the rows of lags._lag_sums

    @staticmethod
    def _y_side(my: np.ndarray, y0: np.ndarray) -> np.ndarray:
        return np.stack([my, my, y0, my, y0 * y0, y0])  # count, sx, sy, sxx, syy, sxy

    def sums(self, shifts: np.ndarray) -> np.ndarray:
        """Lag sums (groups x 6 x lags, as ``lags._lag_sums``) of ``x`` against ``y`` shifted by ``shifts``."""
        out = []
        for g, n, my, y0, circular, left_out, x_edges in self.groups:
            s = int(shifts[g])
            where = (left_out + self.lags[:, None] - s) % n
            wrapped = (x_edges * self._y_side(my[where], y0[where])).sum(-1)
            sums = circular[:, (self.lags - s) % n] - wrapped
            sums[0] = np.round(sums[0])
            out.append(sums)
        return np.stack(out)

    def best_lag(self, shifts: np.ndarray) -> int:
        """Lag (samples) of the maximum pooled cross-correlation with ``y`` shifted by ``shifts`` (one per group)."""
        from .lags import r_from_sums

        sums = self.sums(shifts)
        return _pooled_best_lag(r_from_sums(sums, 10), sums[:, 0], self.max_lag)


def _mi_at_lag(x: np.ndarray, y: np.ndarray, bounds: list, lag: int, *, max_samples: int | None, k: int,
               jitter: float, seed: int) -> tuple[float, int]:
    """KSG MI of the finite pairs ``(x[t], y[t + lag])`` inside each group, decimated; ``(bits, pairs used)``."""
    a, b = _pairs_at_lag(x, y, lag, bounds)
    ok = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    a, b = a[ok], b[ok]
    if max_samples and a.shape[0] > max_samples:
        step = int(np.ceil(a.shape[0] / max_samples))
        a, b = a[::step], b[::step]
    return ksg_mi(a, b, k=k, jitter=jitter, seed=seed), a.shape[0]


def _shifted_statistic(x: np.ndarray, y: np.ndarray, bounds: list, search: _ShiftedLagSearch | None,
                       options: dict, draw: tuple[int, np.ndarray]) -> tuple[float, int, int]:
    """The circular-shift statistic of draw ``(s, shifts)``: ``(bits, lag, pairs)`` (``s = 0``: the data)."""
    s, shifts = draw
    lag = search.best_lag(shifts) if search is not None else 0
    yy = _shift_within(y, shifts, bounds) if np.any(shifts) else y
    bits, n = _mi_at_lag(x, yy, bounds, lag, seed=options["jitter_seed"] + s, **options["ksg"])
    return bits, lag, n


def _test(statistic: Callable, draws: list, *, workers: int | None, scheduler: Any, min_work: int | None,
          key: str, stop_after: int | None = None) -> tuple[float, int, int, dict]:
    """The observed statistic (``draws[0]``) and its null (the other draws): ``(bits, lag, pairs, summary)``.

    ``summary``: ``p_value`` = (1 + #null >= observed) / (1 + #null),
    ``null_mean``, ``null_p95``, ``n_surrogates`` (drawn) and ``stopped_early``.
    With ``stop_after`` = h, surrogates are drawn in rounds and the null stops
    at the first surrogate L that makes h of them reach the observed value:
    p = h / L, the sequential p-value of Besag & Clifford (1991), exactly
    valid like the full one (P(p <= a) <= a under the null), only coarser for
    large p. Surrogates past L are discarded, so the result does not depend
    on the rounds or the executor. The null runs on the executor when
    surrogates x pairs reach ``min_work`` (default :data:`PARALLEL_MIN_WORK`) or
    kept workers are running (:func:`~alloava_analysis.parallel.executor_for`).
    """
    observed, lag, n_pairs = statistic(draws[0])
    workers, scheduler = executor_for(n_pairs * (len(draws) - 1), PARALLEL_MIN_WORK if min_work is None else min_work,
                                      workers=workers, scheduler=scheduler)
    rounds = _rounds(len(draws) - 1, stop_after)
    null: list[float] = []
    for a, b in zip(rounds[:-1], rounds[1:]):
        null += [bits for bits, _, _ in map_chunked(statistic, draws[1 + a:1 + b], workers=workers,
                                                    scheduler=scheduler, key=key)]
        reached = np.cumsum(np.asarray(null) >= observed)
        if stop_after is not None and reached[-1] >= stop_after:
            null = null[:int(np.argmax(reached >= stop_after)) + 1]  # the first surrogate that makes h
            break
    values = np.asarray(null)
    reached = int((values >= observed).sum())
    sequential = stop_after is not None and reached >= stop_after
    p_value = stop_after / values.size if sequential else (1 + reached) / (1 + values.size)
    return observed, lag, n_pairs, {"p_value": float(p_value), "null_mean": float(values.mean()),
                                    "null_p95": float(np.quantile(values, 0.95)), "n_surrogates": int(values.size),
                                    "stopped_early": values.size < len(draws) - 1}


def _rounds(n: int, stop_after: int | None) -> list[int]:
    """Edges of the rounds of ``n`` surrogates: all at once, or ``max(20, 2 * stop_after)`` at a time.

    Equal rounds compute at most one round past the stopping surrogate (doubling
    rounds computed up to twice as many as were kept).
    """
    if stop_after is None:
        return [0, n]
    return list(range(0, n, max(20, 2 * stop_after))) + [n]


def mi_surrogate_test(x: np.ndarray, y: np.ndarray, *, k: int = 3, n_surrogates: int = 199, seed: int = 0,
                      groups: np.ndarray | None = None, min_shift: int | None = None,
                      jitter: float = 1e-10, lag_search: int | None = None,
                      max_samples: int | None = None, workers: int | None = 1, scheduler: Any = None,
                      parallel_min_work: int | None = None, stop_after: int | None = None) -> dict:
    """MI with a p-value from circular-shift surrogates.

    Parameters
    ----------
    x, y
        Equal-length series on one clock (time order; NaN pairs dropped
        after shifting).
    k
        KSG neighbours (see :func:`ksg_mi`).
    n_surrogates
        Number of surrogates; the smallest attainable p-value is ``1 / (n_surrogates + 1)``.
    seed
        Seed of the shifts and the jitter.
    groups
        Clip label per sample (contiguous); ``y`` is shifted within each clip
        independently, so clips are never mixed.
    min_shift
        Smallest circular shift in samples (default: 10 % of each clip's
        length), keeping surrogates away from the original alignment.
    jitter
        Tie-breaking noise (see :func:`ksg_mi`).
    lag_search
        When given (samples), the statistic is the MI of ``(x[t], y[t + L])``
        at the lag ``L`` (``|L| <= lag_search``) of maximum cross-correlation
        pooled over groups. The search is repeated on every surrogate, so the
        p-value pays for it (no selection bias).
    max_samples
        Keep every ``s``-th pair so that at most this many enter the estimator
        (the same decimation for the data and the surrogates); None keeps all.
    workers, scheduler, parallel_min_work
        Where the surrogates are computed (local processes or a Dask cluster,
        see :func:`alloava_analysis.parallel.map_chunked`); every surrogate's
        shifts and jitter are drawn from ``seed`` first, so the result is the
        same whatever the executor. Nulls smaller than ``parallel_min_work``
        (surrogates x pairs; default :data:`PARALLEL_MIN_WORK`) run in this process,
        unless workers kept by :func:`alloava_analysis.parallel.keep_workers` are running.
    stop_after
        Sequential stopping (Besag & Clifford 1991): stop drawing at the first
        surrogate L that makes ``stop_after`` surrogates reach the observed MI,
        and report p = stop_after / L. This p-value is exactly valid, as the
        full one is (P(p <= a) <= a when there is no coupling): stopping adds
        no error, it only makes large p-values coarser. A small p-value (fewer
        than ``stop_after`` surrogates reach the observed MI) draws them all
        and is the full one. None (default) draws all ``n_surrogates``.

    Returns
    -------
    dict
        ``bits`` (observed), ``p_value`` = (1 + #surrogates >= observed) /
        (1 + n_surrogates) (or stop_after / L, see ``stop_after``), ``null_mean``,
        ``null_p95``, ``n_surrogates`` (drawn), ``stopped_early``, ``stop_after``,
        ``n`` (pairs), ``k``, ``seed`` and ``lag_samples`` (0 without a search).
    """
    _check_ksg_options(k, jitter, seed)
    _check_test_options(n_surrogates, lag_search, max_samples, workers, parallel_min_work, stop_after)
    check_int("min_shift", min_shift, minimum=1, allow_none=True)
    x, y = _as_2d(x, "x"), _as_2d(y, "y")
    if x.shape[0] != y.shape[0]:
        raise SchemaError(f"expected x and y on one clock (same length), got {x.shape[0]} and {y.shape[0]}")
    bounds = _group_bounds(groups, x.shape[0])
    ss = np.random.SeedSequence(seed)
    jitter_seq, shift_seq = ss.spawn(2)
    rng = np.random.default_rng(shift_seq)
    draws = [(0, np.zeros(len(bounds), dtype=np.int64))]
    for s in range(n_surrogates):
        shifts = []
        for lo, hi in bounds:
            length = hi - lo
            m = min_shift if min_shift is not None else max(1, length // 10)
            m = min(m, max(length // 2, 1))
            shifts.append(int(rng.integers(m, max(length - m, m) + 1)) if length > 1 else 0)
        draws.append((s + 1, np.asarray(shifts, dtype=np.int64)))
    options = {"jitter_seed": int(jitter_seq.generate_state(1)[0]),
               "ksg": {"max_samples": max_samples, "k": k, "jitter": jitter}}
    search = _ShiftedLagSearch(x, y, bounds, lag_search) if lag_search else None
    statistic = partial(_shifted_statistic, x, y, bounds, search, options)
    observed, lag, n_pairs, summary = _test(statistic, draws, workers=workers, scheduler=scheduler,
                                            min_work=parallel_min_work, key="alloava-mi-shift", stop_after=stop_after)
    return {"bits": float(observed), **summary, "stop_after": stop_after,
            "n": int(n_pairs), "k": int(k), "seed": int(seed), "lag_samples": int(lag)}


def lagged_mi(x: np.ndarray, y: np.ndarray, *, rate_hz: float, max_lag_s: float, step_s: float | None = None,
              k: int = 3, seed: int = 0, groups: np.ndarray | None = None) -> pd.DataFrame:
    """MI between ``x[t]`` and ``y[t + lag]`` for lags in ``[-max_lag_s, max_lag_s]``.

    Positive lag: ``x`` leads ``y``. With ``groups``, pairs never cross a clip boundary.
    A lag with too few pairs for the estimator gets ``bits`` NaN.

    Parameters
    ----------
    x, y
        Equal-length series on one clock, shape (n,) or (n, d).
    rate_hz
        Sampling rate in Hz.
    max_lag_s
        Largest lag in seconds, in either direction.
    step_s
        Step between lags in seconds (default one sample).
    k
        KSG neighbours (see :func:`ksg_mi`).
    seed
        Seed of the jitter.
    groups
        Clip label per sample (contiguous), or None for one series.

    Returns
    -------
    pandas.DataFrame
        ``lag_s, lag_samples, bits, n``; attrs ``rate_hz``, ``k``, ``convention``.
    """
    check_positive("rate_hz", rate_hz)
    check_nonnegative("max_lag_s", max_lag_s)
    check_positive("step_s", step_s, allow_none=True)
    check_int("k", k, minimum=1)
    check_int("seed", seed, minimum=0)
    x, y = _as_2d(x, "x"), _as_2d(y, "y")
    if x.shape[0] != y.shape[0]:
        raise SchemaError(f"expected x and y on one clock (same length), got {x.shape[0]} and {y.shape[0]}")
    step = max(1, int(round((step_s or 1.0 / rate_hz) * rate_hz)))
    max_lag = int(round(max_lag_s * rate_hz))
    bounds = _group_bounds(groups, x.shape[0])
    rows = []
    for lag in range(-(max_lag // step) * step, max_lag + 1, step):
        xx, yy = _pairs_at_lag(x, y, lag, bounds)
        ok = np.isfinite(xx).all(axis=1) & np.isfinite(yy).all(axis=1)
        try:
            bits = ksg_mi(xx, yy, k=k, seed=seed)
        except ValueError:
            bits = np.nan
        rows.append({"lag_s": lag / rate_hz, "lag_samples": lag, "bits": bits, "n": int(ok.sum())})
    out = pd.DataFrame(rows)
    out.attrs.update(rate_hz=float(rate_hz), k=int(k), convention="positive lag: x leads y")
    return out


def _derangement(k: int, rng: np.random.Generator) -> np.ndarray:
    """A random permutation of ``range(k)`` with no fixed point (``k >= 2``)."""
    while True:
        p = rng.permutation(k)
        if not np.any(p == np.arange(k)):
            return p


def mi_clip_shuffle_test(x: np.ndarray, y: np.ndarray, *, groups: np.ndarray, k: int = 3,
                         n_surrogates: int = 199, seed: int = 0, jitter: float = 1e-10,
                         lag_search: int | None = None, max_samples: int | None = None,
                         workers: int | None = 1, scheduler: Any = None,
                         parallel_min_work: int | None = None, stop_after: int | None = None) -> dict:
    """MI with a p-value from a **clip-shuffle** null: each clip's ``x`` paired with another clip's ``y``.

    Every surrogate is a random derangement of the clips; clip ``c``'s ``x``
    is paired with clip ``pi(c)``'s ``y`` (both cut to the shorter of the
    two), and the statistic -- MI pooled over clips, with the same lag search
    and decimation as the observed one -- is recomputed. Unlike circular
    shifts, this null keeps every clip's own alignment structure and asks
    whether a clip's motion tells more about *its own* speech than about
    someone else's.

    Parameters
    ----------
    x, y
        Equal-length series on one clock, clips contiguous (see ``groups``).
    groups
        Clip label per sample; at least 3 clips.
    seed
        Seed of the derangements and the jitter.
    n_surrogates, k, jitter, lag_search, max_samples, workers, scheduler, parallel_min_work, stop_after
        As in :func:`mi_surrogate_test`.

    Returns
    -------
    dict
        ``bits, p_value, null_mean, null_p95, n_surrogates`` (drawn), ``stopped_early,
        stop_after, n_clips, n, k, seed, lag_samples, null``.
    """
    _check_ksg_options(k, jitter, seed)
    _check_test_options(n_surrogates, lag_search, max_samples, workers, parallel_min_work, stop_after)
    x, y = _as_2d(x, "x"), _as_2d(y, "y")
    if x.shape[0] != y.shape[0]:
        raise SchemaError(f"expected x and y on one clock (same length), got {x.shape[0]} and {y.shape[0]}")
    bounds = _group_bounds(groups, x.shape[0])
    n_clips = len(bounds)
    if n_clips < 3:
        raise SchemaError(f"expected at least 3 clips for a clip-shuffle null, got {n_clips}", where="groups")
    ss = np.random.SeedSequence(seed)
    jitter_seq, perm_seq = ss.spawn(2)
    rng = np.random.default_rng(perm_seq)
    draws = [(0, np.arange(n_clips))] + [(s + 1, _derangement(n_clips, rng)) for s in range(n_surrogates)]
    options = {"jitter_seed": int(jitter_seq.generate_state(1)[0]),
               "ksg": {"max_samples": max_samples, "k": k, "jitter": jitter}}
    xs, ys = [x[a:b] for a, b in bounds], [y[a:b] for a, b in bounds]
    search = _PairedLagSearch(xs, ys, lag_search) if lag_search else None
    statistic = partial(_paired_statistic, xs, ys, search, options)
    observed, lag, n_pairs, summary = _test(statistic, draws, workers=workers, scheduler=scheduler,
                                            min_work=parallel_min_work, key="alloava-mi-shuffle",
                                            stop_after=stop_after)
    return {"bits": float(observed), **summary, "stop_after": stop_after,
            "n_clips": n_clips, "n": int(n_pairs), "k": int(k), "seed": int(seed), "lag_samples": int(lag),
            "null": "clip shuffle: each clip's x paired with another clip's y"}


class _PairedLagSearch:
    """The best pooled cross-correlation lag when clip ``c``'s x is paired with clip ``order[c]``'s y.

    Each pair is cut to the shorter clip; its curve is computed once and
    cached, since the derangements of a few clips reuse the same pairs.
    """

    def __init__(self, xs: list[np.ndarray], ys: list[np.ndarray], max_lag: int):
        self.xs, self.ys, self.max_lag, self.cache = xs, ys, max_lag, {}

    def curve(self, c: int, d: int) -> tuple[np.ndarray, np.ndarray] | None:
        from .lags import lag_curve

        if (c, d) not in self.cache:
            m = min(self.xs[c].shape[0], self.ys[d].shape[0])
            try:
                self.cache[c, d] = lag_curve(self.xs[c][:m, 0], self.ys[d][:m, 0], self.max_lag) \
                    if _searchable(m, self.max_lag) else None
            except ValueError:
                self.cache[c, d] = None
        return self.cache[c, d]

    def best_lag(self, order: np.ndarray) -> int:
        curves = [cv for cv in (self.curve(c, int(d)) for c, d in enumerate(order)) if cv is not None]
        if not curves:
            raise _no_group_error(self.max_lag)
        return _pooled_best_lag(np.stack([r for r, _ in curves]), np.stack([n for _, n in curves]), self.max_lag)


def _paired_statistic(xs: list[np.ndarray], ys: list[np.ndarray], search: _PairedLagSearch | None, options: dict,
                      draw: tuple[int, np.ndarray]) -> tuple[float, int, int]:
    """The clip-shuffle statistic of draw ``(s, order)``: ``(bits, lag, pairs)`` (the identity order: the data)."""
    s, order = draw
    lengths = [min(xs[c].shape[0], ys[d].shape[0]) for c, d in enumerate(order)]
    xx = np.vstack([xs[c][:m] for c, m in enumerate(lengths)])
    yy = np.vstack([ys[d][:m] for d, m in zip(order, lengths)])
    edges = np.cumsum([0] + lengths)
    bounds = list(zip(edges[:-1].tolist(), edges[1:].tolist()))
    lag = search.best_lag(order) if search is not None else 0
    bits, n = _mi_at_lag(xx, yy, bounds, lag, seed=options["jitter_seed"] + s, **options["ksg"])
    return bits, lag, n
