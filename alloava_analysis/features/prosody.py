"""Prosodic landmarks of one clip: voiced F0 and its peaks, amplitude-envelope peaks, word onsets, loudest syllables.

These are the speech events a gesture's peak speed is timed against
(:mod:`alloava_analysis.crossmodal.synchrony`), as in the gesture-speech
synchrony studies of Pouw and colleagues.

* **F0** (:func:`f0_track`): Praat's autocorrelation pitch tracker through
  ``praat-parselmouth`` (the field's standard; Praat decides which frames are
  voiced, unvoiced frames are NaN) with a speaker-adapted range found in two
  passes (De Looze & Hirst 2008; Hirst 2011): a first pass over 60-700 Hz, then
  ``0.75 x`` the first quartile to ``1.5 x`` the third quartile of its voiced
  F0. Measured on the real speech fixtures (JFK, the praatIO utterances, eleven
  GRID talkers): every voiced value between 68 and 390 Hz, no voiced frame
  where the level is 30 dB below the clip's 95th percentile, agreement with
  pYIN within a semitone on 86-99 % of the frames both call voiced, about
  60 times less CPU than pYIN. The single 60-700 Hz pass (or 75-500 Hz) made
  octave jumps up to 487 Hz on GRID talkers; the second pass removes them.
  ``method="pyin"`` uses :func:`alloava_analysis.features.speech.f0_contour`
  instead (librosa, no extra package).
* **F0 peaks**: local maxima of F0 in semitones (re 100 Hz), searched within each
  voiced stretch (a peak never spans an unvoiced gap), after a moving mean of
  ``f0_smooth_s``, with a prominence of at least ``f0_prominence_st`` semitones
  and at least ``min_separation_s`` between peaks; the highest point of a
  stretch that rises to its edge counts.
* **Amplitude envelope** (:func:`amplitude_envelope`): magnitude of the analytic
  signal (Hilbert transform), low-passed at ``envelope_cutoff_hz`` (4th-order
  Butterworth, run forwards and backwards: no delay), sampled every 10 ms; 12 Hz
  keeps the syllable-rate modulation (2-8 Hz) and removes the voice's periodicity.
  Its peaks have a prominence of at least ``envelope_prominence`` times the clip's
  95th-percentile envelope and at least ``min_separation_s`` between them.
* **Word onsets**: the ``start`` of each transcript word.
* **Loudest syllable** of each word: the time of the envelope's maximum inside the
  word's span, its loudest syllable nucleus. Stressed syllables are louder (and
  longer) than their neighbours, so this stands in for the stressed syllable; it is
  not a lexical-stress lookup and can pick an unstressed but loud nucleus.

All times are seconds on the media clock (``t0`` for excerpts).
"""
from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from scipy import signal

from .. import choices
from ..checks import check_nonnegative, check_option, check_positive, check_range
from ..errors import MissingModalityError, ParameterError, SchemaError
from ..model import Clip
from . import speech

__all__ = ["EVENT_KINDS", "F0_METHODS", "amplitude_envelope", "clip_events", "f0_track", "prosodic_events",
           "speech_intervals"]

log = logging.getLogger(__name__)

#: F0 trackers: Praat's autocorrelation method (parselmouth) or librosa's pYIN.
F0_METHODS = choices.F0_METHODS
#: Kinds of prosodic event (:data:`alloava_analysis.choices.PROSODIC_EVENTS`), with the unit of their value
#: and what they are.
EVENT_KINDS = dict(zip(choices.PROSODIC_EVENTS, (
    ("Hz", "local maximum of voiced F0"),
    ("full scale", "peak of the smoothed amplitude envelope"),
    ("", "start of a transcript word"),
    ("full scale", "envelope maximum inside a word (its loudest syllable nucleus)"),
)))
#: First-pass range of the two-pass Praat pitch track, in Hz.
FIRST_PASS_HZ = (60.0, 700.0)
ENVELOPE_RATE_HZ = 100.0
#: Resampled to this rate before the Hilbert transform (the envelope is low-passed far below it).
ENVELOPE_AUDIO_RATE = 16_000


