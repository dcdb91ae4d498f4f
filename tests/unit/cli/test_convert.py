"""``alloava convert``: JSON contract (DESIGN §8), human output, failed clips, exit codes."""
from __future__ import annotations

from tests.fixtures.datasets import corrupt, snapshot
from tests.unit.cli.helpers import run


def test_convert_json_contract_and_exit_codes(tiny_corpus):
    before = snapshot(tiny_corpus.root)
    code, result, _ = run(["convert", tiny_corpus.root, "--json", "--quiet"])
    assert code == 0 and {"clips", "rows", "seconds", "skipped", "failed", "unchanged"} <= set(result)
    assert result["clips"] == 4 and result["rows"] == 200 and result["seconds"] >= 0
    code, again, _ = run(["convert", tiny_corpus.root, "--json", "--quiet"])
    assert code == 0 and again["clips"] == 0 and again["rows"] == 0 and again["unchanged"] == 4
    assert snapshot(tiny_corpus.root) == before  # only the store was written


def test_convert_exits_1_when_a_clip_fails_and_converts_the_rest(tiny_corpus, tmp_path):
    bad = tiny_corpus.clip_ids[1]
    corrupt(tiny_corpus.root, bad, "truncate_keypoints")
    before = snapshot(tiny_corpus.root)
    store = tmp_path / "elsewhere"
    code, result, _ = run(["convert", tiny_corpus.root, "--store", store, "--json", "--quiet"])
    assert code == 1 and result["clips"] == 3 and result["rows"] == 150
    assert [f["clip_id"] for f in result["failed"]] == [bad] and result["failed"][0]["reason"]
    assert (store / "index.parquet").exists() and not (tiny_corpus.root / "store").exists()
    assert snapshot(tiny_corpus.root) == before


def test_convert_human_output_lists_failed_and_skipped(tiny_corpus):
    bad = tiny_corpus.clip_ids[1]
    corrupt(tiny_corpus.root, bad, "truncate_keypoints")
    (tiny_corpus.root / "transcript" / "notes_about_it.json").write_text("{}")
    code, out, _ = run(["convert", tiny_corpus.root, "--quiet"])
    assert code == 1
    assert "converted 3 clip(s), 150 frames" in out and "0 unchanged, 1 failed" in out
    assert f"failed {bad}:" in out and "skipped " in out and "notes_about_it.json" in out


def test_convert_lists_skipped_files(tiny_corpus):
    (tiny_corpus.root / "transcript" / "notes_about_it.json").write_text("{}")
    code, result, _ = run(["convert", tiny_corpus.root, "--json", "--quiet"])
    assert code == 1 and result["failed"] == []
    assert [s["path"].rsplit("/", 1)[1] for s in result["skipped"]] == ["notes_about_it.json"]
