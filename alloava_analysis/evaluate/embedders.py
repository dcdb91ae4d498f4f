"""User-supplied embedders: a learned feature extractor for the Fréchet distance (as FGD uses).

An embedder maps normalised pose windows ``(n, frames, keypoints * 2)``
(float32, shoulder widths, keypoints in :data:`~.normalize.EVAL_KEYPOINTS`
order, x before y per keypoint) to ``(n, dims)`` embeddings. It is given as

* a Python callable (its qualified name is reported; no file hash);
* a ``.npy`` file: a linear projection ``W`` of shape
  ``(frames * keypoints * 2, dims)`` applied to the flattened window;
* a ``.pt`` / ``.ts`` TorchScript module (``torch.jit.load``, CPU) or an
  ``.onnx`` model (onnxruntime, first input and output) taking the
  ``(n, frames, keypoints * 2)`` tensor.

The file's name and sha256 are reported with every distance computed on it,
because an FGD value means nothing without its feature extractor.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..errors import InputPathError, ParameterError, SchemaError
from ..io.registry import file_sha256

__all__ = ["Embedder", "load_embedder"]

_SUFFIXES = (".npy", ".pt", ".ts", ".onnx")


@dataclass(frozen=True)
class Embedder:
    """A named embedder; ``fn(windows (n, frames, features)) -> (n, dims)``."""

    name: str
    fn: Callable[[np.ndarray], np.ndarray]
    kind: str = "callable"
    path: str | None = None
    sha256: str | None = None

    def meta(self) -> dict:
        """What is reported with every distance computed on this embedder.

        Returns
        -------
        dict
            ``name, kind, path, sha256`` (path and hash None for a callable).
        """
        return {"name": self.name, "kind": self.kind, "path": self.path, "sha256": self.sha256}

    def __call__(self, windows: np.ndarray) -> np.ndarray:
        """Embed (n, frames, keypoints, 2) windows; checks the output shape."""
        n = len(windows)
        x = np.ascontiguousarray(windows.reshape(n, windows.shape[1], -1), dtype=np.float32)
        out = np.asarray(self.fn(x), dtype=np.float64)
        if out.ndim != 2 or out.shape[0] != n or not np.isfinite(out).all():
            raise SchemaError(f"expected the embedder to return finite (n={n}, dims) embeddings, got shape "
                              f"{out.shape}", path=self.path or self.name)
        return out


def _linear(path: Path) -> Callable[[np.ndarray], np.ndarray]:
    w = np.load(path, allow_pickle=False)
    if w.ndim != 2:
        raise SchemaError(f"expected a 2-D projection matrix (frames * keypoints * 2, dims), got shape {w.shape}",
                          path=path)

    def project(x: np.ndarray) -> np.ndarray:
        flat = x.reshape(len(x), -1)
        if flat.shape[1] != w.shape[0]:
            raise SchemaError(f"expected a projection with {flat.shape[1]} rows (frames * keypoints * 2 of "
                              f"the windows), got {w.shape[0]}", path=path)
        return flat @ w

    return project


def _torchscript(path: Path) -> Callable[[np.ndarray], np.ndarray]:
    import torch

    try:
        module = torch.jit.load(str(path), map_location="cpu")
    except (RuntimeError, ValueError) as err:
        raise SchemaError(f"expected a TorchScript module: {err}", path=path) from None
    module.eval()

    def run(x: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return module(torch.from_numpy(x)).detach().cpu().numpy()

    return run


def _onnx(path: Path) -> Callable[[np.ndarray], np.ndarray]:
    import onnxruntime as ort

    try:
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    except Exception as err:  # onnxruntime raises its own exception types
        raise SchemaError(f"expected an ONNX model: {err}", path=path) from None
    name = session.get_inputs()[0].name

    def run(x: np.ndarray) -> np.ndarray:
        return session.run(None, {name: x})[0]

    return run


def load_embedder(spec: "str | Path | Callable | Embedder", *, name: str | None = None) -> Embedder:
    """An :class:`Embedder` from a callable or a file (``.npy``, ``.pt``/``.ts``, ``.onnx``).

    Parameters
    ----------
    spec
        An :class:`Embedder` (returned as it is), a callable
        ``(n, frames, features) -> (n, dims)``, or the path of an embedder file
        (see the module docstring).
    name
        Name to report; default: the file name, or the callable's qualified
        name (a callable's name is prefixed by its module either way).

    Returns
    -------
    Embedder
        With the file's kind, path and sha256 (for a file).

    Raises
    ------
    ParameterError
        ``spec`` is neither an embedder, a callable nor a path.
    InputPathError
        The file does not exist (a :class:`ParameterError` and a :class:`FileNotFoundError`).
    SchemaError
        The file is not what its extension says, or has the wrong shape.
    """
    if isinstance(spec, Embedder):
        return spec
    if callable(spec) and not isinstance(spec, (str, Path)):
        label = name or getattr(spec, "__qualname__", None) or type(spec).__name__
        return Embedder(name=f"{getattr(spec, '__module__', '')}.{label}".lstrip("."), fn=spec)
    if not isinstance(spec, (str, Path)):
        raise ParameterError(f"invalid value for spec: expected an Embedder, a callable or the path of an embedder "
                             f"file, got {type(spec).__name__}", name="spec")
    path = Path(spec)
    if not path.is_file():
        raise InputPathError(f"{path}: expected an embedder file (one of {_SUFFIXES}), got no such file",
                             name="spec")
    suffix = path.suffix.lower()
    loaders = {".npy": ("linear", _linear), ".pt": ("torchscript", _torchscript),
               ".ts": ("torchscript", _torchscript), ".onnx": ("onnx", _onnx)}
    if suffix not in loaders:
        raise SchemaError(f"expected an embedder file ending in one of {_SUFFIXES}, got {suffix!r}", path=path)
    kind, loader = loaders[suffix]
    return Embedder(name=name or path.name, fn=loader(path), kind=kind, path=str(path), sha256=file_sha256(path))
