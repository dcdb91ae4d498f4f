"""``alloava correlate``: corpus-level speech-gesture analysis.

For every clip:

1. **Windows** ``[k W, k W + W)`` from the media origin (hop ``hop_s``,
   default ``W``), full windows inside the pose span only. Per window:
   speech rate (word starts / W, words/s), syllable and articulation rate
   (:func:`alloava_analysis.features.speech.speech_rate`), and movement intensity of
   the chosen body-part group (:func:`alloava_analysis.features.motion.movement_intensity`,
   shoulder widths/s, averaged over the window's valid frames), measured as
   the :class:`~alloava_analysis.features.MotionSettings` say: planar
   (x, y) by default, hands and arms relative to the torso, and camera cuts
   (recorded at extraction, else found from pose jumps) excluded -- a window
   that spans a cut gets no intensity and is counted per clip.
2. **Frames** on the video clock: the speech energy envelope (RMS of the
   audio, 10 ms hop, averaged onto each video frame by
   :func:`alloava_analysis.clocks.resample_to_times`) and the per-frame
   movement intensity, both high-passed by subtracting a ``detrend_s``
   moving average so that the slow window-level coupling does not tilt the
   fine-scale lag estimates.

Then, over clips:

* **correlation** of movement intensity and the chosen speech rate per clip
  (Pearson, Spearman, AR(1)-calibrated Fisher-z intervals; none, with a
  note, when a clip has too few independent windows) and pooled (``pooling``:
  within-clip z-scores + MixedLM, raw pooled, or mean per-clip r; cluster
  bootstrap over clips; see :mod:`alloava_analysis.crossmodal.correlation`);
* **lag** by cross-correlation (per-clip curves pooled on the Fisher-z scale,
  peak refined by a parabola), with per-clip block-bootstrap and pooled
  cluster-bootstrap intervals, and a flag for clips whose cross-correlation
  has a competing peak; positive = motion leads speech;
* **DTW alignment** (not a lag): the shift of least DTW alignment cost under
  a 0.1 s warp window, its normalised cost and the median local offset along
  the warping paths; on signals of different shapes that shift moves with the
  warp window, so it is not reported as a lag (``dtw_alignment["not_a_lag"]``);
* **mutual information** (KSG, bits) of the chosen signal pair
  (:data:`MI_SIGNALS`; by default frame-level movement vs speech energy at the
  lag of maximum cross-correlation -- fine-scale coupling, not speech rate),
  with a circular-shift p-value (``p_value``) and a clip-shuffle p-value
  (``clip_shuffle``: each clip's motion against other clips' speech).

The result follows the JSON contract of ``alloava correlate --json``: keys
``pooled``, ``per_clip``, ``lag_s``, ``dtw_alignment``, ``mi`` (plus ``settings`` with every
analysis choice and the motion settings under ``settings["motion"]``,
``diagnostics``, ``shot_cuts``, ``n_clips``, ``failed``); missing values
are ``None`` (JSON ``null``), never a made-up number.
"""
from __future__ import annotations

import logging
import warnings
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..checks import check_nonnegative, check_option, check_positive
from ..corpus import ANALYSIS_ERRORS, Corpus
from ..crossmodal import correlation, dtw, information
from ..crossmodal.coupling import (
    MI_SIGNALS,
    SPEECH_RATES,
    WINDOW_COLUMNS,
    check_settings,
    clip_tables,
    frame_lags,
    frame_rate,
)
from ..errors import ParameterError
from ..features.motion import MotionSettings
from ..io.jsonable import to_jsonable
from ..parallel import keep_workers
from .settings import CorrelateSettings

log = logging.getLogger(__name__)


