"""Validation of clips and corpora."""
from __future__ import annotations

from .corpus import (ClipReport, REQUIRED, duration_tolerance, validate_clip, validate_corpus)

__all__ = ["ClipReport", "REQUIRED", "duration_tolerance", "validate_clip", "validate_corpus"]
