"""A loopback stand-in for the few Hugging Face Hub endpoints that ``alloava fetch`` uses.

Used by the fetch tests and, through :func:`serve_corpus`, by notebook 10 to fetch a subset of the
embedded sample offline exactly as it would be fetched from the real Hub.

Two HTTP servers on 127.0.0.1 (different ports, so different origins):

hub
    ``GET /api/datasets/<repo>/tree/<rev>[/<path>]?recursive=&expand=`` (paged with a
    GitHub-style ``Link: <...>; rel="next"`` header) and ``HEAD``/``GET
    /datasets/<repo>/resolve/<rev>/<path>``. Small files are answered directly with
    ``ETag`` (git blob id) and ``X-Repo-Commit``; LFS files get a 302 to the CDN with
    ``X-Linked-Size``, ``X-Linked-Etag`` (their sha256) and ``X-Repo-Commit``, as
    the real Hub does.
cdn
    ``HEAD``/``GET /blobs/<sha256>`` with single-range ``Range: bytes=N-`` support (206).

Fault injection, per repo path: ``drop_after[path] = n`` sends the full
``Content-Length`` but closes the connection after ``n`` body bytes (once);
``fail_after_drop.add(path)`` answers 503 to every later request for that file
until removed; ``corrupt.add(path)`` flips a byte of the body. ``by_name = True`` makes
the hub answer any request whose last path segment is a file's name with that file (a
lenient mirror: clients normalise ``..`` in URLs, so hostile listings need it). Every request is
recorded in ``requests`` as ``(server, method, path, range header)``, and those
carrying an ``Authorization`` header in ``authorized`` as ``(server, path)``.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, quote, unquote, urlparse

from .http_range import start_ranged_response

COMMIT = "0123456789abcdef0123456789abcdef01234567"


@dataclass
class HubFile:
    """One file of a fake repo: its path in the repo, its bytes and whether it is stored with LFS."""

    path: str
    data: bytes
    lfs: bool

    @property
    def sha256(self) -> str:
        """SHA-256 of the content (the LFS oid the CDN serves it under)."""
        return hashlib.sha256(self.data).hexdigest()

    @property
    def blob_id(self) -> str:
        """The git blob id (sha1 of the blob header and content), the ETag of a non-LFS file."""
        return hashlib.sha1(b"blob %d\0" % len(self.data) + self.data).hexdigest()


@dataclass
class FakeHub:
    """State shared by the two servers (files per repo, fault injection, request log)."""

    repos: dict[str, dict[str, HubFile]] = field(default_factory=dict)
    page_size: int = 4
    drop_after: dict[str, int] = field(default_factory=dict)
    fail_after_drop: set[str] = field(default_factory=set)
    corrupt: set[str] = field(default_factory=set)
    by_name: bool = False
    requests: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    authorized: list[tuple[str, str]] = field(default_factory=list)  # (server, path) of requests with a token
    endpoint: str = ""
    cdn: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, repo: str, path: str, data: bytes, *, lfs: bool | None = None) -> HubFile:
        """Add a file (LFS when larger than 1 KiB unless told).

        Parameters
        ----------
        repo
            Repository id (``owner/name``); created on first use.
        path
            The file's path in the repository.
        data
            Its content.
        lfs
            Serve it as an LFS file (a redirect to the CDN); None decides by size.

        Returns
        -------
        HubFile
            The stored file (its ``sha256`` and ``blob_id`` are what the servers report).
        """
        item = HubFile(path, data, len(data) > 1024 if lfs is None else lfs)
        self.repos.setdefault(repo, {})[path] = item
        return item

    def by_sha(self, sha: str) -> HubFile | None:
        """The LFS file whose sha256 is ``sha`` (what the CDN serves), or None.

        Parameters
        ----------
        sha
            64 hexadecimal digits.

        Returns
        -------
        HubFile or None
            The first LFS file of any repository with that content hash.
        """
        for files in self.repos.values():
            for item in files.values():
                if item.lfs and item.sha256 == sha:
                    return item
        return None

    def named(self, name: str) -> tuple[str, str] | None:
        """``(repo, path)`` of the first file whose last path segment is ``name`` (for ``by_name``).

        Parameters
        ----------
        name
            A file name (backslashes in stored paths count as separators).

        Returns
        -------
        tuple of str or None
            ``(repo, path)``, or None when no file has that name.
        """
        return next(((r, p) for r, files in self.repos.items() for p in files
                     if p.replace("\\", "/").rsplit("/", 1)[-1] == name), None)

    def log(self, server: str, method: str, path: str, rng: str | None) -> None:
        """Record one request in :attr:`requests` (thread-safe).

        Parameters
        ----------
        server
            ``"hub"`` or ``"cdn"``.
        method
            ``"GET"`` or ``"HEAD"``.
        path
            The URL path, unquoted.
        rng
            The ``Range`` header, or None.
        """
        with self._lock:
            self.requests.append((server, method, path, rng))

    def gets(self, repo_path: str) -> list[str | None]:
        """Range headers of every GET that transferred ``repo_path``'s bytes.

        Parameters
        ----------
        repo_path
            A file's path in its repository (it must have been added).

        Returns
        -------
        list
            The ``Range`` header (None for a whole-file GET) of each such request, in order.
        """
        item = next(f for files in self.repos.values() for p, f in files.items() if p == repo_path)
        names = {f"/blobs/{item.sha256}"} if item.lfs else set()
        return [r for s, m, p, r in self.requests if m == "GET" and (p in names or p.endswith("/" + repo_path))]


def _tree_entry(item: HubFile) -> dict:
    entry = {"type": "file", "oid": item.blob_id, "size": len(item.data), "path": item.path}
    if item.lfs:
        entry["lfs"] = {"oid": item.sha256, "size": len(item.data), "pointerSize": 134}
    return entry


def _folders(files: dict[str, HubFile]) -> list[str]:
    out = set()
    for path in files:
        parts = path.split("/")[:-1]
        out.update("/".join(parts[:i + 1]) for i in range(len(parts)))
    return sorted(out)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hub: FakeHub
    role: str

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    # -- helpers ----------------------------------------------------------------------------
    def _error(self, status: int, code: str, message: str) -> None:
        body = json.dumps({"error": message}).encode()
        self.send_response(status)
        self.send_header("X-Error-Code", code)
        self.send_header("X-Error-Message", message)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, obj, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _send_file(self, item: HubFile, extra: dict[str, str]) -> None:
        hub = self.hub
        if item.path in hub.fail_after_drop and item.path not in hub.drop_after:
            self._error(503, "ServiceUnavailable", "injected failure")
            return
        data = bytearray(item.data)
        if item.path in hub.corrupt and data:
            data[len(data) // 2] ^= 0xFF
        span = start_ranged_response(self, len(data), "application/octet-stream")
        if span is None:
            return
        body = bytes(data[span[0]:span[1] + 1])
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command == "HEAD":
            return
        cut = hub.drop_after.pop(item.path, None)
        if cut is not None:
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.close_connection = True
            import socket

            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(body)

    # -- routes -----------------------------------------------------------------------------
    def do_HEAD(self) -> None:
        self._route()

    def do_GET(self) -> None:
        self._route()

    def _route(self) -> None:
        url = urlparse(self.path)
        path = unquote(url.path)
        self.hub.log(self.role, self.command, path, self.headers.get("Range"))
        if self.headers.get("Authorization"):
            self.hub.authorized.append((self.role, path))
        if self.role == "cdn":
            item = self.hub.by_sha(path.rsplit("/", 1)[-1]) if path.startswith("/blobs/") else None
            if item is None:
                self._error(404, "EntryNotFound", "no such blob")
            else:
                self._send_file(item, {"ETag": f'"{item.sha256}"'})
            return
        parts = path.strip("/").split("/")
        if parts[:2] == ["api", "datasets"] and len(parts) >= 6 and parts[4] == "tree":
            self._tree("/".join(parts[2:4]), "/".join(parts[6:]), parse_qs(url.query))
        elif parts[:1] == ["datasets"] and len(parts) >= 6 and parts[3] == "resolve":
            self._resolve("/".join(parts[1:3]), "/".join(parts[5:]))
        elif self.hub.by_name and self.hub.named(parts[-1]):
            self._resolve(*self.hub.named(parts[-1]))
        else:
            self._error(404, "NotFound", f"no route for {path}")

    def _tree(self, repo: str, prefix: str, query: dict) -> None:
        files = self.hub.repos.get(repo)
        if files is None:
            self._error(404, "RepoNotFound", f"repository {repo} not found")
            return
        recursive = query.get("recursive", ["false"])[0].lower() == "true"
        base = prefix.strip("/") + "/" if prefix.strip("/") else ""
        entries: list[dict] = []
        for folder in _folders(files):
            if folder.startswith(base) and (recursive or "/" not in folder[len(base):]):
                entries.append({"type": "directory", "oid": "0" * 40, "size": 0, "path": folder})
        for path in sorted(files):
            if path.startswith(base) and (recursive or "/" not in path[len(base):]):
                entries.append(_tree_entry(files[path]))
        cursor = int(query.get("cursor", ["0"])[0])
        page = entries[cursor:cursor + self.hub.page_size]
        headers = {}
        if cursor + self.hub.page_size < len(entries):
            nxt = (f"{self.hub.endpoint}/api/datasets/{repo}/tree/main{'/' + quote(prefix) if prefix else ''}"
                   f"?recursive={str(recursive).lower()}&cursor={cursor + self.hub.page_size}")
            headers["Link"] = f'<{nxt}>; rel="next"'
        self._json(page, headers)

    def _resolve(self, repo: str, path: str) -> None:
        files = self.hub.repos.get(repo)
        if files is None:
            self._error(404, "RepoNotFound", f"repository {repo} not found")
            return
        item = files.get(path)
        if item is None and self.hub.by_name and self.hub.named(path.rsplit("/", 1)[-1]):
            item = files[self.hub.named(path.rsplit("/", 1)[-1])[1]]
        if item is None:
            self._error(404, "EntryNotFound", f"{path} not found")
            return
        if item.lfs:
            self.send_response(302)
            self.send_header("Location", f"{self.hub.cdn}/blobs/{item.sha256}")
            self.send_header("X-Repo-Commit", COMMIT)
            self.send_header("X-Linked-Etag", f'"{item.sha256}"')
            self.send_header("X-Linked-Size", str(len(item.data)))
            self.send_header("ETag", f'"{item.blob_id}"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._send_file(item, {"ETag": f'"{item.blob_id}"', "X-Repo-Commit": COMMIT})


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # dropped connections are injected on purpose
        pass


class HubServer:
    """Start both servers on loopback; use as a context manager (``with HubServer() as srv``)."""

    def __init__(self, hub: FakeHub | None = None):
        self.hub = hub or FakeHub()
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []

    def _start(self, role: str) -> str:
        handler = type(f"{role}Handler", (_Handler,), {"hub": self.hub, "role": role})
        server = _QuietServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        self._servers.append(server)
        self._threads.append(thread)
        return f"http://127.0.0.1:{server.server_address[1]}"

    def __enter__(self) -> "HubServer":
        self.hub.endpoint = self._start("hub")
        self.hub.cdn = self._start("cdn")
        return self

    @property
    def endpoint(self) -> str:
        """Base URL of the hub server (set on entering the context)."""
        return self.hub.endpoint

    def __exit__(self, *exc) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()


@contextlib.contextmanager
def serve_corpus(root: str | Path, *, repo: str | None = None,
                 modalities: tuple[str, ...] = ("video", "audio", "transcript", "keypoints", "keypoints_video")
                 ) -> Iterator[HubServer]:
    """Serve a local corpus folder on 127.0.0.1 as the Allo-AVA dataset repo (``hub.endpoint`` for ``fetch``).

    Every file under ``root/<modality>/`` becomes ``<modality>/<name>`` of ``repo``; nothing leaves the machine.

    Parameters
    ----------
    root
        A corpus folder in the Allo-AVA layout.
    repo
        Repository id to serve it as; None for the released repo id, so ``fetch`` needs only ``endpoint=``.
    modalities
        Modality folders to serve (keys of ``MODALITY_DIRS``).

    Yields
    ------
    HubServer
        The running servers; ``.endpoint`` is the Hub's base URL.
    """
    from ..checks import check_options
    from .hub import DEFAULT_REPO
    from .layout import MODALITY_DIRS

    check_options("modalities", modalities, MODALITY_DIRS)
    root = Path(root)
    hub = FakeHub()
    for modality in modalities:
        folder = root / modality
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            if path.is_file():
                hub.add(repo or DEFAULT_REPO, f"{modality}/{path.name}", path.read_bytes())
    with HubServer(hub) as server:
        yield server
