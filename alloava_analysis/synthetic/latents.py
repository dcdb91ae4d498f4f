"""Window-level latents and the fast shared process that couples speech and motion."""
from __future__ import annotations

import math

import numpy as np
from scipy import signal

from .config import SynthConfig


# --------------------------------------------------------------------------------------------
# window-level latents and the fast shared process
# --------------------------------------------------------------------------------------------
def window_latents(n_windows: int, cfg: SynthConfig, rng: np.random.Generator) -> np.ndarray:
    """(n_windows, 2) stationary AR(1) pair (s, m) with unit variance and corr(s, m) = correlation.

    Parameters
    ----------
    n_windows
        Number of windows.
    cfg
        Generator settings (``correlation``, ``ar_phi``).
    rng
        Random generator.

    Returns
    -------
    numpy.ndarray
        Shape (n_windows, 2): columns ``s`` and ``m``.
    """
    z = rng.standard_normal((max(n_windows, 1), 2))
    rho, phi = cfg.correlation, cfg.ar_phi
    e = np.column_stack([z[:, 0], rho * z[:, 0] + math.sqrt(1 - rho * rho) * z[:, 1]])
    out = np.empty_like(e)
    out[0] = e[0]
    if len(e) > 1:
        out[1:], _ = signal.lfilter([math.sqrt(1 - phi * phi)], [1.0, -phi], e[1:], axis=0,
                                    zi=phi * e[:1])
    return out[:n_windows]


def fine_process(duration: float, cfg: SynthConfig, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The shared band-limited process ``u`` on a 100 Hz grid covering ``[0, duration + lag + 1]``.

    Parameters
    ----------
    duration
        Clip duration in seconds.
    cfg
        Generator settings (``lag_s``, ``fine_band_hz``).
    rng
        Random generator.

    Returns
    -------
    grid : numpy.ndarray
        Times in seconds (starting ``|lag_s| + 1`` s before 0).
    u : numpy.ndarray
        The process on ``grid``: zero mean, unit standard deviation.
    """
    rate = 100.0
    n = int(math.ceil((duration + abs(cfg.lag_s) + 2.0) * rate))
    white = rng.standard_normal(n)
    spec = np.fft.rfft(white)
    freq = np.fft.rfftfreq(n, 1.0 / rate)
    lo, hi = cfg.fine_band_hz
    taper = 0.25  # Hz, raised-cosine band edges
    gain = np.clip((freq - (lo - taper)) / (2 * taper), 0, 1) * np.clip(((hi + taper) - freq) / (2 * taper), 0, 1)
    gain = 0.5 - 0.5 * np.cos(np.pi * gain)
    u = np.fft.irfft(spec * gain, n)
    u = (u - u.mean()) / u.std()
    grid = np.arange(n) / rate - abs(cfg.lag_s) - 1.0
    return grid, u


def modulation(u: np.ndarray, coupling: float) -> np.ndarray:
    """``1 + coupling * u`` kept positive (floor 0.05).

    Parameters
    ----------
    u
        Values of the fast process.
    coupling
        Strength of the modulation (``fine_coupling``).

    Returns
    -------
    numpy.ndarray
        The modulation factor.
    """
    return np.maximum(1.0 + coupling * u, 0.05)
