"""The schema-sniffing keypoint JSON reader and the writer.

One table of valid variants (each asserting the recorded ``schema_variant`` and
the decoded values), one table of bad files (each asserting the exception type
and that the message names the file and the place), and a property-based
round trip of random poses with missing points through several variants.
"""
from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from alloava_analysis.errors import SchemaError
from alloava_analysis.io.keypoints_json import read_keypoints, write_keypoints
from alloava_analysis.model import extractor_info, make_pose
from alloava_analysis.schema import MEDIAPIPE_POSE_33, OPENPOSE_BODY_18
from tests.fixtures.datasets import random_pose

T, FPS = 6, 25.0
TIMES = np.arange(T) / FPS
_rng = np.random.default_rng(7)
MP = np.round(_rng.random((T, 33, 4)), 4)   # x, y, z, visibility
OP = np.round(_rng.random((T, 18, 3)), 4)   # x, y, confidence
MP[2, 5] = np.nan                           # a missing MediaPipe point
OP[4, 2] = np.nan                           # a missing OpenPose point
TEXT = ["", "hello", "hello", "", "world", "world"]


# ------------------------------------------------------------------ encoders of one frame's points
def _clean(values):
    return [None if isinstance(v, float) and math.isnan(v) else v for v in values]


def dicts(points, keys, names=None):
    out = [dict(zip(keys, _clean(row.tolist()))) for row in points]
    if names is not None:
        for item, name in zip(out, names):
            item["name"] = name
    return out


def rows(points):
    return [_clean(row.tolist()) for row in points]


def flat(points):
    return _clean(points.ravel().tolist())


def columns(points, keys):
    return {k: _clean(points[:, j].tolist()) for j, k in enumerate(keys)}


# ------------------------------------------------------------------ expected decoded values
def mp_expect(cols=(0, 1, 2), conf_col=3):
    """Expected (position (T, space, 33), confidence (T, 33)) of MP read through columns ``cols``."""
    pos = np.moveaxis(MP[:, :, list(cols)], 2, 1)
    finite = np.isfinite(pos).all(axis=1)
    conf = MP[:, :, conf_col] if conf_col is not None else np.ones((T, 33))
    return pos, np.where(finite, conf, 0.0)


def op_expect(conf=True):
    pos = np.moveaxis(OP[:, :, :2], 2, 1)
    finite = np.isfinite(pos).all(axis=1)
    return pos, np.where(finite, OP[:, :, 2] if conf else 1.0, 0.0)


def blank(expect, frames):
    """``expect`` with ``frames`` turned into 'no person' frames (NaN, confidence 0)."""
    pos, conf = expect[0].copy(), expect[1].copy()
    pos[list(frames)] = np.nan
    conf[list(frames)] = 0.0
    return pos, conf


@dataclass
class Case:
    doc: object
    variant: str
    expect: dict
    times: np.ndarray = field(default_factory=lambda: TIMES)
    text: list | None = None
    warns: bool = False
    attrs: dict = field(default_factory=dict)


XYZV, XYV, XYC = ("x", "y", "z", "visibility"), ("x", "y", "visibility"), ("x", "y", "confidence")
MAP_FRAMES = [0, 1, 2, 3, 10, 11]
INT_TIMES = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]


