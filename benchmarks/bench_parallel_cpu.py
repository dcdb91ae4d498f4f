"""Parallel steps measured in CPU time, so that a shared machine does not decide the answer (issue 26, items 1-3).

One run, on a synthetic corpus of ``--clips`` clips of ``--minutes`` minutes, in ``--rounds`` interleaved rounds:

* **calibration** (every round): two pure-Python CPU loops one after the other vs in
  two processes; the ratio is the parallelism the machine offered then (2.0 on
  two free cores);
* **convert** and **correlate** at 1 worker, 2 local workers started by the
  command (``2w``, as a user runs it), 2 local workers already running
  (``2w_warm``) and a Dask ``LocalCluster`` of 2 single-threaded worker processes
  already running (``dask``); each in a fresh process; measured around the step
  only: wall seconds and **CPU seconds (user + sys) of the whole process tree**
  (psutil: this process, every live descendant -- local and Dask workers, Dask's
  nannies -- and the reaped ones, through ``children_user``/``children_system``);
* per step and executor: CPU seconds per hour of data (best of the rounds:
  noise only adds CPU), the **parallel CPU overhead** ``cpu(executor) / cpu(1w) - 1``
  (target <= 10 %), the wall speed-up ``wall(1w) / wall(2w)`` of each round next
  to that round's calibration, and a **verdict**: ``pass``/``fail`` on
  speed-up >= 0.9 x calibration, or ``cannot judge`` when the calibration says the
  machine did not offer 2 cores (calibration < ``--min-calibration``, default 1.8);
* **scheduler overhead per task** at corpus scale: ``--tasks`` (default 7,500, one
  per 10-min clip of 1,250 h) tiny tasks through :func:`alloava_analysis.parallel.map_ordered`
  on the Dask cluster and on 2 local processes: wall and CPU per task, and the CPU
  of the submitting process (client + Dask scheduler, which is one thread and so
  bounds a cluster's task rate), and the bytes each convert and correlate task
  sends and gets back;
* a projection of 1,250 h on a 64-core cluster from the measured numbers:
  1-worker CPU per hour x (1 + Dask CPU overhead) / 64 + tasks x scheduler CPU per task;
* **fixed costs** (item 3): seconds (wall and CPU) from starting ``alloava correlate``
  on one clip to the start of its first clip's analysis, today and at ``--old-rev``;
  and the MI circular-shift null on one clip with all surrogates vs sequential
  stopping (``mi_stop_after``), on the clip's own pair (coupled) and on an exact
  null (its motion against another clip's speech): surrogates drawn and CPU seconds.

The load average is printed beside every round. Run:
``.venv/bin/python benchmarks/bench_parallel_cpu.py [--clips 6] [--minutes 4] [--rounds 2] [--json OUT]``
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]  # this checkout's package, not an installed one
FULL_RELEASE_H = 1250.0
EXECUTORS = ("1w", "2w", "2w_warm", "dask")


def tree_cpu(process: psutil.Process | None = None) -> dict:
    """User + sys seconds of ``process`` (default: this one), its live descendants and every reaped one."""
    process = process or psutil.Process()
    own, others = 0.0, 0.0
    for i, p in enumerate([process, *process.children(recursive=True)]):
        try:
            t = p.cpu_times()
        except psutil.Error:  # ended between the listing and the reading: its parent reaps it into children_*
            continue
        spent = t.user + t.system + t.children_user + t.children_system
        if i == 0:
            own = t.user + t.system
            others += t.children_user + t.children_system
        else:
            others += spent
    return {"self": own, "total": own + others}


def spin(n: int = 6_000_000) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def calibration() -> float:
    """Wall of two CPU loops one after another over their wall in two processes (2.0 on two free cores)."""
    from concurrent.futures import ProcessPoolExecutor

    start = time.perf_counter()
    spin(), spin()
    serial = time.perf_counter() - start
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(abs, [1, 2]))
        start = time.perf_counter()
        list(pool.map(spin, [6_000_000] * 2))
        parallel = time.perf_counter() - start
    return serial / parallel


def _warm(_item) -> int:
    """What a worker does before its first clip: import the drivers (both executors get it before timing)."""
    import alloava_analysis.runs.convert  # noqa: F401
    import alloava_analysis.runs.correlate  # noqa: F401
    return os.getpid()


def _tiny(item: int) -> int:
    return item + 1


STEP_SCRIPT = r"""
import json, sys, time, os
sys.path.insert(0, {repo!r} + "/benchmarks")
import bench_parallel_cpu as b
from alloava_analysis.corpus import Corpus
from alloava_analysis.parallel import keep_workers, map_ordered
from alloava_analysis.runs.convert import convert_corpus
from alloava_analysis.runs.correlate import correlate_corpus
step, executor, root, store = sys.argv[1:5]
options = json.loads(sys.argv[5])
import contextlib
stack = contextlib.ExitStack()
kw = {{"workers": 1}}
if executor == "2w":
    kw = {{"workers": 2}}
