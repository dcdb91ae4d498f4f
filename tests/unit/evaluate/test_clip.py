"""One clip's evaluation measures: camera cuts split it into shots."""
from __future__ import annotations

import numpy as np


def test_a_camera_cut_splits_the_clip_into_shots():
    from alloava_analysis.evaluate import measure_clip
    from alloava_analysis.model import Clip, make_pose
    from tests.fixtures.evaluation import upper_body_pose

    t = np.arange(300) / 30.0
    pose = upper_body_pose(t, wrist_x=0.3 * np.sin(2 * np.pi * 0.5 * t), noise=1e-4)
    pos = pose["position"].values.copy()
    pos[150:, :2] = (pos[150:, :2] - 0.5) * 1.6 + 0.55  # a cut to a closer shot at 5 s
    cut = make_pose(pos, time=t, layout="mediapipe_pose_33", frame_size=(1280, 720))
    clip = Clip("TED_abcdefghijk", "TED", "abcdefghijk", poses={"mediapipe_pose_33": cut})
    split = measure_clip(clip)
    whole = measure_clip(clip, cut_handling="ignore")
    assert any("1 camera cut(s) (pose; found by pose 1)" in n for n in split.notes)
    assert np.nanmax(split.speed) < 0.2 < 2.0 < np.nanmax(whole.speed)
    assert len(split.windows) == 4 and len(whole.windows) == 5  # the window across the cut is gone
