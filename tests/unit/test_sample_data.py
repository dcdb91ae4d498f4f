"""The embedded sample: registry, cache, regeneration on a bad checksum, the stale-registry message."""
from __future__ import annotations

import warnings

import pytest

from alloava_analysis import sample_data as sd
from alloava_analysis.io.registry import read_registry, write_registry


def test_shipped_registry_matches_the_generator(sample_data):
    """Fails when the synthetic generator changed without `make sample-registry`; the message says so."""
    status = sd.sample_status(sample_data.path)
    assert not any(status.values()), sd.stale_message(status)
    assert not sample_data.warnings


def test_registry_header_names_the_generator_and_the_command():
    files, header = read_registry(sd.REGISTRY_PATH)
    assert header["clips"] == str(sd.SAMPLE_CLIPS) and header["seed"] == str(sd.SAMPLE_SEED)
    assert header["generator"].startswith("alloava-synthetic")
    assert "make sample-registry" in header["regenerate"]
    assert {"truth.json", "labels.csv"} <= set(files)
    assert sum(n.startswith("keypoints/") for n in files) == sd.SAMPLE_CLIPS


@pytest.fixture
def one_clip_registry(tmp_path, monkeypatch):
    """A 1-clip sample with its own registry, so cache behaviour is tested quickly."""
    monkeypatch.setattr(sd, "SAMPLE_CLIPS", 1)
    registry = tmp_path / "registry.txt"
    monkeypatch.setattr(sd, "REGISTRY_PATH", registry)
    sd.write_sample_registry(registry)
    monkeypatch.delenv(sd.DATA_DIR_ENV, raising=False)
    return registry


def _mtimes(path):
    return {p: p.stat().st_mtime_ns for p in path.rglob("*") if p.is_file()}


def test_cache_is_reused_and_regenerated_when_a_checksum_fails(one_clip_registry, tmp_path):
    data = tmp_path / "data"
    with warnings.catch_warnings():
        warnings.simplefilter("error", sd.SampleRegistryWarning)
        path = sd.sample_corpus(data_dir=data)
        assert path == data / "sample" and (path / "truth.json").is_file()
        before = _mtimes(path)
        (path / "store").mkdir()  # derived data may be added without triggering regeneration
        (path / "store" / "x.parquet").write_bytes(b"derived")
        assert sd.sample_corpus(data_dir=data) == path
        assert {p: m for p, m in _mtimes(path).items() if "store" not in p.parts} == before

        audio = next((path / "audio").glob("*.wav"))
        audio.write_bytes(audio.read_bytes()[:-10] + b"0123456789")  # corrupted
        sd.sample_corpus(data_dir=data)
        assert not any(sd.sample_status(path).values())
        assert not (path / "store").exists()  # a regenerated sample starts without stale derived data

        next((path / "transcript").glob("*.json")).unlink()  # missing
        sd.sample_corpus(data_dir=data)
        assert not any(sd.sample_status(path).values())


def test_environment_variable_selects_the_cache_folder(one_clip_registry, tmp_path, monkeypatch):
    monkeypatch.setenv(sd.DATA_DIR_ENV, str(tmp_path / "env_cache"))
    assert sd.get_data_dir() == tmp_path / "env_cache"
    assert sd.sample_corpus() == tmp_path / "env_cache" / "sample"
    assert sd.resolve_corpus_dir("") == tmp_path / "env_cache" / "sample"
    assert sd.resolve_corpus_dir(tmp_path) == tmp_path


def test_stale_registry_warns_with_the_command_to_run_and_is_not_regenerated_every_time(one_clip_registry, tmp_path):
    files, header = read_registry(one_clip_registry)
    name = next(n for n in files if n.startswith("audio/"))
    write_registry(one_clip_registry, {**files, name: "0" * 64}, header=header)  # as after a generator change
    data = tmp_path / "data"
    with pytest.warns(sd.SampleRegistryWarning, match=r"1 changed \(e\.g\. audio/.*make sample-registry"):
        path = sd.sample_corpus(data_dir=data)
    before = _mtimes(path)
    with pytest.warns(sd.SampleRegistryWarning, match="make sample-registry"):
        assert sd.sample_corpus(data_dir=data) == path
    assert _mtimes(path) == before  # the stamp remembers what this generator made


def test_missing_corpus_dir_names_the_folder_and_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nope.*corpus_dir = \"\""):
        sd.resolve_corpus_dir(tmp_path / "nope")
