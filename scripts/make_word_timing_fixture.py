#!/usr/bin/env python
"""Make the known-answer word-timing fixture: espeak-ng phrases with pauses of known length (run once).

Each phrase of :data:`PHRASES` is synthesised on its own through the
espeak-ng C library (``libespeak-ng.so.1`` from Debian's ``espeak-ng``
package: ``apt-get install -y espeak-ng``), which reports a word event with the
exact output sample at which each word starts. The phrase's leading and
trailing digital silence is trimmed (samples below :data:`TRIM_LEVEL`), so
its first word starts at its first sample and its last word ends at its last;
inside a phrase a word ends where the next word's event starts it. Phrases
are joined with digital silence of the listed lengths, resampled from
espeak-ng's 22.05 kHz to 16 kHz (word times are exact at both rates, since they
are times, not sample counts), and written as
``tests/fixtures/media/word_timing_<set>.flac`` plus ``word_timing_<set>.json``
(every word's start and end in seconds, the pauses, the espeak-ng version and
settings). Set ``a`` was used while choosing the refinement's settings; set
``b`` (other text, voices and speaking rate) was made afterwards and only
measured, as a held-out check::

    python scripts/make_word_timing_fixture.py
"""
from __future__ import annotations

import ctypes
import json
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from alloava_analysis.io.atomic import atomic_path

OUT_DIR = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "media"
RATE = 16_000
LEAD_S = 0.75    # silence before the first word: the first word's onset is known
TAIL_S = 0.5
TRIM_LEVEL = 8   # |int16 sample| below this at a phrase's edges counts as espeak-ng's digital silence
#: Per set: words per minute and (text, voice, pause after it in seconds); pauses from 0.15 s (below the 0.2 s
#: rule) to 1.0 s.
SETS = {"a": (165, [
    ("good morning everyone", "en-us", 0.35),
    ("today I want to talk about gestures", "en-us", 0.6),
    ("and why they matter", "en", 0.25),
    ("when we speak", "en-us", 0.9),
    ("our hands move with our words", "en", 0.45),
    ("researchers measure this timing", "en-us", 0.15),
    ("very carefully", "en-us", 0.7),
    ("because small errors add up", "en", 0.3),
    ("thank you", "en-us", 0.0),
]), "b": (190, [
    ("so here is the plan", "en-gb-x-rp", 0.4),
    ("first we record the speaker", "en-us", 0.2),
    ("then we listen again", "en-gb-x-rp", 1.0),
    ("every pause tells us something", "en-us", 0.55),
    ("about thinking", "en-us", 0.3),
    ("and planning what comes next", "en-gb-x-rp", 0.18),
    ("in our story", "en-us", 0.8),
    ("that is all for now", "en-gb-x-rp", 0.0),
])}

# espeak-ng's speak_lib.h
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_RATE_PARAMETER = 1
_EVENT_LIST_TERMINATED, _EVENT_WORD = 0, 1


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", _EventId)]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


class Espeak:
    """espeak-ng's library in synchronous mode: samples and word-start samples of one text."""

    def __init__(self) -> None:
        self.lib = ctypes.cdll.LoadLibrary("libespeak-ng.so.1")
        self.rate = self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
        if self.rate <= 0:
            raise RuntimeError("espeak_Initialize failed (is espeak-ng-data installed?)")
        self.lib.espeak_Info.restype = ctypes.c_char_p
        self.version = self.lib.espeak_Info(None).decode()
        self._chunks: list[np.ndarray] = []
        self._words: list[tuple[int, int, int]] = []
        self._callback = _CALLBACK(self._collect)  # kept referenced while the library holds it
        self.lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav, n, events) -> int:
        if n > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            if events[i].type == _EVENT_WORD:
                self._words.append((events[i].text_position, events[i].length, events[i].sample))
            i += 1
        return 0

    def synth(self, text: str, voice: str, wpm: int) -> tuple[np.ndarray, list[tuple[str, int]]]:
        """int16 samples and (word, start sample) per word of ``text``."""
        self._chunks, self._words = [], []
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise RuntimeError(f"espeak-ng has no voice {voice!r}")
        self.lib.espeak_SetParameter(_RATE_PARAMETER, wpm, 0)
        data = text.encode()
        self.lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, 0, None, None)
        self.lib.espeak_Synchronize()
        words = [(text[pos - 1:pos - 1 + length], sample) for pos, length, sample in self._words
                 if text[pos - 1:pos - 1 + length].strip()]  # espeak-ng may add an empty word event at the end
        if [w for w, _ in words] != text.split():
            raise RuntimeError(f"espeak-ng's word events {words} do not match the words of {text!r}")
        return np.concatenate(self._chunks), words


def build(espeak: Espeak, name: str) -> tuple[np.ndarray, dict]:
    """Set ``name``'s 16 kHz float samples and its truth document."""
    wpm, phrases = SETS[name]
    rate = espeak.rate
    pieces = [np.zeros(round(LEAD_S * rate), dtype=np.int16)]
    offset = len(pieces[0])
    words, pauses = [], []
    for text, voice, pause in phrases:
        samples, events = espeak.synth(text, voice, wpm)
        loud = np.nonzero(np.abs(samples.astype(np.int32)) >= TRIM_LEVEL)[0]
        first, last = int(loud[0]), int(loud[-1]) + 1
        samples = samples[first:last]
        starts = [max(sample - first, 0) for _, sample in events] + [len(samples)]
        for (word, _), start, end in zip(events, starts[:-1], starts[1:]):
            words.append({"word": word, "start": (offset + start) / rate, "end": (offset + end) / rate})
        pieces.append(samples)
        offset += len(samples)
        if pause:
            pauses.append({"start": offset / rate, "end": (offset + round(pause * rate)) / rate})
            pieces.append(np.zeros(round(pause * rate), dtype=np.int16))
            offset += round(pause * rate)
    pieces.append(np.zeros(round(TAIL_S * rate), dtype=np.int16))
    audio = np.concatenate(pieces).astype(np.float64) / 32768.0
    divisor = np.gcd(RATE, rate)
    audio = resample_poly(audio, RATE // divisor, rate // divisor)
    truth = {"source": "espeak-ng word events (scripts/make_word_timing_fixture.py)",
             "set": name, "espeak_ng_version": espeak.version, "words_per_minute": wpm,
             "synthesis_rate": rate, "samplerate": RATE, "duration_s": len(audio) / RATE,
             "text": " ".join(p[0] for p in phrases), "phrases": [{"text": t, "voice": v, "pause_after_s": p}
                                                                    for t, v, p in phrases],
             "pauses": pauses, "words": [{**w, "start": round(w["start"], 6), "end": round(w["end"], 6)}
                                         for w in words]}
    return audio, truth


def main() -> None:
    espeak = Espeak()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name in SETS:
        audio, truth = build(espeak, name)
        wav, doc = OUT_DIR / f"word_timing_{name}.flac", OUT_DIR / f"word_timing_{name}.json"
        with atomic_path(wav) as tmp:
            sf.write(str(tmp), np.clip(audio, -1.0, 1.0), RATE, subtype="PCM_16", format="FLAC")
        with atomic_path(doc) as tmp:
            Path(tmp).write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")
        print(wav, doc, f"{truth['duration_s']:.2f} s, {len(truth['words'])} words")


if __name__ == "__main__":
    main()
