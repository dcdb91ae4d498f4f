"""``alloava extract``: JSON contract (DESIGN §8), human output, skipped modalities, failures and usage errors.

Real media through the real models (marked ``media``): a 2.6 s talking astronaut and an audio-only WebM.
"""
from __future__ import annotations

import pytest

from tests.unit.cli.helpers import run

OFFLINE = ("--no-sync", "--offline", "--quiet")


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    pytest.importorskip("mediapipe")
    pytest.importorskip("faster_whisper")
    from scripts import make_test_media
    from tests.fixtures.short_media import make_short_talk

    folder = tmp_path_factory.mktemp("media")
    make_test_media.make_all(folder, which=("audio_only", "corrupt"))
    make_short_talk(folder / "TED_a1b2c3d4e5f.mp4")
    return folder


@pytest.mark.media
def test_extract_json_contract_and_human_output(media, tmp_path):
    code, result, _ = run(["extract", media / "TED_a1b2c3d4e5f.mp4", "--out", tmp_path / "c", *OFFLINE, "--json"])
    assert code == 0 and result["skipped"] == [] and result["failed"] == []
    assert {"clip_id", "frames", "words", "duration_s", "paths"} <= set(result)
    assert result["clip_id"] == "TED_a1b2c3d4e5f" and result["frames"] > 50 and result["words"] >= 3
    code, out, _ = run(["extract", media / "TED_a1b2c3d4e5f.mp4", "--out", tmp_path / "d", *OFFLINE])
    assert code == 0 and out.startswith("extracted TED_a1b2c3d4e5f: ") and " frames, " in out and " s" in out
    assert "keypoints" in out and "transcript" in out and "None" not in out


@pytest.mark.media
def test_extract_audio_only_skips_keypoints_exits_1_and_says_why(media, tmp_path):
    source = tmp_path / "DIY_TBRi6ecgQfc.f251.webm"
    source.write_bytes((media / "audio_only.webm").read_bytes())
    code, result, _ = run(["extract", source, "--out", tmp_path / "c", *OFFLINE, "--json"])
    assert code == 1 and result["failed"] == []
    skipped = {s["modality"]: s for s in result["skipped"]}
    assert "keypoints" in skipped and "no video stream" in skipped["keypoints"]["reason"]
    assert all(s["clip_id"] == "DIY_TBRi6ecgQfc" and s["reason"] for s in result["skipped"])
    code, out, _ = run(["extract", source, "--out", tmp_path / "d", *OFFLINE])
    assert code == 1 and "skipped DIY_TBRi6ecgQfc (modality keypoints): " in out


@pytest.mark.media
def test_extract_raw_word_times_is_recorded_in_the_transcript(media, tmp_path):
    from alloava_analysis.io.transcript import read_json

    source = tmp_path / "DIY_TBRi6ecgQfc.f251.webm"
    source.write_bytes((media / "audio_only.webm").read_bytes())
    methods = {}
    for flag in ((), ("--raw-word-times",)):
        _, result, _ = run(["extract", source, "--out", tmp_path / str(len(flag)), *OFFLINE, *flag, "--json"])
        methods[flag] = read_json(result["paths"]["transcript"])["word_timing"]["method"]
    assert methods == {(): "speech-regions", ("--raw-word-times",): "none"}


@pytest.mark.media
def test_extract_of_an_unreadable_file_is_exit_1_with_a_json_error(media, tmp_path):
    code, result, _ = run(["extract", media / "garbage.mp4", "--out", tmp_path / "c", "--clip-id",
                           "TED_garbage0001", *OFFLINE, "--json"])
    assert code == 1 and result["error"] == "ExtractionError" and "garbage.mp4" in result["message"]


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_extract_of_a_path_that_is_not_a_file_is_a_usage_error(tmp_path, kind):
    video = tmp_path / "talk.mp4"
    if kind == "folder":
        video.mkdir()
    code, result, _ = run(["extract", video, "--out", tmp_path / "c", "--json", "--quiet"])
    assert code == 2 and result["error"] == "InputPathError"
    assert ("no such file" if kind == "missing" else "is a folder, not a file") in result["message"]


def test_extract_unknown_engine_is_a_usage_error_listing_the_engines(tmp_path):
    code, out, err = run(["extract", tmp_path / "v.mp4", "--out", tmp_path, "--engine", "whisperx"])
    assert code == 2 and out == "" and "'faster-whisper', 'openai-whisper'" in err


def test_the_offset_line_says_why_when_there_is_no_estimate():
    from alloava_analysis.cli.extract import format_human

    base = {"clip_id": "X_abcdefghijk", "frames": 75, "words": 6, "duration_s": 3.0, "paths": {}}
    abstained = format_human({**base, "sync": {"offset_s": float("nan"), "reliable": False,
                                               "reason": "too short: 3.0 s of face video"}})
    assert "offset n/a (too short" in abstained and "nan" not in abstained
    found = format_human({**base, "sync": {"offset_s": 0.31, "reliable": True, "flagged": True, "reason": ""}})
    assert "+0.31" in found and "flagged" in found
    unsure = format_human({**base, "sync": {"offset_s": 0.2, "reliable": False, "flagged": False,
                                            "reason": "not above chance"}})
    assert "not reliable: not above chance" in unsure
