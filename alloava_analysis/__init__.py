"""alloava_analysis: analysis toolkit for the Allo-AVA speech-gesture corpus."""
from __future__ import annotations

import logging

from .errors import (AlloAvaError, AudioFormatError, ExtractionError, InvalidClipIdError,
                     MissingModalityError, ModelNotFoundError, SchemaError)
from .model import Clip, make_pose, make_words, validate_pose

__version__ = "0.1.0"
__all__ = ["AlloAvaError", "AudioFormatError", "Clip", "ExtractionError", "InvalidClipIdError",
           "MissingModalityError", "ModelNotFoundError", "SchemaError", "make_pose", "make_words",
           "validate_pose", "__version__"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
