"""Every keyword option of ``alloava_analysis.runs`` takes a bad value well: accepted, or a ParameterError naming it.

A driver's analysis choices are fields of its settings object (``runs/settings.py``), given as
``**options``; :func:`with_settings` shows them to the walk as keyword-only options, so they are
walked through the driver too, not only through the settings class.
"""
from __future__ import annotations

import dataclasses
import functools
import inspect

import pandas as pd
import pytest

from alloava_analysis.corpus import Corpus
from alloava_analysis.errors import ParameterError
from alloava_analysis.features.gestures import GestureSettings
from alloava_analysis.runs import audit, correlate, evaluate, export, gestures, sensitivity, settings
from tests.fixtures.bad_options import function, table_tests
from tests.fixtures.datasets import write_tiny_corpus

N_CLIPS, N_FRAMES = 3, 150  # 6 s clips at 25 fps: a 5 s window (the default) fits, and several 1 s windows

#: Not walked: ``workers``, which every driver hands to :mod:`alloava_analysis.parallel` unchanged: a bad worker
#: count is the executors' to refuse (and the command line's ``--workers`` type's). ``progress`` is fixed to False
#: (quiet output; any value is taken as a truth value).
SKIP = ("workers",)

#: A complete one-at-a-time baseline (what coupling_sensitivity completes from its defaults).
BASELINE = {"window_s": 1.0, "group": "hands", "smooth_s": 0.0, "motion": next(iter(sensitivity.DEFAULT_MOTIONS)),
            "normalize": True, "speech_rate": "word_starts"}


def with_settings(driver, cls):
    """``driver`` with the fields of its settings class ``cls`` shown as keyword-only options (so they are walked)."""
    @functools.wraps(driver)
    def call(*args, **kwargs):
        return driver(*args, **kwargs)

    own = [p for p in inspect.signature(driver).parameters.values() if p.kind is not p.VAR_KEYWORD]
    fields = [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY,
                                default=None if f.default is dataclasses.MISSING else f.default)
              for f in dataclasses.fields(cls) if f.name not in {p.name for p in own}]
    call.__signature__ = inspect.Signature(own + fields)
    return call


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """A tiny corpus folder, shared by the module (the walks only read it; convert gets its own copy)."""
    folder = tmp_path_factory.mktemp("runs_bad_options") / "corpus"
    write_tiny_corpus(folder, N_CLIPS, n_frames=N_FRAMES)
    return folder


@pytest.fixture(scope="module")
def corpus(root):
    return Corpus(root)


@pytest.fixture(scope="module")
def clip(corpus):
    return corpus.load(corpus.clip_ids[0])


@pytest.fixture
def given(root, corpus, clip, tmp_path):
    """What the table's calls are made on: the shared corpus (as a folder and loaded), one clip, a temporary folder."""
    return {"root": root, "corpus": corpus, "clip": clip, "tmp": tmp_path, "out": tmp_path / "out"}


def _own_corpus(tmp):
    """A corpus of one's own, for convert (it writes the store into the corpus: not into the shared one)."""
    write_tiny_corpus(tmp / "corpus", 1, n_frames=N_FRAMES)
    return tmp / "corpus"


def _units(corpus):
    """Three gesture units in each clip of the tiny corpus (6 s clips)."""
    return pd.DataFrame([{"clip_id": c, "speaker_id": f"s{i}", "unit": u, "start_s": t - 0.3, "end_s": t + 0.3,
                          "peak_time_s": t}
                         for i, c in enumerate(corpus.clip_ids) for u, t in enumerate((1.5, 3.0, 4.5))])


#: Options that keep the correlation cheap (few resamples, short windows).
CHEAP_CORRELATE = {"window_s": 1.0, "n_boot": 20, "n_surrogates": 5, "n_boot_lag": 10, "mi_max_samples": 200}
#: A cheap sensitivity run: few resamples, one pooling, 1 s windows at baseline (the design itself is walked).
SMALL_DESIGN = {"poolings": ("raw",), "n_boot": 20, "baseline": {"window_s": 1.0}}

