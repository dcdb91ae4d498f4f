"""Per-clip r on short clips: null exclusion and power of each interval or test, per number of windows.

Issue 22, part 4. Window tables come from :mod:`alloava_analysis.synthetic`
clips run through :func:`~alloava_analysis.crossmodal.coupling.clip_tables`
(no audio). **Exact nulls** pair clip i's movement with clip i+1's speech
rate; **power** uses the clips as generated (latent window correlation
``--rho``). Two regimes: the analysis window equals the generator's latent
window (window series close to AR(1)), and a 1 s window over a 4 s latent
(step-like series, not AR(1): high lag-1 in movement, count noise in speech).
Each regime's clips are generated once with 60 windows (at 15 fps, which the
window means do not depend on) and cut to their first 8, 10, 30 and 60.

Methods: ``clip_pairs`` (the default: Fisher z with the between-clip null),
``ar1`` (the former default), and three tests on each clip's own window
series: circular shifts of speech (all ``n - 1``; the smallest p is ``1/n``),
phase-randomised speech (Fourier surrogates, 199) and an i.i.d. permutation
(199). A clip counts as excluding 0 when its interval excludes 0 or its
p-value is at most 0.05.

Run: ``.venv/bin/python benchmarks/short_clip_r.py [--clips 200] [--rho 0.5] [--seed 7]``
Results go to stdout and ``benchmarks/results/short_clip_r.json``.
"""
from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from alloava_analysis.crossmodal import correlation
from alloava_analysis.crossmodal.coupling import clip_tables
from alloava_analysis.io.atomic import write_json
from alloava_analysis.synthetic import SynthConfig, synthesize_clip

WINDOW_COUNTS = (8, 10, 30, 60)
#: name -> (analysis window s, latent window s)
REGIMES = {"ar1-like (window = latent 2 s)": (2.0, 2.0), "step-like (1 s windows, 4 s latent)": (1.0, 4.0)}
N_SURROGATES = 199


def window_tables(n_windows: int, window_s: float, latent_s: float, clips: int, rho: float, seed: int) -> list:
    """``(intensity, speech_rate)`` arrays of ``clips`` synthetic clips with ``n_windows`` windows."""
    duration = n_windows * window_s + 0.5
    cfg = SynthConfig(duration_s=(duration, duration), correlation=rho, window_s=latent_s, fps=15.0)
    out = []
    for k in tqdm(range(clips), desc=f"{n_windows} windows of {window_s:g} s", unit="clip", leave=False):
        w, _ = clip_tables(synthesize_clip(k, seed=seed, config=cfg, audio=False), window_s=window_s, energy=False)
        out.append((w["intensity"].to_numpy(float), w["speech_rate"].to_numpy(float)))
    return out


def as_frame(pairs: list) -> pd.DataFrame:
    parts = [pd.DataFrame({"clip_id": f"c{i:04d}", "m": x, "s": y}) for i, (x, y) in enumerate(pairs)]
    return pd.concat(parts, ignore_index=True)


def cross_paired(tables: list) -> list:
    """Clip i's movement with clip i+1's speech (an exact null), truncated to the shorter."""
    out = []
    for i, (x, _) in enumerate(tables):
        y = tables[(i + 1) % len(tables)][1]
        n = min(x.size, y.size)
        out.append((x[:n], y[:n]))
    return out


def _r_rows(x: np.ndarray, ys: np.ndarray) -> np.ndarray:
    xs = (x - x.mean()) / x.std()
    yc = ys - ys.mean(1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (yc @ xs) / (x.size * yc.std(1))


def surrogate_p(x: np.ndarray, y: np.ndarray, how: str, rng: np.random.Generator) -> float:
    """Two-sided p-value of r(x, y) against surrogates of y (circular shifts, phase randomisation, permutation)."""
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = x.size
    r = abs(_r_rows(x, y[None])[0])
    if how == "circular":
        sur = np.stack([np.roll(y, s) for s in range(1, n)])
    elif how == "phase":
        spec = np.fft.rfft(y - y.mean())
        phases = rng.uniform(0, 2 * np.pi, (N_SURROGATES, spec.size))
        phases[:, 0] = 0
        if n % 2 == 0:
            phases[:, -1] = 0
        sur = np.fft.irfft(np.abs(spec) * np.exp(1j * phases), n=n, axis=1)
    else:
        sur = np.stack([rng.permutation(y) for _ in range(N_SURROGATES)])
    null = np.abs(_r_rows(x, sur))
    return float((1 + np.sum(null >= r - 1e-12)) / (1 + null.size))


def rejection_rates(pairs: list, seed: int) -> dict:
    """Share of clips whose interval excludes 0 (or whose p <= 0.05), per method."""
    frame = as_frame(pairs)
    out = {}
    for interval in ("clip_pairs", "ar1"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = correlation.correlation_table(frame, "m", "s", interval=interval)
        ok = np.isfinite(t["ci_low"])
        out[interval] = float(((t["ci_low"] > 0) | (t["ci_high"] < 0))[ok].mean())
    rng = np.random.default_rng(seed)
    for how in ("circular", "phase", "permutation"):
        out[how] = float(np.mean([surrogate_p(x, y, how, rng) <= 0.05 for x, y in pairs]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=200, help="clips per cell (default 200)")
    parser.add_argument("--rho", type=float, default=0.5, help="planted latent window correlation for power")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    methods = ("clip_pairs", "ar1", "circular", "phase", "permutation")
    rows = []
    for regime, (window_s, latent_s) in REGIMES.items():
        longest = window_tables(max(WINDOW_COUNTS), window_s, latent_s, args.clips, args.rho, args.seed)
        for n in WINDOW_COUNTS:
            tables = [(x[:n], y[:n]) for x, y in longest]
            null = rejection_rates(cross_paired(tables), args.seed)
            power = rejection_rates(tables, args.seed + 1)
            rows.append({"regime": regime, "windows": n, **{f"null_{m}": null[m] for m in methods},
                         **{f"power_{m}": power[m] for m in methods}})
            print(f"{regime:38s} n={n:3d}  null exclusion: "
                  + "  ".join(f"{m} {null[m]:.3f}" for m in methods)
                  + "\n" + " " * 46 + "power:          " + "  ".join(f"{m} {power[m]:.3f}" for m in methods),
                  flush=True)
    out = Path(__file__).with_name("results") / "short_clip_r.json"
    out.parent.mkdir(exist_ok=True)
    write_json(out, {"clips": args.clips, "rho": args.rho, "seed": args.seed, "rows": rows})
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
