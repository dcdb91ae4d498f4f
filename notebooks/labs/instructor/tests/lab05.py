"""Hidden tests of lab 05 (instructor only: shipped in the autograder, never in the student release).

``reference(settings)`` measures the real set and its sanity copies and computes every FD in the grading process;
``CHECKS[q](env, ref)`` runs the public form check, then compares and names the usual mistakes. No message prints
an expected number.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from alloava_analysis.corpus import Corpus
from alloava_analysis.evaluate import KEYPOINT_SETS, fd_infinity, frechet_from_features, frechet_report
from alloava_analysis.evaluate import kinetic_features, perturbed_copy
from alloava_analysis.labs import lab05
from alloava_analysis.labs.feedback import Feedback, as_number, near
from alloava_analysis.runs.evaluate import measure_corpus
from alloava_analysis.sample_data import resolve_corpus_dir


def _kinetic(source):
    measures = measure_corpus(source, window_s=2.0, keypoints="upper_body", progress=False)
    return kinetic_features(np.concatenate([m.windows for m in measures.clips if len(m.windows)]), 30.0, ())


def reference(settings):
    corpus = Corpus(resolve_corpus_dir(settings.get("corpus_dir", "")))
    real = _kinetic(corpus)
    clips = list(corpus.clips(progress=False))
    with tempfile.TemporaryDirectory(prefix="alloava-lab05-") as tmp:
        copies = {"identical": _kinetic(perturbed_copy(clips, Path(tmp) / "identical", kind="identical")),
                  "jitter 1 px": _kinetic(perturbed_copy(clips, Path(tmp) / "jitter1", kind="jittered",
                                                         sigma_px=1.0, seed=0)),
                  "frozen": _kinetic(perturbed_copy(clips, Path(tmp) / "frozen", kind="frozen"))}
    names = list(KEYPOINT_SETS["upper_body"])
    moving = [j * len(names) + i for j in range(3) for i, name in enumerate(names) if "shoulder" not in name]
    curve = frechet_report(real[0::2], real[1::2], n_boot=0)["fd_infinity"]
    raw_curve = fd_infinity(real[0::2], real[1::2])
    same = frechet_report(real, copies["identical"], n_boot=0)
    first_velocity = [i for i in moving if i < len(names)]
    return {"pairs": list(zip(curve["sizes"], curve["fd"])), "raw_fd": list(raw_curve["fd"]),
            "inf": curve["value"], "slope": curve["slope"], "raw_inf": raw_curve["value"],
            "same": (same["value"], same["fd_infinity"]["value"], same["fd_infinity"]["intercept"]),
            "q4": {k: frechet_report(real, copies[k], n_boot=0, infinity=False)["value"] for k in lab05.COPIES},
            "q4_raw": {k: frechet_from_features(real, copies[k]) for k in lab05.COPIES},
            "q4_swapped": {k: frechet_report(copies[k], real, n_boot=0, infinity=False)["value"]
                           for k in lab05.COPIES},
            "q5": {k: frechet_report(real[:, moving], copies[k][:, moving], n_boot=0, infinity=False)["value"]
                   for k in lab05.COPIES},
            "q5_raw": {k: frechet_from_features(real[:, moving], copies[k][:, moving]) for k in lab05.COPIES},
            "q5_velocity_x": {k: frechet_report(real[:, first_velocity], copies[k][:, first_velocity], n_boot=0,
                                                infinity=False)["value"] for k in lab05.COPIES}}


def _same(values, expected, rel=0.02):
    if isinstance(values, dict):
        return all(near(float(values[k]), float(expected[k]), rel=rel) for k in expected)
    return len(values) == len(expected) and all(near(float(a), float(b), rel=rel, abs_tol=1e-9)
                                                for a, b in zip(values, expected))


def check_q1(env, ref):
    lab05.check_q1(env)
    pairs = [(float(n), float(fd)) for n, fd in env["answer_q1"]]
    if [n for n, _ in pairs] != [float(n) for n, _ in ref["pairs"]]:
        raise Feedback("the subset sizes are not those FD-infinity draws from the two halves.",
                       "curve = frechet_report(real_k[0::2], real_k[1::2], n_boot=0)['fd_infinity']; "
                       "its 'sizes'")
    fds = [fd for _, fd in pairs]
    if _same(fds, [fd for _, fd in ref["pairs"]]):
        return
    if _same(fds, ref["raw_fd"]):
        raise Feedback("these FDs were computed on the raw features, whose scales differ by orders of magnitude "
                       "between keypoints.", "frechet_report z-scores both sets with the first set's mean and sd "
                                             "before it draws the subsets: use its 'fd_infinity'")
    raise Feedback("the FDs are not those of the even against the odd windows of the real set at these sizes.",
                   "frechet_report(real_k[0::2], real_k[1::2], n_boot=0)['fd_infinity']: 'sizes' and 'fd'")


def check_q2(env, ref):
    lab05.check_q2(env)
    value = as_number(env["answer_q2"], "answer_q2")
    if near(value, ref["inf"], rel=0.02, abs_tol=1e-6):
        return
    if near(value, ref["pairs"][-1][1], rel=0.02):
        raise Feedback(f"{value:.3g} is the FD at the largest N (the whole halves), which still carries the "
                       "sample-size bias.", "FD-infinity extrapolates to N -> infinity: the fit's 'value'")
    if near(value, ref["raw_inf"], rel=0.02, abs_tol=1e-6):
        raise Feedback(f"{value:.3g} is the extrapolation on the raw, unstandardised features.",
                       "take 'value' from frechet_report(...)['fd_infinity'], which works on z-scored features")
    raise Feedback(f"{value:.3g} is not FD-infinity of the two halves of the real set.",
                   "frechet_report(real_k[0::2], real_k[1::2], n_boot=0)['fd_infinity']['value']")


def check_q3(env, ref):
    lab05.check_q3(env)
    fd, inf, intercept = (float(v) for v in env["answer_q3"])
    if fd > 1e-6:
        raise Feedback(f"an identical copy should score 0, but your FD is {fd:.3g}.",
                       "compare real_k with the features of the *identical* copy: copies['identical']")
    if inf > 1e-6:
        raise Feedback("FD-infinity of an identical copy is reported as 0 (the intercept clipped at 0).",
                       "take fd_infinity's 'value', and the raw 'intercept' third")
    if near(intercept, ref["same"][2], rel=0.02):
        return
    if intercept >= 0:
        raise Feedback("the raw intercept of an identical copy is negative: subsets of one set share samples, so "
                       "their FD vanishes at the full size and the line in 1/N meets the axis below 0.",
                       "answer_q3[2] is report['fd_infinity']['intercept'], before clipping")
    raise Feedback("the third number is not the raw intercept of the identical copy's FD-infinity fit.",
                   "frechet_report(real_k, copies['identical'], n_boot=0)['fd_infinity']['intercept']")


def check_q4(env, ref):
    lab05.check_q4(env)
    values = {k: float(env["answer_q4"][k]) for k in lab05.COPIES}
    if _same(values, ref["q4"]):
        return
    if _same(values, dict(zip(lab05.COPIES, [ref["q4"][k] for k in reversed(lab05.COPIES)]))):
        raise Feedback("the two distances are swapped between the copies.", "key each FD by the copy it measures")
    if _same(values, ref["q4_raw"]):
        raise Feedback("these distances come from the raw features, where the largest-variance keypoints drown "
                       "the others.", "frechet_report(real_k, copies[name], n_boot=0) z-scores with the real "
                                      "set's spread")
    if _same(values, ref["q4_swapped"]):
        raise Feedback("the copy was passed first, so the features were z-scored with the copy's spread (a "
                       "frozen copy has almost none).", "real first: frechet_report(real_k, copies[name], ...)")
    raise Feedback("these are not FD_k of the real set against each copy.",
                   "frechet_report(real_k, copies[name], n_boot=0)['value'] for each copy")


def check_q5(env, ref):
    lab05.check_q5(env)
    values = {k: float(env["answer_q5"][k]) for k in lab05.COPIES}
    if _same(values, ref["q5"]):
        return
    if _same(values, ref["q4"]):
        raise Feedback("these are the distances with the shoulders still in.", "keep only the columns in `moving`")
    if _same(values, ref["q5_raw"]):
        raise Feedback("these distances come from the raw features, not z-scored ones.",
                       "frechet_report(real_k[:, moving], copies[name][:, moving], n_boot=0)['value']")
    if _same(values, ref["q5_velocity_x"]):
        raise Feedback("these use only the first block of features (x velocity); the features are three blocks "
                       "(x velocity, y velocity, acceleration) of one column per keypoint.",
                       "moving picks the non-shoulder keypoints in all three blocks")
    raise Feedback("these are not FD_k without the shoulder features.",
                   "frechet_report(real_k[:, moving], copies[name][:, moving], n_boot=0)['value'] for each copy")


CHECKS = {"q1": check_q1, "q2": check_q2, "q3": check_q3, "q4": check_q4, "q5": check_q5}
