"""The whole rebuild run: manifest in, clips through an executor, output manifest and report out."""
from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from ..checks import check_int
from ..errors import ParameterError
from ..io.labels import INDEX_COLUMNS, LABELS_FILE, write_labels
from ..io.layout import check_corpus_output
from ..io.manifest import (
    CORE_COLUMNS,
    MODALITIES,
    ManifestError,
    ManifestIssue,
    check_manifest,
    expected_checksums,
    validate_manifest,
    write_manifest,
)
from .executors import execute
from .journal import DEFAULT_ALLOWED_HOSTS, DEFAULT_FORMAT, OUTPUT_MANIFEST, STEPS, ClipTask, read_journal
from .steps import quarantine

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# the whole run
def _read_tasks(manifest: str | Path | pd.DataFrame, out: Path) -> tuple[pd.DataFrame, list[dict]]:
    """Valid manifest rows and failure records for the bad rows (one per row)."""
    if isinstance(manifest, pd.DataFrame):
        rows, issues = validate_manifest(manifest.astype(object).where(manifest.notna(), "").astype(str))
    else:
        rows, issues = check_manifest(manifest)
    # extra columns become labels.csv, whose columns must not shadow the corpus index
    issues += [ManifestIssue(1, c, f"expected extra columns (labels) not named like a corpus index column, got "
                                   f"{c!r}; rename it (e.g. {'label_' + c!r})")
               for c in rows.columns if c in INDEX_COLUMNS and c not in CORE_COLUMNS]
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
    """Write the output manifest (and ``labels.csv`` with the manifest's extra columns) for finished clips.

    Measured checksums and sizes (from each clip's ``checksum`` step) replace the
    manifest's; where the manifest gave some, ``checksum_mismatch`` names the
    modalities that differ.

    Parameters
    ----------
    out
        The output corpus folder.
    rows
        The valid manifest rows.
    finished
        Ids of the clips to list (rebuilt now or before).

    Returns
    -------
    Path
        ``out/manifest.csv``.
    """
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
        write_labels(out / LABELS_FILE, table[["clip_id", *extras]].sort_values("clip_id"))
    return path


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def exit_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into ``SystemExit(143)`` (main thread only) so a terminated run cleans up after itself.

    Python's default SIGTERM ends the process on the spot; as an exception it
    unwinds instead, so temporary files are removed and worker pools shut down.
    Outside the main thread, or when SIGTERM already has a handler, nothing changes.

    Yields
    ------
    None
        Inside the block, SIGTERM raises ``SystemExit(143)``; the default handler is restored after.
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
    progress
        Show progress bars (clips and steps) on stderr.

    Returns
    -------
    dict
        ``done`` and ``already_done`` (clip ids: rebuilt now / already
        complete), ``skipped`` (always empty: the key of the command-line
        contract), ``failed`` (``{clip_id, reason, step}``), ``steps_run`` per clip,
        ``manifest`` (the output manifest) and ``out``.
    """
    check_int("workers", workers, minimum=1)
    hosts = tuple(allowed_hosts) if isinstance(allowed_hosts, Iterable) and not isinstance(allowed_hosts, str) \
        else None
    if hosts is None or not all(isinstance(h, str) and h.strip() for h in hosts):
        raise ParameterError(f"invalid value for allowed_hosts: expected a list of host names such as "
                             f"{list(DEFAULT_ALLOWED_HOSTS)}, got {allowed_hosts!r}", name="allowed_hosts")
    if not isinstance(ytdl_format, str) or not ytdl_format.strip():
        raise ParameterError(f"invalid value for ytdl_format: expected a yt-dlp format selector (a non-empty "
                             f"string such as {DEFAULT_FORMAT!r}), got {ytdl_format!r}", name="ytdl_format")
    out = check_corpus_output(out, sources=(manifest if isinstance(manifest, (str, Path)) else None,)).resolve()
    out.mkdir(parents=True, exist_ok=True)
    rows, failed = _read_tasks(manifest, out)
    tasks = []
    for row in rows.sort_values("clip_id").to_dict("records"):
        modalities = tuple(m for m in row["modalities"].split(";") if m)
        tasks.append(ClipTask(clip_id=row["clip_id"], url=row["url"], out=str(out), modalities=modalities,
                              expected=expected_checksums(row), allowed_hosts=hosts,
                              extractor=extractor, extract_options=dict(extract_options or {}),
                              ytdl_format=ytdl_format, ytdl_options=dict(ytdl_options or {}),
                              strict_checksums=strict_checksums))
    result: dict = {"done": [], "already_done": [], "skipped": [], "failed": failed, "steps_run": {},
                    "out": str(out)}
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
                result["done" if item["status"] == "done" else "already_done"].append(item["clip_id"])
    result["done"].sort()
    result["already_done"].sort()
    result["failed"].sort(key=lambda f: (str(f.get("clip_id")), str(f.get("step"))))
    result["steps_run"] = dict(sorted(result["steps_run"].items()))
    result["manifest"] = str(write_outputs(out, rows, result["done"] + result["already_done"]))
    return result


