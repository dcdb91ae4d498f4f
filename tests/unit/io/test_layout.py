"""Clip keys, modality paths and scanning of the Allo-AVA folder layout."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alloava_analysis.errors import InvalidClipIdError, MissingModalityError, SchemaError
from alloava_analysis.io.allo_ava import load_clip
from alloava_analysis.io.layout import (
    MODALITY_EXTENSIONS,
    ClipKey,
    check_youtube_id,
    make_key,
    modality_path,
    parse_key,
    scan_layout,
)

ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
CATEGORY_CHARS = ID_CHARS.replace("_", "") + " &+.-"
EXTENSIONS = sorted({e for exts in MODALITY_EXTENSIONS.values() for e in exts})

youtube_ids = st.text(ID_CHARS, min_size=11, max_size=11)
categories = st.builds(lambda first, rest: first + rest,
                       st.sampled_from(ID_CHARS.replace("_", "").replace("-", "")),
                       st.text(CATEGORY_CHARS, max_size=20)).filter(lambda c: ".." not in c)
format_suffixes = st.one_of(st.just(""), st.integers(0, 999).map(lambda n: f".f{n}"))
extensions = st.one_of(st.just(""), st.sampled_from(EXTENSIONS), st.sampled_from(EXTENSIONS).map(str.upper))


@pytest.mark.parametrize("name, category, youtube_id", [
    ("DIY_mzstKyN5img.wav", "DIY", "mzstKyN5img"),
    ("DIY_TBRi6ecgQfc.f251.webm", "DIY", "TBRi6ecgQfc"),
    ("TED_a_b-c_d-e_f.json", "TED", "a_b-c_d-e_f"),          # ids may contain '_' and '-'
    ("Panel Discussion_abcdefghijk.mp4", "Panel Discussion", "abcdefghijk"),
    ("TED_abcdefghijk", "TED", "abcdefghijk"),                # a bare clip id
    ("TED_abcdefghijk.JSON", "TED", "abcdefghijk"),
])
def test_parse_key_valid_names(name, category, youtube_id):
    key = parse_key(name)
    assert key == ClipKey(category, youtube_id) and key.clip_id == f"{category}_{youtube_id}"
    assert str(key) == key.clip_id


@pytest.mark.parametrize("name", [
    "../TED_abcdefghijk.json",                 # traversal
    "..TED_abcdefghijk.json",
    "TED/../../abcdefghijk.json",
    "sub/TED_abcdefghijk.json",                # a path, not a name
    "/etc/TED_abcdefghijk.json",
    "..\\TED_abcdefghijk.json",
    "a..b_abcdefghijk.json",                   # '..' inside the category
    "TED_abcdefghij.json",                     # 10-character id
    "TEDabcdefghijk.json",                     # no separator
    "TED_abc$efghijk.json",                    # illegal character in the id
    "_abcdefghijk.json",                       # empty category
    "T/D_abcdefghijk",
    "TED\n_abcdefghijk.json",                  # control character in the category
    "TED_abcdefghi\nk.json",
    "",
])
def test_parse_key_rejects_malformed_names_and_traversal(name):
    with pytest.raises(InvalidClipIdError) as info:
        parse_key(name)
    assert isinstance(info.value, SchemaError) and isinstance(info.value, ValueError)
    assert info.value.path == name and "expected" in str(info.value)


@pytest.mark.parametrize("category, youtube_id", [
    ("TED", "abcdefghij"), ("TED", "abcdefghijkl"), ("TED", "abcdefghijk\n"), ("TED", "../../../etc"),
    ("TED\n", "abcdefghijk"), ("..", "abcdefghijk"), ("a/b", "abcdefghijk"), ("", "abcdefghijk"),
    ("TED", None), (None, "abcdefghijk"),
])
def test_make_key_rejects_bad_parts(category, youtube_id):
    with pytest.raises(InvalidClipIdError, match="expected"):
        make_key(category, youtube_id)


def test_check_youtube_id_names_the_file():
    with pytest.raises(InvalidClipIdError) as info:
        check_youtube_id("short", path="ids.csv")
    assert "ids.csv" in str(info.value) and "'short'" in str(info.value)
    assert check_youtube_id("a_b-c_d-e_f") == "a_b-c_d-e_f"


@settings(max_examples=300, deadline=None)
@given(category=categories, youtube_id=youtube_ids, suffix=format_suffixes, ext=extensions)
def test_parse_key_accepts_every_valid_name(category, youtube_id, suffix, ext):
    key = parse_key(f"{category}_{youtube_id}{suffix}{ext}")
    assert (key.category, key.youtube_id) == (category, youtube_id)
    assert parse_key(key.clip_id) == key


@settings(max_examples=200, deadline=None)
@given(prefix=st.sampled_from(["../", "..", "a/", "a/../", "/", "..\\", "x\\"]), category=categories,
       youtube_id=youtube_ids, ext=extensions)
def test_parse_key_rejects_every_path_or_traversal(prefix, category, youtube_id, ext):
    with pytest.raises(InvalidClipIdError):
        parse_key(f"{prefix}{category}_{youtube_id}{ext}")


@settings(max_examples=200, deadline=None)
@given(category=categories, youtube_id=youtube_ids, bad=st.characters(exclude_characters=ID_CHARS),
       position=st.integers(0, 10))
def test_parse_key_rejects_any_foreign_character_in_the_id(category, youtube_id, bad, position):
    broken = youtube_id[:position] + bad + youtube_id[position + 1:]
    with pytest.raises(InvalidClipIdError):
        make_key(category, broken)
    with pytest.raises(InvalidClipIdError):
        parse_key(f"{category}_{broken}.json")


@settings(max_examples=200, deadline=None)
@given(category=categories, youtube_id=youtube_ids, bad=st.characters(exclude_characters=CATEGORY_CHARS),
       position=st.integers(0, 20))
def test_make_key_rejects_any_foreign_character_in_the_category(category, youtube_id, bad, position):
    with pytest.raises(InvalidClipIdError):
        make_key(category[:position] + bad + category[position:], youtube_id)


def test_modality_path_builds_allo_ava_paths_and_refuses_traversal(tmp_path):
    assert modality_path(tmp_path, "audio", "DIY_mzstKyN5img") == tmp_path / "audio" / "DIY_mzstKyN5img.wav"
    assert modality_path(tmp_path, "keypoints", make_key("TED", "abcdefghijk")) == \
        tmp_path / "keypoints" / "TED_abcdefghijk.json"
    assert modality_path(tmp_path, "video", "DIY_TBRi6ecgQfc", ext=".webm").name == "DIY_TBRi6ecgQfc.webm"
    with pytest.raises(InvalidClipIdError):
        modality_path(tmp_path, "audio", "../../outside_abcdefghijk")
    with pytest.raises(ValueError, match="expected one of"):
        modality_path(tmp_path, "subtitles", "DIY_mzstKyN5img")
    for forged in (ClipKey("..", "abcdefghijk"), ClipKey("TED", "../../../../"), ClipKey("a/b", "abcdefghijk")):
        with pytest.raises(InvalidClipIdError):  # keys built without make_key are checked too
            modality_path(tmp_path, "audio", forged)


def _touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_scan_layout_matches_modalities_by_key_and_lists_skipped_files(tmp_path):
    _touch(tmp_path / "video" / "DIY_TBRi6ecgQfc.f251.webm")
    _touch(tmp_path / "audio" / "DIY_TBRi6ecgQfc.wav")
    _touch(tmp_path / "transcript" / "DIY_TBRi6ecgQfc.json")
    _touch(tmp_path / "keypoints" / "TED_a_b-c_d-e_f.json")
    _touch(tmp_path / "video" / "DIY_TBRi6ecgQfc.mp4")           # second video of one key
    _touch(tmp_path / "audio" / "notes.txt")                     # wrong extension
    _touch(tmp_path / "keypoints" / "bad_name.json")              # not a clip key
    _touch(tmp_path / "keypoints" / ".hidden.json")               # ignored
    table, skipped = scan_layout(tmp_path)
    assert list(table.clip_id) == ["DIY_TBRi6ecgQfc", "TED_a_b-c_d-e_f"]
    diy = table.iloc[0].to_dict()
    assert diy["category"] == "DIY" and diy["youtube_id"] == "TBRi6ecgQfc"
    assert diy["video"].endswith(".f251.webm") and diy["audio"].endswith(".wav") and diy["keypoints"] is None
    assert table.iloc[1]["audio"] is None and table.iloc[1]["keypoints"].endswith("TED_a_b-c_d-e_f.json")
    reasons = {s["path"].rsplit("/", 1)[1]: s["reason"] for s in skipped}
    assert set(reasons) == {"DIY_TBRi6ecgQfc.mp4", "notes.txt", "bad_name.json"}
    assert "second video" in reasons["DIY_TBRi6ecgQfc.mp4"]
    assert "expected one of" in reasons["notes.txt"] and "expected" in reasons["bad_name.json"]


def test_scan_layout_of_an_empty_folder(tmp_path):
    table, skipped = scan_layout(tmp_path)
    assert table.empty and skipped == []
    assert {"clip_id", "video", "audio", "transcript", "keypoints", "keypoints_video"} <= set(table.columns)


def test_load_clip_names_the_missing_modality(tiny_corpus):
    clip_id = tiny_corpus.clip_ids[0]
    (tiny_corpus.root / "audio" / f"{clip_id}.wav").unlink()
    with pytest.raises(MissingModalityError, match=f"{clip_id}.*audio"):
        load_clip(tiny_corpus.root, clip_id, require=("audio", "keypoints"))
    with pytest.raises(MissingModalityError, match="TED_zzzzzzzzzzz"):
        load_clip(tiny_corpus.root, "TED_zzzzzzzzzzz")
    with pytest.raises(InvalidClipIdError):
        load_clip(tiny_corpus.root, "../TED_zzzzzzzzzzz")


def test_scan_layout_lists_non_regular_files_as_skipped_with_a_reason(tmp_path):
    """Links in a loop, dangling links, folders, named pipes and devices under a clip name are reported, not ignored."""
    import os
    import stat

    good = _touch(tmp_path / "audio" / "TED_goodgoodgoo.wav")
    (tmp_path / "audio" / "TED_linkedlinke.wav").symlink_to(good)          # a link to a file: a file
    (tmp_path / "audio" / "TED_loopAloopAl.wav").symlink_to(tmp_path / "audio" / "TED_loopBloopBl.wav")
    (tmp_path / "audio" / "TED_loopBloopBl.wav").symlink_to(tmp_path / "audio" / "TED_loopAloopAl.wav")
    (tmp_path / "audio" / "TED_danglingdan.wav").symlink_to(tmp_path / "nowhere.wav")
    (tmp_path / "audio" / "TED_afolderafol.wav").mkdir()
    os.mkfifo(tmp_path / "audio" / "TED_apipeapipea.wav")
    expected = {"TED_loopAloopAl.wav": "loop", "TED_loopBloopBl.wav": "loop", "TED_danglingdan.wav": "dangling",
                "TED_afolderafol.wav": "folder", "TED_apipeapipea.wav": "pipe"}
    try:
        os.mknod(tmp_path / "audio" / "TED_adeviceadev.wav", stat.S_IFCHR | 0o600, os.makedev(1, 3))
        expected["TED_adeviceadev.wav"] = "device"
    except (PermissionError, OSError):  # no CAP_MKNOD in this container: the other kinds still run
        pass
    table, skipped = scan_layout(tmp_path)
    assert list(table.clip_id) == ["TED_goodgoodgoo", "TED_linkedlinke"]
    reasons = {s["path"].rsplit("/", 1)[1]: s["reason"] for s in skipped}
    assert set(reasons) == set(expected)
    for name, word in expected.items():
        assert word in reasons[name] and "expected a regular file" in reasons[name], (name, reasons[name])
