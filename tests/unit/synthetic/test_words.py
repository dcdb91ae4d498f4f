"""Words and speech rate follow the planted windows."""
from __future__ import annotations

import numpy as np

from alloava_analysis.synthetic import VOCABULARY, synthesize_clip
from tests.fixtures.synthetic import MINUTE, SHORT


def test_word_starts_per_window_follow_the_planted_rate():
    sc = synthesize_clip(0, seed=21, config=MINUTE)
    w = sc.windows
    starts = sc.clip.words["start"].to_numpy()
    counted = np.array([((starts >= a) & (starts < b)).sum() for a, b in zip(w["start"], w["end"])])
    np.testing.assert_array_equal(counted, w["n_words"])
    planted = w["rate_wps"] * (w["end"] - w["start"])
    assert (np.abs(counted - planted) <= 0.5 + 1e-9).all()
    words = sc.clip.words
    assert (words["end"] > words["start"]).all() and (words["start"].diff().dropna() > 0).all()
    assert (words["start"].to_numpy()[1:] >= words["end"].to_numpy()[:-1]).all()  # no overlap
    assert words["end"].max() < sc.truth["duration_s"]


def test_words_come_from_the_vocabulary_with_pauses_and_sentences():
    sc = synthesize_clip(1, seed=21, config=MINUTE)
    words, segments = sc.clip.words, sc.clip.segments
    bare = words["word"].str.lower().str.rstrip(".")
    assert bare.isin(list(VOCABULARY)).all()
    syllables = bare.map(VOCABULARY).to_numpy()
    per_syllable = ((words["end"] - words["start"]) / syllables).to_numpy()
    assert 0.10 < np.median(per_syllable) < 0.22
    gaps = words["start"].to_numpy()[1:] - words["end"].to_numpy()[:-1]
    sentence_end = words["word"].str.endswith(".").to_numpy()[:-1]
    assert (gaps[sentence_end] >= 0.25).all()  # a pause after every sentence
    assert 0.05 < (gaps >= 0.25).mean() < 0.4
    sizes = words.groupby("segment").size().to_numpy()
    assert ((sizes[:-1] >= 8) & (sizes[:-1] <= 20)).all()
    assert len(segments) == len(sizes)
    np.testing.assert_allclose(segments["start"], words.groupby("segment")["start"].min())
    assert words["probability"].between(0, 1).all()


def test_frame_text_names_the_word_being_spoken():
    sc = synthesize_clip(0, seed=2, config=SHORT)
    text, words = sc.clip.frame_text, sc.clip.words
    assert len(text) == sc.frame_time.size
    for t, label in text.items():
        inside = words[(words["start"] <= t) & (t < words["end"])]
        assert label == (inside["word"].iat[0] if len(inside) else "")
    assert (text != "").mean() > 0.5


def test_wpm_over_a_corpus_is_near_208(clips):
    n_words = sum(sc.truth["n_words"] for sc in clips)
    minutes = sum(sc.truth["duration_s"] for sc in clips) / 60
    assert abs(n_words / minutes - 208) < 0.06 * 208
