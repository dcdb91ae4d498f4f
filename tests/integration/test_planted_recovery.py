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

from alloava_analysis import synthetic
from alloava_analysis.crossmodal import correlation
from alloava_analysis.crossmodal.coupling import frame_lags
from alloava_analysis.crossmodal.information import mi_clip_shuffle_test, mi_surrogate_test
from alloava_analysis.runs.correlate import corpus_tables, correlate_corpus
from tests.fixtures.lag_study import dtw_as_estimator

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
    assert "xcorr" in result["lag_s"] and "motion leads" in result["lag_s"]["convention"]
    assert not any(key.startswith("dtw") for key in result["lag_s"])        # DTW is an alignment, not a lag
    alignment = result["dtw_alignment"]
    assert set(alignment) >= {"least_cost_shift_s", "shift_ci_low", "shift_ci_high", "p_value", "cost",
                              "path_median_offset_s", "warp_s", "not_a_lag", "per_clip"}
    assert alignment["warp_s"] == 0.1 and "warp window" in alignment["not_a_lag"]
    assert [r["clip_id"] for r in alignment["per_clip"]] == [r["clip_id"] for r in result["lag_s"]["per_clip"]]
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
    """On the package's generator (one shifted modulation in both signals) DTW's least-cost shift and the
    median offset along its paths sit at the lag too; on signals of different shapes they do not (README)."""
    _, truth, result = coupled_corpus
    planted = truth["effects"]["lag"]["motion_leads_speech_s"]
    assert result["lag_s"]["xcorr"] == pytest.approx(planted, abs=FRAME_S)
    assert result["dtw_alignment"]["least_cost_shift_s"] == pytest.approx(planted, abs=FRAME_S)
    assert result["dtw_alignment"]["path_median_offset_s"] == pytest.approx(planted, abs=FRAME_S)


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


