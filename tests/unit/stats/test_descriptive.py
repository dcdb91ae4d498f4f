"""Dataset statistics against analytic values of a tiny corpus, and claims reported next to them."""
from __future__ import annotations

import os

import pytest

from alloava_analysis.corpus import Corpus
from alloava_analysis.errors import ParameterError
from alloava_analysis.io.transcript import write_transcript
from alloava_analysis.runs.convert import convert_corpus
from alloava_analysis.runs.stats import clip_table, corpus_stats, measure
from alloava_analysis.stats.descriptive import (
    MEASURED_KEYS,
    claims_vs_measured,
    load_claims,
    per_clip_rates,
    summary_by,
)
from tests.fixtures.datasets import corrupt, snapshot, tiny_words

N_CLIPS, SECONDS, WORDS, KEYPOINTS = 4, 2.0, 6, 33 + 18   # what write_tiny_corpus writes per clip
FRAMES = 50


def _expected(root):
    files = [p for p in root.rglob("*") if p.is_file() and p.parent.name in ("audio", "transcript", "keypoints")]
    return {
        "videos": N_CLIPS, "hours": round(N_CLIPS * SECONDS / 3600, 4), "avg_minutes": round(SECONDS / 60, 3),
        "speakers": 2, "words": N_CLIPS * WORDS, "wpm": round(WORDS / (SECONDS / 60), 2),
        "frames": N_CLIPS * FRAMES, "keypoints": N_CLIPS * FRAMES * KEYPOINTS,
        "bytes": sum(p.stat().st_size for p in files),
        "content_distribution": {"Interview": 0.25, "Panel": 0.25, "Presentation": 0.25, "TED": 0.25},
    }


@pytest.mark.parametrize("converted", [False, True], ids=["from-json", "from-store-index"])
def test_measured_statistics_match_the_analytic_values(tiny_corpus, converted):
    expected = _expected(tiny_corpus.root)
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


def test_claims_vs_measured_uses_the_given_claims():
    claims = {"sources": {"s": "a source"},
              "claims": [{"name": "words", "claimed": 10, "unit": "words", "source": "s"},
                         {"name": "share_X", "claimed": 0.5, "unit": "fraction", "source": "s", "category": "X"}]}
    rows = claims_vs_measured({"words": 3, "content_distribution": {"Y": 1.0}}, claims)
    assert rows == [{"name": "words", "claimed": 10, "measured": 3, "unit": "words", "source": "a source",
                     "source_id": "s"},
                    {"name": "share_X", "claimed": 0.5, "measured": 0.0, "unit": "fraction", "source": "a source",
                     "source_id": "s"}]
    published = load_claims()
    assert {c["source"] for c in published["claims"]} <= set(published["sources"])


def test_dataset_card_figures_cite_the_card_that_publishes_them():
    """The card figures stand on SaifPunjwani/Allo-AVA's card; avalab/Allo-AVA's README (71 bytes) has none."""
    published = load_claims()
    card = published["sources"]["card"]
    assert "huggingface.co/datasets/SaifPunjwani/Allo-AVA" in card
    assert "huggingface.co/datasets/avalab/Allo-AVA" not in card
    assert {"videos", "hours", "speakers", "words", "wpm", "keypoints", "bytes"} <= {
        c["name"] for c in published["claims"] if c["source"] == "card"}


def test_per_clip_rates_and_summary_by_category(tiny_corpus):
    table = clip_table(Corpus(tiny_corpus.root), progress=False)
    rates = per_clip_rates(table)
    assert list(rates.columns) == ["clip_id", "category", "minutes", "words", "wpm"]
    assert rates.wpm.tolist() == pytest.approx([180.0] * N_CLIPS)
    summary = summary_by(table, "gender").set_index("gender")
    assert summary.loc["female", "videos"] == 2 and summary.share_videos.sum() == pytest.approx(1.0)
    assert summary.loc["male", "hours"] == pytest.approx(2 * SECONDS / 3600)
    assert summary.wpm.tolist() == pytest.approx([180.0, 180.0])


def test_summary_by_several_columns(tiny_corpus):
    table = clip_table(Corpus(tiny_corpus.root), progress=False)
    both = summary_by(table, ["gender", "category"])
    assert list(both.columns[:2]) == ["gender", "category"] and len(both) == N_CLIPS  # every clip its own cell
    assert both["videos"].sum() == N_CLIPS and both.share_videos.sum() == pytest.approx(1.0)
    assert both.set_index(["gender", "category"]).loc[("female", "TED"), "videos"] == 1
    with pytest.raises(ParameterError, match="expected one of .*'gender'.*got 'height'"):
        summary_by(table, ["gender", "height"])


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
    assert [s["path"].rsplit("/", 1)[1] for s in result["skipped"]] == ["stray.wav"]
    assert result["measured"]["videos"] == N_CLIPS


def test_statistics_follow_source_files_changed_after_conversion(tiny_corpus):
    convert_corpus(Corpus(tiny_corpus.root), progress=False)
    path = write_transcript(tiny_corpus.root / "transcript" / f"{tiny_corpus.clip_ids[0]}.json",
                            tiny_words(SECONDS, n_words=2))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    measured = measure(Corpus(tiny_corpus.root), progress=False)
    assert measured["words"] == (N_CLIPS - 1) * WORDS + 2


def _duplicate_video(root):
    """Copy clip 0 (TED) under a second category: the same YouTube video listed twice."""
    import shutil

    from alloava_analysis.io.layout import modality_path, parse_key

    corpus = Corpus(root)
    original = parse_key(corpus.clip_ids[-1])  # TED_yt00000-a_b sorts last
    copy = f"Interview_{original.youtube_id}"
    for modality in ("audio", "transcript", "keypoints"):
        shutil.copyfile(modality_path(root, modality, original), modality_path(root, modality, copy))
    return original.clip_id, copy


@pytest.mark.parametrize("converted", [False, True], ids=["from-json", "from-store-index"])
def test_a_video_listed_under_two_categories_is_reported_and_counted_once(tiny_corpus, converted):
    expected = _expected(tiny_corpus.root)
    original, copy = _duplicate_video(tiny_corpus.root)
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


def test_validate_reports_a_video_listed_under_two_categories(tiny_corpus):
    from alloava_analysis.runs.validate import validate_corpus

    original, copy = _duplicate_video(tiny_corpus.root)
    result = validate_corpus(tiny_corpus.root, progress=False)
    assert [d["clip_ids"] for d in result["duplicates"]] == [sorted([original, copy])]
    for report in result["clips"]:
        if report["clip_id"] in (original, copy):
            assert any("same YouTube video" in w for w in report["warnings"])
