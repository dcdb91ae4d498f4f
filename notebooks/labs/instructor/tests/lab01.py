"""Hidden tests of lab 01 (instructor only: shipped in the autograder, never in the student release).

``reference(settings)`` computes what the answers should be from the data, in the grading process;
``CHECKS[q](env, ref)`` runs the public form check, then compares with the reference and names the usual
mistakes. No message prints an expected number.
"""
from __future__ import annotations

import numpy as np

from alloava_analysis.corpus import Corpus
from alloava_analysis.labs import lab01
from alloava_analysis.labs.feedback import Feedback, as_number, near
from alloava_analysis.sample_data import resolve_corpus_dir


def _mean_speed(xy, t, scale, *, lag=1):
    step = xy[lag:] - xy[:-lag]
    return float(np.nanmean(np.linalg.norm(step * scale, axis=1) / (t[lag:] - t[:-lag])))


def reference(settings):
    corpus = Corpus(resolve_corpus_dir(settings.get("corpus_dir", "")))
    clip = corpus.load(corpus.clip_ids[int(settings.get("clip_number", 0))])
    pose = clip.pose.isel(individual=0)
    xy = pose["position"].sel(keypoint="right_wrist", space=["x", "y"]).values.astype(float)
    t = pose["time"].values.astype(float)
    scale = np.array([pose.attrs["frame_width"], pose.attrs["frame_height"]], dtype=float)
    dt = np.diff(t)
    step = np.diff(xy, axis=0) * scale
    minutes = (clip.audio.duration if clip.audio is not None else float(t[-1])) / 60
    first = t <= 10
    return {
        "frames": int(pose.sizes["time"]), "words": len(clip.words), "segments": int(clip.words["segment"].nunique()),
        "minutes": minutes, "pose_minutes": float(t[-1] - t[0]) / 60,
        "px_per_s": _mean_speed(xy, t, scale), "px_per_frame": float(np.nanmean(np.linalg.norm(step, axis=1))),
        "normalised_per_s": _mean_speed(xy, t, np.ones(2)),
        "x_only": float(np.nanmean(np.abs(step[:, 0]) / dt)), "y_only": float(np.nanmean(np.abs(step[:, 1]) / dt)),
        "two_frame_dt": float(np.nanmean(np.linalg.norm(step, axis=1)[1:] / (t[2:] - t[:-2]))),
        "mean_of_sums": float(np.nanmean(np.abs(step).sum(axis=1) / dt)),
        "first_t": t[first], "first_y_px": xy[first, 1] * scale[1], "first_y_norm": xy[first, 1],
    }


def check_q1(env, ref):
    lab01.check_q1(env)
    value = as_number(env["answer_q1"], "answer_q1")
    frames = ref["frames"]
    if value == frames:
        return
    if value == frames - 1:
        raise Feedback(f"{value:g} is one less than the number of frames: it counts the steps between frames "
                       "(what np.diff gives), not the frames.", "count the frames themselves: "
                       "clip.pose.sizes['time']")
    if value == frames + 1:
        raise Feedback(f"{value:g} is one more than the number of frames (an off-by-one in a range or index?).",
                       "no arithmetic needed: clip.pose.sizes['time']")
    if value == ref["words"]:
        raise Feedback(f"{value:g} is the number of words in the transcript.", "count the pose's time steps instead")
    raise Feedback(f"{value:g} is not the number of pose frames of this clip.",
                   "did you use the clip the notebook loads (clip_number)? clip.pose.sizes['time']")


def check_q2(env, ref):
    lab01.check_q2(env)
    value = as_number(env["answer_q2"], "answer_q2")
    wpm = ref["words"] / ref["minutes"]
    if near(value, wpm, rel=0.03):
        return
    if near(value, ref["words"] / ref["pose_minutes"], rel=0.01):
        raise Feedback(f"{value:.4g} divides by the span of the pose's timestamps, which is shorter than the "
                       "recording.", "the duration of the speech is the audio's: clip.audio.duration (seconds)")
    if near(value, ref["segments"] / ref["minutes"], rel=0.03):
        raise Feedback(f"{value:.3g} counts segments (sentences) per minute, not words.",
                       "count the rows of clip.words")
    if near(value, ref["words"] / ref["minutes"] / 60 * 100, rel=0.03):
        raise Feedback(f"{value:.3g} divides seconds by 100 instead of 60.", "a minute has 60 seconds")
    raise Feedback(f"{value:.4g} words/min is not within 3 % of this clip's speech rate.",
                   "words: len(clip.words); duration: clip.audio.duration seconds / 60")


def check_q3(env, ref):
    lab01.check_q3(env)
    value = as_number(env["answer_q3"], "answer_q3")
    if near(value, ref["px_per_s"], rel=0.05):
        return
    mistakes = [
        ("normalised_per_s", "is in normalised image units (0-1) per second.",
         "multiply x by the frame width and y by the frame height before taking differences"),
        ("px_per_frame", "is pixels per frame.",
         "divide each step by the time between frames (np.diff(clip.pose['time'])) to get pixels per second"),
        ("two_frame_dt", "divides each one-frame step by the time across two frames (t[i+1] - t[i-1]), so it is "
         "about half the speed.", "pair each step with its own interval: np.diff(x), np.diff(y) and np.diff(t) "
         "all have one item less than the frames"),
        ("x_only", "uses the horizontal movement only.", "speed is the length of the 2-D step: np.hypot(dx, dy) / dt"),
        ("y_only", "uses the vertical movement only.", "speed is the length of the 2-D step: np.hypot(dx, dy) / dt"),
        ("mean_of_sums", "adds |dx| and |dy|; a step's length is not their sum.",
         "the length of a step is np.hypot(dx, dy)"),
    ]
    for key, what, hint in mistakes:
        if near(value, ref[key], rel=0.02):
            raise Feedback(f"{value:.3g} {what}", hint)
    raise Feedback(f"{value:.4g} px/s is not within 5 % of the right wrist's mean speed.",
                   "speed per step = hypot(dx_px, dy_px) / dt, with NaN steps left out: np.nanmean over steps")


def _same(a, b):
    return len(a) == len(b) and np.allclose(a, b, rtol=1e-3, atol=1e-3, equal_nan=True)


def check_q4(env, ref):
    lab01.check_q4(env)
    ax, x, y = lab01.figure_line(env["fig_q4"])
    t = ref["first_t"] * (1000 if lab01.axis_unit(ax.xlabel) == "ms" else 1)
    n = min(len(x), len(t))
    if not _same(x[:n], t[:n]) or abs(len(x) - len(t)) > 1:
        raise Feedback("the x values of the line are not the clip's frame times over the first 10 s.",
                       "plot the pose's own times: first = clip.pose.sel(time=slice(0, 10)); ax.plot(first['time'], "
                       "...)")
    if _same(y[:n], ref["first_y_px"][:n]):
        return
    if _same(-y[:n], ref["first_y_px"][:n]):
        raise Feedback("the line is the wrist height with its sign flipped.",
                       "keep the pixel values and turn the axis instead: ax.invert_yaxis()")
    raise Feedback("the y values of the line are not the right wrist's vertical position in pixels.",
                   "position.sel(keypoint='right_wrist', space='y') * clip.pose.attrs['frame_height']")


CHECKS = {"q1": check_q1, "q2": check_q2, "q3": check_q3, "q4": check_q4}
