"""Known-answer camera cuts and camera moves built from real frames.

Real recordings of people (decoded frames) are spliced at known frames, so a
cut detector can be scored on cuts whose answer is exact and whose two sides
share the room, the light and the camera, as cuts between angles of one stage
do. The constructions (all deterministic by seed):

* **angle cut** (:func:`angle_cut`): one recording continues in time, but from
  frame ``at`` it is seen through a second, closer "camera" (a crop enlarged
  back to full size, as a punch-in cut of a multi-camera talk); ``reverse``
  goes from the close view back to the wide one.
* **jump cut** (:func:`jump_cut`): the first part of one recording followed by
  the rest of another recording of the same person, same room and camera.
* **uncut camera moves** of one recording, for false cuts: a pan
  (:func:`pan`), a zoom (:func:`zoom`), the light dimmed over a third of a
  second (:func:`dim`) and a hand-held shake (:func:`shake`).

A cut at frame ``i`` means frame ``i`` is the first of the new shot.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from ..checks import check_int, check_nonnegative, check_positive, check_range
from ..errors import ParameterError

__all__ = ["CutCase", "angle_cut", "cut_cases", "dim", "jump_cut", "pan", "shake", "uncut_cases", "view",
           "zoom"]


@dataclass
class CutCase:
    """One constructed clip and its known cuts.

    Parameters
    ----------
    name
        What was built from what (e.g. ``"angle again@31"``).
    frames
        RGB uint8 frames (n, height, width, 3).
    fps
        Frame rate (frames are ``i / fps`` seconds apart).
    cuts
        Index of the first frame of every new shot.
    kind
        ``"angle"``, ``"jump"``, or for clips without cuts ``"still"``, ``"pan"``,
        ``"zoom"``, ``"dim"``, ``"shake"``.
    """

    name: str
    frames: np.ndarray
    fps: float
    cuts: list[int] = field(default_factory=list)
    kind: str = "still"

    @property
    def times(self) -> np.ndarray:
        """Frame times in seconds."""
        return np.arange(len(self.frames)) / self.fps

    @property
    def duration_s(self) -> float:
        """Length in seconds (frames / fps)."""
        return len(self.frames) / self.fps


def view(frame: np.ndarray, *, scale: float, centre: tuple[float, float] = (0.5, 0.5)) -> np.ndarray:
    """The frame as seen by a camera ``scale`` times closer: a centred crop enlarged to full size (bilinear).

    Parameters
    ----------
    frame
        RGB uint8 (height, width, 3), or a stack of frames (n, height, width, 3).
    scale
        Enlargement (1-10; 1 gives the frame back).
    centre
        Centre of the crop as fractions of (width, height); moved inwards so the crop stays inside.

    Returns
    -------
    numpy.ndarray
        uint8 frame(s) of the input's shape.
    """
    check_range("scale", scale, 1, 10)
    centre = _check_centre(centre)
    h, w = frame.shape[-3:-1]
    ch, cw = h / scale, w / scale
    y0 = float(np.clip(centre[1] * h - ch / 2, 0, h - ch))
    x0 = float(np.clip(centre[0] * w - cw / 2, 0, w - cw))
    rows, row_w = _taps(y0 + (np.arange(h) + 0.5) / scale - 0.5, h)
    cols, col_w = _taps(x0 + (np.arange(w) + 0.5) / scale - 0.5, w)
    f = np.asarray(frame, dtype=np.float32)
    tmp = f[..., rows[0], :, :] * row_w[0][:, None, None] + f[..., rows[1], :, :] * row_w[1][:, None, None]
    out = tmp[..., cols[0], :] * col_w[0][:, None] + tmp[..., cols[1], :] * col_w[1][:, None]
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _check_centre(centre) -> tuple[float, float]:
    """``centre`` as two fractions in [0, 1]; else a ParameterError."""
    if not isinstance(centre, (tuple, list)) or len(centre) != 2:
        raise ParameterError(f"invalid value for centre: expected (x, y) fractions of the frame, got {centre!r}",
                             name="centre")
    return check_range("centre", centre[0], 0, 1), check_range("centre", centre[1], 0, 1)


def _taps(pos: np.ndarray, size: int) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Neighbouring pixel indices and linear weights at fractional positions ``pos`` (clamped to the edges)."""
    pos = np.clip(pos, 0, size - 1)
    lo = np.floor(pos).astype(np.intp)
    hi = np.minimum(lo + 1, size - 1)
    frac = (pos - lo).astype(np.float32)
    return (lo, hi), (1 - frac, frac)


