"""Atomic writes: write to a temporary file beside the target, then rename."""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import IO, Any, Iterator

from ..errors import SchemaError


def _current_umask() -> int:
    """The process umask, read without changing it where Linux allows (``os.umask`` alone must set it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _default_mode() -> int:
    """File permissions a plain ``open()`` would give (mkstemp alone gives 0600)."""
    return 0o666 & ~_current_umask()


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "wb", **open_kwargs) -> Iterator[IO]:
    """Open a temporary file for writing and rename it onto ``path`` on success.

    A crash or exception leaves ``path`` untouched (either absent or the old
    content) and removes the temporary file.

    Parameters
    ----------
    path
        The file to write; its folder is created if needed.
    mode
        A write mode of :func:`open` (``"wb"``, ``"w"``).
    open_kwargs
        Passed to :func:`open` (``encoding``, ``newline``, ...).

    Yields
    ------
    file object
        The open temporary file beside ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.chmod(tmp, _default_mode())
    try:
        with os.fdopen(fd, mode, **open_kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path to hand to a library that writes by filename; rename on success.

    Parameters
    ----------
    path
        The file to write; its folder is created if needed.

    Yields
    ------
    Path
        A temporary file beside ``path`` with the same suffix (already created, empty).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, _default_mode())
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_json(path: str | Path, obj: Any, *, indent: int | None = None) -> Path:
    """Serialise ``obj`` as UTF-8 JSON to ``path`` atomically.

    Parameters
    ----------
    path
        The file to write.
    obj
        JSON values; numpy scalars and arrays and paths are converted, NaN and
        infinity are refused (a :class:`~alloava_analysis.errors.SchemaError`).
    indent
        Spaces per nesting level; None writes one line.

    Returns
    -------
    Path
        ``path``.
    """
    with atomic_write(path, "w", encoding="utf-8") as handle:
        try:
            json.dump(obj, handle, indent=indent, allow_nan=False, default=_json_default)
        except SchemaError as err:
            raise SchemaError(err.reason, path=path) from None
        except ValueError as err:  # NaN or infinity (not JSON), or a circular reference
            raise SchemaError(f"expected JSON values (finite numbers; write missing values as None), got: {err}",
                              path=path) from None
    return Path(path)


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically.

    Parameters
    ----------
    path
        The file to write (UTF-8).
    text
        The whole content.

    Returns
    -------
    Path
        ``path``.
    """
    with atomic_write(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return Path(path)


def _json_default(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise SchemaError(f"expected JSON values (strings, numbers, lists, mappings, numpy values, paths), got a "
                      f"{type(obj).__name__}")


def replace_directory(new: str | Path, target: str | Path) -> Path:
    """Move the finished folder ``new`` onto ``target`` (same file system), removing what was there.

    The old folder is first renamed aside, so ``target`` is at every moment
    either the complete old folder or the complete new one.

    Parameters
    ----------
    new
        The finished folder.
    target
        Where it goes; an existing folder there is removed.

    Returns
    -------
    Path
        ``target``.
    """
    import shutil

    new, target = Path(new), Path(target)
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        os.replace(target, old / target.name)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target
