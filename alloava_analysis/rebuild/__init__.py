"""Rebuild clips of a manifest from their source videos: download, extract, checksum.

Each clip goes through three steps:

``download``
    yt-dlp fetches the source (allowed hosts only: YouTube unless more are
    named) into ``OUT/.rebuild/<clip_id>/download/``; an interrupted transfer
    leaves yt-dlp's ``.part`` file there and the next run resumes it. The
    finished file is renamed into ``OUT/video/<clip_id>.<ext>``.
``extract``
    :func:`alloava_analysis.extract.pipeline.extract_video` writes audio,
    transcript and keypoints into the layout (each file atomically).
``checksum``
    sha256 and size of every layout file of the clip, compared with the
    manifest's checksums where it gives them, and written to the output
    manifest ``OUT/manifest.csv``.

A per-clip journal (``OUT/.rebuild/<clip_id>/journal.json``, written
atomically after a step's outputs are in place) records finished steps with
the size and sha256 of what they wrote; a later run skips a step whose outputs
are still there, so a run killed at any point and restarted finishes the rest
without redoing finished work and without a partial file in the layout. A clip
that fails (bad manifest row, host not allowed, download or extraction error)
is quarantined in ``OUT/quarantine/<clip_id>.json`` with the step and reason,
and the others go on; a later run retries it.

Clips run serially, in parallel processes (``workers``) or on a Dask cluster
(``scheduler``): every executor calls the same :func:`run_clip`, and outputs do
not depend on it (no timestamps or timings inside output files, fixed key and
row order).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd
from tqdm.auto import tqdm

from ..corpus import LABELS_FILE
from ..errors import AlloAvaError
from ..io.atomic import atomic_write
from ..io.layout import MODALITY_DIRS, parse_key
from ..io.manifest import CORE_COLUMNS, MODALITIES, ManifestError, check_manifest, expected_checksums
from ..io.manifest import validate_manifest, write_manifest
from ..io.store import file_sha256

log = logging.getLogger(__name__)

STEPS = ("download", "extract", "checksum")
DEFAULT_ALLOWED_HOSTS = ("youtube.com", "youtu.be", "youtube-nocookie.com")
WORK_DIR = ".rebuild"
QUARANTINE_DIR = "quarantine"
OUTPUT_MANIFEST = "manifest.csv"
JOURNAL_VERSION = 1
#: yt-dlp format choice: a single file with audio and video (no ffmpeg merge needed).
DEFAULT_FORMAT = "best[ext=mp4][acodec!=none][vcodec!=none]/best[acodec!=none][vcodec!=none]/best"


class StepError(AlloAvaError):
    """A clip's step failed for a reason worth reporting (host not allowed, download failed, ...)."""


# ---------------------------------------------------------------------------------------------
# hosts
def host_allowed(url: str, allowed_hosts: Iterable[str]) -> bool:
    """Whether ``url`` is http(s) on an allowed host (or a subdomain of one); ports are ignored."""
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower().rstrip(".")
    if parsed.scheme not in ("http", "https") or not host:
        return False
    return any(host == h.lower() or host.endswith("." + h.lower()) for h in allowed_hosts)


def check_host(url: str, allowed_hosts: Sequence[str]) -> None:
    """Raise :class:`StepError` unless ``url`` may be downloaded."""
    if not host_allowed(url, allowed_hosts):
        host = urlparse(url).hostname or url
        raise StepError(f"expected a URL on an allowed host ({', '.join(allowed_hosts)}), got host {host!r}; "
                        f"name it with --allow-host to permit it")


# ---------------------------------------------------------------------------------------------
# tasks and journal
@dataclass(frozen=True)
class ClipTask:
    """Everything one worker needs to rebuild one clip (picklable)."""

    clip_id: str
    url: str
    out: str
    modalities: tuple[str, ...]
    expected: dict = field(default_factory=dict)
    allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS
    extractor: Callable[..., dict] | None = None
    extract_options: dict = field(default_factory=dict)
    ytdl_format: str = DEFAULT_FORMAT
    ytdl_options: dict = field(default_factory=dict)
    strict_checksums: bool = False


def work_dir(out: str | Path, clip_id: str) -> Path:
    """The clip's work folder (journal, partial downloads)."""
    return Path(out) / WORK_DIR / clip_id


