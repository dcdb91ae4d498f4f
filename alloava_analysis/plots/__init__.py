"""Figures: the only place that imports matplotlib/seaborn/plotly."""
from __future__ import annotations

from .audit import audit_report_html, plot_group_differences, plot_representation
from .coupling import plot_dtw_alignment, plot_lag_profile, plot_lagged_mi, plot_sensitivity
from .distributions import plot_rate_distribution
from .evaluation import plot_fd_infinity, plot_head_pose
from .figures import (
                      POSE_BONES,
                      plot_claims,
                      plot_clip_overview,
                      plot_forest,
                      plot_lag_curve,
                      plot_skeleton,
                      plot_validation,
                      plot_window_scatter,
)
from .gestures import plot_gesture_kinematics, plot_gesture_space

__all__ = ["audit_report_html", "plot_group_differences", "plot_representation", "POSE_BONES",
           "plot_dtw_alignment", "plot_lag_profile", "plot_lagged_mi", "plot_sensitivity", "plot_claims",
           "plot_clip_overview", "plot_fd_infinity", "plot_head_pose", "plot_forest", "plot_lag_curve",
           "plot_gesture_kinematics", "plot_gesture_space", "plot_rate_distribution",
           "plot_skeleton", "plot_validation", "plot_window_scatter"]
