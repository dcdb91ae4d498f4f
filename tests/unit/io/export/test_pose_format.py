"""pose-format ``.pose`` files: our export opens with pose-format's reader as a recognised layout,
round trips are lossless, and a real file from pose-format's own repository imports."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

pytest.importorskip("pose_format")
from pose_format import Pose  # noqa: E402
from pose_format.utils.generic import (  # noqa: E402
    detect_known_pose_format,
    get_hand_wrist_index,
    hands_indexes,
    pose_hide_legs,
    pose_normalization_info,
)

from alloava_analysis.errors import SchemaError  # noqa: E402
from alloava_analysis.io.export.pose_format import read_pose_file, write_pose_file  # noqa: E402
from alloava_analysis.model import make_pose  # noqa: E402
from alloava_analysis.schema import get_layout, mediapipe33_to_openpose18  # noqa: E402
from tests.fixtures.datasets import FPS, frame_times, random_pose  # noqa: E402

REAL = Path(__file__).resolve().parents[3] / "fixtures" / "real" / "pose_format" / "mediapipe_12frames.pose"


def _read(path: Path) -> Pose:
    return Pose.read(path.read_bytes())


def _holistic(n: int = 15) -> dict[str, xr.Dataset]:
    """MediaPipe pose 33 (with world coordinates), hands and face on one clock, normalised, 640 x 480 frames."""
    rng = np.random.default_rng(5)
    t = frame_times(n)
    out = {}
    for layout in ("mediapipe_pose_33", "mediapipe_hands_42", "mediapipe_face_478"):
        k = len(get_layout(layout))
        pos = rng.random((n, 3, k)).astype(np.float32)
        pos[3, :, :5] = np.nan
        conf = rng.integers(1, 101, (n, k)) / 100.0
        out[layout] = make_pose(pos, time=t, layout=layout, confidence=conf, fps=FPS, frame_size=(640, 480),
                                extractor={"name": "mediapipe"})
    out["mediapipe_pose_33"]["world_position"] = (out["mediapipe_pose_33"]["position"].dims,
                                                  rng.normal(0, 0.3, (n, 3, 33, 1)).astype(np.float32))
    return out


def test_holistic_export_is_recognised_by_pose_format(tmp_path):
    poses = _holistic()
    pose = _read(write_pose_file(tmp_path / "clip.pose", poses))
    assert detect_known_pose_format(pose) == "holistic"
    names = [c.name for c in pose.header.components]
    assert names == ["POSE_LANDMARKS", "FACE_LANDMARKS", "LEFT_HAND_LANDMARKS", "RIGHT_HAND_LANDMARKS",
                     "POSE_WORLD_LANDMARKS"]  # pose-format's holistic_components() order
    body = pose.header.components[0]
    assert body.points[:3] == ["NOSE", "LEFT_EYE_INNER", "LEFT_EYE"] and body.points[32] == "RIGHT_FOOT_INDEX"
    assert pose.header.components[2].points[:2] == ["WRIST", "THUMB_CMC"]
    assert pose.header.components[1].points[477] == "477" and body.format == "XYZC"
    assert (pose.header.dimensions.width, pose.header.dimensions.height) == (640, 480) and pose.body.fps == FPS
    # pose-format's own holistic helpers find the points by name
    info = pose_normalization_info(pose.header)
    assert {info.p1, info.p2} == {11, 12}  # LEFT_SHOULDER, RIGHT_SHOULDER of POSE_LANDMARKS
    assert len(hands_indexes(pose.header)) == 2 and get_hand_wrist_index(pose, "left") == 33 + 478
    assert pose_hide_legs(pose, remove=True).header.components[0].points.count("LEFT_KNEE") == 0
    # pixels, missing points masked (confidence 0)
    mp = poses["mediapipe_pose_33"]
    np.testing.assert_allclose(pose.body.data.data[:, 0, 0, 0], mp["position"].sel(keypoint="nose", space="x")
                               .values[:, 0] * 640, rtol=1e-6, equal_nan=True)
    assert pose.body.data.mask[3, 0, :5].all() and not pose.body.data.mask[4, 0, :5].any()


def test_holistic_round_trip_is_lossless(tmp_path):
    poses = _holistic()
    back = read_pose_file(write_pose_file(tmp_path / "clip.pose", poses), normalize=True)
    assert sorted(back) == sorted(poses)
    for layout, ds in poses.items():
        got = back[layout]
        assert list(got["keypoint"].values) == list(ds["keypoint"].values)
        np.testing.assert_allclose(got["position"].values, ds["position"].values, atol=1e-6, equal_nan=True)
        np.testing.assert_array_equal(got["confidence"].values, ds["confidence"].values)
        np.testing.assert_allclose(got["time"].values, ds["time"].values, atol=1e-9)
        assert got.attrs["coords"] == "normalized" and (got.attrs["frame_width"], got.attrs["frame_height"]) == \
            (640, 480)
    np.testing.assert_array_equal(back["mediapipe_pose_33"]["world_position"].values,
                                  poses["mediapipe_pose_33"]["world_position"].values)
    pixels = read_pose_file(tmp_path / "clip.pose")["mediapipe_pose_33"]
    assert pixels.attrs["coords"] == "pixels"
    np.testing.assert_allclose(pixels["position"].sel(space="y").values,
                               poses["mediapipe_pose_33"]["position"].sel(space="y").values * 480, rtol=1e-6)


def test_without_a_frame_size_values_stay_normalised_and_come_back_bit_for_bit(tmp_path):
    ds = random_pose(20, n_space=2)
    pose = _read(write_pose_file(tmp_path / "p.pose", ds))
    assert (pose.header.dimensions.width, pose.header.dimensions.height) == (1, 1)
    assert pose.header.components[0].format == "XYC"
    back = read_pose_file(tmp_path / "p.pose")["mediapipe_pose_33"]
    for name in ("position", "confidence", "time", "keypoint", "body_part", "individual", "space"):
        np.testing.assert_array_equal(back[name].values, ds[name].values)
    assert back.attrs["coords"] == "normalized" and back.attrs["fps"] == ds.attrs["fps"]


def test_openpose_18_is_written_as_openpose_body_25(tmp_path):
    mp = random_pose(10)
    pos, conf = mediapipe33_to_openpose18(mp["position"].values, mp["confidence"].values)
    op = make_pose(pos, time=mp["time"].values, layout="openpose_body_18", confidence=conf, fps=FPS)
    pose = _read(write_pose_file(tmp_path / "op.pose", {"openpose_body_18": op}))
    assert detect_known_pose_format(pose) == "openpose"
    comp = pose.header.components[0]
    assert comp.name == "pose_keypoints_2d" and len(comp.points) == 25 and comp.points[1] == "Neck"
    assert pose.body.data.mask[:, 0, comp.points.index("MidHip")].all()  # BODY-18 has no mid hip
    back = read_pose_file(tmp_path / "op.pose")["openpose_body_18"]
    np.testing.assert_array_equal(back["position"].values, op["position"].values)
    np.testing.assert_array_equal(back["confidence"].values, op["confidence"].values)


def test_a_real_pose_file_from_pose_format_imports_with_its_subset_of_points():
    theirs = _read(REAL)
    ours = read_pose_file(REAL)
    assert sorted(ours) == ["mediapipe_face_478", "mediapipe_hands_42", "mediapipe_pose_33"]
    mp = ours["mediapipe_pose_33"]
    assert list(mp["keypoint"].values) == ["left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
                                           "left_wrist", "right_wrist", "left_hip", "right_hip"]
    assert ours["mediapipe_face_478"].sizes["keypoint"] == 128 and ours["mediapipe_hands_42"].sizes["keypoint"] == 42
    assert mp.sizes["time"] == 12 and mp.attrs["fps"] == 24.0 and mp.attrs["coords"] == "pixels"
    np.testing.assert_allclose(mp["time"].values, np.arange(12) / 24.0)
    assert (mp.attrs["frame_width"], mp.attrs["frame_height"]) == (1250, 1250)
    data = np.ma.filled(theirs.body.data.astype(np.float64), np.nan)  # (t, person, point, dims)
    np.testing.assert_allclose(mp["position"].values[:, :, :, 0], np.transpose(data[:, 0, :8], (0, 2, 1)),
                               equal_nan=True)
    right = ours["mediapipe_hands_42"]["confidence"].sel(keypoint="right_hand_wrist").values
    np.testing.assert_array_equal(right[:, 0], theirs.body.confidence[:, 0, 8 + 128 + 21])


def test_real_file_written_again_keeps_pose_formats_values(tmp_path):
    ours = read_pose_file(REAL)
    pose = _read(write_pose_file(tmp_path / "again.pose", ours))
    assert detect_known_pose_format(pose) == "holistic"
    theirs = _read(REAL)
    for comp in theirs.header.components:
        for point in comp.points[:3]:
            a = theirs.header.get_point_index(comp.name, point)
            b = pose.header.get_point_index(comp.name, point)
            np.testing.assert_array_equal(pose.body.data.mask[:, 0, b], theirs.body.data.mask[:, 0, a])
            np.testing.assert_allclose(np.ma.filled(pose.body.data[:, 0, b], 0),
                                       np.ma.filled(theirs.body.data[:, 0, a], 0))


def test_uneven_frame_times_warn_and_bad_inputs_are_typed_errors(tmp_path):
    ds = random_pose(6)
    vfr = ds.assign_coords(time=ds["time"].values + np.array([0, 0.01, 0, 0, 0.002, 0]))
    with pytest.warns(UserWarning, match="holds a frame rate, not timestamps"):
        write_pose_file(tmp_path / "v.pose", vfr)
    with pytest.raises(SchemaError, match="one clock"):
        write_pose_file(tmp_path / "x.pose", {"mediapipe_pose_33": ds, "mediapipe_hands_42":
                                              random_pose(7, layout="mediapipe_hands_42")})
    bad = tmp_path / "bad.pose"
    bad.write_bytes(b"\x00\x01garbage")
    with pytest.raises(SchemaError, match="pose-format") as info:
        read_pose_file(bad)
    assert "bad.pose" in str(info.value)


def test_normalising_a_file_with_a_0_x_0_frame_size_is_a_schema_error_not_infinite_coordinates(tmp_path):
    path = write_pose_file(tmp_path / "zero.pose", _holistic(4))
    pose = _read(path)
    pose.header.dimensions.width = pose.header.dimensions.height = 0
    with open(path, "wb") as handle:
        pose.write(handle)
    with pytest.raises(SchemaError, match="positive frame size.*got 0 x 0") as info:
        read_pose_file(path, normalize=True)
    assert "zero.pose" in str(info.value) and "header dimensions" in str(info.value)
    assert not np.isinf(read_pose_file(path)["mediapipe_pose_33"]["position"].values).any()  # as stored, in pixels
