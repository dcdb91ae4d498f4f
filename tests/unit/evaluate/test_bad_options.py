"""Every keyword option of ``alloava_analysis.evaluate`` takes a bad value well: accepted, or a
ParameterError naming it.
"""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.evaluate import beats, clip, distances, face, frechet, normalize, sanity
from tests.fixtures.bad_options import table_tests, walk_bad_options
from tests.fixtures.datasets import make_clip
from tests.fixtures.evaluation import face_dataset, upper_body_pose

RATE = 16_000


def _speech(seconds: float = 1.0) -> np.ndarray:
    """Clicks every 0.25 s on a quiet tone: audio with onsets."""
    t = np.arange(int(seconds * RATE)) / RATE
    y = 0.01 * np.sin(2 * np.pi * 200 * t)
    y[(np.arange(t.size) % (RATE // 4)) < 80] += 0.5
    return y.astype(np.float32)


def _times(n: int = 60, fps: float = 30.0) -> np.ndarray:
    return np.arange(n) / fps


def _pose():
    t = _times(90)
    return upper_body_pose(t, wrist_x=np.sin(2 * np.pi * t))


def _features(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, 2))


#: qualified name -> (tmp_path -> (positional arguments, fixed keyword options)) of a minimal valid call; fixed
#: options are the ones that must be given for the call to make sense (not walked).
CALLS = {
    "evaluate.beats.audio_onsets": lambda tmp: ((_speech(),), {"samplerate": RATE}),  # an array needs its rate
    "evaluate.beats.beat_alignment": lambda tmp: ((np.array([0.1, 0.5, 0.9]), np.array([0.12, 0.45])), {}),
    "evaluate.beats.motion_beats": lambda tmp: ((np.abs(np.sin(np.pi * _times())), _times()), {}),
    "evaluate.clip.measure_clip": lambda tmp: ((make_clip(0, n_frames=100),), {}),
    "evaluate.distances.average_pairwise_distance": lambda tmp: ((_features(6, 0),), {}),
    "evaluate.distances.speed_histograms": lambda tmp: ((np.abs(_features(20, 0)[:, 0]),
                                                         np.abs(_features(20, 1)[:, 0])), {}),
    "evaluate.embedders.load_embedder": lambda tmp: ((lambda x: x.reshape(len(x), -1)[:, :3],), {}),
    "evaluate.face.detect_blinks": lambda tmp: ((_times(), (np.arange(60) % 20 < 3).astype(float)), {}),
    "evaluate.face.eye_closure": lambda tmp: ((face_dataset(_times(10), closure=np.linspace(0, 1, 10)),), {}),
    "evaluate.features.pose_windows": lambda tmp: ((normalize.normalize_pose(_pose()),), {}),
    "evaluate.frechet.fd_infinity": lambda tmp: ((_features(40, 0), _features(40, 1)), {}),
    "evaluate.frechet.frechet_report": lambda tmp: ((_features(20, 0), _features(20, 1)), {}),
    "evaluate.normalize.normalize_pose": lambda tmp: ((_pose(),), {}),
    "evaluate.sanity.perturbed_copy": lambda tmp: (([make_clip(0, n_frames=10)], tmp / "copy"),
                                                   {"kind": "jittered"}),  # kind: required, no default
}
#: Functions that cannot sensibly run in a unit test: none here.
EXEMPT: dict[str, str] = {}

test_table_is_complete, test_calls_are_valid, test_walks = table_tests("evaluate", CALLS, EXEMPT)


def test_important_bad_values_are_refused(tmp_path):
    one = make_clip(0, n_frames=100)
    for option, value in [("window_s", -1.0), ("window_s", 0.05), ("rate_hz", float("nan")),
                          ("keypoints", "legs"), ("cut_handling", "keep"), ("confidence_threshold", 1.5)]:
        with pytest.raises(ParameterError, match=option) as err:
            clip.measure_clip(one, **{option: value})
        assert err.value.name == option
    outcomes = walk_bad_options(frechet.frechet_report, _features(20, 0), _features(20, 1))
    assert outcomes["ci"][-1.0] == outcomes["n_boot"][-1] == "ParameterError"
    assert walk_bad_options(beats.beat_alignment, [0.1], [0.2])["direction"]["no-such-choice"] == "ParameterError"
    with pytest.raises(ParameterError, match="real_groups"):
        frechet.frechet_report(_features(20, 0), _features(20, 1), real_groups=np.zeros(3))
    with pytest.raises(ParameterError, match="kind"):
        sanity.perturbed_copy([], tmp_path, kind="melted")
    with pytest.raises(ParameterError, match="seed"):
        distances.average_pairwise_distance(_features(6, 0), seed=-1)
    with pytest.raises(ParameterError, match="low <= high"):
        face.detect_blinks(_times(), np.zeros(60), high=0.3, low=0.4)
