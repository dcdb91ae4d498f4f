"""The expected window correlation recorded in truth.json."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alloava_analysis.synthetic import SynthConfig, expected_window_correlation
from tests.fixtures.synthetic import hand_speed_from_pose


def test_expected_window_correlation_is_close_to_the_planted_one():
    assert abs(expected_window_correlation(SynthConfig()) - 0.5) < 0.02
    assert abs(expected_window_correlation(SynthConfig(correlation=-0.3)) + 0.3) < 0.02
    assert expected_window_correlation(SynthConfig(), pooled=True) < expected_window_correlation(SynthConfig())


@pytest.mark.slow
def test_measured_window_correlation_recovers_expected_r(clips):
    """Words/s and pose-measured intensity, z-scored within clip and pooled, give expected_r."""
    rates, intensities = [], []
    for sc in clips:
        full = sc.windows["full"].to_numpy()
        starts = sc.clip.words["start"].to_numpy()
        w = sc.windows[full]
        rate = np.array([((starts >= a) & (starts < b)).sum() for a, b in zip(w["start"], w["end"])]) / 5.0
        win = (sc.frame_time // 5.0).astype(int)
        measured = pd.Series(hand_speed_from_pose(sc)).groupby(win).mean().to_numpy()[: full.sum()]
        for vec, out in ((rate, rates), (measured, intensities)):
            out.append((vec - vec.mean()) / vec.std())
    r = np.corrcoef(np.concatenate(rates), np.concatenate(intensities))[0, 1]
    n_windows = sum(len(x) for x in rates)
    assert n_windows > 200
    # within-clip centring of short AR(1) series shrinks r a little; the tolerance covers it
    assert abs(r - expected_window_correlation(SynthConfig())) < 0.12
