"""The released Allo-AVA folder layout: modality folders and clip keys.

File stems are ``<category>_<11-character YouTube id>``; ids may contain ``_``
or ``-``, and yt-dlp may append a format suffix such as ``.f251``. Modalities
are matched by the key ``<category>_<id>``, never by full filename.
"""
from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..checks import check_option
from ..errors import CorpusPathError, InvalidClipIdError, OutputPathError

if TYPE_CHECKING:
    import pandas as pd

MODALITY_DIRS = {
    "video": "video",
    "audio": "audio",
    "transcript": "transcript",
    "keypoints": "keypoints",
    "keypoints_video": "keypoints_video",
}
MODALITY_EXTENSIONS = {
    "video": (".mp4", ".webm", ".mkv", ".mov", ".m4a"),
    "audio": (".wav",),
    "transcript": (".json",),
    "keypoints": (".json",),
    "keypoints_video": (".mp4", ".webm", ".mkv"),
}
DEFAULT_EXTENSION = {"video": ".mp4", "audio": ".wav", "transcript": ".json", "keypoints": ".json",
                     "keypoints_video": ".mp4"}
#: Use only with ``fullmatch`` (``$`` in ``match`` would accept a newline before the end).
YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
CATEGORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9 &+.-]*")
_FORMAT_SUFFIX = re.compile(r"\.f\d+\Z")


@dataclass(frozen=True, order=True)
class ClipKey:
    """A clip's identity: its category and 11-character YouTube id."""

    category: str
    youtube_id: str

    @property
    def clip_id(self) -> str:
        """``<category>_<youtube_id>``."""
        return f"{self.category}_{self.youtube_id}"

    def __str__(self) -> str:
        return self.clip_id


def check_youtube_id(youtube_id: str, *, path: str | Path | None = None) -> str:
    """Return ``youtube_id`` if it is 11 characters of ``[A-Za-z0-9_-]``; else raise :class:`InvalidClipIdError`.

    Parameters
    ----------
    youtube_id
        The id to check.
    path
        The file it came from, named in the error.

    Returns
    -------
    str
        ``youtube_id``, unchanged.
    """
    if not isinstance(youtube_id, str) or not YOUTUBE_ID.fullmatch(youtube_id):
        raise InvalidClipIdError(f"expected an 11-character YouTube id of letters, digits, '_' or '-', "
                                 f"got {youtube_id!r}", path=path)
    return youtube_id


def make_key(category: str, youtube_id: str) -> ClipKey:
    """Build a validated key (rejects path separators, '..' and malformed ids).

    Parameters
    ----------
    category
        Letters, digits, spaces or ``&+.-``, starting with a letter or digit (``TED``, ``Interview``).
    youtube_id
        11 characters of ``[A-Za-z0-9_-]``.

    Returns
    -------
    ClipKey
        The key; ``str(key)`` is the clip id ``<category>_<youtube_id>``.
    """
    check_youtube_id(youtube_id)
    if not isinstance(category, str) or not CATEGORY.fullmatch(category) or ".." in category:
        raise InvalidClipIdError(f"expected a category of letters, digits, spaces or '&+.-' "
                                 f"(no path separators), got {category!r}")
    return ClipKey(category, youtube_id)


def parse_key(name: str | Path) -> ClipKey:
    """Parse a file name or clip id such as ``DIY_TBRi6ecgQfc.f251.webm`` into a key.

    Parameters
    ----------
    name
        A bare file name (a modality extension and a yt-dlp ``.f<N>`` suffix are
        removed) or a clip id; a path is refused.

    Returns
    -------
    ClipKey
        The category and the last 11 characters of the stem.
    """
    raw = str(name)
    if "/" in raw or "\\" in raw or raw.startswith(".."):
        raise InvalidClipIdError(f"expected a bare file name or clip id, got a path {raw!r}", path=raw)
    stem = raw
    for ext in {e for exts in MODALITY_EXTENSIONS.values() for e in exts}:
        if stem.lower().endswith(ext):
            stem = stem[: -len(ext)]
            break
    stem = _FORMAT_SUFFIX.sub("", stem)
    if len(stem) < 13 or stem[-12] != "_":
        raise InvalidClipIdError(f"expected '<category>_<11-character YouTube id>', got {stem!r}", path=raw)
    try:
        return make_key(stem[:-12], stem[-11:])
    except InvalidClipIdError as err:
        raise InvalidClipIdError(err.reason, path=raw) from None


