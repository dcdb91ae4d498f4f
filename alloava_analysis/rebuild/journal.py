"""Clip tasks and their step journal (what finished, with the size and sha256 of its outputs)."""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AlloAvaError
from ..io.atomic import atomic_write
from ..io.registry import file_sha256

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
    """The clip's work folder (journal, partial downloads).

    Parameters
    ----------
    out
        The output corpus folder.
    clip_id
        The clip's id.

    Returns
    -------
    Path
        ``out/.rebuild/<clip_id>`` (not created here).
    """
    return Path(out) / WORK_DIR / clip_id


def journal_path(out: str | Path, clip_id: str) -> Path:
    """Where the clip's step journal is kept.

    Parameters
    ----------
    out
        The output corpus folder.
    clip_id
        The clip's id.

    Returns
    -------
    Path
        ``out/.rebuild/<clip_id>/journal.json``.
    """
    return work_dir(out, clip_id) / "journal.json"


def read_journal(out: str | Path, clip_id: str) -> dict:
    """The clip's journal (``{}`` when absent or unreadable: then every step runs again).

    Parameters
    ----------
    out
        The output corpus folder.
    clip_id
        The clip's id.

    Returns
    -------
    dict
        ``{version, clip_id, url, steps}``; ``{}`` also for a journal of
        another :data:`JOURNAL_VERSION` (an unreadable one is logged as a warning).
    """
    path = journal_path(out, clip_id)
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        log.warning("%s: unreadable journal (%s); redoing every step", path, err)
        return {}
    return journal if isinstance(journal, dict) and journal.get("version") == JOURNAL_VERSION else {}


def write_json_sorted(path: Path, obj: dict) -> Path:
    """Write ``obj`` to ``path`` atomically as indented JSON with sorted keys.

    Parameters
    ----------
    path
        The file to write (replaced whole; its folder is created).
    obj
        JSON-serialisable values; NaN and infinities are refused (``ValueError``).

    Returns
    -------
    Path
        ``path``.
    """
    with atomic_write(path, "w", encoding="utf-8") as handle:
        json.dump(obj, handle, indent=1, sort_keys=True, allow_nan=False)
    return path


def write_journal(out: str | Path, journal: dict) -> None:
    """Write a clip's step journal (atomically) where :func:`read_journal` finds it.

    Parameters
    ----------
    out
        The output corpus folder.
    journal
        The journal; its ``clip_id`` names the clip.
    """
    write_json_sorted(journal_path(out, journal["clip_id"]), journal)


def file_record(out: Path, path: str | Path) -> tuple[str, dict]:
    """``path`` relative to ``out`` and its journal record (size and sha256).

    Parameters
    ----------
    out
        The output corpus folder.
    path
        A file inside ``out``.

    Returns
    -------
    tuple
        The POSIX path relative to ``out`` and ``{"bytes", "sha256"}``.
    """
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
    """Whether ``step`` is recorded as finished and its outputs are still in place.

    Parameters
    ----------
    out
        The output corpus folder.
    journal
        The clip's journal (see :func:`read_journal`).
    step
        One of :data:`STEPS`.

    Returns
    -------
    bool
        True when the journal records ``step`` and each output file exists with its recorded size.
    """
    entry = journal.get("steps", {}).get(step)
    return isinstance(entry, dict) and _outputs_intact(Path(out), entry.get("outputs", {}))