def journal_path(out: str | Path, clip_id: str) -> Path:
    return work_dir(out, clip_id) / "journal.json"


def read_journal(out: str | Path, clip_id: str) -> dict:
    """The clip's journal (``{}`` when absent or unreadable: then every step runs again)."""
    path = journal_path(out, clip_id)
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        log.warning("%s: unreadable journal (%s); redoing every step", path, err)
        return {}
    return journal if isinstance(journal, dict) and journal.get("version") == JOURNAL_VERSION else {}


def _write_json_sorted(path: Path, obj: dict) -> Path:
    with atomic_write(path, "w", encoding="utf-8") as handle:
        json.dump(obj, handle, indent=1, sort_keys=True, allow_nan=False)
    return path


def _write_journal(out: str | Path, journal: dict) -> None:
    _write_json_sorted(journal_path(out, journal["clip_id"]), journal)


def _file_record(out: Path, path: str | Path) -> tuple[str, dict]:
    path = Path(path)
    relative = path.resolve().relative_to(out.resolve()).as_posix()
    return relative, {"bytes": path.stat().st_size, "sha256": file_sha256(path)}


def _outputs_intact(out: Path, outputs: dict[str, dict]) -> bool:
    for relative, record in outputs.items():
        path = out / relative
        if not path.is_file() or path.stat().st_size != record.get("bytes"):
            return False
    return True


def step_done(out: str | Path, journal: dict, step: str) -> bool:
    """Whether ``step`` is recorded as finished and its outputs are still in place."""
    entry = journal.get("steps", {}).get(step)
    return isinstance(entry, dict) and _outputs_intact(Path(out), entry.get("outputs", {}))


# ---------------------------------------------------------------------------------------------
# steps
class _YtdlLogger:
    """Route yt-dlp's messages to logging (never to stdout, which carries the JSON result)."""

    def debug(self, msg: str) -> None:
        log.debug("yt-dlp: %s", msg)

    def info(self, msg: str) -> None:
        log.debug("yt-dlp: %s", msg)

    def warning(self, msg: str) -> None:
        log.info("yt-dlp: %s", msg)

    def error(self, msg: str) -> None:
        log.info("yt-dlp: %s", msg)


def download_source(task: ClipTask) -> dict[str, dict]:
    """Download the clip's source with yt-dlp and move it to ``OUT/video/<clip_id>.<ext>``; returns outputs."""
    try:
        import yt_dlp
    except ImportError:  # pragma: no cover - part of the [rebuild] extra
        raise ImportError("rebuild needs yt-dlp: pip install 'alloava_analysis[rebuild]'") from None
    check_host(task.url, task.allowed_hosts)
    out = Path(task.out)
    folder = work_dir(out, task.clip_id) / "download"
    folder.mkdir(parents=True, exist_ok=True)
    options = {
        "outtmpl": {"default": str(folder / "source.%(ext)s")},
        "format": task.ytdl_format,
        "quiet": True, "no_warnings": True, "noprogress": True, "logger": _YtdlLogger(),
        "continuedl": True, "nopart": False, "overwrites": False, "noplaylist": True,
        "retries": 3, "fragment_retries": 3, "socket_timeout": 30, "cachedir": False,
        "restrictfilenames": True, "windowsfilenames": True,
        **task.ytdl_options,
    }
    try:
        with yt_dlp.YoutubeDL(options) as ydl:
            info = ydl.extract_info(task.url, download=True)
    except yt_dlp.utils.DownloadError as err:
        message = str(err).replace("ERROR: ", "").strip().splitlines()[0]
        raise StepError(f"download of {task.url} failed: {message}") from None
    files = [Path(d["filepath"]) for d in (info or {}).get("requested_downloads", []) if d.get("filepath")]
    files = [f for f in files if f.is_file()]
    if not files:
        raise StepError(f"download of {task.url} produced no file")
    source = files[0]
    suffix = source.suffix.lower() or ".mp4"
    target = out / MODALITY_DIRS["video"] / f"{task.clip_id}{suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f"{task.clip_id}.*"):  # an earlier source with another extension
        if stale != target and not stale.name.startswith("."):
            stale.unlink()
    os.replace(source, target)
    shutil.rmtree(folder, ignore_errors=True)
    return dict([_file_record(out, target)])


