"""Planted-effect recovery: the analyses find what alloava_analysis.synthetic plants, and nothing else.

The generator states in ``truth.json`` what a correct analysis should measure:
``effects.coupling.expected_r`` (within-clip window correlation of speech rate
and movement intensity at ``window_s``) and ``effects.lag.motion_leads_speech_s``
(hand speed leads the speech-energy envelope). These tests run the toolkit's
own pipeline (files -> Corpus -> :func:`correlate_corpus`, or in-memory clips
through the same code) and compare.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.crossmodal import correlation

from alloava_analysis import synthetic
from alloava_analysis.crossmodal.coupling import corpus_tables, correlate_corpus
from alloava_analysis.crossmodal.information import mi_surrogate_test

FRAME_S = 1 / 30


@pytest.fixture(scope="module")
def coupled_corpus(tmp_path_factory):
    """A 12-clip corpus on disk with the default planted effects, and its analysis."""
    root = tmp_path_factory.mktemp("planted") / "corpus"
    truth = synthetic.generate_corpus(root, n_clips=12, seed=11, progress=False)
    result = correlate_corpus(root, n_boot=1000, n_surrogates=99, seed=0, progress=False)
    return root, truth, result


def test_truth_file_states_what_should_be_measured(coupled_corpus):
    root, truth, _ = coupled_corpus
    on_disk = json.loads((root / "truth.json").read_text())
    coupling = on_disk["effects"]["coupling"]
    assert coupling["window_s"] == 5.0 and 0.3 < coupling["expected_r"] < 0.6
    assert on_disk["effects"]["lag"]["motion_leads_speech_s"] == pytest.approx(0.15)
    assert on_disk["effects"]["mutual_information"]["coupled"] is True


def test_correlate_json_contract(coupled_corpus):
    _, truth, result = coupled_corpus
    json.dumps(result, allow_nan=False)                      # strict JSON: no NaN
    assert set(result["pooled"]) >= {"r", "ci_low", "ci_high", "method"}
    assert len(result["per_clip"]) == 12 and not result["failed"]
    for row in result["per_clip"]:
        assert set(row) >= {"clip_id", "r", "ci_low", "ci_high"}
    assert set(result["lag_s"]) >= {"xcorr", "dtw"} and "motion leads" in result["lag_s"]["convention"]
    assert set(result["mi"]) >= {"bits", "p_value"}
    assert result["settings"]["window_s"] == 5.0 and result["settings"]["hop_s"] == 5.0


def test_pooled_correlation_interval_covers_the_planted_value(coupled_corpus):
    _, truth, result = coupled_corpus
    expected = truth["effects"]["coupling"]["expected_r"]
    pooled = result["pooled"]
    assert pooled["ci_low"] <= expected <= pooled["ci_high"]
    assert pooled["ci_low"] > 0                               # the coupling is detected
    # every per-clip value is a correlation from its clip's full windows
    n_windows = {c["clip_id"]: c["n_windows"] for c in truth["clips"]}
    assert all(row["n"] == n_windows[row["clip_id"]] for row in result["per_clip"])


def test_lag_is_recovered_within_one_frame_by_cross_correlation_and_dtw(coupled_corpus):
    _, truth, result = coupled_corpus
    planted = truth["effects"]["lag"]["motion_leads_speech_s"]
    assert result["lag_s"]["xcorr"] == pytest.approx(planted, abs=FRAME_S)
    assert result["lag_s"]["dtw"] == pytest.approx(planted, abs=FRAME_S)


def test_mutual_information_beats_the_surrogates_when_coupled(coupled_corpus):
    _, _, result = coupled_corpus
    mi = result["mi"]
    assert mi["bits"] > mi["null_p95"] and mi["p_value"] <= 0.01
    assert mi["lag_s"] == pytest.approx(0.15, abs=FRAME_S)


def test_cli_prints_the_contract(coupled_corpus, capsys):
    from alloava_analysis.cli import main

    root, _, result = coupled_corpus
    code = main(["correlate", str(root), "--json", "--quiet", "--n-boot", "1000", "--n-surrogates", "99"])
    printed = json.loads(capsys.readouterr().out)
    assert code == 0
    assert printed["pooled"]["r"] == pytest.approx(result["pooled"]["r"])
    assert printed["lag_s"]["xcorr"] == pytest.approx(result["lag_s"]["xcorr"])


def _pooled_over_seeds(config, n_seeds, n_clips, first_seed):
    truth = synthetic.expected_window_correlation(config)
    estimates, covered = [], []
    for seed in range(first_seed, first_seed + n_seeds):
        clips = [synthetic.synthesize_clip(i, seed=seed, config=config, audio=False) for i in range(n_clips)]
        windows, _, failed = corpus_tables(clips, progress=False, energy=False)
        assert not failed
        skip = pd.DataFrame({"r": [np.nan], "n_eff": [np.nan]})   # the meta-analysis is not under test
        res = correlation.pooled_correlation(windows, "intensity", "speech_rate", n_boot=1000, seed=seed,
                                           per_clip=skip)
        estimates.append(res["r"])
        covered.append(res["ci_low"] <= truth <= res["ci_high"])
    return truth, np.array(estimates), np.array(covered)


@pytest.mark.slow
def test_planted_correlation_is_recovered_and_its_interval_covers_it_across_50_seeds():
    config = synthetic.SynthConfig(correlation=0.5)
    truth, estimates, covered = _pooled_over_seeds(config, n_seeds=50, n_clips=8, first_seed=1000)
    assert estimates.mean() == pytest.approx(truth, abs=0.05)
    assert covered.mean() >= 0.9


@pytest.mark.slow
def test_no_planted_correlation_gives_intervals_that_cover_zero_at_the_nominal_rate():
    config = synthetic.SynthConfig(correlation=0.0)
    truth, estimates, covered = _pooled_over_seeds(config, n_seeds=50, n_clips=8, first_seed=2000)
    assert truth == pytest.approx(0.0, abs=0.01)
    assert abs(estimates.mean()) < 0.05
    assert covered.mean() >= 0.9


@pytest.mark.slow
def test_mutual_information_false_positive_rate_is_near_five_percent_when_independent():
    config = synthetic.SynthConfig(correlation=0.0, fine_coupling=0.0, duration_s=(20.0, 30.0))
    p_values = []
    for rep in range(40):
        clips = [synthetic.synthesize_clip(i, seed=3000 + rep, config=config) for i in range(2)]
        _, frames, _ = corpus_tables(clips, progress=False)
        res = mi_surrogate_test(frames["motion_hp"].to_numpy(), frames["speech_energy_hp"].to_numpy(),
                                n_surrogates=39, seed=rep, groups=frames["clip_id"].to_numpy(), lag_search=30)
        p_values.append(res["p_value"])
    false_positives = int((np.array(p_values) <= 0.05).sum())
    assert false_positives <= 6          # expected 2 of 40; P(>= 7) < 0.5 % at the nominal 5 %
