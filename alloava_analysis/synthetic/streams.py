"""Random streams of the generator and each clip's first draws (its key and frame count)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..io.layout import make_key
from .config import SynthConfig

#: ``spawn_key`` namespaces of the corpus seed: clips, speakers, clip-to-speaker assignment, audio, camera.
CLIP_STREAM, SPEAKER_STREAM, ASSIGN_STREAM, AUDIO_STREAM, CAMERA_STREAM = 0, 1, 2, 3, 4


def stream(seed: int, *key: int) -> np.random.Generator:
    """Generator of child ``key`` of ``SeedSequence(seed)`` (as ``SeedSequence.spawn`` would make it).

    Parameters
    ----------
    seed
        Corpus seed.
    key
        Spawn key: a stream namespace (``CLIP_STREAM``, ...) and indices within it.

    Returns
    -------
    numpy.random.Generator
        The stream's generator.
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def choice(rng: np.random.Generator, options: tuple[tuple[Any, float], ...]) -> Any:
    """One name drawn from ``(name, weight)`` options.

    Parameters
    ----------
    rng
        Random generator.
    options
        ``(name, weight)`` pairs; weights need not sum to 1.

    Returns
    -------
    object
        The name drawn.
    """
    names = [name for name, _ in options]
    p = np.array([w for _, w in options], dtype=float)
    return names[int(rng.choice(len(names), p=p / p.sum()))]


def _youtube_id(rng: np.random.Generator) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(alphabet[i] for i in rng.integers(0, 64, 11))


def clip_identity(rng: np.random.Generator, cfg: SynthConfig) -> tuple[Any, int]:
    """The clip's key (category drawn from the content mix, random YouTube id) and frame count.

    Parameters
    ----------
    rng
        The clip's own generator (these are its first draws).
    cfg
        Generator settings (``category_mix``, ``duration_s``, ``fps``).

    Returns
    -------
    key : ClipKey
        The clip's key.
    n_frames : int
        Number of frames (at least 2).
    """
    category = choice(rng, cfg.category_mix)
    key = make_key(category, _youtube_id(rng))
    return key, max(2, int(round(rng.uniform(*cfg.duration_s) * cfg.fps)))
