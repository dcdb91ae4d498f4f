"""Real talking faces with audio (GRID corpus sentences) as test fixtures, and known-answer constructions from them.

Source: the MIT-licensed repository https://github.com/rizkiarm/LipNet ships eleven
sentences of the GRID audio-visual corpus (Cooke, Barker, Cunningham & Shao 2006;
CC BY 4.0, https://doi.org/10.5281/zenodo.3625687) as MPEG-1 files with their audio:
``evaluation/samples/GRID/*.mpg`` and ``evaluation/samples/id2_vcd_swwp2s.mpg``. Each
is 3 s of one talker facing the camera (360 x 288, 25 fps) saying a six-word
command ("bin blue at f two now"). Run once (``fetch`` the repository first)::

    python scripts/make_real_av_fixtures.py PATH/TO/LipNet/evaluation/samples

For each sentence it writes ``tests/fixtures/real/grid/<name>.mp4``: the video
re-encoded as H.264 on the source's own frame times, the MPEG-1 Layer II audio
packets copied unchanged (re-encoding to AAC would add the encoder's priming delay,
an audio-video offset of its own). Then it tracks the faces of those files with
our extraction (MediaPipe FaceLandmarker, offline model) and caches the mouth
series of the offset check in ``tests/fixtures/real/grid/face_tracks.npz``, so
that tests can sweep many planted offsets without re-tracking.

Known-answer constructions (used by the tests and ``scripts/measure_av_offset.py``):

- :func:`shift_audio`: the audio moved by a known amount by rewriting packet
  timestamps only (no sample is decoded or re-encoded); :func:`shift_samples` does the
  same on decoded samples (an exact whole number of samples).
- :func:`drop_frames`: frames removed, the rest keeping their time stamps: a
  variable frame rate (video re-encoded, audio packets copied).
- :func:`concatenate_clips` / :func:`panel_tracks`: sentences of several talkers one
  after another every 3 s (each in sync, so the whole is): long enough for the
  offset check's significance test, which a single 3-s sentence is not.
"""
from __future__ import annotations

import argparse
import fractions
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from alloava_analysis.extract.media import decode_audio_tracks  # noqa: E402

GRID = REPO / "tests" / "fixtures" / "real" / "grid"
TRACKS = GRID / "face_tracks.npz"
#: Fixture name -> source file under LipNet's ``evaluation/samples``.
SOURCES = {name: f"GRID/{name}.mpg" for name in ("bbaf2n", "brbk7n", "lbax4n", "lbbc2a", "lrwp9a", "lwbsza",
                                                   "pwij3p", "sbia1a", "sbwe5n", "swiz3n")}
SOURCES["swwp2s"] = "id2_vcd_swwp2s.mpg"
SPACING_S = 3.0        # every GRID sentence is 75 frames at 25 fps
RATE = 16_000          # audio rate of the constructions and of the offset check


def _av():
    import av

    return av


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _video_stream(out, like, *, crf: int):
    stream = out.add_stream("libx264", rate=25)
    stream.width, stream.height = like.codec_context.width, like.codec_context.height
    stream.pix_fmt = "yuv420p"
    stream.time_base = fractions.Fraction(1, 90_000)
    stream.options = {"crf": str(crf), "preset": "slow"}
    return stream


def _encode(out, stream, image: np.ndarray, time_s: float) -> None:
    av = _av()
    frame = av.VideoFrame.from_ndarray(image, format="rgb24")
    frame.pts = int(round(time_s * 90_000))
    frame.time_base = stream.time_base
    for packet in stream.encode(frame):
        out.mux(packet)


def _flush(out, stream) -> None:
    for packet in stream.encode():
        out.mux(packet)


