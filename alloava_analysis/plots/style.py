"""The figure style of every notebook: readable sizes, no offset or scientific tick labels."""
from __future__ import annotations

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
