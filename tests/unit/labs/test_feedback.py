"""Feedback helpers: answers that raise, endless iterables and hostile objects get feedback, never a crash."""
from __future__ import annotations

import itertools

import pytest

from alloava_analysis.labs import lab02, lab03
from alloava_analysis.labs.feedback import Feedback
from tests.unit.labs.helpers import _feedback


class _Raises:
    """A student's object whose conversions all raise (issue 23)."""

    def __float__(self):
        raise RuntimeError("no float")

    def __repr__(self):
        raise RuntimeError("no repr")

    def __iter__(self):
        raise RuntimeError("no iter")


@pytest.mark.parametrize("answer, words", [(_Raises(), "this is not one number"),
                                          (itertools.count(), "this is not one number"),
                                          ("12", None)])
def test_as_number_reports_objects_that_raise_instead_of_crashing(answer, words):
    from alloava_analysis.labs.feedback import as_number

    if words is None:
        assert as_number(answer, "answer_q1") == 12.0
        return
    with pytest.raises(Feedback, match=words) as info:
        as_number(answer, "answer_q1")
    assert "answer_q1" in str(info.value)


def test_as_items_stays_bounded_on_an_endless_iterable_and_reports_raising_ones():
    from alloava_analysis.labs.feedback import as_items

    with pytest.raises(Feedback, match="more than 100 items .*not a list"):
        as_items(itertools.count(), "answer_q2", at_most=100)
    with pytest.raises(Feedback, match="cannot be iterated") as info:
        as_items(_Raises(), "answer_q2")
    assert "_Raises (that cannot be shown)" in str(info.value)
    assert as_items((1, 2), "answer_q2") == [1, 2]


def test_checkers_give_feedback_for_hostile_answers_and_stay_bounded(sample_data):
    root = str(sample_data.path)
    for hostile in (_Raises(), itertools.count()):
        assert "not a pair (low, high)" in _feedback(lab02.check_q2, {}, answer_q2=hostile)
        assert "three numbers" in _feedback(lab02.check_q3, {}, answer_q3=hostile)
        assert "True or False" in _feedback(lab02.check_q5, {}, answer_q5=hostile)
        assert "not a list of group names" in _feedback(lab03.check_q2, {"corpus_dir": root}, answer_q2=hostile)
        assert "expected a dict" in _feedback(lab03.check_q4, {"corpus_dir": root}, answer_q4=hostile)
    assert "this is not one number" in _feedback(lab02.check_q1, {}, answer_q1=_Raises())