elif executor == "2w_warm":
    stack.enter_context(keep_workers(2))
    map_ordered(b._warm, [0, 1], workers=2)
    kw = {{"workers": 2}}
elif executor == "dask":
    from distributed import Client, LocalCluster
    cluster = stack.enter_context(LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                               dashboard_address=None))
    client = stack.enter_context(Client(cluster))
    map_ordered(b._warm, [0, 1], scheduler=client)
    kw = {{"scheduler": client, "workers": 2}}
corpus = Corpus(root, store=store)
before, start = b.tree_cpu(), time.perf_counter()
if step == "convert":
    convert_corpus(corpus, progress=False, force=True, **kw)
else:
    result = correlate_corpus(corpus, progress=False, **options, **kw)
wall = time.perf_counter() - start
after = b.tree_cpu()
stack.close()
out = {{"wall_s": wall, "cpu_s": after["total"] - before["total"], "cpu_self_s": after["self"] - before["self"]}}
if step == "correlate":
    out["result"] = json.dumps(result, sort_keys=True, default=str)
print(json.dumps(out))
"""


def run_step(step: str, executor: str, root: Path, store: Path, options: dict) -> dict:
    proc = subprocess.run([sys.executable, "-c", STEP_SCRIPT.format(repo=str(REPO)), step, executor, str(root),
                           str(store), json.dumps(options)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO)
    if proc.returncode != 0:
        raise RuntimeError(f"{step} on {executor} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def scheduler_overhead(n_tasks: int) -> dict:
    """Wall and CPU per tiny task through map_ordered on a Dask LocalCluster and on 2 local processes."""
    from distributed import Client, LocalCluster

    from alloava_analysis.parallel import keep_workers, map_ordered

    out = {"tasks": n_tasks}
    items = list(range(n_tasks))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        map_ordered(_tiny, [0, 1], scheduler=client)
        before = tree_cpu()
        time.sleep(5.0)  # an idle cluster: what its event loops, heartbeats and monitors cost per second
        out["dask_idle_cpu_s_per_s"] = (tree_cpu()["total"] - before["total"]) / 5.0
        before, start = tree_cpu(), time.perf_counter()
        map_ordered(_tiny, items, scheduler=client)
        wall, after = time.perf_counter() - start, tree_cpu()
    out.update(dask_wall_ms_per_task=wall / n_tasks * 1e3,
               dask_cpu_ms_per_task=(after["total"] - before["total"]) / n_tasks * 1e3,
               dask_client_scheduler_cpu_ms_per_task=(after["self"] - before["self"]) / n_tasks * 1e3)
    with keep_workers(2):
        map_ordered(_tiny, [0, 1], workers=2)
        before, start = tree_cpu(), time.perf_counter()
        map_ordered(_tiny, items, workers=2)
        wall, after = time.perf_counter() - start, tree_cpu()
    out.update(local_wall_ms_per_task=wall / n_tasks * 1e3,
               local_cpu_ms_per_task=(after["total"] - before["total"]) / n_tasks * 1e3,
               local_parent_cpu_ms_per_task=(after["self"] - before["self"]) / n_tasks * 1e3)
    return out


def bytes_per_task(root: Path, store: Path) -> dict:
    """Pickled bytes of one convert task and one correlate task (sent) and of their results (got back)."""
    import pickle
    from functools import partial

    import cloudpickle

    from alloava_analysis.corpus import Corpus, _map_clip
    from alloava_analysis.crossmodal.coupling import clip_tables
    from alloava_analysis.runs.convert import _convert_clip

    corpus = Corpus(root, store=store)
    row = corpus.index.to_dict("records")[0]
    fn = partial(_map_clip, corpus, partial(clip_tables), (ValueError,), None)
    return {"convert_task_bytes": len(pickle.dumps((corpus.root, corpus.store, row))),
            "convert_result_bytes": len(pickle.dumps(_convert_clip((corpus.root, corpus.store / "_bytes", row)))),
            "correlate_function_bytes_once_per_map": len(cloudpickle.dumps(fn)),
            "correlate_task_bytes": len(pickle.dumps(row["clip_id"])),
            "correlate_result_bytes": len(pickle.dumps(fn(row["clip_id"])))}


START_PROBE = r"""
import json, sys, time, os
import alloava_analysis.runs.correlate as rc
def first_clip(*args, **kwargs):
    import resource
    u = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"wall_s": time.time() - float(os.environ["BENCH_T0"]), "cpu_s": u.ru_utime + u.ru_stime,
                      "scipy_signal": "scipy.signal" in sys.modules, "scipy_stats": "scipy.stats" in sys.modules}))
    sys.stdout.flush()
    os._exit(0)
