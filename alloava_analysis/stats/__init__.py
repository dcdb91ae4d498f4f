"""Descriptive corpus statistics next to the published claims, tracking quality, and demographic audits."""
from __future__ import annotations

from .audit import METRICS, MetricSpec, audit_corpus, audit_table, clip_metrics, disaggregate, representation
from .descriptive import (MEASURED_KEYS, claims_vs_measured, clip_table, corpus_stats, load_claims, measure,
                          per_clip_rates, summary_by)
from .quality import hand_visibility, keypoint_quality
from .subsets import balanced_subset, stratified_subset, subset_manifest, subset_to_shares, write_subset_manifest
from .suppression import disclosure_intervals, linked_cells, suppress

__all__ = ["MEASURED_KEYS", "METRICS", "MetricSpec", "audit_corpus", "audit_table", "balanced_subset",
           "claims_vs_measured", "clip_metrics", "clip_table", "corpus_stats", "disaggregate", "disclosure_intervals",
           "hand_visibility", "keypoint_quality", "linked_cells", "load_claims", "measure", "per_clip_rates",
           "representation", "stratified_subset", "subset_manifest", "subset_to_shares", "summary_by", "suppress",
           "write_subset_manifest"]
