"""Keypoint extraction pieces: millisecond clock, hand sides, datasets from real MediaPipe on a few frames."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.extract import keypoints as kp
from alloava_analysis.extract.media import MediaInfo, VideoFrame
from alloava_analysis.model import extractor_info, validate_pose
from alloava_analysis.schema import LAYOUTS


def test_timestamps_are_rounded_milliseconds():
    stamps, moved = kp.timestamps_ms([0.0, 0.0333, 0.0667, 0.1, 1.2345])
    assert stamps.tolist() == [0, 33, 67, 100, 1235] and moved == 0


def test_timestamps_that_collide_are_moved_later_and_counted():
    stamps, moved = kp.timestamps_ms([0.0, 0.0004, 0.0008, 0.002, 0.0021])
    assert stamps.tolist() == [0, 1, 2, 3, 4]
    assert moved == 4
    assert (np.diff(stamps) > 0).all()


POSE_WRISTS = np.array([[0.7, 0.8], [0.3, 0.8]])  # person's left wrist on the image right (facing camera)


def test_hand_sides_from_the_nearest_pose_wrist():
    hands = np.array([[0.31, 0.79], [0.69, 0.82]])
    sides, method = kp.assign_hand_sides(hands, ["Left", "Left"], POSE_WRISTS)
    assert method == "pose_wrist" and list(sides) == ["right", "left"]
    sides, _ = kp.assign_hand_sides(hands[::-1], ["Left", "Left"], POSE_WRISTS)
    assert list(sides) == ["left", "right"]


def test_one_hand_takes_the_nearer_wrist():
    sides, method = kp.assign_hand_sides(np.array([[0.68, 0.7]]), ["Right"], POSE_WRISTS)
    assert (list(sides), method) == (["left"], "pose_wrist")


@pytest.mark.parametrize("mirrored, expected", [(True, ["right", "left"]), (False, ["left", "right"])])
def test_without_a_pose_the_handedness_label_decides(mirrored, expected):
    hands = np.array([[0.3, 0.8], [0.7, 0.8]])
    sides, method = kp.assign_hand_sides(hands, ["Left", "Right"], None, mirrored_labels=mirrored)
    assert (list(sides), method) == (expected, "handedness_label")
    sides, method = kp.assign_hand_sides(hands, ["Left", "Right"], np.full((2, 2), np.nan),
                                         mirrored_labels=mirrored)
    assert method == "handedness_label"


@pytest.fixture(scope="module")
def tracked():
    """Real MediaPipe (pose, face, hands) on 4 astronaut frames (one shifted) around 2 empty grey frames."""
    pytest.importorskip("mediapipe")
    skdata = pytest.importorskip("skimage.data")
    photo = skdata.astronaut()
    grey = np.full_like(photo, 128)
    shifted = np.pad(photo, ((0, 0), (40, 0), (0, 0)), mode="edge")[:, :512]  # content moved 40 px right
    images = [photo, photo, grey, grey, shifted, photo]
    times = [0.0, 0.04, 0.1, 0.13, 0.2, 0.5]
    frames = [VideoFrame(i, t, im) for i, (t, im) in enumerate(zip(times, images))]
    info = MediaInfo(path=None, format="test", duration=0.6, origin=0.0, has_video=True, has_audio=False,
                     width=512, height=512, fps=25.0, n_frames=len(frames))
    return kp.extract_keypoints("frames.mp4", face=True, hands=True, info=info, frames=frames,
                                progress=False), times


def test_every_frame_keeps_its_row_and_time(tracked):
    result, times = tracked
    assert result.frames == 6
    for name in ("mediapipe_pose_33", "openpose_body_18", "mediapipe_face_478", "mediapipe_hands_42"):
        ds = validate_pose(result.poses[name])
        np.testing.assert_array_equal(ds["time"].values, times)
        assert ds.attrs["layout"] == name and ds.attrs["coords"] == "normalized"
        assert ds.attrs["frame_width"] == 512
        assert extractor_info(ds)["running_mode"] == "VIDEO"
        assert len(ds.attrs["model_sha256"]) == 64 and ds.attrs["model_sha256"] == extractor_info(ds)["model_sha256"]


def test_frames_without_a_person_are_nan_with_zero_confidence(tracked):
    result, _ = tracked
    pose = result.poses["mediapipe_pose_33"]
    assert result.frames_without_person == 2 and result.frames_without_face == 2
    empty = pose.isel(time=[2, 3])
    assert np.isnan(empty["position"].values).all()
    assert (empty["confidence"].values == 0).all() and (empty["presence"].values == 0).all()
    seen = pose.isel(time=[0, 1, 4, 5])
    assert np.isfinite(seen["position"].values).all()
    nose_conf = seen["confidence"].sel(keypoint="nose").values
    assert (nose_conf > 0.9).all()


def test_pose_follows_a_shifted_frame(tracked):
    result, _ = tracked
    nose_x = result.poses["mediapipe_pose_33"]["position"].sel(keypoint="nose", space="x").values[:, 0]
    # frames 0 and 4 are both fresh detections (after the start, after the empty frames): no smoothing history
    # (single-frame landmark precision on this photo is a few pixels)
    assert (nose_x[4] - nose_x[0]) * 512 == pytest.approx(40, abs=6)


def test_openpose_18_is_derived_from_the_mediapipe_points(tracked):
    result, _ = tracked
    mp33, op18 = result.poses["mediapipe_pose_33"], result.poses["openpose_body_18"]
    assert list(op18["keypoint"].values) == list(LAYOUTS["openpose_body_18"].keypoints)
    assert list(op18["space"].values) == ["x", "y"]
    xy = mp33["position"].sel(space=["x", "y"])
    for name in ("nose", "left_wrist", "right_ear", "left_ankle"):
        np.testing.assert_array_equal(op18["position"].sel(keypoint=name).values, xy.sel(keypoint=name).values)
        np.testing.assert_array_equal(op18["confidence"].sel(keypoint=name).values,
                                      mp33["confidence"].sel(keypoint=name).values)
    shoulders = xy.sel(keypoint=["left_shoulder", "right_shoulder"])
    np.testing.assert_allclose(op18["position"].sel(keypoint="neck").values, shoulders.mean("keypoint").values,
                               rtol=1e-6)
    np.testing.assert_array_equal(
        op18["confidence"].sel(keypoint="neck").values,
        mp33["confidence"].sel(keypoint=["left_shoulder", "right_shoulder"]).min("keypoint").values)


def test_face_carries_blendshapes_and_transformation_matrices(tracked):
    result, _ = tracked
    face = result.poses["mediapipe_face_478"]
    assert face.sizes["keypoint"] == 478 and face.sizes["blendshape"] == 52
    assert "jawOpen" in face["blendshape"].values
    blend = face["blendshapes"].values
    assert np.isnan(blend[[2, 3]]).all() and ((blend[[0, 1]] >= 0) & (blend[[0, 1]] <= 1)).all()
    matrix = face["transformation_matrix"].values[0]
    np.testing.assert_allclose(matrix[3], [0, 0, 0, 1], atol=1e-5)
    rotation = matrix[:3, :3]
    np.testing.assert_allclose(rotation @ rotation.T, np.eye(3), atol=1e-3)  # a rigid rotation
    table = result.blendshapes()
    assert table.shape == (6, 52) and table.index.name == "time"


def test_hands_layout_is_42_points_nan_when_no_hand(tracked):
    result, _ = tracked
    hands = result.poses["mediapipe_hands_42"]
    assert hands.sizes["keypoint"] == 42
    assert set(hands["body_part"].values) == {"left_hand", "right_hand"}
    # the astronaut photo shows no hand: all missing, confidence 0 (MediaPipe finds none)
    assert np.isnan(hands["position"].values).all() and (hands["confidence"].values == 0).all()


def test_at_least_one_landmarker_is_needed():
    pytest.importorskip("mediapipe")
    with pytest.raises(ValueError, match="at least one of pose, face or hands"):
        kp.Landmarkers(pose=False)


def test_decoding_smaller_keeps_keypoints_in_the_original_frame_and_clock():
    """The real signer clip (540 x 720) tracked at its size and decoded at 360 px tall: same times, same pixels."""
    pytest.importorskip("mediapipe")
    from pathlib import Path

    video = Path(__file__).resolve().parents[2] / "fixtures" / "real" / "signer_wave.mp4"
    full, small = (kp.extract_keypoints(video, max_height=height, progress=False, detect_cuts=False,
                                        allow_download=False).poses["mediapipe_pose_33"] for height in (None, 360))
    np.testing.assert_array_equal(small["time"].values, full["time"].values)
    assert (small.attrs["frame_width"], small.attrs["frame_height"]) == (full.attrs["frame_width"],
                                                                     full.attrs["frame_height"]) == (540, 720)
    pixels = np.array([540.0, 720.0])[None, :, None]
    a, b = (ds["position"].values[:, :2, :, 0] * pixels for ds in (full, small))
    names = list(full["keypoint"].values)
    shoulder = np.nanmedian(np.linalg.norm(a[:, :, names.index("left_shoulder")]
                                           - a[:, :, names.index("right_shoulder")], axis=1))
    assert 200 < shoulder < 400  # in the original's pixels (the 360-px frames would give half)
    upper = [names.index(k) for k in ("nose", "left_shoulder", "right_shoulder", "right_elbow", "right_wrist")]
    moved = np.linalg.norm(a[:, :, upper] - b[:, :, upper], axis=1) / shoulder
    # measured 0.006-0.034 shoulder widths per point (median); re-encoding the clip once moves them as much
    assert np.nanmedian(moved) < 0.05 and np.isfinite(moved).mean() > 0.9