def extract_clip(video: str | Path, out: str | Path, *, clip_id: str, seed: int = 0, blas_threads: int = 1,
                 **options: Any) -> dict:
    """The default extractor: :func:`~.pipeline.extract_video` made reproducible.

    The same input gives byte-identical files in serial, multi-process and Dask
    runs: BLAS runs on a fixed number of threads (the Whisper front end's
    floating-point sums, and so its word probabilities, depend on it; Dask
    workers start with one thread, a plain process with one per core);
    CTranslate2's sampler (Whisper's temperature fallback) is seeded (run times
    are never written into the files, see ``pipeline.RUN_TIME_KEYS``).
    """
    from threadpoolctl import threadpool_limits

    from ..extract.pipeline import extract_video

    with contextlib.suppress(ImportError):
        import ctranslate2

        ctranslate2.set_random_seed(seed)
    options.setdefault("progress", False)
    with threadpool_limits(limits=blas_threads, user_api="blas"):
        return extract_video(video, out, clip_id=clip_id, **options)


def run_extract(task: ClipTask, video: Path) -> dict[str, dict]:
    """Run the extractor on the downloaded video; returns outputs (files it wrote under OUT)."""
    out = Path(task.out)
    extractor = task.extractor or extract_clip
    options = dict(task.extract_options)
    if "keypoints_video" in task.modalities:
        options.setdefault("overlay", True)
    try:
        result = extractor(video, out, clip_id=task.clip_id, **options)
    except AlloAvaError as err:
        raise StepError(f"extraction failed: {err}") from None
    skipped = {s.get("modality"): s.get("reason") for s in result.get("skipped", []) if isinstance(s, dict)}
    outputs = {}
    for value in result.get("paths", {}).values():
        path = Path(value)
        if path.is_file() and out.resolve() in path.resolve().parents:
            relative, record = _file_record(out, path)
            outputs[relative] = record
    present = _layout_files(out, task.clip_id)
    missing = [m for m in task.modalities if m not in present]
    if missing:
        reasons = "; ".join(f"{m}: {skipped.get(m, 'not written')}" for m in missing)
        raise StepError(f"expected modalities {', '.join(missing)} after extraction, got none ({reasons})")
    return dict(sorted(outputs.items()))


def _layout_files(out: Path, clip_id: str) -> dict[str, Path]:
    """The clip's file per modality in the layout (ignoring hidden/temporary files)."""
    found = {}
    for modality, folder in MODALITY_DIRS.items():
        for path in sorted((out / folder).glob(f"{clip_id}.*")):
            if path.is_file() and not path.name.startswith("."):
                with contextlib.suppress(AlloAvaError):
                    if parse_key(path.name).clip_id == clip_id:
                        found.setdefault(modality, path)
    return found


def run_checksum(task: ClipTask) -> dict[str, dict]:
    """Checksums of the clip's layout files; compares them with the manifest's where it gives them."""
    out = Path(task.out)
    outputs, mismatched = {}, []
    for modality, path in _layout_files(out, task.clip_id).items():
        relative, record = _file_record(out, path)
        outputs[relative] = dict(record, modality=modality)
        want = task.expected.get(modality, {})
        if ("sha256" in want and want["sha256"] != record["sha256"]) or \
                ("bytes" in want and want["bytes"] != record["bytes"]):
            mismatched.append(modality)
    if mismatched:
        message = f"checksums differ from the manifest for {', '.join(mismatched)}"
        if task.strict_checksums:
            raise StepError(message)
        log.warning("%s: %s (a re-download or re-extraction need not be bit-identical)", task.clip_id, message)
    return outputs


