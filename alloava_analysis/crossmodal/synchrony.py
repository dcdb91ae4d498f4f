"""Prosody-gesture synchrony: the lag from each gesture unit's peak speed to the nearest prosodic event.

For every gesture unit (a row of a unit table with ``peak_time_s``, the time of
its peak speed) and every kind of prosodic event of its clip
(:func:`alloava_analysis.features.prosody.prosodic_events`: F0 peaks, envelope
peaks, word onsets, loudest syllables), the **signed lag** is the nearest
event's time minus the peak time: positive when the gesture's peak comes first
(motion leads speech, the toolkit's convention). Only units whose peak lies
within the clip's speech (its speech intervals: words merged across pauses
shorter than 0.5 s, :func:`alloava_analysis.features.prosody.speech_intervals`)
are analysed; the others are counted (``n_outside_speech``).

* **Per clip**: mean and median signed lag, mean absolute lag, an interval of
  the mean lag by bootstrap over the clip's units (``t``, df = units - 1; none
  under 3 units).
* **Pooled**: the mean over all units, with a **cluster bootstrap over speakers**
  (every unit of a resampled speaker comes with it; ``t``, df = speakers - 1,
  :func:`alloava_analysis.crossmodal.lags.t_interval`), so speakers with many
  gestures do not narrow the interval as if their units were independent.
* **Null** (does the peak coincide with the events more than chance?): each draw
  moves every clip's analysed units to random times within that clip's speech
  (the speech intervals laid end to end, pauses left out: units never land in a
  pause, where events are sparse), keeping their number and leaving the events
  where they are, and recomputes the mean absolute lag. ``null="shift"``
  (default) shifts all units of a clip by one uniform random offset of speech
  time, wrapping around: their
  spacing (a speaker's gesture rhythm) is kept, so rhythmic units do not make
  the null too narrow. ``null="uniform"`` places each unit independently; it
  assumes units are not rhythmic and is too liberal when they are (see the
  tests). The p-value is
  ``(1 + #(null <= observed)) / (1 + draws)``
  (:func:`alloava_analysis.crossmodal.lags.surrogate_p_value`), so its
  resolution is ``1 / (1 + draws)``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import choices
from ..checks import check_int, check_option, check_options, check_range
from ..errors import SchemaError
from ..features.prosody import EVENT_KINDS
from .lags import surrogate_p_value, t_interval

__all__ = ["CONVENTION", "UNIT_COLUMNS", "nearest_lags", "synchrony", "unit_lags"]

#: Columns a gesture-unit table must have.
UNIT_COLUMNS = ("clip_id", "speaker_id", "unit", "start_s", "end_s", "peak_time_s")
CONVENTION = "lag = event time - gesture peak time; positive = the gesture's peak speed comes first (motion leads)"
#: Draws of the null kept for plots (per kind, every analysed unit of each of the first draws).
NULL_LAGS_KEPT = 20
#: How the null moves a clip's units: one common circular shift in speech time, or each independently.
NULLS = choices.SYNCHRONY_NULLS


def nearest_lags(peak_times: np.ndarray, event_times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Signed lag from each peak to its nearest event (event minus peak; the earlier event on a tie).

    Parameters
    ----------
    peak_times
        Gesture peak times in seconds.
    event_times
        Event times in seconds (any order).

    Returns
    -------
    lag : numpy.ndarray
        Seconds, one per peak (NaN when there is no event).
    event : numpy.ndarray
        The nearest event's time.
    """
    p = np.asarray(peak_times, dtype=float)
    e = np.sort(np.asarray(event_times, dtype=float)[np.isfinite(event_times)])
    if e.size == 0:
        return np.full(p.shape, np.nan), np.full(p.shape, np.nan)
    j = np.searchsorted(e, p)
    before, after = e[np.clip(j - 1, 0, e.size - 1)], e[np.clip(j, 0, e.size - 1)]
    nearest = np.where(np.abs(after - p) < np.abs(p - before), after, before)
    return nearest - p, nearest


def _check_units(units: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in UNIT_COLUMNS if c not in units]
    if missing:
        raise SchemaError(f"expected a gesture-unit table with columns {list(UNIT_COLUMNS)}; missing {missing}",
                          where="units")
    if not np.isfinite(units["peak_time_s"].to_numpy(float)).all():
        raise SchemaError("expected a finite peak_time_s for every gesture unit, got NaN or inf", where="units")
    return units


