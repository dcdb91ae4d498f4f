"""The audit driver: bad labels are schema errors naming what was expected; the balanced manifest meets its shares."""
from __future__ import annotations

import pandas as pd
import pytest

from alloava_analysis.errors import SchemaError
from alloava_analysis.runs.audit import audit_corpus, balanced_manifest


@pytest.mark.parametrize("case, match", [
    ("unknown_value", r"column 'gender': expected one of .*got 'robot'"),
    ("missing_column", r"expected label column\(s\) \['ethnicity_or_region'\]"),
    ("reference_sum", r"shares of 'gender' to sum to 1"),
])
def test_bad_input_is_a_clear_error(labelled_corpus, tmp_path, case, match):
    labels = pd.read_csv(labelled_corpus / "labels.csv", dtype=str, keep_default_na=False)
    by, reference = ["gender"], None
    if case == "unknown_value":
        labels.loc[3, "gender"] = "robot"
    elif case == "missing_column":
        by = ["gender", "ethnicity_or_region"]
    else:
        reference = pd.DataFrame({"attribute": ["gender", "gender"], "group": ["female", "male"],
                                  "share": [0.6, 0.6]})
    path = tmp_path / "labels.csv"
    labels.to_csv(path, index=False)
    with pytest.raises(SchemaError, match=match):
        audit_corpus(labelled_corpus, by=by, labels=path, reference=reference, n_boot=50, n_perm=0, progress=False)


def test_the_balanced_manifest_meets_the_reference_shares_and_needs_an_unmasked_cell(labelled_corpus):
    reference = pd.DataFrame({"attribute": ["gender", "gender"], "group": ["female", "male"], "share": [0.7, 0.3]})
    result, table = audit_corpus(labelled_corpus, by="gender", reference=reference, balance_tolerance=0.05,
                                 n_boot=20, n_perm=0, return_table=True, progress=False)
    subset, summary = balanced_manifest(result, table)
    assert summary["targets"] == pytest.approx({"female": 0.7, "male": 0.3}) and summary["clips"] == len(subset)
    assert set(subset.clip_id) <= set(table.clip_id) and summary["masked_cells_left_out"] == 0
    hours = subset.groupby("gender")["seconds"].sum()
    assert (hours / hours.sum() - pd.Series({"female": 0.7, "male": 0.3})).abs().max() <= 0.05
    assert summary["hours"] == pytest.approx(hours.sum() / 3600)
    masked, table = audit_corpus(labelled_corpus, by="gender", min_cell=7, n_boot=20, n_perm=0,  # 6 clips a cell
                                 return_table=True, progress=False)
    with pytest.raises(SchemaError, match="only masked cells"):
        balanced_manifest(masked, table)
