"""Per-clip coupling tables, frame lags and the competing-peak null (the driver: tests/unit/runs/test_correlate.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.crossmodal import lags
from alloava_analysis.crossmodal.coupling import WINDOW_COLUMNS, clip_tables, frame_lags, peak_null_r
from alloava_analysis.errors import MissingModalityError
from tests.fixtures.coupling_clips import FPS
from tests.fixtures.coupling_clips import coupling_clip as _clip


def test_clip_tables_give_tidy_windows_on_the_media_clock():
    windows, frames = clip_tables(_clip(0, seconds=23.0))
    assert list(windows.columns) == list(WINDOW_COLUMNS)
    assert windows["start"].tolist() == [0.0, 5.0, 10.0, 15.0]              # full windows only
    assert (windows[["window_s", "hop_s"]] == 5.0).all().all() and (windows["clock"] == "window").all()
    assert {"motion", "speech_energy", "motion_hp", "speech_energy_hp"} <= set(frames.columns)
    assert frames.attrs["clock"] == "video" and len(frames) == int(23 * FPS)
    sliding, _ = clip_tables(_clip(0, seconds=23.0), window_s=4.0, hop_s=2.0, energy=False)
    assert sliding["start"].tolist() == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0]
    assert (sliding["hop_s"] == 2.0).all()


def test_a_clip_without_pose_is_a_missing_modality():
    item = _clip(0)
    item.clip.poses = {}
    with pytest.raises(MissingModalityError, match="keypoints"):
        clip_tables(item)


# --------------------------------------------------------------------------- notes that mean something


def _smooth(n, rng, width=9):
    return np.convolve(rng.standard_normal(n + 4 * width), np.hanning(width), "same")[2 * width:2 * width + n]


def test_a_competing_peak_is_flagged_only_when_it_is_above_the_null():
    """Independent series: the height/bootstrap rule alone flags every clip; the null keeps them all silent."""
    rng = np.random.default_rng(5)
    n, parts = 1350, []
    for i in range(4):
        parts.append(pd.DataFrame({"clip_id": f"null{i}", "motion_hp": _smooth(n, rng),
                                   "speech_energy_hp": _smooth(n, rng)}))
    u = _smooth(n + 200, rng, width=5)
    x = u[100:100 + n] + 0.3 * rng.standard_normal(n)
    y = u[94:94 + n] + 0.95 * u[109:109 + n] + 0.3 * rng.standard_normal(n)       # lags +6 and -9 frames
    parts.append(pd.DataFrame({"clip_id": "two_lags", "motion_hp": x, "speech_energy_hp": y}))
    frames = pd.concat(parts, ignore_index=True)
    frames.attrs["rate_hz"] = 30.0
    out, _, _ = frame_lags(frames, max_lag_s=1.0, dtw_segment_s=None, n_boot=200)
    rows = {r["clip_id"]: r for r in out["per_clip"]}
    unfiltered = [lags.lag_interval(g["motion_hp"].to_numpy(), g["speech_energy_hp"].to_numpy(), rate_hz=30.0,
                                    max_lag_s=1.0, n_boot=200)["competing_peak"]
                  for _, g in frames.groupby("clip_id") if str(g["clip_id"].iat[0]).startswith("null")]
    assert sum(unfiltered) >= 2                                       # the flag this replaces fires on nulls
    assert out["competing_peak_clips"] == ["two_lags"]
    assert rows["two_lags"]["secondary_r"] > rows["two_lags"]["peak_null_r95"]
    assert all(rows[f"null{i}"]["secondary_r"] < rows[f"null{i}"]["peak_null_r95"] for i in range(4))


def test_peak_null_is_the_quantile_of_the_surrogate_peaks_and_nan_without_surrogates():
    rng = np.random.default_rng(6)
    assert np.isnan(peak_null_r(np.zeros((0, 61))))                   # a clip too short for shifts clear of the lags
    x, y = _smooth(3000, rng), _smooth(3000, rng)
    null, _ = lags.surrogate_curves(x, y, max_lag=30, seed=1)
    r95 = peak_null_r(null)
    assert r95 == pytest.approx(np.quantile(np.nanmax(null, axis=1), 0.95))
    assert 0.02 < r95 < 0.3


# --------------------------------------------------------------------------- DTW: an alignment, not a lag


def test_dtw_is_reported_as_an_alignment_with_its_shift_cost_and_path_not_as_a_lag():
    """Speech a copy of motion 6 frames later: least-cost shift and path offsets both sit at +0.2 s."""
    rng = np.random.default_rng(8)
    n, parts = 1800, []
    for k in range(3):
        u = _smooth(n + 100, rng, width=7)
        parts.append(pd.DataFrame({"clip_id": f"c{k}", "motion_hp": u[50:50 + n] + 0.2 * rng.standard_normal(n),
                                   "speech_energy_hp": u[44:44 + n] + 0.2 * rng.standard_normal(n)}))
    frames = pd.concat(parts, ignore_index=True)
    frames.attrs["rate_hz"] = 30.0
    lag, alignment, _ = frame_lags(frames, max_lag_s=1.0, dtw_segment_s=None, n_boot=100)
    assert not any(key.startswith("dtw") for key in lag) and lag["xcorr"] == pytest.approx(0.2, abs=1 / 60)
    assert not any(key.startswith("dtw") for row in lag["per_clip"] for key in row)
    assert alignment["warp_s"] == 0.1 and "moves with the warp window" in alignment["not_a_lag"]
    assert alignment["least_cost_shift_s"] == pytest.approx(0.2, abs=1 / 60)
    assert alignment["path_median_offset_s"] == pytest.approx(0.2, abs=1 / 60)
    assert alignment["clear_minimum"] and alignment["p_value"] <= 0.05
    assert alignment["shift_ci_low"] <= 0.2 <= alignment["shift_ci_high"] and 0 <= alignment["cost"] < 0.5
    assert [r["clip_id"] for r in alignment["per_clip"]] == ["c0", "c1", "c2"]
    assert all(r["path_median_offset_s"] == pytest.approx(0.2, abs=1 / 60) for r in alignment["per_clip"])
