"""Skeleton-overlay video (Allo-AVA's ``keypoints_video/``): the source frames with the tracked pose drawn on.

Frames keep their presentation times, so the overlay plays in step with the
source even at a variable frame rate. Drawing uses PIL on the decoded frames;
the bones are those of :data:`alloava_analysis.schema.POSE_BONES` and
:data:`~alloava_analysis.schema.HAND_BONES` (the plots draw the same skeleton).
"""
from __future__ import annotations

import logging
from fractions import Fraction
from pathlib import Path

import numpy as np
import xarray as xr

from ..checks import check_range
from ..errors import SchemaError
from ..io.atomic import atomic_path
from ..model import validate_pose
from ..schema import HAND_BONES, MEDIAPIPE_HAND_21, POSE_BONES
from .media import VideoFrames, probe_media

log = logging.getLogger(__name__)

_TIME_BASE = Fraction(1, 1000)


def _segments(ds: xr.Dataset, bones: tuple[tuple[str, str], ...], threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Per frame: bone endpoints (time, bone, 2 ends, xy) in pixels, NaN where a point is missing or unsure."""
    ds = validate_pose(ds)
    names = ds["keypoint"].values.tolist()
    pos = ds["position"].isel(individual=0).sel(space=["x", "y"]).values.astype(np.float64)  # (t, 2, kp)
    conf = ds["confidence"].isel(individual=0).values
    if ds.attrs.get("coords") == "normalized":
        pos = pos * np.array([ds.attrs.get("frame_width") or 1, ds.attrs.get("frame_height") or 1],
                             float)[None, :, None]
    pos = np.where((conf >= threshold)[:, None, :], pos, np.nan)
    pairs = [(names.index(a), names.index(b)) for a, b in bones if a in names and b in names]
    ends = np.stack([np.stack([pos[:, :, a], pos[:, :, b]], axis=1) for a, b in pairs], axis=1)
    return ends, pos.transpose(0, 2, 1)


def write_overlay(video: str | Path, poses: dict[str, xr.Dataset], out_path: str | Path, *,
                  confidence_threshold: float = 0.5, progress: bool = True) -> Path:
    """Write ``video`` with the skeletons of ``poses`` drawn on it as H.264 MP4.

    Parameters
    ----------
    video
        The source video.
    poses
        Layout -> pose dataset on the source's frame times (as from
        :func:`~.keypoints.extract_keypoints`); pose 33 and hands are drawn.
    out_path
        Target file, written atomically.
    confidence_threshold
        Points below this confidence (0 to 1) are not drawn.
    progress
        Show a progress bar on stderr.

    Returns
    -------
    pathlib.Path
        ``out_path``.
    """
    check_range("confidence_threshold", confidence_threshold, 0.0, 1.0)
    import av
    from PIL import Image, ImageDraw
    from tqdm.auto import tqdm

    info = probe_media(video)
    layers = []
    if "mediapipe_pose_33" in poses:
        layers.append((_segments(poses["mediapipe_pose_33"], POSE_BONES, confidence_threshold),
                       (0, 255, 0), poses["mediapipe_pose_33"]["time"].values))
    if "mediapipe_hands_42" in poses:
        hand = poses["mediapipe_hands_42"]
        bones = tuple((f"{side}_hand_{MEDIAPIPE_HAND_21[a]}", f"{side}_hand_{MEDIAPIPE_HAND_21[b]}")
                      for side in ("left", "right") for a, b in HAND_BONES)
        layers.append((_segments(hand, bones, confidence_threshold), (255, 160, 0), hand["time"].values))
    if not layers:
        raise SchemaError(f"expected a mediapipe_pose_33 or mediapipe_hands_42 pose to draw, got {sorted(poses)}")
    frames = VideoFrames(video, info=info)
    with atomic_path(out_path) as tmp, av.open(str(tmp), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=round(info.fps) if np.isfinite(info.fps) else 25)
        stream.width, stream.height = info.width - info.width % 2, info.height - info.height % 2
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = _TIME_BASE
        stream.options = {"crf": "23", "preset": "veryfast"}
        last_pts = -1
        for frame in tqdm(frames, total=info.n_frames or None, unit="frame", desc="overlay",
                          disable=not progress, leave=False):
            image = Image.fromarray(frame.image)
            draw = ImageDraw.Draw(image)
            radius = max(2, info.width // 160)
            for (ends, points), colour, times in layers:
                i = int(np.searchsorted(times, frame.time))
                if i >= len(times) or abs(times[i] - frame.time) > 1e-6:
                    continue  # frame the tracker did not see (skipped while decoding)
                for (x0, y0), (x1, y1) in ends[i]:
                    if np.isfinite([x0, y0, x1, y1]).all():
                        draw.line([(x0, y0), (x1, y1)], fill=colour, width=max(2, info.width // 200))
                for x, y in points[i]:
                    if np.isfinite(x) and np.isfinite(y):
                        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=(255, 0, 0))
            picture = np.asarray(image)[: stream.height, : stream.width]
            out_frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="rgb24")
            pts = max(int(round(frame.time / _TIME_BASE)), last_pts + 1)
            out_frame.pts, out_frame.time_base, last_pts = pts, _TIME_BASE, pts
            out.mux(stream.encode(out_frame))
        out.mux(stream.encode(None))
    log.info("wrote skeleton overlay %s", out_path)
    return Path(out_path)
