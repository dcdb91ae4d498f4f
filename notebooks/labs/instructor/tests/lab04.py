"""Hidden tests of lab 04 (instructor only: shipped in the autograder, never in the student release).

``reference(settings)`` computes the lag, its interval and the short-excerpt interval from the data in the grading
process; ``CHECKS[q](env, ref)`` runs the public form check, then compares and names the usual mistakes. No
message prints an expected number.
"""
from __future__ import annotations

import numpy as np

from alloava_analysis.corpus import Corpus
from alloava_analysis.crossmodal.dtw import dtw_shift_lag
from alloava_analysis.crossmodal.lags import cross_correlation_lag, lag_interval
from alloava_analysis.labs import lab04
from alloava_analysis.labs.feedback import Feedback, as_number, near
from alloava_analysis.runs.correlate import corpus_tables
from alloava_analysis.sample_data import resolve_corpus_dir

SHORT_S = 15.0


def reference(settings):
    corpus = Corpus(resolve_corpus_dir(settings.get("corpus_dir", "")))
    frames = corpus_tables(corpus, window_s=5.0, progress=False)[1]
    one = frames[frames["clip_id"] == corpus.clip_ids[int(settings.get("clip_number", 0))]]
    x, y = one["motion_hp"].to_numpy(), one["speech_energy_hp"].to_numpy()
    raw_x, raw_y = one["motion"].to_numpy(), one["speech_energy"].to_numpy()
    rate = 1 / float(np.median(np.diff(one["time"].to_numpy())))
    n = int(SHORT_S * rate)
    full = lag_interval(x, y, rate_hz=rate, max_lag_s=lab04.MAX_LAG_S, n_boot=200, seed=0)
    short = lag_interval(x[:n], y[:n], rate_hz=rate, max_lag_s=lab04.MAX_LAG_S, n_boot=200, seed=0)
    return {"rate": rate, "lag": cross_correlation_lag(x, y, rate_hz=rate, max_lag_s=lab04.MAX_LAG_S)[0],
            "raw_lag": cross_correlation_lag(raw_x, raw_y, rate_hz=rate, max_lag_s=lab04.MAX_LAG_S)[0],
            "full": (float(full["ci_low"]), float(full["ci_high"])), "short": (float(short["ci_low"]),
                                                                            float(short["ci_high"])),
            "blocks": int(short["n_blocks"]), "full_blocks": int(full["n_blocks"]), "short_samples": n,
            "shifts": {key: _dtw_shift(x, y, rate, warp) for key, warp in {**lab04.WARPS, "default": 0.1}.items()}}


def _dtw_shift(x, y, rate, warp_s):
    return float(dtw_shift_lag(x, y, rate_hz=rate, max_lag_s=lab04.MAX_LAG_S, warp_s=warp_s, n_boot=20,
                               n_surrogates=0)["peak_lag_s"])


def check_q1(env, ref):
    lab04.check_q1(env)
    value = as_number(env["answer_q1"], "answer_q1")
    lag = ref["lag"]
    if near(value, lag, abs_tol=0.005):
        return
    if near(value, -lag, abs_tol=0.005):
        raise Feedback(f"{value:.3f} s has the sign flipped: it says speech leads motion.",
                       "the convention is x leads y for a positive lag: pass motion as x and speech as y")
    if near(value, ref["raw_lag"], abs_tol=0.005):
        raise Feedback(f"{value:.3f} s comes from the series before their slow trends were removed.",
                       "use the high-passed columns motion_hp and speech_energy_hp")
    raise Feedback(f"{value:.3f} s is not the cross-correlation lag of motion and speech energy in this clip.",
                   "cross_correlation_lag(x, y, rate_hz=rate, max_lag_s=1.0)[0] with x = motion_hp, "
                   "y = speech_energy_hp")


def check_q2(env, ref):
    lab04.check_q2(env)
    low, high = (float(v) for v in env["answer_q2"])
    if near(low, ref["full"][0], abs_tol=0.005) and near(high, ref["full"][1], abs_tol=0.005):
        return
    if near(low, ref["short"][0], abs_tol=0.005) and near(high, ref["short"][1], abs_tol=0.005):
        raise Feedback("this is the interval from the first 15 s, not from the whole clip.",
                       "run lag_interval on the whole series")
    raise Feedback("the pair is not the block-bootstrap interval of the whole clip's lag.",
                   "lag_interval(x, y, rate_hz=rate, max_lag_s=1.0, n_boot=200, seed=0): ci_low, ci_high")


