"""Camera cuts (shot changes) found in the decoded frames during extraction.

Each frame gets a cheap thumbnail while it is decoded for the pose tracker:
the mean luma of an 18 x 24 grid of cells, standardised (mean 0, sd 1 over
the cells) so that a change of light or exposure does not count. The change
between two frames is the mean absolute difference of their thumbnails. A
cut between two angles of one stage keeps the colours (so colour histograms
barely move) but moves every edge of the picture at once, in one frame step;
a pan, a zoom or a gesture changes the picture over several steps. A cut is
declared where the change of a step is at least ``min_change`` and at least
``ratio`` times each of: the median change within ``context_s`` around it
(leaving out its neighbours), the changes of the two steps on either side,
and ``floor``. Two steps, not one: webcams and frame-rate conversions repeat
frames, and a repeated frame (no change) next to a fast movement would make
that movement's step look isolated, as a cut's is. Cut times are midway between the two frames, on the media clock;
``frames`` holds the index of the first frame of each new shot. They are
stored in the extraction report (``shot_cuts``) and combined with cuts seen
in the pose by :func:`alloava_analysis.features.motion.shot_cut_table`.

The record also keeps the weaker evidence: ``support_frames``, every step
that stands out ``support_ratio`` times from the two steps on either side
(and changes at least ``support_ratio`` times ``floor``), cuts included. A
jump of the pose that falls on none of them is a tracker switching people
or losing a person (someone walking in or out), not a cut: the picture did
not change more at that step than at its neighbours.

Measured on spliced real recordings (``scripts/measure_cuts.py``), this finds
cuts that the colour histograms of the previous method (``frame_histogram``)
and PySceneDetect's content and adaptive detectors miss.
"""
from __future__ import annotations

import numpy as np

from ..checks import check_nonnegative, check_positive, check_range
from ..errors import ParameterError
from ..features.motion import jump_peaks
from ..model import frame_step

__all__ = ["CUT_METHOD", "SUPPORT_RATIO", "ShotDetector", "detect_video_cuts", "frame_thumbnail", "thumbnail_changes"]

CUT_METHOD = "frame_structure"
_GRID = (18, 24)
_NEAR = 2  # steps on either side a cut must stand out from (2: a repeated frame next to it does not hide motion)
#: How many times its neighbours a step's change must be to support a cut seen only in the pose.
SUPPORT_RATIO = 2.0
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def frame_thumbnail(rgb: np.ndarray) -> np.ndarray:
    """Standardised mean luma of an 18 x 24 grid of cells of an RGB uint8 frame (every 2nd pixel).

    Parameters
    ----------
    rgb
        Pixels (height, width, 3), uint8 (further channels are ignored);
        at least 36 x 48.

    Returns
    -------
    numpy.ndarray
        432 float32 values (row-major cells), mean 0 and sd 1 (all 0 for a flat frame).
    """
    pix = np.asarray(rgb)[::2, ::2, :3].astype(np.float32) @ _LUMA
    gh, gw = _GRID
    h, w = pix.shape
    if h < gh or w < gw:
        raise ParameterError(f"expected a frame of at least {2 * gh} x {2 * gw} pixels for the cut thumbnail, got "
                             f"{tuple(np.shape(rgb)[:2])}", name="rgb")
    rows, cols = (np.arange(gh + 1) * h) // gh, (np.arange(gw + 1) * w) // gw
    cells = np.add.reduceat(np.add.reduceat(pix, rows[:-1], axis=0), cols[:-1], axis=1)
    cells = (cells / np.outer(np.diff(rows), np.diff(cols))).ravel()
    sd = float(cells.std())
    return ((cells - cells.mean()) / sd if sd > 1e-3 else np.zeros_like(cells)).astype(np.float32)


def thumbnail_changes(thumbnails: np.ndarray) -> np.ndarray:
    """Mean absolute difference of consecutive :func:`frame_thumbnail` values (one per frame step).

    Parameters
    ----------
    thumbnails
        (frames, cells).

    Returns
    -------
    numpy.ndarray
        (frames - 1,) changes, 0 for identical frames (about 1.1 for unrelated pictures).
    """
    thumbs = np.asarray(thumbnails, dtype=np.float64)
    return np.abs(np.diff(thumbs, axis=0)).mean(axis=1) if len(thumbs) > 1 else np.zeros(0)


