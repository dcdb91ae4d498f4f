"""Sanity copies of a corpus: identical, jittered or frozen, to see each metric move the expected way.

A metric you trust should give 0 (or a ratio of 1) for an identical copy,
grow with the size of added jitter, and flag a frozen copy (no motion). Run
:func:`perturbed_copy` on your real set before trusting a number on generated data.
"""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import xarray as xr

from ..checks import check_int, check_nonnegative, check_option
from ..corpus import Corpus
from ..io.allo_ava import write_clip
from ..io.extraction import extraction_path, write_pose_dataset
from ..model import Clip

__all__ = ["KINDS", "perturbed_copy"]

KINDS = ("identical", "jittered", "frozen")


def _perturb(ds: xr.Dataset, kind: str, sigma_px: float, rng: np.random.Generator) -> xr.Dataset:
    pos = ds["position"].values.copy()
    new = ds.copy()
    if kind == "jittered":
        w, h = ds.attrs.get("frame_width") or 1, ds.attrs.get("frame_height") or 1
        per_px = (np.array([w, h, w][: pos.shape[1]], float) if ds.attrs.get("coords") == "normalized"
                  else np.ones(pos.shape[1]))
        pos = pos + rng.normal(0, sigma_px, pos.shape) / per_px[None, :, None, None]
    elif kind == "frozen":
        ok = np.flatnonzero(np.isfinite(pos).all(axis=(1, 2, 3)))
        first = int(ok[0]) if ok.size else 0
        pos = np.repeat(pos[first:first + 1], len(pos), axis=0)
        new["confidence"] = (ds["confidence"].dims, np.repeat(ds["confidence"].values[first:first + 1], len(pos), 0))
    new["position"] = (ds["position"].dims, pos.astype(np.float32))
    return new


def perturbed_copy(source: "str | Path | Corpus | list[Clip]", out: str | Path, *, kind: str,
                   sigma_px: float = 2.0, seed: int = 0, face: dict[str, xr.Dataset] | None = None,
                   audio: bool = True) -> Path:
    """Write a copy of a corpus whose poses are ``identical``, ``jittered`` or ``frozen``.

    Parameters
    ----------
    source
        A corpus (or its folder), or clips already loaded from one (left unchanged).
    out
        Folder to write the copy to (Allo-AVA layout).
    kind
        ``"identical"``; ``"jittered"``: i.i.d. Gaussian noise of ``sigma_px``
        pixels per coordinate; ``"frozen"``: every frame is the clip's first
        complete frame.
    sigma_px
        Standard deviation of the jitter in pixels (>= 0; normalised
        coordinates are converted with the frame size).
    seed
        Seed of the jitter (>= 0).
    face
        Clip id -> face dataset to store beside the copy (``extraction/``).
    audio
        Copy the audio (False: the copy has none, like pose-only generator output).

    Returns
    -------
    pathlib.Path
        ``out``.
    """
    check_option("kind", kind, KINDS)
    check_nonnegative("sigma_px", sigma_px)
    check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    out = Path(out)
    if isinstance(source, (str, Path)):
        source = Corpus(source)
    clips = list(source.clips(progress=False)) if isinstance(source, Corpus) else source
    for clip in clips:
        clip = copy.copy(clip)
        clip.poses = {name: _perturb(ds, kind, sigma_px, rng) for name, ds in clip.poses.items()}
        if not audio:
            clip.audio = None
        write_clip(out, clip)
        if face and clip.clip_id in face:
            write_pose_dataset(extraction_path(out, clip.clip_id, "mediapipe_face_478"), face[clip.clip_id])
    return out
