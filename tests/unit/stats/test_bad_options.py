"""Every keyword option of ``alloava_analysis.stats`` takes a bad value well: accepted, or a
ParameterError naming it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.stats import audit, quality, subsets, suppression
from tests.fixtures.bad_options import table_tests, walk_bad_options
from tests.fixtures.datasets import line_pose, make_clip


def _clips(n: int = 12) -> pd.DataFrame:
    """One row per clip: two genders, a speaker for every two clips, hours and one audit metric."""
    rng = np.random.default_rng(0)
    seconds = rng.uniform(600, 900, n)
    return pd.DataFrame({"clip_id": [f"TED_c{i:010d}" for i in range(n)],
                         "speaker_id": [f"s{i // 2}" for i in range(n)],
                         "gender": ["female", "male"] * (n // 2), "seconds": seconds, "hours": seconds / 3600,
                         "asr_probability": rng.uniform(0.7, 0.9, n), "w_words": np.full(n, 100.0)})


def _linked() -> tuple:
    base = pd.DataFrame({"gender": ["female", "male", "female", "male"], "age": ["a", "a", "b", "b"],
                         "clips": [2, 9, 8, 7]})
    return suppression.linked_cells(base, ["gender", "age"], "clips")


#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call; fixed
#: options are the ones that must be given for the call to make sense (not walked).
CALLS = {
    "stats.audit.clip_metrics": lambda tmp: ((make_clip(0, n_frames=100),), {}),
    # n_boot, n_perm: walked on their own below: the defaults take seconds
    "stats.audit.disaggregate": lambda tmp: ((_clips(), ["gender"]), {"n_boot": 20, "n_perm": 19}),
    "stats.audit.representation": lambda tmp: ((_clips(), ["gender"]), {}),
    "stats.quality.hand_visibility": lambda tmp: ((line_pose(10),), {}),
    "stats.quality.keypoint_quality": lambda tmp: ((line_pose(10),), {}),
    "stats.subsets.balanced_subset": lambda tmp: ((_clips(), "gender"), {"tolerance": 0.2}),
    "stats.subsets.stratified_subset": lambda tmp: ((_clips(), "gender"),
                                                    {"hours": 1.0, "tolerance": 0.2}),  # hours is required
    "stats.subsets.subset_manifest": lambda tmp: ((_clips(4),), {}),
    "stats.subsets.subset_to_shares": lambda tmp: ((_clips(), "gender", {"female": 0.5, "male": 0.5}), {}),
    "stats.subsets.write_subset_manifest": lambda tmp: ((tmp / "subset.csv", _clips(4)), {}),
    "stats.suppression.suppress": lambda tmp: (_linked(), {"min_cell": 5}),  # required, no default
}
#: Functions that cannot sensibly run in a unit test: none here.
EXEMPT: dict[str, str] = {}

test_table_is_complete, test_calls_are_valid, test_walks = table_tests("stats", CALLS, EXEMPT)


def test_fixed_options_are_walked_too():
    # n_boot and n_perm at their defaults' scale: every bad value is refused before any resampling
    walk_bad_options(audit.disaggregate, _clips(), ["gender"], skip=("ci", "alpha", "seed", "min_speakers"))
    with pytest.raises(ParameterError, match="min_cell"):
        suppression.suppress(*_linked(), min_cell=0)
    with pytest.raises(ParameterError, match="hours"):
        subsets.stratified_subset(_clips(), "gender", hours=-1.0)


def test_important_bad_values_are_refused():
    table = _clips()
    outcomes = walk_bad_options(audit.representation, table, ["gender"])
    assert outcomes["min_cell"][-1] == outcomes["min_cell"]["3"] == outcomes["min_share"]["nan"] == "ParameterError"
    with pytest.raises(ParameterError, match="metrics") as err:
        audit.disaggregate(table, ["gender"], metrics=["charisma"], n_boot=10, n_perm=0)
    assert err.value.name == "metrics"
    with pytest.raises(ParameterError, match="by"):
        audit.representation(table, ["height"])
    with pytest.raises(ParameterError, match="group 'nope'"):
        quality.keypoint_quality(line_pose(10), group="nope")
    with pytest.raises(ParameterError, match="keypoints"):
        quality.keypoint_quality(line_pose(10), keypoints=["tail"])
    with pytest.raises(ParameterError, match="window_s"):
        audit.clip_metrics(make_clip(0), window_s=-1.0)
    with pytest.raises(ParameterError, match="duration"):
        subsets.subset_to_shares(table, "gender", {"female": 0.5, "male": 0.5}, duration="minutes")
    with pytest.raises(ParameterError, match="labels"):
        subsets.subset_manifest(table, labels=["shoe_size"])
