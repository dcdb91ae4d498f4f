"""Correlation: block bootstrap, pooled estimates over clips."""
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


def test_block_bootstrap_gives_no_interval_rather_than_a_made_up_one_with_under_three_blocks():
    rng = np.random.default_rng(3)
    x, y = correlated_ar1(8, 0.5, 0.6, rng)
    res = C.block_bootstrap_correlation(x, y, n_boot=200, block=4)
    assert np.isfinite(res["r"]) and np.isnan(res["ci_low"]) and np.isnan(res["ci_high"])


# ------------------------------------------------------------------ AR(1)-calibrated per-clip intervals
def test_pooled_lag1_autocorrelation_removes_the_short_series_bias():
    rng = np.random.default_rng(4)
    series = ar1((200, 8), 0.6, rng)
    naive = np.mean([np.corrcoef(v[:-1], v[1:])[0, 1] for v in series])
    assert naive < 0.35                                           # 8 windows: badly biased low
    assert C.pooled_lag1_autocorrelation(list(series)) == pytest.approx(0.6, abs=0.05)
    assert C.pooled_lag1_autocorrelation(list(ar1((200, 8), 0.0, rng))) == pytest.approx(0.0, abs=0.05)


def test_effective_sample_size_is_n_for_white_noise_and_shrinks_with_autocorrelation():
    assert C.ar1_effective_sample_size(10, 0.0, 0.0) == pytest.approx(10.0)
    assert C.ar1_effective_sample_size(10, 0.6, 0.6) < 8
    assert C.ar1_effective_sample_size(1000, 0.6, 0.6) == pytest.approx(1000 * 0.64 / 1.36, rel=0.01)


def test_a_clip_with_too_few_independent_windows_keeps_its_r_but_gets_no_interval():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"clip_id": np.repeat(["short", "long"], [5, 60]),
                          "m": rng.normal(size=65), "s": rng.normal(size=65)})
    table = C.correlation_table(frame, "m", "s", phi=(0.9, 0.9), interval="ar1").set_index("clip_id")
    assert np.isfinite(table.loc["short", "r"]) and np.isnan(table.loc["short", "ci_low"])
    assert "too few independent windows" in table.loc["short", "note"]
    assert table.loc["short", "n_eff"] < 4
    assert np.isfinite(table.loc["long", "ci_low"]) and table.loc["long", "note"] == ""


def _per_clip_calibration(n_windows, rho, *, phi=0.6, corpora=40, clips=20, seed=0):
    """Coverage of rho and share of intervals excluding 0, over corpora of AR(1) clips."""
    rng = np.random.default_rng(seed + n_windows)
    covered, excluded = [], []
    for _ in range(corpora):
        x, y = correlated_ar1(n_windows, rho, phi, rng, shape=(clips,))
        frame = pd.DataFrame({"clip_id": np.repeat(np.arange(clips), n_windows), "m": x.ravel(), "s": y.ravel()})
        t = C.correlation_table(frame, "m", "s")
        covered += list((t["ci_low"] <= rho) & (rho <= t["ci_high"]))
        excluded += list((t["ci_low"] > 0) | (t["ci_high"] < 0))
    return np.mean(covered), np.mean(excluded)


@pytest.mark.slow
@pytest.mark.parametrize("n_windows", [7, 10, 30, 80])
def test_per_clip_interval_is_calibrated_from_7_to_80_windows(n_windows):
    """800 clips per cell, AR(1) windows with phi = 0.6 (the generator's): nominal 95 % / 5 %."""
    coverage_null, false_positive = _per_clip_calibration(n_windows, 0.0)
    coverage, power = _per_clip_calibration(n_windows, 0.5, seed=1)
    assert 0.92 <= coverage_null <= 0.98 and 0.02 <= false_positive <= 0.08
    assert 0.92 <= coverage <= 0.98
    floor = {7: 0.12, 10: 0.15, 30: 0.45, 80: 0.85}[n_windows]     # the old bootstrap interval: 0.08 at 7-10
    assert power >= floor


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
    assert len(none["dropped"]) == 10 and "constant" in none["dropped"][0]["reason"]
    assert len(none["diagnostics"]["dropped_clips"]) == 10


def test_every_clip_left_out_of_the_pool_is_named_with_its_reason():
    frame = _clips(4, 20, 0.5, 0.3, np.random.default_rng(12))
    frame.loc[frame["clip_id"] == "c01", "m"] = np.nan                      # never tracked
    frame.loc[frame["clip_id"] == "c02", "s"] = 2.0                         # constant
    with pytest.warns(UserWarning, match="left out"):
        res = C.pooled_correlation(frame, "m", "s", n_boot=100)
    assert res["n_clips"] == 2
    reasons = {d["clip_id"]: d["reason"] for d in res["dropped"]}
    assert set(reasons) == {"c01", "c02"} and "0 window" in reasons["c01"] and "constant" in reasons["c02"]
    assert {d["clip_id"] for d in res["meta"]["dropped"]} == {"c01", "c02"}


def test_meta_analysis_of_equal_correlations_has_no_heterogeneity():
    res = C.meta_analysis(np.full(8, 0.4), np.full(8, 50.0))
    assert res["r"] == pytest.approx(0.4) and res["tau2"] == 0.0 and res["k"] == 8
    z_se = 1 / np.sqrt(8 * 47)                       # Hartung-Knapp: max(q*, 1) = 1, t(7) quantile
    assert res["ci_low"] == pytest.approx(np.tanh(np.arctanh(0.4) - stats.t.ppf(0.975, 7) * z_se), abs=1e-6)
    assert "Hartung-Knapp" in res["interval"]


