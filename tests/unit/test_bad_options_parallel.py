"""parallel's keyword options with bad values: accepted, or refused with a ParameterError naming the option."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from alloava_analysis import parallel
from alloava_analysis.errors import ParameterError
from tests.fixtures.bad_options import table_tests

ROOT = Path(__file__).resolve().parents[2]


def _identity(item):
    return item


#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "parallel.run_each": lambda tmp: ((_identity, [1, 2]), {}),
    "parallel.map_ordered": lambda tmp: ((_identity, [1, 2]), {}),
    "parallel.map_chunked": lambda tmp: ((_identity, [1, 2]), {}),
    "parallel.executor_for": lambda tmp: ((1.0, 2.0), {"workers": 1, "scheduler": None}),
}
EXEMPT = {
    "parallel.die_with_parent": "arms a kill-on-parent-death signal and a watchdog thread in the calling process; "
                                "walked in a child process by test_die_with_parent_walked_in_a_child_process",
}

test_table_is_complete, test_calls_are_valid, test_walks = table_tests("parallel", CALLS, EXEMPT)


def test_die_with_parent_walked_in_a_child_process():
    script = ("import json, math, os\n"
              "from tests.fixtures.bad_options import walk_bad_options\n"
              "from alloava_analysis.parallel import die_with_parent\n"
              "out = walk_bad_options(die_with_parent, os.getppid())\n"
              "print(json.dumps({k: {repr(v): o for v, o in d.items()} for k, d in out.items()}))\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    outcomes = json.loads(proc.stdout.strip().splitlines()[-1])
    # -1, NaN, inf, "x" are refused before anything is armed (-1 made the watchdog spin)
    assert outcomes["interval_s"] == {"-1.0": "ParameterError", "'nan'": "ParameterError",
                                      "inf": "ParameterError", "'x'": "ParameterError"}


@pytest.mark.parametrize("workers", [0, -1, 2.5, "2"])
def test_bad_worker_counts_are_refused_when_called_not_when_iterated(workers):
    with pytest.raises(ParameterError, match="workers") as info:
        parallel.run_each(_identity, [1, 2], workers=workers)  # not iterated: the check is at the call
    assert info.value.name == "workers"
    with pytest.raises(ParameterError, match="workers"):
        parallel.map_ordered(_identity, [1, 2], workers=workers)
    with pytest.raises(ParameterError, match="workers"):
        parallel.map_chunked(_identity, [1, 2], workers=workers)
    with pytest.raises(ParameterError, match="workers"):
        with parallel.keep_workers(workers):
            pass


def test_chunks_per_worker_is_checked():
    with pytest.raises(ParameterError, match=r"chunks_per_worker.*>= 1, got 0"):
        parallel.map_chunked(_identity, [1, 2], chunks_per_worker=0)
    assert parallel.map_chunked(_identity, [1, 2, 3], chunks_per_worker=1) == [1, 2, 3]
