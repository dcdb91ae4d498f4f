"""Rebuild clips of a manifest from their source videos: download, extract, checksum.

Each clip goes through three steps:

``download``
    yt-dlp fetches the source (allowed hosts only: YouTube unless more are
    named; every request, redirects and embedded media included, goes through
    the :class:`~.guard.HostGuard` proxy, which refuses other hosts) into
    ``OUT/.rebuild/<clip_id>/download/``; an interrupted transfer leaves
    yt-dlp's ``.part`` file there and the next run resumes it. The
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

from .executors import execute
from .guard import HostGuard
from .journal import (
                      DEFAULT_ALLOWED_HOSTS,
                      DEFAULT_FORMAT,
                      JOURNAL_VERSION,
                      OUTPUT_MANIFEST,
                      QUARANTINE_DIR,
                      STEPS,
                      WORK_DIR,
                      ClipTask,
                      StepError,
                      journal_path,
                      read_journal,
                      step_done,
                      work_dir,
)
from .run import exit_on_sigterm, rebuild, write_outputs
from .steps import (
                      check_host,
                      download_source,
                      extract_clip,
                      host_allowed,
                      quarantine,
                      remove_stale_temporaries,
                      run_checksum,
                      run_clip,
                      run_extract,
)

__all__ = ["ClipTask", "HostGuard", "DEFAULT_ALLOWED_HOSTS", "DEFAULT_FORMAT", "JOURNAL_VERSION", "OUTPUT_MANIFEST",
           "QUARANTINE_DIR", "STEPS", "StepError", "WORK_DIR", "check_host",
           "download_source", "execute", "exit_on_sigterm", "extract_clip", "host_allowed", "journal_path",
           "quarantine", "read_journal", "rebuild", "remove_stale_temporaries", "run_checksum",
           "run_clip", "run_extract", "step_done", "work_dir", "write_outputs"]
