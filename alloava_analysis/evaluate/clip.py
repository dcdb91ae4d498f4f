"""One clip measured for the evaluation of generated motion: windows, speeds, beats, head and blinks.

:func:`measure_clip` is what :mod:`alloava_analysis.runs.evaluate` maps over
both corpora before comparing them.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from ..checks import check_nonnegative, check_option, check_positive, check_range
from ..errors import AlloAvaError, MissingModalityError, ParameterError, SchemaError
from ..features.motion import CUT_HANDLING, cut_evidence_counts, shot_cut_table
from ..model import Clip
from .beats import audio_onsets, motion_beats
from .distances import motion_statistics
from .face import eye_closure, head_pose
from .features import pose_windows
from .normalize import KEYPOINT_SETS, keypoint_set, normalize_pose, pick_pose

log = logging.getLogger(__name__)

EVALUATION_VERSION = "1"
#: Where the audio of the onsets came from (``audio_source=`` of :func:`measure_clip`).
AUDIO_SOURCES = ("own", "real")


@dataclass
class ClipMeasures:
    """What one clip contributes to the evaluation (arrays on the analysis clock)."""

    clip_id: str
    windows: np.ndarray
    dropped: int
    times: np.ndarray
    speed: np.ndarray
    acceleration: np.ndarray
    jerk: np.ndarray
    beats: np.ndarray
    onsets: np.ndarray | None = None
    audio_source: str | None = None
    head: pd.DataFrame | None = None
    closure: tuple[np.ndarray, np.ndarray, str] | None = None
    notes: list[str] = field(default_factory=list)


def _onsets_of(audio) -> np.ndarray | None:
    try:
        return audio_onsets(audio)
    except (ValueError, AlloAvaError) as err:
        log.warning("no audio onsets: %s", err)
        return None


def measure_clip(clip: Clip, *, face: xr.Dataset | None = None, audio: Any = None, audio_source: str = "own",
                 rate_hz: float = 30.0, window_s: float = 2.0, hop_s: float | None = None,
                 confidence_threshold: float = 0.5, max_gap_s: float = 0.5,
                 cut_handling: str = "exclude", keypoints: str = "upper_body") -> ClipMeasures:
    """Normalise, window and measure one clip.

    Parameters
    ----------
    clip
        A loaded clip (its MediaPipe 33 pose, else OpenPose 18, is used).
    face
        The clip's face dataset (blendshapes, transformation matrices), if any.
    audio
        Audio for the onsets (default: the clip's own); ``audio_source`` says where it came from.
    audio_source
        ``"own"`` or ``"real"`` (the real clip's speech, for generated motion
        without audio); recorded with the measures when ``audio`` is given.
    rate_hz
        Analysis frame rate in Hz that each shot is resampled to
        (:func:`~.normalize.normalize_pose`).
    window_s, hop_s
        Window length and step in seconds (:func:`~.features.pose_windows`;
        ``hop_s`` None: adjacent windows); a window holds at least 3 frames at
        ``rate_hz``.
    confidence_threshold, max_gap_s
        Points below this confidence (0 to 1) are missing; gaps up to
        ``max_gap_s`` seconds are interpolated.
    keypoints
        The keypoint set (:data:`~.normalize.KEYPOINT_SETS`): ``"upper_body"``
        or ``"head"`` (head and shoulders, for videos framed without arms).
    cut_handling
        ``"exclude"``: camera cuts (recorded at extraction, else found from
        pose jumps, :func:`~alloava_analysis.features.motion.shot_cuts`) split
        the clip into shots that are normalised and measured separately, so no
        window, speed or beat spans a cut; ``"ignore"``: one shot.

    Returns
    -------
    ClipMeasures
        The windows; per-frame times, speed, acceleration and jerk (shoulder
        widths per second, squared, cubed); the kinematic beats; the onsets
        when there is audio, head pose and eye closure when ``face`` is given;
        ``notes`` on skipped shots and camera cuts.

    Raises
    ------
    ParameterError
        An option is out of range or not one of its choices.
    MissingModalityError
        The clip has no usable pose layout.
    SchemaError
        No shot could be normalised: too few frames, or the shoulders are never visible.
    """
    check_option("audio_source", audio_source, AUDIO_SOURCES)
    check_positive("rate_hz", rate_hz)
    check_positive("window_s", window_s)
    check_positive("hop_s", hop_s, allow_none=True)
    check_range("confidence_threshold", confidence_threshold, 0.0, 1.0)
    check_nonnegative("max_gap_s", max_gap_s)
    check_option("cut_handling", cut_handling, CUT_HANDLING)
    check_option("keypoints", keypoints, tuple(KEYPOINT_SETS))
    if int(round(window_s * rate_hz)) < 3:
        raise ParameterError(f"invalid value for window_s: expected windows of at least 3 frames, got "
                             f"window_s={window_s} at rate_hz={rate_hz}", name="window_s")
    pose = pick_pose(clip.poses)
    if pose is None:
        raise MissingModalityError(f"clip {clip.clip_id!r}: expected a mediapipe_pose_33 or openpose_body_18 "
                                   f"pose, got {sorted(clip.poses) or 'no keypoints'}")
    cut_table = shot_cut_table(pose, metadata=clip.metadata) if cut_handling == "exclude" else None
    cuts = np.empty(0) if cut_table is None else cut_table["time"].to_numpy(dtype=float)
    t_all = pose["time"].values
    edges = np.concatenate([[-np.inf], np.sort(cuts), [np.inf]])
    parts, notes, errors = [], [], []
    for a, b in zip(edges[:-1], edges[1:]):  # each shot on its own: its own body size, no motion across a cut
        sel = np.flatnonzero((t_all > a) & (t_all < b))
        if sel.size < 3:
            continue
        try:
            norm = normalize_pose(pose.isel(time=sel), rate_hz=rate_hz, confidence_threshold=confidence_threshold,
                                  max_gap_s=max_gap_s, keypoints=keypoint_set(keypoints))
        except ParameterError:
            raise
        except ValueError as err:  # this shot's data (e.g. shoulders never visible): skip the shot
            errors.append(str(err))
            continue
        if norm.sizes["time"] < 3:
            continue
        windows, _, dropped = pose_windows(norm, window_s=window_s, hop_s=hop_s)
        stats = motion_statistics(norm)
        t = norm["time"].values
        parts.append((windows, dropped, t, stats, motion_beats(stats["speed"], t)))
    if not parts:
        raise SchemaError(f"clip {clip.clip_id!r}: expected a shot that can be normalised, got none"
                          + (f" ({errors[0]})" if errors else " (too few frames)"))
    if errors:
        notes.append(f"{len(errors)} shot(s) skipped: {errors[0]}")
    if cuts.size:
        found = ", ".join(f"{k} {v}" for k, v in cut_evidence_counts(cut_table["evidence"]).items())
        notes.append(f"{cuts.size} camera cut(s) ({cut_table.attrs['source']}; found by {found}): shots measured "
                     f"separately")

    def cat(i: int, key: str | None = None) -> np.ndarray:
        return np.concatenate([(p[i][key] if key else p[i]) for p in parts])

    m = ClipMeasures(clip.clip_id, cat(0), int(sum(p[1] for p in parts)), cat(2), cat(3, "speed"),
                     cat(3, "acceleration"), cat(3, "jerk"), cat(4), notes=notes)
    source = audio if audio is not None else clip.audio
    if source is not None:
        m.onsets = _onsets_of(source)
        m.audio_source = audio_source if audio is not None else "own"
    if face is not None and face.sizes.get("time", 0) >= 2:
        if "transformation_matrix" in face:
            m.head = head_pose(face)
        closure, method = eye_closure(face)
        m.closure = (face["time"].values, closure, method)
    return m

