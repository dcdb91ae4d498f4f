"""Hidden tests of lab 03 (instructor only: shipped in the autograder, never in the student release).

``reference(settings)`` runs the audit from the data in the grading process; ``CHECKS[q](env, ref)`` runs the
public form check, then compares and names the usual mistakes. No message prints an expected number.
"""
from __future__ import annotations

from alloava_analysis.corpus import Corpus
from alloava_analysis.labs import lab03
from alloava_analysis.labs.feedback import Feedback, as_number, near
from alloava_analysis.runs.audit import audit_corpus, audit_table
from alloava_analysis.sample_data import resolve_corpus_dir


def reference(settings):
    corpus = Corpus(resolve_corpus_dir(settings.get("corpus_dir", "")))
    rep = {by: audit_corpus(corpus, by=by, n_boot=300, n_perm=299, progress=False)["representation"]
           for by in ("gender", "skin_tone")}
    table = audit_table(corpus, progress=False)[0]
    dark = table["skin_tone"].astype(str) == "darker"
    drop = table["dropout_fraction"]
    gender = [r for r in rep["gender"] if r["group"] != "overall" and not r.get("suppressed")]
    clips = sum(r["clips"] for r in gender)
    groups = [r for by in rep for r in rep[by] if r["group"] != "overall"]
    return {
        "hours": {r["group"]: r["share"] for r in gender}, "clips": {r["group"]: r["clips"] / clips for r in gender},
        "suppressed": {r["group"] for r in rep["skin_tone"] if r.get("suppressed")},
        "published": {r["group"] for r in rep["skin_tone"] if not r.get("suppressed") and r["group"] != "overall"},
        "darker": float(drop[dark].mean()), "others": float(drop[~dark].mean()), "all": float(drop.mean()),
        "darker_median": float(drop[dark].median()), "others_median": float(drop[~dark].median()),
        "publishable": {r["group"]: not r.get("suppressed") for r in groups},
    }


def check_q1(env, ref):
    lab03.check_q1(env)
    got = {str(k): float(v) for k, v in env["answer_q1"].items() if str(k) != "overall"}
    expected = ref["hours"]
    if set(got) != set(expected):
        raise Feedback(f"the groups are {sorted(got)}; the audit reports {sorted(expected)}.",
                       "use the 'group' column of the gender representation table (without 'overall')")
    if all(near(got[k], expected[k], abs_tol=0.005) for k in expected):
        return
    if all(near(got[k], ref["clips"][k], abs_tol=0.005) for k in expected):
        raise Feedback("these are shares of clips.", "the question asks for shares of hours: the 'share' column "
                       "(clips differ in length)")
    raise Feedback("the shares do not match the audit's shares of hours.", "take the 'share' column per group")


def check_q2(env, ref):
    lab03.check_q2(env)
    got = set(env["answer_q2"])
    if got == ref["suppressed"]:
        return
    if got & ref["published"]:
        raise Feedback(f"{sorted(got & ref['published'])} is published (enough clips), not suppressed.",
                       "suppressed rows have suppressed == True and no counts")
    if got < ref["suppressed"]:
        raise Feedback("some suppressed groups are missing from the list.",
                       "take every row of the skin_tone representation with suppressed == True")
    raise Feedback(f"{sorted(got)} is not the set of groups the audit suppresses.",
                   "rows of the skin_tone representation with suppressed == True")


def check_q3(env, ref):
    lab03.check_q3(env)
    value = as_number(env["answer_q3"], "answer_q3")
    a, b = ref["darker"], ref["others"]
    if near(value, a / b, rel=1e-4):  # exact: on the sample the ratio of medians is within 0.1 % of it
        return
    mistakes = [
        (b / a, "is the ratio the other way round.", "darker over the others"),
        (a - b, "is a difference.", "the question asks for a ratio: darker / others"),
        (a / ref["all"], "divides by the mean of all clips (darker included).",
         "divide by the mean of the other clips only"),
        (ref["darker_median"] / ref["others_median"], "is a ratio of medians.",
         "the question asks for means: .mean() of dropout_fraction in each group"),
    ]
    for target, what, hint in mistakes:
        if near(value, target, rel=1e-4, abs_tol=1e-9):
            raise Feedback(f"{value:.3g} {what}", hint)
    if near(value, a / b, rel=0.02):
        raise Feedback(f"{value:.4g} is close to the ratio of the mean dropout fractions but not it (rounded?).",
                       "give the unrounded ratio of the two means")
    raise Feedback(f"{value:.3g} is not the ratio of the two mean dropout fractions.",
                   "group the per-clip table by skin_tone == 'darker' and take the mean of dropout_fraction")


def check_q4(env, ref):
    lab03.check_q4(env)
    got = {str(k): bool(v) for k, v in env["answer_q4"].items()}
    expected = ref["publishable"]
    missing = sorted(set(expected) - set(got))
    if missing:
        raise Feedback(f"answer_q4 has no entry for {missing[:3]}.", "one entry per gender and skin-tone group")
    wrong = sorted(k for k in expected if got[k] != expected[k])
    if not wrong:
        return
    if not any(got.values()):
        raise Feedback("every group is marked unpublishable; groups with enough clips can be reported.",
                       "a cell may be published when the audit does not suppress it")
    if all(got.values()):
        raise Feedback("every group is marked publishable, small cells included.",
                       "a number computed from a handful of clips (or speakers) is both unreliable and identifying: "
                       "the audit masks it, and a report should too")
    raise Feedback(f"{len(wrong)} group(s) are marked the wrong way, e.g. {wrong[0]!r}.",
                   "publishable = the audit does not suppress the cell (its 'suppressed' flag)")


CHECKS = {"q1": check_q1, "q2": check_q2, "q3": check_q3, "q4": check_q4}
