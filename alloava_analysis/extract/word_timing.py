"""Word times checked against the audio: words never run across a silence.

Whisper's word timestamps (cross-attention alignment) let words absorb the
pauses around them, give words no duration, and start the first word at 0 s
when speech begins later. :func:`refine_word_times` corrects them with the
audio itself, the way stable-ts does it: it finds the stretches of speech
(frame energy above a level set from the clip, confirmed by the silero-vad
voice-activity model that ships inside its PyPI package and runs here on
onnxruntime, offline), gives each word to the stretch it overlaps most (in
word order), starts the first word of a stretch where the stretch starts and
ends its last word where it ends, keeps Whisper's boundaries inside a
stretch, and gives every word at least ``min_word_s``. Silences shorter than
``min_silence_s`` (stop closures, short breaks) do not split a stretch.

Everything it did (method, version, parameters, model file and counts of
moved words) is returned as a dict that :func:`~.asr.transcribe` writes into
the transcript's metadata under ``"word_timing"``.
"""
from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..checks import check_int, check_nonnegative, check_positive, check_range
from ..errors import ExtractionError, ParameterError, SchemaError
from ..features.speech import frame_rms
from ..io.registry import file_sha256
from ..model import make_words

#: Version of the refinement rules, recorded with every refined transcript.
WORD_TIMING_VERSION = "2"
METHOD = "speech-regions"
VAD_RATE = 16_000
_VAD_CHUNK = 512    # samples per silero-vad frame at 16 kHz (32 ms)
_VAD_CONTEXT = 64   # samples of the previous frame the model sees (as silero-vad's own OnnxWrapper)
_VAD_MODEL = "silero_vad.onnx"


@dataclass(frozen=True)
class WordTimingSettings:
    """How speech is told from silence and how words are fitted to it.

    Parameters
    ----------
    min_silence_s
        Shortest silence that separates two stretches of speech (a word never spans one).
    threshold_db
        A frame is loud when its level is above the clip's 95th-percentile
        level plus this (dB, negative) ...
    floor_margin_db
        ... and above the clip's 10th-percentile level (its noise floor) plus this (dB).
    frame_s, hop_s
        Energy frame length and step in seconds.
    vad
        Also require silero-vad's speech probability (within ``vad_pad_s``).
    vad_threshold
        Speech probability above which a silero-vad frame is speech.
    vad_pad_s
        How far around a silero-vad speech frame loud frames still count as speech.
    min_speech_s
        Loud stretches shorter than this (clicks) are not speech.
    min_word_s
        Shortest word duration given out (zero-length words are widened).
    end_at_region_end
        End the last word of a stretch where the stretch ends (else where
        Whisper ends it, cut back to the stretch's end: a breath or a creaky
        tail after the last word is not stretched into it).
    length_prior
        Weight (0-1) of the letter-count share of a stretch against Whisper's
        own time for each boundary inside a stretch. Whisper's times are first
        mapped linearly onto the stretch (its start of the stretch's first word
        moved to where the stretch starts, its end of the last word kept), which
        takes out the lag Whisper's times have after a silence.
    snap_s
        Each boundary inside a stretch then moves to the quietest energy frame
        within this many seconds (0: no snapping).
    """

    min_silence_s: float = 0.15
    threshold_db: float = -35.0
    floor_margin_db: float = 6.0
    frame_s: float = 0.01
    hop_s: float = 0.005
    vad: bool = True
    vad_threshold: float = 0.5
    vad_pad_s: float = 0.2
    min_speech_s: float = 0.05
    min_word_s: float = 0.03
    end_at_region_end: bool = False
    length_prior: float = 0.5
    snap_s: float = 0.05

    def __post_init__(self) -> None:
        check_positive("min_silence_s", self.min_silence_s)
        check_range("threshold_db", self.threshold_db, None, 0)
        check_nonnegative("floor_margin_db", self.floor_margin_db)
        check_positive("frame_s", self.frame_s)
        check_positive("hop_s", self.hop_s)
        check_range("vad_threshold", self.vad_threshold, 0, 1)
        check_nonnegative("vad_pad_s", self.vad_pad_s)
        check_nonnegative("min_speech_s", self.min_speech_s)
        check_nonnegative("min_word_s", self.min_word_s)
        check_range("length_prior", self.length_prior, 0, 1)
        for name in ("vad", "end_at_region_end"):
            if not isinstance(getattr(self, name), bool):
                raise ParameterError(f"invalid value for {name}: expected True or False, got "
                                     f"{getattr(self, name)!r}", name=name)
        check_nonnegative("snap_s", self.snap_s)


