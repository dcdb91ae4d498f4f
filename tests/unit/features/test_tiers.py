"""A clip's tiers (words, segments, pauses, gesture units) as one interval table, and hand-corrected
gesture units flowing back into the analyses."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.features import tiers as ann
from alloava_analysis.features.motion import MotionSettings, gesture_rate
from alloava_analysis.io.export.intervals import read_eaf, read_textgrid, write_eaf, write_textgrid
from alloava_analysis.model import INTERVAL_COLUMNS, Clip, make_pose, make_words
from alloava_analysis.schema import get_layout, group_keypoints
from tests.fixtures.datasets import FPS, frame_times, rest_positions

BURSTS = ((2.0, 3.0), (5.0, 6.5))  # planted gestures: the hands move only inside these
DURATION = 8.0


def _gesturing_clip() -> Clip:
    t = frame_times(int(DURATION * FPS))
    pos = np.repeat(rest_positions("mediapipe_pose_33")[None], t.size, axis=0)
    hands = get_layout("mediapipe_pose_33").index(group_keypoints("mediapipe_pose_33", "hands"))
    for a, b in BURSTS:
        inside = np.flatnonzero((t >= a) & (t < b))
        pos[np.ix_(inside, [0], hands)] += 0.05 * np.sin(2 * np.pi * 2.0 * (t[inside] - a))[:, None, None]
    pose = make_pose(pos, time=t, layout="mediapipe_pose_33", fps=FPS)
    words = make_words([{"word": "so", "start": 0.5, "end": 0.8, "segment": 0},
                        {"word": "this", "start": 0.9, "end": 1.2, "segment": 0},
                        {"word": "moves", "start": 3.0, "end": 3.4, "segment": 1}])
    segments = pd.DataFrame({"segment": [0, 1], "start": [0.5, 3.0], "end": [1.2, 3.4], "text": [" so this", " moves"]})
    return Clip("TED_abcdefghijk", "TED", "abcdefghijk", poses={"mediapipe_pose_33": pose}, words=words,
                segments=segments)


def test_clip_tiers_hold_words_segments_pauses_and_the_planted_gesture_units():
    tiers = ann.clip_tiers(_gesturing_clip(), settings=MotionSettings(cut_handling="ignore"))
    assert list(tiers.columns) == list(INTERVAL_COLUMNS) and tiers.attrs["tiers"] == list(ann.TIERS)
    assert tiers.attrs["duration_s"] == pytest.approx(DURATION)
    by = {name: g for name, g in tiers.groupby("tier")}
    assert by["words"]["label"].tolist() == ["so", "this", "moves"]
    assert by["segments"]["label"].tolist() == ["so this", "moves"]
    assert by["pauses"][["start", "end", "label"]].values.tolist() == [
        [0.0, 0.5, "leading"], [1.2, 3.0, "between"], [3.4, DURATION, "trailing"]]
    units = by["gesture_units"]
    assert len(units) == len(BURSTS) and set(units["label"]) == {ann.GESTURE_LABEL}
    np.testing.assert_allclose(units[["start", "end"]].to_numpy(), np.array(BURSTS), atol=0.15)


def test_a_clip_without_pose_or_transcript_still_has_all_four_tiers():
    clip = Clip("TED_abcdefghijk", "TED", "abcdefghijk")
    tiers = ann.clip_tiers(clip)
    assert tiers.empty and tiers.attrs["tiers"] == list(ann.TIERS)


@pytest.mark.parametrize("suffix, write, read", [(".eaf", write_eaf, read_eaf),
                                                 (".TextGrid", write_textgrid, read_textgrid)])
def test_hand_corrected_gesture_units_flow_into_gesture_rate(tmp_path, suffix, write, read):
    tiers = ann.clip_tiers(_gesturing_clip(), settings=MotionSettings(cut_handling="ignore"))
    back = read(write(tmp_path / f"clip{suffix}", tiers))
    pd.testing.assert_frame_equal(back.reset_index(drop=True)[["tier", "label"]],
                                  tiers[["tier", "label"]].reset_index(drop=True))
    # an annotator adds a third unit: the rate over the clip goes from 2 to 3 units in 8 s
    edited = pd.concat([back, pd.DataFrame([{"start": 7.0, "end": 7.5, "label": "beat",
                                             "tier": ann.GESTURES}])], ignore_index=True)
    corrected = read(write(tmp_path / f"edited{suffix}", edited))
    units = ann.units_from_intervals(corrected)
    assert units["label"].tolist() == ["gesture", "gesture", "beat"]
    before = gesture_rate(ann.units_from_intervals(back), span=(0.0, DURATION))
    after = gesture_rate(units, span=(0.0, DURATION))
    assert before.iloc[0]["units_per_min"] == pytest.approx(2 / DURATION * 60)
    assert after.iloc[0]["units_per_min"] == pytest.approx(3 / DURATION * 60)


def test_kinematics_tiers_hold_every_submovement_hold_and_sector_run_of_the_table():
    from alloava_analysis.features import gestures
    from alloava_analysis.features.tiers import KINEMATICS_TIERS, kinematics_tiers

    table = pd.DataFrame({"submovements": [[[1.0, 1.3, 1.1], [1.3, 1.6, 1.45]], [[3.0, 3.4, 3.2]]],
                          "holds": [[[1.35, 1.55]], []],
                          "space": [[[1.0, 1.2, "centre"], [1.2, 1.6, "periphery"]], [[3.0, 3.4, "centre"]]]})
    tiers = kinematics_tiers(table)
    assert tiers.attrs["tiers"] == list(KINEMATICS_TIERS)
    assert tiers.groupby("tier").size().to_dict() == {"submovements": 3, "holds": 1, "gesture_space": 3}
    assert tiers.query("tier == 'gesture_space'")["label"].tolist() == ["centre", "periphery", "centre"]
    from alloava_analysis.errors import SchemaError

    with pytest.raises(SchemaError, match="details=True"):
        kinematics_tiers(table.drop(columns=["holds"]))
    assert set(gestures.DETAILS) == {"submovements", "holds", "space"}