#: qualified name -> (``f``: the :func:`given` fixture -> (positional arguments, options fixed for every call (not
#: walked; they keep the call cheap or are required), options not walked (:data:`SKIP`))).
CALLS = {
    "runs.validate.validate_corpus": lambda f: ((f["root"],), {}, SKIP),
    "runs.convert.convert_corpus": lambda f: ((_own_corpus(f["tmp"]),), {}, SKIP),
    "runs.stats.clip_table_and_failures": lambda f: ((f["corpus"],), {}, SKIP),
    "runs.stats.clip_table": lambda f: ((f["corpus"],), {}, SKIP),
    "runs.stats.measure": lambda f: ((f["corpus"],), {}, SKIP),
    "runs.stats.corpus_stats": lambda f: ((f["root"],), {}, SKIP),
    "runs.correlate.corpus_tables": lambda f: ((f["corpus"],), {"window_s": 1.0}, SKIP),
    "runs.correlate.correlate_corpus": lambda f: ((f["corpus"],), CHEAP_CORRELATE, SKIP),
    "runs.sensitivity.coupling_sensitivity": lambda f: ((f["corpus"],), SMALL_DESIGN, SKIP),
    "runs.sensitivity.sensitivity_settings": lambda f: ((), {"baseline": BASELINE}, SKIP),
    "runs.audit.audit_table": lambda f: ((f["corpus"],), {"window_s": 1.0}, SKIP),
    "runs.audit.audit_corpus": lambda f: ((f["root"],), {"by": "gender", "n_boot": 20, "n_perm": 9, "window_s": 1.0},
                                          SKIP),
    "runs.evaluate.measure_corpus": lambda f: ((f["corpus"],), {}, SKIP),
    "runs.evaluate.evaluate_corpora": lambda f: ((f["root"], f["root"]), {"n_boot": 5}, SKIP),
    "runs.export.feature_tables": lambda f: ((f["clip"],), {}, SKIP),
    "runs.synchrony.synchrony_corpus": lambda f: ((f["corpus"], _units(f["corpus"])), {"n_null": 9, "n_boot": 20},
                                                  SKIP),
    "runs.export.export_clip": lambda f: ((f["root"], f["clip"], f["out"]), {"to": "csv"}, SKIP),
    "runs.export.export_corpus": lambda f: ((f["root"],), {"out": f["out"], "to": "csv"}, SKIP),
    "runs.gestures.gestures_corpus": lambda f: ((f["root"],), {"out": f["out"]}, SKIP),
}
#: Drivers whose settings fields (given as ``**options``) are walked too.
SETTINGS = {"runs.validate.validate_corpus": settings.ValidateSettings,
            "runs.convert.convert_corpus": settings.ConvertSettings,
            "runs.correlate.correlate_corpus": settings.CorrelateSettings,
            "runs.sensitivity.coupling_sensitivity": settings.SensitivitySettings,
            "runs.audit.audit_corpus": settings.AuditSettings,
            "runs.evaluate.evaluate_corpora": settings.EvaluateSettings,
            "runs.export.export_corpus": settings.ExportSettings,
            "runs.gestures.gestures_corpus": GestureSettings,
            "runs.synchrony.synchrony_corpus": settings.SynchronySettings,
            "runs.stats.corpus_stats": settings.StatsSettings}
#: Functions that cannot sensibly run in a unit test (they extract videos with MediaPipe models).
EXEMPT = {
    "runs.evaluate.prepare_side": "extracts a folder of videos with the MediaPipe models (integration tests)",
    "runs.evaluate.evaluate_paths": "prepare_side on both folders, then evaluate_corpora (walked here)",
}


def _quiet(name, request):
    return {"progress": False} if "progress" in inspect.signature(function(name)).parameters else {}


test_table_is_complete, test_calls_are_valid, test_walks = table_tests(
    "runs", CALLS, EXEMPT, arg="given", setup=_quiet,
    wrap=lambda name, fn: with_settings(fn, SETTINGS[name]) if name in SETTINGS else fn,
    # evaluate_corpora's Fréchet distances on the tiny corpus: a few windows of many features
    marks=(pytest.mark.filterwarnings("ignore:Fréchet distance on .* the covariances are singular:UserWarning"),))


def _refused(call, option, *args, **kwargs):
    with pytest.raises(ParameterError, match=option) as info:
        call(*args, **kwargs)
    assert info.value.name == option, info.value
    return info.value


def test_important_bad_values_are_refused(root, corpus, clip, tmp_path):
    _refused(correlate.correlate_corpus, "window_s", corpus, window_s=-1.0)
    _refused(correlate.correlate_corpus, "windw_s", corpus, windw_s=1.0)
    _refused(correlate.corpus_tables, "detrend_s", corpus, detrend_s=float("inf"))
    _refused(correlate.corpus_tables, "motion", corpus, motion="body")  # pose cleaning travels in it
    _refused(export.export_corpus, "to", root, to="mp4", out=tmp_path / "out")
    _refused(gestures.gestures_corpus, "tiers", root, tiers="mp4", out=tmp_path / "out")
    _refused(export.export_clip, "window_s", root, clip, tmp_path / "out", to="csv", window_s=0.0)
    _refused(evaluate.measure_corpus, "rate_hz", corpus, rate_hz=float("inf"))
    assert not (tmp_path / "out").exists()  # refused before anything was written
    real = evaluate.measure_corpus(corpus, window_s=1.0, progress=False)
    _refused(evaluate.evaluate_corpora, "real", real, root, window_s=2.0, progress=False)
    _refused(audit.audit_corpus, "by", root, by="")
    _refused(audit.audit_corpus, "seed", root, by="gender", seed=-1)  # numpy's generators take seeds >= 0
    _refused(sensitivity.coupling_sensitivity, "groups", corpus, groups="hands")  # a list of groups, not one
    _refused(sensitivity.coupling_sensitivity, "windows_s", corpus, windows_s=(1.0, 0.0))
