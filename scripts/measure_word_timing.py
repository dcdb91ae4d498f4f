#!/usr/bin/env python
"""Print every word-timing figure of issue 27 part 3 on the committed fixtures (offline).

Per method (raw faster-whisper ``tiny.en``, openai-whisper, and the refinement
of ``extract/word_timing.py``) and per fixture: words matched, median absolute
boundary error, share of boundaries within 100 ms, words spanning a silence of
>= 200 ms, zero-length words and the first word's onset error.

Fixtures: ``tests/fixtures/media/word_timing_{a,b}`` (espeak-ng speech with
exact word times and known pauses; set ``a`` was used while choosing the
settings, ``b`` is held out), two short real recordings with word labels
(``tests/fixtures/real/praatio_{bobby,mary}``: praatio's examples, 4 words
each, labels of undocumented provenance), and the real recording
``tests/fixtures/real/jfk_speech.flac`` (no word truth: silences and the speech
onset are taken from its RMS envelope, frames 25 dB below the clip's
95th-percentile level), on which the speech rate and pauses of
``features.speech`` are shown before and after the refinement.

Usage: ``python scripts/measure_word_timing.py [--json]``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import soundfile as sf

from alloava_analysis.extract import asr
from alloava_analysis.extract import word_timing as wt
from alloava_analysis.features import speech

REPO = Path(__file__).resolve().parents[1]
MEDIA = REPO / "tests" / "fixtures" / "media"
REAL = REPO / "tests" / "fixtures" / "real"
JFK = REAL / "jfk_speech.flac"
SYNTHETIC = ("word_timing_a", "word_timing_b")
LABELLED = ("praatio_bobby", "praatio_mary")
SILENCE_DB = -25.0   # re the 95th percentile: 5 dB above this recording's room noise (about -30 dB)
MIN_SILENCE_S = 0.2


def load(stem: str, folder: Path = MEDIA) -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame | None]:
    """16 kHz samples, reference words and known pauses (None when not known) of a fixture."""
    truth = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
    samples, rate = sf.read(str(folder / f"{stem}.flac"), dtype="float32")
    assert rate == asr.ASR_RATE, rate
    return samples, pd.DataFrame(truth["words"]), pd.DataFrame(truth["pauses"]) if "pauses" in truth else None


def energy_silences(samples: np.ndarray) -> tuple[pd.DataFrame, float]:
    """Silences of >= 200 ms from the RMS envelope, and where speech starts (first loud frame)."""
    env = speech.rms_envelope(samples, samplerate=asr.ASR_RATE)
    quiet = speech.energy_pauses(env, threshold_db=SILENCE_DB, min_pause_s=MIN_SILENCE_S)
    loud = env["rms_db"] >= np.percentile(env["rms_db"], 95) + SILENCE_DB
    return quiet, float(env["time"][loud].iloc[0])


def transcribe(samples: np.ndarray, method: str) -> tuple[pd.DataFrame | None, str | None]:
    """Words from one method, or None and why it could not run."""
    if method == "openai-whisper":
        try:
            words, _, _ = asr.transcribe(samples, engine="openai-whisper", model="tiny.en", allow_download=False,
                                         word_timing="raw")
        except Exception as err:  # noqa: BLE001 - any failure is reported as "not measurable"
            return None, f"{type(err).__name__}: {str(err)[:160]}"
        return words, None
    words, _, _ = asr.transcribe(samples, allow_download=False, word_timing="refined" if method == "refined" else "raw")
    return words, None


METHODS = ("faster-whisper tiny.en raw", "openai-whisper", "refined")


def measure() -> dict:
    out: dict = {"synthetic": {}, "labelled": {}, "real": {}}
    for group, stems, folder in (("synthetic", SYNTHETIC, MEDIA), ("labelled", LABELLED, REAL)):
        for stem in stems:
            samples, ref, pauses = load(stem, folder)
            if pauses is None:  # real recording: its silences from the energy envelope
                pauses, _ = energy_silences(samples)
            for method in METHODS:
                words, why = transcribe(samples, {"faster-whisper tiny.en raw": "raw"}.get(method, method))
                out[group].setdefault(stem, {})[method] = (
                    {"not_measurable": why} if words is None else wt.timing_scores(words, ref, silences=pauses))
    samples, _ = sf.read(str(JFK), dtype="float32")
    silences, onset = energy_silences(samples)
    duration = len(samples) / asr.ASR_RATE
    for method in ("raw", "refined"):
        words, _ = transcribe(samples, method)
        pauses = speech.detect_pauses(words, min_pause_s=0.25, span=(0.0, duration))
        rate = speech.speech_rate(words, window_s=duration, span=(0.0, duration))
        out["real"][method] = {
            "words": len(words), "zero_length_words": int(((words["end"] - words["start"]) <= 0).sum()),
            "words_spanning_silence": wt.words_spanning_silence(words, silences, min_silence_s=MIN_SILENCE_S),
            "first_word_onset_error_s": float(words["start"].iloc[0]) - onset,
            "pauses_between": int((pauses["kind"] == "between").sum()),
            "pause_s_between": float(pauses.loc[pauses["kind"] == "between", "duration"].sum()),
            "leading_silence_s": float(pauses.loc[pauses["kind"] == "leading", "duration"].sum()),
            "wpm": float(rate["wpm"].iloc[0]), "articulation_rate": float(rate["articulation_rate"].iloc[0]),
            "speaking_s": float(rate["speaking_s"].iloc[0])}
    out["real"]["energy_silences"] = [[round(a, 3), round(b, 3)] for a, b in
                                      zip(silences["start"], silences["end"])]
    out["real"]["speech_onset_s"] = onset
    return out


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value * 1000:.0f} ms" if unit == "ms" else f"{value:.3f}"
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = measure()
    if args.json:
        json.dump(result, sys.stdout, indent=1)
        print()
        return
    print("known answers (espeak-ng word events, pauses inserted); targets: median <= 30 ms, >= 90 % within 100 ms,"
          " 0 words spanning >= 200 ms silence, 0 zero-length words")
    for stem, methods in {**result["synthetic"], **result["labelled"]}.items():
        note = " (real speech, labelled words; silences from its RMS envelope)" if stem in LABELLED else ""
        print(f"\n{stem}{note}")
        for method, s in methods.items():
            if "not_measurable" in s:
                print(f"  {method:28s} not measurable: {s['not_measurable']}")
                continue
            print(f"  {method:28s} matched {s['words_matched']}/{s['words_reference']}  median |err| "
                  f"{_fmt(s['median_abs_error_s'], 'ms')}  within 100 ms {100 * s['share_within']:.1f} %  "
                  f"spanning silence {s['words_spanning_silence']}  zero-length {s['zero_length_words']}  "
                  f"first onset {_fmt(s['first_word_onset_error_s'], 'ms')}")
    real = result["real"]
    print(f"\njfk_speech.flac (real; silences >= 200 ms and onset {real['speech_onset_s']:.3f} s from the RMS "
          f"envelope at {SILENCE_DB:.0f} dB): {real['energy_silences']}")
    keys = ["words", "zero_length_words", "words_spanning_silence", "first_word_onset_error_s", "pauses_between",
            "pause_s_between", "leading_silence_s", "wpm", "articulation_rate", "speaking_s"]
    print(f"  {'':28s} {'raw':>10s} {'refined':>10s}")
    for key in keys:
        print(f"  {key:28s} {_fmt(real['raw'][key]):>10s} {_fmt(real['refined'][key]):>10s}")


if __name__ == "__main__":
    main()
