"""Lab 3 checks: the audit solution passes and each typical wrong answer is named."""
from __future__ import annotations

import pytest

from alloava_analysis.corpus import Corpus
from alloava_analysis.labs import lab03, run_checks
from tests.unit.labs.helpers import _feedback, _hidden


@pytest.fixture(scope="module")
def lab03_case(sample_data):
    hidden = _hidden("lab03")
    ref = hidden.reference({"corpus_dir": str(sample_data.path)})
    from alloava_analysis.runs.audit import audit_corpus, audit_table

    corpus = Corpus(sample_data.path)
    gender = [r for r in audit_corpus(corpus, by="gender", n_boot=300, n_perm=299, progress=False)["representation"]
              if r["group"] != "overall"]
    tone = audit_corpus(corpus, by="skin_tone", n_boot=300, n_perm=299, progress=False)["representation"]
    table = audit_table(corpus, progress=False)[0]
    dark = table["skin_tone"] == "darker"
    groups = [r for r in gender + tone if r["group"] != "overall"]
    env = {"corpus_dir": str(sample_data.path), "answer_q1": {r["group"]: r["share"] for r in gender},
           "answer_q2": [r["group"] for r in tone if r["suppressed"]],
           "answer_q3": table.loc[dark, "dropout_fraction"].mean() / table.loc[~dark, "dropout_fraction"].mean(),
           "answer_q4": {r["group"]: not r.get("suppressed") for r in groups}}
    return hidden, ref, env, table, gender


def test_lab03_solution_passes_and_wrong_answers_are_named(lab03_case):
    hidden, ref, env, table, gender = lab03_case
    assert set(run_checks("lab03", env).values()) == {None}
    for check in hidden.CHECKS.values():
        check(env, ref)
    assert env["answer_q3"] > 1.5  # the planted dropout gap is there in the raw per-clip table
    clips = sum(r["clips"] for r in gender)
    assert "shares of clips" in _feedback(hidden.check_q1, env, ref,
                                          answer_q1={r["group"]: r["clips"] / clips for r in gender})
    assert "percentages" in _feedback(lab03.check_q1, env, answer_q1={r["group"]: 100 * r["share"] for r in gender})
    # the issue: ['darker'] without its prefix, and an empty list, get their own messages
    message = _feedback(lab03.check_q2, env, answer_q2=["darker"])
    assert "'skin_tone=darker'" in message and "carry the column" in message
    assert "suppresses no skin-tone group" in _feedback(lab03.check_q2, env, answer_q2=[])
    assert "not suppressed" in _feedback(hidden.check_q2, env, ref, answer_q2=sorted(ref["published"])[:1])
    dark = table["skin_tone"] == "darker"
    drop = table["dropout_fraction"]
    assert "other way round" in _feedback(hidden.check_q3, env, ref, answer_q3=1 / env["answer_q3"])
    assert "a difference" in _feedback(hidden.check_q3, env, ref, answer_q3=drop[dark].mean() - drop[~dark].mean())
    # the issue: medians were accepted
    assert ref["darker_median"] / ref["others_median"] != pytest.approx(env["answer_q3"], rel=1e-4)
    assert "ratio of medians" in _feedback(hidden.check_q3, env, ref,
                                           answer_q3=drop[dark].median() / drop[~dark].median())
    # the issue: the Series hint suggested .mean()
    series = table.groupby(dark)["dropout_fraction"].mean()
    message = _feedback(lab03.check_q3, env, answer_q3=series)
    assert ".mean()" not in message and "s.loc[True] / s.loc[False]" in message
    # the issue: False alone was always right; now every group needs its own answer
    assert "no entry" in _feedback(hidden.check_q4, env, ref, answer_q4={"skin_tone=darker": False})
    everything_false = {k: False for k in env["answer_q4"]}
    assert "every group is marked unpublishable" in _feedback(hidden.check_q4, env, ref, answer_q4=everything_false)
    assert any(env["answer_q4"].values()) and not all(env["answer_q4"].values())
