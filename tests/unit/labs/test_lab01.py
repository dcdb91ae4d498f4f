"""Lab 1 checks: the solution passes, the public checks judge the form only, the hidden tests name each wrong answer."""
from __future__ import annotations

import math

import numpy as np

from alloava_analysis.labs import lab01, run_checks, score
from alloava_analysis.labs.answers import figure_data
from tests.unit.labs.helpers import _feedback, _figure, _no_number, _wrist


def test_lab01_solution_passes_public_and_hidden(env01, hidden01):
    env, _ = env01
    assert run_checks("lab01", env) == {"q1": None, "q2": None, "q3": None, "q4": None}
    assert score("lab01", env)["passed"] == 4
    hidden, ref = hidden01
    plotted = {**env, "fig_q4": figure_data(env["fig_q4"])}  # what the autograder gets back from a kernel
    for check in hidden.CHECKS.values():
        check(plotted, ref)


def test_lab01_public_checks_catch_the_form_without_the_answer(env01):
    env, clip = env01
    assert "number of keypoints" in _feedback(lab01.check_q1, env, answer_q1=33)
    assert "not a count" in _feedback(lab01.check_q1, env, answer_q1=12.5)
    assert "is not answered yet" in _feedback(lab01.check_q1, env, answer_q1=...)
    assert "per second or per frame" in _feedback(lab01.check_q2, env, answer_q2=env["answer_q2"] / 60)
    assert "normalised image units" in _feedback(lab01.check_q3, env, answer_q3=0.4)
    assert "NaN" in _feedback(lab01.check_q3, env, answer_q3=math.nan)
    first = clip.pose.isel(individual=0).sel(time=slice(0, 10))
    t = first["time"].values
    y = first["position"].sel(keypoint="right_wrist", space="y").values
    assert "normalised units" in _feedback(lab01.check_q4, env, fig_q4=_figure(t, y))
    assert "x axis has no label" in _feedback(lab01.check_q4, env, fig_q4=_figure(t, y * 720, xlabel=""))
    assert "names no unit" in _feedback(lab01.check_q4, env, fig_q4=_figure(t, y * 720, xlabel="time"))
    # the issue: an axis labelled "time (ms)" on data in seconds
    message = _feedback(lab01.check_q4, env, fig_q4=_figure(t, y * 720, xlabel="time (ms)"))
    assert "says milliseconds" in message and "those are seconds" in message
    assert "ax.invert_yaxis()" in _feedback(lab01.check_q4, env, fig_q4=_figure(t, y * 720, invert=False))
    assert "not a matplotlib Figure" in _feedback(lab01.check_q4, env, fig_q4=[1, 2])
    lab01.check_q4({**env, "fig_q4": _figure(t * 1000, y * 720, xlabel="time (ms)")})  # ms data labelled ms: fine


def test_lab01_hidden_tests_name_each_wrong_answer_without_the_expected_number(env01, hidden01):
    env, clip = env01
    hidden, ref = hidden01
    frames = ref["frames"]
    message = _feedback(hidden.check_q1, env, ref, answer_q1=frames - 1)  # the issue: frames - 1
    assert "one less than the number of frames" in message and "clip.pose.sizes['time']" in message
    assert "one more" in _feedback(hidden.check_q1, env, ref, answer_q1=frames + 1)
    assert "number of words" in _feedback(hidden.check_q1, env, ref, answer_q1=len(clip.words))
    _no_number(_feedback(hidden.check_q1, env, ref, answer_q1=frames + 7), frames)
    x, y, t, h = _wrist(clip.pose.isel(individual=0))
    two_frame = np.nanmean(np.hypot(np.diff(x), np.diff(y))[1:] / (t[2:] - t[:-2]))
    message = _feedback(hidden.check_q3, env, ref, answer_q3=two_frame)  # the issue: a two-frame dt
    assert "time across two frames" in message and "one coordinate" not in message
    assert "pixels per frame" in _feedback(hidden.check_q3, env, ref,
                                           answer_q3=np.nanmean(np.hypot(np.diff(x), np.diff(y))))
    assert "horizontal movement only" in _feedback(hidden.check_q3, env, ref,
                                                   answer_q3=np.nanmean(np.abs(np.diff(x)) / np.diff(t)))
    message = _feedback(hidden.check_q3, env, ref, answer_q3=env["answer_q3"] * 1.3)
    assert "not within 5 %" in message
    _no_number(message, env["answer_q3"])
    assert "segments (sentences)" in _feedback(hidden.check_q2, env, ref, answer_q2=ref["segments"] / ref["minutes"])
    # the issue: a made-up 4-point line with labels passes the form checks but is not the clip's data
    fake = _figure([0, 3, 6, 9], [300, 320, 310, 305])
    lab01.check_q4({**env, "fig_q4": fake})
    assert "not the clip's frame times" in _feedback(hidden.check_q4, env, ref, fig_q4=figure_data(fake))
    first = clip.pose.isel(individual=0).sel(time=slice(0, 10))
    left = first["position"].sel(keypoint="left_wrist", space="y").values * h
    message = _feedback(hidden.check_q4, env, ref, fig_q4=figure_data(_figure(first["time"].values, left)))
    assert "not the right wrist's vertical position" in message
