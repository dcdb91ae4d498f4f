"""Allowed hosts for every request of a download: a loopback forward proxy that refuses the others.

Checking the manifest URL alone is not enough: yt-dlp follows HTTP redirects
and downloads media that an allowed page embeds from anywhere. yt-dlp sends
every request (extractor pages, redirects, the media, fragments) through its
``proxy`` option, whatever HTTP library it uses, so :class:`HostGuard` is that
proxy: a small server on 127.0.0.1 that looks at the host of each request
(plain ``http://`` requests and ``CONNECT host:port`` tunnels for https) and
answers ``403`` without contacting a host that is not allowed. Redirect
targets are new requests, so they are checked too.
"""
from __future__ import annotations

import logging
import select
import socket
import socketserver
import threading
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

_HEAD_LIMIT = 64 * 1024
_HOP_HEADERS = ("connection", "proxy-connection", "keep-alive", "proxy-authorization")


def host_allowed(url: str, allowed_hosts: Iterable[str]) -> bool:
    """Whether ``url`` is http(s) on an allowed host (or a subdomain of one); ports are ignored.

    Parameters
    ----------
    url
        The URL to check.
    allowed_hosts
        Host names (case and a trailing dot do not matter).

    Returns
    -------
    bool
        False for other schemes, URLs without a host and malformed URLs.
    """
    try:
        parsed = urlsplit(url)
        host = (parsed.hostname or "").lower().rstrip(".")
    except ValueError:  # a malformed port or IPv6 literal
        return False
    if parsed.scheme not in ("http", "https") or not host:
        return False
    return name_allowed(host, allowed_hosts)


def name_allowed(host: str, allowed_hosts: Iterable[str]) -> bool:
    """Whether the host name ``host`` is an allowed host or a subdomain of one.

    Parameters
    ----------
    host
        A host name or IP address (an IPv6 address may be in brackets).
    allowed_hosts
        Host names (case and a trailing dot do not matter).

    Returns
    -------
    bool
        True when ``host`` equals one of them or ends with ``"." + one``; False for an empty ``host``.
    """
    host = host.lower().rstrip(".").strip("[]")
    return bool(host) and any(host == h.lower().rstrip(".") or host.endswith("." + h.lower().rstrip("."))
                              for h in allowed_hosts)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:  # clients hang up mid-transfer; not our concern
        log.debug("host guard: connection from %s ended with an error", client_address, exc_info=True)


class HostGuard:
    """A forward proxy on 127.0.0.1 that lets requests reach ``allowed_hosts`` only (context manager).

    Attributes
    ----------
    url
        The proxy address to give yt-dlp (``{"proxy": guard.url}``).
    refused
        Hosts of the requests refused so far, in order.
    """

    def __init__(self, allowed_hosts: Sequence[str]):
        self.allowed_hosts = tuple(allowed_hosts)
        self.refused: list[str] = []
        self._server: _Server | None = None

    @property
    def url(self) -> str:
        """The proxy address (only while the guard is running)."""
        assert self._server is not None, "use HostGuard as a context manager"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "HostGuard":
        guard = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                guard._handle(self.request)

        self._server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True,
                         name="alloava-host-guard").start()
        return self

    def __exit__(self, *exc) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- one client connection ------------------------------------------------------------------
    def _handle(self, client: socket.socket) -> None:
        head, rest = _read_head(client)
        if head is None:
            return
        lines = head.split("\r\n")
        try:
            method, target, version = lines[0].split(" ")
        except ValueError:
            _answer(client, 400, "expected a request line 'METHOD TARGET VERSION'")
            return
        if method.upper() == "CONNECT":
            host, _, port = target.rpartition(":")
            scheme = "https"
        else:
            parts = urlsplit(target)
            host, port, scheme = parts.hostname or "", str(parts.port or 80), parts.scheme
        host = host.strip("[]")
        if scheme not in ("http", "https") or not port.isdigit() or not name_allowed(host, self.allowed_hosts):
            self.refused.append(host or target)
            log.warning("refused a download request to host %r (allowed: %s)", host or target,
                        ", ".join(self.allowed_hosts))
            _answer(client, 403, f"host {host or target!r} is not an allowed host")
            return
        try:
            upstream = socket.create_connection((host, int(port)), timeout=30)
        except OSError as err:
            _answer(client, 502, f"cannot connect to {host}:{port}: {err}")
            return
        with upstream:
            if method.upper() == "CONNECT":
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:
                parts = urlsplit(target)
                path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                headers = [h for h in lines[1:] if h and h.split(":", 1)[0].strip().lower() not in _HOP_HEADERS]
                # one request per connection (both ways): a kept-alive client could name another host next
                request = "\r\n".join([f"{method} {path} {version}", *headers, "Connection: close", "", ""])
                upstream.sendall(request.encode("latin-1") + rest)
                response, body = _read_head(upstream)
                if response is None:
                    _answer(client, 502, f"{host}:{port} sent no response")
                    return
                status, *fields = response.split("\r\n")
                fields = [f for f in fields if f and f.split(":", 1)[0].strip().lower() not in _HOP_HEADERS]
                client.sendall("\r\n".join([status, *fields, "Connection: close", "", ""]).encode("latin-1") + body)
            _pipe(client, upstream)


def _read_head(sock: socket.socket) -> tuple[str | None, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(8192)
        if not chunk or len(data) > _HEAD_LIMIT:
            return None, b""
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head.decode("latin-1"), rest


def _answer(sock: socket.socket, status: int, message: str) -> None:
    reason = {400: "Bad Request", 403: "Forbidden", 502: "Bad Gateway"}[status]
    body = f"alloava rebuild: {message}\n".encode()
    head = f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n" \
           f"Connection: close\r\n\r\n"
    try:
        sock.sendall(head.encode("latin-1") + body)
    except OSError:
        pass


def _pipe(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until one side closes."""
    peers = {a: b, b: a}
    while True:
        readable, _, _ = select.select(list(peers), [], [], 60)
        if not readable:
            return
        for sock in readable:
            try:
                data = sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            try:
                peers[sock].sendall(data)
            except OSError:
                return


__all__ = ["HostGuard", "host_allowed", "name_allowed"]
