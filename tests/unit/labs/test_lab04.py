"""Lab 4 checks: the lags solution passes and each typical wrong answer is named."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.corpus import Corpus
from alloava_analysis.labs import lab04, run_checks
from alloava_analysis.runs.correlate import corpus_tables
from tests.unit.labs.helpers import _feedback, _hidden, _no_number


@pytest.fixture(scope="module")
def lab04_case(sample_data):
    from alloava_analysis.crossmodal.dtw import dtw_shift_lag
    from alloava_analysis.crossmodal.lags import cross_correlation_lag, lag_interval

    hidden = _hidden("lab04")
    ref = hidden.reference({"corpus_dir": str(sample_data.path)})
    corpus = Corpus(sample_data.path)
    frames = corpus_tables(corpus, window_s=5.0, progress=False)[1]
    one = frames[frames["clip_id"] == corpus.clip_ids[0]]
    x, y = one["motion_hp"].to_numpy(), one["speech_energy_hp"].to_numpy()
    rate = 1 / np.median(np.diff(one["time"]))
    whole = lag_interval(x, y, rate_hz=rate, max_lag_s=1.0, n_boot=200, seed=0)
    n = int(15 * rate)
    short = lag_interval(x[:n], y[:n], rate_hz=rate, max_lag_s=1.0, n_boot=200, seed=0)
    env = {"corpus_dir": str(sample_data.path),
           "answer_q1": cross_correlation_lag(x, y, rate_hz=rate, max_lag_s=1.0)[0],
           "answer_q2": (whole["ci_low"], whole["ci_high"]),
           "answer_q3": (short["ci_high"] - short["ci_low"]) / (whole["ci_high"] - whole["ci_low"]),
           "answer_q4": short["n_blocks"],
           "answer_q5": {key: dtw_shift_lag(x, y, rate_hz=rate, max_lag_s=1.0, warp_s=warp, n_boot=20,
                                            n_surrogates=0)["peak_lag_s"] for key, warp in lab04.WARPS.items()},
           "answer_q5_is_a_lag": False}
    return hidden, ref, env, (x, y, rate, one, short, whole)


def test_lab04_solution_passes_and_wrong_answers_are_named(lab04_case):
    from alloava_analysis.crossmodal.lags import cross_correlation_lag

    hidden, ref, env, (x, y, rate, one, short, whole) = lab04_case
    assert set(run_checks("lab04", env).values()) == {None}
    for check in hidden.CHECKS.values():
        check(env, ref)
    assert 0.1 < env["answer_q1"] < 0.2  # the sample's planted lag: motion leads speech by 0.15 s
    assert env["answer_q3"] > 5 and env["answer_q4"] == 3  # 15 s = three 5-s blocks: a wide interval
    lag = env["answer_q1"]
    assert "sign flipped" in _feedback(hidden.check_q1, env, ref,
                                       answer_q1=cross_correlation_lag(y, x, rate_hz=rate, max_lag_s=1.0)[0])
    assert "in samples or milliseconds" in _feedback(hidden.check_q1, env, ref, answer_q1=round(lag * rate))
    assert "outside the searched lags" in _feedback(lab04.check_q1, env, answer_q1=lag * 1000)
    raw = cross_correlation_lag(one["motion"].to_numpy(), one["speech_energy"].to_numpy(), rate_hz=rate,
                                max_lag_s=1.0)[0]
    if abs(raw - lag) > 0.01:
        assert "slow trends" in _feedback(hidden.check_q1, env, ref, answer_q1=raw)
    assert "first 15 s" in _feedback(hidden.check_q2, env, ref, answer_q2=(short["ci_low"], short["ci_high"]))
    assert "upside down" in _feedback(lab04.check_q3, env, answer_q3=1 / env["answer_q3"])
    assert "seconds or samples" in _feedback(hidden.check_q4, env, ref, answer_q4=15)
    assert "whole clip" in _feedback(hidden.check_q4, env, ref, answer_q4=whole["n_blocks"])
    _no_number(_feedback(hidden.check_q3, env, ref, answer_q3=env["answer_q3"] * 1.5), env["answer_q3"])


def test_lab04_q5_dtw_shift_is_not_a_lag_and_wrong_answers_are_named(lab04_case):
    from alloava_analysis.crossmodal.dtw import dtw_shift_lag

    hidden, ref, env, (x, y, rate, one, short, whole) = lab04_case
    shifts = env["answer_q5"]
    hidden.check_q5(env, ref)
    # the sample's planted 0.15 s lag: unwarped DTW finds it, a 0.2 s warp window pulls the shift well away
    assert abs(shifts["warp_0"] - 0.15) < 0.02 and abs(shifts["warp_0.2"] - shifts["warp_0"]) > 0.03
    swapped = {"warp_0": shifts["warp_0.2"], "warp_0.2": shifts["warp_0"]}
    assert "swapped" in _feedback(hidden.check_q5, env, ref, answer_q5=swapped)
    xcorr = {**shifts, "warp_0.2": env["answer_q1"]}
    assert "cross-correlation lag" in _feedback(hidden.check_q5, env, ref, answer_q5=xcorr)
    samples = {key: value * rate for key, value in shifts.items()}
    assert "in samples" in _feedback(lab04.check_q5, env, answer_q5=samples)
    default = dtw_shift_lag(x, y, rate_hz=rate, max_lag_s=1.0, warp_s=0.1, n_boot=20, n_surrogates=0)["peak_lag_s"]
    assert "default warp window" in _feedback(hidden.check_q5, env, ref, answer_q5={**shifts, "warp_0.2": default})
    nan = {**shifts, "warp_0.2": float("nan")}  # lag_s instead of peak_lag_s: NaN when no lag is detectable
    assert "peak_lag_s" in _feedback(lab04.check_q5, env, answer_q5=nan)
    assert "dict with the keys" in _feedback(lab04.check_q5, env, answer_q5=(shifts["warp_0"], shifts["warp_0.2"]))
    assert "True or False" in _feedback(lab04.check_q5, env, answer_q5_is_a_lag="no")
    message = _feedback(hidden.check_q5, env, ref, answer_q5_is_a_lag=True)
    assert "warp window" in message
    off = {**shifts, "warp_0.2": shifts["warp_0.2"] + 0.3}
    message += _feedback(hidden.check_q5, env, ref, answer_q5=off)
    # the warp windows (option values the question names) may appear; the shifts may not
    _no_number(message.replace("warp_0.2", "").replace("warp_s=0.2", ""), *shifts.values())