def _valid_cases() -> dict[str, Case]:
    mp3 = mp_expect()
    mp2 = mp_expect((0, 1))
    op = op_expect()
    cases = {
        "list/dicts/mp33-xyz/text": Case(
            [{"timestamp": TIMES[i], "text": TEXT[i], "keypoints": dicts(MP[i], XYZV)} for i in range(T)],
            "frame_list/dict_points/mediapipe_pose_33", {"mediapipe_pose_33": mp3}, text=TEXT),
        "wrapper/frame-index+fps/dicts/both-layout-keys": Case(
            {"fps": FPS, "frames": [{"frame": i, "mediapipe": dicts(MP[i], XYZV), "openpose": dicts(OP[i], XYC)}
                                    for i in range(T)]},
            "frame_list/dict_points/mediapipe_pose_33+openpose_body_18",
            {"mediapipe_pose_33": mp3, "openpose_body_18": op}),
        "wrapper/meta-attrs": Case(
            {"fps": FPS, "coords": "pixels", "frame_width": 640, "frame_height": 480,
             "extractor": {"name": "openpose", "version": "1.7"},
             "frames": [{"time": TIMES[i], "openpose_keypoints": dicts(OP[i], ("x", "y", "c"))} for i in range(T)]},
            "frame_list/dict_points/openpose_body_18", {"openpose_body_18": op},
            attrs={"coords": "pixels", "frame_width": 640, "frame_height": 480, "fps": FPS,
                   "source_software": "openpose"}),
        "mapping/by-index+fps/dicts-score": Case(
            {"fps": FPS, "frames": {str(MAP_FRAMES[i]): {"keypoints": dicts(OP[i], ("x", "y", "score"))}
                                    for i in (4, 2, 0, 5, 3, 1)}},
            "frame_mapping/dict_points/openpose_body_18", {"openpose_body_18": op},
            times=np.array(MAP_FRAMES) / FPS),
        "mapping/by-time/rows-xyc-mp33": Case(
            {f"{t:.2f}": {"pose": rows(MP[i][:, [0, 1, 3]])} for i, t in enumerate(TIMES)},
            "frame_mapping/row_points/mediapipe_pose_33", {"mediapipe_pose_33": mp2}),
        "mapping/by-time/integral-keys": Case(
            {f"{t:g}": {"keypoints": rows(OP[i])} for i, t in enumerate(INT_TIMES)},
            "frame_mapping/row_points/openpose_body_18", {"openpose_body_18": op}, times=np.array(INT_TIMES)),
        "list/rows-xyc/op18": Case(
            [{"t": TIMES[i], "keypoints": rows(OP[i])} for i in range(T)],
            "frame_list/row_points/openpose_body_18", {"openpose_body_18": op}),
        "list/rows-xy/mp33": Case(
            [{"time": TIMES[i], "landmarks": rows(MP[i][:, :2])} for i in range(T)],
            "frame_list/row_points/mediapipe_pose_33", {"mediapipe_pose_33": mp_expect((0, 1), None)}),
        "list/rows-xyzv/mp33": Case(
            [{"timestamp": TIMES[i], "keypoints": rows(MP[i])} for i in range(T)],
            "frame_list/row_points/mediapipe_pose_33", {"mediapipe_pose_33": mp3}),
        "list/flat-stride3/pose_keypoints_2d": Case(
            [{"time_s": TIMES[i], "pose_keypoints_2d": flat(OP[i])} for i in range(T)],
            "frame_list/flat_points/openpose_body_18", {"openpose_body_18": op}),
        "list/flat-stride2/mp33": Case(
            [{"timestamp": TIMES[i], "keypoints": flat(MP[i][:, :2])} for i in range(T)],
            "frame_list/flat_points/mediapipe_pose_33", {"mediapipe_pose_33": mp_expect((0, 1), None)}),
        "list/flat-stride4/mp33": Case(
            [{"timestamp": TIMES[i], "keypoints": flat(MP[i])} for i in range(T)],
            "frame_list/flat_points/mediapipe_pose_33", {"mediapipe_pose_33": mp3}),
        "list/flat-stride2/op18": Case(
            [{"timestamp": TIMES[i], "keypoints": flat(OP[i][:, :2])} for i in range(T)],
            "frame_list/flat_points/openpose_body_18", {"openpose_body_18": op_expect(conf=False)}),
        "list/flat-stride3/51-unlabelled": Case(
            [{"timestamp": TIMES[i], "keypoints": flat(np.concatenate([OP[i], MP[i][:, [0, 1, 3]]]))}
             for i in range(T)],
            "frame_list/flat_points/mediapipe_pose_33+openpose_body_18",
            {"mediapipe_pose_33": mp2, "openpose_body_18": op}, warns=True),
        "list/columns/mp33": Case(
            [{"timestamp": TIMES[i], "keypoints": columns(MP[i], XYZV)} for i in range(T)],
            "frame_list/columns/mediapipe_pose_33", {"mediapipe_pose_33": mp3}),
        "list/columns-xy-no-confidence/op18": Case(
            [{"timestamp": TIMES[i], "openpose": columns(OP[i][:, :2], ("x", "y"))} for i in range(T)],
            "frame_list/columns/openpose_body_18", {"openpose_body_18": op_expect(conf=False)}),
        "list/dicts/51-labelled-mediapipe-first": Case(
            [{"timestamp": TIMES[i], "keypoints": dicts(MP[i], XYZV, MEDIAPIPE_POSE_33)
              + dicts(np.c_[OP[i][:, :2], np.full(18, np.nan), OP[i][:, 2]], XYZV, OPENPOSE_BODY_18)}
             for i in range(T)],
            "frame_list/dict_points/mediapipe_pose_33+openpose_body_18",
            {"mediapipe_pose_33": mp3, "openpose_body_18": op}),
        "list/dicts/51-unlabelled": Case(
            [{"timestamp": TIMES[i], "keypoints": dicts(OP[i], XYC) + dicts(MP[i][:, [0, 1, 3]], XYC)}
             for i in range(T)],
            "frame_list/dict_points/mediapipe_pose_33+openpose_body_18",
            {"mediapipe_pose_33": mp2, "openpose_body_18": op}, warns=True),
        "list/layout-mapping-under-keypoints": Case(
            [{"timestamp": TIMES[i], "keypoints": {"mediapipe": rows(MP[i]), "openpose": rows(OP[i])}}
             for i in range(T)],
            "frame_list/row_points/mediapipe_pose_33+openpose_body_18",
            {"mediapipe_pose_33": mp3, "openpose_body_18": op}),
        "list/text-variants": Case(
            [{"timestamp": TIMES[0], "transcript": " hi ", "keypoints": rows(OP[0])},
             {"timestamp": TIMES[1], "words": [{"word": "hi"}, {"word": "there"}], "keypoints": rows(OP[1])},
             {"timestamp": TIMES[2], "words": ["so", "on"], "keypoints": rows(OP[2])},
             {"timestamp": TIMES[3], "text": None, "keypoints": rows(OP[3])},
             {"timestamp": TIMES[4], "word": "x", "keypoints": rows(OP[4])},
             {"timestamp": TIMES[5], "keypoints": rows(OP[5])}],
            "frame_list/row_points/openpose_body_18", {"openpose_body_18": op},
            text=["hi", "hi there", "so on", "", "x", ""]),
        "list/no-person-under-layout-keys": Case(
            [{"timestamp": TIMES[i],
              "mediapipe": [] if i == 0 else None if i == 3 else dicts(MP[i], XYZV),
              "openpose": None if i in (0, 1) else dicts(OP[i], XYC)} for i in range(T)],
            "frame_list/dict_points/mediapipe_pose_33+openpose_body_18",
            {"mediapipe_pose_33": blank(mp3, (0, 3)), "openpose_body_18": blank(op, (0, 1))}),
        "list/no-person-under-generic-key": Case(
            [{"timestamp": TIMES[i], "keypoints": [] if i == 0 else None if i == 4 else rows(OP[i])}
             for i in range(T)],
            "frame_list/row_points/openpose_body_18", {"openpose_body_18": blank(op, (0, 4))}),
        "list/per-layout-forms/dicts+flat": Case(
            [{"timestamp": TIMES[i], "mediapipe": dicts(MP[i], XYZV), "pose_keypoints_2d": flat(OP[i])}
             for i in range(T)],
            "frame_list/dict_points+flat_points/mediapipe_pose_33+openpose_body_18",
            {"mediapipe_pose_33": mp3, "openpose_body_18": op}),
        "mapping/by-time/frames-carry-an-index": Case(
            {f"{t:.2f}": {"frame": i, "keypoints": rows(OP[i])} for i, t in enumerate(TIMES)},
            "frame_mapping/row_points/openpose_body_18", {"openpose_body_18": op}),
        "list/millisecond-timestamps": Case(
            [{"timestamp": 99_920 + 40 * i, "keypoints": rows(OP[i])} for i in range(T)],
            "frame_list/row_points/openpose_body_18", {"openpose_body_18": op},
            times=(99_920 + 40 * np.arange(T)) / 1000.0),
    }
    return cases


