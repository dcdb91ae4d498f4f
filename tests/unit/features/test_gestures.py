"""Per-gesture kinematics: planted submovements, holds and gesture-space positions recovered; real tracks plausible."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.features import gestures
from alloava_analysis.model import make_pose
from alloava_analysis.schema import get_layout

FPS = 30.0
SHOULDER = 0.2                      # shoulder width in normalised image units
LAYOUT = get_layout("mediapipe_pose_33")
REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real"


def _min_jerk(p0, p1, n):
    """``n`` frames of a minimum-jerk movement from ``p0`` to ``p1`` (bell-shaped speed, one peak mid-way)."""
    tau = (np.arange(n) + 1) / n
    s = 10 * tau ** 3 - 15 * tau ** 4 + 6 * tau ** 5
    return np.asarray(p0)[None, :] + s[:, None] * (np.asarray(p1) - np.asarray(p0))[None, :]


def _plan(rest, steps):
    """A right-hand path (torso coordinates, shoulder widths) from ``rest`` through ``steps``.

    ``steps``: ``("move", target, seconds)`` or ``("hold", seconds)``; returns (path, planted) where
    planted lists the peak time of every move and the (start, end) of every hold.
    """
    path = [np.tile(rest, (int(FPS), 1))]            # one second at rest
    peaks, holds, here = [], [], np.asarray(rest, float)
    for step in steps:
        t0 = sum(len(p) for p in path) / FPS
        if step[0] == "move":
            n = int(round(step[2] * FPS))
            path.append(_min_jerk(here, step[1], n))
            peaks.append(t0 + (n / 2 - 0.5) / FPS)
            here = np.asarray(step[1], float)
        else:
            n = int(round(step[1] * FPS))
            path.append(np.tile(here, (n, 1)))
            holds.append((t0, t0 + n / FPS))
    path.append(np.tile(here, (int(FPS), 1)))
    return np.concatenate(path), {"peaks": peaks, "holds": holds}


def _pose(path_right, *, scale: float = 1.0, offset=(0.0, 0.0), noise: float = 0.0, seed: int = 0):
    """Upright speaker, shoulders ``SHOULDER`` apart, right hand keypoints on ``path_right`` (torso coordinates).

    Torso coordinates: x towards the speaker's left (image right), y up (image up), in shoulder
    widths from the shoulder midpoint; ``scale`` and ``offset`` move the camera (zoom, pan).
    """
    n = len(path_right)
    t = np.arange(n) / FPS
    centre = np.array([0.5, 0.4])
    pos = np.full((n, 2, 33), np.nan)
    li, ri, lw, rw = LAYOUT.index(["left_shoulder", "right_shoulder", "left_wrist", "right_wrist"])
    pos[:, :, li] = centre + [SHOULDER / 2, 0]
    pos[:, :, ri] = centre - [SHOULDER / 2, 0]
    pos[:, :, lw] = centre + [0.4 * SHOULDER, 1.6 * SHOULDER]    # left hand resting low (image y down)
    for name, (dx, dy) in {"nose": (0, -0.8), "left_eye": (0.15, -0.95), "right_eye": (-0.15, -0.95),
                           "left_hip": (0.4, 1.5), "right_hip": (-0.4, 1.5)}.items():
        pos[:, :, LAYOUT.index([name])[0]] = centre + [dx * SHOULDER, dy * SHOULDER]  # still head and hips
    for k in LAYOUT.index(["right_wrist", "right_index", "right_pinky", "right_thumb"]):
        pos[:, 0, k] = centre[0] + path_right[:, 0] * SHOULDER
        pos[:, 1, k] = centre[1] - path_right[:, 1] * SHOULDER
    if noise:
        pos = pos + np.random.default_rng(seed).normal(0, noise * SHOULDER, pos.shape)
    pos = (pos - 0.5) * scale + 0.5 + np.asarray(offset)[None, :, None]
    keep = ~np.isnan(pos[0, 0])
    names = [k for k, ok in zip(LAYOUT.keypoints, keep) if ok]
    return make_pose(pos[:, :, keep], time=t, layout="mediapipe_pose_33", keypoints=names, fps=FPS)


REST = (-0.4, -1.6)


def test_planted_submovements_and_a_hold_are_recovered_exactly():
    path, planted = _plan(REST, [("move", (-0.3, 0.2), 0.5), ("move", (-1.2, 0.4), 0.4), ("hold", 0.6),
                                 ("move", REST, 0.6)])
    table = gestures.gesture_table(_pose(path), clip_id="c", details=True)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["n_submovements"] == 3 and row["n_holds"] == 1
    found = [p for _, _, p in row["submovements"]]
    np.testing.assert_allclose(found, planted["peaks"], atol=1.5 / FPS)
    (h0, h1), = row["holds"]
    p0, p1 = planted["holds"][0]
    edge = gestures.GestureSettings().smooth_s / 2 + 1 / FPS     # the speed is smoothed over 0.2 s
    assert abs(h0 - p0) <= edge and abs(h1 - p1) <= edge
    assert row["hold_s"] == pytest.approx(h1 - h0)
    assert row["hands"] == "right" and row["lead_hand"] == "right"
    assert row["peak_time_s"] in found
    # amplitude: farthest from rest is (-1.2, 0.4), 2.06 shoulder widths from (-0.4, -1.6); vertical 2.0
    assert row["amplitude"] == pytest.approx(np.hypot(0.8, 2.0), rel=0.02)
    assert row["vertical_amplitude"] == pytest.approx(2.0, rel=0.02)
    assert table.attrs["units"]["amplitude"] == "shoulder widths"
    assert table.attrs["units"]["peak_time_s"] == "s"


@pytest.mark.parametrize("n_moves", [1, 2, 4])
def test_the_number_of_planted_strokes_is_the_number_of_submovements(n_moves):
    targets = [(-0.8, 0.3), (-0.2, 0.5)] * 2
    steps = [("move", targets[i], 0.45) for i in range(n_moves)] + [("move", REST, 0.5)]
    table = gestures.gesture_table(_pose(_plan(REST, steps)[0]))
    assert table["n_submovements"].tolist() == [n_moves + 1]
    assert table["n_holds"].tolist() == [0]


def test_submovements_closer_than_the_minimum_separation_are_one():
    t = np.arange(60) / FPS
    speed = np.exp(-((t - 0.9) / 0.05) ** 2) + np.exp(-((t - 1.05) / 0.05) ** 2)  # peaks 0.15 s apart
    assert len(gestures.find_submovements(t, speed)) == 1
    settings = gestures.GestureSettings(submovement_min_separation_s=0.1)
    assert len(gestures.find_submovements(t, speed, settings=settings)) == 2
    flat = gestures.GestureSettings(submovement_prominence=5.0)
    assert len(gestures.find_submovements(t, speed, settings=flat)) == 0


def test_a_hold_shorter_than_the_minimum_is_no_hold():
    t = np.arange(90) / FPS
    speed = np.where((t > 1.0) & (t < 1.0 + 0.15), 0.0, 1.0)
    assert gestures.find_holds(t, speed).empty
    longer = gestures.find_holds(t, speed, settings=gestures.GestureSettings(hold_min_s=0.1))
    assert len(longer) == 1 and longer["duration_s"].iloc[0] == pytest.approx(4 / FPS)   # frames 31-34


@pytest.mark.parametrize(("x", "y", "sector", "upper", "left"), [
    (0.0, -0.7, "centre_centre", False, False),      # chest centre: the torso centre itself
    (0.3, -0.4, "centre_centre", True, True),
    (-0.8, -0.7, "centre", False, False),
    (0.0, 0.2, "centre", True, False),
    (1.3, -0.2, "periphery", True, True),
    (-0.2, -2.1, "periphery", False, False),
    (2.0, 0.0, "extreme_periphery", True, True),
    (0.0, 1.2, "extreme_periphery", True, False),
])
def test_known_positions_fall_in_mcneills_sectors(x, y, sector, upper, left):
    out = gestures.gesture_space(np.array([x]), np.array([y]))
    assert out["sector"].iloc[0] == sector
    assert bool(out["upper"].iloc[0]) == upper
    assert bool(out["left"].iloc[0]) == left or x == 0.0


def test_a_hand_held_in_a_known_sector_fills_it_and_camera_distance_changes_nothing():
    held = (-1.25, 0.1)                                  # speaker's right, above the torso centre: periphery
    path, _ = _plan(REST, [("move", held, 0.4), ("hold", 2.0), ("move", REST, 0.4)])
    near = gestures.gesture_table(_pose(path))
    far = gestures.gesture_table(_pose(path, scale=0.5, offset=(0.1, -0.05)))
    assert near["dominant_sector"].tolist() == ["periphery"]
    assert near["share_periphery"].iloc[0] > 0.6 and near["share_right"].iloc[0] > 0.95
    assert near["share_upper"].iloc[0] > 0.6
    measures = ["amplitude", "vertical_amplitude", "path_length", "peak_speed", "n_submovements", "n_holds",
                "share_periphery", "share_centre", "share_upper", "share_right"]
    pd.testing.assert_frame_equal(near[measures], far[measures], rtol=0.03, atol=0.03)  # at most a frame apart


def test_a_still_raised_hand_has_holds_and_no_submovements():
    path = np.tile((-1.0, 0.5), (150, 1))                # five seconds held up, with tracking jitter
    pose = _pose(path, noise=0.003, seed=3)
    right = gestures.hand_tracks(pose)["right"]
    t, v = right["time"].to_numpy(), right["speed"].to_numpy()
    assert len(gestures.find_submovements(t, v)) == 0
    floor = gestures.motion.noise_floor(gestures.motion.movement_intensity(pose))  # as gesture_table raises it
    holds = gestures.find_holds(t, v, threshold=max(0.2, floor))
    assert len(holds) == 1 and holds["duration_s"].iloc[0] > 4.5
    assert gestures.gesture_table(pose).empty            # and it is no gesture unit


def test_the_table_has_the_join_columns_and_one_row_per_unit():
    path, _ = _plan(REST, [("move", (-0.5, 0.3), 0.4), ("move", REST, 0.4), ("hold", 1.0),
                           ("move", (-0.9, 0.0), 0.4), ("move", REST, 0.4)])
    table = gestures.gesture_table(_pose(path), clip_id="clip1", speaker_id="spk")
    assert list(table.columns) == list(gestures.COLUMNS)
    assert len(table) == 2 and table["unit"].tolist() == [0, 1]
    assert (table["clip_id"] == "clip1").all() and (table["speaker_id"] == "spk").all()
    assert ((table["peak_time_s"] > table["start_s"]) & (table["peak_time_s"] < table["end_s"])).all()
    assert set(gestures.TABLE_UNITS) <= set(table.columns)


def test_bad_settings_are_parameter_errors():
    with pytest.raises(ParameterError, match="hold_speed"):
        gestures.GestureSettings(hold_speed=0)
    with pytest.raises(ParameterError, match="periphery_half_width"):
        gestures.GestureSettings(periphery_half_width=0.9)
    with pytest.raises(ParameterError, match="group"):
        gestures.GestureSettings(group="head")
    with pytest.raises(ParameterError, match="motion"):
        gestures.GestureSettings(motion="body")


# -- real tracks ------------------------------------------------------------------------------
def test_real_signer_signs_in_front_of_the_chest_with_the_right_hand():
    from alloava_analysis.io.extraction import read_pose_dataset

    table = gestures.gesture_table(read_pose_dataset(REAL / "signer_holistic.parquet"))
    assert len(table) >= 1
    assert (table["lead_hand"] == "right").all()           # only her right hand is ever detected
    assert (table["share_right"] > 0.9).all()               # on her right of the torso centre
    assert (table["share_centre_centre"] + table["share_centre"] > 0.9).all()  # signing space: the chest
    assert table["amplitude"].between(0.2, 3.0).all()       # shoulder widths: an arm's reach at most


def test_real_uci_holds_fall_where_the_annotator_marked_holds_not_strokes():
    """UCI Gesture Phase Segmentation: a specialist's Hold frames are slow, Stroke frames are not."""
    from scripts import measure_gesture_units as gu

    data = pd.read_parquet(REAL / "gesture_phases_uci.parquet")
    covered = {"Hold": [], "Stroke": []}
    peaks = {"Hold": 0, "Stroke": 0}
    for rec in sorted(data["clip"].unique()):
        pose, frames = gu.kinect_pose(data[data["clip"] == rec])
        tracks = gestures.hand_tracks(pose)
        t = tracks["left"]["time"].to_numpy()
        v = np.fmax(tracks["left"]["speed"].to_numpy(), tracks["right"]["speed"].to_numpy())
        inten = gestures.motion.movement_intensity(pose)
        floor = gestures.motion.noise_floor(inten)
        holds = gestures.find_holds(t, v, threshold=max(0.2, floor))
        in_hold = np.zeros(t.size, bool)
        for a, b in zip(holds["start_s"], holds["end_s"]):
            in_hold |= (t > a) & (t < b)
        is_peak = np.zeros(t.size, bool)
        is_peak[gestures.find_submovements(t, v)] = True
        phase = frames["phase"].to_numpy()
        for name in covered:
            covered[name].append(in_hold[phase == name])
            peaks[name] += int(is_peak[phase == name].sum())
    hold_cover = np.concatenate(covered["Hold"]).mean()
    stroke_cover = np.concatenate(covered["Stroke"]).mean()
    assert hold_cover > 0.2 and stroke_cover < 0.05          # measured: 0.28 and 0.03
    per_frame = {k: peaks[k] / np.concatenate(covered[k]).size for k in peaks}
    assert per_frame["Hold"] < 0.5 * per_frame["Stroke"]     # held hands peak far less often than strokes


def test_torso_coordinates_follow_the_body_whatever_the_camera_does():
    """Shoulders at (+-0.5, 0); a rolled, zoomed and panned camera changes no coordinate."""
    path, _ = _plan(REST, [("move", (-1.0, 0.5), 0.5), ("move", REST, 0.5)])
    straight = gestures.torso_coordinates(_pose(path))
    np.testing.assert_allclose(straight.sel(keypoint="left_shoulder").values, [[0.5, 0.0]] * len(path), atol=1e-5)
    np.testing.assert_allclose(straight.sel(keypoint="right_wrist").values, path, atol=1e-5)
    pose = _pose(path, scale=0.6, offset=(0.05, 0.1))
    angle = np.deg2rad(15)                                  # roll the camera by 15 degrees about the image centre
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    pos = pose["position"].values
    pose["position"].values[:] = np.einsum("ij,tjkn->tikn", rot, pos - 0.5) + 0.5
    np.testing.assert_allclose(gestures.torso_coordinates(pose).values, straight.values, atol=1e-4)
