"""Lab 2 checks: the honest interval's solution passes; each typical wrong interval gets its own diagnosis."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.corpus import Corpus
from alloava_analysis.crossmodal.correlation import pooled_correlation
from alloava_analysis.labs import lab02, run_checks
from alloava_analysis.runs.correlate import corpus_tables
from tests.unit.labs.helpers import _feedback, _hidden, _no_number


@pytest.fixture(scope="module")
def lab02_case(sample_data):
    hidden = _hidden("lab02")
    ref = hidden.reference({"corpus_dir": str(sample_data.path)})
    windows = corpus_tables(Corpus(sample_data.path), window_s=5.0, energy=False, progress=False)[0]
    w = windows.dropna(subset=["intensity", "speech_rate"])
    r = w["intensity"].corr(w["speech_rate"])
    z, half = np.arctanh(r), 1.959964 / np.sqrt(len(w) - 3)
    naive = (np.tanh(z - half), np.tanh(z + half))
    pooled = pooled_correlation(w, "intensity", "speech_rate", pooling="mixed", n_boot=500, seed=0)
    honest = (pooled["r"], pooled["ci_low"], pooled["ci_high"])
    env = {"corpus_dir": str(sample_data.path), "answer_q1": r, "answer_q2": naive, "answer_q3": honest,
           "answer_q4": (honest[2] - honest[1]) / (naive[1] - naive[0]),
           "answer_q5": bool(honest[1] <= 0.0285 <= honest[2])}
    return hidden, ref, env, w


def test_lab02_solution_passes_public_and_hidden(lab02_case):
    hidden, ref, env, _ = lab02_case
    assert set(run_checks("lab02", env).values()) == {None}
    for check in hidden.CHECKS.values():
        check(env, ref)
    assert env["answer_q4"] > 1.5  # the honest interval is much wider: windows of a clip are not independent


def test_lab02_hidden_tests_name_each_wrong_answer(lab02_case, sample_data):
    hidden, ref, env, w = lab02_case
    r = env["answer_q1"]
    assert "Spearman" in _feedback(hidden.check_q1, env, ref,
                                   answer_q1=w["intensity"].corr(w["speech_rate"], method="spearman"))
    assert "r squared" in _feedback(hidden.check_q1, env, ref, answer_q1=r ** 2)
    # the issue: an off-by-one window, frame-level pooling and 1 s windows each get their own diagnosis
    shifted = w["intensity"].corr(w.groupby("clip_id")["speech_rate"].shift(-1))
    assert "off-by-one shift" in _feedback(hidden.check_q1, env, ref, answer_q1=shifted)
    frames = corpus_tables(Corpus(sample_data.path), window_s=5.0, progress=False)[1]
    message = _feedback(hidden.check_q1, env, ref, answer_q1=frames["motion"].corr(frames["speech_energy"]))
    assert "frame-level values" in message and "window table" in message
    one_s = corpus_tables(Corpus(sample_data.path), window_s=1.0, energy=False, progress=False)[0]
    assert "1 s windows" in _feedback(hidden.check_q1, env, ref,
                                      answer_q1=one_s["intensity"].corr(one_s["speech_rate"]))
    n, z = len(w), np.arctanh(r)
    assert "Fisher z scale" in _feedback(hidden.check_q2, env, ref,
                                         answer_q2=(z - 1.959964 / np.sqrt(n - 3), z + 1.959964 / np.sqrt(n - 3)))
    # the issue: 1/sqrt(n) instead of 1/sqrt(n - 3)
    message = _feedback(hidden.check_q2, env, ref,
                        answer_q2=(np.tanh(z - 1.959964 / np.sqrt(n)), np.tanh(z + 1.959964 / np.sqrt(n))))
    assert "1/sqrt(n)" in message and "sqrt(n - 3)" in message
    k = w["clip_id"].nunique()
    assert "number of clips as n" in _feedback(
        hidden.check_q2, env, ref, answer_q2=(np.tanh(z - 1.959964 / np.sqrt(k - 3)), np.tanh(z + 1.959964 /
                                                                                                np.sqrt(k - 3))))
    assert "raw pooled correlation" in _feedback(hidden.check_q3, env, ref, answer_q3=(r, r - 0.2, r + 0.2))
    assert "naive width over the honest" in _feedback(hidden.check_q4, env, ref, answer_q4=1 / env["answer_q4"])
    message = _feedback(hidden.check_q4, env, ref, answer_q4=env["answer_q4"] * 2)  # the issue: "expected about"
    assert "expected" not in message
    _no_number(message, env["answer_q4"])
    assert "low <= value <= high" in _feedback(hidden.check_q5, env, ref, answer_q5=not env["answer_q5"])


def test_lab02_public_checks_use_only_the_students_own_answers(lab02_case):
    _, _, env, _ = lab02_case
    assert "outside [-1, 1]" in _feedback(lab02.check_q1, env, answer_q1=1.7)
    assert "does not contain your r" in _feedback(lab02.check_q2, env, answer_q2=(0.97, 0.99))
    assert "outside its own interval" in _feedback(lab02.check_q3, env, answer_q3=(0.9, 0.1, 0.2))
    naive, honest = env["answer_q2"], env["answer_q3"]
    assert "naive width over the honest" in _feedback(
        lab02.check_q4, env, answer_q4=(naive[1] - naive[0]) / (honest[2] - honest[1]))
    assert "what your interval from q3 says" in _feedback(lab02.check_q5, env, answer_q5=not env["answer_q5"])
    assert "expected True or False" in _feedback(lab02.check_q5, env, answer_q5="yes")