VALID = _valid_cases()


@pytest.mark.parametrize("name", list(VALID))
def test_reader_sniffs_variant_and_decodes_values(name, tmp_path):
    case = VALID[name]
    path = tmp_path / "TED_abcdefghijk.json"
    path.write_text(json.dumps(case.doc, allow_nan=False), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kp = read_keypoints(path)
    assert any("51 unlabelled" in str(w.message) for w in caught) == case.warns
    assert kp.schema_variant == case.variant
    assert sorted(kp.poses) == sorted(case.expect)
    for layout, (pos, conf) in case.expect.items():
        ds = kp.poses[layout]
        assert ds.attrs["schema_variant"] == case.variant and ds.attrs["layout"] == layout
        assert ds.attrs["source"] == str(path)
        np.testing.assert_allclose(ds["time"].values, case.times, rtol=0, atol=1e-9)
        assert ds.sizes["space"] == pos.shape[1]
        np.testing.assert_allclose(ds["position"].values[..., 0], pos, atol=1e-6, equal_nan=True)
        np.testing.assert_allclose(ds["confidence"].values[..., 0], conf, atol=1e-6)
        for key, value in case.attrs.items():
            assert ds.attrs[key] == value, key
    np.testing.assert_allclose(kp.frame_text.index.values, case.times, atol=1e-9)
    if case.text is not None:
        assert kp.frame_text.tolist() == case.text


# ------------------------------------------------------------------ the writer
def test_writer_round_trip_keeps_values_text_and_attrs(tmp_path):
    mp = random_pose(12, seed=1, n_space=3)
    op = random_pose(12, seed=2, layout="openpose_body_18")
    mp.attrs["extractor"] = op.attrs["extractor"] = {"name": "mediapipe", "version": "0.10.30"}
    import pandas as pd
    text = pd.Series(["", "a", "a b"] * 4, index=mp["time"].values)
    path = write_keypoints(tmp_path / "k.json", {"mediapipe_pose_33": mp, "openpose_body_18": op}, frame_text=text)
    kp = read_keypoints(path)
    assert kp.schema_variant == "frame_list/dict_points/mediapipe_pose_33+openpose_body_18"
    assert kp.meta["format"] == "allo-ava-keypoints" and kp.meta["layouts"] == ["mediapipe_pose_33",
                                                                                "openpose_body_18"]
    for name, ds in (("mediapipe_pose_33", mp), ("openpose_body_18", op)):
        back = kp.poses[name]
        np.testing.assert_allclose(back["position"], ds["position"], atol=1e-6, equal_nan=True)
        np.testing.assert_array_equal(back["confidence"], ds["confidence"])
        np.testing.assert_array_equal(back["time"], ds["time"])
        assert back.attrs["fps"] == ds.attrs["fps"] and extractor_info(back) == extractor_info(ds)
    assert kp.frame_text.tolist() == text.tolist()
    # The file is plain JSON: no NaN tokens, missing points are null.
    assert "NaN" not in path.read_text() and "null" in path.read_text()


def test_writer_puts_keypoints_in_layout_order_and_fills_absent_ones(tmp_path):
    ds = random_pose(5, seed=4, nan_fraction=0.0)
    shuffled = ds.isel(keypoint=np.random.default_rng(0).permutation(33))
    kp = read_keypoints(write_keypoints(tmp_path / "a.json", {"mediapipe_pose_33": shuffled}))
    back = kp.poses["mediapipe_pose_33"]
    assert list(back["keypoint"].values) == list(MEDIAPIPE_POSE_33)
    np.testing.assert_allclose(back["position"], ds["position"], atol=1e-6)
    subset = ds.sel(keypoint=["right_wrist", "nose"])
    back = read_keypoints(write_keypoints(tmp_path / "b.json", {"mediapipe_pose_33": subset})).poses[
        "mediapipe_pose_33"]
    np.testing.assert_allclose(back.position.sel(keypoint=["right_wrist", "nose"]), subset.position, atol=1e-6)
    others = back.drop_sel(keypoint=["right_wrist", "nose"])
    assert np.isnan(others.position).all() and (others.confidence == 0).all()


def test_writer_refuses_what_it_cannot_write(tmp_path):
    mp = random_pose(4)
    with pytest.raises(ValueError, match="no poses"):
        write_keypoints(tmp_path / "a.json", {})
    with pytest.raises(ValueError, match="mediapipe_face_478"):
        write_keypoints(tmp_path / "a.json", {"mediapipe_face_478": mp})
    shifted = make_pose(random_pose(4, layout="openpose_body_18")["position"].values,
                        time=mp["time"].values + 1, layout="openpose_body_18")
    with pytest.raises(ValueError, match="different clock"):
        write_keypoints(tmp_path / "a.json", {"mediapipe_pose_33": mp, "openpose_body_18": shifted})
    assert not list(tmp_path.iterdir())


# ------------------------------------------------------------------ bad files
def _frames(n=3, times=None, **extra):
    times = TIMES[:n] if times is None else times
    return [{"timestamp": float(t), "keypoints": rows(OP[i]), **extra} for i, t in enumerate(times)]


def _with(frames, index, **changes):
    frames[index].update(changes)
    return frames


def _nan_in_text(token):
    frames = _frames()
    frames[1]["keypoints"][3][0] = float("nan") if token == "NaN" else float("inf")
    return json.dumps(frames)


def _dicts_with(index, item):
    points = dicts(OP[0], XYC)
    points[index] = item
    return [{"timestamp": 0.0, "keypoints": points}]


BAD = {
    # name: (content, error type, place, message fragment)
    "truncated": (json.dumps(_frames())[:300], SchemaError, "line 1, column", "expected valid JSON"),
    "single-quotes": ("[{'timestamp': 0}]", SchemaError, "line 1, column 3", "expected valid JSON"),
    "nan-token": (_nan_in_text("NaN"), SchemaError, "$[1].keypoints[3][0]", "got NaN"),
    "infinity-token": (_nan_in_text("Infinity"), SchemaError, "$[1].keypoints[3][0]", "got Infinity"),
    "overflowing-number": (json.dumps(_dicts_with(2, {"x": 0.123456789, "y": 0.1})).replace("0.123456789", "1e999"),
                           SchemaError, "$[0].keypoints[2].x", "float range"),
    "not-utf8": (b"\xff\xfe[1, 2]", SchemaError, "byte 0", "expected UTF-8"),
    "top-level-number": ("42", SchemaError, "$", "expected a list of frames or an object"),
    "no-frames": ("[]", SchemaError, "$", "expected at least one frame"),
    "empty-frames-wrapper": ('{"fps": 25, "frames": []}', SchemaError, "$", "expected at least one frame"),
    "frame-not-object": (json.dumps(_frames(2) + [5]), SchemaError, "$[2]", "expected a frame object"),
    "mapping-bad-key": (json.dumps({"0.0": _frames(1)[0], "start": _frames(1)[0]}), SchemaError, "$",
                        "got key 'start'"),
    "no-time": (json.dumps([{"keypoints": rows(OP[0])}]), SchemaError, "$[0]", "expected a time field"),
    "frame-index-without-fps": (json.dumps([{"frame": 0, "keypoints": rows(OP[0])}]), SchemaError, "$[0]",
                                "expected a top-level 'fps'"),
    "string-time": (json.dumps(_with(_frames(), 1, timestamp="soon")), SchemaError, "$[1]",
                    "expected a numeric time"),
    "no-keypoints": (json.dumps([{"timestamp": 0.0, "skeleton": []}]), SchemaError, "$[0]",
                     "expected keypoints under one of"),
    "non-monotonic-timestamps": (json.dumps(_frames(times=[0.0, 0.08, 0.04])), SchemaError, "frame 2",
                                 "non-monotonic"),
    "duplicate-timestamps": (json.dumps(_frames(times=[0.0, 0.04, 0.04])), SchemaError, "frame 2", "duplicate"),
    "duplicate-mapping-times": (json.dumps({"0.0": _frames(1)[0], "0.00": _frames(1)[0]}), SchemaError,
                                "frame 1", "duplicate"),
    "twenty-points": (json.dumps([{"timestamp": 0.0, "keypoints": rows(np.zeros((20, 3)))}]), SchemaError,
                      "$[0].keypoints", "got 20"),
    "layout-key-wrong-count": (json.dumps([{"timestamp": 0.0, "mediapipe": rows(OP[0])}]), SchemaError,
                               "$[0].mediapipe", "expected 33 keypoints"),
    "missing-y": (json.dumps(_dicts_with(3, {"x": 0.1, "confidence": 1})), SchemaError, "$[0].keypoints[3]",
                  "expected keypoint field 'y'"),
    "string-coordinate": (json.dumps(_dicts_with(3, {"x": "0.5", "y": 0.1})), SchemaError, "$[0].keypoints[3]",
                          "expected numbers"),
    "boolean-coordinate": (json.dumps(_dicts_with(0, {"x": True, "y": 0.1})), SchemaError, "$[0].keypoints[0]",
                           "expected numbers"),
    "mixed-point-types": (json.dumps(_dicts_with(1, [0.1, 0.2, 1.0])), SchemaError, "$[0].keypoints[1]",
                          "expected every keypoint to be an object"),
    "ragged-rows": (json.dumps([{"timestamp": 0.0, "keypoints": rows(OP[0])[:17] + [[0.1, 0.2]]}]), SchemaError,
                    "$[0].keypoints", "expected every keypoint as a list"),
    "flat-bad-length": (json.dumps([{"timestamp": 0.0, "keypoints": [0.5] * 50}]), SchemaError, "$[0].keypoints",
                        "got 50 numbers"),
    "flat-with-string": (json.dumps([{"timestamp": 0.0, "keypoints": [0.5] * 53 + ["a"]}]), SchemaError,
                         "$[0].keypoints", "expected a flat array of numbers"),
    "columns-ragged": (json.dumps([{"timestamp": 0.0, "keypoints": {"x": [0.1] * 18, "y": [0.1] * 17}}]),
                       SchemaError, "$[0].keypoints", "equal-length"),
    "points-not-an-array": (json.dumps([{"timestamp": 0.0, "keypoints": "none"}]), SchemaError, "$[0].keypoints",
                            "expected a keypoint array"),
    "forms-differ-between-frames": (json.dumps(_frames(1) + [{"timestamp": 0.04, "keypoints": dicts(OP[1], XYC)}]),
                                    SchemaError, "$[1].keypoints", "same keypoint form"),
    "nan-x-with-finite-y": (json.dumps(_frames(1) + [{"timestamp": 0.04, "keypoints": [[None, 0.5, 0.9]]
                                                      + rows(OP[1])[1:]}]),
                            SchemaError, "frame 1, keypoint 'nose'", "expected both x and y"),
    "confidence-above-one": (json.dumps(_dicts_with(5, {"x": 0.1, "y": 0.1, "confidence": 1.5})), SchemaError,
                             "frame 0, keypoint 'left_shoulder'", "expected confidence in [0, 1]"),
    "frame-width-without-height": (json.dumps({"frame_width": 640, "frames": _frames(1)}), SchemaError,
                                   "$.frame_height", "expected a positive integer frame_height"),
    "frame-size-not-a-number": (json.dumps({"frame_width": "wide", "frame_height": 480, "frames": _frames(1)}),
                                SchemaError, "$.frame_width", "expected a positive integer frame_width"),
    "bad-coords-meta": (json.dumps({"coords": "inches", "frames": _frames(1)}), SchemaError, None,
                        "expected coords"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_reader_rejects_bad_files_naming_file_and_place(name, tmp_path):
    content, error, place, message = BAD[name]
    path = tmp_path / f"Bad_{name}.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(error) as info:
        read_keypoints(path)
    err = info.value
    text = str(err)
    assert isinstance(err, ValueError)
    assert err.path == str(path) and path.name in text
    assert message in text, text
    if place is not None:
        assert err.where is not None and err.where.startswith(place), (err.where, place)
        assert place in text


def test_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_keypoints(tmp_path / "absent.json")


# ------------------------------------------------------------------ property: random poses round trip
def _encode(kind, pos, conf, times):
    """Write a (T, space, K) pose as the frame list of variant ``kind``."""
    n_space = pos.shape[1]
    pts = np.concatenate([np.moveaxis(pos, 1, 2), conf[:, :, None]], axis=2)  # (T, K, space+1)
    keys = ("x", "y", "z")[:n_space] + ("visibility",)
    encode = {"dicts": lambda p: dicts(p, keys), "rows": rows, "flat": flat, "columns": lambda p: columns(p, keys)}
    return [{"timestamp": float(t), "keypoints": encode[kind](pts[i])} for i, t in enumerate(times)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), n_frames=st.integers(1, 12), layout=st.sampled_from(["mediapipe_pose_33", "openpose_body_18"]),
       n_space=st.sampled_from([2, 3]), kind=st.sampled_from(["writer", "dicts", "rows", "flat", "columns"]),
       fps=st.sampled_from([24.0, 25.0, 29.97, 30.0, 60.0]))
def test_random_poses_with_missing_points_round_trip_in_every_variant(tmp_path_factory, data, n_frames, layout,
                                                                      n_space, kind, fps):
    n_kp = 33 if layout == "mediapipe_pose_33" else 18
    coords = data.draw(hnp.arrays(np.float64, (n_frames, n_space, n_kp),
                                  elements=st.floats(-2, 2, allow_nan=False, width=32)))
    missing = data.draw(hnp.arrays(bool, (n_frames, n_kp)))
    assume(not missing.all())
    coords[np.repeat(missing[:, None], n_space, axis=1)] = np.nan
    conf = data.draw(hnp.arrays(np.int64, (n_frames, n_kp), elements=st.integers(0, 100))) / 100.0
    times = np.arange(n_frames) / fps
    ds = make_pose(coords, time=times, layout=layout, confidence=conf, fps=fps)
    path = tmp_path_factory.mktemp("rt") / "TED_abcdefghijk.json"
    if kind == "writer":
        write_keypoints(path, {layout: ds})
    else:
        pos = ds["position"].values[..., 0].astype(np.float64)
        path.write_text(json.dumps(_encode(kind, pos, ds["confidence"].values[..., 0].astype(np.float64), times)))
    back = read_keypoints(path).poses[layout]
    assert back.sizes == ds.sizes
    np.testing.assert_allclose(back["position"].values, ds["position"].values, atol=1e-6, rtol=0, equal_nan=True)
    np.testing.assert_allclose(back["confidence"].values, ds["confidence"].values, atol=1e-6, rtol=0)
    np.testing.assert_array_equal(np.isnan(back["position"].values), np.isnan(ds["position"].values))
    np.testing.assert_allclose(back["time"].values, times, atol=1e-9)


# ------------------------------------------------------------------ property: any JSON gives a pose or a SchemaError
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(-2, 2), st.text(max_size=3),
                     st.just([]), st.just({}))
_counts = st.sampled_from([0, 1, 17, 18, 33, 51, 54, 66, 99, 132, 153])
_point_dicts = st.dictionaries(st.sampled_from(["x", "y", "z", "visibility", "confidence", "name"]), _scalars,
                               max_size=5)
_points = st.one_of(
    _counts.flatmap(lambda k: st.lists(_point_dicts, min_size=k, max_size=k)),
    _counts.flatmap(lambda k: st.lists(st.lists(_scalars, min_size=2, max_size=4), min_size=k, max_size=k)),
    _counts.flatmap(lambda k: st.lists(_scalars, min_size=k, max_size=k)),
    _counts.flatmap(lambda k: st.dictionaries(st.sampled_from(["x", "y", "z", "visibility"]),
                                              st.lists(_scalars, min_size=k, max_size=k))),
    _scalars)
_frame = st.dictionaries(
    st.sampled_from(["timestamp", "time", "frame", "text", "words", "keypoints", "mediapipe", "openpose",
                     "pose_keypoints_2d"]),
    st.one_of(_points, _scalars, st.dictionaries(st.sampled_from(["mediapipe", "openpose", "x"]), _points)),
    max_size=5)
_meta = st.dictionaries(st.sampled_from(["fps", "frame_width", "frame_height", "coords", "extractor"]), _scalars)
_keys = st.sampled_from(["0", "1", "2", "0.5", "10", "-1", "1e3", "nan", "inf", "x"])
_documents = st.one_of(
    st.lists(_frame, max_size=4),
    st.builds(lambda meta, frames: {**meta, "frames": frames}, _meta,
              st.one_of(st.lists(_frame, max_size=4), st.dictionaries(_keys, _frame, max_size=4))),
    st.dictionaries(_keys, _frame, max_size=4))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=_documents)
