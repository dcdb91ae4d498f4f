"""Mutual information: KSG against closed forms, lagged MI, circular-shift surrogate tests."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import lfilter

from alloava_analysis.crossmodal import information as I


def gaussian_pair(n, rho, rng):
    x = rng.standard_normal(n)
    return x, rho * x + np.sqrt(1 - rho ** 2) * rng.standard_normal(n)


def ar1(n, phi, rng):
    return lfilter([1.0], [1.0, -phi], rng.standard_normal(n) * np.sqrt(1 - phi ** 2))


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.8, 0.95])
def test_ksg_matches_the_gaussian_closed_form(rho):
    x, y = gaussian_pair(4000, rho, np.random.default_rng(int(rho * 100)))
    truth = -0.5 * np.log2(1 - rho ** 2)
    assert I.ksg_mi(x, y, k=4) == pytest.approx(truth, abs=0.03 + 0.03 * truth)


def test_ksg_multivariate_matches_the_closed_form():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4000, 2))
    y = x @ np.array([[0.6], [0.6]]) + rng.standard_normal((4000, 1))
    truth = 0.5 * np.log2(1 + 0.72)         # I = 1/2 log2(var(y) / var(y | x))
    assert I.ksg_mi(x, y) == pytest.approx(truth, abs=0.04)


def test_ksg_is_deterministic_for_a_seed_and_scale_free():
    x, y = gaussian_pair(1000, 0.6, np.random.default_rng(2))
    assert I.ksg_mi(x, y, seed=3) == I.ksg_mi(x, y, seed=3)
    assert I.ksg_mi(1000 * x + 5, y, seed=3) == pytest.approx(I.ksg_mi(x, y, seed=3), abs=2e-3)


def test_ties_are_broken_by_jitter_and_nan_pairs_dropped():
    rng = np.random.default_rng(4)
    counts = rng.poisson(3, 2000).astype(float)        # heavily tied, like word counts per window
    y = counts + rng.normal(0, 1, 2000)
    mi = I.ksg_mi(counts, y)
    assert np.isfinite(mi) and mi > 0.3
    y[::10] = np.nan
    assert np.isfinite(I.ksg_mi(counts, y))


@pytest.mark.parametrize("x, y, match", [
    (np.ones(100), np.arange(100.0), "constant"),
    (np.arange(5.0), np.arange(5.0), "at least"),
    (np.arange(100.0), np.arange(90.0), "same number"),
])
def test_ksg_refuses_what_it_cannot_estimate(x, y, match):
    with pytest.raises(ValueError, match=match):
        I.ksg_mi(x, y)


def test_surrogate_test_detects_coupling_between_autocorrelated_series():
    rng = np.random.default_rng(5)
    z = ar1(1500, 0.9, rng)
    x = z + 0.7 * ar1(1500, 0.9, rng)
    y = np.tanh(z) + 0.7 * ar1(1500, 0.9, rng)          # nonlinear coupling
    res = I.mi_surrogate_test(x, y, n_surrogates=99, seed=0)
    assert res["p_value"] == 0.01 and res["bits"] > res["null_p95"]
    assert res == I.mi_surrogate_test(x, y, n_surrogates=99, seed=0)     # deterministic


@pytest.mark.slow
def test_surrogate_test_false_positive_rate_is_near_five_percent_for_independent_series():
    rng = np.random.default_rng(6)
    p_values = []
    for rep in range(150):
        x, y = ar1(400, 0.9, rng), ar1(400, 0.9, rng)   # smooth but independent
        p_values.append(I.mi_surrogate_test(x, y, n_surrogates=39, seed=rep)["p_value"])
    rate = np.mean(np.array(p_values) <= 0.05)
    assert 0.0 < rate <= 0.11


def test_surrogates_stay_within_groups():
    rng = np.random.default_rng(7)
    a, b = ar1(600, 0.8, rng), ar1(600, 0.8, rng)
    x = np.r_[a, b]
    y = np.r_[a, b] + 0.5 * rng.standard_normal(1200)
    groups = np.repeat(["clip1", "clip2"], 600)
    res = I.mi_surrogate_test(x, y, n_surrogates=49, groups=groups)
    assert res["p_value"] == pytest.approx(1 / 50)
    with pytest.raises(ValueError, match="contiguous"):
        I.mi_surrogate_test(x, y, n_surrogates=5, groups=np.tile(["a", "b"], 600))


def test_lagged_mi_peaks_at_the_planted_lag_and_the_lag_search_finds_it():
    rng = np.random.default_rng(8)
    u = np.convolve(rng.standard_normal(3100), np.hanning(9), "same")[50:3050]
    x = u[6:] + 0.3 * rng.standard_normal(2994)
    y = u[:-6] + 0.3 * rng.standard_normal(2994)        # x leads y by 6 samples
    curve = I.lagged_mi(x, y, rate_hz=30.0, max_lag_s=0.5)
    assert curve.loc[curve["bits"].idxmax(), "lag_samples"] == 6
    assert curve.attrs["convention"] == "positive lag: x leads y"
    res = I.mi_surrogate_test(x, y, n_surrogates=19, lag_search=15, seed=1)
    assert res["lag_samples"] == 6 and res["p_value"] == pytest.approx(1 / 20)
    capped = I.mi_surrogate_test(x, y, n_surrogates=5, lag_search=15, max_samples=1000, seed=1)
    assert capped["n"] <= 1000


def test_clip_shuffle_null_pairs_clips_with_other_clips():
    rng = np.random.default_rng(31)
    clips, n = 6, 400
    shared = rng.standard_normal((clips, n))
    x = shared + 0.5 * rng.standard_normal((clips, n))
    y = shared + 0.5 * rng.standard_normal((clips, n))
    groups = np.repeat(np.arange(clips), n)
    coupled = I.mi_clip_shuffle_test(x.ravel(), y.ravel(), groups=groups, n_surrogates=19)
    assert coupled["p_value"] == pytest.approx(1 / 20) and coupled["n_clips"] == clips
    independent = I.mi_clip_shuffle_test(x.ravel(), rng.standard_normal(clips * n), groups=groups, n_surrogates=19)
    assert independent["p_value"] > 0.05
    with pytest.raises(ValueError, match="at least 3 clips"):
        I.mi_clip_shuffle_test(x[:2].ravel(), y[:2].ravel(), groups=groups[:2 * n])


def _clips_with_lag(n_clips: int = 4, n: int = 1500, lag: int = 4, seed: int = 0):
    """Smooth x, y = x delayed by ``lag`` plus noise, clips of unequal length, 5 % of x missing."""
    rng = np.random.default_rng(seed)
    xs, ys, groups = [], [], []
    for c in range(n_clips):
        m = n - 53 * c
        a = lfilter([1.0], [1.0, -0.8], rng.standard_normal(m))
        b = 0.6 * np.roll(a, lag) + 0.8 * rng.standard_normal(m)
        a[rng.random(m) < 0.05] = np.nan
        xs.append(a), ys.append(b), groups.append(np.full(m, c))
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(groups)


def _reference_lag(x, y, bounds, max_lag):
    """The lag search done the slow, obvious way: one cross-correlation curve per group, pooled."""
    from alloava_analysis.crossmodal.lags import cross_correlation_curve, pooled_cross_correlation

    curves = [cross_correlation_curve(x[lo:hi], y[lo:hi], rate_hz=1.0, max_lag_s=max_lag) for lo, hi in bounds]
    lag, _ = pooled_cross_correlation(curves, refine=False)
    return int(round(lag))


def test_shifted_lag_search_matches_rolling_y_and_searching_again():
    from alloava_analysis.crossmodal.lags import _lag_sums, standardise

    x, y, groups = _clips_with_lag()
    bounds = I._group_bounds(groups, x.size)
    search = I._ShiftedLagSearch(x[:, None], y[:, None], bounds, 15)
    rng = np.random.default_rng(3)
    for _ in range(20):
        shifts = np.array([rng.integers(0, hi - lo) for lo, hi in bounds])
        rolled = I._shift_within(y[:, None], shifts, bounds)[:, 0]
        lo, hi = bounds[1]
        want = _lag_sums(standardise(x[lo:hi], "x"), standardise(rolled[lo:hi], "y"), 15)
        np.testing.assert_allclose(search.sums(shifts)[1], want, atol=1e-8)
        assert search.best_lag(shifts) == _reference_lag(x, rolled, bounds, 15)
    assert search.best_lag(np.zeros(len(bounds), int)) == 4  # the planted delay: x leads y by 4 samples


def test_paired_lag_search_matches_the_stacked_pairs():
    x, y, groups = _clips_with_lag()
    bounds = I._group_bounds(groups, x.size)
    xs, ys = [x[a:b, None] for a, b in bounds], [y[a:b, None] for a, b in bounds]
    search = I._PairedLagSearch(xs, ys, 15)
    for order in ([0, 1, 2, 3], [1, 2, 3, 0], [3, 2, 0, 1]):
        lengths = [min(xs[c].shape[0], ys[d].shape[0]) for c, d in enumerate(order)]
        edges = np.cumsum([0] + lengths)
        xx = np.concatenate([xs[c][:m, 0] for c, m in enumerate(lengths)])
        yy = np.concatenate([ys[d][:m, 0] for d, m in zip(order, lengths)])
        assert search.best_lag(np.array(order)) == _reference_lag(xx, yy, list(zip(edges[:-1], edges[1:])), 15)
    assert len(search.cache) == 4 + 4 + 4 - 1  # the identity pairs are reused, the others computed once


@pytest.mark.parametrize("test", ["mi_surrogate_test", "mi_clip_shuffle_test"])
def test_mi_nulls_give_the_same_numbers_in_worker_processes(test):
    x, y, groups = _clips_with_lag()
    options = dict(groups=groups, n_surrogates=23, seed=5, lag_search=15, max_samples=2000)
    serial = getattr(I, test)(x, y, **options)
    parallel = getattr(I, test)(x, y, workers=2, parallel_min_work=0, **options)
    assert parallel == serial
    assert serial["lag_samples"] == 4 and serial["p_value"] == pytest.approx(1 / 24)


@pytest.mark.slow
def test_surrogate_test_on_exact_nulls_of_the_independent_generator_is_near_five_percent():
    """Issue 22: clip i's motion with clip i+1's speech (real-looking shapes, no coupling at all)."""
    from alloava_analysis.crossmodal.lags import remove_slow_trend
    from tests.fixtures.independent_corpus import exact_null_pairs, make_corpus

    pairs = make_corpus(40, 45.0, lag_s=0.2, coupling=0.5, seed=9)
    p_values = []
    for rep, p in enumerate(exact_null_pairs(pairs)):
        x = remove_slow_trend(p.motion, rate_hz=p.fps, window_s=2.0)
        y = remove_slow_trend(p.speech, rate_hz=p.fps, window_s=2.0)
        p_values.append(I.mi_surrogate_test(x, y, n_surrogates=39, seed=rep)["p_value"])
    assert np.mean(np.array(p_values) <= 0.05) <= 0.125          # 40 nulls, 5 % nominal


def _independent_clips(seed: int, n_clips: int = 3, n: int = 300):
    """Smooth x and y with no coupling at all, clip by clip (a planted null)."""
    rng = np.random.default_rng(seed)
    x = np.concatenate([ar1(n, 0.8, rng) for _ in range(n_clips)])
    y = np.concatenate([ar1(n, 0.8, rng) for _ in range(n_clips)])
    return x, y, np.repeat(np.arange(n_clips), n)


@pytest.mark.parametrize("test", ["mi_surrogate_test", "mi_clip_shuffle_test"])
def test_sequential_stopping_stops_at_the_h_th_surrogate_that_reaches_the_observed_mi(test):
    """Besag & Clifford: p = h / L, L the surrogate that made h of them reach the observed MI (known from full runs)."""
    x, y, groups = _independent_clips(seed=3)
    options = dict(groups=groups, seed=1, max_samples=500)
    seq = getattr(I, test)(x, y, n_surrogates=99, stop_after=4, **options)
    n = seq["n_surrogates"]
    assert seq["stopped_early"] and n < 99 and seq["p_value"] == pytest.approx(4 / n)
    # the same surrogates drawn in full: the first n hold 4 that reach the observed MI, the first n - 1 hold 3
    assert getattr(I, test)(x, y, n_surrogates=n, **options)["p_value"] == pytest.approx(5 / (n + 1))
    assert getattr(I, test)(x, y, n_surrogates=n - 1, **options)["p_value"] == pytest.approx(4 / n)


def test_sequential_stopping_leaves_a_decided_effect_as_the_full_test_has_it():
    """A planted effect: fewer than h surrogates reach the observed MI, so every surrogate is drawn, p as before."""
    x, y, groups = _clips_with_lag()
    options = dict(groups=groups, n_surrogates=49, seed=2, lag_search=15, max_samples=2000)
    full, seq = I.mi_surrogate_test(x, y, **options), I.mi_surrogate_test(x, y, stop_after=10, **options)
    assert seq["p_value"] == full["p_value"] == pytest.approx(1 / 50)
    assert seq["n_surrogates"] == 49 and not seq["stopped_early"] and seq["bits"] == full["bits"]


def test_sequential_p_values_keep_their_level_on_planted_nulls_and_draw_far_fewer_surrogates():
    """The error rate: P(p <= a) <= a on 200 planted nulls (binomial margin 3 sd), at a fraction of the draws."""
    draws, p_values = [], []
    for rep in range(200):
        x, y, groups = _independent_clips(seed=100 + rep, n=200)
        res = I.mi_surrogate_test(x, y, groups=groups, n_surrogates=99, seed=rep, stop_after=5)
        p_values.append(res["p_value"]), draws.append(res["n_surrogates"])
    p_values = np.array(p_values)
    for level in (0.05, 0.1, 0.25, 0.5):
        assert np.mean(p_values <= level) <= level + 3 * np.sqrt(level * (1 - level) / 200), level
    assert np.mean(p_values <= 0.5) >= 0.3  # not a test that never rejects
    assert np.mean(draws) < 0.35 * 99


def test_sequential_stopping_gives_the_same_numbers_in_worker_processes():
    x, y, groups = _independent_clips(seed=3)
    options = dict(groups=groups, n_surrogates=99, seed=1, max_samples=500, stop_after=4)
    assert I.mi_clip_shuffle_test(x, y, workers=2, parallel_min_work=0, **options) == \
        I.mi_clip_shuffle_test(x, y, **options)