def _check_settings(settings: WordTimingSettings | None) -> WordTimingSettings:
    if settings is None:
        return WordTimingSettings()
    if not isinstance(settings, WordTimingSettings):
        raise ParameterError(f"invalid value for settings: expected a WordTimingSettings or None, got "
                             f"{type(settings).__name__}", name="settings")
    return settings


def _vad_model_path() -> Path:
    spec = importlib.util.find_spec("silero_vad")
    path = Path(spec.origin).parent / "data" / _VAD_MODEL if spec and spec.origin else None
    if path is None or not path.is_file():
        raise ExtractionError(f"expected silero-vad's model {_VAD_MODEL} inside the installed silero-vad package, "
                              f"got {'no silero-vad package' if path is None else f'no file {path}'}; "
                              f"pip install 'silero-vad>=6.2' or pass a WordTimingSettings(vad=False)")
    return path


@functools.lru_cache(maxsize=1)
def _vad_session(path: str):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = options.intra_op_num_threads = 1
    return onnxruntime.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])


def vad_info() -> dict:
    """What voice-activity model :func:`speech_probability` runs: name, package version, file, sha256.

    Returns
    -------
    dict
        ``name, version, file, sha256``.
    """
    path = _vad_model_path()
    return {"name": "silero-vad", "version": importlib.metadata.version("silero-vad"), "file": path.name,
            "sha256": file_sha256(path)}


