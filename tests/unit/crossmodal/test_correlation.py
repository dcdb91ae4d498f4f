"""Correlation: cross-correlation lags, block bootstrap, pooled estimates over clips."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.signal import lfilter

from alloava_analysis.crossmodal import correlation as C


def ar1(shape, phi, rng):
    """Stationary unit-variance AR(1) along the last axis."""
    e = rng.standard_normal(shape) * np.sqrt(1 - phi ** 2)
    e[..., 0] /= np.sqrt(1 - phi ** 2)
    return lfilter([1.0], [1.0, -phi], e, axis=-1)


def correlated_ar1(n, rho, phi, rng, shape=()):
    """Two AR(1) series with the same phi and contemporaneous correlation rho."""
    x = ar1(shape + (n,), phi, rng)
    y = rho * x + np.sqrt(1 - rho ** 2) * ar1(shape + (n,), phi, rng)
    return x, y


def smooth_noise(n, rng, width=9):
    return np.convolve(rng.standard_normal(n + 4 * width), np.hanning(width), "same")[2 * width:2 * width + n]


# --------------------------------------------------------------------------- cross-correlation
def test_cross_correlation_finds_a_planted_lag_with_positive_meaning_x_leads():
    rng = np.random.default_rng(0)
    u = smooth_noise(3000, rng)
    x, y = u[10:], u[5:-5]          # y[t] = x[t - 5]: x leads by 5 samples
    lag, curve = C.cross_correlation_lag(x, y, rate_hz=30.0, max_lag_s=1.0)
    assert lag == pytest.approx(5 / 30, abs=0.2 / 30)
    assert curve.attrs["best_r"] == pytest.approx(1.0)
    lag_rev, _ = C.cross_correlation_lag(y, x, rate_hz=30.0, max_lag_s=1.0)
    assert lag_rev == pytest.approx(-5 / 30, abs=0.2 / 30)
    assert list(curve.columns) == ["lag_s", "lag_samples", "r", "n"]
    assert curve["lag_samples"].min() == -30 and curve["lag_samples"].max() == 30


def test_parabolic_refinement_recovers_a_fractional_lag():
    rng = np.random.default_rng(1)
    n = 4096
    u = smooth_noise(n, rng, width=15)
    freqs = np.fft.rfftfreq(n)
    shifted = np.fft.irfft(np.fft.rfft(u) * np.exp(-2j * np.pi * freqs * 4.5), n)  # delayed by 4.5 samples
    lag, _ = C.cross_correlation_lag(u[100:-100], shifted[100:-100], rate_hz=30.0, max_lag_s=0.5)
    assert lag * 30 == pytest.approx(4.5, abs=0.15)
    coarse, _ = C.cross_correlation_lag(u[100:-100], shifted[100:-100], rate_hz=30.0, max_lag_s=0.5, refine=False)
    assert coarse * 30 in (4.0, 5.0)


def test_cross_correlation_is_pairwise_pearson_at_every_lag_with_nan():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=400), rng.normal(size=400)
    y[3:] += 0.7 * x[:-3]
    x[rng.choice(400, 40, replace=False)] = np.nan
    y[rng.choice(400, 30, replace=False)] = np.nan
    curve = C.cross_correlation_curve(x, y, rate_hz=10.0, max_lag_s=1.0).set_index("lag_samples")
    for lag in (-7, -1, 0, 3, 10):
        a, b = (x[:-lag], y[lag:]) if lag > 0 else (x[-lag:], y[:400 + lag]) if lag < 0 else (x, y)
        ok = np.isfinite(a) & np.isfinite(b)
        assert curve.loc[lag, "r"] == pytest.approx(stats.pearsonr(a[ok], b[ok])[0], abs=1e-9)
        assert curve.loc[lag, "n"] == ok.sum()


@pytest.mark.parametrize("x, y, match", [
    (np.ones(100), np.arange(100.0), "constant"),
    (np.full(100, np.nan), np.arange(100.0), "finite"),
    (np.arange(100.0), np.arange(90.0), "mismatched clocks"),
])
def test_cross_correlation_refuses_bad_input(x, y, match):
    with pytest.raises(ValueError, match=match):
        C.cross_correlation_lag(x, y, rate_hz=30.0, max_lag_s=1.0)


def test_lags_without_enough_overlap_are_nan_not_numbers():
    x = np.arange(20.0) + np.random.default_rng(0).normal(size=20)
    curve = C.cross_correlation_curve(x, x[::-1].copy(), rate_hz=1.0, max_lag_s=15, min_overlap=10)
    far = curve[curve["n"] < 10]
    assert len(far) and far["r"].isna().all()


def test_pooled_cross_correlation_combines_clips_and_checks_clocks():
    rng = np.random.default_rng(3)
    curves = []
    for _ in range(5):
        u = smooth_noise(600, rng)
        x, y = u[4:], u[:-4] + 0.5 * rng.normal(size=596)
        curves.append(C.cross_correlation_lag(x, y, rate_hz=30.0, max_lag_s=0.5)[1])
    lag, pooled = C.pooled_cross_correlation(curves)
    assert lag == pytest.approx(4 / 30, abs=0.5 / 30)
    assert (pooled["n_clips"] == 5).all()
    other = C.cross_correlation_lag(rng.normal(size=200), rng.normal(size=200), rate_hz=25.0, max_lag_s=0.5)[1]
    with pytest.raises(ValueError, match="one clock"):
        C.pooled_cross_correlation(curves + [other])


def test_remove_slow_trend_keeps_fast_components_and_nan():
    t = np.arange(0, 60, 1 / 30)
    fast = np.sin(2 * np.pi * 2.0 * t)
    x = fast + 0.5 * t
    x[100] = np.nan
    out = C.remove_slow_trend(x, rate_hz=30.0, window_s=2.0)
    assert np.isnan(out[100]) and np.isfinite(np.delete(out, 100)).all()
    inner = np.r_[60:100, 101:t.size - 60]
    np.testing.assert_allclose(out[inner], fast[inner], atol=0.05)


# ------------------------------------------------------------------------ block bootstrap
def test_block_length_follows_carlsteins_rule():
    rng = np.random.default_rng(4)
    assert C.block_length(rng.normal(size=500)) <= 2
    x = ar1(500, 0.8, rng)
    rho = np.corrcoef(x[:-1], x[1:])[0, 1]
    expected = int(np.ceil((2 * rho / (1 - rho ** 2)) ** (2 / 3) * 500 ** (1 / 3)))
    assert C.block_length(x) == expected
    assert C.block_length(x, rng.normal(size=500)) == expected  # the larger autocorrelation wins


def test_block_bootstrap_point_estimates_equal_scipy():
    rng = np.random.default_rng(5)
    x, y = correlated_ar1(150, 0.4, 0.5, rng)
    p = C.block_bootstrap_correlation(x, y, n_boot=200)
    s = C.block_bootstrap_correlation(x, y, method="spearman", n_boot=200)
    assert p["r"] == pytest.approx(stats.pearsonr(x, y)[0], abs=1e-12)
    assert s["r"] == pytest.approx(stats.spearmanr(x, y)[0], abs=1e-12)
    assert p["ci_low"] < p["r"] < p["ci_high"]
    again = C.block_bootstrap_correlation(x, y, n_boot=200)
    assert again == p   # deterministic for a seed


def test_block_bootstrap_keeps_coverage_under_autocorrelation_where_iid_resampling_fails():
    rng = np.random.default_rng(6)
    rho, phi, n, reps = 0.3, 0.8, 300, 150
    xs, ys = correlated_ar1(n, rho, phi, rng, shape=(reps,))
    block_cover, iid_cover = [], []
    for i in range(reps):
        b = C.block_bootstrap_correlation(xs[i], ys[i], n_boot=500, seed=i)
        iid = C.block_bootstrap_correlation(xs[i], ys[i], n_boot=500, seed=i, block=1)
        block_cover.append(b["ci_low"] <= rho <= b["ci_high"])
        iid_cover.append(iid["ci_low"] <= rho <= iid["ci_high"])
    assert np.mean(block_cover) >= 0.87          # nominal 0.95; 150 replications
    assert np.mean(iid_cover) < np.mean(block_cover) - 0.1   # autocorrelation shrinks i.i.d. intervals


@pytest.mark.slow
@pytest.mark.parametrize("n", [12, 30])     # 1- and 2.5-minute clips in 5 s windows
def test_block_bootstrap_t_interval_keeps_coverage_for_short_clips(n):
    rng = np.random.default_rng(12 + n)
    rho, reps = 0.5, 200
    xs, ys = correlated_ar1(n, rho, 0.6, rng, shape=(reps,))
    results = [C.block_bootstrap_correlation(xs[i], ys[i], n_boot=400, seed=i) for i in range(reps)]
    assert np.mean([c["ci_low"] <= rho <= c["ci_high"] for c in results]) >= 0.9
    assert np.median([c["ci_high"] - c["ci_low"] for c in results]) < 1.5     # wide, but not [-1, 1]


@pytest.mark.parametrize("x, y, match", [
    (np.ones(30), np.arange(30.0), "constant"),
    (np.r_[np.arange(3.0), np.full(27, np.nan)], np.arange(30.0), "finite pairs"),
])
def test_block_bootstrap_refuses_undefined_correlations(x, y, match):
    with pytest.raises(ValueError, match=match):
        C.block_bootstrap_correlation(x, y)


def test_correlation_table_gives_one_tidy_row_per_clip_and_explains_nan():
    rng = np.random.default_rng(7)
    good_x, good_y = correlated_ar1(40, 0.6, 0.3, rng)
    frame = pd.concat([
        pd.DataFrame({"clip_id": "a", "m": good_x, "s": good_y, "window_s": 5.0, "hop_s": 5.0, "clock": "window"}),
        pd.DataFrame({"clip_id": "flat", "m": np.arange(10.0), "s": np.ones(10), "window_s": 5.0, "hop_s": 5.0,
                      "clock": "window"}),
    ])
    table = C.correlation_table(frame, "m", "s", n_boot=200)
    assert table["clip_id"].tolist() == ["a", "flat"]
    assert {"r", "ci_low", "ci_high", "spearman_r", "block", "n_eff", "window_s", "hop_s", "clock"} <= set(table)
    assert table.loc[0, "r"] == pytest.approx(stats.pearsonr(good_x, good_y)[0])
    assert np.isnan(table.loc[1, "r"]) and "constant" in table.loc[1, "note"]


# ------------------------------------------------------------------------------- pooled
def _clips(n_clips, n_windows, rho, phi, rng):
    """Clips with their own levels and scales and a common within-clip correlation rho."""
    x, y = correlated_ar1(n_windows, rho, phi, rng, shape=(n_clips,))
    level_x, level_y = rng.normal(5, 2, (n_clips, 1)), rng.normal(3, 1, (n_clips, 1))
    scale_x, scale_y = rng.uniform(0.5, 2, (n_clips, 1)), rng.uniform(0.5, 2, (n_clips, 1))
    return pd.DataFrame({"clip_id": np.repeat([f"c{i:02d}" for i in range(n_clips)], n_windows),
                         "m": (level_x + scale_x * x).ravel(), "s": (level_y + scale_y * y).ravel()})


def test_pooled_correlation_recovers_a_within_clip_correlation_despite_clip_levels():
    frame = _clips(40, 60, 0.5, 0.6, np.random.default_rng(8))
    res = C.pooled_correlation(frame, "m", "s", n_boot=1000)
    assert res["r"] == pytest.approx(0.5, abs=0.05)
    assert res["ci_low"] < 0.5 < res["ci_high"]
    assert res["n_clips"] == 40 and res["n_windows"] == 2400
    assert "MixedLM" in res["method"] and "cluster bootstrap" in res["method"]
    assert res["meta"]["r"] == pytest.approx(0.5, abs=0.06)
    # the MixedLM slope equals its closed-form GLS value (precision-weighted clip correlations)
    assert res["mixedlm"]["slope"] == pytest.approx(res["r"])
    raw = stats.pearsonr(frame["m"], frame["s"])[0]
    assert abs(raw - 0.5) > 0.1   # ignoring clips would have been badly wrong


@pytest.mark.slow
@pytest.mark.parametrize("rho", [0.0, 0.5])
def test_pooled_interval_covers_the_truth_at_about_the_nominal_rate(rho):
    rng = np.random.default_rng(9 + int(rho * 10))
    per_clip = pd.DataFrame({"r": np.zeros(15), "n_eff": np.full(15, 10.0)})  # skip the per-clip bootstrap
    covered = []
    for rep in range(100):
        res = C.pooled_correlation(_clips(15, 25, rho, 0.6, rng), "m", "s", n_boot=500, seed=rep,
                                   per_clip=per_clip)
        covered.append(res["ci_low"] <= rho <= res["ci_high"])
    assert 0.9 <= np.mean(covered) <= 0.995


def test_pooled_correlation_spearman_and_degenerate_cases():
    frame = _clips(10, 30, 0.5, 0.3, np.random.default_rng(10))
    sp = C.pooled_correlation(frame, "m", "s", method="spearman", n_boot=300)
    pe = C.pooled_correlation(frame, "m", "s", n_boot=300)
    assert sp["r"] == pytest.approx(pe["r"], abs=0.05) and sp["method"].startswith("spearman")
    one = frame[frame["clip_id"] == "c00"]
    single = C.pooled_correlation(one, "m", "s", n_boot=100)
    assert single["r"] == pytest.approx(stats.pearsonr(one["m"], one["s"])[0])
    assert np.isnan(single["ci_low"]) and "one usable clip" in single["note"]
    flat = frame.assign(s=1.0)
    with pytest.warns(UserWarning, match="left out"):
        none = C.pooled_correlation(flat, "m", "s", n_boot=100)
    assert none["n_clips"] == 0 and np.isnan(none["r"])


def test_meta_analysis_of_equal_correlations_has_no_heterogeneity():
    res = C.meta_analysis(np.full(8, 0.4), np.full(8, 50.0))
    assert res["r"] == pytest.approx(0.4) and res["tau2"] == 0.0 and res["k"] == 8
    z_se = 1 / np.sqrt(8 * 47)
    assert res["ci_low"] == pytest.approx(np.tanh(np.arctanh(0.4) - 1.959964 * z_se), abs=1e-6)


def test_effective_sample_size_shrinks_with_autocorrelation():
    rng = np.random.default_rng(11)
    x, y = correlated_ar1(1000, 0.0, 0.8, rng)
    assert C.effective_sample_size(x, y) == pytest.approx(1000 * (1 - 0.64) / (1 + 0.64), rel=0.15)
    a, b = rng.normal(size=1000), rng.normal(size=1000)
    assert C.effective_sample_size(a, b) == pytest.approx(1000, rel=0.05)
