"""Download a chosen subset of avalab/Allo-AVA from Hugging Face into the Allo-AVA layout.

Interrupted transfers are resumed; sizes and checksums are verified.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from . import human
from .common import nonnegative_int

# the names here are the layout's (io.layout.MODALITY_DIRS); kept literal so parsing needs no pandas
MODALITIES = ("video", "audio", "transcript", "keypoints", "keypoints_video")
DEFAULT_MODALITIES = ("video", "audio", "transcript", "keypoints")
DEFAULT_REPO = "avalab/Allo-AVA"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ids", nargs="+", default=[], metavar="CLIP_ID", help="clip ids to fetch")
    parser.add_argument("--category", nargs="+", default=[], metavar="CATEGORY", help="whole categories to fetch")
    parser.add_argument("--manifest", type=Path, help="manifest CSV of clips (see data_manifest/README.md)")
    parser.add_argument("--modalities", nargs="+", choices=MODALITIES, metavar="MODALITY",
                        help=f"modalities to fetch, from {', '.join(MODALITIES)} "
                             f"(default: the manifest's, else {', '.join(DEFAULT_MODALITIES)})")
    parser.add_argument("--out", type=Path, required=True, help="corpus folder to fetch into")
    parser.add_argument("--repo", default=DEFAULT_REPO, help=f"Hugging Face dataset (default {DEFAULT_REPO})")
    parser.add_argument("--revision", default="main", help="branch, tag or commit (default main)")
    parser.add_argument("--endpoint", help="Hub endpoint (default $HF_ENDPOINT, else https://huggingface.co)")
    parser.add_argument("--token", help="Hugging Face token (default: HF_TOKEN or the saved login)")
    parser.add_argument("--retries", type=nonnegative_int, default=5, help="retries per file on transient errors")
    parser.add_argument("--verify-existing", action="store_true", help="re-hash files already in --out")


def run(args: argparse.Namespace) -> dict:
    from ..io import hub

    return hub.fetch(args.out, ids=args.ids, categories=args.category, manifest=args.manifest,
                     modalities=args.modalities, repo_id=args.repo, revision=args.revision, endpoint=args.endpoint,
                     token=args.token, verify_existing=args.verify_existing, retries=args.retries,
                     progress=not args.quiet)


def format_human(result: dict) -> str:
    head = (f"downloaded {human.num(len(result['downloaded']))} file(s) ({human.num(result.get('bytes', 0))} bytes), "
            f"{human.num(len(result.get('already_present', [])))} already present, "
            f"{human.num(len(result['failed']))} failed  ({result.get('repo_id', '?')}@{result.get('revision', '?')})")
    return human.join(head, human.problem_lines(result))