rc.clip_tables = first_clip
from alloava_analysis.cli import main
main(["correlate", sys.argv[1], "--workers", "1", "--quiet"])
"""


def start_to_analysis(package_root: Path, corpus_root: Path) -> dict:
    """Wall and CPU seconds from the process start of ``alloava correlate`` (one clip) to its first clip's analysis.

    The probe replaces the per-clip analysis by a function that reports and exits; it is imported before the CLI
    runs, as the command imports the driver on its way to the analysis.
    """
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-c", START_PROBE, str(corpus_root)], capture_output=True, text=True,
                          cwd=package_root, env={**os.environ, "PYTHONPATH": str(package_root),
                                                 "BENCH_T0": repr(t0)})
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(lines[-1])


def mi_nulls(root: Path, store: Path, n_surrogates: int, stop_after: int) -> dict:
    """The MI circular-shift null on one clip's frames, all surrogates vs sequential stopping: draws and CPU."""
    import resource

    from alloava_analysis.corpus import Corpus
    from alloava_analysis.crossmodal import information
    from alloava_analysis.crossmodal.coupling import clip_tables

    corpus = Corpus(root, store=store)
    frames = [clip_tables(corpus.load(c))[1] for c in corpus.clip_ids[:2]]
    n = min(len(f) for f in frames)
    pairs = {"coupled": (frames[0]["motion_hp"].to_numpy()[:n], frames[0]["speech_energy_hp"].to_numpy()[:n]),
             "exact_null": (frames[0]["motion_hp"].to_numpy()[:n], frames[1]["speech_energy_hp"].to_numpy()[:n])}
    out = {}
    for name, (x, y) in pairs.items():
        for label, stop in (("all", None), ("sequential", stop_after)):
            u0 = resource.getrusage(resource.RUSAGE_SELF)
            res = information.mi_surrogate_test(x, y, n_surrogates=n_surrogates, seed=0, lag_search=30,
                                                max_samples=20_000, stop_after=stop)
            u1 = resource.getrusage(resource.RUSAGE_SELF)
            out[f"{name}_{label}"] = {"p_value": res["p_value"], "drawn": res["n_surrogates"],
                                      "cpu_s": u1.ru_utime + u1.ru_stime - u0.ru_utime - u0.ru_stime}
    return out


