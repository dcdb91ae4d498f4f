#!/usr/bin/env python
"""Make short real-media test videos with known content (offline).

A real person: scikit-image's bundled astronaut photo (Eileen Collins), moved
along a planted trajectory; her mouth is opened in step with the speech
envelope (a dark ellipse whose height follows the speech), so a face tracker
sees the mouth move with the audio. Real speech: a committed espeak-ng
recording of known text (``tests/fixtures/media/speech.wav``), regenerated with
``--regenerate-speech`` by exactly :data:`ESPEAK_COMMAND` (needs
``apt-get install -y espeak-ng``). Everything is encoded with PyAV (H.264,
AAC, Opus), no system ffmpeg needed.

Written to OUT (with ``truth.json`` describing what was planted):

``talk.mp4``
    25 fps, audio in sync, speech starting at ``lead_s``.
``offset.mp4``
    Like ``talk.mp4`` but the audio track lags the picture by ``audio_delay_s``.
``vfr.mp4``
    Variable frame rate (uneven presentation times), no audio stream, and a
    stretch of frames with nobody in them.
``audio_only.webm``
    Opus audio only, like yt-dlp's ``.f251.webm`` downloads.
``truncated.mp4``, ``garbage.mp4``
    Corrupt containers (half a file; random bytes).

Usage: ``python scripts/make_test_media.py OUT [--regenerate-speech]``.
"""
from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "media"
SPEECH_WAV = FIXTURES / "speech.wav"
SPEECH_TXT = FIXTURES / "speech.txt"
SPEECH_TEXT = ("Speech and gesture go together. When people talk, they move their hands "
               "to show what they mean.")
ESPEAK_COMMAND = ["espeak-ng", "-v", "en-us", "-s", "160", "-w", "{wav}", SPEECH_TEXT]

SIZE = 512                 # frame width and height (the astronaut photo's size)
FPS = 25
LEAD_S = 0.6               # silence before the speech starts
TAIL_S = 0.4               # silence after the recording ends
AUDIO_RATE = 48_000
AUDIO_DELAY_S = 0.24       # planted lag of the audio in offset.mp4 (6 frames at 25 fps)
MOUTH_CENTER = (223, 146)  # inner-lip centre in the unshifted photo (found with FaceLandmarker)
MOUTH_HALF_WIDTH = 14
MOUTH_MAX_HEIGHT = 16


def regenerate_speech() -> None:
    """Run espeak-ng to remake the committed WAV and its text."""
    cmd = [part.format(wav=SPEECH_WAV) for part in ESPEAK_COMMAND]
    print("running:", shlex.join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)
    SPEECH_TXT.write_text(SPEECH_TEXT + "\n", encoding="utf-8")


def load_speech() -> tuple[np.ndarray, int, str]:
    """The committed speech (float32 mono), its sample rate and its text."""
    import soundfile as sf

    samples, rate = sf.read(SPEECH_WAV, dtype="float32")
    return samples, int(rate), SPEECH_TXT.read_text(encoding="utf-8").strip()