def _intervals(spans: pd.DataFrame | dict) -> dict[str, np.ndarray]:
    """Clip id -> (k, 2) sorted speech intervals, from a table ``clip_id, start_s, end_s`` or a dict of pairs."""
    if isinstance(spans, dict):
        pairs = {str(k): np.atleast_2d(np.asarray(v, dtype=float)) for k, v in spans.items()}
    else:
        missing = [c for c in ("clip_id", "start_s", "end_s") if c not in spans]
        if missing:
            raise SchemaError(f"expected a span table with columns clip_id, start_s, end_s; missing {missing}",
                              where="spans")
        pairs = {str(k): g[["start_s", "end_s"]].to_numpy(float)
                 for k, g in spans.groupby(spans["clip_id"].astype(str), sort=False)}
    out = {}
    for clip_id, iv in pairs.items():
        if iv.size and (iv.shape[1] != 2 or not np.isfinite(iv).all() or (iv[:, 1] < iv[:, 0]).any()):
            raise SchemaError(f"clip {clip_id!r}: expected speech intervals (start_s <= end_s, finite), got "
                              f"{iv.tolist()[:3]}", where="spans")
        out[clip_id] = iv[np.argsort(iv[:, 0])] if iv.size else np.zeros((0, 2))
    return out


def _inside(times: np.ndarray, iv: np.ndarray) -> np.ndarray:
    """Whether each time lies in one of the intervals ``iv`` (sorted, (k, 2))."""
    if not iv.size:
        return np.zeros(times.shape, dtype=bool)
    j = np.clip(np.searchsorted(iv[:, 0], times, side="right") - 1, 0, len(iv) - 1)
    return (times >= iv[j, 0]) & (times <= iv[j, 1])


def _speech_clock(iv: np.ndarray) -> np.ndarray:
    """Cumulative speech time at the start of each interval, and the total at the end."""
    return np.r_[0.0, np.cumsum(iv[:, 1] - iv[:, 0])]


def _to_speech_time(times: np.ndarray, iv: np.ndarray) -> np.ndarray:
    """Media times (inside the intervals) as seconds of speech since the first interval's start."""
    j = np.clip(np.searchsorted(iv[:, 0], times, side="right") - 1, 0, len(iv) - 1)
    return _speech_clock(iv)[j] + times - iv[j, 0]


def _from_speech_time(pos: np.ndarray, iv: np.ndarray) -> np.ndarray:
    """Seconds of speech back to media times (the inverse of :func:`_to_speech_time`)."""
    clock = _speech_clock(iv)
    j = np.clip(np.searchsorted(clock, pos, side="right") - 1, 0, len(iv) - 1)
    return iv[j, 0] + pos - clock[j]


def unit_lags(units: pd.DataFrame, events: pd.DataFrame, spans: pd.DataFrame | dict, *,
              kinds: tuple[str, ...] = tuple(EVENT_KINDS)) -> pd.DataFrame:
    """One row per gesture unit and event kind: the signed lag to the nearest event of that kind in its clip.

    Parameters
    ----------
    units
        Gesture units, columns :data:`UNIT_COLUMNS` (times in seconds on the media clock).
    events
        Prosodic events of the clips: ``clip_id, kind, time_s`` (as
        :func:`~alloava_analysis.features.prosody.clip_events` gives).
    spans
        Speech intervals of each clip: a table ``clip_id, start_s, end_s`` (one row per interval, as
        :func:`~alloava_analysis.features.prosody.clip_events` gives) or ``{clip_id: [(start, end), ...]}``.
    kinds
        Event kinds to time the peaks against (of :data:`~alloava_analysis.features.prosody.EVENT_KINDS`).

    Returns
    -------
    pandas.DataFrame
        ``clip_id, speaker_id, unit, peak_time_s, kind, event_time_s, lag_s, in_speech`` (``in_speech``:
        the peak lies within one of the clip's speech intervals; clips without any have none in speech).
    """
    kinds = tuple(check_options("kinds", [kinds] if isinstance(kinds, str) else kinds, tuple(EVENT_KINDS)))
    units = _check_units(units)
    span_of = _intervals(spans)
    for c in ("clip_id", "kind", "time_s"):
        if c not in events:
            raise SchemaError(f"expected an event table with columns clip_id, kind, time_s; missing {c!r}",
                              where="events")
    by_clip = {str(k): g for k, g in events.groupby(events["clip_id"].astype(str), sort=False)}
    rows = []
    for clip_id, g in units.groupby(units["clip_id"].astype(str), sort=False):
        peaks = g["peak_time_s"].to_numpy(float)
        inside = _inside(peaks, span_of.get(clip_id, np.zeros((0, 2))))
        ev = by_clip.get(clip_id)
        for kind in kinds:
            times = ev.loc[ev["kind"] == kind, "time_s"].to_numpy(float) if ev is not None else np.zeros(0)
            lag, nearest = nearest_lags(peaks, times)
            rows.append(pd.DataFrame({"clip_id": clip_id, "speaker_id": g["speaker_id"].astype(str).to_numpy(),
                                      "unit": g["unit"].to_numpy(), "peak_time_s": peaks, "kind": kind,
                                      "event_time_s": nearest, "lag_s": lag, "in_speech": inside}))
    if not rows:
        return pd.DataFrame(columns=["clip_id", "speaker_id", "unit", "peak_time_s", "kind", "event_time_s", "lag_s",
                                     "in_speech"])
    return pd.concat(rows, ignore_index=True)


