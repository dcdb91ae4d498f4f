"""The checked constructors (make_pose, make_words, check_time_axis), the Clip record and
compatibility with the ``movement`` data model."""
from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from alloava_analysis.errors import ParameterError, SchemaError
from alloava_analysis.model import (
    CONFIDENCE_DIMS,
    POSITION_DIMS,
    Clip,
    check_time_axis,
    estimate_frame_rate,
    extractor_info,
    frame_step,
    make_pose,
    make_words,
    rename_legacy_dims,
    validate_pose,
)
from tests.fixtures.datasets import FPS, frame_times, line_pose, random_pose


# ---------------------------------------------------------------- movement data model
def test_pose_follows_the_movement_data_model():
    ds = line_pose(20)
    assert ds["position"].dims == ("time", "space", "keypoint", "individual")
    assert ds["confidence"].dims == ("time", "keypoint", "individual")
    assert ds["position"].dtype == np.float32 and ds["confidence"].dtype == np.float32
    assert ds.attrs["ds_type"] == "poses" and ds.attrs["fps"] == FPS
    assert ds.attrs["time_unit"] == "seconds" and ds.attrs["source_software"] == "fixture"
    assert list(ds["space"].values) == ["x", "y"] and list(ds["individual"].values) == ["speaker"]
    assert ds["body_part"].dims == ("keypoint",) and set(ds["body_part"].values) == {"body"}
    assert validate_pose(ds) is ds


def test_xarray_operations_recover_the_analytic_velocity():
    ds = line_pose(40, velocity=(0.3, -0.4), keypoint="left_wrist")
    velocity = ds.position.differentiate("time")
    wrist = velocity.sel(keypoint="left_wrist", individual="speaker")
    np.testing.assert_allclose(wrist.sel(space="x"), 0.3, atol=1e-4)
    np.testing.assert_allclose(wrist.sel(space="y"), -0.4, atol=1e-4)
    speed = np.sqrt((wrist ** 2).sum("space"))
    np.testing.assert_allclose(speed, 0.5, atol=1e-4)
    np.testing.assert_allclose(velocity.sel(keypoint="nose"), 0.0, atol=1e-6)
    # Displacement between frames, as movement's kinematics compute it.
    step = ds.position.diff("time").sel(keypoint="left_wrist", space="x")
    np.testing.assert_allclose(step, 0.3 / FPS, atol=1e-6)
    # Selecting by body part and averaging over keypoints work on the coordinates.
    body = ds.position.where(ds.body_part == "body", drop=True)
    assert body.sizes["keypoint"] == 33
    assert ds.position.mean("keypoint").dims == ("time", "space", "individual")


def test_interpolation_over_missing_frames_works_with_xarray():
    ds = line_pose(30, velocity=(0.25, 0.0), missing_frames=(10, 11, 12))
    assert np.isnan(ds.position.isel(time=11)).all()
    assert (ds.confidence.isel(time=[10, 11, 12]) == 0).all()
    filled = ds.position.interpolate_na("time")
    expected = 0.2 + 0.25 * ds["time"].values
    np.testing.assert_allclose(filled.sel(keypoint="right_wrist", space="x", individual="speaker"), expected,
                               atol=1e-6)


# ---------------------------------------------------------------- make_pose
def test_make_pose_fills_confidence_from_finiteness_when_absent():
    pos = np.random.default_rng(0).random((5, 2, 18))
    pos[2, :, 3] = np.nan
    ds = make_pose(pos, time=frame_times(5), layout="openpose_body_18")
    conf = ds["confidence"].values[..., 0]
    assert conf[2, 3] == 0 and (np.delete(conf.ravel(), 2 * 18 + 3) == 1).all()
    assert ds.attrs["fps"] == pytest.approx(FPS)  # estimated from the median step


def test_make_pose_confidence_is_zero_where_position_is_missing_and_nan_confidence_means_unknown():
    pos = np.zeros((3, 2, 18))
    pos[0, :, 0] = np.nan
    conf = np.full((3, 18), 0.7)
    conf[1, 1] = np.nan
    ds = make_pose(pos, time=frame_times(3), layout="openpose_body_18", confidence=conf)
    c = ds["confidence"].values[..., 0]
    assert c[0, 0] == 0 and c[1, 1] == 1 and c[2, 2] == pytest.approx(0.7)


