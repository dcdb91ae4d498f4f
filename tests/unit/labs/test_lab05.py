"""Lab 5 checks: evaluating a generator; the solution passes, sanity copies behave, wrong answers are named."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.corpus import Corpus
from alloava_analysis.labs import lab05, run_checks
from tests.unit.labs.helpers import _feedback, _hidden, _no_number


@pytest.fixture(scope="module")
def lab05_case(sample_data, tmp_path_factory):
    from alloava_analysis.evaluate import KEYPOINT_SETS, frechet_report, kinetic_features, perturbed_copy
    from alloava_analysis.runs.evaluate import measure_corpus

    def kinetic(source):
        measures = measure_corpus(source, window_s=2.0, keypoints="upper_body", progress=False)
        return kinetic_features(np.concatenate([m.windows for m in measures.clips if len(m.windows)]), 30.0, ())

    hidden = _hidden("lab05")
    ref = hidden.reference({"corpus_dir": str(sample_data.path)})
    corpus = Corpus(sample_data.path)
    clips, work = list(corpus.clips(progress=False)), tmp_path_factory.mktemp("lab05")
    real = kinetic(corpus)
    copies = {"identical": kinetic(perturbed_copy(clips, work / "identical", kind="identical")),
              "jitter 1 px": kinetic(perturbed_copy(clips, work / "j1", kind="jittered", sigma_px=1.0, seed=0)),
              "frozen": kinetic(perturbed_copy(clips, work / "frozen", kind="frozen"))}
    names = list(KEYPOINT_SETS["upper_body"])
    moving = [j * len(names) + i for j in range(3) for i, name in enumerate(names) if "shoulder" not in name]
    curve = frechet_report(real[0::2], real[1::2], n_boot=0)["fd_infinity"]
    same = frechet_report(real, copies["identical"], n_boot=0)
    env = {"corpus_dir": str(sample_data.path), "answer_q1": list(zip(curve["sizes"], curve["fd"])),
           "answer_q2": curve["value"],
           "answer_q3": (same["value"], same["fd_infinity"]["value"], same["fd_infinity"]["intercept"]),
           "answer_q4": {k: frechet_report(real, copies[k], n_boot=0)["value"] for k in lab05.COPIES},
           "answer_q5": {k: frechet_report(real[:, moving], copies[k][:, moving], n_boot=0)["value"]
                         for k in lab05.COPIES}}
    return hidden, ref, env, (real, copies, curve, moving)


def test_lab05_solution_passes_and_the_sanity_copies_behave(lab05_case):
    hidden, ref, env, (real, copies, curve, moving) = lab05_case
    assert set(run_checks("lab05", env).values()) == {None}
    for check in hidden.CHECKS.values():
        check(env, ref)
    fds = [fd for _, fd in env["answer_q1"]]
    assert fds[0] > 1.5 * fds[-1] > 0 and env["answer_q2"] < fds[-1] / 5  # the bias: FD falls with N, mostly bias
    fd, inf, intercept = env["answer_q3"]
    assert fd == inf == 0.0 and intercept < 0  # an identical copy: 0, with a negative raw intercept
    q4, q5 = env["answer_q4"], env["answer_q5"]
    assert q4["jitter 1 px"] > q4["frozen"] and q5["jitter 1 px"] < q5["frozen"]  # notebook 70's ranking flip


def test_lab05_wrong_answers_get_their_own_diagnosis(lab05_case):
    from alloava_analysis.evaluate import fd_infinity, frechet_from_features, frechet_report

    hidden, ref, env, (real, copies, curve, moving) = lab05_case
    pairs = env["answer_q1"]
    assert "do not grow" in _feedback(lab05.check_q1, env, answer_q1=pairs[::-1])
    assert "not a number of samples" in _feedback(lab05.check_q1, env, answer_q1=[(f, n) for n, f in pairs])
    raw = fd_infinity(real[0::2], real[1::2])
    assert "raw features" in _feedback(hidden.check_q1, env, ref,
                                       answer_q1=list(zip(raw["sizes"], raw["fd"])))
    assert "largest N" in _feedback(hidden.check_q2, env, ref, answer_q2=pairs[-1][1])
    assert "not the slope b" in _feedback(lab05.check_q2, env, answer_q2=curve["slope"])
    assert "take 'value', not 'intercept'" in _feedback(lab05.check_q2, env, answer_q2=-0.5)
    fd, inf, intercept = env["answer_q3"]
    assert "never below it" in _feedback(lab05.check_q3, env, answer_q3=(fd, inf, 0.5))
    assert "negative distance" in _feedback(lab05.check_q3, env, answer_q3=(intercept, inf, intercept))
    assert "should score 0" in _feedback(hidden.check_q3, env, ref,
                                         answer_q3=(env["answer_q4"]["frozen"], 0.0, intercept))
    assert "raw intercept of an identical copy is negative" in _feedback(hidden.check_q3, env, ref,
                                                                          answer_q3=(0.0, 0.0, 0.0))
    q4 = env["answer_q4"]
    assert "swapped between the copies" in _feedback(
        hidden.check_q4, env, ref, answer_q4={"jitter 1 px": q4["frozen"], "frozen": q4["jitter 1 px"]})
    assert "raw features" in _feedback(hidden.check_q4, env, ref,
                                       answer_q4={k: frechet_from_features(real, copies[k]) for k in q4})
    message = _feedback(hidden.check_q4, env, ref, answer_q4={k: frechet_report(copies[k], real, n_boot=0)["value"]
                                                             for k in q4})
    assert "copy was passed first" in message
    assert "expected exactly" in _feedback(lab05.check_q4, env, answer_q4={"jitter": 1.0, "frozen": 2.0})
    assert "shoulder features are still in" in _feedback(lab05.check_q5, env, answer_q5=dict(q4))
    x_only = [i for i in moving if i < real.shape[1] // 3]
    assert "first block" in _feedback(hidden.check_q5, env, ref, answer_q5={
        k: frechet_report(real[:, x_only], copies[k][:, x_only], n_boot=0)["value"] for k in q4})
    _no_number(_feedback(hidden.check_q5, env, ref, answer_q5={k: 1.5 * v for k, v in env["answer_q5"].items()}),
               *env["answer_q5"].values())
    _no_number(_feedback(hidden.check_q1, env, ref, answer_q1=[(n, 2 * f) for n, f in pairs]), *[f for _, f in pairs])
