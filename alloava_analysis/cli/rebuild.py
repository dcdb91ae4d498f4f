"""Re-create clips from the source videos listed in a manifest: download, extract, checksum.

Resumable, in parallel processes or on a Dask cluster; failed clips are quarantined with reasons.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from . import human

PARENTS = ("executor",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("manifest", type=Path, metavar="MANIFEST", help="manifest CSV (see data_manifest/README.md)")
    parser.add_argument("--out", type=Path, required=True, help="corpus folder to rebuild into")
    parser.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                        help="also download from HOST (repeatable; YouTube is always allowed)")
    parser.add_argument("--no-sync", action="store_true", help="skip the audio-video offset check")
    parser.add_argument("--face", action="store_true", help="also store face landmarks")
    parser.add_argument("--hands", action="store_true", help="also store hand landmarks")
    parser.add_argument("--asr-model", help="Whisper model path or name (default: offline tiny.en)")
    parser.add_argument("--format", help="yt-dlp format selector (default: best MP4 with audio and video)")
    parser.add_argument("--strict-checksums", action="store_true",
                        help="fail clips whose files differ from the manifest's checksums")


def run(args: argparse.Namespace) -> dict:
    from ..rebuild import DEFAULT_ALLOWED_HOSTS, rebuild

    options: dict = {}
    if args.no_sync:
        options["sync"] = False
    if args.face:
        options["face"] = True
    if args.hands:
        options["hands"] = True
    if args.asr_model:
        options["asr_model"] = args.asr_model
    fmt = {"ytdl_format": args.format} if args.format else {}
    workers = args.workers if args.workers is not None else (os.cpu_count() or 1)  # the executor parent's "every core"
    return rebuild(args.manifest, args.out, workers=workers, scheduler=args.scheduler,
                   allowed_hosts=tuple(dict.fromkeys([*DEFAULT_ALLOWED_HOSTS, *args.allow_host])),
                   extract_options=options, strict_checksums=args.strict_checksums, progress=not args.quiet, **fmt)


def format_human(result: dict) -> str:
    head = (f"rebuilt {human.num(len(result['done']))} clip(s), {human.num(len(result.get('already_done', [])))} "
            f"already done, {human.num(len(result['failed']))} failed -> {result['out']}")
    return human.join(head, human.problem_lines(result))
