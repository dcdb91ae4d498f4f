"""Cross-modal analysis: lags, correlation, DTW, mutual information and the corpus-level driver."""
from __future__ import annotations

from .lags import (cross_correlation_curve, cross_correlation_lag, lag_interval, pooled_cross_correlation,
                   pooled_lag_interval, remove_slow_trend)
from .correlation import (block_bootstrap_correlation, block_length, correlation_table, effective_sample_size,
                          meta_analysis, pooled_correlation)
from .dtw import (distance_matrix, dtw_distance, dtw_lag, dtw_lag_interval, dtw_path, dtw_reference, lag_profile,
                  matched_peaks, require_c, znormalize)
from .information import (ksg_mi, lagged_mi, mi_surrogate_test)
from .coupling import (clip_tables, corpus_tables, correlate_corpus, frame_lags)

__all__ = ["block_bootstrap_correlation", "block_length", "clip_tables", "corpus_tables", "correlate_corpus",
           "correlation_table", "cross_correlation_curve", "cross_correlation_lag", "distance_matrix",
           "dtw_distance", "dtw_lag", "dtw_lag_interval", "lag_interval", "matched_peaks", "pooled_lag_interval", "dtw_path", "dtw_reference", "effective_sample_size", "ksg_mi",
           "lag_profile", "lagged_mi", "meta_analysis", "mi_surrogate_test", "pooled_correlation",
           "pooled_cross_correlation", "remove_slow_trend", "require_c", "znormalize"]
