"""Run one function over many clips: in this process, in local worker processes, or on a Dask cluster.

Every batch command (``convert``, ``validate``, ``correlate``, ``audit``,
``evaluate``, ``rebuild``) goes through :func:`run_each`, :func:`map_ordered` or
:func:`map_chunked`, so ``--workers N`` and ``--scheduler ADDRESS`` mean the same
everywhere. The function travels by value (cloudpickle), its items by pickle;
callers put results back in item order, so the output does not depend on the
executor or on which clip finished first. Inside :func:`keep_workers`, the
maps share one set of local workers, started once.
"""
from __future__ import annotations

import contextlib
import functools
import logging
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
import uuid
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import cloudpickle
import numpy as np

from .checks import check_int, check_positive
from .errors import ParameterError

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCHDOG_INTERVAL_S = 0.5
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def default_workers() -> int:
    """The number of local workers when none is given: every core this process may use.

    Returns
    -------
    int
        The cores in this process's CPU affinity (at least 1).
    """
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

    Parameters
    ----------
    parent_pid
        Process id of the parent to follow (``os.getppid()`` at start); if it
        is already not the parent, this process is killed at once.
    interval_s
        Seconds between the watchdog's checks (> 0).
    kernel_signal
        Also ask the kernel for SIGKILL on the parent's exit (Linux only).
    """
    check_positive("interval_s", interval_s)
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

    Parameters
    ----------
    seed
        The run's seed (an integer).
    clip_id
        The clip's id.

    Returns
    -------
    int
        A seed in [0, 2**32) derived from both (numpy ``SeedSequence``).
    """
    return int(np.random.SeedSequence([int(seed), zlib.crc32(str(clip_id).encode("utf-8"))]).generate_state(1)[0])


_WORKER_FNS: dict[str, Callable[[Any], Any]] = {}  # in a worker process: the functions it was sent, by file


