"""Poses realise the planted hand speed and tracking quality."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.synthetic import HAND_KEYPOINTS, synthesize_clip
from tests.fixtures.synthetic import MINUTE, hand_speed_from_pose


def test_realised_hand_speed_matches_the_planted_profile():
    sc = synthesize_clip(3, seed=8, config=MINUTE)
    measured = hand_speed_from_pose(sc)
    ok = np.isfinite(measured)
    assert ok.mean() > 0.85
    assert np.corrcoef(measured[ok], sc.hand_speed[ok])[0, 1] > 0.99
    assert abs(np.median(measured[ok] / sc.hand_speed[ok]) - 1) < 0.02
    # the window means are the planted intensities
    full = sc.windows["full"].to_numpy()
    win = np.minimum((sc.frame_time // 5.0).astype(int), len(sc.windows) - 1)
    means = pd.Series(measured).groupby(win).mean().to_numpy()[full]
    np.testing.assert_allclose(means, sc.windows["intensity"].to_numpy()[full], rtol=0.05)
    np.testing.assert_allclose(sc.windows["realized_intensity"], sc.windows["intensity"], rtol=1e-9)


def test_fingers_move_rigidly_with_the_wrist_and_hands_stay_in_frame():
    sc = synthesize_clip(0, seed=8, config=MINUTE)
    pos = sc.clip.pose["position"]
    conf = sc.clip.pose["confidence"]
    wrist = pos.sel(keypoint="left_wrist").values[..., 0]
    for finger in ("left_pinky", "left_index", "left_thumb"):
        offset = pos.sel(keypoint=finger).values[..., 0] - wrist
        tracked = (conf.sel(keypoint=[finger, "left_wrist"]).values[..., 0] > 0.5).all(axis=1)
        assert np.nanstd(offset[tracked, :2], axis=0).max() < 0.002  # tracking noise only (bursts excluded)
    y = pos.sel(keypoint=list(HAND_KEYPOINTS), space="y").values
    assert np.nanpercentile(y, 99) < 1.0 and np.nanmin(pos.sel(space="y").values[:, :11]) > 0


def test_dropout_and_low_confidence_fractions(clips):
    for sc in clips:
        ds = sc.clip.pose
        pos = ds["position"].sel(keypoint=list(HAND_KEYPOINTS)).values
        conf = ds["confidence"].sel(keypoint=list(HAND_KEYPOINTS)).values
        lost = np.isnan(pos).any(axis=1)
        assert sc.truth["dropout_fraction"] == pytest.approx(lost.mean(), abs=1e-6)
        assert (conf[lost] == 0).all()
        low = (conf >= 0.1) & (conf <= 0.4) & ~lost
        assert sc.truth["low_conf_fraction"] == pytest.approx(low.mean(), abs=1e-6)
        assert abs(sc.truth["dropout_fraction"] - sc.truth["planted_dropout_rate"]) < 0.02
        assert abs(sc.truth["low_conf_fraction"] - sc.truth["planted_low_conf_rate"]) < 0.012
        others = ds["confidence"].sel(keypoint=["nose", "left_shoulder", "right_elbow"]).values
        assert others.min() >= 0.85 and others.max() <= 0.99
    table = pd.DataFrame([sc.truth for sc in clips])
    darker = table["skin_tone"] == "darker"
    assert darker.any() and (~darker).any()
    base = table.loc[~darker, "dropout_fraction"].mean()
    assert base == pytest.approx(0.03, abs=0.006)
    assert table.loc[darker, "dropout_fraction"].mean() / base == pytest.approx(3.0, rel=0.25)
