"""Fill the columnar (Parquet) store from the JSON, once per changed clip."""
from __future__ import annotations

import argparse
from pathlib import Path

from . import human

PARENTS = ("corpus", "executor")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, help="store folder (default PATH/store)")
    parser.add_argument("--force", action="store_true", help="rewrite clips that are already up to date")


def run(args: argparse.Namespace) -> dict:
    from ..io.layout import check_corpus_root, check_output_path

    root = check_corpus_root(args.path)
    if args.store is not None:
        check_output_path(args.store, corpus=root, sources=(args.labels,), folder=True, name="--store")
    from ..corpus import Corpus
    from ..runs.convert import convert_corpus
    from ..runs.settings import ConvertSettings

    return convert_corpus(Corpus(root, labels=args.labels, store=args.store), ConvertSettings(force=args.force),
                          progress=not args.quiet, workers=args.workers, scheduler=args.scheduler)


def format_human(result: dict) -> str:
    head = (f"converted {human.num(result['clips'])} clip(s), {human.num(result['rows'])} frames in "
            f"{human.num(result['seconds'], unit='s')}; {human.num(result['unchanged'])} unchanged, "
            f"{human.num(len(result['failed']))} failed -> {result['store']}")
    return human.join(head, human.problem_lines(result))
