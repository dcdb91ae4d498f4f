"""Known-answer cuts and camera moves built from frames (synthetic/cuts.py)."""
from __future__ import annotations

import numpy as np
import pytest

from alloava_analysis.synthetic.cuts import angle_cut, cut_cases, dim, jump_cut, pan, shake, uncut_cases, view, zoom

RNG = np.random.default_rng(0)
FRAMES = np.kron(RNG.integers(0, 256, (8, 6, 8, 3)), np.ones((1, 8, 8, 1))).astype(np.uint8)  # 8 frames 48 x 64


def test_a_view_at_scale_one_is_the_frame_and_a_closer_view_enlarges_its_centre():
    assert np.array_equal(view(FRAMES[0], scale=1.0), FRAMES[0])
    close = view(FRAMES[0], scale=2.0, centre=(0.5, 0.5))
    assert close.shape == FRAMES[0].shape
    # output pixel (i, j) shows the crop (top 12, left 16) at (12 + (i + 0.5) / 2 - 0.5, 16 + (j + 0.5) / 2 - 0.5)
    assert np.array_equal(close[20, 30], FRAMES[0][21, 30]) and np.array_equal(close[4, 4], FRAMES[0][13, 17])
    stack = view(FRAMES, scale=1.5)
    assert stack.shape == FRAMES.shape and np.array_equal(stack[3], view(FRAMES[3], scale=1.5))


def test_splices_put_the_new_shot_at_the_known_frame():
    cut = angle_cut(FRAMES, 5)
    assert np.array_equal(cut[:5], FRAMES[:5]) and np.array_equal(cut[5:], view(FRAMES[5:], scale=1.5,
                                                                                 centre=(0.5, 0.4)))
    back = angle_cut(FRAMES, 3, reverse=True)
    assert np.array_equal(back[3:], FRAMES[3:]) and not np.array_equal(back[:3], FRAMES[:3])
    joined = jump_cut(FRAMES, FRAMES[::-1], 4, 2)
    assert len(joined) == 10 and np.array_equal(joined[4], FRAMES[5])


def test_camera_moves_keep_the_shape_and_do_what_they_say():
    for moved in (pan(FRAMES), zoom(FRAMES), dim(FRAMES, at=4), shake(FRAMES, seed=1)):
        assert moved.shape == FRAMES.shape and moved.dtype == np.uint8
    dimmed = dim(FRAMES, at=4, ramp=2, gain=0.5)
    assert np.array_equal(dimmed[:4], FRAMES[:4])
    assert dimmed[5:].mean() == pytest.approx(FRAMES[5:].mean() * 0.5, rel=0.01)
    assert np.array_equal(zoom(FRAMES)[0], view(FRAMES[0], scale=1.0))
    assert np.array_equal(shake(FRAMES, seed=1), shake(FRAMES, seed=1))


def test_case_lists_are_deterministic_and_cut_in_the_middle_third():
    clips = {"a": FRAMES, "b": FRAMES[::-1].copy(), "c": FRAMES}
    people = {"a": "p", "b": "p", "c": "q"}
    cases = list(cut_cases(clips, people, fps=30.0, seed=3))
    assert [c.kind for c in cases] == ["angle", "angle", "jump", "angle", "angle", "jump", "angle", "angle"]
    assert all(len(c.cuts) == 1 and 8 // 3 <= c.cuts[0] < 2 * 8 // 3 for c in cases)
    again = list(cut_cases(clips, people, fps=30.0, seed=3))
    assert [c.name for c in again] == [c.name for c in cases]
    uncut = list(uncut_cases({"a": FRAMES}, fps=30.0))
    assert [c.kind for c in uncut] == ["still", "pan", "zoom", "dim", "shake"]
    assert all(c.cuts == [] and c.duration_s == pytest.approx(8 / 30) for c in uncut)