def _check_range_hz(fmin: float | None, fmax: float | None) -> None:
    check_positive("fmin", fmin, allow_none=True)
    check_positive("fmax", fmax, allow_none=True)
    if (fmin is None) != (fmax is None):
        raise ParameterError(f"invalid value for fmax: expected fmin and fmax both given or both None (two-pass "
                             f"range), got fmin={fmin}, fmax={fmax}", name="fmax")
    if fmin is not None and not fmin < fmax:
        raise ParameterError(f"invalid value for fmax: expected fmax > fmin = {fmin} Hz, got {fmax}", name="fmax")


def _praat_pitch(y: np.ndarray, sr: int, hop_s: float, fmin: float, fmax: float) -> tuple[np.ndarray, np.ndarray]:
    """Frame times and F0 (0 = unvoiced) of Praat's ``To Pitch (ac)`` with its default voicing settings."""
    try:
        import parselmouth
    except ImportError:
        raise ImportError("F0 by Praat needs praat-parselmouth: pip install 'alloava_analysis[prosody]' (or use "
                          "f0_method='pyin')") from None
    sound = parselmouth.Sound(y.astype(np.float64), sampling_frequency=float(sr))
    if sound.duration < 3.0 / fmin:  # Praat's analysis window is three periods of the floor
        return np.zeros(0), np.zeros(0)
    pitch = sound.to_pitch_ac(time_step=hop_s, pitch_floor=fmin, pitch_ceiling=fmax)
    return np.asarray(pitch.xs(), dtype=np.float64), np.asarray(pitch.selected_array["frequency"], dtype=np.float64)


def f0_track(audio: Any, *, samplerate: int | None = None, method: str = "praat", fmin: float | None = None,
             fmax: float | None = None, hop_s: float = 0.01, t0: float = 0.0) -> pd.DataFrame:
    """Fundamental frequency of the voiced frames (NaN elsewhere).

    Parameters
    ----------
    audio
        Samples (float, ``samplerate`` required) or an :class:`~alloava_analysis.io.audio.Audio`.
    samplerate
        Sample rate in Hz of a sample array (an ``Audio`` carries its own).
    method
        ``"praat"`` (default; see the module docstring) or ``"pyin"``.
    fmin, fmax
        Search range in Hz; None for both: the speaker-adapted two-pass range
        (Praat), or 65-400 Hz (pYIN).
    hop_s
        Step between frames in seconds.
    t0
        Media time in seconds of the first sample.

    Returns
    -------
    pandas.DataFrame
        ``time``, ``f0_hz`` (NaN when unvoiced), ``voiced``; attrs ``clock="audio"``,
        ``hop_s``, ``method``, ``fmin``, ``fmax`` (the range used; NaN when nothing was voiced).
    """
    check_option("method", method, F0_METHODS)
    _check_range_hz(fmin, fmax)
    check_positive("hop_s", hop_s)
    check_nonnegative("t0", t0)
    y, sr = speech.audio_samples(audio, samplerate, analysis_rate=None)
    if method == "pyin":
        lo, hi = (65.0, 400.0) if fmin is None else (fmin, fmax)
        out = speech.f0_contour(y, samplerate=sr, method="pyin", fmin=lo, fmax=hi, hop_s=hop_s,
                                frame_s=max(0.064, 2.05 / lo), t0=t0)
        out = out[["time", "f0_hz", "voiced"]].copy()
    else:
        if fmin is None:
            t, f = _praat_pitch(y, sr, hop_s, *FIRST_PASS_HZ)
            first = f[f > 0]
            if first.size:
                q1, q3 = np.percentile(first, [25, 75])
                lo, hi = max(0.75 * q1, 30.0), 1.5 * q3
                t, f = _praat_pitch(y, sr, hop_s, lo, hi)
            else:
                lo = hi = float("nan")
        else:
            lo, hi = float(fmin), float(fmax)
            t, f = _praat_pitch(y, sr, hop_s, lo, hi)
        voiced = f > 0
        out = pd.DataFrame({"time": t + t0, "f0_hz": np.where(voiced, f, np.nan), "voiced": voiced})
    out.attrs.update(clock="audio", hop_s=float(hop_s), method=method, fmin=float(lo), fmax=float(hi))
    return out.reset_index(drop=True)


