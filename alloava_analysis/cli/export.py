"""Export a corpus to other tools' formats: pose NetCDF (movement), ELAN, Praat, pose-format, Parquet/CSV tables.

One file set per clip, in ``--out`` (default ``PATH/export/FORMAT/``):
``netcdf`` ``<clip_id>.<layout>.nc`` (movement's format); ``eaf`` and
``textgrid`` ``<clip_id>.eaf`` / ``.TextGrid`` with words, segments, pauses and
gesture units as tiers (ELAN linked to the clip's video, else its audio);
``pose`` ``<clip_id>.pose`` (pose-format holistic components); ``parquet`` and
``csv`` ``<clip_id>.windows.*`` and ``<clip_id>.frames.*`` feature tables with
units. ``--json``: ``{files, clips, out, format, failed, skipped}``; exit 1
when a clip failed or a file was skipped (the others are exported). A file
changed since an earlier export wrote it (``OUT/.alloava-export.json`` records
a sha256 per file), or not written by one, is kept and listed as skipped unless
``--overwrite``. ``--out`` inside a modality folder, or a link from the corpus
to outside it, is a usage error.

The module follows the one-module-per-command pattern: ``add_arguments``,
``run`` (returns the --json object) and ``format_human``.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..runs.settings import ExportSettings
from . import common

PARENTS = ("corpus",)
HELP = "write a corpus in other tools' formats: netcdf (movement), eaf (ELAN), textgrid (Praat), pose, parquet, csv"
FORMATS = ExportSettings.CHOICES["to"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", required=True, choices=FORMATS, metavar="FORMAT",
                        help=f"format to write: {', '.join(FORMATS)}")
    parser.add_argument("--out", type=Path, metavar="DIR", help="output folder (default PATH/export/FORMAT)")
    parser.add_argument("--clips", nargs="+", metavar="ID", help="export only these clip ids")
    parser.add_argument("--window", type=common.positive_float, default=5.0, metavar="S",
                        help="window length in seconds of the per-window feature table (parquet, csv; default 5)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace exported files even when they changed since they were written (hand "
                             "corrections are lost; without it such files are kept and listed as skipped)")


def run(args: argparse.Namespace) -> dict:
    """Export the corpus at ``args.path``; the result is the ``--json`` object."""
    from ..io.layout import check_corpus_root

    path = check_corpus_root(args.path)  # a CorpusPathError (usage error, exit 2) names what was expected
    from ..runs.export import export_corpus

    settings = ExportSettings(to=args.to, clip_ids=args.clips, window_s=args.window, overwrite=args.overwrite)
    return export_corpus(path, settings, out=args.out, progress=not args.quiet)


def format_human(result: dict) -> str:
    lines = [f"exported {result['clips']} clip(s) as {result['format']}: {len(result['files'])} file(s) in "
             f"{result['out']}; {len(result['failed'])} failed"]
    lines += [f"  failed {f['clip_id']}: {f['reason']}" for f in result["failed"]]
    lines += [f"  skipped {s['path']}: {s['reason']}" for s in result.get("skipped", [])]
    return "\n".join(lines)