def _init_worker(parent_pid: int | None = None, folder: str | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    if parent_pid is not None:
        die_with_parent(parent_pid)  # a killed parent must not leave workers writing into OUT
    if folder is not None:
        # Numba's on-disk cache (librosa compiles with cache=True) is not safe when processes write it at once:
        # two workers compiling one guvectorize function leave files that segfault every later call
        # (numba/numba#10128). Each worker compiles into a folder of its own, removed with the workers.
        os.environ["NUMBA_CACHE_DIR"] = str(Path(folder) / f"numba-{os.getpid()}")


def _call_worker_fn(fn_path: str, item: Any) -> Any:
    fn = _WORKER_FNS.get(fn_path)
    if fn is None:  # the first item of this map that this worker takes: load the function once
        if len(_WORKER_FNS) >= 8:
            _WORKER_FNS.clear()
        fn = _WORKER_FNS[fn_path] = pickle.loads(Path(fn_path).read_bytes())
    return fn(item)


class _LocalWorkers:
    """Spawned worker processes that die with this one, and the folder through which they get functions.

    A map writes its function (cloudpickled, with the data it holds: a corpus
    index, arrays) to one file; each worker reads it the first time it takes
    one of that map's items, so the function is sent once per worker, not
    once per item, and one set of workers serves maps of different functions.
    """

    def __init__(self, workers: int):
        self.workers = workers
        self.folder = Path(tempfile.mkdtemp(prefix="alloava-workers-"))
        self._start_pool()

    def _start_pool(self) -> None:
        """A new pool; its processes start as items are submitted (none before)."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.broken = False
        self.started = False
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_init_worker, initargs=(os.getpid(), str(self.folder)))

    def send(self, fn: Callable[[Any], Any]) -> Path:
        """Write ``fn`` where the workers read it (before any item naming the file is submitted)."""
        path = self.folder / f"{uuid.uuid4().hex}.pkl"
        path.write_bytes(cloudpickle.dumps(fn))
        return path

    def restart(self) -> None:
        """Replace a pool that a dead worker broke."""
        self.pool.shutdown(wait=True, cancel_futures=True)
        self._start_pool()

    def close(self, *, abort: bool = False) -> None:
        """End the workers and remove their folder; ``abort`` (Ctrl-C, SIGTERM) ends running items too."""
        if abort:  # the workers ignore SIGINT and would finish their items first: stop them now
            for process in list((getattr(self.pool, "_processes", None) or {}).values()):
                with contextlib.suppress(OSError, ValueError):
                    process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.folder, ignore_errors=True)


def _stopping() -> bool:
    """Whether the exception being handled stops the program (KeyboardInterrupt, SystemExit), not one item."""
    kind = sys.exc_info()[0]
    return kind is not None and not issubclass(kind, Exception)


_KEPT: list[_LocalWorkers] = []  # the workers of the enclosing keep_workers blocks, innermost last


@contextlib.contextmanager
def keep_workers(workers: int | None = None) -> Iterator[None]:
    """Start local workers at most once for every map inside this block, instead of once per map.

    Starting a spawned worker costs about 2 s (it imports numpy, scipy and
    pandas); an analysis that maps several times (``correlate``: the clips'
    tables, their lags, two MI nulls) pays it once. The workers start with the
    first map that needs them and end with the block; maps that ask for a
    different number of workers (or for a Dask cluster) are not affected.
    A nested block for the same number shares the outer block's workers.

    Parameters
    ----------
    workers
        Number of local workers to keep (>= 1; None: :func:`default_workers`);
        1 keeps none (one worker is this process).

    Yields
    ------
    None
        Inside the block, maps for ``workers`` workers share the kept ones.
    """
    check_int("workers", workers, minimum=1, allow_none=True)
    workers = default_workers() if workers is None else workers
    if workers <= 1 or _kept(workers) is not None:  # one worker is this process
        yield
        return
    _KEPT.append(_LocalWorkers(workers))
    try:
        yield
    finally:
        _KEPT.pop().close(abort=_stopping())


def _kept(workers: int) -> _LocalWorkers | None:
    return _KEPT[-1] if _KEPT and _KEPT[-1].workers == workers else None


def workers_ready(workers: int | None) -> bool:
    """Whether ``workers`` local workers kept by :func:`keep_workers` have started (so cost nothing more to use).

    Parameters
    ----------
    workers
        Number of local workers (None: :func:`default_workers`).

    Returns
    -------
    bool
        True when the innermost :func:`keep_workers` block keeps that many workers and they have started.
    """
    kept = _kept(default_workers() if workers is None else workers)
    return kept is not None and kept.started


def executor_for(work: float, min_work: float, *, workers: int | None, scheduler: Any) -> tuple[int | None, Any]:
    """``(workers, scheduler)`` for a step of ``work`` units: as given, or ``(1, None)`` (this process).

    Small steps (``work < min_work``) stay here, where starting workers would
    cost more than they save, unless :func:`keep_workers` already holds
    started local workers of that number.

    Parameters
    ----------
    work, min_work
        Size of the step and the size from which it is worth spreading, in the
        same (caller's) units, e.g. clips or resamples.
    workers, scheduler
        What the caller asked for (see :func:`run_each`).

    Returns
    -------
    tuple
        ``(workers, scheduler)`` as given, or ``(1, None)`` for a small step.
    """
    if work >= min_work or (scheduler is None and workers_ready(workers)):
        return workers, scheduler
    return 1, None


@contextlib.contextmanager
def worker_threads(workers: int) -> Iterator[None]:
    """Give spawned workers an equal share of the cores (unless the user set the variables).

    Each worker's numeric libraries (OpenMP, BLAS) otherwise start one thread
    per core, and N workers x cores busy-waiting threads make a parallel run
    slower than a serial one. The variables must be in the environment when a
    worker starts; they are restored afterwards.

    Parameters
    ----------
    workers
        Number of workers sharing the cores; each gets ``cpu_count // workers`` threads (at least 1).

    Yields
    ------
    None
        Inside the block, ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` and
        ``MKL_NUM_THREADS`` are set (where the user had not set them).
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


#: Dask's communication protocols; ``host:port`` without one means ``tcp://``.
SCHEDULER_PROTOCOLS = ("tcp", "tls", "ucx", "ws", "wss", "inproc")


def check_scheduler(scheduler: Any) -> None:
    """Refuse a ``scheduler`` that is not None, a ``distributed.Client`` or a Dask scheduler address.

    An address is ``PROTOCOL://host:port`` (:data:`SCHEDULER_PROTOCOLS`) or
    ``host:port``; the dashboard's ``http://`` address is refused with a hint.

    Parameters
    ----------
    scheduler
        The value of a ``scheduler`` option (anything but a string is left to Dask).

    Returns
    -------
    None
        Raises :class:`~alloava_analysis.errors.ParameterError` naming the value and what was expected.
    """
    if not isinstance(scheduler, str):
        return
    expected = f"a Dask scheduler address such as tcp://host:8786 (protocols {', '.join(SCHEDULER_PROTOCOLS)})"
    protocol, sep, rest = scheduler.strip().rpartition("://")
    hint = "; the dashboard's http:// address is not the scheduler's" if protocol in ("http", "https") else ""
    if sep and protocol not in SCHEDULER_PROTOCOLS:
        raise ParameterError(f"invalid value for scheduler: expected {expected}, got {scheduler!r}{hint}",
                             name="scheduler")
    if protocol == "inproc" and rest:
        return
    host, colon, port = rest.rpartition(":")
    if not (colon and host.strip("[]") and port.isdigit() and 0 < int(port) < 65536) or any(c.isspace() for c in rest):
        raise ParameterError(f"invalid value for scheduler: expected {expected}, got {scheduler!r}", name="scheduler")


def run_each(fn: Callable[[Any], Any], items: Sequence[Any], *, workers: int | None = 1, scheduler: Any = None,
             key: str = "alloava") -> Iterator[tuple[int, Any, BaseException | None]]:
    """Call ``fn(item)`` for every item, yielding ``(index, result, error)`` as items finish.

    ``fn`` may be any function, a lambda or one defined in a notebook included:
    local workers get it by value (cloudpickle), as Dask workers do.

    An exception raised by ``fn`` (or a worker that died) comes back as
    ``error`` for that item only; callers that want one clip's fault to fail
    that clip only catch it inside ``fn`` and return it as a result.

    Parameters
    ----------
    fn
        Called once per item; must be picklable by cloudpickle for workers.
    items
        The items (each picklable for workers).
    workers
        1 runs items one after another in this process; more runs them in that
        many spawned processes (``None``: :func:`default_workers`); checked
        (an integer >= 1) when ``run_each`` is called.
    scheduler
        A Dask scheduler address (``tcp://host:8786``) or a
        ``distributed.Client``: items run as tasks on that cluster's workers,
        which must see the corpus at the same path (shared file system).
    key
        Prefix of the Dask task keys.

    Returns
    -------
    iterator of tuple
        ``(index, result, error)`` per item, in the order items finish: ``index``
        into ``items``, ``fn(item)`` (None on error) and the exception (None on success).
    """
    check_int("workers", workers, minimum=1, allow_none=True)  # here, not when the first item is asked for
    check_scheduler(scheduler)
    return _run_each(fn, items, default_workers() if workers is None else workers, scheduler, key)


def _run_each(fn: Callable[[Any], Any], items: Sequence[Any], workers: int, scheduler: Any,
              key: str) -> Iterator[tuple[int, Any, BaseException | None]]:
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
                key: str = "alloava", progress: bool = False,
                desc: str = "clips") -> list[tuple[Any, BaseException | None]]:
    """``(result, error)`` of ``fn(item)`` for every item, in the order of ``items`` (see :func:`run_each`).

    Parameters
    ----------
    fn, items, workers, scheduler, key
        As for :func:`run_each`.
    progress
        Show a progress bar on stderr.
    desc
        Label of the progress bar.

    Returns
    -------
    list of tuple
        ``(fn(item), None)`` or ``(None, exception)`` per item, in item order.
    """
    from tqdm.auto import tqdm

    if not isinstance(desc, str):
        raise ParameterError(f"invalid value for desc: expected a string (the progress bar's label), got {desc!r}",
                             name="desc")
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

    Parameters
    ----------
    fn, items, workers, scheduler, key
        As for :func:`run_each`.
    chunks_per_worker
        Chunks per local worker (an integer >= 1); more chunks balance uneven
        items better, fewer send ``fn`` less often. On Dask every item is a chunk.

    Returns
    -------
    list
        ``fn(item)`` per item, in item order.
    """
    check_int("workers", workers, minimum=1, allow_none=True)
    check_int("chunks_per_worker", chunks_per_worker, minimum=1)
    check_scheduler(scheduler)
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
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    kept = _kept(workers)
    local = kept if kept is not None else _LocalWorkers(min(workers, len(items)))
    fn_path = local.send(fn)
    try:
        with worker_threads(workers):  # workers start as items are submitted
            futures = {local.pool.submit(_call_worker_fn, str(fn_path), item): i for i, item in enumerate(items)}
        local.started = True
        try:
            for future in as_completed(futures):
                try:
                    yield futures[future], future.result(), None
                except BrokenProcessPool as err:  # a worker died: this map's unfinished items fail, the pool is done
                    local.broken = True
                    yield futures[future], None, err
                except Exception as err:  # noqa: BLE001 - fails its item only
                    yield futures[future], None, err
        finally:
            for future in futures:
                future.cancel()
    finally:
        fn_path.unlink(missing_ok=True)
        if kept is None:
            local.close(abort=_stopping())
        elif local.broken:  # the next map inside the block gets new workers
            local.restart()


def _call_with(item: Any, fn: Callable[[Any], Any]) -> Any:
    return fn(item)


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
        # the function and the data it holds (a corpus index, arrays) go to the cluster once, not in every task
        [shared_fn] = client.scatter([fn], hash=False)
        futures = client.map(_call_with, list(items), fn=shared_fn, key=keys, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for future in as_completed(futures):
            try:
                yield index[future.key], future.result(), None
            except Exception as err:  # noqa: BLE001 - a lost worker fails its item only
                yield index[future.key], None, err
    finally:
        if own:
            client.close()
