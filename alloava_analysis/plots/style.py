"""The figure style of every notebook: readable sizes, no offset or scientific tick labels; literal labels."""
from __future__ import annotations

import html

import matplotlib as mpl

STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 110,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.framealpha": 0.85,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.formatter.useoffset": False,
    "axes.formatter.limits": (-6, 9),
}


def apply_style() -> None:
    """Apply :data:`STYLE` to matplotlib's defaults (notebooks call it through ``report.setup_notebook``)."""
    mpl.rcParams.update(STYLE)


def literal(text: object) -> str:
    r"""``text`` as matplotlib shows it literally: every ``$`` escaped, so a user's label is never mathtext.

    Parameters
    ----------
    text
        A label from the data (a group, a word, a clip id).

    Returns
    -------
    str
        ``str(text)`` with ``$`` written ``\$`` (drawn as ``$``).
    """
    return str(text).replace("$", r"\$")


def plotly_literal(text: object) -> str:
    """``text`` as plotly shows it literally: ``<``, ``>`` and ``&`` escaped, so a user's label is never markup.

    Plotly reads titles, trace text and hover labels as HTML (``<b>``,
    ``<a href>``, ``&lt;``); a label from the data (a clip id, a speaker, a
    word) must be drawn as it is, and must not close the page's script.

    Parameters
    ----------
    text
        A label from the data.

    Returns
    -------
    str
        ``str(text)`` with its markup characters written as HTML entities (drawn as themselves).
    """
    return html.escape(str(text), quote=False)
