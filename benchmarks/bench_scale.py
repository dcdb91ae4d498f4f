"""Corpus scale (issue #15, memory item of #10): convert and correlate per hour of data, workers, parsing, memory.

One run measures, side by side on a synthetic corpus of ``--clips`` clips of ``--minutes`` minutes:

* parsing one keypoint file: reading its bytes, a bare ``json.load``, the reader
  before this change (``git show OLD_REV:alloava_analysis/io/keypoints_json.py``,
  loaded in this process) and the current reader; ratios new/old and new/json
  (target: the current reader at least 3x faster than the old one);
* peak memory of reading that file (peak resident set of a fresh process, reset
  after imports with Linux ``/proc/self/clear_refs``, above its size then), old and new, as a multiple of the file size
  (target: about 2x at most), and the peak of ``convert`` on half the corpus and
  on all of it (target: flat in corpus size);
* seconds per hour of data for ``convert`` and for ``correlate`` on the store
  convert filled (its per-clip stage, which scales with the corpus, and the
  whole command, whose corpus-level MI and pooled steps do not) at 1 and 2
  workers, interleaved, best of ``--repeats``, and the speedup (target 1.8x on
  2 cores); results are checked identical across worker counts;
* the parallelism the machine really offers during the run (two CPU loops
  serially vs in two processes), before and after: on a shared machine the
  2-worker speed-up cannot exceed it;
* the whole ``convert`` and ``correlate`` (1 worker) of the code before these
  changes, run from ``git archive`` of ``--old-convert-rev`` / ``--old-correlate-rev``
  in a subprocess on the same corpus, against today's (ratios old/new);
* start-up: importing the correlation driver, ``alloava correlate --help``, and
  starting 2 local workers that import it (paid once per command: ``correlate``
  keeps its workers for all its steps), and the 2-worker speed-up of the whole
  ``correlate`` with that start-up left out (an estimate, not a measurement);
* a projection for 1,250 h on 2 cores (the marginal 2-worker rate) and on a
  64-core cluster (the marginal 1-worker rate divided by 64, assuming linear
  scaling), plus each command's fixed part (its time at this size minus the
  marginal rate times the hours: worker start-up, MI's decimated nulls) once.

The machine load (``os.getloadavg``) is printed before and after: on a shared
machine the figures are only comparable within one run.

Run: ``.venv/bin/python benchmarks/bench_scale.py [--clips 8] [--minutes 10] [--old-rev 4976061]
[--old-convert-rev 4976061] [--old-correlate-rev 8a87c6a] [--json OUT]``
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FULL_RELEASE_H = 1250.0


def _module_at(rev: str, relpath: str, name: str):
    source = subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:{relpath}"], check=True, capture_output=True,
                            text=True).stdout
    path = Path(tempfile.mkdtemp()) / Path(relpath).name
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def load_old_reader(rev: str):
    """The keypoint reader as it was at ``rev`` (with that revision's ``read_json``), or None without git."""
    import alloava_analysis.io  # noqa: F401 - the old modules' relative imports resolve against it

    try:
        transcript = _module_at(rev, "alloava_analysis/io/transcript.py", "alloava_analysis.io._transcript_old")
        module = _module_at(rev, "alloava_analysis/io/keypoints_json.py", "alloava_analysis.io._keypoints_json_old")
    except (OSError, subprocess.CalledProcessError):
        return None
    module.read_json = transcript.read_json
    return module


def spin(n: int = 8_000_000) -> int:
    """Pure-Python CPU work for the calibration."""
    total = 0
    for i in range(n):
        total += i
    return total


def available_parallelism() -> float:
    """How many cores this run really gets now: two CPU loops one after another vs in two processes.

    On a machine shared with other jobs this is well under 2, and no program can
    beat it; the speed-ups below are also given as a share of it.
    """
    from concurrent.futures import ProcessPoolExecutor

    serial = timed(lambda: (spin(), spin()))
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(abs, [1, 2]))  # workers started before timing
        parallel = timed(lambda: list(pool.map(spin, [8_000_000] * 2)))
    return serial / parallel


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def reset_peak() -> int:
    """Reset this process's peak resident set (Linux ``clear_refs`` 5); returns the current RSS in KiB."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_kib("VmRSS")


def peak_kib() -> int:
    """Peak resident set since :func:`reset_peak`, KiB."""
    return _status_kib("VmHWM")


PEAK_SCRIPT = r"""
import json, sys
mode, path, rev = sys.argv[1:4]
sys.path.insert(0, {repo!r}); sys.path.insert(0, {repo!r} + "/benchmarks")
import bench_scale
if mode == "old":
    reader = bench_scale.load_old_reader(rev).read_keypoints
