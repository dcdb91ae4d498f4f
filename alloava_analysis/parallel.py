"""Run one function over many clips: in this process, in local worker processes, or on a Dask cluster.

Every batch command (``convert``, ``validate``, ``correlate``, ``audit``,
``evaluate``, ``rebuild``) goes through :func:`run_each`, :func:`map_ordered` or
:func:`map_chunked`, so ``--workers N`` and ``--scheduler ADDRESS`` mean the same
everywhere. The function travels by value (cloudpickle), its items by pickle;
callers put results back in item order, so the output does not depend on the
executor or on which clip finished first.
"""
from __future__ import annotations

import contextlib
import functools
import logging
import os
import pickle
import signal
import sys
import threading
import uuid
import zlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import cloudpickle
import numpy as np

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCHDOG_INTERVAL_S = 0.5
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def default_workers() -> int:
    """The number of local workers when none is given: every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def die_with_parent(parent_pid: int, *, interval_s: float = WATCHDOG_INTERVAL_S, kernel_signal: bool = True) -> None:
    """Make this process end as soon as ``parent_pid`` does (even when the parent is killed with SIGKILL).

    On Linux the kernel sends SIGKILL when the parent exits (``prctl(PR_SET_PDEATHSIG)``);
    everywhere a daemon thread also checks every ``interval_s`` whether the
    parent is still the parent (an orphan is adopted by another process) and
    kills this process if not (``kernel_signal=False`` leaves only the thread,
    as on other systems). Files half-written by a killed worker are hidden
    temporaries, which the next run removes.
    """
    if kernel_signal and sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
                log.debug("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
        except (OSError, AttributeError) as err:  # pragma: no cover - exotic libc
            log.debug("prctl unavailable (%s); relying on the parent watchdog", err)

    def orphaned() -> bool:
        return os.getppid() != parent_pid

    if orphaned():  # the parent died before the signal was armed
        os.kill(os.getpid(), signal.SIGKILL)

    def watch() -> None:
        while not orphaned():
            threading.Event().wait(interval_s)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, daemon=True, name="alloava-parent-watchdog").start()


def clip_seed(seed: int, clip_id: str) -> int:
    """The seed of one clip's resampling: from the run's ``seed`` and the clip's id, not its position.

    A clip's intervals are then the same whether it is analysed alone, in a
    subset or in the whole corpus, and whichever worker takes it.
    """
    return int(np.random.SeedSequence([int(seed), zlib.crc32(str(clip_id).encode("utf-8"))]).generate_state(1)[0])


_WORKER_FN: Callable[[Any], Any] | None = None  # the function of the run, sent once to each worker process


def _init_worker(parent_pid: int | None = None, fn: bytes | None = None) -> None:
    global _WORKER_FN
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _WORKER_FN = pickle.loads(fn) if fn is not None else None
    if parent_pid is not None:
        die_with_parent(parent_pid)  # a killed parent must not leave workers writing into OUT


def _call_worker_fn(item: Any) -> Any:
    return _WORKER_FN(item)


@contextlib.contextmanager
def worker_threads(workers: int) -> Iterator[None]:
    """Give spawned workers an equal share of the cores (unless the user set the variables).

    Each worker's numeric libraries (OpenMP, BLAS) otherwise start one thread
    per core, and N workers x cores busy-waiting threads make a parallel run
    slower than a serial one. The variables must be in the environment when a
    worker starts; they are restored afterwards.
    """
    share = str(max(1, (os.cpu_count() or 1) // workers))
    saved = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, share)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_each(fn: Callable[[Any], Any], items: Sequence[Any], *, workers: int | None = 1, scheduler: Any = None,
             key: str = "alloava") -> Iterator[tuple[int, Any, BaseException | None]]:
    """Call ``fn(item)`` for every item, yielding ``(index, result, error)`` as items finish.

    ``fn`` may be any function, a lambda or one defined in a notebook included:
    local workers get it by value (cloudpickle), as Dask workers do.

    Parameters
    ----------
    workers
        1 runs items one after another in this process; more runs them in that
        many spawned processes (``None``: :func:`default_workers`).
    scheduler
        A Dask scheduler address (``tcp://host:8786``) or a
        ``distributed.Client``: items run as tasks on that cluster's workers,
        which must see the corpus at the same path (shared file system).
    key
        Prefix of the Dask task keys.

    An exception raised by ``fn`` (or a worker that died) comes back as
    ``error`` for that item only; callers that want one clip's fault to fail
    that clip only catch it inside ``fn`` and return it as a result.
    """
    workers = default_workers() if workers is None else workers
    if scheduler is not None:
        yield from _run_dask(fn, items, scheduler, key)
    elif workers > 1 and len(items) > 1:
        yield from _run_processes(fn, items, workers)
    else:
        for i, item in enumerate(items):
            try:
                yield i, fn(item), None
            except Exception as err:  # noqa: BLE001 - reported for this item, as the other executors do
                yield i, None, err


def map_ordered(fn: Callable[[Any], Any], items: Sequence[Any], *, workers: int | None = 1, scheduler: Any = None,
                key: str = "alloava", progress: bool = False, desc: str = "clips") -> list[tuple[Any, BaseException | None]]:
    """``(result, error)`` of ``fn(item)`` for every item, in the order of ``items`` (see :func:`run_each`)."""
    from tqdm.auto import tqdm

    out: list[Any] = [None] * len(items)
    with tqdm(total=len(items), desc=desc, unit="clip", disable=not progress) as bar:
        for i, result, error in run_each(fn, items, workers=workers, scheduler=scheduler, key=key):
            out[i] = (result, error)
            bar.update()
    return out


def map_chunked(fn: Callable[[Any], Any], items: Sequence[Any], *, workers: int | None = 1, scheduler: Any = None,
                key: str = "alloava", chunks_per_worker: int = 4) -> list[Any]:
    """``[fn(item) for item in items]``, the items cut into a few chunks per worker (many small, equal tasks).

    For resampling loops (surrogates, bootstrap draws): ``fn`` and its data are
    sent once per chunk, not once per item, and the list is in item order
    whatever the executor. The first error raised by ``fn`` is raised here.
    """
    workers = default_workers() if workers is None else workers
    if scheduler is None and (workers <= 1 or len(items) <= 1):
        return [fn(item) for item in items]
    # a cluster's size is not known here, so on Dask every item is a task of its own
    n_chunks = len(items) if scheduler is not None else min(len(items), workers * chunks_per_worker)
    edges = np.linspace(0, len(items), n_chunks + 1).round().astype(int)
    chunks = [list(items[a:b]) for a, b in zip(edges[:-1], edges[1:])]
    out: list[Any] = []
    for result, error in map_ordered(functools.partial(_apply_to_chunk, fn), chunks, workers=workers,
                                     scheduler=scheduler, key=key):
        if error is not None:
            raise error
        out += result
    return out


def _apply_to_chunk(fn: Callable[[Any], Any], chunk: list[Any]) -> list[Any]:
    return [fn(item) for item in chunk]


def _run_processes(fn: Callable, items: Sequence[Any], workers: int) -> Iterator[tuple[int, Any, BaseException | None]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("spawn")
    # fn (often a partial holding a corpus index) is pickled once per worker, not once per item, and by value
    # where it must be (cloudpickle): a function or lambda defined in a notebook runs in the workers too
    blob = cloudpickle.dumps(fn)
    with worker_threads(workers), ProcessPoolExecutor(max_workers=min(workers, len(items)), mp_context=context,
                                                      initializer=_init_worker, initargs=(os.getpid(), blob)) as pool:
        futures = {pool.submit(_call_worker_fn, item): i for i, item in enumerate(items)}
        try:
            for future in as_completed(futures):
                try:
                    yield futures[future], future.result(), None
                except Exception as err:  # noqa: BLE001 - a crashed worker fails its item only
                    yield futures[future], None, err
        finally:
            for future in futures:
                future.cancel()


def _run_dask(fn: Callable, items: Sequence[Any], scheduler: Any, key: str
              ) -> Iterator[tuple[int, Any, BaseException | None]]:
    try:
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - part of the [rebuild] extra
        raise ImportError("--scheduler needs dask.distributed: pip install 'alloava_analysis[rebuild]'") from None
    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        run = uuid.uuid4().hex[:8]  # keys unique per run: a long-lived cluster must not reuse old results
        keys = [f"{key}-{run}-{i}" for i in range(len(items))]
        futures = client.map(fn, list(items), key=keys, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for future in as_completed(futures):
            try:
                yield index[future.key], future.result(), None
            except Exception as err:  # noqa: BLE001 - a lost worker fails its item only
                yield index[future.key], None, err
    finally:
        if own:
            client.close()
