"""Motion features: cleaning, analytic kinematics, movement intensity, gesture units, camera cuts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.errors import ParameterError, SchemaError
from alloava_analysis.features import motion
from alloava_analysis.model import make_pose
from alloava_analysis.schema import get_layout
from alloava_analysis.synthetic import SynthConfig, synthesize_clip

FPS = 30.0
LAYOUT = get_layout("mediapipe_pose_33")
HANDS = list(LAYOUT.groups["hands"])


def _pose(n: int = 90, *, hand=None, fps: float = FPS, time=None, shoulder: float = 0.2, frame_size=None,
          confidence=None):
    """Still body (shoulders ``shoulder`` apart) whose hand keypoints follow ``hand(t) -> (x, y)``."""
    t = np.arange(n) / fps if time is None else np.asarray(time)
    pos = np.full((t.size, 2, 33), 0.5)
    li, ri = LAYOUT.index(["left_shoulder", "right_shoulder"])
    pos[:, 0, li], pos[:, 0, ri] = 0.5 + shoulder / 2, 0.5 - shoulder / 2
    if hand is not None:
        x, y = hand(t)
        for k in LAYOUT.index(HANDS):
            pos[:, 0, k], pos[:, 1, k] = x, y
    return make_pose(pos, time=t, layout="mediapipe_pose_33", fps=fps, frame_size=frame_size,
                     confidence=confidence)


def test_a_point_moving_on_a_line_has_its_known_speed_and_no_acceleration():
    vx, vy = 0.3, -0.4                                   # speed 0.5 units/s
    kin = motion.kinematics(_pose(hand=lambda t: (0.1 + vx * t, 0.9 + vy * t)))
    speed = kin["speed"].sel(keypoint="left_wrist").values[:, 0]
    np.testing.assert_allclose(speed, 0.5, rtol=1e-5)
    np.testing.assert_allclose(kin["velocity"].sel(keypoint="right_index").values[:, :, 0], [[vx, vy]] * 90,
                               rtol=1e-4)
    assert np.abs(kin["acceleration_magnitude"].sel(keypoint="left_wrist").values).max() < 1e-3
    assert np.abs(kin["speed"].sel(keypoint="nose").values).max() < 1e-12


def test_circular_motion_has_speed_r_omega_and_acceleration_r_omega_squared():
    r, omega = 0.1, 2 * np.pi * 0.5
    kin = motion.kinematics(_pose(300, hand=lambda t: (0.5 + r * np.cos(omega * t), 0.5 + r * np.sin(omega * t))))
    inner = slice(3, -3)
    np.testing.assert_allclose(kin["speed"].sel(keypoint="left_wrist").values[inner, 0], r * omega, rtol=0.01)
    np.testing.assert_allclose(kin["acceleration_magnitude"].sel(keypoint="left_wrist").values[inner, 0],
                               r * omega ** 2, rtol=0.01)
    np.testing.assert_allclose(kin["jerk_magnitude"].sel(keypoint="left_wrist").values[5:-5, 0],
                               r * omega ** 3, rtol=0.03)


def test_kinematics_use_the_real_timestamps_when_frames_are_uneven():
    rng = np.random.default_rng(0)
    t = np.cumsum(rng.uniform(0.02, 0.05, 100))
    kin = motion.kinematics(_pose(time=t, hand=lambda t: (0.2 * t, 0.0 * t)))
    np.testing.assert_allclose(kin["speed"].sel(keypoint="left_thumb").values[:, 0], 0.2, rtol=1e-4)


def test_normalised_coordinates_are_made_isotropic_with_the_frame_size():
    # 0.1 normalised units/s in x on a 1280-px-wide frame is 128 px/s; shoulders 0.2 * 1280 px apart
    ds = _pose(hand=lambda t: (0.1 * t, 0.5 + 0 * t), frame_size=(1280, 720))
    kin = motion.kinematics(ds)
    np.testing.assert_allclose(kin["speed"].sel(keypoint="left_wrist").values[:, 0], 128.0, rtol=1e-4)
    assert kin.attrs["units"] == "pixels"
    assert float(motion.shoulder_width(ds)[0]) == pytest.approx(0.2 * 1280, rel=1e-5)


def test_movement_intensity_is_speed_in_shoulder_widths_per_second():
    ds = _pose(60, hand=lambda t: (0.3 * t, 0.4 * t), shoulder=0.25)  # 0.5 units/s = 2 shoulder widths/s
    out = motion.movement_intensity(ds, group="hands")
    np.testing.assert_allclose(out["intensity"], 2.0, rtol=1e-4)
    assert out.attrs["clock"] == "video" and out.attrs["units"] == "shoulder widths / s"
    assert out.attrs["shoulder_width"] == pytest.approx(0.25, rel=1e-6)
    head = motion.movement_intensity(ds, group="head")
    np.testing.assert_allclose(head["intensity"], 0.0, atol=1e-6)
    raw = motion.movement_intensity(ds, group="hands", normalize=False)
    np.testing.assert_allclose(raw["intensity"], 0.5, rtol=1e-4)


def test_movement_intensity_ignores_low_confidence_and_missing_hands():
    n = 60
    conf = np.ones((n, 33))
    conf[10:40, LAYOUT.index(["left_wrist"])[0]] = 0.1        # unreliable: masked out
    ds = _pose(n, hand=lambda t: (0.2 * t, 0 * t), confidence=conf)
    out = motion.movement_intensity(ds, group="hands", max_gap_s=0.0)
    np.testing.assert_allclose(out["intensity"], 0.2 / 0.2, rtol=1e-4)
    assert out["n_keypoints"].min() == len(HANDS) - 1


def test_movement_intensity_requires_shoulders_and_known_groups():
    pos = np.full((10, 2, 33), 0.5)
    pos[:, :, LAYOUT.index(["left_shoulder"])[0]] = np.nan
    ds = make_pose(pos, time=np.arange(10) / FPS, layout="mediapipe_pose_33")
    with pytest.raises(ValueError, match="shoulders"):
        motion.movement_intensity(ds)
    with pytest.raises(ParameterError, match="group: expected one of .*'hands'.*; got 'tail'"):
        motion.movement_intensity(_pose(), group="tail")


def test_bounded_interpolation_fills_short_gaps_exactly_and_leaves_long_ones():
    n = 90
    ds = _pose(n, hand=lambda t: (0.1 + 0.2 * t, 0.5 + 0 * t))
    pos = ds["position"].values.copy()
    k = LAYOUT.index(["left_wrist"])[0]
    pos[10:14, :, k] = np.nan          # 4 frames: bracketing frames 5/30 s apart
    pos[40:70, :, k] = np.nan          # 1 s
    pos[:3, :, k] = np.nan             # leading edge
    ds["position"].values[:] = pos
    filled = motion.interpolate_gaps(ds, max_gap_s=0.2)
    x = filled["position"].values[:, 0, k, 0]
    np.testing.assert_allclose(x[10:14], 0.1 + 0.2 * np.arange(10, 14) / FPS, rtol=1e-6)
    assert np.isnan(x[40:70]).all() and np.isnan(x[:3]).all()
    assert filled.attrs["max_gap_s"] == 0.2


def test_savitzky_golay_keeps_polynomials_reduces_noise_and_respects_gaps():
    n = 120
    quad = _pose(n, hand=lambda t: (0.1 + 0.05 * t + 0.02 * t ** 2, 0.5 + 0 * t))
    sm = motion.smooth(quad, window_s=0.3, polyorder=2)
    np.testing.assert_allclose(sm["position"].values, quad["position"].values, atol=1e-6)

    rng = np.random.default_rng(0)
    noisy = quad.copy(deep=True)
    k = LAYOUT.index(["right_wrist"])[0]
    noisy["position"].values[:, 0, k, 0] += rng.normal(0, 0.01, n).astype(np.float32)
    noisy["position"].values[50:55, :, k, 0] = np.nan
    sm = motion.smooth(noisy, window_s=0.3)
    err_before = noisy["position"].values[:, 0, k, 0] - quad["position"].values[:, 0, k, 0]
    err_after = sm["position"].values[:, 0, k, 0] - quad["position"].values[:, 0, k, 0]
    assert np.nanstd(err_after) < 0.6 * np.nanstd(err_before)
    assert np.isnan(sm["position"].values[50:55, 0, k, 0]).all()
    assert np.isfinite(sm["position"].values[:50, 0, k, 0]).all()


def _series(values, fps=FPS):
    values = np.asarray(values, dtype=float)
    return pd.DataFrame({"time": np.arange(values.size) / fps, "intensity": values})


def test_gesture_units_use_hysteresis_merge_short_gaps_and_drop_short_blips():
    v = np.zeros(300)
    v[30:60] = 1.0                 # unit A (1 s)
    v[45:48] = 0.4                 # dip between low (0.3) and high (0.6): does not split A
    v[100:130] = 1.0               # unit B ...
    v[130:132] = 0.0               # ... a 2-frame drop (< merge_gap) ...
    v[132:150] = 1.0               # ... then it goes on: merged into B
    v[200:203] = 1.0               # 0.1 s blip: dropped (< min_duration)
    v[250:] = np.nan               # NaN ends nothing here but counts as below threshold
    units = motion.gesture_units(_series(v), high=0.6, low=0.3, min_duration_s=0.2, merge_gap_s=0.1,
                                 smooth_s=0, floor=None)      # the threshold mechanics alone
    assert len(units) == 2
    np.testing.assert_allclose(units["start"], [30 / FPS - 0.5 / FPS, 100 / FPS - 0.5 / FPS])
    np.testing.assert_allclose(units["duration"], [30 / FPS, 50 / FPS])
    assert units["peak"].tolist() == [1.0, 1.0]
    assert units.attrs["high"] == 0.6 and units.attrs["low"] == 0.3
    rate = motion.gesture_rate(units, span=(0.0, 10.0))
    assert rate["n_units"].tolist() == [2] and rate["units_per_min"].iloc[0] == pytest.approx(12.0)
    windows = motion.gesture_rate(units, span=(0.0, 10.0), window_s=5.0)
    assert windows["n_units"].tolist() == [2, 0] and (windows["clock"] == "video").all()


def test_the_noise_floor_keeps_jitter_and_still_hands_from_becoming_units():
    rng = np.random.default_rng(3)
    n = int(60 * FPS)
    # a still hand tracked with jitter: planar speed of white position noise (Rayleigh), mean ~0.3 sw/s
    jitter = np.hypot(*rng.normal(0, 0.25, (2, n)))
    assert jitter.max() > 1.0                                     # far above the fixed threshold of 0.6
    assert len(motion.gesture_units(_series(jitter), smooth_s=0, floor=None)) >= 3   # the old behaviour
    quiet = motion.gesture_units(_series(jitter))
    assert len(quiet) == 0 and quiet.attrs["noise_floor"] > 0
    # the same jitter with three planted gestures (1 s at 1.5 sw/s) on top: exactly those three
    v = jitter.copy()
    for start in (10, 30, 50):
        v[int(start * FPS):int((start + 1) * FPS)] += 1.5
    units = motion.gesture_units(_series(v))
    assert len(units) == 3
    np.testing.assert_allclose(units["start"], [10, 30, 50], atol=0.15)
    np.testing.assert_allclose(units["duration"], 1.0, atol=0.25)


def test_low_confidence_raises_the_floor_and_units_across_a_cut_are_dropped():
    rng = np.random.default_rng(4)
    n = int(30 * FPS)
    v = np.hypot(*rng.normal(0, 0.1, (2, n)))
    conf = np.full(n, 0.95)
    v[300:330] += 0.45                         # a real gesture, confidently tracked
    v[600:630] += 0.45                         # the same speed where the tracker is unsure (burst of jitter)
    conf[590:640] = 0.3
    table = pd.DataFrame({"time": np.arange(n) / FPS, "intensity": v, "confidence": conf})
    floor = motion.noise_floor(table)
    units = motion.gesture_units(table, high=0.3, floor=floor)
    assert units["start"].round().tolist() == [10.0]
    assert len(motion.gesture_units(table, high=0.3, floor=floor, confidence_floor=False)) == 2
    across = motion.gesture_units(table, high=0.3, floor=floor, cuts=[10.5])
    assert len(across) == 0 and across.attrs["n_excluded_cut"] == 1


def test_gesture_units_reject_inverted_thresholds():
    with pytest.raises(ValueError, match="low <= high"):
        motion.gesture_units(_series(np.zeros(10)), high=0.2, low=0.5)


def test_window_intensity_is_nan_where_tracking_is_mostly_missing():
    v = np.ones(300)
    v[150:290] = np.nan
    out = motion.window_intensity(_series(v), window_s=5.0)
    assert out["intensity"].iloc[0] == 1.0 and np.isnan(out["intensity"].iloc[1])
    assert out["coverage"].iloc[0] == 1.0 and out["coverage"].iloc[1] == pytest.approx(10 / 150)
    assert (out["window_s"] == 5.0).all() and (out["clock"] == "video").all()



def test_frame_level_windows_are_fully_covered_when_times_are_rounded():
    """Frame times rounded to 0.1 ms sit just before their window's start; coverage counts them by the frame middle."""
    t = np.round(np.arange(300) / 30.0, 4)
    table = pd.DataFrame({"time": t, "intensity": np.ones(t.size)})
    out = motion.window_intensity(table, window_s=1 / 30.0)
    assert (out["coverage"] == 1.0).all()
    assert (out["intensity"] == 1.0).all()

