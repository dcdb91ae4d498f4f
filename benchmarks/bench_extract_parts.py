"""Extraction cost per hour of 720p video, part by part, in CPU seconds (issue 26 item 4).

The test clip is a real person: ``tests/fixtures/real/signer_wave.mp4`` (540 x 720,
1.94 s) played forwards and backwards in turn (no cut at the joins), centred on a
1280 x 720 canvas (pillarboxed, so every pixel of the person is real and at its
recorded size), with ``tests/fixtures/real/jfk_speech.flac`` repeated as its sound
track, encoded here with H.264/AAC at 30 fps; nothing of it is committed.

Each part is timed in CPU seconds (user + sys of this process, all its threads,
from ``resource.getrusage``) and in wall seconds with the 1-minute load average
beside them. On a shared machine wall time is noise; CPU seconds per hour of
video are the figure to read (they are core-seconds, so ``3600 / cpu_s_per_hour``
is the real-time factor of one core). The parts:

- ``decode``: PyAV decode of the 720p file to RGB, at full size and at the
  smaller sizes handed to the models, with and without FFmpeg's threads.
- ``pose`` / ``hands`` / ``face``: the MediaPipe landmarkers in VIDEO mode over
  frames already decoded (one forward-backward period of the clip held in memory
  and replayed on an increasing clock), at full size and downscaled.
- ``asr``: audio decode to 16 kHz mono plus faster-whisper ``tiny.en`` int8
  (model loaded outside the timing), with CTranslate2's default threads and 1 thread.
- ``whole``: :func:`extract_video` as the CLI runs it: pose + ASR (no offset
  check), and everything (pose, hands, face, offset check).

Agreement of the cheaper variants with the default is measured on the real
signer clip itself (its 58 frames at 540 x 720): per keypoint, the median
distance from the full-resolution full-model result, in shoulder widths
(pose and hands) and in normalised pixels, over frames where both found the
person, beside the floor that re-encoding the clip once gives. The report
ends with the projection for 1,250 h in 7,500 clips on a 64-core cluster from
the per-core CPU figures of ``whole`` (per-hour rate plus fixed cost per clip;
it assumes cores as fast as this machine's and no overhead of spreading clips
over them).

Run: ``.venv/bin/python benchmarks/bench_extract_parts.py [--seconds 20] [--parts decode,pose,...] [--json FILE]``
Results go to stdout and ``benchmarks/results/bench_extract_parts.json`` (or ``--json``); about 10 minutes of
CPU in all. MediaPipe logs a line per frame on stderr: send it to /dev/null.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's package, and scripts/make_test_media.py

from alloava_analysis.extract import asr, keypoints, media  # noqa: E402
from alloava_analysis.extract.pipeline import extract_video  # noqa: E402
from alloava_analysis.io.atomic import write_json  # noqa: E402

REAL = ROOT / "tests" / "fixtures" / "real"
SIGNER = REAL / "signer_wave.mp4"
SPEECH = REAL / "jfk_speech.flac"
SIZE = (1280, 720)
FPS = 30
CORPUS_HOURS = 1250
CORPUS_CLIPS = 7500
CLUSTER_CORES = 64
#: Input heights tried for the landmarkers (None: the decoded size).
HEIGHTS = (None, 360)
#: Decode heights tried for the whole keypoint stage and for agreement.
PIPELINE_HEIGHTS = (None, 540, 480, 360, 270)
PARTS = ("decode", "pose", "hands", "face", "keypoints", "asr", "whole", "agreement")


def cpu_seconds() -> float:
    """User + sys seconds of this process so far, every thread included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Meter:
    """CPU and wall seconds of a ``with`` block, and the load average when it ended."""

    def __enter__(self) -> "Meter":
        self.cpu, self.wall = cpu_seconds(), time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.cpu = cpu_seconds() - self.cpu
        self.wall = time.perf_counter() - self.wall
        self.load = os.getloadavg()[0]

    def per_hour(self, video_s: float) -> dict:
        """The figures scaled to one hour of video."""
        return {"cpu_s_per_hour": round(self.cpu * 3600 / video_s, 1),
                "wall_s_per_hour": round(self.wall * 3600 / video_s, 1),
                "real_time_per_core": round(video_s / self.cpu, 3) if self.cpu else None,
                "cpu_s": round(self.cpu, 3), "wall_s": round(self.wall, 3), "load_1min": round(self.load, 2)}


