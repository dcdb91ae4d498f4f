"""Validating a whole corpus: skipped files and videos listed twice."""
from __future__ import annotations

from alloava_analysis.runs.validate import validate_corpus
from tests.fixtures.tiny_stats import duplicate_video


def test_validate_reports_a_video_listed_under_two_categories(tiny_corpus):
    original, copy = duplicate_video(tiny_corpus.root)
    result = validate_corpus(tiny_corpus.root, progress=False)
    assert [d["clip_ids"] for d in result["duplicates"]] == [sorted([original, copy])]
    for report in result["clips"]:
        if report["clip_id"] in (original, copy):
            assert any("same YouTube video" in w for w in report["warnings"])


def test_files_with_bad_names_are_listed_as_skipped(tiny_corpus):
    (tiny_corpus.root / "keypoints" / "not_a_clip.json").write_text("{}")
    result = validate_corpus(tiny_corpus.root, progress=False)
    assert result["n_ok"] == 4
    assert [s["path"].rsplit("/", 1)[1] for s in result["skipped"]] == ["not_a_clip.json"]