# --------------------------------------------------------------------------------------------
# planar by default, body-relative, settings
# --------------------------------------------------------------------------------------------
def _pose3d(n: int = 90, *, body=lambda t: (0 * t, 0 * t), hand=lambda t: (0 * t, 0 * t), z=None, seed=0):
    """Shoulders 0.2 apart; the whole body shifted by ``body(t)``, hands by ``body(t) + hand(t)``; z given."""
    t = np.arange(n) / FPS
    pos = np.full((n, 3, 33), 0.5)
    pos[:, 2] = 0.0
    li, ri = LAYOUT.index(["left_shoulder", "right_shoulder"])
    pos[:, 0, li], pos[:, 0, ri] = 0.6, 0.4
    bx, by = body(t)
    pos[:, 0] += bx[:, None]
    pos[:, 1] += by[:, None]
    hx, hy = hand(t)
    for k in LAYOUT.index(HANDS):
        pos[:, 0, k] += hx
        pos[:, 1, k] += hy
    if z is not None:
        pos[:, 2] = z(t, np.random.default_rng(seed))
    return make_pose(pos, time=t, layout="mediapipe_pose_33", fps=FPS)


def test_kinematics_are_planar_unless_z_is_asked_for():
    ds = _pose3d(hand=lambda t: (0.1 * t, 0 * t), z=lambda t, rng: np.tile((0.3 * t)[:, None], (1, 33)))
    planar = motion.kinematics(ds)
    assert list(planar["velocity"]["space"].values) == ["x", "y"] and planar.attrs["use_z"] == 0
    np.testing.assert_allclose(planar["speed"].sel(keypoint="left_wrist").values[:, 0], 0.1, rtol=1e-4)
    full = motion.kinematics(ds, use_z=True)
    np.testing.assert_allclose(full["speed"].sel(keypoint="left_wrist").values[:, 0], np.hypot(0.1, 0.3),
                               rtol=1e-4)
    with pytest.raises(ValueError, match="use_z"):
        motion.kinematics(ds, use_z="yes")


