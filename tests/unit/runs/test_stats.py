"""Corpus statistics measured on a tiny corpus against analytic values, with the claims next to them."""
from __future__ import annotations

import os

import pytest

from alloava_analysis.corpus import Corpus
from alloava_analysis.io.transcript import write_transcript
from alloava_analysis.runs.convert import convert_corpus
from alloava_analysis.runs.stats import corpus_stats, measure
from alloava_analysis.stats.descriptive import MEASURED_KEYS
from tests.fixtures.datasets import corrupt, snapshot, tiny_words
from tests.fixtures.tiny_stats import FRAMES, N_CLIPS, SECONDS, WORDS, duplicate_video, expected_stats


@pytest.mark.parametrize("converted", [False, True], ids=["from-json", "from-store-index"])
def test_measured_statistics_match_the_analytic_values(tiny_corpus, converted):
    expected = expected_stats(tiny_corpus.root)
    corpus = Corpus(tiny_corpus.root)
    if converted:
        convert_corpus(corpus, progress=False)
        corpus = Corpus(tiny_corpus.root)
    before = snapshot(tiny_corpus.root)
    measured = measure(corpus, progress=False)
    assert snapshot(tiny_corpus.root) == before
    assert tuple(measured) == MEASURED_KEYS
    assert measured == expected


def test_claims_are_reported_next_to_measured_values_with_sources(tiny_corpus):
    result = corpus_stats(tiny_corpus.root, progress=False)
    assert set(result) >= {"measured", "claims", "consistency_notes"}
    rows = {row["name"]: row for row in result["claims"]}
    for row in rows.values():
        assert set(row) >= {"name", "claimed", "measured", "source"} and row["source"]
    assert rows["videos"]["claimed"] == 7500 and rows["videos"]["measured"] == N_CLIPS
    assert rows["share_TED"]["claimed"] == 0.40 and rows["share_TED"]["measured"] == 0.25
    assert rows["hours_downloadable"]["measured"] == result["measured"]["hours"]
    assert rows["wpm"]["measured"] == 180.0 and "Hugging Face" in rows["wpm"]["source"]
    assert rows["speech_rate_vs_movement_r"]["measured"] is None  # not measured by `stats`
    assert any("208" in note for note in result["consistency_notes"])


def test_statistics_skip_broken_clips_and_say_so(tiny_corpus):
    corrupt(tiny_corpus.root, tiny_corpus.clip_ids[0], "truncate_keypoints")
    corpus = Corpus(tiny_corpus.root)
    with pytest.warns(UserWarning, match=f"1 clip.*{tiny_corpus.clip_ids[0]}"):
        measured = measure(corpus, progress=False)
    assert measured["videos"] == N_CLIPS - 1 and measured["frames"] == (N_CLIPS - 1) * FRAMES
    result = corpus_stats(corpus, progress=False)  # the result lists them itself
    assert result["measured"] == measured
    assert [f["clip_id"] for f in result["failed"]] == [tiny_corpus.clip_ids[0]] and result["failed"][0]["reason"]


def test_statistics_list_the_files_they_skipped(tiny_corpus):
    (tiny_corpus.root / "audio" / "stray.wav").write_bytes(b"RIFF")
    result = corpus_stats(tiny_corpus.root, progress=False)
    assert set(result) >= {"settings", "failed", "skipped", "notes"} and result["settings"] == {}  # the driver shape
    assert [s["path"].rsplit("/", 1)[1] for s in result["skipped"]] == ["stray.wav"]
    assert result["measured"]["videos"] == N_CLIPS


def test_statistics_follow_source_files_changed_after_conversion(tiny_corpus):
    convert_corpus(Corpus(tiny_corpus.root), progress=False)
    path = write_transcript(tiny_corpus.root / "transcript" / f"{tiny_corpus.clip_ids[0]}.json",
                            tiny_words(SECONDS, n_words=2))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    measured = measure(Corpus(tiny_corpus.root), progress=False)
    assert measured["words"] == (N_CLIPS - 1) * WORDS + 2


@pytest.mark.parametrize("converted", [False, True], ids=["from-json", "from-store-index"])
def test_a_video_listed_under_two_categories_is_reported_and_counted_once(tiny_corpus, converted):
    expected = expected_stats(tiny_corpus.root)
    original, copy = duplicate_video(tiny_corpus.root)
    corpus = Corpus(tiny_corpus.root)
    if converted:
        convert_corpus(corpus, progress=False)
        corpus = Corpus(tiny_corpus.root)
    result = corpus_stats(corpus, progress=False)
    measured = result["measured"]
    for key in ("videos", "hours", "avg_minutes", "words", "wpm", "frames", "keypoints"):
        assert measured[key] == expected[key], key
    assert result["duplicates"] == [{"youtube_id": original[-11:], "clip_ids": sorted([original, copy]),
                                     "counted_as": sorted([original, copy])[0]}]
    assert result["notes"] == [f"YouTube video {original[-11:]} is listed as {', '.join(sorted([original, copy]))}; "
                               f"counted once, as {sorted([original, copy])[0]}"]
