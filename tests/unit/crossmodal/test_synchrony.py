"""Prosody-gesture synchrony: planted lags recovered with interval coverage, nulls not flagged, speakers respected.

The corpora come from ``tests/fixtures/planted_prosody.py`` (synthetic voices that share no code
with ``alloava_analysis.synthetic``); ``scripts/measure_synchrony.py`` prints the same figures
over more replicates.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.crossmodal.synchrony import nearest_lags, synchrony, unit_lags
from alloava_analysis.errors import ParameterError, SchemaError
from tests.fixtures.planted_prosody import PLANTED_KINDS, planted_corpus

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from scripts import measure_synchrony as study  # noqa: E402


def _units(peaks, clip="c", speaker="s"):
    peaks = np.asarray(peaks, dtype=float)
    return pd.DataFrame({"clip_id": clip, "speaker_id": speaker, "unit": np.arange(peaks.size),
                         "start_s": peaks - 0.3, "end_s": peaks + 0.3, "peak_time_s": peaks})


def _events(times, kind="f0_peak", clip="c"):
    return pd.DataFrame({"clip_id": clip, "kind": kind, "time_s": np.asarray(times, dtype=float)})


def test_nearest_lags_are_event_minus_peak():
    lag, event = nearest_lags(np.array([1.0, 2.0, 3.05, 10.0]), np.array([3.0, 1.2, 2.0, 2.9]))
    np.testing.assert_allclose(lag, [0.2, 0.0, -0.05, -7.0])
    np.testing.assert_allclose(event, [1.2, 2.0, 3.0, 3.0])
    tie, _ = nearest_lags(np.array([1.5]), np.array([1.0, 2.0]))
    assert tie == pytest.approx([-0.5])                                  # the earlier event on a tie
    none, _ = nearest_lags(np.array([1.0]), np.array([]))
    assert np.isnan(none).all()


def test_units_outside_speech_are_counted_not_analysed():
    units = _units([1.0, 2.0, 5.5, 9.0])
    table = unit_lags(units, _events([1.1, 2.1, 5.6, 9.1]), {"c": [(0.5, 3.0), (5.0, 6.0)]}, kinds=("f0_peak",))
    assert table["in_speech"].tolist() == [True, True, True, False]
    result = synchrony(units, _events([1.1, 2.1, 5.6, 9.1]), {"c": [(0.5, 3.0), (5.0, 6.0)]}, kinds=("f0_peak",),
                       n_null=19, n_boot=50)
    assert result["n_outside_speech"] == 1 and result["pooled"][0]["n_units"] == 3
    assert result["pooled"][0]["mean_lag_s"] == pytest.approx(0.1)
    assert result["null"]["p_resolution"] == pytest.approx(0.05)
    assert result["pooled"][0]["p_value"] >= 0.05                        # never below the resolution



def test_nearest_lags_within_a_window():
    lag, event = nearest_lags(np.array([1.0, 5.0]), np.array([1.3, 9.0]), max_lag_s=1.0)
    np.testing.assert_allclose(lag[:1], [0.3])
    assert np.isnan(lag[1]) and np.isnan(event[1])                       # nearest event 4 s away: none
    with pytest.raises(ParameterError, match="max_lag_s"):
        nearest_lags(np.array([1.0]), np.array([1.0]), max_lag_s=0.0)


def test_a_unit_whose_only_event_is_far_away_gets_no_lag_and_is_counted():
    # clip "c": units at 2, 4, 6 s with F0 peaks right after them; clip "far": one unit at 3 s whose clip's
    # only F0 peak is at 40 s (40.9 s away was what the sample gave without a window)
    units = pd.concat([_units([2.0, 4.0, 6.0]), _units([3.0], clip="far", speaker="t")], ignore_index=True)
    events = pd.concat([_events([2.1, 4.1, 6.1]), _events([40.0], clip="far")], ignore_index=True)
    spans = {"c": [(0.0, 8.0)], "far": [(0.0, 45.0)]}
    table = unit_lags(units, events, spans, kinds=("f0_peak",), max_lag_s=1.0)
    far = table[table["clip_id"] == "far"].iloc[0]
    assert np.isnan(far["lag_s"]) and np.isnan(far["event_time_s"]) and far["clip_has_kind"]
    result = synchrony(units, events, spans, kinds=("f0_peak",), max_lag_s=1.0, n_null=19, n_boot=50)
    row = result["pooled"][0]
    assert (row["n_units"], row["n_with_event"], row["n_no_event"]) == (4, 3, 1)
    assert row["mean_lag_s"] == pytest.approx(0.1) and row["mean_abs_lag_s"] == pytest.approx(0.1)
    assert row["share_with_event"] == pytest.approx(0.75) and result["max_lag_s"] == 1.0
    clip = next(r for r in result["per_clip"] if r["clip_id"] == "far")
    assert clip["n_no_event"] == 1 and np.isnan(clip["mean_lag_s"]) and not clip["coincides"]
    # the null applies the same window: units placed at random in the far clip's 45 s rarely land near 40 s
    far_null = result["null_lags"].loc[result["null_lags"]["lag_s"].notna(), "lag_s"]
    assert (far_null.abs() <= 1.0).all()
    assert clip["null_share_with_event"] < 0.2
    # no window: the far unit is timed against the peak 37 s away
    wide = synchrony(units, events, spans, kinds=("f0_peak",), max_lag_s=100.0, n_null=19, n_boot=50)["pooled"][0]
    assert wide["n_no_event"] == 0 and wide["mean_lag_s"] == pytest.approx((0.3 + 37.0) / 4)


def test_the_null_uses_the_window_for_its_statistic_and_share():
    from alloava_analysis.crossmodal import synchrony as module

    iv = np.array([[0.0, 100.0]])
    lags = module._clip_null(np.array([50.0]), iv, np.array([10.0, 20.0]), 2000, "uniform",
                             np.random.default_rng(0), 1.0)
    found = np.isfinite(lags)
    assert np.nanmax(np.abs(lags)) <= 1.0
    assert found.mean() == pytest.approx(0.02, abs=0.005)               # 2 s of window in 100 s of speech
    mean_abs, share = module._null_stats(np.nansum(np.abs(lags), axis=1), found.sum(axis=1), 2, 1.0)
    assert (mean_abs[found.sum(axis=1) == 0] == 1.0).all()               # no unit with an event: the window
    np.testing.assert_allclose(share, found.mean(axis=1))


@pytest.mark.parametrize("how", ["shift", "uniform"])
def test_the_null_keeps_units_in_speech_and_shift_keeps_their_spacing(how):
    from alloava_analysis.crossmodal import synchrony as module

    iv = np.array([[1.0, 3.0], [6.0, 7.0]])
    peaks = np.array([1.5, 2.5, 6.2])
    rng = np.random.default_rng(0)
    total = 3.0
    pos = module._to_speech_time(peaks, iv)
    np.testing.assert_allclose(pos, [0.5, 1.5, 2.2])
    np.testing.assert_allclose(module._from_speech_time(pos, iv), peaks)
    events = np.array([0.0])
    lags = module._clip_null(events, iv, peaks, 500, how, rng)
    placed = -lags                                                       # lag to an event at 0 is -placement
    assert module._inside(placed.ravel(), iv).all()
    if how == "shift":
        gaps = np.mod(np.diff(module._to_speech_time(np.sort(placed, axis=1).ravel(), iv).reshape(500, 3), axis=1),
                      total)
        # the three units keep their speech-time spacing (1.0, 0.7, 1.3 around the circle), in some rotation
        assert all(sorted(np.round(np.r_[g, total - g.sum()], 6)) == [0.7, 1.0, 1.3] for g in gaps)


def test_planted_lags_are_recovered_by_one_corpus():
    rep = study.replicate(1, related=True)
    corpus = planted_corpus(1, audio=False)
    assert corpus.truth["speaker_lags"] == rep["truth"]["speaker_lags"]      # the same draws without audio
    for kind in PLANTED_KINDS:
        row = rep["shift"][kind]
        planted = np.concatenate([e[kind] - corpus.units.loc[corpus.units["clip_id"] == c, "peak_time_s"].to_numpy()
                                  for c, e in corpus.truth["events"].items()])
        assert row["n_speakers"] == 6 and row["n_units"] == planted.size == 36
        assert row["mean_lag_s"] == pytest.approx(planted.mean(), abs=0.005)    # the lags as planted in the units
        assert np.nanmax(np.abs(rep["errors"][kind])) < 0.01               # events measured within 10 ms
        assert row["ci_low"] < row["mean_lag_s"] < row["ci_high"] and row["ci_high"] - row["ci_low"] < 0.15
        assert row["coincides"] and row["p_value"] == pytest.approx(1 / (1 + study.N_NULL))


def test_a_null_corpus_measured_from_its_audio_is_not_flagged():
    rep = study.replicate(10_000, related=False, nulls=("shift",))
    for kind in PLANTED_KINDS:
        assert not rep["shift"][kind]["coincides"], (kind, rep["shift"][kind])


@pytest.mark.slow
def test_interval_coverage_of_planted_lags_over_replicates():
    result = study.coverage_study(20, progress=False)
    for kind in PLANTED_KINDS:
        assert result["coverage"][kind] >= 0.85, result                  # nominal 0.95; 20 corpora
        assert result["detected"][kind] == 1.0, result


@pytest.mark.slow
def test_false_positive_rate_of_the_shift_null_on_exact_nulls():
    rates = study.null_study(200, progress=False, nulls=("shift",))["false_positive_rate"]
    for placement in ("uniform_units", "rhythmic_units"):
        for kind in PLANTED_KINDS:
            assert rates[placement]["shift"][kind] <= 0.1, rates         # nominal 0.05; 200 corpora


def test_the_pooled_interval_is_clustered_by_speaker():
    corpus = planted_corpus(5, audio=False, speaker_sd=0.0, unit_sd=0.03)
    events, spans = study.planted_events(corpus)
    base = synchrony(corpus.units, events, spans, kinds=("f0_peak",), n_null=19, n_boot=500, seed=1)["pooled"][0]
    # the same units under 2 speaker labels: too few clusters for an interval
    two = corpus.units.assign(speaker_id=np.where(corpus.units["speaker_id"] < "spk3", "a", "b"))
    few = synchrony(two, events, spans, kinds=("f0_peak",), n_null=19, n_boot=500, seed=1)["pooled"][0]
    assert np.isfinite(base["ci_low"]) and np.isnan(few["ci_low"]) and "2 speaker" in few["note"]
    # speakers with their own lags: a wider interval than speakers who share one, from the same unit noise
    spread = planted_corpus(5, audio=False, speaker_sd=0.1, unit_sd=0.03)
    events_s, spans_s = study.planted_events(spread)
    wide = synchrony(spread.units, events_s, spans_s, kinds=("f0_peak",), n_null=19, n_boot=500,
                     seed=1)["pooled"][0]
    assert (wide["ci_high"] - wide["ci_low"]) > 2 * (base["ci_high"] - base["ci_low"])


def test_per_clip_rows_and_null_lags_for_plots():
    corpus = planted_corpus(2, n_speakers=3, audio=False)
    events, spans = study.planted_events(corpus)
    result = synchrony(corpus.units, events, spans, n_null=49, n_boot=100)
    assert {r["kind"] for r in result["pooled"]} == {"f0_peak", "envelope_peak", "word_onset", "loudest_syllable"}
    missing = next(r for r in result["pooled"] if r["kind"] == "loudest_syllable")
    assert missing["n_units"] == 0 and "no unit" in missing["note"]
    assert len(result["per_clip"]) == 3 * 3
    assert set(result["null_lags"]["kind"]) == set(PLANTED_KINDS)
    analysed = {r["kind"]: r["n_units"] for r in result["pooled"]}
    assert 0 < analysed["f0_peak"] <= len(corpus.units)
    for kind in PLANTED_KINDS:                                           # every analysed unit in each kept draw
        assert (result["null_lags"]["kind"] == kind).sum() == 20 * analysed[kind]
    assert "positive" in result["convention"]


def test_bad_tables_and_options_are_refused():
    units, events = _units([1.0]), _events([1.1])
    with pytest.raises(SchemaError, match="peak_time_s"):
        synchrony(units.drop(columns="peak_time_s"), events, {"c": [(0, 2)]})
    with pytest.raises(SchemaError, match="finite"):
        synchrony(units.assign(peak_time_s=np.nan), events, {"c": [(0, 2)]})
    with pytest.raises(SchemaError, match="time_s"):
        synchrony(units, events.drop(columns="time_s"), {"c": [(0, 2)]})
    with pytest.raises(SchemaError, match="speech intervals"):
        synchrony(units, events, {"c": [(2, 0)]})
    with pytest.raises(ParameterError, match="kinds"):
        synchrony(units, events, {"c": [(0, 2)]}, kinds=("pitch",))
    with pytest.raises(ParameterError, match="null"):
        synchrony(units, events, {"c": [(0, 2)]}, null="circular")
    with pytest.raises(ParameterError, match="max_lag_s"):
        synchrony(units, events, {"c": [(0, 2)]}, max_lag_s=-1.0)