def amplitude_envelope(audio: Any, *, samplerate: int | None = None, cutoff_hz: float = 12.0,
                       t0: float = 0.0) -> pd.DataFrame:
    """Smoothed amplitude envelope every 10 ms: Hilbert magnitude, zero-phase low-pass at ``cutoff_hz``.

    Parameters
    ----------
    audio
        Samples (float, ``samplerate`` required) or an :class:`~alloava_analysis.io.audio.Audio`.
    samplerate
        Sample rate in Hz of a sample array (an ``Audio`` carries its own).
    cutoff_hz
        Low-pass cut-off in Hz (4th-order Butterworth, forwards and backwards); below 50 Hz.
    t0
        Media time in seconds of the first sample.

    Returns
    -------
    pandas.DataFrame
        ``time``, ``envelope`` (linear amplitude, full scale = 1); attrs ``clock="audio"``,
        ``rate_hz`` (100), ``cutoff_hz``.
    """
    check_range("cutoff_hz", cutoff_hz, 0.0, ENVELOPE_RATE_HZ / 2, inclusive=(False, False))
    check_nonnegative("t0", t0)
    y, sr = speech.audio_samples(audio, samplerate, analysis_rate=None)
    if sr > ENVELOPE_AUDIO_RATE:
        y, sr = speech.resample_audio(y, sr, ENVELOPE_AUDIO_RATE), ENVELOPE_AUDIO_RATE
    magnitude = np.abs(signal.hilbert(y.astype(np.float64)))
    sos = signal.butter(4, cutoff_hz, btype="low", fs=sr, output="sos")
    smooth = signal.sosfiltfilt(sos, magnitude) if magnitude.size > 27 else magnitude
    step = sr / ENVELOPE_RATE_HZ
    idx = np.round(np.arange(0, magnitude.size, step)).astype(np.int64)
    idx = idx[idx < magnitude.size]
    out = pd.DataFrame({"time": idx / sr + t0, "envelope": np.maximum(smooth[idx], 0.0)})
    out.attrs.update(clock="audio", rate_hz=ENVELOPE_RATE_HZ, cutoff_hz=float(cutoff_hz))
    return out


def _contour_peaks(t: np.ndarray, v: np.ndarray, *, prominence: float, min_separation_s: float,
                   smooth_s: float = 0.0) -> np.ndarray:
    """Indices of peaks of ``v``, searched within each run of finite values (edges included)."""
    finite = np.isfinite(v)
    if t.size < 2 or not finite.any():
        return np.zeros(0, dtype=np.int64)
    step = float(np.median(np.diff(t)))
    k = int(round(smooth_s / step)) if smooth_s > 0 else 1
    distance = max(1, int(round(min_separation_s / step)))
    edges = np.diff(np.r_[0, finite.astype(np.int8), 0])
    found = []
    for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
        run = v[a:b]
        if k > 1 and run.size >= k:
            kernel = np.ones(k) / k
            run = np.convolve(run, kernel, mode="same") / np.convolve(np.ones(run.size), kernel, mode="same")
        padded = np.r_[run.min(), run, run.min()]  # a stretch's highest point at its edge counts
        idx, _ = signal.find_peaks(padded, prominence=prominence)
        found.extend(a + idx - 1)
    if not found:
        return np.zeros(0, dtype=np.int64)
    found = np.asarray(found, dtype=np.int64)
    # minimum separation over the whole clip: keep the higher of two close peaks (find_peaks' own rule)
    keep = np.ones(found.size, dtype=bool)
    for i in np.argsort(-np.nan_to_num(v[found], nan=-np.inf)):
        if keep[i]:
            close = np.abs(found - found[i]) < distance
            close[i] = False
            keep &= ~close
    return np.sort(found[keep])


