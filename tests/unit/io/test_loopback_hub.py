"""The loopback Hub: tree pages, resolve with git ETags or an LFS redirect to the CDN, ranges, faults, the log."""
from __future__ import annotations

import hashlib
import http.client
import json
from urllib.parse import urlparse

import pytest

from alloava_analysis.io.hub import DEFAULT_REPO
from alloava_analysis.io.loopback_hub import COMMIT, FakeHub, HubFile, HubServer, serve_corpus

REPO = "someone/data"
BIG = bytes(range(256)) * 8  # 2048 bytes: LFS by size


def _request(base: str, path: str, *, method: str = "GET", headers: dict | None = None):
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request(method, path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, response.headers, body


@pytest.fixture
def server():
    hub = FakeHub(page_size=2)
    hub.add(REPO, "a/x.txt", b"hello\n")
    hub.add(REPO, "a/y.bin", BIG)
    hub.add(REPO, "b.txt", b"bee")
    with HubServer(hub) as srv:
        yield srv


def test_file_ids_are_git_blob_ids_and_sha256():
    item = HubFile("x.txt", b"hello\n", lfs=False)
    assert item.blob_id == "ce013625030ba8dba906f756967f9e9ca394464a"   # `git hash-object` of "hello\n"
    assert item.sha256 == hashlib.sha256(b"hello\n").hexdigest()
    hub = FakeHub()
    assert not hub.add(REPO, "k", b"x" * 1024).lfs and hub.add(REPO, "l", b"x" * 1025).lfs
    assert hub.by_sha(hashlib.sha256(b"x" * 1025).hexdigest()).path == "l" and hub.named("k") == (REPO, "k")


def test_the_tree_is_paged_with_link_headers(server):
    entries, path = [], f"/api/datasets/{REPO}/tree/main?recursive=true"
    while path:
        status, headers, body = _request(server.endpoint, path)
        assert status == 200 and len(json.loads(body)) <= 2
        entries += json.loads(body)
        link = headers.get("Link")
        path = urlparse(link[1:link.index(">")])._replace(scheme="", netloc="").geturl() if link else None
    assert [(e["type"], e["path"]) for e in entries] == [
        ("directory", "a"), ("file", "a/x.txt"), ("file", "a/y.bin"), ("file", "b.txt")]
    assert entries[2]["lfs"]["oid"] == hashlib.sha256(BIG).hexdigest() and "lfs" not in entries[1]
    status, _, body = _request(server.endpoint, f"/api/datasets/{REPO}/tree/main")   # not recursive: the top only
    assert [e["path"] for e in json.loads(body)] == ["a", "b.txt"]


def test_small_files_resolve_directly_and_lfs_files_redirect_to_the_cdn_which_honours_ranges(server):
    status, headers, body = _request(server.endpoint, f"/datasets/{REPO}/resolve/main/a/x.txt")
    assert (status, body, headers["X-Repo-Commit"]) == (200, b"hello\n", COMMIT)
    assert headers["ETag"] == '"ce013625030ba8dba906f756967f9e9ca394464a"'
    status, headers, body = _request(server.endpoint, f"/datasets/{REPO}/resolve/main/a/y.bin", method="HEAD")
    sha = hashlib.sha256(BIG).hexdigest()
    assert status == 302 and headers["Location"] == f"{server.hub.cdn}/blobs/{sha}"
    assert (headers["X-Linked-Size"], headers["X-Linked-Etag"]) == ("2048", f'"{sha}"')
    status, headers, body = _request(server.hub.cdn, f"/blobs/{sha}", headers={"Range": "bytes=2000-"})
    assert (status, body, headers["Content-Range"]) == (206, BIG[2000:], "bytes 2000-2047/2048")
    assert server.hub.gets("a/y.bin") == ["bytes=2000-"] and server.hub.gets("a/x.txt") == [None]
    status, headers, _ = _request(server.endpoint, f"/datasets/{REPO}/resolve/main/nope.txt")
    assert (status, headers["X-Error-Code"]) == (404, "EntryNotFound")


def test_injected_faults_and_the_token_log(server):
    hub = server.hub
    hub.corrupt.add("b.txt")
    status, _, body = _request(server.endpoint, f"/datasets/{REPO}/resolve/main/b.txt",
                               headers={"Authorization": "Bearer t"})
    assert status == 200 and body == b"b" + bytes([ord("e") ^ 0xFF]) + b"e"
    assert hub.authorized == [("hub", f"/datasets/{REPO}/resolve/main/b.txt")]
    hub.fail_after_drop.add("a/x.txt")
    assert _request(server.endpoint, f"/datasets/{REPO}/resolve/main/a/x.txt")[0] == 503


def test_serve_corpus_offers_the_modality_folders_as_the_released_repo(tmp_path):
    (tmp_path / "audio").mkdir()
    (tmp_path / "audio" / "TED_abcdefghijk.wav").write_bytes(b"RIFF")
    (tmp_path / "notes.txt").write_text("not served")
    with serve_corpus(tmp_path, modalities=("audio",)) as srv:
        status, _, body = _request(srv.endpoint, f"/datasets/{DEFAULT_REPO}/resolve/main/audio/TED_abcdefghijk.wav")
        assert (status, body) == (200, b"RIFF") and list(srv.hub.repos[DEFAULT_REPO]) == ["audio/TED_abcdefghijk.wav"]
