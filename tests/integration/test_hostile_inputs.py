"""Hostile inputs and faults through the ``alloava`` command: a reported failure of that clip, never a traceback.

Each case breaks one clip of a four-clip corpus; ``convert``, ``validate`` and
``stats`` with ``--json`` must print one JSON object naming the clip and its
file, process the other clips, and exit 1 (some clips failed).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from alloava_analysis.cli import main
from alloava_analysis.io.layout import modality_path
from tests.fixtures import datasets


def _replace_first(path: Path, pattern: str, literal: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(pattern, lambda m: m.group(1) + literal, text, count=1), encoding="utf-8")


def deep_nesting(path: Path) -> None:
    depth = 200_000
    path.write_text('{"frames": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")


CASES = {
    # name: (modality, how to break its file)
    "deeply nested keypoints": ("keypoints", deep_nesting),
    "deeply nested transcript": ("transcript", deep_nesting),
    "integer too large for a float (keypoints)": ("keypoints", lambda p: _replace_first(p, r'("x": )[-0-9.e]+',
                                                                                       "1" + "0" * 400)),
    "integer too large for a float (transcript)": ("transcript", lambda p: _replace_first(
        p, r'("start": )[-0-9.e]+', "1" + "0" * 400)),
    "5,000-digit integer literal": ("keypoints", lambda p: _replace_first(p, r'("timestamp": )[-0-9.e]+',
                                                                         "9" * 5000)),
    "float literal beyond the float range": ("transcript", lambda p: _replace_first(p, r'("end": )[-0-9.e]+',
                                                                                   "1e999")),
}


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    return root, datasets.write_tiny_corpus(root, 4)


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main([*argv, "--json", "--quiet"])
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_file_fails_its_clip_and_the_batch_carries_on(corpus, capsys, case):
    root, ids = corpus
    modality, breaker = CASES[case]
    bad = ids[1]
    path = modality_path(root, modality, bad)
    breaker(path)

    code, result = run_json(capsys, "convert", str(root))
    assert code == 1
    assert result["clips"] == 3 and [f["clip_id"] for f in result["failed"]] == [bad]
    assert path.name in result["failed"][0]["reason"]

    code, result = run_json(capsys, "validate", str(root))
    assert code == 1 and result["n_ok"] == 3 and result["n_errors"] == 1
    report = next(c for c in result["clips"] if c["clip_id"] == bad)
    assert any(path.name in e for e in report["errors"])

    (root / "store").rename(root.parent / "old_store")  # stats must read the JSON itself
    code, result = run_json(capsys, "stats", str(root))
    assert code == 1 and result["measured"]["videos"] == 3
    assert [f["clip_id"] for f in result["failed"]] == [bad] and path.name in result["failed"][0]["reason"]
