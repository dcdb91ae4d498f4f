"""Speakers and their demographics (with planted group effects).

Demographics are assigned to speakers by **minimisation** (Taves 1974; Pocock and
Simon 1975), the method clinical trials use to balance small samples: when a
speaker first appears, it gets the combination of attribute values that brings
the corpus's hours so far -- per attribute and per pair of attributes -- closest
to the configured shares (ties broken at random). A 12-clip corpus therefore has
every value of every attribute, which independent draws (11 of 12 clips male
with seed 0 before) did not give. The assignment of speaker ``i`` depends only on
the clips up to its first one, so clip ``k`` still does not depend on how many
clips are generated.
"""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from .config import ATTRIBUTES, EFFECT_BASELINE, SynthConfig
from .streams import ASSIGN_STREAM, CLIP_STREAM, SPEAKER_STREAM, clip_identity, stream


# --------------------------------------------------------------------------------------------
# speakers and demographics
# --------------------------------------------------------------------------------------------
def speaker_sequence(n_clips: int, seed: int, p_new: float) -> np.ndarray:
    """Speaker index of each of the first ``n_clips`` clips (clip k depends only on clips < k).

    Parameters
    ----------
    n_clips
        Number of clips.
    seed
        Corpus seed.
    p_new
        Probability that a clip after the first introduces a new speaker.

    Returns
    -------
    numpy.ndarray
        One int64 speaker index per clip (clip 0 has speaker 0).
    """
    rng = stream(seed, ASSIGN_STREAM)
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


def _clip_durations(n_clips: int, seed: int, cfg: SynthConfig) -> np.ndarray:
    """Duration in seconds of the first ``n_clips`` clips (the first draws of each clip's own stream)."""
    return np.array([clip_identity(stream(seed, CLIP_STREAM, k), cfg)[1] / cfg.fps for k in range(n_clips)])


def speaker_demographics(sequence: np.ndarray, seed: int, cfg: SynthConfig) -> dict[int, dict[str, str]]:
    """Demographics of every speaker in ``sequence`` (speaker index per clip), balanced by minimisation.

    When speaker ``i`` first appears (at clip ``k``), every combination of attribute
    values is scored by the squared distance between the hours of clips ``0..k`` per
    value (and per pair of values of two attributes) and the configured shares of
    those hours; the lowest score wins, ties broken with the speaker's own random
    stream. Over many clips the shares converge to the configured ones.

    Parameters
    ----------
    sequence
        Speaker index per clip (:func:`speaker_sequence`).
    seed
        Corpus seed.
    cfg
        Generator settings.

    Returns
    -------
    dict
        ``{speaker index: {attribute: value}}`` for every speaker in ``sequence``.
    """
    levels = [[name for name, _ in getattr(cfg, attr)] for attr in ATTRIBUTES]
    target = []
    for attr in ATTRIBUTES:
        p = np.array([w for _, w in getattr(cfg, attr)], dtype=float)
        target.append(p / p.sum())
    combos = list(itertools.product(*[range(len(lv)) for lv in levels]))
    pairs = list(itertools.combinations(range(len(ATTRIBUTES)), 2))
    hours = [np.zeros(len(lv)) for lv in levels]
    joint = {(a, b): np.zeros((len(levels[a]), len(levels[b]))) for a, b in pairs}
    durations = _clip_durations(len(sequence), seed, cfg)
    assigned: dict[int, tuple[int, ...]] = {}
    total = 0.0
    for k, spk in enumerate(int(s) for s in sequence):
        dur = float(durations[k])
        total += dur
        if spk not in assigned:
            scores = np.empty(len(combos))
            for c, combo in enumerate(combos):
                score = 0.0
                for a, lv in enumerate(combo):
                    after = hours[a].copy()
                    after[lv] += dur
                    score += float(np.sum((after - target[a] * total) ** 2))
                for a, b in pairs:
                    after = joint[(a, b)].copy()
                    after[combo[a], combo[b]] += dur
                    score += float(np.sum((after - np.outer(target[a], target[b]) * total) ** 2))
                scores[c] = score
            best = np.flatnonzero(scores <= scores.min() * (1 + 1e-9) + 1e-12)
            rng = stream(seed, SPEAKER_STREAM, spk, 1)
            assigned[spk] = combos[int(best[rng.integers(best.size)])]
        combo = assigned[spk]
        for a, lv in enumerate(combo):
            hours[a][lv] += dur
        for a, b in pairs:
            joint[(a, b)][combo[a], combo[b]] += dur
    return {spk: {attr: levels[a][combo[a]] for a, attr in enumerate(ATTRIBUTES)}
            for spk, combo in assigned.items()}


def make_speaker(index: int, seed: int, cfg: SynthConfig, demographics: dict[str, str]) -> dict[str, Any]:
    """Voice and planted metric values of speaker ``index`` with the given ``demographics``.

    Parameters
    ----------
    index
        Speaker index.
    seed
        Corpus seed.
    cfg
        Generator settings.
    demographics
        The speaker's attribute values (:func:`speaker_demographics`).

    Returns
    -------
    dict
        ``speaker_id``, the attributes, ``f0_hz``, ``n_harmonics``,
        ``spectral_tilt`` and the planted value of each metric with a baseline.
    """
    rng = stream(seed, SPEAKER_STREAM, index)
    spk: dict[str, Any] = {"speaker_id": f"spk{index:05d}"}
    for attr in ATTRIBUTES:
        spk[attr] = demographics[attr]
    lo, hi = dict(cfg.f0_hz)[spk["gender"]]
    spk["f0_hz"] = round(float(rng.uniform(lo, hi)), 2)
    spk["n_harmonics"] = int(rng.integers(3, 6))
    spk["spectral_tilt"] = float(rng.uniform(0.8, 1.4))
    for metric in EFFECT_BASELINE:
        spk[metric] = cfg.baseline(metric) * _effect_ratio(spk, metric, cfg)
    return spk


def _effect_ratio(demographics: dict[str, Any], metric: str, cfg: SynthConfig) -> float:
    ratio = 1.0
    for eff in cfg.group_effects:
        if eff.metric == metric and demographics.get(eff.attribute) == eff.group:
            ratio *= eff.group_value / cfg.baseline(metric)
    return ratio
