"""Per-clip validation: a table of broken clips, each reported with file and reason while good clips pass."""
from __future__ import annotations

import json

import numpy as np
import pytest

import alloava_analysis.validators.corpus as validate_module
from alloava_analysis.io.audio import write_wav
from alloava_analysis.io.keypoints_json import write_keypoints
from alloava_analysis.io.layout import modality_path, scan_layout
from alloava_analysis.io.transcript import write_transcript
from alloava_analysis.model import make_pose, make_words
from alloava_analysis.runs.validate import validate_corpus
from alloava_analysis.validators.corpus import duration_tolerance, validate_clip
from tests.fixtures.datasets import FPS, corrupt, line_pose, snapshot, tone


def _short_audio(root, clip_id):
    return write_wav(modality_path(root, "audio", clip_id), tone(0.5))


def _transcript_past_audio(root, clip_id):
    words = make_words([{"word": "late", "start": 4.0, "end": 5.0}])
    return write_transcript(modality_path(root, "transcript", clip_id), words)


def _mostly_missing(root, clip_id):
    return write_keypoints(modality_path(root, "keypoints", clip_id),
                           {"mediapipe_pose_33": line_pose(50, missing_frames=tuple(range(30)))})


def _time_gap(root, clip_id):
    ds = line_pose(50)
    times = np.r_[np.arange(20), np.arange(30, 60)] / FPS  # 0.4 s of frames missing
    gap = make_pose(ds.position.values, time=times, layout="mediapipe_pose_33", fps=FPS)
    return write_keypoints(modality_path(root, "keypoints", clip_id), {"mediapipe_pose_33": gap})


def _backwards_time(root, clip_id):
    path = modality_path(root, "keypoints", clip_id)
    doc = json.loads(path.read_text())
    doc["frames"][7]["timestamp"] = doc["frames"][5]["timestamp"]
    path.write_text(json.dumps(doc))
    return path


def _audio_cut(root, clip_id):
    path = modality_path(root, "audio", clip_id)
    path.write_bytes(path.read_bytes()[: 44 + 2 * 24_000])  # 0.5 s of the 2 s left
    return path


