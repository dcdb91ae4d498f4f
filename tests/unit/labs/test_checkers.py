"""Lab checkers: public (formative) checks look at the form of an answer and never compute it; the hidden tests
(``notebooks/labs/instructor/tests/``) compute the references from the data and name each typical wrong answer
with a hint, never printing the expected number."""
from __future__ import annotations

import importlib.util
import itertools
import math
import re
from pathlib import Path

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from alloava_analysis.corpus import Corpus  # noqa: E402
from alloava_analysis.crossmodal.correlation import pooled_correlation  # noqa: E402
from alloava_analysis.labs import LABS, lab01, lab02, lab03, lab04, lab05, lab_grader, run_checks, score  # noqa: E402
from alloava_analysis.labs.answers import figure_data  # noqa: E402
from alloava_analysis.labs.feedback import Feedback  # noqa: E402
from alloava_analysis.runs.correlate import corpus_tables  # noqa: E402
from alloava_analysis.sample_data import DATA_DIR_ENV  # noqa: E402

HIDDEN = Path(__file__).resolve().parents[3] / "notebooks" / "labs" / "instructor" / "tests"


def _hidden(lab):
    spec = importlib.util.spec_from_file_location(f"hidden_{lab}", HIDDEN / f"{lab}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _sample(sample_data, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(sample_data.data_dir))


def _feedback(check, env, *ref, **changes):
    with pytest.raises(Feedback) as info:
        check({**env, **changes}, *ref)
    return str(info.value)


def _no_number(message, *numbers):
    """The message shows none of ``numbers`` (in the usual roundings)."""
    for x in numbers:
        for text in {f"{x:.2f}", f"{x:.3f}", f"{x:.3g}", f"{x:.4g}", f"{x:.1f}"}:
            assert not re.search(rf"(?<![\d.]){re.escape(text)}(?!\d)", message), (text, message)


def _wrist(pose):
    w, h = pose.attrs["frame_width"], pose.attrs["frame_height"]
    x = pose["position"].sel(keypoint="right_wrist", space="x").values * w
    y = pose["position"].sel(keypoint="right_wrist", space="y").values * h
    return x, y, pose["time"].values, h


def _figure(x, y, *, xlabel="time (s)", ylabel="height (px)", invert=True):
    fig, ax = plt.subplots()
    ax.plot(x, y)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if invert:
        ax.invert_yaxis()
    return fig


@pytest.fixture(scope="module")
def env01(sample_data):
    corpus = Corpus(sample_data.path)
    clip = corpus.load(corpus.clip_ids[0])
    pose = clip.pose.isel(individual=0)
    x, y, t, h = _wrist(pose)
    first = pose.sel(time=slice(0, 10))
    fig = _figure(first["time"], first["position"].sel(keypoint="right_wrist", space="y") * h)
    env = {"corpus_dir": str(sample_data.path), "answer_q1": pose.sizes["time"],
           "answer_q2": len(clip.words) / (clip.audio.duration / 60),
           "answer_q3": np.nanmean(np.hypot(np.diff(x), np.diff(y)) / np.diff(t)), "fig_q4": fig}
    return env, clip


@pytest.fixture(scope="module")
def hidden01(env01):
    env, _ = env01
    module = _hidden("lab01")
    return module, module.reference({"corpus_dir": env["corpus_dir"]})


def test_lab01_solution_passes_public_and_hidden(env01, hidden01):
    env, _ = env01
    assert run_checks("lab01", env) == {"q1": None, "q2": None, "q3": None, "q4": None}
    assert score("lab01", env)["passed"] == 4
    hidden, ref = hidden01
    plotted = {**env, "fig_q4": figure_data(env["fig_q4"])}  # what the autograder gets back from a kernel
    for check in hidden.CHECKS.values():
        check(plotted, ref)


def test_lab01_public_checks_catch_the_form_without_the_answer(env01):
    env, clip = env01
    assert "number of keypoints" in _feedback(lab01.check_q1, env, answer_q1=33)
    assert "not a count" in _feedback(lab01.check_q1, env, answer_q1=12.5)
    assert "is not answered yet" in _feedback(lab01.check_q1, env, answer_q1=...)
    assert "per second or per frame" in _feedback(lab01.check_q2, env, answer_q2=env["answer_q2"] / 60)
    assert "normalised image units" in _feedback(lab01.check_q3, env, answer_q3=0.4)
    assert "NaN" in _feedback(lab01.check_q3, env, answer_q3=math.nan)
    first = clip.pose.isel(individual=0).sel(time=slice(0, 10))
    t = first["time"].values
    y = first["position"].sel(keypoint="right_wrist", space="y").values
    assert "normalised units" in _feedback(lab01.check_q4, env, fig_q4=_figure(t, y))
    assert "x axis has no label" in _feedback(lab01.check_q4, env, fig_q4=_figure(t, y * 720, xlabel=""))
    assert "names no unit" in _feedback(lab01.check_q4, env, fig_q4=_figure(t, y * 720, xlabel="time"))
    # the issue: an axis labelled "time (ms)" on data in seconds
    message = _feedback(lab01.check_q4, env, fig_q4=_figure(t, y * 720, xlabel="time (ms)"))
    assert "says milliseconds" in message and "those are seconds" in message
    assert "ax.invert_yaxis()" in _feedback(lab01.check_q4, env, fig_q4=_figure(t, y * 720, invert=False))
    assert "not a matplotlib Figure" in _feedback(lab01.check_q4, env, fig_q4=[1, 2])
    lab01.check_q4({**env, "fig_q4": _figure(t * 1000, y * 720, xlabel="time (ms)")})  # ms data labelled ms: fine


def test_lab01_hidden_tests_name_each_wrong_answer_without_the_expected_number(env01, hidden01):
    env, clip = env01
    hidden, ref = hidden01
    frames = ref["frames"]
    message = _feedback(hidden.check_q1, env, ref, answer_q1=frames - 1)  # the issue: frames - 1
    assert "one less than the number of frames" in message and "clip.pose.sizes['time']" in message
    assert "one more" in _feedback(hidden.check_q1, env, ref, answer_q1=frames + 1)
    assert "number of words" in _feedback(hidden.check_q1, env, ref, answer_q1=len(clip.words))
    _no_number(_feedback(hidden.check_q1, env, ref, answer_q1=frames + 7), frames)
    x, y, t, h = _wrist(clip.pose.isel(individual=0))
    two_frame = np.nanmean(np.hypot(np.diff(x), np.diff(y))[1:] / (t[2:] - t[:-2]))
    message = _feedback(hidden.check_q3, env, ref, answer_q3=two_frame)  # the issue: a two-frame dt
    assert "time across two frames" in message and "one coordinate" not in message
    assert "pixels per frame" in _feedback(hidden.check_q3, env, ref,
                                           answer_q3=np.nanmean(np.hypot(np.diff(x), np.diff(y))))
    assert "horizontal movement only" in _feedback(hidden.check_q3, env, ref,
                                                   answer_q3=np.nanmean(np.abs(np.diff(x)) / np.diff(t)))
    message = _feedback(hidden.check_q3, env, ref, answer_q3=env["answer_q3"] * 1.3)
    assert "not within 5 %" in message
    _no_number(message, env["answer_q3"])
    assert "segments (sentences)" in _feedback(hidden.check_q2, env, ref, answer_q2=ref["segments"] / ref["minutes"])
    # the issue: a made-up 4-point line with labels passes the form checks but is not the clip's data
    fake = _figure([0, 3, 6, 9], [300, 320, 310, 305])
    lab01.check_q4({**env, "fig_q4": fake})
    assert "not the clip's frame times" in _feedback(hidden.check_q4, env, ref, fig_q4=figure_data(fake))
    first = clip.pose.isel(individual=0).sel(time=slice(0, 10))
    left = first["position"].sel(keypoint="left_wrist", space="y").values * h
    message = _feedback(hidden.check_q4, env, ref, fig_q4=figure_data(_figure(first["time"].values, left)))
    assert "not the right wrist's vertical position" in message


@pytest.fixture(scope="module")
def lab02_case(sample_data):
    hidden = _hidden("lab02")
    ref = hidden.reference({"corpus_dir": str(sample_data.path)})
    windows = corpus_tables(Corpus(sample_data.path), window_s=5.0, energy=False, progress=False)[0]
    w = windows.dropna(subset=["intensity", "speech_rate"])
    r = w["intensity"].corr(w["speech_rate"])
    z, half = np.arctanh(r), 1.959964 / np.sqrt(len(w) - 3)
    naive = (np.tanh(z - half), np.tanh(z + half))
    pooled = pooled_correlation(w, "intensity", "speech_rate", pooling="mixed", n_boot=500, seed=0)
    honest = (pooled["r"], pooled["ci_low"], pooled["ci_high"])
    env = {"corpus_dir": str(sample_data.path), "answer_q1": r, "answer_q2": naive, "answer_q3": honest,
           "answer_q4": (honest[2] - honest[1]) / (naive[1] - naive[0]),
           "answer_q5": bool(honest[1] <= 0.0285 <= honest[2])}
    return hidden, ref, env, w


def test_lab02_solution_passes_public_and_hidden(lab02_case):
    hidden, ref, env, _ = lab02_case
    assert set(run_checks("lab02", env).values()) == {None}
    for check in hidden.CHECKS.values():
        check(env, ref)
    assert env["answer_q4"] > 1.5  # the honest interval is much wider: windows of a clip are not independent


def test_lab02_hidden_tests_name_each_wrong_answer(lab02_case, sample_data):
    hidden, ref, env, w = lab02_case
    r = env["answer_q1"]
    assert "Spearman" in _feedback(hidden.check_q1, env, ref,
                                   answer_q1=w["intensity"].corr(w["speech_rate"], method="spearman"))
    assert "r squared" in _feedback(hidden.check_q1, env, ref, answer_q1=r ** 2)
    # the issue: an off-by-one window, frame-level pooling and 1 s windows each get their own diagnosis
    shifted = w["intensity"].corr(w.groupby("clip_id")["speech_rate"].shift(-1))
    assert "off-by-one shift" in _feedback(hidden.check_q1, env, ref, answer_q1=shifted)
    frames = corpus_tables(Corpus(sample_data.path), window_s=5.0, progress=False)[1]
    message = _feedback(hidden.check_q1, env, ref, answer_q1=frames["motion"].corr(frames["speech_energy"]))
    assert "frame-level values" in message and "window table" in message
    one_s = corpus_tables(Corpus(sample_data.path), window_s=1.0, energy=False, progress=False)[0]
    assert "1 s windows" in _feedback(hidden.check_q1, env, ref,
                                      answer_q1=one_s["intensity"].corr(one_s["speech_rate"]))
    n, z = len(w), np.arctanh(r)
    assert "Fisher z scale" in _feedback(hidden.check_q2, env, ref,
                                         answer_q2=(z - 1.959964 / np.sqrt(n - 3), z + 1.959964 / np.sqrt(n - 3)))
    # the issue: 1/sqrt(n) instead of 1/sqrt(n - 3)
    message = _feedback(hidden.check_q2, env, ref,
                        answer_q2=(np.tanh(z - 1.959964 / np.sqrt(n)), np.tanh(z + 1.959964 / np.sqrt(n))))
    assert "1/sqrt(n)" in message and "sqrt(n - 3)" in message
    k = w["clip_id"].nunique()
    assert "number of clips as n" in _feedback(
        hidden.check_q2, env, ref, answer_q2=(np.tanh(z - 1.959964 / np.sqrt(k - 3)), np.tanh(z + 1.959964 /
                                                                                                np.sqrt(k - 3))))
    assert "raw pooled correlation" in _feedback(hidden.check_q3, env, ref, answer_q3=(r, r - 0.2, r + 0.2))
    assert "naive width over the honest" in _feedback(hidden.check_q4, env, ref, answer_q4=1 / env["answer_q4"])
    message = _feedback(hidden.check_q4, env, ref, answer_q4=env["answer_q4"] * 2)  # the issue: "expected about"
    assert "expected" not in message
    _no_number(message, env["answer_q4"])
    assert "low <= value <= high" in _feedback(hidden.check_q5, env, ref, answer_q5=not env["answer_q5"])


def test_lab02_public_checks_use_only_the_students_own_answers(lab02_case):
    _, _, env, _ = lab02_case
    assert "outside [-1, 1]" in _feedback(lab02.check_q1, env, answer_q1=1.7)
    assert "does not contain your r" in _feedback(lab02.check_q2, env, answer_q2=(0.97, 0.99))
    assert "outside its own interval" in _feedback(lab02.check_q3, env, answer_q3=(0.9, 0.1, 0.2))
    naive, honest = env["answer_q2"], env["answer_q3"]
    assert "naive width over the honest" in _feedback(
        lab02.check_q4, env, answer_q4=(naive[1] - naive[0]) / (honest[2] - honest[1]))
    assert "what your interval from q3 says" in _feedback(lab02.check_q5, env, answer_q5=not env["answer_q5"])
    assert "expected True or False" in _feedback(lab02.check_q5, env, answer_q5="yes")


@pytest.fixture(scope="module")
def lab03_case(sample_data):
    hidden = _hidden("lab03")
    ref = hidden.reference({"corpus_dir": str(sample_data.path)})
    from alloava_analysis.runs.audit import audit_corpus, audit_table

    corpus = Corpus(sample_data.path)
    gender = [r for r in audit_corpus(corpus, by="gender", n_boot=300, n_perm=299, progress=False)["representation"]
              if r["group"] != "overall"]
    tone = audit_corpus(corpus, by="skin_tone", n_boot=300, n_perm=299, progress=False)["representation"]
    table = audit_table(corpus, progress=False)[0]
    dark = table["skin_tone"] == "darker"
    groups = [r for r in gender + tone if r["group"] != "overall"]
    env = {"corpus_dir": str(sample_data.path), "answer_q1": {r["group"]: r["share"] for r in gender},
           "answer_q2": [r["group"] for r in tone if r["suppressed"]],
           "answer_q3": table.loc[dark, "dropout_fraction"].mean() / table.loc[~dark, "dropout_fraction"].mean(),
           "answer_q4": {r["group"]: not r.get("suppressed") for r in groups}}
    return hidden, ref, env, table, gender


def test_lab03_solution_passes_and_wrong_answers_are_named(lab03_case):
    hidden, ref, env, table, gender = lab03_case
    assert set(run_checks("lab03", env).values()) == {None}
    for check in hidden.CHECKS.values():
        check(env, ref)
    assert env["answer_q3"] > 1.5  # the planted dropout gap is there in the raw per-clip table
    clips = sum(r["clips"] for r in gender)
    assert "shares of clips" in _feedback(hidden.check_q1, env, ref,
                                          answer_q1={r["group"]: r["clips"] / clips for r in gender})
    assert "percentages" in _feedback(lab03.check_q1, env, answer_q1={r["group"]: 100 * r["share"] for r in gender})
    # the issue: ['darker'] without its prefix, and an empty list, get their own messages
    message = _feedback(lab03.check_q2, env, answer_q2=["darker"])
    assert "'skin_tone=darker'" in message and "carry the column" in message
    assert "suppresses no skin-tone group" in _feedback(lab03.check_q2, env, answer_q2=[])
    assert "not suppressed" in _feedback(hidden.check_q2, env, ref, answer_q2=sorted(ref["published"])[:1])
    dark = table["skin_tone"] == "darker"
    drop = table["dropout_fraction"]
    assert "other way round" in _feedback(hidden.check_q3, env, ref, answer_q3=1 / env["answer_q3"])
    assert "a difference" in _feedback(hidden.check_q3, env, ref, answer_q3=drop[dark].mean() - drop[~dark].mean())
    # the issue: medians were accepted
    assert ref["darker_median"] / ref["others_median"] != pytest.approx(env["answer_q3"], rel=1e-4)
    assert "ratio of medians" in _feedback(hidden.check_q3, env, ref,
                                           answer_q3=drop[dark].median() / drop[~dark].median())
    # the issue: the Series hint suggested .mean()
    series = table.groupby(dark)["dropout_fraction"].mean()
    message = _feedback(lab03.check_q3, env, answer_q3=series)
    assert ".mean()" not in message and "s.loc[True] / s.loc[False]" in message
    # the issue: False alone was always right; now every group needs its own answer
    assert "no entry" in _feedback(hidden.check_q4, env, ref, answer_q4={"skin_tone=darker": False})
    everything_false = {k: False for k in env["answer_q4"]}
    assert "every group is marked unpublishable" in _feedback(hidden.check_q4, env, ref, answer_q4=everything_false)
    assert any(env["answer_q4"].values()) and not all(env["answer_q4"].values())


def test_grader_prints_feedback_and_says_the_hidden_tests_decide(env01, capsys):
    env, _ = env01
    grader = lab_grader("lab01")
    message = grader.check("q1", global_env={**env, "answer_q1": 33})
    assert message.startswith("33 is the number of keypoints") and "Error at line" not in message
    assert "✗ q1" in capsys.readouterr().out
    assert grader.check("q1", global_env=env) is None
    assert "hidden tests decide the grade" in capsys.readouterr().out


def test_the_package_holds_no_reference_values():
    for lab in LABS:
        module = __import__(f"alloava_analysis.labs.{lab}", fromlist=["CHECKS"])
        names = set(vars(module))
        assert not names & {"expected_wrist_speed", "_honest", "naive_interval", "_audit", "_table", "reference"}


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


@pytest.fixture(scope="module")
def lab04_case(sample_data):
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
           "answer_q4": short["n_blocks"]}
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