def test_make_pose_keypoint_subset_individuals_coords_and_attrs():
    pos = np.ones((4, 3, 2, 2))
    ds = make_pose(pos, time=frame_times(4), layout="mediapipe_holistic", keypoints=["nose", "face_001"],
                   individuals=("a", "b"), coords="pixels", frame_size=(640, 480), fps=30,
                   extractor={"name": "mediapipe", "version": "0.10"}, source="x.json", schema_variant="v")
    assert list(ds["body_part"].values) == ["body", "face"]
    assert list(ds["space"].values) == ["x", "y", "z"]
    assert {"coords": "pixels", "frame_width": 640, "frame_height": 480, "fps": 30.0, "source": "x.json",
            "schema_variant": "v", "source_software": "mediapipe"}.items() <= ds.attrs.items()
    assert ds.sizes == {"time": 4, "space": 3, "keypoint": 2, "individual": 2}


@pytest.mark.parametrize("kwargs, message, place", [
    ({"position": np.zeros((3, 2)), "time": frame_times(3)}, "expected position of shape", None),
    ({"position": np.zeros((4, 2, 18)), "time": frame_times(3)}, "expected 3 frames", None),
    ({"position": np.zeros((3, 4, 18)), "time": frame_times(3)}, "expected 2 or 3 spatial", None),
    ({"position": np.zeros((3, 2, 17)), "time": frame_times(3)}, "expected 18 keypoints", None),
    ({"position": np.zeros((3, 2, 2)), "time": frame_times(3), "keypoints": ["nose", "wing"]},
     "expected keypoints of layout", None),
    ({"position": np.zeros((3, 2, 18)), "time": frame_times(3), "confidence": np.zeros((3, 17))},
     "expected confidence of shape", None),
    ({"position": np.zeros((3, 2, 18)), "time": frame_times(3),
      "confidence": np.pad(np.full((1, 1), 1.5), ((2, 0), (5, 12)))}, "expected confidence in [0, 1]",
     "frame 2, keypoint 'left_shoulder'"),
    ({"position": np.zeros((3, 2, 18)), "time": frame_times(3), "fps": 0}, "expected a positive fps", None),
    ({"position": np.zeros((3, 2, 18)), "time": frame_times(3), "fps": -25.0}, "expected a positive fps", None),
    ({"position": np.zeros((3, 2, 2)), "time": frame_times(3), "keypoints": ["nose", "nose"]},
     "expected distinct keypoint names", None),
    ({"position": np.zeros((3, 2, 18)), "time": [0.0, 0.2, 0.1]}, "non-monotonic", "frame 2"),
    ({"position": np.zeros((3, 2, 18)), "time": [0.0, 0.1, 0.1]}, "duplicate", "frame 2"),
    ({"position": np.zeros((3, 2, 18)), "time": [0.0, np.nan, 0.1]}, "expected finite", "frame 1"),
])
def test_make_pose_rejects_bad_input_naming_source_and_place(kwargs, message, place):
    with pytest.raises(SchemaError) as info:
        make_pose(layout="openpose_body_18", source="clip.json", **kwargs)
    assert isinstance(info.value, ValueError)
    text = str(info.value)
    assert message in text and "clip.json" in text
    if place:
        assert place in text and info.value.where == place


@pytest.mark.parametrize("option, value", [("coords", "cm"), ("layout", "coco_17"), ("individuals", "speaker"),
                                           ("individuals", (1, 2))])
def test_make_pose_refuses_bad_options_with_a_parameter_error_naming_them(option, value):
    kwargs = {"position": np.zeros((3, 2, 18)), "time": frame_times(3), "layout": "openpose_body_18", option: value}
    with pytest.raises(ParameterError, match=option) as info:
        make_pose(**kwargs)
    assert info.value.name == option


def test_validate_pose_rejects_datasets_with_other_dims():
    ds = random_pose(5)
    with pytest.raises(SchemaError, match="dims"):
        validate_pose(ds.transpose("time", "keypoint", "space", "individual"))
    with pytest.raises(SchemaError, match="confidence"):
        validate_pose(ds.drop_vars("confidence"))
    with pytest.raises(ParameterError, match="expected an xarray.Dataset"):  # a wrong type of argument
        validate_pose(ds["position"])
    bad_time = ds.assign_coords(time=ds["time"].values[::-1])
    with pytest.raises(SchemaError, match="strictly increasing"):
        validate_pose(bad_time)


# ---------------------------------------------------------------- time axis
def test_check_time_axis_returns_float64_and_names_the_frame():
    assert check_time_axis([0, 1, 2]).dtype == np.float64
    with pytest.raises(SchemaError) as info:
        check_time_axis([0.0, 0.5, 0.4, 0.6], path="k.json")
    assert info.value.where == "frame 2" and info.value.path == "k.json"
    with pytest.raises(SchemaError, match="1-D"):
        check_time_axis(np.zeros((2, 2)))


