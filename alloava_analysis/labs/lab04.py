"""Lab 04 — lags: cross-correlation lag, its interval, why a short clip says little, why DTW gives no lag.

These are the *public*, formative checks students run in the notebook: units, signs of the form, and whether
the answers agree with each other. They never compute the answers; the hidden tests in the autograder
(``notebooks/labs/instructor/tests/lab04.py``) do.
"""
from __future__ import annotations

from typing import Any

import numpy as np

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


WARPS = {"warp_0": 0.0, "warp_0.2": 0.2}


def check_q5(env: dict[str, Any]) -> None:
    """q5 (public): DTW least-cost shifts ``{"warp_0": s, "warp_0.2": s}`` in seconds, and a True/False verdict.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q5`` and ``answer_q5_is_a_lag``.

    Raises
    ------
    Feedback
        When an answer is missing or has the wrong form: what is wrong and a hint.
    """
    value = answer_of(env, "answer_q5", example='{"warp_0": w0["peak_lag_s"], "warp_0.2": w2["peak_lag_s"]}')
    if not isinstance(value, dict) or set(value) != set(WARPS):
        raise Feedback(f"answer_q5 is {describe(value, width=40)}; expected a dict with the keys "
                       f"{sorted(WARPS)}.", 'a dict {"warp_0": shift in s, "warp_0.2": shift in s}')
    for key in WARPS:
        if isinstance(value[key], (float, np.floating)) and np.isnan(value[key]):
            raise Feedback(f"answer_q5[{key!r}] is NaN: the result's 'lag_s' is NaN when the toolkit finds no "
                           "clear lag.", "take 'peak_lag_s', the shift of least alignment cost, in seconds")
        shift = as_number(value[key], f"answer_q5[{key!r}]",
                          hint="take the result's 'peak_lag_s' (the least-cost shift, in seconds)")
        if abs(shift) > MAX_LAG_S:
            raise Feedback(f"answer_q5[{key!r}] = {shift:.4g} is outside the searched shifts "
                           f"[-{MAX_LAG_S:g}, {MAX_LAG_S:g}] s.", "is it in samples? dtw_shift_lag returns seconds")
    verdict = answer_of(env, "answer_q5_is_a_lag", example="True or False")
    if not isinstance(verdict, (bool, np.bool_)):
        raise Feedback(f"answer_q5_is_a_lag is {describe(verdict, width=40)}; expected True or False.",
                       "True: the DTW shift measures a lag; False: it does not")


CHECKS = {"q1": check_q1, "q2": check_q2, "q3": check_q3, "q4": check_q4, "q5": check_q5}
