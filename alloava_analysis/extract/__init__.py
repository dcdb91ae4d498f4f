"""Rebuild Allo-AVA data from video: audio, Whisper transcripts, MediaPipe keypoints, alignment.

Heavy dependencies (PyAV, faster-whisper, MediaPipe, torch) are imported only
when a function needs them, so importing this package is cheap.

* :mod:`.models`    -- model resolution (explicit path, environment, offline packages, download) and hashes
* :mod:`.media`     -- PyAV decoding: stream checks, audio at 48/16 kHz, frames with container times
* :mod:`.asr`       -- :func:`transcribe` with faster-whisper (default) or openai-whisper
* :mod:`.keypoints` -- MediaPipe Tasks pose/face/hands in VIDEO mode -> pose datasets
* :mod:`.sync`      -- audio-video offset from mouth opening vs speech envelope
* :mod:`.overlay`   -- skeleton-overlay video
* :mod:`.pipeline`  -- :func:`extract_video`, one clip into the Allo-AVA layout
"""
from __future__ import annotations

from .asr import transcribe, word_error_rate
from .keypoints import KeypointResult, extract_keypoints
from .media import MediaInfo, VideoFrames, decode_audio, decode_audio_tracks, probe_media
from .models import ResolvedModel, resolve_mediapipe_model, resolve_whisper_model
from .pipeline import extract_video
from .sync import check_av_sync, estimate_av_offset, mouth_opening

__all__ = ["KeypointResult", "MediaInfo", "ResolvedModel", "VideoFrames", "check_av_sync", "decode_audio",
           "decode_audio_tracks", "estimate_av_offset", "extract_keypoints", "extract_video", "mouth_opening",
           "probe_media", "resolve_mediapipe_model", "resolve_whisper_model", "transcribe", "word_error_rate"]
