"""Lab 03 — a bias audit: representation by hours, small cells, a planted quality gap, what to publish.

These are the *public*, formative checks students run in the notebook: the form of each answer (shares that
add up to 1, group names as the audit writes them, a ratio, a True/False per group). They never compute the
answers; the hidden tests in the autograder (``notebooks/labs/instructor/tests/``) do.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .feedback import Feedback, answer_of, as_items, as_number, describe

GROUP_HINT = "copy the names from the 'group' column of the representation table, e.g. 'skin_tone=lighter'"


def group_names(value: Any, name: str, *, prefix: str) -> list[str]:
    """``value`` as a list of audit group names that start with ``prefix``; Feedback otherwise.

    Parameters
    ----------
    value
        The student's answer (a list of strings).
    name
        How the feedback names it.
    prefix
        The audit's column prefix, e.g. ``"skin_tone="``.

    Returns
    -------
    list of str
        The names.
    """
    items = as_items(value, name, expected="a list of group names")
    bad = [v for v in items if not isinstance(v, str)]
    if bad:
        raise Feedback(f"{name} holds {describe(bad[0], width=40)}; expected a list of group names (strings).",
                       GROUP_HINT)
    bare = [v for v in items if not v.startswith(prefix)]
    if bare:
        raise Feedback(f"{bare[0]!r} is not a group name as the audit writes it: the names carry the column, "
                       f"{prefix}<value>.", f"write {prefix + bare[0].split('=')[-1]!r}; {GROUP_HINT}")
    return items


def _shares(env: dict[str, Any], name: str) -> dict[str, float]:
    value = answer_of(env, name, example="{'gender=female': 0.5, 'gender=male': 0.5}")
    if not isinstance(value, dict):
        raise Feedback(f"{name} is a {type(value).__name__}; expected a dict {{group: share}}.",
                       "dict(zip(rep['group'], rep['share'])) for the rows other than 'overall'")
    return {str(k): as_number(v, f"{name}[{k!r}]") for k, v in value.items() if str(k) != "overall"}


def check_q1(env: dict[str, Any]) -> None:
    """q1 (public): shares per gender are a dict of fractions that add up to 1.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q1``.

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    shares = _shares(env, "answer_q1")
    group_names(list(shares), "the keys of answer_q1", prefix="gender=")
    total = sum(shares.values())
    if any(v > 1 for v in shares.values()) and abs(total - 100) < 1:
        raise Feedback("these are percentages.", "give fractions between 0 and 1")
    if abs(total - 1) > 0.01:
        raise Feedback(f"the shares add up to {total:.3g}, not 1.", "one share per group (without 'overall'); "
                       "the groups together make the whole corpus")


def check_q2(env: dict[str, Any]) -> None:
    """q2 (public): the suppressed groups are a non-empty list of ``skin_tone=...`` names.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q2``.

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    items = group_names(answer_of(env, "answer_q2", example="['skin_tone=...', ...]"), "answer_q2",
                        prefix="skin_tone=")
    if not items:
        raise Feedback("an empty list says the audit suppresses no skin-tone group.",
                       "look at the 'suppressed' column of the skin_tone representation: rows with True")


def check_q3(env: dict[str, Any]) -> None:
    """q3 (public): the dropout ratio is one positive number.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q3``.

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    value = as_number(answer_of(env, "answer_q3", example="darker_mean / others_mean"), "answer_q3",
                      hint="a Series of group means is two numbers: divide the darker group's mean by the others' "
                           "(s.loc[True] / s.loc[False])")
    if value <= 0:
        raise Feedback(f"{value:.3g} is not a ratio of two dropout fractions (both are positive).",
                       "darker mean / others mean")


def check_q4(env: dict[str, Any]) -> None:
    """q4 (public): a dict ``{group: True/False}`` over every gender and skin-tone group.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q4``.

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    value = answer_of(env, "answer_q4", example="{'gender=female': True, ...}")
    if not isinstance(value, dict):
        raise Feedback(f"answer_q4 is {describe(value, width=40)}; expected a dict {{group: True or False}}.",
                       "one entry per gender and skin-tone group (not 'overall')")
    bad = [k for k, v in value.items() if not isinstance(v, (bool, np.bool_))]
    if bad:
        raise Feedback(f"answer_q4[{bad[0]!r}] is not True or False.", "True: may be published; False: may not")
    names = [str(k) for k in value]
    group_names([n for n in names if not n.startswith("gender=")], "the keys of answer_q4", prefix="skin_tone=")


CHECKS = {"q1": check_q1, "q2": check_q2, "q3": check_q3, "q4": check_q4}