def angle_cut(frames: np.ndarray, at: int, *, scale: float = 1.5, centre: tuple[float, float] = (0.5, 0.4),
              reverse: bool = False) -> np.ndarray:
    """One recording cut at frame ``at`` from the wide view to a closer one (``reverse``: close to wide).

    Parameters
    ----------
    frames
        RGB uint8 frames (n, height, width, 3).
    at
        First frame of the second shot (1 <= at < n).
    scale, centre
        The close view (:func:`view`).
    reverse
        Start close and cut to the wide view.

    Returns
    -------
    numpy.ndarray
        Frames of the input's shape.
    """
    check_int("at", at, minimum=1)
    close = view(frames, scale=scale, centre=centre)
    first, second = (close, frames) if reverse else (frames, close)
    return np.concatenate([first[:at], second[at:]])


def jump_cut(first: np.ndarray, second: np.ndarray, at: int, start: int) -> np.ndarray:
    """``first[:at]`` followed by ``second[start:]`` (two recordings of one person with one camera).

    Parameters
    ----------
    first, second
        RGB uint8 frames of one size.
    at
        Frames kept from ``first`` (the cut's frame index).
    start
        First frame taken from ``second``.

    Returns
    -------
    numpy.ndarray
        The spliced frames.
    """
    check_int("at", at, minimum=1)
    check_int("start", start, minimum=0)
    return np.concatenate([first[:at], second[start:]])


def pan(frames: np.ndarray, *, scale: float = 1.25, sweep: float = 1.0) -> np.ndarray:
    """A pan: a :func:`view` moving sideways across ``sweep`` of the room it can show, easing in and out.

    Parameters
    ----------
    frames
        RGB uint8 frames.
    scale
        Enlargement of the view (1-10; above 1, so there is room to pan).
    sweep
        Fraction of the possible horizontal travel covered over the clip (0-1).

    Returns
    -------
    numpy.ndarray
        Frames of the input's shape.
    """
    check_range("scale", scale, 1, 10)
    check_range("sweep", sweep, 0, 1)
    n = len(frames)
    ease = (1 - np.cos(np.pi * np.arange(n) / max(n - 1, 1))) / 2        # starts and stops smoothly
    travel = 1 - 1 / scale                                               # the crop's left edge runs over this
    xs = 1 / (2 * scale) + travel * (0.5 + sweep * (ease - 0.5))
    return np.stack([view(f, scale=scale, centre=(float(x), 0.5)) for f, x in zip(frames, xs)])


def zoom(frames: np.ndarray, *, start: float = 1.0, end: float = 1.5) -> np.ndarray:
    """A zoom: the :func:`view` enlargement changes geometrically from ``start`` to ``end`` over the clip.

    Parameters
    ----------
    frames
        RGB uint8 frames.
    start, end
        First and last enlargement (1-10).

    Returns
    -------
    numpy.ndarray
        Frames of the input's shape.
    """
    check_range("start", start, 1, 10)
    check_range("end", end, 1, 10)
    n = len(frames)
    scales = start * (end / start) ** (np.arange(n) / max(n - 1, 1))
    return np.stack([view(f, scale=float(s), centre=(0.5, 0.4)) for f, s in zip(frames, scales)])


def dim(frames: np.ndarray, *, at: int, ramp: int = 10, gain: float = 0.55) -> np.ndarray:
    """The light dimmed: brightness multiplied by a gain going linearly from 1 to ``gain`` over ``ramp`` frames.

    Parameters
    ----------
    frames
        RGB uint8 frames.
    at
        First frame of the ramp.
    ramp
        Frames the change takes (>= 1).
    gain
        Final brightness factor (> 0).

    Returns
    -------
    numpy.ndarray
        Frames of the input's shape.
    """
    check_int("at", at, minimum=0)
    check_int("ramp", ramp, minimum=1)
    check_positive("gain", gain)
    g = 1 + (gain - 1) * np.clip((np.arange(len(frames)) - at + 1) / ramp, 0, 1)
    return np.clip(np.rint(frames * g[:, None, None, None]), 0, 255).astype(np.uint8)


