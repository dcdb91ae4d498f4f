"""Generated-motion and talking-head metrics against real data (``alloava evaluate``).

:mod:`.normalize` (the evaluation frame), :mod:`.features` (windows and the
versioned kinetic / geometric feature sets), :mod:`.frechet` (Fréchet
distance, bootstrap interval, FD-infinity), :mod:`.embedders` (user-supplied
feature extractors), :mod:`.distances` (APD, Hellinger, jerk and
acceleration), :mod:`.beats` (beat alignment), :mod:`.face` (head pose and
blinks), :mod:`.sanity` (identical / jittered / frozen copies) and :mod:`.clip` (one
clip measured); the corpus-level driver is :mod:`alloava_analysis.runs.evaluate`.
"""
from __future__ import annotations

from .beats import audio_onsets, beat_alignment, motion_beats
from .clip import EVALUATION_VERSION, ClipMeasures, measure_clip
from .distances import average_pairwise_distance, hellinger_distance, motion_statistics, speed_histograms
from .embedders import Embedder, load_embedder
from .face import (
                   blinks_per_minute,
                   detect_blinks,
                   eye_aspect_ratio,
                   eye_closure,
                   head_angular_speed,
                   head_pose,
                   rotation_angles,
)
from .features import FEATURE_SETS, GEOMETRIC, KINETIC, FeatureSet, geometric_features, kinetic_features, pose_windows
from .frechet import fd_infinity, frechet_distance, frechet_from_features, frechet_report, gaussian_stats
from .normalize import (
                   EVAL_KEYPOINTS,
                   HEAD_KEYPOINTS,
                   KEYPOINT_SETS,
                   NORMALIZATION,
                   keypoint_set,
                   normalize_pose,
                   pick_pose,
)
from .sanity import perturbed_copy

__all__ = ["EVAL_KEYPOINTS", "EVALUATION_VERSION", "FEATURE_SETS", "GEOMETRIC", "HEAD_KEYPOINTS",
           "KEYPOINT_SETS", "KINETIC", "NORMALIZATION", "audio_onsets", "average_pairwise_distance",
           "beat_alignment", "blinks_per_minute", "ClipMeasures", "detect_blinks",
           "Embedder", "eye_aspect_ratio", "eye_closure", "fd_infinity",
           "FeatureSet", "frechet_distance", "frechet_from_features", "frechet_report", "gaussian_stats",
           "geometric_features", "head_angular_speed", "head_pose", "hellinger_distance", "keypoint_set",
           "kinetic_features", "load_embedder", "measure_clip", "motion_beats",
           "motion_statistics", "normalize_pose", "perturbed_copy", "pick_pose", "pose_windows",
           "rotation_angles", "speed_histograms"]