def test_cli_takes_the_analysis_choices_and_says_what_it_measured(coupled_corpus, capsys):
    from alloava_analysis.cli import main

    root, _, _ = coupled_corpus
    args = ["correlate", str(root), "--quiet", "--n-boot", "200", "--n-surrogates", "19", "--pooling", "raw",
            "--speech-rate", "syllables", "--movement-units", "raw", "--mi-signals", "window_rate"]
    assert main(args + ["--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert {k: printed["settings"][k] for k in ("pooling", "speech_rate", "normalize", "mi_signals")} == {
        "pooling": "raw", "speech_rate": "syllables", "normalize": False, "mi_signals": "window_rate"}
    assert printed["mi"]["clock"] == "window" and printed["mi"]["clip_shuffle"]["p_value"] is not None
    assert set(printed["diagnostics"]) >= {"warnings", "dropped_clips", "no_interval_clips", "competing_peak_clips"}
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "clip shuffle" in text and "syllables per second" in text and "pooling: raw" in text
    assert main(["correlate", str(root), "--quiet", "--rate-window", "0"]) == 2


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


# ----------------------------------------------------------------------------------- planted lags
PLANTED_LAGS = (0.0, 0.2, 0.4)


def _lag_frames(lag, seed, n_clips=6, seconds=40.0):
    config = synthetic.SynthConfig(lag_s=lag, duration_s=(seconds, seconds))
    clips = [synthetic.synthesize_clip(i, seed=seed, config=config) for i in range(n_clips)]
    _, frames, failed = corpus_tables(clips, progress=False)
    assert not failed
    return frames


def _lags_with_dtw(frames: pd.DataFrame, **options) -> dict:
    """frame_lags' cross-correlation lags with DTW's least-cost shift beside them under ``dtw*`` keys."""
    lag, alignment, _ = frame_lags(frames, **options)
    return {**lag, **dtw_as_estimator(alignment),
            "per_clip": [{**r, **dtw_as_estimator(a)} for r, a in zip(lag["per_clip"], alignment["per_clip"])]}


@pytest.fixture(scope="module")
def planted_lag_results():
    return {lag: _lags_with_dtw(_lag_frames(lag, seed=40), max_lag_s=1.0, dtw_segment_s=60.0, n_boot=300)
            for lag in PLANTED_LAGS}


@pytest.mark.parametrize("estimator", ["xcorr", "dtw"])
def test_both_lag_estimators_track_planted_lags_of_0_02_and_04_s(planted_lag_results, estimator):
    planted, pooled, errors = [], [], []
    for lag, res in planted_lag_results.items():
        assert res[f"{estimator}_ci_low"] <= lag <= res[f"{estimator}_ci_high"]        # pooled interval covers
        assert res[estimator] == pytest.approx(lag, abs=FRAME_S / 2)                     # sub-frame
        planted.append(lag)
        pooled.append(res[estimator])
        assert res[f"{estimator}_detectable"] and all(row[f"{estimator}_detectable"] for row in res["per_clip"])
        errors += [row[f"{estimator}_peak_s"] - lag for row in res["per_clip"]]
    slope, offset = np.polyfit(planted, pooled, 1)
    assert slope == pytest.approx(1.0, abs=0.03) and abs(offset) < 0.01             # matched-peak DTW: slope 0.79
    errors = np.abs(errors)
    assert np.median(errors) < FRAME_S / 2
    assert (errors > 0.1).sum() == 0
    assert not any(r["competing_peak"] for res in planted_lag_results.values() for r in res["per_clip"])


@pytest.mark.slow
def test_lag_intervals_cover_planted_lags_at_about_the_nominal_rate():
    """5 corpora of 6 clips per planted lag: per-clip and pooled intervals of both estimators."""
    per_clip = {"xcorr": [], "dtw": []}
    pooled = {"xcorr": [], "dtw": []}
    for lag in PLANTED_LAGS:
        for seed in range(500, 505):
            res = _lags_with_dtw(_lag_frames(lag, seed=seed), max_lag_s=1.0, dtw_segment_s=60.0, n_boot=300,
                                 seed=seed)
            for est in per_clip:
                pooled[est].append(res[f"{est}_ci_low"] <= lag <= res[f"{est}_ci_high"])
                per_clip[est] += [r[f"{est}_ci_low"] <= lag <= r[f"{est}_ci_high"] for r in res["per_clip"]]
    for est in per_clip:
        assert np.mean(per_clip[est]) >= 0.9, est             # 90 clips; measured 0.95-0.99
        assert np.mean(pooled[est]) >= 0.8, est               # 15 corpora


# ------------------------------------------------------------------------------- MI on a true null
@pytest.mark.slow
def test_mutual_information_rate_on_a_true_null_is_near_nominal():
    """Each clip's motion paired with another clip's speech: both nulls reject at about 5 %."""
    config = synthetic.SynthConfig(duration_s=(20.0, 25.0))           # coupled within each clip
    clips = [synthetic.synthesize_clip(i, seed=77, config=config) for i in range(12)]
    _, frames, _ = corpus_tables(clips, progress=False)
    by_clip = [g for _, g in frames.groupby("clip_id", sort=False)]
    rng = np.random.default_rng(0)
    rejections = {"circular_shift": 0, "clip_shuffle": 0}
    reps = 40
    for rep in range(reps):
        order = rng.permutation(len(by_clip))
        motion_of, speech_of = order[:4], order[4:8]                    # 4 pseudo-clips, never a clip with itself
        parts = []
        for k, (a, b) in enumerate(zip(motion_of, speech_of)):
            n = min(len(by_clip[a]), len(by_clip[b]))
            parts.append(pd.DataFrame({"clip_id": k, "m": by_clip[a]["motion_hp"].to_numpy()[:n],
                                       "s": by_clip[b]["speech_energy_hp"].to_numpy()[:n]}))
        null = pd.concat(parts, ignore_index=True)
        args = (null["m"].to_numpy(float), null["s"].to_numpy(float))
        circ = mi_surrogate_test(*args, groups=null["clip_id"].to_numpy(), n_surrogates=19, seed=rep,
                                 lag_search=30)
        shuf = mi_clip_shuffle_test(*args, groups=null["clip_id"].to_numpy(), n_surrogates=19, seed=rep,
                                    lag_search=30)
        rejections["circular_shift"] += circ["p_value"] <= 0.05
        rejections["clip_shuffle"] += shuf["p_value"] <= 0.05
    for name, count in rejections.items():
        assert count <= 6, (name, count)      # expected 2 of 40; P(>= 7) < 0.5 % at the nominal 5 %


# -------------------------------------------------------------------------------- analysis choices
@pytest.fixture(scope="module")
def choice_clips():
    """Strong within-clip coupling; speakers differ a lot in movement level (half move 3x more)."""
    config = synthetic.SynthConfig(correlation=0.6, duration_s=(60.0, 60.0), group_effects=(
        synthetic.GroupEffect("gender", "female", "movement_intensity", 2.1),))
    clips = [synthetic.synthesize_clip(i, seed=13, config=config, audio=False) for i in range(12)]
    return config, clips


def _pooled(clips, **choice):
    return correlate_corpus(clips, n_boot=400, n_surrogates=19, progress=False, mi_signals="window_rate", **choice)


def test_pooling_choices_measure_what_the_planted_truth_says(choice_clips):
    config, clips = choice_clips
    within = synthetic.expected_window_correlation(config)
    raw_truth = synthetic.expected_window_correlation(config, pooled=True)
    assert raw_truth < within - 0.15                  # speakers' movement levels dilute a raw pooled r
    mixed, raw, mean_r = (_pooled(clips, pooling=p)["pooled"] for p in ("mixed", "raw", "mean_r"))
    assert mixed["ci_low"] <= within <= mixed["ci_high"] and mean_r["ci_low"] <= within <= mean_r["ci_high"]
    assert raw["ci_low"] <= raw_truth <= raw["ci_high"]
    assert raw["r"] < mixed["r"] - 0.1
    assert mixed["pooling"] == "mixed" and "MixedLM" in mixed["method"] and "raw values" in raw["method"]


def test_movement_normalisation_matters_for_raw_pooling_only(choice_clips):
    _, clips = choice_clips
    norm, unnorm = (_pooled(clips, normalize=v) for v in (True, False))
    assert unnorm["pooled"]["r"] == pytest.approx(norm["pooled"]["r"], abs=1e-6)     # within-clip z-scores
    assert "not normalised" in unnorm["settings"]["x"]
    raw_norm, raw_unnorm = (_pooled(clips, normalize=v, pooling="raw")["pooled"]["r"] for v in (True, False))
    assert raw_unnorm != pytest.approx(raw_norm, abs=1e-3)    # camera distance enters raw position units


def test_speech_rate_definitions_all_carry_the_planted_coupling(choice_clips):
    config, clips = choice_clips
    within = synthetic.expected_window_correlation(config)
    for definition in ("word_starts", "syllables", "articulation", "windowed"):
        res = _pooled(clips, speech_rate=definition)
        assert res["pooled"]["ci_low"] > 0.05 and res["pooled"]["r"] > 0.3, definition
        assert res["settings"]["speech_rate"] == definition
    words = _pooled(clips)["pooled"]
    assert words["ci_low"] <= within <= words["ci_high"]
    head = _pooled(clips, group="head")["pooled"]                     # coupling planted in the hands only
    assert head["ci_low"] <= 0 <= head["ci_high"]


def test_frame_level_raw_pearson_gives_a_tiny_r_on_a_strongly_coupled_corpus(choice_clips):
    """The paper's r = 0.0285 is what frame-level windows and raw pooling give here, where windows give ~0.5."""
    _, clips = choice_clips
    window = _pooled(clips)["pooled"]
    frame = _pooled(clips, window_s=1 / 30, pooling="raw")
    assert window["r"] > 0.4
    assert abs(frame["pooled"]["r"]) < 0.06
    assert frame["pooled"]["n_windows"] == pytest.approx(12 * 60 * 30, rel=0.02)     # no frames lost
    smoothed = _pooled(clips, window_s=1 / 30, pooling="raw", speech_rate="windowed")["pooled"]
    assert smoothed["r"] > 5 * abs(frame["pooled"]["r"])  # a rate defined per frame is the problem


def test_choices_are_checked_and_recorded():
    with pytest.raises(ValueError, match="pooling"):
        correlate_corpus([], pooling="median")
    with pytest.raises(ValueError, match="speech_rate"):
        correlate_corpus([], speech_rate="phonemes")
