"""The embedded sample corpus: one cached synthetic corpus shared by every notebook, lab and ``make demo``.

Like librosa's example data, the package ships a sha256 registry of the
sample's files (``data/sample_registry.txt``) rather than the files
themselves; the files are made by the synthetic generator
(:func:`alloava_analysis.synthetic.generate_corpus`, ``SAMPLE_CLIPS`` clips,
seed ``SAMPLE_SEED``), never downloaded. :func:`sample_corpus` returns the
cached copy, regenerating it when it is missing or a file's checksum does not
match the registry.

The cache folder is ``$ALLOAVA_DATA_DIR`` when set, else the user cache
folder (``~/.cache/alloava_analysis`` on Linux). Treat the sample as read
only: derived files such as the Parquet ``store/`` may be added, but changed
or removed source files make the next call regenerate the whole sample.

When the generator changes, its output no longer matches the registry:
``make sample-registry`` (``python scripts/make_sample_registry.py``)
regenerates the registry, which is then committed with the generator change.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import tempfile
import warnings
from pathlib import Path

from .errors import CorpusPathError
from .io.atomic import replace_directory, write_json
from .io.registry import hash_tree, read_registry, write_registry

__all__ = ["DATA_DIR_ENV", "REGISTRY_PATH", "SAMPLE_CLIPS", "SAMPLE_SEED", "SampleRegistryWarning",
           "get_data_dir", "resolve_corpus_dir", "sample_corpus", "sample_registry", "sample_status",
           "write_sample_registry"]

log = logging.getLogger(__name__)

DATA_DIR_ENV = "ALLOAVA_DATA_DIR"
SAMPLE_NAME = "sample"
SAMPLE_CLIPS = 12
SAMPLE_SEED = 0
REGISTRY_PATH = Path(__file__).resolve().parent / "data" / "sample_registry.txt"
REGENERATE_COMMAND = "make sample-registry"
#: Folders that analyses may add to the sample (derived data, not checked against the registry).
DERIVED = ("store",)
_STAMP = ".sample-stamp.json"


class SampleRegistryWarning(UserWarning):
    """The generator's output differs from the shipped registry (the registry is stale)."""


def get_data_dir(path: str | Path | None = None) -> Path:
    """The cache folder: ``path`` if given, else ``$ALLOAVA_DATA_DIR``, else the user cache folder.

    Parameters
    ----------
    path
        A cache folder (``~`` is expanded); None or empty: the default.

    Returns
    -------
    Path
        The folder (not created here).
    """
    if path:
        return Path(path).expanduser()
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("alloava_analysis", appauthor=False))


def sample_registry(path: str | Path | None = None) -> dict[str, str]:
    """The shipped registry (or the one at ``path``): ``{relative path: sha256}`` of every file of the sample.

    Parameters
    ----------
    path
        A registry file (None: :data:`REGISTRY_PATH`, the one shipped in the package).

    Returns
    -------
    dict
        Relative path (POSIX) -> sha256 hex digest.
    """
    return read_registry(path or REGISTRY_PATH)[0]


def _registry_digest() -> str:
    return hashlib.sha256(Path(REGISTRY_PATH).read_bytes()).hexdigest()


def sample_status(path: str | Path, *, registry: dict[str, str] | None = None) -> dict[str, list[str]]:
    """Compare a sample folder with the registry: ``{missing, changed, extra}`` relative paths.

    ``extra`` lists files the registry does not know (derived folders such as
    ``store/`` excluded); all three lists are empty for a sample that matches.

    Parameters
    ----------
    path
        The sample folder (one that does not exist has every file missing).
    registry
        ``{relative path: sha256}`` (None: the shipped registry).

    Returns
    -------
    dict
        ``missing``, ``changed`` and ``extra``: sorted relative paths.
    """
    registry = sample_registry() if registry is None else registry
    found = hash_tree(path, exclude=DERIVED) if Path(path).is_dir() else {}
    return {"missing": sorted(set(registry) - set(found)),
            "changed": sorted(n for n in registry if n in found and found[n] != registry[n]),
            "extra": sorted(set(found) - set(registry))}


def stale_message(status: dict[str, list[str]]) -> str:
    """What differs between a freshly generated sample and the registry, and the command that fixes it.

    Parameters
    ----------
    status
        What :func:`sample_status` returned for the fresh sample.

    Returns
    -------
    str
        The message of :class:`SampleRegistryWarning`: counts with an example path per kind of difference.
    """
    parts = [f"{len(v)} {k} (e.g. {v[0]})" for k, v in status.items() if v]
    return (f"the sample registry {REGISTRY_PATH.name} does not match the synthetic generator's output "
            f"({'; '.join(parts)}): the generator changed. Run `{REGENERATE_COMMAND}` "
            "(or `PYTHONPATH=. python scripts/make_sample_registry.py` in the repository) and commit "
            "alloava_analysis/data/sample_registry.txt with the generator change.")


def _generate(root: Path, *, progress: bool) -> Path:
    from .synthetic import generate_corpus

    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{SAMPLE_NAME}.new.", dir=root))
    generate_corpus(tmp, n_clips=SAMPLE_CLIPS, seed=SAMPLE_SEED, progress=progress)
    return tmp


