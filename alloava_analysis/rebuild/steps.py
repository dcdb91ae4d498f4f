"""The steps of one clip (download from an allowed host, extract, checksum) and the run of one clip."""
from __future__ import annotations

import contextlib
import logging
import os
import shutil
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ..checks import check_int
from ..errors import AlloAvaError
from ..io.layout import MODALITY_DIRS, parse_key
from .guard import HostGuard, host_allowed
from .journal import (
    JOURNAL_VERSION,
    QUARANTINE_DIR,
    STEPS,
    ClipTask,
    StepError,
    file_record,
    read_journal,
    step_done,
    work_dir,
    write_journal,
    write_json_sorted,
)

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# hosts (every request of a download goes through guard.HostGuard)
def check_host(url: str, allowed_hosts: Sequence[str]) -> None:
    """Raise :class:`StepError` unless ``url`` may be downloaded.

    Parameters
    ----------
    url
        The source URL of a clip.
    allowed_hosts
        Host names it may be on (subdomains included; see :func:`~.guard.host_allowed`).
    """
    if not host_allowed(url, allowed_hosts):
        host = urlparse(url).hostname or url
        raise StepError(f"expected a URL on an allowed host ({', '.join(allowed_hosts)}), got host {host!r}; "
                        f"name it with --allow-host to permit it")


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
    """Download the clip's source with yt-dlp and move it to ``OUT/video/<clip_id>.<ext>``; returns outputs.

    Every request yt-dlp makes (pages, redirects, embedded media, fragments)
    goes through a :class:`~.guard.HostGuard` proxy, so none reaches a host
    outside ``task.allowed_hosts``; a download that needed one fails with the
    host named. yt-dlp's own ``proxy`` option therefore cannot be used.

    Parameters
    ----------
    task
        The clip (``url``, ``out``, ``allowed_hosts``, ``ytdl_format``, ``ytdl_options``).

    Returns
    -------
    dict
        ``{path relative to OUT: {bytes, sha256}}`` of the video file.

    Raises
    ------
    StepError
        The host is not allowed, ``ytdl_options`` names a proxy, the download
        failed or produced no file.
    """
    try:
        import yt_dlp
    except ImportError:  # pragma: no cover - part of the [rebuild] extra
        raise ImportError("rebuild needs yt-dlp: pip install 'alloava_analysis[rebuild]'") from None
    check_host(task.url, task.allowed_hosts)
    if "proxy" in task.ytdl_options:
        raise StepError("expected no 'proxy' in the yt-dlp options: downloads go through the allowed-host "
                        "guard, which is itself a proxy")
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
    with HostGuard(task.allowed_hosts) as guard:
        try:
            with yt_dlp.YoutubeDL({**options, "proxy": guard.url}) as ydl:
                info = ydl.extract_info(task.url, download=True)
        except yt_dlp.utils.DownloadError as err:
            message = str(err).replace("ERROR: ", "").strip().splitlines()[0]
            if guard.refused:
                hosts = ", ".join(repr(h) for h in dict.fromkeys(guard.refused))
                raise StepError(f"download of {task.url} needed host {hosts} (a redirect or embedded media), "
                                f"expected only allowed hosts ({', '.join(task.allowed_hosts)}); no request was "
                                f"sent there; name it with --allow-host to permit it") from None
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
    return dict([file_record(out, target)])


