"""Speech (audio clock) and motion (video clock) features."""
from __future__ import annotations

from .speech import (count_syllables, detect_pauses, energy_pauses, f0_contour, onset_strength,
                     prosodic_peaks, rms_envelope, speech_features, speech_rate, syllables)
from .motion import (clean_pose, gesture_rate, gesture_units, interpolate_gaps, kinematics,
                     mask_low_confidence, movement_intensity, shoulder_width, smooth, window_intensity)

__all__ = ["clean_pose", "count_syllables", "detect_pauses", "energy_pauses", "f0_contour", "gesture_rate",
           "gesture_units", "interpolate_gaps", "kinematics", "mask_low_confidence", "movement_intensity",
           "onset_strength", "prosodic_peaks", "rms_envelope", "shoulder_width", "smooth", "speech_features",
           "speech_rate", "syllables", "window_intensity"]
