"""Speech (audio clock) and motion (video clock) features."""
from __future__ import annotations

from .motion import (
                     MotionSettings,
                     body_reference,
                     clean_pose,
                     detect_pose_cuts,
                     gesture_rate,
                     gesture_units,
                     interpolate_gaps,
                     kinematics,
                     mask_low_confidence,
                     movement_intensity,
                     shot_cut_table,
                     shot_cuts,
                     shoulder_width,
                     smooth,
                     spans_cut,
                     window_intensity,
)
from .speech import (
                     count_syllables,
                     detect_pauses,
                     energy_pauses,
                     f0_contour,
                     onset_strength,
                     prosodic_peaks,
                     rms_envelope,
                     speech_features,
                     speech_rate,
                     syllables,
)

__all__ = ["MotionSettings", "body_reference", "clean_pose", "count_syllables", "detect_pauses",
           "detect_pose_cuts", "energy_pauses", "f0_contour", "gesture_rate", "gesture_units", "interpolate_gaps",
           "kinematics", "mask_low_confidence", "movement_intensity", "onset_strength", "prosodic_peaks",
           "rms_envelope", "shot_cut_table", "shot_cuts", "shoulder_width", "smooth", "spans_cut", "speech_features",
           "speech_rate", "syllables", "window_intensity"]

from .gestures import GestureSettings, gesture_table  # noqa: E402 - per-gesture kinematics

__all__ += ["GestureSettings", "gesture_table"]
