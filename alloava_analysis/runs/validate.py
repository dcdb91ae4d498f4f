"""``alloava validate``: every clip of a corpus checked, with the reports in clip order."""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from ..corpus import Corpus, as_corpus, clip_failure, duplicate_videos
from ..parallel import map_ordered
from ..validators.corpus import ClipReport, validate_clip
from .settings import ValidateSettings


def validate_corpus(source: str | Path | Corpus, settings: ValidateSettings | None = None, *,
                    labels: str | Path | None = None, progress: bool = True, workers: int | None = 1,
                    scheduler: Any = None, **options: Any) -> dict:
    """Validate every clip of a corpus; returns the ``alloava validate --json`` object.

    Parameters
    ----------
    source
        A corpus or its folder.
    settings
        How clips are checked (default :class:`~alloava_analysis.runs.settings.ValidateSettings`).
    labels
        Labels CSV when ``source`` is a folder (default ``<folder>/labels.csv``).
    progress
        Show a progress bar on stderr.
    workers, scheduler
        Local processes (``None``: every core) or a Dask cluster address
        (:func:`alloava_analysis.parallel.run_each`); the reports come back in
        clip order whatever the executor.
    options
        Fields of :class:`ValidateSettings` replacing those of ``settings``.

    Returns
    -------
    dict
        ``root``; ``clips`` (one :class:`ClipReport` dict per clip); ``n_ok``;
        ``n_errors``; ``failed`` (``{clip_id, reason}`` for every clip with
        errors, the reasons joined); ``skipped`` (``{path, reason}`` for files
        that are not clips of the layout); ``duplicates``; ``settings``; ``notes``.
    """
    s = ValidateSettings.resolve(settings, **options)
    corpus = as_corpus(source, labels=labels)
    rows = corpus.index.to_dict("records")
    outcomes = map_ordered(partial(validate_clip, corpus.root, **s.to_dict()), rows, workers=workers,
                           scheduler=scheduler, key="alloava-validate", progress=progress, desc="validate")
    reports = []
    for row, (report, error) in zip(rows, outcomes):
        if error is not None:  # a worker that died
            report = ClipReport(row["clip_id"], ok=False, errors=[f"not validated: {clip_failure(error, row)}"])
        reports.append(report)
    duplicates = duplicate_videos(corpus.index)
    by_id = {r.clip_id: r for r in reports}
    for dup in duplicates:
        for clip_id in dup["clip_ids"]:
            others = ", ".join(c for c in dup["clip_ids"] if c != clip_id)
            by_id[clip_id].warnings.append(f"the same YouTube video ({dup['youtube_id']}) is also listed as {others}; "
                                           f"statistics count it once, as {dup['counted_as']}")
    return {
        "root": str(corpus.root),
        "clips": [r.to_dict() for r in reports],
        "n_ok": sum(r.ok for r in reports),
        "n_errors": sum(not r.ok for r in reports),
        "failed": [{"clip_id": r.clip_id, "reason": "; ".join(r.errors)} for r in reports if not r.ok],
        "skipped": list(corpus.skipped_files),
        "duplicates": duplicates,
        "settings": s.to_dict(),
        "notes": [],
    }

