"""What an export wrote: a sha256 per file, so a re-export never replaces a file changed by hand.

The record is ``<export folder>/.alloava-export.json``: ``{"files": {name: sha256}}``.
A file that exists but is not recorded, or whose content differs from what
was recorded, is someone's work (an annotator's corrected ``.eaf``).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from ...errors import SchemaError
from ..atomic import write_json
from ..registry import file_sha256

RECORD_NAME = ".alloava-export.json"


def read_record(folder: str | Path) -> dict[str, str]:
    """File name -> sha256 of what the last exports into ``folder`` wrote (empty when none did).

    Parameters
    ----------
    folder
        The export folder.

    Returns
    -------
    dict
        ``{file name: sha256 hex digest}``.
    """
    path = Path(folder) / RECORD_NAME
    if not path.is_file():
        return {}
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as err:
        raise SchemaError(f"expected an export record {{\"files\": {{name: sha256}}}}, got: {err}",
                          path=path) from None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise SchemaError("expected an export record {\"files\": {name: sha256}}", path=path, where="files")
    return files


def changed_reason(path: str | Path, record: dict[str, str]) -> str | None:
    """Why ``path`` must not be replaced (it exists and is not what the export wrote), or None.

    Parameters
    ----------
    path
        A file the export is about to write.
    record
        :func:`read_record` of its folder.

    Returns
    -------
    str or None
        The reason, or None when ``path`` is absent or unchanged since it was exported.
    """
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return None
    if path.is_file() and not path.is_symlink() and record.get(path.name) == file_sha256(path):
        return None
    why = "changed since it was exported" if path.name in record else "not written by an earlier export"
    return f"kept: the file exists and was {why} (hand work?); give --overwrite to replace it"


def update_record(folder: str | Path, written: Iterable[str | Path]) -> Path:
    """Add the sha256 of each ``written`` file (all in ``folder``) to the folder's record.

    Parameters
    ----------
    folder
        The export folder.
    written
        The files just written.

    Returns
    -------
    Path
        The record file.
    """
    files = read_record(folder)
    files.update({Path(p).name: file_sha256(p) for p in written})
    return write_json(Path(folder) / RECORD_NAME, {"files": dict(sorted(files.items()))}, indent=1)
