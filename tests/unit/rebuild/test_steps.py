"""The download step on loopback servers: every request yt-dlp makes is held to the allowed hosts.

Two "hosts" on one machine: 127.0.0.1 (allowed) and 127.0.0.2 (not allowed).
A redirect from the allowed host to the other one, and a page on the allowed
host that embeds media from the other one, must both fail the clip without a
single request reaching 127.0.0.2.
"""
from __future__ import annotations

import pytest

from alloava_analysis.rebuild import ClipTask, StepError, download_source
from tests.fixtures.rebuild import MEDIA


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
