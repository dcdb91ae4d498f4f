"""Clock alignment: words -> frames, resampling between clocks, analysis windows."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alloava_analysis import clocks
from alloava_analysis.errors import SchemaError


def _words(rows):
    return pd.DataFrame(rows, columns=["word", "start", "end"])


# ------------------------------------------------------------------------------- words_to_frames
def test_words_to_frames_labels_each_frame_with_the_word_spoken():
    words = _words([("hello", 0.10, 0.40), ("world", 0.50, 0.90)])
    t = np.arange(0, 1.0, 0.1)  # 0.0 .. 0.9
    out = clocks.words_to_frames(words, t)
    assert out.index.name == "time" and out.name == "word"
    np.testing.assert_array_equal(out.index.to_numpy(), t)
    assert out.tolist() == ["", "hello", "hello", "hello", "", "world", "world", "world", "world", ""]


def test_words_to_frames_interval_is_start_inclusive_end_exclusive():
    words = _words([("a", 1.0, 2.0), ("b", 2.0, 3.0)])
    out = clocks.words_to_frames(words, np.array([0.999, 1.0, 1.999, 2.0, 3.0]))
    assert out.tolist() == ["", "a", "a", "b", ""]


def test_words_to_frames_handles_unsorted_overlapping_and_zero_length_words():
    words = _words([("late", 0.5, 0.7), ("early", 0.0, 1.2), ("blink", 0.9, 0.9)])
    out = clocks.words_to_frames(words, np.array([0.1, 0.6, 0.8, 0.9, 1.1, 1.3]))
    # at 0.6 both 'early' and 'late' cover the time: the later start wins; after 'late' ends 'early'
    # is still being spoken; the zero-length 'blink' covers nothing
    assert out.tolist() == ["early", "late", "early", "early", "early", ""]
    plain = clocks.words_to_frames(_words([("b", 0.5, 0.7), ("a", 0.0, 0.4), ("c", 0.8, 0.8)]),
                                  np.array([0.1, 0.45, 0.6, 0.8]))
    assert plain.tolist() == ["a", "", "b", ""]


def test_words_to_frames_strips_whitespace_and_accepts_no_words():
    out = clocks.words_to_frames(_words([(" so", 0.0, 0.3)]), np.array([0.1]))
    assert out.tolist() == ["so"]
    empty = clocks.words_to_frames(_words([]), np.array([0.0, 0.1]))
    assert empty.tolist() == ["", ""]


@pytest.mark.parametrize("times", [[0.0, 0.2, 0.1], [0.0, 0.0, 0.1], [0.0, np.nan]])
def test_words_to_frames_rejects_bad_frame_times(times):
    with pytest.raises(SchemaError, match="increasing|finite"):
        clocks.words_to_frames(_words([("a", 0, 1)]), np.array(times))


def test_words_to_frames_names_missing_columns():
    with pytest.raises(ValueError, match="missing \\['end'\\]"):
        clocks.words_to_frames(pd.DataFrame({"word": ["a"], "start": [0.0]}), np.array([0.0]))


# ----------------------------------------------------------------------------- resample_to_times
def test_linear_resampling_is_exact_for_a_linear_signal_and_nan_outside():
    src_t = np.arange(0, 2.0, 0.01)
    values = 3.0 * src_t + 1.0
    tgt = np.array([-0.1, 0.0, 0.333, 1.5, 1.99, 2.5])
    out = clocks.resample_to_times(values, src_t, tgt, method="linear")
    np.testing.assert_allclose(out[1:5], 3.0 * tgt[1:5] + 1.0, rtol=1e-12)
    assert np.isnan(out[0]) and np.isnan(out[-1])


def test_linear_resampling_spreads_a_nan_only_to_its_neighbourhood():
    src_t = np.arange(10.0)
    values = src_t.copy()
    values[5] = np.nan
    out = clocks.resample_to_times(values, src_t, np.array([4.0, 4.5, 5.5, 6.0, 7.0]))
    assert out[0] == 4.0 and np.isnan(out[1]) and np.isnan(out[2]) and out[3] == 6.0 and out[4] == 7.0


def test_mean_resampling_averages_the_source_samples_in_each_target_frame():
    rng = np.random.default_rng(0)
    src_t = np.arange(0, 3.0, 0.01)            # 100 Hz audio-clock feature
    values = rng.normal(size=src_t.size)
    tgt = np.arange(0, 3.0, 1 / 30)             # 30 fps video clock
    out = clocks.resample_to_times(values, src_t, tgt, method="mean")
    half = 0.5 / 30
    for i in (0, 1, 17, 45, tgt.size - 1):
        lo = tgt[i] - half if i == 0 else (tgt[i - 1] + tgt[i]) / 2
        hi = tgt[i] + half if i == tgt.size - 1 else (tgt[i] + tgt[i + 1]) / 2
        inside = (src_t >= lo) & (src_t < hi)
        assert out[i] == pytest.approx(values[inside].mean(), rel=1e-12)


def test_mean_resampling_skips_nan_and_is_nan_without_samples():
    src_t = np.array([0.0, 0.1, 0.2, 5.0])
    values = np.array([1.0, np.nan, 3.0, 7.0])
    out = clocks.resample_to_times(values, src_t, np.array([0.1, 2.5, 5.0]), method="mean")
    assert out[0] == pytest.approx(2.0) and np.isnan(out[1]) and out[2] == 7.0


def test_resampling_keeps_trailing_dimensions():
    src_t = np.arange(5.0)
    values = np.stack([src_t, 2 * src_t], axis=1)
    out = clocks.resample_to_times(values, src_t, np.array([1.5, 2.5]), method="linear")
    assert out.shape == (2, 2)
    np.testing.assert_allclose(out, [[1.5, 3.0], [2.5, 5.0]])


def test_nearest_resampling_picks_the_closest_source_sample():
    out = clocks.resample_to_times(np.array([10.0, 20.0, 30.0]), np.array([0.0, 1.0, 2.0]),
                                  np.array([0.4, 0.6, 1.9]), method="nearest")
    np.testing.assert_array_equal(out, [10.0, 20.0, 30.0])


def test_resampling_rejects_mismatched_clocks_and_unknown_methods():
    with pytest.raises(ValueError, match="mismatched clocks"):
        clocks.resample_to_times(np.zeros(5), np.arange(6.0), np.arange(3.0))
    with pytest.raises(ValueError, match="method"):
        clocks.resample_to_times(np.zeros(3), np.arange(3.0), np.arange(3.0), method="cubic")
    with pytest.raises(SchemaError):
        clocks.resample_to_times(np.zeros(3), np.array([0.0, 2.0, 1.0]), np.arange(3.0))


# ------------------------------------------------------------------------------------- windows
def test_make_windows_tiles_full_windows_and_records_window_hop_clock():
    win = clocks.make_windows(0.0, 12.0, window_s=5.0)
    assert win["start"].tolist() == [0.0, 5.0] and win["end"].tolist() == [5.0, 10.0]
    assert set(win[["window_s", "hop_s"]].to_numpy().ravel()) == {5.0}
    assert (win["clock"] == "window").all()
    sliding = clocks.make_windows(0.0, 10.0, window_s=4.0, hop_s=1.0, clock="word")
    assert sliding["start"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert (sliding["hop_s"] == 1.0).all() and (sliding["clock"] == "word").all()
    np.testing.assert_allclose(sliding["center"], sliding["start"] + 2.0)


def test_make_windows_is_empty_for_a_short_span_and_rejects_bad_sizes():
    assert clocks.make_windows(0.0, 3.0, window_s=5.0).empty
    for kwargs in ({"window_s": 0.0}, {"window_s": -1.0}, {"window_s": 1.0, "hop_s": 0.0}):
        with pytest.raises(ValueError, match="expected"):
            clocks.make_windows(0.0, 10.0, **kwargs)


def test_aggregate_windows_matches_brute_force_and_flags_thin_windows():
    rng = np.random.default_rng(1)
    t = np.arange(0, 20.0, 1 / 30)
    v = rng.normal(size=t.size)
    v[(t >= 10) & (t < 14)] = np.nan           # window [10, 15) is 80 % missing
    win = clocks.make_windows(0.0, 20.0, window_s=5.0)
    out = clocks.aggregate_windows(v, t, win, min_coverage=0.5)
    for k in (0, 1, 3):
        inside = (t >= 5 * k) & (t < 5 * k + 5)
        assert out[k] == pytest.approx(np.nanmean(v[inside]))
    assert np.isnan(out[2])
    lenient = clocks.aggregate_windows(v, t, win, min_coverage=0.1)
    assert lenient[2] == pytest.approx(np.nanmean(v[(t >= 10) & (t < 15)]))
    med = clocks.aggregate_windows(v, t, win, how="median")
    assert med[0] == pytest.approx(np.median(v[t < 5]))


def test_count_in_windows_counts_starts_at_the_left_edge_only():
    win = clocks.make_windows(0.0, 10.0, window_s=5.0)
    np.testing.assert_array_equal(clocks.count_in_windows([0.0, 4.999, 5.0, 9.9, 10.0, np.nan], win), [2, 2])


@pytest.mark.parametrize("fps", [30.0, 29.97, 25.0])
@pytest.mark.parametrize("frames_per_window", [1, 6])
def test_frames_with_rounded_times_land_in_their_own_window(fps, frames_per_window):
    # container times stored to 0.1 ms: frame k at round(k / fps, 4) is a hair before or after k / fps
    t = np.round(np.arange(3000) / fps, 4)
    win = clocks.make_windows(0.0, 3000 / fps, window_s=frames_per_window / fps)
    counts = clocks.count_in_windows(t, win, rate_hz=fps)
    np.testing.assert_array_equal(counts, frames_per_window)          # none lost, none doubled
    values = np.arange(t.size, dtype=float)
    out = clocks.aggregate_windows(values, t, win, rate_hz=fps)
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out, values.reshape(-1, frames_per_window).mean(axis=1))


def test_word_starts_on_a_computed_boundary_count_in_that_window():
    win = clocks.make_windows(0.0, 1.0, window_s=0.2)                  # 3 * 0.2 = 0.6000000000000001
    np.testing.assert_array_equal(clocks.count_in_windows([0.2, 0.4, 0.6, 0.8], win), [0, 1, 1, 1, 1])


def test_shared_span_refuses_clocks_that_do_not_overlap():
    assert clocks.shared_span(np.arange(0, 10.0), np.arange(2, 20.0)) == (2.0, 9.0)
    with pytest.raises(ValueError, match="overlapping"):
        clocks.shared_span(np.arange(0, 5.0), np.arange(10, 20.0))
