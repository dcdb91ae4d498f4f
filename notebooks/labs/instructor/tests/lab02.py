"""Hidden tests of lab 02 (instructor only: shipped in the autograder, never in the student release).

``reference(settings)`` computes the window table, the correlations and intervals from the data in the grading
process; ``CHECKS[q](env, ref)`` runs the public form check, then compares and names the usual mistakes. No
message prints an expected number.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import stats

from alloava_analysis.corpus import Corpus
from alloava_analysis.crossmodal.correlation import pooled_correlation
from alloava_analysis.labs import lab02
from alloava_analysis.labs.feedback import Feedback, as_number, near
from alloava_analysis.runs.correlate import corpus_tables
from alloava_analysis.sample_data import resolve_corpus_dir

Z95 = 1.959964


def _fisher(r, n, *, z=Z95, minus=3):
    half = z / math.sqrt(n - minus)
    return math.tanh(math.atanh(r) - half), math.tanh(math.atanh(r) + half)


def _r(a, b):
    ok = np.isfinite(a) & np.isfinite(b)
    return float(stats.pearsonr(a[ok], b[ok])[0])


def reference(settings):
    corpus = Corpus(resolve_corpus_dir(settings.get("corpus_dir", "")))
    window_s = float(settings.get("window_s", 5.0))
    windows = corpus_tables(corpus, window_s=window_s, energy=False, progress=False)[0]  # as the notebook builds it
    frames = corpus_tables(corpus, window_s=window_s, progress=False)[1]
    w = windows.dropna(subset=["intensity", "speech_rate"])
    one_s = corpus_tables(corpus, window_s=1.0, energy=False, progress=False)[0].dropna(
        subset=["intensity", "speech_rate"])
    r = _r(w["intensity"].to_numpy(), w["speech_rate"].to_numpy())
    n = len(w)
    shifted = w.assign(next_rate=w.groupby("clip_id")["speech_rate"].shift(-1),
                       prev_rate=w.groupby("clip_id")["speech_rate"].shift(1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        honest = pooled_correlation(w, "intensity", "speech_rate", pooling="mixed", n_boot=500, seed=0)
    naive = _fisher(r, n)
    return {
        "r": r, "n": n, "spearman": float(stats.spearmanr(w["intensity"], w["speech_rate"])[0]),
        "per_clip_mean": float(w.groupby("clip_id")[["intensity", "speech_rate"]].apply(
            lambda g: g["intensity"].corr(g["speech_rate"])).mean()),
        "one_second": _r(one_s["intensity"].to_numpy(), one_s["speech_rate"].to_numpy()),
        "off_by_one": [_r(shifted["intensity"].to_numpy(), shifted[c].to_numpy()) for c in ("next_rate", "prev_rate")],
        "frame_level": _r(frames["motion"].to_numpy(), frames["speech_energy"].to_numpy()),
        "naive": naive, "n_clips": int(w["clip_id"].nunique()),
        "honest": (float(honest["r"]), float(honest["ci_low"]), float(honest["ci_high"])),
        "ratio": (honest["ci_high"] - honest["ci_low"]) / (naive[1] - naive[0]),
    }


def _is(value, target, tol=0.002):
    return near(value, target, abs_tol=tol)


def check_q1(env, ref):
    lab02.check_q1(env)
    value = as_number(env["answer_q1"], "answer_q1")
    r = ref["r"]
    if _is(value, r):
        return
    mistakes = [
        (ref["spearman"], "is Spearman's rank correlation.", "the question asks for Pearson's r (the default of "
         ".corr())"),
        (r ** 2, "is r squared.", "take the correlation itself, not the variance explained"),
        (-r, "has the wrong sign.", "correlate the two columns as given, without negating either"),
        (ref["per_clip_mean"], "is the mean of the per-clip correlations.",
         "here pool every window of every clip into one correlation"),
        (ref["one_second"], "comes from 1 s windows; the lab's windows are window_s long.",
         "use the table the notebook built with window_s (5 s by default), not a new one"),
        (ref["frame_level"], "correlates frame-level values (motion and speech energy per video frame).",
         "the question pools analysis windows: the 'intensity' and 'speech_rate' columns of the window table"),
        *[(v, "pairs each window's intensity with the speech rate of the neighbouring window (an off-by-one "
              "shift).", "correlate the two columns of the same rows: windows['intensity'].corr("
              "windows['speech_rate'])") for v in ref["off_by_one"]],
    ]
    for target, what, hint in mistakes:
        if _is(value, target):
            raise Feedback(f"{value:.3f} {what}", hint)
    raise Feedback(f"{value:.3f} is not the pooled Pearson r of the window table.",
                   "one correlation over every row of the table the notebook built: "
                   "windows['intensity'].corr(windows['speech_rate'])")


def check_q2(env, ref):
    lab02.check_q2(env)
    low, high = lab02.interval(env["answer_q2"], "answer_q2")
    r, n = ref["r"], ref["n"]

    def matches(pair, tol=0.0005):  # the formula gives the ends exactly; 1/sqrt(n) moves them by ~0.002
        return near(low, pair[0], abs_tol=tol) and near(high, pair[1], abs_tol=tol)

    if matches(ref["naive"]):
        return
    z = math.atanh(r)
    if matches((z - Z95 / math.sqrt(n - 3), z + Z95 / math.sqrt(n - 3))):
        raise Feedback("these are the ends on the Fisher z scale.", "back-transform both ends with np.tanh")
    if matches(_fisher(r, n, minus=0)):
        raise Feedback("this interval uses the standard error 1/sqrt(n); Fisher's z has 1/sqrt(n - 3).",
                       "half-width on the z scale: 1.96 / sqrt(n - 3)")
    if matches(_fisher(r, n, z=1.644854)):
        raise Feedback("this is a 90 % interval (1.645 standard errors).", "a 95 % interval uses 1.96")
    if ref["n_clips"] > 3 and matches(_fisher(r, ref["n_clips"])):
        raise Feedback("this interval uses the number of clips as n.",
                       "the naive interval counts every window as independent: n = len(windows)")
    if matches((r - Z95 / math.sqrt(n - 3), r + Z95 / math.sqrt(n - 3))):
        raise Feedback("this adds the z-scale half-width to r itself.",
                       "go to the z scale first (np.arctanh(r)), add and subtract there, then np.tanh both ends")
    if matches(ref["naive"], tol=0.005):
        raise Feedback("these ends are close to the naive interval but not on it (rounded, or another standard "
                       "error?).", "give the unrounded ends: tanh(arctanh(r) -/+ 1.96 / sqrt(n - 3))")
    raise Feedback(f"({low:.3f}, {high:.3f}) is not the naive 95 % interval of this r.",
                   "z = arctanh(r); z ± 1.96 / sqrt(n - 3) with n = number of windows; tanh of both ends")


def check_q3(env, ref):
    lab02.check_q3(env)
    r, low, high = lab02.estimate(env["answer_q3"], "answer_q3")
    hr, hlow, hhigh = ref["honest"]
    if near(r, hr, abs_tol=0.01) and near(low, hlow, abs_tol=0.03) and near(high, hhigh, abs_tol=0.03):
        return
    if near(r, ref["r"], abs_tol=0.01) and not near(hr, ref["r"], abs_tol=0.01):
        raise Feedback(f"r = {r:.3f} is the raw pooled correlation (between-clip differences included).",
                       "use pooled_correlation(windows, 'intensity', 'speech_rate', pooling='mixed', n_boot=500, "
                       "seed=0)")
    if near(low, ref["naive"][0], abs_tol=0.005) and near(high, ref["naive"][1], abs_tol=0.005):
        raise Feedback("the interval is the naive one from q2.", "take ci_low and ci_high from pooled_correlation")
    if near(r, hr, abs_tol=0.01):
        raise Feedback("r is right but the interval is not the cluster-bootstrap interval.",
                       "take ci_low and ci_high from the same pooled_correlation result (n_boot=500, seed=0)")
    raise Feedback(f"({r:.3f}, {low:.3f}, {high:.3f}) does not match the within-clip pooled correlation.",
                   "pooled_correlation(windows, 'intensity', 'speech_rate', pooling='mixed', n_boot=500, seed=0)")


def check_q4(env, ref):
    lab02.check_q4(env)
    value = as_number(env["answer_q4"], "answer_q4")
    ratio = ref["ratio"]
    if near(value, ratio, rel=0.1):
        return
    if near(value, 1 / ratio, rel=0.1):
        raise Feedback(f"{value:.2f} is the naive width over the honest width.", "divide honest by naive")
    raise Feedback(f"{value:.2f} is not the ratio of the honest interval's width to the naive one's (within 10 %).",
                   "width = high - low for each interval (q3's and q2's); then honest / naive")


def check_q5(env, ref):
    lab02.check_q5(env)
    _, low, high = ref["honest"]
    if bool(env["answer_q5"]) != bool(low <= lab02.PAPER_R <= high):
        raise Feedback(f"{bool(env['answer_q5'])} is not what the honest interval says.",
                       "an interval contains a value when low <= value <= high; use the cluster-bootstrap "
                       "interval of q3")


CHECKS = {"q1": check_q1, "q2": check_q2, "q3": check_q3, "q4": check_q4, "q5": check_q5}