def speech_intervals(words: pd.DataFrame | None, f0: pd.DataFrame | None = None, *,
                     max_pause_s: float = 0.5) -> pd.DataFrame:
    """Where the clip's speech is: word spans (or voiced frames) merged across pauses shorter than ``max_pause_s``.

    Parameters
    ----------
    words
        Words table (``start``, ``end``), or None.
    f0
        Frame table of :func:`f0_track`, used when there are no words (runs of voiced frames).
    max_pause_s
        Gaps shorter than this join their neighbours into one interval.

    Returns
    -------
    pandas.DataFrame
        ``start_s, end_s``, one row per stretch of speech, in time order (empty when there is
        neither a word nor a voiced frame).
    """
    check_nonnegative("max_pause_s", max_pause_s)
    if words is not None and len(words):
        a, b = words["start"].to_numpy(float), words["end"].to_numpy(float)
    elif f0 is not None and bool(f0["voiced"].any()):
        t, v = f0["time"].to_numpy(float), f0["voiced"].to_numpy(bool)
        half = 0.5 * float(f0.attrs.get("hop_s", np.median(np.diff(t)) if t.size > 1 else 0.01))
        edges = np.diff(np.r_[0, v.astype(np.int8), 0])
        a, b = t[np.flatnonzero(edges == 1)] - half, t[np.flatnonzero(edges == -1) - 1] + half
    else:
        return pd.DataFrame({"start_s": pd.Series(dtype=float), "end_s": pd.Series(dtype=float)})
    order = np.argsort(a, kind="stable")
    a, b = a[order], np.maximum.accumulate(np.maximum(b[order], a[order]))
    new = np.r_[True, a[1:] - b[:-1] >= max_pause_s]
    group = np.cumsum(new) - 1
    starts = a[new]
    ends = np.array([b[group == g].max() for g in range(starts.size)])
    return pd.DataFrame({"start_s": starts, "end_s": ends})


def prosodic_events(audio: Any, words: pd.DataFrame | None = None, *, samplerate: int | None = None,
                    f0_method: str = "praat", fmin: float | None = None, fmax: float | None = None,
                    f0_prominence_st: float = 1.0, f0_smooth_s: float = 0.05, envelope_cutoff_hz: float = 12.0,
                    envelope_prominence: float = 0.1, min_separation_s: float = 0.15, max_pause_s: float = 0.5,
                    t0: float = 0.0) -> pd.DataFrame:
    """F0 peaks, envelope peaks, word onsets and loudest syllables of one recording, as one event table.

    Parameters
    ----------
    audio
        Samples (float, ``samplerate`` required) or an :class:`~alloava_analysis.io.audio.Audio`.
    words
        Words table (``word, start, end``) on the same clock, or None (no word events).
    samplerate
        Sample rate in Hz of a sample array.
    f0_method, fmin, fmax
        The F0 tracker and its range (see :func:`f0_track`).
    f0_prominence_st
        Least prominence of an F0 peak, in semitones.
    f0_smooth_s
        Moving mean applied to F0 (semitones) within each voiced stretch before peak picking (0: none).
    envelope_cutoff_hz
        Low-pass cut-off of the envelope (see :func:`amplitude_envelope`).
    envelope_prominence
        Least prominence of an envelope peak, as a share of the clip's 95th-percentile envelope (in (0, 1]).
    min_separation_s
        Least time between two peaks of one kind.
    max_pause_s
        Pauses shorter than this do not split the speech intervals (:func:`speech_intervals`).
    t0
        Media time in seconds of the first sample.

    Returns
    -------
    pandas.DataFrame
        ``kind`` (one of :data:`EVENT_KINDS`), ``time_s``, ``value``, ``unit``, sorted by kind and time;
        attrs ``speech_intervals`` (list of ``(start_s, end_s)``, :func:`speech_intervals`), ``f0_range_hz``,
        ``voiced_share`` and ``settings``.
    """
    check_option("f0_method", f0_method, F0_METHODS)
    _check_range_hz(fmin, fmax)
    check_positive("f0_prominence_st", f0_prominence_st)
    check_nonnegative("f0_smooth_s", f0_smooth_s)
    check_range("envelope_cutoff_hz", envelope_cutoff_hz, 0.0, ENVELOPE_RATE_HZ / 2, inclusive=(False, False))
    check_range("envelope_prominence", envelope_prominence, 0.0, 1.0, inclusive=(False, True))
    check_nonnegative("min_separation_s", min_separation_s)
    check_nonnegative("max_pause_s", max_pause_s)
    check_nonnegative("t0", t0)
    if words is not None:
        words = speech._check_words(words)
    y, sr = speech.audio_samples(audio, samplerate, analysis_rate=None)
    f0 = f0_track(y, samplerate=sr, method=f0_method, fmin=fmin, fmax=fmax, t0=t0)
    env = amplitude_envelope(y, samplerate=sr, cutoff_hz=envelope_cutoff_hz, t0=t0)
    frames = []
    tf, hz = f0["time"].to_numpy(float), f0["f0_hz"].to_numpy(float)
    i = _contour_peaks(tf, 12 * np.log2(hz / 100.0), prominence=f0_prominence_st,
                       min_separation_s=min_separation_s, smooth_s=f0_smooth_s)
    frames.append(pd.DataFrame({"kind": "f0_peak", "time_s": tf[i], "value": hz[i]}))
    te, ev = env["time"].to_numpy(float), env["envelope"].to_numpy(float)
    ref = float(np.percentile(ev, 95)) if ev.size else 0.0
    if ref > 0:
        i = _contour_peaks(te, ev, prominence=envelope_prominence * ref, min_separation_s=min_separation_s)
        frames.append(pd.DataFrame({"kind": "envelope_peak", "time_s": te[i], "value": ev[i]}))
    if words is not None and len(words):
        starts, ends = words["start"].to_numpy(float), words["end"].to_numpy(float)
        frames.append(pd.DataFrame({"kind": "word_onset", "time_s": starts, "value": np.nan}))
        lo, hi = np.searchsorted(te, starts, side="left"), np.searchsorted(te, ends, side="right")
        loud = [(te[a + int(np.argmax(ev[a:b]))], float(ev[a:b].max())) for a, b in zip(lo, hi) if b > a]
        if loud:
            frames.append(pd.DataFrame({"kind": "loudest_syllable", "time_s": [x[0] for x in loud],
                                        "value": [x[1] for x in loud]}))
    out = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else \
        pd.DataFrame({"kind": pd.Series(dtype=str), "time_s": pd.Series(dtype=float),
                      "value": pd.Series(dtype=float)})
    out["unit"] = out["kind"].map({k: u for k, (u, _) in EVENT_KINDS.items()}).fillna("")
    out = out.sort_values(["kind", "time_s"], kind="stable").reset_index(drop=True)
    spans = speech_intervals(words, f0, max_pause_s=max_pause_s)
    out.attrs.update(speech_intervals=[(float(a), float(b)) for a, b in zip(spans["start_s"], spans["end_s"])],
                     f0_range_hz=(f0.attrs["fmin"], f0.attrs["fmax"]),
                     voiced_share=float(f0["voiced"].mean()) if len(f0) else 0.0,
                     settings={"f0_method": f0_method, "fmin": fmin, "fmax": fmax,
                               "f0_prominence_st": f0_prominence_st, "f0_smooth_s": f0_smooth_s,
                               "envelope_cutoff_hz": envelope_cutoff_hz,
                               "envelope_prominence": envelope_prominence, "min_separation_s": min_separation_s,
                               "max_pause_s": max_pause_s})
    return out


