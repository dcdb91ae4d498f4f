"""WAV audio: lazy reading, 16-bit PCM writing and unreadable / wrong-rate files."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from alloava_analysis.errors import AudioFormatError, SchemaError
from alloava_analysis.io.audio import ALLO_AVA_RATE, Audio, open_audio, write_wav
from tests.fixtures.datasets import tone

LSB = 1 / 32768  # one step of 16-bit PCM


def test_write_wav_is_48k_16_bit_pcm_and_reads_back(tmp_path):
    samples = tone(0.5)
    path = write_wav(tmp_path / "a.wav", samples)
    info = sf.info(str(path))
    assert (info.samplerate, info.channels, info.subtype, info.format) == (48_000, 1, "PCM_16", "WAV")
    audio = open_audio(path, expected_rate=ALLO_AVA_RATE)
    assert isinstance(audio, Audio)
    assert audio.samplerate == 48_000 and audio.frames == samples.size and audio.subtype == "PCM_16"
    assert audio.duration == pytest.approx(0.5)
    np.testing.assert_allclose(audio.read(), samples, atol=LSB)


def test_read_is_lazy_and_takes_a_time_window(tmp_path):
    samples = np.linspace(-0.5, 0.5, 48_000, dtype=np.float32)
    audio = open_audio(write_wav(tmp_path / "ramp.wav", samples))
    part = audio.read(0.25, 0.5)
    assert part.shape == (12_000,) and part.dtype == np.float32
    np.testing.assert_allclose(part, samples[12_000:24_000], atol=LSB)
    assert audio.read(0.9, 5.0).shape == (4_800,)          # clipped at the end of the file
    assert audio.read(-1.0, 0.1).shape == (4_800,)          # clipped at the start


def test_stereo_is_averaged_to_mono_on_request_and_out_of_range_samples_are_clipped(tmp_path):
    left, right = np.full(100, 0.5), np.full(100, -0.25)
    audio = open_audio(write_wav(tmp_path / "st.wav", np.c_[left, right], 16_000))
    assert audio.channels == 2 and audio.samplerate == 16_000
    np.testing.assert_allclose(audio.read(), 0.125, atol=LSB)
    assert audio.read(mono=False).shape == (100, 2)
    loud = open_audio(write_wav(tmp_path / "loud.wav", np.array([2.0, -3.0, 0.0])))
    np.testing.assert_allclose(loud.read(), [1.0, -1.0, 0.0], atol=LSB)


def test_write_wav_refuses_empty_audio(tmp_path):
    with pytest.raises(ValueError, match="empty"):
        write_wav(tmp_path / "e.wav", np.zeros(0))
    assert not (tmp_path / "e.wav").exists()


def _garbage(path):
    path.write_bytes(b"definitely not audio" * 20)


def _wrong_rate(path):
    sf.write(str(path), tone(0.2, samplerate=16_000), 16_000, subtype="PCM_16")


def _no_samples(path):
    sf.write(str(path), np.zeros(0), 48_000, subtype="PCM_16")


def _header_cut(path):
    write_wav(path, tone(0.1))
    path.write_bytes(path.read_bytes()[:20])


def _data_cut(path):
    write_wav(path, tone(0.1))
    path.write_bytes(path.read_bytes()[:44])


@pytest.mark.parametrize("make, place, message", [
    (_garbage, "header", "expected a readable WAV file"),
    (_wrong_rate, "header", "expected a sample rate of 48000 Hz, got 16000 Hz"),
    (_no_samples, "data chunk", "expected at least one audio sample"),
    (_header_cut, "header", "expected a readable WAV file"),
    (_data_cut, "data chunk", "expected at least one audio sample"),
    (lambda path: None, "header", "expected a readable WAV file"),  # no file at all
], ids=["garbage", "wrong-rate", "no-samples", "header-cut", "data-cut", "missing"])
def test_unreadable_or_wrong_rate_audio_names_file_and_place(tmp_path, make, place, message):
    path = tmp_path / "DIY_mzstKyN5img.wav"
    make(path)
    with pytest.raises(AudioFormatError) as info:
        open_audio(path, expected_rate=ALLO_AVA_RATE)
    err = info.value
    assert isinstance(err, SchemaError) and isinstance(err, ValueError)
    assert err.path == str(path) and path.name in str(err)
    assert err.where == place and message in str(err)


def test_wrong_rate_is_accepted_when_no_rate_is_required(tmp_path):
    path = tmp_path / "a.wav"
    _wrong_rate(path)
    assert open_audio(path).samplerate == 16_000


def test_reading_a_file_that_broke_after_opening_names_the_samples(tmp_path):
    path = write_wav(tmp_path / "a.wav", tone(0.2))
    audio = open_audio(path)
    _garbage(path)
    with pytest.raises(AudioFormatError) as info:
        audio.read(0.0, 0.1)
    assert info.value.where == "samples 0..4800" and path.name in str(info.value)
