"""The graders of every lab: feedback without otter's noise, and no reference value inside the package."""
from __future__ import annotations

from alloava_analysis.labs import LABS, lab_grader


def test_grader_prints_feedback_and_says_the_hidden_tests_decide(env01, capsys):
    env, _ = env01
    grader = lab_grader("lab01")
    message = grader.check("q1", global_env={**env, "answer_q1": 33})
    assert message.startswith("33 is the number of keypoints") and "Error at line" not in message
    assert "✗ q1" in capsys.readouterr().out
    assert grader.check("q1", global_env=env) is None
    assert "hidden tests decide the grade" in capsys.readouterr().out


def test_the_package_holds_no_reference_values():
    for lab in LABS:
        module = __import__(f"alloava_analysis.labs.{lab}", fromlist=["CHECKS"])
        names = set(vars(module))
        assert not names & {"expected_wrist_speed", "_honest", "naive_interval", "_audit", "_table", "reference"}
