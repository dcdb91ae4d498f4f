"""48 kHz voiced syllables timed exactly to the words."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .config import SynthConfig
from .latents import modulation


# --------------------------------------------------------------------------------------------
# audio
# --------------------------------------------------------------------------------------------
def syllable_table(words: pd.DataFrame, syll: np.ndarray, grid: np.ndarray, u: np.ndarray,
                   cfg: SynthConfig, rng: np.random.Generator) -> pd.DataFrame:
    """Syllables dividing each word equally; amplitude follows ``1 + fine_coupling * u(centre)``.

    Parameters
    ----------
    words
        Words table (``start``, ``end`` in seconds).
    syll
        Syllables of each word (one int per row of ``words``).
    grid, u
        The shared fast process ``u`` and its time grid in seconds (:func:`~.latents.fine_process`).
    cfg
        Generator settings.
    rng
        Generator of the amplitude jitter.

    Returns
    -------
    pandas.DataFrame
        One row per syllable: ``word`` (row of ``words``), ``start``, ``end``, ``amplitude``.
    """
    word_idx = np.repeat(np.arange(len(words)), syll)
    k = np.concatenate([np.arange(n) for n in syll]) if syll.size else np.zeros(0, dtype=np.int64)
    w_start, w_end = words["start"].to_numpy()[word_idx], words["end"].to_numpy()[word_idx]
    dur = (w_end - w_start) / syll[word_idx] if syll.size else np.zeros(0)
    start = w_start + k * dur
    centre = start + dur / 2
    mod = modulation(np.interp(centre, grid, u), cfg.fine_coupling)
    amplitude = cfg.speech_level * mod * np.exp(rng.normal(0.0, 0.05, centre.size))
    return pd.DataFrame({"word": word_idx, "start": start, "end": start + dur, "amplitude": amplitude})


def synthesize_audio(n_samples: int, syllables: pd.DataFrame, segments: pd.DataFrame, speaker: dict,
                     cfg: SynthConfig, rng: np.random.Generator) -> np.ndarray:
    """Voiced syllables (harmonic tone, declining F0 per sentence, raised-cosine envelopes) + noise.

    Parameters
    ----------
    n_samples
        Length of the audio in samples.
    syllables
        Syllable table of :func:`syllable_table`.
    segments
        Sentence segments (``start``, ``end``); F0 declines over each.
    speaker
        Speaker record (``f0_hz``, ``n_harmonics``, ``spectral_tilt``).
    cfg
        Generator settings.
    rng
        Generator of the background noise.

    Returns
    -------
    numpy.ndarray
        Mono float32 samples at ``cfg.audio_rate``, clipped to [-1, 1].
    """
    sr = cfg.audio_rate
    first = np.rint(syllables["start"].to_numpy() * sr).astype(np.int64)
    length = np.minimum(np.rint(syllables["end"].to_numpy() * sr).astype(np.int64), n_samples) - first
    keep = length > 2
    first, length, amp = first[keep], length[keep], syllables["amplitude"].to_numpy()[keep]
    # every voiced sample: its index and its position (0..1) inside its syllable
    offset = np.arange(int(length.sum())) - np.repeat(np.cumsum(length) - length, length)
    idx = np.repeat(first, length) + offset
    frac = (offset / np.repeat(length - 1, length)).astype(np.float32)
    env = np.repeat(amp.astype(np.float32), length) * (0.5 - 0.5 * np.cos(np.float32(2 * np.pi) * frac))
    # F0 declines from 1.12 to 0.88 of the speaker's F0 over each sentence; the phase only advances
    # on voiced samples (silences have no tone), wrapped to [0, 2 pi) before going to float32
    f0 = speaker["f0_hz"]
    knots_t = np.column_stack([segments["start"].to_numpy(), segments["end"].to_numpy()]).ravel()
    knots_f = np.tile([1.12 * f0, 0.88 * f0], len(segments))
    freq = np.interp(idx / sr, knots_t, knots_f) if knots_t.size else np.full(idx.size, f0)
    phase = np.mod((2 * np.pi / sr) * np.cumsum(freq), 2 * np.pi).astype(np.float32)
    # harmonics by the Chebyshev recurrence sin((h+1)x) = 2 cos(x) sin(hx) - sin((h-1)x)
    weights = (np.arange(1, speaker["n_harmonics"] + 1) ** -speaker["spectral_tilt"]).astype(np.float32)
    weights /= weights.sum()
    s1, c2 = np.sin(phase), 2 * np.cos(phase)
    prev, cur = np.zeros_like(s1), s1
    tone = weights[0] * s1
    for w in weights[1:]:
        prev, cur = cur, c2 * cur - prev
        tone += w * cur
    out = rng.standard_normal(n_samples, dtype=np.float32) * np.float32(cfg.noise_floor)
    out[idx] += env * tone
    return np.clip(out, -1.0, 1.0)
