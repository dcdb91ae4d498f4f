"""A small synthetic corpus written once by ``alloava synth`` for the command tests."""
from __future__ import annotations

import shutil

import pytest

from tests.unit.cli.helpers import run

SYNTH_ARGS = ("--clips", "3", "--seed", "3", "--duration", "16", "20", "--quiet")


@pytest.fixture(scope="session")
def synth_master(tmp_path_factory):
    """(exit code, JSON result, root) of ``alloava synth`` into a fresh folder (never modified by tests)."""
    root = tmp_path_factory.mktemp("synth") / "corpus"
    code, result, _ = run(["synth", root, *SYNTH_ARGS, "--json"])
    return code, result, root


@pytest.fixture
def synth_corpus(synth_master, tmp_path):
    """A private copy of the synthetic corpus (tests may corrupt it)."""
    root = tmp_path / "corpus"
    shutil.copytree(synth_master[2], root)
    return root
