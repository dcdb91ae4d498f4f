"""The evaluation frame: invariance to translation, scale and coordinates; windows and feature sets."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.evaluate import EVAL_KEYPOINTS, GEOMETRIC, KINETIC, NORMALIZATION, normalize_pose, pose_windows
from alloava_analysis.model import POSITION_DIMS, make_pose

KP = POSITION_DIMS[2]


def _transformed(ds, *, shift, scale):
    """Move every frame by its own (dx, dy) and scale the whole picture (in normalised coordinates)."""
    pos = ds["position"].values.copy()
    pos[:, :2] = pos[:, :2] * scale + shift[:, :, None, None]
    return make_pose(pos, time=ds["time"].values, layout=ds.attrs["layout"], confidence=ds["confidence"].values,
                     frame_size=(ds.attrs["frame_width"], ds.attrs["frame_height"]))


def _features(ds):
    norm = normalize_pose(ds)
    w, _, _ = pose_windows(norm)
    return norm, KINETIC.compute(w, 30.0, EVAL_KEYPOINTS), GEOMETRIC.compute(w, 30.0, EVAL_KEYPOINTS)


def test_invariant_to_per_frame_translation_and_scale(pose):
    rng = np.random.default_rng(0)
    shift = np.cumsum(rng.normal(0, 0.002, (pose.sizes["time"], 2)), axis=0)  # a wandering camera
    base, k0, g0 = _features(pose)
    moved, k1, g1 = _features(_transformed(pose, shift=shift, scale=0.6))
    np.testing.assert_allclose(moved["position"].values, base["position"].values, atol=2e-5)
    np.testing.assert_allclose(k1, k0, rtol=1e-3, atol=1e-5)
    np.testing.assert_allclose(g1, g0, rtol=1e-3, atol=1e-5)
    assert moved.attrs["shoulder_width"] == pytest.approx(0.6 * base.attrs["shoulder_width"], rel=1e-4)


def test_pixels_and_normalised_coordinates_agree(pose):
    w, h = pose.attrs["frame_width"], pose.attrs["frame_height"]
    pos = pose["position"].values.copy()
    pos[:, 0] *= w
    pos[:, 1] *= h
    px = make_pose(pos, time=pose["time"].values, layout="mediapipe_pose_33", confidence=pose["confidence"].values,
                   coords="pixels", frame_size=(w, h))
    np.testing.assert_allclose(normalize_pose(px)["position"].values, normalize_pose(pose)["position"].values,
                               atol=1e-5, equal_nan=True)


def test_frame_is_shoulder_centred_in_shoulder_widths(pose):
    norm = normalize_pose(pose, rate_hz=None)
    ls = norm["position"].sel({KP: "left_shoulder"}).values[:, :, 0]
    rs = norm["position"].sel({KP: "right_shoulder"}).values[:, :, 0]
    ok = np.isfinite(ls).all(axis=1) & np.isfinite(rs).all(axis=1)
    np.testing.assert_allclose((ls + rs)[ok] / 2, 0.0, atol=1e-6)
    assert np.median(np.linalg.norm(ls - rs, axis=1)[ok]) == pytest.approx(1.0, rel=1e-4)
    assert norm.attrs["normalization"] == f"{NORMALIZATION['name']} v{NORMALIZATION['version']}"
    assert list(norm[KP].values) == list(EVAL_KEYPOINTS) and list(norm["space"].values) == ["x", "y"]


def test_resampling_to_the_analysis_rate(pose):
    sub = pose.isel(time=slice(0, None, 2))  # 15 fps
    norm = normalize_pose(sub, rate_hz=30.0)
    assert norm.attrs["fps"] == 30.0
    assert np.allclose(np.diff(norm["time"].values), 1 / 30)


def test_missing_keypoints_are_an_error():
    from alloava_analysis.schema import MEDIAPIPE_FACE_478

    face = make_pose(np.zeros((5, 2, 478)), time=np.arange(5) / 30, layout="mediapipe_face_478")
    with pytest.raises(ValueError, match="expected keypoints"):
        normalize_pose(face)
    assert MEDIAPIPE_FACE_478