# ---------------------------------------------------------------------------------------------
# one clip
def _quarantine_path(out: Path, name: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip(".") or "unnamed"
    return out / QUARANTINE_DIR / f"{safe}.json"


def quarantine(out: str | Path, name: str, record: dict) -> Path:
    """Write the failure record of a clip (or manifest row) to ``OUT/quarantine/<name>.json``."""
    return _write_json_sorted(_quarantine_path(Path(out), name), record)


def remove_stale_temporaries(out: str | Path, clip_id: str) -> list[Path]:
    """Delete temporary files a killed run left for ``clip_id`` (hidden ``.<clip_id>.*part*`` files)."""
    removed = []
    for folder in [*MODALITY_DIRS.values(), "extraction"]:
        for path in (Path(out) / folder).glob(f".{clip_id}.*"):
            if ".part" in path.name and path.is_file():
                path.unlink(missing_ok=True)
                removed.append(path)
    if removed:
        log.info("%s: removed %d temporary file(s) left by an interrupted run", clip_id, len(removed))
    return removed


def run_clip(task: ClipTask, on_step: Callable[[str, str, bool], None] | None = None) -> dict:
    """Run the unfinished steps of one clip; never raises for the clip's own failures.

    Returns
    -------
    dict
        ``clip_id``, ``status`` (``done``, ``skipped`` when every step was
        already finished, or ``failed``), ``steps_run``, and for failures
        ``step`` and ``reason``.
    """
    out = Path(task.out)
    journal = read_journal(out, task.clip_id)
    if journal.get("url") != task.url:
        journal = {}
    journal = {"version": JOURNAL_VERSION, "clip_id": task.clip_id, "url": task.url,
               "steps": journal.get("steps", {})}
    steps_run: list[str] = []
    step = STEPS[0]
    try:
        remove_stale_temporaries(out, task.clip_id)
        redo = False
        for step in STEPS:
            if not redo and step_done(out, journal, step):
                if on_step:
                    on_step(task.clip_id, step, False)
                continue
            if not redo:  # this step and every later one (they depend on its outputs) start afresh
                for later in STEPS[STEPS.index(step):]:
                    journal["steps"].pop(later, None)
                _write_journal(out, journal)  # a step killed half-way must not look finished later
                redo = True
            if step == "download":
                outputs = download_source(task)
            elif step == "extract":
                video = out / next(iter(journal["steps"]["download"]["outputs"]))
                outputs = run_extract(task, video)
            else:
                outputs = run_checksum(task)
            journal["steps"][step] = {"outputs": outputs}
            _write_journal(out, journal)
            steps_run.append(step)
            if on_step:
                on_step(task.clip_id, step, True)
    except Exception as err:  # noqa: BLE001 - a clip's failure is reported, the others go on
        reason = str(err).strip() or type(err).__name__
        if not isinstance(err, StepError):
            reason = f"{type(err).__name__}: {reason}"
            log.debug("clip %s failed in %s:\n%s", task.clip_id, step, traceback.format_exc())
        log.warning("clip %s failed in step %s: %s", task.clip_id, step, reason)
        quarantine(out, task.clip_id, {"clip_id": task.clip_id, "url": task.url, "step": step, "reason": reason})
        return {"clip_id": task.clip_id, "status": "failed", "step": step, "reason": reason,
                "steps_run": steps_run}
    _quarantine_path(out, task.clip_id).unlink(missing_ok=True)
    return {"clip_id": task.clip_id, "status": "done" if steps_run else "skipped", "steps_run": steps_run}


# ---------------------------------------------------------------------------------------------
# executors
def _init_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop


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
                             initializer=_init_worker) as pool:
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


# ---------------------------------------------------------------------------------------------
# the whole run
def _read_tasks(manifest: str | Path | pd.DataFrame, out: Path) -> tuple[pd.DataFrame, list[dict]]:
    """Valid manifest rows and failure records for the bad rows (one per row)."""
    if isinstance(manifest, pd.DataFrame):
        rows, issues = validate_manifest(manifest.astype(object).where(manifest.notna(), "").astype(str))
    else:
        rows, issues = check_manifest(manifest)
    by_row: dict[int | None, list] = {}
    for issue in issues:
        by_row.setdefault(issue.row, []).append(issue)
    failed = []
    for row, row_issues in by_row.items():
        if row == 1 or row is None:  # a broken header: no row can be trusted
            raise ManifestError(row_issues, path=None if isinstance(manifest, pd.DataFrame) else manifest)
        name = row_issues[0].clip_id or f"row {row}"
        reason = "invalid manifest row: " + "; ".join(str(i) for i in row_issues)
        record = {"clip_id": name, "row": row, "step": "manifest", "reason": reason}
        quarantine(out, f"row{row}_{name}", record)
        failed.append(record)
    return rows, failed


