"""Cross-correlation lags: planted lags, sign convention, NaN handling, pooling over clips."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from alloava_analysis.crossmodal import lags as C


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


# ------------------------------------------------------------------------------ lag intervals
def _lagged_pair(n, lag, rng, noise=0.5):
    """x and y sharing a smooth process, x leading y by ``lag`` samples (fractional allowed)."""
    t = np.arange(n + 200, dtype=float)
    u = smooth_noise(n + 200, rng)
    x = u[100:100 + n] + noise * rng.standard_normal(n)
    y = np.interp(t[100:100 + n] - lag, t, u) + noise * rng.standard_normal(n)
    return x, y


def test_lag_interval_covers_the_planted_lag_at_about_the_nominal_rate():
    rng = np.random.default_rng(21)
    covered, widths = [], []
    for rep in range(60):
        lag = rng.uniform(-6, 6)
        x, y = _lagged_pair(1350, lag, rng)                  # 45 s at 30 fps
        res = C.lag_interval(x, y, rate_hz=30.0, max_lag_s=1.0, n_boot=300, seed=rep, n_surrogates=0)
        covered.append(res["ci_low"] <= lag / 30 <= res["ci_high"])
        widths.append(res["ci_high"] - res["ci_low"])
        assert res["n_blocks"] == 9 and not res["competing_peak"]
    assert np.mean(covered) >= 0.88                          # nominal 0.95 over 60 clips
    assert np.median(widths) < 0.1


def test_a_clip_with_two_competing_lags_is_flagged():
    rng = np.random.default_rng(22)
    n = 1350
    u = smooth_noise(n + 200, rng, width=5)
    x = u[100:100 + n] + 0.3 * rng.standard_normal(n)
    y = u[100 - 6:100 - 6 + n] + 0.95 * u[100 + 9:100 + 9 + n] + 0.3 * rng.standard_normal(n)   # lags +6 and -9
    res = C.lag_interval(x, y, rate_hz=30.0, max_lag_s=1.0, n_boot=300)
    assert res["competing_peak"] and res["secondary_r"] >= 0.9 * res["r"]
    assert {round(res["lag_s"] * 30), round(res["secondary_lag_s"] * 30)} == {6, -9}


def test_pooled_lag_interval_is_a_cluster_bootstrap_over_clips():
    rng = np.random.default_rng(23)
    curves = []
    for _ in range(8):
        x, y = _lagged_pair(900, 4.5, rng)
        curves.append(C.cross_correlation_curve(x, y, rate_hz=30.0, max_lag_s=0.5))
    res = C.pooled_lag_interval(curves, n_boot=500)
    assert res["n_clips"] == 8 and res["ci_low"] <= 4.5 / 30 <= res["ci_high"]
    assert res["peak_lag_s"] == pytest.approx(C.pooled_cross_correlation(curves)[0])


# ---------------------------------------------------------------------------------------------------------------
# lags that are not detectable are not numbers (issue 22)
# ---------------------------------------------------------------------------------------------------------------
def test_lag_verdict_says_in_words_why_a_lag_is_not_detectable():
    assert C.lag_verdict(0.1, 0.05, 0.15, 0.01, max_lag_s=1.0) == (True, "")
    assert "not above the circular-shift null" in C.lag_verdict(0.1, 0.05, 0.15, 0.3, max_lag_s=1.0)[1]
    wide = C.lag_verdict(0.891, -0.814, 2.60, 0.01, max_lag_s=1.0)
    assert not wide[0] and "wider than the search range" in wide[1]
    assert not C.lag_verdict(0.1, np.nan, np.nan, 0.01, max_lag_s=1.0)[0]
    assert not C.lag_verdict(np.nan, np.nan, np.nan, np.nan, max_lag_s=1.0)[0]


def test_surrogate_p_value_counts_the_observed_value_among_the_null():
    assert C.surrogate_p_value(5.0, np.arange(19.0)) == pytest.approx(15 / 20)
    assert C.surrogate_p_value(100.0, np.arange(19.0)) == pytest.approx(1 / 20)
    assert np.isnan(C.surrogate_p_value(1.0, np.array([])))


def test_a_cross_correlation_lag_on_an_exact_null_is_null_with_a_reason():
    from tests.fixtures.independent_corpus import exact_null_pairs, make_corpus

    nulls = exact_null_pairs(make_corpus(8, 45.0, lag_s=0.2, coupling=0.5, seed=6))
    results = [C.lag_interval(C.remove_slow_trend(p.motion, rate_hz=30.0, window_s=2.0),
                              C.remove_slow_trend(p.speech, rate_hz=30.0, window_s=2.0), rate_hz=30.0,
                              max_lag_s=1.0, n_boot=200, seed=k) for k, p in enumerate(nulls)]
    quiet = [r for r in results if not r["detectable"]]
    assert len(quiet) >= 7
    for r in quiet:
        assert np.isnan(r["lag_s"]) and np.isfinite(r["peak_lag_s"]) and r["reason"].startswith("no lag detectable")


def test_a_planted_cross_correlation_lag_is_detectable_on_both_generators():
    from tests.fixtures.lag_study import corpus

    for generator in ("package", "independent"):
        for p in corpus(generator, 2, 90.0, lag_s=0.2, coupling=0.5, seed=4):
            r = C.lag_interval(C.remove_slow_trend(p.motion, rate_hz=p.fps, window_s=2.0),
                               C.remove_slow_trend(p.speech, rate_hz=p.fps, window_s=2.0), rate_hz=p.fps,
                               max_lag_s=1.0, n_boot=200)
            assert r["detectable"] and r["p_value"] <= 0.05 and r["lag_s"] == r["peak_lag_s"]
            assert r["ci_low"] <= 0.2 <= r["ci_high"]


def test_pooled_lag_without_a_null_is_not_reported():
    rng = np.random.default_rng(24)
    pairs = [_lagged_pair(900, 3.0, rng) for _ in range(4)]
    curves = [C.cross_correlation_curve(x, y, rate_hz=30.0, max_lag_s=1.0) for x, y in pairs]
    nulls = [C.surrogate_curves(x, y, max_lag=30, n_surrogates=39, seed=k) for k, (x, y) in enumerate(pairs)]
    found = C.pooled_lag_interval(curves, nulls=nulls, max_lag_s=1.0)
    assert found["detectable"] and found["lag_s"] == pytest.approx(0.1, abs=1 / 60)
    assert not C.pooled_lag_interval(curves)["detectable"]    # no null: no claim