else:
    from alloava_analysis.io.keypoints_json import read_keypoints as reader
import xarray, pandas  # noqa: F401
base = bench_scale.reset_peak()
reader(path)
print(json.dumps({{"base_kib": base, "peak_kib": bench_scale.peak_kib()}}))
"""

CONVERT_PEAK_SCRIPT = r"""
import json, sys
sys.path.insert(0, {repo!r}); sys.path.insert(0, {repo!r} + "/benchmarks")
import bench_scale
from alloava_analysis.corpus import Corpus
from alloava_analysis.runs.convert import convert_corpus
corpus = Corpus(sys.argv[1], store=sys.argv[2])
base = bench_scale.reset_peak()
convert_corpus(corpus, progress=False, workers=1)
print(json.dumps({{"base_kib": base, "peak_kib": bench_scale.peak_kib()}}))
"""


TIMED_AT_REV = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from alloava_analysis.corpus import Corpus
try:  # the driver layer (runs/) or, at older revisions, the methods and modules it replaced
    from alloava_analysis.runs.convert import convert_corpus
    from alloava_analysis.runs.correlate import correlate_corpus
except ImportError:
    from alloava_analysis.crossmodal.coupling import correlate_corpus
    def convert_corpus(corpus, **options):
        if "workers" not in Corpus.convert.__code__.co_varnames:
            options.pop("workers")
        return corpus.convert(**options)
step, root, store = sys.argv[2:5]
start = time.perf_counter()
if step == "convert":
    convert_corpus(Corpus(root, store=store), progress=False, force=True, workers=1)
else:
    correlate_corpus(Corpus(root, store=store), progress=False)
print(json.dumps({{"seconds": time.perf_counter() - start}}))
"""


def package_at(rev: str, out: Path) -> Path | None:
    """The package as it was at ``rev``, extracted under ``out`` (None without git)."""
    out.mkdir(parents=True, exist_ok=True)
    try:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "alloava_analysis"], check=True,
                                 capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    return out


