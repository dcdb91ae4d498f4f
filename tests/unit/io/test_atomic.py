"""Atomic writes: a write that fails midway leaves the old file intact and no temporary file behind."""
from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from alloava_analysis.io import atomic, keypoints_json, store
from alloava_analysis.io.atomic import atomic_path, atomic_write, write_json, write_text
from alloava_analysis.io.audio import write_wav
from alloava_analysis.io.keypoints_json import read_keypoints, write_keypoints
from alloava_analysis.io.layout import scan_layout
from alloava_analysis.io.transcript import write_transcript
from tests.fixtures.datasets import random_pose, tiny_words, tone


class Boom(Exception):
    pass


def _only(folder, *names):
    """The folder holds exactly ``names`` (no temporary files)."""
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)


def test_atomic_write_replaces_on_success(tmp_path):
    target = tmp_path / "sub" / "a.txt"
    with atomic_write(target, "w", encoding="utf-8") as handle:
        handle.write("new")
        assert not target.exists()  # nothing visible until the rename
    assert target.read_text() == "new"
    _only(target.parent, "a.txt")


@pytest.mark.parametrize("error", [Boom, KeyboardInterrupt])
def test_atomic_write_failing_midway_keeps_the_old_file(tmp_path, error):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(error):
        with atomic_write(target, "w") as handle:
            handle.write("half of the new")
            handle.flush()
            raise error()
    assert target.read_text() == "old"
    _only(tmp_path, "a.txt")


def test_atomic_write_failing_on_a_new_file_leaves_nothing(tmp_path):
    with pytest.raises(Boom):
        with atomic_write(tmp_path / "new.bin") as handle:
            handle.write(b"x")
            raise Boom()
    _only(tmp_path)


def test_atomic_path_renames_on_success_and_cleans_up_on_failure(tmp_path):
    target = tmp_path / "t.csv"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target and tmp.suffix == ".csv"
        tmp.write_text("a,b\n")
    assert target.read_text() == "a,b\n"
    with pytest.raises(Boom):
        with atomic_path(target) as tmp:
            tmp.write_text("partial")
            raise Boom()
    assert target.read_text() == "a,b\n"
    _only(tmp_path, "t.csv")


def test_write_json_with_nan_fails_without_touching_the_old_file(tmp_path):
    target = write_json(tmp_path / "d.json", {"a": 1})
    with pytest.raises(ValueError):
        write_json(target, {"a": [1.0] * 1000 + [float("nan")]})
    assert json.loads(target.read_text()) == {"a": 1}
    assert write_text(tmp_path / "t.txt", "hi").read_text() == "hi"
    write_json(target, {"n": np.int64(3), "v": np.arange(2), "p": tmp_path})
    assert json.loads(target.read_text()) == {"n": 3, "v": [0, 1], "p": str(tmp_path)}
    _only(tmp_path, "d.json", "t.txt")


def test_write_keypoints_failing_midway_keeps_the_old_file(tmp_path, monkeypatch):
    path = write_keypoints(tmp_path / "k.json", {"mediapipe_pose_33": random_pose(30, seed=1)})
    before = path.read_bytes()
    calls = {"n": 0}
    original = keypoints_json._nan_to_none

    def failing(row):
        calls["n"] += 1
        if calls["n"] > 33 * 10:  # after ten frames were written to the temporary file
            raise Boom()
        return original(row)

    monkeypatch.setattr(keypoints_json, "_nan_to_none", failing)
    with pytest.raises(Boom):
        write_keypoints(path, {"mediapipe_pose_33": random_pose(30, seed=2)})
    assert calls["n"] > 33 * 10
    assert path.read_bytes() == before
    assert read_keypoints(path).poses["mediapipe_pose_33"].sizes["time"] == 30
    _only(tmp_path, "k.json")


def test_write_transcript_failing_midway_keeps_the_old_file(tmp_path):
    words = tiny_words(2.0)
    path = write_transcript(tmp_path / "t.json", words)
    before = path.read_bytes()
    with pytest.raises(ValueError):
        write_transcript(path, words, meta={"z_last": float("nan")})
    assert path.read_bytes() == before
    _only(tmp_path, "t.json")


def test_write_wav_failing_midway_keeps_the_old_file(tmp_path, monkeypatch):
    path = write_wav(tmp_path / "a.wav", tone(0.1))
    before = path.read_bytes()
    real_write = sf.write

    def failing(file, data, *args, **kwargs):
        real_write(file, data[: len(data) // 2], *args, **kwargs)  # half a file on disk, then a crash
        raise Boom()

    monkeypatch.setattr(sf, "write", failing)
    with pytest.raises(Boom):
        write_wav(path, tone(0.3))
    assert path.read_bytes() == before
    _only(tmp_path, "a.wav")


def test_store_table_write_failing_midway_keeps_the_old_file(tmp_path, monkeypatch):
    pose = random_pose(10)
    path = store.write_pose(tmp_path, "TED_abcdefghijk", pose)
    before = path.read_bytes()
    real_write = store.pq.write_table

    def failing(table, where, **kwargs):
        real_write(table.slice(0, 2), where, **kwargs)
        raise Boom()

    monkeypatch.setattr(store.pq, "write_table", failing)
    with pytest.raises(Boom):
        store.write_pose(tmp_path, "TED_abcdefghijk", random_pose(20))
    assert path.read_bytes() == before
    _only(path.parent, path.name)


def test_leftover_temporary_files_are_invisible_to_the_layout_scan(tmp_path):
    (tmp_path / "keypoints").mkdir()
    (tmp_path / "keypoints" / ".TED_abcdefghijk.json.x1y2.part").write_text("{")
    (tmp_path / "audio").mkdir()
    (tmp_path / "audio" / ".TED_abcdefghijk.abc.part.wav").write_bytes(b"RIFF")
    table, skipped = scan_layout(tmp_path)
    assert table.empty and skipped == []


def test_temporary_names_are_hidden_and_beside_the_target(tmp_path, monkeypatch):
    seen = []
    real = atomic.tempfile.mkstemp

    def spy(**kwargs):
        fd, name = real(**kwargs)
        seen.append(name)
        return fd, name

    monkeypatch.setattr(atomic.tempfile, "mkstemp", spy)
    write_text(tmp_path / "a.txt", "x")
    with atomic_path(tmp_path / "b.wav") as tmp:
        tmp.write_bytes(b"x")
    assert len(seen) == 2
    for name in seen:
        assert name.startswith(str(tmp_path) + "/.")
    pd.testing.assert_index_equal(pd.Index(sorted(p.name for p in tmp_path.iterdir())), pd.Index(["a.txt", "b.wav"]))


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_atomic_files_get_the_permissions_a_plain_open_would_give(tmp_path, umask):
    old = os.umask(umask)
    try:
        write_text(tmp_path / "a.txt", "x")
        with atomic_path(tmp_path / "b.wav") as tmp:
            tmp.write_bytes(b"x")
        (tmp_path / "plain.txt").write_text("x")
    finally:
        os.umask(old)
    expected = (tmp_path / "plain.txt").stat().st_mode & 0o777
    assert expected == 0o666 & ~umask
    assert {(tmp_path / n).stat().st_mode & 0o777 for n in ("a.txt", "b.wav")} == {expected}
