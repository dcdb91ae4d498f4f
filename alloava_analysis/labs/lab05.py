"""Lab 05 — evaluating a generator honestly: FD's sample-size bias, FD-infinity and sanity copies.

These are the *public*, formative checks students run in the notebook: form, range, and whether the answers
agree with each other. They never compute the answers; the hidden tests in the autograder
(``notebooks/labs/instructor/tests/lab05.py``) do.
"""
from __future__ import annotations

from typing import Any

from .feedback import Feedback, answer_of, as_items, as_number, describe

#: The two sanity copies compared in q4 and q5 (the keys of those answers).
COPIES = ("jitter 1 px", "frozen")


def _pairs(value: Any, name: str) -> list[tuple[float, float]]:
    """``value`` as (N, FD) pairs; Feedback on the wrong form."""
    items = as_items(value, name, expected="a list of (N, FD) pairs", at_most=100)
    if len(items) < 2:
        raise Feedback(f"{name} has {len(items)} pair(s); a trend needs at least two sizes.",
                       "list(zip(curve['sizes'], curve['fd'])) gives one (N, FD) pair per subset size")
    pairs = []
    for i, item in enumerate(items):
        pair = as_items(item, f"{name}[{i}]", expected="a pair (N, FD)", at_most=2)
        if len(pair) != 2:
            raise Feedback(f"{name}[{i}] is {describe(item)}, not a pair (N, FD).", "one (N, FD) pair per size")
        pairs.append((as_number(pair[0], f"{name}[{i}][0]"), as_number(pair[1], f"{name}[{i}][1]")))
    return pairs


def check_q1(env: dict[str, Any]) -> None:
    """q1 (public): (N, FD) pairs with N whole and growing, FD never negative, and FD falling with N.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q1``.

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    pairs = _pairs(answer_of(env, "answer_q1", example="list(zip(curve['sizes'], curve['fd']))"), "answer_q1")
    sizes, fds = [n for n, _ in pairs], [fd for _, fd in pairs]
    if any(n != int(n) or n < 2 for n in sizes):
        raise Feedback("the first item of each pair is not a number of samples (a whole number of at least 2).",
                       "each pair is (N, FD): the subset size first, its Fréchet distance second")
    if sizes != sorted(sizes) or len(set(sizes)) != len(sizes):
        raise Feedback("the sizes N do not grow from pair to pair.", "keep the order of curve['sizes']")
    if min(fds) < 0:
        raise Feedback("a Fréchet distance in answer_q1 is negative; a distance never is.",
                       "take the FDs measured at each size (curve['fd']), not fitted values")
    if fds[-1] >= fds[0]:
        raise Feedback("your FDs do not fall from the smallest N to the largest, but these two halves of one real "
                       "set differ only by chance, so the small-sample bias should make small subsets look worse.",
                       "compare the same two sets (even and odd windows, standardised) at every size")


def check_q2(env: dict[str, Any]) -> None:
    """q2 (public): FD-infinity is a distance (not negative) below the student's own FDs at finite N.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q2`` (and ``answer_q1``).

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    value = as_number(answer_of(env, "answer_q2", example="curve['value']"), "answer_q2")
    if value < 0:
        raise Feedback(f"{value:.3g} is negative, and a distance is not.",
                       "the fitted intercept can fall below 0 by chance; FD-infinity is reported clipped at 0: "
                       "take 'value', not 'intercept'")
    try:
        fds = [fd for _, fd in _pairs(env.get("answer_q1"), "answer_q1")]
    except Feedback:
        return
    if value > max(fds):
        raise Feedback("your FD-infinity is above every FD you measured in q1, although those fall as N grows.",
                       "FD-infinity is the intercept a of FD = a + b/N (where the line meets 1/N = 0), not the "
                       "slope b")


def check_q3(env: dict[str, Any]) -> None:
    """q3 (public): three numbers for the identical copy: FD, FD-infinity (both >= 0) and the raw intercept.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q3``.

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    value = answer_of(env, "answer_q3", example="(FD, FD-infinity, raw intercept) of the identical copy")
    items = as_items(value, "answer_q3", expected="three numbers (FD, FD-infinity, intercept)", at_most=3)
    if len(items) != 3:
        raise Feedback(f"answer_q3 should be three numbers (FD, FD-infinity, intercept), got {describe(value)}.",
                       "(report['value'], report['fd_infinity']['value'], report['fd_infinity']['intercept'])")
    fd, inf, intercept = (as_number(v, f"answer_q3[{i}]") for i, v in enumerate(items))
    if fd < 0 or inf < 0:
        raise Feedback("answer_q3 gives a negative distance in its first two places.",
                       "FD and FD-infinity ('value') are never negative; only the raw 'intercept' (third) can be")
    if intercept > inf + 1e-12:
        raise Feedback("the intercept is above FD-infinity, but FD-infinity is the intercept clipped at 0 "
                       "(max(intercept, 0)): it is never below it.", "are the last two swapped?")


def _by_copy(env: dict[str, Any], name: str, example: str) -> dict[str, float]:
    value = answer_of(env, name, example=example)
    if not isinstance(value, dict):
        raise Feedback(f"{name} is {describe(value)}; expected a dict {{copy name: FD}}.",
                       f"{{'jitter 1 px': ..., 'frozen': ...}}, e.g. {example}")
    if set(value) != set(COPIES):
        raise Feedback(f"{name} has the keys {sorted(map(str, value))[:5]}; expected exactly "
                       f"{list(COPIES)}.", "one entry per sanity copy, named as in the notebook's `copies`")
    out = {key: as_number(value[key], f"{name}[{key!r}]") for key in COPIES}
    if min(out.values()) < 0:
        raise Feedback(f"{name} holds a negative distance.", "a Fréchet distance is never negative")
    return out


def check_q4(env: dict[str, Any]) -> None:
    """q4 (public): FD_k of each sanity copy, a dict ``{"jitter 1 px": FD, "frozen": FD}`` of distances.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q4``.

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    _by_copy(env, "answer_q4", "{name: frechet_report(real_k, copies[name], n_boot=0)['value'] ...}")


def check_q5(env: dict[str, Any]) -> None:
    """q5 (public): FD_k without the shoulders, same form as q4, and not the same numbers as q4.

    Parameters
    ----------
    env
        The notebook's variables: ``answer_q5`` (and ``answer_q4``).

    Raises
    ------
    Feedback
        When the answer is missing or has the wrong form: what is wrong and a hint.
    """
    values = _by_copy(env, "answer_q5", "{name: frechet_report(real_k[:, moving], copies[name][:, moving], ...)}")
    try:
        with_shoulders = _by_copy(env, "answer_q4", "")
    except Feedback:
        return
    if all(abs(values[k] - with_shoulders[k]) <= 1e-9 * max(1.0, abs(values[k])) for k in COPIES):
        raise Feedback("answer_q5 holds the same distances as answer_q4: the shoulder features are still in.",
                       "keep only the columns of the other keypoints: real_k[:, moving] and copies[name][:, moving]")


CHECKS = {"q1": check_q1, "q2": check_q2, "q3": check_q3, "q4": check_q4, "q5": check_q5}
