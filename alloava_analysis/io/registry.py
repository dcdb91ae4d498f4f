"""sha256 registries of files (librosa/pooch style): one ``<relative path> <sha256>`` per line.

Lines starting with ``#`` carry ``# key: value`` header fields (what made the
files); blank lines are ignored. Paths use ``/`` and are relative to a root.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..checks import check_int
from ..errors import ParameterError, SchemaError
from .atomic import write_text


def file_sha256(path: str | Path, *, chunk: int = 1 << 20) -> str:
    """The sha256 hex digest of one file, read in ``chunk``-byte blocks.

    Parameters
    ----------
    path
        The file to hash.
    chunk
        Bytes read at a time (1 MiB).

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    return file_digest(path, hashlib.sha256(), chunk=chunk)


def file_digest(path: str | Path, digest: Any, *, chunk: int = 1 << 20) -> str:
    """Feed one file into ``digest`` (a ``hashlib`` object, possibly primed) in ``chunk``-byte blocks.

    Parameters
    ----------
    path
        The file to hash.
    digest
        A ``hashlib`` hash object; what it has already been fed comes first.
    chunk
        Bytes read at a time (1 MiB).

    Returns
    -------
    str
        The hex digest.
    """
    check_int("chunk", chunk, minimum=1)
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def hash_tree(root: str | Path, *, names: list[str] | None = None, exclude: tuple[str, ...] = ()) -> dict[str, str]:
    """sha256 of the files under ``root`` (or of ``names`` only), keyed by relative ``/`` path.

    Files named in ``names`` that do not exist are left out of the result;
    without ``names`` every regular file is hashed except hidden ones and
    those under a top-level folder listed in ``exclude``.

    Parameters
    ----------
    root
        The folder.
    names
        Relative ``/`` paths of the files to hash; None for every file.
    exclude
        Top-level folder names left out when ``names`` is None (``("store",)``).

    Returns
    -------
    dict
        Relative ``/`` path -> sha256, sorted by path when ``names`` is None.
    """
    for option, value, what in (("names", names, "relative file paths"), ("exclude", exclude, "folder names")):
        if value is not None and (isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset))
                                  or not all(isinstance(v, str) for v in value)):
            raise ParameterError(f"invalid value for {option}: expected a list of {what}, got {value!r}", name=option)
    root = Path(root)
    if names is None:
        names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                       if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
                       and p.relative_to(root).parts[0] not in exclude)
    return {name: file_sha256(root / name) for name in names if (root / name).is_file()}


def read_registry(path: str | Path) -> tuple[dict[str, str], dict[str, str]]:
    """Read a registry file: ``(files {relative path: sha256}, header {key: value})``.

    Parameters
    ----------
    path
        A registry file; a malformed line is a SchemaError naming it.

    Returns
    -------
    files, header
        Relative path -> sha256, and the ``# key: value`` header fields.
    """
    path = Path(path)
    files: dict[str, str] = {}
    header: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            key, sep, value = line[1:].partition(":")
            if sep:
                header[key.strip()] = value.strip()
            continue
        parts = line.rsplit(maxsplit=1)
        if len(parts) != 2 or len(parts[1]) != 64 or any(c not in "0123456789abcdef" for c in parts[1]):
            raise SchemaError(f"expected '<relative path> <64 hex sha256>', got {line!r}", path=path,
                              where=f"line {number}")
        files[parts[0]] = parts[1]
    return files, header


def write_registry(path: str | Path, files: dict[str, str], *, header: dict[str, str] | None = None) -> Path:
    """Write a registry file atomically (header lines first, then one sorted line per file).

    Parameters
    ----------
    path
        The registry file to write.
    files
        Relative ``/`` path -> sha256.
    header
        ``# key: value`` fields saying what made the files.

    Returns
    -------
    Path
        ``path``.
    """
    lines = [f"# {key}: {value}" for key, value in (header or {}).items()]
    lines += [f"{name} {files[name]}" for name in sorted(files)]
    return write_text(path, "\n".join(lines) + "\n")