def test_any_json_document_gives_poses_or_a_schema_error(tmp_path_factory, doc):
    path = tmp_path_factory.mktemp("fuzz") / "TED_abcdefghijk.json"
    path.write_text(json.dumps(doc))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            kp = read_keypoints(path)
        except SchemaError as err:
            assert err.path == str(path)
            return
    for ds in kp.poses.values():
        assert ds.attrs["schema_variant"] == kp.schema_variant
        assert np.isfinite(ds["time"].values).all() and (np.diff(ds["time"].values) > 0).all()
        assert not np.isinf(ds["position"].values).any()


# ------------------------------------------------------------------ fast reader against the standard parser
def _standard(path, monkeypatch):
    """The reader with the msgspec frame-by-frame path switched off (json.load and per-keypoint loops)."""
    from alloava_analysis.io import keypoints_json

    with monkeypatch.context() as patch:
        patch.setattr(keypoints_json, "_read_fast", lambda path: None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return read_keypoints(path)


def _assert_same(fast, slow):
    assert fast.schema_variant == slow.schema_variant and fast.meta == slow.meta
    assert sorted(fast.poses) == sorted(slow.poses)
    for layout in fast.poses:
        assert fast.poses[layout].identical(slow.poses[layout]), layout
    assert fast.frame_text.equals(slow.frame_text)


@pytest.mark.parametrize("name", list(VALID))
def test_fast_reader_gives_what_the_standard_parser_gives_on_every_variant(name, tmp_path, monkeypatch):
    from alloava_analysis.io import keypoints_json

    path = tmp_path / "TED_abcdefghijk.json"
    path.write_text(json.dumps(VALID[name].doc, allow_nan=False), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = keypoints_json._read_fast(path)
    if "/dict_points/" in VALID[name].variant or VALID[name].variant.startswith(("frame_list/row", "frame_list/flat")):
        assert fast is not None  # the common variants take the fast path
    if fast is not None:
        _assert_same(fast, _standard(path, monkeypatch))


@pytest.mark.parametrize("break_at", [None, 0, 700, 1199])
def test_fast_reader_batches_and_falls_back_mid_file(break_at, tmp_path, monkeypatch):
    from alloava_analysis.io import keypoints_json

    n = 1200
    poses = {"mediapipe_pose_33": random_pose(n_frames=n, layout="mediapipe_pose_33", seed=3),
             "openpose_body_18": random_pose(n_frames=n, layout="openpose_body_18", seed=4)}
    path = write_keypoints(tmp_path / "TED_abcdefghijk.json", poses)
    if break_at is not None:  # a frame without a person (an empty list) cannot be batched
        doc = json.loads(path.read_text())
        doc["frames"][break_at]["mediapipe"] = []
        path.write_text(json.dumps(doc), encoding="utf-8")
    fast = keypoints_json._read_fast(path)
    assert fast is not None
    _assert_same(fast, _standard(path, monkeypatch))
    if break_at is not None:
        assert np.isnan(fast.poses["mediapipe_pose_33"]["position"].values[break_at]).all()
