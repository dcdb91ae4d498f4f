"""``alloava stats``: the corpus's dataset statistics next to the published claims."""
from __future__ import annotations

import logging
import warnings
from typing import Any

import pandas as pd

from ..corpus import Corpus, as_corpus, clip_summary, duplicate_videos
from ..stats.descriptive import claims_vs_measured, load_claims, measure_table
from .settings import StatsSettings

log = logging.getLogger(__name__)


def clip_table_and_failures(corpus: Corpus, *, progress: bool = True) -> tuple[pd.DataFrame, list[dict]]:
    """One row per clip with frames, words and durations, and ``{clip_id, reason}`` for clips that did not load.

    Read from the store index when it is up to date for every clip, else by loading each clip.

    Parameters
    ----------
    corpus
        The corpus.
    progress
        Show a progress bar on stderr while clips are loaded.

    Returns
    -------
    table : pandas.DataFrame
        One row per loaded clip: the index columns with ``frames``, ``words``, ``n_keypoints`` and durations.
    failed : list of dict
        ``{clip_id, reason}`` of the clips that could not be loaded.
    """
    needed = {"frames", "words", "n_keypoints"}
    if needed <= set(corpus.index.columns) and corpus.index[list(needed)].notna().all().all() and \
            corpus.in_store().all():
        return corpus.index.copy(), []
    rows = []
    clips = corpus.clips(progress=progress)
    for clip in clips:
        row = corpus.index[corpus.index.clip_id == clip.clip_id].iloc[0].to_dict()
        rows.append({**row, **clip_summary(clip, row)})
    return pd.DataFrame(rows), clips.failed


def clip_table(corpus: Corpus, *, progress: bool = True) -> pd.DataFrame:
    """One row per clip with frames, words and durations (clips that fail to load are left out, with a warning).

    Parameters
    ----------
    corpus
        The corpus.
    progress
        Show a progress bar on stderr while clips are loaded.

    Returns
    -------
    pandas.DataFrame
        The table of :func:`clip_table_and_failures`.
    """
    table, failed = clip_table_and_failures(corpus, progress=progress)
    _warn_failed(failed)
    return table


def _warn_failed(failed: list[dict]) -> None:
    if failed:
        warnings.warn(f"{len(failed)} clip(s) could not be loaded and are left out: "
                      + "; ".join(f"{f['clip_id']} ({f['reason']})" for f in failed), stacklevel=3)


def measure(corpus: Corpus, *, progress: bool = True) -> dict:
    """Measured corpus statistics (keys of ``alloava stats --json``'s ``measured``).

    Each YouTube video counts once: a video listed under two categories (two
    clip ids) is measured as its first clip id (see :func:`duplicate_videos`).
    Clips that fail to load are left out, with a warning; :func:`corpus_stats` lists them.

    Parameters
    ----------
    corpus
        The corpus.
    progress
        Show a progress bar on stderr while clips are loaded.

    Returns
    -------
    dict
        The measured statistics (:func:`~alloava_analysis.stats.descriptive.measure_table`).
    """
    table, failed = clip_table_and_failures(corpus, progress=progress)
    _warn_failed(failed)
    return measure_table(table)


def corpus_stats(source: Any, settings: StatsSettings | None = None, *, progress: bool = True,
                 **options: Any) -> dict:
    """The ``alloava stats --json`` object.

    Parameters
    ----------
    source
        A corpus or its folder.
    settings
        The job's settings (:class:`~alloava_analysis.runs.settings.StatsSettings`, which has no choices yet).
    progress
        Show a progress bar on stderr while clips are loaded.
    options
        Fields of :class:`StatsSettings` replacing those of ``settings``.

    Returns
    -------
    dict
        ``{settings, failed, skipped, notes}`` as every driver, with ``root``;
        ``measured``; ``claims`` (``{name, claimed, measured, unit, source,
        source_id}``); the claims' own ``consistency_notes``; ``duplicates``
        (``{youtube_id, clip_ids, counted_as}``, each also a sentence in
        ``notes``). ``failed`` lists ``{clip_id, reason}`` of clips that could
        not be loaded (left out of ``measured``); ``skipped`` ``{path, reason}``
        of files that are not clips.
    """
    s = StatsSettings.resolve(settings, **options)
    corpus = as_corpus(source)
    table, failed = clip_table_and_failures(corpus, progress=progress)
    measured = measure_table(table)
    claims = load_claims()
    duplicates = duplicate_videos(corpus.index)
    notes = [f"YouTube video {dup['youtube_id']} is listed as {', '.join(dup['clip_ids'])}; counted once, as "
             f"{dup['counted_as']}" for dup in duplicates]
    for note in notes:
        log.warning("%s", note)
    return {"root": str(corpus.root), "measured": measured, "claims": claims_vs_measured(measured, claims),
            "consistency_notes": claims["consistency_notes"], "duplicates": duplicates, "settings": s.to_dict(),
            "failed": failed, "skipped": list(corpus.skipped_files), "notes": notes}

