"""Descriptive corpus statistics next to the published claims, tracking quality, and demographic audits."""
from __future__ import annotations

from .audit import METRICS, MetricSpec, clip_metrics, disaggregate, prepare_table, provenance_counts, representation
from .descriptive import MEASURED_KEYS, claims_vs_measured, load_claims, measure_table, per_clip_rates, summary_by
from .quality import hand_visibility, keypoint_quality
from .subsets import balanced_subset, stratified_subset, subset_manifest, subset_to_shares, write_subset_manifest
from .suppression import disclosure_intervals, linked_cells, suppress

__all__ = ["MEASURED_KEYS", "METRICS", "MetricSpec", "balanced_subset", "claims_vs_measured", "clip_metrics",
           "disaggregate", "disclosure_intervals", "hand_visibility", "keypoint_quality", "linked_cells",
           "load_claims", "measure_table", "per_clip_rates", "prepare_table", "provenance_counts",
           "representation", "stratified_subset", "subset_manifest", "subset_to_shares", "summary_by", "suppress",
           "write_subset_manifest"]
