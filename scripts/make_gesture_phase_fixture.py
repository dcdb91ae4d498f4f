#!/usr/bin/env python
"""Pack the UCI Gesture Phase Segmentation recordings into one small Parquet fixture (run once).

The UCI Machine Learning Repository's "Gesture Phase Segmentation" data set
(Madeo, Peres & Lima; CC BY 4.0) holds seven Kinect recordings of three people
telling comic-strip stories, with the positions of both hands, both wrists,
the head and the spine per frame and a gesture phase per frame (Rest,
Preparation, Stroke, Hold, Retraction) segmented by hand by a specialist.
The seven ``*_raw.csv`` files are read from FOLDER and written, image-plane
x and y only (the depth z is dropped, as our motion features are planar), as
``tests/fixtures/real/gesture_phases_uci.parquet`` (zstd)::

    python scripts/make_gesture_phase_fixture.py FOLDER

See ``tests/fixtures/real/SOURCE.md`` for where the files came from.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "real" / "gesture_phases_uci.parquet"
CLIPS = ("a1", "a2", "a3", "b1", "b3", "c1", "c3")
#: column prefix in the raw files -> joint name here
JOINTS = {"h": "head", "s": "spine", "lh": "left_hand", "rh": "right_hand", "lw": "left_wrist", "rw": "right_wrist"}


def convert(folder: str | Path, out: Path = OUT) -> Path:
    parts = []
    for clip in CLIPS:
        raw = pd.read_csv(Path(folder) / f"{clip}_raw.csv")
        table = pd.DataFrame({"clip": clip, "timestamp_ms": raw["timestamp"].astype("int64"),
                              "phase": raw["phase"].astype(str)})
        for prefix, joint in JOINTS.items():
            for axis in ("x", "y"):
                table[f"{joint}_{axis}"] = raw[f"{prefix}{axis}"].round(4).astype("float32")  # 4 decimals
        parts.append(table)
    pd.concat(parts, ignore_index=True).to_parquet(out, compression="zstd", index=False)
    return out


if __name__ == "__main__":
    print(convert(sys.argv[1]))
