"""Convert the real-signer test data of sign-language-processing/pose into our pose fixture (run once).

The MIT-licensed repository https://github.com/sign-language-processing/pose
ships MediaPipe Holistic output of a real signer (``src/python/tests/data/
mediapipe_long.pose``: 278 frames at 24 fps, 1250 x 1250 px; reduced to 8 body,
128 face and 2 x 21 hand points). This script keeps the body, hand and a few
face points and writes them with :func:`alloava_analysis.io.extraction.write_pose_dataset`
(Parquet, zstd) as ``tests/fixtures/real/signer_holistic.parquet``::

    python scripts/make_real_fixture.py PATH/TO/mediapipe_long.pose

The ``.pose`` file is read with the PyPI package ``pose-format`` (the ``interop`` extra; its authors' own
reader); positions are converted from pixels to the normalised coordinates of our
data model (x / width, y / height, z / width), and a point with confidence 0 is
missing (NaN). See ``tests/fixtures/real/SOURCE.md``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from alloava_analysis.io.extraction import write_pose_dataset
from alloava_analysis.model import make_pose

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "real" / "signer_holistic.parquet"
# MediaPipe face-mesh indices kept for head motion: nose tip, chin, forehead, eye corners, mouth corners
FACE_POINTS = ("1", "4", "152", "10", "33", "263", "61", "291")


def convert(path: str | Path, out: Path = OUT) -> Path:
    from pose_format import Pose

    pose = Pose.read(Path(path).read_bytes())
    header = pose.header
    data = np.ma.getdata(pose.body.data)[:, 0].astype(np.float64)        # (frames, points, 3) pixels
    conf = np.asarray(pose.body.confidence)[:, 0].astype(np.float64)     # (frames, points)
    width, height = header.dimensions.width, header.dimensions.height
    names, cols = [], []
    offset = 0
    for comp in header.components:
        for i, point in enumerate(comp.points):
            name = None
            if comp.name == "POSE_LANDMARKS":
                name = point.lower()
            elif comp.name == "FACE_LANDMARKS" and point in FACE_POINTS:
                name = f"face_{int(point):03d}"
            elif comp.name in ("LEFT_HAND_LANDMARKS", "RIGHT_HAND_LANDMARKS"):
                name = f"{comp.name.split('_')[0].lower()}_hand_{point.lower()}"
            if name is not None:
                names.append(name)
                cols.append(offset + i)
        offset += len(comp.points)
    xyz = data[:, cols] / np.array([width, height, width])               # normalised like MediaPipe
    c = conf[:, cols]
    xyz[c <= 0] = np.nan
    fps = float(pose.body.fps)
    ds = make_pose(np.transpose(xyz, (0, 2, 1)), time=np.arange(xyz.shape[0]) / fps, layout="mediapipe_holistic",
                   keypoints=names, confidence=np.clip(c, 0, 1), fps=fps, frame_size=(width, height),
                   source="sign-language-processing/pose:src/python/tests/data/mediapipe_long.pose",
                   extractor={"name": "mediapipe.holistic", "via": "pose-format", "reduced": "pose-format "
                              "reduce_holistic (8 body, 128 face points)"})
    return write_pose_dataset(out, ds)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/make_real_fixture.py PATH/TO/mediapipe_long.pose")
    print(convert(sys.argv[1]))
