"""alloava_analysis: analysis toolkit for the Allo-AVA speech-gesture corpus."""
from __future__ import annotations

import logging

from .errors import (
    AlloAvaError,
    AudioFormatError,
    CorpusPathError,
    ExtractionError,
    InputPathError,
    InvalidClipIdError,
    MissingModalityError,
    ModelNotFoundError,
    ParameterError,
    SchemaError,
)

__version__ = "0.1.0"
_MODEL = ("Clip", "make_pose", "make_words", "validate_pose")
__all__ = ["AlloAvaError", "AudioFormatError", "CorpusPathError", "ExtractionError", "InputPathError",
           "InvalidClipIdError", "MissingModalityError", "ModelNotFoundError", "ParameterError", "SchemaError", *_MODEL,
           "__version__"]

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str):
    # The data model (numpy, pandas, xarray) loads on first use, so that `alloava --help` stays fast.
    if name in _MODEL:
        from . import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
