"""Per-clip speech-gesture tables and frame-level lags: the pieces :mod:`alloava_analysis.runs.correlate` maps.

:func:`clip_tables` gives one clip's window table (speech rate, movement
intensity) and frame table (speech energy and movement on the video clock);
:func:`frame_lags` the per-clip cross-correlation and DTW lags of stacked
frame tables.
"""
from __future__ import annotations

import logging
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ..checks import check_int, check_nonnegative, check_option, check_positive, check_range
from ..clocks import aggregate_windows, count_in_windows, make_windows, resample_to_times
from ..errors import MissingModalityError, ParameterError, SchemaError
from ..features import motion as motion_features
from ..features import speech
from ..features.motion import MotionSettings
from ..model import Clip, estimate_frame_rate
from ..parallel import clip_seed, executor_for, map_chunked
from ..schema import GROUPS
from . import dtw, lags

__all__ = ["DTW_NOT_A_LAG", "DTW_WARP_S", "MI_SIGNALS", "SPEECH_RATES", "WINDOW_COLUMNS", "check_settings",
           "clip_tables", "frame_lags", "peak_null_r"]

log = logging.getLogger(__name__)

#: Largest local warp (s) of the DTW alignment that :func:`frame_lags` reports.
DTW_WARP_S = 0.1
#: Why the DTW alignment's least-cost shift is not reported as a lag (issue 22; figures in the README).
DTW_NOT_A_LAG = ("the shift of least DTW alignment cost is not a lag: on signals of different shapes it moves "
                 "with the warp window (on an independent generator, median error -0.000 / -0.027 / -0.052 / "
                 "-0.121 s at warps 0 / 0.05 / 0.1 / 0.2 s, while cross-correlation is unbiased; README, "
                 "\"Lags\"); the lag is the cross-correlation lag")

WINDOW_COLUMNS = ("clip_id", "window", "start", "end", "center", "speech_rate", "syllable_rate",
                  "articulation_rate", "windowed_rate", "intensity", "coverage", "spans_cut", "window_s", "hop_s",
                  "clock")


#: Speech-rate definitions: name -> (window-table column, what it is).
SPEECH_RATES = {
    "word_starts": ("speech_rate", "word starts per second in the window"),
    "syllables": ("syllable_rate", "syllables per second in the window (syllables of the words starting in it)"),
    "articulation": ("articulation_rate", "syllables per second of speaking time (pauses excluded) in the window"),
    "windowed": ("windowed_rate", "word starts per second in a {rate_window_s:g} s window centred on each window"),
}
#: Signal pairs for mutual information: name -> (x column, y column, table, clock, lag search, description).
MI_SIGNALS = {
    "frame_energy": ("motion_hp", "speech_energy_hp", "frames", "video", True,
                     "movement intensity vs speech energy (RMS) per video frame, both minus a {detrend_s:g} s "
                     "moving average, at the lag of maximum cross-correlation"),
    "frame_energy_raw": ("motion", "speech_energy", "frames", "video", True,
                         "movement intensity vs speech energy (RMS) per video frame, not high-passed, at the lag of "
                         "maximum cross-correlation"),
    "window_rate": ("intensity", None, "windows", "window", False,
                    "movement intensity vs the chosen speech rate per analysis window (no lag)"),
}


def _windowed_rate(words: pd.DataFrame, centers: np.ndarray, length: float, stop: float) -> np.ndarray:
    """Word starts per second in ``[c - length/2, c + length/2)`` clipped to the clip ``[0, stop]``."""
    check_positive("rate_window_s", length)
    lo = np.clip(centers - length / 2, 0.0, stop)
    hi = np.clip(centers + length / 2, 0.0, stop)
    counts = count_in_windows(words["start"].to_numpy(dtype=float), pd.DataFrame({"start": lo, "end": hi}))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(hi > lo, counts / (hi - lo), np.nan)


