"""Figure of the prosody-gesture synchrony: the lag distribution of each event kind against its null."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..checks import check_int, check_options, check_positive
from ..choices import PROSODIC_EVENTS
from ..errors import SchemaError

_TITLES = {"f0_peak": "F0 peak", "envelope_peak": "amplitude-envelope peak", "word_onset": "word onset",
           "loudest_syllable": "loudest syllable of a word"}


def plot_lag_distribution(result: dict, *, kinds: tuple[str, ...] | None = None, max_lag_s: float | None = None,
                          bins: int = 40) -> plt.Figure:
    """Histogram of the gesture-peak to event lags per kind, over the null's lag distribution.

    Parameters
    ----------
    result
        A :func:`~alloava_analysis.crossmodal.synchrony.synchrony` (or
        :func:`~alloava_analysis.runs.synchrony.synchrony_corpus`) result: its ``units``, ``null_lags`` and
        ``pooled``.
    kinds
        Event kinds drawn, one panel each (default: every kind in the result).
    max_lag_s
        The lag axis spans ``[-max_lag_s, max_lag_s]`` seconds (default: the result's search window, else 1 s;
        lags beyond are counted in the edge bins; units with no event in the window are not drawn).
    bins
        Histogram bins.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per kind: density of the observed lags (bars) and of the null's (line), the pooled mean
        lag with its interval, and the observed and null mean absolute lag with the p-value in the title.
    """
    check_positive("max_lag_s", max_lag_s, allow_none=True)
    check_int("bins", bins, minimum=2)
    if not isinstance(result, dict) or not {"units", "null_lags", "pooled"} <= set(result):
        raise SchemaError("expected a synchrony result with 'units', 'null_lags' and 'pooled', got "
                          f"{sorted(result) if isinstance(result, dict) else type(result).__name__}", where="result")
    if max_lag_s is None:
        max_lag_s = float(result.get("max_lag_s", 1.0))
    pooled = {row["kind"]: row for row in result["pooled"]}
    if kinds is None:
        kinds = tuple(pooled)
    kinds = tuple(check_options("kinds", [kinds] if isinstance(kinds, str) else kinds, PROSODIC_EVENTS))
    units, null = pd.DataFrame(result["units"]), pd.DataFrame(result["null_lags"])
    edges = np.linspace(-max_lag_s, max_lag_s, bins + 1)
    fig, axes = plt.subplots(1, max(len(kinds), 1), figsize=(4.2 * max(len(kinds), 1), 3.4), squeeze=False,
                             sharey=False)
    for ax, kind in zip(axes[0], kinds):
        row = pooled.get(kind, {})
        used = units[(units["kind"] == kind) & units["in_speech"].astype(bool)] if len(units) else units
        lags = np.clip(used["lag_s"].to_numpy(float), -max_lag_s, max_lag_s) if len(used) else np.zeros(0)
        lags = lags[np.isfinite(lags)]
        nl = null.loc[null["kind"] == kind, "lag_s"].to_numpy(float) if len(null) else np.zeros(0)
        nl = np.clip(nl[np.isfinite(nl)], -max_lag_s, max_lag_s)
        if lags.size:
            ax.hist(lags, bins=edges, density=True, color="tab:blue", alpha=0.6, label=f"observed ({lags.size} units)")
        if nl.size:
            density, _ = np.histogram(nl, bins=edges, density=True)
            ax.stairs(density, edges, color="k", lw=1.3, label="null (units moved at random)")
        ax.axvline(0.0, color="0.5", lw=0.8)
        if np.isfinite(row.get("mean_lag_s", np.nan)):
            ax.axvline(row["mean_lag_s"], color="tab:red", lw=1.2, label=f"mean {row['mean_lag_s']:+.3f} s")
            if np.isfinite(row.get("ci_low", np.nan)):
                ax.axvspan(row["ci_low"], row["ci_high"], color="tab:red", alpha=0.15, label="95 % CI (speakers)")
        p = row.get("p_value", np.nan)
        title = _TITLES.get(kind, kind)
        if np.isfinite(row.get("mean_abs_lag_s", np.nan)):
            title += (f"\nmean |lag| {row['mean_abs_lag_s']:.3f} s vs null {row['null_mean_abs_lag_s']:.3f} s, "
                      f"p = {p:.3g}")
        if row.get("n_no_event"):
            title += f"\n{row['n_no_event']} of {row['n_units']} units: no event within ±{max_lag_s:g} s"
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("lag: event - gesture peak (s; > 0: gesture first)")
        ax.set_ylabel("density (1/s)")
        ax.set_xlim(-max_lag_s, max_lag_s)
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig
