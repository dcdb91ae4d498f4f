"""Executors of ``rebuild``: serial, local processes, or a Dask cluster; each calls the same run_clip.

The executors themselves are :mod:`alloava_analysis.parallel` (shared by every batch command).
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..checks import check_int
from ..parallel import THREAD_VARIABLES, die_with_parent, run_each  # noqa: F401 - re-exported
from .journal import ClipTask
from .steps import quarantine, run_clip


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
    tasks
        The clips to rebuild, one task each.
    workers
        1 runs clips one after another in this process; more runs them in that
        many processes (spawned). Checked (an integer >= 1) when ``execute`` is called.
    scheduler
        A Dask scheduler address (``tcp://host:8786``) or a
        ``distributed.Client``: clips run as tasks on that cluster's workers,
        which must see ``OUT`` at the same path (shared file system).
    on_step
        Called as ``on_step(clip_id, step, ran)`` after each step (serial runs
        only; other executors report whole clips).

    Returns
    -------
    iterator of dict
        One :func:`run_clip` result per clip, as clips finish; a clip whose
        worker failed is quarantined and comes back with ``status`` ``"failed"``
        and ``step`` ``"worker"``.
    """
    check_int("workers", workers, minimum=1)  # here, not when the first clip is asked for
    return _execute(tasks, workers, scheduler, on_step)


def _execute(tasks: Sequence[ClipTask], workers: int, scheduler: Any,
             on_step: Callable[[str, str, bool], None] | None) -> Iterator[dict]:
    if scheduler is None and (workers <= 1 or len(tasks) <= 1):
        for task in tasks:
            yield run_clip(task, on_step)
        return
    for i, result, error in run_each(run_clip, tasks, workers=workers, scheduler=scheduler, key="alloava-rebuild"):
        yield _failed(tasks[i], error) if error is not None else result
