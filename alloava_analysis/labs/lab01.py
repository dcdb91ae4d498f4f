"""Lab 01 — loading and plotting a clip: frames, speech rate, wrist speed and a labelled figure."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..model import POSITION_DIMS
from ._common import lab_clip
from .feedback import Feedback, answer_of, as_number, near

KEYPOINT = POSITION_DIMS[2]


def expected_wrist_speed(clip, keypoint: str = "right_wrist") -> dict[str, float]:
    """Mean speed of one keypoint in pixels per second, and the usual wrong versions of it (for feedback).

    Parameters
    ----------
    clip
        A loaded clip; its first individual's pose is used (normalised
        coordinates, scaled by the ``frame_width``/``frame_height`` attrs).
    keypoint
        A keypoint name of the pose's layout.

    Returns
    -------
    dict
        ``px_per_s`` (the answer), ``px_per_frame`` and ``normalised_per_s``
        (normalised image units per second): means over steps, missing frames ignored.
    """
    pose = clip.pose.isel({POSITION_DIMS[3]: 0})
    xy = pose["position"].sel({KEYPOINT: keypoint, "space": ["x", "y"]}).values.astype(float)
    t = pose["time"].values.astype(float)
    scale = np.array([pose.attrs.get("frame_width") or 1, pose.attrs.get("frame_height") or 1], dtype=float)
    step = np.diff(xy, axis=0)
    dt = np.diff(t)
    px = np.linalg.norm(step * scale, axis=1)
    return {"px_per_s": float(np.nanmean(px / dt)), "px_per_frame": float(np.nanmean(px)),
            "normalised_per_s": float(np.nanmean(np.linalg.norm(step, axis=1) / dt))}


def check_q1(env: dict[str, Any]) -> None:
    """q1: the number of video frames in the clip's pose.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q1``, ``corpus_dir`` (empty: the embedded sample) and
        ``clip_number`` (default 0).

    Raises
    ------
    Feedback
        When the answer is missing or wrong: what is wrong and a hint.
    """
    clip = lab_clip(env)
    value = as_number(answer_of(env, "answer_q1", example="clip.pose.sizes['time']"), "answer_q1")
    frames = clip.pose.sizes["time"]
    if value == frames:
        return
    if value == clip.pose.sizes[KEYPOINT]:
        raise Feedback(f"{value:g} is the number of keypoints per frame, not the number of frames.",
                       "frames run along the 'time' dimension: clip.pose.sizes['time']")
    if clip.words is not None and value == len(clip.words):
        raise Feedback(f"{value:g} is the number of words in the transcript.", "count the pose's time steps instead")
    if value == clip.pose["position"].size:
        raise Feedback(f"{value:g} counts every value of the position array (time x space x keypoints).",
                       "you want the length of one dimension only: clip.pose.sizes['time']")
    raise Feedback(f"{value:g} is not the number of pose frames.", "look at clip.pose.sizes")


def check_q2(env: dict[str, Any]) -> None:
    """q2: the clip's speech rate in words per minute.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q2``, ``corpus_dir`` (empty: the embedded sample) and
        ``clip_number`` (default 0).

    Raises
    ------
    Feedback
        When the answer is missing or wrong: what is wrong and a hint.
    """
    clip = lab_clip(env)
    value = as_number(answer_of(env, "answer_q2", example="len(clip.words) / minutes"), "answer_q2")
    minutes = (clip.audio.duration if clip.audio is not None else float(clip.pose["time"][-1])) / 60
    wpm = len(clip.words) / minutes
    if near(value, wpm, rel=0.03):
        return
    if near(value, wpm / 60, rel=0.03):
        raise Feedback(f"{value:.3g} looks like words per second.", "the question asks for words per minute: x 60")
    if near(value, len(clip.words) / clip.pose.sizes["time"], rel=0.05):
        raise Feedback(f"{value:.3g} divides by the number of frames.", "divide by the duration in minutes "
                       "(clip.audio.duration is in seconds)")
    if near(value, len(clip.words), rel=0.001):
        raise Feedback(f"{value:g} is the number of words.", "divide it by the clip's duration in minutes")
    segments = clip.words["segment"].nunique()
    if near(value, segments / minutes, rel=0.03):
        raise Feedback(f"{value:.3g} counts segments (sentences) per minute, not words.",
                       "count the rows of clip.words")
    raise Feedback(f"{value:.4g} words/min is not the clip's speech rate (expected a value within 3 % of the "
                   "number of words divided by the duration).", "words: len(clip.words); duration: "
                   "clip.audio.duration seconds")


def check_q3(env: dict[str, Any]) -> None:
    """q3: mean speed of the right wrist in pixels per second, missing frames ignored.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q3``, ``corpus_dir`` (empty: the embedded sample) and
        ``clip_number`` (default 0).

    Raises
    ------
    Feedback
        When the answer is missing or wrong: what is wrong and a hint.
    """
    clip = lab_clip(env)
    value = as_number(answer_of(env, "answer_q3", example="np.nanmean(speed_px_per_s)"), "answer_q3")
    speeds = expected_wrist_speed(clip)
    if near(value, speeds["px_per_s"], rel=0.05):
        return
    if near(value, speeds["normalised_per_s"], rel=0.05):
        raise Feedback(f"{value:.3g} is in normalised image units (0-1) per second.",
                       "multiply x by the frame width and y by the frame height (clip.pose.attrs['frame_width'], "
                       "['frame_height']) before taking differences")
    if near(value, speeds["px_per_frame"], rel=0.05):
        raise Feedback(f"{value:.3g} is pixels per frame.", "divide each step by the time between frames "
                       "(np.diff(clip.pose['time'])) to get pixels per second")
    if near(value, speeds["px_per_s"] / np.sqrt(2), rel=0.25) or value < speeds["px_per_s"] * 0.6:
        raise Feedback(f"{value:.3g} px/s is too small; did you use one coordinate only?",
                       "speed is the length of the 2-D step: np.hypot(dx, dy) / dt")
    raise Feedback(f"{value:.4g} px/s is not the right wrist's mean speed (expected within 5 %).",
                   "speed per step = hypot(dx_px, dy_px) / dt; then np.nanmean over steps")


def check_q4(env: dict[str, Any]) -> None:
    """q4: a figure of the right wrist's vertical position (px) against time (s) over the first 10 s.

    Parameters
    ----------
    env
        The notebook's variables: ``fig_q4`` (a matplotlib Figure).

    Raises
    ------
    Feedback
        When the answer is missing or wrong: what is wrong and a hint.
    """
    fig = answer_of(env, "fig_q4", example="fig (a matplotlib Figure)")
    if not hasattr(fig, "axes") or not hasattr(fig, "savefig"):
        raise Feedback(f"fig_q4 is a {type(fig).__name__}, not a matplotlib Figure.",
                       "fig, ax = plt.subplots(); ...; fig_q4 = fig")
    lines = [(ax, line) for ax in fig.axes for line in ax.get_lines() if len(line.get_xdata()) > 2]
    if not lines:
        raise Feedback("fig_q4 has no line with data.", "draw it with ax.plot(time, y)")
    ax, line = lines[0]
    x = np.asarray(line.get_xdata(), dtype=float)
    y = np.asarray(line.get_ydata(), dtype=float)
    if np.nanmax(x) > 10.5 or np.nanmin(x) < -0.5:
        raise Feedback(f"the line spans {np.nanmin(x):.1f} to {np.nanmax(x):.1f} on the x axis.",
                       "plot the first 10 s only: select times with clip.pose.sel(time=slice(0, 10))")
    if np.nanmax(np.abs(y)) <= 1.5:
        raise Feedback("the y values are between 0 and 1: normalised units, not pixels.",
                       "multiply y by clip.pose.attrs['frame_height']")
    for what, label in (("x", ax.get_xlabel()), ("y", ax.get_ylabel())):
        if not label:
            raise Feedback(f"the {what} axis has no label.", f"ax.set_{what}label('... (unit)')")
        if "(" not in label and "[" not in label:
            raise Feedback(f"the {what} axis label {label!r} has no unit.",
                           "put the unit in brackets: 'time (s)', 'wrist height (px)'")
    if "s" not in ax.get_xlabel().split("(")[-1] and "s" not in ax.get_xlabel().split("[")[-1]:
        raise Feedback(f"the x unit in {ax.get_xlabel()!r} is not seconds.", "time is in seconds: 'time (s)'")
    if not ax.yaxis_inverted():
        raise Feedback("image y grows downwards, so on this plot a raised hand goes down.",
                       "ax.invert_yaxis() makes 'up' mean up")


CHECKS = {"q1": check_q1, "q2": check_q2, "q3": check_q3, "q4": check_q4}
