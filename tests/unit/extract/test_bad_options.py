"""Every keyword option of ``alloava_analysis.extract`` takes a bad value well: accepted, or a ParameterError naming it.

The functions that run MediaPipe or Whisper over a whole video check their
options before anything is decoded or loaded, so every bad value of a number
or a choice is refused at once; only their on/off switches (where a truthy
string is accepted and would start the real work) are skipped.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.extract import asr, keypoints, media, overlay, pipeline, sync
from tests.fixtures.bad_options import table_tests, walk_bad_options
from tests.fixtures.datasets import line_pose

HERE = Path(__file__).resolve().parents[2] / "fixtures"
VIDEO = HERE / "real" / "signer_wave.mp4"
WAV = HERE / "media" / "speech.wav"
RATE = 16_000


def _speech(seconds: float = 0.5) -> np.ndarray:
    return (0.1 * np.sin(2 * np.pi * 200 * np.arange(int(seconds * RATE)) / RATE)).astype(np.float32)


def _talk(seconds: float = 3.0, fps: float = 25.0) -> tuple:
    """Mouth opening following the loudness of noise bursts (a minimal talking clip)."""
    rng = np.random.default_rng(0)
    frames = np.arange(0, seconds, 1 / fps)
    loud = lambda t: 0.5 + 0.5 * np.sin(2 * np.pi * 2.3 * t) ** 3  # noqa: E731
    t = np.arange(int(seconds * RATE)) / RATE
    audio = (0.3 * loud(t) * rng.standard_normal(t.size)).astype(np.float32)
    return 0.1 + 0.2 * loud(frames), frames, audio, RATE


def _words():
    from alloava_analysis.model import make_words

    return make_words([{"word": "hello", "start": 0.1, "end": 0.4, "probability": 0.9, "segment": 0}])


def _task_file(tmp: Path) -> Path:
    path = tmp / "pose_landmarker_full.task"
    path.write_bytes(b"not really a model")
    return path


def _whisper_folder(tmp: Path) -> Path:
    folder = tmp / "faster-whisper-tiny"
    folder.mkdir(exist_ok=True)
    (folder / "model.bin").write_bytes(b"weights")
    return folder


#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options[, skipped options])) of a minimal
#: valid call. Fixed options must be given for the call to make sense (not walked); skipped are the on/off switches
#: of whole-video work: a truthy string is accepted and would track, transcribe or encode a whole video (seconds to
#: minutes); every other option of these functions is walked.
CALLS = {
    "extract.asr.load_asr_audio": lambda tmp: ((_speech(),), {}),
    "extract.asr.transcribe": lambda tmp: ((_speech(),), {}, ("allow_download", "progress")),
    "extract.keypoints.assign_hand_sides": lambda tmp: ((np.array([[0.4, 0.5], [0.6, 0.5]]), ["Left", "Right"],
                                                         np.array([[0.6, 0.5], [0.4, 0.5]])), {}),
    "extract.keypoints.extract_keypoints": lambda tmp: ((VIDEO,), {}, ("pose", "face", "hands", "mirrored",
                                                                       "allow_download", "progress", "detect_cuts")),
    "extract.media.container_frame_times": lambda tmp: ((VIDEO,), {}),
    "extract.media.decode_audio": lambda tmp: ((WAV,), {}),
    "extract.media.decode_audio_tracks": lambda tmp: ((WAV, {"asr": (RATE, 1)}), {}),
    "extract.models.download_file": lambda tmp: (("http://127.0.0.1:9/model.task", tmp / "model.task"),
                                                 {"sha256": None}),  # required, no default
    "extract.models.resolve_mediapipe_model": lambda tmp: (("pose", _task_file(tmp)), {}),
    "extract.models.resolve_whisper_model": lambda tmp: ((_whisper_folder(tmp),), {}),
    "extract.overlay.write_overlay": lambda tmp: ((VIDEO, {"mediapipe_pose_33": line_pose(10)}, tmp / "overlay.mp4"),
                                                  {}, ("progress",)),
    "extract.pipeline.extract_video": lambda tmp: ((VIDEO, tmp / "corpus"), {}, ("face", "hands", "overlay", "sync",
                                                                              "copy_video", "allow_download",
                                                                              "overwrite", "progress")),
    "extract.shots.detect_video_cuts": lambda tmp: ((np.arange(20) / 25.0, np.repeat(np.eye(2, 48), 10, axis=0)), {}),
    "extract.sync.estimate_av_offset": lambda tmp: (_talk(), {}),
    "extract.word_timing.speech_regions": lambda tmp: ((_speech(),), {}),
    "extract.word_timing.refine_word_times": lambda tmp: ((_words(), _speech()), {}),
    "extract.word_timing.words_spanning_silence": lambda tmp: ((_words(), _words()), {}),
    "extract.word_timing.timing_scores": lambda tmp: ((_words(), _words()), {}),
    "extract.sync.speech_envelope_db": lambda tmp: ((_speech(), RATE), {}),
}
#: Functions that cannot sensibly run in a unit test: none here.
EXEMPT: dict[str, str] = {}
#: Valid calls not made on their own (their walks still run).
UNCALLED = {
    "extract.asr.transcribe": "transcribes with Whisper",
    "extract.keypoints.extract_keypoints": "tracks a whole video with MediaPipe",
    "extract.models.download_file": "downloads (offline here: the walk's accepted values must not get that far)",
    "extract.pipeline.extract_video": "extracts a whole video (MediaPipe, Whisper, encoding)",
}


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    """A bad value that slipped through must not reach the network: it fails instead."""
    monkeypatch.setenv("ALLOAVA_OFFLINE", "1")


test_table_is_complete, test_calls_are_valid, test_walks = table_tests(
    "extract", CALLS, EXEMPT, uncalled=UNCALLED,
    marks=(pytest.mark.filterwarnings("ignore:.*differs from the registry"),))


def test_important_bad_values_are_refused_before_any_work(tmp_path):
    missing = tmp_path / "never_read.mp4"  # the options are refused before the file is looked at
    for fn, option, value in [(asr.transcribe, "engine", "wav2vec"), (asr.transcribe, "beam_size", 0),
                              (asr.transcribe, "language", "English"),
                              (keypoints.extract_keypoints, "min_detection", 1.5),
                              (pipeline.extract_video, "asr_engine", "wav2vec"),
                              (pipeline.extract_video, "sync_tolerance_s", -0.1),
                              (pipeline.extract_video, "word_timing", "forced"),
                              (asr.transcribe, "word_timing", "forced"),
                              (overlay.write_overlay, "confidence_threshold", float("nan"))]:
        args = (missing, tmp_path / "out") if fn is pipeline.extract_video else \
            (missing, {}, tmp_path / "o.mp4") if fn is overlay.write_overlay else (missing,)
        with pytest.raises(ParameterError, match=option) as err:
            fn(*args, **{option: value})
        assert err.value.name == option
    with pytest.raises(ParameterError, match="at least one of pose, face or hands"):
        keypoints.extract_keypoints(missing, pose=False)
    outcomes = walk_bad_options(sync.estimate_av_offset, *_talk())
    assert outcomes["max_lag_s"][-1.0] == outcomes["alpha"]["nan"] == "ParameterError"
    assert outcomes["null_margin_s"][-1.0] == "ParameterError"
    assert outcomes["band_hz"][(-1.0, -1.0)] == outcomes["band_hz"]["x"] == "ParameterError"
    with pytest.raises(ParameterError, match="modality"):
        media.MediaInfo(Path("x.mp4"), "mp4", 1.0, 0.0, True, True).require("subtitles")
