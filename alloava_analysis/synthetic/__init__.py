"""Synthetic corpora in the Allo-AVA layout with planted, known effects.

Every analysis of the toolkit is tested by recovering what this module plants.
A clip is built from a small generative model:

* **Window-level latents** ``(s_k, m_k)`` over windows ``[kW, (k+1)W)``: two
  AR(1) processes (``ar_phi``), unit variance, with innovations correlated so
  that ``corr(s_k, m_k) = correlation``.
* **Speech rate** in window ``k``: ``mean_wpm / 60 * exp(rate_sd * s_k -
  rate_sd**2 / 2)`` words/s. Exactly ``round(rate * W)`` word starts are laid
  out in the window (words from a built-in vocabulary with known syllable
  counts, short gaps, pauses at sentence ends and between some words).
* **Movement intensity**: the mean hand speed over window ``k`` is exactly
  ``base * exp(intensity_sd * m_k)`` shoulder widths/s; within the window the
  speed follows ``1 + fine_coupling * u(t + lag_s)`` (renormalised to that
  mean), where ``u`` is a shared zero-mean band-limited (0.5-3 Hz) unit-sd
  process. Syllable amplitudes of the speech follow ``1 + fine_coupling *
  u(t)``, so hand speed leads speech energy by ``lag_s``.
* **Pose**: MediaPipe pose 33 in normalised image coordinates (a speaker in a
  1280x720 frame) and OpenPose 18 derived from it; both wrists (and the finger
  points rigidly attached to them) move with exactly the planted speed. Small
  i.i.d. tracking noise, tracking dropout spans (hands NaN, confidence 0) and
  low-confidence bursts.
* **Audio**: 48 kHz voiced syllables (harmonic tone with the speaker's F0 and
  a declining contour per sentence) timed exactly to the words.
* **Demographics** per speaker (speakers recur across clips) with planted
  group differences in tracking dropout, ASR confidence and movement, and no
  difference for every other attribute/metric pair.

Everything is deterministic by seed. Clip ``k`` draws from its own generator
``SeedSequence(seed, spawn_key=(0, k))`` -- the ``k``-th child that
``SeedSequence(seed).spawn`` would produce in namespace 0 -- so it does not
depend on how many clips are generated; speakers draw from namespace 1 and the
clip-to-speaker assignment from namespace 2.
"""
from __future__ import annotations

from .clip import SyntheticClip, synthesize_clip
from .config import (
                     ATTRIBUTES,
                     GENERATOR_NAME,
                     GENERATOR_VERSION,
                     HAND_KEYPOINTS,
                     LABEL_SOURCE,
                     METRICS,
                     GroupEffect,
                     SynthConfig,
)
from .corpus import generate_corpus
from .face import blink_train, face_dataset, face_track
from .truth import expected_window_correlation
from .words import VOCABULARY

__all__ = ["ATTRIBUTES", "GENERATOR_NAME", "GENERATOR_VERSION", "GroupEffect", "HAND_KEYPOINTS",
           "LABEL_SOURCE", "METRICS", "SynthConfig", "SyntheticClip", "VOCABULARY",
           "blink_train", "expected_window_correlation", "face_dataset", "face_track", "generate_corpus",
           "synthesize_clip"]