def sample_corpus(*, data_dir: str | Path | None = None, progress: bool = False) -> Path:
    """The folder of the embedded sample corpus, generated (deterministically) on first use.

    Parameters
    ----------
    data_dir
        Cache folder (default: ``$ALLOAVA_DATA_DIR``, else the user cache folder).
    progress
        Show the generator's progress bar (stderr) when the sample is (re)made.

    Returns
    -------
    Path
        ``<data_dir>/sample``: a corpus in the Allo-AVA layout with ``labels.csv`` and ``truth.json``.

    Warns
    -----
    SampleRegistryWarning
        When the generator's output differs from the registry (see :func:`write_sample_registry`);
        the freshly generated sample is used and kept.
    """
    from filelock import FileLock

    root = get_data_dir(data_dir)
    target = root / SAMPLE_NAME
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root / f".{SAMPLE_NAME}.lock")):
        registry = sample_registry()
        status = sample_status(target, registry=registry)
        if not status["missing"] and not status["changed"]:
            return target
        stamp_path = root / _STAMP
        digest = _registry_digest()
        if target.is_dir() and stamp_path.is_file():
            stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
            if stamp.get("registry_sha256") == digest and \
                    hash_tree(target, names=sorted(stamp.get("files", {}))) == stamp.get("files"):
                warnings.warn(stale_message(status), SampleRegistryWarning, stacklevel=2)
                return target
        if target.exists():
            log.info("sample corpus at %s differs from the registry (%s); regenerating", target,
                     {k: len(v) for k, v in status.items()})
        fresh = _generate(root, progress=progress)
        files = hash_tree(fresh)
        replace_directory(fresh, target)
        write_json(stamp_path, {"registry_sha256": digest, "files": files}, indent=0)
        status = sample_status(target, registry=registry)
        if any(status.values()):
            warnings.warn(stale_message(status), SampleRegistryWarning, stacklevel=2)
        return target


def resolve_corpus_dir(corpus_dir: str | Path | None) -> Path:
    """The corpus a notebook works on: ``corpus_dir``, or the embedded sample when it is empty.

    This is what every notebook's parameters cell feeds: ``corpus_dir = ""``
    selects :func:`sample_corpus`; any other value must be a folder in the
    Allo-AVA layout (a Hugging Face download or a rebuilt subset).

    Parameters
    ----------
    corpus_dir
        A corpus folder (``~`` is expanded); None, empty or blank: the embedded sample.

    Returns
    -------
    Path
        The folder; a path that is not a folder is a
        :class:`~alloava_analysis.errors.CorpusPathError` (a ``FileNotFoundError``).
    """
    if corpus_dir is None or str(corpus_dir).strip() == "":
        return sample_corpus()
    path = Path(corpus_dir).expanduser()
    if not path.is_dir():
        raise CorpusPathError(f"corpus_dir {str(path)!r}: expected a folder in the Allo-AVA layout "
                              "(audio/, transcript/, keypoints/), got no such folder; set corpus_dir = \"\" "
                              "to use the embedded sample", name="corpus_dir")
    return path


def write_sample_registry(registry: str | Path | None = None, *, progress: bool = False) -> Path:
    """Generate the sample afresh and write its registry (run after changing the generator).

    This is ``make sample-registry``. The header records the generator's name
    and version, the clip count and the seed.

    Parameters
    ----------
    registry
        The registry file to write (None: :data:`REGISTRY_PATH`, the one shipped in the package).
    progress
        Show the generator's progress bar (stderr).

    Returns
    -------
    Path
        The registry file.
    """
    from .synthetic import GENERATOR_NAME, GENERATOR_VERSION

    with tempfile.TemporaryDirectory(prefix="alloava-sample-") as tmp:
        fresh = _generate(Path(tmp), progress=progress)
        files = hash_tree(fresh)
    header = {"generator": f"{GENERATOR_NAME} {GENERATOR_VERSION}", "clips": str(SAMPLE_CLIPS),
              "seed": str(SAMPLE_SEED),
              "regenerate": f"{REGENERATE_COMMAND} (python scripts/make_sample_registry.py), then commit"}
    return write_registry(registry or REGISTRY_PATH, files, header=header)


def main(argv: list[str] | None = None) -> int:
    """``python -m alloava_analysis.sample_data``: print the sample's folder (making it if needed).

    Parameters
    ----------
    argv
        Command-line arguments (None: ``sys.argv[1:]``): ``[--data-dir DIR] [--write-registry]``.

    Returns
    -------
    int
        0 (the exit status).
    """
    parser = argparse.ArgumentParser(prog="python -m alloava_analysis.sample_data",
                                     description=main.__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default=None, help=f"cache folder (default ${DATA_DIR_ENV} or the user cache)")
    parser.add_argument("--write-registry", action="store_true",
                        help="regenerate the sample and rewrite the shipped registry (after a generator change)")
    args = parser.parse_args(argv)
    if args.write_registry:
        print(write_sample_registry(progress=True))
    else:
        print(sample_corpus(data_dir=args.data_dir, progress=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
