"""Allowed values of the toolkit's options, in one place for the library, its settings objects and the CLI.

A leaf module (standard library only), so the command line can offer the
choices without loading the analysis code. Each analysis module imports its
tuple from here; :mod:`alloava_analysis.runs.settings` exposes them per job.
"""
from __future__ import annotations

#: Speech-rate definitions of the coupling analysis (see ``crossmodal.coupling.SPEECH_RATES`` for each one's column).
SPEECH_RATES = ("word_starts", "syllables", "articulation", "windowed")
#: Signal pairs for mutual information (see ``crossmodal.coupling.MI_SIGNALS``).
MI_SIGNALS = ("frame_energy", "frame_energy_raw", "window_rate")
#: How per-window correlations are pooled over clips.
POOLING = ("mixed", "raw", "mean_r")
#: Per-clip correlation intervals.
PER_CLIP_INTERVALS = ("clip_pairs", "ar1", "block_bootstrap")
#: What movement positions are measured relative to.
RELATIVE_TO = ("auto", "body", "image")
#: What happens at camera cuts.
CUT_HANDLING = ("exclude", "ignore")
#: Where camera cuts come from.
CUT_SOURCES = ("auto", "video", "pose")
#: Beat-alignment directions of the evaluation.
DIRECTIONS = ("motion_to_audio", "audio_to_motion")
#: Keypoint sets of the evaluation.
EVAL_KEYPOINT_SETS = ("upper_body", "head")
#: Export formats.
EXPORT_FORMATS = ("netcdf", "eaf", "textgrid", "pose", "parquet", "csv")
#: Movement units of the coupling analysis on the command line (``normalize`` True / False).
MOVEMENT_UNITS = ("shoulder_widths", "raw")
#: F0 trackers of the prosody features (Praat through parselmouth, librosa's pYIN).
F0_METHODS = ("praat", "pyin")
#: Prosodic events a gesture's peak speed is timed against (see ``features.prosody.EVENT_KINDS``).
PROSODIC_EVENTS = ("f0_peak", "envelope_peak", "word_onset", "loudest_syllable")
#: How the synchrony null moves a clip's gesture units (see ``crossmodal.synchrony``).
SYNCHRONY_NULLS = ("shift", "uniform")