def seconds_at(package_root: Path, step: str, root: Path, store: Path) -> float:
    """Seconds of ``step`` (convert or correlate, 1 worker) by the package under ``package_root``, imports excluded."""
    out = subprocess.run([sys.executable, "-c", TIMED_AT_REV.format(), str(package_root), step, str(root), str(store)],
                         check=True, capture_output=True, text=True, cwd=package_root,
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    return json.loads(out.stdout.strip().splitlines()[-1])["seconds"]


def run_json(script: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", script.format(repo=str(REPO)), *args], check=True,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.endswith(".lock")}


def half_corpus(root: Path, out: Path) -> Path:
    """A corpus holding the first half of ``root``'s clips (hard links; sources untouched)."""
    stems = sorted(p.stem for p in (root / "keypoints").glob("*.json"))
    ids = stems[: max(1, len(stems) // 2)]
    for folder in ("keypoints", "transcript", "audio"):
        (out / folder).mkdir(parents=True, exist_ok=True)
        for path in (root / folder).iterdir():
            if path.stem in ids:
                os.link(path, out / folder / path.name)
    return out


def _import_correlate(_item) -> int:
    """What a worker of ``correlate`` does before its first clip: import the analysis."""
    import alloava_analysis.corpus  # noqa: F401
    import alloava_analysis.crossmodal.coupling  # noqa: F401
    return os.getpid()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=12)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each worker count; the best is reported")
    parser.add_argument("--old-rev", default="4976061", help="git revision with the reader before this change")
    parser.add_argument("--old-convert-rev", default="4976061", help="git revision of the convert compared")
    parser.add_argument("--old-correlate-rev", default="8a87c6a", help="git revision of the correlate compared")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    from alloava_analysis.corpus import Corpus
    from alloava_analysis.io.jsonable import to_jsonable
    from alloava_analysis.io.keypoints_json import read_keypoints
    from alloava_analysis.parallel import map_ordered
    from alloava_analysis.runs.convert import convert_corpus
    from alloava_analysis.runs.correlate import corpus_tables, correlate_corpus
    from alloava_analysis.synthetic import SynthConfig, generate_corpus

    out: dict = {"load_before": os.getloadavg(), "cpus": os.cpu_count(), "clips": args.clips,
                 "minutes": args.minutes}
    work = Path(tempfile.mkdtemp(prefix="bench_scale_"))
    try:
        root = work / "corpus"
        generate_corpus(root, n_clips=args.clips, seed=0, progress=False,
                        config=SynthConfig(duration_s=(args.minutes * 60.0, args.minutes * 60.0)))
        hours = args.clips * args.minutes / 60.0
        out["hours"] = hours

        # parsing one file
        kp = sorted((root / "keypoints").glob("*.json"))[0]
        size = kp.stat().st_size
        old = load_old_reader(args.old_rev)
        parse = {"file_mb": round(size / 2**20, 1), "pose_minutes": args.minutes,
                 "read_bytes_s": timed(kp.read_bytes),
                 "json_load_s": timed(lambda: json.loads(kp.read_bytes())),
                 "new_s": timed(lambda: read_keypoints(kp))}
        if old is not None:
            parse["old_s"] = timed(lambda: old.read_keypoints(kp))
            parse["new_vs_old"] = parse["old_s"] / parse["new_s"]
        parse["new_vs_json_load"] = parse["json_load_s"] / parse["new_s"]
        parse["new_vs_read_bytes"] = parse["new_s"] / parse["read_bytes_s"]
        parse["new_s_per_hour_of_pose"] = parse["new_s"] * 60.0 / args.minutes
        out["parse"] = parse

        # peak memory
        memory = {}
        for mode in ("new", "old") if old is not None else ("new",):
            r = run_json(PEAK_SCRIPT, mode, str(kp), args.old_rev)
            memory[f"{mode}_peak_over_file"] = (r["peak_kib"] - r["base_kib"]) * 1024 / size
        half = half_corpus(root, work / "half")
        for name, corpus_root in (("half_corpus", half), ("full_corpus", root)):
            r = run_json(CONVERT_PEAK_SCRIPT, str(corpus_root), str(work / f"store_peak_{name}"))
            memory[f"convert_{name}_peak_mb"] = (r["peak_kib"] - r["base_kib"]) / 1024
        memory["convert_peak_full_over_half"] = memory["convert_full_corpus_peak_mb"] / max(
            memory["convert_half_corpus_peak_mb"], 1e-9)
        out["memory"] = memory

        # convert and correlate at 1 and 2 workers, interleaved and repeated (best of --repeats: this machine is shared)
        timing, results = {"available_parallelism_before": available_parallelism()}, {}
        half_hours = len(list((half / "keypoints").glob("*.json"))) * args.minutes / 60.0
        for _ in range(args.repeats):
            for corpus_root, suffix in ((half, "_half"), (root, "")):
                for workers in (1, 2):
                    store = work / f"store{suffix}_{workers}"
                    # the loop variables are bound as defaults: each lambda is timed (called) right below
                    runs = {"convert": lambda corpus_root=corpus_root, store=store, workers=workers: convert_corpus(
                                Corpus(corpus_root, store=store), progress=False, workers=workers, force=True),
                            # correlate reads the store convert filled, as `alloava convert` then `correlate`
                            "correlate_tables": lambda corpus_root=corpus_root, store=store, workers=workers:
                                corpus_tables(Corpus(corpus_root, store=store), progress=False, workers=workers),
                            "correlate": lambda corpus_root=corpus_root, store=store, workers=workers, suffix=suffix:
                                results.__setitem__(f"correlate{suffix}_{workers}", json.dumps(
                                    to_jsonable(correlate_corpus(Corpus(corpus_root, store=store), progress=False,
                                                                 workers=workers)), sort_keys=True))}
                    for step, run in runs.items():
                        key = f"{step}_{workers}w{suffix}_s"
                        timing[key] = min(timing.get(key, float("inf")), timed(run))
                    results[f"store{suffix}_{workers}"] = tree_bytes(store)
        timing["available_parallelism_after"] = available_parallelism()
        available = (timing["available_parallelism_before"] + timing["available_parallelism_after"]) / 2
        timing["identical_store"] = all(results[f"store{x}_1"] == results[f"store{x}_2"] for x in ("", "_half"))
        timing["identical_correlate"] = all(results[f"correlate{x}_1"] == results[f"correlate{x}_2"]
                                            for x in ("", "_half"))
        for step in ("convert", "correlate_tables", "correlate"):
            for workers in (1, 2):
                timing[f"{step}_{workers}w_s_per_h"] = timing[f"{step}_{workers}w_s"] / hours
            timing[f"{step}_speedup_2w"] = timing[f"{step}_1w_s"] / timing[f"{step}_2w_s"]
            # the cost of one more hour (full minus half corpus): worker start-up, paid once per stage, cancels
            for workers in (1, 2):
                timing[f"{step}_{workers}w_s_per_h_marginal"] = (
                    (timing[f"{step}_{workers}w_s"] - timing[f"{step}_{workers}w_half_s"]) / (hours - half_hours))
            timing[f"{step}_speedup_2w_marginal"] = (timing[f"{step}_1w_s_per_h_marginal"]
                                                     / timing[f"{step}_2w_s_per_h_marginal"])
            timing[f"{step}_speedup_2w_share_of_available"] = timing[f"{step}_speedup_2w"] / available
        # correlate after its per-clip tables: the pooled model and lags (which grow with hours) and MI (which
        # does not: its nulls are decimated to mi_max_samples pairs)
        timing["correlate_after_tables_1w_s"] = max(0.0, timing["correlate_1w_s"] - timing["correlate_tables_1w_s"])
        out["timing"] = timing

        # the whole commands, before and after, side by side (1 worker, same corpus; correlate reads the store)
        versus = {}
        for step, rev in (("convert", args.old_convert_rev), ("correlate", args.old_correlate_rev)):
            old_package = package_at(rev, work / f"old_{step}")
            if old_package is None:
                continue
            store = work / f"store_versus_{step}"
            if step == "correlate":
                convert_corpus(Corpus(root, store=store), progress=False, workers=1)
            versus[f"{step}_old_s"] = seconds_at(old_package, step, root, store)
            versus[f"{step}_new_s"] = seconds_at(REPO, step, root, store)
            versus[f"{step}_old_over_new"] = versus[f"{step}_old_s"] / versus[f"{step}_new_s"]
            versus[f"{step}_old_rev"] = rev
        out["versus_old"] = versus

        startup = {"import_coupling_s": timed(lambda: subprocess.run(
            [sys.executable, "-c", "import alloava_analysis.crossmodal.coupling"], check=True,
            env={**os.environ, "PYTHONPATH": str(REPO)})),
            "correlate_help_s": timed(lambda: subprocess.run(
                [sys.executable, "-m", "alloava_analysis.cli", "correlate", "--help"], check=True,
                capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO)}))}
        startup["worker_start_2w_s"] = min(timed(lambda: map_ordered(_import_correlate, [0, 1], workers=2))
                                           for _ in range(args.repeats))
        timing["correlate_speedup_2w_after_worker_start"] = timing["correlate_1w_s"] / (
            timing["correlate_2w_s"] - startup["worker_start_2w_s"])
        out["startup"] = startup

        hours_to = {}
        for step in ("convert", "correlate_tables", "correlate"):
            fixed = {w: max(0.0, timing[f"{step}_{w}w_s"] - timing[f"{step}_{w}w_s_per_h_marginal"] * hours)
                     for w in (1, 2)}
            hours_to[f"{step}_2_cores_h"] = (timing[f"{step}_2w_s_per_h_marginal"] * FULL_RELEASE_H + fixed[2]) / 3600
            hours_to[f"{step}_64_cores_h"] = (timing[f"{step}_1w_s_per_h_marginal"] * FULL_RELEASE_H / 64
                                              + fixed[1]) / 3600
        out["projection_1250h"] = hours_to
        out["load_after"] = os.getloadavg()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(json.dumps(out, indent=2, default=float))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=float), encoding="utf-8")


if __name__ == "__main__":
    main()
