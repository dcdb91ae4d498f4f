"""Fixtures shared by the rebuild tests."""
from __future__ import annotations

import pytest

from tests.fixtures.http_files import FileServer
from tests.fixtures.rebuild import MEDIA


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
