"""Fréchet distance: zero for identical sets, the closed form for Gaussians, FD-infinity, bootstrap."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import linalg, stats

from alloava_analysis.evaluate import fd_infinity, frechet_distance, frechet_from_features, frechet_report


def _closed_form(mu1, s1, mu2, s2):
    covmean = linalg.sqrtm(s1 @ s2).real  # the textbook formula, computed independently
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1 + s2 - 2 * covmean))


def _random_spd(d, rng):
    a = rng.standard_normal((d, d))
    return a @ a.T / d + 0.1 * np.eye(d)


def test_identical_sets_give_zero():
    x = np.random.default_rng(0).standard_normal((300, 8))
    assert frechet_from_features(x, x) == pytest.approx(0.0, abs=1e-9)
    rep = frechet_report(x, x.copy(), n_boot=20)
    assert rep["value"] == pytest.approx(0.0, abs=1e-9)
    assert rep["n_real"] == rep["n_generated"] == 300 and rep["dims"] == 8


def test_diagonal_gaussians_match_the_scalar_formula():
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    sd1, sd2 = np.array([1.0, 2.0, 0.5]), np.array([2.0, 2.0, 1.5])
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((sd1 - sd2) ** 2)  # 1 + 4 + (1 + 0 + 1) = 7
    assert frechet_distance(mu1, np.diag(sd1 ** 2), mu2, np.diag(sd2 ** 2)) == pytest.approx(expected, abs=1e-10)
    assert expected == pytest.approx(7.0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_general_gaussians_match_the_closed_form(seed):
    rng = np.random.default_rng(seed)
    d = 6
    mu1, mu2 = rng.standard_normal(d), rng.standard_normal(d)
    s1, s2 = _random_spd(d, rng), _random_spd(d, rng)
    assert frechet_distance(mu1, s1, mu2, s2) == pytest.approx(_closed_form(mu1, s1, mu2, s2), rel=1e-8)


def test_singular_covariances_are_handled():
    s = np.diag([1.0, 0.0, 0.0])
    assert frechet_distance(np.zeros(3), s, np.zeros(3), s) == pytest.approx(0.0, abs=1e-12)
    assert frechet_distance(np.zeros(3), s, np.ones(3), np.zeros((3, 3))) == pytest.approx(3 + 1.0)


def test_samples_from_two_gaussians_approach_the_closed_form_and_fd_infinity_removes_the_bias():
    rng = np.random.default_rng(4)
    d = 8
    mu2 = np.full(d, 0.25)
    s2 = np.diag(np.linspace(0.5, 2.0, d))
    truth = frechet_distance(np.zeros(d), np.eye(d), mu2, s2)
    finite, infinite = [], []
    for rep in range(8):
        a = rng.standard_normal((300, d))
        b = rng.multivariate_normal(mu2, s2, 300)
        finite.append(frechet_from_features(a, b))
        infinite.append(fd_infinity(a, b, seed=rep)["value"])
    # finite-sample FD is biased upwards; the extrapolation removes most of it
    assert np.mean(finite) - truth > 0.05
    # measured: truth 0.992, mean FD 1.252, mean FD-infinity 1.110 (55 % of the bias removed)
    assert abs(np.mean(infinite) - truth) < 0.6 * (np.mean(finite) - truth)
    big = frechet_from_features(rng.standard_normal((20000, d)), rng.multivariate_normal(mu2, s2, 20000))
    assert big == pytest.approx(truth, abs=0.03)


def test_fd_infinity_for_two_samples_of_one_distribution_is_near_zero():
    rng = np.random.default_rng(5)
    finite, infinite = [], []
    for rep in range(8):
        a, b = rng.standard_normal((400, 5)), rng.standard_normal((400, 5))
        res = fd_infinity(a, b, seed=rep)
        finite.append(frechet_from_features(a, b))
        infinite.append(res["intercept"])
        assert res["value"] == max(res["intercept"], 0.0) >= 0.0  # a distance is never negative
        assert res["ci_low"] <= res["value"] <= res["ci_high"]
    assert len(res["sizes"]) == len(res["fd"]) == 6 and res["sizes"][-1] == 400
    assert np.mean(finite) > 0.02  # the small-sample bias the extrapolation removes
    assert abs(np.mean(infinite)) < 0.3 * np.mean(finite)  # the raw intercept is unbiased, so may be < 0


def test_fd_infinity_of_an_identical_copy_is_zero_not_negative():
    # Subsets of one finite set differ by ~(1/N - 1/n), which vanishes at the full size: a line in 1/N
    # meets the axis below 0 (the -0.625 of notebook 70). The distance is reported as 0, and why.
    x = np.random.default_rng(7).standard_normal((300, 6))
    res = fd_infinity(x, x.copy(), seed=0)
    assert res["fd"][-1] == pytest.approx(0.0, abs=1e-9) and min(res["fd"][:-1]) > 0
    assert res["intercept"] < 0 and res["clipped"]
    assert res["value"] == 0.0 and res["ci_low"] == 0.0 and res["ci_high"] == 0.0
    assert "share samples" in res["note"]


def test_fd_infinity_interval_is_the_t_interval_of_the_fitted_intercept():
    rng = np.random.default_rng(8)
    a, b = rng.standard_normal((300, 4)), rng.standard_normal((300, 4)) + 1.0  # truth: 4.0
    res = fd_infinity(a, b, seed=0)
    x, y = 1.0 / np.asarray(res["sizes"], float), np.asarray(res["fd"])
    slope, intercept = np.polyfit(x, y, 1)
    resid = y - (intercept + slope * x)
    xc = x - x.mean()
    se = np.sqrt(resid @ resid / (len(x) - 2) * (1 / len(x) + x.mean() ** 2 / (xc @ xc)))
    assert res["intercept"] == pytest.approx(intercept) and res["intercept_se"] == pytest.approx(se)
    half = stats.t.ppf(0.975, len(x) - 2) * se
    assert res["ci_low"] == pytest.approx(intercept - half) and res["ci_high"] == pytest.approx(intercept + half)
    assert res["ci_low"] < 4.0 < res["ci_high"] and not res["clipped"] and res["note"] is None


def test_fd_infinity_refuses_too_few_samples():
    x = np.random.default_rng(0).standard_normal((20, 10))
    res = fd_infinity(x, x)
    assert res["value"] is None and "too few samples" in res["reason"]


def test_report_bootstraps_groups_and_brackets_the_estimate():
    rng = np.random.default_rng(6)
    a = rng.standard_normal((200, 4))
    b = rng.standard_normal((200, 4)) + 0.5
    groups = np.repeat(np.arange(20), 10)
    rep = frechet_report(a, b, real_groups=groups, generated_groups=groups, n_boot=100, seed=1)
    assert rep["bootstrap_unit"] == "group" and rep["n_real_groups"] == 20
    assert rep["ci_low"] <= rep["value"] <= rep["ci_high"]
    assert rep["ci_percentile"][0] <= rep["bootstrap_mean"] <= rep["ci_percentile"][1]
    assert rep["fd_infinity"]["value"] is not None
    # standardised with the real set's sd: scaling both sets changes nothing
    rep2 = frechet_report(a * 7, b * 7, n_boot=0)
    assert rep2["value"] == pytest.approx(frechet_report(a, b, n_boot=0)["value"], rel=1e-9)


def test_bad_shapes_are_rejected():
    with pytest.raises(ValueError, match="same dims"):
        frechet_report(np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="at least 2"):
        frechet_report(np.zeros((1, 2)), np.zeros((5, 2)))
