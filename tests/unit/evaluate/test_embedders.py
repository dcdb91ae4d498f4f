"""User-supplied embedders: callables, .npy projections, TorchScript and ONNX files, with name and sha256."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

from alloava_analysis.errors import SchemaError
from alloava_analysis.evaluate import load_embedder

WINDOWS = np.random.default_rng(0).standard_normal((7, 10, 11, 2))  # (n, frames, keypoints, 2)


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_callable_embedder_reports_its_name():
    def mean_pose(x):
        return x.mean(axis=1)

    emb = load_embedder(mean_pose)
    assert emb.name.endswith("mean_pose") and emb.sha256 is None and emb.kind == "callable"
    assert emb(WINDOWS).shape == (7, 22)


def test_linear_projection_file(tmp_path):
    w = np.random.default_rng(1).standard_normal((10 * 22, 5))
    path = tmp_path / "proj.npy"
    np.save(path, w)
    emb = load_embedder(path)
    assert emb.kind == "linear" and emb.sha256 == _sha(path) and emb.name == "proj.npy"
    np.testing.assert_allclose(emb(WINDOWS), WINDOWS.reshape(7, -1) @ w, rtol=1e-5)
    bad = tmp_path / "bad.npy"
    np.save(bad, w[:-1])
    with pytest.raises(SchemaError, match="bad.npy.*219"):
        load_embedder(bad)(WINDOWS)


def test_torchscript_file(tmp_path):
    torch = pytest.importorskip("torch")

    class Encoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.proj = torch.nn.Linear(22, 4)

        def forward(self, x):
            return self.proj(x).mean(dim=1)

    torch.manual_seed(0)
    module = torch.jit.script(Encoder())
    path = tmp_path / "encoder.pt"
    module.save(str(path))
    emb = load_embedder(path)
    out = emb(WINDOWS)
    with torch.no_grad():
        expected = module(torch.from_numpy(WINDOWS.reshape(7, 10, 22).astype(np.float32))).numpy()
    assert emb.kind == "torchscript" and emb.sha256 == _sha(path)
    np.testing.assert_allclose(out, expected, rtol=1e-5)


def test_onnx_file(tmp_path):
    torch = pytest.importorskip("torch")
    pytest.importorskip("onnxruntime")
    path = tmp_path / "encoder.onnx"
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(220, 3))
    try:
        torch.onnx.export(model, (torch.zeros(2, 10, 22),), str(path), input_names=["x"], dynamo=False,
                          dynamic_axes={"x": {0: "n"}})
    except Exception as err:  # the exporter needs the optional 'onnx' package
        pytest.skip(f"torch.onnx.export unavailable here: {err}")
    emb = load_embedder(path)
    with torch.no_grad():
        expected = model(torch.from_numpy(WINDOWS.reshape(7, 10, 22).astype(np.float32))).numpy()
    assert emb.kind == "onnx" and emb.sha256 == _sha(path)
    np.testing.assert_allclose(emb(WINDOWS), expected, rtol=1e-4, atol=1e-5)


def test_bad_embedder_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere.pt"):
        load_embedder(tmp_path / "nothere.pt")
    txt = tmp_path / "model.txt"
    txt.write_text("x")
    with pytest.raises(SchemaError, match="ending in one of"):
        load_embedder(txt)
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a model")
    with pytest.raises(SchemaError, match="junk.pt.*TorchScript"):
        load_embedder(junk)
    with pytest.raises(SchemaError, match="finite"):
        load_embedder(lambda x: np.full((len(x), 2), np.nan))(WINDOWS)