def _clip_null(events: np.ndarray, iv: np.ndarray, peaks: np.ndarray, n_null: int, how: str,
               rng: np.random.Generator) -> np.ndarray:
    """(n_null, units) signed lags of ``peaks`` moved at random within the speech intervals ``iv`` (:data:`NULLS`)."""
    total = max(float(_speech_clock(iv)[-1]), 1e-9)
    if how == "shift":
        offset = rng.uniform(0.0, total, size=(n_null, 1))
        pos = np.mod(_to_speech_time(peaks, iv)[None, :] + offset, total)
    else:
        pos = rng.uniform(0.0, total, size=(n_null, peaks.size))
    placed = _from_speech_time(pos.ravel(), iv)
    lag, _ = nearest_lags(placed, events)
    return lag.reshape(n_null, peaks.size)


def _mean_interval(lags: np.ndarray, clusters: np.ndarray, *, n_boot: int, ci: float,
                   rng: np.random.Generator) -> tuple[float, float]:
    """``t`` interval of the mean of ``lags`` by bootstrap over ``clusters`` (every unit of a drawn cluster)."""
    ids, idx = np.unique(clusters, return_inverse=True)
    k = ids.size
    if k < 3:
        return float("nan"), float("nan")
    sums, counts = np.bincount(idx, weights=lags, minlength=k), np.bincount(idx, minlength=k).astype(float)
    draws = rng.multinomial(k, np.full(k, 1.0 / k), size=n_boot).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        reps = (draws @ sums) / (draws @ counts)
    lo, hi, _ = t_interval(float(lags.mean()), reps, k, ci)
    return float(lo), float(hi)


def _summary(lags: np.ndarray, null_abs: np.ndarray, clusters: np.ndarray, *, n_boot: int, ci: float,
             alpha: float, rng: np.random.Generator) -> dict:
    """Estimates, interval and null comparison of one set of lags (``null_abs``: mean |lag| per null draw)."""
    observed = float(np.mean(np.abs(lags)))
    lo, hi = _mean_interval(lags, clusters, n_boot=n_boot, ci=ci, rng=rng)
    p = surrogate_p_value(-observed, -null_abs)
    q_lo, q_hi = np.percentile(null_abs, [2.5, 97.5]) if null_abs.size else (np.nan, np.nan)
    return {"n_units": int(lags.size), "mean_lag_s": float(lags.mean()), "ci_low": lo, "ci_high": hi,
            "median_lag_s": float(np.median(lags)), "mean_abs_lag_s": observed,
            "null_mean_abs_lag_s": float(np.mean(null_abs)) if null_abs.size else np.nan,
            "null_low_s": float(q_lo), "null_high_s": float(q_hi), "p_value": p,
            "coincides": bool(np.isfinite(p) and p <= alpha)}