def test_noisy_depth_inflates_intensity_only_with_use_z():
    ds = _pose3d(body=lambda t: (0.05 * t, 0 * t),
                 z=lambda t, rng: rng.normal(0, 0.02, (t.size, 33)))   # MediaPipe-like noisy relative depth
    planar = motion.movement_intensity(ds, group="head")
    np.testing.assert_allclose(planar["intensity"], 0.05 / 0.2, rtol=1e-3)
    with_z = motion.movement_intensity(ds, group="head", use_z=True)
    assert with_z["intensity"].mean() > 4 * planar["intensity"].mean()
    assert planar.attrs["use_z"] is False and with_z.attrs["use_z"] is True


def test_body_relative_intensity_removes_rigid_body_and_camera_motion():
    # the whole body (a camera pan) moves at 0.1 units/s = 0.5 shoulder widths/s; the hands also gesture at 0.1
    ds = _pose3d(body=lambda t: (0.1 * t, 0 * t), hand=lambda t: (0 * t, 0.1 * t))
    body = motion.movement_intensity(ds, group="hands")            # default for hands: body-relative
    assert body.attrs["relative_to"] == "body"
    np.testing.assert_allclose(body["intensity"], 0.1 / 0.2, rtol=1e-4)
    image = motion.movement_intensity(ds, group="hands", relative_to="image")
    np.testing.assert_allclose(image["intensity"], np.hypot(0.1, 0.1) / 0.2, rtol=1e-4)
    head = motion.movement_intensity(ds, group="head")              # default for the head: image plane
    assert head.attrs["relative_to"] == "image"
    np.testing.assert_allclose(head["intensity"], 0.5, rtol=1e-4)
    still = motion.movement_intensity(_pose3d(body=lambda t: (0.1 * t, 0 * t)), group="arms")
    np.testing.assert_allclose(still["intensity"], 0.0, atol=1e-5)