def detect_video_cuts(times: np.ndarray, thumbnails: np.ndarray, *, ratio: float = 4.0, min_change: float = 0.08,
                      context_s: float = 0.5, floor: float = 0.01, support_ratio: float = SUPPORT_RATIO) -> dict:
    """Cuts from per-frame thumbnails (see the module docstring).

    Parameters
    ----------
    times
        Frame times in seconds.
    thumbnails
        One :func:`frame_thumbnail` per frame, (frames, cells).
    ratio
        How many times its context, its neighbours and ``floor`` a cut's change must be (1-100).
    min_change
        Smallest change of a cut (>= 0; :func:`thumbnail_changes` units).
    context_s
        How far around a step the median change is taken, in seconds (> 0; at least 3 frames).
    floor
        Smallest context a change is compared with (> 0), so that a still
        picture's noise does not make every small change a cut.
    support_ratio
        How many times the two steps on either side (and ``floor``) a step's
        change must be to count as frame support for a cut seen in the pose (1-100).

    Returns
    -------
    dict
        ``method, times_s, frames, scores, support_frames, ratio, min_change,
        context_s, floor, support_ratio, n_frames`` (JSON-ready; ``times_s``
        midway between the frames around each cut, seconds; ``frames`` the
        index of the first frame after it; ``scores`` the change at each cut;
        ``support_frames`` the first frame after every step that stands out
        ``support_ratio`` times, cuts included).
    """
    check_range("ratio", ratio, 1, 100)
    check_range("support_ratio", support_ratio, 1, 100)
    check_nonnegative("min_change", min_change)
    check_positive("context_s", context_s)
    check_positive("floor", floor)
    times = np.asarray(times, dtype=np.float64)
    out = {"method": CUT_METHOD, "times_s": [], "frames": [], "scores": [], "ratio": float(ratio),
           "support_frames": [], "min_change": float(min_change), "context_s": float(context_s),
           "floor": float(floor), "support_ratio": float(support_ratio), "n_frames": int(times.size)}
    if times.size < 3:
        return out
    change = thumbnail_changes(thumbnails)
    step = frame_step(times)
    half = max(int(round(context_s / step)) if step > 0 else 3, 3)
    peaks, _ = jump_peaks(change, threshold=max(min_change, ratio * floor), contrast=ratio, half=half,
                          exclude=_NEAR, merge=_NEAR)
    padded = np.pad(change, _NEAR)
    near = np.max([padded[_NEAR + k:_NEAR + k + change.size] for k in range(-_NEAR, _NEAR + 1) if k], axis=0)
    keep = [i for i in peaks if change[i] >= ratio * near[i]]
    support = np.flatnonzero((change >= support_ratio * near) & (change >= support_ratio * floor))
    out["support_frames"] = [int(i + 1) for i in support]
    out["times_s"] = [round(float((times[i] + times[i + 1]) / 2), 6) for i in keep]
    out["frames"] = [int(i + 1) for i in keep]
    out["scores"] = [round(float(change[i]), 4) for i in keep]
    return out


class ShotDetector:
    """Collects frame thumbnails during decoding; :meth:`result` finds the cuts.

    Parameters
    ----------
    options
        ``ratio``, ``min_change``, ``context_s``, ``floor``, ``support_ratio`` of :func:`detect_video_cuts`.
    """

    def __init__(self, **options):
        self.options = options
        self.times: list[float] = []
        self.thumbnails: list[np.ndarray] = []

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
        self.thumbnails.append(frame_thumbnail(rgb))

    def result(self) -> dict:
        """The cuts among the frames added so far.

        Returns
        -------
        dict
            :func:`detect_video_cuts` of the frames.
        """
        thumbs = np.stack(self.thumbnails) if self.thumbnails else np.zeros((0, _GRID[0] * _GRID[1]))
        return detect_video_cuts(np.asarray(self.times), thumbs, **self.options)
