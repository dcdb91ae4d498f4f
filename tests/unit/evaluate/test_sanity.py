"""Sanity copies: identical poses, Gaussian jitter of the asked size in pixels, and frozen first frames."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.corpus import Corpus
from alloava_analysis.evaluate.sanity import perturbed_copy
from tests.fixtures.datasets import line_pose, make_clip


@pytest.fixture
def clip():
    clip = make_clip(0, n_frames=200, layouts=("mediapipe_pose_33",))
    pose = line_pose(200, missing_frames=(0, 1))  # the first complete frame is frame 2
    pose.attrs.update(frame_width=640, frame_height=480)
    clip.poses = {"mediapipe_pose_33": pose}
    return clip


def _positions(root, clip_id):
    return Corpus(root).load(clip_id).pose["position"].values[:, :, :, 0].astype(float)


def test_identical_jittered_and_frozen_copies_move_the_poses_as_asked(clip, tmp_path):
    original = clip.pose["position"].values[:, :, :, 0].astype(float)
    same = _positions(perturbed_copy([clip], tmp_path / "same", kind="identical"), clip.clip_id)
    np.testing.assert_allclose(same, original, atol=1e-6, equal_nan=True)
    noisy = _positions(perturbed_copy([clip], tmp_path / "noisy", kind="jittered", sigma_px=2.0, seed=1), clip.clip_id)
    noise_px = (noisy - original)[2:] * np.array([640.0, 480.0])[None, :, None]  # normalised -> pixels
    assert np.nanstd(noise_px[:, 0]) == pytest.approx(2.0, rel=0.05)
    assert np.nanstd(noise_px[:, 1]) == pytest.approx(2.0, rel=0.05)
    frozen = _positions(perturbed_copy([clip], tmp_path / "frozen", kind="frozen"), clip.clip_id)
    np.testing.assert_allclose(frozen, np.repeat(original[2:3], 200, axis=0), atol=1e-6)
    np.testing.assert_array_equal(clip.pose["position"].values[:, :, :, 0], original)  # the source is unchanged
