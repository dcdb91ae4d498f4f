"""Validation: option checks at function entry (:mod:`.options`) and of clips and corpora (:mod:`.corpus`).

The corpus validators are imported on first use, so that option checks (used by
the command line before anything heavy loads) stay cheap to import.
"""
from __future__ import annotations

from .options import (check_int, check_nonnegative, check_option, check_options, check_positive,
                      check_range)

_CORPUS = ("ClipReport", "REQUIRED", "duration_tolerance", "validate_clip", "validate_corpus")

__all__ = ["check_int", "check_nonnegative", "check_option", "check_options", "check_positive", "check_range",
           *_CORPUS]


def __getattr__(name: str):
    if name in _CORPUS:
        from . import corpus

        return getattr(corpus, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
