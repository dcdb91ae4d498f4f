"""Lab checkers: the solutions pass, typical wrong answers are rejected with what is wrong and a hint,
and otter-grader runs the shipped test files."""
from __future__ import annotations

import itertools
import math

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from alloava_analysis.corpus import Corpus  # noqa: E402
from alloava_analysis.labs import lab01, lab02, lab03, lab_grader, otter_tests_dir, run_checks, score  # noqa: E402
from alloava_analysis.labs.feedback import Feedback  # noqa: E402
from alloava_analysis.sample_data import DATA_DIR_ENV  # noqa: E402


@pytest.fixture(autouse=True)
def _sample(sample_data, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(sample_data.data_dir))


@pytest.fixture(scope="module")
def env01(sample_data):
    corpus = Corpus(sample_data.path)
    clip = corpus.load(corpus.clip_ids[0])
    pose = clip.pose.isel(individual=0)
    w, h = pose.attrs["frame_width"], pose.attrs["frame_height"]
    x = pose["position"].sel(keypoint="right_wrist", space="x").values * w
    y = pose["position"].sel(keypoint="right_wrist", space="y").values * h
    first = pose.sel(time=slice(0, 10))
    fig, ax = plt.subplots()
    ax.plot(first["time"], first["position"].sel(keypoint="right_wrist", space="y") * h)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("height (px)")
    ax.invert_yaxis()
    return {"corpus_dir": str(sample_data.path), "clip": clip, "answer_q1": pose.sizes["time"],
            "answer_q2": len(clip.words) / (clip.audio.duration / 60),
            "answer_q3": np.nanmean(np.hypot(np.diff(x), np.diff(y)) / np.diff(pose["time"].values)), "fig_q4": fig}


def _feedback(check, env, **changes):
    with pytest.raises(Feedback) as info:
        check({**env, **changes})
    return str(info.value)


def test_lab01_solution_passes(env01):
    assert run_checks("lab01", env01) == {"q1": None, "q2": None, "q3": None, "q4": None}
    assert score("lab01", env01)["passed"] == 4


def test_lab01_typical_mistakes_get_what_is_wrong_and_a_hint(env01):
    assert "number of keypoints" in _feedback(lab01.check_q1, env01, answer_q1=33)
    assert "number of words" in _feedback(lab01.check_q1, env01, answer_q1=len(env01["clip"].words))
    assert "is not answered yet" in _feedback(lab01.check_q1, env01, answer_q1=...)
    assert "words per second" in _feedback(lab01.check_q2, env01, answer_q2=env01["answer_q2"] / 60)
    assert "number of words" in _feedback(lab01.check_q2, env01, answer_q2=len(env01["clip"].words))
    speeds = lab01.expected_wrist_speed(env01["clip"])
    assert "normalised image units" in _feedback(lab01.check_q3, env01, answer_q3=speeds["normalised_per_s"])
    assert "pixels per frame" in _feedback(lab01.check_q3, env01, answer_q3=speeds["px_per_frame"])
    assert "NaN" in _feedback(lab01.check_q3, env01, answer_q3=math.nan) and "nanmean" in \
        _feedback(lab01.check_q3, env01, answer_q3=math.nan)
    fig, ax = plt.subplots()
    ax.plot([0, 5, 10], [0.3, 0.4, 0.5])
    assert "normalised units" in _feedback(lab01.check_q4, env01, fig_q4=fig)
    fig, ax = plt.subplots()
    ax.plot([0, 5, 10], [300, 400, 500])
    message = _feedback(lab01.check_q4, env01, fig_q4=fig)
    assert "x axis has no label" in message and "Hint:" in message
    ax.set_xlabel("time")
    ax.set_ylabel("height")
    assert "has no unit" in _feedback(lab01.check_q4, env01, fig_q4=fig)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("height (px)")
    assert "ax.invert_yaxis()" in _feedback(lab01.check_q4, env01, fig_q4=fig)
    assert "not a matplotlib Figure" in _feedback(lab01.check_q4, env01, fig_q4=[1, 2])


@pytest.fixture(scope="module")
def env02(sample_data):
    w = lab02.lab_windows({"corpus_dir": str(sample_data.path)})
    r = w["intensity"].corr(w["speech_rate"])
    naive = lab02.naive_interval(r, len(w))
    env = {"corpus_dir": str(sample_data.path), "answer_q1": r, "answer_q2": naive}
    honest = lab02._honest(str(sample_data.path), 5.0)
    env["answer_q3"] = (honest["r"], honest["ci_low"], honest["ci_high"])
    env["answer_q4"] = (honest["ci_high"] - honest["ci_low"]) / (naive[1] - naive[0])
    env["answer_q5"] = bool(honest["ci_low"] <= 0.0285 <= honest["ci_high"])
    return env


