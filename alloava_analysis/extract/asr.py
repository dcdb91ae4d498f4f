"""Speech recognition with word timestamps behind one function, :func:`transcribe`.

Two engines give the same output: ``faster-whisper`` (CTranslate2, int8 on
CPU; the default) and ``openai-whisper`` (PyTorch, optional). Both return
Whisper-style segments with words, start and end times (seconds on the media
clock) and probabilities, plus a ``meta`` dict naming the engine, the model and
the sha256 of its files, which is written into every transcript.
"""
from __future__ import annotations

import functools
import logging
import re
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..checks import check_int, check_option
from ..errors import ParameterError, SchemaError
from ..features.speech import resample_audio, to_mono
from ..model import SEGMENT_COLUMNS, make_words
from .media import ASR_AUDIO, decode_audio
from .models import ASR_ENGINES, ResolvedModel, resolve_whisper_model
from .word_timing import WordTimingSettings, normalize_text, refine_word_times

log = logging.getLogger(__name__)

ASR_RATE = ASR_AUDIO[0]
#: CTranslate2's compute types (``compute_type=`` of :func:`transcribe`).
COMPUTE_TYPES = ("default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16",
                 "bfloat16", "float32")
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
_LANGUAGE_NAME = re.compile(r"[A-Za-z]+( [A-Za-z]+)*")  # openai-whisper also takes names: "English", "Haitian Creole"
_DEVICE = re.compile(r"cpu|auto|mps|cuda(:\d+)?")
#: ``word_timing=`` of :func:`transcribe`: checked against the audio (default) or as the engine gave them.
WORD_TIMINGS = ("refined", "raw")


def _check_language(name: str, language: str | None, *, engine: str = "faster-whisper") -> str | None:
    """``language`` if it is None or looks like a Whisper language code (``"en"``, ``"haw"``).

    Parameters
    ----------
    name
        The option's name, for the message.
    language
        The given value.
    engine
        The ASR engine; ``"openai-whisper"`` also takes language names (``"English"``).

    Returns
    -------
    str or None
        ``language``, unchanged.
    """
    names = engine == "openai-whisper"
    pattern = _LANGUAGE_NAME if names else _LANGUAGE_CODE
    if language is not None and not (isinstance(language, str) and pattern.fullmatch(language)):
        raise ParameterError(f"invalid value for {name}: expected a language code of 2 or 3 lower-case letters "
                             f"(such as 'en'){' or name' if names else ''} or None, got {language!r}", name=name)
    return language


def load_asr_audio(audio: str | Path | np.ndarray, *, samplerate: int | None = None) -> np.ndarray:
    """Audio as float32 mono at 16 kHz from a media file or an array.

    Parameters
    ----------
    audio
        A file any FFmpeg container reader handles, or samples (n,) or (n, channels).
    samplerate
        Rate of an array input in Hz (default 16 kHz); resampled when different.

    Returns
    -------
    numpy.ndarray
        float32 mono samples (n,) at 16 kHz.
    """
    check_int("samplerate", samplerate, minimum=1, allow_none=True)
    if isinstance(audio, (str, Path)):
        return decode_audio(audio, samplerate=ASR_RATE, channels=1)[:, 0]
    samples = to_mono(audio)
    rate = samplerate or ASR_RATE
    if rate != ASR_RATE:
        samples = resample_audio(samples, rate, ASR_RATE)
    return np.ascontiguousarray(samples)


@functools.lru_cache(maxsize=4)
def _faster_whisper_model(path: str, device: str, compute_type: str, cpu_threads: int):
    from faster_whisper import WhisperModel

    return WhisperModel(path, device=device, compute_type=compute_type, cpu_threads=cpu_threads)


@functools.lru_cache(maxsize=2)
def _openai_whisper_model(path: str, device: str):
    import whisper

    return whisper.load_model(path, device=device)


def _run_faster_whisper(resolved: ResolvedModel, samples: np.ndarray, *, language: str | None,
                        beam_size: int, device: str, compute_type: str, cpu_threads: int,
                        progress: bool, engine_options: dict) -> tuple[list[dict], dict]:
    from tqdm.auto import tqdm

    model = _faster_whisper_model(str(resolved.path), device, compute_type, cpu_threads)
    options = {"vad_filter": False, "condition_on_previous_text": False, **engine_options}
    segments, info = model.transcribe(samples, language=language, beam_size=beam_size, word_timestamps=True,
                                      **options)
    duration = len(samples) / ASR_RATE
    out = []
    with tqdm(total=round(duration, 1), unit="s", desc="transcribe", disable=not progress, leave=False) as bar:
        for seg in segments:
            out.append({"id": len(out), "start": seg.start, "end": seg.end, "text": seg.text,
                        "avg_logprob": seg.avg_logprob, "no_speech_prob": seg.no_speech_prob,
                        "words": [{"word": w.word, "start": w.start, "end": w.end, "probability": w.probability}
                                  for w in (seg.words or [])]})
            bar.update(max(0.0, min(seg.end, duration) - bar.n))
    extra = {"language": info.language, "language_probability": float(info.language_probability),
             "compute_type": compute_type, "beam_size": beam_size}
    return out, extra