def clip_events(clip: Clip, **options: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`prosodic_events` of a clip's audio and words, with the clip id; the per-clip step of a corpus run.

    Parameters
    ----------
    clip
        A loaded :class:`~alloava_analysis.model.Clip` with audio (words are optional).
    options
        Options of :func:`prosodic_events`.

    Returns
    -------
    events : pandas.DataFrame
        ``clip_id`` and the columns of :func:`prosodic_events`.
    spans : pandas.DataFrame
        ``clip_id, start_s, end_s``: the clip's speech intervals (:func:`speech_intervals`).
    """
    if not isinstance(clip, Clip):
        raise ParameterError(f"invalid value for clip: expected a Clip, got {type(clip).__name__}", name="clip")
    if clip.audio is None:
        raise MissingModalityError(f"clip {clip.clip_id!r}: expected audio for prosody, got none")
    events = prosodic_events(clip.audio, clip.words, **options)
    if events.empty:
        log.info("clip %s: no prosodic event found", clip.clip_id)
    spans = pd.DataFrame(events.attrs["speech_intervals"], columns=["start_s", "end_s"])
    if spans.empty:
        raise SchemaError(f"clip {clip.clip_id!r}: expected words or voiced speech to place units against, got "
                          "neither", where="audio")
    spans.insert(0, "clip_id", clip.clip_id)
    events.insert(0, "clip_id", clip.clip_id)
    return events, spans
