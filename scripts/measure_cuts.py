#!/usr/bin/env python
"""Measure camera-cut detectors on real recordings with known-answer cuts (issue 27) and print every figure.

Material (``tests/fixtures/real/cuts/``, see ``SOURCE.md``): 20 real recordings of five
people signing in one office (30 fps) and 139 s of people walking past a fixed camera
(10 fps), plus the waving signer of ``tests/fixtures/real/signer_wave.mp4``. Cuts are
constructed from them with :mod:`alloava_analysis.synthetic.cuts` (angle cuts within one
recording, jump cuts between two recordings of one person: 60 cuts); uncut footage is
each recording (signing, waving, walking) as filmed plus a pan, a zoom, a dimming and a
shake of it.

Methods, side by side on the same frames:

* ``frame_histogram``: the previous detector (colour histograms; its defaults,
  reproduced here for the comparison);
* ``frame_structure``: :mod:`alloava_analysis.extract.shots` (defaults);
* ``pyscenedetect content`` / ``adaptive``: PySceneDetect 0.7's ContentDetector and
  AdaptiveDetector with their defaults (and a lower threshold each);
* with ``--pose``: ``pose`` (:func:`~alloava_analysis.features.motion.detect_pose_cuts`
  on MediaPipe PoseLandmarker output of each constructed clip, written losslessly to a
  temporary file and run through :func:`~alloava_analysis.extract.keypoints.extract_keypoints`)
  and ``frames+pose`` (:func:`~alloava_analysis.features.motion.shot_cut_table`, what
  analyses use with ``cut_source="auto"``: a cut seen only in the pose needs a change of
  the picture at its step, ``support_frames`` of the extraction record), beside
  ``frames+pose, pose unchecked`` (every pose cut kept, as records without
  ``support_frames`` and the previous rules do).

A found cut matches a true one when it is at most one frame away (one-to-one); every
other found cut is a false cut. Figures: recall (found / true cuts), false cuts and
false cuts per 10 minutes of footage (all footage; and uncut footage only), timing
error in frames (|found - true| of the matches, and the largest).

Usage: ``python scripts/measure_cuts.py [--pose] [--json PATH]`` (minutes on 2 cores; ``--pose``
adds MediaPipe over about 13,000 frames).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import av
import numpy as np
from tqdm.auto import tqdm

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from alloava_analysis.extract.shots import detect_video_cuts, frame_thumbnail  # noqa: E402
from alloava_analysis.features.motion import jump_peaks  # noqa: E402
from alloava_analysis.synthetic.cuts import CutCase, cut_cases, uncut_cases  # noqa: E402

CUTS = REPO / "tests" / "fixtures" / "real" / "cuts"
#: Who signs in each recording of tests/fixtures/real/cuts (jump cuts join recordings of one person).
PEOPLE = {**{k: "skull hoodie" for k in ("again", "brother", "help", "no", "student", "yes")},
          **{k: "grey shirt" for k in ("bird", "milk", "please", "sorry", "thanks")},
          **{k: "orange hoodie" for k in ("book", "learn", "school", "walk")},
          **{k: "black sweater" for k in ("eat", "night", "sister")},
          **{k: "striped sweater" for k in ("hungry", "want")}}


#: Cases made by :func:`all_cases`: 3 cuts per signing recording (every person has two or more), 5 uncut
#: versions of each recording, of the waving signer and of the walking clip.
N_CASES = 3 * len(PEOPLE) + 5 * (len(PEOPLE) + 2)


def read_frames(path: Path) -> np.ndarray:
    """All frames of a video as RGB uint8 (n, h, w, 3)."""
    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])


def spliced_cases(seed: int = 0):
    """The 60 spliced cuts: two angle cuts and one jump cut per signing recording."""
    signing = {name: read_frames(CUTS / f"{name}.mp4") for name in PEOPLE}
    yield from cut_cases(signing, PEOPLE, fps=30.0, seed=seed)


def uncut_footage(seed: int = 0):
    """Every recording (signing, waving, walking) as filmed, panned, zoomed, dimmed and shaken."""
    signing = {name: read_frames(CUTS / f"{name}.mp4") for name in PEOPLE}
    yield from uncut_cases(signing, fps=30.0, seed=seed)
    yield from uncut_cases({"signer_wave": read_frames(REPO / "tests/fixtures/real/signer_wave.mp4")}, fps=30.0,
                           seed=seed)
    yield from uncut_cases({"walking": read_frames(CUTS / "one_by_one_person_detection.mp4")}, fps=10.0, seed=seed)


def all_cases(seed: int = 0):
    """Every constructed case: the spliced cuts, then the uncut footage."""
    yield from spliced_cases(seed)
    yield from uncut_footage(seed)


def histogram_cuts(frames: np.ndarray, fps: float) -> list[int]:
    """The previous ``frame_histogram`` detector (3 x 16-bin histograms of every 8th pixel, L1 > 0.5, contrast 4)."""
    thumbs = frames[:, ::8, ::8, :3]
    q = (thumbs.astype(np.uint16) * 16) >> 8
    n = q.shape[1] * q.shape[2]
    sig = np.stack([np.concatenate([np.bincount(f[..., c].ravel(), minlength=16) for c in range(3)]) / n
                    for f in q])
    d = np.abs(np.diff(sig, axis=0)).sum(axis=1)
    keep, _ = jump_peaks(d, threshold=0.5, contrast=4.0, half=max(int(round(0.5 * fps)), 3), exclude=1, merge=2)
    return [i + 1 for i in keep]


def structure_cuts(frames: np.ndarray, fps: float) -> list[int]:
    """:func:`alloava_analysis.extract.shots.detect_video_cuts` with its defaults."""
    times = np.arange(len(frames)) / fps
    return detect_video_cuts(times, np.stack([frame_thumbnail(f) for f in frames]))["frames"]


def pyscenedetect_cuts(frames: np.ndarray, fps: float, detector) -> list[int]:
    """First frames of new scenes found by a PySceneDetect detector fed the frames (BGR) one by one."""
    from scenedetect import FrameTimecode

    found = []
    for i, frame in enumerate(frames):
        found += detector.process_frame(FrameTimecode(i, fps=fps), np.ascontiguousarray(frame[..., ::-1]))
    found += detector.post_process(FrameTimecode(len(frames) - 1, fps=fps))
    return sorted(int(c.frame_num) for c in found)


def frame_methods() -> dict:
    """Method name -> function(frames, fps) -> cut frames."""
    from scenedetect import AdaptiveDetector, ContentDetector

    return {
        "frame_histogram (previous)": histogram_cuts,
        "frame_structure (new)": structure_cuts,
        "pyscenedetect content (27)": lambda f, fps: pyscenedetect_cuts(f, fps, ContentDetector()),
        "pyscenedetect content (15)": lambda f, fps: pyscenedetect_cuts(f, fps, ContentDetector(threshold=15)),
        "pyscenedetect adaptive (3)": lambda f, fps: pyscenedetect_cuts(f, fps, AdaptiveDetector()),
        "pyscenedetect adaptive (2)": lambda f, fps: pyscenedetect_cuts(
            f, fps, AdaptiveDetector(adaptive_threshold=2.0, min_content_val=8.0)),
    }


def pose_and_combined(case: CutCase, tmp: Path) -> dict[str, list[int]]:
    """Cut frames from the pose (MediaPipe PoseLandmarker via extraction) and from frames and pose combined."""
    from alloava_analysis.extract.keypoints import extract_keypoints
    from alloava_analysis.features import motion

    path = tmp / "case.mp4"
    with av.open(str(path), "w") as dst:
        stream = dst.add_stream("libx264rgb", rate=int(round(case.fps)))
        stream.options = {"qp": "0", "preset": "ultrafast"}
        stream.width, stream.height = case.frames.shape[2], case.frames.shape[1]
        stream.pix_fmt = "rgb24"
        for frame in case.frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                dst.mux(packet)
        for packet in stream.encode():
            dst.mux(packet)
    kp = extract_keypoints(path, allow_download=False, progress=False)
    pose = kp.poses["mediapipe_pose_33"]
    table = motion.shot_cut_table(pose, metadata={"shot_cuts": kp.shot_cuts})
    unchecked = motion.shot_cut_table(pose, metadata={"shot_cuts": {k: v for k, v in kp.shot_cuts.items()
                                                                    if k != "support_frames"}})
    return {"pose": [int(f) for f, ev in zip(unchecked["frame"], unchecked["evidence"]) if "pose" in ev],
            "frames+pose": [int(f) for f in table["frame"]],
            "frames+pose, pose unchecked": [int(f) for f in unchecked["frame"]],
            "frame_structure via extraction": [int(f) for f in kp.shot_cuts["frames"]]}


def score(found: list[int], truth: list[int]) -> tuple[list[int], int]:
    """Timing errors (frames) of the true cuts matched within one frame, and the number of unmatched found cuts."""
    left = sorted(found)
    errors = []
    for cut in truth:
        near = [f for f in left if abs(f - cut) <= 1]
        if near:
            best = min(near, key=lambda f: abs(f - cut))
            errors.append(abs(best - cut))
            left.remove(best)
    return errors, len(left)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pose", action="store_true", help="also run MediaPipe pose and the combined detector")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    methods = frame_methods()
    tally = defaultdict(lambda: {"true": 0, "found": 0, "errors": [], "false": 0, "false_uncut": 0,
                                 "false_by_kind": defaultdict(int), "missed": []})
    minutes = {"all": 0.0, "uncut": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        for case in tqdm(all_cases(), desc="cases", unit="clip", total=N_CASES):
            minutes["all"] += case.duration_s / 60
            if not case.cuts:
                minutes["uncut"] += case.duration_s / 60
            results = {name: fn(case.frames, case.fps) for name, fn in methods.items()}
            if args.pose:
                results |= pose_and_combined(case, Path(tmp))
            for name, found in results.items():
                t = tally[name]
                errors, false = score(found, case.cuts)
                t["true"] += len(case.cuts)
                t["found"] += len(errors)
                t["errors"] += errors
                t["false"] += false
                t["false_uncut"] += false if not case.cuts else 0
                if false:
                    t["false_by_kind"][case.kind] += false
                if len(errors) < len(case.cuts):
                    t["missed"].append(case.name)
    out = {"minutes": {k: round(v, 2) for k, v in minutes.items()}, "methods": {}}
    for name, t in tally.items():
        out["methods"][name] = {
            "recall": f"{t['found']}/{t['true']}", "recall_pct": round(100 * t["found"] / max(t["true"], 1), 1),
            "false_cuts": t["false"], "false_per_10min": round(10 * t["false"] / minutes["all"], 2),
            "false_cuts_uncut": t["false_uncut"],
            "false_per_10min_uncut": round(10 * t["false_uncut"] / minutes["uncut"], 2),
            "false_by_kind": dict(t["false_by_kind"]),
            "timing_error_frames_mean": round(float(np.mean(t["errors"])), 3) if t["errors"] else None,
            "timing_error_frames_max": int(max(t["errors"])) if t["errors"] else None,
            "missed": t["missed"]}
    print(f"footage: {out['minutes']['all']} min in all, {out['minutes']['uncut']} min without cuts")
    print(f"{'method':34s} {'recall':>12s} {'false':>6s} {'/10min':>7s} {'uncut':>6s} {'/10min':>7s} {'err':>5s} "
          f"{'max':>4s}")
    for name, m in out["methods"].items():
        print(f"{name:34s} {m['recall']:>6s} {m['recall_pct']:4.1f}% {m['false_cuts']:6d} "
              f"{m['false_per_10min']:7.2f} {m['false_cuts_uncut']:6d} {m['false_per_10min_uncut']:7.2f} "
              f"{m['timing_error_frames_mean'] if m['timing_error_frames_mean'] is not None else '-':>5} "
              f"{m['timing_error_frames_max'] if m['timing_error_frames_max'] is not None else '-':>4}")
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    main()