def _unpack(item: Any) -> tuple[Clip, np.ndarray | None, int | None]:
    """A ``Clip`` (audio from ``clip.audio``), or an object with ``.clip``, ``.audio`` samples and ``.samplerate``."""
    if isinstance(item, Clip):
        return item, None, None
    if hasattr(item, "clip") and isinstance(item.clip, Clip):
        return item.clip, getattr(item, "audio", None), getattr(item, "samplerate", None)
    raise ParameterError(f"invalid value for item: expected a Clip (or an object with .clip/.audio/.samplerate), "
                         f"got {type(item).__name__}", name="item")


def clip_tables(item: Any, *, window_s: float = 5.0, hop_s: float | None = None, group: str = "hands",
                detrend_s: float = 2.0, energy: bool = True, motion: MotionSettings | None = None,
                normalize: bool = True, rate_window_s: float = 5.0) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Window table and frame table of one clip.

    Parameters
    ----------
    item
        A :class:`~alloava_analysis.model.Clip` (audio read from ``clip.audio``)
        or an in-memory clip with ``.clip``, ``.audio`` (samples) and ``.samplerate``.
    window_s, hop_s
        Analysis windows (``hop_s`` defaults to ``window_s``).
    group
        Body-part group for movement intensity.
    detrend_s
        Moving-average length removed from the frame series (0 keeps them raw).
    energy
        Compute the frame table (needs audio); False skips it.
    motion
        How movement is measured, pose cleaning included (default
        :class:`~alloava_analysis.features.MotionSettings`).
    normalize
        Movement in shoulder widths per second (default) or, False, in raw
        position units per second (camera distance and resolution then enter it).
    rate_window_s
        Length of the centred window of the ``windowed_rate`` column (word
        starts per second around each window's centre, whatever the window length).

    Returns
    -------
    windows : pandas.DataFrame
        Columns :data:`WINDOW_COLUMNS` (``clock="window"``; ``start``/``end`` in
        seconds on the media clock; ``spans_cut`` windows have NaN intensity when
        cuts are excluded); attrs ``shot_cuts``: ``{clip_id, source, n_cuts, times_s,
        evidence, windows_excluded}`` (``evidence``: per cut, which of ``"frames"``,
        ``"frame_support"`` and ``"pose"`` found it).
    frames : pandas.DataFrame or None
        ``clip_id, time, motion, speech_energy, motion_hp, speech_energy_hp``
        on the video clock (None without audio or with ``energy=False``).

    Raises
    ------
    ParameterError
        A bad option, or ``item`` is not a clip.
    MissingModalityError
        No pose or no words.
    SchemaError
        The clip is shorter than one window, or its pose has no shoulders.
    """
    check_positive("window_s", window_s)
    check_positive("hop_s", hop_s, allow_none=True)
    check_nonnegative("detrend_s", detrend_s)
    check_positive("rate_window_s", rate_window_s)
    clip, samples, samplerate = _unpack(item)
    pose = clip.pose
    if pose is None:
        raise MissingModalityError(f"clip {clip.clip_id!r}: expected keypoints, got none")
    if clip.words is None:
        raise MissingModalityError(f"clip {clip.clip_id!r}: expected a transcript with word times, got none")
    t = pose["time"].values
    fps = float(pose.attrs.get("fps") or estimate_frame_rate(t))
    stop = float(t[-1]) + 1.0 / fps
    win = make_windows(0.0, stop, window_s=window_s, hop_s=hop_s, clock="window")
    if win.empty:
        raise SchemaError(f"clip {clip.clip_id!r}: expected at least one {window_s} s window, got a clip of "
                          f"{stop:.2f} s (use a shorter --window)")
    settings = motion or MotionSettings()
    cut_table = motion_features.shot_cut_table(pose, settings=settings, metadata=clip.metadata)
    cuts, cut_source = cut_table["time"].to_numpy(dtype=float), cut_table.attrs["source"]
    inten = motion_features.movement_intensity(pose, group=group, cuts=cuts, normalize=normalize,
                                               cut_guard_s=settings.cut_guard_s, **settings.intensity_options(group))
    rate = speech.speech_rate(clip.words, window_s=window_s, hop_s=hop_s, span=(0.0, stop))
    rate = rate.iloc[: len(win)].reset_index(drop=True)
    tv, iv = inten["time"].to_numpy(), inten["intensity"].to_numpy()
    windows = win[["window", "start", "end", "center"]].copy()
    windows.insert(0, "clip_id", clip.clip_id)
    windows["speech_rate"] = rate["words_per_s"].to_numpy()
    windows["syllable_rate"] = rate["syllables_per_s"].to_numpy()
    windows["articulation_rate"] = rate["articulation_rate"].to_numpy()
    windows["windowed_rate"] = _windowed_rate(clip.words, windows["center"].to_numpy(), rate_window_s, stop)
    windows["intensity"] = aggregate_windows(iv, tv, win, how="mean", min_coverage=0.5, rate_hz=fps)
    valid = count_in_windows(tv[np.isfinite(iv)], win, rate_hz=fps)
    windows["coverage"] = np.clip(valid / np.maximum(np.round(window_s * fps), 1), 0, 1)
    windows["spans_cut"] = motion_features.spans_cut(windows["start"].to_numpy(), windows["end"].to_numpy(),
                                                     cuts)
    windows.loc[windows["spans_cut"], "intensity"] = np.nan
    windows["window_s"] = win["window_s"]
    windows["hop_s"] = win["hop_s"]
    windows["clock"] = "window"
    windows.attrs["shot_cuts"] = {"clip_id": clip.clip_id, "source": cut_source, "n_cuts": int(cuts.size),
                                  "times_s": [round(float(c), 4) for c in cuts],
                                  "evidence": [list(e) for e in cut_table["evidence"]],
                                  "windows_excluded": int(windows["spans_cut"].sum())}

    frames = None
    if energy:
        if samples is None and clip.audio is not None:
            samples, samplerate = clip.audio.read(mono=True), clip.audio.samplerate
        if samples is not None:
            env = speech.rms_envelope(np.asarray(samples), samplerate=int(samplerate), hop_s=0.01)
            on_video = resample_to_times(env["rms"].to_numpy(), env["time"].to_numpy(), tv, method="mean")
            # float32 keeps a 10-minute clip's frame table near 0.4 MB (analysis is done in float64)
            frames = pd.DataFrame({
                "clip_id": clip.clip_id, "time": tv, "motion": iv.astype(np.float32),
                "speech_energy": on_video.astype(np.float32),
                "motion_hp": lags.remove_slow_trend(iv, rate_hz=fps, window_s=detrend_s).astype(np.float32),
                "speech_energy_hp": lags.remove_slow_trend(on_video, rate_hz=fps,
                                                                window_s=detrend_s).astype(np.float32)})
            frames.attrs.update(clock="video", rate_hz=fps, detrend_s=detrend_s)
        else:
            log.info("clip %s has no audio: no frame-level lag or MI for it", clip.clip_id)
    return windows, frames


def check_settings(*, window_s: float = 5.0, hop_s: float | None = None, group: str = "hands",
                   max_lag_s: float = 1.0, n_boot: int = 2000, n_surrogates: int = 199) -> None:
    """Raise :class:`~alloava_analysis.errors.ParameterError` for an option no clip could be analysed with.

    Parameters
    ----------
    window_s
        Analysis window in seconds (> 0).
    hop_s
        Step between windows in seconds (> 0), or None (``window_s``).
    group
        Body-part group, one of :data:`~alloava_analysis.schema.GROUPS`.
    max_lag_s
        Largest lag searched, in seconds (>= 0).
    n_boot
        Bootstrap resamples (an integer >= 1).
    n_surrogates
        Surrogates of the mutual-information test (an integer >= 1).
    """
    check_positive("window_s", window_s)
    check_positive("hop_s", hop_s, allow_none=True)
    check_option("group", group, GROUPS)
    check_nonnegative("max_lag_s", max_lag_s)
    check_int("n_boot", n_boot, minimum=1)
    check_int("n_surrogates", n_surrogates, minimum=1)


def frame_rate(frames: pd.DataFrame) -> float:
    """The video frame rate of a frame table (never a default: a table without one is an error).

    Parameters
    ----------
    frames
        Frame table of :func:`clip_tables` (attrs ``rate_hz``).

    Returns
    -------
    float
        Frames per second.
    """
    rate = frames.attrs.get("rate_hz")
    if rate is None or not np.isfinite(rate) or rate <= 0:
        raise SchemaError(f"expected the frame table to carry its video frame rate (attrs['rate_hz'] > 0), got "
                          f"{rate!r}", where="frames.attrs")
    return float(rate)


PARALLEL_MIN_FRAMES = 200_000  # below this (about 2 h at 30 fps) starting workers costs more than they save


def peak_null_r(null_r: np.ndarray, *, ci: float = 0.95) -> float:
    """Height a cross-correlation peak must exceed to be more than chance: the ``ci`` quantile of the null's peaks.

    Parameters
    ----------
    null_r
        (surrogates, lags) correlations of circularly shifted copies
        (:func:`~alloava_analysis.crossmodal.lags.surrogate_curves`).
    ci
        Quantile of the surrogates' peak ``r``, in (0, 1).

    Returns
    -------
    float
        The quantile; NaN when there are no surrogates (a clip too short for shifts clear of the searched lags).
    """
    check_range("ci", ci, 0, 1, inclusive=(False, False))
    null_r = np.asarray(null_r, dtype=np.float64)
    if null_r.ndim != 2 or null_r.shape[0] == 0:
        return float("nan")
    peaks = np.nanmax(np.where(np.isfinite(null_r), null_r, -np.inf), axis=1)
    peaks = peaks[np.isfinite(peaks)]
    return float(np.quantile(peaks, ci)) if peaks.size else float("nan")


def _path_offsets(x: np.ndarray, y: np.ndarray, *, shift: int, rate_hz: float, max_lag_s: float,
                  block_s: float) -> np.ndarray:
    """Local offsets (s) along the DTW warping paths of ``x`` and ``y`` shifted by ``shift`` samples.

    The stretch and blocks are those of :func:`~alloava_analysis.crossmodal.dtw.dtw_shift_lag`; each block is
    aligned within the warp window :data:`DTW_WARP_S`, and its offsets include the shift.
    """
    x = dtw.znormalize(x, nan="interpolate", what="x")
    y = dtw.znormalize(y, nan="interpolate", what="y")
    margin, warp = int(round(max_lag_s * rate_hz)), int(round(DTW_WARP_S * rate_hz))
    step = max(int(round(block_s * rate_hz)), 2 * warp + 2)
    offsets = []
    for start in range(margin, x.size - margin - step + 1, step):
        _, path = dtw.dtw_path(x[start:start + step], y[start + shift:start + shift + step], band=warp, znorm=False)
        offsets.append(dtw.lag_profile(path, rate_hz=rate_hz)["lag_s"].to_numpy() + shift / rate_hz)
    return np.concatenate(offsets) if offsets else np.empty(0)


def _alignment_row(clip_id: str, shift: dict | None = None, offsets: np.ndarray | None = None) -> dict:
    """One clip's ``dtw_alignment`` row (all missing without a DTW result)."""
    shift = shift or {}
    has_path = offsets is not None and offsets.size > 0
    return {"clip_id": clip_id, "least_cost_shift_s": shift.get("peak_lag_s", np.nan),
            "shift_ci_low": shift.get("ci_low", np.nan), "shift_ci_high": shift.get("ci_high", np.nan),
            "p_value": shift.get("p_value", np.nan), "clear_minimum": bool(shift.get("detectable", False)),
            "cost": shift.get("cost", np.nan),
            "path_median_offset_s": float(np.median(offsets)) if has_path else np.nan, "note": ""}


def _clip_lags(options: dict, clip: tuple[str, np.ndarray, np.ndarray]) -> tuple[dict, pd.DataFrame | None,
                                                                               tuple | None, dict | None, dict]:
    """One clip of :func:`frame_lags`: lag row, cross-correlation curve and null, DTW result, alignment row.

    Curve, null and DTW result are None when unavailable; the alignment row has the path's offsets under ``offsets``.
    """
    clip_id, m, s = clip
    rate, max_lag_s, block_s, n_boot = options["rate"], options["max_lag_s"], options["block_s"], options["n_boot"]
    seed = clip_seed(options["seed"], clip_id)
    row = {"clip_id": clip_id, "xcorr": np.nan, "xcorr_detectable": False, "xcorr_reason": "",
           "xcorr_peak_s": np.nan, "xcorr_p_value": np.nan, "xcorr_ci_low": np.nan, "xcorr_ci_high": np.nan,
           "xcorr_r": np.nan, "secondary_lag_s": np.nan, "secondary_r": np.nan, "secondary_share": np.nan,
           "peak_null_r95": np.nan, "competing_peak": False, "note": ""}
    curve = null = shift = None
    try:
        curve = lags.cross_correlation_curve(m, s, rate_hz=rate, max_lag_s=max_lag_s, clock="video")
        null = lags.surrogate_curves(m, s, max_lag=int(curve["lag_samples"].iat[-1]), seed=seed)
        li = lags.lag_interval(m, s, rate_hz=rate, max_lag_s=max_lag_s, block_s=block_s, n_boot=n_boot, seed=seed,
                               null=null)
        null_r = peak_null_r(null[0])
        # a second peak competes only when it is itself more than chance (most clips have a lesser bump somewhere)
        competing = bool(li["competing_peak"] and li["secondary_r"] > null_r)
        row.update(xcorr=li["lag_s"], xcorr_detectable=li["detectable"], xcorr_reason=li["reason"],
                   xcorr_peak_s=li["peak_lag_s"], xcorr_p_value=li["p_value"], xcorr_ci_low=li["ci_low"],
                   xcorr_ci_high=li["ci_high"], xcorr_r=li["r"], secondary_lag_s=li["secondary_lag_s"],
                   secondary_r=li["secondary_r"], secondary_share=li["secondary_share"], peak_null_r95=null_r,
                   competing_peak=competing, note=li["note"])
    except ValueError as err:
        log.warning("no cross-correlation for %s: %s", clip_id, err)
        row["note"] = f"no cross-correlation: {err}"
        row["xcorr_reason"] = f"no lag: {err}"
        curve = null = None
    alignment = _alignment_row(clip_id)
    try:
        shift = dtw.dtw_shift_lag(m, s, rate_hz=rate, max_lag_s=max_lag_s, warp_s=DTW_WARP_S, block_s=block_s,
                                  n_boot=n_boot, seed=seed)
        offsets = (_path_offsets(m, s, shift=int(round(shift["peak_lag_s"] * rate)), rate_hz=rate,
                                 max_lag_s=max_lag_s, block_s=block_s)
                   if np.isfinite(shift["peak_lag_s"]) else np.empty(0))
        alignment = {**_alignment_row(clip_id, shift, offsets), "offsets": offsets}
    except ValueError as err:
        log.warning("no DTW alignment for %s: %s", clip_id, err)
        alignment["note"] = f"no DTW alignment: {err}"
    return row, curve, null, shift, alignment


def frame_lags(frames: pd.DataFrame, *, max_lag_s: float, dtw_segment_s: float | None, block_s: float = 5.0,
               n_boot: int = 500, seed: int = 0, workers: int | None = 1,
               scheduler: Any = None) -> tuple[dict, dict, pd.DataFrame | None]:
    """Cross-correlation lag and DTW alignment of a frame table, per clip and pooled, with intervals.

    Motion is x and speech y, so positive = motion leads speech. The lag is the
    cross-correlation lag. A lag that is not detectable (peak not above its
    circular-shift null, or an interval wider than the search range) is NaN,
    with ``xcorr_detectable`` False and ``xcorr_reason`` in words;
    ``xcorr_peak_s`` keeps where the peak was. DTW is reported as an
    alignment, not a lag: the shift of least DTW alignment cost under the
    warp window :data:`DTW_WARP_S`
    (:func:`~alloava_analysis.crossmodal.dtw.dtw_shift_lag`), its normalised
    cost, and the median local offset along the warping paths at that shift;
    on signals of different shapes that shift moves with the warp window
    (README, "Lags"), so it is not a lag.
    Each clip's intervals are seeded from ``seed`` and its clip id
    (:func:`~alloava_analysis.parallel.clip_seed`). Clips are analysed by
    ``workers`` local processes or on the Dask cluster at ``scheduler`` when
    the table has at least :data:`PARALLEL_MIN_FRAMES` frames or the workers
    are already running (:func:`~alloava_analysis.parallel.executor_for`), in
    this process otherwise; the result is the same either way.

    Parameters
    ----------
    frames
        Frame table of :func:`~alloava_analysis.runs.correlate.corpus_tables`
        (columns ``clip_id, motion_hp, speech_energy_hp``; attrs ``rate_hz``).
    max_lag_s
        Largest lag searched in either direction, in seconds (also the DTW band).
    dtw_segment_s
        Length in seconds of the segments DTW aligns separately (None: whole clips).
    block_s
        Length in seconds of the blocks of a clip's block bootstrap.
    n_boot
        Bootstrap resamples per clip (the pooled intervals use at least 1000).
    seed
        Seed of the bootstraps.
    workers
        Local worker processes (None: every core).
    scheduler
        A Dask scheduler address or ``distributed.Client`` to run on instead (None: local).

    Returns
    -------
    lag_s : dict
        The ``lag_s`` entry of :func:`~alloava_analysis.runs.correlate.correlate_corpus`:
        the pooled ``xcorr`` lag with its interval, ``xcorr_detectable``, ``xcorr_reason``,
        ``xcorr_peak_s``, ``xcorr_p_value``, method, and ``per_clip`` rows with the same keys.
    dtw_alignment : dict
        The ``dtw_alignment`` entry of :func:`~alloava_analysis.runs.correlate.correlate_corpus`:
        ``least_cost_shift_s`` with ``shift_ci_low``, ``shift_ci_high``, ``p_value``,
        ``clear_minimum``, ``cost``, ``path_median_offset_s``, ``warp_s``, ``method``,
        ``not_a_lag`` and ``per_clip`` rows with the same keys.
    curve : pandas.DataFrame or None
        The pooled cross-correlation curve (None when no clip had one).
    """
    check_nonnegative("max_lag_s", max_lag_s)
    check_positive("dtw_segment_s", dtw_segment_s, allow_none=True)
    check_positive("block_s", block_s)
    check_int("n_boot", n_boot, minimum=1)
    check_int("seed", seed, minimum=0)
    check_int("workers", workers, minimum=1, allow_none=True)
    options = dict(rate=frame_rate(frames), max_lag_s=max_lag_s, dtw_segment_s=dtw_segment_s, block_s=block_s,
                   n_boot=n_boot, seed=seed)
    clips = [(clip_id, g["motion_hp"].to_numpy(float), g["speech_energy_hp"].to_numpy(float))
             for clip_id, g in frames.groupby("clip_id", sort=False)]
    workers, scheduler = executor_for(len(frames), PARALLEL_MIN_FRAMES, workers=workers, scheduler=scheduler)
    done = map_chunked(partial(_clip_lags, options), clips, workers=workers, scheduler=scheduler,
                       key="alloava-lags")
    rate = options["rate"]
    per_clip = [row for row, _, _, _, _ in done]
    curves = [curve for _, curve, _, _, _ in done if curve is not None]
    nulls = [null for _, curve, null, _, _ in done if curve is not None]
    shifts = [shift for _, _, _, shift, _ in done if shift is not None]
    aligned = [a for *_, a in done]
    undetectable = "no clip gave a lag curve"
    out = {"xcorr": np.nan, "xcorr_detectable": False, "xcorr_reason": undetectable, "xcorr_peak_s": np.nan,
           "xcorr_p_value": np.nan, "xcorr_ci_low": np.nan, "xcorr_ci_high": np.nan, "xcorr_r": np.nan,
           "convention": "positive = motion leads speech", "clock": "video", "rate_hz": rate,
           "signals": "movement intensity vs speech energy (RMS) per video frame, "
                      f"minus a {frames.attrs.get('detrend_s', 0)} s moving average",
           "xcorr_method": "peak of the per-clip cross-correlation curves pooled on the Fisher-z scale (parabolic "
                           "refinement); 95 % CI by cluster bootstrap over clips (t, df = n_clips - 1); reported "
                           "only when the peak beats a circular-shift null (p <= 0.05) and the CI fits the search "
                           "range",
           "per_clip_interval": f"block bootstrap over {block_s:g} s blocks of frames (t, df = blocks - 1)",
           "competing_peak_clips": [r["clip_id"] for r in per_clip if r["competing_peak"]],
           "competing_peak_rule": "a secondary cross-correlation peak near the main one's height (or often chosen "
                                  "by the bootstrap) whose r exceeds the 95th percentile of the peak r of "
                                  "the circular-shift surrogates of the lag null (peak_null_r95)",
           "per_clip": per_clip}
    alignment = {**_alignment_row("pooled"), "warp_s": DTW_WARP_S, "convention": "positive = motion leads speech",
                 "method": f"global shift of speech with the least DTW alignment cost under a {DTW_WARP_S:g} s warp "
                           "window (cost normalised by the series' energy, summed over 5 s blocks and clips; "
                           "parabolic refinement); 95 % CI by cluster bootstrap over clips; clear_minimum: the cost "
                           "minimum is deeper than a circular-shift null (p <= 0.05) and its CI fits the search "
                           "range; path_median_offset_s: median local offset along each clip's warping paths at "
                           "its least-cost shift, within the warp window",
                 "not_a_lag": DTW_NOT_A_LAG,
                 "per_clip": [{k: v for k, v in a.items() if k != "offsets"} for a in aligned]}
    del alignment["clip_id"], alignment["note"]
    curve = None
    if curves:
        pooled = lags.pooled_lag_interval(curves, n_boot=max(n_boot, 1000), seed=seed, nulls=nulls,
                                          max_lag_s=max_lag_s)
        _, curve = lags.pooled_cross_correlation(curves)
        out.update(xcorr=pooled["lag_s"], xcorr_detectable=pooled["detectable"], xcorr_reason=pooled["reason"],
                   xcorr_peak_s=pooled["peak_lag_s"], xcorr_p_value=pooled["p_value"],
                   xcorr_ci_low=pooled["ci_low"], xcorr_ci_high=pooled["ci_high"],
                   xcorr_r=curve.attrs.get("best_r", np.nan))
    if shifts:
        pooled_d = dtw.pooled_dtw_shift_lag(shifts, max_lag_s=max_lag_s, n_boot=max(n_boot, 1000), seed=seed)
        offsets = np.concatenate([a["offsets"] for a in aligned if "offsets" in a])
        alignment.update({k: v for k, v in _alignment_row("pooled", pooled_d, offsets).items()
                          if k not in ("clip_id", "note")})
    return out, alignment, curve
