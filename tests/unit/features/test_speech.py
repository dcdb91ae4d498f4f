"""Speech features: syllables, speech/articulation rate, pauses, RMS, F0, onsets, prosodic peaks."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.features import speech

SR = 16_000

# Common words with their dictionary syllable counts; the counter was not tuned on this list.
HELD_OUT = """about 2 after 2 again 2 against 2 almost 2 along 2 already 3 also 2 although 2 always 2 among 2
another 3 answer 2 around 2 away 2 back 1 became 2 become 2 before 2 began 2 behind 2 believe 2 below 2
between 2 beyond 2 body 2 book 1 both 1 brain 1 bring 1 brought 1 called 1 came 1 cannot 2 certain 2
change 1 children 2 city 2 close 1 country 2 course 1 culture 2 day 1 decided 3 develop 3 difficult 3
does 1 during 2 early 2 earth 1 easy 2 education 4 either 2 energy 3 enough 2 even 2 example 3 face 1
fact 1 father 2 feel 1 feeling 2 few 1 figure 2 finally 3 find 1 first 1 follow 2 food 1 found 1 friends 1
future 2 general 3 girl 1 give 1 government 3 great 1 group 1 growing 2 hand 1 hands 1 happened 2 hard 1
head 1 heard 1 help 1 history 3 however 3 human 2 hundred 2 imagine 3 information 4 inside 2 instead 2
into 2 island 2 itself 2 journey 2 just 1 keep 1 kind 1 knew 1 knowledge 2 large 1 later 2 learn 1
learning 2 leave 1 letter 2 light 1 likely 2 line 1 living 2 local 2 looked 1 making 2 many 2 market 2
maybe 2 means 1 measure 2 media 3 memory 3 middle 2 minute 2 moment 2 money 2 mother 2 music 2
national 3 nature 2 never 2 news 1 night 1 nothing 2 number 2 office 2 open 2 order 2 other 2 outside 2
paper 2 parents 2 perhaps 2 person 2 picture 2 planet 2 point 1 police 2 political 4 power 2 problem 2
process 2 program 2 project 2 public 2 question 2 quickly 2 rather 2 reason 2 remember 3 result 2
river 2 school 1 second 2 seemed 1 sense 1 several 3 should 1 simply 2 since 1 sleep 1 small 1 space 1
story 2 student 2 study 2 subject 2 suddenly 3 summer 2 surface 2 table 2 teacher 2 technology 4
thought 1 through 1 today 2 toward 2 travel 2 trouble 2 truly 2 under 2 understand 3 until 2 upon 2
using 2 voice 1 water 2 whether 2 window 2 without 2 woman 2 women 2 wonderful 3 words 1 working 2
writing 2 young 1 animal 3 amazing 3 believed 2 caused 1 decision 3 designed 2 economy 4 engineer 3
evidence 3 failure 2 finished 2 happiness 3 hopeful 2 lately 2 listened 2 loneliness 3 management 3
medicine 3 mistakes 2 natural 3 opened 2 patient 2 physical 3 popular 3 possible 3 quality 3
recognize 3 relationship 4 ridiculous 4 scientist 3 series 2 similar 3 situation 4 statement 2
strategy 3 terrible 3 thousand 2 tried 1 usually 4 violence 3 visual 3 whatever 3 wrote 1""".split()


def test_syllable_counter_is_right_on_at_least_95_percent_of_common_words():
    words = dict(zip(HELD_OUT[::2], map(int, HELD_OUT[1::2])))
    wrong = {w: (speech.count_syllables(w), n) for w, n in words.items() if speech.count_syllables(w) != n}
    assert len(words) > 240
    assert len(wrong) / len(words) <= 0.05, wrong
    # and never off by more than one
    assert all(abs(got - want) <= 1 for got, want in wrong.values())


@pytest.mark.parametrize("word, n", [
    ("Hello,", 2), ("table", 2), ("make", 1), ("makes", 1), ("jumped", 1), ("wanted", 2), ("boxes", 2),
    ("nation", 2), ("video", 3), ("riot", 2), ("fluid", 2), ("value", 2), ("rhythm", 2), ("playing", 2),
    ("well-known", 2), ("don't", 1), ("I'm", 1), ("2024", 5), ("...", 0), ("", 0), ("the", 1),
])
def test_syllable_counter_rules(word, n):
    assert speech.count_syllables(word) == n


def _regular_words(n: int, step: float, duration: float, word: str = "hello") -> pd.DataFrame:
    starts = np.arange(n) * step
    return pd.DataFrame({"word": word, "start": starts, "end": starts + duration})


def test_speech_rate_counts_word_starts_per_window():
    words = _regular_words(40, 0.25, 0.2)                 # 4 words/s for 10 s, 2 syllables each
    out = speech.speech_rate(words, window_s=5.0, span=(0.0, 10.0))
    assert out["n_words"].tolist() == [20, 20]
    np.testing.assert_allclose(out["words_per_s"], 4.0)
    np.testing.assert_allclose(out["wpm"], 240.0)
    np.testing.assert_allclose(out["syllables_per_s"], 8.0)
    assert set(out.columns) >= {"window_s", "hop_s", "clock"} and (out["clock"] == "word").all()


def test_speech_rate_uses_sliding_windows_and_counts_by_start_only():
    words = pd.DataFrame({"word": ["a", "b", "c"], "start": [0.9, 1.5, 2.2], "end": [1.4, 2.1, 2.6]})
    out = speech.speech_rate(words, window_s=1.0, hop_s=0.5, span=(0.0, 3.0))
    assert out["start"].tolist() == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert out["n_words"].tolist() == [1, 1, 1, 2, 1]       # a word spanning an edge counts where it starts
    assert (out["hop_s"] == 0.5).all() and (out["window_s"] == 1.0).all()


def test_articulation_rate_excludes_pauses():
    # 10 words of 0.2 s (1 syllable each, "so") back to back, a 3 s pause, then 10 more words
    first = 0.2 * np.arange(10)
    second = 5.0 + 0.2 * np.arange(10)
    starts = np.concatenate([first, second])
    words = pd.DataFrame({"word": "so", "start": starts, "end": starts + 0.2})
    out = speech.speech_rate(words, window_s=7.0, span=(0.0, 7.0))
    assert out["pause_s"].iloc[0] == pytest.approx(3.0)
    assert out["speaking_s"].iloc[0] == pytest.approx(4.0)
    assert out["syllables_per_s"].iloc[0] == pytest.approx(20 / 7.0)
    assert out["articulation_rate"].iloc[0] == pytest.approx(20 / 4.0)


def test_articulation_rate_is_nan_when_a_window_is_almost_silent():
    words = pd.DataFrame({"word": ["so"], "start": [0.1], "end": [0.3]})
    out = speech.speech_rate(words, window_s=5.0, span=(0.0, 10.0))
    assert np.isnan(out["articulation_rate"]).all()
    assert out["n_words"].tolist() == [1, 0]


def test_detect_pauses_finds_gaps_and_optionally_leading_and_trailing_silence():
    words = pd.DataFrame({"word": list("abcd"), "start": [1.0, 1.5, 1.65, 3.0], "end": [1.4, 1.6, 2.0, 3.5]})
    inner = speech.detect_pauses(words, min_pause_s=0.25)
    assert inner[["start", "end"]].to_numpy().tolist() == [[2.0, 3.0]]
    full = speech.detect_pauses(words, min_pause_s=0.25, span=(0.0, 4.0))
    assert full["kind"].tolist() == ["leading", "between", "trailing"]
    np.testing.assert_allclose(full["duration"], [1.0, 1.0, 0.5])


def test_speech_rate_rejects_short_spans_and_missing_columns():
    with pytest.raises(ValueError, match="at least one window"):
        speech.speech_rate(_regular_words(3, 0.2, 0.1), window_s=5.0, span=(0.0, 2.0))
    with pytest.raises(ValueError, match="missing"):
        speech.speech_rate(pd.DataFrame({"word": ["a"], "start": [0.0]}))
    with pytest.raises(ValueError, match="span"):
        speech.speech_rate(_regular_words(0, 0.2, 0.1))


# ---------------------------------------------------------------------------------- audio clock
def _tone(freq: float, seconds: float, amp: float = 0.5, sr: int = SR, harmonics: int = 3) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return amp * sum(np.sin(2 * np.pi * freq * h * t) / h for h in range(1, harmonics + 1)) / 1.84


def test_rms_envelope_of_a_sine_is_amplitude_over_root_two():
    t = np.arange(2 * SR) / SR
    y = 0.4 * np.sin(2 * np.pi * 220 * t)
    env = speech.rms_envelope(y, samplerate=SR, hop_s=0.01, t0=10.0)
    inner = env["rms"].to_numpy()[5:-5]
    np.testing.assert_allclose(inner, 0.4 / np.sqrt(2), rtol=0.02)
    np.testing.assert_allclose(np.diff(env["time"]), 0.01)
    assert env["time"].iloc[0] == 10.0
    assert env.attrs["clock"] == "audio" and env.attrs["rate_hz"] == pytest.approx(100.0)


def test_rms_envelope_resamples_48k_audio_and_keeps_the_clock():
    t = np.arange(48_000) / 48_000
    y = 0.2 * np.sin(2 * np.pi * 300 * t)
    env = speech.rms_envelope(y, samplerate=48_000)
    assert env.attrs["samplerate"] == 16_000
    assert env["time"].iloc[-1] == pytest.approx(1.0, abs=0.011)
    assert np.median(env["rms"]) == pytest.approx(0.2 / np.sqrt(2), rel=0.02)


def test_yin_f0_tracks_a_harmonic_tone_and_marks_silence_unvoiced():
    y = np.concatenate([_tone(150.0, 1.0), np.zeros(SR // 2), _tone(220.0, 1.0)])
    f0 = speech.f0_contour(y, samplerate=SR)
    t = f0["time"].to_numpy()
    first = f0.loc[(t > 0.1) & (t < 0.9), "f0_hz"]
    second = f0.loc[(t > 1.6) & (t < 2.4), "f0_hz"]
    assert first.median() == pytest.approx(150.0, rel=0.01)
    assert second.median() == pytest.approx(220.0, rel=0.01)
    silent = f0.loc[(t > 1.1) & (t < 1.4)]
    assert (~silent["voiced"]).all() and silent["f0_hz"].isna().all()
    assert f0.attrs["method"] == "yin"


def test_pyin_is_available_as_an_opt_in():
    f0 = speech.f0_contour(_tone(180.0, 0.6), samplerate=SR, method="pyin")
    assert f0["f0_hz"].median() == pytest.approx(180.0, rel=0.02)
    assert "voiced_prob" in f0 and f0.attrs["method"] == "pyin"


def test_f0_rejects_bad_settings():
    y = _tone(150.0, 0.5)
    with pytest.raises(ValueError, match="method"):
        speech.f0_contour(y, samplerate=SR, method="crepe")
    with pytest.raises(ValueError, match="frame_s"):
        speech.f0_contour(y, samplerate=SR, fmin=40.0, frame_s=0.03)
    with pytest.raises(ValueError, match="analysis frame"):
        speech.f0_contour(y[:200], samplerate=SR)


@pytest.mark.parametrize("bad, match", [(np.zeros(0), "empty"), (np.array([0.0, np.nan, 0.1]), "finite")])
def test_audio_features_reject_empty_or_nan_audio(bad, match):
    with pytest.raises(ValueError, match=match):
        speech.rms_envelope(bad, samplerate=SR)


def test_onset_strength_and_prosodic_peaks_find_planted_bursts():
    rng = np.random.default_rng(0)
    y = rng.normal(0, 0.002, 3 * SR)
    bursts = [0.4, 0.9, 1.5, 2.2, 2.6]
    for b in bursts:
        i = int(b * SR)
        y[i:i + int(0.12 * SR)] += _tone(200.0, 0.12) * np.hanning(int(0.12 * SR))
    on = speech.onset_strength(y, samplerate=SR)
    peaks = speech.prosodic_peaks(on, column="onset_strength", min_distance_s=0.2, smooth_s=0.0,
                                  prominence=0.5 * on["onset_strength"].max())
    assert len(peaks) == len(bursts)
    np.testing.assert_allclose(peaks["time"], bursts, atol=0.06)
    env = speech.rms_envelope(y, samplerate=SR)
    loud = speech.prosodic_peaks(env, column="rms_db", min_distance_s=0.2)
    np.testing.assert_allclose(loud["time"], np.array(bursts) + 0.06, atol=0.04)  # burst centres


def test_energy_pauses_find_silence_between_tones():
    y = np.concatenate([_tone(150.0, 1.0), np.zeros(int(0.6 * SR)), _tone(150.0, 1.0)])
    env = speech.rms_envelope(y + np.random.default_rng(0).normal(0, 1e-4, y.size), samplerate=SR)
    pauses = speech.energy_pauses(env)
    assert len(pauses) == 1
    assert pauses["start"].iloc[0] == pytest.approx(1.0, abs=0.03)
    assert pauses["duration"].iloc[0] == pytest.approx(0.6, abs=0.05)


def test_speech_features_share_one_audio_clock():
    y = _tone(150.0, 1.0)
    feats = speech.speech_features(y, samplerate=SR)
    assert {"time", "rms", "rms_db", "onset_strength", "f0_hz", "voiced"} <= set(feats.columns)
    np.testing.assert_allclose(np.diff(feats["time"]), 0.01)
    assert feats.attrs["clock"] == "audio"


@pytest.mark.parametrize("frame, hop", [(400, 160), (401, 160), (640, 533), (1024, 512)])
def test_frame_rms_matches_librosa_without_importing_it(frame, hop):
    librosa = pytest.importorskip("librosa")
    rng = np.random.default_rng(frame)
    y = (0.1 * rng.standard_normal(48_000)).astype(np.float32)
    y[10_000:20_000] *= 1e-5  # near silence: float64 sums keep it
    ours = speech.frame_rms(y, frame=frame, hop=hop)
    theirs = librosa.feature.rms(y=y, frame_length=frame, hop_length=hop, center=True)[0]
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_frame_rms_of_a_constant_is_the_constant_away_from_the_padded_edges():
    rms = speech.frame_rms(np.full(1000, 0.5), frame=100, hop=10)
    np.testing.assert_allclose(rms[5:-5], 0.5)
    assert rms[0] == pytest.approx(0.5 * np.sqrt(0.5), rel=0.02)  # half the first frame is zero padding
    with pytest.raises(ValueError, match="one frame"):
        speech.frame_rms(np.ones(0), frame=101, hop=10)