def shake(frames: np.ndarray, *, seed: int, amplitude: float = 0.02, scale: float = 1.1) -> np.ndarray:
    """A hand-held camera: a :func:`view` whose centre wanders (smoothed random walk, ``amplitude`` of the frame).

    Parameters
    ----------
    frames
        RGB uint8 frames.
    seed
        Seed of the wander.
    amplitude
        Standard deviation of the centre's offset, as a fraction of the frame (>= 0).
    scale
        Enlargement of the view (1-10; above 1, so there is room to move).

    Returns
    -------
    numpy.ndarray
        Frames of the input's shape.
    """
    check_int("seed", seed, minimum=0)
    check_nonnegative("amplitude", amplitude)
    check_range("scale", scale, 1, 10)
    rng = np.random.default_rng(seed)
    walk = ndimage.gaussian_filter1d(rng.standard_normal((len(frames), 2)), sigma=3, axis=0, mode="nearest")
    walk = amplitude * walk / max(float(walk.std()), 1e-9)
    return np.stack([view(f, scale=scale, centre=(0.5 + float(dx), 0.5 + float(dy)))
                     for f, (dx, dy) in zip(frames, walk)])


def cut_cases(clips: dict[str, np.ndarray], people: dict[str, str], *, fps: float, seed: int = 0) -> Iterator[CutCase]:
    """Three spliced cuts per recording: wide-to-close and close-to-wide angle cuts, and a jump cut.

    The angle cuts fall at a random frame in the middle third of the
    recording; the jump cut joins the first part of the recording (random
    middle-third frame) to the rest of the next recording of the same person
    (from a random frame in its first third).

    Parameters
    ----------
    clips
        Recording name -> RGB uint8 frames (all of one size).
    people
        Recording name -> who is in it (jump cuts join recordings of one person).
    fps
        Their frame rate.
    seed
        Seed of the cut frames.

    Yields
    ------
    CutCase
        One cut each (``kind`` ``"angle"`` or ``"jump"``).
    """
    check_positive("fps", fps)
    check_int("seed", seed, minimum=0)
    return _cut_cases(clips, people, fps, seed)


def _cut_cases(clips: dict[str, np.ndarray], people: dict[str, str], fps: float, seed: int) -> Iterator[CutCase]:
    rng = np.random.default_rng(seed)
    names = sorted(clips)
    for name in names:
        frames = clips[name]
        n = len(frames)
        for reverse in (False, True):
            at = int(rng.integers(n // 3, 2 * n // 3))
            label = "close->wide" if reverse else "wide->close"
            yield CutCase(f"angle {label} {name}@{at}", angle_cut(frames, at, reverse=reverse), fps, [at], "angle")
        same = [m for m in names if people[m] == people[name]]
        other = same[(same.index(name) + 1) % len(same)]
        if other != name:
            at = int(rng.integers(n // 3, 2 * n // 3))
            start = int(rng.integers(0, len(clips[other]) // 3))
            yield CutCase(f"jump {name}@{at}+{other}@{start}", jump_cut(frames, clips[other], at, start), fps,
                          [at], "jump")


def uncut_cases(clips: dict[str, np.ndarray], *, fps: float, seed: int = 0) -> Iterator[CutCase]:
    """Five uncut versions of each recording: as filmed, panned, zoomed, dimmed and shaken.

    Parameters
    ----------
    clips
        Recording name -> RGB uint8 frames.
    fps
        Their frame rate.
    seed
        Seed of the shakes.

    Yields
    ------
    CutCase
        No cuts each (``kind`` ``"still"``, ``"pan"``, ``"zoom"``, ``"dim"``, ``"shake"``).
    """
    check_positive("fps", fps)
    check_int("seed", seed, minimum=0)
    return _uncut_cases(clips, fps, seed)


def _uncut_cases(clips: dict[str, np.ndarray], fps: float, seed: int) -> Iterator[CutCase]:
    for k, name in enumerate(sorted(clips)):
        frames = clips[name]
        yield CutCase(f"still {name}", frames, fps, [], "still")
        yield CutCase(f"pan {name}", pan(frames), fps, [], "pan")
        yield CutCase(f"zoom {name}", zoom(frames), fps, [], "zoom")
        yield CutCase(f"dim {name}", dim(frames, at=len(frames) // 2), fps, [], "dim")
        yield CutCase(f"shake {name}", shake(frames, seed=seed + k), fps, [], "shake")
