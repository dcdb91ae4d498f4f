"""The ``alloava`` command. With ``--json`` each command prints one JSON object on stdout;
logs and progress bars go to stderr. Exit codes: 0 success, 1 some clips failed, 2 usage error."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Callable

from ..errors import AlloAvaError
from ..io.jsonable import to_jsonable

log = logging.getLogger("alloava_analysis")
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _emit(args: argparse.Namespace, result: dict, human: Callable[[dict], str]) -> None:
    if args.json:
        json.dump(to_jsonable(result), sys.stdout, allow_nan=False)
        sys.stdout.write("\n")
    else:
        print(human(result))


def _skipped_lines(result: dict) -> str:
    """Human-readable lines for the files and clips a corpus command skipped."""
    lines = [f"\n  skipped {s['path']}: {s['reason']}" for s in result.get("skipped", [])]
    lines += [f"\n  failed {f['clip_id']}: {f['reason']}" for f in result.get("failed", [])]
    return "".join(lines)


def _cmd_synth(args: argparse.Namespace) -> int:
    from ..synthetic import SynthConfig, generate_corpus

    overrides = {k: v for k, v in {"correlation": args.correlation, "lag_s": args.lag,
                                   "fine_coupling": args.fine_coupling}.items() if v is not None}
    if args.duration:
        overrides["duration_s"] = (args.duration[0], args.duration[1])
    truth = generate_corpus(args.out, n_clips=args.clips, seed=args.seed, config=SynthConfig(**overrides),
                            progress=not args.quiet)
    result = {"out": str(args.out), "clips": len(truth["clips"]), "truth": str(Path(args.out) / "truth.json")}
    _emit(args, result, lambda r: f"wrote {r['clips']} synthetic clips to {r['out']} (truth: {r['truth']})")
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    from ..validators.corpus import validate_corpus

    result = validate_corpus(args.path, progress=not args.quiet, tolerance_s=args.tolerance, workers=args.workers,
                             scheduler=args.scheduler)

    def human(r: dict) -> str:
        lines = [f"{r['n_ok']} clip(s) ok, {r['n_errors']} with errors, {len(r['skipped_files'])} file(s) skipped"]
        for c in r["clips"]:
            status = "ok " if c["ok"] else "ERR"
            lines.append(f"  {status} {c['clip_id']}  {c['schema_variant']}")
            lines += [f"      error: {e}" for e in c["errors"]] + [f"      warning: {w}" for w in c["warnings"]]
        lines += [f"  skipped {s['path']}: {s['reason']}" for s in r["skipped_files"]]
        return "\n".join(lines)

    _emit(args, result, human)
    return EXIT_FAILED if result["n_errors"] or result["skipped_files"] else EXIT_OK


def _cmd_convert(args: argparse.Namespace) -> int:
    from ..corpus import Corpus

    result = Corpus(args.path, store=args.store).convert(force=args.force, progress=not args.quiet,
                                                         workers=args.workers, scheduler=args.scheduler)
    _emit(args, result, lambda r: f"converted {r['clips']} clip(s), {r['rows']} frames in {r['seconds']} s "
                                  f"({r['unchanged']} unchanged, {len(r['failed'])} failed) -> {r['store']}"
                                  + _skipped_lines(r))
    return EXIT_FAILED if result["failed"] or result.get("skipped") else EXIT_OK


def _cmd_stats(args: argparse.Namespace) -> int:
    from ..corpus import Corpus
    from ..stats.descriptive import corpus_stats

    corpus = Corpus(args.path, labels=args.labels)
    result = corpus_stats(corpus, progress=not args.quiet)
    result["failed"] = corpus.failures

    def human(r: dict) -> str:
        lines = ["measured:"] + [f"  {k:22s} {v}" for k, v in r["measured"].items()]
        lines.append("claims (claimed vs measured here):")
        lines += [f"  {c['name']:26s} {c['claimed']!s:>16} {c['measured']!s:>16}" for c in r["claims"]]
        return "\n".join(lines) + _skipped_lines(r)

    _emit(args, result, human)
    return EXIT_FAILED if corpus.failures or result.get("skipped") else EXIT_OK


def _cmd_correlate(args: argparse.Namespace) -> int:
    from ..crossmodal.coupling import correlate_corpus, summary_text
    from ..corpus import Corpus
    from ..features.motion import MotionSettings

    motion = MotionSettings(relative_to=args.relative_to, use_z=args.use_z, cut_handling=args.cuts,
                            cut_source=args.cut_source)
    result = correlate_corpus(Corpus(args.path, labels=args.labels), window_s=args.window, hop_s=args.hop,
                              group=args.group, max_lag_s=args.max_lag, n_boot=args.n_boot,
                              n_surrogates=args.n_surrogates, seed=args.seed, progress=not args.quiet,
                              motion=motion, speech_rate=args.speech_rate, rate_window_s=args.rate_window,
                              normalize=args.movement_units == "shoulder_widths", pooling=args.pooling,
                              per_clip_interval=args.per_clip_interval, mi_signals=args.mi_signals,
                              workers=args.workers, scheduler=args.scheduler)
    _emit(args, result, summary_text)
    return EXIT_FAILED if result.get("failed") else EXIT_OK


def _cmd_extract(args: argparse.Namespace) -> int:
    from ..extract.pipeline import extract_video

    result = extract_video(args.video, args.out, clip_id=args.clip_id, asr_engine=args.engine,
                           asr_model=args.model, language=args.language, face=args.face, hands=args.hands,
                           overlay=args.overlay, sync=not args.no_sync, allow_download=not args.offline,
                           progress=not args.quiet)
    _emit(args, result, lambda r: f"extracted {r['clip_id']}: {r['frames']} frames, {r['words']} words, "
                                  f"{r['duration_s']:.1f} s -> {args.out}" +
                                  "".join(f"\n  skipped {s['modality']}: {s['reason']}" for s in r.get("skipped", [])))
    return EXIT_FAILED if result.get("skipped") else EXIT_OK


def _cmd_fetch(args: argparse.Namespace) -> int:
    from ..io import hub

    result = hub.run_from_args(args)
    _emit(args, result, lambda r: f"downloaded {len(r['downloaded'])} file(s), skipped {len(r['skipped'])} "
                                  f"already present, {len(r['failed'])} failed" + _skipped_lines(r))
    return EXIT_FAILED if result["failed"] else EXIT_OK


def _cmd_rebuild(args: argparse.Namespace) -> int:
    from .. import rebuild

    result = rebuild.run_from_args(args)
    _emit(args, result, lambda r: f"rebuilt {len(r['done'])} clip(s), {len(r['skipped'])} already done, "
                                  f"{len(r['failed'])} failed -> {r['out']}" + _skipped_lines(r))
    return EXIT_FAILED if result["failed"] else EXIT_OK


def _cmd_audit(args: argparse.Namespace) -> int:
    from . import audit

    result, status = audit.run(args)
    _emit(args, result, audit.human)
    return status


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from . import evaluate

    result = evaluate.run(args)
    _emit(args, result, evaluate.format_human)
    return EXIT_FAILED if result["failed"] else EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from . import export

    result = export.run(args)
    _emit(args, result, export.format_human)
    return EXIT_FAILED if result["failed"] or result["skipped"] else EXIT_OK


def _workers(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1 worker, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``alloava`` (one subcommand per task)."""
    executor = argparse.ArgumentParser(add_help=False)
    executor.add_argument("--workers", type=_workers, default=None,
                          help="clips in parallel local processes (default: every core; 1 = in this process)")
    executor.add_argument("--scheduler", help="run clips on this Dask cluster (tcp://host:8786); the workers must "
                                              "see PATH at the same path")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    common.add_argument("--quiet", action="store_true", help="no progress bars")
    common.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    parser = argparse.ArgumentParser(prog="alloava", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("synth", parents=[common], help="write a synthetic corpus with planted effects")
    p.add_argument("out", type=Path)
    p.add_argument("--clips", type=int, default=12)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--correlation", type=float, help="planted speech-rate/movement correlation")
    p.add_argument("--lag", type=float, help="planted gesture-leads-speech lag in seconds")
    p.add_argument("--fine-coupling", type=float, help="fast speech-motion coupling (0 = independent)")
    p.add_argument("--duration", type=float, nargs=2, metavar=("MIN_S", "MAX_S"), help="clip duration range")
    p.set_defaults(run=_cmd_synth)

    p = sub.add_parser("validate", parents=[common, executor], help="check every clip of a corpus")
    p.add_argument("path", type=Path)
    p.add_argument("--tolerance", type=float, default=1.0, help="allowed duration disagreement in seconds")
    p.set_defaults(run=_cmd_validate)

    p = sub.add_parser("convert", parents=[common, executor], help="fill the columnar (Parquet) store from the JSON")
    p.add_argument("path", type=Path)
    p.add_argument("--store", type=Path, help="store folder (default PATH/store)")
    p.add_argument("--force", action="store_true", help="rewrite clips that are already up to date")
    p.set_defaults(run=_cmd_convert)

    p = sub.add_parser("stats", parents=[common], help="corpus statistics next to the published claims")
    p.add_argument("path", type=Path)
    p.add_argument("--labels", type=Path, help="demographic labels CSV keyed by clip_id")
    p.set_defaults(run=_cmd_stats)

    p = sub.add_parser("correlate", parents=[common, executor],
                       help="speech rate vs movement intensity: correlation with CIs, lags, mutual information")
    p.add_argument("path", type=Path)
    p.add_argument("--window", type=float, default=5.0, help="analysis window in seconds")
    p.add_argument("--hop", type=float, help="hop between windows in seconds (default: the window)")
    p.add_argument("--group", default="hands", help="body-part group: hands, arms, upper_body, head")
    p.add_argument("--max-lag", type=float, default=1.0, help="largest lag searched, in seconds")
    p.add_argument("--n-boot", type=int, default=2000, help="bootstrap resamples")
    p.add_argument("--n-surrogates", type=int, default=199,
                   help="surrogates of each MI null (circular shift, clip shuffle)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--labels", type=Path, help="demographic labels CSV keyed by clip_id")
    p.add_argument("--speech-rate", default="word_starts", choices=["word_starts", "syllables", "articulation",
                                                                    "windowed"],
                   help="speech-rate definition (windowed: word starts in a --rate-window s window centred on each "
                        "analysis window)")
    p.add_argument("--rate-window", type=float, default=5.0, help="length of the windowed speech rate, seconds")
    p.add_argument("--movement-units", default="shoulder_widths", choices=["shoulder_widths", "raw"],
                   help="movement intensity normalised by shoulder width, or raw position units per second")
    p.add_argument("--relative-to", default="auto", choices=["auto", "body", "image"],
                   help="keypoints relative to the shoulder midpoint (body) or the image")
    p.add_argument("--use-z", action="store_true", help="include MediaPipe's relative depth z in speeds")
    p.add_argument("--cuts", default="exclude", choices=["exclude", "ignore"],
                   help="camera cuts: leave out windows that span one (exclude) or do not look for them")
    p.add_argument("--cut-source", default="auto", choices=["auto", "video", "pose"],
                   help="where cuts come from: recorded from the video at extraction, pose jumps, or auto")
    p.add_argument("--pooling", default="mixed", choices=["mixed", "raw", "mean_r"],
                   help="within-clip z-scores + mixed model, all windows raw, or mean of per-clip Fisher z")
    p.add_argument("--per-clip-interval", default="ar1", choices=["ar1", "block_bootstrap"],
                   help="per-clip CI: AR(1)-calibrated Fisher z (good with 7-10 windows) or block bootstrap")
    p.add_argument("--mi-signals", default="frame_energy", choices=["frame_energy", "frame_energy_raw", "window_rate"],
                   help="signal pair for mutual information")
    p.set_defaults(run=_cmd_correlate)

    p = sub.add_parser("extract", parents=[common], help="video -> 48 kHz audio, transcript and keypoints")
    p.add_argument("video", type=Path)
    p.add_argument("--out", type=Path, required=True, help="corpus folder to write the clip into")
    p.add_argument("--clip-id", help="clip id <category>_<11-char id> (default: from the file name)")
    p.add_argument("--engine", default="faster-whisper", choices=["faster-whisper", "openai-whisper"])
    p.add_argument("--model", help="ASR model: a path or a model name (default: resolved offline first)")
    p.add_argument("--language", default="en")
    p.add_argument("--face", action="store_true", help="also store face landmarks (478) and blendshapes")
    p.add_argument("--hands", action="store_true", help="also store hand landmarks (21 x 2)")
    p.add_argument("--overlay", action="store_true", help="write a skeleton-overlay video to keypoints_video/")
    p.add_argument("--no-sync", action="store_true", help="skip the audio-video offset check")
    p.add_argument("--offline", action="store_true", help="never download models")
    p.set_defaults(run=_cmd_extract)

    from . import audit

    p = sub.add_parser("audit", parents=[common], help=audit.HELP)
    audit.add_arguments(p)
    p.set_defaults(run=_cmd_audit)

    from . import evaluate

    p = sub.add_parser("evaluate", parents=[common], help=evaluate.HELP, description=evaluate.__doc__)
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    evaluate.add_arguments(p)
    p.set_defaults(run=_cmd_evaluate)

    from . import export

    p = sub.add_parser("export", parents=[common], help=export.HELP, description=export.__doc__.split("\n\n")[0])
    p.add_argument("path", type=Path, metavar="PATH", help="corpus folder in the Allo-AVA layout")
    export.add_arguments(p)
    p.set_defaults(run=_cmd_export)

    from .. import rebuild
    from ..io import hub

    p = sub.add_parser("fetch", parents=[common], help="download a subset of avalab/Allo-AVA from Hugging Face")
    hub.add_arguments(p)
    p.set_defaults(run=_cmd_fetch)

    p = sub.add_parser("rebuild", parents=[common],
                       help="re-create clips from source videos listed in a manifest (resumable, parallel, Dask)")
    rebuild.add_arguments(p)
    p.set_defaults(run=_cmd_rebuild)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``alloava`` command."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.run(args)
    except AlloAvaError as err:  # the data could not be processed
        return _fail(args, err, EXIT_FAILED)
    except (FileNotFoundError, KeyError, ValueError) as err:  # the command was given something unusable
        return _fail(args, err, EXIT_USAGE)
    except OSError as err:  # a file could not be read or written (permissions, a full disk): reported, as JSON too
        return _fail(args, err, EXIT_FAILED)


def _fail(args: argparse.Namespace, err: Exception, code: int) -> int:
    log.error("%s", err)
    if getattr(args, "json", False):
        json.dump({"error": type(err).__name__, "message": str(err)}, sys.stdout)
        sys.stdout.write("\n")
    return code