@pytest.fixture(scope="module")
def lab05_case(sample_data, tmp_path_factory):
    from alloava_analysis.evaluate import KEYPOINT_SETS, frechet_report, kinetic_features, perturbed_copy
    from alloava_analysis.runs.evaluate import measure_corpus

    def kinetic(source):
        measures = measure_corpus(source, window_s=2.0, keypoints="upper_body", progress=False)
        return kinetic_features(np.concatenate([m.windows for m in measures.clips if len(m.windows)]), 30.0, ())

    hidden = _hidden("lab05")
    ref = hidden.reference({"corpus_dir": str(sample_data.path)})
    corpus = Corpus(sample_data.path)
    clips, work = list(corpus.clips(progress=False)), tmp_path_factory.mktemp("lab05")
    real = kinetic(corpus)
    copies = {"identical": kinetic(perturbed_copy(clips, work / "identical", kind="identical")),
              "jitter 1 px": kinetic(perturbed_copy(clips, work / "j1", kind="jittered", sigma_px=1.0, seed=0)),
              "frozen": kinetic(perturbed_copy(clips, work / "frozen", kind="frozen"))}
    names = list(KEYPOINT_SETS["upper_body"])
    moving = [j * len(names) + i for j in range(3) for i, name in enumerate(names) if "shoulder" not in name]
    curve = frechet_report(real[0::2], real[1::2], n_boot=0)["fd_infinity"]
    same = frechet_report(real, copies["identical"], n_boot=0)
    env = {"corpus_dir": str(sample_data.path), "answer_q1": list(zip(curve["sizes"], curve["fd"])),
           "answer_q2": curve["value"],
           "answer_q3": (same["value"], same["fd_infinity"]["value"], same["fd_infinity"]["intercept"]),
           "answer_q4": {k: frechet_report(real, copies[k], n_boot=0)["value"] for k in lab05.COPIES},
           "answer_q5": {k: frechet_report(real[:, moving], copies[k][:, moving], n_boot=0)["value"]
                         for k in lab05.COPIES}}
    return hidden, ref, env, (real, copies, curve, moving)


