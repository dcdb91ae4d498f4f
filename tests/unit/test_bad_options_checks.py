"""The option checks' own keyword options take bad values well (what each check refuses: ``test_checks.py``)."""
from __future__ import annotations

from tests.fixtures.bad_options import table_tests

#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "checks.check_int": lambda tmp: (("n_boot", 10), {}),
    "checks.check_nonnegative": lambda tmp: (("lag_s", 0.0), {}),
    "checks.check_option": lambda tmp: (("direction", "both", ("both", "motion_first")), {}),
    "checks.check_positive": lambda tmp: (("window_s", 5.0), {}),
    "checks.check_range": lambda tmp: (("alpha", 0.05, 0.0, 1.0), {}),
}
#: Functions that cannot sensibly run in a unit test: none here.
EXEMPT: dict[str, str] = {}

test_table_is_complete, test_calls_are_valid, test_walks = table_tests("checks", CALLS, EXEMPT)