# ---------------------------------------------------------------- words
def test_make_words_orders_columns_sorts_and_fills_defaults():
    words = make_words([{"word": "b", "start": 1.0, "end": 1.5, "extra": 1},
                        {"word": "a", "start": 0.0, "end": 0.5}])
    assert list(words.columns) == ["word", "start", "end", "probability", "segment"]
    assert list(words.word) == ["a", "b"] and words.probability.isna().all() and (words.segment == 0).all()
    assert words.segment.dtype == np.int64


def test_make_words_of_nothing_is_an_empty_typed_table():
    words = make_words([])
    assert words.empty and list(words.columns) == ["word", "start", "end", "probability", "segment"]


@pytest.mark.parametrize("records, message, place", [
    ([{"word": "a", "start": 0.0}], "expected word column 'end'", None),
    ([{"word": "a", "start": 0.0, "end": 0.1}, {"word": "b", "start": 0.5, "end": 0.4}], "expected 0 <= start <= end",
     "word 1 ('b')"),
    ([{"word": "a", "start": -0.5, "end": 0.1}], "expected 0 <= start <= end", "word 0 ('a')"),
    ([{"word": "a", "start": 0.0, "end": 0.1}, {"word": "b", "start": np.inf, "end": 0.4}], "expected finite",
     "word 1 ('b')"),
    ([{"word": "a", "start": 0.0, "end": 0.1}, {"word": "b", "start": "soon", "end": 0.4}], "expected numeric",
     "word 1 ('b')"),
])
def test_make_words_rejects_bad_words_naming_file_and_word(records, message, place):
    with pytest.raises(SchemaError) as info:
        make_words(records, path="t.json")
    assert message in str(info.value) and "t.json" in str(info.value)
    if place:
        assert info.value.where == place


# ---------------------------------------------------------------- Clip
def test_clip_primary_pose_prefers_mediapipe_33():
    mp, op = random_pose(3), random_pose(3, layout="openpose_body_18")
    assert Clip("T_abcdefghijk", "T", "abcdefghijk", poses={"openpose_body_18": op}).pose is op
    clip = Clip("T_abcdefghijk", "T", "abcdefghijk", poses={"openpose_body_18": op, "mediapipe_pose_33": mp})
    assert clip.pose is mp
    assert Clip("T_abcdefghijk", "T", "abcdefghijk").pose is None
    assert "frames=3" in repr(clip)
    assert POSITION_DIMS == mp["position"].dims and CONFIDENCE_DIMS == mp["confidence"].dims
    assert isinstance(clip.pose, xr.Dataset) and clip.words is None and isinstance(clip.metadata, dict)


# ---------------------------------------------------------------- legacy dims and attrs
def _legacy(ds: xr.Dataset) -> xr.Dataset:
    """The same pose with movement < 0.17's plural dims (as movement 0.15 or our earlier versions wrote it)."""
    return ds.rename({"keypoint": "keypoints", "individual": "individuals"})


def test_validate_pose_renames_legacy_plural_dims_with_a_warning():
    ds = random_pose(6)
    old = _legacy(ds)
    with pytest.warns(UserWarning, match="renamed legacy dims 'keypoints' -> 'keypoint', 'individuals' -> "
                                         "'individual'"):
        back = validate_pose(old)
    assert back["position"].dims == POSITION_DIMS and back["confidence"].dims == CONFIDENCE_DIMS
    assert back["body_part"].dims == ("keypoint",)
    xr.testing.assert_identical(back, ds)
    assert rename_legacy_dims(ds) is ds  # nothing to rename: the same object, no warning


def test_rename_legacy_dims_refuses_a_mix_of_old_and_new_names():
    ds = random_pose(3)
    with pytest.raises(SchemaError, match="got both"):
        rename_legacy_dims(ds.rename({"individual": "individuals"}).expand_dims(keypoints=1))


def test_features_accept_a_legacy_dataset():
    from alloava_analysis.features.motion import kinematics
    ds = line_pose(20, velocity=(0.3, 0.4), keypoint="left_wrist")
    with pytest.warns(UserWarning, match="legacy dims"):
        kin = kinematics(_legacy(ds), isotropic=False)
    np.testing.assert_allclose(kin["speed"].sel(keypoint="left_wrist").values[:, 0], 0.5, rtol=1e-4)


