"""Reading and writing notebook files (``.ipynb`` JSON) and report pages."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .atomic import write_text


def read_notebook(path: str | Path) -> dict[str, Any]:
    """A notebook as its JSON dict (nbformat 4).

    Parameters
    ----------
    path
        An ``.ipynb`` file.

    Returns
    -------
    dict
        The parsed notebook.
    """
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_notebook(path: str | Path, notebook: dict[str, Any]) -> Path:
    """Write a notebook dict atomically (one space indent, as Jupyter does, and a final newline).

    Parameters
    ----------
    path
        The ``.ipynb`` file to write.
    notebook
        The notebook as a JSON dict.

    Returns
    -------
    Path
        ``path``.
    """
    return write_text(path, json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (figures of a report).

    Parameters
    ----------
    path
        The file to write.
    data
        Its whole content.

    Returns
    -------
    Path
        ``path``.
    """
    from .atomic import atomic_write

    with atomic_write(path, "wb") as handle:
        handle.write(data)
    return Path(path)


__all__ = ["read_notebook", "write_bytes", "write_notebook", "write_text"]
