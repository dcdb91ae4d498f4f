"""The Parquet store: pose, words and per-frame text round trips, the index, checksums."""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from alloava_analysis.errors import SchemaError
from alloava_analysis.io import store
from alloava_analysis.io.registry import file_sha256
from alloava_analysis.model import make_pose
from alloava_analysis.schema import get_layout
from tests.fixtures.datasets import random_pose, tiny_words

CLIP = "TED_abcdefghijk"


@st.composite
def poses(draw):
    layout = draw(st.sampled_from(["mediapipe_pose_33", "openpose_body_18", "mediapipe_hands_42"]))
    names = get_layout(layout).keypoints
    keypoints = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
    n_frames = draw(st.integers(0, 15))
    n_space = draw(st.sampled_from([2, 3]))
    position = draw(hnp.arrays(np.float32, (n_frames, n_space, len(keypoints)),
                               elements=st.one_of(st.floats(-1e4, 1e4, width=32), st.just(np.nan))))
    confidence = draw(hnp.arrays(np.float32, (n_frames, len(keypoints)), elements=st.floats(0, 1, width=32)))
    steps = draw(hnp.arrays(np.float64, n_frames, elements=st.floats(1e-3, 1.0)))
    start = draw(st.floats(0, 1e4))
    extractor = draw(st.one_of(st.none(), st.fixed_dictionaries(
        {"name": st.sampled_from(["mediapipe", "openpose"]), "version": st.text(max_size=8),
         "model_sha256": st.text("0123456789abcdef", min_size=64, max_size=64)})))
    coords = draw(st.sampled_from(["normalized", "pixels"]))
    frame_size = draw(st.one_of(st.none(), st.tuples(st.integers(1, 4000), st.integers(1, 4000))))
    return make_pose(position, time=start + np.cumsum(steps), layout=layout, confidence=confidence,
                     keypoints=keypoints, fps=draw(st.one_of(st.none(), st.floats(1, 240))),
                     source=draw(st.text(max_size=30)), extractor=extractor, coords=coords, frame_size=frame_size,
                     schema_variant=draw(st.sampled_from(["", "frame_list/dict_points/mediapipe_pose_33"])))


@settings(max_examples=60, deadline=None)
@given(ds=poses())
def test_pose_table_round_trip_is_exact_including_attrs(ds):
    back = store.table_to_pose(store.pose_to_table(ds), source="mem")
    xr.testing.assert_identical(back, ds)
    assert back.attrs == ds.attrs or (np.isnan(ds.attrs["fps"]) and np.isnan(back.attrs["fps"]))
    assert back["position"].dtype == np.float32 and back["confidence"].dtype == np.float32


def test_pose_round_trip_through_a_parquet_file(tmp_path):
    ds = random_pose(40, seed=3, n_space=3)
    ds.attrs["schema_variant"] = "frame_list/dict_points/mediapipe_pose_33"
    path = store.write_pose(tmp_path, CLIP, ds)
    assert path == tmp_path / "pose" / "mediapipe_pose_33" / f"clip_id={CLIP}" / "part-0.parquet"
    xr.testing.assert_identical(store.read_pose(tmp_path, CLIP), ds)
    assert store.stored_layouts(tmp_path, CLIP) == ["mediapipe_pose_33"]
    assert store.stored_layouts(tmp_path, "TED_zzzzzzzzzzz") == []
    assert store.stored_layouts(tmp_path / "nowhere", CLIP) == []
    with pytest.raises(FileNotFoundError, match="alloava convert"):
        store.read_pose(tmp_path, CLIP, "openpose_body_18")


