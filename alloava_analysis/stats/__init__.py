"""Descriptive corpus statistics next to the published claims."""
from __future__ import annotations

from .descriptive import (MEASURED_KEYS, claims_vs_measured, clip_table, corpus_stats, load_claims, measure,
                          per_clip_rates, summary_by)

__all__ = ["MEASURED_KEYS", "claims_vs_measured", "clip_table", "corpus_stats", "load_claims", "measure",
           "per_clip_rates", "summary_by"]
