"""``alloava labs``: release writes the student notebooks and the autograder; usage errors name what is missing.
(Grading end to end: tests/unit/labs/test_autograde.py.)"""
from __future__ import annotations

from pathlib import Path

from tests.unit.cli.helpers import run

SOURCES = Path(__file__).resolve().parents[3] / "notebooks" / "labs" / "instructor"


def test_release_human_and_json(tmp_path):
    wheel = tmp_path / "alloava_analysis-0.0.0-py3-none-any.whl"
    wheel.write_bytes(b"a stand-in: building a real wheel is tested in tests/unit/labs/test_autograde.py")
    code, out, _ = run(["labs", "release", SOURCES, tmp_path / "out", "--wheel", wheel])
    assert code == 0 and "released lab01 (6 points)" in out and "hand these out" in out
    code, result, _ = run(["labs", "release", SOURCES, tmp_path / "out2", "--wheel", wheel, "--json"])
    assert code == 0 and result["labs"]["lab01"]["points"]["q3"] == 2.0
    assert sorted(p.name for p in Path(result["student"]).glob("*.ipynb"))[0].startswith("01_")


def test_usage_errors(tmp_path):
    code, result, _ = run(["labs", "release", SOURCES, "--json"])
    assert code == 2 and "takes SOURCES OUT, got 1 path(s)" in result["message"]
    code, result, _ = run(["labs", "grade", tmp_path, tmp_path, tmp_path, "--json"])
    assert code == 2 and "needs --lab" in result["message"]
    code, result, _ = run(["labs", "grade", tmp_path, tmp_path, tmp_path / "out", "--lab", "lab01", "--json"])
    assert code == 2 and "no config.json" in result["message"]
    code, _, err = run(["labs", "publish", tmp_path])
    assert code == 2 and "invalid choice" in err
