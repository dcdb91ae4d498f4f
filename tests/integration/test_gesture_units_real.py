"""Gesture units as an annotator would mark them (issue 27, part 5), on a real signer and constructions from her.

``scripts/measure_gesture_units.py`` re-cuts ``tests/fixtures/real/signer_wave.mp4``
(MIT, see ``SOURCE.md``) into videos with known answers -- a hold inserted by
repeating a frame, a slow phase made by showing frames three times, two copies
of the gesture with a rest in between -- and runs each through the real
MediaPipe PoseLandmarker. Human annotation: the UCI Gesture Phase Segmentation
recordings (Kinect joints of three storytellers, phases segmented by a
specialist; ``tests/fixtures/real/SOURCE.md``), person a used while designing
the rules, persons b and c held out. No openly licensed *video* with a manual
ELAN gesture tier was found (see the script).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from alloava_analysis.features import motion

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from scripts import measure_gesture_units as gu  # noqa: E402


@pytest.fixture(scope="module")
def measured():
    return gu.measure()


@pytest.mark.media
def test_the_real_signers_unit_starts_where_her_hand_leaves_rest_and_ends_where_it_returns():
    from alloava_analysis.extract.keypoints import extract_keypoints

    pose = extract_keypoints(gu.SIGNER, pose=True, allow_download=False, progress=False).poses["mediapipe_pose_33"]
    units = motion.gesture_units(motion.movement_intensity(pose, group="hands"))
    assert len(units) == 1
    assert abs(units["start"].iloc[0] - gu.ONSET_S) <= 0.1                 # measured 0.552 (0.79 before)
    assert abs(units["end"].iloc[0] - gu.picture_exit(pose, float(pose.attrs["fps"]))) <= 0.1


@pytest.mark.media
def test_holds_and_slow_phases_do_not_split_a_gesture_and_a_return_to_rest_separates_two(measured):
    videos = measured["videos"]
    rest_aware = "rest-aware (default)"
    assert [len(videos[name][rest_aware]["units"]) for name in ("original", "hold", "slow", "two")] == [1, 1, 1, 2]
    scores = measured["scores"][rest_aware]
    assert scores["true"] == scores["reference"] == scores["found"] == 5       # F1 = 1 at IoU >= 0.3
    assert scores["median_onset_error_s"] <= 0.1 and scores["median_offset_error_s"] <= 0.1
    # the hold grows the unit by the hold
    (hold,), (orig,) = videos["hold"][rest_aware]["units"], videos["original"][rest_aware]["units"]
    assert (hold[1] - hold[0]) - (orig[1] - orig[0]) == pytest.approx(gu.HOLD_S, abs=0.1)
    # speed alone (the previous rule) splits the held and the slowed gesture
    speed_only = "speed only (rest=None)"
    assert len(videos["hold"][speed_only]["units"]) >= 2 and len(videos["slow"][speed_only]["units"]) >= 2
    assert measured["scores"][speed_only]["found"] > scores["found"]
    assert np.isfinite(measured["original_end_s"])


def test_units_match_a_specialists_gesture_units_better_than_speed_alone():
    measured = gu.uci_scores()
    rest, speed = measured["scores"]["rest-aware (default)"], measured["scores"]["speed only (rest=None)"]
    dev, held = rest["development"], rest["held out"]
    assert (dev["reference"], held["reference"]) == (30, 29)              # the specialist's units
    # measured: development 30 of 30 found, 42 units (F1 0.83); held out 22 of 29, 37 units (F1 0.67)
    assert dev["true"] >= 28 and dev["f1"] >= 0.8
    assert held["true"] >= 20 and held["f1"] >= 0.6                       # below the 0.80 the issue asks for
    for part in ("development", "held out"):
        assert rest[part]["f1"] > speed[part]["f1"] + 0.15                 # speed alone: 0.50 and 0.32
        assert rest[part]["found"] < speed[part]["found"]                  # holds no longer split units
        assert rest[part]["median_onset_error_s"] <= 0.25