def test_a_store_written_with_the_old_plural_names_and_dict_extractor_still_loads():
    import json
    ds = random_pose(8, seed=4)
    table = store.pose_to_table(ds)
    attrs = json.loads(table.schema.metadata[store.ATTRS_KEY])
    assert "keypoint" in attrs and "individual" in attrs and "keypoints" not in attrs
    attrs["keypoints"], attrs["individuals"] = attrs.pop("keypoint"), attrs.pop("individual")
    attrs["extractor"] = json.loads(attrs["extractor"])  # a dict, as before attrs were flattened
    old = table.replace_schema_metadata({store.ATTRS_KEY: json.dumps(attrs).encode()})
    xr.testing.assert_identical(store.table_to_pose(old, source="mem"), ds)


def test_multi_individual_poses_are_refused_or_kept_never_silently_dropped():
    pos = np.random.default_rng(0).random((5, 2, 18, 2))
    ds = make_pose(pos, time=np.arange(5) / 25, layout="openpose_body_18", individuals=("a", "b"))
    try:
        table = store.pose_to_table(ds)
    except ValueError as err:
        assert "individual" in str(err)
    else:
        xr.testing.assert_identical(store.table_to_pose(table, source="mem"), ds)


def test_foreign_tables_are_rejected_with_the_file_name():
    with pytest.raises(SchemaError, match="alloava convert"):
        store.table_to_pose(pa.table({"time": [0.0], "x:nose": [0.1]}), source="old/part-0.parquet")


def test_words_and_frame_text_round_trip(tmp_path):
    words = tiny_words(3.0, n_words=7)
    store.write_words(tmp_path, CLIP, words)
    pd.testing.assert_frame_equal(store.read_words(tmp_path, CLIP), words)
    text = pd.Series(["", "a", "a b"], index=pd.Index([0.0, 0.04, 0.08], name="time"), name="text")
    store.write_frame_text(tmp_path, CLIP, text)
    pd.testing.assert_series_equal(store.read_frame_text(tmp_path, CLIP), text)
    assert store.read_frame_text(tmp_path, "TED_zzzzzzzzzzz") is None


def test_segments_round_trip_with_transcript_meta(tmp_path):
    segments = pd.DataFrame({"segment": [0, 2], "start": [0.0, 1.5], "end": [1.2, np.nan],
                             "text": ["Hello there.", "Bye."]})
    meta = {"language": "en", "engine": "faster-whisper", "model": "tiny.en"}
    store.write_segments(tmp_path, CLIP, segments, meta=meta)
    back, back_meta = store.read_segments(tmp_path, CLIP)
    pd.testing.assert_frame_equal(back, segments)
    assert back_meta == meta
    assert store.read_segments(tmp_path, "TED_zzzzzzzzzzz") is None


def test_index_round_trip_and_checksums(tmp_path):
    assert store.read_index(tmp_path) is None
    index = pd.DataFrame({"clip_id": [CLIP, "DIY_mzstKyN5img"], "frames": [10, 20], "schema_variant": ["a", "b"]})
    store.write_index(tmp_path, index)
    pd.testing.assert_frame_equal(store.read_index(tmp_path), index)
    data = bytes(range(256)) * 5000
    (tmp_path / "blob").write_bytes(data)
    assert file_sha256(tmp_path / "blob", chunk=1000) == hashlib.sha256(data).hexdigest()
    assert store.default_store(tmp_path) == tmp_path / "store"


def test_the_index_reads_whole_while_a_convert_replaces_it(tmp_path):
    """pyarrow opens a path more than once; reading the path directly failed ~1 in 6 times here."""
    import threading

    stop = threading.Event()

    def rewrite():
        i = 0
        while not stop.is_set():
            n = i % 50 + 1
            store.write_index(tmp_path, pd.DataFrame({"clip_id": [f"c{j}" for j in range(n)], "rows": range(n)}))
            i += 1

    store.write_index(tmp_path, pd.DataFrame({"clip_id": ["c0"], "rows": [0]}))
    writer = threading.Thread(target=rewrite)
    writer.start()
    try:
        sizes = [len(store.read_index(tmp_path)) for _ in range(1500)]
    finally:
        stop.set()
        writer.join()
    assert all(1 <= n <= 50 for n in sizes) and len(set(sizes)) > 1  # whole indexes, of several versions
