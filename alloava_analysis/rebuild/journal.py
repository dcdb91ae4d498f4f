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


def write_json_sorted(path: Path, obj: dict) -> Path:
    """Write ``obj`` to ``path`` atomically as indented JSON with sorted keys."""
    with atomic_write(path, "w", encoding="utf-8") as handle:
        json.dump(obj, handle, indent=1, sort_keys=True, allow_nan=False)
    return path


def write_journal(out: str | Path, journal: dict) -> None:
    """Write a clip's step journal (atomically) where :func:`read_journal` finds it."""
    write_json_sorted(journal_path(out, journal["clip_id"]), journal)


def file_record(out: Path, path: str | Path) -> tuple[str, dict]:
    """``path`` relative to ``out`` and its journal record (size and sha256)."""
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
