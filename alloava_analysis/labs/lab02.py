"""Lab 02 — speech rate vs gesture with honest intervals: naive and cluster-aware intervals for one r.

These are the *public*, formative checks students run in the notebook: ranges, shapes, and whether the answers
agree with each other (the interval holds its own r, the ratio matches the two intervals given). They never
compute the answers; the hidden tests in the autograder (``notebooks/labs/instructor/tests/``) do.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .feedback import Feedback, answer_of, as_items, as_number, describe

PAPER_R = 0.0285


def _pair(value: Any, name: str) -> tuple[float, float]:
    items = as_items(value, name, expected="a pair (low, high)", at_most=2)
    if len(items) != 2:
        raise Feedback(f"{name} should be a pair (low, high), got {describe(value)}.", f"{name} = (low, high)")
    low, high = as_number(items[0], f"{name}[0]"), as_number(items[1], f"{name}[1]")
    if low > high:
        raise Feedback(f"{name} = ({low:.3g}, {high:.3g}) has its low end above its high end.", "swap them")
    return low, high


def _correlation(value: float, name: str) -> float:
    if not -1 <= value <= 1:
        raise Feedback(f"{name} = {value:.3g} is outside [-1, 1], so it is not a correlation.",
                       "a correlation is between -1 and 1: is it a covariance, or on the Fisher z scale "
                       "(then use np.tanh)?")
    return value


def interval(value: Any, name: str) -> tuple[float, float]:
    """``value`` as an interval of correlations ``(low, high)``; Feedback when it is not one.

    Parameters
    ----------
    value
        The student's answer.
    name
        How the feedback names it, e.g. ``"answer_q2"``.

    Returns
    -------
    tuple of float
        ``(low, high)`` with -1 <= low <= high <= 1.
    """
    low, high = _pair(value, name)
    return _correlation(low, f"{name}[0]"), _correlation(high, f"{name}[1]")


def estimate(value: Any, name: str) -> tuple[float, float, float]:
    """``value`` as three correlations ``(r, low, high)``; Feedback when it is not.

    Parameters
    ----------
    value
        The student's answer.
    name
        How the feedback names it, e.g. ``"answer_q3"``.

    Returns
    -------
    tuple of float
        ``(r, low, high)``.
    """
    items = as_items(value, name, expected="three numbers (r, low, high)", at_most=3)
    if len(items) != 3:
        raise Feedback(f"{name} should be three numbers (r, low, high), got {describe(value)}.",
                       f"{name} = (pooled['r'], pooled['ci_low'], pooled['ci_high'])")
    r = _correlation(as_number(items[0], f"{name}[0]"), f"{name}[0]")
    low, high = interval(items[1:], f"{name}[1:]")
    return r, low, high


def check_q1(env: dict[str, Any]) -> None:
    """q1 (public): the pooled Pearson r is one correlation, in [-1, 1].

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q1``.

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    value = answer_of(env, "answer_q1", example="windows['intensity'].corr(windows['speech_rate'])")
    _correlation(as_number(value, "answer_q1", hint="one correlation over every window of every clip: "
                           "windows['intensity'].corr(windows['speech_rate'])"), "answer_q1")


def check_q2(env: dict[str, Any]) -> None:
    """q2 (public): the naive interval is a pair of correlations that holds the student's own r.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q2`` (and ``answer_q1``).

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    low, high = interval(answer_of(env, "answer_q2", example="(low, high)"), "answer_q2")
    r = env.get("answer_q1")
    if isinstance(r, (int, float, np.floating)) and not isinstance(r, bool) and np.isfinite(r) \
            and not low <= float(r) <= high:
        raise Feedback(f"the interval ({low:.3f}, {high:.3f}) does not contain your r from q1.",
                       "a Fisher-z interval is built around r: tanh(arctanh(r) -/+ 1.96 * se)")


def check_q3(env: dict[str, Any]) -> None:
    """q3 (public): the honest estimate is three correlations ``(r, low, high)`` with r inside its interval.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q3``.

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    r, low, high = estimate(answer_of(env, "answer_q3", example="(pooled['r'], pooled['ci_low'], pooled['ci_high'])"),
                            "answer_q3")
    if not low <= r <= high:
        raise Feedback(f"r = {r:.3f} is outside its own interval ({low:.3f}, {high:.3f}).",
                       "take r, ci_low and ci_high from the same pooled_correlation result")


def check_q4(env: dict[str, Any]) -> None:
    """q4 (public): the ratio of widths is positive and agrees with the student's own q2 and q3.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q4`` (and ``answer_q2``, ``answer_q3``).

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    value = as_number(answer_of(env, "answer_q4", example="(high3 - low3) / (high2 - low2)"), "answer_q4")
    if value <= 0:
        raise Feedback(f"{value:.3g} is not a ratio of two widths (widths are positive).",
                       "width = high - low for each interval; then honest / naive")
    try:
        low2, high2 = interval(env.get("answer_q2"), "answer_q2")
        _, low3, high3 = estimate(env.get("answer_q3"), "answer_q3")
    except Feedback:
        return  # q2 or q3 has its own feedback
    if high2 > low2 and high3 > low3 and abs(value - (high2 - low2) / (high3 - low3)) <= 1e-6 * abs(value) + 1e-12:
        raise Feedback("this is the naive width over the honest width.", "divide the honest width by the naive one")


def check_q5(env: dict[str, Any]) -> None:
    """q5 (public): a True/False answer that agrees with the student's own honest interval.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q5`` (and ``answer_q3``).

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    value = answer_of(env, "answer_q5", example="True or False")
    if not isinstance(value, (bool, np.bool_)):
        raise Feedback(f"answer_q5 is {describe(value, width=40)}; expected True or False.",
                       f"compare: low <= {PAPER_R} <= high")
    try:
        _, low, high = estimate(env.get("answer_q3"), "answer_q3")
    except Feedback:
        return
    if bool(value) != (low <= PAPER_R <= high):
        raise Feedback(f"{bool(value)} is not what your interval from q3 says.",
                       "an interval contains a value when low <= value <= high")


CHECKS = {"q1": check_q1, "q2": check_q2, "q3": check_q3, "q4": check_q4, "q5": check_q5}
