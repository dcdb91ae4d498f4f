"""``fetch`` against a loopback stand-in for the Hugging Face Hub (tree API, resolve, LFS redirects to a CDN)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd
import pytest

from alloava_analysis.corpus import Corpus
from alloava_analysis.errors import OutputPathError
from alloava_analysis.io.hub import DEFAULT_REPO, fetch, git_blob_sha1, list_remote_files
from tests.fixtures import datasets
from tests.fixtures.hf_server import FakeHub, HubServer

BIG = "audio/TED_bigbigbig01.wav"


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A tiny corpus written by the toolkit, to be served as if it were the released one."""
    root = tmp_path_factory.mktemp("released")
    ids = datasets.write_tiny_corpus(root, 3, labels=False)
    return root, ids


@pytest.fixture
def hub(released):
    root, _ = released
    fake = FakeHub(page_size=3)  # several pages: the client must follow the Link headers
    for path in sorted(root.rglob("*")):
        if path.is_file():
            fake.add(DEFAULT_REPO, f"data/{path.relative_to(root).as_posix()}", path.read_bytes())
    fake.add(DEFAULT_REPO, "README.md", b"# Allo-AVA\n")
    fake.add(DEFAULT_REPO, ".gitattributes", b"*.wav filter=lfs\n")
    fake.add(DEFAULT_REPO, "video/TED_bigbigbig01.f251.webm", os.urandom(3000), lfs=False)
    fake.add(DEFAULT_REPO, BIG, os.urandom(3 * 1024 * 1024))
    with HubServer(fake) as server:
        yield server


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_list_remote_files_follows_pages_and_keeps_clip_files(hub, released):
    _, ids = released
    table = list_remote_files(endpoint=hub.endpoint)
    assert set(table["clip_id"]) == set(ids) | {"TED_bigbigbig01"}
    assert "README.md" not in set(table["path"]) and ".gitattributes" not in set(table["path"])
    assert sum(1 for s, m, p, _ in hub.hub.requests if "/tree/" in p) > 1  # paged
    row = table.set_index("path").loc[BIG]
    assert row["modality"] == "audio" and row["size"] == 3 * 1024 * 1024
    assert row["sha256"] == hub.hub.repos[DEFAULT_REPO][BIG].sha256  # from the LFS metadata
    small = table[table["modality"] == "transcript"].iloc[0]
    assert small["sha256"] is None and len(small["blob_id"]) == 40
    assert table.set_index("path").loc["video/TED_bigbigbig01.f251.webm", "clip_id"] == "TED_bigbigbig01"


def test_fetch_by_ids_gives_a_corpus_the_loaders_read(hub, released, tmp_path):
    root, ids = released
    out = tmp_path / "subset"
    result = fetch(out, ids=ids[:2], modalities=["audio", "transcript", "keypoints"], endpoint=hub.endpoint,
                   progress=False)
    assert result["failed"] == []
    assert sorted(result["downloaded"]) == sorted(f"{m}/{c}.{e}" for c in ids[:2]
                                                  for m, e in (("audio", "wav"), ("transcript", "json"),
                                                               ("keypoints", "json")))
    for relative in result["downloaded"]:
        assert sha(out / relative) == sha(root / relative)
    corpus = Corpus(out)
    assert corpus.clip_ids == sorted(ids[:2])
    clip = corpus.load(ids[0])
    assert clip.pose is not None and len(clip.words) > 0 and clip.audio.samplerate == datasets.SAMPLERATE
    # a second call finds everything in place and transfers nothing
    before = len(hub.hub.requests)
    again = fetch(out, ids=ids[:2], modalities=["audio", "transcript", "keypoints"], endpoint=hub.endpoint,
                  progress=False)
    assert again["downloaded"] == [] and sorted(again["already_present"]) == sorted(result["downloaded"])
    assert again["skipped"] == []
    assert not [r for r in hub.hub.requests[before:] if r[1] == "GET" and "/tree/" not in r[2]]


