"""Slow, seeded calibration of the frame-level lag estimators on both generators and on exact nulls (issue 22).

The study itself is :func:`tests.fixtures.lag_study.study` (also printed by
``benchmarks/lag_calibration.py``): corpora from the package's generator and from the independent
one, clips of 45 s (planted lags 0 and 0.4 s) and 5 min (0.2 s), and exact nulls made by pairing
clip i's motion with clip i+1's speech. The known lag of the independent generator is the peak of
the covariance of its two signals (derived in its docstring; checked here on its fine-rate
signals). The thresholds are the issue's targets, loosened only by what 12 clips can resolve.
"""
from __future__ import annotations

import numpy as np
import pytest

from tests.fixtures import independent_corpus as ind
from tests.fixtures.lag_study import study

FRAME_S = 1 / 30
DTW_SHAPE_BIAS = pytest.mark.xfail(strict=True, reason=(
    "issue 22: on fast-rise, slow-decay strokes against syllable bumps the shift of least DTW cost is not the "
    "lag of greatest covariance and moves with the warp window (measured: about -0.055 s, 1.7 frames, at "
    "warp_s 0.1 on 5 min clips), so its intervals miss the known lag"))


@pytest.fixture(scope="module")
def tables():
    return {45.0: study(durations=(45.0,), lags=(0.0, 0.4), n_clips=12, seed=22, n_boot=200),
            300.0: study(durations=(300.0,), lags=(0.2,), n_clips=12, seed=22, n_boot=200)}


def _rows(tables, duration, generator, estimator, condition):
    t = tables[duration]
    return t[(t.generator == generator) & (t.estimator == estimator) & (t.condition == condition)]


@pytest.mark.slow
def test_the_independent_generators_signals_covary_most_at_its_known_lag():
    lag, lags = 0.2, np.arange(-100, 101)
    total = np.zeros(lags.size)
    for seed in range(8):
        m, s = ind.fine_series(600.0, lag_s=lag, coupling=0.5, seed=seed)
        m, s = (m - m.mean()) / m.std(), (s - s.mean()) / s.std()
        full = np.correlate(s, m[100:-100], mode="valid")        # sum_t m(t) s(t + k), k = -100..100
        total += full
    i = int(np.argmax(total))
    peak = (lags[i] + 0.5 * (total[i - 1] - total[i + 1]) / (total[i - 1] - 2 * total[i] + total[i + 1])) / ind.FINE_HZ
    assert peak == pytest.approx(lag, abs=0.004)                   # measured spread of the peak: about 1 ms
    assert ind.stroke_lag_offset_s() == pytest.approx(0.035, abs=0.005)   # not the apex-to-onset interval


@pytest.mark.slow
@pytest.mark.parametrize("estimator,generator,duration", [
    ("xcorr", "package", 45.0), ("xcorr", "independent", 45.0), ("dtw", "package", 45.0),
    ("xcorr", "package", 300.0), ("xcorr", "independent", 300.0), ("dtw", "package", 300.0),
    pytest.param("dtw", "independent", 300.0, marks=DTW_SHAPE_BIAS)])
def test_lags_are_unbiased_and_their_intervals_cover(tables, estimator, generator, duration):
    rows = _rows(tables, duration, generator, estimator, "planted")
    assert len(rows) == (2 if duration == 45.0 else 1)
    for row in rows.itertuples():
        assert abs(row.bias_s) <= max(FRAME_S, 2 * row.bias_se_s), row   # one frame, or noise of 12 clips
        assert row.coverage >= 10 / 12, row                               # 95 % nominal


@pytest.mark.slow
@pytest.mark.parametrize("duration", [45.0, 300.0])
@pytest.mark.parametrize("estimator", ["xcorr", "dtw"])
@pytest.mark.parametrize("generator", ["package", "independent"])
def test_exact_nulls_rarely_report_a_lag_or_claim_one_away_from_zero(tables, generator, estimator, duration):
    row = _rows(tables, duration, generator, estimator, "exact null").iloc[0]
    assert row.reported <= 2 / 12 and row.claims_nonzero <= 1 / 12      # 5 % nominal
