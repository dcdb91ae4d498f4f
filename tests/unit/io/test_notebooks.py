"""Notebook files: read as JSON, written back byte for byte as Jupyter writes them, atomically."""
from __future__ import annotations

from pathlib import Path

from alloava_analysis.io.notebooks import read_notebook, write_bytes, write_notebook

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / "00_tour_of_a_corpus.ipynb"


def test_a_committed_notebook_is_written_back_byte_for_byte(tmp_path):
    notebook = read_notebook(NOTEBOOK)
    assert notebook["nbformat"] == 4 and notebook["cells"]
    out = write_notebook(tmp_path / "copy.ipynb", notebook)
    assert out == tmp_path / "copy.ipynb" and out.read_bytes() == NOTEBOOK.read_bytes()


def test_one_space_indent_unescaped_text_and_a_final_newline(tmp_path):
    notebook = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["Größe — 2 s"]}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = write_notebook(tmp_path / "n.ipynb", notebook)
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{\n "cells": [\n  {\n   "cell_type"') and text.endswith("}\n")
    assert "Größe — 2 s" in text and read_notebook(path) == notebook
    write_notebook(path, {**notebook, "cells": []})                  # replaced whole, no temporary file left
    assert read_notebook(path)["cells"] == [] and [p.name for p in tmp_path.iterdir()] == ["n.ipynb"]


def test_write_bytes(tmp_path):
    data = bytes(range(256))
    assert write_bytes(tmp_path / "fig.png", data).read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["fig.png"]


def test_kernels_talk_over_ipc_sockets_named_by_absolute_path_when_a_folder_is_given(tmp_path, monkeypatch):
    from alloava_analysis.io.notebooks import kernel_config

    monkeypatch.chdir(tmp_path)
    assert kernel_config() == {"KernelManager": {"transport": "ipc"}}
    assert kernel_config("sub") == {"KernelManager": {"transport": "ipc", "ip": str(tmp_path / "sub" / "kernel")}}
