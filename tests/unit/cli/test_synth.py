"""``alloava synth``: the corpus and truth.json it writes, human output, usage errors.

synth has no skipped or failed path: it writes every clip it is asked for or raises.
"""
from __future__ import annotations

import json

import pytest

from tests.unit.cli.helpers import run


def test_synth_json_writes_the_corpus_and_truth(synth_master):
    code, result, root = synth_master
    assert code == 0 and result["clips"] == 3 and result["skipped"] == [] and result["failed"] == []
    truth = json.loads((root / "truth.json").read_text())
    assert result["truth"] == str(root / "truth.json") and len(truth["clips"]) == 3
    for folder in ("audio", "transcript", "keypoints"):
        assert len(list((root / folder).iterdir())) == 3
    assert (root / "labels.csv").read_text().startswith("clip_id,")


def test_synth_human_output(tmp_path):
    code, out, _ = run(["synth", tmp_path / "c", "--clips", "1", "--duration", "6", "6", "--seed", "1", "--quiet"])
    assert code == 0 and out.startswith("wrote 1 synthetic clips (seed 1) to ") and "truth.json" in out


@pytest.mark.parametrize("argv, words", [
    (["--correlation", "2"], "--correlation: expected a number in [-1.0, 1.0], got 2.0"),
    (["--duration", "9", "3"], "--duration: expected MIN_S <= MAX_S"),
])
def test_synth_parameter_errors_exit_2_before_writing(tmp_path, argv, words):
    code, result, _ = run(["synth", tmp_path / "c", "--clips", "1", *argv, "--json", "--quiet"])
    assert code == 2 and result["error"] == "ParameterError" and words in result["message"]
    assert not (tmp_path / "c").exists()