def signer_frames() -> list[np.ndarray]:
    """The signer clip's RGB frames, as decoded from the fixture."""
    return [frame.image for frame in media.VideoFrames(SIGNER, prefetch=0)]


def pillarbox(image: np.ndarray, size: tuple[int, int] = SIZE) -> np.ndarray:
    """``image`` centred on a black canvas of ``size`` (width, height); its height must fit."""
    canvas = np.zeros((size[1], size[0], 3), np.uint8)
    h, w = image.shape[:2]
    top, left = (size[1] - h) // 2, (size[0] - w) // 2
    canvas[top:top + h, left:left + w] = image
    return canvas


def make_clip(folder: Path, seconds: float) -> Path:
    """Encode the 720p test clip of about ``seconds`` seconds (see the module docstring)."""
    from scripts import make_test_media as mk

    frames = [pillarbox(f) for f in signer_frames()]
    period = frames + frames[-2:0:-1]  # forwards then backwards, no frame repeated at the turns
    n = int(round(seconds * FPS))
    speech = media.decode_audio(SPEECH, samplerate=mk.AUDIO_RATE, channels=1)[:, 0]
    track = np.resize(np.concatenate([speech, np.zeros(mk.AUDIO_RATE // 2, np.float32)]),
                      int(round(n / FPS * mk.AUDIO_RATE)))
    path = folder / "signer_720p.mp4"
    mk.encode(path, (period[i % len(period)] for i in range(n)), np.arange(n) / FPS, audio=track,
              time_base=Fraction(1, 1000))
    return path


def decode_part(video: Path, duration: float) -> dict:
    """Decode the whole file to RGB at each model input height, with and without FFmpeg's threads."""
    out = {}
    for height in HEIGHTS:
        for threads in (True, False):
            with Meter() as m:
                for _ in media.VideoFrames(video, prefetch=0, threads=threads, max_height=height):
                    pass
            out[f"height_{height or 'full'}_{'threads' if threads else 'one_thread'}"] = m.per_hour(duration)
    return out


def held_frames(video: Path, count: int, height: int | None) -> list[media.VideoFrame]:
    """The first ``count`` decoded frames (one forward-backward period of the clip)."""
    frames = []
    for frame in media.VideoFrames(video, prefetch=0, max_height=height):
        frames.append(frame)
        if len(frames) == count:
            break
    return frames


def landmarker_part(kind: str, video: Path, n: int, period: int, heights=HEIGHTS) -> dict:
    """CPU cost of one landmarker over ``n`` frames at each input height (frames replayed from memory)."""
    flags = {"pose": dict(pose=True), "hand": dict(pose=False, hands=True), "face": dict(pose=False, face=True)}
    out = {}
    for height in heights:
        frames = held_frames(video, period, height)
        with keypoints.Landmarkers(**flags[kind], allow_download=False) as marks:
            task = marks.tasks[kind]
            images = [marks.image(f.image) for f in frames]
            with Meter() as m:
                for i in range(n):
                    task.detect_for_video(images[i % period], int(round(i * 1000 / FPS)))
        out[f"height_{height or 'full'}"] = m.per_hour(n / FPS)
    return out


def keypoints_part(video: Path, duration: float) -> dict:
    """:func:`extract_keypoints` (pose only, cut detection on, as ``extract_video`` runs it) at each decode height.

    Includes what the bare landmarker timing leaves out: decoding, wrapping each
    frame as a MediaPipe image, the cut detector's thumbnails, collecting the
    results, and creating the landmarker (once per clip).
    """
    out = {}
    keypoints.extract_keypoints(video, progress=False, allow_download=False)  # imports and model hash, untimed
    for height in PIPELINE_HEIGHTS:
        with Meter() as m:
            keypoints.extract_keypoints(video, progress=False, allow_download=False, max_height=height)
        out[f"max_height_{height or 'full'}"] = m.per_hour(duration)
    return out


def asr_part(video: Path, duration: float) -> dict:
    """Audio decode, then faster-whisper tiny.en int8 with the default threads and with one."""
    with Meter() as m:
        audio = media.decode_audio(video, samplerate=16_000, channels=1)[:, 0]
    out = {"decode_audio": m.per_hour(duration)}
    for threads in (0, 1):
        asr.transcribe(audio[:16_000], allow_download=False, cpu_threads=threads)  # load outside the timing
        with Meter() as m:
            words, _, meta = asr.transcribe(audio, allow_download=False, cpu_threads=threads)
        out[f"transcribe_threads_{threads or 'default'}"] = {**m.per_hour(duration), "words": len(words)}
    out["model"] = f"{meta['engine']} {meta['model']} {meta['compute_type']}"
    return out


def whole_part(videos: dict[float, Path], folder: Path) -> dict:
    """``extract_video`` as the CLI runs it (pose + ASR; then everything) on clips of two lengths.

    A straight line through the two (duration, CPU seconds) points splits the
    cost into a per-hour rate (what grows with the video) and a fixed cost per
    clip (creating the landmarkers, the first Whisper call, writing files),
    so the projection holds for the corpus's clip lengths, not only this clip's.
    """
    out = {}
    for label, options in (("pose_asr", dict(sync=False)),
                           ("pose_asr_hands_face_sync", dict(sync=True, hands=True, face=True))):
        runs = {}
        for duration, video in videos.items():
            with Meter() as m:
                result = extract_video(video, folder / f"{label}_{duration:g}", clip_id="BENCH_abcdefghijk",
                                       copy_video=False, progress=False, allow_download=False, **options)
            runs[f"{duration:g}s"] = {**m.per_hour(duration), "stage_wall_seconds": result["seconds"],
                                      "frames": result["frames"]}
        (d1, d2), (c1, c2) = list(videos), [r["cpu_s"] for r in runs.values()]
        rate = (c2 - c1) / (d2 - d1)
        out[label] = {"marginal_cpu_s_per_hour": round(rate * 3600, 1),
                      "marginal_real_time_per_core": round(1 / rate, 3) if rate > 0 else None,
                      "fixed_cpu_s_per_clip": round(c1 - rate * d1, 2), "runs": runs}
    return out


def _agreement(reference: np.ndarray, other: np.ndarray, scale: np.ndarray, names: list[str]) -> dict:
    """Per keypoint median distance (in ``scale`` units) between two (time, xy, keypoint) arrays."""
    d = np.linalg.norm(reference - other, axis=1) / scale[:, None]
    both = np.isfinite(d)
    per = {name: round(float(np.median(d[both[:, k], k])), 4) for k, name in enumerate(names) if both[:, k].any()}
    return {"median_all": round(float(np.nanmedian(d)), 4), "p95_all": round(float(np.nanpercentile(d, 95)), 4),
            "frames_compared": int(both.any(axis=1).sum()), "per_keypoint_median": per}


def _signer_xy(frames: list[media.VideoFrame], info: media.MediaInfo) -> tuple[dict, keypoints.KeypointResult]:
    """Pixel x, y (time, xy, keypoint) of pose, hands and face tracked in ``frames`` of the signer clip."""
    result = keypoints.extract_keypoints(SIGNER, pose=True, hands=True, face=True, frames=frames, info=info,
                                         progress=False, detect_cuts=False, allow_download=False)
    pixels = np.array([info.width, info.height], float)[None, :, None]
    return {name: ds["position"].values[:, :2, :, 0] * pixels for name, ds in result.poses.items()
            if name != "openpose_body_18"}, result


def agreement_part(folder: Path) -> dict:
    """Keypoints from downscaled input vs the stored size, on the real signer clip (540 x 720).

    The floor to read them against: the same clip re-encoded once more with
    H.264 (CRF 20, as the 720p test clip is), tracked at full size; a change no
    larger than that is within what any re-encode of a video does to MediaPipe.
    """
    from scripts import make_test_media as mk

    info = media.probe_media(SIGNER)
    ref, result = _signer_xy(list(media.VideoFrames(SIGNER, prefetch=0)), info)
    names = {name: list(result.poses[name]["keypoint"].values) for name in ref}
    pose = ref["mediapipe_pose_33"]
    shoulders = np.linalg.norm(pose[:, :, names["mediapipe_pose_33"].index("left_shoulder")]
                               - pose[:, :, names["mediapipe_pose_33"].index("right_shoulder")], axis=1)
    width = float(np.nanmedian(shoulders))
    out: dict = {"shoulder_width_px": round(width, 1),
                 "units": "shoulder widths of the full-size pose (median over frames); _px: pixels of the "
                          "540 x 720 video"}
    frames = list(media.VideoFrames(SIGNER, prefetch=0))
    again = folder / "signer_again.mp4"
    mk.encode(again, [f.image for f in frames], np.array([f.time for f in frames]), time_base=Fraction(1, 1000))
    variants = {"reencode_floor": list(media.VideoFrames(again, prefetch=0))}
    variants.update({f"height_{h}": list(media.VideoFrames(SIGNER, prefetch=0, max_height=h))
                     for h in PIPELINE_HEIGHTS if h is not None and h < info.height})
    for label, variant in variants.items():
        xy, _ = _signer_xy(variant, info)
        out[label] = {}
        for name in ref:
            agree = _agreement(ref[name], xy[name], np.full(len(xy[name]), width), names[name])
            agree["median_all_px"] = round(agree["median_all"] * width, 2)
            if name != "mediapipe_pose_33":
                agree.pop("per_keypoint_median")  # 42 / 478 points: the summary is enough
            out[label][name] = agree
    return out


def projection(parts: dict) -> dict:
    """Core-hours, and wall hours on ``CLUSTER_CORES`` cores, for ``CORPUS_HOURS`` h in ``CORPUS_CLIPS`` clips."""
    out = {}
    for label, figures in parts.get("whole", {}).items():
        core_hours = (figures["marginal_cpu_s_per_hour"] * CORPUS_HOURS
                      + figures["fixed_cpu_s_per_clip"] * CORPUS_CLIPS) / 3600
        out[label] = {"core_hours": round(core_hours, 1),
                      "cluster_wall_hours": round(core_hours / CLUSTER_CORES, 1)}
    return out


def summary(parts: dict) -> dict:
    """CPU seconds per hour of video of each part at the defaults (full size, library threads), and their sums."""
    picks = {"decode": ("decode", "height_full_threads"), "pose": ("pose", "height_full"),
             "hands": ("hands", "height_full"), "face": ("face", "height_full"),
             "asr_audio_decode": ("asr", "decode_audio"), "asr_transcribe": ("asr", "transcribe_threads_default")}
    out = {name: parts[part][key]["cpu_s_per_hour"] for name, (part, key) in picks.items()
           if key in parts.get(part, {})}
    for label, names in (("pose_asr", ("decode", "pose", "asr_audio_decode", "asr_transcribe")),
                         ("everything", ("decode", "pose", "hands", "face", "asr_audio_decode", "asr_transcribe"))):
        if all(name in out for name in names):
            total = sum(out[name] for name in names)
            out[f"sum_{label}"] = round(total, 1)
            out[f"sum_{label}_real_time_per_core"] = round(3600 / total, 3)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the 720p test clip")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated subset of {PARTS}")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "bench_extract_parts.json")
    args = parser.parse_args(argv)
    wanted = args.parts.split(",")
    report: dict = {"benchmark": "extract_parts",
                    "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                                "python": platform.python_version()}}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        video = make_clip(tmp, args.seconds)
        info = media.probe_media(video)
        n = sum(1 for _ in media.VideoFrames(video, prefetch=0, max_height=90))
        duration = n / FPS
        period = 2 * len(signer_frames()) - 2
        report["video"] = {"size": [info.width, info.height], "frames": n, "duration_s": round(duration, 3),
                           "person": "tests/fixtures/real/signer_wave.mp4, pillarboxed to 1280 x 720"}
        parts: dict = {}
        if "decode" in wanted:
            parts["decode"] = decode_part(video, duration)
        for kind, label in (("pose", "pose"), ("hand", "hands"), ("face", "face")):
            if label in wanted:
                parts[label] = landmarker_part(kind, video, n, period)
        if "keypoints" in wanted:
            parts["keypoints"] = keypoints_part(video, duration)
        if "asr" in wanted:
            parts["asr"] = asr_part(video, duration)
        if "whole" in wanted:
            half = tmp / "half"
            half.mkdir()
            short = make_clip(half, args.seconds / 2)
            short_n = sum(1 for _ in media.VideoFrames(short, prefetch=0, max_height=90))
            parts["whole"] = whole_part({short_n / FPS: short, duration: video}, tmp)
        report["parts"] = parts
        report["cpu_s_per_hour_by_part"] = summary(parts)
        if "agreement" in wanted:
            report["agreement_downscaled_vs_full"] = agreement_part(tmp)
        report["projection"] = {"corpus_hours": CORPUS_HOURS, "clips": CORPUS_CLIPS, "cores": CLUSTER_CORES,
                                "assumes": "cores as fast as this machine's; clips spread over the cores with "
                                           "no overhead", **projection(parts)}
    write_json(args.json, report, indent=1)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
