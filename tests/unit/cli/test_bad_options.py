"""Every keyword option of ``alloava_analysis.cli`` takes a bad value well: accepted, or a ParameterError naming it.

The commands' own options are checked by argparse (their types come from :mod:`alloava_analysis.cli.common`)
and reach the library as settings; what is walked here are the Python helpers with keyword options.
"""
from __future__ import annotations

import pytest

from alloava_analysis.cli import human
from alloava_analysis.errors import ParameterError
from tests.fixtures.bad_options import table_tests

RESULT = {"skipped": [{"path": "x.txt", "reason": "not a clip"}], "failed": [{"clip_id": "c", "reason": "r"}],
          "warnings": ["a warning"], "notes": ["a note"]}

#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "cli.build_parser": lambda tmp: ((), {}),
    "cli.human.num": lambda tmp: ((3.14159,), {}),
    "cli.human.pct": lambda tmp: ((0.25,), {}),
    "cli.human.ci": lambda tmp: ((0.1, 0.2), {}),
    "cli.human.table": lambda tmp: (([["a", 1], ["bb", 22]], ["name", "n"]), {}),
    "cli.human.problem_lines": lambda tmp: ((RESULT,), {}),
    "cli.human.note_lines": lambda tmp: ((RESULT,), {}),
    "cli.human.warning_lines": lambda tmp: ((RESULT,), {}),
}
#: qualified name -> why it is not called here.
EXEMPT: dict[str, str] = {}

test_table_is_complete, test_calls_are_valid, test_walks = table_tests("cli", CALLS, EXEMPT)


@pytest.mark.parametrize("call, option", [
    (lambda: human.num(1.5, digits=2.5), "digits"),
    (lambda: human.ci(0.1, 0.2, digits=0), "digits"),
    (lambda: human.num(1.5, signed="yes"), "signed"),
    (lambda: human.table([["a"]], indent=2), "indent"),
    (lambda: human.table([["a", 1]], align="lc"), "align"),
])
def test_important_bad_values_are_refused(call, option):
    with pytest.raises(ParameterError, match=option) as info:
        call()
    assert info.value.name == option