def trajectory(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Planted shift of the picture in pixels (dx right, dy down) at times ``t``."""
    t = np.asarray(t, dtype=np.float64)
    dx = 40 * np.sin(2 * np.pi * 0.35 * t) + 14 * np.sin(2 * np.pi * 1.1 * t + 1.0)
    dy = 12 * np.sin(2 * np.pi * 0.6 * t + 0.5)
    return np.round(dx).astype(int), np.round(dy).astype(int)


def speech_envelope(samples: np.ndarray, rate: int, t: np.ndarray) -> np.ndarray:
    """Speech loudness in 0..1 at times ``t`` (RMS over 50 ms, scaled by its 95th percentile)."""
    win = int(0.05 * rate)
    power = np.convolve(samples.astype(np.float64) ** 2, np.ones(win) / win, mode="same")
    rms = np.sqrt(power)
    idx = np.clip(np.round(np.asarray(t) * rate).astype(int), 0, len(rms) - 1)
    env = np.where((np.asarray(t) >= 0) & (np.asarray(t) * rate < len(rms)), rms[idx], 0.0)
    return np.clip(env / np.percentile(rms[rms > 0], 95), 0, 1)


def render_frame(photo: np.ndarray, dx: int, dy: int, mouth: float, *, person: bool = True) -> np.ndarray:
    """The photo shifted by (dx, dy) with edge padding and the mouth opened by ``mouth`` (0..1)."""
    from PIL import Image, ImageDraw

    if not person:
        return np.full((SIZE, SIZE, 3), 128, np.uint8)
    pad = 64
    padded = np.pad(photo, ((pad, pad), (pad, pad), (0, 0)), mode="edge")
    y0, x0 = pad - dy, pad - dx
    frame = np.ascontiguousarray(padded[y0:y0 + SIZE, x0:x0 + SIZE])
    height = MOUTH_MAX_HEIGHT * float(mouth)
    if height >= 1:
        image = Image.fromarray(frame)
        cx, cy = MOUTH_CENTER[0] + dx, MOUTH_CENTER[1] + dy
        ImageDraw.Draw(image).ellipse([cx - MOUTH_HALF_WIDTH, cy - height / 2, cx + MOUTH_HALF_WIDTH,
                                       cy + height / 2], fill=(40, 10, 10))
        frame = np.asarray(image)
    return frame


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    from scipy.signal import resample_poly

    g = np.gcd(rate, target)
    return resample_poly(samples, target // g, rate // g).astype(np.float32)


def encode(path: Path, frames, times: np.ndarray, *, audio: np.ndarray | None = None,
           audio_codec: str = "aac", time_base: Fraction = Fraction(1, 1000), audio_start_s: float = 0.0) -> None:
    """Encode RGB ``frames`` at presentation ``times`` (s), plus mono 48 kHz ``audio``, with PyAV.

    ``audio_start_s`` is the presentation time of the first audio sample.
    """
    import itertools

    import av

    container_format = "webm" if path.suffix == ".webm" else "mp4"
    with av.open(str(path), "w", format=container_format) as out:
        vstream = None
        if frames is not None:
            first = next(iter(frames := iter(frames)))
            frames = itertools.chain([first], frames)
            vstream = out.add_stream("libx264", rate=FPS)
            vstream.height, vstream.width = first.shape[:2]
            vstream.pix_fmt = "yuv420p"
            vstream.codec_context.time_base = time_base
            vstream.options = {"crf": "20", "preset": "veryfast"}
        astream = None
        if audio is not None:
            astream = out.add_stream(audio_codec, rate=AUDIO_RATE, layout="mono")
        if vstream is not None:
            for image, t in zip(frames, times):
                frame = av.VideoFrame.from_ndarray(image, format="rgb24")
                frame.pts = int(round(t / time_base))
                frame.time_base = time_base
                out.mux(vstream.encode(frame))
            out.mux(vstream.encode(None))
        if astream is not None:
            size = astream.codec_context.frame_size or 1024
            first_pts = int(round(audio_start_s * AUDIO_RATE))
            for offset in range(0, len(audio), size):
                data = np.zeros((1, size), np.float32)  # the last frame is padded to the encoder's size
                part = audio[offset:offset + size]
                data[0, :len(part)] = part
                chunk = av.AudioFrame.from_ndarray(data, format="fltp", layout="mono")
                chunk.sample_rate, chunk.pts = AUDIO_RATE, first_pts + offset
                chunk.time_base = Fraction(1, AUDIO_RATE)
                out.mux(astream.encode(chunk))
            out.mux(astream.encode(None))


def make_all(out_dir: str | Path, *, which: tuple[str, ...] | None = None) -> dict:
    """Write the test media to ``out_dir`` and return (and write) ``truth.json``."""
    from skimage import data

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    photo = data.astronaut()
    speech, rate, text = load_speech()
    speech_s = len(speech) / rate
    duration = LEAD_S + speech_s + TAIL_S
    audio48 = resample(speech, rate, AUDIO_RATE)

    def track(delay: float) -> np.ndarray:
        samples = np.zeros(int(round(duration * AUDIO_RATE)), np.float32)
        start = int(round((LEAD_S + delay) * AUDIO_RATE))
        part = audio48[: max(0, len(samples) - start)]
        samples[start:start + len(part)] = part
        return samples

    active = np.flatnonzero(np.abs(speech) > 0.02)
    truth: dict = {"text": text, "fps": FPS, "size": SIZE, "duration_s": duration, "lead_s": LEAD_S,
                   "speech_onset_s": LEAD_S + active[0] / rate, "speech_offset_s": LEAD_S + active[-1] / rate,
                   "audio_delay_s": AUDIO_DELAY_S, "espeak_command": ESPEAK_COMMAND, "videos": {}}
    wanted = set(which or ("talk", "offset", "vfr", "audio_only", "corrupt"))

    cfr_times = np.arange(int(np.floor(duration * FPS))) / FPS
    dx, dy = trajectory(cfr_times)
    mouth = speech_envelope(speech, rate, cfr_times - LEAD_S)

    def cfr_frames():
        return (render_frame(photo, x, y, m) for x, y, m in zip(dx, dy, mouth))

    for name, delay in (("talk", 0.0), ("offset", AUDIO_DELAY_S)):
        if name in wanted:
            encode(out / f"{name}.mp4", cfr_frames(), cfr_times, audio=track(delay))
            truth["videos"][name] = {"path": f"{name}.mp4", "times": cfr_times.tolist(), "dx": dx.tolist(),
                                     "dy": dy.tolist(), "audio_delay_s": delay, "has_audio": True}
    if "vfr" in wanted:
        rng = np.random.default_rng(7)
        steps = rng.choice([0.02, 0.033, 0.05, 0.08], size=120)
        vfr_times = np.round(np.concatenate([[0.0], np.cumsum(steps)[:-1]]), 3)
        vdx, vdy = trajectory(vfr_times)
        empty = (vfr_times >= 1.5) & (vfr_times < 2.0)
        frames = (render_frame(photo, x, y, 0.0, person=not e) for x, y, e in zip(vdx, vdy, empty))
        encode(out / "vfr.mp4", frames, vfr_times)
        truth["videos"]["vfr"] = {"path": "vfr.mp4", "times": vfr_times.tolist(), "dx": vdx.tolist(),
                                  "dy": vdy.tolist(), "no_person": np.flatnonzero(empty).tolist(),
                                  "has_audio": False}
    if "audio_only" in wanted:
        encode(out / "audio_only.webm", None, np.array([]), audio=track(0.0), audio_codec="libopus")
        truth["videos"]["audio_only"] = {"path": "audio_only.webm", "has_audio": True, "has_video": False}
    if "corrupt" in wanted:
        rng = np.random.default_rng(11)
        (out / "garbage.mp4").write_bytes(rng.integers(0, 256, 64_000, dtype=np.uint8).tobytes())
        source = out / "talk.mp4"
        if not source.exists():
            encode(source, cfr_frames(), cfr_times, audio=track(0.0))
        blob = source.read_bytes()
        (out / "truncated.mp4").write_bytes(blob[: len(blob) // 2])
        truth["videos"]["garbage"] = {"path": "garbage.mp4", "corrupt": True}
        truth["videos"]["truncated"] = {"path": "truncated.mp4", "corrupt": True}
    (out / "truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")
    return truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", help="folder to write the test media to")
    parser.add_argument("--regenerate-speech", action="store_true",
                        help="remake tests/fixtures/media/speech.wav with espeak-ng first")
    parser.add_argument("--only", nargs="*", choices=["talk", "offset", "vfr", "audio_only", "corrupt"])
    args = parser.parse_args(argv)
    if args.regenerate_speech:
        regenerate_speech()
    if args.out is not None:
        truth = make_all(args.out, which=tuple(args.only) if args.only else None)
        print(json.dumps({"out": str(args.out), "videos": sorted(truth["videos"])}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
