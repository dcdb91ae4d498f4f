"""Random streams, speakers and their demographics (with planted group effects)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .config import _EFFECT_BASELINE, ATTRIBUTES, SynthConfig

# --------------------------------------------------------------------------------------------
# random streams
# --------------------------------------------------------------------------------------------
_CLIP_STREAM, _SPEAKER_STREAM, _ASSIGN_STREAM, _AUDIO_STREAM = 0, 1, 2, 3


def _stream(seed: int, *key: int) -> np.random.Generator:
    """Generator of child ``key`` of ``SeedSequence(seed)`` (as ``SeedSequence.spawn`` would make it)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def _choice(rng: np.random.Generator, options: tuple[tuple[Any, float], ...]) -> Any:
    names = [name for name, _ in options]
    p = np.array([w for _, w in options], dtype=float)
    return names[int(rng.choice(len(names), p=p / p.sum()))]


# --------------------------------------------------------------------------------------------
# speakers and demographics
# --------------------------------------------------------------------------------------------
def _speaker_sequence(n_clips: int, seed: int, p_new: float) -> np.ndarray:
    """Speaker index of each of the first ``n_clips`` clips (clip k depends only on clips < k)."""
    rng = _stream(seed, _ASSIGN_STREAM)
    out = np.zeros(n_clips, dtype=np.int64)
    n_speakers = 1
    for k in range(1, n_clips):
        new, pick = rng.random(), rng.random()
        if new < p_new:
            out[k] = n_speakers
            n_speakers += 1
        else:
            out[k] = int(pick * n_speakers)
    return out


def _speaker(index: int, seed: int, cfg: SynthConfig) -> dict[str, Any]:
    """Demographics, voice and planted metric values of speaker ``index``."""
    rng = _stream(seed, _SPEAKER_STREAM, index)
    spk: dict[str, Any] = {"speaker_id": f"spk{index:05d}"}
    for attr in ATTRIBUTES:
        spk[attr] = _choice(rng, getattr(cfg, attr))
    lo, hi = dict(cfg.f0_hz)[spk["gender"]]
    spk["f0_hz"] = round(float(rng.uniform(lo, hi)), 2)
    spk["n_harmonics"] = int(rng.integers(3, 6))
    spk["spectral_tilt"] = float(rng.uniform(0.8, 1.4))
    for metric in _EFFECT_BASELINE:
        spk[metric] = cfg.baseline(metric) * _effect_ratio(spk, metric, cfg)
    return spk


def _effect_ratio(demographics: dict[str, Any], metric: str, cfg: SynthConfig) -> float:
    ratio = 1.0
    for eff in cfg.group_effects:
        if eff.metric == metric and demographics.get(eff.attribute) == eff.group:
            ratio *= eff.group_value / cfg.baseline(metric)
    return ratio
