"""One frozen settings object per job: built from keyword options, checked once, recorded in the result."""
from __future__ import annotations

import dataclasses

import pytest

from alloava_analysis import choices
from alloava_analysis.errors import ParameterError
from alloava_analysis.features.motion import MotionSettings
from alloava_analysis.runs.settings import (
    AuditSettings,
    ConvertSettings,
    CorrelateSettings,
    EvaluateSettings,
    ExportSettings,
    SensitivitySettings,
    SynchronySettings,
    ValidateSettings,
)

ALL = (AuditSettings, ConvertSettings, CorrelateSettings, EvaluateSettings, ExportSettings, SensitivitySettings,
       SynchronySettings, ValidateSettings)


@pytest.mark.parametrize("cls", ALL)
def test_settings_are_frozen_and_unknown_options_are_named(cls):
    settings = cls.resolve(by="gender") if cls is AuditSettings else cls.resolve()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.seed = 3  # type: ignore[misc]
    with pytest.raises(ParameterError, match="windw_s") as err:
        cls.resolve(settings, windw_s=2.0)
    assert err.value.name == "windw_s" and "expected options of" in str(err.value)


def test_options_replace_fields_of_given_settings_and_are_checked():
    base = CorrelateSettings(window_s=2.0, pooling="raw")
    both = CorrelateSettings.resolve(base, n_boot=50)
    assert (both.window_s, both.pooling, both.n_boot) == (2.0, "raw", 50) and base.n_boot == 2000
    assert CorrelateSettings.resolve(base) is base
    with pytest.raises(ParameterError, match="pooling") as err:
        CorrelateSettings.resolve(base, pooling="median")
    assert set(err.value.allowed) == set(choices.POOLING)
    with pytest.raises(ParameterError, match="window_s"):
        CorrelateSettings(window_s=0)
    with pytest.raises(ParameterError, match="settings"):
        CorrelateSettings.resolve(EvaluateSettings())


@pytest.mark.parametrize("cls, name, bad", [
    (CorrelateSettings, "speech_rate", "per_minute"), (CorrelateSettings, "mi_signals", "energy"),
    (CorrelateSettings, "per_clip_interval", "jackknife"), (CorrelateSettings, "group", "toes"),
    (CorrelateSettings, "n_boot", 0), (CorrelateSettings, "max_lag_s", -1.0),
    (CorrelateSettings, "detrend_s", -1.0), (CorrelateSettings, "motion", "body"),
    (EvaluateSettings, "direction", "sideways"), (EvaluateSettings, "keypoints", "feet"),
    (EvaluateSettings, "speed_bins", 1), (ExportSettings, "to", "mp4"), (ExportSettings, "window_s", -2.0),
    (ValidateSettings, "tolerance_frac", 2.0), (ConvertSettings, "index_every_s", -1.0),
    (AuditSettings, "alpha", 1.0), (AuditSettings, "min_cell", 0), (AuditSettings, "by", ""),
    (AuditSettings, "by", "gender,gender"), (SensitivitySettings, "speech_rates", ("nope",)),
])
def test_bad_values_are_parameter_errors_naming_the_option(cls, name, bad):
    extra = {"by": "gender"} if cls is AuditSettings and name != "by" else {}
    with pytest.raises(ParameterError) as err:
        cls(**extra, **{name: bad})
    assert name in str(err.value) or err.value.name == name or name == "by"


def test_audit_attributes_are_a_tuple_and_the_recorded_settings_are_plain():
    settings = AuditSettings(by="gender, age_group", metrics=["dropout_fraction"])
    assert settings.by == ("gender", "age_group") and settings.metrics == ("dropout_fraction",)
    assert settings.clip_options() == {"low_confidence": 0.5, "window_s": 5.0, "gesture_threshold": 0.6}
    recorded = CorrelateSettings(motion=MotionSettings(use_z=True)).to_dict()
    assert recorded["motion"]["use_z"] is True and recorded["motion"]["coordinates"].startswith("x, y, z")


def test_the_command_line_offers_the_settings_choices():
    from alloava_analysis.cli import correlate, evaluate, export

    assert correlate.SPEECH_RATES == CorrelateSettings.CHOICES["speech_rate"] == choices.SPEECH_RATES
    assert evaluate.DIRECTIONS == EvaluateSettings.CHOICES["direction"]
    assert export.FORMATS == ExportSettings.CHOICES["to"] == choices.EXPORT_FORMATS
