"""Pose windows and the kinetic and geometric feature sets."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.evaluate import EVAL_KEYPOINTS, GEOMETRIC, KINETIC, normalize_pose, pose_windows


def test_windows_drop_incomplete_ones(pose):
    norm = normalize_pose(pose)
    w0, s0, d0 = pose_windows(norm, window_s=2.0)
    t0 = norm["time"].values[0]
    pos = norm["position"].values.copy()
    pos[int(round((s0[0] - t0) * 30)) + 10, :, 9] = np.nan  # one missing point inside the first kept window
    norm["position"] = (norm["position"].dims, pos)
    w, starts, dropped = pose_windows(norm, window_s=2.0)
    assert w.shape[1:] == (60, len(EVAL_KEYPOINTS), 2) and np.isfinite(w).all()
    assert dropped == d0 + 1 and len(w) == len(w0) - 1 and s0[0] not in starts


def test_kinetic_features_of_known_motion():
    t = np.arange(60) / 30.0
    w = np.zeros((1, 60, len(EVAL_KEYPOINTS), 2))
    w[0, :, 9, 0] = 0.5 * t  # left wrist moves right at 0.5 shoulder widths/s
    f = KINETIC.compute(w, 30.0, EVAL_KEYPOINTS)
    k = len(EVAL_KEYPOINTS)
    assert f.shape == (1, 3 * k)
    assert f[0, 9] == pytest.approx(0.25) and f[0, k + 9] == 0 and f[0, 2 * k + 9] == pytest.approx(0, abs=1e-9)
    assert GEOMETRIC.compute(w, 30.0, EVAL_KEYPOINTS).shape == (1, 4 * k + 8)