def speech_probability(samples: np.ndarray) -> np.ndarray:
    """silero-vad's speech probability for each 32 ms frame of 16 kHz mono samples.

    Parameters
    ----------
    samples
        float32 mono samples at 16 kHz; frame ``i`` covers samples ``[512 i, 512 (i + 1))``.

    Returns
    -------
    numpy.ndarray
        One probability per frame (the last, partial frame zero-padded).
    """
    session = _vad_session(str(_vad_model_path()))
    y = np.asarray(samples, dtype=np.float32).ravel()
    n = -(-y.size // _VAD_CHUNK)
    y = np.concatenate([np.zeros(_VAD_CONTEXT, np.float32), y, np.zeros(n * _VAD_CHUNK - y.size, np.float32)])
    state = np.zeros((2, 1, 128), dtype=np.float32)
    rate = np.array(VAD_RATE, dtype=np.int64)
    probs = np.empty(n)
    for i in range(n):
        window = y[i * _VAD_CHUNK:(i + 1) * _VAD_CHUNK + _VAD_CONTEXT][None, :]
        out, state = session.run(None, {"input": window, "state": state, "sr": rate})
        probs[i] = float(out.ravel()[0])
    return probs


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First index and one-past-last index of each run of True in ``mask``."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _energy_db(y: np.ndarray, samplerate: int, settings: WordTimingSettings) -> tuple[np.ndarray, int]:
    """Frame levels in dBFS (frame ``i`` centred on sample ``i * hop``) and the hop in samples."""
    hop = max(1, round(settings.hop_s * samplerate))
    frame = max(hop, round(settings.frame_s * samplerate))
    if y.size < frame:
        return np.empty(0), hop
    return 20 * np.log10(np.maximum(frame_rms(y, frame=frame, hop=hop), 1e-6)), hop


def speech_regions(samples: np.ndarray, *, samplerate: int = VAD_RATE,
                   settings: WordTimingSettings | None = None) -> pd.DataFrame:
    """Stretches of speech in mono samples, separated by silences of at least ``settings.min_silence_s``.

    Parameters
    ----------
    samples
        Mono samples (16 kHz when ``settings.vad`` is on).
    samplerate
        Their rate in Hz.
    settings
        Levels and durations; default :class:`WordTimingSettings`.

    Returns
    -------
    pandas.DataFrame
        ``start, end`` in seconds from the first sample; attrs ``threshold_db``
        (the absolute level used, dBFS) and ``frames`` (energy frames).
    """
    settings = _check_settings(settings)
    check_int("samplerate", samplerate, minimum=1)
    y = np.asarray(samples, dtype=np.float64).ravel()
    if settings.vad and samplerate != VAD_RATE:
        raise SchemaError(f"expected {VAD_RATE} Hz samples for silero-vad, got {samplerate} Hz", where="samples")
    db, hop = _energy_db(y, samplerate, settings)
    if db.size == 0:
        return pd.DataFrame({"start": [], "end": []}, dtype=float)
    level = max(np.percentile(db, 95) + settings.threshold_db, np.percentile(db, 10) + settings.floor_margin_db)
    loud = db > level
    if settings.vad:
        probs = speech_probability(y.astype(np.float32))
        frame_times = np.arange(db.size) * hop / samplerate
        chunk_s = _VAD_CHUNK / VAD_RATE
        voiced = np.flatnonzero(probs > settings.vad_threshold)
        near = np.zeros(db.size, dtype=bool)
        for a, b in zip(*_runs(probs > settings.vad_threshold)):
            lo, hi = a * chunk_s - settings.vad_pad_s, b * chunk_s + settings.vad_pad_s
            near |= (frame_times >= lo) & (frame_times < hi)
        loud &= near if voiced.size else False
    starts, stops = _runs(loud)
    # frame i is centred on sample i * hop: a run i..j-1 covers [(i - 1/2) hop, (j - 1/2) hop)
    t0 = np.maximum((starts - 0.5) * hop / samplerate, 0.0)
    t1 = np.minimum((stops - 0.5) * hop / samplerate, y.size / samplerate)
    keep_a, keep_b = [], []
    for a, b in zip(t0, t1):
        if keep_b and a - keep_b[-1] < settings.min_silence_s:
            keep_b[-1] = b
        else:
            keep_a.append(a)
            keep_b.append(b)
    out = pd.DataFrame({"start": keep_a, "end": keep_b}, dtype=float)
    out = out[(out["end"] - out["start"]) >= settings.min_speech_s].reset_index(drop=True)
    out.attrs.update(threshold_db=float(level), frames=int(db.size))
    return out


def _assign(starts: np.ndarray, ends: np.ndarray, r0: np.ndarray, r1: np.ndarray) -> np.ndarray:
    """Index of the speech region each word belongs to: most overlap, else nearest; never decreasing."""
    overlap = np.minimum(ends[:, None], r1[None, :]) - np.maximum(starts[:, None], r0[None, :])
    mid = (starts + ends) / 2
    distance = np.maximum(r0[None, :] - mid[:, None], 0) + np.maximum(mid[:, None] - r1[None, :], 0)
    score = np.where(overlap > 0, overlap, -distance)
    return np.maximum.accumulate(np.argmax(score, axis=1))


def _letters(word: str) -> int:
    return max(1, sum(ch.isalnum() for ch in word))


def _fit(starts: np.ndarray, ends: np.ndarray, letters: np.ndarray, lo: float, hi: float, *,
         settings: WordTimingSettings, db: np.ndarray, frame_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Word times inside one speech region ``[lo, hi]``: first starts at ``lo``, last ends at ``hi``, in order.

    Boundaries between touching words (Whisper's end = next start), with
    Whisper's times mapped linearly onto the region (from its start of the
    first word, not before ``lo``, to its end of the last word), are blended
    with the letter-count share of the region and snapped to the quietest
    frame nearby; gaps Whisper left between words are kept.
    """
    n = starts.size
    s, e = np.clip(starts, lo, hi), np.clip(ends, lo, hi)
    s[0] = lo
    if settings.end_at_region_end:
        e[-1] = hi
    end = e[-1]
    if n > 1:
        share = lo + np.cumsum(letters)[:-1] / letters.sum() * (end - lo)
        touching = s[1:] - e[:-1] < 1e-3
        first = max(float(starts[0]), lo)
        mapped = lo + (starts[1:] - first) / max(float(ends[-1]) - first, 1e-3) * (end - lo)
        bound = (1 - settings.length_prior) * mapped + settings.length_prior * share
        if settings.snap_s > 0 and db.size:
            reach = round(settings.snap_s / frame_s)
            frames = np.clip(np.round(bound / frame_s).astype(int), 0, db.size - 1)
            for k, f in enumerate(frames):
                a, b = max(f - reach, 0), min(f + reach + 1, db.size)
                bound[k] = (a + int(np.argmin(db[a:b]))) * frame_s
        bound = np.clip(bound, lo, hi)
        s[1:] = np.where(touching, bound, s[1:])
        e[:-1] = np.where(touching, bound, e[:-1])
    shortest = min(settings.min_word_s, (hi - lo) / n)
    for i in range(n):  # forward: in order, each at least `shortest` long
        if i:
            s[i] = max(s[i], e[i - 1])
        e[i] = max(e[i], s[i] + shortest)
    for i in range(n - 1, -1, -1):  # backward: back inside the region
        if i < n - 1:
            e[i] = min(e[i], s[i + 1])
        else:
            e[i] = min(e[i], hi)
        s[i] = min(s[i], e[i] - shortest)
    return s, e


def refine_word_times(words: pd.DataFrame, samples: np.ndarray, *, samplerate: int = VAD_RATE,
                      settings: WordTimingSettings | None = None) -> tuple[pd.DataFrame, dict]:
    """Word times fitted to the stretches of speech in the audio (see the module's description).

    Parameters
    ----------
    words
        Words table (``word, start, end, probability, segment``) on the clock of ``samples``.
    samples
        The mono audio the words were recognised from (16 kHz when ``settings.vad`` is on).
    samplerate
        Its rate in Hz.
    settings
        Levels and durations; default :class:`WordTimingSettings`.

    Returns
    -------
    words
        The same words in the same order with corrected ``start`` and ``end``.
    meta
        ``method, version, settings, vad`` (model name, version, file, sha256 or
        None), ``threshold_dbfs``, ``speech_regions``, ``words_moved`` (words whose
        start or end changed by more than 1 ms), ``words_widened`` (words that had
        less than ``min_word_s``) and ``words_outside_speech`` (words that
        overlapped no speech region).
    """
    settings = _check_settings(settings)
    check_int("samplerate", samplerate, minimum=1)
    words = make_words(words)
    regions = speech_regions(samples, samplerate=samplerate, settings=settings)
    db, hop = _energy_db(np.asarray(samples, dtype=np.float64).ravel(), samplerate, settings)
    letters = np.array([_letters(str(w)) for w in words["word"]], dtype=float)
    meta = {"method": METHOD, "version": WORD_TIMING_VERSION, "settings": asdict(settings),
            "vad": vad_info() if settings.vad else None, "threshold_dbfs": round(regions.attrs.get(
                "threshold_db", float("nan")), 2) if len(regions) else None,
            "speech_regions": len(regions), "words_moved": 0, "words_widened": 0, "words_outside_speech": 0}
    if words.empty or regions.empty:
        return words, meta
    starts, ends = words["start"].to_numpy(float), words["end"].to_numpy(float)
    r0, r1 = regions["start"].to_numpy(), regions["end"].to_numpy()
    region = _assign(starts, ends, r0, r1)
    overlap = np.minimum(ends, r1[region]) - np.maximum(starts, r0[region])
    new_s, new_e = starts.copy(), ends.copy()
    for r in np.unique(region):
        idx = np.flatnonzero(region == r)
        new_s[idx], new_e[idx] = _fit(starts[idx], ends[idx], letters[idx], float(r0[r]), float(r1[r]),
                                      settings=settings, db=db, frame_s=hop / samplerate)
    out = words.copy()
    out["start"], out["end"] = new_s, new_e
    moved = (np.abs(new_s - starts) > 1e-3) | (np.abs(new_e - ends) > 1e-3)
    meta.update(words_moved=int(moved.sum()), words_widened=int(((ends - starts) < settings.min_word_s).sum()),
                words_outside_speech=int((overlap <= 0).sum()))
    return make_words(out), meta


_PUNCT = re.compile(r"[^\w\s']")


def normalize_text(text: str) -> list[str]:
    """Lower-case words with punctuation removed (for word error rates).

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    list
        The words, apostrophes kept (``"don't"``).
    """
    return _PUNCT.sub(" ", text.lower()).split()


# --------------------------------------------------------------------------------------------
# scoring word times against known ones
# --------------------------------------------------------------------------------------------
def match_words(hypothesis: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Pairs of recognised and reference words with the same text, in order (Levenshtein alignment).

    Parameters
    ----------
    hypothesis, reference
        Tables with ``word, start, end``; words are compared after
        :func:`normalize_text` (lower case, no punctuation).

    Returns
    -------
    pandas.DataFrame
        One row per matched word: ``word, hyp_start, hyp_end, ref_start, ref_end``.
    """
    hyp = [" ".join(normalize_text(str(w))) for w in hypothesis["word"]]
    ref = [" ".join(normalize_text(str(w))) for w in reference["word"]]
    n, m = len(hyp), len(ref)
    cost = np.zeros((n + 1, m + 1), dtype=np.int64)
    cost[:, 0], cost[0, :] = np.arange(n + 1), np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i, j] = min(cost[i - 1, j] + 1, cost[i, j - 1] + 1, cost[i - 1, j - 1] + (hyp[i - 1] != ref[j - 1]))
    pairs, i, j = [], n, m
    while i and j:
        if cost[i, j] == cost[i - 1, j - 1] + (hyp[i - 1] != ref[j - 1]):
            if hyp[i - 1] == ref[j - 1]:
                pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif cost[i, j] == cost[i - 1, j] + 1:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    h, r = [p[0] for p in pairs], [p[1] for p in pairs]
    return pd.DataFrame({"word": [ref[k] for k in r],
                         "hyp_start": hypothesis["start"].to_numpy(float)[h],
                         "hyp_end": hypothesis["end"].to_numpy(float)[h],
                         "ref_start": reference["start"].to_numpy(float)[r],
                         "ref_end": reference["end"].to_numpy(float)[r]})


def words_spanning_silence(words: pd.DataFrame, silences: pd.DataFrame, *, min_silence_s: float = 0.2,
                           tolerance_s: float = 0.02) -> int:
    """How many words run across a silence of at least ``min_silence_s``.

    A word spans a silence when it starts before the silence's start and ends
    after its end (each by more than ``tolerance_s``), or covers more than half
    of it.

    Parameters
    ----------
    words
        Table with ``start, end``.
    silences
        Table with ``start, end`` (known pauses, or :func:`~..features.speech.energy_pauses`).
    min_silence_s
        Shorter silences are not counted.
    tolerance_s
        Slack at each edge of a silence.

    Returns
    -------
    int
        Number of words.
    """
    check_nonnegative("min_silence_s", min_silence_s)
    check_nonnegative("tolerance_s", tolerance_s)
    a, b = silences["start"].to_numpy(float), silences["end"].to_numpy(float)
    keep = (b - a) >= min_silence_s
    a, b = a[keep], b[keep]
    s, e = words["start"].to_numpy(float)[:, None], words["end"].to_numpy(float)[:, None]
    across = (s < a - tolerance_s) & (e > b + tolerance_s)
    covered = (np.minimum(e, b) - np.maximum(s, a)) > (b - a) / 2
    return int((across | covered).any(axis=1).sum()) if a.size else 0


def timing_scores(hypothesis: pd.DataFrame, reference: pd.DataFrame, *, silences: pd.DataFrame | None = None,
                  speech_onset_s: float | None = None, within_s: float = 0.1) -> dict:
    """Boundary errors of recognised word times against reference times.

    Parameters
    ----------
    hypothesis, reference
        Tables with ``word, start, end`` (see :func:`match_words`).
    silences
        Known silences (``start, end``) for :func:`words_spanning_silence`; None skips it.
    speech_onset_s
        Where speech starts; default the first reference word's start.
    within_s
        Tolerance for the share of boundaries within it.

    Returns
    -------
    dict
        ``words_matched, words_reference, boundaries, median_abs_error_s, p90_abs_error_s,
        share_within, within_s, zero_length_words, words_spanning_silence, first_word_onset_error_s``.
    """
    check_positive("within_s", within_s)
    check_range("speech_onset_s", speech_onset_s, 0, None, allow_none=True)
    pairs = match_words(hypothesis, reference)
    errors = np.abs(np.concatenate([pairs["hyp_start"] - pairs["ref_start"], pairs["hyp_end"] - pairs["ref_end"]]))
    onset = float(reference["start"].min()) if speech_onset_s is None else float(speech_onset_s)
    return {"words_matched": len(pairs), "words_reference": len(reference), "boundaries": int(errors.size),
            "median_abs_error_s": float(np.median(errors)) if errors.size else None,
            "p90_abs_error_s": float(np.percentile(errors, 90)) if errors.size else None,
            "share_within": float(np.mean(errors <= within_s)) if errors.size else None, "within_s": within_s,
            "zero_length_words": int(((hypothesis["end"] - hypothesis["start"]) <= 0).sum()),
            "words_spanning_silence": None if silences is None else words_spanning_silence(hypothesis, silences),
            "first_word_onset_error_s": float(hypothesis["start"].min()) - onset if len(hypothesis) else None}
