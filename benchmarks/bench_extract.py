"""Extraction speed: pipeline frames/s vs bare PoseLandmarker inference, and the ASR real-time factor.

Targets (issue #4): the keypoint stage of the pipeline (decode with PyAV, run
PoseLandmarker in VIDEO mode, collect the results into pose datasets) costs at
most 15 % more time per frame than bare ``PoseLandmarker.detect_for_video`` on
the same frames already decoded in memory; and the ASR real-time factor
(seconds of compute per second of audio) of faster-whisper ``tiny.en`` int8.

Everything is measured in one run on the same test video (made by
``scripts/make_test_media.py``, optionally repeated end to end to lengthen it);
each timing is the best of ``--repeats`` interleaved runs (medians reported
too), so a noisy shared machine affects both sides alike. The pipeline timing
includes creating the landmarker and resolving its model; the bare one does
not. Also reported: the whole ``extract_video`` (pose only, and with the face
pass for the offset check) in frames/s.

Run: ``.venv/bin/python benchmarks/bench_extract.py [--video FILE] [--repeats 3] [--loops 2]``
Results go to stdout and ``benchmarks/results/bench_extract.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from alloava_analysis.extract import asr, keypoints, media
from alloava_analysis.extract.pipeline import extract_video
from alloava_analysis.io.atomic import write_json

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for scripts/make_test_media.py
TARGET_OVERHEAD = 0.15


def make_video(folder: Path, loops: int) -> Path:
    """The test video, its content repeated ``loops`` times (a longer clip times more steadily)."""
    from scripts import make_test_media as mk
    if loops <= 1:
        mk.make_all(folder, which=("talk",))
        return folder / "talk.mp4"
    from skimage import data

    photo = data.astronaut()
    speech, rate, _ = mk.load_speech()
    one = mk.LEAD_S + len(speech) / rate + mk.TAIL_S
    times = np.arange(int(one * loops * mk.FPS)) / mk.FPS
    dx, dy = mk.trajectory(times)
    mouth = mk.speech_envelope(speech, rate, (times % one) - mk.LEAD_S)
    audio48 = mk.resample(speech, rate, mk.AUDIO_RATE)
    track = np.zeros(int(round(one * loops * mk.AUDIO_RATE)), np.float32)
    for k in range(loops):
        start = int(round((k * one + mk.LEAD_S) * mk.AUDIO_RATE))
        track[start:start + len(audio48)] = audio48[: len(track) - start]
    path = folder / "long.mp4"
    mk.encode(path, (mk.render_frame(photo, x, y, m) for x, y, m in zip(dx, dy, mouth)), times, audio=track)
    return path


def bare_pose(frames: list[media.VideoFrame]) -> float:
    """Seconds for bare PoseLandmarker.detect_for_video over frames already decoded in memory.

    Each RGB array is wrapped as a ``mediapipe.Image`` inside the loop, as any
    caller must (wrapping them all first was measured slower: 270 MB of images
    for a 350-frame clip evict the caches).
    """
    with keypoints.Landmarkers(pose=True) as marks:
        task = marks.tasks["pose"]
        start = time.perf_counter()
        for frame in frames:
            task.detect_for_video(marks.image(frame.image), int(round(frame.time * 1000)))
        return time.perf_counter() - start


def pipeline_pose(video: Path) -> tuple[float, int]:
    """Seconds for extract_keypoints (decode + track + collect into datasets), and frames."""
    start = time.perf_counter()
    result = keypoints.extract_keypoints(video, pose=True, progress=False)
    return time.perf_counter() - start, result.frames


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", type=Path, help="video to time (default: the generated test video)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--loops", type=int, default=2, help="repeat the test video's content this many times")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        video = args.video or make_video(tmp, args.loops)
        info = media.probe_media(video)
        frames = list(media.VideoFrames(video))
        bare, pipe = [], []
        for i in range(args.repeats):  # interleaved, alternating which goes first; best of each
            if i % 2:
                pipe.append(pipeline_pose(video)[0])
                bare.append(bare_pose(frames))
            else:
                bare.append(bare_pose(frames))
                pipe.append(pipeline_pose(video)[0])
        n = len(frames)
        start = time.perf_counter()
        decode_only = sum(1 for _ in media.VideoFrames(video))
        decode_seconds = time.perf_counter() - start

        whole = {}
        for label, sync in (("pose_only", False), ("pose_and_offset_check", True)):
            start = time.perf_counter()
            result = extract_video(video, tmp / f"out_{label}", clip_id="BENCH_abcdefghijk", sync=sync,
                                   copy_video=False, progress=False, allow_download=False)
            elapsed = time.perf_counter() - start
            whole[label] = {"seconds": round(elapsed, 3), "frames_per_s": round(result["frames"] / elapsed, 1),
                            "stage_seconds": result["seconds"]}

        audio = media.decode_audio(video, samplerate=16_000, channels=1)[:, 0]
        asr.transcribe(audio[: 16_000], allow_download=False)  # load the model outside the timing
        rtf = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            words, _, meta = asr.transcribe(audio, allow_download=False)
            rtf.append((time.perf_counter() - start) / (len(audio) / 16_000))

    bare_s, pipe_s = min(bare), min(pipe)
    overhead = pipe_s / bare_s - 1
    report = {
        "benchmark": "extract",
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "video": {"path": str(args.video) if args.video else "generated talk.mp4", "frames": n,
                  "size": [info.width, info.height], "duration_s": info.duration},
        "keypoints": {
            "bare_pose_frames_per_s": round(n / bare_s, 1),
            "pipeline_pose_frames_per_s": round(n / pipe_s, 1),
            "decode_only_frames_per_s": round(decode_only / decode_seconds, 1),
            "overhead": round(overhead, 4),
            "overhead_median": round(float(np.median(pipe) / np.median(bare) - 1), 4),
            "target_overhead": TARGET_OVERHEAD,
            "meets_target": bool(overhead <= TARGET_OVERHEAD),
            "repeats": args.repeats,
            "bare_seconds_all": [round(s, 3) for s in bare],
            "pipeline_seconds_all": [round(s, 3) for s in pipe],
        },
        "extract_video": whole,
        "asr": {"engine": meta["engine"], "model": meta["model"], "compute_type": meta["compute_type"],
                "audio_s": round(len(audio) / 16_000, 2), "real_time_factor": round(min(rtf), 4),
                "real_time_factor_all": [round(r, 4) for r in rtf], "words": len(words)},
    }
    write_json(ROOT / "benchmarks" / "results" / "bench_extract.json", report, indent=1)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
