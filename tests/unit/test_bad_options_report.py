"""report's keyword options with bad values: accepted, or refused with a ParameterError naming the option."""
from __future__ import annotations

import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.report import show_key_results
from tests.fixtures.bad_options import table_tests

pytest.importorskip("IPython")

#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "report.show_key_results": lambda tmp: (({"answer": 42, "r": 0.25},), {}),
}
EXEMPT: dict[str, str] = {}

test_table_is_complete, test_calls_are_valid, test_walks = table_tests("report", CALLS, EXEMPT)


def test_a_title_that_is_not_a_string_is_refused():
    with pytest.raises(ParameterError, match="title: expected a string, got 3"):  # was a TypeError from str.join
        show_key_results({"answer": 42}, title=3)
    assert show_key_results({"answer": 42}, title="Key results") == {"answer": 42}
