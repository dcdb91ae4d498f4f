"""The instructor's workflow end to end, offline: sources -> release (a real wheel built here) -> grading of a
solution, a typical wrong submission and a tampering one -> the gradebook rows and each student's feedback."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.labs.assign import release
from alloava_analysis.labs.autograde import grade_submissions, load_autograder
from alloava_analysis.sample_data import DATA_DIR_ENV

pytest.importorskip("nbclient")
pytestmark = pytest.mark.slow  # three notebooks in their own kernels: about 1-2 min on two busy cores

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ROOT / "notebooks" / "labs" / "instructor"

WRONG = {  # typical mistakes, one per question (q2 is right)
    "answer_q1": "answer_q1 = clip.pose.sizes['time'] - 1",
    "answer_q2": "answer_q2 = len(clip.words) / clip.audio.duration * 60",
    "answer_q3": "pose = clip.pose.isel(individual=0)\n"
                 "x = pose['position'].sel(keypoint='right_wrist', space='x').values * pose.attrs['frame_width']\n"
                 "y = pose['position'].sel(keypoint='right_wrist', space='y').values * pose.attrs['frame_height']\n"
                 "t = pose['time'].values\n"
                 "answer_q3 = np.nanmean(np.hypot(np.diff(x), np.diff(y))[1:] / (t[2:] - t[:-2]))",
    "fig_q4": "fig, ax = plt.subplots()\nax.plot([0, 3, 6, 9], [300, 320, 310, 305])\nax.set_xlabel('time (s)')\n"
              "ax.set_ylabel('height (px)')\nax.invert_yaxis()\nfig_q4 = fig",
}
TAMPER = {  # the issue: no-op checkers (and a patched comparison) make every public check pass on wrong answers
    "answer_q1": "import alloava_analysis.labs.lab01 as L\nimport alloava_analysis.labs.feedback as F\n"
                 "L.CHECKS = {q: (lambda env: None) for q in L.CHECKS}\nF.near = lambda *a, **k: True\n"
                 "corpus_dir = '/nonexistent'\nanswer_q1 = 1",
    "answer_q2": "answer_q2 = 1.0", "answer_q3": "answer_q3 = 1.0", "fig_q4": "fig_q4 = plt.figure()",
}


def _fill(notebook: dict, answers: dict[str, str]) -> dict:
    for cell in notebook["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for name, code in answers.items():
            if f"{name} = ...  # YOUR" in source:
                cell["source"] = code
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory, sample_data):
    mp = pytest.MonkeyPatch()
    mp.setenv(DATA_DIR_ENV, str(sample_data.data_dir))
    tmp = tmp_path_factory.mktemp("course")
    released = release(SOURCES, tmp / "release", labs=("lab01",))
    student = json.loads(next(Path(released["student"]).glob("01_*.ipynb")).read_text())
    subs = tmp / "submissions"
    (subs / "alice").mkdir(parents=True)
    solution = next(SOURCES.glob("01_*.ipynb")).read_text()
    (subs / "alice" / "01_loading_and_plotting_a_clip.ipynb").write_text(solution)
    (subs / "bob.ipynb").write_text(json.dumps(_fill(json.loads(json.dumps(student)), WRONG)))
    (subs / "mallory.ipynb").write_text(json.dumps(_fill(json.loads(json.dumps(student)), TAMPER)))
    result = grade_submissions(released["zip"], "lab01", subs, tmp / "grades", progress=False)
    mp.undo()
    return result, tmp


def test_gradebook_has_one_row_per_student_with_points_per_question(graded):
    result, tmp = graded
    with open(result["gradebook"], newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert list(next(iter(rows.values()))) == ["student", "q1", "q2", "q3", "q4", "total"]
    assert {k: float(v) for k, v in rows["alice"].items() if k != "student"} == \
        {"q1": 1.0, "q2": 1.0, "q3": 2.0, "q4": 2.0, "total": 6.0}  # the instructor's points (q3, q4 worth 2)
    assert {k: float(v) for k, v in rows["bob"].items() if k != "student"} == \
        {"q1": 0.0, "q2": 1.0, "q3": 0.0, "q4": 0.0, "total": 1.0}
    assert float(rows["mallory"]["total"]) == 0.0  # tampering changes nothing
    assert result["failed"] == []


def test_the_hidden_tests_ran_on_the_shipped_wheel_and_explain_each_mistake(graded):
    result, tmp = graded
    assert Path(result["package"]).is_relative_to(tmp / "grades" / "work" / "site")
    bob = (tmp / "grades" / "feedback" / "bob.txt").read_text()
    assert "one less than the number of frames" in bob and "time across two frames" in bob
    assert "not the clip's frame times" in bob and "Error at line" not in bob
    alice = (tmp / "grades" / "feedback" / "alice.txt").read_text()
    assert alice.startswith("lab01 — alice: 6 / 6 points")


def test_bad_inputs_are_refused_by_name(graded, tmp_path):
    result, tmp = graded
    with pytest.raises(ParameterError, match="lab: expected one of \\['lab01'\\]"):
        grade_submissions(tmp / "release" / "autograder", "lab02", tmp / "submissions", tmp_path, progress=False)
    with pytest.raises(ParameterError, match="no config.json"):
        load_autograder(tmp_path, tmp_path)


def test_grade_solutions_gives_each_lab_solution_full_marks(tmp_path, sample_data, monkeypatch, capfd):
    from alloava_analysis.labs.autograde import grade_solutions

    monkeypatch.setenv(DATA_DIR_ENV, str(sample_data.data_dir))
    (row,) = grade_solutions(SOURCES, tmp_path, labs=("lab01",), progress=False)
    assert row["error"] == "" and row["total"] == row["max"] == 6.0 and row["points"]["q4"] == 2.0
    assert "without encryption" not in capfd.readouterr().err  # the grading kernel talks over local IPC sockets
    assert row["feedback"].read_text().startswith("lab01 — solution: 6 / 6 points")


def test_grade_solutions_gives_the_newest_lab_full_marks_with_its_points(tmp_path, sample_data, monkeypatch):
    from alloava_analysis.labs.autograde import grade_solutions

    monkeypatch.setenv(DATA_DIR_ENV, str(sample_data.data_dir))
    (row,) = grade_solutions(SOURCES, tmp_path, labs=("lab05",), progress=False)
    assert row["error"] == "" and row["total"] == row["max"] == 9.0
    assert row["points"] == {"q1": 2.0, "q2": 1.0, "q3": 2.0, "q4": 2.0, "q5": 2.0}