def test_fetch_by_category_and_modality_only(hub, tmp_path):
    result = fetch(tmp_path / "o", categories=["TED"], modalities=["video"], endpoint=hub.endpoint,
                   progress=False)
    assert result["downloaded"] == ["video/TED_bigbigbig01.f251.webm"] and result["failed"] == []
    assert not (tmp_path / "o" / "audio").exists()


def test_endpoint_comes_from_hf_endpoint(hub, released, tmp_path, monkeypatch):
    _, ids = released
    monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
    result = fetch(tmp_path / "o", ids=[ids[0]], modalities=["keypoints"], progress=False)
    assert result["downloaded"] == [f"keypoints/{ids[0]}.json"]


def test_interrupted_transfer_is_resumed_in_the_same_call(hub, tmp_path):
    hub.hub.drop_after[BIG] = 1024 * 1024  # the connection drops after 1 MiB
    result = fetch(tmp_path / "o", ids=["TED_bigbigbig01"], modalities=["audio"], endpoint=hub.endpoint,
                   backoff_s=0.01, progress=False)
    assert result["downloaded"] == [BIG] and result["failed"] == []
    ranges = hub.hub.gets(BIG)
    assert ranges[0] is None and ranges[1] == f"bytes={1024 * 1024}-"  # resumed, not restarted
    assert sha(tmp_path / "o" / BIG) == hub.hub.repos[DEFAULT_REPO][BIG].sha256


def test_interrupted_transfer_is_resumed_by_the_next_call(hub, tmp_path):
    out = tmp_path / "o"
    hub.hub.drop_after[BIG] = 1024 * 1024
    hub.hub.fail_after_drop.add(BIG)  # and the server then fails: this call gives up
    first = fetch(out, ids=["TED_bigbigbig01"], modalities=["audio"], endpoint=hub.endpoint, retries=1,
                  backoff_s=0.01, progress=False)
    assert [f["path"] for f in first["failed"]] == [BIG] and first["downloaded"] == []
    assert not (out / BIG).exists()  # nothing partial in the layout
    partial = list((out / ".alloava_fetch").rglob("*.part"))
    assert len(partial) == 1 and partial[0].stat().st_size == 1024 * 1024
    hub.hub.fail_after_drop.clear()
    second = fetch(out, ids=["TED_bigbigbig01"], modalities=["audio"], endpoint=hub.endpoint, progress=False)
    assert second["downloaded"] == [BIG] and second["bytes"] == 2 * 1024 * 1024  # only the rest
    assert hub.hub.gets(BIG)[-1] == f"bytes={1024 * 1024}-"
    assert sha(out / BIG) == hub.hub.repos[DEFAULT_REPO][BIG].sha256
    assert not list((out / ".alloava_fetch").rglob("*.part"))


@pytest.mark.parametrize("path", [BIG, "video/TED_bigbigbig01.f251.webm"])
def test_corrupt_download_fails_verification(hub, tmp_path, path):
    """LFS files are checked against their sha256, small files against their git blob id."""
    hub.hub.corrupt.add(path)
    modality = path.split("/")[0]
    result = fetch(tmp_path / "o", ids=["TED_bigbigbig01"], modalities=[modality], endpoint=hub.endpoint,
                   progress=False)
    assert result["downloaded"] == [] and len(result["failed"]) == 1
    reason = result["failed"][0]["reason"]
    assert ("sha256" in reason) if path == BIG else ("git blob id" in reason)
    assert not (tmp_path / "o" / path).exists()
    assert not list((tmp_path / "o").rglob("*.part"))


