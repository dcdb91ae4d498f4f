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

**Search window.** The nearest event is looked for within ``±max_lag_s`` of the
peak (default 1 s). A unit with no event of a kind that close gets no lag for
that kind (NaN) and is counted (``n_no_event``), not averaged: without a window
a clip with one F0 peak would time every unit against it, tens of seconds away.
Synchrony studies likewise pair each gesture with the prosodic event in its
vicinity, not anywhere in the recording (e.g. Leonard & Cummins 2011, Lang.
Cogn. Process. 26:1457; Pouw & Dixon 2019, Cogn. Sci. 43:e12721, who time peak
velocity against the nearest F0 / envelope peak around it); the reported
apex-accent lags are a few hundred milliseconds, so ±1 s keeps them and drops
pairings no one would call synchrony. The 1 s value itself is this toolkit's
choice, not a published standard. Clips with no event of a kind at all are not
analysed for that kind.

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
  where they are, and applies the same window: per draw, the mean absolute
  lag over the placed units that have an event within ``±max_lag_s`` (a draw
  where none has one counts as ``max_lag_s``, the farthest a windowed lag can
  be). ``null="shift"``
  (default) shifts all units of a clip by one uniform random offset of speech
  time, wrapping around: their
  spacing (a speaker's gesture rhythm) is kept, so rhythmic units do not make
  the null too narrow. ``null="uniform"`` places each unit independently; it
  assumes units are not rhythmic and is too liberal when they are (see the
  tests). The p-value is
  ``(1 + #(null <= observed)) / (1 + draws)``
  (:func:`alloava_analysis.crossmodal.lags.surrogate_p_value`), so its
  resolution is ``1 / (1 + draws)``.
* **Which statistic is the test.** The test is the mean |lag| over the units
  with an event in the window (``p_value``, ``coincides``). Coincidence also
  shows as more units having an event nearby, so the share of units with an
  event is reported beside it, observed and null, with its own p-value
  (``p_share``: ``(1 + #(null share >= observed)) / (1 + draws)``), but it is
  not the test: for dense events (word onsets, envelope peaks several per
  second) nearly every unit has one within ±1 s whatever its timing, so the
  share cannot tell synchrony from chance there, while the mean |lag| can, for
  dense and sparse events alike.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import choices
from ..checks import check_int, check_option, check_options, check_positive, check_range
from ..errors import SchemaError
from ..features.prosody import EVENT_KINDS
from .lags import surrogate_p_value, t_interval

__all__ = ["CONVENTION", "UNIT_COLUMNS", "nearest_lags", "synchrony", "unit_lags"]

#: Columns a gesture-unit table must have.
UNIT_COLUMNS = ("clip_id", "speaker_id", "unit", "start_s", "end_s", "peak_time_s")
CONVENTION = "lag = event time - gesture peak time; positive = the gesture's peak speed comes first (motion leads)"
#: Draws of the null kept for plots (per kind, every analysed unit of each of the first draws).
NULL_LAGS_KEPT = 20
#: Default half-width of the search window around each gesture peak, seconds.
MAX_LAG_S = 1.0
#: How the null moves a clip's units: one common circular shift in speech time, or each independently.
NULLS = choices.SYNCHRONY_NULLS


def nearest_lags(peak_times: np.ndarray, event_times: np.ndarray, *,
                 max_lag_s: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Signed lag from each peak to its nearest event (event minus peak; the earlier event on a tie).

    Parameters
    ----------
    peak_times
        Gesture peak times in seconds.
    event_times
        Event times in seconds (any order).
    max_lag_s
        Search window: a peak whose nearest event is farther than this gets NaN (None: no window).

    Returns
    -------
    lag : numpy.ndarray
        Seconds, one per peak (NaN when there is no event, or none within the window).
    event : numpy.ndarray
        The nearest event's time (NaN likewise).
    """
    check_positive("max_lag_s", max_lag_s, allow_none=True)
    p = np.asarray(peak_times, dtype=float)
    e = np.sort(np.asarray(event_times, dtype=float)[np.isfinite(event_times)])
    if e.size == 0:
        return np.full(p.shape, np.nan), np.full(p.shape, np.nan)
    j = np.searchsorted(e, p)
    before, after = e[np.clip(j - 1, 0, e.size - 1)], e[np.clip(j, 0, e.size - 1)]
    nearest = np.where(np.abs(after - p) < np.abs(p - before), after, before)
    if max_lag_s is not None:
        nearest = np.where(np.abs(nearest - p) <= max_lag_s, nearest, np.nan)
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
              kinds: tuple[str, ...] = tuple(EVENT_KINDS), max_lag_s: float = MAX_LAG_S) -> pd.DataFrame:
    """One row per gesture unit and event kind: the signed lag to the nearest event of that kind near its peak.

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
    max_lag_s
        Search window (seconds): the nearest event within ``±max_lag_s`` of the peak, else no lag.

    Returns
    -------
    pandas.DataFrame
        ``clip_id, speaker_id, unit, peak_time_s, kind, event_time_s, lag_s, in_speech, clip_has_kind``
        (``in_speech``: the peak lies within one of the clip's speech intervals, clips without any have none
        in speech; ``clip_has_kind``: the clip has at least one event of the kind; ``lag_s`` and
        ``event_time_s`` are NaN when no event of the kind lies within the window).
    """
    kinds = tuple(check_options("kinds", [kinds] if isinstance(kinds, str) else kinds, tuple(EVENT_KINDS)))
    check_positive("max_lag_s", max_lag_s)
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
            lag, nearest = nearest_lags(peaks, times, max_lag_s=max_lag_s)
            rows.append(pd.DataFrame({"clip_id": clip_id, "speaker_id": g["speaker_id"].astype(str).to_numpy(),
                                      "unit": g["unit"].to_numpy(), "peak_time_s": peaks, "kind": kind,
                                      "event_time_s": nearest, "lag_s": lag, "in_speech": inside,
                                      "clip_has_kind": bool(np.isfinite(times).any())}))
    if not rows:
        return pd.DataFrame(columns=["clip_id", "speaker_id", "unit", "peak_time_s", "kind", "event_time_s", "lag_s",
                                     "in_speech", "clip_has_kind"])
    return pd.concat(rows, ignore_index=True)


def _clip_null(events: np.ndarray, iv: np.ndarray, peaks: np.ndarray, n_null: int, how: str,
               rng: np.random.Generator, max_lag_s: float | None = None) -> np.ndarray:
    """(n_null, units) signed lags of ``peaks`` moved at random within the speech intervals ``iv`` (:data:`NULLS`).

    NaN where a placed unit has no event within ``±max_lag_s`` (the observed units' rule).
    """
    total = max(float(_speech_clock(iv)[-1]), 1e-9)
    if how == "shift":
        offset = rng.uniform(0.0, total, size=(n_null, 1))
        pos = np.mod(_to_speech_time(peaks, iv)[None, :] + offset, total)
    else:
        pos = rng.uniform(0.0, total, size=(n_null, peaks.size))
    placed = _from_speech_time(pos.ravel(), iv)
    lag, _ = nearest_lags(placed, events, max_lag_s=max_lag_s)
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


def _null_stats(abs_sum: np.ndarray, with_event: np.ndarray, n_units: int, max_lag_s: float) -> tuple:
    """Per draw: mean |lag| over the placed units with an event (``max_lag_s`` where none has one), and their share."""
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_abs = np.where(with_event > 0, abs_sum / with_event, max_lag_s)
    return mean_abs, with_event / n_units


def _summary(lags: np.ndarray, null_abs: np.ndarray, null_share: np.ndarray, clusters: np.ndarray, *,
             n_boot: int, ci: float, alpha: float, rng: np.random.Generator) -> dict:
    """Estimates, interval and null comparison of one set of windowed lags (NaN: no event within the window).

    ``null_abs``, ``null_share``: the null's mean |lag| (units with an event) and share of units with an event,
    per draw.
    """
    found = np.isfinite(lags)
    share = float(found.mean())
    p_share = surrogate_p_value(share, null_share)
    counts = {"n_units": int(lags.size), "n_with_event": int(found.sum()), "n_no_event": int((~found).sum()),
              "share_with_event": share, "null_share_with_event": float(np.mean(null_share)), "p_share": p_share}
    if not found.any():
        return {**counts, "mean_lag_s": np.nan, "ci_low": np.nan, "ci_high": np.nan, "median_lag_s": np.nan,
                "mean_abs_lag_s": np.nan, "null_mean_abs_lag_s": np.nan, "null_low_s": np.nan,
                "null_high_s": np.nan, "p_value": np.nan, "coincides": False}
    lags, clusters = lags[found], clusters[found]
    observed = float(np.mean(np.abs(lags)))
    lo, hi = _mean_interval(lags, clusters, n_boot=n_boot, ci=ci, rng=rng)
    p = surrogate_p_value(-observed, -null_abs)
    q_lo, q_hi = np.percentile(null_abs, [2.5, 97.5]) if null_abs.size else (np.nan, np.nan)
    return {**counts, "mean_lag_s": float(lags.mean()), "ci_low": lo, "ci_high": hi,
            "median_lag_s": float(np.median(lags)), "mean_abs_lag_s": observed,
            "null_mean_abs_lag_s": float(np.mean(null_abs)) if null_abs.size else np.nan,
            "null_low_s": float(q_lo), "null_high_s": float(q_hi), "p_value": p,
            "coincides": bool(np.isfinite(p) and p <= alpha)}


def synchrony(units: pd.DataFrame, events: pd.DataFrame, spans: pd.DataFrame | dict, *,
              kinds: tuple[str, ...] = tuple(EVENT_KINDS), max_lag_s: float = MAX_LAG_S, null: str = "shift",
              n_null: int = 999, n_boot: int = 2000, ci: float = 0.95, alpha: float = 0.05, seed: int = 0) -> dict:
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
    max_lag_s
        Search window (seconds) around each gesture peak, for the observed and the null's units alike.
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
        ``pooled``: one dict per kind (``kind, n_units`` (analysed: in speech, in clips with an event of the
        kind), ``n_with_event, n_no_event`` (an event within the window or not), ``share_with_event,
        null_share_with_event, p_share, n_clips, n_speakers, mean_lag_s, ci_low, ci_high, median_lag_s,
        mean_abs_lag_s, null_mean_abs_lag_s, null_low_s, null_high_s`` (2.5-97.5 % of the null's mean |lag|),
        ``p_value, coincides``; lags over the units with an event); ``per_clip``: the same per clip and kind
        (interval over units); ``units``: :func:`unit_lags`; ``null_lags``: ``kind, lag_s`` of the null's first
        draws (NaN: no event within the window; for plots); ``null``: ``{draws, p_resolution, method}``;
        ``max_lag_s``; ``n_outside_speech``; ``convention``; ``interval``.
    """
    kinds = tuple(check_options("kinds", [kinds] if isinstance(kinds, str) else kinds, tuple(EVENT_KINDS)))
    check_positive("max_lag_s", max_lag_s)
    check_option("null", null, NULLS)
    check_int("n_null", n_null, minimum=1)
    check_int("n_boot", n_boot, minimum=1)
    check_range("ci", ci, 0.0, 1.0, inclusive=(False, False))
    check_range("alpha", alpha, 0.0, 1.0, inclusive=(False, False))
    check_int("seed", seed, minimum=0)
    table = unit_lags(units, events, spans, kinds=kinds, max_lag_s=max_lag_s)
    span_of = _intervals(spans)
    rng = np.random.default_rng(seed)
    pooled, per_clip, kept = [], [], []
    for kind in kinds:
        rows = table[(table["kind"] == kind) & table["in_speech"] & table["clip_has_kind"].astype(bool)]
        if rows.empty:
            pooled.append({"kind": kind, "n_units": 0, "n_with_event": 0, "n_no_event": 0, "n_clips": 0,
                           "n_speakers": 0, "note": "no unit in the speech of a clip with an event of this kind"})
            continue
        null_sum, null_found = np.zeros(n_null), np.zeros(n_null)
        for clip_id, g in rows.groupby("clip_id", sort=False):
            ev = events.loc[(events["clip_id"].astype(str) == clip_id) & (events["kind"] == kind), "time_s"]
            null_lags = _clip_null(ev.to_numpy(float), span_of[clip_id], g["peak_time_s"].to_numpy(float), n_null,
                                   null, rng, max_lag_s)
            clip_sum, clip_found = np.nansum(np.abs(null_lags), axis=1), np.isfinite(null_lags).sum(axis=1)
            null_sum += clip_sum
            null_found += clip_found
            kept.append(pd.DataFrame({"kind": kind, "lag_s": null_lags[:NULL_LAGS_KEPT].ravel()}))
            lags = g["lag_s"].to_numpy(float)
            per_clip.append({"clip_id": clip_id, "speaker_id": str(g["speaker_id"].iat[0]), "kind": kind,
                             **_summary(lags, *_null_stats(clip_sum, clip_found, lags.size, max_lag_s),
                                        np.arange(lags.size), n_boot=n_boot, ci=ci, alpha=alpha, rng=rng)})
        lags = rows["lag_s"].to_numpy(float)
        summary = _summary(lags, *_null_stats(null_sum, null_found, lags.size, max_lag_s),
                           rows["speaker_id"].to_numpy(str), n_boot=n_boot, ci=ci, alpha=alpha, rng=rng)
        found = rows[np.isfinite(lags)]
        n_speakers = int(found["speaker_id"].nunique())
        note = (f"no unit has an event of this kind within ±{max_lag_s:g} s of its peak" if found.empty else
                "" if n_speakers >= 3 else f"{n_speakers} speaker(s): no between-speaker interval (needs 3)")
        pooled.append({"kind": kind, **summary, "n_clips": int(found["clip_id"].nunique()), "n_speakers": n_speakers,
                       "note": note})
    outside = table.drop_duplicates(["clip_id", "unit"])
    return {"pooled": pooled, "per_clip": per_clip, "units": table,
            "null_lags": pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=["kind", "lag_s"]),
            "null": {"draws": int(n_null), "p_resolution": 1.0 / (1 + n_null), "how": null,
                     "method": ("each draw shifts all of a clip's analysed units by one uniform random offset of "
                                "speech time, wrapping around the clip's speech intervals laid end to end (spacing "
                                "kept)" if null == "shift" else
                                "each draw places every clip's analysed units at independent uniform random times "
                                "within the clip's speech intervals")
                     + f" (units per clip kept, events fixed, the same ±{max_lag_s:g} s window); test statistic: "
                       "mean |lag| over the units with an event in the window (a draw with none counts as the "
                       "window); p = (1 + #(null <= observed)) / (1 + draws); the share of units with an event "
                       "is compared likewise (p_share: null >= observed)"},
            "max_lag_s": float(max_lag_s),
            "n_outside_speech": int((~outside["in_speech"]).sum()) if len(outside) else 0,
            "convention": CONVENTION,
            "interval": f"{ci:.0%} t interval (df = clusters - 1) of the mean lag by bootstrap: pooled over speakers "
                        "(cluster bootstrap), per clip over units"}
