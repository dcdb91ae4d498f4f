"""The extraction pipeline's clip naming: from the file name, the clip_id argument, or the file's content."""
from __future__ import annotations

import pytest

from alloava_analysis.errors import InvalidClipIdError
from alloava_analysis.extract.pipeline import clip_key_for


def test_clip_key_from_name_argument_or_content(tmp_path):
    named = tmp_path / "DIY_TBRi6ecgQfc.f251.webm"
    named.write_bytes(b"x")
    assert clip_key_for(named) == (clip_key_for(tmp_path / "DIY_TBRi6ecgQfc.mp4", "DIY_TBRi6ecgQfc")[0], False)
    other = tmp_path / "lecture.mp4"
    other.write_bytes(b"some video bytes")
    with pytest.warns(UserWarning, match="pass clip_id="):
        key, derived = clip_key_for(other)
    assert derived and key.category == "local" and len(key.youtube_id) == 11
    with pytest.warns(UserWarning):
        assert clip_key_for(other)[0] == key  # stable for the same file
    other.write_bytes(b"other video bytes")
    with pytest.warns(UserWarning):
        assert clip_key_for(other)[0] != key
    with pytest.raises(InvalidClipIdError):
        clip_key_for(other, "not a clip id")

