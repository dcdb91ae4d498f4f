"""One video -> 48 kHz WAV, Whisper transcript and MediaPipe keypoints, with an offset check.

The transcript has word times and the keypoints are on the container's frame times; an audio-video offset
check and an optional skeleton overlay come with them.
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

from . import human

ENGINES = ("faster-whisper", "openai-whisper")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("video", type=Path, metavar="VIDEO", help="the video (or audio-only) file")
    parser.add_argument("--out", type=Path, required=True, help="corpus folder to write the clip into")
    parser.add_argument("--clip-id", help="clip id <category>_<11-char id> (default: from the file name)")
    parser.add_argument("--engine", default="faster-whisper", choices=ENGINES, metavar="ENGINE",
                        help=f"ASR engine: {', '.join(ENGINES)} (default faster-whisper)")
    parser.add_argument("--model", help="ASR model: a path or a model name (default: resolved offline first)")
    parser.add_argument("--language", default="en", help="spoken language (default en)")
    parser.add_argument("--face", action="store_true", help="also store face landmarks (478) and blendshapes")
    parser.add_argument("--hands", action="store_true", help="also store hand landmarks (21 x 2)")
    parser.add_argument("--overlay", action="store_true", help="write a skeleton-overlay video to keypoints_video/")
    parser.add_argument("--no-sync", action="store_true", help="skip the audio-video offset check")
    parser.add_argument("--offline", action="store_true", help="never download models")
    parser.add_argument("--raw-word-times", action="store_true",
                        help="keep the ASR engine's word times (default: checked against the audio's silences)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace the clip's files when --out already holds them (default: refuse)")


def run(args: argparse.Namespace) -> dict:
    from ..errors import InputPathError

    if not args.video.is_file():
        what = "is a folder, not a file" if args.video.is_dir() else "no such file"
        raise InputPathError(f"{args.video}: {what}; expected a video or audio file", name="VIDEO")
    from ..extract.pipeline import extract_video

    result = extract_video(args.video, args.out, clip_id=args.clip_id, asr_engine=args.engine,
                           asr_model=args.model, language=args.language, face=args.face, hands=args.hands,
                           overlay=args.overlay, sync=not args.no_sync, allow_download=not args.offline,
                           word_timing="raw" if args.raw_word_times else "refined", overwrite=args.overwrite,
                           progress=not args.quiet)
    result.setdefault("failed", [])
    return result


def format_human(result: dict) -> str:
    head = (f"extracted {result['clip_id']}: {human.num(result['frames'])} frames, {human.num(result['words'])} "
            f"words, {human.num(result['duration_s'], unit='s')}")
    rows = [[modality, path] for modality, path in sorted(result.get("paths", {}).items())]
    sync = result.get("sync") or {}
    lines = [head] + human.table(rows, align="ll")
    offset = sync.get("offset_s")
    if offset is not None and math.isfinite(offset):
        verdict = "flagged: beyond the tolerance" if sync.get("flagged") else "within the tolerance"
        unsure = "" if sync.get("reliable") else f"; estimate not reliable: {sync.get('reason', '')}"
        lines.append(f"  audio-video offset {human.num(offset, unit='s', signed=True)} ({verdict}{unsure})")
    elif sync.get("reason"):
        lines.append(f"  audio-video offset n/a ({sync['reason']})")
    return human.join(lines, human.problem_lines(result))
