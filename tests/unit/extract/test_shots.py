"""Camera cuts from frame histograms (extract/shots.py): analytic frames, no model needed."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.extract.shots import ShotDetector, detect_video_cuts, frame_signature


def _scene(seed: int, shift: int = 0, size: int = 128) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (size // 16, size // 16, 3), dtype=np.uint8)
    image = np.kron(base, np.ones((16, 16, 1), dtype=np.uint8))            # blocks: a textured "scene"
    return np.roll(image, shift, axis=1)


def test_signatures_are_normalised_histograms():
    sig = frame_signature(_scene(0))
    assert sig.shape == (48,) and sig.sum() == pytest.approx(3.0)


def test_a_pan_over_one_scene_is_no_cut_and_a_change_of_scene_is_one():
    detector = ShotDetector()
    times = np.arange(60) / 25.0
    for i, t in enumerate(times):
        detector.add(t, _scene(1 if i < 30 else 2, shift=3 * i))             # panning; new scene at frame 30
    found = detector.result()
    assert found["method"] == "frame_histogram" and found["n_frames"] == 60
    assert found["times_s"] == [pytest.approx((times[29] + times[30]) / 2)]
    still = detect_video_cuts(times, np.stack([frame_signature(_scene(1, shift=3 * i)) for i in range(60)]))
    assert still["times_s"] == []
    assert detect_video_cuts(times[:2], np.zeros((2, 48)))["times_s"] == []