def test_lab02_solution_passes_and_mistakes_are_explained(env02, sample_data):
    assert set(run_checks("lab02", env02).values()) == {None}
    w = lab02.lab_windows(env02)
    r = env02["answer_q1"]
    assert "Spearman" in _feedback(lab02.check_q1, env02,
                                   answer_q1=w["intensity"].corr(w["speech_rate"], method="spearman"))
    assert "r squared" in _feedback(lab02.check_q1, env02, answer_q1=r ** 2)
    half = 1.959964 / math.sqrt(len(w) - 3)
    assert "Fisher z scale" in _feedback(lab02.check_q2, env02, answer_q2=(math.atanh(r) - half, math.atanh(r) + half))
    assert "number of clips as n" in _feedback(lab02.check_q2, env02,
                                               answer_q2=lab02.naive_interval(r, w["clip_id"].nunique()))
    assert "raw pooled correlation" in _feedback(lab02.check_q3, env02, answer_q3=(r, 0.1, 0.9))
    assert "naive width over the honest" in _feedback(lab02.check_q4, env02, answer_q4=1 / env02["answer_q4"])
    assert env02["answer_q4"] > 1.5  # the honest interval is much wider: windows of a clip are not independent
    assert "expected True or False" in _feedback(lab02.check_q5, env02, answer_q5="yes")
    assert "low <= value <= high" in _feedback(lab02.check_q5, env02, answer_q5=not env02["answer_q5"])


def test_lab03_solution_passes_and_mistakes_are_explained(sample_data):
    root = str(sample_data.path)
    gender = [r for r in lab03._audit(root, "gender")["representation"] if r["group"] != "overall"]
    tone = lab03._audit(root, "skin_tone")["representation"]
    table = lab03._table(root)
    dark = table["skin_tone"] == "darker"
    ratio = table.loc[dark, "dropout_fraction"].mean() / table.loc[~dark, "dropout_fraction"].mean()
    env = {"corpus_dir": root, "answer_q1": {r["group"]: r["share"] for r in gender},
           "answer_q2": [r["group"] for r in tone if r["suppressed"]], "answer_q3": ratio, "answer_q4": False}
    assert set(run_checks("lab03", env).values()) == {None}
    assert ratio > 1.5  # the planted dropout gap (0.09 vs 0.03) is there in the raw per-clip table
    clips = sum(r["clips"] for r in gender)
    assert "shares of clips" in _feedback(lab03.check_q1, env,
                                          answer_q1={r["group"]: r["clips"] / clips for r in gender})
    assert "percentages" in _feedback(lab03.check_q1, env, answer_q1={r["group"]: 100 * r["share"] for r in gender})
    assert "not suppressed" in _feedback(lab03.check_q2, env, answer_q2=["skin_tone=medium"])
    assert "other way round" in _feedback(lab03.check_q3, env, answer_q3=1 / ratio)
    assert "a difference" in _feedback(lab03.check_q3, env, answer_q3=table.loc[dark, "dropout_fraction"].mean()
                                       - table.loc[~dark, "dropout_fraction"].mean())
    assert "minimum cell size" in _feedback(lab03.check_q4, env, answer_q4=True)


def test_otter_grader_runs_the_shipped_test_files(env01, tmp_path, monkeypatch):
    otter = pytest.importorskip("otter")
    monkeypatch.chdir(tmp_path)  # otter logs to .OTTER_LOG in the working folder
    assert sorted(p.name for p in otter_tests_dir("lab01").glob("q*.py")) == ["q1.py", "q2.py", "q3.py", "q4.py"]
    grader = lab_grader("lab01")
    assert isinstance(grader, otter.Notebook)
    good = grader.check("q1", global_env=env01)
    assert good.passed_all
    bad = grader.check("q1", global_env={**env01, "answer_q1": 33})
    assert not bad.passed_all and "number of keypoints" in repr(bad) and "Hint:" in repr(bad)


def test_builtin_grader_prints_feedback(env01, capsys):
    grader = lab_grader("lab01", prefer_otter=False)
    assert grader.check("q1", global_env={**env01, "answer_q1": 33}).startswith("33 is the number of keypoints")
    assert "✗ q1" in capsys.readouterr().out
    assert grader.check("q1", global_env=env01) is None


class _Raises:
    """A student's object whose conversions all raise (issue 23)."""

    def __float__(self):
        raise RuntimeError("no float")

    def __repr__(self):
        raise RuntimeError("no repr")

    def __iter__(self):
        raise RuntimeError("no iter")


@pytest.mark.parametrize("answer, words", [(_Raises(), "this is not a number"),
                                          (itertools.count(), "this is not a number"),
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


def test_checkers_give_feedback_for_hostile_answers_and_stay_bounded(env02, sample_data):
    root = str(sample_data.path)
    for hostile in (_Raises(), itertools.count()):
        assert "not a pair (low, high)" in _feedback(lab02.check_q2, env02, answer_q2=hostile)
        assert "three numbers" in _feedback(lab02.check_q3, env02, answer_q3=hostile)
        assert "True or False" in _feedback(lab02.check_q5, env02, answer_q5=hostile)
        assert "not a list of group names" in _feedback(lab03.check_q2, {"corpus_dir": root}, answer_q2=hostile)
        assert "True or False" in _feedback(lab03.check_q4, {"corpus_dir": root}, answer_q4=hostile)
    assert "this is not a number" in _feedback(lab02.check_q1, env02, answer_q1=_Raises())
