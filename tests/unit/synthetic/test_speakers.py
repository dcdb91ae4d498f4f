"""Speakers recur with their demographics, voice and planted group effects."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.synthetic import SynthConfig, synthesize_clip


def test_planted_group_differences_in_asr_and_movement(clips):
    table = pd.DataFrame([sc.truth for sc in clips])
    old = table["age_group"] == "55+"
    assert table.loc[old, "mean_asr_probability"].mean() == pytest.approx(0.78, abs=0.02)
    assert table.loc[~old, "mean_asr_probability"].mean() == pytest.approx(0.90, abs=0.02)
    young = table["age_group"] == "18-34"
    # planted values depend only on the planted group (so gender, for example, has no effect)
    np.testing.assert_allclose(table["planted_intensity_base"], np.where(young, 0.84, 0.70))
    np.testing.assert_allclose(table["planted_asr_probability"], np.where(old, 0.78, 0.90))
    np.testing.assert_allclose(table["planted_dropout_rate"], np.where(table["skin_tone"] == "darker", 0.09, 0.03))
    np.testing.assert_allclose(table["planted_low_conf_rate"], 0.02)
    assert set(table["gender"]) == {"female", "male"}
    ratio = table.loc[young, "mean_intensity"].mean() / table.loc[~young, "mean_intensity"].mean()
    assert ratio == pytest.approx(1.2, rel=0.15)


def test_speakers_recur_and_keep_their_demographics_and_voice(clips):
    table = pd.DataFrame([sc.truth for sc in clips])
    n_speakers = table["speaker_id"].nunique()
    assert 0.25 * len(table) < n_speakers < 0.75 * len(table)
    per_speaker = table.groupby("speaker_id")[["gender", "age_group", "skin_tone", "f0_hz"]].nunique()
    assert (per_speaker == 1).all().all()
    female = table["gender"] == "female"
    assert table.loc[female, "f0_hz"].between(190, 230).all()
    assert table.loc[~female, "f0_hz"].between(110, 140).all()


def test_no_group_effects_gives_equal_planted_values():
    cfg = SynthConfig(group_effects=())
    sc = [synthesize_clip(k, seed=2, config=dataclasses.replace(cfg, duration_s=(6.0, 6.0))) for k in range(6)]
    assert {c.truth["planted_dropout_rate"] for c in sc} == {0.03}
    assert {c.truth["planted_asr_probability"] for c in sc} == {0.9}
    assert {c.truth["planted_intensity_base"] for c in sc} == {0.7}
