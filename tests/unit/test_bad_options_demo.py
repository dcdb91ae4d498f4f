"""demo's keyword options with bad values: accepted, or refused with a ParameterError naming the option.

No walked call runs a notebook or a command: ``run_notebook`` and
``build_reports`` have no option with a default to walk, and every bad
``steps`` of ``run_cli_steps`` is refused before a command starts.
"""
from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from alloava_analysis import demo
from alloava_analysis.errors import ParameterError
from tests.fixtures.bad_options import table_tests


def _row(out_dir):
    html = out_dir / "91_x.html"
    return {"name": "91_x", "title": "91 — X", "purpose": "Check.", "ok": True, "seconds": 1.0, "error": None,
            "key": {"answer": 42}, "html": html, "figures": [out_dir / "figures" / "91_x" / "cell01_1.png"]}


def _notebook(tmp):
    path = tmp / "91_x.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), str(path))
    return path


#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "demo.run_cli_steps": lambda tmp: ((tmp / "sample", tmp / "reports"), {}),
    "demo.run_notebook": lambda tmp: ((_notebook(tmp), tmp / "reports" / "91_x.ipynb"), {}),
    "demo.write_index": lambda tmp: (([_row(tmp)], tmp), {}),
    "demo.summary_text": lambda tmp: (([_row(tmp)],), {"total_s": 61.0, "index": tmp / "index.html"}),
    "demo.build_reports": lambda tmp: (([], tmp / "reports"), {}),
}
EXEMPT: dict[str, str] = {}

#: Valid calls not made on their own (their walks still run).
UNCALLED = {
    "demo.run_cli_steps": "runs every alloava command of the demo",
    "demo.run_notebook": "executes a notebook with papermill",
}

test_table_is_complete, test_calls_are_valid, test_walks = table_tests("demo", CALLS, EXEMPT, uncalled=UNCALLED)


def test_unknown_or_mistyped_steps_are_refused_before_any_command_runs(tmp_path):
    with pytest.raises(ParameterError, match="steps: expected one of .*'validate'.*got 'no-such-command'"):
        demo.run_cli_steps(tmp_path, tmp_path / "reports", steps=("validate", "no-such-command"))
    with pytest.raises(ParameterError, match="steps: expected a tuple of alloava commands"):
        demo.run_cli_steps(tmp_path, tmp_path / "reports", steps="validate")  # not v, a, l, ...
    assert not (tmp_path / "reports").exists()
    assert demo.run_cli_steps(tmp_path, tmp_path / "reports", steps=()) == []


def test_summary_and_index_options(tmp_path):
    row = _row(tmp_path)
    with pytest.raises(ParameterError, match="n_key"):
        demo.summary_text([row], total_s=1.0, index=tmp_path, n_key=2.5)  # was a TypeError from a slice
    with pytest.raises(ParameterError, match="total_s"):
        demo.summary_text([row], total_s=-1.0, index=tmp_path)
    assert "answer 42" in demo.summary_text([row], total_s=1.0, index=tmp_path, n_key=1)
    with pytest.raises(ParameterError, match="note: expected a string, got 3"):
        demo.write_index([row], tmp_path, note=3)  # was an AttributeError from html.escape
