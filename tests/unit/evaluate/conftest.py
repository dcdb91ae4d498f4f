"""Fixtures shared by the evaluation tests."""
from __future__ import annotations

import pytest

from alloava_analysis.synthetic import synthesize_clip


@pytest.fixture(scope="module")
def pose():
    return synthesize_clip(0, seed=3, audio=False).clip.poses["mediapipe_pose_33"].isel(time=slice(0, 450))