def test_hartung_knapp_keeps_coverage_with_eight_heterogeneous_clips():
    rng = np.random.default_rng(13)
    k, reps, truth, tau = 8, 400, 0.4, 0.3
    n_eff = rng.uniform(30, 200, (reps, k))
    z = np.arctanh(truth) + tau * rng.standard_normal((reps, k)) + rng.standard_normal((reps, k)) / np.sqrt(n_eff - 3)
    res = [C.meta_analysis(np.tanh(z[i]), n_eff[i]) for i in range(reps)]
    coverage = np.mean([m["ci_low"] <= truth <= m["ci_high"] for m in res])
    assert coverage >= 0.93                           # the normal-quantile DL interval: 0.90 here


def test_effective_sample_size_shrinks_with_autocorrelation():
    rng = np.random.default_rng(11)
    x, y = correlated_ar1(1000, 0.0, 0.8, rng)
    assert C.effective_sample_size(x, y) == pytest.approx(1000 * (1 - 0.64) / (1 + 0.64), rel=0.15)
    a, b = rng.normal(size=1000), rng.normal(size=1000)
    assert C.effective_sample_size(a, b) == pytest.approx(1000, rel=0.05)


# ------------------------------------------------------------------------ between-clip null (short clips)
def test_between_clip_null_pairs_every_clip_with_every_other_and_skips_short_ones():
    rng = np.random.default_rng(30)
    xs = [rng.normal(size=n) for n in (12, 12, 12, 6)]
    ys = [rng.normal(size=n) for n in (12, 12, 12, 6)]
    r, k = C.between_clip_null(xs, ys, 10)
    assert k == 3 and r.size == 6                                             # 3 clips long enough, 3 x 2 pairs
    assert r[0] == pytest.approx(np.corrcoef(xs[0][:10], ys[1][:10])[0, 1])
    rs, _ = C.between_clip_null(xs, ys, 10, method="spearman")
    assert rs[0] == pytest.approx(stats.spearmanr(xs[0][:10], ys[1][:10])[0])
    assert C.between_clip_null(xs, ys, 13)[0].size == 0


def test_clip_pair_interval_is_the_null_quantile_on_the_fisher_scale():
    null = np.tanh(np.linspace(-0.5, 0.5, 101))
    out = C.clip_pair_interval(0.2, null, ci=0.9)
    h = np.quantile(np.abs(np.arctanh(null)), 0.9)
    assert out["ci_low"] == pytest.approx(np.tanh(np.arctanh(0.2) - h))
    assert out["ci_high"] == pytest.approx(np.tanh(np.arctanh(0.2) + h))
    assert out["p_value"] == pytest.approx((1 + np.sum(np.abs(np.arctanh(null)) >= np.arctanh(0.2) - 1e-12)) / 102)
    assert out["null_pairs"] == 101 and np.isnan(C.clip_pair_interval(np.nan, null)["ci_low"])


def test_correlation_table_uses_the_between_clip_null_and_says_when_it_falls_back_to_ar1():
    rng = np.random.default_rng(31)
    x, y = correlated_ar1(12, 0.0, 0.5, rng, shape=(12,))
    frame = pd.DataFrame({"clip_id": np.repeat([f"c{i:02d}" for i in range(12)], 12), "m": x.ravel(),
                          "s": y.ravel()})
    t = C.correlation_table(frame, "m", "s")
    assert (t["null_pairs"] == 132).all() and t["p_value"].between(0, 1).all() and (t["note"] == "").all()
    few = C.correlation_table(frame[frame["clip_id"] < "c05"], "m", "s")
    assert few["p_value"].isna().all() and few["note"].str.startswith("AR(1) interval: only 5 clip(s)").all()
    assert np.isfinite(few["ci_low"]).all()


def _synthetic_window_series(n_windows, window_s, latent_s, clips, rho, seed):
    """(movement intensity, speech rate) per window of synthetic clips run through the real window tables."""
    from alloava_analysis.crossmodal.coupling import clip_tables
    from alloava_analysis.synthetic import SynthConfig, synthesize_clip

    duration = n_windows * window_s + 0.5
    cfg = SynthConfig(duration_s=(duration, duration), correlation=rho, window_s=latent_s, fps=15.0)
    out = []
    for k in range(clips):
        w, _ = clip_tables(synthesize_clip(k, seed=seed, config=cfg, audio=False), window_s=window_s, energy=False)
        out.append((w["intensity"].to_numpy(float), w["speech_rate"].to_numpy(float)))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("window_s, latent_s", [(2.0, 2.0), (1.0, 4.0)])
def test_per_clip_interval_has_nominal_exclusion_on_exact_nulls_of_synthetic_clips(window_s, latent_s):
    """Clip i's movement with clip i+1's speech (an exact null), 200 clips, 8 to 60 windows: 5 % +/- 2 %.

    With 1 s windows over a 4 s latent the window series are not AR(1): the former AR(1) interval excludes 0
    in 10-18 % of such nulls (benchmarks/short_clip_r.py prints both).
    """
    series = _synthetic_window_series(60, window_s, latent_s, 200, 0.5, seed=11)
    for n in (8, 10, 30, 60):
        parts = [pd.DataFrame({"clip_id": i, "m": x[:n], "s": series[(i + 1) % len(series)][1][:n]})
                 for i, (x, _) in enumerate(series)]
        t = C.correlation_table(pd.concat(parts, ignore_index=True), "m", "s")
        assert (t["interval"] == "clip_pairs").all() and (t["note"] == "").all()
        excluded = ((t["ci_low"] > 0) | (t["ci_high"] < 0)).mean()
        assert 0.03 <= excluded <= 0.07, (n, excluded)
        assert ((t["p_value"] <= 0.05) == ((t["ci_low"] > 0) | (t["ci_high"] < 0))).mean() >= 0.98
