"""Rebuild one Allo-AVA clip from a video: audio, transcript, keypoints, alignment, offset check.

:func:`extract_video` is what ``alloava extract VIDEO --out DIR`` runs. It
writes the clip in the released layout (``video/``, ``audio/`` 48 kHz 16-bit
PCM, ``transcript/`` Whisper-style JSON, ``keypoints/`` frame JSON with
MediaPipe 33 + OpenPose 18 points and the words being spoken, optionally
``keypoints_video/``) through :func:`alloava_analysis.io.allo_ava.write_clip`,
plus the side outputs of :mod:`alloava_analysis.io.extraction` (face and hand
landmarks, blendshapes, the report). A missing stream does not stop the
others: an audio-only file still gets audio and a transcript, a silent video
still gets keypoints, and the report says what was skipped and why.
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import math
import os
import re
import shutil
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..checks import check_nonnegative, check_option
from ..clocks import words_to_frames
from ..errors import ExtractionError, InvalidClipIdError, OutputPathError
from ..io.allo_ava import write_clip
from ..io.atomic import atomic_path
from ..io.extraction import extraction_path, write_pose_dataset, write_report
from ..io.jsonable import to_jsonable
from ..io.layout import MODALITY_EXTENSIONS, ClipKey, check_corpus_output, make_key, modality_path, parse_key
from ..model import Clip
from .asr import WORD_TIMINGS, _check_language, transcribe
from .keypoints import extract_keypoints
from .media import ALLO_AVA_AUDIO, ASR_AUDIO, MediaInfo, decode_audio_tracks, probe_media
from .models import ASR_ENGINES
from .sync import DEFAULT_TOLERANCE_S, check_av_sync

log = logging.getLogger(__name__)

LOCAL_CATEGORY = "local"
_FORMAT_SUFFIX = re.compile(r"^\.f\d+$")  # yt-dlp format suffix, as in DIY_TBRi6ecgQfc.f251.webm
JSON_LAYOUTS = ("mediapipe_pose_33", "openpose_body_18")


#: Run-time measurements: returned to the caller, never written into the clip's files.
RUN_TIME_KEYS = ("seconds", "real_time_factor")

def clip_key_for(video: str | Path, clip_id: str | None = None) -> tuple[ClipKey, bool]:
    """The clip key for ``video``: from ``clip_id``, else from the file name, else derived from its content.

    A file not named ``<category>_<11-character id>`` gets category ``local``
    and an 11-character id from the sha256 of its first megabyte and size
    (stable for the same file).

    Parameters
    ----------
    video
        The video file (read only when neither ``clip_id`` nor its name gives a key).
    clip_id
        The clip id to use, if chosen.

    Returns
    -------
    key
        The clip key.
    derived
        Whether the id was derived from the file's content.
    """
    if clip_id is not None:
        return parse_key(clip_id), False
    video = Path(video)
    try:
        return parse_key(video.name), False
    except InvalidClipIdError:
        pass
    digest = hashlib.sha256()
    with open(video, "rb") as handle:
        digest.update(handle.read(1 << 20))
    digest.update(str(video.stat().st_size).encode())
    ident = base64.urlsafe_b64encode(digest.digest()[:8]).decode().rstrip("=")
    key = make_key(LOCAL_CATEGORY, ident)
    warnings.warn(f"{video.name}: expected a name '<category>_<11-character YouTube id>', got none; using "
                  f"clip id {key.clip_id!r} (pass clip_id= to choose one)", stacklevel=3)
    return key, True


def _portable(path: str | Path, root: str | Path) -> str:
    """``path`` relative to the corpus ``root`` when it lies inside it, else as given."""
    path, root = Path(path).resolve(), Path(root).resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def is_same_file(target: str | Path, source: str | Path) -> bool:
    """Whether ``target`` names the file ``source`` (same path after links, or a hard link to it).

    Parameters
    ----------
    target, source
        Two paths; ``target`` need not exist.

    Returns
    -------
    bool
        False when ``target`` does not exist or cannot be read.
    """
    try:
        return os.path.samefile(target, source)
    except OSError:  # target absent (or unreadable): it is not the source
        return False


@contextlib.contextmanager
def _writing(out_root: Path) -> Iterator[None]:
    """Turn a failed write (a full disk, a read-only folder) into an :class:`ExtractionError` naming ``out_root``."""
    try:
        yield
    except OSError as err:
        raise ExtractionError(f"{out_root}: could not write the clip's files ({type(err).__name__}: {err}); "
                              f"files written before the error are complete, none is partial") from None


def _media_summary(info: MediaInfo) -> dict:
    return {"format": info.format, "duration_s": info.duration, "has_video": info.has_video,
            "has_audio": info.has_audio, "width": info.width, "height": info.height, "fps": info.fps,
            "n_frames_header": info.n_frames, "video_codec": info.video_codec, "audio_codec": info.audio_codec,
            "samplerate": info.samplerate, "channels": info.channels, "origin_s": info.origin,
            "rotation": info.rotation}


def _refuse_existing_clip(out_root: Path, key: ClipKey, video: Path, *, overlay: bool) -> None:
    """Raise an :class:`OutputPathError` when ``out_root`` already holds files this extraction would replace."""
    modalities = ("keypoints", "transcript", "audio") + (("keypoints_video",) if overlay else ())
    existing = [str(target) for target in (modality_path(out_root, m, key) for m in modalities)
                if target.exists() and not is_same_file(target, video)]
    if existing:
        raise OutputPathError(f"out {out_root}: clip {key.clip_id} is already there ({', '.join(existing)}); expected "
                              f"a clip not extracted yet, or --overwrite (overwrite=True) to replace it", name="out")


def extract_video(video: str | Path, out_root: str | Path, *, clip_id: str | None = None,
                  asr_engine: str = "faster-whisper", asr_model: Any = None, language: str | None = "en",
                  face: bool = False, hands: bool = False, overlay: bool = False, sync: bool = True,
                  sync_tolerance_s: float = DEFAULT_TOLERANCE_S, pose_model: str | Path | None = None,
                  face_model: str | Path | None = None, hand_model: str | Path | None = None,
                  copy_video: bool = True, allow_download: bool = True, word_timing: str = "refined",
                  overwrite: bool = True, progress: bool = True) -> dict:
    """Extract one clip from ``video`` into the Allo-AVA layout under ``out_root``.

    Parameters
    ----------
    video
        Any container FFmpeg reads; named ``<category>_<id>`` to keep that id.
    out_root
        Corpus folder to write into (created if needed).
    clip_id
        Clip id to write under (default: from the file name, else derived).
    asr_engine, asr_model, language
        Passed to :func:`~.asr.transcribe`.
    face, hands
        Also track and store face (478 points, blendshapes, matrices) and hands.
    overlay
        Write a skeleton-overlay video to ``keypoints_video/``.
    sync
        Estimate the audio-video offset (runs the face landmarker even when
        ``face`` is False; the face data are then not stored).
    sync_tolerance_s
        Offsets beyond this are flagged.
    pose_model, face_model, hand_model
        Explicit MediaPipe ``.task`` files.
    copy_video
        Copy the source into ``video/`` (skipped when it is already there).
    allow_download
        Whether models may be downloaded when no offline copy is found.
    word_timing
        ``"refined"`` (default: word times checked against the audio, see
        :mod:`.word_timing`) or ``"raw"`` (as the ASR engine gave them);
        recorded in the transcript's metadata (``word_timing``).
    overwrite
        Replace the clip's files when ``out_root`` already holds them; False
        refuses before any work (an :class:`~alloava_analysis.errors.OutputPathError`),
        so a transcript corrected by hand is never lost.
    progress
        Show progress bars on stderr.

    Returns
    -------
    dict
        ``clip_id, frames, words, duration_s, paths`` (the CLI's JSON
        contract) plus ``skipped`` (``{clip_id, modality, reason}``), ``sync``,
        ``frames_without_person``, ``frames_skipped``, ``models``, ``media``,
        ``shot_cuts`` (camera cuts found in the frames: ``method, times_s, ...``),
        ``seconds`` (per stage) and ``clip_id_derived``.

    Raises
    ------
    MissingModalityError
        ``video`` does not exist.
    ExtractionError
        The container is unreadable, or holds neither audio nor video.
    """
    check_option("asr_engine", asr_engine, ASR_ENGINES)
    check_option("word_timing", word_timing, WORD_TIMINGS)
    _check_language("language", language, engine=asr_engine)
    check_nonnegative("sync_tolerance_s", sync_tolerance_s)
    started = time.perf_counter()
    video, out_root = Path(video), check_corpus_output(out_root, sources=(video,))
    info = probe_media(video)
    if not info.has_video and not info.has_audio:
        raise ExtractionError(f"{video}: expected an audio or a video stream, got neither")
    key, derived = clip_key_for(video, clip_id)
    if not overwrite:
        _refuse_existing_clip(out_root, key, video, overlay=overlay)
    seconds: dict[str, float] = {}
    skipped: list[dict] = []
    models: dict[str, dict] = {}
    log.info("extracting %s as %s", video, key.clip_id)

    # ---- audio and transcript (audio clock)
    tracks: dict[str, np.ndarray] = {}
    words = segments = None
    transcript_meta: dict = {}
    if info.has_audio:
        t0 = time.perf_counter()
        tracks = decode_audio_tracks(video, {"allo_ava": ALLO_AVA_AUDIO, "asr": ASR_AUDIO}, info=info)
        seconds["audio"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        words, segments, transcript_meta = transcribe(tracks["asr"][:, 0], engine=asr_engine, model=asr_model,
                                                      language=language, samplerate=ASR_AUDIO[0],
                                                      allow_download=allow_download, word_timing=word_timing,
                                                      progress=progress)
        seconds["asr"] = time.perf_counter() - t0
        models["asr"] = {k: v for k, v in transcript_meta.items() if k.startswith(("engine", "model"))}
        if words.empty:
            skipped.append({"modality": "transcript",
                            "reason": "the ASR recognised no words (silence or no speech in the audio)"})
            words = segments = None
    else:
        reason = f"no audio stream in {video.name} (only {info.video_codec} video)"
        skipped += [{"modality": "audio", "reason": reason}, {"modality": "transcript", "reason": reason}]

    # ---- keypoints (video clock)
    kp = None
    if info.has_video:
        t0 = time.perf_counter()
        kp = extract_keypoints(video, pose=True, face=face or (sync and info.has_audio), hands=hands,
                               pose_model=pose_model, face_model=face_model, hand_model=hand_model,
                               allow_download=allow_download, info=info, progress=progress)
        seconds["keypoints"] = time.perf_counter() - t0
        models.update(kp.models)
        if kp.frames == 0:
            skipped.append({"modality": "keypoints", "reason": f"no decodable frames in {video.name}"})
            kp = None
        elif kp.frames_without_person == kp.frames:
            warnings.warn(f"{video}: no person found in any of {kp.frames} frames; keypoints are all NaN",
                          stacklevel=2)
    else:
        reason = (f"no video stream in {video.name} (only {info.audio_codec} audio, like yt-dlp's "
                  f"audio-only .f251.webm)")
        skipped += [{"modality": "keypoints", "reason": reason}, {"modality": "keypoints_video", "reason": reason}]

    # ---- alignment and offset check
    frame_text = None
    if kp is not None and words is not None:
        frame_text = words_to_frames(words, kp.times)
    sync_report: dict = {"reliable": False, "flagged": False, "offset_s": None}
    if not sync:
        sync_report["reason"] = "not requested"
    elif kp is None or not tracks:
        sync_report["reason"] = "needs both a video and an audio stream"
    else:
        sync_report = check_av_sync(kp.poses["mediapipe_face_478"], tracks["asr"], ASR_AUDIO[0],
                                    tolerance_s=sync_tolerance_s)

    # ---- write the layout (never onto the input: a source is not overwritten, whatever the paths)
    t0 = time.perf_counter()
    paths: dict[str, str] = {}
    protected = set()
    for modality in ("keypoints", "transcript", "audio", "keypoints_video"):
        target = modality_path(out_root, modality, key)
        if is_same_file(target, video):
            protected.add(modality)
            paths[modality] = str(target)
            skipped.append({"modality": modality, "reason": f"not written: {target} is the input file, and a "
                            f"source is never overwritten (extract into another --out to convert it)"})
    poses = {name: kp.poses[name] for name in JSON_LAYOUTS} if kp is not None and "keypoints" not in protected \
        else {}
    file_meta = {k: v for k, v in transcript_meta.items() if k not in RUN_TIME_KEYS}
    keep_words = "transcript" not in protected
    clip = Clip(key.clip_id, key.category, key.youtube_id, poses=poses, words=words if keep_words else None,
                segments=segments if keep_words else None, frame_text=frame_text,
                metadata={"transcript_meta": to_jsonable(file_meta)})
    with _writing(out_root):
        audio = None if "audio" in protected else tracks.get("allo_ava")
        paths.update({m: str(p) for m, p in write_clip(out_root, clip, audio=audio).items()})
        if kp is not None:
            for ds in kp.poses.values():
                ds.attrs["source"] = _portable(video, out_root)
            stored = ["mediapipe_pose_33"] + (["mediapipe_face_478"] if face else []) + \
                     (["mediapipe_hands_42"] if hands else [])
            for layout in stored:
                paths[layout] = str(write_pose_dataset(extraction_path(out_root, key.clip_id, layout),
                                                       kp.poses[layout]))
        if copy_video:
            if video.suffix.lower() not in MODALITY_EXTENSIONS["video"]:
                skipped.append({"modality": "video", "reason": f"not copied: extension {video.suffix!r} is not "
                                f"one of the layout's {MODALITY_EXTENSIONS['video']}"})
            else:
                fmt = video.suffixes[-2] if len(video.suffixes) > 1 and _FORMAT_SUFFIX.match(video.suffixes[-2]) \
                    else ""
                target = modality_path(out_root, "video", key, ext=fmt + video.suffix.lower())
                if not is_same_file(target, video):  # already there (same path, a link or a hard link)
                    with atomic_path(target) as tmp:
                        shutil.copyfile(video, tmp)
                paths["video"] = str(target)
        seconds["write"] = time.perf_counter() - t0
        if overlay and kp is not None and "keypoints_video" not in protected:
            from .overlay import write_overlay

            t0 = time.perf_counter()
            drawn = {k: v for k, v in kp.poses.items() if k in ("mediapipe_pose_33", "mediapipe_hands_42")}
            paths["keypoints_video"] = str(write_overlay(video, drawn, modality_path(out_root, "keypoints_video",
                                                                                       key), progress=progress))
            seconds["overlay"] = time.perf_counter() - t0
    seconds["total"] = time.perf_counter() - started

    duration = info.duration
    if not math.isfinite(duration):
        ends = [len(tracks["allo_ava"]) / ALLO_AVA_AUDIO[0]] if tracks else []
        ends += [float(kp.times[-1])] if kp is not None else []
        duration = max(ends, default=0.0)
    result = {
        "clip_id": key.clip_id,
        "frames": 0 if kp is None else kp.frames,
        "words": 0 if words is None else len(words),
        "duration_s": round(float(duration), 4),
        "paths": paths,
        "skipped": [{"clip_id": key.clip_id, **s} for s in skipped],
        "sync": sync_report,
        "frames_without_person": 0 if kp is None else kp.frames_without_person,
        "frames_skipped": [] if kp is None else kp.skipped,
        "decode_errors": 0 if kp is None else kp.decode_errors,
        "timestamps_adjusted": 0 if kp is None else kp.timestamps_adjusted,
        "models": models,
        "shot_cuts": None if kp is None else kp.shot_cuts,
        "transcript": {k: transcript_meta.get(k) for k in ("language", "real_time_factor", "words_clipped_to_audio",
                                                            "word_timing")} if transcript_meta else {},
        "media": _media_summary(info),
        "source": str(video),
        "clip_id_derived": derived,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
    }
    result = to_jsonable(result)
    report_path = extraction_path(out_root, key.clip_id)
    result["paths"]["report"] = str(report_path)
    # Files hold what was extracted, never how long it took, so a rerun writes identical bytes.
    # Paths inside the corpus are stored relative to it, so the corpus can move.
    on_disk = {k: v for k, v in result.items() if k not in RUN_TIME_KEYS}
    on_disk["transcript"] = {k: v for k, v in result["transcript"].items() if k not in RUN_TIME_KEYS}
    on_disk["source"] = _portable(video, out_root)
    on_disk["paths"] = {k: _portable(v, out_root) for k, v in result["paths"].items()}
    with _writing(out_root):
        write_report(out_root, key.clip_id, on_disk)
    return result
