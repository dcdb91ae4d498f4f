"""Re-encode the real clips behind the camera-cut tests into small fixtures (run once).

Sources (both CC BY 4.0, Intel Corporation; see ``tests/fixtures/real/SOURCE.md``):
the repository https://github.com/intel-iot-devkit/sample-videos, fetched as a bare
git mirror. Its ``asl_gestures/*.mkv`` are 20 real recordings of five people signing one
American Sign Language word each, standing in one office in front of one fixed
webcam (640 x 480, 30 fps, 1.6-3.7 s each, no cuts); ``one-by-one-person-detection.mp4``
is 139 s of people walking one at a time past a table, filmed from above by a fixed
camera (768 x 432, 10 fps, no cuts). Each file is decoded with PyAV, downscaled by two
(area averaging) and written as H.264 (CRF 26, the walking clip CRF 32; yuv420p, every
frame kept, same frame rate) to ``tests/fixtures/real/cuts/``::

    python scripts/make_cut_fixtures.py /work/.mirror/intel-iot-devkit+sample-videos/repo

The known-answer cuts are not stored: :mod:`alloava_analysis.synthetic.cuts` splices
these real frames at known frames when a test or ``scripts/measure_cuts.py`` runs.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import cv2

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "real" / "cuts"
SOURCES = [f"asl_gestures/{w}.mkv" for w in (
    "again", "bird", "book", "brother", "eat", "help", "hungry", "learn", "milk", "night",
    "no", "please", "school", "sister", "sorry", "student", "thanks", "walk", "want", "yes")] + [
    "one-by-one-person-detection.mp4"]


def reencode(data: bytes, out: Path, *, rate: Fraction, crf: int) -> None:
    """Decode ``data``, halve each frame, and write every frame as H.264 to ``out``."""
    tmp = out.with_suffix(".src")
    tmp.write_bytes(data)
    try:
        with av.open(str(tmp)) as src, av.open(str(out), "w") as dst:
            stream = dst.add_stream("libx264", rate=rate)
            stream.options = {"crf": str(crf), "preset": "slow"}
            stream.pix_fmt = "yuv420p"
            first = True
            for frame in src.decode(video=0):
                rgb = frame.to_ndarray(format="rgb24")
                small = cv2.resize(rgb, (rgb.shape[1] // 2, rgb.shape[0] // 2), interpolation=cv2.INTER_AREA)
                if first:
                    stream.width, stream.height = small.shape[1], small.shape[0]
                    first = False
                for packet in stream.encode(av.VideoFrame.from_ndarray(small, format="rgb24")):
                    dst.mux(packet)
            for packet in stream.encode():
                dst.mux(packet)
    finally:
        tmp.unlink()


def main(repo: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], check=True, capture_output=True,
                            text=True).stdout.strip()
    print(f"commit {commit}")
    for path in SOURCES:
        data = subprocess.run(["git", "-C", repo, "show", f"HEAD:{path}"], check=True, capture_output=True).stdout
        walking = path.startswith("one-by-one")
        out = OUT / (Path(path).stem.replace("-", "_") + ".mp4")
        reencode(data, out, rate=Fraction(10 if walking else 30), crf=32 if walking else 26)
        print(f"{path}\t{hashlib.sha256(data).hexdigest()}\t{out.name}\t{out.stat().st_size}\t"
              f"{hashlib.sha256(out.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main(sys.argv[1])
