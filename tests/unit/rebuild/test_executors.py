"""Step workers end with the process that started them."""
from __future__ import annotations

import os

import pytest


@pytest.mark.parametrize("kernel_signal", [True, False])
def test_a_process_set_to_die_with_its_parent_does(tmp_path, kernel_signal):
    """The kernel's parent-death signal (Linux) and the portable watchdog thread each end an orphan."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    repo = Path(__file__).resolve().parents[3]
    armed = tmp_path / "armed"
    child = ("import os, sys, time; from alloava_analysis.rebuild.executors import die_with_parent; "
             f"die_with_parent(int(sys.argv[1]), interval_s=0.1, kernel_signal={kernel_signal}); "
             f"open({str(armed)!r}, 'w').close(); time.sleep(60)")
    parent = ("import os, subprocess, sys, time; "
              f"p = subprocess.Popen([sys.executable, '-c', {child!r}, str(os.getpid())]); print(p.pid, flush=True); "
              "time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", parent], cwd=repo, stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=str(repo)))
    orphan = int(proc.stdout.readline())
    stat = Path(f"/proc/{orphan}/stat")
    deadline = time.monotonic() + 30
    while not armed.exists():
        assert time.monotonic() < deadline, "the child never armed itself"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30  # generous; it goes within a fraction of a second
    while stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] not in "ZX":
        assert time.monotonic() < deadline, "the orphan outlived its parent"
        time.sleep(0.05)
