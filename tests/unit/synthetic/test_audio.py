"""Synthetic audio: 48 kHz mono voiced syllables at the speaker's pitch."""
from __future__ import annotations

import numpy as np

from alloava_analysis.synthetic import synthesize_clip
from tests.fixtures.synthetic import SHORT


def test_audio_is_48k_mono_with_energy_exactly_during_words():
    sc = synthesize_clip(0, seed=13, config=SHORT)
    assert sc.samplerate == 48_000 and sc.audio.dtype == np.float32 and sc.audio.ndim == 1
    assert sc.audio.size == round(sc.truth["duration_s"] * 48_000)
    t = np.arange(sc.audio.size) / 48_000
    starts, ends = sc.clip.words["start"].to_numpy(), sc.clip.words["end"].to_numpy()
    i = np.searchsorted(starts, t, side="right") - 1
    inside = (i >= 0) & (t < ends[np.clip(i, 0, None)])
    rms_in = np.sqrt(np.mean(sc.audio[inside] ** 2))
    rms_out = np.sqrt(np.mean(sc.audio[~inside] ** 2))
    assert rms_in > 30 * rms_out
    assert np.abs(sc.audio).max() <= 1.0


def test_audio_pitch_is_the_speakers_f0():
    sc = synthesize_clip(0, seed=13, config=SHORT)
    word = sc.clip.words.iloc[int(np.argmax((sc.clip.words["end"] - sc.clip.words["start"]).to_numpy()))]
    seg = sc.audio[int(word.start * 48_000): int(word.end * 48_000)].astype(float)
    spectrum = np.abs(np.fft.rfft(seg * np.hanning(seg.size), n=1 << 20))
    freq = np.fft.rfftfreq(1 << 20, 1 / 48_000)
    band = (freq > 60) & (freq < 400)
    peak = freq[band][np.argmax(spectrum[band])]
    assert 0.85 * sc.truth["f0_hz"] < peak < 1.15 * sc.truth["f0_hz"]
