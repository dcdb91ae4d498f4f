"""Bad keyword options of :mod:`alloava_analysis.features` are accepted or refused with a ParameterError naming them."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.features import motion, speech, tiers
from tests.fixtures.bad_options import public_functions_with_options, qualified, walk_bad_options
from tests.fixtures.datasets import line_pose, make_clip, tiny_words

SR = 16_000


def _pose():
    return line_pose(50)


def _intensity():
    return motion.movement_intensity(_pose())


def _units():
    return pd.DataFrame({"unit": [0, 1], "start": [0.2, 1.1], "end": [0.6, 1.5], "duration": [0.4, 0.4]})


def _words():
    return tiny_words(12.0, n_words=20)


def _audio(seconds: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (0.1 * np.sin(2 * np.pi * 150 * t) * (1 + np.sin(2 * np.pi * 3 * t))).astype(np.float32)


#: function -> its minimal valid call: ``(positional arguments, required keyword options)``.
CALLS = {
    motion.clean_pose: lambda: ((_pose(),), {}),
    motion.detect_pose_cuts: lambda: ((_pose(),), {}),
    motion.gesture_rate: lambda: ((_units(),), {"span": (0.0, 2.0)}),
    motion.gesture_units: lambda: ((_intensity(),), {}),
    motion.interpolate_gaps: lambda: ((_pose(),), {}),
    motion.jump_peaks: lambda: ((np.r_[np.full(10, 0.01), 1.0, np.full(10, 0.01)],),
                                {"threshold": 0.1, "contrast": 5.0, "half": 5, "exclude": 1, "merge": 2}),
    motion.kinematics: lambda: ((_pose(),), {}),
    motion.mask_low_confidence: lambda: ((_pose(),), {}),
    motion.mask_outside_frame: lambda: ((_pose(),), {}),
    motion.movement_intensity: lambda: ((_pose(),), {}),
    motion.noise_floor: lambda: ((_intensity(),), {}),
    motion.shot_cuts: lambda: ((_pose(),), {}),
    motion.shoulder_width: lambda: ((_pose(),), {}),
    motion.smooth: lambda: ((_pose(),), {}),
    motion.window_intensity: lambda: ((_intensity(),), {"span": (0.0, 2.0), "window_s": 0.5}),
    speech.detect_pauses: lambda: ((_words(),), {}),
    speech.energy_pauses: lambda: ((speech.rms_envelope(_audio(), samplerate=SR),), {}),
    speech.f0_contour: lambda: ((_audio(),), {"samplerate": SR}),
    speech.frame_rms: lambda: ((_audio(),), {"frame": 400, "hop": 160}),
    speech.onset_strength: lambda: ((_audio(),), {"samplerate": SR}),
    speech.prosodic_peaks: lambda: ((speech.rms_envelope(_audio(), samplerate=SR),), {}),
    speech.rms_envelope: lambda: ((_audio(),), {"samplerate": SR}),
    speech.speech_features: lambda: ((_audio(),), {"samplerate": SR}),
    speech.speech_rate: lambda: ((_words(),), {}),
    tiers.clip_tiers: lambda: ((make_clip(0),), {}),
    tiers.gesture_tier: lambda: ((_units(),), {}),
    tiers.units_from_intervals: lambda: ((tiers.gesture_tier(_units()),), {}),
}
#: qualified name -> why it is not called here.
EXEMPT: dict[str, str] = {}


def test_every_function_with_options_is_walked_or_exempt():
    assert {qualified(fn) for fn in CALLS} | set(EXEMPT) == public_functions_with_options("features")


@pytest.mark.parametrize("fn", list(CALLS), ids=qualified)
def test_bad_options_are_accepted_or_refused_with_a_parameter_error(fn):
    args, fixed = CALLS[fn]()
    walk_bad_options(fn, *args, **fixed)


def test_important_bad_values_are_refused():
    outcomes = walk_bad_options(speech.speech_rate, _words())
    assert outcomes["window_s"][-1.0] == outcomes["window_s"]["nan"] == "ParameterError"
    assert outcomes["min_pause_s"][-1.0] == "ParameterError"
    outcomes = walk_bad_options(motion.movement_intensity, _pose())
    assert outcomes["group"]["no-such-choice"] == outcomes["relative_to"]["no-such-choice"] == "ParameterError"
    assert outcomes["confidence_threshold"][-1.0] == "ParameterError"
    assert walk_bad_options(motion.noise_floor, _intensity())["column"]["no-such-choice"] == "ParameterError"
    with pytest.raises(ParameterError, match="expected one of 'yin', 'pyin'; got 'crepe'"):
        speech.f0_contour(_audio(), samplerate=SR, method="crepe")
    with pytest.raises(ParameterError, match="samplerate"):
        speech.rms_envelope(_audio())
    with pytest.raises(ParameterError, match=r"span: expected \(start, stop\)"):
        motion.gesture_rate(_units(), span=(2.0, 1.0))
    with pytest.raises(ParameterError, match="low: expected low <= high"):
        motion.gesture_units(_intensity(), high=0.5, low=0.8)
    with pytest.raises(ParameterError, match="jump") as err:
        motion.detect_pose_cuts(_pose(), jump=0.0)
    assert err.value.name == "jump"
    with pytest.raises(ParameterError, match="individual"):
        motion.movement_intensity(_pose(), individual="nobody")
    with pytest.raises(ParameterError, match="threshold"):
        motion.mask_low_confidence(_pose(), threshold=math.inf)
