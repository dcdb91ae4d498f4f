"""Prosodic landmarks: planted F0 and loudness peaks found where they were put; real voices give plausible F0."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from alloava_analysis.errors import AudioFormatError, MissingModalityError, ParameterError, SchemaError
from alloava_analysis.features import prosody, speech
from tests.fixtures.datasets import make_clip
from tests.fixtures.planted_prosody import SR, planted_corpus, voice

REPO = Path(__file__).resolve().parents[3]
REAL = REPO / "tests" / "fixtures" / "real"


def _real_speech() -> dict[str, tuple[np.ndarray, int]]:
    """Every real voice among the fixtures: JFK, the two praatIO utterances, the eleven GRID talkers."""
    out = {}
    for name in ("jfk_speech", "praatio_bobby", "praatio_mary"):
        y, sr = sf.read(REAL / f"{name}.flac", dtype="float32")
        out[name] = (y, sr)
    sys.path.insert(0, str(REPO))
    from scripts import make_real_av_fixtures as fx

    for path in fx.fixture_paths():
        out[path.stem] = (np.asarray(fx.read_audio(path), dtype=np.float32), 16_000)
    return out


@pytest.fixture(scope="module")
def real_speech():
    return _real_speech()


def test_real_voices_have_plausible_voiced_f0_and_none_in_silence(real_speech):
    assert len(real_speech) == 14
    for name, (y, sr) in real_speech.items():
        f0 = prosody.f0_track(y, samplerate=sr)
        voiced = f0["f0_hz"].to_numpy()[f0["voiced"].to_numpy()]
        assert 0.2 < f0["voiced"].mean() < 0.95, name                        # speech with pauses and consonants
        assert np.isnan(f0.loc[~f0["voiced"], "f0_hz"]).all()
        assert voiced.min() >= 60 and voiced.max() <= 400, (name, voiced.min(), voiced.max())
        assert 80 <= np.median(voiced) <= 260, name                          # adult speaking pitch
        # frames 30 dB below the clip's loud level (pauses, room noise, digital silence) are never voiced
        env = speech.rms_envelope(y, samplerate=sr, analysis_rate=None)
        level = np.interp(f0["time"], env["time"], env["rms_db"])
        quiet = level < np.percentile(env["rms_db"], 95) - 30
        assert quiet.sum() >= 10, name
        assert not f0["voiced"].to_numpy()[quiet].any(), name


def test_the_speaker_adapted_range_removes_the_octave_jumps_of_a_single_wide_pass(real_speech):
    # lrwp9a (a woman, median ~180 Hz): one 75-500 Hz pass reported frames near 490 Hz
    y, sr = real_speech["lrwp9a"]
    wide = prosody.f0_track(y, samplerate=sr, fmin=75.0, fmax=500.0)
    adapted = prosody.f0_track(y, samplerate=sr)
    assert wide["f0_hz"].max() > 400
    assert adapted["f0_hz"].max() < 260
    assert 100 < adapted.attrs["fmin"] < adapted.attrs["fmax"] < 400


def test_praat_and_pyin_agree_on_a_real_voice(real_speech):
    y, sr = real_speech["praatio_bobby"]
    praat = prosody.f0_track(y, samplerate=sr)
    pyin = prosody.f0_track(y, samplerate=sr, method="pyin")
    both = pd.merge_asof(praat, pyin, on="time", direction="nearest", tolerance=0.006, suffixes=("_p", "_y"))
    both = both[both["voiced_p"] & both["voiced_y"].fillna(False).astype(bool)]
    semitones = np.abs(12 * np.log2(both["f0_hz_p"] / both["f0_hz_y"]))
    assert len(both) > 50
    assert np.mean(semitones < 1) > 0.9


def test_word_events_of_a_real_utterance():
    y, sr = sf.read(REAL / "praatio_bobby.flac", dtype="float32")
    words = pd.DataFrame(json.loads((REAL / "praatio_bobby.json").read_text())["words"])
    events = prosody.prosodic_events(y, words, samplerate=sr)
    onsets = events.loc[events["kind"] == "word_onset", "time_s"].to_numpy()
    np.testing.assert_allclose(onsets, words["start"])
    loud = events[events["kind"] == "loudest_syllable"]
    assert len(loud) == 4
    assert ((loud["time_s"].to_numpy() >= words["start"].to_numpy() - 0.01)
            & (loud["time_s"].to_numpy() <= words["end"].to_numpy() + 0.01)).all()
    assert events.attrs["speech_intervals"] == [(words["start"].min(), words["end"].max())]
    assert set(events["unit"][events["kind"] == "f0_peak"]) == {"Hz"}


def test_planted_f0_and_loudness_peaks_are_found_where_they_were_put():
    f0_peaks, loud_peaks = np.array([2.0, 4.3, 6.9]), np.array([3.1, 5.6, 8.2])
    y = voice(10.0, f0_hz=140.0, f0_peaks=f0_peaks, loud_peaks=loud_peaks)
    events = prosody.prosodic_events(y, samplerate=SR)
    got_f0 = events.loc[events["kind"] == "f0_peak", "time_s"].to_numpy()
    got_env = events.loc[events["kind"] == "envelope_peak", "time_s"].to_numpy()
    assert got_f0.size == 3 and got_env.size == 3                        # nothing but the planted peaks
    np.testing.assert_allclose(got_f0, f0_peaks, atol=0.01)
    np.testing.assert_allclose(got_env, loud_peaks, atol=0.01)
    f0_values = events.loc[events["kind"] == "f0_peak", "value"].to_numpy()
    # a 3-semitone bump on 140 Hz with a 1-semitone declination over the clip
    np.testing.assert_allclose(f0_values, 140 * 2 ** ((3 - f0_peaks / 10) / 12), rtol=0.02)
    assert not (events["kind"] == "word_onset").any()
    assert events.attrs["speech_intervals"][0][0] == pytest.approx(0.5, abs=0.02)  # voiced from 0.5 s


def test_a_steady_tone_has_its_pitch_and_no_f0_peak_and_silence_has_no_f0():
    t = np.arange(3 * SR) / SR
    y = (0.2 * sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 6))).astype(np.float32)
    f0 = prosody.f0_track(y, samplerate=SR)
    assert f0["voiced"].mean() > 0.9
    np.testing.assert_allclose(np.nanmedian(f0["f0_hz"]), 150, rtol=0.01)
    events = prosody.prosodic_events(y, samplerate=SR)
    assert not (events["kind"] == "f0_peak").any()
    silent = prosody.f0_track(np.zeros(SR, dtype=np.float32), samplerate=SR)
    assert not silent["voiced"].any() and np.isnan(silent.attrs["fmin"])
    nothing = prosody.prosodic_events(np.zeros(SR, dtype=np.float32), samplerate=SR)
    assert nothing.empty and nothing.attrs["speech_intervals"] == []


def test_the_loudest_syllable_of_a_word_is_its_louder_nucleus():
    y = voice(3.0, f0_hz=120.0, f0_peaks=np.array([]), loud_peaks=np.array([1.1, 1.45]))
    y[int(1.3 * SR):int(1.6 * SR)] *= 2.0                               # the second nucleus is louder
    words = pd.DataFrame({"word": ["pa-ta"], "start": [1.0], "end": [1.6]})
    events = prosody.prosodic_events(y, words, samplerate=SR)
    loud = events.loc[events["kind"] == "loudest_syllable", "time_s"].to_numpy()
    assert loud == pytest.approx([1.45], abs=0.02)


def test_the_envelope_is_delay_free_and_sampled_every_10_ms():
    t = np.arange(4 * SR) / SR
    y = (np.sin(2 * np.pi * 200 * t) * (1 + np.exp(-0.5 * ((t - 2.0) / 0.05) ** 2))).astype(np.float32)
    env = prosody.amplitude_envelope(y, samplerate=SR, t0=10.0)
    np.testing.assert_allclose(np.diff(env["time"]), 0.01, atol=1e-9)
    assert env["time"].iat[0] == 10.0
    assert env["time"].iat[int(np.argmax(env["envelope"]))] == pytest.approx(12.0, abs=0.011)


def test_speech_intervals_join_short_pauses_and_split_at_long_ones():
    words = pd.DataFrame({"start": [0.5, 1.0, 1.9, 4.0], "end": [0.9, 1.5, 2.2, 4.5]})
    iv = prosody.speech_intervals(words, max_pause_s=0.5)
    assert iv.to_dict("list") == {"start_s": [0.5, 4.0], "end_s": [2.2, 4.5]}
    assert len(prosody.speech_intervals(words, max_pause_s=0.3)) == 3
    assert prosody.speech_intervals(None).empty


def test_clip_events_tag_the_clip_and_need_audio(tmp_path):
    from alloava_analysis.corpus import Corpus
    from tests.fixtures.datasets import write_tiny_corpus

    ids = write_tiny_corpus(tmp_path, 1, n_frames=100)
    clip = Corpus(tmp_path).load(ids[0])
    events, spans = prosody.clip_events(clip)
    assert set(events["clip_id"]) == {ids[0]} and set(spans["clip_id"]) == {ids[0]}
    assert (events["kind"] == "word_onset").sum() == len(clip.words)
    with pytest.raises(MissingModalityError, match="audio"):
        prosody.clip_events(make_clip(0))
    with pytest.raises(ParameterError, match="clip"):
        prosody.clip_events("not a clip")


def test_bad_inputs_are_refused_with_what_was_expected():
    y = voice(1.0, f0_hz=120.0, f0_peaks=np.array([]), loud_peaks=np.array([]))
    with pytest.raises(ParameterError, match="samplerate"):
        prosody.f0_track(y)
    with pytest.raises(AudioFormatError, match="empty"):
        prosody.f0_track(np.zeros(0, dtype=np.float32), samplerate=SR)
    with pytest.raises(AudioFormatError, match="finite"):
        prosody.amplitude_envelope(np.full(100, np.nan), samplerate=SR)
    with pytest.raises(ParameterError, match="fmax"):
        prosody.f0_track(y, samplerate=SR, fmin=80.0)
    with pytest.raises(ParameterError, match="fmax"):
        prosody.f0_track(y, samplerate=SR, fmin=300.0, fmax=200.0)
    with pytest.raises(SchemaError, match="words"):
        prosody.prosodic_events(y, pd.DataFrame({"start": [0.1]}), samplerate=SR)


def test_the_planted_corpus_generator_keeps_its_words_in_one_speech_interval():
    corpus = planted_corpus(3, audio=False)
    for words in corpus.words.values():
        assert len(prosody.speech_intervals(words)) == 1
    assert not corpus.audio and len(corpus.units) == 6 * 6