def test_manifest_selects_and_its_checksums_are_checked(hub, released, tmp_path):
    root, ids = released
    manifest = tmp_path / "m.csv"
    pd.DataFrame([
        {"clip_id": ids[0], "modalities": "transcript",
         "sha256_transcript": sha(root / "transcript" / f"{ids[0]}.json")},
        {"clip_id": ids[1], "modalities": "transcript", "sha256_transcript": "0" * 64},
        {"clip_id": "TED_notthere012", "modalities": "audio", "sha256_transcript": ""},
        {"clip_id": "broken", "modalities": "audio", "sha256_transcript": ""},
    ]).to_csv(manifest, index=False)
    result = fetch(tmp_path / "o", manifest=manifest, endpoint=hub.endpoint, progress=False)
    assert result["downloaded"] == [f"transcript/{ids[0]}.json"]
    failed = {f["clip_id"]: f["reason"] for f in result["failed"]}
    assert set(failed) == {ids[1], "TED_notthere012", "broken"}
    assert "(manifest)" in failed[ids[1]]
    assert "not in the repository" in failed["TED_notthere012"]
    assert "row 5, column 'clip_id'" in failed["broken"]


def test_token_is_sent_to_the_hub_but_not_to_the_cdn(hub, tmp_path):
    fetch(tmp_path / "o", ids=["TED_bigbigbig01"], modalities=["audio"], endpoint=hub.endpoint, token="hf_test",
          progress=False)
    servers = {server for server, _ in hub.hub.authorized}
    assert servers == {"hub"}
    assert any(r[0] == "cdn" and r[1] == "GET" for r in hub.hub.requests)


def test_a_subset_must_be_chosen(tmp_path):
    with pytest.raises(ValueError, match="ids, categories or a manifest"):
        fetch(tmp_path, endpoint="http://127.0.0.1:9")
    with pytest.raises(ValueError, match="modalities"):
        fetch(tmp_path, ids=["TED_abcdefghijk"], modalities=["pose"], endpoint="http://127.0.0.1:9")


def test_git_blob_sha1_matches_git(tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(b"hello\n")
    assert git_blob_sha1(path) == "ce013625030ba8dba906f756967f9e9ca394464a"  # `git hash-object` of "hello\n"


@pytest.mark.parametrize("hostile", ["audio/../../../../escaped/TED_escaped0001.wav",
                                     "audio/../TED_escaped0001.wav",
                                     "/ABS/audio/TED_escaped0001.wav",
                                     "audio/..\\..\\TED_escaped0001.wav"])
def test_remote_paths_outside_out_are_skipped_before_anything_is_created(tmp_path, hostile):
    """A hostile tree entry (``..``, absolute, backslashes) creates nothing outside ``--out`` and is reported."""
    hostile = hostile.replace("/ABS", str(tmp_path / "abs"))
    fake = FakeHub(by_name=True)  # answers the normalised URL too, as a lenient mirror would
    fake.add(DEFAULT_REPO, hostile, os.urandom(2000))
    fake.add(DEFAULT_REPO, "audio/TED_fineclip001.wav", os.urandom(2000))
    sandbox = tmp_path / "sandbox"
    out = sandbox / "a" / "b" / "c" / "out"
    before = {p for p in tmp_path.rglob("*")}
    with HubServer(fake) as server:
        result = fetch(out, categories=["TED"], modalities=["audio"], endpoint=server.endpoint, progress=False)
    created = {p for p in tmp_path.rglob("*")} - before
    outside = sorted(str(p) for p in created if not p.is_relative_to(out) and not out.is_relative_to(p))
    assert outside == []
    assert result["downloaded"] == ["audio/TED_fineclip001.wav"] and result["failed"] == []
    unsafe = [s for s in result["skipped"] if s["path"] == hostile]
    assert len(unsafe) == 1 and "outside" in unsafe[0]["reason"]
    assert not list(out.rglob("*escaped*"))


def test_a_symbolic_link_leading_out_of_out_is_not_followed(hub, tmp_path):
    """``--out`` is checked before any download: a modality folder linked elsewhere refuses the whole fetch."""
    out, elsewhere = tmp_path / "o", tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "audio").symlink_to(elsewhere, target_is_directory=True)
    before = len(hub.hub.requests)
    with pytest.raises(OutputPathError, match="audio folder is a symbolic link that leads outside"):
        fetch(out, ids=["TED_bigbigbig01"], modalities=["audio"], endpoint=hub.endpoint, progress=False)
    assert list(elsewhere.iterdir()) == [] and len(hub.hub.requests) == before  # nothing was asked for
