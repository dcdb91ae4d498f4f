"""``alloava_analysis.errors`` has no functions; its ParameterError family is what the walks accept."""
from __future__ import annotations

from tests.fixtures.bad_options import assert_table_complete

CALLS: dict = {}
EXEMPT: dict[str, str] = {}


def test_table_is_complete():
    assert_table_complete("errors", CALLS, EXEMPT)
