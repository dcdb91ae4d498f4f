"""Lab 02 — speech rate vs gesture with honest intervals: naive and cluster-aware intervals for one r."""
from __future__ import annotations

import math
import warnings
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import stats

from ..crossmodal.correlation import pooled_correlation
from ..runs.correlate import corpus_tables
from ._common import lab_corpus
from .feedback import Feedback, answer_of, as_items, as_number, describe, near

PAPER_R = 0.0285
N_BOOT = 500


@lru_cache(maxsize=4)
def _windows(root: str, window_s: float):
    from ..corpus import Corpus

    windows, _, _ = corpus_tables(Corpus(root), window_s=window_s, energy=False, progress=False)
    return windows.dropna(subset=["intensity", "speech_rate"])


def lab_windows(env: dict[str, Any]):
    """The window table of the lab's corpus at its ``window_s`` (default 5 s), NaN rows dropped.

    Parameters
    ----------
    env
        The notebook's variables: ``corpus_dir`` (empty: the embedded sample) and ``window_s`` (seconds).

    Returns
    -------
    DataFrame
        One row per window of every clip (``clip_id``, ``intensity``, ``speech_rate``, ...), rows where
        either of those two is NaN dropped; cached per corpus and window length.
    """
    return _windows(str(lab_corpus(env).root), float(env.get("window_s", 5.0)))


def naive_interval(r: float, n: int) -> tuple[float, float]:
    """95 % Fisher-z interval for ``r`` from ``n`` independent pairs.

    Parameters
    ----------
    r
        A Pearson correlation, in (-1, 1).
    n
        The number of pairs (> 3).

    Returns
    -------
    tuple of float
        ``(low, high)``: ``tanh(atanh(r) -/+ 1.96 / sqrt(n - 3))``.
    """
    z, half = math.atanh(r), 1.959964 / math.sqrt(n - 3)
    return math.tanh(z - half), math.tanh(z + half)


@lru_cache(maxsize=4)
def _honest(root: str, window_s: float) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return pooled_correlation(_windows(root, window_s), "intensity", "speech_rate", pooling="mixed",
                                  n_boot=N_BOOT, seed=0)


def _pair(value: Any, name: str) -> tuple[float, float]:
    items = as_items(value, name, expected="a pair (low, high)", at_most=2)
    if len(items) != 2:
        raise Feedback(f"{name} should be a pair (low, high), got {describe(value)}.", f"{name} = (low, high)")
    low, high = items
    low, high = as_number(low, f"{name}[0]"), as_number(high, f"{name}[1]")
    if low > high:
        raise Feedback(f"{name} = ({low:.3g}, {high:.3g}) has its low end above its high end.", "swap them")
    return low, high


def check_q1(env: dict[str, Any]) -> None:
    """q1: Pearson r of movement intensity and speech rate over all windows of all clips.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q1``, ``corpus_dir`` (empty: the embedded sample) and
        ``window_s`` (seconds, default 5).

    Raises
    ------
    Feedback
        When the answer is missing or wrong: what is wrong and a hint.
    """
    w = lab_windows(env)
    value = as_number(answer_of(env, "answer_q1", example="windows['intensity'].corr(windows['speech_rate'])"),
                      "answer_q1")
    r = float(stats.pearsonr(w["intensity"], w["speech_rate"])[0])
    if near(value, r, abs_tol=0.002):
        return
    if near(value, float(stats.spearmanr(w["intensity"], w["speech_rate"])[0]), abs_tol=0.002):
        raise Feedback(f"{value:.3f} is Spearman's rank correlation.", "the question asks for Pearson's r")
    if near(value, r ** 2, abs_tol=0.002):
        raise Feedback(f"{value:.3f} is r squared.", "take the correlation itself, not the variance explained")
    if near(value, -r, abs_tol=0.002):
        raise Feedback(f"{value:.3f} has the wrong sign.",
                       "correlate the two columns as given, without negating either")
    per_clip = w.groupby("clip_id").apply(lambda g: g["intensity"].corr(g["speech_rate"]), include_groups=False)
    if near(value, float(per_clip.mean()), abs_tol=0.002):
        raise Feedback(f"{value:.3f} is the mean of the per-clip correlations.",
                       "here pool every window of every clip into one correlation")
    raise Feedback(f"{value:.3f} is not the pooled Pearson r of the window table.",
                   "windows['intensity'].corr(windows['speech_rate'])")


def check_q2(env: dict[str, Any]) -> None:
    """q2: the naive 95 % interval, treating every window as an independent pair.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q2``, ``corpus_dir`` (empty: the embedded sample) and
        ``window_s`` (seconds, default 5).

    Raises
    ------
    Feedback
        When the answer is missing or wrong: what is wrong and a hint.
    """
    w = lab_windows(env)
    low, high = _pair(answer_of(env, "answer_q2", example="(low, high)"), "answer_q2")
    r = float(stats.pearsonr(w["intensity"], w["speech_rate"])[0])
    exp_low, exp_high = naive_interval(r, len(w))
    if near(low, exp_low, abs_tol=0.005) and near(high, exp_high, abs_tol=0.005):
        return
    z_low, z_high = math.atanh(r) - 1.959964 / math.sqrt(len(w) - 3), math.atanh(r) + 1.959964 / math.sqrt(len(w) - 3)
    if near(low, z_low, abs_tol=0.005) and near(high, z_high, abs_tol=0.005):
        raise Feedback("these are the ends on the Fisher z scale.", "back-transform both ends with np.tanh")
    n_clips = w["clip_id"].nunique()
    if n_clips > 3 and all(near(a, b, abs_tol=0.005) for a, b in zip((low, high), naive_interval(r, n_clips))):
        raise Feedback("this interval uses the number of clips as n.",
                       "the naive interval counts every window as independent: n = len(windows)")
    raise Feedback(f"({low:.3f}, {high:.3f}) is not the naive 95 % interval.",
                   "z = arctanh(r); z ± 1.96 / sqrt(n - 3) with n = number of windows; tanh of both ends")


