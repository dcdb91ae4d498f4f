"""APD, Hellinger distance and GENEA-style jerk/acceleration on analytic inputs."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.evaluate import (
    EVAL_KEYPOINTS,
    average_pairwise_distance,
    hellinger_distance,
    motion_statistics,
    normalize_pose,
    speed_histograms,
)
from tests.fixtures.evaluation import upper_body_pose


def test_hellinger_reference_values():
    assert hellinger_distance([3, 1, 0], [6, 2, 0]) == pytest.approx(0.0, abs=1e-12)
    assert hellinger_distance([1, 0], [0, 1]) == pytest.approx(1.0)
    assert hellinger_distance([1, 0], [1, 1]) == pytest.approx(np.sqrt(1 - np.sqrt(0.5)))
    with pytest.raises(ValueError, match="non-negative"):
        hellinger_distance([0, 0], [1, 1])


def test_speed_histograms_share_bins_and_keep_every_sample():
    rng = np.random.default_rng(0)
    real, gen = rng.exponential(1.0, 5000), rng.exponential(3.0, 4000)
    edges, hr, hg = speed_histograms(real, gen, bins=20)
    assert edges[0] == 0 and len(edges) == 21 and hr.sum() == 5000 and hg.sum() == 4000
    assert hellinger_distance(hr, hg) > 0.3


def test_apd_reference_values():
    assert average_pairwise_distance(np.array([[0.0, 0.0], [3.0, 4.0]])) == pytest.approx(5.0)
    assert average_pairwise_distance(np.array([[0.0], [1.0], [3.0]])) == pytest.approx(2.0)
    assert average_pairwise_distance(np.ones((10, 2, 3))) == 0.0
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3000, 4))
    # subsampled estimate of E|X - Y| for 4-d standard normals (sqrt(2) * E|Z_4| = 2.659)
    assert average_pairwise_distance(x, max_samples=800) == pytest.approx(2.659, rel=0.03)


def test_jerk_and_acceleration_of_known_motion():
    t = np.arange(120) / 30.0
    a = 0.6  # shoulder widths / s^2 on the right wrist only
    norm = normalize_pose(upper_body_pose(t, wrist_x=0.5 * a * t ** 2))
    stats = motion_statistics(norm)
    inner = slice(3, -3)  # one-sided differences at the edges
    k = len(EVAL_KEYPOINTS)
    np.testing.assert_allclose(stats["acceleration"][inner], a / k, rtol=1e-3)
    np.testing.assert_allclose(stats["jerk"][inner], 0.0, atol=1e-3)
    np.testing.assert_allclose(stats["speed"][inner], a * t[inner] / k, rtol=1e-3)
