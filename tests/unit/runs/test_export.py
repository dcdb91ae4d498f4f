"""``export_corpus``: every format for every clip, files that open with the other tools' readers,
broken clips reported while the others are exported."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from alloava_analysis.io.allo_ava import load_clip
from alloava_analysis.io.export.intervals import read_eaf, read_textgrid
from alloava_analysis.io.export.tables import read_table
from alloava_analysis.io.extraction import extraction_path, write_pose_dataset
from alloava_analysis.runs.export import FORMATS, export_corpus
from tests.fixtures.datasets import corrupt, random_pose, write_tiny_corpus

N_FRAMES = 150  # 6 s at 25 fps: a few 1-s windows


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    ids = write_tiny_corpus(root, 3, n_frames=N_FRAMES)
    return root, ids


@pytest.mark.parametrize("to", FORMATS)
def test_every_clip_is_exported_in_every_format(corpus, to):
    root, ids = corpus
    result = export_corpus(root, to=to, window_s=1.0, progress=False)
    assert result["failed"] == [] and result["clips"] == 3 and result["format"] == to
    out = Path(result["out"])
    assert out == root / "export" / to and all(Path(f).parent == out for f in result["files"])
    names = sorted(Path(f).name for f in result["files"])
    expected = {
        "netcdf": [f"{c}.{layout}.nc" for c in ids for layout in ("mediapipe_pose_33", "openpose_body_18")],
        "eaf": [f"{c}.eaf" for c in ids], "textgrid": [f"{c}.TextGrid" for c in ids],
        "pose": [f"{c}.pose" for c in ids],
        "parquet": [f"{c}.{t}.parquet" for c in ids for t in ("frames", "windows")],
        "csv": [f"{c}.{t}.csv" for c in ids for t in ("frames", "windows")],
    }[to]
    assert names == sorted(expected)
    clip = load_clip(root, ids[0])
    first = [Path(f) for f in result["files"] if Path(f).name.startswith(ids[0])]
    if to == "netcdf":
        with xr.open_dataset(next(f for f in first if "mediapipe_pose_33" in f.name)) as ds:
            np.testing.assert_array_equal(ds["position"].values, clip.poses["mediapipe_pose_33"]["position"].values)
    elif to in ("eaf", "textgrid"):
        tiers = (read_eaf if to == "eaf" else read_textgrid)(first[0])
        assert tiers.attrs["tiers"] == ["words", "segments", "pauses", "gesture_units"]
        assert tiers[tiers.tier == "words"]["label"].tolist() == clip.words["word"].tolist()
        if to == "eaf":
            assert tiers.attrs["media"] == [f"./../../audio/{ids[0]}.wav"]  # no video: linked to the audio
    elif to == "pose":
        from pose_format import Pose
        from pose_format.utils.generic import detect_known_pose_format
        assert detect_known_pose_format(Pose.read(first[0].read_bytes())) == "holistic"
    else:
        windows = read_table(next(f for f in first if ".windows." in f.name))
        assert len(windows) == 6 and windows.attrs["units"]["speech_rate"] == "words/s"
        frames = read_table(next(f for f in first if ".frames." in f.name))
        assert len(frames) == N_FRAMES and frames.attrs["units"]["time"] == "s"


def test_side_files_add_layouts_and_a_broken_clip_is_reported_while_the_others_go_on(corpus):
    root, ids = corpus
    clip = load_clip(root, ids[1])
    hands = random_pose(N_FRAMES, layout="mediapipe_hands_42")
    hands = hands.assign_coords(time=clip.poses["mediapipe_pose_33"]["time"].values)
    write_pose_dataset(extraction_path(root, ids[1], "mediapipe_hands_42"), hands)
    corrupt(root, ids[0], "truncate_keypoints")
    result = export_corpus(root, to="netcdf", out=root.parent / "nc", clip_ids=[ids[0], ids[1], "TED_notaclip01"],
                           progress=False)
    assert result["clips"] == 1
    assert sorted(f["clip_id"] for f in result["failed"]) == sorted([ids[0], "TED_notaclip01"])
    assert sorted(Path(f).name for f in result["files"]) == sorted(
        f"{ids[1]}.{layout}.nc" for layout in ("mediapipe_pose_33", "openpose_body_18", "mediapipe_hands_42"))
    pose = export_corpus(root, to="pose", out=root.parent / "p", clip_ids=[ids[1]], progress=False)
    from pose_format import Pose
    header = Pose.read(Path(pose["files"][0]).read_bytes()).header
    assert [c.name for c in header.components] == ["POSE_LANDMARKS", "LEFT_HAND_LANDMARKS", "RIGHT_HAND_LANDMARKS"]


def test_a_clip_too_short_for_the_window_fails_with_the_reason(corpus):
    root, _ = corpus
    result = export_corpus(root, to="csv", window_s=30.0, progress=False)
    assert result["clips"] == 0 and len(result["failed"]) == 3
    assert all("window" in f["reason"] for f in result["failed"])
