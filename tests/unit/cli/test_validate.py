"""``alloava validate``: JSON contract (DESIGN §8), human output, failed clips and skipped files, exit codes."""
from __future__ import annotations

import json

import pytest

from tests.fixtures.datasets import corrupt, snapshot
from tests.unit.cli.helpers import run


def test_validate_json_contract_on_a_good_corpus(tiny_corpus):
    code, result, _ = run(["validate", tiny_corpus.root, "--json"])  # progress bars on: they go to stderr
    assert code == 0
    assert {"clips", "n_ok", "n_errors", "skipped", "failed"} <= set(result)
    assert result["n_ok"] == 4 and result["n_errors"] == 0 and result["failed"] == [] and result["skipped"] == []
    for clip in result["clips"]:
        assert {"clip_id", "ok", "errors", "warnings", "schema_variant"} <= set(clip)
        assert clip["ok"] is True and clip["schema_variant"].startswith("frame_list/")


def test_validate_exits_1_and_still_reports_the_good_clips(tiny_corpus):
    bad = tiny_corpus.clip_ids[2]
    corrupt(tiny_corpus.root, bad, "truncate_transcript")
    corrupt(tiny_corpus.root, tiny_corpus.clip_ids[3], "wrong_rate")
    before = snapshot(tiny_corpus.root)
    code, result, _ = run(["validate", tiny_corpus.root, "--json", "--quiet"])
    assert code == 1 and snapshot(tiny_corpus.root) == before
    status = {c["clip_id"]: c["ok"] for c in result["clips"]}
    assert status == {tiny_corpus.clip_ids[0]: True, tiny_corpus.clip_ids[1]: True, bad: False,
                      tiny_corpus.clip_ids[3]: False}
    assert result["n_ok"] == 2 and result["n_errors"] == 2
    assert [f["clip_id"] for f in result["failed"]] == [bad, tiny_corpus.clip_ids[3]]
    errors = next(c["errors"] for c in result["clips"] if c["clip_id"] == bad)
    assert any(f"{bad}.json" in e and "line 1, column" in e for e in errors)
    assert f"{bad}.json" in result["failed"][0]["reason"]


def test_validate_human_output(tiny_corpus):
    corrupt(tiny_corpus.root, tiny_corpus.clip_ids[0], "remove_audio")
    (tiny_corpus.root / "transcript" / "notes_about_it.json").write_text("{}")
    code, out, _ = run(["validate", tiny_corpus.root, "--quiet"])
    assert code == 1 and "3 clip(s) ok, 1 with errors, 1 file(s) skipped" in out and "missing audio" in out
    assert "skipped " in out and "notes_about_it.json" in out
    rows = [line for line in out.splitlines() if line.strip().startswith(tuple(tiny_corpus.clip_ids))
            and ("  ok  " in line or "  ERROR  " in line)]
    assert len(rows) == 4  # one aligned row per clip
    assert len({line.index(" ok ") if " ok " in line else line.index(" ERROR ") for line in rows}) == 1
    assert len({line.index(" fps") for line in rows}) == 1
    assert "None" not in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


def test_validate_lists_skipped_files_and_exits_1(tiny_corpus):
    (tiny_corpus.root / "transcript" / "notes_about_it.json").write_text("{}")
    code, result, _ = run(["validate", tiny_corpus.root, "--json", "--quiet"])
    assert code == 1 and result["n_errors"] == 0 and result["failed"] == []
    assert [s["path"].rsplit("/", 1)[1] for s in result["skipped"]] == ["notes_about_it.json"]
    assert all(s["reason"] for s in result["skipped"])
