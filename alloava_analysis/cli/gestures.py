"""Per-gesture kinematics of a corpus: one row per gesture unit, written as a CSV with units.

Columns: clip_id, speaker_id, unit, start_s, end_s, duration_s, hands, peak
speed and its time (peak_time_s), mean speed, amplitude and vertical amplitude
(shoulder widths), path length, submovements, holds, and the share of frames in
McNeill's gesture-space sectors. Written to ``--out`` (default
``PATH/gestures/``) as ``gestures.csv``; ``--tiers eaf|textgrid`` also writes
each clip's submovements, holds and gesture space as ELAN or Praat tiers.
Unless ``--no-synchrony``, each unit's peak speed is then timed against its
clip's prosody (nearest F0 peak, envelope peak, word onset, loudest syllable):
per-unit lags in ``synchrony.csv``, pooled lags with speaker-clustered
intervals and a null from shifting units within clips.
``--json``: ``{clips, gestures, out, table, files, units, per_clip, failed,
skipped, settings, notes, synchrony}``; exit 1 when a clip failed.
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
    parser.add_argument("--no-synchrony", dest="synchrony", action="store_false",
                        help="do not time the units against the clips' prosody")
    parser.add_argument("--null-draws", type=common.positive_int, default=999, metavar="N",
                        help="draws of the synchrony null (p-value resolution 1/(N+1); default 999)")


def run(args: argparse.Namespace) -> dict:
    """Measure the corpus at ``args.path``; the result is the ``--json`` object."""
    from ..io.layout import check_corpus_root

    root = check_corpus_root(args.path)
    from ..features.gestures import GestureSettings
    from ..io.layout import check_output_path
    from ..runs.gestures import gestures_corpus
    from ..runs.settings import SynchronySettings

    settings = GestureSettings(hold_speed=args.hold_speed, hold_min_s=args.hold_min,
                               submovement_prominence=args.prominence, submovement_min_separation_s=args.separation)
    if args.out is not None:
        check_output_path(args.out, corpus=root, folder=True, name="--out")
    synchrony = SynchronySettings(n_null=args.null_draws) if args.synchrony else None
    return gestures_corpus(root, settings, out=args.out, tiers=args.tiers, synchrony=synchrony,
                           progress=not args.quiet, workers=args.workers, scheduler=args.scheduler)


def _synchrony_lines(sync: dict) -> list[str]:
    if "pooled" not in sync:
        return []
    lines = [f"synchrony ({sync['convention']}; nearest event within ±{fmt.num(sync.get('max_lag_s'))} s of the "
             f"peak; null: {sync['null']['method']}, {sync['null']['draws']} draws)"]
    rows = [[r["kind"], fmt.num(r.get("n_units")), fmt.num(r.get("n_no_event")),
             f"{fmt.num(r.get('share_with_event'))} ({fmt.num(r.get('null_share_with_event'))})",
             fmt.num(r.get("n_speakers")),
             fmt.num(r.get("mean_lag_s"), signed=True), f"[{fmt.num(r.get('ci_low'))}, {fmt.num(r.get('ci_high'))}]",
             fmt.num(r.get("mean_abs_lag_s")), fmt.num(r.get("null_mean_abs_lag_s")), fmt.num(r.get("p_value"))]
            for r in sync["pooled"]]
    lines += fmt.table(rows, ["event", "units", "no event", "share w/ event (null)", "speakers", "mean lag s",
                              "interval", "mean |lag| s", "null |lag| s", "p"], align="lrrrrrrrrr")
    return lines + [f"per-unit lags: {sync['table']}"]


def format_human(result: dict) -> str:
    lines = [f"{result['gestures']} gesture unit(s) in {result['clips']} clip(s); table {result['table']}"]
    rows = [[c["clip_id"], fmt.num(c["gestures"])] for c in result["per_clip"]]
    lines += fmt.table(rows, ["clip", "gestures"], align="lr")
    tier_files = [f for f in result["files"] if f.endswith((".eaf", ".TextGrid"))]
    if tier_files:
        lines.append(f"{len(tier_files)} tier file(s) in {result['out']}")
    sync = result.get("synchrony", {})
    notes = {**result, "notes": result["notes"] + [f"synchrony: {n}" for n in sync.get("notes", [])]}
    return fmt.join(lines + _synchrony_lines(sync), fmt.note_lines(notes), fmt.problem_lines(result))
