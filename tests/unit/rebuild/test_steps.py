"""The download step on loopback servers: every request yt-dlp makes is held to the allowed hosts.

Two "hosts" on one machine: 127.0.0.1 (allowed) and 127.0.0.2 (not allowed).
A redirect from the allowed host to the other one, and a page on the allowed
host that embeds media from the other one, must both fail the clip without a
single request reaching 127.0.0.2.
"""
from __future__ import annotations

import os

import pytest

from alloava_analysis.rebuild import ClipTask, StepError, download_source
from tests.fixtures.http_files import FileServer

MEDIA = os.urandom(20_000)


@pytest.fixture
def servers(tmp_path):
    allowed, other = tmp_path / "allowed", tmp_path / "other"
    for root in (allowed, other):
        root.mkdir()
        (root / "clip.mp4").write_bytes(MEDIA)
    with FileServer(allowed) as ok, FileServer(other, host="127.0.0.2") as foreign:
        page = '<html><body><video controls src="{}"></video></body></html>'
        (allowed / "foreign.html").write_text(page.format(foreign.url("clip.mp4")), encoding="utf-8")
        (allowed / "local.html").write_text(page.format(ok.url("clip.mp4")), encoding="utf-8")
        ok.redirects["away.mp4"] = foreign.url("clip.mp4")
        ok.redirects["here.mp4"] = ok.url("clip.mp4")
        yield ok, foreign


def task(url: str, out) -> ClipTask:
    return ClipTask(clip_id="TED_aaaaaaaaaaa", url=url, out=str(out), modalities=("video",),
                    allowed_hosts=("127.0.0.1",))


@pytest.mark.parametrize("name", ["clip.mp4", "here.mp4", "local.html"])
def test_media_on_the_allowed_host_downloads(servers, tmp_path, name):
    ok, foreign = servers
    outputs = download_source(task(ok.url(name), tmp_path / "out"))
    assert list(outputs) == ["video/TED_aaaaaaaaaaa.mp4"]
    assert (tmp_path / "out" / "video" / "TED_aaaaaaaaaaa.mp4").read_bytes() == MEDIA
    assert foreign.requests == []


@pytest.mark.parametrize("name, how", [("away.mp4", "redirect"), ("foreign.html", "embedded media")])
def test_no_request_reaches_a_host_that_is_not_allowed(servers, tmp_path, name, how):
    ok, foreign = servers
    with pytest.raises(StepError, match="127.0.0.2") as info:
        download_source(task(ok.url(name), tmp_path / "out"))
    assert "allow" in str(info.value)
    assert foreign.requests == []  # refused before it was sent
    assert not (tmp_path / "out" / "video").exists()


def _via_guard(guard_url: str, connect_to: str, request: bytes) -> bytes:
    import socket
    from urllib.parse import urlsplit

    proxy = urlsplit(guard_url)
    with socket.create_connection((proxy.hostname, proxy.port), timeout=10) as sock:
        sock.sendall(f"CONNECT {connect_to} HTTP/1.1\r\nHost: {connect_to}\r\n\r\n".encode())
        answer = sock.recv(4096)
        if b" 200 " in answer.split(b"\r\n")[0]:
            sock.sendall(request)
            while chunk := sock.recv(65536):
                answer += chunk
        return answer


def test_https_tunnels_are_held_to_the_allowed_hosts_too(servers):
    """``CONNECT host:port`` (how https goes through a proxy) is refused for other hosts, tunnelled for allowed ones."""
    from urllib.parse import urlsplit

    from alloava_analysis.rebuild.guard import HostGuard

    ok, foreign = servers
    with HostGuard(("127.0.0.1",)) as guard:
        for server, expect in ((ok, b"200 OK"), (foreign, b"403")):
            where = urlsplit(server.url("clip.mp4")).netloc
            get = f"GET /clip.mp4 HTTP/1.1\r\nHost: {where}\r\nConnection: close\r\n\r\n".encode()
            answer = _via_guard(guard.url, where, get)
            assert expect in answer and (MEDIA in answer) == (server is ok)
        assert guard.refused == ["127.0.0.2"]
    assert foreign.requests == [] and ok.gets("clip.mp4") == [None]


@pytest.mark.parametrize("kernel_signal", [True, False])
def test_a_process_set_to_die_with_its_parent_does(tmp_path, kernel_signal):
    """The kernel's parent-death signal (Linux) and the portable watchdog thread each end an orphan."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    repo = Path(__file__).resolve().parents[3]
    armed = tmp_path / "armed"
    child = ("import os, sys, time; from alloava_analysis.rebuild.executors import die_with_parent; "
             f"die_with_parent(int(sys.argv[1]), interval_s=0.1, kernel_signal={kernel_signal}); "
             f"open({str(armed)!r}, 'w').close(); time.sleep(60)")
    parent = ("import os, subprocess, sys, time; "
              f"p = subprocess.Popen([sys.executable, '-c', {child!r}, str(os.getpid())]); print(p.pid, flush=True); "
              "time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", parent], cwd=repo, stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=str(repo)))
    orphan = int(proc.stdout.readline())
    stat = Path(f"/proc/{orphan}/stat")
    deadline = time.monotonic() + 30
    while not armed.exists():
        assert time.monotonic() < deadline, "the child never armed itself"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30  # generous; it goes within a fraction of a second
    while stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] not in "ZX":
        assert time.monotonic() < deadline, "the orphan outlived its parent"
        time.sleep(0.05)


def test_a_manifest_whose_labels_would_shadow_index_columns_is_refused(tmp_path):
    import pandas as pd

    from alloava_analysis.io.manifest import ManifestError
    from alloava_analysis.rebuild import rebuild

    manifest = pd.DataFrame([{"clip_id": "TED_aaaaaaaaaaa", "gender": "female", "words": "many"}])
    with pytest.raises(ManifestError, match="'words'"):
        rebuild(manifest, tmp_path / "out", progress=False)