def extract_clip(video: str | Path, out: str | Path, *, clip_id: str, seed: int = 0, blas_threads: int = 1,
                 **options: Any) -> dict:
    """The default extractor: :func:`~.pipeline.extract_video` made reproducible.

    The same input gives byte-identical files in serial, multi-process and Dask
    runs: BLAS runs on a fixed number of threads (the Whisper front end's
    floating-point sums, and so its word probabilities, depend on it; Dask
    workers start with one thread, a plain process with one per core);
    CTranslate2's sampler (Whisper's temperature fallback) is seeded (run times
    are never written into the files, see ``pipeline.RUN_TIME_KEYS``).

    Parameters
    ----------
    video
        The source video.
    out
        The output corpus folder (Allo-AVA layout).
    clip_id
        The clip's id; names its files in the layout.
    seed
        Seed of CTranslate2's sampler (an integer >= 0).
    blas_threads
        Threads BLAS may use while extracting (an integer >= 1); keep it fixed for identical outputs.
    options
        Passed on to :func:`~alloava_analysis.extract.pipeline.extract_video`
        (``progress`` defaults to False).

    Returns
    -------
    dict
        What ``extract_video`` returns (``paths`` of the files written, ``skipped`` modalities, ...).
    """
    check_int("seed", seed, minimum=0)
    check_int("blas_threads", blas_threads, minimum=1)
    from threadpoolctl import threadpool_limits

    from ..extract.pipeline import extract_video

    with contextlib.suppress(ImportError):
        import ctranslate2

        ctranslate2.set_random_seed(seed)
    options.setdefault("progress", False)
    with threadpool_limits(limits=blas_threads, user_api="blas"):
        return extract_video(video, out, clip_id=clip_id, **options)


def run_extract(task: ClipTask, video: Path) -> dict[str, dict]:
    """Run the extractor on the downloaded video; returns outputs (files it wrote under OUT).

    Parameters
    ----------
    task
        The clip (``extractor`` or :func:`extract_clip`, ``extract_options``,
        ``modalities``; ``keypoints_video`` asks for an ``overlay``).
    video
        The downloaded video file.

    Returns
    -------
    dict
        ``{path relative to OUT: {bytes, sha256}}`` of the files the extractor wrote, sorted by path.

    Raises
    ------
    StepError
        The extractor raised a toolkit error, or a modality of ``task.modalities`` is not in the layout after it.
    """
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
            relative, record = file_record(out, path)
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
    """Checksums of the clip's layout files; compares them with the manifest's where it gives them.

    A difference is logged as a warning, or raised as :class:`StepError` with ``task.strict_checksums``.

    Parameters
    ----------
    task
        The clip (``out``, ``clip_id``, ``expected`` checksums, ``strict_checksums``).

    Returns
    -------
    dict
        ``{path relative to OUT: {bytes, sha256, modality}}`` per layout file of the clip.
    """
    out = Path(task.out)
    outputs, mismatched = {}, []
    for modality, path in _layout_files(out, task.clip_id).items():
        relative, record = file_record(out, path)
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
    """Write the failure record of a clip (or manifest row) to ``OUT/quarantine/<name>.json``.

    Parameters
    ----------
    out
        The output corpus folder.
    name
        The clip id (or ``row<N>_<id>`` for a manifest row); characters other
        than letters, digits and ``-_.`` become ``_`` in the file name.
    record
        The failure: ``clip_id``, ``step``, ``reason`` (and ``url`` or ``row``).

    Returns
    -------
    Path
        The file written.
    """
    return write_json_sorted(_quarantine_path(Path(out), name), record)


def remove_stale_temporaries(out: str | Path, clip_id: str) -> list[Path]:
    """Delete temporary files a killed run left for ``clip_id`` (hidden ``.<clip_id>.*part*`` files).

    Parameters
    ----------
    out
        The output corpus folder (its modality folders and ``extraction/`` are searched).
    clip_id
        The clip's id.

    Returns
    -------
    list of Path
        The files removed.
    """
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

    A failure is quarantined (see :func:`quarantine`); a clip that finishes has its
    quarantine record removed.

    Parameters
    ----------
    task
        The clip.
    on_step
        Called as ``on_step(clip_id, step, ran)`` after each step, ``ran``
        False for a step skipped because it was done before.

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
                write_journal(out, journal)  # a step killed half-way must not look finished later
                redo = True
            if step == "download":
                outputs = download_source(task)
            elif step == "extract":
                video = out / next(iter(journal["steps"]["download"]["outputs"]))
                outputs = run_extract(task, video)
            else:
                outputs = run_checksum(task)
            journal["steps"][step] = {"outputs": outputs}
            write_journal(out, journal)
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
