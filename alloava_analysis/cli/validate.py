"""Check every clip of a corpus: modalities present, keypoint schema, clocks, durations, NaN and confidence."""
from __future__ import annotations

import argparse

from . import human
from .common import nonnegative_float

PARENTS = ("corpus", "executor")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tolerance", type=nonnegative_float, default=1.0,
                        help="allowed duration disagreement between modalities, in seconds (default 1)")


def run(args: argparse.Namespace) -> dict:
    from ..io.layout import check_corpus_root

    root = check_corpus_root(args.path)
    from ..runs.settings import ValidateSettings
    from ..runs.validate import validate_corpus

    return validate_corpus(root, ValidateSettings(tolerance_s=args.tolerance), labels=args.labels,
                           progress=not args.quiet, workers=args.workers, scheduler=args.scheduler)


def format_human(result: dict) -> str:
    head = (f"{human.num(result['n_ok'])} clip(s) ok, {human.num(result['n_errors'])} with errors, "
            f"{human.num(len(result['skipped']))} file(s) skipped  ({result['root']})")
    rows = []
    for c in result["clips"]:
        kp = c.get("keypoints") or {}
        rows.append([c["clip_id"], "ok" if c["ok"] else "ERROR", c["schema_variant"] or human.NA,
                     human.num(kp.get("frames")), human.num(kp.get("fps"), unit="fps") if kp else human.NA,
                     human.num(c.get("durations", {}).get("audio_s"), unit="s")])
    lines = human.table(rows, ["clip", "status", "schema", "frames", "rate", "audio"], align="lllrrr")
    details = []
    for c in result["clips"]:
        details += [f"  {c['clip_id']} error: {e}" for e in c["errors"]]
        details += [f"  {c['clip_id']} warning: {w}" for w in c["warnings"]]
    skipped = human.problem_lines({"skipped": result["skipped"]})
    return human.join(head, lines, details, skipped)