def write_outputs(out: str | Path, rows: pd.DataFrame, finished: Iterable[str]) -> Path:
    """Write the output manifest (and ``labels.csv`` with the manifest's extra columns) for finished clips."""
    out = Path(out)
    finished = set(finished)
    table = rows[rows["clip_id"].isin(finished)].copy()
    measured: dict[str, dict[str, object]] = {}
    for clip_id in table["clip_id"]:
        outputs = read_journal(out, clip_id).get("steps", {}).get("checksum", {}).get("outputs", {})
        for record in outputs.values():
            measured.setdefault(f"sha256_{record['modality']}", {})[clip_id] = record["sha256"]
            measured.setdefault(f"bytes_{record['modality']}", {})[clip_id] = record["bytes"]
    expected_cols = [c for c in table.columns if c.startswith(("sha256_", "bytes_"))]
    if expected_cols:
        def mismatch(row: pd.Series) -> str:
            bad = [c.split("_", 1)[1] for c in expected_cols
                   if not pd.isna(row[c]) and row[c] != "" and str(row[c]) != str(measured.get(c, {}).get(row.clip_id))]
            return ";".join(dict.fromkeys(bad))
        table["checksum_mismatch"] = table.apply(mismatch, axis=1) if len(table) else []
    for column in [f"{p}{m}" for m in MODALITIES for p in ("sha256_", "bytes_")]:
        if column in measured or column in table:  # measured values replace the expected ones
            table[column] = table["clip_id"].map(measured.get(column, {}))
    path = write_manifest(out / OUTPUT_MANIFEST, table)
    extras = [c for c in rows.columns if c not in CORE_COLUMNS and not c.startswith(("sha256_", "bytes_"))]
    if extras:
        labels = table[["clip_id", *extras]].sort_values("clip_id")
        with atomic_write(out / LABELS_FILE, "w", encoding="utf-8", newline="") as handle:
            labels.to_csv(handle, index=False, lineterminator="\n")
    return path


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def exit_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into ``SystemExit(143)`` (main thread only) so a terminated run cleans up after itself.

    Python's default SIGTERM ends the process on the spot; as an exception it
    unwinds instead, so temporary files are removed and worker pools shut down.
    """
    import threading

    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def rebuild(manifest: str | Path | pd.DataFrame, out: str | Path, *, workers: int = 1, scheduler: Any = None,
            allowed_hosts: Sequence[str] = DEFAULT_ALLOWED_HOSTS, extractor: Callable[..., dict] | None = None,
            extract_options: dict | None = None, ytdl_format: str = DEFAULT_FORMAT,
            ytdl_options: dict | None = None, strict_checksums: bool = False, progress: bool = True) -> dict:
    """Re-create the clips of a manifest from their source videos into ``out``.

    Parameters
    ----------
    manifest
        Manifest CSV (see ``data_manifest/README.md``) or table. Bad rows are
        reported as failed and the others go on.
    out
        Corpus folder to fill (Allo-AVA layout); also holds the work folder
        ``.rebuild/``, ``quarantine/``, the output ``manifest.csv`` with
        measured checksums and ``labels.csv`` with the manifest's extra columns.
    workers, scheduler
        Parallel processes, or a Dask scheduler address / client (see :func:`execute`).
    allowed_hosts
        Hosts a source URL may be on (subdomains included); YouTube by default.
    extractor
        Called as ``extractor(video, out, clip_id=..., **extract_options)``;
        defaults to :func:`extract_clip`. Must be picklable for parallel runs.
    extract_options
        Keyword options for the extractor (e.g. ``{"sync": False}``).
    ytdl_format, ytdl_options
        yt-dlp format selector and extra ``YoutubeDL`` options.
    strict_checksums
        Fail a clip whose files differ from the manifest's checksums (default:
        record the difference in the output manifest's ``checksum_mismatch``).

    Returns
    -------
    dict
        ``done`` and ``skipped`` (clip ids: rebuilt now / already complete),
        ``failed`` (``{clip_id, reason, step}``), ``steps_run`` per clip,
        ``manifest`` (the output manifest) and ``out``.
    """
    if workers < 1:
        raise ValueError(f"expected workers >= 1, got {workers}")
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    rows, failed = _read_tasks(manifest, out)
    tasks = []
    for row in rows.sort_values("clip_id").to_dict("records"):
        modalities = tuple(m for m in row["modalities"].split(";") if m)
        tasks.append(ClipTask(clip_id=row["clip_id"], url=row["url"], out=str(out), modalities=modalities,
                              expected=expected_checksums(row), allowed_hosts=tuple(allowed_hosts),
                              extractor=extractor, extract_options=dict(extract_options or {}),
                              ytdl_format=ytdl_format, ytdl_options=dict(ytdl_options or {}),
                              strict_checksums=strict_checksums))
    result: dict = {"done": [], "skipped": [], "failed": failed, "steps_run": {}, "out": str(out)}
    clips_bar = tqdm(total=len(tasks), desc="clips", unit="clip", disable=not progress, position=0)
    steps_bar = tqdm(total=len(tasks) * len(STEPS), desc="steps", unit="step", disable=not progress, position=1,
                     leave=False)

    def on_step(clip_id: str, step: str, ran: bool) -> None:
        steps_bar.set_postfix_str(f"{clip_id}: {step}{'' if ran else ' (done before)'}", refresh=False)
        steps_bar.update(1)

    with exit_on_sigterm(), clips_bar, steps_bar:
        for item in execute(tasks, workers=workers, scheduler=scheduler, on_step=on_step if progress else None):
            clips_bar.update(1)
            if workers > 1 or scheduler is not None:
                steps_bar.update(len(STEPS))
            result["steps_run"][item["clip_id"]] = item["steps_run"]
            if item["status"] == "failed":
                result["failed"].append({"clip_id": item["clip_id"], "reason": item["reason"], "step": item["step"]})
            else:
                result[item["status"]].append(item["clip_id"])
    result["done"].sort()
    result["skipped"].sort()
    result["failed"].sort(key=lambda f: (str(f.get("clip_id")), str(f.get("step"))))
    result["steps_run"] = dict(sorted(result["steps_run"].items()))
    result["manifest"] = str(write_outputs(out, rows, result["done"] + result["skipped"]))
    return result


# ---------------------------------------------------------------------------------------------
# command line (``alloava rebuild`` wires the same arguments)
def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The ``rebuild`` command's arguments (shared with ``alloava rebuild``)."""
    parser.add_argument("manifest", type=Path, help="manifest CSV (see data_manifest/README.md)")
    parser.add_argument("--out", type=Path, required=True, help="corpus folder to rebuild into")
    parser.add_argument("--workers", type=int, default=1, help="clips in parallel processes (default 1)")
    parser.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    parser.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                        help="also download from HOST (repeatable; YouTube is always allowed)")
    parser.add_argument("--no-sync", action="store_true", help="skip the audio-video offset check")
    parser.add_argument("--face", action="store_true", help="also store face landmarks")
    parser.add_argument("--hands", action="store_true", help="also store hand landmarks")
    parser.add_argument("--asr-model", help="Whisper model path or name (default: offline tiny.en)")
    parser.add_argument("--format", default=DEFAULT_FORMAT, help="yt-dlp format selector")
    parser.add_argument("--strict-checksums", action="store_true",
                        help="fail clips whose files differ from the manifest's checksums")
    return parser