def _run_openai_whisper(resolved: ResolvedModel, samples: np.ndarray, *, language: str | None,
                        beam_size: int, device: str, progress: bool, seed: int | None,
                        engine_options: dict) -> tuple[list[dict], dict]:
    import whisper

    model = resolved.obj if resolved.obj is not None else _openai_whisper_model(str(resolved.path), device)
    if seed is not None:
        import torch

        torch.manual_seed(seed)
    options: dict[str, Any] = {"language": language, "word_timestamps": True, "fp16": False,
                               "verbose": None if not progress else False, "condition_on_previous_text": False}
    if beam_size > 1:
        options["beam_size"] = beam_size
        options["temperature"] = 0.0
    options.update(engine_options)
    result = whisper.transcribe(model, samples, **options)
    out = [{"id": i, "start": s["start"], "end": s["end"], "text": s["text"],
            "avg_logprob": s.get("avg_logprob"), "no_speech_prob": s.get("no_speech_prob"),
            "words": [{"word": w["word"], "start": w["start"], "end": w["end"], "probability": w["probability"]}
                      for w in s.get("words", [])]}
           for i, s in enumerate(result.get("segments", []))]
    return out, {"language": result.get("language", language), "beam_size": beam_size, "compute_type": "float32"}


def transcribe(audio: str | Path | np.ndarray, *, engine: str = "faster-whisper", model: Any = None,
               language: str | None = "en", samplerate: int | None = None, beam_size: int = 5,
               device: str = "cpu", compute_type: str = "int8", cpu_threads: int = 0,
               allow_download: bool = True, seed: int | None = 0, engine_options: dict | None = None,
               word_timing: str = "refined", word_timing_settings: WordTimingSettings | None = None,
               progress: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Transcribe speech with word timestamps.

    Parameters
    ----------
    audio
        A media file or samples (mono or (n, channels)); time 0 is the first sample.
    engine
        ``"faster-whisper"`` (default, CTranslate2) or ``"openai-whisper"``.
    model
        Model path, name or (openai-whisper) in-memory model; None resolves
        ``ALLOAVA_WHISPER_MODEL`` then ``tiny.en`` (see :mod:`.models`).
    language
        Spoken language code, or None to detect it (multilingual models only);
        openai-whisper also takes a name such as ``"English"``.
    samplerate
        Rate of an array ``audio`` (default 16 kHz).
    beam_size
        Beam width of the decoder (>= 1).
    device, compute_type, cpu_threads
        Where and how faster-whisper runs (``int8`` on CPU by default): device
        ``"cpu"``, ``"cuda"``, ``"cuda:N"``, ``"auto"`` or ``"mps"``, one of
        :data:`COMPUTE_TYPES`, threads >= 0 (0: CTranslate2's default).
    allow_download
        Whether the model may be downloaded when no offline copy is found.
    seed
        Seeds torch before openai-whisper decodes (temperature fallback samples).
    engine_options
        Further keyword arguments for the engine's own ``transcribe`` (for
        example ``{"temperature": 0.0}`` to switch off openai-whisper's
        temperature fallback); recorded in ``meta``.
    word_timing
        ``"refined"`` (default): word times checked against the audio with
        :func:`~.word_timing.refine_word_times` (no word spans a silence, none
        has zero length, the first starts where speech starts); ``"raw"``: as
        the engine gave them. Either way ``meta["word_timing"]`` says which.
    word_timing_settings
        Settings of the refinement (default :class:`~.word_timing.WordTimingSettings`).
    progress
        Show progress on stderr.

    Returns
    -------
    words
        One row per word: ``word, start, end, probability, segment``.
    segments
        One row per segment: ``segment, start, end, text``.
    meta
        Engine, engine version, model name, source and sha256, language,
        audio duration, the counts of word times clipped to the audio, and
        ``word_timing`` (``method`` ``"none"`` for raw times, else the
        refinement's method, version, settings and voice-activity model).
    """
    check_option("engine", engine, ASR_ENGINES)
    check_option("word_timing", word_timing, WORD_TIMINGS)
    if word_timing_settings is not None and not isinstance(word_timing_settings, WordTimingSettings):
        raise ParameterError(f"invalid value for word_timing_settings: expected a WordTimingSettings or None, got "
                             f"{type(word_timing_settings).__name__}", name="word_timing_settings")
    _check_language("language", language, engine=engine)
    check_int("samplerate", samplerate, minimum=1, allow_none=True)
    check_int("beam_size", beam_size, minimum=1)
    if not (isinstance(device, str) and _DEVICE.fullmatch(device)):
        raise ParameterError(f"invalid value for device: expected 'cpu', 'cuda', 'cuda:N', 'auto' or 'mps', got "
                             f"{device!r}", name="device")
    check_option("compute_type", compute_type, COMPUTE_TYPES)
    check_int("cpu_threads", cpu_threads, minimum=0)
    check_int("seed", seed, minimum=0, allow_none=True)
    resolved = resolve_whisper_model(model, engine=engine, allow_download=allow_download)
    if resolved.name.endswith(".en") and language not in (None, "en"):
        raise ParameterError(f"invalid value for language: expected 'en' for the English-only model "
                             f"{resolved.name!r}, got {language!r}", name="language")
    samples = load_asr_audio(audio, samplerate=samplerate)
    duration = len(samples) / ASR_RATE
    started = time.perf_counter()
    if engine == "faster-whisper":
        segments, extra = _run_faster_whisper(resolved, samples, language=language, beam_size=beam_size,
                                              device=device, compute_type=compute_type,
                                              cpu_threads=cpu_threads, progress=progress,
                                              engine_options=dict(engine_options or {}))
    else:
        segments, extra = _run_openai_whisper(resolved, samples, language=language, beam_size=beam_size,
                                              device=device, progress=progress, seed=seed,
                                              engine_options=dict(engine_options or {}))
    seconds = time.perf_counter() - started
    words, seg_rows, clipped = _tables(segments, duration)
    timing: dict = {"method": "none"}
    if word_timing == "refined":
        words, timing = refine_word_times(words, samples, samplerate=ASR_RATE, settings=word_timing_settings)
        seg_rows = _segments_spanning(seg_rows, words)
    meta = {**resolved.as_meta(), **extra, "audio_duration_s": duration, "samplerate": ASR_RATE,
            "word_timestamps": True, "words_clipped_to_audio": clipped, "seconds": round(seconds, 3),
            "real_time_factor": round(seconds / duration, 4) if duration else None,
            "engine_options": dict(engine_options or {}), "word_timing": timing}
    if clipped:
        log.info("%d word times reached past the %.2f s of audio and were clipped to it", clipped, duration)
    return words, seg_rows, meta


def _tables(segments: list[dict], duration: float) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Words and segments tables from engine segments; times clipped into [0, duration]."""
    rows, seg_rows, clipped = [], [], 0
    for seg in segments:
        for w in seg["words"]:
            start, end = float(w["start"]), float(w["end"])
            new_start = min(max(start, 0.0), duration)
            new_end = min(max(end, new_start), duration)
            clipped += int(new_start != start or new_end != end)
            text = str(w["word"]).strip()
            if text:
                rows.append({"word": text, "start": new_start, "end": new_end,
                             "probability": float(w["probability"]) if w["probability"] is not None else np.nan,
                             "segment": int(seg["id"])})
        seg_start = min(max(float(seg["start"]), 0.0), duration)
        seg_rows.append({"segment": int(seg["id"]), "start": seg_start,
                         "end": min(max(float(seg["end"]), seg_start), duration), "text": str(seg["text"]).strip()})
    return make_words(rows), pd.DataFrame(seg_rows, columns=list(SEGMENT_COLUMNS)), clipped


def _segments_spanning(segments: pd.DataFrame, words: pd.DataFrame) -> pd.DataFrame:
    """Segments whose start and end are those of their (refined) words; segments without words unchanged."""
    if words.empty:
        return segments
    grouped = words.groupby("segment")
    out = segments.copy()
    has = out["segment"].isin(grouped.groups)
    out.loc[has, "start"] = out.loc[has, "segment"].map(grouped["start"].min())
    out.loc[has, "end"] = out.loc[has, "segment"].map(grouped["end"].max())
    return out


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word error rate: (substitutions + deletions + insertions) / reference words (Levenshtein on words).

    Parameters
    ----------
    reference
        The correct text (at least one word); compared after :func:`normalize_text`.
    hypothesis
        The recognised text.

    Returns
    -------
    float
        Errors per reference word: 0 is a perfect transcript; it can exceed 1.
    """
    ref, hyp = normalize_text(reference), normalize_text(hypothesis)
    if not ref:
        raise SchemaError("expected a reference text with at least one word, got none")
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h))
        previous = current
    return previous[-1] / len(ref)
