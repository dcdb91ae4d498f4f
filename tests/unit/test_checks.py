"""``alloava_analysis.checks``: each check refuses what it should, naming the option and what is allowed."""
from __future__ import annotations

import math

import pytest

from alloava_analysis import checks
from alloava_analysis.errors import ParameterError
from tests.fixtures.bad_options import walk_bad_options


@pytest.mark.parametrize("call, message", [
    (lambda: checks.check_positive("window_s", -1.0), "expected a number > 0, got -1.0"),
    (lambda: checks.check_positive("window_s", math.inf), "expected a number > 0, got inf"),
    (lambda: checks.check_positive("window_s", "5"), "expected a number, got '5'"),
    (lambda: checks.check_nonnegative("window_s", math.nan), "expected a number, got nan"),
    (lambda: checks.check_range("window_s", 1.5, 0.0, 1.0), "expected a number in [0.0, 1.0], got 1.5"),
    (lambda: checks.check_range("window_s", 0.0, 0.0, 1.0, inclusive=(False, True)), "in (0.0, 1.0]"),
    (lambda: checks.check_int("window_s", 2.5), "expected an integer, got 2.5"),
    (lambda: checks.check_int("window_s", True), "expected an integer, got True"),
    (lambda: checks.check_int("window_s", 0, minimum=1), "expected an integer >= 1, got 0"),
    (lambda: checks.check_option("window_s", "wide", ("short", "long")), "expected one of 'short', 'long'; got 'wide'"),
    (lambda: checks.check_options("window_s", ["short", "wide"], ("short", "long")), "got 'wide'"),
    (lambda: checks.check_options("window_s", "short", ("short", "long")), "expected a list of values"),
    (lambda: checks.check_options("window_s", 3, ("short", "long")), "expected a list of values"),
])
def test_bad_values_are_refused_naming_the_option_and_what_is_allowed(call, message):
    with pytest.raises(ParameterError) as info:
        call()
    assert info.value.name == "window_s" and "window_s" in str(info.value)
    assert message in str(info.value), str(info.value)


def test_allowed_values_come_back_and_the_checks_own_options_are_checked():
    assert checks.check_option("group", "hands", ("hands", "head"), extra="body-part groups") == "hands"
    assert checks.check_options("group", ("hands",), ["hands", "head"]) == ["hands"]
    assert checks.check_positive("window_s", None, allow_none=True) is None
    assert checks.check_range("alpha", 1.0, 0.0, 1.0) == 1.0
    with pytest.raises(ParameterError) as info:
        checks.check_option("group", "legs", ("hands", "head"))
    assert info.value.allowed == ("hands", "head")
    outcomes = walk_bad_options(checks.check_range, "alpha", 0.05, 0.0, 1.0)
    assert outcomes["inclusive"][()] == outcomes["inclusive"]["x"] == "ParameterError"
