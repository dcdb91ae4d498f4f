"""The checksum registry: the standard digest, and a bad line named."""
from __future__ import annotations

import os

import pytest

from alloava_analysis.errors import SchemaError
from alloava_analysis.io.registry import file_sha256, read_registry


def test_registry_reader_names_the_bad_line(tmp_path):
    bad = tmp_path / "reg.txt"
    bad.write_text("# clips: 1\naudio/a.wav 1234\n")
    with pytest.raises(SchemaError, match=r"reg\.txt: line 2: expected '<relative path> <64 hex sha256>'"):
        read_registry(bad)


def test_file_sha256_is_the_standard_digest(tmp_path):
    f = tmp_path / "f"
    f.write_bytes(b"abc")
    assert file_sha256(f) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert os.path.getsize(f) == 3
