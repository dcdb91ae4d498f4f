"""Shared pytest fixtures (keep this file small: builders live in ``tests/fixtures/datasets.py``)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.fixtures import datasets


@pytest.fixture
def tiny_corpus(tmp_path):
    """A corpus of 4 good clips (both layouts, transcript, 48 kHz audio, labels.csv)."""
    root = tmp_path / "corpus"
    return SimpleNamespace(root=root, clip_ids=datasets.write_tiny_corpus(root, 4))
