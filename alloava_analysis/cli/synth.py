"""Write a synthetic corpus in the Allo-AVA layout with planted, known effects (truth.json, labels.csv)."""
from __future__ import annotations

import argparse
from pathlib import Path

from . import human
from .common import nonnegative_float, positive_int

PARENTS = ("seed",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, metavar="OUT", help="corpus folder to write")
    parser.add_argument("--clips", type=positive_int, default=12, help="number of clips (default 12)")
    parser.add_argument("--correlation", type=float, help="planted speech-rate/movement correlation, in [-1, 1]")
    parser.add_argument("--lag", type=float, help="planted gesture-leads-speech lag in seconds")
    parser.add_argument("--fine-coupling", type=nonnegative_float, help="fast speech-motion coupling (0 = independent)")
    parser.add_argument("--duration", type=nonnegative_float, nargs=2, metavar=("MIN_S", "MAX_S"),
                        help="clip duration range in seconds")


def run(args: argparse.Namespace) -> dict:
    from ..checks import check_range

    check_range("--correlation", args.correlation, -1.0, 1.0, allow_none=True)
    if args.duration and args.duration[0] > args.duration[1]:
        from ..errors import ParameterError

        raise ParameterError(f"invalid value for --duration: expected MIN_S <= MAX_S, got {args.duration}",
                             name="--duration")
    from ..synthetic import SynthConfig, generate_corpus

    overrides = {k: v for k, v in {"correlation": args.correlation, "lag_s": args.lag,
                                   "fine_coupling": args.fine_coupling}.items() if v is not None}
    if args.duration:
        overrides["duration_s"] = (args.duration[0], args.duration[1])
    truth = generate_corpus(args.out, n_clips=args.clips, seed=args.seed, config=SynthConfig(**overrides),
                            progress=not args.quiet)
    return {"out": str(args.out), "clips": len(truth["clips"]), "seed": args.seed,
            "truth": str(Path(args.out) / "truth.json"), "skipped": [], "failed": []}


def format_human(result: dict) -> str:
    return f"wrote {human.num(result['clips'])} synthetic clips (seed {result['seed']}) to {result['out']}\n" \
           f"  planted effects: {result['truth']}"
