"""Talking-head measures: planted head rotations and blink trains are recovered."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.evaluate import (
    blinks_per_minute,
    detect_blinks,
    eye_aspect_ratio,
    eye_closure,
    head_angular_speed,
    head_pose,
    rotation_angles,
)
from alloava_analysis.evaluate.face import EAR_POINTS
from alloava_analysis.model import make_pose
from tests.fixtures.evaluation import blink_train, face_dataset

FPS = 30.0


def test_rotation_angles_recover_planted_pitch_yaw_roll_despite_scale():
    rng = np.random.default_rng(0)
    planted = np.column_stack([rng.uniform(-30, 30, 50), rng.uniform(-60, 60, 50), rng.uniform(-20, 20, 50)])
    face = face_dataset(np.arange(50) / FPS, angles_deg=planted, scale=3.7)
    pose = head_pose(face)
    np.testing.assert_allclose(pose[["pitch", "yaw", "roll"]].to_numpy(), planted, atol=1e-3)
    mats = face["transformation_matrix"].values.copy()
    mats[3] = np.nan
    assert np.isnan(rotation_angles(mats)[3]).all() and np.isfinite(rotation_angles(mats)[4]).all()


def test_head_angular_speed_of_a_steady_turn():
    t = np.arange(60) / FPS
    yaw = 20.0 * t  # 20 degrees per second
    face = face_dataset(t, angles_deg=np.column_stack([np.zeros_like(t), yaw, np.zeros_like(t)]))
    np.testing.assert_allclose(head_angular_speed(head_pose(face)), 20.0, rtol=1e-3)


@pytest.mark.parametrize("rate", [6.0, 17.0, 30.0])
def test_planted_blink_train_is_recovered_from_blendshapes(rate):
    t = np.arange(int(120 * FPS)) / FPS
    closure, planted = blink_train(t, rate, seed=int(rate))
    face = face_dataset(t, closure=closure)
    score, method = eye_closure(face)
    assert method == "blendshapes"
    per_min, n, minutes = blinks_per_minute(t, score)
    assert n == planted
    assert minutes == pytest.approx(2.0, rel=1e-3)
    assert per_min == pytest.approx(planted / 2.0, rel=1e-3)
    assert per_min == pytest.approx(rate, rel=0.15)


def test_long_eye_closures_and_missing_frames_are_not_blinks():
    t = np.arange(int(20 * FPS)) / FPS
    c = np.full(t.size, 0.05)
    c[(t > 5) & (t < 7)] = 0.9  # eyes shut for 2 s: not a blink
    c[(t > 10) & (t < 10.15)] = 0.9  # a blink
    c[(t > 15) & (t < 16)] = np.nan  # no face found for a second
    assert len(detect_blinks(t, c)) == 1
    _, n, minutes = blinks_per_minute(t, c)
    assert n == 1 and minutes == pytest.approx((t.size - np.isnan(c).sum()) / FPS / 60)


def _eye_face(t: np.ndarray, openness: np.ndarray) -> "xr.Dataset":  # noqa: F821
    """Face mesh whose eyelids open by ``openness`` (0..1) of a 0.3 aspect ratio; no blendshapes."""
    pos = np.full((t.size, 2, 478), 0.5, np.float64)
    for centre, pts in ((0.4, EAR_POINTS["right"]), (0.6, EAR_POINTS["left"])):
        p1, p2, p3, p4, p5, p6 = pts
        half_w = 0.03
        lid = 0.3 * half_w * openness  # EAR = (2 * 2 lid) / (2 * 2 half_w) = lid / half_w
        pos[:, 0, p1], pos[:, 0, p4] = centre - half_w, centre + half_w
        for up, down, x in ((p2, p6, centre - 0.01), (p3, p5, centre + 0.01)):
            pos[:, 0, up] = pos[:, 0, down] = x
            pos[:, 1, up], pos[:, 1, down] = 0.5 - lid, 0.5 + lid
    return make_pose(pos, time=t, layout="mediapipe_face_478")


def test_blinks_from_the_eye_aspect_ratio_without_blendshapes():
    t = np.arange(int(60 * FPS)) / FPS
    closure, planted = blink_train(t, 12.0, duration_s=0.2)
    face = _eye_face(t, 1.0 - closure)
    np.testing.assert_allclose(np.nanmax(eye_aspect_ratio(face)), 0.3 * 0.95, rtol=1e-5)
    score, method = eye_closure(face)
    assert method == "ear"
    _, n, _ = blinks_per_minute(t, score)
    assert n == planted


def test_unknown_closure_method_is_rejected():
    face = face_dataset(np.arange(5) / FPS)
    with pytest.raises(ValueError, match="method"):
        eye_closure(face, method="guess")