BROKEN = {
    # name: (break it, ok?, where the message goes, fragments that must appear)
    "truncated-keypoints": (lambda r, c: corrupt(r, c, "truncate_keypoints"), False, "errors",
                            ["{file}", "line 1, column", "expected valid JSON"]),
    "truncated-transcript": (lambda r, c: corrupt(r, c, "truncate_transcript"), False, "errors",
                             ["{file}", "line 1, column"]),
    "empty-transcript": (lambda r, c: corrupt(r, c, "empty_transcript"), False, "errors",
                         ["{file}", "$.segments", "empty transcript"]),
    "wrong-rate-audio": (lambda r, c: corrupt(r, c, "wrong_rate"), False, "errors",
                         ["{file}", "header", "expected a sample rate of 48000 Hz, got 16000 Hz"]),
    "unreadable-audio": (lambda r, c: corrupt(r, c, "garbage_audio"), False, "errors",
                         ["{file}", "header", "expected a readable WAV file"]),
    "missing-audio": (lambda r, c: corrupt(r, c, "remove_audio"), False, "errors", ["missing audio", "audio/{clip}"]),
    "missing-transcript": (lambda r, c: corrupt(r, c, "remove_transcript"), False, "errors",
                           ["missing transcript"]),
    "missing-keypoints": (lambda r, c: corrupt(r, c, "remove_keypoints"), False, "errors", ["missing keypoints"]),
    "non-monotonic-timestamps": (_backwards_time, False, "errors", ["{file}", "frame 7", "strictly increasing"]),
    "audio-shorter-than-keypoints": (_short_audio, False, "errors",
                                     ["keypoints last 2.000 s but audio lasts 0.500 s", "within 1.000 s"]),
    "audio-data-cut": (_audio_cut, False, "errors", ["but audio lasts 0.500 s"]),
    "transcript-after-audio": (_transcript_past_audio, False, "errors", ["transcript ends at 5.000 s"]),
    "mostly-missing-keypoints": (_mostly_missing, True, "warnings", ["60% of keypoints are missing"]),
    "timestamp-gap": (_time_gap, True, "warnings", ["timestamps jump by 0.44 s"]),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_each_broken_clip_is_reported_and_the_others_pass(tiny_corpus, name):
    breaker, ok, channel, fragments = BROKEN[name]
    bad = tiny_corpus.clip_ids[1]
    path = breaker(tiny_corpus.root, bad)
    before = snapshot(tiny_corpus.root)
    result = validate_corpus(tiny_corpus.root, progress=False)
    assert snapshot(tiny_corpus.root) == before  # validation never touches the files
    reports = {c["clip_id"]: c for c in result["clips"]}
    assert set(reports) == set(tiny_corpus.clip_ids)
    assert result["n_ok"] == 4 - (not ok) and result["n_errors"] == int(not ok)
    for clip_id, report in reports.items():
        if clip_id != bad:
            assert report["ok"] and report["errors"] == [] and report["warnings"] == [], report
    report = reports[bad]
    assert report["ok"] is ok
    messages = " | ".join(report[channel])
    for fragment in fragments:
        fragment = fragment.format(file=path.name if path else "", clip=bad)
        assert fragment in messages, (fragment, messages)


def test_report_of_a_good_clip(tiny_corpus):
    table, _ = scan_layout(tiny_corpus.root)
    report = validate_clip(tiny_corpus.root, table.iloc[0].to_dict())
    assert report.ok and report.schema_variant == "frame_list/dict_points/mediapipe_pose_33+openpose_body_18"
    assert report.modalities == {"video": False, "audio": True, "transcript": True, "keypoints": True,
                                 "keypoints_video": False}
    assert report.durations == {"audio_s": 2.0, "keypoints_s": 2.0, "transcript_s": pytest.approx(2.0 * 6.2 / 7,
                                                                                                  abs=1e-3)}
    assert report.keypoints["frames"] == 50 and report.keypoints["fps"] == FPS
    assert report.keypoints["nan_fraction"] == 0 and report.keypoints["confidence_mean"] == pytest.approx(0.9)
    assert report.keypoints["max_gap_s"] == pytest.approx(1 / FPS)
    assert set(report.to_dict()) >= {"clip_id", "ok", "errors", "warnings", "schema_variant"}


def test_every_broken_modality_of_one_clip_is_listed(tiny_corpus):
    bad = tiny_corpus.clip_ids[0]
    corrupt(tiny_corpus.root, bad, "truncate_keypoints")
    corrupt(tiny_corpus.root, bad, "empty_transcript")
    corrupt(tiny_corpus.root, bad, "wrong_rate")
    report = next(c for c in validate_corpus(tiny_corpus.root, progress=False)["clips"] if c["clip_id"] == bad)
    assert len(report["errors"]) == 3
    for folder in ("keypoints", "transcript", "audio"):
        assert any(f"{folder}/{bad}." in e for e in report["errors"]), folder


def test_duration_tolerance_is_the_larger_bound(tiny_corpus):
    assert duration_tolerance(10.0, tolerance_s=1.0, tolerance_frac=0.01) == 1.0
    assert duration_tolerance(600.0, tolerance_s=1.0, tolerance_frac=0.01) == 6.0
    _short_audio(tiny_corpus.root, tiny_corpus.clip_ids[0])
    lenient = validate_corpus(tiny_corpus.root, progress=False, tolerance_s=1.6)
    assert lenient["n_errors"] == 0


def test_an_unreadable_file_is_reported_and_validation_carries_on(tiny_corpus, monkeypatch):
    bad = tiny_corpus.clip_ids[0]
    real = validate_module.load_clip

    def unreadable(root, clip_id, **kwargs):
        if clip_id == bad and kwargs["files"].get("keypoints"):
            raise PermissionError(13, "Permission denied", kwargs["files"]["keypoints"])
        return real(root, clip_id, **kwargs)

    monkeypatch.setattr(validate_module, "load_clip", unreadable)
    result = validate_corpus(tiny_corpus.root, progress=False)
    assert result["n_ok"] == 3 and result["n_errors"] == 1
    report = next(c for c in result["clips"] if c["clip_id"] == bad)
    assert any("Permission denied" in e and f"{bad}.json" in e for e in report["errors"])
