"""Lab 01 — loading and plotting a clip: frames, speech rate, wrist speed and a labelled figure.

These are the *public*, formative checks students run in the notebook: they look at the form of an answer
(a whole number, a plausible range, units, axis labels) and never compute the answer itself. Whether an
answer is right is decided by the hidden tests in the autograder (``notebooks/labs/instructor/tests/``).
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..model import POSITION_DIMS
from ._common import lab_clip
from .answers import PlottedAxes, PlottedFigure, figure_data
from .feedback import Feedback, answer_of, as_number

KEYPOINT = POSITION_DIMS[2]

def check_q1(env: dict[str, Any]) -> None:
    """q1 (public): the number of video frames is a whole positive number, not another count of the pose.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q1``, ``corpus_dir`` (empty: the embedded sample) and
        ``clip_number`` (default 0).

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    value = as_number(answer_of(env, "answer_q1", example="clip.pose.sizes['time']"), "answer_q1")
    if value <= 0 or value != int(value):
        raise Feedback(f"{value:g} is not a count (a whole number above 0).",
                       "count the pose's time steps: clip.pose.sizes['time']")
    pose = lab_clip(env).pose
    if value == pose.sizes[KEYPOINT]:
        raise Feedback(f"{value:g} is the number of keypoints per frame, not the number of frames.",
                       "frames run along the 'time' dimension: clip.pose.sizes['time']")
    if value == pose["position"].size:
        raise Feedback(f"{value:g} counts every value of the position array (time x space x keypoints).",
                       "you want the length of one dimension only: clip.pose.sizes['time']")


def check_q2(env: dict[str, Any]) -> None:
    """q2 (public): the speech rate is a number of words per minute in the range people speak at.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q2``.

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    value = as_number(answer_of(env, "answer_q2", example="len(clip.words) / minutes"), "answer_q2")
    if value <= 0:
        raise Feedback(f"{value:.3g} words/min is not a rate (it should be above 0).", "words / minutes")
    if value < 5:
        raise Feedback(f"{value:.3g} is far too slow for words per minute (people say about 100-250 a minute).",
                       "is it per second or per frame? The question asks words per minute: divide the number of "
                       "words by the duration in minutes (seconds / 60)")
    if value > 600:
        raise Feedback(f"{value:.4g} is far too fast for words per minute (people say about 100-250 a minute).",
                       "divide the number of words by the duration in minutes (clip.audio.duration is in seconds)")


def check_q3(env: dict[str, Any]) -> None:
    """q3 (public): the wrist speed is a positive number that looks like pixels per second.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q3``.

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    value = as_number(answer_of(env, "answer_q3", example="np.nanmean(speed_px_per_s)"), "answer_q3")
    if value <= 0:
        raise Feedback(f"{value:.3g} is not a speed (a speed is a length, so it is above 0).",
                       "speed per step = hypot(dx_px, dy_px) / dt; then np.nanmean over steps")
    if value < 3:
        raise Feedback(f"{value:.3g} is tiny for pixels per second: it looks like normalised image units (0-1).",
                       "multiply x by the frame width and y by the frame height (clip.pose.attrs['frame_width'], "
                       "['frame_height']) before taking differences")


_UNITS = {"s": ("s", "sec", "second", "seconds"), "ms": ("ms", "millisecond", "milliseconds"),
          "px": ("px", "pixel", "pixels"), "normalised": ("normalised", "normalized", "0-1", "norm")}


def axis_unit(label: str) -> str | None:
    """The unit an axis label names in brackets, as one of ``s``, ``ms``, ``px``, ``normalised`` (else None).

    Parameters
    ----------
    label
        An axis label such as ``"time (s)"`` or ``"height [px]"``.

    Returns
    -------
    str or None
        The unit's short name; None when the label has no bracketed unit or one not listed here.
    """
    found = re.findall(r"[(\[]([^)\]]*)[)\]]", str(label))
    if not found:
        return None
    text = found[-1].strip().lower()
    return next((unit for unit, names in _UNITS.items() if text in names), None)


