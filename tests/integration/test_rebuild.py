"""``rebuild``: real downloads (yt-dlp from a loopback server), real extraction, real signals.

The reference is one uninterrupted serial run. A run killed with SIGKILL in the
middle of a download, restarted, stopped with SIGTERM in the middle of
another clip, and restarted again must end with byte-identical files; so must
runs with two worker processes and on a Dask ``LocalCluster``. Every run uses
the same output path (cleared in between), because the extraction records the
source video's path inside its Parquet side outputs.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from alloava_analysis import rebuild as rb
from alloava_analysis.io.manifest import read_manifest
from tests.fixtures.http_files import FileServer
from tests.fixtures.short_media import make_short_talk

pytestmark = pytest.mark.media
REPO = Path(__file__).resolve().parents[2]
GOOD = {"TED_aaaaaaaaaaa": "a.mp4", "TED_bbbbbbbbbbb": "b.mp4", "TED_ccccccccccc": "c.mp4"}
MISSING, FOREIGN, INVALID = "TED_ddddddddddd", "TED_eeeeeeeeeee", "not a clip"
HOSTS = (*rb.DEFAULT_ALLOWED_HOSTS, "127.0.0.1")  # what --allow-host 127.0.0.1 gives
OPTIONS = {"sync": False}  # the offset check runs a face tracker too; not needed for these tests


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    src = tmp_path_factory.mktemp("sources")
    for phase, name in enumerate(GOOD.values()):
        make_short_talk(src / name, phase=float(phase))
    with FileServer(src) as srv:
        yield srv


@pytest.fixture(scope="module")
def manifest(server, tmp_path_factory) -> Path:
    rows = [{"clip_id": cid, "url": server.url(name), "gender": g}
            for (cid, name), g in zip(GOOD.items(), ("female", "male", "female"))]
    rows += [{"clip_id": MISSING, "url": server.url("gone.mp4"), "gender": "male"},
             {"clip_id": FOREIGN, "url": "http://video.example.org/talk.mp4", "gender": "female"},
             {"clip_id": INVALID, "url": "", "gender": "male"}]
    path = tmp_path_factory.mktemp("manifest") / "subset.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def out_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("rebuild") / "corpus"


def digest(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` except the work folder."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and rb.WORK_DIR not in p.relative_to(root).parts}


@pytest.fixture(scope="module")
def reference(server, manifest, out_path):
    """One uninterrupted serial run: its result and the digest of its files (folder removed after)."""
    result = rb.rebuild(manifest, out_path, allowed_hosts=HOSTS, extract_options=OPTIONS, progress=False)
    files = digest(out_path)
    shutil.rmtree(out_path)
    return result, files


def _failed_by_id(result: dict) -> dict[str, dict]:
    return {f["clip_id"]: f for f in result["failed"]}


def test_reference_run_reports_bad_clips_and_rebuilds_the_rest(reference, server):
    result, files = reference
    assert result["done"] == sorted(GOOD) and result["already_done"] == [] and result["skipped"] == []
    failed = _failed_by_id(result)
    assert set(failed) == {MISSING, FOREIGN, INVALID}
    assert failed[MISSING]["step"] == "download" and "404" in failed[MISSING]["reason"]
    assert failed[FOREIGN]["step"] == "download" and "video.example.org" in failed[FOREIGN]["reason"]
    assert failed[INVALID]["step"] == "manifest" and "column 'clip_id'" in failed[INVALID]["reason"]
    assert not any(p.endswith("/talk.mp4") for _, p, _ in server.requests)  # the foreign host is never contacted
    for clip_id in GOOD:
        for folder, ext in (("video", "mp4"), ("audio", "wav"), ("transcript", "json"), ("keypoints", "json")):
            assert f"{folder}/{clip_id}.{ext}" in files
    assert {f"quarantine/{MISSING}.json", f"quarantine/{FOREIGN}.json"} <= set(files)
    assert "manifest.csv" in files and "labels.csv" in files


def _command() -> list[str]:
    """``alloava rebuild``."""
    return [sys.executable, "-m", "alloava_analysis.cli", "rebuild"]


def _start(manifest: Path, out: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    # one clip at a time, so that each kill lands in the clip the test waits for
    return subprocess.Popen([*_command(), str(manifest), "--out", str(out), "--allow-host", "127.0.0.1",
                             "--workers", "1", "--no-sync", "--json", "--quiet"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for(proc: subprocess.Popen, condition, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"rebuild exited ({proc.returncode}) before {what}: {proc.stderr.read()[-2000:]}")
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _partial_download(out: Path, clip_id: str) -> list[Path]:
    folder = out / rb.WORK_DIR / clip_id / "download"
    return [p for p in folder.glob("*.part") if p.stat().st_size > 0] if folder.is_dir() else []


def test_killed_runs_resume_to_identical_outputs(reference, server, manifest, out_path):
    _, expected_files = reference
    clip_a, clip_b, clip_c = sorted(GOOD)
    server.throttle["b.mp4"] = (4096, 0.05)  # b's transfer takes ~1.5 s: time to kill it half-way
    try:
        # run 1: SIGKILL while b is downloading (a is finished)
        gets_before = len(server.gets("b.mp4"))
        proc = _start(manifest, out_path)
        _wait_for(proc, lambda: _partial_download(out_path, clip_b), "b's download started")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        assert rb.step_done(out_path, rb.read_journal(out_path, clip_a), "checksum")
        assert not list((out_path / "video").glob(f"{clip_b}*")), "a partial download reached the layout"
        partial = _partial_download(out_path, clip_b)[0].stat().st_size
        a_gets = len(server.gets("a.mp4"))

        # run 2: resumes b's transfer, then SIGTERM while c is being extracted
        proc = _start(manifest, out_path)
        _wait_for(proc, lambda: rb.step_done(out_path, rb.read_journal(out_path, clip_c), "download"),
                  "c's download finished")
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
        assert proc.returncode == 128 + signal.SIGTERM
        b_ranges = server.gets("b.mp4")[gets_before:]
        assert any(r and r.startswith("bytes=") and int(r[6:].split("-")[0]) >= partial for r in b_ranges), \
            f"b's download was not resumed from byte {partial}: {b_ranges}"
        assert rb.step_done(out_path, rb.read_journal(out_path, clip_b), "checksum")
    finally:
        server.throttle.clear()

    # run 3: finishes c without redoing a or b
    proc = _start(manifest, out_path)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 1, stderr[-2000:]  # some clips failed (reported)
    result = json.loads(stdout)
    assert result["already_done"] == [clip_a, clip_b] and result["skipped"] == []
    assert result["done"] == [clip_c]
    assert result["steps_run"][clip_c] == ["extract", "checksum"]  # c's download survived the SIGTERM
    assert set(_failed_by_id(result)) == {MISSING, FOREIGN, INVALID}
    assert len(server.gets("a.mp4")) == a_gets  # a was never downloaded again
    assert digest(out_path) == expected_files
    leftovers = [p for p in out_path.rglob("*") if p.name.startswith(".") and rb.WORK_DIR not in p.parts]
    assert leftovers == []

    # output manifest: one row per rebuilt clip, with the checksums of the files in the layout
    table = read_manifest(out_path / "manifest.csv")
    assert list(table["clip_id"]) == sorted(GOOD)
    row = table.set_index("clip_id").loc[clip_b]
    assert row["sha256_audio"] == hashlib.sha256((out_path / "audio" / f"{clip_b}.wav").read_bytes()).hexdigest()
    assert row["gender"] == "male"
    shutil.rmtree(out_path)


def test_two_worker_processes_match_serial(reference, manifest, out_path):
    _, expected_files = reference
    result = rb.rebuild(manifest, out_path, workers=2, allowed_hosts=HOSTS, extract_options=OPTIONS,
                        progress=False)
    assert result["done"] == sorted(GOOD)
    assert digest(out_path) == expected_files
    shutil.rmtree(out_path)


def test_dask_local_cluster_matches_serial(reference, manifest, out_path):
    distributed = pytest.importorskip("distributed")
    _, expected_files = reference
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as cluster:
        result = rb.rebuild(manifest, out_path, scheduler=cluster.scheduler_address, allowed_hosts=HOSTS,
                            extract_options=OPTIONS, progress=False)
    assert result["done"] == sorted(GOOD)
    assert set(_failed_by_id(result)) == {MISSING, FOREIGN, INVALID}
    assert digest(out_path) == expected_files
    shutil.rmtree(out_path)


# -- the step machinery, with a stand-in extractor (fast) ------------------------------------------
def fake_extractor(video, out, *, clip_id, fail_for=(), **options):
    """Writes one audio file per clip (or fails for the named clips); module-level so it pickles."""
    if clip_id in fail_for:
        raise RuntimeError("planted extraction failure")
    target = Path(out) / "audio" / f"{clip_id}.wav"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(Path(video).read_bytes()[:1000])
    return {"clip_id": clip_id, "paths": {"audio": str(target)}}


def test_a_deleted_output_reruns_its_step_and_the_steps_after_it(server, tmp_path):
    manifest = tmp_path / "m.csv"
    pd.DataFrame([{"clip_id": cid, "url": server.url(name), "modalities": "video;audio"}
                  for cid, name in GOOD.items()]).to_csv(manifest, index=False)
    out = tmp_path / "out"
    kwargs = dict(allowed_hosts=HOSTS, extractor=fake_extractor, progress=False)
    first = rb.rebuild(manifest, out, **kwargs)
    assert first["done"] == sorted(GOOD) and first["failed"] == []
    downloads = len(server.requests)
    (out / "audio" / "TED_bbbbbbbbbbb.wav").unlink()
    stale = out / "audio" / ".TED_bbbbbbbbbbb.wav.k1ll3d.part"  # what a SIGKILL during a write leaves
    stale.write_bytes(b"half a file")
    second = rb.rebuild(manifest, out, **kwargs)
    assert second["already_done"] == ["TED_aaaaaaaaaaa", "TED_ccccccccccc"] and second["skipped"] == []
    assert second["steps_run"]["TED_bbbbbbbbbbb"] == ["extract", "checksum"]
    assert len(server.requests) == downloads  # nothing downloaded again
    assert not stale.exists()


def test_an_extraction_failure_is_quarantined_and_retried_next_run(server, tmp_path):
    manifest = tmp_path / "m.csv"
    pd.DataFrame([{"clip_id": cid, "url": server.url(name), "modalities": "video;audio"}
                  for cid, name in GOOD.items()]).to_csv(manifest, index=False)
    out = tmp_path / "out"
    broken = rb.rebuild(manifest, out, allowed_hosts=HOSTS, extractor=fake_extractor,
                        extract_options={"fail_for": ["TED_bbbbbbbbbbb"]}, progress=False)
    assert broken["done"] == ["TED_aaaaaaaaaaa", "TED_ccccccccccc"]
    assert broken["failed"] == [{"clip_id": "TED_bbbbbbbbbbb", "step": "extract",
                                 "reason": "RuntimeError: planted extraction failure"}]
    record = json.loads((out / "quarantine" / "TED_bbbbbbbbbbb.json").read_text())
    assert record["step"] == "extract" and "planted" in record["reason"]
    assert "TED_bbbbbbbbbbb" not in set(read_manifest(out / "manifest.csv")["clip_id"])
    fixed = rb.rebuild(manifest, out, allowed_hosts=HOSTS, extractor=fake_extractor, progress=False)
    assert fixed["done"] == ["TED_bbbbbbbbbbb"] and fixed["steps_run"]["TED_bbbbbbbbbbb"] == ["extract", "checksum"]
    assert not (out / "quarantine" / "TED_bbbbbbbbbbb.json").exists()


def test_missing_expected_modality_fails_the_clip(server, tmp_path):
    manifest = tmp_path / "m.csv"
    pd.DataFrame([{"clip_id": "TED_aaaaaaaaaaa", "url": server.url("a.mp4"),
                   "modalities": "video;audio;transcript"}]).to_csv(manifest, index=False)
    result = rb.rebuild(manifest, tmp_path / "out", allowed_hosts=HOSTS, extractor=fake_extractor, progress=False)
    assert result["failed"][0]["step"] == "extract"
    assert "transcript" in result["failed"][0]["reason"]


def test_output_manifest_flags_checksums_that_differ_from_the_input(server, tmp_path):
    manifest = tmp_path / "m.csv"
    pd.DataFrame([{"clip_id": "TED_aaaaaaaaaaa", "url": server.url("a.mp4"), "modalities": "video;audio",
                   "sha256_video": hashlib.sha256((server.root / "a.mp4").read_bytes()).hexdigest(),
                   "sha256_audio": "0" * 64, "sha256_keypoints": "1" * 64}]).to_csv(manifest, index=False)
    out = tmp_path / "out"
    result = rb.rebuild(manifest, out, allowed_hosts=HOSTS, extractor=fake_extractor, progress=False)
    assert result["done"] == ["TED_aaaaaaaaaaa"]
    row = read_manifest(out / "manifest.csv").iloc[0]
    assert row["checksum_mismatch"] == "audio;keypoints"
    assert row["sha256_audio"] == hashlib.sha256((out / "audio" / "TED_aaaaaaaaaaa.wav").read_bytes()).hexdigest()
    assert pd.isna(row["sha256_keypoints"]) or row["sha256_keypoints"] == ""  # measured: there is none
    strict = rb.rebuild(manifest, tmp_path / "strict", allowed_hosts=HOSTS, extractor=fake_extractor,
                        strict_checksums=True, progress=False)
    assert strict["failed"][0]["step"] == "checksum" and "audio" in strict["failed"][0]["reason"]
