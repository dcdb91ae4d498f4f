"""Columnar store vs JSON: load one hour of 30 fps, 33-keypoint pose both ways in one run.

Target (issue #2): the store loads at least 100x faster than parsing the JSON into
the same Dataset. Also reports a raw ``.npy`` load (the practical floor) and checks
that a corpus-wide scan streams: peak traced memory for N and 2N clips.

Run: ``.venv/bin/python benchmarks/bench_store.py [--minutes 60]``
"""
from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import xarray as xr

from alloava_analysis.corpus import Corpus
from alloava_analysis.io import store
from alloava_analysis.io.allo_ava import write_clip
from alloava_analysis.io.keypoints_json import read_keypoints, write_keypoints
from alloava_analysis.model import Clip, make_pose, make_words
from alloava_analysis.runs.convert import convert_corpus


def random_pose(n_frames: int, seed: int = 0) -> xr.Dataset:
    """Smooth random-walk trajectories with 2 % missing points, at JSON precision (1e-6)."""
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0, 0.002, size=(n_frames, 3, 33))
    position = np.round(0.5 + np.cumsum(steps, axis=0), 6).astype(np.float32)
    missing = rng.random((n_frames, 33)) < 0.02
    position[np.broadcast_to(missing[:, None, :], position.shape)] = np.nan
    confidence = np.round(rng.uniform(0.5, 1.0, size=(n_frames, 33)), 4).astype(np.float32)
    return make_pose(position, time=np.arange(n_frames) / 30.0, layout="mediapipe_pose_33", confidence=confidence,
                     fps=30.0)


def best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_load(minutes: float, workdir: Path) -> dict:
    n_frames = int(minutes * 60 * 30)
    pose = random_pose(n_frames)
    json_path = write_keypoints(workdir / "keypoints" / "TED_benchmark01.json", {"mediapipe_pose_33": pose})
    store_dir = workdir / "store"
    store.write_pose(store_dir, "TED_benchmark01", read_keypoints(json_path).poses["mediapipe_pose_33"])
    npy = workdir / "raw.npy"
    np.save(npy, pose["position"].values)

    json_s = best_of(lambda: read_keypoints(json_path), 1)
    store_s = best_of(lambda: store.read_pose(store_dir, "TED_benchmark01"), 5)
    npy_s = best_of(lambda: np.load(npy), 5)
    same = read_keypoints(json_path).poses["mediapipe_pose_33"].equals(store.read_pose(store_dir, "TED_benchmark01"))
    return {"frames": n_frames, "json_mb": round(json_path.stat().st_size / 1e6, 1), "json_s": round(json_s, 3),
            "store_s": round(store_s, 4), "npy_s": round(npy_s, 5), "ratio_json_over_store": round(json_s / store_s, 1),
            "identical_datasets": bool(same)}


def bench_streaming(workdir: Path, n_small: int = 4) -> dict:
    peaks = {}
    for n in (n_small, 2 * n_small):
        root = workdir / f"corpus_{n}"
        for i in range(n):
            pose = random_pose(9000, seed=i)  # 5 min per clip
            words = make_words([{"word": "w", "start": 0.1, "end": 0.2}])
            clip = Clip(f"TED_bench{i:06d}", "TED", f"bench{i:06d}", poses={"mediapipe_pose_33": pose}, words=words)
            write_clip(root, clip)
        corpus = Corpus(root)
        convert_corpus(corpus, progress=False)
        tracemalloc.start()
        frames = sum(c.pose.sizes["time"] for c in Corpus(root).clips(progress=False))
        peaks[n] = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        assert frames == n * 9000
    return {"clips": list(peaks), "peak_mb": [round(v, 1) for v in peaks.values()],
            "peak_ratio_2n_over_n": round(peaks[2 * n_small] / peaks[n_small], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = {"machine": f"{platform.machine()} {platform.processor() or ''} "
                             f"({len(__import__('os').sched_getaffinity(0))} cores)",
                  "load": bench_load(args.minutes, Path(tmp)), "streaming": bench_streaming(Path(tmp))}
    result["targets"] = {"store_at_least_100x": result["load"]["ratio_json_over_store"] >= 100,
                         "streaming_flat (2N peak < 1.3x N peak)": result["streaming"]["peak_ratio_2n_over_n"] < 1.3}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