def synchrony(units: pd.DataFrame, events: pd.DataFrame, spans: pd.DataFrame | dict, *,
              kinds: tuple[str, ...] = tuple(EVENT_KINDS), null: str = "shift", n_null: int = 999,
              n_boot: int = 2000, ci: float = 0.95, alpha: float = 0.05, seed: int = 0) -> dict:
    """Gesture-peak to prosodic-event lags per clip and pooled, with speaker-clustered intervals and a shuffle null.

    See the module docstring for the definitions.

    Parameters
    ----------
    units
        Gesture units, columns :data:`UNIT_COLUMNS`.
    events
        Prosodic events ``clip_id, kind, time_s``.
    spans
        Speech intervals of each clip (see :func:`unit_lags`); the null moves units within them.
    kinds
        Event kinds analysed.
    null
        ``"shift"`` or ``"uniform"`` (see the module docstring).
    n_null
        Draws of the null (p-value resolution ``1 / (1 + n_null)``).
    n_boot
        Bootstrap resamples of each interval.
    ci
        Interval coverage, in (0, 1).
    alpha
        Level at which ``coincides`` is true (``p_value <= alpha``).
    seed
        Seed of the null and the bootstraps.

    Returns
    -------
    dict
        ``pooled``: one dict per kind (``kind, n_units, n_clips, n_speakers, mean_lag_s, ci_low, ci_high,
        median_lag_s, mean_abs_lag_s, null_mean_abs_lag_s, null_low_s, null_high_s`` (2.5-97.5 % of the null's
        mean |lag|), ``p_value, coincides``); ``per_clip``: the same per clip and kind (interval over units);
        ``units``: :func:`unit_lags`; ``null_lags``: ``kind, lag_s`` of the null's first draws (for plots);
        ``null``: ``{draws, p_resolution, method}``; ``n_outside_speech``; ``convention``; ``interval``.
    """
    kinds = tuple(check_options("kinds", [kinds] if isinstance(kinds, str) else kinds, tuple(EVENT_KINDS)))
    check_option("null", null, NULLS)
    check_int("n_null", n_null, minimum=1)
    check_int("n_boot", n_boot, minimum=1)
    check_range("ci", ci, 0.0, 1.0, inclusive=(False, False))
    check_range("alpha", alpha, 0.0, 1.0, inclusive=(False, False))
    check_int("seed", seed, minimum=0)
    table = unit_lags(units, events, spans, kinds=kinds)
    span_of = _intervals(spans)
    rng = np.random.default_rng(seed)
    pooled, per_clip, kept = [], [], []
    for kind in kinds:
        rows = table[(table["kind"] == kind) & table["in_speech"] & np.isfinite(table["lag_s"].to_numpy(float))]
        if rows.empty:
            pooled.append({"kind": kind, "n_units": 0, "n_clips": 0, "n_speakers": 0, "note": "no unit with an event "
                           "of this kind in its clip's speech"})
            continue
        null_sum = np.zeros(n_null)
        for clip_id, g in rows.groupby("clip_id", sort=False):
            ev = events.loc[(events["clip_id"].astype(str) == clip_id) & (events["kind"] == kind), "time_s"]
            null_lags = _clip_null(ev.to_numpy(float), span_of[clip_id], g["peak_time_s"].to_numpy(float), n_null,
                                   null, rng)
            null_sum += np.abs(null_lags).sum(axis=1)
            kept.append(pd.DataFrame({"kind": kind, "lag_s": null_lags[:NULL_LAGS_KEPT].ravel()}))
            lags = g["lag_s"].to_numpy(float)
            per_clip.append({"clip_id": clip_id, "speaker_id": str(g["speaker_id"].iat[0]), "kind": kind,
                             **_summary(lags, np.abs(null_lags).mean(axis=1), np.arange(lags.size), n_boot=n_boot,
                                        ci=ci, alpha=alpha, rng=rng)})
        lags = rows["lag_s"].to_numpy(float)
        summary = _summary(lags, null_sum / lags.size, rows["speaker_id"].to_numpy(str), n_boot=n_boot, ci=ci,
                           alpha=alpha, rng=rng)
        n_speakers = int(rows["speaker_id"].nunique())
        pooled.append({"kind": kind, **summary, "n_clips": int(rows["clip_id"].nunique()), "n_speakers": n_speakers,
                       "note": "" if n_speakers >= 3 else f"{n_speakers} speaker(s): no between-speaker interval "
                                                          "(needs 3)"})
    outside = table.drop_duplicates(["clip_id", "unit"])
    return {"pooled": pooled, "per_clip": per_clip, "units": table,
            "null_lags": pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=["kind", "lag_s"]),
            "null": {"draws": int(n_null), "p_resolution": 1.0 / (1 + n_null), "how": null,
                     "method": ("each draw shifts all of a clip's analysed units by one uniform random offset of "
                                "speech time, wrapping around the clip's speech intervals laid end to end (spacing "
                                "kept)" if null == "shift" else
                                "each draw places every clip's analysed units at independent uniform random times "
                                "within the clip's speech intervals")
                     + " (units per clip kept, events fixed); statistic: mean |lag| over units; "
                       "p = (1 + #(null <= observed)) / (1 + draws)"},
            "n_outside_speech": int((~outside["in_speech"]).sum()) if len(outside) else 0,
            "convention": CONVENTION,
            "interval": f"{ci:.0%} t interval (df = clusters - 1) of the mean lag by bootstrap: pooled over speakers "
                        "(cluster bootstrap), per clip over units"}
