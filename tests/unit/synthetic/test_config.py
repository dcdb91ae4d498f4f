"""The generator's configuration is checked and round-trips through JSON."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from alloava_analysis.synthetic import GroupEffect, SynthConfig, generate_corpus, synthesize_clip


def test_config_is_json_ready_and_checked():
    d = SynthConfig().to_dict()
    assert json.loads(json.dumps(d))["category_mix"]["TED"] == 0.4
    assert d["group_effects"][0]["metric"] == "dropout_fraction"
    with pytest.raises(ValueError, match="correlation"):
        SynthConfig(correlation=1.5)
    with pytest.raises(ValueError, match="group of skin_tone"):
        SynthConfig(group_effects=(GroupEffect("skin_tone", "purple", "dropout_fraction", 0.1),))
    with pytest.raises(ValueError, match="clip_index"):
        synthesize_clip(-1, seed=0)
    with pytest.raises(ValueError, match="n_clips"):
        generate_corpus(Path("/nonexistent"), n_clips=0, seed=0)


def test_config_round_trips_through_truth_json(tmp_path):
    cfg = SynthConfig(correlation=0.2, duration_s=(10.0, 12.0))
    truth = generate_corpus(tmp_path / "c", n_clips=1, seed=4, config=cfg, progress=False)
    stored = json.loads((tmp_path / "c" / "truth.json").read_text())["generator"]["config"]
    assert SynthConfig.from_dict(stored) == cfg
    again = synthesize_clip(0, seed=4, config=SynthConfig.from_dict(stored), audio=False)
    assert again.clip.clip_id == truth["clips"][0]["clip_id"]
