"""labs' keyword options with bad values: accepted, or refused with a ParameterError naming the option."""
from __future__ import annotations

import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.labs import LABS, lab_grader, lab_module
from tests.fixtures.bad_options import table_tests

#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "labs.lab03.group_names": lambda tmp: ((["skin_tone=a"], "answer_q2"), {"prefix": "skin_tone="}),
    "labs.feedback.as_number": lambda tmp: ((3.0, "answer_q1"), {}),
    "labs.answers.decode_answers": lambda tmp: (({"answer_q1": {"kind": "number", "value": 1.0}},), {}),
    "labs.feedback.answer_of": lambda tmp: (({"answer_q1": 3}, "answer_q1"), {"example": "3"}),
    "labs.feedback.near": lambda tmp: ((1.0, 1.01), {}),
    "labs.feedback.describe": lambda tmp: ((object(),), {}),
    "labs.feedback.as_items": lambda tmp: (([1, 2], "answer_q2"), {}),
}
EXEMPT: dict[str, str] = {
    "labs.assign.release": "writes a release (wheel, settings, labs checked by name): tests/unit/labs/test_assign.py",
    "labs.autograde.collect_answers": "runs a kernel per call; timeout_s is checked by check_int: "
                                      "tests/unit/labs/test_autograde.py",
    "labs.autograde.grade_submissions": "runs kernels; its options are checked before any work: "
                                        "tests/unit/labs/test_autograde.py",
    "labs.autograde.grade_solutions": "releases and grades (kernels); labs is checked by release: "
                                      "tests/unit/labs/test_autograde.py",
}
NEEDS: dict[str, str] = {}  # name -> an optional package the module imports


def _in_tmp_path(name, request):
    if name in NEEDS:
        pytest.importorskip(NEEDS[name])
    return {}


test_table_is_complete, test_calls_are_valid, test_walks = table_tests("labs", CALLS, EXEMPT, setup=_in_tmp_path)


def test_unknown_lab_and_question_are_refused_by_name():
    with pytest.raises(ParameterError, match=r"lab: expected one of 'lab01', .*'lab05'; got 'lab09'") as info:
        lab_module("lab09")
    assert info.value.name == "lab" and info.value.allowed == LABS
    with pytest.raises(ParameterError, match="question.*got 'q9'"):  # was a KeyError
        lab_grader("lab01").check("q9", global_env={})
