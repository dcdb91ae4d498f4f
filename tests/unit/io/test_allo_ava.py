"""Writing and loading one clip in the released Allo-AVA layout."""
from __future__ import annotations

import pandas as pd
import pytest
import xarray as xr

from alloava_analysis.errors import InvalidClipIdError
from alloava_analysis.io.allo_ava import clip_files, load_clip, write_clip
from alloava_analysis.io.audio import open_audio, write_wav
from alloava_analysis.model import Clip
from tests.fixtures.datasets import FPS, make_clip, random_pose, tone


def test_write_clip_then_load_clip_round_trip(tmp_path):
    clip = make_clip(3)
    paths = write_clip(tmp_path, clip, audio=tone(50 / FPS))
    assert {m: p.relative_to(tmp_path).as_posix() for m, p in paths.items()} == {
        "keypoints": f"keypoints/{clip.clip_id}.json", "transcript": f"transcript/{clip.clip_id}.json",
        "audio": f"audio/{clip.clip_id}.wav"}
    back = load_clip(tmp_path, clip.clip_id)
    assert (back.clip_id, back.category, back.youtube_id) == (clip.clip_id, clip.category, clip.youtube_id)
    for name, ds in clip.poses.items():
        xr.testing.assert_allclose(back.poses[name].drop_attrs(), ds.drop_attrs(), atol=1e-6)
    pd.testing.assert_frame_equal(back.words, clip.words)
    pd.testing.assert_series_equal(back.frame_text, clip.frame_text)
    assert back.metadata["transcript_meta"]["language"] == "en"
    assert back.audio.samplerate == 48_000 and back.audio.duration == pytest.approx(2.0)
    assert back.metadata["files"]["keypoints"] == str(paths["keypoints"]) and back.metadata["files"]["video"] is None
    assert clip_files(tmp_path, clip.clip_id)["audio"] == str(paths["audio"])


def test_write_clip_copies_an_existing_audio_file_and_skips_absent_modalities(tmp_path):
    source = write_wav(tmp_path / "elsewhere.wav", tone(0.5))
    clip = Clip("TED_abcdefghijk", "TED", "abcdefghijk", audio=open_audio(source))
    paths = write_clip(tmp_path / "corpus", clip)
    assert set(paths) == {"audio"}
    assert paths["audio"].read_bytes() == source.read_bytes()
    assert write_clip(tmp_path / "corpus", load_clip(tmp_path / "corpus", clip.clip_id)) == {}  # same file: no copy


def test_write_clip_warns_about_layouts_the_json_cannot_hold(tmp_path):
    clip = make_clip(0)
    clip.poses["mediapipe_face_478"] = random_pose(50, layout="mediapipe_face_478")
    with pytest.warns(UserWarning, match="mediapipe_face_478"):
        write_clip(tmp_path, clip)
    assert sorted(load_clip(tmp_path, clip.clip_id).poses) == ["mediapipe_pose_33", "openpose_body_18"]


def test_write_clip_refuses_bad_ids_before_writing_anything(tmp_path):
    clip = make_clip(0)
    clip.category = "../../escape"
    with pytest.raises(InvalidClipIdError):
        write_clip(tmp_path / "corpus", clip, audio=tone(0.1))
    assert not (tmp_path / "corpus").exists()
