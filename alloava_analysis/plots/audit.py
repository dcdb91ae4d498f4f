"""Figures and the one-page HTML report of a demographic audit (suppressed cells are never drawn)."""
from __future__ import annotations

import base64
import html
import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from ..checks import check_range
from ..stats.audit import METRICS
from .style import literal

_UNITS = {spec.name: spec.unit for spec in METRICS}

__all__ = ["audit_report_html", "plot_group_differences", "plot_representation"]


def plot_representation(representation: list[dict] | pd.DataFrame, *, min_share: float | None = 0.05) -> plt.Figure:
    """Horizontal bars of each group's share of hours (reference shares as ticks); masked cells say so, no bar.

    Parameters
    ----------
    representation
        :func:`~alloava_analysis.stats.audit.representation` output (a table or its rows).
    min_share
        Share of hours (0 to 1) marked with a line; None or 0: no line.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    check_range("min_share", min_share, 0.0, 1.0, allow_none=True)
    rep = pd.DataFrame(representation)
    rep = rep[rep["group"] != "overall"].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7, 0.32 * max(len(rep), 1) + 1.4))
    y = np.arange(len(rep))[::-1]
    drawn = set()
    for yi, row in zip(y, rep.to_dict("records")):
        if row.get("suppressed"):
            ax.text(0.002, yi, "suppressed (small cell)", va="center", fontsize=7, color="0.4", style="italic")
            continue
        share = row.get("share") or 0.0
        low = bool(row.get("under_represented") or row.get("below_reference"))
        ax.barh(yi, share, color="tab:red" if low else "tab:blue", alpha=0.8)
        drawn.add("red" if low else "blue")
        if row.get("reference_share") is not None and not pd.isna(row["reference_share"]):
            ax.plot([row["reference_share"]] * 2, [yi - 0.4, yi + 0.4], color="k", lw=2)
            drawn.add("reference")
    if min_share:
        ax.axvline(min_share, color="tab:red", ls=":", lw=1, label=f"{min_share:.0%} of hours")
        ax.legend(loc="lower right", fontsize=7)
    ax.set_yticks(y, [literal(g) for g in rep["group"]], fontsize=7)
    marks = [text for key, text in (("reference", "black tick: reference share"), ("red", "red: under-represented"))
             if key in drawn]  # only marks that are drawn are explained
    ax.set_xlabel("share of hours (0-1)" + (f"; {'; '.join(marks)}" if marks else ""))
    ax.set_xlim(0, 1)
    fig.tight_layout()
    return fig


def plot_group_differences(metrics: list[dict] | pd.DataFrame) -> plt.Figure:
    """Forest plot: each group's difference to the overall value with its interval, one panel per metric.

    Parameters
    ----------
    metrics
        :func:`~alloava_analysis.stats.audit.disaggregate` rows (a table or dicts); suppressed
        groups and rows without a difference are left out.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    m = pd.DataFrame(metrics)
    m = m[(m["group"] != "overall") & m["difference"].notna() & ~m["suppressed"].astype(bool)]
    names = list(dict.fromkeys(m["metric"]))
    fig, axes = plt.subplots(1, max(len(names), 1),
                             figsize=(2.6 * max(len(names), 1), 0.3 * m["group"].nunique() + 1.8),
                             sharey=True, squeeze=False)
    groups = list(dict.fromkeys(m["group"]))
    ypos = {g: i for i, g in enumerate(groups[::-1])}
    for ax, name in zip(axes[0], names):
        rows = m[m["metric"] == name]
        for row in rows.to_dict("records"):
            y = ypos[row["group"]]
            lo, hi = row.get("difference_ci_low"), row.get("difference_ci_high")
            colour = "tab:red" if row.get("flagged") else "tab:blue"
            if lo is not None and hi is not None:
                ax.plot([lo, hi], [y, y], color=colour, lw=1.5)
            ax.plot(row["difference"], y, "o", color=colour, ms=4)
        ax.axvline(0, color="0.5", lw=0.8)
        ax.set_title(literal(name.replace("_", " ")), fontsize=8)
        ax.set_xlabel(f"({_UNITS.get(name, 'value')})", fontsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=3, symmetric=True))  # few ticks: no overlap in a narrow panel
        ax.tick_params(labelsize=7)
    axes[0][0].set_yticks(list(ypos.values()), [literal(g) for g in ypos], fontsize=7)
    flagged = bool(m["flagged"].astype(bool).any()) if "flagged" in m else False
    fig.supxlabel("group - overall, in each metric's unit (95 % CI, speakers resampled)"
                  + ("; red: flagged after FDR" if flagged else "; none flagged after FDR"), fontsize=8)
    fig.tight_layout()
    return fig


def _png(fig: plt.Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "&mdash;"
    if isinstance(v, float):
        return f"{v:.4g}"
    return html.escape(str(v))


def audit_report_html(result: dict) -> str:
    """A self-contained one-page HTML report of an ``audit_corpus`` result (figures embedded as PNG).

    Parameters
    ----------
    result
        What :func:`alloava_analysis.runs.audit.audit_corpus` returns.

    Returns
    -------
    str
        The HTML page.
    """
    rep, met = pd.DataFrame(result["representation"]), pd.DataFrame(result["metrics"])
    settings = result.get("settings", {})
    rep_cols = ["group", "clips", "speakers", "hours", "share", "reference_share", "under_represented",
                "below_reference", "note"]
    met_cols = ["group", "metric", "value", "ci_low", "ci_high", "difference", "ratio", "effect_size", "q_value",
                "flagged", "note"]

    def table(frame: pd.DataFrame, cols: list[str]) -> str:
        cols = [c for c in cols if c in frame]
        head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
        body = "".join("<tr>" + "".join(f"<td>{_cell(r[c])}</td>" for c in cols) + "</tr>"
                       for r in frame.to_dict("records"))
        return f"<table><tr>{head}</tr>{body}</table>"

    shown = met[(met["group"] == "overall") | met["value"].notna()]
    fam = result.get("family", {})
    rep_png = _png(plot_representation(rep, min_share=settings.get('min_share')))
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Demographic audit</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:auto;font-size:13px}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 6px;text-align:right}}td:first-child{{text-align:left}}</style></head><body>
<h1>Demographic audit of {html.escape(str(result.get('root', '')))}</h1>
<p>{result.get('n_clips')} clips, grouped by {html.escape(', '.join(settings.get('by', [])))}.
Labels from <code>{html.escape(str(result.get('labels', '')))}</code>: {html.escape(result.get('label_policy', ''))}.
Cells with fewer than {settings.get('min_cell')} clips (or speakers, for speaker counts) are suppressed, together
with linked cells that would give them away. Shares are shares of hours.</p>
<h2>Representation (hours)</h2><img src="data:image/png;base64,{rep_png}">
{table(rep, rep_cols)}
<h2>Group differences</h2><img src="data:image/png;base64,{_png(plot_group_differences(met))}">
<p>Family: {fam.get('size', 0)} comparisons, {html.escape(str(fam.get('method', '')))} at
{fam.get('alpha')}; {html.escape(str(fam.get('definition', '')))}.</p>
{table(shown, met_cols)}
</body></html>
"""
