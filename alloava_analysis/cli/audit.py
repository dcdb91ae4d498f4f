"""``alloava audit``: demographic representation and disaggregated quality, with small-cell suppression.

Labels come from the labels CSV keyed by clip_id (``PATH/labels.csv`` or ``--labels``); the toolkit never
infers protected attributes from faces or voices.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from . import human as fmt
from .common import nonnegative_float, positive_int

PARENTS = ("corpus", "seed", "executor")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``alloava audit`` (PATH, --labels and --seed come from the shared parent parsers)."""
    p.add_argument("--by", required=True, help="attributes to group by, comma-separated (e.g. gender,age_group)")
    p.add_argument("--reference", type=Path, help="reference distribution CSV: attribute, group, share")
    p.add_argument("--min-cell", type=positive_int, default=5,
                   help="mask cells with fewer clips (or speakers) than this")
    p.add_argument("--min-share", type=nonnegative_float, default=0.05, help="flag groups under this share of hours")
    p.add_argument("--alpha", type=float, default=0.05, help="false-discovery rate for 'flagged', in (0, 1)")
    p.add_argument("--n-boot", type=positive_int, default=2000, help="bootstrap resamples (speakers)")
    p.add_argument("--n-perm", type=positive_int, default=1999, help="label permutations for p-values")
    p.add_argument("--report", type=Path, help="write a one-page HTML report here")
    p.add_argument("--balanced-manifest", type=Path,
                   help="also write a manifest of clips balanced by hours over the --by groups (equal shares, or "
                        "the reference's shares for the same attributes)")
    p.add_argument("--tolerance", type=float, default=0.02, help="allowed share error of --balanced-manifest")


def run(args: argparse.Namespace) -> dict:
    """Run the audit; returns the JSON object (``failed``: clips that could not be measured)."""
    from ..io.layout import check_corpus_root, check_output_path
    from ..runs.settings import AuditSettings

    settings = AuditSettings(by=args.by, min_cell=args.min_cell, min_share=args.min_share, alpha=args.alpha,
                             n_boot=args.n_boot, n_perm=args.n_perm, seed=args.seed,
                             balance_tolerance=args.tolerance)
    root = check_corpus_root(args.path)
    inputs = (args.labels, args.reference)
    for option, out in (("--report", args.report), ("--balanced-manifest", args.balanced_manifest)):
        if out is not None:  # checked before any clip is measured
            check_output_path(out, corpus=root, sources=inputs, name=option)
    if args.report and args.balanced_manifest and args.report.resolve() == args.balanced_manifest.resolve():
        from ..errors import OutputPathError

        raise OutputPathError(f"--report and --balanced-manifest name the same file {args.report}; expected two "
                              "files", name="--report")
    from ..corpus import Corpus
    from ..runs.audit import audit_corpus, balanced_manifest

    corpus = Corpus(root, labels=args.labels)
    result, table = audit_corpus(corpus, settings, labels=args.labels, reference=args.reference,
                                 progress=not args.quiet, return_table=True,
                                 workers=args.workers, scheduler=args.scheduler)
    if args.report:
        from ..io.atomic import atomic_write
        from ..plots.audit import audit_report_html

        with atomic_write(args.report, "w", encoding="utf-8") as handle:
            handle.write(audit_report_html(result))
        result["report"] = str(args.report)
    if args.balanced_manifest:
        from ..stats.subsets import write_subset_manifest

        subset, summary = balanced_manifest(result, table)
        write_subset_manifest(args.balanced_manifest, subset)
        result["balanced_manifest"] = {"path": str(args.balanced_manifest), **summary}
    return result


def format_human(r: dict) -> str:
    """Plain-text summary of an audit result."""
    lines = [f"{r['n_clips']} clips audited by {', '.join(r['settings']['by'])} (shares of hours; "
             f"cells under {r['settings']['min_cell']} masked)", "representation:"]
    for g in r["representation"]:
        if g["suppressed"]:
            lines.append(f"  {g['group']:40s} suppressed")
        else:
            flag = " UNDER-REPRESENTED" if g.get("under_represented") else ""
            lines.append(f"  {g['group']:40s} {g['clips']:5d} clips {g['hours']:8.3f} h  {g['share']:.1%}{flag}")
    lines.append(f"flagged after FDR (family of {r['family']['size']}):")
    flagged = [m for m in r["metrics"] if m["flagged"]]
    lines += [f"  {m['group']} {m['metric']}: {m['value']:.4g} vs overall {m['overall']:.4g} "
              f"[{m['ci_low']}, {m['ci_high']}], q = {m['q_value']:.3g}" for m in flagged] or ["  none"]
    return fmt.join(lines, fmt.note_lines(r), fmt.problem_lines(r))
