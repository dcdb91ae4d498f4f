"""Executors: serial, local processes, or a Dask cluster; each calls the same run_clip."""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .journal import ClipTask
from .steps import quarantine, run_clip

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCHDOG_INTERVAL_S = 0.5


# ---------------------------------------------------------------------------------------------
# executors
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


def _init_worker(parent_pid: int | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    if parent_pid is not None:
        die_with_parent(parent_pid)  # a killed parent must not leave workers writing into OUT


def _failed(task: ClipTask, err: BaseException) -> dict:
    reason = f"worker failed: {type(err).__name__}: {err}"
    with contextlib.suppress(OSError):
        quarantine(task.out, task.clip_id, {"clip_id": task.clip_id, "url": task.url, "step": "worker",
                                            "reason": reason})
    return {"clip_id": task.clip_id, "status": "failed", "step": "worker", "reason": reason, "steps_run": []}


def execute(tasks: Sequence[ClipTask], *, workers: int = 1, scheduler: Any = None,
            on_step: Callable[[str, str, bool], None] | None = None) -> Iterator[dict]:
    """Run :func:`run_clip` on every task, yielding results as clips finish.

    Parameters
    ----------
    workers
        1 runs clips one after another in this process; more runs them in that
        many processes (``concurrent.futures.ProcessPoolExecutor``, spawned).
    scheduler
        A Dask scheduler address (``tcp://host:8786``) or a
        ``distributed.Client``: clips run as tasks on that cluster's workers,
        which must see ``OUT`` at the same path (shared file system).
    on_step
        Called as ``on_step(clip_id, step, ran)`` after each step (serial runs
        only; other executors report whole clips).
    """
    if scheduler is not None:
        yield from _execute_dask(tasks, scheduler)
    elif workers > 1 and len(tasks) > 1:
        yield from _execute_processes(tasks, workers)
    else:
        for task in tasks:
            yield run_clip(task, on_step)


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@contextlib.contextmanager
def _worker_threads(workers: int) -> Iterator[None]:
    """Give spawned workers an equal share of the cores (unless the user set the variables).

    Each worker's numeric libraries (OpenMP in CTranslate2, BLAS) otherwise
    start one thread per core, and N workers x cores busy-waiting threads make a
    parallel run slower than a serial one. The variables must be in the
    environment when a worker starts; they are restored afterwards.
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


def _execute_processes(tasks: Sequence[ClipTask], workers: int) -> Iterator[dict]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with _worker_threads(workers), ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=multiprocessing.get_context("spawn"),
                             initializer=_init_worker, initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(run_clip, task): task for task in tasks}
        try:
            for future in as_completed(futures):
                try:
                    yield future.result()
                except Exception as err:  # noqa: BLE001 - a crashed worker fails its clip only
                    yield _failed(futures[future], err)
        finally:
            for future in futures:
                future.cancel()


def _execute_dask(tasks: Sequence[ClipTask], scheduler: Any) -> Iterator[dict]:
    try:
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - part of the [rebuild] extra
        raise ImportError("--scheduler needs dask.distributed: pip install 'alloava_analysis[rebuild]'") from None
    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        futures = client.map(run_clip, list(tasks), key=[f"alloava-rebuild-{t.clip_id}" for t in tasks],
                             pure=False)
        by_key = {f.key: t for f, t in zip(futures, tasks)}
        for future in as_completed(futures):
            try:
                yield future.result()
            except Exception as err:  # noqa: BLE001 - a lost worker fails its clip only
                yield _failed(by_key[future.key], err)
    finally:
        if own:
            client.close()