def test_every_pose_attr_is_netcdf_serialisable_and_the_extractor_record_survives(tmp_path):
    extractor = {"name": "mediapipe.PoseLandmarker", "version": "0.10.30", "model_sha256": "ab" * 32,
                 "hand_sides": {"pose_wrists": 3}, "model_path": None}
    ds = make_pose(np.zeros((3, 2, 18)), time=[0.0, 0.04, 0.09], layout="openpose_body_18", extractor=extractor,
                   frame_size=(640, 480), source="v.mp4")
    for name, value in ds.attrs.items():
        assert isinstance(value, (str, int, float)) and not isinstance(value, bool), name
    assert ds.attrs["extractor_name"] == "mediapipe.PoseLandmarker" and ds.attrs["extractor_version"] == "0.10.30"
    assert ds.attrs["model_sha256"] == "ab" * 32 and ds.attrs["source_software"] == "mediapipe.PoseLandmarker"
    assert extractor_info(ds) == extractor
    ds.to_netcdf(tmp_path / "p.nc", engine="netcdf4")
    with xr.open_dataset(tmp_path / "p.nc", engine="netcdf4") as back:
        assert extractor_info(back) == extractor
        np.testing.assert_array_equal(back["time"].values, [0.0, 0.04, 0.09])  # container times, not index/fps
    # a JSON string is accepted as the extractor; anything else is a typed error
    assert extractor_info(make_pose(np.zeros((1, 2, 18)), time=[0.0], layout="openpose_body_18",
                                    extractor=ds.attrs["extractor"])) == extractor
    with pytest.raises(SchemaError, match="JSON object"):
        make_pose(np.zeros((1, 2, 18)), time=[0.0], layout="openpose_body_18", extractor="mediapipe")
    assert extractor_info({"extractor": {"name": "old"}}) == {"name": "old"}  # dict attrs of older versions


@pytest.mark.parametrize("rate", [30.0, 25.0, 30000 / 1001, 60.0])
@pytest.mark.parametrize("decimals", [4, 3])
def test_frame_rate_of_rounded_timestamps_is_the_true_rate(rate, decimals):
    """Timestamps rounded to 0.1 or 1 ms: the median step reads 30.03 Hz for 30 fps; the estimate does not."""
    t = np.round(np.arange(1350) / rate, decimals)
    assert estimate_frame_rate(t) == pytest.approx(rate, rel=1e-12)
    if decimals == 4 and rate == 30.0:
        assert 1.0 / np.median(np.diff(t)) == pytest.approx(30.03, abs=1e-3)  # the error this replaces


def test_frame_step_is_one_over_the_estimated_rate_not_the_median_step():
    t = np.round(np.arange(1350) / (30000 / 1001), 3)
    assert frame_step(t) == pytest.approx(1001 / 30000, rel=1e-12)
    assert abs(float(np.median(np.diff(t))) - 1001 / 30000) > 1e-4  # what the nine smoothing widths used
    assert np.isnan(frame_step(np.array([0.5])))


def test_frame_rate_counts_dropped_frames_as_frames():
    t = np.delete(np.round(np.arange(3000) / 25.0, 3), [5, 6, 7, 500, 2999])
    assert estimate_frame_rate(t) == 25.0


def test_frame_rate_is_not_snapped_when_the_timestamps_disagree_with_every_common_rate():
    assert estimate_frame_rate(np.arange(1000) / 27.3) == pytest.approx(27.3, rel=1e-9)
    assert estimate_frame_rate(np.round(np.arange(1350) / 30.03, 4)) == pytest.approx(30.03, rel=1e-5)
    # jitter far beyond the rounding: the least-squares rate, not a snapped one
    jitter = np.random.default_rng(0).normal(0, 0.004, 3000)
    rate = estimate_frame_rate(np.sort(np.arange(3000) / 30.0 + jitter))
    assert rate != 30.0 and rate == pytest.approx(30.0, rel=1e-3)


def test_frame_rate_prefers_the_nominal_rate_and_needs_two_timestamps():
    t = np.round(np.arange(600) / 48.0, 4)
    assert estimate_frame_rate(t, nominal=48.0) == 48.0
    assert estimate_frame_rate(t, nominal=50.0) == 48.0  # a nominal rate the timestamps contradict is not taken
    assert np.isnan(estimate_frame_rate(np.array([0.5])))


def test_make_pose_estimates_fps_from_rounded_timestamps_and_the_timeline_ends_where_it_should():
    t = np.round(np.arange(1350) / 30.0, 4)
    ds = make_pose(np.zeros((t.size, 2, 18)), time=t, layout="openpose_body_18")
    assert ds.attrs["fps"] == 30.0
    assert t[-1] + 1 / ds.attrs["fps"] == pytest.approx(45.0, abs=1e-4)
