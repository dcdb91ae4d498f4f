"""Keypoint layouts, body-part groups and the MediaPipe-33 -> OpenPose-18 conversion."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis import schema
from alloava_analysis.schema import (
    FACE_LANDMARKS,
    GROUPS,
    LAYOUTS,
    get_layout,
    group_keypoints,
    layout_for_count,
    mediapipe33_to_openpose18,
)

POSE_LAYOUTS = ("mediapipe_pose_33", "openpose_body_18")
LEG_WORDS = ("hip", "knee", "ankle", "heel", "foot")


@pytest.mark.parametrize("name, size, parts", [
    ("mediapipe_pose_33", 33, {"body"}),
    ("openpose_body_18", 18, {"body"}),
    ("mediapipe_face_478", 478, {"face"}),
    ("mediapipe_hands_42", 42, {"left_hand", "right_hand"}),
    ("mediapipe_holistic", 33 + 478 + 42, {"body", "face", "left_hand", "right_hand"}),
])
def test_layout_sizes_unique_names_and_body_parts(name, size, parts):
    lay = get_layout(name)
    assert len(lay) == size == len(lay.body_part)
    assert len(set(lay.keypoints)) == size
    assert set(lay.body_part) == parts
    assert layout_for_count(size) == name


def test_orderings_follow_the_extractors():
    mp, op = get_layout("mediapipe_pose_33"), get_layout("openpose_body_18")
    # MediaPipe pose landmark indices (0 nose, 11/12 shoulders, 15/16 wrists, 32 right foot index).
    assert mp.index(["nose", "left_shoulder", "right_shoulder", "left_wrist", "right_wrist",
                     "right_foot_index"]) == [0, 11, 12, 15, 16, 32]
    # OpenPose COCO-18: 0 nose, 1 neck, 2 right shoulder, 4 right wrist, 5 left shoulder, 17 left ear.
    assert op.index(["nose", "neck", "right_shoulder", "right_wrist", "left_shoulder", "left_ear"]) == \
        [0, 1, 2, 4, 5, 17]
    hands = get_layout("mediapipe_hands_42")
    assert hands.keypoints[0] == "left_hand_wrist" and hands.keypoints[21] == "right_hand_wrist"


@pytest.mark.parametrize("layout", POSE_LAYOUTS)
@pytest.mark.parametrize("group", GROUPS)
def test_groups_are_non_empty_subsets_of_the_layout(layout, group):
    names = group_keypoints(layout, group)
    assert names and set(names) <= set(get_layout(layout).keypoints)
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("layout", POSE_LAYOUTS)
def test_upper_body_groups_hold_no_leg_points(layout):
    for group in ("head", "arms", "hands"):
        legs = [n for n in group_keypoints(layout, group) if any(w in n for w in LEG_WORDS)]
        assert legs == [], f"{layout}/{group} contains leg keypoints {legs}"
    upper = group_keypoints(layout, "upper_body")
    assert not any(w in n for n in upper for w in ("knee", "ankle", "heel", "foot"))


def test_group_contents():
    assert set(group_keypoints("mediapipe_pose_33", "hands")) == {
        f"{s}_{p}" for s in ("left", "right") for p in ("wrist", "pinky", "index", "thumb")}
    assert set(group_keypoints("mediapipe_pose_33", "legs")) == {
        f"{s}_{p}" for s in ("left", "right") for p in ("hip", "knee", "ankle", "heel", "foot_index")}
    assert "neck" in group_keypoints("openpose_body_18", "torso")
    assert set(group_keypoints("openpose_body_18", "arms")) == {
        f"{s}_{p}" for s in ("left", "right") for p in ("shoulder", "elbow", "wrist")}
    assert len(group_keypoints("mediapipe_holistic", "face")) == 478


def test_unknown_layout_and_group_errors_list_the_options():
    with pytest.raises(KeyError, match="openpose_body_18"):
        get_layout("coco_17")
    with pytest.raises(KeyError, match="upper_body"):
        group_keypoints("mediapipe_pose_33", "tail")
    with pytest.raises(KeyError, match="wing"):
        get_layout("mediapipe_pose_33").index(["nose", "wing"])
    assert layout_for_count(17) is None


def test_face_landmark_indices_are_inside_the_face_mesh():
    assert all(0 <= i < 478 for i in FACE_LANDMARKS.values())
    assert len(set(FACE_LANDMARKS.values())) == len(FACE_LANDMARKS)


@pytest.mark.parametrize("extra_dims", [(), (2,)])
def test_mediapipe33_to_openpose18_neck_is_shoulder_midpoint_and_the_rest_is_copied(extra_dims):
    rng = np.random.default_rng(3)
    pos = rng.random((7, 3, 33) + extra_dims).astype(np.float32)
    conf = rng.random((7, 33) + extra_dims).astype(np.float32)
    out_pos, out_conf = mediapipe33_to_openpose18(pos, conf)
    assert out_pos.shape == (7, 3, 18) + extra_dims and out_conf.shape == (7, 18) + extra_dims
    mp, op = get_layout("mediapipe_pose_33"), get_layout("openpose_body_18")
    ls, rs = mp.index(["left_shoulder", "right_shoulder"])
    neck = op.index(["neck"])[0]
    np.testing.assert_allclose(out_pos[:, :, neck], (pos[:, :, ls] + pos[:, :, rs]) / 2, rtol=1e-6)
    np.testing.assert_array_equal(out_conf[:, neck], np.minimum(conf[:, ls], conf[:, rs]))
    copied = [n for n in op.keypoints if n != "neck"]
    assert len(copied) == 17
    for name in copied:
        j, i = op.index([name])[0], mp.index([name])[0]
        np.testing.assert_array_equal(out_pos[:, :, j], pos[:, :, i], err_msg=name)
        np.testing.assert_array_equal(out_conf[:, j], conf[:, i], err_msg=name)


def test_mediapipe33_to_openpose18_propagates_missing_shoulders_to_the_neck():
    pos = np.zeros((2, 2, 33), np.float32)
    conf = np.ones((2, 33), np.float32)
    pos[1, :, get_layout("mediapipe_pose_33").index(["left_shoulder"])[0]] = np.nan
    out_pos, _ = mediapipe33_to_openpose18(pos, conf)
    neck = get_layout("openpose_body_18").index(["neck"])[0]
    assert np.isfinite(out_pos[0, :, neck]).all() and np.isnan(out_pos[1, :, neck]).all()


def test_mediapipe33_to_openpose18_rejects_other_layouts():
    with pytest.raises(ValueError, match="expected 33"):
        mediapipe33_to_openpose18(np.zeros((2, 2, 18)), np.zeros((2, 18)))


def test_layout_registry_is_consistent():
    assert set(LAYOUTS) == {"mediapipe_pose_33", "openpose_body_18", "mediapipe_face_478",
                            "mediapipe_hands_42", "mediapipe_holistic"}
    assert schema.LAYOUTS["mediapipe_holistic"].keypoints[:33] == schema.MEDIAPIPE_POSE_33