def run_from_args(args: argparse.Namespace) -> dict:
    """Run :func:`rebuild` from parsed :func:`add_arguments` arguments."""
    options: dict[str, Any] = {}
    if args.no_sync:
        options["sync"] = False
    if args.face:
        options["face"] = True
    if args.hands:
        options["hands"] = True
    if args.asr_model:
        options["asr_model"] = args.asr_model
    return rebuild(args.manifest, args.out, workers=args.workers, scheduler=args.scheduler,
                   allowed_hosts=tuple(dict.fromkeys([*DEFAULT_ALLOWED_HOSTS, *args.allow_host])),
                   extract_options=options, ytdl_format=args.format, strict_checksums=args.strict_checksums,
                   progress=not getattr(args, "quiet", False))


def main(argv: list[str] | None = None) -> int:
    """``python -m alloava_analysis.rebuild MANIFEST --out DIR [--json]`` (exit 1 if clips failed)."""
    parser = add_arguments(argparse.ArgumentParser(prog="alloava rebuild", description=__doc__.splitlines()[0]))
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        result = run_from_args(args)
    except (AlloAvaError, FileNotFoundError, ValueError) as err:
        log.error("%s", err)
        if args.json:
            print(json.dumps({"error": type(err).__name__, "message": str(err)}))
        return 2
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print(f"{len(result['done'])} rebuilt, {len(result['skipped'])} already complete, "
              f"{len(result['failed'])} failed -> {result['out']}")
        for failure in result["failed"]:
            print(f"  failed {failure['clip_id']} ({failure['step']}): {failure['reason']}")
    return 1 if result["failed"] else 0
