"""report's keyword options with bad values: accepted, or refused with a ParameterError naming the option."""
from __future__ import annotations

import importlib

import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.report import show_key_results
from tests.fixtures.bad_options import public_functions_with_options, qualified, walk_bad_options

pytest.importorskip("IPython")

#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "report.show_key_results": lambda tmp: (({"answer": 42, "r": 0.25},), {}),
}
EXEMPT: dict[str, str] = {}


def _function(name: str):
    module, _, function = name.rpartition(".")
    return getattr(importlib.import_module(f"alloava_analysis.{module}"), function)


def test_every_function_with_options_is_walked_or_exempt():
    assert set(CALLS) | set(EXEMPT) == public_functions_with_options("report")
    assert not set(CALLS) & set(EXEMPT)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_bad_options_are_accepted_or_refused_by_name(name, tmp_path):
    fn = _function(name)
    assert qualified(fn) == name
    args, fixed = CALLS[name](tmp_path)
    walk_bad_options(fn, *args, **fixed)


def test_a_title_that_is_not_a_string_is_refused():
    with pytest.raises(ParameterError, match="title: expected a string, got 3"):  # was a TypeError from str.join
        show_key_results({"answer": 42}, title=3)
    assert show_key_results({"answer": 42}, title="Key results") == {"answer": 42}