def check_q3(env, ref):
    lab04.check_q3(env)
    value = as_number(env["answer_q3"], "answer_q3")
    ratio = (ref["short"][1] - ref["short"][0]) / (ref["full"][1] - ref["full"][0])
    if near(value, ratio, rel=0.05):
        return
    if near(value, ref["full_blocks"] / ref["blocks"], rel=0.05) or near(value, 1 / ratio, rel=0.05):
        raise Feedback(f"{value:.3g} is not the ratio of the two widths (short over whole).",
                       "width = ci_high - ci_low of each lag_interval result; then short / whole")
    raise Feedback(f"{value:.3g} is not within 5 % of the ratio of the two interval widths.",
                   "run lag_interval on the first 15 s (x[:n], y[:n] with n = int(15 * rate)) and on the whole "
                   "clip, with n_boot=200, seed=0")


def check_q4(env, ref):
    lab04.check_q4(env)
    value = as_number(env["answer_q4"], "answer_q4")
    if value == ref["blocks"]:
        return
    if value in (SHORT_S, ref["short_samples"]):
        raise Feedback(f"{value:g} counts seconds or samples, not blocks.",
                       "the bootstrap resamples blocks of block_s = 5 s: the result's 'n_blocks'")
    if value == ref["full_blocks"]:
        raise Feedback(f"{value:g} is the number of blocks in the whole clip.", "take it from the 15 s result")
    raise Feedback(f"{value:g} is not the number of blocks resampled in the first 15 s.",
                   "the lag_interval result of the first 15 s has it: 'n_blocks'")


def check_q5(env, ref):
    lab04.check_q5(env)
    given = {key: as_number(env["answer_q5"][key], f"answer_q5[{key!r}]") for key in lab04.WARPS}
    shifts = ref["shifts"]
    right = {key: near(given[key], shifts[key], abs_tol=0.002) for key in lab04.WARPS}
    if not all(right.values()):
        if all(near(given[a], shifts[b], abs_tol=0.002) for a, b in (("warp_0", "warp_0.2"), ("warp_0.2", "warp_0"))):
            raise Feedback("the two shifts are swapped.", "warp_s=0 goes under 'warp_0', warp_s=0.2 under 'warp_0.2'")
        key = next(k for k in lab04.WARPS if not right[k])
        value = given[key]
        if near(value, ref["lag"], abs_tol=0.002):
            raise Feedback(f"answer_q5[{key!r}] is the cross-correlation lag from q1, not the DTW shift.",
                           f"dtw_shift_lag(x, y, rate_hz=rate, max_lag_s=1.0, warp_s={lab04.WARPS[key]:g})"
                           "['peak_lag_s']")
        if near(value, shifts[key] * ref["rate"], abs_tol=0.6):
            raise Feedback(f"answer_q5[{key!r}] is in samples.", "the result's 'peak_lag_s' is already in seconds")
        if near(value, shifts["default"], abs_tol=0.002):
            raise Feedback(f"answer_q5[{key!r}] is the shift under the default warp window (0.1 s).",
                           f"pass warp_s={lab04.WARPS[key]:g}")
        raise Feedback(f"answer_q5[{key!r}] is not the least-cost DTW shift at that warp window.",
                       f"dtw_shift_lag(x, y, rate_hz=rate, max_lag_s=1.0, warp_s={lab04.WARPS[key]:g})['peak_lag_s']")
    if bool(env["answer_q5_is_a_lag"]):
        raise Feedback("answer_q5_is_a_lag says the DTW shift is a lag, but it moved when only the warp window "
                       "changed.", "a lag belongs to the signals; a number that follows a setting of the alignment "
                               "measures the alignment, not who leads")


CHECKS = {"q1": check_q1, "q2": check_q2, "q3": check_q3, "q4": check_q4, "q5": check_q5}
