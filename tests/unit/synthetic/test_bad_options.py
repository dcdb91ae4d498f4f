"""Bad keyword options of :mod:`alloava_analysis.synthetic` are accepted or refused with a
ParameterError naming them.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.synthetic import SynthConfig, clip, corpus, face, truth
from tests.fixtures.bad_options import public_functions_with_options, qualified, walk_bad_options

TINY = SynthConfig(duration_s=(3.0, 3.0), window_s=1.0)
TIMES = np.arange(300) / 30.0


def _build_args() -> tuple:
    demographics = {"gender": "female", "age_group": "35-54", "skin_tone": "medium"}
    return 0, 0, TINY, 0, demographics


#: function -> its minimal valid call: ``(positional arguments, required keyword options)``; a factory
#: that takes an argument gets pytest's ``tmp_path``.
CALLS = {
    clip.build_clip: lambda: (_build_args(), {}),
    clip.synthesize_clip: lambda: ((0,), {"seed": 0, "config": TINY}),
    corpus.generate_corpus: lambda tmp: ((tmp / "corpus",), {"n_clips": 1, "seed": 0, "config": TINY}),
    face.blink_train: lambda: ((TIMES, 12.0), {}),
    face.face_dataset: lambda: ((TIMES,), {}),
    face.face_track: lambda: ((TIMES,), {"blinks_per_min": 12.0}),
    truth.expected_window_correlation: lambda: ((TINY,), {}),
}
#: qualified name -> why it is not called here.
EXEMPT: dict[str, str] = {}


def _call(fn, tmp_path):
    factory = CALLS[fn]
    return factory(tmp_path) if factory.__code__.co_argcount else factory()


def test_every_function_with_options_is_walked_or_exempt():
    assert {qualified(fn) for fn in CALLS} | set(EXEMPT) == public_functions_with_options("synthetic")


@pytest.mark.parametrize("fn", list(CALLS), ids=qualified)
def test_bad_options_are_accepted_or_refused_with_a_parameter_error(fn, tmp_path):
    args, fixed = _call(fn, tmp_path)
    walk_bad_options(fn, *args, **fixed)


def test_important_bad_values_are_refused(tmp_path):
    with pytest.raises(ParameterError, match="clip_index"):
        clip.synthesize_clip(-1, seed=0, config=TINY)
    with pytest.raises(ParameterError, match="seed"):
        clip.synthesize_clip(0, seed=-1, config=TINY)
    with pytest.raises(ParameterError, match="n_clips") as err:
        corpus.generate_corpus(tmp_path / "corpus", n_clips=0, seed=0, config=TINY)
    assert err.value.name == "n_clips" and not (tmp_path / "corpus").exists()
    for field, value in (("correlation", 1.5), ("fps", "30"), ("window_s", math.nan), ("dropout_rate", 0.5)):
        with pytest.raises(ParameterError, match=field) as err:
            SynthConfig(**{field: value})
        assert err.value.name == field
    outcomes = walk_bad_options(face.blink_train, TIMES, 12.0)
    assert outcomes["jitter"][-1.0] == outcomes["duration_s"]["nan"] == outcomes["seed"][2.5] == "ParameterError"
    with pytest.raises(ParameterError, match="jitter"):
        face.blink_train(TIMES, 12.0, jitter=1.0)  # a step of zero length: the train would never end
    with pytest.raises(ParameterError, match="blinks_per_min"):
        face.face_track(TIMES, blinks_per_min=0.0)
