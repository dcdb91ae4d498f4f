"""Speech rate vs movement intensity: correlation with CIs, best lag and mutual information.

Per-clip and pooled correlation with CIs, best lag by cross-correlation (positive = motion leads speech),
the DTW alignment (its least-cost shift, not a lag), mutual information with a surrogate p-value.
"""
from __future__ import annotations

import argparse

from ..choices import CUT_HANDLING, CUT_SOURCES, MOVEMENT_UNITS, RELATIVE_TO
from ..runs.settings import CorrelateSettings
from ..schema import GROUPS
from . import human
from .common import choices_help, nonnegative_float, positive_float, positive_int

PARENTS = ("corpus", "seed", "executor")

# The allowed values come from the settings objects (a module that loads no analysis code).
SPEECH_RATES = CorrelateSettings.CHOICES["speech_rate"]
POOLING = CorrelateSettings.CHOICES["pooling"]
PER_CLIP_INTERVALS = CorrelateSettings.CHOICES["per_clip_interval"]
MI_SIGNALS = CorrelateSettings.CHOICES["mi_signals"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--window", type=positive_float, default=5.0, metavar="S",
                        help="analysis window in seconds (default 5)")
    parser.add_argument("--hop", type=positive_float, metavar="S",
                        help="hop between windows in seconds (default: the window)")
    parser.add_argument("--group", default="hands", choices=GROUPS, metavar="GROUP",
                        help=choices_help("body-part group (default hands)", GROUPS))
    parser.add_argument("--max-lag", type=nonnegative_float, default=1.0, metavar="S",
                        help="largest lag searched, in seconds (default 1)")
    parser.add_argument("--n-boot", type=positive_int, default=2000, help="bootstrap resamples (default 2000)")
    parser.add_argument("--n-surrogates", type=positive_int, default=199,
                        help="surrogates of each MI null (circular shift, clip shuffle; default 199)")
    parser.add_argument("--speech-rate", default="word_starts", choices=SPEECH_RATES, metavar="RATE",
                        help=choices_help("speech-rate definition (windowed: word starts in a --rate-window s "
                                          "window centred on each analysis window)", SPEECH_RATES))
    parser.add_argument("--rate-window", type=positive_float, default=5.0, metavar="S",
                        help="length of the windowed speech rate, seconds (default 5)")
    parser.add_argument("--movement-units", default="shoulder_widths", choices=MOVEMENT_UNITS, metavar="UNITS",
                        help=choices_help("movement intensity normalised by shoulder width, or raw position units "
                                          "per second", MOVEMENT_UNITS))
    parser.add_argument("--relative-to", default="auto", choices=RELATIVE_TO, metavar="REF",
                        help=choices_help("keypoints relative to the shoulder midpoint (body) or the image",
                                          RELATIVE_TO))
    parser.add_argument("--use-z", action="store_true", help="include MediaPipe's relative depth z in speeds")
    parser.add_argument("--cuts", default="exclude", choices=CUT_HANDLING, metavar="HOW",
                        help=choices_help("camera cuts: leave out windows that span one (exclude) or do not look "
                                          "for them", CUT_HANDLING))
    parser.add_argument("--cut-source", default="auto", choices=CUT_SOURCES, metavar="SOURCE",
                        help=choices_help("where cuts come from: recorded from the video at extraction, pose "
                                          "jumps, or auto", CUT_SOURCES))
    parser.add_argument("--pooling", default="mixed", choices=POOLING, metavar="HOW",
                        help=choices_help("within-clip z-scores + mixed model, all windows raw, or mean of "
                                          "per-clip Fisher z", POOLING))
    parser.add_argument("--per-clip-interval", default="clip_pairs", choices=PER_CLIP_INTERVALS, metavar="HOW",
                        help=choices_help("per-clip CI: Fisher z with the null of every cross-clip pair (needs 10 "
                                          "clips at least as long; else AR(1)), AR(1)-calibrated Fisher z, or "
                                          "block bootstrap", PER_CLIP_INTERVALS))
    parser.add_argument("--mi-signals", default="frame_energy", choices=MI_SIGNALS, metavar="PAIR",
                        help=choices_help("signal pair for mutual information", MI_SIGNALS))


def run(args: argparse.Namespace) -> dict:
    from ..io.layout import check_corpus_root

    root = check_corpus_root(args.path)
    from ..corpus import Corpus
    from ..features.motion import MotionSettings
    from ..runs.correlate import correlate_corpus

    motion = MotionSettings(relative_to=args.relative_to, use_z=args.use_z, cut_handling=args.cuts,
                            cut_source=args.cut_source)
    settings = CorrelateSettings(window_s=args.window, hop_s=args.hop, group=args.group, max_lag_s=args.max_lag,
                                 n_boot=args.n_boot, n_surrogates=args.n_surrogates, seed=args.seed, motion=motion,
                                 speech_rate=args.speech_rate, rate_window_s=args.rate_window,
                                 normalize=args.movement_units == "shoulder_widths", pooling=args.pooling,
                                 per_clip_interval=args.per_clip_interval, mi_signals=args.mi_signals)
    return correlate_corpus(Corpus(root, labels=args.labels), settings, progress=not args.quiet,
                            workers=args.workers, scheduler=args.scheduler)