def test_points_outside_the_frame_are_not_measured():
    # a hand the tracker places below the bottom edge (a guess) wanders; it is left out like a hidden point
    ds = _pose3d(hand=lambda t: (0.05 * np.sin(9 * t), 0.55 + 0 * t))   # y = 1.05: outside the frame
    assert np.isnan(motion.movement_intensity(ds, group="hands")["intensity"]).all()
    kept = motion.movement_intensity(_pose3d(hand=lambda t: (0.05 * np.sin(9 * t), 0.3 + 0 * t)), group="hands")
    assert np.isfinite(kept["intensity"]).all()
    assert motion.clean_pose(ds, frame_margin=None)["position"].notnull().all()


@pytest.mark.parametrize("kwargs, match", [
    ({"relative_to": "torso"}, r"relative_to: expected one of 'auto', 'body', 'image'; got 'torso'"),
    ({"cut_handling": "drop"}, r"cut_handling: expected one of 'exclude', 'ignore'"),
    ({"cut_source": "camera"}, r"cut_source: expected one of 'auto', 'video', 'pose'"),
    ({"cut_jump": 0}, r"cut_jump"),
])
def test_motion_settings_reject_unknown_options_listing_the_allowed_ones(kwargs, match):
    from alloava_analysis.errors import ParameterError

    with pytest.raises(ParameterError, match=match):
        motion.MotionSettings(**kwargs)


