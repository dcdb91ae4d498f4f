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


class ParameterError(AlloAvaError, ValueError):
    """An option or argument has a value that is not allowed.

    Raised at function entry (see :mod:`alloava_analysis.checks`),
    before any data is read. The message names the parameter, says what was
    expected (the allowed values, or the allowed range) and what was given.
    The command line maps it to exit status 2 (usage error).

    Parameters
    ----------
    message
        "expected X, got Y", naming the parameter.
    name
        The parameter's name.
    allowed
        The allowed values, when there is a finite set of them.
    """

    def __init__(self, message: str, *, name: str | None = None, allowed: tuple | None = None):
        self.name = name
        self.allowed = allowed
        super().__init__(message)


class UnknownNameError(ParameterError, KeyError):
    """A name that is not one of the known ones (a keypoint layout, a body-part group, a keypoint).

    A :class:`ParameterError` that is also a ``KeyError``, so code that looked
    names up with ``except KeyError`` keeps working; its message reads like a
    ParameterError's (no quotes added around it, as ``KeyError`` would).
    """

    __str__ = ParameterError.__str__


class InputPathError(ParameterError, FileNotFoundError):
    """A path given as input (a corpus, a labels CSV, a manifest) does not exist or is the wrong kind."""


class CorpusPathError(InputPathError):
    """A path given as a corpus does not exist, is a file, or holds none of the modality folders."""


class OutputPathError(ParameterError):
    """An output path would overwrite an input, land in a corpus's modality folders, or cannot be written."""
