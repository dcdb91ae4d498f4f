"""Lab 04 — lags: the cross-correlation lag of motion and speech, its interval, and why a short clip says little.

These are the *public*, formative checks students run in the notebook: units, signs of the form, and whether
the answers agree with each other. They never compute the answers; the hidden tests in the autograder
(``notebooks/labs/instructor/tests/lab04.py``) do.
"""
from __future__ import annotations

from typing import Any

from .feedback import Feedback, answer_of, as_items, as_number, describe

MAX_LAG_S = 1.0


def check_q1(env: dict[str, Any]) -> None:
    """q1 (public): the lag is a number of seconds inside the searched range.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q1``.

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    value = as_number(answer_of(env, "answer_q1", example="lag_s (seconds)"), "answer_q1")
    if abs(value) > MAX_LAG_S:
        raise Feedback(f"{value:.4g} is outside the searched lags [-{MAX_LAG_S:g}, {MAX_LAG_S:g}] s.",
                       "is it in samples or milliseconds? cross_correlation_lag returns seconds")


def check_q2(env: dict[str, Any]) -> None:
    """q2 (public): the interval is a pair of seconds ``(low, high)`` that holds the student's own lag.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q2`` (and ``answer_q1``).

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    value = answer_of(env, "answer_q2", example="(result['ci_low'], result['ci_high'])")
    items = as_items(value, "answer_q2", expected="a pair (low, high)", at_most=2)
    if len(items) != 2:
        raise Feedback(f"answer_q2 should be a pair (low, high), got {describe(value)}.", "(low, high) in seconds")
    low, high = as_number(items[0], "answer_q2[0]"), as_number(items[1], "answer_q2[1]")
    if low > high:
        raise Feedback(f"({low:.3g}, {high:.3g}) has its low end above its high end.", "swap them")
    lag = env.get("answer_q1")
    if isinstance(lag, (int, float)) and not isinstance(lag, bool) and not low <= lag <= high:
        raise Feedback("the interval does not contain your lag from q1.",
                       "take ci_low and ci_high from the lag_interval result of the same series")


def check_q3(env: dict[str, Any]) -> None:
    """q3 (public): the ratio of interval widths (first 15 s over the whole clip) is a positive number.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q3``.

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    value = as_number(answer_of(env, "answer_q3", example="short_width / full_width"), "answer_q3")
    if value <= 0:
        raise Feedback(f"{value:.3g} is not a ratio of two widths (widths are positive).", "width = high - low")
    if value < 1:
        raise Feedback(f"{value:.3g} says the short excerpt gives the narrower interval; is the ratio upside down?",
                       "divide the width from the first 15 s by the width from the whole clip")


def check_q4(env: dict[str, Any]) -> None:
    """q4 (public): the number of bootstrap blocks in the first 15 s is a small whole number.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q4``.

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    value = as_number(answer_of(env, "answer_q4", example="short['n_blocks']"), "answer_q4")
    if value < 1 or value != int(value):
        raise Feedback(f"{value:g} is not a count of blocks (a whole number of at least 1).",
                       "the lag_interval result says how many blocks it resampled")


CHECKS = {"q1": check_q1, "q2": check_q2, "q3": check_q3, "q4": check_q4}
