"""Answers as plain data: what the autograder takes out of a student's kernel survives JSON, hostile objects do not
crash it, and a figure comes back as its labels and line data."""
from __future__ import annotations

import itertools
import json
import math

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from alloava_analysis.labs.answers import PlottedFigure, Unreadable, decode_answers, encode_answers, figure_data  # noqa: E402,E501


class _Raises:
    def __float__(self):
        raise RuntimeError("no float")

    def __iter__(self):
        raise RuntimeError("no iter")


def _round_trip(env):
    return decode_answers(json.loads(json.dumps(encode_answers(env))))


def test_answers_survive_json():
    env = {"answer_q1": np.int64(1129), "answer_q2": (np.float32(0.25), 0.5), "answer_q3": {"gender=f": 0.4},
           "answer_q4": np.bool_(True), "answer_q5": ..., "answer_q6": ["skin_tone=darker"], "answer_q7": math.nan,
           "answer_q8": {"skin_tone=b", "skin_tone=a"}, "corpus_dir": "x", "clip": object()}
    got = _round_trip(env)
    assert set(got) == {f"answer_q{i}" for i in range(1, 9)}  # only the answers leave the kernel
    assert got["answer_q1"] == 1129.0 and got["answer_q2"] == [0.25, 0.5] and got["answer_q3"] == {"gender=f": 0.4}
    assert got["answer_q4"] is True and got["answer_q5"] is Ellipsis and got["answer_q6"] == ["skin_tone=darker"]
    assert math.isnan(got["answer_q7"]) and got["answer_q8"] == ["skin_tone=a", "skin_tone=b"]


def test_hostile_and_endless_answers_become_unreadable():
    got = _round_trip({"answer_q1": _Raises(), "answer_q2": itertools.count(), "answer_q3": list(range(10_000))})
    assert got["answer_q1"] == Unreadable("_Raises") and got["answer_q2"] == Unreadable("count")
    assert isinstance(got["answer_q3"], Unreadable)


def test_a_figure_comes_back_as_its_data():
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [300, 310, 305])
    ax.set_xlabel("time (s)")
    ax.set_ylabel("height (px)")
    ax.invert_yaxis()
    got = _round_trip({"fig_q4": fig})["fig_q4"]
    assert isinstance(got, PlottedFigure) and len(got.axes) == len(figure_data(fig).axes) == 1
    axes = got.axes[0]
    assert axes.xlabel == "time (s)"
    assert axes.ylabel == "height (px)" and axes.y_inverted
    np.testing.assert_array_equal(axes.lines[0][1], [300, 310, 305])
    plt.close(fig)
