"""Assignment sources -> student release: markers read, solutions stripped, the committed student notebooks are
the release of the committed sources, and nothing answer-revealing is handed out."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from alloava_analysis.errors import AlloAvaError, ParameterError
from alloava_analysis.labs import LABS
from alloava_analysis.labs.assign import read_source, release, student_notebook

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ROOT / "notebooks" / "labs" / "instructor"


def _code(nb):
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    wheel = out / "alloava_analysis-0.0.0-py3-none-any.whl"
    wheel.write_bytes(b"not built here: tests/unit/labs/test_autograde.py builds a real one")
    return release(SOURCES, out / "out", wheel=wheel), out / "out"


def test_sources_give_points_per_question():
    sources = sorted(SOURCES.glob("[0-9][0-9]_*.ipynb"))
    assert [read_source(p).lab for p in sources] == list(LABS)
    lab01 = read_source(sources[0])
    assert lab01.points == {"q1": 1.0, "q2": 1.0, "q3": 2.0, "q4": 2.0}


def test_the_committed_student_notebooks_are_the_release(released):
    result, out = released
    for student in sorted((out / "student").glob("*.ipynb")):
        committed = json.loads((ROOT / "notebooks" / "labs" / student.name).read_text())
        assert _code(json.loads(student.read_text())) == _code(committed), \
            f"{student.name}: run 'alloava labs release notebooks/labs/instructor OUT' and copy OUT/student/"
    assert sorted(result["labs"]) == list(LABS)


def test_the_release_holds_no_solution_and_no_test(released):
    result, out = released
    for path in (out / "student").glob("*.ipynb"):
        text = path.read_text()
        assert "SOLUTION" not in text and "BEGIN QUESTION" not in text and "answer_q1 = ..." in text
        source = read_source(SOURCES / path.name.replace(".ipynb", "_solution.ipynb"))
        for line in "\n".join(_code(source.notebook)).splitlines():
            if "# SOLUTION" in line:  # the solution expression is not in the student version
                expression = line.split("=", 1)[1].split("#")[0].strip()
                assert expression.isidentifier() or expression not in text, expression
    assert not list((out / "student").glob("tests*")) and not list((out / "student").rglob("*.py"))
    with zipfile.ZipFile(result["zip"]) as archive:
        names = set(archive.namelist())
    assert {"config.json", "Dockerfile", "tests/lab01.py"} <= names and any(n.startswith("wheels/") for n in names)
    config = json.loads((out / "autograder" / "config.json").read_text())
    assert config["labs"]["lab02"]["points"]["q2"] == 2.0 and config["settings"] == {"corpus_dir": ""}


def test_markers_are_checked(tmp_path):
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
            "source": "# BEGIN SOLUTION\nx = 1\nanswer_q1 = x  # SOLUTION : a number"}
    nb = {"cells": [{"cell_type": "raw", "metadata": {}, "source": "# BEGIN QUESTION\nname: q1\npoints: 3"}, cell],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "07_x.ipynb"
    path.write_text(json.dumps(nb))
    with pytest.raises(AlloAvaError, match="without '# END SOLUTION'"):
        student_notebook(read_source(path))
    cell["source"] = "# BEGIN SOLUTION\nx = 1\n# END SOLUTION\nanswer_q1 = x  # SOLUTION : a number"
    path.write_text(json.dumps(nb))
    source = read_source(path)
    assert source.lab == "lab07" and source.points == {"q1": 3.0}
    assert _code(student_notebook(source)) == ["# YOUR CODE HERE\nanswer_q1 = ...  # YOUR ANSWER: a number"]
    nb["cells"][0]["source"] = "# BEGIN QUESTION\nname: q1\npoints: -1"
    path.write_text(json.dumps(nb))
    with pytest.raises(AlloAvaError, match="points '-1'"):
        read_source(path)
    with pytest.raises(ParameterError, match="NN_"):
        read_source(tmp_path / "x.ipynb")


def test_release_refuses_to_write_next_to_the_solutions(tmp_path):
    with pytest.raises(ParameterError, match="inside the sources folder"):
        release(SOURCES, SOURCES / "out", wheel=tmp_path / "w.whl")
    with pytest.raises(ParameterError, match="wheel: expected a .whl file"):
        release(SOURCES, tmp_path / "out", wheel=tmp_path / "missing.whl")
    (tmp_path / "w.whl").write_bytes(b"")
    with pytest.raises(ParameterError, match="labs: expected one of"):
        release(SOURCES, tmp_path / "out", wheel=tmp_path / "w.whl", labs=("lab09",))
    assert re.match(r"lab\d\d", LABS[0])
