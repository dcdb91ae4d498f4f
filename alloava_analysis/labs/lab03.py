"""Lab 03 — a bias audit: representation by hours, small cells, a planted quality gap, what to publish."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from ..runs.audit import audit_corpus, audit_table
from ._common import lab_corpus
from .feedback import Feedback, answer_of, as_items, as_number, describe, near

N_BOOT, N_PERM = 300, 299


@lru_cache(maxsize=8)
def _audit(root: str, by: str) -> dict:
    from ..corpus import Corpus

    return audit_corpus(Corpus(root), by=by, n_boot=N_BOOT, n_perm=N_PERM, progress=False)


@lru_cache(maxsize=4)
def _table(root: str):
    from ..corpus import Corpus

    return audit_table(Corpus(root), progress=False)[0]


def _root(env: dict[str, Any]) -> str:
    return str(lab_corpus(env).root)


def check_q1(env: dict[str, Any]) -> None:
    """q1: share of hours per gender, as a dict {group: share}.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q1`` and ``corpus_dir`` (empty: the embedded sample).

    Raises
    ------
    Feedback
        When the answer is missing or wrong: what is wrong and a hint.
    """
    value = answer_of(env, "answer_q1", example="{'gender=female': 0.5, 'gender=male': 0.5}")
    if not isinstance(value, dict):
        raise Feedback(f"answer_q1 is a {type(value).__name__}; expected a dict {{group: share}}.",
                       "dict(zip(rep['group'], rep['share'])) for the rows other than 'overall'")
    rep = [r for r in _audit(_root(env), "gender")["representation"]
           if r["group"] != "overall" and not r.get("suppressed")]
    expected = {r["group"]: r["share"] for r in rep}
    clip_total = sum(r["clips"] for r in rep)
    value = {str(k): v for k, v in dict(value).items() if str(k) != "overall"}
    if set(value) != set(expected):
        raise Feedback(f"the groups are {sorted(value)}; expected {sorted(expected)}.",
                       "use the 'group' column of the representation table (without 'overall')")
    got = {k: as_number(v, f"answer_q1[{k!r}]") for k, v in value.items()}
    if all(near(got[k], expected[k], abs_tol=0.005) for k in expected):
        return
    if all(near(got[k], r["clips"] / clip_total, abs_tol=0.005) for k, r in ((r["group"], r) for r in rep)):
        raise Feedback("these are shares of clips.", "the question asks for shares of hours: the 'share' column "
                       "(clips differ in length)")
    if all(near(got[k], 100 * expected[k], abs_tol=0.5) for k in expected):
        raise Feedback("these are percentages.", "give fractions between 0 and 1")
    raise Feedback("the shares do not match the audit's shares of hours.", "take the 'share' column per group")


def check_q2(env: dict[str, Any]) -> None:
    """q2: the skin-tone groups the audit suppresses (too few clips to publish).

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q2`` and ``corpus_dir`` (empty: the embedded sample).

    Raises
    ------
    Feedback
        When the answer is missing or wrong: what is wrong and a hint.
    """
    value = answer_of(env, "answer_q2", example="['skin_tone=...', ...]")
    items = as_items(value, "answer_q2", expected="a list of group names")
    if not all(isinstance(v, str) for v in items):
        raise Feedback(f"answer_q2 holds {describe(next(v for v in items if not isinstance(v, str)), width=40)}; "
                       "expected a list of group names (strings).", "copy the names from the 'group' column")
    rep = _audit(_root(env), "skin_tone")["representation"]
    expected = {r["group"] for r in rep if r.get("suppressed")}
    got = set(items)
    if got == expected:
        return
    shown = {r["group"] for r in rep if not r.get("suppressed") and r["group"] != "overall"}
    if got & shown:
        raise Feedback(f"{sorted(got & shown)} is published (enough clips), not suppressed.",
                       "suppressed rows have suppressed == True and no counts")
    raise Feedback(f"{sorted(got)} is not the set of suppressed groups.",
                   "rows of the skin_tone representation with suppressed == True")


def check_q3(env: dict[str, Any]) -> None:
    """q3: mean dropout fraction of darker-skin-tone clips divided by that of all other clips.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q3`` and ``corpus_dir`` (empty: the embedded sample).

    Raises
    ------
    Feedback
        When the answer is missing or wrong: what is wrong and a hint.
    """
    value = as_number(answer_of(env, "answer_q3", example="darker_mean / others_mean"), "answer_q3")
    table = _table(_root(env))
    dark = table["skin_tone"].astype(str) == "darker"
    a, b = float(table.loc[dark, "dropout_fraction"].mean()), float(table.loc[~dark, "dropout_fraction"].mean())
    if near(value, a / b, rel=0.02):
        return
    if near(value, b / a, rel=0.02):
        raise Feedback(f"{value:.3g} is the ratio the other way round.", "darker over the others")
    if near(value, a - b, rel=0.02, abs_tol=1e-4):
        raise Feedback(f"{value:.3g} is a difference.", "the question asks for a ratio: darker / others")
    overall = float(table["dropout_fraction"].mean())
    if near(value, a / overall, rel=0.02):
        raise Feedback(f"{value:.3g} divides by the mean of all clips (darker included).",
                       "divide by the mean of the other clips only")
    raise Feedback(f"{value:.3g} is not the ratio of the two mean dropout fractions.",
                   "group the per-clip table by skin_tone == 'darker' and take the mean of dropout_fraction")


def check_q4(env: dict[str, Any]) -> None:
    """q4: whether that darker/others ratio should be published from this sample (True/False).

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q4`` and ``corpus_dir`` (empty: the embedded sample).

    Raises
    ------
    Feedback
        When the answer is missing or wrong: what is wrong and a hint.
    """
    value = answer_of(env, "answer_q4", example="True or False")
    if not isinstance(value, (bool, np.bool_)):
        raise Feedback(f"answer_q4 is {describe(value, width=40)}; expected True or False.", "answer with a boolean")
    rep = _audit(_root(env), "skin_tone")["representation"]
    suppressed = any(r["group"] == "skin_tone=darker" and r.get("suppressed") for r in rep)
    if bool(value) == (not suppressed):
        return
    if suppressed:
        raise Feedback("the darker group is below the audit's minimum cell size.",
                       "a number computed from a handful of clips (or speakers) is both unreliable and identifying: "
                       "the audit masks it, and a report should too")
    raise Feedback("the darker group has enough clips to be reported.", "look at its 'suppressed' flag")


CHECKS = {"q1": check_q1, "q2": check_q2, "q3": check_q3, "q4": check_q4}
