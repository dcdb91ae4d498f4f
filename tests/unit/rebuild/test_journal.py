"""The step journal: where it lives, sorted atomic JSON, unreadable journals redo everything, outputs checked."""
from __future__ import annotations

import hashlib
import json
import logging
import math

import pytest

from alloava_analysis.rebuild.journal import (
    JOURNAL_VERSION,
    file_record,
    journal_path,
    read_journal,
    step_done,
    work_dir,
    write_journal,
    write_json_sorted,
)

CLIP = "TED_abcdefghijk"


def test_paths_and_a_sorted_round_trip(tmp_path):
    assert work_dir(tmp_path, CLIP) == tmp_path / ".rebuild" / CLIP
    assert journal_path(tmp_path, CLIP) == tmp_path / ".rebuild" / CLIP / "journal.json"
    journal = {"version": JOURNAL_VERSION, "url": "https://youtu.be/abcdefghijk", "clip_id": CLIP, "steps": {}}
    write_journal(tmp_path, journal)
    text = journal_path(tmp_path, CLIP).read_text(encoding="utf-8")
    assert text == json.dumps(journal, indent=1, sort_keys=True) and read_journal(tmp_path, CLIP) == journal


def test_a_missing_unreadable_or_other_version_journal_reads_as_empty(tmp_path, caplog):
    assert read_journal(tmp_path, CLIP) == {}
    path = journal_path(tmp_path, CLIP)
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="alloava_analysis.rebuild.journal"):
        assert read_journal(tmp_path, CLIP) == {}
    assert "unreadable journal" in caplog.text and str(path) in caplog.text
    path.write_text(json.dumps({"version": JOURNAL_VERSION + 1, "clip_id": CLIP, "steps": {}}), encoding="utf-8")
    assert read_journal(tmp_path, CLIP) == {}
    path.write_text("[1, 2]", encoding="utf-8")
    assert read_journal(tmp_path, CLIP) == {}


def test_nan_is_refused_and_nothing_is_written(tmp_path):
    with pytest.raises(ValueError):
        write_json_sorted(tmp_path / "j.json", {"x": math.nan})
    assert list(tmp_path.iterdir()) == []


def test_a_step_is_done_while_its_outputs_keep_their_recorded_size(tmp_path):
    audio = tmp_path / "audio" / f"{CLIP}.wav"
    audio.parent.mkdir()
    audio.write_bytes(b"RIFF" + bytes(96))
    relative, record = file_record(tmp_path, audio)
    sha = hashlib.sha256(audio.read_bytes()).hexdigest()
    assert (relative, record) == (f"audio/{CLIP}.wav", {"bytes": 100, "sha256": sha})
    journal = {"steps": {"extract": {"outputs": {relative: record}}, "download": "garbage"}}
    assert step_done(tmp_path, journal, "extract")
    assert not step_done(tmp_path, journal, "download") and not step_done(tmp_path, journal, "checksum")
    audio.write_bytes(b"RIFF")                                      # truncated
    assert not step_done(tmp_path, journal, "extract")
    audio.unlink()
    assert not step_done(tmp_path, journal, "extract")
