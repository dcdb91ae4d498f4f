"""make demo's report builder: executed notebooks, HTML, figures, index and summary; failures reported."""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from alloava_analysis import demo

pytest.importorskip("papermill")


def _notebook(path, code):
    nb = new_notebook(cells=[new_markdown_cell("# 99 — A test\n\n**Purpose.** Check the builder.\n\n**Inputs.** none"),
                             new_code_cell('corpus_dir = ""', metadata={"tags": ["parameters"]}),
                             new_code_cell(code)],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, str(path))
    return path


def test_reports_index_and_summary_with_one_failing_notebook(tmp_path):
    good = _notebook(tmp_path / "91_good.ipynb",
                     "import matplotlib.pyplot as plt\n"
                     "from alloava_analysis.report import show_key_results\n"
                     "plt.plot([0, 1]); plt.show()\nshow_key_results({'answer': 42, 'r': 0.25})")
    bad = _notebook(tmp_path / "92_bad.ipynb", "raise ValueError('planted failure')")
    out = tmp_path / "reports"
    rows, index = demo.build_reports([good, bad], out)
    assert [r["ok"] for r in rows] == [True, False]
    assert rows[0]["key"] == {"answer": 42, "r": 0.25}
    assert rows[0]["title"] == "99 — A test" and rows[0]["purpose"] == "Check the builder."
    assert rows[0]["figures"] and rows[0]["figures"][0].read_bytes()[:4] == b"\x89PNG"
    assert rows[1]["error"] == "In [2]: ValueError: planted failure"
    assert (out / "91_good.html").is_file() and (out / "92_bad.html").is_file()
    assert "planted failure" in (out / "92_bad.html").read_text()  # rendered up to the error
    page = index.read_text()
    assert "91_good.html" in page and "answer: 42" in page and "failed" in page
    text = demo.summary_text(rows, total_s=61, index=index)
    assert "1 of 2 notebooks ok in 1.0 min" in text and "FAIL" in text and "answer 42" in text
    assert len(text.splitlines()) <= 24  # one screen


def test_a_notebook_run_leaves_nothing_in_the_temporary_folder_and_starts_its_kernel_quietly(tmp_path, capfd):
    # make demo left about 0.8 GB of notebooks 10, 60 and 70's tempfile.mkdtemp folders in /tmp, and printed
    # ipykernel's "running over TCP without encryption" warning once per notebook
    nb = _notebook(tmp_path / "93_temp.ipynb",
                   "import tempfile, pathlib, os\n"
                   "work = pathlib.Path(tempfile.mkdtemp(prefix='alloava-nb-'))\n"
                   "(work / 'big.bin').write_bytes(b'0' * 100_000)\n"
                   "print('WORK', work, 'END')")
    before = set(os.environ.items())
    run = demo.run_notebook(nb, tmp_path / "out.ipynb")
    assert run["ok"], run["error"]
    out = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4)
    text = "".join(o.get("text", "") for c in out.cells if c.cell_type == "code" for o in c.get("outputs", []))
    work = Path(text.split("WORK ")[1].split(" END")[0])
    assert work.name.startswith("alloava-nb-") and "alloava-demo-kernel-" in str(work.parent)
    assert not work.exists() and not work.parent.exists()
    assert set(os.environ.items()) == before
    assert "without encryption" not in capfd.readouterr().err
    assert demo.kernel_config() == {"KernelManager": {"transport": "ipc"}}


def test_index_shows_the_graded_lab_solutions(tmp_path):
    labs = [{"lab": "lab01", "notebook": "01_x.ipynb", "max": 6.0, "total": 6.0, "points": {"q1": 1.0, "q3": 2.0},
             "gradebook": tmp_path / "labs" / "lab01" / "gradebook.csv",
             "feedback": tmp_path / "labs" / "lab01" / "feedback" / "solution.txt", "error": ""},
            {"lab": "lab02", "notebook": "02_y.ipynb", "max": 7.0, "total": 0.0, "points": {}, "gradebook": None,
             "feedback": None, "error": "AlloAvaError: planted"}]
    page = demo.write_index([], tmp_path, labs=labs).read_text()
    assert "Course labs" in page and "6 / 6" in page and "q3 2" in page and "labs/lab01/gradebook.csv" in page
    assert "0 / 7" in page and "planted" in page
    with pytest.raises(demo.ParameterError, match="labs"):
        demo.write_index([], tmp_path, labs="lab01")
