"""Body template, hand paths and MediaPipe 33 / OpenPose 18 poses."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import signal

from ..model import make_pose
from ..schema import MEDIAPIPE_POSE_33, mediapipe33_to_openpose18
from .config import SynthConfig
from .latents import modulation
from .streams import CAMERA_STREAM, stream

# --------------------------------------------------------------------------------------------
# body template (units of shoulder width, relative to the shoulder midpoint; x right, y down)
# --------------------------------------------------------------------------------------------
# (x, y, z); z in MediaPipe's convention (smaller = closer to the camera), in shoulder widths.
_TEMPLATE = {
    "nose": (0.0, -0.62, -1.2), "left_eye_inner": (0.05, -0.68, -1.1), "left_eye": (0.09, -0.69, -1.1),
    "left_eye_outer": (0.13, -0.68, -1.1), "right_eye_inner": (-0.05, -0.68, -1.1),
    "right_eye": (-0.09, -0.69, -1.1), "right_eye_outer": (-0.13, -0.68, -1.1),
    "left_ear": (0.21, -0.64, -0.6), "right_ear": (-0.21, -0.64, -0.6),
    "mouth_left": (0.06, -0.53, -1.1), "mouth_right": (-0.06, -0.53, -1.1),
    "left_shoulder": (0.5, 0.0, -0.3), "right_shoulder": (-0.5, 0.0, -0.3),
    "left_elbow": (0.62, 0.6, -0.4), "right_elbow": (-0.62, 0.6, -0.4),
    "left_wrist": (0.34, 0.80, -0.9), "right_wrist": (-0.34, 0.80, -0.9),
    "left_pinky": (0.40, 0.91, -1.0), "right_pinky": (-0.40, 0.91, -1.0),
    "left_index": (0.35, 0.95, -1.05), "right_index": (-0.35, 0.95, -1.05),
    "left_thumb": (0.28, 0.88, -1.0), "right_thumb": (-0.28, 0.88, -1.0),
    "left_hip": (0.34, 1.45, 0.0), "right_hip": (-0.34, 1.45, 0.0),
    "left_knee": (0.36, 2.3, 0.2), "right_knee": (-0.36, 2.3, 0.2),
    "left_ankle": (0.36, 3.1, 0.5), "right_ankle": (-0.36, 3.1, 0.5),
    "left_heel": (0.37, 3.2, 0.55), "right_heel": (-0.37, 3.2, 0.55),
    "left_foot_index": (0.41, 3.26, 0.3), "right_foot_index": (-0.41, 3.26, 0.3),
}
_KP = {name: i for i, name in enumerate(MEDIAPIPE_POSE_33)}
_HEAD = [_KP[n] for n in MEDIAPIPE_POSE_33[:11]]
_HAND_IDX = {"left": [_KP[f"left_{p}"] for p in ("wrist", "pinky", "index", "thumb")],
             "right": [_KP[f"right_{p}"] for p in ("wrist", "pinky", "index", "thumb")]}
_ARM_LENGTH = 0.62  # upper arm and forearm, shoulder widths


# --------------------------------------------------------------------------------------------
# motion and pose
# --------------------------------------------------------------------------------------------
def _ou(n: int, fps: float, tau_s: float, sd: float, rng: np.random.Generator, dims: int = 1) -> np.ndarray:
    """Stationary Ornstein-Uhlenbeck (discrete AR(1)) series of shape (n, dims)."""
    a = math.exp(-1.0 / (tau_s * fps))
    e = rng.standard_normal((n, dims)) * sd
    out = np.empty_like(e)
    out[0] = e[0]
    if n > 1:
        out[1:], _ = signal.lfilter([math.sqrt(1 - a * a)], [1.0, -a], e[1:], axis=0, zi=a * e[:1])
    return out


def planted_hand_speed(frame_time: np.ndarray, windows: pd.DataFrame, grid: np.ndarray, u: np.ndarray,
                       cfg: SynthConfig) -> np.ndarray:
    """Planted hand speed per frame: the window's intensity times the normalised fine modulation.

    Parameters
    ----------
    frame_time
        Frame times in seconds.
    windows
        Window table with the planted ``intensity`` of each window (shoulder widths/s).
    grid, u
        The shared fast process and its time grid in seconds.
    cfg
        Generator settings (``window_s``, ``lag_s``, ``fine_coupling``).

    Returns
    -------
    numpy.ndarray
        Hand speed per frame in shoulder widths/s; its mean over a window's frames is the window's intensity.
    """
    mod = modulation(np.interp(frame_time + cfg.lag_s, grid, u), cfg.fine_coupling)
    win = np.minimum((frame_time // cfg.window_s).astype(np.int64), len(windows) - 1)
    sums = np.bincount(win, weights=mod, minlength=len(windows))
    counts = np.maximum(np.bincount(win, minlength=len(windows)), 1)
    return windows["intensity"].to_numpy()[win] * mod / (sums / counts)[win]


def _hand_path(speed: np.ndarray, rest: np.ndarray, fps: float, rng: np.random.Generator) -> np.ndarray:
    """(n, 2) path in shoulder widths travelled at ``speed`` (shoulder widths/s at each frame).

    The heading turns smoothly with a curvature (per shoulder width travelled, so the path's shape
    does not depend on the speed) made of a random OU part and a steering part that bends it back
    towards ``rest`` in proportion to the distance from it: the hand draws loops around its rest
    position and never reverses abruptly, so its central-difference speed stays close to the
    planted one. The turn per frame is capped at 0.4 rad.
    """
    n = speed.size
    wander = _ou(n, fps, 0.5, 3.0, rng)[:, 0]  # curvature, 1 / shoulder width
    reach, gain = 0.15, 1.5
    theta = float(rng.uniform(0, 2 * np.pi))
    x, y = float(rest[0]), float(rest[1])
    rx, ry = x, y
    # the step from frame f to f+1 integrates the speed over that interval (trapezoid), so the
    # central-difference speed at frame f is a symmetric local average of the planted speed there
    step = (speed + np.append(speed[1:], speed[-1])) / (2 * fps)
    out = np.empty((n, 2))
    for f in range(n):
        out[f, 0], out[f, 1] = x, y
        x += step[f] * math.cos(theta)
        y += step[f] * math.sin(theta)
        dist = math.hypot(rx - x, ry - y)
        off = math.atan2(ry - y, rx - x) - theta
        curvature = wander[f] + gain / reach * min(dist / reach, 3.0) * math.sin(off)
        theta += max(-0.4, min(0.4, curvature * step[f]))
    return out


def _elbow(shoulder: np.ndarray, wrist: np.ndarray, side: float) -> np.ndarray:
    """Elbow between shoulder and wrist, bent outwards (``side`` +1 for the image-right arm)."""
    d = wrist - shoulder
    length = np.linalg.norm(d, axis=1, keepdims=True)
    mid = shoulder + d / 2
    perp = np.column_stack([d[:, 1], -d[:, 0]]) / np.maximum(length, 1e-9)
    perp *= np.sign(perp[:, :1] * side + 1e-12)
    bend = np.sqrt(np.clip(_ARM_LENGTH ** 2 - (length / 2) ** 2, 0.0, None))
    return mid + perp * bend


def _tracking_spans(n_frames: int, fraction: float, span_s: tuple[float, float], fps: float,
                    rng: np.random.Generator) -> np.ndarray:
    """Boolean mask of frames covered by random spans totalling about ``fraction`` of the frames."""
    mask = np.zeros(n_frames, dtype=bool)
    target = int(round(fraction * n_frames))
    min_len = max(1, int(round(span_s[0] * fps)))
    for _ in range(1000):
        need = target - int(mask.sum())
        if need < max(1, min_len // 2):
            break
        length = min(int(round(rng.uniform(*span_s) * fps)), max(need, min_len), n_frames)
        start = int(rng.integers(0, n_frames - length + 1))
        mask[start:start + length] = True
    return mask


def _camera(n: int, cfg: SynthConfig,
            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Camera of one clip: pan (n, 2) in shoulder widths, per-frame zoom (n,), shift (n, 2) in pixels, cut frames.

    The pan is a slow, smooth drift: an Ornstein-Uhlenbeck series (time constant 3 s)
    smoothed with a Gaussian of sd 0.5 s (a camera operator does not shake at the frame
    rate) and scaled to sd ``camera_pan_sw``.
    Cuts arrive at ``cut_rate_per_min`` (Poisson), at least ``cut_min_shot_s`` apart
    and from the clip's ends; each new shot gets its own framing: zoom uniform in
    0.8-1.15 and a shift of up to 12 % of the width and -4..+2 % of the height.
    A cut at frame ``c`` falls between frames ``c - 1`` and ``c``.
    """
    width_px, height_px = cfg.frame_size
    pan = np.zeros((n, 2))
    if cfg.camera_pan_sw > 0:
        from scipy.ndimage import gaussian_filter1d

        pan = gaussian_filter1d(_ou(n, cfg.fps, 3.0, 1.0, rng, 2), 0.5 * cfg.fps, axis=0, mode="nearest")
        pan *= cfg.camera_pan_sw / max(float(pan.std()), 1e-12)
    zoom, shift = np.ones(n), np.zeros((n, 2))
    cuts = np.empty(0, dtype=np.int64)
    duration = n / cfg.fps
    if cfg.cut_rate_per_min > 0 and duration > 2 * cfg.cut_min_shot_s:
        times = np.sort(rng.uniform(cfg.cut_min_shot_s, duration - cfg.cut_min_shot_s,
                                    rng.poisson(cfg.cut_rate_per_min * duration / 60.0)))
        kept: list[float] = []
        for t in times:
            if not kept or t - kept[-1] >= cfg.cut_min_shot_s:
                kept.append(float(t))
        cuts = np.unique(np.round(np.asarray(kept) * cfg.fps).astype(np.int64))
        for c in cuts:
            zoom[c:] = rng.uniform(0.8, 1.15)
            shift[c:] = (rng.uniform(-0.12, 0.12) * width_px, rng.uniform(-0.04, 0.02) * height_px)
    return pan, zoom, shift, cuts


