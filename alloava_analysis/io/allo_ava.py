"""Read and write one clip in the released Allo-AVA layout.

``write_clip`` produces exactly the layout ``load_clip`` reads, so synthetic and
freshly extracted corpora load like the released one.
"""
from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np

from ..checks import check_int, check_options
from ..errors import MissingModalityError
from ..model import Clip
from .atomic import atomic_path
from .audio import ALLO_AVA_RATE, open_audio, write_wav
from .keypoints_json import WRITE_KEYS, read_keypoints, write_keypoints
from .layout import MODALITY_DIRS, make_key, modality_path, parse_key, scan_layout
from .transcript import read_transcript, write_transcript


def write_clip(root: str | Path, clip: Clip, *, audio: np.ndarray | None = None,
               samplerate: int = ALLO_AVA_RATE) -> dict[str, Path]:
    """Write ``clip`` under ``root``: keypoint JSON, transcript JSON and WAV audio.

    Parameters
    ----------
    root
        The corpus folder (``root/keypoints/``, ``root/transcript/``, ``root/audio/``).
    clip
        The clip; only its MediaPipe 33 and OpenPose 18 poses fit the keypoint JSON (others are left out with
        a warning).
    audio
        Samples to write as 16-bit PCM; when omitted and ``clip.audio`` points at
        a file elsewhere, that file is copied.
    samplerate
        Sample rate of ``audio`` in Hz (Allo-AVA audio is 48 kHz).

    Returns
    -------
    dict
        The written files by modality (``keypoints``, ``transcript``, ``audio``; only those written).
    """
    check_int("samplerate", samplerate, minimum=1)
    key = make_key(clip.category, clip.youtube_id)
    written: dict[str, Path] = {}
    poses = {name: ds for name, ds in clip.poses.items() if name in WRITE_KEYS}
    dropped = sorted(set(clip.poses) - set(poses))
    if dropped:
        warnings.warn(f"{clip.clip_id}: keypoint JSON holds only {sorted(WRITE_KEYS)}; not writing {dropped} "
                      f"(store them with the extraction outputs instead)", stacklevel=2)
    if poses:
        written["keypoints"] = write_keypoints(modality_path(root, "keypoints", key), poses,
                                               frame_text=clip.frame_text)
    if clip.words is not None:
        written["transcript"] = write_transcript(modality_path(root, "transcript", key), clip.words,
                                                 segments=clip.segments,
                                                 meta=clip.metadata.get("transcript_meta"))
    target = modality_path(root, "audio", key)
    if audio is not None:
        written["audio"] = write_wav(target, audio, samplerate)
    elif clip.audio is not None and Path(clip.audio.path).resolve() != target.resolve():
        with atomic_path(target) as tmp:
            shutil.copyfile(clip.audio.path, tmp)
        written["audio"] = target
    return written


def clip_files(root: str | Path, clip_id: str) -> dict[str, str | None]:
    """Paths of every modality of ``clip_id`` under ``root`` (None where absent).

    Parameters
    ----------
    root
        The corpus folder.
    clip_id
        ``<category>_<YouTube id>`` (a file name of the clip is accepted too).

    Returns
    -------
    dict
        The clip's row of :func:`scan_layout`: ``clip_id``, ``category``, ``youtube_id`` and a path per modality.
    """
    key = parse_key(clip_id)
    table, _ = scan_layout(root)
    rows = table[table["clip_id"] == key.clip_id]
    if rows.empty:
        raise MissingModalityError(f"{root}: no file of clip {key.clip_id!r} in any modality folder")
    return rows.iloc[0].to_dict()


def load_clip(root: str | Path, clip_id: str, *, files: dict | None = None, expected_rate: int | None = None,
              require: tuple[str, ...] = ()) -> Clip:
    """Load one clip: poses of every layout in its keypoint JSON, words, segments and lazy audio.

    Parameters
    ----------
    root
        The corpus folder.
    clip_id
        ``<category>_<YouTube id>``.
    files
        A row of :func:`scan_layout` (avoids rescanning the folders).
    expected_rate
        Audio sample rate to insist on (Allo-AVA audio is 48 kHz).
    require
        Modalities that must be present (raises :class:`MissingModalityError`).

    Returns
    -------
    Clip
        Poses by layout, words, segments, per-frame text and audio (those present); ``metadata`` holds the
        ``schema_variant``, the transcript's top-level fields and the file of each modality.
    """
    check_int("expected_rate", expected_rate, minimum=1, allow_none=True)
    check_options("require", require, MODALITY_DIRS)
    files = files if files is not None else clip_files(root, clip_id)
    missing = [m for m in require if not files.get(m)]
    if missing:
        raise MissingModalityError(f"{root}: clip {clip_id!r} has no {', '.join(missing)} file")
    key = parse_key(files["clip_id"])
    clip = Clip(key.clip_id, key.category, key.youtube_id)
    if files.get("keypoints"):
        kp = read_keypoints(files["keypoints"])
        clip.poses, clip.frame_text = kp.poses, kp.frame_text
        clip.metadata["schema_variant"] = kp.schema_variant
    if files.get("transcript"):
        clip.words, clip.segments, clip.metadata["transcript_meta"] = read_transcript(files["transcript"])
    if files.get("audio"):
        clip.audio = open_audio(files["audio"], expected_rate=expected_rate)
    clip.metadata["files"] = {m: files.get(m) for m in ("video", "audio", "transcript", "keypoints",
                                                         "keypoints_video")}
    return clip
