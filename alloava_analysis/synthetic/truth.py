"""What an analysis should measure: expected correlations and the effects recorded in truth.json."""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy.special import i0e, i1e

from .config import ATTRIBUTES, HAND_KEYPOINTS, SynthConfig
from .words import window_word_counts


# --------------------------------------------------------------------------------------------
# expected measurement
# --------------------------------------------------------------------------------------------
def _mean_noisy_speed(a: np.ndarray, sigma: float) -> np.ndarray:
    """E|a e + n| for a unit vector e in the image plane and 2-D isotropic Gaussian noise n of sd ``sigma`` per axis.

    The mean of a Rice distribution: sigma sqrt(pi/2) L_1/2(-a^2 / (2 sigma^2)), written with
    exponentially scaled Bessel functions so that it stays finite for large a / sigma.
    """
    if sigma <= 0:
        return a
    lam2 = (a / sigma) ** 2
    y = lam2 / 4
    return sigma * np.sqrt(np.pi / 2) * ((1 + lam2 / 2) * i0e(y) + lam2 / 2 * i1e(y))


def speed_noise_sd(cfg: SynthConfig) -> float:
    """Per-axis sd of the tracking noise in the measured hand speed, in shoulder widths/s.

    The measurement (the default of :func:`alloava_analysis.features.motion.movement_intensity`)
    is planar and relative to the shoulder midpoint: each coordinate carries the keypoint's
    noise (sd ``tracking_noise_px``) and the midpoint's (sd ``tracking_noise_px / sqrt(2)``),
    i.e. sd ``tracking_noise_px * sqrt(3/2)``; a central difference over two frame intervals
    turns it into a speed noise of that times ``fps / sqrt(2)``.

    Parameters
    ----------
    cfg
        Generator settings.

    Returns
    -------
    float
        The noise sd in shoulder widths/s (for the mean shoulder width).
    """
    sw_px = float(np.mean(cfg.shoulder_width)) * cfg.frame_size[0]
    return cfg.tracking_noise_px * math.sqrt(1.5) * cfg.fps / math.sqrt(2) / sw_px


@lru_cache(maxsize=64)
def _expected_r(cfg: SynthConfig, pooled: bool) -> float:
    rng = np.random.default_rng(20_241_021)
    n = 400_000
    z = rng.standard_normal((n, 2))
    s = z[:, 0]
    m = cfg.correlation * z[:, 0] + math.sqrt(1 - cfg.correlation ** 2) * z[:, 1]
    rate = cfg.mean_wpm / 60.0 * np.exp(cfg.rate_sd * s - cfg.rate_sd ** 2 / 2)
    measured_rate = window_word_counts(rate, np.full(n, cfg.window_s)) / cfg.window_s
    base = np.full(n, cfg.intensity_base)
    if pooled:  # speakers differ in their base through the planted movement effects
        speakers = [_choice_vector(rng, getattr(cfg, attr), n) for attr in ATTRIBUTES]
        for eff in cfg.group_effects:
            if eff.metric == "movement_intensity":
                hit = speakers[ATTRIBUTES.index(eff.attribute)] == eff.group
                base[hit] *= eff.group_value / cfg.intensity_base
    intensity = base * np.exp(cfg.intensity_sd * m)
    # tracking noise: central-difference speed noise per axis, in shoulder widths/s
    sigma = speed_noise_sd(cfg)
    frames = cfg.window_s * cfg.fps * len(HAND_KEYPOINTS)
    measured = _mean_noisy_speed(intensity, sigma) + rng.standard_normal(n) * sigma / math.sqrt(frames)
    return float(np.corrcoef(measured_rate, measured)[0, 1])


def _choice_vector(rng: np.random.Generator, options: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    names = np.array([name for name, _ in options], dtype=object)
    p = np.array([w for _, w in options], dtype=float)
    return names[rng.choice(len(names), size=n, p=p / p.sum())]


def expected_window_correlation(config: SynthConfig | None = None, *, pooled: bool = False) -> float:
    """Population correlation of words/s and movement intensity at ``config.window_s``.

    Computed by Monte Carlo (400,000 windows, fixed seed) of the generator's own
    window-level process, including the attenuation from counting whole words
    and from tracking noise (planar, body-relative speed: :func:`speed_noise_sd`),
    and the log-normal link functions. Camera pans and cuts do not enter: the
    body-relative measure does not see a pan, and windows spanning a cut are
    excluded.

    Parameters
    ----------
    config
        Generator settings (default :class:`SynthConfig`).
    pooled
        ``False`` (default): within one speaker (what a per-clip analysis, or a pooled one that
        standardises each clip first, should measure). ``True``: windows of all clips pooled
        without standardising, where speakers' different movement baselines (the planted
        group effects) attenuate the correlation.

    Returns
    -------
    float
        The expected correlation.
    """
    return _expected_r(config or SynthConfig(), bool(pooled))
