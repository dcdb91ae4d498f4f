"""Notebook conventions in code: plain-number tables and the key results each notebook leaves behind.

Every notebook ends with :func:`show_key_results`, which displays a small
table of the notebook's headline numbers and tags the same numbers with the
MIME type :data:`KEY_RESULTS_MIME` in the cell's output. Tests
(``tests/notebooks``) and ``make demo`` read them back from the executed
notebook with :func:`read_key_results`, so they check what a notebook found,
not only that it ran.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import ParameterError

__all__ = ["KEY_RESULTS_MIME", "plain_number", "read_key_results", "setup_notebook", "show_key_results"]

KEY_RESULTS_MIME = "application/vnd.alloava.key-results+json"


def plain_number(value: Any) -> str:
    """Format a number for a table without scientific notation (thousands separated, 3-4 significant digits).

    Integers keep every digit (``1,250``); other values get 3 decimals from 1
    to 1000, none above, and 3 significant digits below 1 (``0.0285``,
    ``0.000123``), ``< 0.000001`` below that; non-numbers pass through ``str``.

    Parameters
    ----------
    value
        A number (int, float, numpy scalar), or anything else (shown with ``str``).

    Returns
    -------
    str
        The formatted value; ``"NaN"``, ``"inf"`` and ``"-inf"`` for those floats.
    """
    if isinstance(value, bool) or value is None:
        return str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    if number.is_integer() and abs(number) < 1e15:
        return f"{int(number):,}"
    size = abs(number)
    if size >= 1000:
        return f"{number:,.0f}"
    if size >= 1:
        return f"{number:,.3f}"
    if size < 1e-6:  # below what a table can show without scientific notation
        return "< 0.000001" if number > 0 else "> -0.000001"
    decimals = min(8, max(3, 2 - math.floor(math.log10(size))))  # 3 significant digits below 1
    return f"{number:.{decimals}f}"


def setup_notebook() -> None:
    """House style for a notebook: plain numbers in pandas tables and the figure style of :mod:`plots`."""
    pd.set_option("display.float_format", plain_number)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 160)
    from .plots.style import apply_style

    apply_style()


def _jsonable(results: dict[str, Any]) -> dict[str, Any]:
    from .io.jsonable import to_jsonable

    return json.loads(json.dumps(to_jsonable(results), allow_nan=False, default=str))


def show_key_results(results: dict[str, Any], *, title: str = "Key results") -> dict[str, Any]:
    """Display the notebook's headline numbers and tag them for tests and ``make demo``.

    Parameters
    ----------
    results
        Name -> value (numbers, strings, booleans or None; NaN becomes None).
    title
        Caption of the table (a string).

    Returns
    -------
    dict
        ``results`` as JSON-ready values (what was tagged).
    """
    if not isinstance(title, str):
        raise ParameterError(f"invalid value for title: expected a string, got {title!r}", name="title")
    from IPython.display import display

    clean = _jsonable(results)
    rows = "".join(f"<tr><th style='text-align:left'>{name}</th>"
                   f"<td style='text-align:right'>{plain_number(v)}</td></tr>"
                   for name, v in clean.items())
    html = f"<table class='alloava-key-results'><caption>{title}</caption>{rows}</table>"
    text = "\n".join([title] + [f"  {name}: {plain_number(v)}" for name, v in clean.items()])
    # nbformat sorts JSON keys when it saves, so the order travels as its own list
    display({"text/html": html, "text/plain": text, KEY_RESULTS_MIME: {"names": list(clean), "values": clean}},
            raw=True)
    return clean


def read_key_results(notebook: str | Path | dict) -> dict[str, Any]:
    """The key results an executed notebook displayed (merged over cells; empty when there are none).

    Parameters
    ----------
    notebook
        An executed notebook: its path, or its nbformat JSON as a dict.

    Returns
    -------
    dict
        Name -> value of every :func:`show_key_results` output, in display order (a later cell's value wins).
    """
    if not isinstance(notebook, dict):
        from .io.notebooks import read_notebook

        notebook = read_notebook(notebook)
    found: dict[str, Any] = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data", {})
            if KEY_RESULTS_MIME in data:
                value = data[KEY_RESULTS_MIME]
                value = json.loads(value) if isinstance(value, str) else value
                found.update({name: value["values"][name] for name in value["names"]})
    return found
