"""``alloava audit``: demographic representation and disaggregated quality, with small-cell suppression.

Labels come from the labels CSV keyed by clip_id (``PATH/labels.csv`` or ``--labels``); the toolkit never
infers protected attributes from faces or voices.
"""
from __future__ import annotations

import argparse
from pathlib import Path

HELP = "demographic representation (clips, hours) and quality/behaviour by group, small cells suppressed"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``alloava audit``."""
    p.add_argument("path", type=Path)
    p.add_argument("--by", required=True, help="attributes to group by, comma-separated (e.g. gender,age_group)")
    p.add_argument("--labels", type=Path, help="labels CSV keyed by clip_id (default PATH/labels.csv)")
    p.add_argument("--reference", type=Path, help="reference distribution CSV: attribute, group, share")
    p.add_argument("--min-cell", type=int, default=5, help="mask cells with fewer clips (or speakers) than this")
    p.add_argument("--min-share", type=float, default=0.05, help="flag groups under this share of hours")
    p.add_argument("--alpha", type=float, default=0.05, help="false-discovery rate for 'flagged'")
    p.add_argument("--n-boot", type=int, default=2000, help="bootstrap resamples (speakers)")
    p.add_argument("--n-perm", type=int, default=1999, help="label permutations for p-values")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--report", type=Path, help="write a one-page HTML report here")
    p.add_argument("--balanced-manifest", type=Path,
                   help="also write a manifest of clips balanced by hours over the --by groups (equal shares, or "
                        "the reference's shares for the same attributes)")
    p.add_argument("--tolerance", type=float, default=0.02, help="allowed share error of --balanced-manifest")


def run(args: argparse.Namespace) -> tuple[dict, int]:
    """Run the audit; returns the JSON object and the exit status (1 when clips failed)."""
    from ..corpus import Corpus
    from ..stats.audit import audit_corpus

    if args.min_cell < 1:
        raise ValueError(f"--min-cell: expected an integer >= 1, got {args.min_cell}")
    if not 0 < args.alpha < 1:
        raise ValueError(f"--alpha: expected a number in (0, 1), got {args.alpha}")
    result, table = audit_corpus(Corpus(args.path, labels=args.labels), by=args.by, labels=args.labels,
                                 reference=args.reference, min_cell=args.min_cell, min_share=args.min_share,
                                 alpha=args.alpha, n_boot=args.n_boot, n_perm=args.n_perm, seed=args.seed,
                                 progress=not args.quiet, return_table=True)
    if args.report:
        from ..io.atomic import atomic_write
        from ..plots.audit import audit_report_html

        with atomic_write(args.report, "w", encoding="utf-8") as handle:
            handle.write(audit_report_html(result))
        result["report"] = str(args.report)
    if args.balanced_manifest:
        from ..stats.subsets import balanced_subset, write_subset_manifest

        by = result["settings"]["by"]
        key = "&".join(by)
        targets = {r["group"]: r["share"] for r in result.get("reference") or [] if r["attribute"] == key} or None
        subset = balanced_subset(table, by, targets=targets, tolerance=args.tolerance, seed=args.seed)
        write_subset_manifest(args.balanced_manifest, subset)
        result["balanced_manifest"] = {"path": str(args.balanced_manifest), "clips": int(len(subset)),
                                       "hours": subset.attrs["hours"], "shares": subset.attrs["shares"],
                                       "targets": subset.attrs["targets"], "tolerance": args.tolerance}
    return result, (1 if result["failed"] else 0)


def human(r: dict) -> str:
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
    lines += [f"  failed {f['clip_id']}: {f['reason']}" for f in r.get("failed", [])]
    return "\n".join(lines)
