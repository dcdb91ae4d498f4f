"""Camera cuts from frame thumbnails (extract/shots.py): analytic frames and spliced real recordings."""
from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from alloava_analysis.errors import ParameterError
from alloava_analysis.extract.shots import ShotDetector, detect_video_cuts, frame_thumbnail, thumbnail_changes
from alloava_analysis.synthetic.cuts import angle_cut, dim, jump_cut

CUTS = Path(__file__).resolve().parents[2] / "fixtures" / "real" / "cuts"


def _scene(seed: int, shift: int = 0, size: int = 128) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (size // 16, size // 16, 3), dtype=np.uint8)
    image = np.kron(base, np.ones((16, 16, 1), dtype=np.uint8))            # blocks: a textured "scene"
    return np.roll(image, shift, axis=1)


def _read(name: str) -> np.ndarray:
    with av.open(str(CUTS / f"{name}.mp4")) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])


def _cuts(frames: np.ndarray, fps: float = 30.0) -> dict:
    detector = ShotDetector()
    for i, frame in enumerate(frames):
        detector.add(i / fps, frame)
    return detector.result()


def test_thumbnails_are_standardised_and_ignore_the_light():
    thumb = frame_thumbnail(_scene(0))
    assert thumb.shape == (18 * 24,) and thumb.mean() == pytest.approx(0, abs=1e-5)
    assert thumb.std() == pytest.approx(1, abs=1e-4)
    darker = (_scene(0) * 0.5).astype(np.uint8)
    assert np.abs(frame_thumbnail(darker) - thumb).mean() < 0.02
    assert not frame_thumbnail(np.full((48, 64, 3), 7, np.uint8)).any()            # flat: all zeros, no NaN
    with pytest.raises(ParameterError, match="at least 36 x 48"):
        frame_thumbnail(np.zeros((20, 20, 3), np.uint8))


def test_a_pan_over_one_scene_is_no_cut_and_a_change_of_scene_is_one_at_its_frame():
    frames = [_scene(1 if i < 30 else 2, shift=2 * i) for i in range(60)]   # panning; new scene at frame 30
    found = _cuts(np.stack(frames), fps=25.0)
    assert found["method"] == "frame_structure" and found["n_frames"] == 60
    assert found["frames"] == [30] and found["times_s"] == [pytest.approx((29 + 30) / 2 / 25.0)]
    still = _cuts(np.stack([_scene(1, shift=2 * i) for i in range(60)]), fps=25.0)
    assert still["times_s"] == [] and still["frames"] == []
    assert detect_video_cuts(np.arange(2) / 25.0, np.zeros((2, 432)))["times_s"] == []


def test_a_repeated_frame_next_to_a_fast_movement_is_no_cut():
    # still, a fast pan for 2/3 s, still; 15 fps delivered at 30 fps (every frame twice), so every step of
    # the pan sits between two steps without change (compared with one step on either side, each is a "cut")
    moving = [_scene(3, shift=4 * (min(max(i, 20), 40) // 2)) for i in range(60)]
    assert _cuts(np.stack(moving))["frames"] == []


def test_cuts_between_two_angles_of_one_real_recording_are_found_at_their_frame():
    book = _read("book")
    assert _cuts(book)["frames"] == []                                        # the recording as filmed
    wide_to_close = _cuts(angle_cut(book, 40))
    close_to_wide = _cuts(angle_cut(book, 70, reverse=True))
    assert wide_to_close["frames"] == [40] and close_to_wide["frames"] == [70]
    assert wide_to_close["times_s"] == [pytest.approx(39.5 / 30)]


def test_a_jump_cut_between_two_recordings_of_one_person_in_one_room_is_found():
    spliced = jump_cut(_read("book"), _read("learn"), 40, 0)
    assert _cuts(spliced)["frames"] == [40]
    changes = thumbnail_changes(np.stack([frame_thumbnail(f) for f in spliced]))
    assert changes.argmax() == 39                                             # the step into frame 40


def test_dimming_the_light_of_a_real_recording_is_no_cut():
    assert _cuts(dim(_read("book"), at=40, ramp=3, gain=0.5))["frames"] == []


def test_weaker_changes_are_kept_as_support_for_pose_cuts_and_a_pan_gives_none():
    sign = np.where(np.arange(432) % 2, 1.0, -1.0)
    steps = np.full(59, 0.02)
    steps[20], steps[40] = 0.05, 0.3                  # 2.5 x its neighbours (no cut); 15 x (a cut)
    thumbs = np.concatenate([[0.0], np.cumsum(steps)])[:, None] * sign[None, :]
    found = detect_video_cuts(np.arange(60) / 30.0, thumbs)
    assert found["frames"] == [41] and found["support_frames"] == [21, 41] and found["support_ratio"] == 2.0
    assert detect_video_cuts(np.arange(60) / 30.0, thumbs, support_ratio=3.0)["support_frames"] == [41]
    panning = _cuts(np.stack([_scene(1, shift=2 * i) for i in range(60)]), fps=25.0)
    assert panning["support_frames"] == []
    with pytest.raises(ParameterError, match="support_ratio"):
        detect_video_cuts(np.arange(60) / 30.0, thumbs, support_ratio=0.5)
