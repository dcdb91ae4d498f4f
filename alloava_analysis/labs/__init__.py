"""Course labs: public formative checks for students, and the instructor's release and grading.

Each lab (``lab01``, ...) has a ``CHECKS`` table ``question -> check(env)`` of *public* checks: a check reads
the student's ``answer_qN`` from the notebook's variables and raises
:class:`~alloava_analysis.labs.feedback.Feedback` (what is wrong and a hint) when the answer has the wrong form
(type, range, units, labels). Public checks never compute the answer. In the notebook:
``grader = lab_grader("lab01")`` then ``grader.check("q1")``.

Grades come from hidden tests that live with the assignment sources, not in this package:
:mod:`.assign` writes the student release and the autograder (with a wheel of this package),
:mod:`.autograde` grades a folder of submissions into a gradebook (``alloava labs release|grade``).
"""
from __future__ import annotations

import importlib
import inspect
from typing import Any

from ..checks import check_option
from .feedback import Feedback

__all__ = ["Feedback", "LABS", "lab_grader", "lab_module", "run_checks", "score"]

LABS = ("lab01", "lab02", "lab03", "lab04", "lab05")


def lab_module(lab: str):
    """The checker module of ``lab`` (one of :data:`LABS`).

    Parameters
    ----------
    lab
        One of :data:`LABS` (``"lab01"``, ``"lab02"``, ``"lab03"``).

    Returns
    -------
    module
        ``alloava_analysis.labs.<lab>``, with its ``CHECKS`` table.
    """
    check_option("lab", lab, LABS)
    return importlib.import_module(f"{__name__}.{lab}")


def run_checks(lab: str, env: dict[str, Any]) -> dict[str, str | None]:
    """Run every check of ``lab`` on ``env``: ``{question: None if passed else the feedback message}``.

    Parameters
    ----------
    lab
        One of :data:`LABS` (``"lab01"``, ``"lab02"``, ``"lab03"``).
    env
        The notebook's variables (``globals()``): the answers and ``corpus_dir``, ``clip_number``, ...

    Returns
    -------
    dict
        Question (``"q1"``, ...) -> None when its check passed, else the feedback message (what is wrong and a hint).
    """
    out: dict[str, str | None] = {}
    for question, check in lab_module(lab).CHECKS.items():
        try:
            check(env)
            out[question] = None
        except Feedback as err:
            out[question] = str(err)
    return out


def score(lab: str, env: dict[str, Any]) -> dict[str, Any]:
    """Key results of a lab notebook: each question passed or not, and the totals.

    Parameters
    ----------
    lab
        One of :data:`LABS` (``"lab01"``, ``"lab02"``, ``"lab03"``).
    env
        The notebook's variables (``globals()``): the answers and ``corpus_dir``, ``clip_number``, ...

    Returns
    -------
    dict
        ``"<question> passed"`` -> bool per question, ``passed`` (how many) and ``questions`` (how many in all).
    """
    results = run_checks(lab, env)
    passed = [q for q, message in results.items() if message is None]
    return {**{f"{q} passed": results[q] is None for q in results}, "passed": len(passed), "questions": len(results)}


class _Grader:
    """The notebook's grader: ``check(question)`` runs the public check and prints what is wrong and a hint."""

    def __init__(self, lab: str):
        self.lab = lab

    def check(self, question: str, global_env: dict[str, Any] | None = None) -> str | None:
        env = global_env if global_env is not None else inspect.currentframe().f_back.f_globals
        checks = lab_module(self.lab).CHECKS
        check = checks[check_option("question", question, checks)]
        try:
            check(env)
        except Feedback as err:
            print(f"✗ {question}: {err}")
            return str(err)
        print(f"✓ {question}: passes the public checks (the hidden tests decide the grade)")
        return None


def lab_grader(lab: str) -> _Grader:
    """A grader for ``lab`` whose ``check("qN")`` runs that question's public check on the notebook's variables.

    Parameters
    ----------
    lab
        One of :data:`LABS` (``"lab01"``, ``"lab02"``, ``"lab03"``).

    Returns
    -------
    grader
        An object with a ``check(question)`` method that prints the feedback (and returns it; None when passed).
    """
    lab_module(lab)
    return _Grader(lab)