def test_movement_intensity_rejects_unknown_reference():
    with pytest.raises(ValueError, match="'auto', 'body', 'image'"):
        motion.movement_intensity(_pose(), relative_to="world")


def test_motion_settings_record_what_they_resolve_to():
    d = motion.MotionSettings().to_dict("hands")
    assert d["use_z"] is False and d["relative_to"] == "auto" and d["relative_to_resolved"] == "body"
    assert d["cut_handling"] == "exclude" and "shoulder midpoint" in d["measure"]
    assert motion.MotionSettings(relative_to="image", smooth_s=0.25).intensity_options("hands") == {
        "use_z": False, "relative_to": "image", "confidence_threshold": 0.5, "max_gap_s": 0.2, "smooth_s": 0.25}
    assert motion.MotionSettings().reference("head") == "image"


@pytest.mark.parametrize("name, bad", [("confidence_threshold", 1.5), ("max_gap_s", -0.1), ("smooth_s", -1.0)])
def test_pose_cleaning_is_part_of_the_motion_settings_and_checked_there(name, bad):
    with pytest.raises(ParameterError, match=name):
        motion.MotionSettings(**{name: bad})
    ds = _pose(hand=lambda t: (0.5 + 0.1 * np.sin(2 * np.pi * 2 * t), 0.5 + 0.05 * np.cos(2 * np.pi * 5 * t)))
    by_settings = motion.movement_intensity(ds, **motion.MotionSettings(smooth_s=0.3).intensity_options("hands"))
    by_hand = motion.movement_intensity(ds, group="hands", relative_to="body", smooth_s=0.3)
    pd.testing.assert_frame_equal(by_settings, by_hand)
    assert not by_settings["intensity"].equals(motion.movement_intensity(ds, group="hands")["intensity"])


def test_body_relative_needs_shoulders():
    pos = np.random.default_rng(0).random((20, 2, 42))
    ds = make_pose(pos, time=np.arange(20) / FPS, layout="mediapipe_hands_42")
    with pytest.raises(ValueError, match="relative_to='image'"):
        motion.movement_intensity(ds, group="left_hand", relative_to="body", normalize=False)


def _ease(t, t0, t1, a, b):
    """Smooth (cosine) move from ``a`` to ``b`` between ``t0`` and ``t1``; ``a`` before, ``b`` after."""
    u = np.clip((t - t0) / (t1 - t0), 0, 1)
    return a + (b - a) * (1 - np.cos(np.pi * u)) / 2


