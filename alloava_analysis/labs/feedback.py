"""Formative feedback for lab checkers: what is wrong, and a hint, never only pass/fail."""
from __future__ import annotations

import math
from typing import Any

__all__ = ["Feedback", "NOT_ANSWERED", "answer_of", "as_number", "near"]

NOT_ANSWERED = ...  # student notebooks start with ``answer_qN = ...``


class Feedback(AssertionError):
    """A failed check: ``what`` is wrong, and a ``hint`` towards the right answer.

    An ``AssertionError`` so that autograders (otter-grader, nbgrader, pytest) count it as a failed test and
    show its message to the student.
    """

    def __init__(self, what: str, hint: str):
        self.what, self.hint = what, hint
        super().__init__(f"{what}\nHint: {hint}")


def answer_of(env: dict[str, Any], name: str, *, example: str) -> Any:
    """The student's ``name`` from the notebook's variables; Feedback when it is missing or still ``...``.

    Parameters
    ----------
    env
        The notebook's variables.
    name
        The answer variable, e.g. ``"answer_q1"``.
    example
        Code shown in the hint as what to assign, e.g. ``"clip.pose.sizes['time']"``.

    Returns
    -------
    object
        The value of ``env[name]`` (not None and not ``...``).
    """
    if name not in env or env[name] is NOT_ANSWERED or env[name] is None:
        raise Feedback(f"{name} is not answered yet.", f"set it in the answer cell, e.g. {name} = {example}")
    return env[name]


def as_number(value: Any, name: str) -> float:
    """``value`` as a finite float; Feedback naming what was given otherwise.

    Parameters
    ----------
    value
        The student's answer (a bool, a non-number, NaN or an infinity is Feedback).
    name
        How the feedback names it, e.g. ``"answer_q1"``.

    Returns
    -------
    float
        ``float(value)``.
    """
    if isinstance(value, bool):
        raise Feedback(f"{name} is {value!r}, a yes/no value; expected a number.", "compute the number itself")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Feedback(f"{name} is {type(value).__name__} {value!r:.60}; expected a single number.",
                       "if you have a pandas Series or an array, take the value you need (e.g. .mean() or "
                       "float(...))") from None
    if math.isnan(number):
        raise Feedback(f"{name} is NaN.", "missing values (NaN) spread through sums and means: use np.nanmean, "
                                          "or drop missing rows first (.dropna())")
    if math.isinf(number):
        raise Feedback(f"{name} is infinite.", "look for a division by zero")
    return number


def near(value: float, expected: float, *, rel: float | None = None, abs_tol: float | None = None) -> bool:
    """Whether ``value`` is within ``rel`` (relative) or ``abs_tol`` of ``expected`` (default: 2 % relative).

    Parameters
    ----------
    value, expected
        The two numbers.
    rel
        Relative tolerance (0.02 is 2 %); None: 0.02 when ``abs_tol`` is None too, else 0.
    abs_tol
        Absolute tolerance, in the numbers' units; None: 0.

    Returns
    -------
    bool
        ``math.isclose(value, expected, rel_tol=rel, abs_tol=abs_tol)``.
    """
    if rel is None and abs_tol is None:
        rel = 0.02
    return math.isclose(value, expected, rel_tol=rel or 0.0, abs_tol=abs_tol or 0.0)
