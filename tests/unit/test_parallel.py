"""Executors: convert, validate and correlate give the same bytes serially, in 2 processes and on a Dask cluster.

One small synthetic corpus with one broken clip (so failures are reported in
clip order too); the results of every executor are compared to the serial
run's, the store file by file.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from alloava_analysis import parallel
from alloava_analysis.corpus import Corpus
from alloava_analysis.errors import ParameterError
from alloava_analysis.io.jsonable import to_jsonable
from alloava_analysis.parallel import keep_workers, map_ordered, run_each, workers_ready
from alloava_analysis.runs.convert import convert_corpus
from alloava_analysis.runs.correlate import correlate_corpus
from alloava_analysis.runs.validate import validate_corpus
from alloava_analysis.synthetic import SynthConfig, generate_corpus

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def corpus_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("par") / "corpus"
    generate_corpus(root, n_clips=4, seed=5, config=SynthConfig(duration_s=(40.0, 40.0)), progress=False)
    broken = sorted((root / "keypoints").glob("*.json"))[1]
    broken.write_text('{"frames": [{"timestamp": 0, "mediapipe": [1, 2]}]}', encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as lc, distributed.Client(lc) as client:
        yield client


def _executors(cluster):
    return {"serial": {"workers": 1}, "processes": {"workers": 2}, "dask": {"scheduler": cluster}}


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
            and not p.name.endswith(".lock")}


def test_convert_writes_the_same_store_whatever_the_executor(corpus_root, cluster, tmp_path):
    stores, results = {}, {}
    for name, how in _executors(cluster).items():
        store = tmp_path / f"store_{name}"
        result = convert_corpus(Corpus(corpus_root, store=store), progress=False, **how)
        result.pop("seconds"), result.pop("store")
        stores[name], results[name] = _tree(store), result
    assert results["serial"]["clips"] == 3 and len(results["serial"]["failed"]) == 1
    for name in ("processes", "dask"):
        assert results[name] == results["serial"], name
        assert stores[name].keys() == stores["serial"].keys(), name
        for key in stores["serial"]:
            assert stores[name][key] == stores["serial"][key], (name, key)


def test_validate_gives_the_same_report_whatever_the_executor(corpus_root, cluster):
    out = {name: json.dumps(to_jsonable(validate_corpus(corpus_root, progress=False, **how)), sort_keys=True)
           for name, how in _executors(cluster).items()}
    assert json.loads(out["serial"])["n_errors"] == 1
    assert out["processes"] == out["serial"] and out["dask"] == out["serial"]


def test_correlate_gives_the_same_numbers_whatever_the_executor(corpus_root, cluster):
    out = {name: json.dumps(to_jsonable(correlate_corpus(corpus_root, progress=False, n_boot=200, n_surrogates=19,
                                                         n_boot_lag=50, **how)), sort_keys=True)
           for name, how in _executors(cluster).items()}
    serial = json.loads(out["serial"])
    assert serial["n_clips"] == 3 and [f["clip_id"] for f in serial["failed"]] and serial["pooled"]["r"] is not None
    assert out["processes"] == out["serial"] and out["dask"] == out["serial"]


def _square(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x * x


@pytest.mark.parametrize("workers", [1, 2])
def test_map_ordered_keeps_item_order_and_reports_errors_per_item(workers):
    out = map_ordered(_square, list(range(6)), workers=workers)
    assert [r for r, _ in out] == [0, 1, 4, None, 16, 25]
    assert [type(e).__name__ if e else None for _, e in out] == [None] * 3 + ["ValueError"] + [None] * 2
    assert sorted(i for i, _, _ in run_each(_square, [1, 2], workers=workers)) == [0, 1]


def _pid_once_all_workers_arrived(task: tuple[str, int]) -> int:
    """This worker's pid, returned only after ``expected`` distinct workers have signed in to ``folder``.

    A rendezvous rather than a sleep: however slowly the workers start on a
    loaded machine, no worker can take every item before the others exist.
    """
    folder, expected = task
    Path(folder, str(os.getpid())).touch()
    deadline = time.monotonic() + 120  # a bound for a broken pool only; a healthy one meets within seconds
    while len(os.listdir(folder)) < expected:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(os.listdir(folder))} of {expected} workers ever took an item")
        time.sleep(0.01)
    return os.getpid()


def _exit_on_two(x: int) -> int:
    if x == 2:
        os._exit(3)  # a worker that dies (a segfault, the OOM killer)
    return x


def _pids(workers: int, n: int = 4) -> set[int]:
    folder = tempfile.mkdtemp(prefix="alloava-test-rendezvous-")
    out = map_ordered(_pid_once_all_workers_arrived, [(folder, workers)] * n, workers=workers)
    shutil.rmtree(folder)
    assert all(error is None for _, error in out)
    return {pid for pid, _ in out}


def test_kept_workers_start_once_for_every_map_of_the_block():
    with keep_workers(2):
        assert not workers_ready(2)
        first = _pids(2)
        assert workers_ready(2) and not workers_ready(3)
        folder = parallel._KEPT[-1].folder
        second = _pids(2)
        third_count = _pids(3, n=6)  # another worker count gets workers of its own, ended with its map
        assert list(folder.iterdir()) == []  # each map's function file is removed when the map ends
    assert len(first) == 2 and os.getpid() not in first
    assert second == first and not third_count & first
    assert not folder.exists() and not workers_ready(2)
    assert not _pids(2) & first  # outside the block, every map starts its own


def _numba_cache_of_a_worker(task: tuple[str, int]) -> tuple[int, str, list[str]]:
    """Compile librosa's cached peak picker (a guvectorize function) in a worker; where did its cache go?"""
    import librosa
    import numpy as np

    pid = _pid_once_all_workers_arrived(task)  # both workers compile at the same time, as in a real run
    librosa.util.peak_pick(np.sin(np.arange(200) / 3.0), pre_max=3, post_max=3, pre_avg=3, post_avg=3, delta=0.1,
                           wait=2)
    folder = Path(os.environ["NUMBA_CACHE_DIR"])
    return pid, str(folder), sorted(p.name for p in folder.rglob("*.nbi"))


