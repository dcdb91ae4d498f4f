"""``alloava fetch`` against the loopback stand-in for the Hugging Face Hub: JSON contract, human output, exit codes."""
from __future__ import annotations

from tests.unit.cli.helpers import run
from tests.unit.io.test_hub import hub, released  # noqa: F401 - fixtures

MISSING = "TED_notthere012"


def _argv(server, ids, out, *extra):
    return ["fetch", "--ids", *ids, "--modalities", "keypoints", "--out", out, "--endpoint", server.endpoint,
            "--quiet", *extra]


def test_fetch_json_contract_and_a_failed_clip(hub, released, tmp_path):  # noqa: F811
    _, ids = released
    code, result, _ = run(_argv(hub, [ids[0], MISSING], tmp_path / "o", "--json"))
    assert code == 1  # one clip failed; the other was fetched
    assert {"downloaded", "skipped", "failed", "already_present"} <= set(result)
    assert result["downloaded"] == [f"keypoints/{ids[0]}.json"] and result["skipped"] == []
    assert [f["clip_id"] for f in result["failed"]] == [MISSING] and result["failed"][0]["reason"]


def test_fetch_again_is_already_present_and_exits_0(hub, released, tmp_path):  # noqa: F811
    _, ids = released
    assert run(_argv(hub, [ids[0]], tmp_path / "o"))[0] == 0
    code, out, _ = run(_argv(hub, [ids[0]], tmp_path / "o"))  # human output of a resumed run
    assert code == 0
    assert "downloaded 0 file(s)" in out and "1 already present" in out and "0 failed" in out
    code, result, _ = run(_argv(hub, [ids[0]], tmp_path / "o", "--json"))
    assert code == 0 and result["already_present"] == [f"keypoints/{ids[0]}.json"] and result["skipped"] == []


def test_fetch_human_output_lists_failures(hub, released, tmp_path):  # noqa: F811
    _, ids = released
    code, out, _ = run(_argv(hub, [MISSING], tmp_path / "o"))
    assert code == 1 and f"failed {MISSING}" in out and "not in the repository" in out


def test_fetch_without_a_subset_is_a_usage_error(tmp_path):
    code, result, _ = run(["fetch", "--out", tmp_path / "o", "--endpoint", "http://127.0.0.1:9", "--json"])
    assert code == 2 and result["error"] == "ParameterError" and "ids, categories or a manifest" in result["message"]


def test_fetch_unknown_modality_is_a_usage_error_listing_the_allowed_ones(tmp_path):
    code, out, err = run(["fetch", "--ids", "TED_abcdefghijk", "--modalities", "pose", "--out", tmp_path])
    assert code == 2 and out == "" and "'keypoints_video'" in err and "'pose'" in err
