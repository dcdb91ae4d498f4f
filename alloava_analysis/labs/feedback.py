"""Formative feedback for lab checkers: what is wrong, and a hint, never only pass/fail."""
from __future__ import annotations

import itertools
import math
from typing import Any

from ..checks import check_int
from ..errors import ParameterError

__all__ = ["Feedback", "NOT_ANSWERED", "answer_of", "as_items", "as_number", "describe", "near"]

#: The most items a checker takes from a student's list or table (``itertools.count()`` never ends).
MAX_ITEMS = 10_000

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


def describe(value: Any, *, width: int = 60) -> str:
    """``value``'s type and a short repr, for feedback; never raises, whatever the object's ``__repr__`` does.

    Parameters
    ----------
    value
        Any object a student assigned.
    width
        The most characters of the repr to show.

    Returns
    -------
    str
        ``"<type> <repr>"``, the repr cut to ``width`` characters (or only the type when the repr raises).
    """
    check_int("width", width, minimum=1)
    kind = type(value).__name__
    try:
        text = repr(value)
        if not isinstance(text, str):
            raise TypeError("__repr__ returned a non-string")
    except Exception:  # noqa: BLE001 - a student's object may raise anything from __repr__
        return f"a {kind} (that cannot be shown)"
    return f"{kind} {text[:width]}" + ("..." if len(text) > width else "")


def as_items(value: Any, name: str, *, expected: str = "a list", at_most: int = MAX_ITEMS) -> list:
    """The items of ``value`` as a list, taking at most ``at_most`` of them; Feedback when it is not a list/table.

    Parameters
    ----------
    value
        The student's answer: a list, tuple, set, array or other finite iterable (a string is not one).
    name
        How the feedback names it, e.g. ``"answer_q2"``.
    expected
        What was asked for, as the feedback says it (``"a list"``, ``"a pair (low, high)"``).
    at_most
        The most items allowed; an endless or huge iterable is Feedback, not a MemoryError.

    Returns
    -------
    list
        The items.
    """
    check_int("at_most", at_most, minimum=1)
    if not isinstance(expected, str):
        raise ParameterError(f"invalid value for expected: expected a string, got {type(expected).__name__}",
                             name="expected")
    if isinstance(value, (str, bytes)):
        raise Feedback(f"{name} is {describe(value, width=40)}; this is not {expected}.", "a list, even of one item")
    try:
        items = list(itertools.islice(iter(value), at_most + 1))
    except Exception:  # noqa: BLE001 - a student's object may raise anything from __iter__/__next__
        raise Feedback(f"{name} is {describe(value, width=40)}; this is not {expected} (it cannot be iterated).",
                       f"give {expected} of plain values") from None
    if len(items) > at_most:
        raise Feedback(f"{name} has more than {at_most} items (is it endless?); this is not {expected}.",
                       f"give {expected} of plain values, e.g. list(...) of the ones you need")
    return items


def as_number(value: Any, name: str, *, hint: str | None = None) -> float:
    """``value`` as a finite float; Feedback naming what was given otherwise.

    Parameters
    ----------
    value
        The student's answer (a bool, a non-number, NaN or an infinity is Feedback).
    name
        How the feedback names it, e.g. ``"answer_q1"``.
    hint
        The hint when ``value`` is not one number (e.g. a Series): what to take out of it for this question;
        None: a general one.

    Returns
    -------
    float
        ``float(value)``.
    """
    if hint is not None and not isinstance(hint, str):
        raise ParameterError(f"invalid value for hint: expected a string or None, got {type(hint).__name__}",
                             name="hint")
    if isinstance(value, bool):
        raise Feedback(f"{name} is {value!r}, a yes/no value; expected a number.", "compute the number itself")
    try:
        number = float(value)
        if not isinstance(number, float):
            raise TypeError("__float__ returned a non-float")
    except Exception:  # noqa: BLE001 - float() of a student's object may raise anything
        raise Feedback(f"{name} is {describe(value)}; this is not one number.",
                       hint or "if you have a pandas Series or an array, pick the one value the question asks "
                               "for (s.loc[label] or float(...)) rather than summarising it") from None
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
