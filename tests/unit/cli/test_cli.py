"""The ``alloava`` command: JSON key contracts (DESIGN §8), exit codes 0/1/2, stdout holds only the JSON."""
from __future__ import annotations

import json

import pytest

from alloava_analysis.cli import main
from tests.fixtures.datasets import corrupt, snapshot

MEASURED_KEYS = {"videos", "hours", "avg_minutes", "speakers", "words", "wpm", "frames", "keypoints", "bytes",
                 "content_distribution"}


def run(capsys, *argv):
    """Run ``alloava argv``; return (exit code, parsed stdout JSON or raw text, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    if "--json" in argv and out.strip():
        lines = out.strip().splitlines()
        assert len(lines) == 1, f"expected one JSON object on stdout, got {out!r}"
        return code, json.loads(lines[0]), err
    return code, out, err


def test_validate_json_contract_on_a_good_corpus(capsys, tiny_corpus):
    code, result, _ = run(capsys, "validate", tiny_corpus.root, "--json")  # progress bars on: they go to stderr
    assert code == 0
    assert {"clips", "n_ok", "n_errors"} <= set(result)
    assert result["n_ok"] == 4 and result["n_errors"] == 0
    for clip in result["clips"]:
        assert {"clip_id", "ok", "errors", "warnings", "schema_variant"} <= set(clip)
        assert clip["ok"] is True and clip["schema_variant"].startswith("frame_list/")


def test_validate_exits_1_and_still_reports_the_good_clips(capsys, tiny_corpus):
    bad = tiny_corpus.clip_ids[2]
    corrupt(tiny_corpus.root, bad, "truncate_transcript")
    corrupt(tiny_corpus.root, tiny_corpus.clip_ids[3], "wrong_rate")
    before = snapshot(tiny_corpus.root)
    code, result, _ = run(capsys, "validate", tiny_corpus.root, "--json", "--quiet")
    assert code == 1 and snapshot(tiny_corpus.root) == before
    status = {c["clip_id"]: c["ok"] for c in result["clips"]}
    assert status == {tiny_corpus.clip_ids[0]: True, tiny_corpus.clip_ids[1]: True, bad: False,
                      tiny_corpus.clip_ids[3]: False}
    assert result["n_ok"] == 2 and result["n_errors"] == 2
    errors = next(c["errors"] for c in result["clips"] if c["clip_id"] == bad)
    assert any(f"{bad}.json" in e and "line 1, column" in e for e in errors)


def test_validate_human_output(capsys, tiny_corpus):
    corrupt(tiny_corpus.root, tiny_corpus.clip_ids[0], "remove_audio")
    code, out, _ = run(capsys, "validate", tiny_corpus.root, "--quiet")
    assert code == 1 and "3 clip(s) ok, 1 with errors" in out and "missing audio" in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


def test_convert_json_contract_and_exit_codes(capsys, tiny_corpus):
    before = snapshot(tiny_corpus.root)
    code, result, _ = run(capsys, "convert", tiny_corpus.root, "--json", "--quiet")
    assert code == 0 and {"clips", "rows", "seconds"} <= set(result)
    assert result["clips"] == 4 and result["rows"] == 200 and result["seconds"] >= 0
    code, again, _ = run(capsys, "convert", tiny_corpus.root, "--json", "--quiet")
    assert code == 0 and again["clips"] == 0 and again["rows"] == 0
    assert snapshot(tiny_corpus.root) == before  # only the store was written


def test_convert_exits_1_when_a_clip_fails_and_converts_the_rest(capsys, tiny_corpus, tmp_path):
    bad = tiny_corpus.clip_ids[1]
    corrupt(tiny_corpus.root, bad, "truncate_keypoints")
    before = snapshot(tiny_corpus.root)
    store = tmp_path / "elsewhere"
    code, result, _ = run(capsys, "convert", tiny_corpus.root, "--store", store, "--json", "--quiet")
    assert code == 1 and result["clips"] == 3 and result["rows"] == 150
    assert [f["clip_id"] for f in result["failed"]] == [bad]
    assert (store / "index.parquet").exists() and not (tiny_corpus.root / "store").exists()
    assert snapshot(tiny_corpus.root) == before


@pytest.mark.parametrize("command", ["validate", "convert", "stats"])
def test_corpus_commands_list_skipped_files(capsys, tiny_corpus, command):
    (tiny_corpus.root / "transcript" / "notes_about_it.json").write_text("{}")
    code, result, _ = run(capsys, command, tiny_corpus.root, "--json", "--quiet")
    skipped = result.get("skipped_files", result.get("skipped"))
    assert [s["path"].rsplit("/", 1)[1] for s in skipped] == ["notes_about_it.json"]
    assert all(s["reason"] for s in skipped)


@pytest.mark.parametrize("converted", [False, True])
def test_stats_json_contract(capsys, tiny_corpus, converted):
    if converted:
        assert run(capsys, "convert", tiny_corpus.root, "--quiet")[0] == 0
    code, result, _ = run(capsys, "stats", tiny_corpus.root, "--json", "--quiet")
    assert code == 0
    assert MEASURED_KEYS <= set(result["measured"])
    assert result["measured"]["videos"] == 4 and result["measured"]["wpm"] == 180.0
    assert result["claims"] and all({"name", "claimed", "measured", "source"} <= set(c) for c in result["claims"])


def test_stats_exits_1_listing_the_clips_it_skipped(capsys, tiny_corpus):
    corrupt(tiny_corpus.root, tiny_corpus.clip_ids[0], "empty_transcript")
    code, result, _ = run(capsys, "stats", tiny_corpus.root, "--json", "--quiet")
    assert code == 1 and result["measured"]["videos"] == 3
    assert [f["clip_id"] for f in result["failed"]] == [tiny_corpus.clip_ids[0]]


def test_stats_with_an_external_labels_file(capsys, tiny_corpus, tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_text("clip_id,speaker_id\n" + "".join(f"{c},same\n" for c in tiny_corpus.clip_ids))
    code, result, _ = run(capsys, "stats", tiny_corpus.root, "--labels", labels, "--json", "--quiet")
    assert code == 0 and result["measured"]["speakers"] == 1


@pytest.mark.parametrize("argv", [
    [],                                         # no command
    ["frobnicate"],                             # unknown command
    ["validate"],                               # missing PATH
    ["validate", ".", "--tolerance", "lots"],   # bad option value
    ["convert", ".", "--no-such-flag"],
    ["synth", "out", "--clips", "many"],
], ids=["none", "unknown", "no-path", "bad-value", "bad-flag", "bad-int"])
def test_usage_errors_exit_2(capsys, argv):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and "usage:" in err


def test_a_missing_corpus_folder_is_a_usage_error_with_a_json_error(capsys, tmp_path):
    code, result, _ = run(capsys, "validate", tmp_path / "nope", "--json", "--quiet")
    assert code == 2 and result["error"] == "FileNotFoundError" and "nope" in result["message"]


def test_help_exits_0(capsys):
    assert main(["--help"]) == 0
    assert "validate" in capsys.readouterr().out