def synthesize_pose(frame_time: np.ndarray, hand_speed: np.ndarray, speaker: dict, cfg: SynthConfig,
                    rng: np.random.Generator, extractor: dict) -> tuple[dict, dict]:
    """MediaPipe 33 and OpenPose 18 poses, and the realised dropout / low-confidence fractions.

    Parameters
    ----------
    frame_time
        Frame times in seconds.
    hand_speed
        Planted hand speed per frame (shoulder widths/s, relative to the torso).
    speaker
        Speaker record (``dropout_fraction``, ``low_conf_fraction``).
    cfg
        Generator settings.
    rng
        Generator of the body, hand paths, noise and tracking failures.
    extractor
        ``extractor`` attrs of the poses; its ``seed`` and ``clip_index`` select the camera's own stream.

    Returns
    -------
    poses : dict
        ``{"mediapipe_pose_33": Dataset, "openpose_body_18": Dataset}``.
    tracking : dict
        Realised ``dropout`` and ``low_conf`` fractions, ``shoulder_width_px``
        and ``shot_cuts_s`` (seconds).
    """
    n = frame_time.size
    width_px, height_px = cfg.frame_size
    sw = float(rng.uniform(*cfg.shoulder_width)) * width_px  # shoulder width in pixels
    centre = np.array([width_px / 2 + rng.uniform(-0.05, 0.05) * width_px, rng.uniform(0.36, 0.40) * height_px])
    template = np.array([_TEMPLATE[name] for name in MEDIAPIPE_POSE_33])  # (33, 3) shoulder widths

    body = np.repeat(template[None, :, :2], n, axis=0)  # (n, 33, 2)
    sway = _ou(n, cfg.fps, 2.0, 0.015, rng, 2)  # sway of the whole body; the hands move with it
    body += sway[:, None, :]
    body[:, _HEAD] += _ou(n, cfg.fps, 1.0, 0.03, rng, 2)[:, None, :]  # head motion
    for side, sign in (("left", 1.0), ("right", -1.0)):
        idx = _HAND_IDX[side]
        # the planted path is relative to the torso: body-relative hand speed is the planted speed
        wrist = _hand_path(hand_speed, template[idx[0], :2], cfg.fps, rng) + sway
        body[:, idx] = wrist[:, None, :] + (template[idx, :2] - template[idx[0], :2])[None]
        body[:, _KP[f"{side}_elbow"]] = _elbow(body[:, _KP[f"{side}_shoulder"]], wrist, sign)

    # the camera (pan, cuts with a new zoom and framing) and MediaPipe's noisy relative depth come from
    # their own random stream, so switching them on leaves every other draw unchanged
    cam_rng = stream(int(extractor.get("seed", 0)), CAMERA_STREAM, int(extractor.get("clip_index", 0)))
    z_noise = cam_rng.standard_normal((n, 33)) * cfg.z_noise_sw
    pan, zoom, shift, cuts = _camera(n, cfg, cam_rng)
    scale = sw * zoom[:, None]  # shoulder width in pixels, per frame
    pos = np.empty((n, 3, 33))
    pos[:, 0] = (centre[0] + shift[:, :1] + sw * pan[:, :1] + scale * body[..., 0]) / width_px
    pos[:, 1] = (centre[1] + shift[:, 1:] + sw * pan[:, 1:] + scale * body[..., 1]) / height_px
    pos[:, 2] = (template[None, :, 2] + z_noise) * scale / width_px
    noise_scale = np.array([1.0 / width_px, 1.0 / height_px, 1.0 / width_px])[None, :, None]
    pos += rng.standard_normal(pos.shape) * cfg.tracking_noise_px * noise_scale

    conf = np.clip(0.95 + rng.normal(0, 0.02, (n, 33)), 0.85, 0.99)
    below = np.flatnonzero(template[:, 1] > 1.2)  # hips and legs: out of (or at the edge of) the frame
    conf[:, below] = rng.uniform(0.02, 0.15, (n, below.size))

    fractions = {"dropout": 0.0, "low_conf": 0.0}
    for side in ("left", "right"):
        idx = _HAND_IDX[side]
        low = _tracking_spans(n, speaker["low_conf_fraction"], cfg.low_conf_span_s, cfg.fps, rng)
        lost = _tracking_spans(n, speaker["dropout_fraction"], cfg.dropout_span_s, cfg.fps, rng)
        low &= ~lost
        sub = np.ix_(low, [0, 1, 2], idx)
        pos[sub] += rng.standard_normal(pos[sub].shape) * cfg.low_conf_noise_px * noise_scale
        conf[np.ix_(low, idx)] = rng.uniform(0.1, 0.4, (int(low.sum()), len(idx)))
        pos[np.ix_(lost, [0, 1, 2], idx)] = np.nan
        conf[np.ix_(lost, idx)] = 0.0
        fractions["dropout"] += lost.mean() / 2
        fractions["low_conf"] += low.mean() / 2

    common = dict(time=frame_time, fps=cfg.fps, extractor=extractor, coords="normalized",
                  frame_size=(width_px, height_px))
    poses = {"mediapipe_pose_33": make_pose(pos, layout="mediapipe_pose_33", confidence=conf, **common)}
    op_pos, op_conf = mediapipe33_to_openpose18(pos[:, :2], conf)
    poses["openpose_body_18"] = make_pose(op_pos, layout="openpose_body_18", confidence=op_conf, **common)
    cut_times = [round(float((frame_time[c - 1] + frame_time[c]) / 2), 6) for c in cuts]
    return poses, {k: float(v) for k, v in fractions.items()} | {"shoulder_width_px": sw, "shot_cuts_s": cut_times}
