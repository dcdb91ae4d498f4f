"""Per-gesture kinematics of a corpus: one row per gesture unit, written as a CSV with units.

Columns: clip_id, speaker_id, unit, start_s, end_s, duration_s, hands, peak
speed and its time (peak_time_s), mean speed, amplitude and vertical amplitude
(shoulder widths), path length, submovements, holds, and the share of frames in
McNeill's gesture-space sectors. Written to ``--out`` (default
``PATH/gestures/``) as ``gestures.csv``; ``--tiers eaf|textgrid`` also writes
each clip's submovements, holds and gesture space as ELAN or Praat tiers.
``--json``: ``{clips, gestures, out, table, files, units, per_clip, failed,
skipped, settings, notes}``; exit 1 when a clip failed.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from . import common
from . import human as fmt

PARENTS = ("corpus", "executor")
HELP = "per-gesture kinematics: submovements, holds, peak speed, McNeill gesture space (CSV, ELAN/Praat tiers)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, metavar="DIR", help="output folder (default PATH/gestures)")
    parser.add_argument("--tiers", choices=("eaf", "textgrid"), help="also write each clip's tiers in this format")
    parser.add_argument("--hold-speed", type=common.positive_float, default=0.2, metavar="V",
                        help="a hold is slower than this, shoulder widths/s (raised to the clip's noise floor; "
                             "default 0.2)")
    parser.add_argument("--hold-min", type=common.nonnegative_float, default=0.2, metavar="S",
                        help="shortest hold, seconds (default 0.2)")
    parser.add_argument("--prominence", type=common.positive_float, default=0.3, metavar="V",
                        help="smallest speed-peak prominence of a submovement, shoulder widths/s (default 0.3)")
    parser.add_argument("--separation", type=common.nonnegative_float, default=0.2, metavar="S",
                        help="smallest time between two submovements, seconds (default 0.2)")


def run(args: argparse.Namespace) -> dict:
    """Measure the corpus at ``args.path``; the result is the ``--json`` object."""
    from ..io.layout import check_corpus_root

    root = check_corpus_root(args.path)
    from ..features.gestures import GestureSettings
    from ..io.layout import check_output_path
    from ..runs.gestures import gestures_corpus

    settings = GestureSettings(hold_speed=args.hold_speed, hold_min_s=args.hold_min,
                               submovement_prominence=args.prominence, submovement_min_separation_s=args.separation)
    if args.out is not None:
        check_output_path(args.out, corpus=root, folder=True, name="--out")
    return gestures_corpus(root, settings, out=args.out, tiers=args.tiers, progress=not args.quiet,
                           workers=args.workers, scheduler=args.scheduler)


def format_human(result: dict) -> str:
    lines = [f"{result['gestures']} gesture unit(s) in {result['clips']} clip(s); table {result['table']}"]
    rows = [[c["clip_id"], fmt.num(c["gestures"])] for c in result["per_clip"]]
    lines += fmt.table(rows, ["clip", "gestures"], align="lr")
    if len(result["files"]) > 1:
        lines.append(f"{len(result['files']) - 1} tier file(s) in {result['out']}")
    return fmt.join(lines, fmt.note_lines(result), fmt.problem_lines(result))
