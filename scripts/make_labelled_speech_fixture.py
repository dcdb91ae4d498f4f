#!/usr/bin/env python
"""Make the labelled real-speech fixtures from praatio's example recordings (run once).

The MIT-licensed repository https://github.com/timmahrt/praatIO ships two short
recordings of a real speaker with word tiers in Praat TextGrids:
``examples/files/bobby.wav`` ("Bobby ripped the ledger", word tier ``word`` of
``bobby_words.TextGrid``) and ``examples/files/mary.wav`` ("Mary rolled the
barrel", tier ``word`` of ``mary.TextGrid``), 48 kHz mono. The repository does
not say whether the boundaries were placed by hand or by a forced aligner.
This script resamples each recording to 16 kHz 16-bit FLAC and writes its
words as JSON (``word, start, end`` in seconds) under ``tests/fixtures/real/``::

    python scripts/make_labelled_speech_fixture.py PATH/TO/praatIO/examples/files

See ``tests/fixtures/real/SOURCE.md``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import soundfile as sf
from praatio import textgrid
from scipy.signal import resample_poly

from alloava_analysis.io.atomic import atomic_path

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "real"
RATE = 16_000
#: fixture stem -> (recording, TextGrid, word tier, spoken text)
RECORDINGS = {
    "praatio_bobby": ("bobby.wav", "bobby_words.TextGrid", "word", "Bobby ripped the ledger"),
    "praatio_mary": ("mary.wav", "mary.TextGrid", "word", "Mary rolled the barrel"),
}


def convert(folder: Path) -> list[Path]:
    written = []
    for stem, (wav, grid, tier, text) in RECORDINGS.items():
        samples, rate = sf.read(str(folder / wav), dtype="float64", always_2d=True)
        mono = samples.mean(axis=1)
        divisor = np.gcd(RATE, rate)
        audio = resample_poly(mono, RATE // divisor, rate // divisor)
        entries = textgrid.openTextgrid(str(folder / grid), includeEmptyIntervals=False).getTier(tier).entries
        words = [{"word": e.label.lower(), "start": round(e.start, 6), "end": round(e.end, 6)} for e in entries]
        assert " ".join(w["word"] for w in words) == text.lower(), (words, text)
        doc = {"source": f"timmahrt/praatIO examples/files/{wav}, {grid} (tier {tier!r})", "text": text,
               "samplerate": RATE, "duration_s": len(audio) / RATE, "words": words}
        with atomic_path(OUT / f"{stem}.flac") as tmp:
            sf.write(str(tmp), np.clip(audio, -1.0, 1.0), RATE, subtype="PCM_16", format="FLAC")
        with atomic_path(OUT / f"{stem}.json") as tmp:
            Path(tmp).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        written += [OUT / f"{stem}.flac", OUT / f"{stem}.json"]
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for path in convert(Path(sys.argv[1])):
        print(path)
