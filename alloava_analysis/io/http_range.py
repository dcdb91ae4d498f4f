"""Single-range ``Range: bytes=N-[M]`` handling shared by the loopback test servers."""
from __future__ import annotations

from http.server import BaseHTTPRequestHandler


def start_ranged_response(handler: BaseHTTPRequestHandler, size: int, content_type: str) -> tuple[int, int] | None:
    """Send the status line and range headers for a body of ``size`` bytes.

    The caller adds any further headers, then calls ``end_headers()`` and
    writes the body.

    Parameters
    ----------
    handler
        The request being answered (its ``Range`` header is read).
    size
        Length of the whole body in bytes.
    content_type
        The ``Content-Type`` header's value.

    Returns
    -------
    tuple of int or None
        The ``(start, end)`` byte span (inclusive) to send, or None after
        answering 416 for a range that starts past the end.
    """
    start, end, status = 0, size - 1, 200
    requested = handler.headers.get("Range")
    if requested and requested.startswith("bytes="):
        first, _, last = requested[len("bytes="):].partition("-")
        start = int(first or 0)
        end = min(int(last), size - 1) if last else size - 1
        status = 206
        if start >= size:
            handler.send_response(416)
            handler.send_header("Content-Range", f"bytes */{size}")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return None
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Accept-Ranges", "bytes")
    handler.send_header("Content-Length", str(end - start + 1))
    if status == 206:
        handler.send_header("Content-Range", f"bytes {start}-{end}/{size}")
    return start, end
