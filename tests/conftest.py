"""Shared pytest fixtures (keep this file small: builders live in ``tests/fixtures/datasets.py``)."""
from __future__ import annotations

import os
import shutil
import tempfile
from types import SimpleNamespace

import pytest

from tests.fixtures import datasets


def pytest_configure(config):
    """Each test process (and the kernels and CLIs it starts) compiles into a numba cache of its own.

    Two xdist workers compiling one of librosa's cached guvectorize functions at once leave cache files
    that segfault every later call (numba/numba#10128); spawned clip workers get their own cache from
    :mod:`alloava_analysis.parallel`. Set before any test module imports librosa.
    """
    config.numba_cache_dir = tempfile.mkdtemp(prefix="alloava-test-numba-")
    os.environ["NUMBA_CACHE_DIR"] = config.numba_cache_dir


def pytest_unconfigure(config):
    shutil.rmtree(getattr(config, "numba_cache_dir", ""), ignore_errors=True)


@pytest.fixture
def tiny_corpus(tmp_path):
    """A corpus of 4 good clips (both layouts, transcript, 48 kHz audio, labels.csv)."""
    root = tmp_path / "corpus"
    return SimpleNamespace(root=root, clip_ids=datasets.write_tiny_corpus(root, 4))


@pytest.fixture(scope="session")
def sample_data(tmp_path_factory):
    """The embedded sample corpus, generated once per session into a private cache folder.

    ``path`` is the corpus, ``data_dir`` the cache folder (for ``ALLOAVA_DATA_DIR``), ``warnings`` the
    messages of any :class:`~alloava_analysis.sample_data.SampleRegistryWarning` (a stale registry).
    """
    import warnings

    from alloava_analysis import sample_data as sd

    data_dir = tmp_path_factory.mktemp("alloava_data")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", sd.SampleRegistryWarning)
        path = sd.sample_corpus(data_dir=data_dir)
    stale = [str(w.message) for w in caught if issubclass(w.category, sd.SampleRegistryWarning)]
    return SimpleNamespace(path=path, data_dir=data_dir, warnings=stale)


@pytest.fixture(scope="session")
def labelled_corpus(tmp_path_factory):
    """12 synthetic clips (12-16 s) with their labels.csv, for the audit driver and command; do not modify it."""
    from alloava_analysis.synthetic import SynthConfig, generate_corpus

    root = tmp_path_factory.mktemp("audit") / "corpus"
    generate_corpus(root, n_clips=12, seed=0, config=SynthConfig(duration_s=(12.0, 16.0)), progress=False)
    return root
