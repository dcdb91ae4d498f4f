"""Single-range responses of the loopback servers: 200 for the whole body, 206 for a span, 416 past the end."""
from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from alloava_analysis.io.http_range import start_ranged_response

BODY = b"0123456789"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        span = start_ranged_response(self, len(BODY), "text/plain")
        if span is not None:
            self.end_headers()
            self.wfile.write(BODY[span[0]:span[1] + 1])


@pytest.fixture(scope="module")
def port():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("rng, status, content_range, body", [
    (None, 200, None, BODY),
    ("bytes=3-", 206, "bytes 3-9/10", b"3456789"),
    ("bytes=2-4", 206, "bytes 2-4/10", b"234"),
    ("bytes=5-100", 206, "bytes 5-9/10", b"56789"),    # an end past the body is clipped
    ("bytes=10-", 416, "bytes */10", b""),
])
def test_ranges(port, rng, status, content_range, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/", headers={"Range": rng} if rng else {})
    response = conn.getresponse()
    got = response.read()
    conn.close()
    assert (response.status, response.getheader("Content-Range"), got) == (status, content_range, body)
    assert response.getheader("Content-Length") == str(len(body))
    if status != 416:
        assert response.getheader("Accept-Ranges") == "bytes" and response.getheader("Content-Type") == "text/plain"