def _two_gestures(t):
    """Rest at y=0.9; gesture 1 (2.0-4.3 s) with a 0.6 s hold and a slow drift; rest; gesture 2 (6.0-6.8 s)."""
    rng = np.random.default_rng(7)
    y = np.full(t.size, 0.9)
    x = np.full(t.size, 0.5)
    g1 = (t >= 2.0) & (t < 4.3)
    y = np.where(g1, _ease(t, 2.0, 2.4, 0.9, 0.6) + _ease(t, 3.9, 4.3, 0.0, 0.3), y)
    x = np.where(g1, _ease(t, 3.0, 3.3, 0.5, 0.6) + _ease(t, 3.3, 3.9, 0.0, 0.02) + _ease(t, 3.9, 4.3, 0.0, -0.12),
                 x)
    g2 = (t >= 6.0) & (t < 6.8)
    y = np.where(g2, _ease(t, 6.0, 6.4, 0.9, 0.65) + _ease(t, 6.4, 6.8, 0.0, 0.25), y)
    return x + rng.normal(0, 0.0008, t.size), y + rng.normal(0, 0.0008, t.size)


def test_a_hold_or_slow_phase_away_from_rest_does_not_split_a_unit_but_a_return_to_rest_does():
    hands = motion.movement_intensity(_pose(int(10 * FPS), hand=_two_gestures))
    units = motion.gesture_units(hands)
    assert len(units) == 2
    np.testing.assert_allclose(units["start"], [2.0, 6.0], atol=0.1)      # where the hand leaves rest
    np.testing.assert_allclose(units["end"], [4.3, 6.8], atol=0.15)       # where it is back
    assert (hands["rest_distance"][(hands["time"] > 2.5) & (hands["time"] < 2.9)] > 1.0).all()   # the hold
    assert (hands["rest_distance"][hands["time"] < 1.9] < 0.1).all()
    speed_only = motion.gesture_units(hands, rest=None)
    assert len(speed_only) >= 3                                            # the hold splits the first gesture


def test_a_hand_out_of_view_rests_and_the_floor_follows_the_trackers_jitter():
    sigma = 0.002                                                          # position noise, 0.01 shoulder widths
    rng = np.random.default_rng(8)
    still = motion.movement_intensity(_pose(300, hand=lambda t: (0.5 + rng.normal(0, sigma, t.size),
                                                                  0.8 + rng.normal(0, sigma, t.size))))
    truth = sigma / 0.2 / (np.sqrt(2) / FPS)                               # per-axis speed noise, sw/s
    assert still.attrs["jitter"] == pytest.approx(truth, rel=0.15)
    # a short clip that never rests: its stillness is movement, the jitter keeps the floor low
    moving = still.copy()
    moving["intensity"] = 1.0 + 0.5 * np.sin(np.arange(300) / 5.0)
    moving["rest_distance"] = np.inf                                        # tracked, never seen resting
    assert motion.noise_floor(moving) == pytest.approx(2.25 * still.attrs["jitter"])
    assert motion.noise_floor(moving, jitter_factor=None) > 1.0
    # hands untracked (outside the picture) before and after: that is rest, so the unit spans the whole excursion
    conf = np.ones((300, 33))
    conf[:60, LAYOUT.index(HANDS)] = conf[200:, LAYOUT.index(HANDS)] = 0.0
    pose = _pose(300, hand=lambda t: (0.5 + 0.1 * np.sin(2 * np.pi * t), 0.6 + 0 * t), confidence=conf)
    units = motion.gesture_units(motion.movement_intensity(pose))
    assert len(units) == 1
    np.testing.assert_allclose(units[["start", "end"]].to_numpy()[0], [60 / FPS, 200 / FPS], atol=0.1)

# --------------------------------------------------------------------------------------------
# cuts seen in the frames and in the pose are combined; neither source silences the other (issue 27)
# --------------------------------------------------------------------------------------------
CUT_CONFIG = SynthConfig(duration_s=(40.0, 40.0), cut_rate_per_min=4.0)


@pytest.fixture(scope="module")
def cut_clip():
    sc = synthesize_clip(2, seed=5, config=CUT_CONFIG, audio=False)
    truth = np.asarray(sc.truth["shot_cuts_s"])
    assert truth.size >= 2
    return sc.clip.pose, truth


def _record(times: list[float], frames: list[int] | None = None, support: list[int] | None = None) -> dict:
    rec = {"method": "frame_structure", "times_s": times}
    if frames is not None:
        rec["frames"] = frames
    if support is not None:
        rec["support_frames"] = support
    return {"shot_cuts": rec}


