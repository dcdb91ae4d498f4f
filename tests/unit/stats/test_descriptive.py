"""Descriptive statistics of a tiny corpus: per-clip rates, summaries by column, claims next to measured values."""
from __future__ import annotations

import pytest

from alloava_analysis.corpus import Corpus
from alloava_analysis.errors import ParameterError
from alloava_analysis.runs.stats import clip_table
from alloava_analysis.stats.descriptive import (
    claims_vs_measured,
    load_claims,
    per_clip_rates,
    summary_by,
)
from tests.fixtures.tiny_stats import N_CLIPS, SECONDS


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
