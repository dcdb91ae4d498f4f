"""The shared per-clip quality definition: analytic cases and agreement with the generator's truth."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.model import make_pose
from alloava_analysis.schema import MEDIAPIPE_POSE_33
from alloava_analysis.stats.quality import hand_visibility, keypoint_quality
from alloava_analysis.synthetic import HAND_KEYPOINTS, SynthConfig, synthesize_clip


def _pose(n=10):
    pos = np.full((n, 2, 33), 0.5)
    conf = np.full((n, 33), 0.9)
    return pos, conf


def test_three_classes_partition_the_keypoint_frames():
    pos, conf = _pose()
    kp = {n: i for i, n in enumerate(MEDIAPIPE_POSE_33)}
    pos[:4, :, kp["left_wrist"]] = np.nan      # 4 missing left-wrist frames
    conf[4:7, kp["right_index"]] = 0.2          # 3 low-confidence right-index frames
    ds = make_pose(pos, time=np.arange(10) / 10.0, layout="mediapipe_pose_33", confidence=conf, fps=10.0)
    q = keypoint_quality(ds, group="hands")
    n = 10 * 8
    assert q["frames"] == 10
    assert q["nan_fraction"] == pytest.approx(4 / n)
    assert q["low_confidence_fraction"] == pytest.approx(3 / n)
    assert q["confidence_mean"] == pytest.approx((73 * 0.9 + 3 * 0.2) / 76, abs=1e-6)
    everything = keypoint_quality(ds)
    assert everything["nan_fraction"] == pytest.approx(4 / (10 * 33))
    # both hands visible: not in frames 0-3 (left wrist lost) nor 4-6 (right index low)
    assert hand_visibility(ds) == pytest.approx(3 / 10)
    with pytest.raises(ValueError, match="group.*'nope'"):
        keypoint_quality(ds, group="nope")


def test_matches_the_generator_truth():
    sc = synthesize_clip(0, seed=3, config=SynthConfig(duration_s=(20.0, 20.0)), audio=False)
    q = keypoint_quality(sc.clip.pose, keypoints=HAND_KEYPOINTS)
    assert q["nan_fraction"] == pytest.approx(sc.truth["dropout_fraction"], abs=1e-6)
    assert q["low_confidence_fraction"] == pytest.approx(sc.truth["low_conf_fraction"], abs=1e-6)
    assert keypoint_quality(sc.clip.pose, group="hands") == q
