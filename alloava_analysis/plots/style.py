"""The figure style of every notebook: readable sizes, no offset or scientific tick labels; literal labels."""
from __future__ import annotations

import html

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.legend import Legend

from ..checks import check_option

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


def legend_outside(ax: Axes, *, where: str = "right", **kwargs) -> Legend:
    """A legend beside the plotting area, never over the data.

    Parameters
    ----------
    ax
        The axes whose labelled artists are listed.
    where
        ``"right"`` (a column right of the axes) or ``"top"`` (a row above them).
    **kwargs
        Passed on to :meth:`matplotlib.axes.Axes.legend` (``fontsize``, ``ncol``, ...).

    Returns
    -------
    matplotlib.legend.Legend
        The legend.
    """
    check_option("where", where, ("right", "top"))
    place = ({"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "borderaxespad": 0.0} if where == "right" else
             {"loc": "lower left", "bbox_to_anchor": (0.0, 1.02), "borderaxespad": 0.0, "ncol": 2})
    return ax.legend(**{**place, **kwargs})


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