def test_an_empty_list_from_the_frames_does_not_silence_the_pose(cut_clip):
    pose, truth = cut_clip
    table = motion.shot_cut_table(pose, metadata=_record([], []))
    assert table.attrs["source"] == "video+pose" and len(table) == truth.size
    assert np.abs(table["time"].to_numpy() - truth).max() <= 1.01 / CUT_CONFIG.fps
    assert all(ev == ["pose"] for ev in table["evidence"])
    cuts, source = motion.shot_cuts(pose, metadata=_record([], []))
    assert source == "video+pose" and np.array_equal(cuts, table["time"].to_numpy())


def test_a_cut_both_saw_is_one_cut_with_both_evidence_and_the_frames_time(cut_clip):
    pose, truth = cut_clip
    t = pose["time"].values
    first = int(np.searchsorted(t, truth[0]))                      # first frame after the first cut
    exact = float((t[first - 1] + t[first]) / 2)
    only_frames = 5.0 + 0.5 / CUT_CONFIG.fps                               # a cut the pose did not see
    table = motion.shot_cut_table(pose, metadata=_record([only_frames, exact]))   # an old record: no "frames"
    assert len(table) == truth.size + 1
    both = table.loc[table["frame"] == first].iloc[0]
    assert both["evidence"] == ["frames", "pose"] and both["time"] == exact
    assert table.loc[np.isclose(table["time"], only_frames), "evidence"].tolist() == [["frames"]]
    video_only = motion.shot_cut_table(pose, settings=motion.MotionSettings(cut_source="video"),
                                       metadata=_record([only_frames, exact]))
    assert video_only.attrs["source"] == "video" and len(video_only) == 2
    assert motion.cut_evidence_counts(table["evidence"]) == {"frames": 1, "frames+pose": 1,
                                                             "pose": truth.size - 1}


def test_without_a_record_auto_uses_the_pose_and_video_refuses(cut_clip):
    pose, truth = cut_clip
    table = motion.shot_cut_table(pose)
    assert table.attrs["source"] == "pose" and len(table) == truth.size
    with pytest.raises(SchemaError, match="metadata\\['shot_cuts'\\]"):
        motion.shot_cut_table(pose, settings=motion.MotionSettings(cut_source="video"))
    ignored = motion.shot_cut_table(pose, settings=motion.MotionSettings(cut_handling="ignore"))
    assert ignored.empty and ignored.attrs["source"] == "none"


def test_when_the_frames_were_checked_a_pose_cut_needs_a_change_of_the_picture_at_its_step(cut_clip):
    pose, truth = cut_clip
    first = np.searchsorted(pose["time"].values, truth)               # first frame of each new shot
    backed = motion.shot_cut_table(pose, metadata=_record([], [], support=[int(first[0]) - 1, 7]))
    assert backed["frame"].tolist() == [first[0]] and backed["evidence"].tolist() == [["frame_support", "pose"]]
    assert backed.attrs["pose_unconfirmed"] == [int(f) for f in first[1:]]
    unbacked = motion.shot_cut_table(pose, metadata=_record([], [], support=[]))
    assert unbacked.empty and unbacked.attrs["source"] == "video+pose"
    assert motion.recorded_support_frames(_record([], [], support=[9, 3])).tolist() == [3, 9]
    assert motion.recorded_support_frames(_record([], [])) is None and motion.recorded_support_frames({}) is None


def test_combining_matches_within_the_tolerance_one_to_one():
    frames = pd.DataFrame({"time": [1.0, 2.0], "frame": [30, 60]})
    pose = pd.DataFrame({"time": [1.02, 1.05, 3.0], "frame": [31, 32, 90]})
    table = motion.combine_cuts(frames, pose)
    assert table["frame"].tolist() == [30, 32, 60, 90]
    assert table["evidence"].tolist() == [["frames", "pose"], ["pose"], ["frames"], ["pose"]]
    assert motion.combine_cuts(frames, pose, tolerance=0)["evidence"].tolist()[0] == ["frames"]
    checked = motion.combine_cuts(frames, pose, support=np.array([33, 89]))
    assert checked["frame"].tolist() == [30, 32, 60, 90] and checked.attrs["pose_unconfirmed"] == []
    assert checked["evidence"].tolist()[1] == ["frame_support", "pose"]
    strict = motion.combine_cuts(frames, pose, support=np.array([], dtype=int))
    assert strict["frame"].tolist() == [30, 60] and strict.attrs["pose_unconfirmed"] == [32, 90]