def modality_path(root: str | Path, modality: str, key: ClipKey | str, ext: str | None = None) -> Path:
    """Where ``modality`` of ``key`` lives under ``root`` (for writing).

    Parameters
    ----------
    root
        The corpus folder.
    modality
        One of :data:`MODALITY_DIRS`.
    key
        The clip: a key or a clip id (checked again either way).
    ext
        File extension with its dot; default the modality's (:data:`DEFAULT_EXTENSION`).

    Returns
    -------
    Path
        ``root/<modality folder>/<clip id><ext>``.
    """
    check_option("modality", modality, MODALITY_DIRS)
    key = parse_key(key) if isinstance(key, str) else make_key(key.category, key.youtube_id)  # re-check keys
    return Path(root) / MODALITY_DIRS[modality] / f"{key.clip_id}{ext or DEFAULT_EXTENSION[modality]}"


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def irregular_reason(path: str | Path) -> str | None:
    """Why ``path`` is not a readable regular file (after following links), or None when it is one.

    Parameters
    ----------
    path
        The path to examine (nothing is opened).

    Returns
    -------
    str or None
        "expected a regular file, got ..." (a folder, a named pipe, a dangling link, ...), or None.
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "expected a regular file, got a symbolic link loop"
        if os.path.islink(path):
            return f"expected a regular file, got a dangling symbolic link (to {os.readlink(path)!r})"
        return f"expected a regular file, got one that cannot be examined: {err.strerror or err}"
    if stat.S_ISREG(info.st_mode):
        return None
    kind = next((name for test, name in _KINDS if test(info.st_mode)), "a special file")
    via = " (through a symbolic link)" if os.path.islink(path) else ""
    return f"expected a regular file, got {kind}{via}"


def check_corpus_root(root: str | Path) -> Path:
    """``root`` as a Path if it is a folder holding at least one modality folder; else a CorpusPathError.

    The message says which of the three it is: the path does not exist, it is
    a file, or it is a folder without any of the modality folders.

    Parameters
    ----------
    root
        The path given as a corpus.

    Returns
    -------
    Path
        ``root`` as a Path.
    """
    root = Path(root)
    expected = f"expected a corpus folder with {', '.join(f'{d}/' for d in MODALITY_DIRS.values())}"
    if not root.exists():
        raise CorpusPathError(f"{root}: no such file or folder; {expected}", name="corpus")
    if not root.is_dir():
        raise CorpusPathError(f"{root}: is a file, not a folder; {expected}", name="corpus")
    if not any((root / d).is_dir() for d in MODALITY_DIRS.values()):
        raise CorpusPathError(f"{root}: holds none of the modality folders; {expected}", name="corpus")
    return root


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output_path(path: str | Path, *, corpus: str | Path | None = None,
                      sources: Iterable[str | Path | None] | None = None, folder: bool = False,
                      name: str = "output") -> Path:
    """Refuse, before any work, an output that would land on an input or in a corpus's modality folders.

    Links are resolved: an output is judged by where it really goes. Refused
    (an :class:`~alloava_analysis.errors.OutputPathError`, a usage error):
    a path inside one of the corpus's modality folders, a path inside the
    corpus that a symbolic link leads outside it, one of ``sources`` (or the
    corpus's ``labels.csv``), a path under a regular file, and a folder given
    for a file or a file given for a folder.

    Parameters
    ----------
    path
        The output file or folder.
    corpus
        The corpus the command reads, if any.
    sources
        Input files the command reads (labels, reference, manifest; None entries are ignored).
    folder
        Whether the output is a folder (else a file).
    name
        The option's name, for the message (``--report``).

    Returns
    -------
    Path
        ``path`` as a Path (unresolved).
    """
    path = Path(path)
    real = Path(os.path.realpath(path))

    def refuse(why: str) -> OutputPathError:
        return OutputPathError(f"{name} {path}: {why}; expected a path outside the corpus's modality folders and "
                               f"away from its input files", name=name)

    for parent in real.parents:
        if parent.exists():
            if not parent.is_dir():
                raise refuse(f"{parent} is a file, not a folder")
            break
    if real.exists() and real.is_dir() != folder:
        raise refuse(f"is {'a file' if folder else 'a folder'}, not {'a folder' if folder else 'a file'}")
    inputs = [Path(s) for s in sources or () if s is not None]
    if corpus is not None:
        root = Path(os.path.abspath(corpus))
        real_root = Path(os.path.realpath(root))
        inputs.append(root / "labels.csv")
        for modality, sub in MODALITY_DIRS.items():
            if _within(real, Path(os.path.realpath(root / sub))):
                raise refuse(f"lies in the corpus's {modality} folder {root / sub}")
        if _within(Path(os.path.abspath(path)), root) and not _within(real, real_root):
            raise refuse(f"a symbolic link leads outside the corpus, to {real}")
    for source in inputs:
        if source.exists() and real == Path(os.path.realpath(source)):
            raise refuse(f"is the input file {source}")
    return path


def check_corpus_output(path: str | Path, *, sources: Iterable[str | Path | None] | None = None,
                        name: str = "out") -> Path:
    """Refuse, before any work, a corpus folder to write into (``fetch``, ``rebuild``, ``extract``) that is unsafe.

    The checks of :func:`check_output_path` for a folder (an input file, a
    path under a regular file, a file where the folder should be), and a
    modality folder of ``path`` that a symbolic link leads outside it: the
    files written there would land elsewhere.

    Parameters
    ----------
    path
        The corpus folder to write into (it may not exist yet).
    sources
        Input files the command reads (manifest, video; None entries are ignored).
    name
        The option's name, for the message.

    Returns
    -------
    Path
        ``path`` as a Path (unresolved).
    """
    path = check_output_path(path, sources=sources, folder=True, name=name)
    real_root = Path(os.path.realpath(path))
    for sub in MODALITY_DIRS.values():
        folder = path / sub
        if (folder.exists() or folder.is_symlink()) and not _within(Path(os.path.realpath(folder)), real_root):
            raise OutputPathError(f"{name} {path}: its {sub} folder is a symbolic link that leads outside it, to "
                                  f"{os.path.realpath(folder)}; expected the corpus's own folder", name=name)
    return path


def scan_layout(root: str | Path) -> tuple[pd.DataFrame, list[dict]]:
    """Find every clip under ``root`` and the file of each modality.

    Hidden names (temporary files) are ignored.

    Parameters
    ----------
    root
        The corpus folder; missing modality folders are skipped.

    Returns
    -------
    table, skipped
        The table (one row per clip: ``clip_id, category, youtube_id`` and a
        path column per modality, ``None`` where absent) and a list of skipped files
        ``{path, reason}``: bad names, duplicate files for one key, anything that is
        not a regular file (folders, devices, named pipes, symbolic link loops and
        dangling links) and modality folders that cannot be listed.
    """
    import pandas as pd

    root = Path(root)
    rows: dict[str, dict] = {}
    skipped: list[dict] = []
    for modality, folder in MODALITY_DIRS.items():
        directory = root / folder
        if not directory.is_dir():
            continue
        try:
            entries = sorted(directory.iterdir())
        except OSError as err:  # e.g. PermissionError: report the folder, read the other modalities
            skipped.append({"path": str(directory), "reason": f"cannot list the {modality} folder: "
                            f"{err.strerror or err}; expected a readable folder"})
            continue
        for path in entries:
            if path.name.startswith("."):
                continue
            if not path.name.lower().endswith(MODALITY_EXTENSIONS[modality]) and path.is_dir():
                continue  # a folder without a clip-file name is not a clip file (e.g. a user's notes/)
            problem = irregular_reason(path)
            if problem is not None:
                skipped.append({"path": str(path), "reason": problem})
                continue
            if not path.name.lower().endswith(MODALITY_EXTENSIONS[modality]):
                skipped.append({"path": str(path), "reason": f"unexpected extension for {modality}; "
                                f"expected one of {MODALITY_EXTENSIONS[modality]}"})
                continue
            try:
                key = parse_key(path.name)
            except InvalidClipIdError as err:
                skipped.append({"path": str(path), "reason": err.reason})
                continue
            row = rows.setdefault(key.clip_id, {"clip_id": key.clip_id, "category": key.category,
                                                "youtube_id": key.youtube_id})
            if row.get(modality):
                skipped.append({"path": str(path), "reason": f"second {modality} file for {key.clip_id} "
                                f"(kept {Path(row[modality]).name})"})
                continue
            row[modality] = str(path)
    columns = ["clip_id", "category", "youtube_id", *MODALITY_DIRS]
    table = pd.DataFrame(sorted(rows.values(), key=lambda r: r["clip_id"]), columns=columns)
    table[list(MODALITY_DIRS)] = table[list(MODALITY_DIRS)].astype(object).where(
        table[list(MODALITY_DIRS)].notna(), None)
    return table, skipped
