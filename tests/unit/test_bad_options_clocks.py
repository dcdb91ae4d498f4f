"""Bad keyword options of :mod:`alloava_analysis.clocks` are accepted or refused with a ParameterError naming them."""
from __future__ import annotations

import math

import numpy as np
import pytest

from alloava_analysis import clocks
from alloava_analysis.errors import ParameterError
from tests.fixtures.bad_options import table_tests, walk_bad_options

T = np.arange(20) / 10.0  # 2 s at 10 Hz


def _windows():
    return clocks.make_windows(0.0, 2.0, window_s=0.5)


#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "clocks.aggregate_windows": lambda tmp: ((np.sin(T), T, _windows()), {}),
    "clocks.count_in_windows": lambda tmp: ((np.array([0.1, 0.7, 1.2]), _windows()), {}),
    "clocks.make_windows": lambda tmp: ((0.0, 2.0), {"window_s": 0.5}),
    "clocks.resample_to_times": lambda tmp: ((np.sin(T), T, np.arange(5) / 2.5), {}),
}
#: qualified name -> why it is not called here.
EXEMPT: dict[str, str] = {}

test_table_is_complete, test_calls_are_valid, test_walks = table_tests("clocks", CALLS, EXEMPT)


def test_important_bad_values_are_refused(tmp_path):
    args, _ = CALLS["clocks.make_windows"](tmp_path)
    for bad in (-1.0, 0.0, math.nan, math.inf, "5"):
        with pytest.raises(ParameterError, match="window_s") as err:
            clocks.make_windows(*args, window_s=bad)
        assert err.value.name == "window_s"
    with pytest.raises(ParameterError, match=r"expected a number > 0, got -1\.0"):
        clocks.make_windows(*args, window_s=1.0, hop_s=-1.0)
    with pytest.raises(ParameterError, match="stop"):
        clocks.make_windows(0.0, math.nan, window_s=1.0)
    outcomes = walk_bad_options(clocks.aggregate_windows, *CALLS["clocks.aggregate_windows"](tmp_path)[0])
    assert outcomes["how"]["no-such-choice"] == "ParameterError"
    assert outcomes["min_coverage"][-1.0] == "ParameterError"
    assert walk_bad_options(clocks.resample_to_times, *CALLS["clocks.resample_to_times"](tmp_path)[0])["method"][3] \
        == "ParameterError"
    with pytest.raises(ParameterError, match="rate_hz"):
        clocks.count_in_windows([0.1], _windows(), rate_hz=0.0)
    with pytest.raises(ParameterError, match="time_axes"):
        clocks.shared_span()
