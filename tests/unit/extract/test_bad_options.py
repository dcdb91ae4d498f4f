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
from alloava_analysis.extract import asr, keypoints, media, models, overlay, pipeline, shots, sync
from tests.fixtures.bad_options import public_functions_with_options, qualified, walk_bad_options
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


def _task_file(tmp: Path) -> Path:
    path = tmp / "pose_landmarker_full.task"
    path.write_bytes(b"not really a model")
    return path


def _whisper_folder(tmp: Path) -> Path:
    folder = tmp / "faster-whisper-tiny"
    folder.mkdir(exist_ok=True)
    (folder / "model.bin").write_bytes(b"weights")
    return folder


#: function -> its minimal valid positional arguments (given a temporary folder).
CALLS = {
    asr.load_asr_audio: lambda tmp: (_speech(),),
    asr.transcribe: lambda tmp: (_speech(),),
    keypoints.assign_hand_sides: lambda tmp: (np.array([[0.4, 0.5], [0.6, 0.5]]), ["Left", "Right"],
                                              np.array([[0.6, 0.5], [0.4, 0.5]])),
    keypoints.extract_keypoints: lambda tmp: (VIDEO,),
    media.container_frame_times: lambda tmp: (VIDEO,),
    media.decode_audio: lambda tmp: (WAV,),
    media.decode_audio_tracks: lambda tmp: (WAV, {"asr": (RATE, 1)}),
    models.download_file: lambda tmp: ("http://127.0.0.1:9/model.task", tmp / "model.task"),
    models.resolve_mediapipe_model: lambda tmp: ("pose", _task_file(tmp)),
    models.resolve_whisper_model: lambda tmp: (_whisper_folder(tmp),),
    overlay.write_overlay: lambda tmp: (VIDEO, {"mediapipe_pose_33": line_pose(10)}, tmp / "overlay.mp4"),
    pipeline.extract_video: lambda tmp: (VIDEO, tmp / "corpus"),
    shots.detect_video_cuts: lambda tmp: (np.arange(20) / 25.0, np.repeat(np.eye(2, 48), 10, axis=0)),
    sync.estimate_av_offset: lambda tmp: _talk(),
}
#: Options that must be given for the call to make sense (not walked).
FIXED = {models.download_file: {"sha256": None}}  # required, no default
#: On/off switches of whole-video work: a truthy string is accepted and would track, transcribe or encode
#: a whole video (seconds to minutes); every other option of these functions is walked.
SKIP = {
    asr.transcribe: ("allow_download", "progress"),
    keypoints.extract_keypoints: ("pose", "face", "hands", "mirrored", "allow_download", "progress", "detect_cuts"),
    overlay.write_overlay: ("progress",),
    pipeline.extract_video: ("face", "hands", "overlay", "sync", "copy_video", "allow_download", "progress"),
}
#: Functions that cannot sensibly run in a unit test: none here.
EXEMPT: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    """A bad value that slipped through must not reach the network: it fails instead."""
    monkeypatch.setenv("ALLOAVA_OFFLINE", "1")


def test_every_function_with_options_is_walked_or_exempt():
    assert {qualified(fn) for fn in CALLS} | set(EXEMPT) == public_functions_with_options("extract")


@pytest.mark.parametrize("fn", [fn for fn in CALLS if fn not in SKIP and fn is not models.download_file],
                         ids=qualified)
@pytest.mark.filterwarnings("ignore:.*differs from the registry")
def test_the_calls_are_valid(fn, tmp_path):
    fn(*CALLS[fn](tmp_path), **FIXED.get(fn, {}))


@pytest.mark.parametrize("fn", list(CALLS), ids=qualified)
@pytest.mark.filterwarnings("ignore:.*differs from the registry")
def test_bad_options_are_accepted_or_a_parameter_error(fn, tmp_path):
    walk_bad_options(fn, *CALLS[fn](tmp_path), skip=SKIP.get(fn, ()), **FIXED.get(fn, {}))


def test_important_bad_values_are_refused_before_any_work(tmp_path):
    missing = tmp_path / "never_read.mp4"  # the options are refused before the file is looked at
    for fn, option, value in [(asr.transcribe, "engine", "wav2vec"), (asr.transcribe, "beam_size", 0),
                              (asr.transcribe, "language", "English"),
                              (keypoints.extract_keypoints, "min_detection", 1.5),
                              (pipeline.extract_video, "asr_engine", "wav2vec"),
                              (pipeline.extract_video, "sync_tolerance_s", -0.1),
                              (overlay.write_overlay, "confidence_threshold", float("nan"))]:
        args = (missing, tmp_path / "out") if fn is pipeline.extract_video else \
            (missing, {}, tmp_path / "o.mp4") if fn is overlay.write_overlay else (missing,)
        with pytest.raises(ParameterError, match=option) as err:
            fn(*args, **{option: value})
        assert err.value.name == option
    with pytest.raises(ParameterError, match="at least one of pose, face or hands"):
        keypoints.extract_keypoints(missing, pose=False)
    outcomes = walk_bad_options(sync.estimate_av_offset, *_talk())
    assert outcomes["max_lag_s"][-1.0] == outcomes["alpha"]["nan"] == outcomes["n_surrogates"][2.5] == "ParameterError"
    with pytest.raises(ParameterError, match="modality"):
        media.MediaInfo(Path("x.mp4"), "mp4", 1.0, 0.0, True, True).require("subtitles")
