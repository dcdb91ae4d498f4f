#!/usr/bin/env python
"""Measure gesture units (issue 27, part 5) on the real signer and known-answer constructions made from it.

``tests/fixtures/real/signer_wave.mp4`` (MIT, see ``SOURCE.md``): a real person
raises her right hand into the picture, waves and lowers it out of the picture
again. Its frames are re-cut into videos whose answer is known, each run
through the real MediaPipe PoseLandmarker:

``original``
    The clip as it is: one gesture, the hand rising at about 0.55 s.
``hold``
    A hold inserted in the middle of the wave (the frame at 1.0 s repeated
    for :data:`HOLD_S`): still one gesture, longer by the hold.
``slow``
    The middle of the wave played at a third of its speed (each frame of
    0.70-1.10 s shown three times): a slow phase, still one gesture.
``two``
    The clip, :data:`REST_S` of the hand at rest (the first, hand-down frames
    looped), the clip again: two gestures separated by a return to rest.

The truth of each construction is the original gesture moved by the frames
inserted before its end; its onset (0.55 s) is the time the issue gives for
the hand leaving rest, its end the moment the lowered wrist leaves the
picture in the original clip's track (between the last frame inside and the
first frame below the picture's edge). Scores: precision, recall and
F1 of found units matched one to one at overlap IoU >= :data:`MIN_IOU`,
median absolute onset and offset errors of the matches; with the default
(rest-aware) settings and with speed alone (``rest=None``).

Human annotation: ``tests/fixtures/real/gesture_phases_uci.parquet`` (UCI Gesture
Phase Segmentation, CC BY 4.0; ``scripts/make_gesture_phase_fixture.py``): seven
Kinect recordings of three storytellers with gesture phases segmented by hand
by a specialist. A gesture unit there is a stretch of non-Rest phases (holds
and several strokes inside one unit, as Kendon defines it). The joints are
put into our pose model (:func:`kinect_pose`: head as the nose, the spine
point as the shoulder midpoint, shoulders 0.8 head-to-spine distances apart,
hands as the index fingers) and run through ``movement_intensity`` and
``gesture_units``. The rules were adjusted while looking at person a
(``a1-a3``: development); persons b and c (``b1, b3, c1, c3``) are reported
apart as held out.

Not found: an openly licensed *video* with a manual ELAN gesture tier (searched:
envisionhgdetector and its tutorials, EnvisionBOX modules and summer-school
repositories -- their ``.eaf`` files are the detector's own output --,
TowardsMultimodalOpenScience, envisionboxDTW/CABB, naotoienaga/annotation-tool,
multimodal-corpus and ELAN tutorials). ``envisionhgdetector`` needs video, so it
is scored on the signer constructions only (``scripts/measure_envision_baseline.py``).

Usage: ``python scripts/measure_gesture_units.py`` (about 30 s on 2 cores).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from alloava_analysis.features import motion  # noqa: E402
from scripts import make_test_media  # noqa: E402

SIGNER = REPO / "tests" / "fixtures" / "real" / "signer_wave.mp4"
UCI = REPO / "tests" / "fixtures" / "real" / "gesture_phases_uci.parquet"
HELD_OUT = ("b1", "b3", "c1", "c3")
SHOULDERS_PER_HEAD_SPINE = 0.8
ONSET_S = 0.55          # the hand leaves rest (issue 27)
HOLD_S = 0.6
REST_S = 1.0
MIN_IOU = 0.3


def signer_frames() -> tuple[list[np.ndarray], float]:
    """The RGB frames of the signer clip and its frame rate."""
    import av

    with av.open(str(SIGNER)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate)
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)], fps


def constructions(frames: list[np.ndarray], fps: float) -> dict[str, tuple[list[np.ndarray], list[int]]]:
    """Name -> (frame list, per-gesture number of frames inserted before the gesture ends) of each video."""
    n = len(frames)
    i_hold, hold = int(round(1.0 * fps)), int(round(HOLD_S * fps))
    slow_a, slow_b = int(round(0.70 * fps)), int(round(1.10 * fps))
    rest = [frames[i % 8] for i in range(int(round(REST_S * fps)))]
    return {
        "original": (list(frames), [0]),
        "hold": (frames[:i_hold] + [frames[i_hold]] * hold + frames[i_hold:], [hold]),
        "slow": (frames[:slow_a] + [f for f in frames[slow_a:slow_b] for _ in range(3)] + frames[slow_b:],
                 [2 * (slow_b - slow_a)]),
        "two": (list(frames) + rest + list(frames), [0, n + len(rest)]),
    }


def track(frames: list[np.ndarray], fps: float, folder: Path, name: str):
    """Encode ``frames`` at ``fps`` and run the real PoseLandmarker on them; the pose dataset."""
    from alloava_analysis.extract.keypoints import extract_keypoints

    path = folder / f"{name}.mp4"
    make_test_media.encode(path, iter(frames), np.arange(len(frames)) / fps)
    return extract_keypoints(path, pose=True, allow_download=False, progress=False).poses["mediapipe_pose_33"]


def picture_exit(pose, fps: float) -> float:
    """When the lowered right wrist leaves the picture (normalised y > 1) after its last confident frame."""
    y = pose["position"].sel(keypoint="right_wrist", space="y").values[:, 0]
    conf = pose["confidence"].sel(keypoint="right_wrist").values[:, 0]
    last = np.flatnonzero(conf > 0.5)[-1]
    out = np.flatnonzero(y[:last + 1] <= 1.0)[-1] + 1       # first frame below the picture's edge
    return float(pose["time"].values[out] - 0.5 / fps)


def truth_intervals(original_end: float, shifts: list[int], fps: float, name: str, n_frames: int) -> np.ndarray:
    """The planted gestures of one construction as (start, end) rows in seconds."""
    if name == "two":
        return np.array([[ONSET_S + s / fps, original_end + s / fps] for s in shifts])
    return np.array([[ONSET_S, original_end + shifts[0] / fps]])


def score(found: np.ndarray, truth: np.ndarray, *, min_iou: float = MIN_IOU) -> dict:
    """Greedy one-to-one matching by IoU; counts, precision, recall, F1 and onset/offset errors of the matches."""
    pairs = []
    for i, (fs, fe) in enumerate(found):
        for j, (ts, te) in enumerate(truth):
            inter = max(0.0, min(fe, te) - max(fs, ts))
            union = max(fe, te) - min(fs, ts)
            if union > 0 and inter / union >= min_iou:
                pairs.append((inter / union, i, j))
    used_f, used_t, onset, offset = set(), set(), [], []
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_f and j not in used_t:
            used_f.add(i), used_t.add(j)
            onset.append(abs(found[i, 0] - truth[j, 0]))
            offset.append(abs(found[i, 1] - truth[j, 1]))
    return {"true": len(used_f), "found": len(found), "reference": len(truth), "onset_errors": onset,
            "offset_errors": offset}


def summary(rows: list[dict]) -> dict:
    """Pooled precision, recall, F1 and median absolute onset/offset errors (seconds) over ``rows``."""
    tp = sum(r["true"] for r in rows)
    found, planted = sum(r["found"] for r in rows), sum(r["reference"] for r in rows)
    p, r = tp / max(found, 1), tp / max(planted, 1)
    onset = [e for row in rows for e in row["onset_errors"]]
    offset = [e for row in rows for e in row["offset_errors"]]
    return {"true": tp, "found": found, "reference": planted, "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / max(p + r, 1e-12), 3),
            "median_onset_error_s": round(float(np.median(onset)), 3) if onset else None,
            "median_offset_error_s": round(float(np.median(offset)), 3) if offset else None}


def measure() -> dict:
    """Every figure: the units found in each construction and the pooled scores, rest-aware and speed-only."""
    frames, fps = signer_frames()
    settings = {"rest-aware (default)": {}, "speed only (rest=None)": {"rest": None}}
    out: dict = {"fps": round(fps, 3), "onset_truth_s": ONSET_S, "videos": {}, "scores": {}}
    rows: dict = {k: [] for k in settings}
    with tempfile.TemporaryDirectory() as tmp:
        poses = {name: track(f, fps, Path(tmp), name) for name, (f, _) in constructions(frames, fps).items()}
    original = poses["original"]
    original_end = picture_exit(original, fps)
    out["original_end_s"] = round(original_end, 3)
    for name, (f, shifts) in constructions(frames, fps).items():
        truth = truth_intervals(original_end, shifts, fps, name, len(f))
        hands = motion.movement_intensity(poses[name], group="hands")
        video = {"truth": truth.round(3).tolist(), "jitter_sw_per_s": round(hands.attrs["jitter"], 3)}
        for label, opts in settings.items():
            units = motion.gesture_units(hands, **opts)
            found = units[["start", "end"]].to_numpy()
            row = score(found, truth)
            rows[label].append(row)
            video[label] = {"units": found.round(3).tolist(), "noise_floor": round(units.attrs["noise_floor"], 3),
                            **{k: row[k] for k in ("true", "found", "reference")}}
        out["videos"][name] = video
    for label in settings:
        out["scores"][label] = summary(rows[label])
    return out


def kinect_pose(table):
    """One UCI recording as a pose dataset (mediapipe_pose_33 names, pixels) and its frame table."""
    from alloava_analysis.model import make_pose

    t = (table["timestamp_ms"].to_numpy() - table["timestamp_ms"].iloc[0]) / 1000.0
    keep = np.concatenate([[True], np.diff(t) > 0])           # a few repeated timestamps
    table, t = table[keep], t[keep]

    def xy(joint):
        return table[[f"{joint}_x", f"{joint}_y"]].to_numpy(dtype=float)

    head, spine = xy("head"), xy("spine")
    half = np.array([SHOULDERS_PER_HEAD_SPINE * np.median(np.linalg.norm(head - spine, axis=1)) / 2, 0.0])
    names = ["nose", "left_shoulder", "right_shoulder", "left_wrist", "right_wrist", "left_index", "right_index"]
    pos = np.stack([head, spine + half, spine - half, xy("left_wrist"), xy("right_wrist"), xy("left_hand"),
                    xy("right_hand")], axis=2)
    return make_pose(pos, time=t, layout="mediapipe_pose_33", keypoints=names, coords="pixels"), table


def annotated_units(table, t: np.ndarray) -> np.ndarray:
    """The annotator's gesture units: maximal runs of frames whose phase is not Rest, as (start, end) rows."""
    a, b = motion._runs(table["phase"].to_numpy() != "Rest")
    step = float(np.median(np.diff(t)))
    return np.stack([t[a] - step / 2, t[b] + step / 2], axis=1)


def uci_scores() -> dict:
    """Scores against the UCI specialist's gesture units: per recording and pooled (development, held out)."""
    import pandas as pd

    data = pd.read_parquet(UCI)
    settings = {"rest-aware (default)": {}, "speed only (rest=None)": {"rest": None}}
    rows = {label: {"development": [], "held out": []} for label in settings}
    per_clip = {}
    for clip, table in data.groupby("clip", sort=True):
        pose, table = kinect_pose(table)
        truth = annotated_units(table, pose["time"].values)
        hands = motion.movement_intensity(pose, group="hands")
        per_clip[clip] = {"annotated": len(truth), "minutes": round(float(pose["time"].values[-1]) / 60, 2)}
        for label, opts in settings.items():
            units = motion.gesture_units(hands, **opts)
            row = score(units[["start", "end"]].to_numpy(), truth)
            rows[label]["held out" if clip in HELD_OUT else "development"].append(row)
            per_clip[clip][label] = {k: row[k] for k in ("true", "found")}
    return {"per_clip": per_clip,
            "scores": {label: {part: summary(r) for part, r in parts.items()} for label, parts in rows.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    print(json.dumps({"signer_constructions": measure(), "uci_annotated": uci_scores()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
