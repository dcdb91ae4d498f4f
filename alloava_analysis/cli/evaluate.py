"""Generated vs real motion (and talking heads): Fréchet distances, diversity, beat alignment and more.

Fréchet distances on versioned kinetic/geometric features with bootstrap intervals and FD-infinity, APD, beat
alignment, jerk, speed-histogram Hellinger distance, blinks and head pose. REAL and GENERATED are corpora in
the Allo-AVA layout or folders of videos (extracted first).

The module follows the one-module-per-command pattern: ``add_arguments``, ``run`` (returns the --json
object; clips that failed are in ``failed``) and ``format_human``.
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

from ..runs.settings import EvaluateSettings
from . import common

PARENTS = ("seed", "executor")
HELP = "generated vs real motion and talking heads: FGD (kinetic, geometric), APD, beat alignment, jerk, blinks"
DIRECTIONS = EvaluateSettings.CHOICES["direction"]
KEYPOINT_SETS = EvaluateSettings.CHOICES["keypoints"]
CUT_HANDLING = EvaluateSettings.CHOICES["cut_handling"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``alloava evaluate``."""
    parser.add_argument("--real", type=Path, required=True, metavar="PATH",
                        help="real data: a corpus in the Allo-AVA layout or a folder of videos")
    parser.add_argument("--generated", type=Path, required=True, metavar="PATH",
                        help="generated data: a corpus in the Allo-AVA layout or a folder of videos")
    parser.add_argument("--work", type=Path, metavar="DIR",
                        help="keep videos' extractions here (reused by a rerun; default: a temporary folder)")
    parser.add_argument("--window", type=common.positive_float, default=2.0, metavar="S",
                        help="window length of the FD/APD samples in seconds (default 2)")
    parser.add_argument("--hop", type=common.positive_float, metavar="S",
                        help="hop between windows (default: the window)")
    parser.add_argument("--rate", type=common.positive_float, default=30.0, metavar="HZ",
                        help="analysis frame rate both sides are resampled to (default 30)")
    parser.add_argument("--keypoints", choices=KEYPOINT_SETS, default="upper_body",
                        help="keypoint set: upper_body (11 points) or head (head and shoulders, for videos "
                             "framed without arms); default upper_body")
    parser.add_argument("--embedder", type=Path, metavar="FILE",
                        help="learned feature extractor for fgd_embedding: .npy projection, TorchScript .pt, .onnx")
    parser.add_argument("--n-boot", type=common.nonnegative_int, default=200, metavar="N",
                        help="bootstrap resamples over clips per Fréchet distance (default 200)")
    parser.add_argument("--sigma", type=common.positive_float, default=0.05, metavar="S",
                        help="beat-alignment tolerance in seconds (default 0.05, as AIST++)")
    parser.add_argument("--direction", choices=DIRECTIONS, default="motion_to_audio",
                        help="beat alignment averaged over motion beats (default, the AIST++ paper) or audio onsets")
    parser.add_argument("--bins", type=common.positive_int, default=40, metavar="N",
                        help="bins of the speed histograms (default 40)")
    parser.add_argument("--cut-handling", choices=CUT_HANDLING, default="exclude",
                        help="exclude: shots between camera cuts are measured separately (default); ignore")
    parser.add_argument("--offline", action="store_true", help="never download models (video folders)")


def run(args: argparse.Namespace) -> dict:
    """Evaluate ``--generated`` against ``--real``; the result is the --json object."""
    from ..errors import InputPathError  # a usage error (exit 2)

    for name, path in (("--real", args.real), ("--generated", args.generated)):
        if not path.is_dir():
            raise InputPathError(f"{name} {path}: expected a corpus folder or a folder of videos, got "
                                 f"{'a file' if path.exists() else 'no such folder'}", name=name)
    if args.embedder is not None and not args.embedder.is_file():
        raise InputPathError(f"--embedder {args.embedder}: expected a file, got "
                             f"{'a folder' if args.embedder.exists() else 'no such file'}", name="--embedder")
    if args.work is not None:
        from ..io.layout import check_output_path

        for corpus in (args.real, args.generated):
            check_output_path(args.work, corpus=corpus, sources=(args.embedder,), folder=True, name="--work")
    from ..runs.evaluate import evaluate_paths

    settings = EvaluateSettings(window_s=args.window, hop_s=args.hop, rate_hz=args.rate, keypoints=args.keypoints,
                                embedder=args.embedder, n_boot=args.n_boot, sigma_s=args.sigma,
                                direction=args.direction, speed_bins=args.bins, cut_handling=args.cut_handling,
                                seed=args.seed)
    return evaluate_paths(args.real, args.generated, settings, work_dir=args.work, progress=not args.quiet,
                          allow_download=not args.offline, workers=args.workers, scheduler=args.scheduler)


def _num(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if isinstance(value, int):
        return f"{value:,d}"
    mag = math.floor(math.log10(abs(value))) if value else 0
    return f"{value:,.{max(digits - 1 - mag, 0)}f}"


def format_human(result: dict) -> str:
    """What people read without --json."""
    m, r, g = result["metrics"], result["real"], result["generated"]
    lines = [f"real: {r['path']} ({r.get('kind', 'corpus')}, {r['clips_evaluated']} clips, {r['windows']} windows)",
             f"generated: {g['path']} ({g.get('kind', 'corpus')}, {g['clips_evaluated']} clips, "
             f"{g['windows']} windows)",
             f"normalisation {result['normalization']['name']} v{result['normalization']['version']}, "
             f"keypoints {result['settings']['keypoints']}"]
    for key in ("fgd_kinetic", "fgd_geometric", "fgd_embedding", "head_pose_fd"):
        if key not in m:
            continue
        fd = m[key]
        if fd.get("value") is None:
            lines.append(f"  {key:16s} n/a ({fd.get('reason')})")
            continue
        inf = (fd.get("fd_infinity") or {}).get("value")
        lines.append(f"  {key:16s} {_num(fd['value'])}  95 % CI [{_num(fd['ci_low'])}, {_num(fd['ci_high'])}]  "
                     f"FD-inf {_num(inf)}  N = {fd['n_real']} real / {fd['n_generated']} generated  "
                     f"({fd['features']['name']} v{fd['features']['version']})")
    for key in ("apd", "beat_align", "jerk", "acceleration", "blinks_per_min", "head_beat_align"):
        if key in m:
            lines.append(f"  {key:16s} generated {_num(m[key]['generated'])}  real {_num(m[key]['real'])}")
    if "hellinger_speed" in m:
        lines.append(f"  {'hellinger_speed':16s} {_num(m['hellinger_speed'].get('value'))}")
    if "head_pose_std" in m:
        for side in ("generated", "real"):
            std = m["head_pose_std"][side]
            if std:
                lines.append(f"  head_pose_std    {side}: pitch {_num(std['pitch'])}, yaw {_num(std['yaw'])}, "
                             f"roll {_num(std['roll'])} deg")
    lines += [f"  failed {f['side']} {f['clip_id']}: {f['reason']}" for f in result.get("failed", [])]
    return "\n".join(lines)
