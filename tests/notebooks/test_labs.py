"""Labs: the sources (instructor solutions) pass every public check; the released student notebooks run and get
'not answered yet' feedback. (Release and grading end to end: tests/unit/labs/test_autograde.py.)"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from alloava_analysis.labs import LABS
from alloava_analysis.report import read_key_results
from alloava_analysis.sample_data import DATA_DIR_ENV

papermill = pytest.importorskip("papermill")

ROOT = Path(__file__).resolve().parents[2]
STUDENT = sorted((ROOT / "notebooks" / "labs").glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = sorted((ROOT / "notebooks" / "labs" / "instructor").glob("[0-9][0-9]_*_solution.ipynb"))


def test_every_lab_has_a_student_notebook_and_a_solution_kept_apart():
    assert len(STUDENT) == len(SOLUTIONS) == len(LABS) >= 3
    assert [p.name.replace("_solution", "") for p in SOLUTIONS] == [p.name for p in STUDENT]
    for student in STUDENT:  # the student version carries no solution code (tests/unit/labs/test_assign.py)
        text = student.read_text()
        assert "SOLUTION" not in text and "answer_q1 = ..." in text


def _run(path, tmp_path, monkeypatch, sample_data):
    monkeypatch.setenv(DATA_DIR_ENV, str(sample_data.data_dir))
    out = tmp_path / path.name
    papermill.execute_notebook(str(path), str(out), kernel_name="python3", cwd=str(tmp_path), progress_bar=False)
    executed = json.loads(out.read_text())
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[:1]
    return executed, read_key_results(executed)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_solution_passes_every_check(path, tmp_path, monkeypatch, sample_data):
    _, key = _run(path, tmp_path, monkeypatch, sample_data)
    assert key["questions"] >= 4 and key["passed"] == key["questions"], key


@pytest.mark.parametrize("path", STUDENT, ids=lambda p: p.name)
def test_student_notebook_runs_and_says_what_is_missing(path, tmp_path, monkeypatch, sample_data):
    executed, key = _run(path, tmp_path, monkeypatch, sample_data)
    assert key["passed"] == 0 and key["questions"] >= 4
    text = json.dumps(executed)
    assert text.count("is not answered yet") >= key["questions"] and "Hint:" in text