def reencode_video_copy_audio(src: Path, dst: Path, *, keep=None, crf: int = 26) -> Path:
    """``src`` with its video re-encoded as H.264 on the same frame times and its audio packets copied.

    ``keep(i, time_s) -> bool`` chooses the frames kept (all by default); dropped
    frames leave gaps in the time stamps: a variable frame rate.
    """
    av = _av()
    dst.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(src)) as inp, av.open(str(dst), "w") as out:
        vin, ain = inp.streams.video[0], inp.streams.audio[0]
        vout = _video_stream(out, vin, crf=crf)
        aout = out.add_stream_from_template(ain)
        index = 0
        for packet in inp.demux(vin, ain):
            if packet.stream.type == "audio":
                if packet.dts is not None:
                    packet.stream = aout
                    out.mux(packet)
                continue
            for frame in packet.decode():
                if keep is None or keep(index, float(frame.time)):
                    _encode(out, vout, frame.to_ndarray(format="rgb24"), float(frame.time))
                index += 1
        _flush(out, vout)
    return dst


def drop_frames(src: Path, dst: Path, *, every: int = 3, seed: int = 0, extra: float = 0.1) -> Path:
    """A variable-frame-rate copy of ``src``: every ``every``-th frame and a random ``extra`` share dropped."""
    rng = np.random.default_rng(seed)
    return reencode_video_copy_audio(src, dst, keep=lambda i, t: i % every != 1 and rng.random() >= extra)


def shift_audio(src: Path, dst: Path, seconds: float) -> Path:
    """``src`` remuxed with its audio ``seconds`` later than the picture (earlier when negative).

    Only packet time stamps change: the audio packets are copied, never decoded or
    re-encoded. A positive shift delays the audio stream; a negative one delays
    the video stream by ``-seconds`` instead (time stamps cannot go below zero).
    """
    av = _av()
    with av.open(str(src)) as inp, av.open(str(dst), "w") as out:
        vin, ain = inp.streams.video[0], inp.streams.audio[0]
        streams = {vin.index: out.add_stream_from_template(vin), ain.index: out.add_stream_from_template(ain)}
        moved = ain if seconds >= 0 else vin
        ticks = int(round(abs(seconds) / moved.time_base))
        if abs(ticks * moved.time_base - abs(seconds)) > 1e-9:
            raise ValueError(f"{seconds} s is not a whole number of {moved.time_base} s ticks")
        for packet in inp.demux(vin, ain):
            if packet.dts is None:
                continue
            if packet.stream.index == moved.index:
                packet.pts = None if packet.pts is None else packet.pts + ticks
                packet.dts += ticks
            packet.stream = streams[packet.stream.index]
            out.mux(packet)
    return dst


def shift_samples(audio: np.ndarray, seconds: float, samplerate: int = RATE) -> np.ndarray:
    """Mono ``audio`` moved ``seconds`` later (zeros in front) or earlier (zeros at the end); same length."""
    n = int(round(seconds * samplerate))
    if abs(n - seconds * samplerate) > 1e-6:
        raise ValueError(f"{seconds} s is not a whole number of samples at {samplerate} Hz")
    out = np.zeros_like(audio)
    if n >= 0:
        out[n:] = audio[:audio.size - n]
    else:
        out[:n] = audio[-n:]
    return out


def read_audio(path: Path) -> np.ndarray:
    """The audio of a fixture as mono float32 at 16 kHz on the media clock."""
    return decode_audio_tracks(path, {"x": (RATE, 1)})["x"][:, 0]


