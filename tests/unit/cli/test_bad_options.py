"""Every keyword option of ``alloava_analysis.cli`` takes a bad value well: accepted, or a ParameterError naming it.

The commands' own options are checked by argparse (their types come from :mod:`alloava_analysis.cli.common`)
and reach the library as settings; what is walked here are the Python helpers with keyword options.
"""
from __future__ import annotations

import pytest

from alloava_analysis.cli import build_parser, human
from alloava_analysis.errors import ParameterError
from tests.fixtures.bad_options import public_functions_with_options, qualified, walk_bad_options

RESULT = {"skipped": [{"path": "x.txt", "reason": "not a clip"}], "failed": [{"clip_id": "c", "reason": "r"}],
          "notes": ["a note"]}

#: function -> its minimal valid positional arguments.
CALLS = {
    build_parser: (),
    human.num: (3.14159,),
    human.pct: (0.25,),
    human.ci: (0.1, 0.2),
    human.table: ([["a", 1], ["bb", 22]], ["name", "n"]),
    human.problem_lines: (RESULT,),
    human.note_lines: (RESULT,),
}


def test_every_function_with_options_is_walked():
    assert {qualified(fn) for fn in CALLS} == public_functions_with_options("cli")


@pytest.mark.parametrize("fn", list(CALLS), ids=qualified)
def test_bad_options_are_accepted_or_a_parameter_error(fn):
    walk_bad_options(fn, *CALLS[fn])


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
