"""Camera cuts (shot changes) found in the decoded frames during extraction.

Each frame gets a cheap signature while it is decoded for the pose tracker: a
normalised 3 x 16-bin colour histogram of a thumbnail (every 8th pixel). A cut
changes what is in the picture, so the histograms of the two frames around it
differ much more than those of neighbouring frames; motion, including a
person moving or a camera panning over the same scene, changes them little.
A cut is declared where the L1 distance between consecutive histograms
exceeds ``threshold`` and is ``contrast`` times the median distance within
``context_s`` around it. Cut times are midway between the two frames, on the
media clock, and are stored in the extraction report (``shot_cuts``) so that
analyses can exclude windows spanning them
(:func:`alloava_analysis.features.motion.shot_cuts`).
"""
from __future__ import annotations

import numpy as np

from ..checks import check_nonnegative, check_positive
from ..features.motion import jump_peaks

__all__ = ["CUT_METHOD", "ShotDetector", "detect_video_cuts", "frame_signature"]

CUT_METHOD = "frame_histogram"
_BINS = 16
_STRIDE = 8


def frame_signature(rgb: np.ndarray) -> np.ndarray:
    """Normalised colour histogram (3 x 16 bins, sums to 3) of an RGB uint8 frame, on every 8th pixel.

    Parameters
    ----------
    rgb
        Pixels (height, width, 3), uint8 (further channels are ignored).

    Returns
    -------
    numpy.ndarray
        48 float32 values: the 16-bin histogram of each channel, each summing to 1.
    """
    thumb = np.asarray(rgb)[::_STRIDE, ::_STRIDE, :3]
    q = (thumb.astype(np.uint16) * _BINS) >> 8  # 0..15 per channel
    n = max(q.shape[0] * q.shape[1], 1)
    return np.concatenate([np.bincount(q[..., c].ravel(), minlength=_BINS) for c in range(3)]).astype(np.float32) / n


def detect_video_cuts(times: np.ndarray, signatures: np.ndarray, *, threshold: float = 0.5, contrast: float = 4.0,
                      context_s: float = 0.5) -> dict:
    """Cuts from per-frame signatures (see the module docstring).

    Parameters
    ----------
    times
        Frame times in seconds.
    signatures
        One :func:`frame_signature` per frame, (frames, 48).
    threshold
        Smallest L1 distance between consecutive signatures that can be a cut
        (>= 0; distances run from 0 to 6).
    contrast
        How many times the median distance around it a cut's distance must be (> 0).
    context_s
        How far around a step that median looks, in seconds (> 0; at least 3 frames).

    Returns
    -------
    dict
        ``method, times_s, scores, threshold, contrast, n_frames`` (JSON-ready;
        ``times_s`` midway between the frames around each cut, seconds).
    """
    check_nonnegative("threshold", threshold)
    check_positive("contrast", contrast)
    check_positive("context_s", context_s)
    times = np.asarray(times, dtype=np.float64)
    sig = np.asarray(signatures, dtype=np.float64)
    out = {"method": CUT_METHOD, "times_s": [], "scores": [], "threshold": float(threshold),
           "contrast": float(contrast), "n_frames": int(times.size)}
    if times.size < 3:
        return out
    d = np.abs(np.diff(sig, axis=0)).sum(axis=1)  # (n-1,), 0..6
    step = float(np.median(np.diff(times)))
    half = max(int(round(context_s / step)) if step > 0 else 3, 3)
    keep, _ = jump_peaks(d, threshold=threshold, contrast=contrast, half=half, exclude=1, merge=2)
    out["times_s"] = [round(float((times[i] + times[i + 1]) / 2), 6) for i in keep]
    out["scores"] = [round(float(d[i]), 4) for i in keep]
    return out


class ShotDetector:
    """Collects frame signatures during decoding; :meth:`result` finds the cuts.

    Parameters
    ----------
    options
        ``threshold``, ``contrast``, ``context_s`` of :func:`detect_video_cuts`.
    """

    def __init__(self, **options):
        self.options = options
        self.times: list[float] = []
        self.signatures: list[np.ndarray] = []

    def add(self, t: float, rgb: np.ndarray) -> None:
        """Add one decoded frame.

        Parameters
        ----------
        t
            Its time in seconds.
        rgb
            Its pixels (height, width, 3), uint8.
        """
        self.times.append(float(t))
        self.signatures.append(frame_signature(rgb))

    def result(self) -> dict:
        """The cuts among the frames added so far.

        Returns
        -------
        dict
            :func:`detect_video_cuts` of the frames.
        """
        sig = np.stack(self.signatures) if self.signatures else np.zeros((0, 3 * _BINS))
        return detect_video_cuts(np.asarray(self.times), sig, **self.options)
