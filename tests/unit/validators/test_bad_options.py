"""Bad keyword options of :mod:`alloava_analysis.validators` are accepted or refused with a ParameterError naming them.

:func:`~alloava_analysis.validators.corpus.validate_clip` reports every
problem of a clip's files instead of raising; a bad option must not become
such a report (one error per clip) but one ParameterError.
"""
from __future__ import annotations

import pandas as pd
import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.io.layout import scan_layout
from alloava_analysis.validators import corpus, labels
from tests.fixtures.bad_options import table_tests, walk_bad_options
from tests.fixtures.datasets import write_tiny_corpus


def _clip_files(tmp) -> tuple:
    root = tmp / "corpus"
    write_tiny_corpus(root, 1, labels=False)
    table, _ = scan_layout(root)
    return root, table.iloc[0].to_dict()


def _labels() -> pd.DataFrame:
    return pd.DataFrame({"clip_id": ["a", "b"], "gender": ["female", "male"]})


def _reference() -> pd.DataFrame:
    return pd.DataFrame({"attribute": ["gender", "gender"], "group": ["female", "male"], "share": [0.5, 0.5]})


#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "validators.corpus.duration_tolerance": lambda tmp: ((10.0,), {"tolerance_s": 1.0, "tolerance_frac": 0.01}),
    "validators.corpus.validate_clip": lambda tmp: (_clip_files(tmp), {}),
    "validators.labels.check_reference": lambda tmp: ((_reference(), ["gender"]), {}),
    "validators.labels.validate_labels": lambda tmp: ((_labels(), ["gender"]), {}),
}
#: qualified name -> why it is not called here.
EXEMPT: dict[str, str] = {}

test_table_is_complete, test_calls_are_valid, test_walks = table_tests("validators", CALLS, EXEMPT)


def test_important_bad_values_are_refused(tmp_path):
    root, files = _clip_files(tmp_path)
    outcomes = walk_bad_options(corpus.validate_clip, root, files)
    assert outcomes["expected_rate"][-1] == outcomes["expected_rate"]["3"] == "ParameterError"
    assert outcomes["low_confidence"][-1.0] == outcomes["tolerance_s"]["nan"] == "ParameterError"
    assert corpus.validate_clip(root, files).ok
    with pytest.raises(ParameterError, match="tolerance"):
        labels.check_reference(_reference(), ["gender"], tolerance=-1.0)
    with pytest.raises(ParameterError, match="attributes") as err:
        labels.validate_labels(_labels(), [])
    assert err.value.name == "attributes"
    with pytest.raises(ParameterError, match="schema: expected a LabelSchema"):
        labels.validate_labels(_labels(), ["gender"], schema={"gender": ("female", "male")})
    with pytest.raises(ParameterError, match="tolerance_frac"):
        corpus.duration_tolerance(10.0, tolerance_s=1.0, tolerance_frac=-0.5)
