"""The skeleton overlay: the source's frames and times, with the confident bones drawn in green."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from alloava_analysis.errors import SchemaError
from alloava_analysis.extract.media import VideoFrames
from alloava_analysis.extract.overlay import write_overlay
from tests.fixtures.datasets import line_pose, random_pose

N_FRAMES, FPS = 10, 10


def _grey_video(path):
    """10 frames of plain grey at 10 fps, 160x120 (nothing in it is green)."""
    import av

    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for k in range(N_FRAMES):
            frame = av.VideoFrame.from_ndarray(np.full((120, 160, 3), 90, np.uint8), format="rgb24")
            frame.pts, frame.time_base = k, Fraction(1, FPS)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def _green(image: np.ndarray) -> int:
    return int(((image[..., 1] > 200) & (image[..., 0] < 80) & (image[..., 2] < 80)).sum())


@pytest.fixture(scope="module")
def grey(tmp_path_factory):
    return _grey_video(tmp_path_factory.mktemp("overlay") / "grey.mp4")


def test_confident_bones_are_drawn_on_the_source_frames_at_their_times(grey, tmp_path):
    # every point at confidence 0.9, normalised to the grey video's frame
    pose = line_pose(N_FRAMES, fps=FPS).assign_attrs(frame_width=160, frame_height=120)
    out = write_overlay(grey, {"mediapipe_pose_33": pose}, tmp_path / "o.mp4", progress=False)
    assert out == tmp_path / "o.mp4"
    drawn, source = list(VideoFrames(out)), list(VideoFrames(grey))
    np.testing.assert_allclose([f.time for f in drawn], [f.time for f in source], atol=1e-3)
    np.testing.assert_allclose([f.time for f in drawn], pose["time"].values, atol=1e-3)
    assert all(_green(f.image) > 20 for f in drawn) and not any(_green(f.image) for f in source)
    unsure = write_overlay(grey, {"mediapipe_pose_33": pose}, tmp_path / "u.mp4", confidence_threshold=0.95,
                           progress=False)
    assert not any(_green(f.image) for f in VideoFrames(unsure))     # below the threshold: nothing drawn


def test_a_pose_without_pose_or_hand_layout_is_refused(grey, tmp_path):
    face = random_pose(N_FRAMES, layout="mediapipe_face_478", fps=FPS)
    with pytest.raises(SchemaError, match="mediapipe_pose_33 or mediapipe_hands_42"):
        write_overlay(grey, {"mediapipe_face_478": face}, tmp_path / "o.mp4", progress=False)
    assert not (tmp_path / "o.mp4").exists()
