"""Bad keyword options of :mod:`alloava_analysis.features` are accepted or refused with a ParameterError naming them."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.features import gestures, motion, speech, tiers
from tests.fixtures.bad_options import table_tests, walk_bad_options
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


#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call
CALLS = {
    "features.motion.clean_pose": lambda tmp: ((_pose(),), {}),
    "features.motion.detect_pose_cuts": lambda tmp: ((_pose(),), {}),
    "features.motion.combine_cuts": lambda tmp: ((pd.DataFrame({"time": [1.0], "frame": [30]}),
                                                  pd.DataFrame({"time": [1.03], "frame": [31]})), {}),
    "features.motion.shot_cut_table": lambda tmp: ((_pose(),), {}),
    "features.motion.gesture_rate": lambda tmp: ((_units(),), {"span": (0.0, 2.0)}),
    "features.motion.gesture_units": lambda tmp: ((_intensity(),), {}),
    "features.motion.interpolate_gaps": lambda tmp: ((_pose(),), {}),
    "features.motion.jump_peaks": lambda tmp: ((np.r_[np.full(10, 0.01), 1.0, np.full(10, 0.01)],),
                                {"threshold": 0.1, "contrast": 5.0, "half": 5, "exclude": 1, "merge": 2}),
    "features.motion.kinematics": lambda tmp: ((_pose(),), {}),
    "features.motion.mask_low_confidence": lambda tmp: ((_pose(),), {}),
    "features.motion.mask_outside_frame": lambda tmp: ((_pose(),), {}),
    "features.motion.movement_intensity": lambda tmp: ((_pose(),), {}),
    "features.motion.noise_floor": lambda tmp: ((_intensity(),), {}),
    "features.motion.shot_cuts": lambda tmp: ((_pose(),), {}),
    "features.motion.shoulder_width": lambda tmp: ((_pose(),), {}),
    "features.motion.smooth": lambda tmp: ((_pose(),), {}),
    "features.motion.window_intensity": lambda tmp: ((_intensity(),), {"span": (0.0, 2.0), "window_s": 0.5}),
    "features.prosody.amplitude_envelope": lambda tmp: ((_audio(),), {"samplerate": SR}),
    "features.prosody.f0_track": lambda tmp: ((_audio(),), {"samplerate": SR}),
    "features.prosody.prosodic_events": lambda tmp: ((_audio(), tiny_words(0.5, n_words=2)), {"samplerate": SR}),
    "features.prosody.speech_intervals": lambda tmp: ((_words(),), {}),
    "features.speech.audio_samples": lambda tmp: ((_audio(),), {"samplerate": SR, "analysis_rate": None}),
    "features.speech.detect_pauses": lambda tmp: ((_words(),), {}),
    "features.speech.energy_pauses": lambda tmp: ((speech.rms_envelope(_audio(), samplerate=SR),), {}),
    "features.speech.f0_contour": lambda tmp: ((_audio(),), {"samplerate": SR}),
    "features.speech.frame_rms": lambda tmp: ((_audio(),), {"frame": 400, "hop": 160}),
    "features.speech.onset_strength": lambda tmp: ((_audio(),), {"samplerate": SR}),
    "features.speech.prosodic_peaks": lambda tmp: ((speech.rms_envelope(_audio(), samplerate=SR),), {}),
    "features.speech.rms_envelope": lambda tmp: ((_audio(),), {"samplerate": SR}),
    "features.speech.speech_features": lambda tmp: ((_audio(),), {"samplerate": SR}),
    "features.speech.speech_rate": lambda tmp: ((_words(),), {}),
    "features.gestures.clip_gesture_table": lambda tmp: ((make_clip(0),), {}),
    "features.gestures.find_holds": lambda tmp: ((np.arange(30) / 30, np.zeros(30)), {}),
    "features.gestures.find_submovements": lambda tmp: ((np.arange(30) / 30, np.sin(np.arange(30)) ** 2), {}),
    "features.gestures.gesture_space": lambda tmp: ((np.array([0.1]), np.array([0.2])), {}),
    "features.gestures.gesture_table": lambda tmp: ((_pose(),), {}),
    "features.gestures.hand_tracks": lambda tmp: ((_pose(),), {}),
    "features.gestures.torso_coordinates": lambda tmp: ((_pose(),), {}),
    "features.tiers.clip_tiers": lambda tmp: ((make_clip(0),), {}),
    "features.tiers.gesture_tier": lambda tmp: ((_units(),), {}),
    "features.tiers.units_from_intervals": lambda tmp: ((tiers.gesture_tier(_units()),), {}),
}
#: qualified name -> why it is not called here.
EXEMPT: dict[str, str] = {}

test_table_is_complete, test_calls_are_valid, test_walks = table_tests("features", CALLS, EXEMPT)


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
    with pytest.raises(ParameterError, match="threshold"):
        gestures.find_holds(np.arange(3.0), np.zeros(3), threshold=0.0)
    with pytest.raises(ParameterError, match="hold_min_s"):
        gestures.GestureSettings(hold_min_s=-1.0)