def test_each_worker_compiles_into_a_numba_cache_of_its_own():
    """Concurrent writes to one numba cache leave files that segfault later calls (numba/numba#10128)."""
    folder = tempfile.mkdtemp(prefix="alloava-test-rendezvous-")
    out = map_ordered(_numba_cache_of_a_worker, [(folder, 2)] * 2, workers=2)
    shutil.rmtree(folder)
    assert all(error is None for _, error in out), out
    (pid_a, cache_a, files_a), (pid_b, cache_b, files_b) = (result for result, _ in out)
    assert pid_a != pid_b and cache_a != cache_b
    for pid, cache, files in ((pid_a, cache_a, files_a), (pid_b, cache_b, files_b)):
        assert Path(cache).name == f"numba-{pid}" and Path(cache).parent.name.startswith("alloava-workers-")
        assert any("peak_pick" in name for name in files), files
        assert not Path(cache).exists()  # removed with the workers


def test_kept_workers_are_replaced_after_one_dies():
    with keep_workers(2):
        out = map_ordered(_exit_on_two, list(range(4)), workers=2)
        assert type(out[2][1]).__name__ == "BrokenProcessPool"
        assert [r for r, _ in map_ordered(_square, [1, 2, 4], workers=2)] == [1, 4, 16]


def test_correlate_lags_and_mi_nulls_on_the_executor_give_the_same_numbers(corpus_root, cluster, monkeypatch):
    from alloava_analysis.crossmodal import coupling, information

    monkeypatch.setattr(coupling, "PARALLEL_MIN_FRAMES", 0)  # these small clips would run in this process
    monkeypatch.setattr(information, "PARALLEL_MIN_WORK", 0)
    out = {name: json.dumps(to_jsonable(correlate_corpus(corpus_root, progress=False, n_boot=100, n_surrogates=9,
                                                         n_boot_lag=30, **how)), sort_keys=True)
           for name, how in _executors(cluster).items()}
    assert json.loads(out["serial"])["mi"]["bits"] is not None
    assert out["processes"] == out["serial"] and out["dask"] == out["serial"]


@pytest.mark.filterwarnings("ignore:Fréchet distance on:UserWarning")  # 3 tiny clips: few samples, on purpose
def test_audit_and_evaluate_give_the_same_numbers_whatever_the_executor(corpus_root, cluster):
    from alloava_analysis.runs.audit import audit_corpus
    from alloava_analysis.runs.evaluate import evaluate_corpora

    audits, evaluations = {}, {}
    for name, how in _executors(cluster).items():
        audits[name] = json.dumps(audit_corpus(corpus_root, by="gender", n_boot=50, n_perm=49, min_cell=1,
                                               progress=False, **how), sort_keys=True)
        evaluations[name] = json.dumps(to_jsonable(evaluate_corpora(corpus_root, corpus_root, n_boot=10,
                                                                    progress=False, **how)), sort_keys=True)
    audit = json.loads(audits["serial"])
    assert audit["n_clips"] == 3 and len(audit["failed"]) == 1
    assert len(json.loads(evaluations["serial"])["failed"]) == 2  # the broken clip, on each side
    for name in ("processes", "dask"):
        assert audits[name] == audits["serial"], name
        assert evaluations[name] == evaluations["serial"], name


def test_a_clips_intervals_do_not_depend_on_the_other_clips(corpus_root):
    whole = correlate_corpus(corpus_root, progress=False, n_boot=100, n_surrogates=9, n_boot_lag=50,
                             per_clip_interval="block_bootstrap")
    first = whole["per_clip"][0]["clip_id"]
    alone = correlate_corpus(Corpus(corpus_root).select(clip_id=[first]), progress=False, n_boot=100,
                             n_surrogates=9, n_boot_lag=50, per_clip_interval="block_bootstrap")
    for key in ("r", "ci_low", "ci_high"):
        assert alone["per_clip"][0][key] == whole["per_clip"][0][key], key
    for key in ("xcorr_ci_low", "xcorr_ci_high"):
        assert alone["lag_s"]["per_clip"][0][key] == whole["lag_s"]["per_clip"][0][key], key
    for key in ("shift_ci_low", "shift_ci_high", "path_median_offset_s"):
        assert alone["dtw_alignment"]["per_clip"][0][key] == whole["dtw_alignment"]["per_clip"][0][key], key


@pytest.mark.parametrize("address", ["bogus", "http://127.0.0.1:8787", "", "tcp://host:99999", "tcp://host"])
def test_a_bad_scheduler_address_is_refused_before_any_item_runs(address):
    ran = []
    for call in (lambda: run_each(ran.append, [1], scheduler=address),
                 lambda: parallel.map_chunked(ran.append, [1, 2], scheduler=address)):
        with pytest.raises(ParameterError, match="expected a Dask scheduler address") as info:
            call()
        assert info.value.name == "scheduler" and repr(address) in str(info.value)
    assert ran == []