def check_q3(env: dict[str, Any]) -> None:
    """q3: the within-clip (mixed) pooled r and its cluster-bootstrap interval.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q3``, ``corpus_dir`` (empty: the embedded sample) and
        ``window_s`` (seconds, default 5).

    Raises
    ------
    Feedback
        When the answer is missing or wrong: what is wrong and a hint.
    """
    w = lab_windows(env)
    value = answer_of(env, "answer_q3", example="(pooled['r'], pooled['ci_low'], pooled['ci_high'])")
    items = as_items(value, "answer_q3", expected="three numbers (r, low, high)", at_most=3)
    if len(items) != 3:
        raise Feedback(f"answer_q3 should be three numbers (r, low, high), got {describe(value)}.",
                       "answer_q3 = (pooled['r'], pooled['ci_low'], pooled['ci_high'])")
    r, low, high = items
    r = as_number(r, "answer_q3[0]")
    low, high = _pair((low, high), "answer_q3[1:]")
    honest = _honest(str(lab_corpus(env).root), float(env.get("window_s", 5.0)))
    if near(r, honest["r"], abs_tol=0.01) and near(low, honest["ci_low"], abs_tol=0.03) and \
            near(high, honest["ci_high"], abs_tol=0.03):
        return
    if near(r, float(stats.pearsonr(w["intensity"], w["speech_rate"])[0]), abs_tol=0.01):
        raise Feedback(f"r = {r:.3f} is the raw pooled correlation (between-clip differences included).",
                       "use pooled_correlation(windows, 'intensity', 'speech_rate', pooling='mixed', n_boot=500, "
                       "seed=0)")
    if near(r, honest["r"], abs_tol=0.01):
        raise Feedback("r is right but the interval is not the cluster-bootstrap interval.",
                       "take ci_low and ci_high from the same pooled_correlation result")
    raise Feedback(f"({r:.3f}, {low:.3f}, {high:.3f}) does not match the within-clip pooled correlation.",
                   "pooled_correlation(windows, 'intensity', 'speech_rate', pooling='mixed', n_boot=500, seed=0)")


def check_q4(env: dict[str, Any]) -> None:
    """q4: how many times wider the honest interval is than the naive one.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q4``, ``corpus_dir`` (empty: the embedded sample) and
        ``window_s`` (seconds, default 5).

    Raises
    ------
    Feedback
        When the answer is missing or wrong: what is wrong and a hint.
    """
    w = lab_windows(env)
    value = as_number(answer_of(env, "answer_q4", example="(high3 - low3) / (high2 - low2)"), "answer_q4")
    r = float(stats.pearsonr(w["intensity"], w["speech_rate"])[0])
    naive = np.subtract(*naive_interval(r, len(w))[::-1])
    honest = _honest(str(lab_corpus(env).root), float(env.get("window_s", 5.0)))
    ratio = (honest["ci_high"] - honest["ci_low"]) / naive
    if near(value, ratio, rel=0.1):
        return
    if near(value, 1 / ratio, rel=0.1):
        raise Feedback(f"{value:.2f} is the naive width over the honest width.", "divide honest by naive")
    raise Feedback(f"{value:.2f} is not the ratio of the two widths (expected about {ratio:.1f}, within 10 %).",
                   "width = high - low for each interval; then honest / naive")


def check_q5(env: dict[str, Any]) -> None:
    """q5: whether the honest interval contains the paper's r = 0.0285.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q5``, ``corpus_dir`` (empty: the embedded sample) and
        ``window_s`` (seconds, default 5).

    Raises
    ------
    Feedback
        When the answer is missing or wrong: what is wrong and a hint.
    """
    value = answer_of(env, "answer_q5", example="True or False")
    if not isinstance(value, (bool, np.bool_)):
        raise Feedback(f"answer_q5 is {describe(value, width=40)}; expected True or False.",
                       "compare: low <= 0.0285 <= high")
    honest = _honest(str(lab_corpus(env).root), float(env.get("window_s", 5.0)))
    expected = bool(honest["ci_low"] <= PAPER_R <= honest["ci_high"])
    if bool(value) != expected:
        raise Feedback(f"{value} is not what the interval ({honest['ci_low']:.3f}, {honest['ci_high']:.3f}) says.",
                       "an interval contains a value when low <= value <= high")


CHECKS = {"q1": check_q1, "q2": check_q2, "q3": check_q3, "q4": check_q4, "q5": check_q5}
