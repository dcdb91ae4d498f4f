"""Hour-balanced and stratified subsets meet their shares, are seeded, and write a manifest fetch can read."""
from __future__ import annotations

import pytest

from alloava_analysis.errors import SchemaError
from alloava_analysis.io.manifest import read_manifest
from alloava_analysis.stats.subsets import balanced_subset, stratified_subset, write_subset_manifest


def test_balanced_and_stratified_subsets_meet_their_shares(planted, tmp_path):
    sub = balanced_subset(planted, "gender", tolerance=0.02, seed=3)
    hours = sub.groupby("gender")["seconds"].sum()
    assert (hours / hours.sum()).sub(0.5).abs().max() <= 0.02
    assert sub.attrs["hours"] > 0.5 * 2 * planted.groupby("gender")["seconds"].sum().min() / 3600
    again = balanced_subset(planted, "gender", tolerance=0.02, seed=3)
    assert list(again.clip_id) == list(sub.clip_id)                 # seeded
    strat = stratified_subset(planted, ["skin_tone"], hours=planted.hours.sum() / 2, tolerance=0.03, seed=0)
    full = planted.groupby("skin_tone")["seconds"].sum() / planted.seconds.sum()
    got = strat.groupby("skin_tone")["seconds"].sum() / strat.seconds.sum()
    assert (got - full).abs().max() <= 0.03
    path = write_subset_manifest(tmp_path / "subset.csv", sub)
    manifest = read_manifest(path)                                  # what fetch --manifest / rebuild read
    assert sorted(manifest.clip_id) == sorted(sub.clip_id)
    assert set(manifest.gender) == {"female", "male"} and "speaker_id" in manifest
    with pytest.raises(SchemaError, match="summing to 1"):
        balanced_subset(planted, "gender", targets={"female": 0.7, "male": 0.7})
    with pytest.raises(SchemaError, match="target groups among"):
        balanced_subset(planted, "gender", targets={"female": 0.5, "robot": 0.5})
