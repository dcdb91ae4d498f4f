"""Turn a lab's checks into otter-grader exception-based test cases (used by ``otter_tests/<lab>/qN.py``)."""
from __future__ import annotations

from typing import Any

from otter.test_files import test_case

from ..checks import check_nonnegative, check_option


def make_test(lab: str, question: str, *, points: float = 1.0):
    """An otter ``test_case`` that runs ``lab``'s check of ``question`` on the notebook's variables.

    Parameters
    ----------
    lab
        One of :data:`~alloava_analysis.labs.LABS`.
    question
        A question of that lab's ``CHECKS`` (``"q1"``, ...).
    points
        Points the question is worth (>= 0).

    Returns
    -------
    otter test_case
        The test, named ``"<lab> <question>"``; assign it to a ``test_<question>`` variable in an otter test file.
    """
    from . import lab_module

    checks = lab_module(lab).CHECKS
    check = checks[check_option("question", question, checks)]
    check_nonnegative("points", points)

    @test_case(name=f"{lab} {question}", points=points, success_message=f"{question}: all checks passed")
    def run(env: dict[str, Any]) -> None:
        check(env)

    return run