def concatenate_clips(paths: list[Path], dst: Path, *, spacing_s: float = SPACING_S, crf: int = 26) -> Path:
    """One video of ``paths`` back to back (clip k starts at ``k * spacing_s``): video H.264, audio FLAC 16 kHz.

    The decoded audio of each clip is placed at exactly ``k * spacing_s`` (a whole
    number of samples) and stored losslessly, so the whole is as in sync as its parts.
    """
    av = _av()
    step = int(round(spacing_s * RATE))
    audio = np.zeros(step * len(paths), np.float32)
    with av.open(str(paths[0])) as first, av.open(str(dst), "w") as out:
        vout = _video_stream(out, first.streams.video[0], crf=crf)
        aout = out.add_stream("flac", rate=RATE, layout="mono")  # every stream before the first packet
        for k, path in enumerate(paths):
            with av.open(str(path)) as inp:
                for frame in inp.decode(inp.streams.video[0]):
                    _encode(out, vout, frame.to_ndarray(format="rgb24"), k * spacing_s + float(frame.time))
            clip = read_audio(path)[:step]
            audio[k * step:k * step + clip.size] = clip
        _flush(out, vout)
        pcm = np.round(audio / max(1e-9, np.abs(audio).max()) * 0.9 * 32767).astype(np.int16)
        for start in range(0, pcm.size, 4096):
            frame = av.AudioFrame.from_ndarray(pcm[None, start:start + 4096], format="s16", layout="mono")
            frame.sample_rate, frame.pts, frame.time_base = RATE, start, fractions.Fraction(1, RATE)
            for packet in aout.encode(frame):
                out.mux(packet)
        for packet in aout.encode():
            out.mux(packet)
    return dst


def fixture_paths() -> list[Path]:
    return [GRID / f"{name}.mp4" for name in SOURCES]


def track_faces(paths: list[Path]) -> dict[str, dict[str, np.ndarray]]:
    """Mouth series of the offset check per fixture, from our extraction (MediaPipe FaceLandmarker, offline)."""
    from alloava_analysis.extract.keypoints import extract_keypoints
    from alloava_analysis.extract.sync import mouth_signals

    tracks = {}
    for path in paths:
        kp = extract_keypoints(path, pose=False, face=True, progress=False, detect_cuts=False, allow_download=False)
        face = kp.poses["mediapipe_face_478"]
        names, mouth = mouth_signals(face)
        tracks[path.stem] = {"time": face["time"].values.astype(np.float64),
                             **{n: mouth[:, i] for i, n in enumerate(names)}}
    return tracks


def save_tracks(tracks: dict, path: Path = TRACKS) -> Path:
    flat = {f"{clip}/{key}": value for clip, series in tracks.items() for key, value in series.items()}
    np.savez_compressed(path, **flat)
    return path


def load_tracks(path: Path = TRACKS) -> dict[str, dict[str, np.ndarray]]:
    """The cached mouth series: clip -> {"time", "mouth_opening", "jawOpen"}."""
    tracks: dict[str, dict[str, np.ndarray]] = {}
    with np.load(path) as data:
        for key in data.files:
            clip, series = key.split("/")
            tracks.setdefault(clip, {})[series] = data[key]
    return tracks


def panel_tracks(tracks: dict, audio: dict, names: list[str], *, spacing_s: float = SPACING_S) -> tuple:
    """Track-level :func:`concatenate_clips`: (frame times, mouth (frames, 2), 16 kHz audio) of ``names`` in a row."""
    step = int(round(spacing_s * RATE))
    times, mouth, sound = [], [], np.zeros(step * len(names), np.float32)
    for k, name in enumerate(names):
        times.append(tracks[name]["time"] + k * spacing_s)
        mouth.append(np.column_stack([tracks[name]["mouth_opening"], tracks[name]["jawOpen"]]))
        clip = audio[name][:step]
        sound[k * step:k * step + clip.size] = clip
    return np.concatenate(times), np.concatenate(mouth), sound


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("samples", type=Path, help="LipNet's evaluation/samples folder")
    args = parser.parse_args(argv)
    GRID.mkdir(parents=True, exist_ok=True)
    summary = {}
    for name, rel in SOURCES.items():
        src = args.samples / rel
        dst = reencode_video_copy_audio(src, GRID / f"{name}.mp4")
        summary[name] = {"source": rel, "source_sha256": sha256(src), "sha256": sha256(dst),
                         "bytes": dst.stat().st_size}
    save_tracks(track_faces(fixture_paths()))
    summary["face_tracks.npz"] = {"sha256": sha256(TRACKS), "bytes": TRACKS.stat().st_size}
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