def verdicts(rounds: list[dict], best: dict, min_calibration: float) -> dict:
    out = {}
    for step in ("convert", "correlate"):
        for executor in EXECUTORS[1:]:
            overhead = best[f"{step}_{executor}_cpu_s"] / best[f"{step}_1w_cpu_s"] - 1
            out[f"{step}_{executor}_cpu_overhead"] = overhead
            out[f"{step}_{executor}_cpu_overhead_verdict"] = "pass" if overhead <= 0.10 else "fail"
        per_round = []
        for r in rounds:
            speedup = r[f"{step}_1w"]["wall_s"] / r[f"{step}_2w_warm"]["wall_s"]
            calib = r["calibration"]
            verdict = ("cannot judge: the machine offered {:.2f} cores".format(calib) if calib < min_calibration
                       else "pass" if speedup >= 0.9 * calib else "fail")
            per_round.append({"speedup_2w_warm": speedup, "calibration": calib, "share": speedup / calib,
                              "verdict": verdict, "load": r["load"]})
        out[f"{step}_wall_rounds"] = per_round
        judged = [p["verdict"] for p in per_round if not p["verdict"].startswith("cannot")]
        out[f"{step}_wall_verdict"] = ("cannot judge: no round had 2 free cores" if not judged
                                       else "pass" if all(v == "pass" for v in judged) else "fail")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=6)
    parser.add_argument("--minutes", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tasks", type=int, default=7500, help="tiny tasks of the scheduler-overhead measurement")
    parser.add_argument("--min-calibration", type=float, default=1.8,
                        help="calibration below which the wall speed-up is not judged")
    parser.add_argument("--n-surrogates", type=int, default=199)
    parser.add_argument("--old-rev", default="ada0cf8", help="revision whose start-up is compared")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: steps,tasks,fixed")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))

    from bench_scale import package_at

    from alloava_analysis.corpus import Corpus
    from alloava_analysis.runs.convert import convert_corpus
    from alloava_analysis.synthetic import SynthConfig, generate_corpus

    out: dict = {"cpus": os.cpu_count(), "load_before": os.getloadavg(), "clips": args.clips,
                 "minutes": args.minutes}
    work = Path(tempfile.mkdtemp(prefix="bench_parallel_cpu_"))
    try:
        root = work / "corpus"
        generate_corpus(root, n_clips=args.clips, seed=0, progress=False,
                        config=SynthConfig(duration_s=(args.minutes * 60.0, args.minutes * 60.0)))
        hours = args.clips * args.minutes / 60.0
        out["hours"] = hours
        filled = work / "store_filled"
        convert_corpus(Corpus(root, store=filled), progress=False, workers=1)
        options = {"n_surrogates": args.n_surrogates}
        if "steps" not in skip:
            rounds = []
            for i in range(args.rounds):
                r = {"calibration": calibration(), "load": os.getloadavg()}
                for executor in EXECUTORS:
                    r[f"convert_{executor}"] = run_step("convert", executor, root, work / f"store_{executor}", {})
                    r[f"correlate_{executor}"] = run_step("correlate", executor, root, filled, options)
                r["calibration_after"] = calibration()
                results = {r[f"correlate_{e}"].pop("result") for e in EXECUTORS}
                r["correlate_identical_across_executors"] = len(results) == 1
                rounds.append(r)
                print(f"round {i + 1}: {json.dumps(r, default=float)}", file=sys.stderr)
            best = {}
            for step in ("convert", "correlate"):
                for executor in EXECUTORS:
                    cpu = min(r[f"{step}_{executor}"]["cpu_s"] for r in rounds)
                    best[f"{step}_{executor}_cpu_s"] = cpu
                    best[f"{step}_{executor}_cpu_s_per_h"] = cpu / hours
                    best[f"{step}_{executor}_wall_s_min"] = min(r[f"{step}_{executor}"]["wall_s"] for r in rounds)
            out["rounds"], out["best"] = rounds, best
            out["verdicts"] = verdicts(rounds, best, args.min_calibration)
            out["dask_vs_local_warm"] = {
                f"{step}_{kind}": best[f"{step}_dask_{kind}"] / best[f"{step}_2w_warm_{kind}"]
                for step in ("convert", "correlate") for kind in ("cpu_s", "wall_s_min")}
        if "tasks" not in skip:
            out["scheduler"] = scheduler_overhead(args.tasks)
            out["bytes"] = bytes_per_task(root, filled)
        if "steps" not in skip and "tasks" not in skip:
            projection = {}
            for step in ("convert", "correlate"):
                per_h = out["best"][f"{step}_1w_cpu_s_per_h"] * (1 + max(0.0, out["verdicts"][
                    f"{step}_dask_cpu_overhead"]))
                scheduler_s = args.tasks * out["scheduler"]["dask_client_scheduler_cpu_ms_per_task"] / 1e3
                projection[f"{step}_64_cores_h"] = (per_h * FULL_RELEASE_H / 64 + scheduler_s) / 3600
                projection[f"{step}_scheduler_share"] = scheduler_s / (per_h * FULL_RELEASE_H / 64 + scheduler_s)
            out["projection_1250h"] = projection
        if "fixed" not in skip:
            one = work / "one"
            for folder in ("keypoints", "transcript", "audio"):
                (one / folder).mkdir(parents=True)
                first = sorted((root / folder).iterdir())[0]
                os.link(first, one / folder / first.name)
            convert_corpus(Corpus(one), progress=False, workers=1)
            old = package_at(args.old_rev, work / "old")
            fixed = {"load": os.getloadavg()}
            for _ in range(3):
                for label, package in (("now", REPO), ("old", old)):
                    if package is None:
                        continue
                    r = start_to_analysis(package, one)
                    for key in ("wall_s", "cpu_s"):
                        k = f"start_to_analysis_{label}_{key}"
                        fixed[k] = min(fixed.get(k, float("inf")), r[key])
                    fixed[f"scipy_signal_loaded_at_start_{label}"] = r["scipy_signal"]
            fixed["old_rev"] = args.old_rev
            fixed["mi_null"] = mi_nulls(root, filled, args.n_surrogates, stop_after=10)
            fixed["load_after"] = os.getloadavg()
            out["fixed_costs"] = fixed
        out["load_after"] = os.getloadavg()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(out, indent=2, default=float))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=float), encoding="utf-8")


if __name__ == "__main__":
    main()
