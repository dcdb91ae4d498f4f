"""Bad keyword options of :mod:`alloava_analysis.synthetic` are accepted or refused with a
ParameterError naming them.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.synthetic import SynthConfig, clip, corpus, face
from tests.fixtures.bad_options import table_tests, walk_bad_options

TINY = SynthConfig(duration_s=(3.0, 3.0), window_s=1.0)
TIMES = np.arange(300) / 30.0
FRAMES = np.random.default_rng(0).integers(0, 256, (6, 36, 48, 3), dtype=np.uint8)


def _build_args() -> tuple:
    demographics = {"gender": "female", "age_group": "35-54", "skin_tone": "medium"}
    return 0, 0, TINY, 0, demographics


#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "synthetic.clip.build_clip": lambda tmp: (_build_args(), {}),
    "synthetic.cuts.angle_cut": lambda tmp: ((FRAMES, 2), {}),
    "synthetic.cuts.cut_cases": lambda tmp: (({"a": FRAMES, "b": FRAMES}, {"a": "p", "b": "p"}), {"fps": 30.0}),
    "synthetic.cuts.dim": lambda tmp: ((FRAMES,), {"at": 1}),
    "synthetic.cuts.pan": lambda tmp: ((FRAMES,), {}),
    "synthetic.cuts.shake": lambda tmp: ((FRAMES,), {"seed": 0}),
    "synthetic.cuts.uncut_cases": lambda tmp: (({"a": FRAMES},), {"fps": 30.0}),
    "synthetic.cuts.view": lambda tmp: ((FRAMES[0],), {"scale": 1.5}),
    "synthetic.cuts.zoom": lambda tmp: ((FRAMES,), {}),
    "synthetic.clip.synthesize_clip": lambda tmp: ((0,), {"seed": 0, "config": TINY}),
    "synthetic.corpus.generate_corpus": lambda tmp: ((tmp / "corpus",), {"n_clips": 1, "seed": 0, "config": TINY}),
    "synthetic.face.blink_train": lambda tmp: ((TIMES, 12.0), {}),
    "synthetic.face.face_dataset": lambda tmp: ((TIMES,), {}),
    "synthetic.face.face_track": lambda tmp: ((TIMES,), {"blinks_per_min": 12.0}),
    "synthetic.truth.expected_window_correlation": lambda tmp: ((TINY,), {}),
}
#: qualified name -> why it is not called here.
EXEMPT: dict[str, str] = {}

test_table_is_complete, test_calls_are_valid, test_walks = table_tests("synthetic", CALLS, EXEMPT)


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
