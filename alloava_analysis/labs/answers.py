"""A notebook's answers as plain data: what the autograder takes out of a student's kernel and grades elsewhere.

Grading never trusts the student's namespace: the answers (``answer_qN``, ``fig_qN``) are written out as JSON
(numbers, booleans, strings, lists, dicts and the data of a figure's lines) and graded in another process that
never ran the student's code, so overwriting checkers or library functions in the notebook changes nothing.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..checks import check_int

__all__ = ["ANSWER_PREFIXES", "PlottedAxes", "PlottedFigure", "Unreadable", "decode_answers", "encode_answers",
           "figure_data"]

#: Notebook variables that hold answers.
ANSWER_PREFIXES = ("answer_q", "fig_q")
MAX_ITEMS = 200
MAX_POINTS = 20_000


@dataclass(frozen=True)
class PlottedAxes:
    """One axes of a figure: its labels, whether y runs downwards, and the (x, y) data of each line."""

    xlabel: str
    ylabel: str
    y_inverted: bool
    lines: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)


@dataclass(frozen=True)
class PlottedFigure:
    """What a matplotlib figure shows, as data: its axes."""

    axes: list[PlottedAxes]


@dataclass(frozen=True)
class Unreadable:
    """An answer that could not be written out as data (its type name only)."""

    type_name: str

    def __repr__(self) -> str:
        return f"<a {self.type_name}>"


def figure_data(fig: Any) -> PlottedFigure:
    """The labels and line data of a matplotlib figure.

    Parameters
    ----------
    fig
        A matplotlib ``Figure`` (anything with ``axes`` whose items have ``get_lines``).

    Returns
    -------
    PlottedFigure
        Each axes' labels, y direction and lines (at most 20,000 points each), as float arrays.
    """
    axes = []
    for ax in list(fig.axes)[:MAX_ITEMS]:
        lines = [(np.asarray(line.get_xdata(), dtype=float)[:MAX_POINTS],
                  np.asarray(line.get_ydata(), dtype=float)[:MAX_POINTS]) for line in ax.get_lines()[:MAX_ITEMS]]
        axes.append(PlottedAxes(str(ax.get_xlabel()), str(ax.get_ylabel()), bool(ax.yaxis_inverted()), lines))
    return PlottedFigure(axes)


def _encode(value: Any, depth: int) -> dict:
    if value is None or value is Ellipsis:
        return {"kind": "missing"}
    if isinstance(value, (bool, np.bool_)):
        return {"kind": "bool", "value": bool(value)}
    if isinstance(value, str):
        return {"kind": "str", "value": value[:1000]}
    if hasattr(value, "savefig") and hasattr(value, "axes"):
        fig = figure_data(value)
        return {"kind": "figure", "axes": [{"xlabel": a.xlabel, "ylabel": a.ylabel, "y_inverted": a.y_inverted,
                                            "lines": [[x.tolist(), y.tolist()] for x, y in a.lines]}
                                           for a in fig.axes]}
    if depth < 3 and isinstance(value, dict):
        return {"kind": "dict", "items": [[str(k)[:200], _encode(v, depth + 1)]
                                          for k, v in list(value.items())[:MAX_ITEMS]]}
    if depth < 3 and (isinstance(value, (list, tuple, set, frozenset)) or
                      (isinstance(value, np.ndarray) and value.ndim == 1)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
        if len(items) <= MAX_ITEMS:
            return {"kind": "list", "items": [_encode(v, depth + 1) for v in items]}
    if isinstance(value, (int, float, np.integer, np.floating)):
        return {"kind": "number", "value": float(value)}
    return {"kind": "other", "type": type(value).__name__}


def encode_answers(env: dict[str, Any]) -> dict[str, dict]:
    """The notebook's answers (variables named ``answer_qN`` and ``fig_qN``) as JSON-ready data.

    Parameters
    ----------
    env
        The notebook's variables (``globals()``).

    Returns
    -------
    dict
        Variable name -> ``{"kind": ..., ...}`` (number, bool, str, list, dict, figure, missing or other); an
        object that raises while being read is ``other``.
    """
    out = {}
    for name in sorted(k for k in list(env) if isinstance(k, str) and k.startswith(ANSWER_PREFIXES)):
        try:
            out[name] = _encode(env[name], 0)
        except Exception:  # noqa: BLE001 - a student's object may raise anything while it is read
            out[name] = {"kind": "other", "type": type(env[name]).__name__}
    return out


def _decode(data: Any, depth: int, *, max_depth: int) -> Any:
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind == "missing" or depth > max_depth:
        return Ellipsis
    if kind in ("bool", "str"):
        return data["value"]
    if kind == "number":
        value = data["value"]
        return float(value) if isinstance(value, (int, float)) else math.nan
    if kind == "list":
        return [_decode(v, depth + 1, max_depth=max_depth) for v in data["items"]]
    if kind == "dict":
        return {str(k): _decode(v, depth + 1, max_depth=max_depth) for k, v in data["items"]}
    if kind == "figure":
        return PlottedFigure([PlottedAxes(str(a["xlabel"]), str(a["ylabel"]), bool(a["y_inverted"]),
                                          [(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
                                           for x, y in a["lines"]]) for a in data["axes"]])
    return Unreadable(str(data.get("type", "unknown object")) if isinstance(data, dict) else "unknown object")


def decode_answers(data: dict[str, Any], *, max_depth: int = 4) -> dict[str, Any]:
    """The answers written by :func:`encode_answers`, as Python values (a figure as :class:`PlottedFigure`).

    Parameters
    ----------
    data
        Variable name -> encoded answer (the JSON read back).
    max_depth
        Deepest nesting of lists and dicts decoded (deeper is treated as not answered).

    Returns
    -------
    dict
        Variable name -> float, bool, str, list, dict, :class:`PlottedFigure`, :class:`Unreadable`, or ``...``
        when the answer was missing.
    """
    check_int("max_depth", max_depth, minimum=1)
    return {str(name): _decode(value, 0, max_depth=max_depth) for name, value in dict(data).items()}
