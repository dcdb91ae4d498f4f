"""Course labs: exercises with checkers that give formative feedback (what is wrong and a hint).

Each lab (``lab01``, ``lab02``, ``lab03``) has a ``CHECKS`` table ``question -> check(env)``; a check reads
the student's ``answer_qN`` (and what else the question needs) from the notebook's variables and raises
:class:`~alloava_analysis.labs.feedback.Feedback` when something is wrong. The same checks run

* in the notebook: ``grader = lab_grader("lab01")`` then ``grader.check("q1")`` — an
  `otter-grader <https://otter-grader.readthedocs.io>`_ ``Notebook`` when otter is installed (its
  exception-based test files are shipped in ``labs/otter_tests/<lab>/``, so ``otter grade`` can grade
  a class's submissions at scale), else a small built-in grader with the same ``check`` method;
* in tests, through :func:`run_checks`.
"""
from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Any

from ..checks import check_option
from .feedback import Feedback

__all__ = ["Feedback", "LABS", "lab_grader", "lab_module", "run_checks", "score", "otter_tests_dir"]

LABS = ("lab01", "lab02", "lab03")


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


def otter_tests_dir(lab: str) -> Path:
    """The folder of the lab's otter-grader test files (one ``qN.py`` per question).

    Parameters
    ----------
    lab
        One of :data:`LABS` (``"lab01"``, ``"lab02"``, ``"lab03"``).

    Returns
    -------
    Path
        ``alloava_analysis/labs/otter_tests/<lab>``.
    """
    lab_module(lab)
    return Path(__file__).resolve().parent / "otter_tests" / lab


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
    """The built-in grader (when otter-grader is not installed): ``check(question)`` prints the feedback."""

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
        print(f"✓ {question}: all checks passed")
        return None


def lab_grader(lab: str, *, prefer_otter: bool = True):
    """A grader for ``lab`` whose ``check("qN")`` runs that question's checks on the notebook's variables.

    Parameters
    ----------
    lab
        One of :data:`LABS` (``"lab01"``, ``"lab02"``, ``"lab03"``).
    prefer_otter
        Return an otter-grader ``Notebook`` when otter is installed; False (or
        no otter) gives the built-in grader, which prints the feedback.

    Returns
    -------
    otter.Notebook or grader
        An object with a ``check(question)`` method.
    """
    lab_module(lab)
    if prefer_otter:
        try:
            import otter
        except ImportError:
            pass
        else:
            return otter.Notebook(tests_dir=str(otter_tests_dir(lab)))
    return _Grader(lab)
