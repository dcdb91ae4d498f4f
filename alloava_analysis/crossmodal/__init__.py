"""Cross-modal analysis: lags, correlation, DTW, mutual information and the corpus-level driver."""
from __future__ import annotations

from .correlation import (
                   POOLING,
                   ar1_correlation_interval,
                   ar1_effective_sample_size,
                   ar1_halfwidth,
                   block_bootstrap_correlation,
                   block_length,
                   correlation_table,
                   effective_sample_size,
                   meta_analysis,
                   pooled_correlation,
                   pooled_lag1_autocorrelation,
)
from .coupling import MI_SIGNALS, SPEECH_RATES, clip_tables, frame_lags
from .dtw import (
                   distance_matrix,
                   dtw_distance,
                   dtw_lag,
                   dtw_lag_interval,
                   dtw_path,
                   dtw_reference,
                   dtw_shift_lag,
                   lag_profile,
                   matched_peaks,
                   pooled_dtw_shift_lag,
                   require_c,
                   znormalize,
)
from .information import ksg_mi, lagged_mi, mi_clip_shuffle_test, mi_surrogate_test
from .lags import (
                   cross_correlation_curve,
                   cross_correlation_lag,
                   lag_interval,
                   lag_verdict,
                   pooled_cross_correlation,
                   pooled_lag_interval,
                   remove_slow_trend,
)

__all__ = ["MI_SIGNALS", "POOLING", "SPEECH_RATES", "ar1_correlation_interval", "ar1_effective_sample_size",
           "ar1_halfwidth", "block_bootstrap_correlation", "block_length", "clip_tables",
           "correlation_table", "cross_correlation_curve", "cross_correlation_lag",
           "distance_matrix", "dtw_distance", "dtw_lag", "dtw_lag_interval", "dtw_path", "dtw_reference",
           "dtw_shift_lag", "lag_verdict", "pooled_dtw_shift_lag",
           "effective_sample_size", "frame_lags", "ksg_mi", "lag_interval", "lag_profile", "lagged_mi",
           "matched_peaks", "meta_analysis", "mi_clip_shuffle_test", "mi_surrogate_test", "pooled_correlation",
           "pooled_cross_correlation", "pooled_lag1_autocorrelation", "pooled_lag_interval", "remove_slow_trend",
           "require_c", "znormalize"]
