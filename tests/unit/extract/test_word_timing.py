"""Word times fitted to the audio: known answers on made signals and on the committed espeak-ng fixture.

Made signals (noise bursts with silences of known length) run with the energy
detector alone (``vad=False``: silero-vad rightly calls noise no speech); the
espeak-ng fixture runs with silero-vad, the default. Whisper itself runs in
``tests/integration/test_word_timing_real.py``.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from alloava_analysis.errors import ParameterError
from alloava_analysis.extract import word_timing as wt
from alloava_analysis.model import make_words

RATE = 16_000
MEDIA = Path(__file__).resolve().parents[2] / "fixtures" / "media"
#: Noise bursts (speech stand-ins) and the silences between them, seconds.
BURSTS = [(0.60, 1.50), (1.90, 2.60), (2.75, 3.40), (4.20, 5.00)]  # gaps 0.40, 0.15 (< min_silence_s), 0.80
NO_VAD = wt.WordTimingSettings(vad=False)


def bursts(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y = 1e-4 * rng.standard_normal(int(5.5 * RATE))  # room noise, 70 dB down
    for a, b in BURSTS:
        n = int(b * RATE) - int(a * RATE)
        y[int(a * RATE):int(b * RATE)] += 0.2 * rng.standard_normal(n) * np.hanning(n) ** 0.05
    return y.astype(np.float32)


def whisper_like() -> pd.DataFrame:
    """Words as tiny.en gives them: the first at 0 s, one across the 0.8 s silence, one of zero length."""
    rows = [("one", 0.0, 1.0), ("two", 1.0, 1.5), ("three", 1.5, 2.6), ("four", 2.6, 3.0), ("five", 3.0, 3.0),
            ("six", 3.0, 4.7), ("seven", 4.7, 5.0)]
    return make_words([{"word": w, "start": s, "end": e, "probability": 0.9, "segment": 0} for w, s, e in rows])


def test_speech_regions_are_the_bursts_and_a_short_gap_does_not_split():
    regions = wt.speech_regions(bursts(), settings=NO_VAD)
    expected = [(0.60, 1.50), (1.90, 3.40), (4.20, 5.00)]  # the 0.15 s gap is below min_silence_s
    assert len(regions) == len(expected)
    np.testing.assert_allclose(regions[["start", "end"]].to_numpy(), expected, atol=0.015)


def test_refined_words_never_span_a_silence_never_have_zero_length_and_start_with_speech():
    raw = whisper_like()
    silences = pd.DataFrame({"start": [1.50, 3.40], "end": [1.90, 4.20]})
    assert wt.words_spanning_silence(raw, silences) == 2  # "three" and "six" run across the silences
    words, meta = wt.refine_word_times(raw, bursts(), settings=NO_VAD)
    assert list(words["word"]) == list(raw["word"])
    assert wt.words_spanning_silence(words, silences) == 0
    assert ((words["end"] - words["start"]) >= NO_VAD.min_word_s - 1e-9).all()
    assert words["start"].iat[0] == pytest.approx(0.60, abs=0.015)
    assert words["end"].iat[-1] == pytest.approx(5.00, abs=0.015)
    assert (np.diff(words["start"]) >= 0).all() and (words["end"].to_numpy()[:-1] <= words["start"].to_numpy()[1:]
                                                     + 1e-9).all()
    # "three" belongs after the silence (most of it is there), "six" after the long silence
    assert words.loc[words["word"] == "three", "start"].iat[0] == pytest.approx(1.90, abs=0.015)
    assert words.loc[words["word"] == "six", "start"].iat[0] == pytest.approx(4.20, abs=0.015)
    assert meta["method"] == wt.METHOD and meta["version"] == wt.WORD_TIMING_VERSION and meta["vad"] is None
    assert meta["words_widened"] == 1 and meta["speech_regions"] == 3 and meta["words_moved"] >= 4


def test_silence_only_leaves_words_alone():
    quiet = np.zeros(RATE, dtype=np.float32)
    words, meta = wt.refine_word_times(whisper_like(), quiet, settings=NO_VAD)
    assert meta["speech_regions"] == 0 and words.equals(whisper_like())


@pytest.fixture(scope="module")
def espeak_a():
    truth = json.loads((MEDIA / "word_timing_a.json").read_text(encoding="utf-8"))
    samples, rate = sf.read(str(MEDIA / "word_timing_a.flac"), dtype="float32")
    assert rate == RATE
    return samples, pd.DataFrame(truth["words"]), pd.DataFrame(truth["pauses"])


def test_fixture_is_what_its_script_says(espeak_a):
    samples, ref, pauses = espeak_a
    assert ref["start"].iat[0] == pytest.approx(0.75, abs=1e-3)
    assert (ref["end"].to_numpy()[:-1] <= ref["start"].to_numpy()[1:] + 1e-9).all()
    for a, b in zip(pauses["start"], pauses["end"]):  # inserted pauses are digital silence
        assert np.abs(samples[int(a * RATE) + 8:int(b * RATE) - 8]).max() < 1e-3


def test_speech_regions_with_silero_vad_find_the_inserted_pauses(espeak_a):
    samples, ref, pauses = espeak_a
    regions = wt.speech_regions(samples)
    long = pauses[(pauses["end"] - pauses["start"]) >= wt.WordTimingSettings().min_silence_s]
    assert len(regions) == len(long) + 1
    np.testing.assert_allclose(regions["end"].to_numpy()[:-1], long["start"], atol=0.02)
    np.testing.assert_allclose(regions["start"].to_numpy()[1:], long["end"], atol=0.02)
    assert regions["start"].iat[0] == pytest.approx(ref["start"].iat[0], abs=0.02)


def test_vad_probability_is_high_in_speech_and_low_in_pauses(espeak_a):
    samples, ref, pauses = espeak_a
    probs = wt.speech_probability(samples)
    t = (np.arange(probs.size) + 0.5) * 512 / RATE
    in_pause = np.zeros(t.size, bool)
    for a, b in zip(pauses["start"], pauses["end"]):
        in_pause |= (t > a + 0.1) & (t < b - 0.1)
    in_word = np.zeros(t.size, bool)
    for a, b in zip(ref["start"], ref["end"]):
        in_word |= (t > a) & (t < b)
    assert np.median(probs[in_word]) > 0.8 and np.median(probs[in_pause]) < 0.2
    info = wt.vad_info()
    assert info["name"] == "silero-vad" and len(info["sha256"]) == 64


def test_known_answer_scores():
    ref = pd.DataFrame({"word": ["a", "b", "c"], "start": [1.0, 2.0, 3.0], "end": [2.0, 3.0, 4.0]})
    hyp = pd.DataFrame({"word": ["A,", "x", "c."], "start": [0.0, 2.05, 3.02], "end": [2.0, 3.0, 4.0]})
    pairs = wt.match_words(hyp, ref)
    assert list(pairs["word"]) == ["a", "c"]
    scores = wt.timing_scores(hyp, ref, silences=pd.DataFrame({"start": [0.2], "end": [0.8]}))
    # boundaries of "a" and "c": |errors| 1.0, 0.02, 0.0, 0.0
    assert scores["boundaries"] == 4 and scores["median_abs_error_s"] == pytest.approx(0.01)
    assert scores["share_within"] == 0.75 and scores["first_word_onset_error_s"] == pytest.approx(-1.0)
    assert scores["words_spanning_silence"] == 1 and scores["zero_length_words"] == 0


def test_bad_settings_are_refused():
    for option, value in [("min_silence_s", 0), ("threshold_db", 3.0), ("vad_threshold", 1.5),
                          ("length_prior", -0.1), ("snap_s", -1), ("vad", "yes"), ("end_at_region_end", 1.0)]:
        with pytest.raises(ParameterError, match=option):
            wt.WordTimingSettings(**{option: value})
    with pytest.raises(ParameterError, match="settings"):
        wt.speech_regions(bursts(), settings={"vad": False})


@pytest.fixture(scope="module")
def burst_audio():
    return bursts(), wt.speech_regions(bursts(), settings=NO_VAD)


def test_any_word_table_comes_out_ordered_inside_speech_and_never_across_a_silence(burst_audio):
    hypothesis = pytest.importorskip("hypothesis")
    st = pytest.importorskip("hypothesis.strategies")
    samples, regions = burst_audio
    silences = pd.DataFrame({"start": regions["end"].to_numpy()[:-1], "end": regions["start"].to_numpy()[1:]})

    @hypothesis.settings(max_examples=60, deadline=None, derandomize=True)
    @hypothesis.given(st.lists(st.tuples(st.floats(0, 5.5), st.floats(0, 1.5)), min_size=1, max_size=25))
    def check(spans):
        starts = np.sort([s for s, _ in spans])
        rows = [{"word": f"w{i}", "start": s, "end": min(s + d, 5.5), "probability": 0.5, "segment": 0}
                for i, (s, (_, d)) in enumerate(zip(starts, spans))]
        words, _ = wt.refine_word_times(make_words(rows), samples, settings=NO_VAD)
        s, e = words["start"].to_numpy(), words["end"].to_numpy()
        assert len(words) == len(rows) and (e > s).all()
        assert (s[1:] >= e[:-1] - 1e-9).all()
        assert wt.words_spanning_silence(words, silences, min_silence_s=0.0, tolerance_s=0.0) == 0
        inside = ((s[:, None] >= regions["start"].to_numpy() - 1e-9)
                  & (e[:, None] <= regions["end"].to_numpy() + 1e-9)).any(axis=1)
        assert inside.all()

    check()
