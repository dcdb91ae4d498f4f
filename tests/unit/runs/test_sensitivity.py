"""One-at-a-time sensitivity of the pooled correlation to the analysis choices."""
from __future__ import annotations

import pytest

from alloava_analysis.corpus import Corpus
from alloava_analysis.errors import ParameterError
from alloava_analysis.features.motion import MotionSettings
from alloava_analysis.runs.sensitivity import coupling_sensitivity, sensitivity_settings


def test_design_varies_one_choice_at_a_time():
    base = {"window_s": 5.0, "group": "hands", "smooth_s": 0.0, "motion": "a"}
    rows = sensitivity_settings(baseline=base, window_s=(2.0, 5.0, 10.0), group=("hands", "head"),
                                smooth_s=(0.0,), motion=("a", "b"))
    assert [r["factor"] for r in rows] == ["baseline", "window", "window", "group", "motion"]
    for r in rows[1:]:
        assert sum(r[k] != base[k] for k in base) == 1  # exactly one choice differs from the baseline


def test_planted_hand_coupling_is_found_and_the_head_is_not_coupled(sample_data):
    clips = list(Corpus(sample_data.path).clips(progress=False))
    result = coupling_sensitivity(clips, windows_s=(5.0,), groups=("hands", "head"), smooth_s=(0.0,),
                                  motions={"default": MotionSettings()}, normalize=(True,),
                                  speech_rates=("word_starts",), poolings=("mixed", "raw"), n_boot=50)
    assert set(result) == {"settings", "failed", "skipped", "notes", "table"}  # the one driver shape
    assert result["settings"]["groups"] == ("hands", "head") and result["failed"] == result["skipped"] == []
    table = result["table"]
    assert list(table.columns[:8]) == ["factor", "window_s", "group", "smooth_s", "motion", "normalize",
                                       "speech_rate", "pooling"]
    assert len(table) == 4 and set(table["pooling"]) == {"mixed", "raw"}
    hands = table[(table.group == "hands") & (table.pooling == "mixed")].iloc[0]
    head = table[(table.group == "head") & (table.pooling == "mixed")].iloc[0]
    assert hands["ci_low"] > 0.2 and head["ci_low"] < 0 < head["ci_high"] + 0.1
    assert hands["n_clips"] == len(clips)


def test_unknown_baseline_motion_is_named():
    with pytest.raises(ValueError, match="baseline motion to be one of"):
        coupling_sensitivity([], baseline={"motion": "nope"})


def test_unknown_speech_rate_is_named():
    with pytest.raises(ParameterError, match="speech_rates"):
        coupling_sensitivity([], speech_rates=("nope",))
