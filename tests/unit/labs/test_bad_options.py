"""labs' keyword options with bad values: accepted, or refused with a ParameterError naming the option."""
from __future__ import annotations

import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.labs import LABS, lab_grader, lab_module
from tests.fixtures.bad_options import table_tests, walk_bad_options

#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "labs.lab_grader": lambda tmp: (("lab01",), {}),
    "labs.otter_glue.make_test": lambda tmp: (("lab01", "q1"), {}),
    "labs.feedback.answer_of": lambda tmp: (({"answer_q1": 3}, "answer_q1"), {"example": "3"}),
    "labs.feedback.near": lambda tmp: ((1.0, 1.01), {}),
    "labs.feedback.describe": lambda tmp: ((object(),), {}),
    "labs.feedback.as_items": lambda tmp: (([1, 2], "answer_q2"), {}),
}
EXEMPT: dict[str, str] = {}
NEEDS = {"labs.otter_glue.make_test": "otter"}  # an optional package the module imports


def _in_tmp_path(name, request):
    if name in NEEDS:
        pytest.importorskip(NEEDS[name])
    request.getfixturevalue("monkeypatch").chdir(request.getfixturevalue("tmp_path"))  # otter logs to .OTTER_LOG
    return {}


test_table_is_complete, test_calls_are_valid, test_walks = table_tests("labs", CALLS, EXEMPT, setup=_in_tmp_path)


def test_unknown_lab_and_question_are_refused_by_name():
    with pytest.raises(ParameterError, match=r"lab: expected one of 'lab01', 'lab02', 'lab03'; got 'lab09'") as info:
        lab_module("lab09")
    assert info.value.name == "lab" and info.value.allowed == LABS
    with pytest.raises(ParameterError, match="question.*got 'q9'"):  # was a KeyError
        lab_grader("lab01", prefer_otter=False).check("q9", global_env={})


def test_make_test_checks_question_and_points():
    pytest.importorskip("otter")
    from alloava_analysis.labs.otter_glue import make_test

    with pytest.raises(ParameterError, match="question.*got 'q9'"):
        make_test("lab01", "q9")
    outcomes = walk_bad_options(make_test, "lab01", "q1")
    assert set(outcomes["points"].values()) == {"ParameterError"}  # -1, NaN, inf, "x"
    make_test("lab01", "q1", points=0.0)