def _found_by(row: dict) -> str:
    """`` (found by frames+pose 1, pose 1)`` for a per-clip cut row with evidence (older results have none)."""
    if not row.get("evidence"):
        return ""
    from ..features.motion import cut_evidence_counts

    return " (found by " + ", ".join(f"{k} {v}" for k, v in cut_evidence_counts(row["evidence"]).items()) + ")"


def format_human(result: dict) -> str:
    s, p, lag, mi = result.get("settings", {}), result["pooled"], result["lag_s"], result["mi"]
    dtw = result.get("dtw_alignment") or {}
    sp, mo, cuts = p.get("spearman") or {}, s.get("motion") or {}, result.get("shot_cuts") or {}
    n_windows = sum(c.get("n") or 0 for c in result["per_clip"])
    lines = [
        f"speech rate vs movement intensity ({s.get('group', '?')}): {human.num(result.get('n_clips'))} clip(s), "
        f"{human.num(n_windows)} windows of {human.setting(s.get('window_s'), 's')} "
        f"(hop {human.setting(s.get('hop_s'), 's')}); pooling: {s.get('pooling', 'mixed')}",
        f"  x: {s.get('x', human.NA)}",
        f"  y: {s.get('y', human.NA)}",
    ]
    if mo:
        lines.append(f"  motion: {mo.get('coordinates', human.NA)}, relative to {mo.get('relative_to_resolved')} "
                     f"(use_z {str(mo.get('use_z')).lower()}); camera cuts: {mo.get('cut_handling')} "
                     f"(source {mo.get('cut_source')}): {human.num(cuts.get('n_cuts', 0))} found, "
                     f"{human.num(cuts.get('windows_excluded', 0))} window(s) spanning a cut left out")
        lines += [f"    {c['clip_id']}: {human.num(c['n_cuts'])} cut(s){_found_by(c)}, "
                  f"{human.num(c['windows_excluded'])} window(s) left out" for c in cuts.get("per_clip", [])
                  if c.get("n_cuts")]
    lines += human.warning_lines(result)
    shuffle_p = (mi.get("clip_shuffle") or {}).get("p_value")
    meta = p.get("meta") or {}
    lines += [
        f"  pooled r    {human.num(p['r'], signed=True)}  95 % CI {human.ci(p['ci_low'], p['ci_high'])}"
        f"  ({human.num(p.get('n_windows'))} windows pooled; Spearman {human.num(sp.get('r'), signed=True)} "
        f"{human.ci(sp.get('ci_low'), sp.get('ci_high'))})",
        f"              method: {p.get('method') or human.NA}",
    ]
    if p.get("meta_disagrees"):
        lines.append(f"  meta r      {human.num(meta.get('r'), signed=True)}  95 % CI "
                     f"{human.ci(meta.get('ci_low'), meta.get('ci_high'))}  ({human.num(meta.get('k'))} clips; "
                     f"{meta.get('interval', 'random-effects meta-analysis')}): disagrees with the pooled interval")
    lines += [
        f"  best lag    cross-correlation {human.num(lag.get('xcorr'), unit='s', signed=True)} "
        f"{human.ci(lag.get('xcorr_ci_low'), lag.get('xcorr_ci_high'))}  (positive = motion leads speech)",
        f"  DTW         alignment, not a lag: shift of least alignment cost under a "
        f"{human.setting(dtw.get('warp_s'), 's')} warp window "
        f"{human.num(dtw.get('least_cost_shift_s'), unit='s', signed=True)} "
        f"{human.ci(dtw.get('shift_ci_low'), dtw.get('shift_ci_high'))}, normalised cost "
        f"{human.num(dtw.get('cost'))}; median offset along the warping paths "
        f"{human.num(dtw.get('path_median_offset_s'), unit='s', signed=True)}",
        f"              {dtw.get('not_a_lag') or human.NA}",
        f"  mutual inf. {human.num(mi.get('bits'), unit='bits')}; p = {human.num(mi.get('p_value'))} "
        f"(circular shift within clips), p = {human.num(shuffle_p)} (clip shuffle)",
        f"              of {mi.get('x', human.NA)} vs {mi.get('y', human.NA)} on the {mi.get('clock', human.NA)} clock"
        f" ({human.num(mi.get('rate_hz'), unit='Hz')}): {mi.get('description') or human.NA}",
    ]
    rows = [[c["clip_id"], human.num(c.get("n")), human.num(c.get("n_eff"), digits=2),
             human.num(c["r"], signed=True), human.ci(c["ci_low"], c["ci_high"]), human.num(c.get("p_value"))]
            for c in result["per_clip"]]
    if rows:
        lines.append("per clip:")
        lines += human.table(rows, ["clip", "windows", "n_eff", "r", "95 % CI", "p"], indent="    ")
    return human.join(lines, human.note_lines(result), human.problem_lines(result))
