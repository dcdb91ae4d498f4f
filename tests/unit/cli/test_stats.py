"""``alloava stats``: JSON contract (DESIGN §8), human output with claims and their sources, failed/skipped."""
from __future__ import annotations

import pytest

from tests.fixtures.datasets import corrupt
from tests.unit.cli.helpers import run

MEASURED_KEYS = {"videos", "hours", "avg_minutes", "speakers", "words", "wpm", "frames", "keypoints", "bytes",
                 "content_distribution"}


@pytest.mark.parametrize("converted", [False, True])
def test_stats_json_contract(tiny_corpus, converted):
    if converted:
        assert run(["convert", tiny_corpus.root, "--quiet"])[0] == 0
    code, result, _ = run(["stats", tiny_corpus.root, "--json", "--quiet"])
    assert code == 0 and result["failed"] == [] and result["skipped"] == []
    assert result["settings"] == {} and result["notes"] == []  # the one driver shape
    assert MEASURED_KEYS <= set(result["measured"])
    assert result["measured"]["videos"] == 4 and result["measured"]["wpm"] == 180.0
    assert result["claims"] and all({"name", "claimed", "measured", "source"} <= set(c) for c in result["claims"])


def test_stats_exits_1_listing_the_clips_it_could_not_load(tiny_corpus):
    corrupt(tiny_corpus.root, tiny_corpus.clip_ids[0], "empty_transcript")
    code, result, _ = run(["stats", tiny_corpus.root, "--json", "--quiet"])
    assert code == 1 and result["measured"]["videos"] == 3
    assert [f["clip_id"] for f in result["failed"]] == [tiny_corpus.clip_ids[0]] and result["failed"][0]["reason"]


def test_stats_lists_skipped_files(tiny_corpus):
    (tiny_corpus.root / "transcript" / "notes_about_it.json").write_text("{}")
    code, result, _ = run(["stats", tiny_corpus.root, "--json", "--quiet"])
    assert code == 1 and [s["path"].rsplit("/", 1)[1] for s in result["skipped"]] == ["notes_about_it.json"]


def test_stats_with_an_external_labels_file(tiny_corpus, tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_text("clip_id,speaker_id\n" + "".join(f"{c},same\n" for c in tiny_corpus.clip_ids))
    code, result, _ = run(["stats", tiny_corpus.root, "--labels", labels, "--json", "--quiet"])
    assert code == 0 and result["measured"]["speakers"] == 1


def test_stats_with_a_missing_labels_file_is_a_usage_error(tiny_corpus, tmp_path):
    code, result, _ = run(["stats", tiny_corpus.root, "--labels", tmp_path / "absent.csv", "--json", "--quiet"])
    assert code == 2 and result["error"] == "InputPathError" and "absent.csv: no such file" in result["message"]


def test_stats_human_output_for_people(tiny_corpus):
    corrupt(tiny_corpus.root, tiny_corpus.clip_ids[0], "empty_transcript")
    code, out, _ = run(["stats", tiny_corpus.root, "--quiet"])
    assert code == 1
    assert "7,500" in out and "15,000,000" in out  # thousands separators
    assert "words/min" in out and " h " in out  # units
    assert "n/a" in out and "None" not in out  # the paper's r is not measured by stats
    assert "sources:" in out and "card: Hugging Face dataset card" in out and "paper: " in out
    claim_lines = [line for line in out.splitlines() if line.strip().startswith(("videos ", "wpm "))
                   and line.rstrip().endswith("card")]
    assert len(claim_lines) == 2 and len({line.rindex("card") for line in claim_lines}) == 1  # aligned
    assert f"failed {tiny_corpus.clip_ids[0]}:" in out


def test_stats_human_output_says_a_video_is_counted_once(tiny_corpus):
    from tests.fixtures.tiny_stats import duplicate_video

    original, copy = duplicate_video(tiny_corpus.root)
    code, out, _ = run(["stats", tiny_corpus.root, "--quiet"])
    assert code == 0 and f"note: YouTube video {original[-11:]} is listed as " in out
