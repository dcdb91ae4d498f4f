"""The host allow-list and the proxy that holds every request of a download to it."""
from __future__ import annotations

import pytest

from alloava_analysis import rebuild as rb
from tests.fixtures.rebuild import MEDIA


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



@pytest.mark.parametrize("url, ok", [
    ("https://www.youtube.com/watch?v=abcdefghijk", True),
    ("https://youtu.be/abcdefghijk", True),
    ("https://m.youtube.com/watch?v=abcdefghijk", True),
    ("https://youtube.com.evil.example/watch?v=abcdefghijk", False),
    ("https://notyoutube.com/watch?v=abcdefghijk", False),
    ("ftp://www.youtube.com/x", False),
    ("http://127.0.0.1:8000/a.mp4", False),
])
def test_host_allow_list(url, ok):
    assert rb.host_allowed(url, rb.DEFAULT_ALLOWED_HOSTS) is ok



def test_explicitly_allowed_host():
    assert rb.host_allowed("http://127.0.0.1:8000/a.mp4", (*rb.DEFAULT_ALLOWED_HOSTS, "127.0.0.1"))
