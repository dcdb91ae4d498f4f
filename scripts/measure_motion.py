#!/usr/bin/env python
"""Measure the motion features of issue 9 on real and synthetic media and print them as JSON.

Real media: the astronaut test video of ``scripts/make_test_media.py`` (a photo moved
rigidly along a known trajectory), the waving signer video and the signer's Holistic
track of ``tests/fixtures/real/`` (run through the real MediaPipe PoseLandmarker where
there is a video). Synthetic: pose-cut precision and recall on clips with planted cuts.

Usage: ``python scripts/measure_motion.py [--synthetic-clips N]`` (about a minute on 2 cores).
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
from alloava_analysis.io.extraction import read_pose_dataset  # noqa: E402
from scripts import make_test_media  # noqa: E402

REAL = REPO / "tests" / "fixtures" / "real"


def _intensities(pose, groups) -> dict:
    out = {}
    for group in groups:
        for ref in ("image", "body"):
            for use_z in (False, True):
                try:
                    v = motion.movement_intensity(pose, group=group, relative_to=ref, use_z=use_z)["intensity"]
                except ValueError as err:
                    out[f"{group} {ref}{' +z' if use_z else ''}"] = str(err)
                    continue
                out[f"{group} {ref}{' +z' if use_z else ''}"] = round(float(np.nanmean(v)), 3)
    return out


def _units(pose, group: str) -> dict:
    new = motion.gesture_units(motion.movement_intensity(pose, group=group))
    old = motion.gesture_units(motion.movement_intensity(pose, group=group, relative_to="image", use_z=True),
                               floor=None, smooth_s=0)
    return {"before (image, x y z, no floor)": len(old), "after (defaults)": len(new)}


def real_media() -> dict:
    from alloava_analysis.extract.keypoints import extract_keypoints

    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        truth = make_test_media.make_all(tmp, which=("talk",))["videos"]["talk"]
        kp = extract_keypoints(Path(tmp) / "talk.mp4", pose=True, allow_download=False, progress=False)
    pose = kp.poses["mediapipe_pose_33"]
    t = np.linspace(0.0, truth["times"][-1], 20_001)
    vx = 2 * np.pi * (40 * 0.35 * np.cos(2 * np.pi * 0.35 * t) + 14 * 1.1 * np.cos(2 * np.pi * 1.1 * t + 1.0))
    vy = 2 * np.pi * 12 * 0.6 * np.cos(2 * np.pi * 0.6 * t + 0.5)
    out["astronaut (rigid photo)"] = {
        "planted speed (shoulder widths/s)": round(float(np.hypot(vx, vy).mean() / motion.shoulder_width(pose)[0]), 3),
        "intensity (shoulder widths/s)": _intensities(pose, ("head", "hands", "torso")),
        "gesture units (hands)": _units(pose, "hands"),
        "cuts": {"pose": len(motion.detect_pose_cuts(pose)), "video": len(kp.shot_cuts["times_s"])}}
    kp = extract_keypoints(REAL / "signer_wave.mp4", pose=True, allow_download=False, progress=False)
    pose = kp.poses["mediapipe_pose_33"]
    out["signer_wave.mp4 (real, one raised hand)"] = {
        "intensity (shoulder widths/s)": _intensities(pose, ("head", "hands", "torso")),
        "gesture units (hands)": _units(pose, "hands"), "gesture units (head)": _units(pose, "head"),
        "cuts": {"pose": len(motion.detect_pose_cuts(pose)), "video": len(kp.shot_cuts["times_s"])}}
    out["signer frame moved rigidly (real person, no gesture)"] = rigid_signer_frames(extract_keypoints)
    pose = read_pose_dataset(REAL / "signer_holistic.parquet")
    out["signer_holistic (real signer, pose-format)"] = {
        "intensity (shoulder widths/s)": _intensities(pose, ("hands", "right_hand", "torso", "face")),
        "gesture units (right_hand)": _units(pose, "right_hand"),
        "cuts": {"pose": len(motion.detect_pose_cuts(pose))}}
    return out


def rigid_signer_frames(extract_keypoints) -> dict:
    """Single frames of signer_wave.mp4 moved rigidly along the astronaut trajectory (25 fps, 5 s)."""
    import av

    with av.open(str(REAL / "signer_wave.mp4")) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    out = {}
    times = np.arange(125) / make_test_media.FPS
    dx, dy = make_test_media.trajectory(times)
    with tempfile.TemporaryDirectory() as tmp:
        for idx, what in ((25, "hand rising"), (30, "hand raised, sharp"), (35, "hand motion-blurred")):
            img, pad = frames[idx], 64
            padded = np.pad(img, ((pad, pad), (pad, pad), (0, 0)), mode="edge")
            h, w = img.shape[:2]
            video = Path(tmp) / f"rigid{idx}.mp4"
            make_test_media.encode(video, (np.ascontiguousarray(padded[pad - y:pad - y + h, pad - x:pad - x + w])
                                           for x, y in zip(dx, dy)), times)
            pose = extract_keypoints(video, pose=True, allow_download=False, progress=False).poses["mediapipe_pose_33"]
            t = np.linspace(0.0, times[-1], 20_001)
            vx = 2 * np.pi * (40 * 0.35 * np.cos(2 * np.pi * 0.35 * t) + 14 * 1.1 * np.cos(2 * np.pi * 1.1 * t + 1.0))
            vy = 2 * np.pi * 12 * 0.6 * np.cos(2 * np.pi * 0.6 * t + 0.5)
            out[f"frame {idx} ({what})"] = {
                "planted speed (shoulder widths/s)": round(float(np.hypot(vx, vy).mean()
                                                                 / motion.shoulder_width(pose)[0]), 3),
                "right wrist visibility": round(float(pose["confidence"].sel(keypoint="right_wrist").mean()), 2),
                "intensity (shoulder widths/s)": _intensities(pose, ("head", "hands")),
                "gesture units (hands)": _units(pose, "hands")}
    return out


def synthetic_cuts(n_clips: int) -> dict:
    from alloava_analysis.synthetic import SynthConfig, synthesize_clip

    cfg = SynthConfig(duration_s=(60.0, 90.0), camera_pan_sw=0.3, cut_rate_per_min=4.0)
    tp = fp = n_truth = 0
    for k in range(n_clips):
        sc = synthesize_clip(k, seed=5, config=cfg, audio=False)
        truth = np.asarray(sc.truth["shot_cuts_s"])
        found = motion.detect_pose_cuts(sc.clip.pose)["time"].to_numpy()
        n_truth += truth.size
        hit = (np.abs(found[:, None] - truth[None, :]).min(axis=1) <= 1.01 / cfg.fps) if truth.size else \
            np.zeros(found.size, bool)
        tp, fp = tp + int(hit.sum()), fp + int((~hit).sum())
    return {"config": "60-90 s clips, pan sd 0.3 shoulder widths, 4 cuts/min (seed 5)", "clips": n_clips,
            "planted": n_truth, "found": tp + fp, "true": tp, "false": fp,
            "precision": round(tp / max(tp + fp, 1), 3), "recall": round(tp / max(n_truth, 1), 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic-clips", type=int, default=40)
    args = parser.parse_args(argv)
    print(json.dumps({"real": real_media(), "synthetic_cuts": synthetic_cuts(args.synthetic_clips)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
