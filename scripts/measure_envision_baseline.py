#!/usr/bin/env python
"""Score ``envisionhgdetector`` 3.0.8 on the signer constructions of ``measure_gesture_units.py``.

envisionhgdetector pins tensorflow 2.15, mediapipe 0.10.7 and numpy < 2, so it
runs in its own environment, never in the project's::

    python3.11 -m venv /work/envision-venv && /work/envision-venv/bin/pip install envisionhgdetector==3.0.8
    python scripts/measure_envision_baseline.py write DIR            # 25 fps copies of the constructions
    /work/envision-venv/bin/python -c "from envisionhgdetector import GestureDetector; \\
        GestureDetector(model_type='cnn').process_folder(input_folder='DIR', output_folder='OUT')"
    python scripts/measure_envision_baseline.py score OUT             # its *_segments.csv against the truth

The copies are sampled at 25 frames per second of real time (the detector's
times come out too long on other frame rates), so the truth of
``measure_gesture_units.py`` applies unchanged. The detector runs with its
defaults; scores as in ``measure_gesture_units.py``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts import make_test_media  # noqa: E402
from scripts import measure_gesture_units as gu  # noqa: E402

FPS = 25


def write(folder: Path) -> None:
    """The constructions as 25 fps videos in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    frames, fps = gu.signer_frames()
    for name, (video, _) in gu.constructions(frames, fps).items():
        k = np.arange(int(len(video) / fps * FPS))
        idx = np.minimum(np.round(k / FPS * fps).astype(int), len(video) - 1)
        make_test_media.encode(folder / f"{name}.mp4", iter([video[i] for i in idx]), k / FPS)


def score(folder: Path) -> dict:
    """The detector's segments scored against the constructions' truth (the truth's end from our own track)."""
    import tempfile

    import pandas as pd

    frames, fps = gu.signer_frames()
    with tempfile.TemporaryDirectory() as tmp:
        end = gu.picture_exit(gu.track(frames, fps, Path(tmp), "original"), fps)
    rows, videos = [], {}
    for name, (video, shifts) in gu.constructions(frames, fps).items():
        truth = gu.truth_intervals(end, shifts, fps, name, len(video))
        path = folder / f"{name}.mp4_segments.csv"
        seg = pd.read_csv(path) if path.stat().st_size > 1 else pd.DataFrame(columns=["start_time", "end_time"])
        found = seg[["start_time", "end_time"]].to_numpy(dtype=float)
        rows.append(gu.score(found, truth))
        videos[name] = {"truth": truth.round(3).tolist(), "segments": found.round(3).tolist()}
    return {"videos": videos, "scores": gu.summary(rows)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("write", "score"))
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    if args.step == "write":
        write(args.folder)
    else:
        print(json.dumps(score(args.folder), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
