"""Hostile inputs and faults through the ``alloava`` command: a reported failure of that clip, never a traceback.

Each case breaks one clip of a four-clip corpus; ``convert``, ``validate`` and
``stats`` with ``--json`` must print one JSON object naming the clip and its
file, process the other clips, and exit 1 (some clips failed).
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from alloava_analysis.cli import main
from alloava_analysis.io import store as st
from alloava_analysis.io.layout import modality_path
from alloava_analysis.runs.convert import convert_corpus
from tests.fixtures import datasets


def _replace_first(path: Path, pattern: str, literal: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(pattern, lambda m: m.group(1) + literal, text, count=1), encoding="utf-8")


def deep_nesting(path: Path) -> None:
    depth = 200_000
    path.write_text('{"frames": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")


CASES = {
    # name: (modality, how to break its file)
    "deeply nested keypoints": ("keypoints", deep_nesting),
    "deeply nested transcript": ("transcript", deep_nesting),
    "integer too large for a float (keypoints)": ("keypoints", lambda p: _replace_first(p, r'("x": )[-0-9.e]+',
                                                                                       "1" + "0" * 400)),
    "integer too large for a float (transcript)": ("transcript", lambda p: _replace_first(
        p, r'("start": )[-0-9.e]+', "1" + "0" * 400)),
    "5,000-digit integer literal": ("keypoints", lambda p: _replace_first(p, r'("timestamp": )[-0-9.e]+',
                                                                         "9" * 5000)),
    "float literal beyond the float range": ("transcript", lambda p: _replace_first(p, r'("end": )[-0-9.e]+',
                                                                                   "1e999")),
}


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    return root, datasets.write_tiny_corpus(root, 4)


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main([*argv, "--json", "--quiet"])
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_file_fails_its_clip_and_the_batch_carries_on(corpus, capsys, case):
    root, ids = corpus
    modality, breaker = CASES[case]
    bad = ids[1]
    path = modality_path(root, modality, bad)
    breaker(path)

    code, result = run_json(capsys, "convert", str(root))
    assert code == 1
    assert result["clips"] == 3 and [f["clip_id"] for f in result["failed"]] == [bad]
    assert path.name in result["failed"][0]["reason"]

    code, result = run_json(capsys, "validate", str(root))
    assert code == 1 and result["n_ok"] == 3 and result["n_errors"] == 1
    report = next(c for c in result["clips"] if c["clip_id"] == bad)
    assert any(path.name in e for e in report["errors"])

    (root / "store").rename(root.parent / "old_store")  # stats must read the JSON itself
    code, result = run_json(capsys, "stats", str(root))
    assert code == 1 and result["measured"]["videos"] == 3
    assert [f["clip_id"] for f in result["failed"]] == [bad] and path.name in result["failed"][0]["reason"]


# ---------------------------------------------------------------------------------------------
# a full disk, for real: a small tmpfs (root only; skipped with the reason elsewhere)
PAGE = 4096


@pytest.fixture
def small_disk(tmp_path):
    """``mount(pages)`` gives a fresh tmpfs of that many 4 KiB pages; unmounted afterwards."""
    import subprocess

    mounted = []

    def mount(pages: int) -> Path:
        point = tmp_path / f"disk{len(mounted)}"
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={pages * PAGE},mode=0755", "tmpfs", str(point)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs to fill a disk for real ({done.stderr.strip() or done.returncode}); "
                        f"the disk-full cases need root and mount permission")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def _pages(paths) -> int:
    return sum(-(-p.stat().st_size // PAGE) for p in paths if p.is_file())


def _fill(disk: Path, leave_pages: int) -> None:
    """Fill ``disk`` so that ``leave_pages`` pages remain free."""
    import os

    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    (disk / "filler").write_bytes(b"\0" * (free - leave_pages * PAGE))


@pytest.mark.parametrize("runs_out", ["while writing the store index", "while writing the clips"])
def test_a_full_disk_fails_clips_with_a_reason_and_leaves_no_temporaries(corpus, capsys, small_disk, tmp_path,
                                                                         runs_out):
    root, ids = corpus
    reference = tmp_path / "reference_store"
    assert main(["convert", str(root), "--store", str(reference), "--quiet"]) == 0
    partitions = _pages(p for p in reference.rglob("*") if p.name != "index.parquet")
    index = _pages([reference / "index.parquet"])
    disk = small_disk(partitions + index + 16)
    leave = partitions + index - 1 if runs_out.endswith("index") else partitions // 2
    _fill(disk, leave)
    store = disk / "store"

    code, result = run_json(capsys, "convert", str(root), "--store", str(store))
    assert code == 1 and result["failed"]
    assert all("No space left on device" in f["reason"] for f in result["failed"]), result["failed"]
    # Which clips an index written part-way (every few seconds) still holds depends on the machine's
    # speed, so the test checks what holds whatever the timing: every clip is either in the index on
    # disk, and counted as converted, or listed as failed; none is both, none is lost.
    saved = set(st.read_index(store)["clip_id"]) if (store / "index.parquet").exists() else set()
    failed = {f["clip_id"] for f in result["failed"]}
    assert failed == set(ids) - saved and result["clips"] == len(saved), (saved, result)
    if runs_out.endswith("index"):  # the index written at the end does not fit: its clips are failed
        assert all("store index could not be written" in f["reason"] for f in result["failed"])
    else:
        assert 0 < len(result["failed"]) < len(ids) or result["clips"] == 0
    assert [p.name for p in store.rglob(".*") if ".part" in p.name] == []  # no temporary left behind

    (disk / "filler").unlink()  # space again: the next run converts what is missing
    code, result = run_json(capsys, "convert", str(root), "--store", str(store))
    assert code == 0 and result["clips"] + result["unchanged"] == len(ids) and result["failed"] == []


# ---------------------------------------------------------------------------------------------
# convert killed with SIGKILL: the next run removes its temporaries and redoes only unsaved clips
def test_a_killed_convert_leaves_no_temporaries_and_is_not_redone(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from alloava_analysis.corpus import Corpus
    from alloava_analysis.io import store as st

    root = tmp_path / "corpus"
    ids = datasets.write_tiny_corpus(root, 10, n_frames=600)
    repo = Path(__file__).resolve().parents[2]
    # The child holds still once an index of 2 clips is on disk (it signs that with a file), so the kill
    # lands mid-run however fast or loaded the machine is, not when a polling loop happens to look.
    paused = tmp_path / "paused"
    script = ("import sys, time; from alloava_analysis.corpus import Corpus; from alloava_analysis.io import store\n"
              "from alloava_analysis.runs.convert import convert_corpus\n"
              "write = store.write_index\n"
              "def write_then_hold(folder, index):\n"
              "    write(folder, index)\n"
              "    if len(index) >= 2:\n"
              "        open(sys.argv[2], 'w').close(); time.sleep(600)\n"
              "store.write_index = write_then_hold\n"
              "convert_corpus(Corpus(sys.argv[1]), index_every_s=0, progress=False)")
    proc = subprocess.Popen([sys.executable, "-c", script, str(root), str(paused)], cwd=repo,
                            env=dict(os.environ, PYTHONPATH=str(repo)), stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120  # a bound for a broken run only
    while not paused.exists():
        assert proc.poll() is None, f"convert ended ({proc.returncode}) before indexing 2 clips: " \
            f"{proc.stderr.read()[-2000:]!r}"
        assert time.monotonic() < deadline, "convert never indexed 2 clips"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    saved = set(st.read_index(root / "store")["clip_id"])
    assert 2 <= len(saved) < len(ids)
    # what a kill in the middle of a write leaves: a hidden temporary beside the partition
    stale = root / "store" / "words" / f"clip_id={ids[-1]}" / ".part-0.abcd1234.part.parquet"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"PAR1 half written")

    result = convert_corpus(Corpus(root), progress=False)
    assert result["failed"] == [] and result["unchanged"] == len(saved)
    assert result["clips"] == len(ids) - len(saved)
    assert [p for p in (root / "store").rglob(".*") if ".part" in p.name] == []


def test_a_second_writer_is_refused_while_the_store_is_locked(corpus, capsys):
    from alloava_analysis.io import store as st

    root, _ = corpus
    with st.store_lock(root / "store"):
        code, result = run_json(capsys, "convert", str(root))
    assert code == 1 and result["error"] == "StoreBusyError" and "another process" in result["message"]
    code, result = run_json(capsys, "convert", str(root))
    assert code == 0 and result["clips"] == 4


# ---------------------------------------------------------------------------------------------
# rebuild --workers 2 whose parent is killed with SIGKILL: the workers end too
def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        out += [int(c) for c in text]
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie has finished; only its exit status waits to be read


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to find the worker processes")
def test_workers_end_when_the_rebuild_parent_is_killed(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    import pandas as pd

    from tests.fixtures.http_files import FileServer

    src = tmp_path / "src"
    src.mkdir()
    ids = ["TED_aaaaaaaaaaa", "TED_bbbbbbbbbbb"]
    for clip_id in ids:
        (src / f"{clip_id}.mp4").write_bytes(os.urandom(400_000))
    out = tmp_path / "out"
    repo = Path(__file__).resolve().parents[2]
    with FileServer(src) as server:
        for clip_id in ids:  # minutes per file: the workers are mid-download when the parent dies
            server.throttle[f"{clip_id}.mp4"] = (1024, 0.2)
        manifest = tmp_path / "m.csv"
        pd.DataFrame([{"clip_id": c, "url": server.url(f"{c}.mp4"), "modalities": "video"} for c in ids]).to_csv(
            manifest, index=False)
        proc = subprocess.Popen([sys.executable, "-m", "alloava_analysis.cli", "rebuild", str(manifest), "--out",
                                 str(out), "--workers", "2", "--allow-host", "127.0.0.1", "--no-sync", "--json",
                                 "--quiet"], cwd=repo, env=dict(os.environ, PYTHONPATH=str(repo)),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while len({path for _, path, _ in server.requests}) < 2:  # both workers are downloading
                assert proc.poll() is None and time.monotonic() < deadline, "rebuild never started both downloads"
                time.sleep(0.05)
            workers = [pid for pid in _children(proc.pid)
                       if "resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")]
            assert len(workers) == 2
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            deadline = time.monotonic() + 30  # a generous bound; they go within about a second
            while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not any(_alive(pid) for pid in workers), "worker processes outlived their killed parent"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
    sizes = {p: p.stat().st_size for p in out.rglob("*") if p.is_file()}
    time.sleep(1.0)
    assert {p: p.stat().st_size for p in out.rglob("*") if p.is_file()} == sizes  # nothing writes into OUT any more


def test_labels_that_would_shadow_the_transcripts_are_a_clear_error_not_zero_words(corpus, capsys):
    root, ids = corpus
    labels = root / "labels.csv"
    labels.write_text("clip_id,transcript,gender\n" + "".join(f"{c},yes,female\n" for c in ids), encoding="utf-8")
    code, result = run_json(capsys, "stats", str(root))
    assert code != 0 and result["error"] == "SchemaError"
    assert "'transcript'" in result["message"] and str(labels) in result["message"]


# ---------------------------------------------------------------------------------------------
# extract onto its own corpus: the input is never overwritten, whatever the paths
def _studio_wav(path: Path) -> Path:
    """One second of 24-bit stereo 48 kHz audio (not the layout's 16-bit mono)."""
    import numpy as np
    import soundfile as sf

    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(48_000) / 48_000
    sf.write(str(path), np.stack([0.1 * np.sin(2 * np.pi * 220 * t), 0.1 * np.sin(2 * np.pi * 330 * t)], 1),
             48_000, subtype="PCM_24")
    return path


def _extract(capsys, source: Path, out: Path) -> tuple[int, dict]:
    return run_json(capsys, "extract", str(source), "--out", str(out), "--no-sync", "--offline")


@pytest.mark.media
@pytest.mark.parametrize("how", ["same path", "through a linked folder", "hard link", "symbolic link"])
def test_extract_onto_its_own_corpus_never_overwrites_the_input(tmp_path, capsys, how):
    import hashlib
    import os

    pytest.importorskip("faster_whisper")
    corpus = tmp_path / "corpus"
    target = corpus / "audio" / "TED_aaaaaaaaaaa.wav"
    out = corpus
    if how in ("same path", "through a linked folder"):
        source = _studio_wav(target)
        if how == "through a linked folder":
            (tmp_path / "alias").symlink_to(corpus, target_is_directory=True)
            out = tmp_path / "alias"
    else:
        source = _studio_wav(tmp_path / "elsewhere" / "TED_aaaaaaaaaaa.wav")
        target.parent.mkdir(parents=True)
        os.link(source, target) if how == "hard link" else target.symlink_to(source)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    code, result = _extract(capsys, source, out)
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before  # still 24-bit stereo
    reasons = {s["modality"]: s["reason"] for s in result["skipped"]}
    assert "is the input file" in reasons["audio"] and code == 1
    assert [p.name for p in corpus.rglob(".*") if ".part" in p.name] == []


@pytest.mark.media
def test_a_full_disk_while_extracting_is_a_clear_error_with_json(tmp_path, capsys, small_disk):
    pytest.importorskip("faster_whisper")
    source = _studio_wav(tmp_path / "TED_aaaaaaaaaaa.wav")
    disk = small_disk(6)  # the 16-bit WAV alone needs 24 pages
    code, result = _extract(capsys, source, disk / "corpus")
    assert code == 1 and result["error"] == "ExtractionError"
    assert "No space left on device" in result["message"] and str(disk / "corpus") in result["message"]
    assert [p.name for p in disk.rglob(".*") if ".part" in p.name] == []


# ---------------------------------------------------------------------------------------------
# an unreadable modality folder and an unreadable file; tests run as root, where chmod does not stop
# reads, so the command runs with the two capabilities that bypass file permissions dropped
def _drop_permission_override() -> None:  # runs in the child between fork and exec
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH; out of the bounding set survives exec
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            os._exit(97)


def _run_unprivileged(*argv: str) -> subprocess.CompletedProcess:
    repo = Path(__file__).resolve().parents[2]
    return subprocess.run([sys.executable, "-m", "alloava_analysis.cli", *argv, "--json", "--quiet"], cwd=repo,
                          env=dict(os.environ, PYTHONPATH=str(repo)), capture_output=True, text=True,
                          preexec_fn=_drop_permission_override if os.geteuid() == 0 else None)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux capabilities or a non-root user")
def test_unreadable_folders_and_files_are_reported_with_json(corpus):
    root, ids = corpus
    folder, unreadable = root / "transcript", modality_path(root, "keypoints", ids[2])
    probe = root / "probe.txt"
    probe.write_text("x")
    folder.chmod(0o000)
    unreadable.chmod(0o000)
    probe.chmod(0o000)
    try:
        probe_read = subprocess.run([sys.executable, "-c", f"open({str(probe)!r}).read()"], capture_output=True,
                                    preexec_fn=_drop_permission_override if os.geteuid() == 0 else None)
        if probe_read.returncode == 97:
            pytest.skip("cannot drop CAP_DAC_OVERRIDE here (needs CAP_SETPCAP), so chmod cannot make files unreadable")
        if probe_read.returncode == 0:
            pytest.skip("this user reads mode-000 files anyway; an unreadable file cannot be made here")
        results = {}
        for command in ("validate", "convert", "stats"):
            done = _run_unprivileged(command, str(root))
            assert "Traceback" not in done.stderr, done.stderr[-3000:]
            results[command] = (done.returncode, json.loads(done.stdout))
        (root / "labels.csv").chmod(0o000)  # a file the command itself needs: a clear error, as JSON
        done = _run_unprivileged("stats", str(root))
        (root / "labels.csv").chmod(0o644)
        assert "Traceback" not in done.stderr and done.returncode == 1, done.stderr[-3000:]
        assert json.loads(done.stdout)["error"] == "PermissionError" and \
            "labels.csv" in json.loads(done.stdout)["message"]
    finally:
        for path in (folder, unreadable, probe):
            path.chmod(0o755 if path.is_dir() else 0o644)
    for command, (code, result) in results.items():
        assert code == 1, command
        skipped = result["skipped"]
        assert any(s["path"] == str(folder) and "Permission denied" in s["reason"] for s in skipped), command
    code, result = results["validate"]
    report = next(c for c in result["clips"] if c["clip_id"] == ids[2])
    assert any(unreadable.name in e and "Permission denied" in e for e in report["errors"])
    code, result = results["convert"]
    assert [f["clip_id"] for f in result["failed"]] == [ids[2]] and result["clips"] == 3
    assert "Permission denied" in result["failed"][0]["reason"]


STALL_HOOK = '''
import os, time
from pathlib import Path


def stall(clip, **options):
    """Say that this worker took a clip, then work on it until stopped."""
    Path(os.environ["ALLOAVA_TEST_MARKERS"], str(os.getpid())).write_text("started")
    while True:
        time.sleep(0.05)
'''

RUN_CORRELATE = '''
import sys

if __name__ == "__main__":  # the spawned workers import this file again
    import stall_hook
    import alloava_analysis.runs.correlate as correlate
    correlate.clip_tables = stall_hook.stall  # the workers import stall_hook by name (PYTHONPATH)
    from alloava_analysis.cli import main
    sys.exit(main(sys.argv[1:]))
'''


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to find the worker processes")
@pytest.mark.parametrize("signum, status", [("SIGINT", 130), ("SIGTERM", 143)])
def test_ctrl_c_or_sigterm_during_correlate_with_workers_stops_cleanly_leaving_nothing(corpus, tmp_path, signum,
                                                                                     status):
    """A real signal to a real ``correlate --workers 2`` once both workers hold a clip (marker files, no sleeps)."""
    import signal
    import time

    root, _ = corpus
    hooks, markers, tmp = tmp_path / "hooks", tmp_path / "markers", tmp_path / "tmp"
    for folder in (hooks, markers, tmp):
        folder.mkdir()
    (hooks / "stall_hook.py").write_text(STALL_HOOK)
    (hooks / "run_correlate.py").write_text(RUN_CORRELATE)
    repo = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(repo), str(hooks)]), TMPDIR=str(tmp),
               ALLOAVA_TEST_MARKERS=str(markers))
    proc = subprocess.Popen([sys.executable, str(hooks / "run_correlate.py"), "correlate", str(root), "--workers", "2",
                             "--quiet"], cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 240  # a bound against hanging, not a timing assertion
        while len(list(markers.iterdir())) < 2:
            assert proc.poll() is None, f"correlate ended before both workers took a clip: {proc.communicate()}"
            assert time.monotonic() < deadline, "the workers never took a clip"
            time.sleep(0.05)
        workers = [int(p.name) for p in markers.iterdir()]
        assert list(tmp.glob("alloava-workers-*/*.pkl")), "the test must catch the workers' files in place"
        if signum == "SIGINT":  # Ctrl-C: the terminal signals the whole foreground process group
            os.killpg(proc.pid, signal.SIGINT)
        else:  # kill PID: the parent only
            os.kill(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == status, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert f"stopped by {signum}" in err
    assert not any(_alive(pid) for pid in workers), "worker processes outlived the stopped command"
    assert not list(tmp.glob("alloava-workers-*")), "the workers' folder was left behind"


@pytest.mark.parametrize("pages", [2, 16])
def test_a_full_disk_during_export_says_no_space_left_and_which_file(corpus, capsys, small_disk, pages):
    """A real tmpfs too small for the NetCDF files: each clip fails with ENOSPC naming its file (issue 23)."""
    root, _ = corpus
    disk = small_disk(pages)
    code, result = run_json(capsys, "export", str(root), "--to", "netcdf", "--out", str(disk / "nc"))
    assert code == 1 and result["failed"], result
    for failure in result["failed"]:
        assert "no space left" in failure["reason"] and "HDF error" not in failure["reason"].split("netCDF said")[0]
        assert str(disk / "nc" / failure["clip_id"]) in failure["reason"]
        assert "unexpected RuntimeError" not in failure["reason"]
    if result["files"] and not (disk / "nc" / ".alloava-export.json").exists():  # what fitted stands; it says
        assert any("export record could not be written" in n for n in result["notes"]), result  # they are unrecorded
    assert not [p for p in disk.rglob("*") if p.is_file() and not p.name.endswith((".nc", ".alloava-export.json"))]


STARTUP_HOOK = '''
import os, signal, time
from pathlib import Path

from alloava_analysis import parallel


def start_then_interrupt(*args):
    """A worker's start-up: the usual initializer, then Ctrl-C reaches the command before any clip is taken."""
    parallel._init_worker(*args)  # in a spawned worker, the module's own initializer
    Path(os.environ["ALLOAVA_TEST_MARKERS"], str(os.getpid())).write_text("starting")
    os.kill(os.getppid(), signal.SIGINT)
    while True:  # still starting when the command stops
        time.sleep(0.05)
'''

RUN_WITH_STARTUP_HOOK = '''
import sys

if __name__ == "__main__":  # the spawned workers import this file again
    import startup_hook
    import alloava_analysis.parallel as parallel
    parallel._init_worker = startup_hook.start_then_interrupt  # the pool's initializer, sent to the workers by name
    from alloava_analysis.cli import main
    sys.exit(main(sys.argv[1:]))
'''


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to find the worker processes")
def test_ctrl_c_while_workers_start_exits_130_leaving_no_partial_output(corpus, tmp_path):
    """SIGINT sent from a worker's initializer (a known point of start-up, no sleeps) to ``convert --workers 2``."""
    root, _ = corpus
    hooks, markers, tmp, store = tmp_path / "hooks", tmp_path / "markers", tmp_path / "tmp", tmp_path / "store"
    for folder in (hooks, markers, tmp):
        folder.mkdir()
    (hooks / "startup_hook.py").write_text(STARTUP_HOOK)
    (hooks / "run_convert.py").write_text(RUN_WITH_STARTUP_HOOK)
    repo = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(repo), str(hooks)]), TMPDIR=str(tmp),
               ALLOAVA_TEST_MARKERS=str(markers))
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    proc = subprocess.Popen([sys.executable, str(hooks / "run_convert.py"), "convert", str(root), "--store", str(store),
                             "--workers", "2", "--quiet"], cwd=repo, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=240)  # a bound against hanging, not a timing assertion
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    workers = [int(p.name) for p in markers.iterdir()]
    assert workers, f"no worker reached its start-up hook: {err}"
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err and "stopped by SIGINT" in err, err
    assert not any(_alive(pid) for pid in workers), "worker processes outlived the stopped command"
    assert not list(tmp.iterdir()), "the workers' folder was left behind"
    left = [p for p in store.rglob("*") if p.is_file() and p != store / st.LOCK_FILE]  # the lock file stays, empty
    assert not left, "a stopped convert left files in the store"
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