def test_lab05_solution_passes_and_the_sanity_copies_behave(lab05_case):
    hidden, ref, env, (real, copies, curve, moving) = lab05_case
    assert set(run_checks("lab05", env).values()) == {None}
    for check in hidden.CHECKS.values():
        check(env, ref)
    fds = [fd for _, fd in env["answer_q1"]]
    assert fds[0] > 1.5 * fds[-1] > 0 and env["answer_q2"] < fds[-1] / 5  # the bias: FD falls with N, mostly bias
    fd, inf, intercept = env["answer_q3"]
    assert fd == inf == 0.0 and intercept < 0  # an identical copy: 0, with a negative raw intercept
    q4, q5 = env["answer_q4"], env["answer_q5"]
    assert q4["jitter 1 px"] > q4["frozen"] and q5["jitter 1 px"] < q5["frozen"]  # notebook 70's ranking flip


def test_lab05_wrong_answers_get_their_own_diagnosis(lab05_case):
    from alloava_analysis.evaluate import fd_infinity, frechet_from_features, frechet_report

    hidden, ref, env, (real, copies, curve, moving) = lab05_case
    pairs = env["answer_q1"]
    assert "do not grow" in _feedback(lab05.check_q1, env, answer_q1=pairs[::-1])
    assert "not a number of samples" in _feedback(lab05.check_q1, env, answer_q1=[(f, n) for n, f in pairs])
    raw = fd_infinity(real[0::2], real[1::2])
    assert "raw features" in _feedback(hidden.check_q1, env, ref,
                                       answer_q1=list(zip(raw["sizes"], raw["fd"])))
    assert "largest N" in _feedback(hidden.check_q2, env, ref, answer_q2=pairs[-1][1])
    assert "not the slope b" in _feedback(lab05.check_q2, env, answer_q2=curve["slope"])
    assert "take 'value', not 'intercept'" in _feedback(lab05.check_q2, env, answer_q2=-0.5)
    fd, inf, intercept = env["answer_q3"]
    assert "never below it" in _feedback(lab05.check_q3, env, answer_q3=(fd, inf, 0.5))
    assert "negative distance" in _feedback(lab05.check_q3, env, answer_q3=(intercept, inf, intercept))
    assert "should score 0" in _feedback(hidden.check_q3, env, ref,
                                         answer_q3=(env["answer_q4"]["frozen"], 0.0, intercept))
    assert "raw intercept of an identical copy is negative" in _feedback(hidden.check_q3, env, ref,
                                                                          answer_q3=(0.0, 0.0, 0.0))
    q4 = env["answer_q4"]
    assert "swapped between the copies" in _feedback(
        hidden.check_q4, env, ref, answer_q4={"jitter 1 px": q4["frozen"], "frozen": q4["jitter 1 px"]})
    assert "raw features" in _feedback(hidden.check_q4, env, ref,
                                       answer_q4={k: frechet_from_features(real, copies[k]) for k in q4})
    message = _feedback(hidden.check_q4, env, ref, answer_q4={k: frechet_report(copies[k], real, n_boot=0)["value"]
                                                             for k in q4})
    assert "copy was passed first" in message
    assert "expected exactly" in _feedback(lab05.check_q4, env, answer_q4={"jitter": 1.0, "frozen": 2.0})
    assert "shoulder features are still in" in _feedback(lab05.check_q5, env, answer_q5=dict(q4))
    x_only = [i for i in moving if i < real.shape[1] // 3]
    assert "first block" in _feedback(hidden.check_q5, env, ref, answer_q5={
        k: frechet_report(real[:, x_only], copies[k][:, x_only], n_boot=0)["value"] for k in q4})
    _no_number(_feedback(hidden.check_q5, env, ref, answer_q5={k: 1.5 * v for k, v in env["answer_q5"].items()}),
               *env["answer_q5"].values())
    _no_number(_feedback(hidden.check_q1, env, ref, answer_q1=[(n, 2 * f) for n, f in pairs]), *[f for _, f in pairs])
