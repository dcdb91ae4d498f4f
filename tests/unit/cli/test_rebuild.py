"""``alloava rebuild``: JSON contract (DESIGN §8), human output of failed and resumed runs, usage errors.

The resumed run (``already_done``, the path whose human output used to crash) rebuilds one real clip from a
loopback server through the real extraction (marked ``media``).
"""
from __future__ import annotations

import pandas as pd
import pytest

from tests.unit.cli.helpers import run

FOREIGN, INVALID = "TED_eeeeeeeeeee", "not a clip"


@pytest.fixture
def bad_manifest(tmp_path):
    path = tmp_path / "subset.csv"
    pd.DataFrame([{"clip_id": FOREIGN, "url": "http://video.example.org/talk.mp4"},
                  {"clip_id": INVALID, "url": ""}]).to_csv(path, index=False)
    return path


def test_rebuild_json_lists_failed_clips_with_their_step(bad_manifest, tmp_path):
    code, result, _ = run(["rebuild", bad_manifest, "--out", tmp_path / "o", "--no-sync", "--json", "--quiet"])
    assert code == 1 and {"done", "skipped", "failed", "already_done"} <= set(result)
    assert result["done"] == [] and result["already_done"] == [] and result["skipped"] == []
    failed = {f["clip_id"]: f for f in result["failed"]}
    assert set(failed) == {FOREIGN, INVALID}
    assert failed[FOREIGN]["step"] == "download" and "video.example.org" in failed[FOREIGN]["reason"]
    assert failed[INVALID]["step"] == "manifest"


def test_rebuild_human_output_of_failed_clips(bad_manifest, tmp_path):
    code, out, _ = run(["rebuild", bad_manifest, "--out", tmp_path / "o", "--no-sync", "--quiet"])
    assert code == 1 and out.startswith("rebuilt 0 clip(s), 0 already done, 2 failed -> ")
    assert f"failed {FOREIGN} (step download): " in out and f"failed {INVALID} (step manifest): " in out


def test_rebuild_of_a_missing_manifest_is_a_usage_error(tmp_path):
    code, result, _ = run(["rebuild", tmp_path / "absent.csv", "--out", tmp_path / "o", "--json", "--quiet"])
    assert code == 2 and result["error"] == "InputPathError" and "manifest not found" in result["message"]


@pytest.mark.media
def test_a_resumed_rebuild_reports_already_done_in_both_outputs(tmp_path):
    pytest.importorskip("mediapipe")
    pytest.importorskip("yt_dlp")
    from tests.fixtures.http_files import FileServer
    from tests.fixtures.short_media import make_short_talk

    src = tmp_path / "src"
    src.mkdir()
    make_short_talk(src / "a.mp4")
    with FileServer(src) as server:
        manifest = tmp_path / "m.csv"
        pd.DataFrame([{"clip_id": "TED_aaaaaaaaaaa", "url": server.url("a.mp4")}]).to_csv(manifest, index=False)
        argv = ["rebuild", manifest, "--out", tmp_path / "o", "--allow-host", "127.0.0.1", "--no-sync", "--quiet"]
        code, first, _ = run([*argv, "--json"])
        assert code == 0 and first["done"] == ["TED_aaaaaaaaaaa"] and first["failed"] == []
        code, again, _ = run([*argv, "--json"])
        assert code == 0 and again["done"] == [] and again["already_done"] == ["TED_aaaaaaaaaaa"]
        assert again["skipped"] == []
        code, out, _ = run(argv)  # the human output of a resumed run (it used to raise TypeError)
        assert code == 0 and out.startswith("rebuilt 0 clip(s), 1 already done, 0 failed -> ")
