"""Planted face tracks: the blink train, blendshapes and head rotation are what was asked for.

Checked against the definitions, not through :mod:`alloava_analysis.evaluate.face` (whose recovery of
these plants is tested in ``tests/unit/evaluate/test_face.py``).
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from alloava_analysis.synthetic.face import BLEND_NAMES, blink_train, face_dataset, face_track

FPS = 30.0
T = np.arange(int(60 * FPS)) / FPS


def test_an_unjittered_blink_train_has_one_blink_per_period():
    closure, n = blink_train(T, 12.0, jitter=0.0)                   # a period of 5 s, the first at 2.5 s
    assert n == 12
    shut = T[closure > 0.05]
    starts = shut[np.r_[True, np.diff(shut) > 1.0]]
    np.testing.assert_allclose(starts, 2.5 + 5.0 * np.arange(12), atol=1 / FPS + 1e-9)
    # peak 0.9; a 30 fps frame lies within 1/60 s of it, so at least 0.05 + 0.85 * (1 - (1/60) / 0.075)
    assert closure.min() == pytest.approx(0.05) and 0.71 < closure.max() <= 0.9
    assert shut.size <= 12 * int(0.15 * FPS + 1)                   # each blink lasts 0.15 s


def test_jittered_trains_are_seeded():
    a, n_a = blink_train(T, 20.0, seed=4)
    b, n_b = blink_train(T, 20.0, seed=4)
    c, _ = blink_train(T, 20.0, seed=5)
    np.testing.assert_array_equal(a, b)
    assert n_a == n_b and not np.array_equal(a, c)
    assert 20 * 0.7 <= n_a <= 20 / 0.7                             # spacing within +-30 % of the period


def test_face_dataset_carries_the_closure_and_the_scaled_rotation():
    t = T[:4]
    closure = np.array([0.05, 0.5, 0.9, 0.05])
    angles = np.array([[0, 0, 0], [0, 90, 0], [90, 0, 0], [0, 0, 90]], float)
    face = face_dataset(t, closure=closure, angles_deg=angles, scale=2.0)
    assert face.attrs["layout"] == "mediapipe_face_478" and list(face["blendshape"].values) == list(BLEND_NAMES)
    blend = face["blendshapes"].sel(blendshape=["eyeBlinkLeft", "eyeBlinkRight"]).values
    np.testing.assert_allclose(blend, np.column_stack([closure, closure]), atol=1e-7)
    mats = face["transformation_matrix"].values
    np.testing.assert_allclose(mats[0, :3, :3], 2 * np.eye(3), atol=1e-6)
    np.testing.assert_allclose(mats[1, :3, :3], 2 * np.array([[0, 0, 1], [0, 1, 0], [-1, 0, 0]]), atol=1e-6)
    np.testing.assert_allclose(mats[2, :3, :3], 2 * np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]]), atol=1e-6)
    np.testing.assert_allclose(mats[3, :3, :3], 2 * np.array([[0, -1, 0], [1, 0, 0], [0, 0, 1]]), atol=1e-6)
    np.testing.assert_allclose(mats[:, :3, 3], np.tile([1.0, -2.0, -40.0], (4, 1)))
    np.testing.assert_allclose(mats[:, 3], np.tile([0, 0, 0, 1.0], (4, 1)))


def test_a_face_track_wanders_with_the_asked_spread_and_plants_the_blink_train():
    face, n = face_track(T, blinks_per_min=15.0, head_sd_deg=5.0, seed=2)
    assert n == blink_train(T, 15.0, seed=2)[1]
    angles = Rotation.from_matrix(face["transformation_matrix"].values[:, :3, :3].astype(float)).as_euler(
        "xyz", degrees=True)
    np.testing.assert_allclose(angles.std(axis=0), 5.0, rtol=1e-3)
    assert np.abs(np.diff(angles, axis=0)).max() < 2.0              # smooth (white noise of sd 5 steps ~7)
    still, _ = face_track(T, blinks_per_min=15.0, head_sd_deg=0.0, seed=2)
    np.testing.assert_allclose(still["transformation_matrix"].values[:, :3, :3], np.tile(np.eye(3), (T.size, 1, 1)),
                               atol=1e-6)
