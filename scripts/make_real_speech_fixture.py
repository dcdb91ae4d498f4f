"""Make the real-speech fixture from openai/whisper's test recording (run once).

The MIT-licensed repository https://github.com/openai/whisper ships
``tests/jfk.flac``: 11.0 s of John F. Kennedy's inaugural address (20 January
1961; a work of the US government, in the public domain), 44.1 kHz, 24-bit,
stereo. This script mixes it to mono and resamples it to 16 kHz 16-bit FLAC
(the rate Whisper analyses), as ``tests/fixtures/real/jfk_speech.flac``::

    python scripts/make_real_speech_fixture.py PATH/TO/jfk.flac

See ``tests/fixtures/real/SOURCE.md``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from alloava_analysis.io.atomic import atomic_path

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "real" / "jfk_speech.flac"
RATE = 16_000


def convert(path: str | Path, out: Path = OUT) -> Path:
    samples, rate = sf.read(str(path), dtype="float64", always_2d=True)
    mono = samples.mean(axis=1)
    divisor = np.gcd(RATE, rate)
    resampled = resample_poly(mono, RATE // divisor, rate // divisor)
    with atomic_path(out) as tmp:
        sf.write(str(tmp), np.clip(resampled, -1.0, 1.0), RATE, subtype="PCM_16", format="FLAC")
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(convert(sys.argv[1]))
