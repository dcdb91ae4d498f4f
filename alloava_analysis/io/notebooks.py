"""Reading and writing notebook files (``.ipynb`` JSON) and report pages."""
from __future__ import annotations

import json
import os
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


def kernel_config(folder: str | Path | None = None) -> dict:
    """Kernel-manager settings of every notebook run: local IPC sockets where the platform has them.

    Over TCP, ipykernel warns on every start that its traffic is unencrypted; a kernel on this machine
    talking through Unix sockets (files only this user can open) needs neither TCP nor that warning.

    Parameters
    ----------
    folder
        Where the socket files go, by absolute path (needed when the kernel runs in another folder than
        its client); None: the kernel manager's default, relative to the working folder.

    Returns
    -------
    dict
        A traitlets config (``{"KernelManager": {"transport": ..., "ip": ...}}``) for papermill / nbclient.
    """
    if os.name != "posix":
        return {"KernelManager": {"transport": "tcp"}}
    ipc = {"transport": "ipc"}
    if folder is not None:
        ipc["ip"] = os.path.join(os.path.abspath(folder), "kernel")
    return {"KernelManager": ipc}
