"""Corpus statistics next to the published claims, with their sources.

Videos, hours, speakers, words, wpm, frames, keypoints, bytes and content mix.
"""
from __future__ import annotations

import argparse

from . import human

PARENTS = ("corpus",)

_UNITS = {"hours": "h", "avg_minutes": "min", "wpm": "words/min", "bytes": "bytes"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> dict:
    from ..io.layout import check_corpus_root

    root = check_corpus_root(args.path)
    from ..corpus import Corpus
    from ..runs.stats import corpus_stats

    return corpus_stats(Corpus(root, labels=args.labels), progress=not args.quiet)


def _value(value, unit: str) -> str:
    if isinstance(value, float) and unit and "fraction" in unit:
        return human.pct(value)
    return human.num(value)


def format_human(result: dict) -> str:
    m = result["measured"]
    rows = [[k, human.num(v), _UNITS.get(k, "") + (f" ({human.size(v)})" if k == "bytes" else "")]
            for k, v in m.items() if k != "content_distribution"]
    rows += [[f"share {k}", human.pct(v), "of videos"] for k, v in m.get("content_distribution", {}).items()]
    lines = [f"measured ({result['root']}):"] + human.table(rows, align="lrl")
    lines.append("published claims next to what was measured here (claims are not facts):")
    sources: dict[str, str] = {}
    claim_rows = []
    for c in result["claims"]:
        tag = c.get("source_id") or str(len(sources) + 1)
        sources.setdefault(tag, c["source"])
        claim_rows.append([c["name"], _value(c["claimed"], c.get("unit", "")),
                           _value(c["measured"], c.get("unit", "")), c.get("unit", ""), tag])
    lines += human.table(claim_rows, ["claim", "claimed", "measured", "unit", "source"], align="lrrll")
    lines.append("sources:")
    lines += [f"  {tag}: {text}" for tag, text in sources.items()]
    if result.get("consistency_notes"):
        lines.append("the claims' own consistency:")
        lines += [f"  - {n}" for n in result["consistency_notes"]]
    return human.join(lines, human.note_lines(result), human.problem_lines(result))