def corpus_tables(source: Any, *, window_s: float = 5.0, hop_s: float | None = None, group: str = "hands",
                  progress: bool = True, energy: bool = True, detrend_s: float = 2.0,
                  motion: MotionSettings | None = None, normalize: bool = True, rate_window_s: float = 5.0,
                  workers: int | None = 1, scheduler: Any = None) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Window and frame tables of every clip (clips that fail are skipped and listed).

    With a corpus (or its path), clips are loaded and analysed by ``workers``
    local processes (``None``: every core) or on the Dask cluster at
    ``scheduler`` (:func:`alloava_analysis.parallel.run_each`); the tables are
    stacked in clip order, so they are the same whatever the executor.

    Parameters
    ----------
    source
        A :class:`~alloava_analysis.corpus.Corpus`, a corpus folder, or an iterable of clips (``Clip``
        objects or in-memory clips with ``.clip``, ``.audio`` and ``.samplerate``).
    window_s, hop_s
        Analysis windows in seconds (``hop_s`` defaults to ``window_s``).
    group
        Body-part group whose movement is measured, one of :data:`alloava_analysis.schema.GROUPS`.
    progress
        Show a progress bar over clips (on stderr).
    energy
        Compute the frame tables (speech energy needs audio); False skips them.
    detrend_s
        Moving average removed from the frame series, seconds (0 keeps them raw).
    motion
        How movement is measured, pose cleaning included (None:
        :class:`~alloava_analysis.features.MotionSettings` defaults).
    normalize
        Movement in shoulder widths per second (True) or raw position units per second.
    rate_window_s
        Length of the centred window of the ``windowed_rate`` column, seconds.
    workers, scheduler
        Local processes (``None``: every core) or a Dask cluster address (corpora only; in-memory clips are
        analysed in this process).

    Returns
    -------
    windows : pandas.DataFrame
        All clips' window tables stacked (tidy: one row per clip and window);
        attrs ``shot_cuts``: one ``{clip_id, source, n_cuts, times_s, windows_excluded}`` per clip.
    frames : pandas.DataFrame
        All clips' frame tables stacked (empty when no clip has audio).
    failed : list of dict
        ``{clip_id, reason}`` for clips that could not be analysed.
    """
    check_settings(window_s=window_s, hop_s=hop_s, group=group)
    _check_table_options(energy=energy, detrend_s=detrend_s, motion=motion, normalize=normalize,
                         rate_window_s=rate_window_s)
    options = dict(window_s=window_s, hop_s=hop_s, group=group, energy=energy, detrend_s=detrend_s,
                   motion=motion, normalize=normalize, rate_window_s=rate_window_s)

    if isinstance(source, (str, Path)):
        source = Corpus(source)
    if isinstance(source, Corpus):
        done, failed = source.map(partial(clip_tables, **options), workers=workers, scheduler=scheduler,
                                  progress=progress)
        tables = [t for _, t in done]
    else:
        from tqdm.auto import tqdm

        tables, failed = [], []
        for item in tqdm(list(source), desc="clips", unit="clip", disable=not progress):
            clip_id = getattr(getattr(item, "clip", item), "clip_id", "?")
            try:
                tables.append(clip_tables(item, **options))
            except ANALYSIS_ERRORS as err:
                log.warning("skipping %s: %s", clip_id, err)
                failed.append({"clip_id": clip_id, "reason": str(err)})
    win_parts = [w for w, _ in tables]
    frame_parts = [f for _, f in tables if f is not None]
    windows = pd.concat(win_parts, ignore_index=True) if win_parts else pd.DataFrame(columns=list(WINDOW_COLUMNS))
    windows.attrs = {"shot_cuts": [w.attrs["shot_cuts"] for w in win_parts]}
    frames = pd.concat(frame_parts, ignore_index=True) if frame_parts else pd.DataFrame(
        columns=["clip_id", "time", "motion", "speech_energy", "motion_hp", "speech_energy_hp"])
    if frame_parts:
        frames.attrs.update(frame_parts[0].attrs)
        rates = sorted({round(float(f.attrs["rate_hz"]), 6) for f in frame_parts})
        frames.attrs["rate_hz_per_clip"] = {str(f["clip_id"].iat[0]): float(f.attrs["rate_hz"]) for f in frame_parts
                                            if len(f)}
        if len(rates) > 1:
            frames.attrs["note"] = (f"clips have different video frame rates {rates} Hz; frame-level lags and MI "
                                    f"use {frames.attrs['rate_hz']} Hz")
    return windows, frames, failed


def _check_table_options(*, energy: Any, detrend_s: Any, motion: Any, normalize: Any, rate_window_s: Any) -> None:
    """ParameterError for an option of :func:`corpus_tables` that every clip would fail with (checked once, here)."""
    check_option("energy", energy, (False, True))
    check_nonnegative("detrend_s", detrend_s)
    if motion is not None and not isinstance(motion, MotionSettings):
        raise ParameterError(f"expected motion to be a MotionSettings or None, got {type(motion).__name__}",
                             name="motion")
    check_option("normalize", normalize, (False, True))
    check_positive("rate_window_s", rate_window_s)


def correlate_corpus(source: Any, settings: CorrelateSettings | None = None, *, return_frames: bool = False,
                     progress: bool = True, workers: int | None = 1, scheduler: Any = None, **options: Any):
    """Speech rate vs movement intensity over a corpus: correlations, lags and mutual information.

    Every analysis choice is a field of :class:`~alloava_analysis.runs.settings.CorrelateSettings`
    and is recorded in the result's ``settings``.

    Parameters
    ----------
    source
        A :class:`~alloava_analysis.corpus.Corpus`, a corpus folder, or an
        iterable of clips (``Clip`` objects or in-memory synthetic clips with
        ``.clip``, ``.audio`` and ``.samplerate``).
    settings
        The analysis choices (default: :class:`CorrelateSettings` defaults).
    options
        Fields of :class:`CorrelateSettings` replacing those of ``settings``
        (``correlate_corpus(corpus, window_s=2.0)``); the fields are:
    window_s, hop_s
        Analysis windows for the correlation (``hop_s`` defaults to
        ``window_s``); ``window_s = 1 / fps`` gives frame-level windows.
    group
        Body-part group: ``hands``, ``arms``, ``upper_body``, ``head``.
    max_lag_s
        Largest lag searched by cross-correlation and allowed by the DTW band.
    n_boot
        Cluster-bootstrap resamples of the pooled correlation (and per-clip
        block bootstrap with ``per_clip_interval="block_bootstrap"``).
    n_surrogates
        Surrogates of each MI null (circular shift and clip shuffle).
    seed
        Seed of every resampling (results are deterministic given it).
    progress
        Show a progress bar over clips (on stderr).
    return_frames
        Also return the tidy tables (see Returns).
    detrend_s
        Moving average removed from the frame series before lag and MI analysis.
    mi_k, mi_max_samples
        KSG neighbours, and the cap on pairs entering it (decimation).
    mi_stop_after
        Each MI null stops once this many surrogates reach the observed MI
        (Besag & Clifford's sequential p-value, exactly valid; None: all ``n_surrogates``).
    dtw_segment_s
        DTW aligns segments of this length (None: whole clips).
    motion
        How movement is measured: planar or with z, relative to the body or the
        image, cut handling, pose cleaning (``confidence_threshold``,
        ``max_gap_s``, ``smooth_s``) (default
        :class:`~alloava_analysis.features.MotionSettings`; recorded in
        ``settings["motion"]``).
    speech_rate
        ``"word_starts"`` (default), ``"syllables"``, ``"articulation"`` or
        ``"windowed"`` (word starts in a ``rate_window_s`` window centred on
        each analysis window; see :data:`SPEECH_RATES`).
    normalize
        Movement in shoulder widths per second (default) or raw position units per second.
    pooling
        ``"mixed"`` (within-clip z-scores + mixed model, default), ``"raw"``
        (all windows pooled as they are) or ``"mean_r"`` (mean per-clip Fisher z);
        see :func:`~alloava_analysis.crossmodal.correlation.pooled_correlation`.
    per_clip_interval
        ``"clip_pairs"`` (default: Fisher z with the null of every cross-clip
        pair, calibrated whatever the autocorrelation), ``"ar1"`` or ``"block_bootstrap"``.
    mi_signals
        Which pair of signals mutual information is computed for:
        ``"frame_energy"`` (default), ``"frame_energy_raw"`` or ``"window_rate"``
        (see :data:`MI_SIGNALS`).
    lag_block_s, n_boot_lag
        Block length and resamples of the per-clip lag intervals.
    workers, scheduler
        Where the clips' tables are computed: local processes (``None``: every
        core) or a Dask cluster (see :func:`corpus_tables`); the result is the
        same whatever the executor.

    Returns
    -------
    dict
        ``pooled: {r, ci_low, ci_high, method, pooling, dropped, diagnostics, ...}``;
        ``per_clip: [{clip_id, r, ci_low, ci_high, n_eff, note, ...}]``;
        ``lag_s: {xcorr, xcorr_ci_low, ..., per_clip, competing_peak_clips}``
        (the cross-correlation lag; positive = motion leads speech);
        ``dtw_alignment: {least_cost_shift_s, shift_ci_low, shift_ci_high, p_value, cost,
        path_median_offset_s, warp_s, not_a_lag, per_clip, ...}`` (DTW as an alignment, not a lag);
        ``mi: {bits, p_value, x, y, clock,
        null, circular_shift, clip_shuffle, ...}``; ``settings`` (every choice,
        with ``motion``); ``diagnostics: {warnings, dropped_clips,
        no_interval_clips, competing_peak_clips}``; ``shot_cuts``; ``n_clips``;
        ``failed: [{clip_id, reason}]``; ``warnings`` (sentences that change the
        reading: clips left out, fit warnings, a meta-analysis interval that
        disagrees with the pooled one, failed clips, competing lag peaks) and
        ``notes`` (informational: clips without an interval, per-clip lag notes,
        frame rates). Missing values are None.
    (dict, dict of DataFrames)
        With ``return_frames=True``: the result and ``{"windows", "frames",
        "per_clip", "xcorr_curve"}``.
    """
    s = CorrelateSettings.resolve(settings, **options)
    dtw.require_c()
    motion_settings = s.motion
    # one set of local workers for the clips' tables, their lags and both MI nulls: started once, not four times
    with keep_workers(workers if scheduler is None else 1):
        windows, frames, failed = corpus_tables(source, window_s=s.window_s, hop_s=s.hop_s, group=s.group,
                                                progress=progress, detrend_s=s.detrend_s, motion=motion_settings,
                                                normalize=s.normalize, rate_window_s=s.rate_window_s,
                                                workers=workers, scheduler=scheduler)
        y_col, y_text = SPEECH_RATES[s.speech_rate]
        y_text = y_text.format(rate_window_s=s.rate_window_s)
        measure = motion_settings.to_dict(s.group)["measure"]
        if not s.normalize:
            measure = measure.replace("in shoulder widths per second", "in position units per second (not normalised)")
        recorded = {**s.to_dict(), "hop_s": s.hop, "x": f"movement intensity ({measure}, mean over window frames)",
                    "y": f"speech rate ({y_text})", "clock": "window", "motion": motion_settings.to_dict(s.group)}
        cut_rows = windows.attrs.get("shot_cuts", [])
        result: dict[str, Any] = {"pooled": {"r": None, "ci_low": None, "ci_high": None, "method": None},
                                  "per_clip": [], "lag_s": {"xcorr": None},
                                  "dtw_alignment": {"least_cost_shift_s": None},
                                  "mi": {"bits": None, "p_value": None}, "settings": recorded,
                                  "n_clips": int(windows["clip_id"].nunique()) if len(windows) else 0,
                                  "shot_cuts": {"handling": motion_settings.cut_handling,
                                                "sources": sorted({c["source"] for c in cut_rows}),
                                                "n_cuts": sum(c["n_cuts"] for c in cut_rows),
                                                "windows_excluded": sum(c["windows_excluded"] for c in cut_rows),
                                                "per_clip": cut_rows},
                                  "failed": failed, "skipped": _skipped(source), "warnings": [], "notes": []}
        diagnostics: dict[str, list] = {"warnings": [], "dropped_clips": [], "no_interval_clips": [],
                                        "competing_peak_clips": []}
        per_clip = pd.DataFrame()
        if len(windows):
            per_clip = correlation.correlation_table(windows, "intensity", y_col, interval=s.per_clip_interval,
                                                     n_boot=s.n_boot, seed=s.seed)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # dropped clips are in the result, not only a warning
                pooled = correlation.pooled_correlation(windows, "intensity", y_col, pooling=s.pooling, n_boot=s.n_boot,
                                                        seed=s.seed, per_clip=per_clip)
                spearman = correlation.pooled_correlation(windows, "intensity", y_col, method="spearman",
                                                          pooling=s.pooling, n_boot=s.n_boot, seed=s.seed,
                                                          per_clip=per_clip)
            pooled["spearman"] = {k: spearman[k] for k in ("r", "ci_low", "ci_high")}
            pooled["meta_disagrees"] = intervals_disagree(pooled, pooled["meta"])
            result["pooled"] = pooled
            result["per_clip"] = per_clip.to_dict("records")
            diagnostics["warnings"] += pooled["diagnostics"]["warnings"]
            diagnostics["dropped_clips"] += pooled["diagnostics"]["dropped_clips"]
            no_ci = per_clip[np.isfinite(per_clip["r"]) & ~np.isfinite(per_clip["ci_low"])]
            diagnostics["no_interval_clips"] = [f"{row.clip_id}: {row.note}" for row in no_ci.itertuples()]
        curve = None
        if len(frames):
            lag_result, result["dtw_alignment"], curve = frame_lags(
                frames, max_lag_s=s.max_lag_s, dtw_segment_s=s.dtw_segment_s, block_s=s.lag_block_s,
                n_boot=s.n_boot_lag, seed=s.seed, workers=workers, scheduler=scheduler)
            result["lag_s"] = lag_result
            diagnostics["competing_peak_clips"] = lag_result["competing_peak_clips"]
        else:
            result["lag_s"]["note"] = "no clip with audio: no frame-level lag"
            result["dtw_alignment"]["note"] = "no clip with audio: no DTW alignment"
        result["mi"] = _mutual_information(windows, frames, signals=s.mi_signals, y_col=y_col, y_text=y_text, k=s.mi_k,
                                           n_surrogates=s.n_surrogates, seed=s.seed, max_lag_s=s.max_lag_s,
                                           max_samples=s.mi_max_samples, stop_after=s.mi_stop_after,
                                           detrend_s=s.detrend_s,
                                           executor={"workers": workers, "scheduler": scheduler})
        result["diagnostics"] = diagnostics
        result["warnings"], result["notes"] = _warnings_and_notes(result, frames)
        out = to_jsonable(result)
        if return_frames:
            return out, {"windows": windows, "frames": frames, "per_clip": per_clip, "xcorr_curve": curve}
        return out


def _skipped(source: Any) -> list[dict]:
    """Files under a corpus folder that are not clips of the layout (none for in-memory clips)."""
    return list(source.skipped_files) if isinstance(source, Corpus) else []


def intervals_disagree(pooled: dict, meta: dict) -> bool:
    """Whether the pooled and the meta-analysis (Hartung-Knapp) intervals tell different stories.

    They disagree when one excludes 0 and the other does not, or when either
    estimate lies outside the other's interval; missing intervals never disagree.

    Parameters
    ----------
    pooled, meta
        Dicts with ``r``, ``ci_low`` and ``ci_high`` (None or NaN for missing).

    Returns
    -------
    bool
        True when they disagree.
    """
    values = [pooled.get(k) for k in ("r", "ci_low", "ci_high")] + [meta.get(k) for k in ("r", "ci_low", "ci_high")]
    if any(v is None or not np.isfinite(v) for v in values):
        return False
    r1, lo1, hi1, r2, lo2, hi2 = (float(v) for v in values)
    excludes = (lo1 > 0 or hi1 < 0) != (lo2 > 0 or hi2 < 0)
    return bool(excludes or not lo2 <= r1 <= hi2 or not lo1 <= r2 <= hi1)


def _warnings_and_notes(result: dict, frames: pd.DataFrame) -> tuple[list[str], list[str]]:
    """What changes the reading of the numbers (``warnings``) and what is only worth knowing (``notes``)."""
    d = result["diagnostics"]
    warned = [f"left out of the pooled estimate: {c}" for c in d["dropped_clips"]]
    warned += [f"pooled fit: {w}" for w in d["warnings"]]
    pooled, meta = result["pooled"], result["pooled"].get("meta") or {}
    if pooled.get("meta_disagrees"):
        warned.append(f"the random-effects meta-analysis of the per-clip r (Hartung-Knapp) gives "
                      f"r = {meta['r']:+.3f} [{meta['ci_low']:.3f}, {meta['ci_high']:.3f}], which disagrees with "
                      f"the pooled r = {pooled['r']:+.3f} [{pooled['ci_low']:.3f}, {pooled['ci_high']:.3f}]: "
                      f"trust neither interval alone")
    if result.get("failed"):
        warned.append(f"{len(result['failed'])} clip(s) could not be analysed and are in no estimate (listed "
                      f"below)")
    if d["competing_peak_clips"]:
        warned.append(f"competing cross-correlation peaks, each above the circular-shift null (lag ambiguous) in "
                      f"{', '.join(d['competing_peak_clips'])}")
    notes = [f"no per-clip interval for {c}" for c in d["no_interval_clips"]]
    fallback = [row["clip_id"] for row in result["per_clip"] if str(row.get("note") or "").startswith("AR(1)")]
    if fallback:
        notes.append(f"per-clip intervals of {len(fallback)} clip(s) assume AR(1) window series: fewer than "
                     f"{correlation.MIN_NULL_CLIPS} clips are as long, too few for the between-clip null")
    notes += [f"{row['clip_id']}: {row['note']}" for part in ("lag_s", "dtw_alignment")
              for row in result[part].get("per_clip", []) if row.get("note")]
    notes += [f"{part}: {result[part]['note']}" for part in ("pooled", "lag_s", "dtw_alignment", "mi")
              if result[part].get("note")]
    if frames.attrs.get("note"):
        notes.append(frames.attrs["note"])
    return list(dict.fromkeys(warned)), list(dict.fromkeys(notes))


def _mutual_information(windows: pd.DataFrame, frames: pd.DataFrame, *, signals: str, y_col: str, y_text: str,
                        k: int, n_surrogates: int, seed: int, max_lag_s: float, max_samples: int | None,
                        stop_after: int | None, detrend_s: float, executor: dict) -> dict:
    """MI of the chosen signal pair with a circular-shift and a clip-shuffle null."""
    x_col, y_frame_col, table, clock, search, text = MI_SIGNALS[signals]
    data = frames if table == "frames" else windows
    y_name = y_frame_col or y_col
    out: dict[str, Any] = {"bits": None, "p_value": None, "signals": signals, "x": x_col, "y": y_name,
                           "clock": clock,
                           "description": text.format(detrend_s=detrend_s) + (f" ({y_text})" if y_frame_col is None
                                                                              else "")}
    if not len(data):
        out["note"] = ("no clip with audio: no frame-level MI" if table == "frames"
                       else "no windows: no window-level MI")
        return out
    rate = frame_rate(frames) if table == "frames" else 1.0 / float(windows["hop_s"].iat[0])
    x, y, groups = data[x_col].to_numpy(float), data[y_name].to_numpy(float), data["clip_id"].to_numpy()
    lag_search = int(round(max_lag_s * rate)) if search else None
    out["rate_hz"] = rate
    try:
        circ = information.mi_surrogate_test(x, y, k=k, n_surrogates=n_surrogates, seed=seed, groups=groups,
                                             lag_search=lag_search, max_samples=max_samples, stop_after=stop_after,
                                             **executor)
    except ValueError as err:
        log.warning("no mutual information: %s", err)
        out["note"] = str(err)
        return out
    out.update(bits=circ["bits"], p_value=circ["p_value"], null_mean=circ["null_mean"], null_p95=circ["null_p95"],
               n_surrogates=circ["n_surrogates"], n=circ["n"], k=circ["k"],
               lag_s=circ["lag_samples"] / rate if search else 0.0,
               null="p_value: circular shift of y within each clip (repeating the lag search)",
               circular_shift={key: circ[key] for key in ("p_value", "null_mean", "null_p95", "n_surrogates",
                                                          "stopped_early")})
    try:
        shuf = information.mi_clip_shuffle_test(x, y, groups=groups, k=k, n_surrogates=n_surrogates, seed=seed,
                                                lag_search=lag_search, max_samples=max_samples, stop_after=stop_after,
                                                **executor)
        out["clip_shuffle"] = {key: shuf[key] for key in ("p_value", "null_mean", "null_p95", "n_surrogates",
                                                          "stopped_early", "n_clips")}
        out["clip_shuffle"]["null"] = shuf["null"]
    except ValueError as err:
        out["clip_shuffle"] = {"p_value": None, "note": str(err)}
    return out


