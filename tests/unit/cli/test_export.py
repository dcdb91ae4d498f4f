"""``alloava export``: JSON contract (DESIGN §8: ``{files}``), every format, failed clips, usage errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from alloava_analysis.cli import main
from tests.fixtures.datasets import corrupt, snapshot


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if "--json" in argv and out.strip() else out), err


@pytest.mark.parametrize("to, suffix", [("netcdf", ".nc"), ("eaf", ".eaf"), ("textgrid", ".TextGrid"),
                                        ("pose", ".pose"), ("parquet", ".parquet"), ("csv", ".csv")])
def test_export_json_contract_for_every_format(capsys, tiny_corpus, tmp_path, to, suffix):
    before = snapshot(tiny_corpus.root)
    code, result, _ = _run(capsys, "export", tiny_corpus.root, "--to", to, "--out", tmp_path / to, "--window", "1",
                           "--json", "--quiet")
    assert code == 0, result
    assert {"files", "clips", "out", "format", "failed", "skipped"} <= set(result)
    assert result["clips"] == len(tiny_corpus.clip_ids) and result["failed"] == [] and result["format"] == to
    assert result["files"] and all(Path(f).exists() and f.endswith(suffix) for f in result["files"])
    assert snapshot(tiny_corpus.root) == before  # sources untouched


def test_export_exits_1_listing_a_failed_clip_and_exports_the_rest(capsys, tiny_corpus):
    bad = tiny_corpus.clip_ids[0]
    corrupt(tiny_corpus.root, bad, "truncate_keypoints")
    code, result, _ = _run(capsys, "export", tiny_corpus.root, "--to", "textgrid", "--json", "--quiet")
    assert code == 1 and [f["clip_id"] for f in result["failed"]] == [bad]
    assert result["clips"] == len(tiny_corpus.clip_ids) - 1
    assert Path(result["out"]) == tiny_corpus.root / "export" / "textgrid"
    code, out, _ = _run(capsys, "export", tiny_corpus.root, "--to", "textgrid", "--quiet")
    assert code == 1 and "as textgrid" in out and f"failed {bad}:" in out


def test_export_usage_errors_exit_2(capsys, tiny_corpus, tmp_path):
    code, _, err = _run(capsys, "export", tiny_corpus.root, "--to", "docx")
    assert code == 2 and "netcdf" in err
    code, _, err = _run(capsys, "export", tiny_corpus.root, "--to", "csv", "--window", "0")
    assert code == 2 and "expected a number > 0" in err
    code, result, _ = _run(capsys, "export", tmp_path / "nowhere", "--to", "csv", "--json")
    assert code == 2 and "nowhere" in result["message"]
