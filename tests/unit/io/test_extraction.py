"""Extraction side outputs: pose datasets with every variable, reports, and safe clip paths."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.errors import InvalidClipIdError, SchemaError
from alloava_analysis.io import extraction
from alloava_analysis.io.layout import scan_layout
from alloava_analysis.model import extractor_info, make_pose


def _face_like(n: int = 5) -> "xr.Dataset":  # noqa: F821
    rng = np.random.default_rng(0)
    pos = rng.random((n, 3, 478)).astype(np.float32)
    pos[2] = np.nan
    ds = make_pose(pos, time=np.cumsum(rng.uniform(0.02, 0.06, n)), layout="mediapipe_face_478",
                   extractor={"name": "mediapipe.FaceLandmarker", "model_sha256": "ab" * 32},
                   frame_size=(640, 360), source="x.mp4")
    ds = ds.assign_coords(blendshape=[f"b{i}" for i in range(52)])
    ds["blendshapes"] = (("time", "blendshape"), rng.random((n, 52)).astype(np.float32))
    ds["transformation_matrix"] = (("time", "row", "col"), rng.random((n, 4, 4)).astype(np.float32))
    ds["blendshapes"].attrs["meaning"] = "ARKit-style scores"
    return ds


def test_pose_dataset_round_trip_keeps_every_variable(tmp_path):
    ds = _face_like()
    path = extraction.write_pose_dataset(extraction.extraction_path(tmp_path, "TED_abcdefghijk",
                                                                    "mediapipe_face_478"), ds)
    assert path.name == "TED_abcdefghijk.mediapipe_face_478.parquet" and path.parent.name == "extraction"
    back = extraction.read_pose_dataset(path)
    for name in ("position", "confidence", "blendshapes", "transformation_matrix"):
        np.testing.assert_array_equal(back[name].values, ds[name].values)
        assert back[name].dims == ds[name].dims
    np.testing.assert_array_equal(back["time"].values, ds["time"].values)
    assert list(back["blendshape"].values) == list(ds["blendshape"].values)
    assert extractor_info(back) == extractor_info(ds) and back.attrs["frame_width"] == 640
    assert back["blendshapes"].attrs["meaning"] == "ARKit-style scores"
    assert (back["confidence"].values[2] == 0).all()


def test_side_file_written_with_the_old_plural_dims_loads_with_the_current_ones(tmp_path):
    import json

    import pyarrow.parquet as pq
    ds = _face_like()
    ds["presence"] = (("time", "keypoint", "individual"), np.ones((ds.sizes["time"], 478, 1), np.float32))
    path = extraction.write_pose_dataset(tmp_path / "x.parquet", ds)
    table = pq.read_table(path)
    text = table.schema.metadata[extraction.META_KEY].decode()
    meta = json.loads(text.replace('"keypoint"', '"keypoints"').replace('"individual"', '"individuals"'))
    meta["attrs"]["extractor"] = json.loads(meta["attrs"]["extractor"])  # a dict, as before attrs were flattened
    assert "keypoints" in meta["coords"] and meta["variables"]["presence"]["dims"][1] == "keypoints"
    pq.write_table(table.replace_schema_metadata({extraction.META_KEY: json.dumps(meta).encode()}), path)
    back = extraction.read_pose_dataset(path)
    assert back["position"].dims == ("time", "space", "keypoint", "individual")
    assert back["presence"].dims == ("time", "keypoint", "individual")
    assert extractor_info(back) == extractor_info(ds) and list(back["keypoint"].values) == list(ds["keypoint"].values)


def test_side_outputs_do_not_disturb_the_layout_scan(tmp_path):
    extraction.write_pose_dataset(extraction.extraction_path(tmp_path, "TED_abcdefghijk", "mediapipe_face_478"),
                                  _face_like())
    extraction.write_report(tmp_path, "TED_abcdefghijk", {"clip_id": "TED_abcdefghijk", "frames": 5})
    table, skipped = scan_layout(tmp_path)
    assert table.empty and skipped == []
    assert extraction.read_report(tmp_path, "TED_abcdefghijk") == {"clip_id": "TED_abcdefghijk", "frames": 5}


def test_reading_something_else_is_a_schema_error(tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 nope")
    with pytest.raises(SchemaError, match="bad.parquet"):
        extraction.read_pose_dataset(bad)


def test_clip_path_rejects_traversal(tmp_path):
    with pytest.raises(InvalidClipIdError):
        extraction.extraction_path(tmp_path, "../etc_abcdefghijk")