def figure_line(fig: Any, name: str = "fig_q4") -> tuple[PlottedAxes, np.ndarray, np.ndarray]:
    """The first line with data of ``fig``, after q4's form checks (units in the labels that match the data).

    Parameters
    ----------
    fig
        A matplotlib Figure, or its :class:`~alloava_analysis.labs.answers.PlottedFigure`.
    name
        How the feedback names the figure.

    Returns
    -------
    tuple
        ``(axes, x, y)``: the axes and the line's data.

    Raises
    ------
    Feedback
        When the figure is missing or has the wrong form.
    """
    if not isinstance(fig, PlottedFigure):
        if not hasattr(fig, "axes") or not hasattr(fig, "savefig"):
            raise Feedback(f"{name} is a {type(fig).__name__}, not a matplotlib Figure.",
                           f"fig, ax = plt.subplots(); ...; {name} = fig")
        fig = figure_data(fig)
    lines = [(ax, x, y) for ax in fig.axes for x, y in ax.lines if len(x) > 2]
    if not lines:
        raise Feedback(f"{name} has no line with data.", "draw it with ax.plot(time, y)")
    ax, x, y = lines[0]
    for what, label in (("x", ax.xlabel), ("y", ax.ylabel)):
        if not label:
            raise Feedback(f"the {what} axis has no label.", f"ax.set_{what}label('... (unit)')")
        if axis_unit(label) is None:
            raise Feedback(f"the {what} axis label {label!r} names no unit this question uses.",
                           "put the unit in brackets: 'time (s)', 'wrist height (px)'")
    x_unit, y_unit = axis_unit(ax.xlabel), axis_unit(ax.ylabel)
    if x_unit not in ("s", "ms"):
        raise Feedback(f"the x axis is labelled {ax.xlabel!r}; time is on the x axis.", "'time (s)'")
    span = float(np.nanmax(x)) if np.isfinite(x).any() else 0.0
    if x_unit == "ms" and span <= 20:
        raise Feedback(f"the x axis says milliseconds ({ax.xlabel!r}) but its values run to {span:.3g}: "
                       "those are seconds.", "label the axis with the data's unit: 'time (s)'")
    if x_unit == "s" and span > 100:
        raise Feedback(f"the x axis says seconds but its values run to {span:.4g}.",
                       "plot the first 10 s only: clip.pose.sel(time=slice(0, 10)), times in seconds")
    if np.nanmin(x) < -0.5 or span > (10_500 if x_unit == "ms" else 10.5):
        raise Feedback(f"the line spans {np.nanmin(x):.3g} to {span:.3g} on the x axis.",
                       "plot the first 10 s only: select times with clip.pose.sel(time=slice(0, 10))")
    if np.nanmax(np.abs(y)) <= 1.5:
        raise Feedback("the y values are between 0 and 1: normalised units, not pixels.",
                       "multiply y by clip.pose.attrs['frame_height']")
    if y_unit != "px":
        raise Feedback(f"the y axis is labelled {ax.ylabel!r} but the values are pixels.",
                       "label it with the data's unit: 'wrist height (px)'")
    if not ax.y_inverted:
        raise Feedback("image y grows downwards, so on this plot a raised hand goes down.",
                       "ax.invert_yaxis() makes 'up' mean up")
    return ax, x, y


def check_q4(env: dict[str, Any]) -> None:
    """q4 (public): the figure of the right wrist's height has labelled axes whose units match the data.

    Parameters
    ----------
    env
        The notebook's variables: ``fig_q4`` (a matplotlib Figure).

    Raises
    ------
    Feedback
        When the figure is missing or has the wrong form: what is wrong and a hint.
    """
    figure_line(answer_of(env, "fig_q4", example="fig (a matplotlib Figure)"))


CHECKS = {"q1": check_q1, "q2": check_q2, "q3": check_q3, "q4": check_q4}
