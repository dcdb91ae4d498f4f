"""Typed errors. Every error names the file, the place in it and what was expected."""
from __future__ import annotations

from pathlib import Path


class AlloAvaError(Exception):
    """Base class of every error raised by the toolkit."""


class SchemaError(AlloAvaError, ValueError):
    """Input does not follow the expected format.

    Parameters
    ----------
    message
        What is wrong, phrased as "expected X, got Y".
    path
        The offending file, if any.
    where
        The place inside the file (JSON path, row/column, frame index, ...).
    """

    def __init__(self, message: str, *, path: str | Path | None = None, where: str | None = None):
        self.path = None if path is None else str(path)
        self.where = where
        self.reason = message
        parts = [p for p in (self.path, where) if p]
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class InvalidClipIdError(SchemaError):
    """A clip key or YouTube id is malformed or tries path traversal."""


class AudioFormatError(SchemaError):
    """Audio is unreadable or not in the expected format."""


class MissingModalityError(AlloAvaError, FileNotFoundError):
    """A clip lacks a modality that the operation needs."""


class ExtractionError(AlloAvaError, RuntimeError):
    """Media could not be turned into audio, transcript or keypoints."""


class ModelNotFoundError(AlloAvaError, FileNotFoundError):
    """No model file could be resolved offline or online."""
