"""The audit driver: bad labels or reference shares are schema errors naming what was expected."""
from __future__ import annotations

import pandas as pd
import pytest

from alloava_analysis.errors import SchemaError
from alloava_analysis.runs.audit import audit_corpus


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
