"""Human-readable output: rounded numbers, thousands separators, units, aligned columns, ``n/a`` for missing."""
from __future__ import annotations

import math
from typing import Any, Iterable, Sequence

from ..checks import check_int, check_option
from ..errors import ParameterError

NA = "n/a"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def num(value: Any, *, digits: int = 3, unit: str = "", signed: bool = False) -> str:
    """A number for people: ints with thousands separators, floats to ``digits`` significant digits.

    Large floats keep their integer digits (``12,345.7``), small ones keep
    ``digits`` significant digits (``0.0285``); None and NaN print as ``n/a``.

    Parameters
    ----------
    value
        A number (or anything ``float`` accepts; other values print as ``str``); booleans print as
        ``true``/``false``.
    digits
        Significant digits of floats.
    unit
        Appended after a space (``"s"``, ``"%"``); empty for none.
    signed
        Prefix positive numbers with ``+``.

    Returns
    -------
    str
        The number as text.
    """
    check_int("digits", digits, minimum=1)
    check_option("signed", signed, (False, True))
    if _missing(value):
        return NA
    if isinstance(value, bool):
        return str(value).lower()
    if not isinstance(value, (int, float)):
        try:
            value = float(value)
        except (TypeError, ValueError):
            return str(value)
    sign = "+" if signed and value != 0 else ""
    if value == 0:
        text = "0"
    elif isinstance(value, int) or float(value).is_integer() and abs(value) >= 10 ** digits:
        text = f"{int(value):{sign},d}"
    else:
        magnitude = math.floor(math.log10(abs(value))) if value else 0
        decimals = max(digits - 1 - magnitude, 0)
        text = f"{value:{sign},.{decimals}f}"
    return f"{text} {unit}".rstrip() if unit else text


def setting(value: Any, unit: str = "") -> str:
    """An option value as the user would type it (``5 s``, ``0.25 s``).

    Parameters
    ----------
    value
        The option's value (floats in their shortest form); None and NaN print as ``n/a``.
    unit
        Appended after a space; empty for none.

    Returns
    -------
    str
        The value as text.
    """
    if _missing(value):
        return NA
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text} {unit}".rstrip()


def size(n_bytes: Any) -> str:
    """Bytes with a decimal unit (``14.9 MB``).

    Parameters
    ----------
    n_bytes
        A size in bytes; None and NaN print as ``n/a``.

    Returns
    -------
    str
        The size in B, kB, MB, GB, TB or PB (powers of 1000).
    """
    if _missing(n_bytes):
        return NA
    value, unit = float(n_bytes), "B"
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if abs(value) < 1000 or unit == "PB":
            break
        value /= 1000.0
    return num(int(value) if unit == "B" else value, unit=unit)


def pct(value: Any, *, digits: int = 3) -> str:
    """A fraction (0.25) as a percentage (``25 %``).

    Parameters
    ----------
    value
        A fraction (1.0 is 100 %); None and NaN print as ``n/a``.
    digits
        Significant digits of the percentage.

    Returns
    -------
    str
        The percentage as text.
    """
    if _missing(value):
        return NA
    return num(100.0 * float(value), digits=digits, unit="%")


def ci(low: Any, high: Any, *, digits: int = 3) -> str:
    """``[low, high]``, or ``n/a`` when either end is missing.

    Parameters
    ----------
    low, high
        The interval's ends; None or NaN for a missing end.
    digits
        Significant digits of each end.

    Returns
    -------
    str
        The interval as text.
    """
    if _missing(low) or _missing(high):
        return NA
    return f"[{num(low, digits=digits)}, {num(high, digits=digits)}]"


def table(rows: Iterable[Sequence[Any]], headers: Sequence[str] | None = None, *, indent: str = "  ",
          align: str | None = None) -> list[str]:
    """Rows as aligned text columns (``align``: one ``l`` or ``r`` per column; default: first left, rest right).

    Parameters
    ----------
    rows
        The rows, each a sequence of cells (None prints as empty; short rows are padded).
    headers
        Column titles, underlined with dashes; None for none.
    indent
        Put before every line.
    align
        One ``l`` (left) or ``r`` (right) per column; None: the first column left, the others right.

    Returns
    -------
    list of str
        One line per row (and two for the headers); empty without rows.
    """
    if not isinstance(indent, str):
        raise ParameterError(f"invalid value for indent: expected a string, got {indent!r}", name="indent")
    if align is not None and not (isinstance(align, str) and set(align) <= {"l", "r"}):
        raise ParameterError(f"invalid value for align: expected a string of 'l' and 'r', got {align!r}",
                             name="align")
    rows = [["" if c is None else str(c) for c in row] for row in rows]
    if headers is not None:
        rows = [list(headers)] + rows
    if not rows:
        return []
    n = max(len(r) for r in rows)
    rows = [r + [""] * (n - len(r)) for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(n)]
    align = align or "l" + "r" * (n - 1)
    lines = []
    for row in rows:
        cells = [c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(row, widths, align)]
        lines.append((indent + "  ".join(cells)).rstrip())
    if headers is not None:
        lines.insert(1, indent + "  ".join("-" * w for w in widths))
    return lines


def problem_lines(result: dict, *, indent: str = "  ") -> list[str]:
    """One line per skipped or failed entry: ``skipped <clip_id or path>: <reason>``.

    Parameters
    ----------
    result
        A command's result (its ``skipped`` and ``failed`` lists).
    indent
        Put before every line.

    Returns
    -------
    list of str
        The lines, skipped entries first.
    """
    lines = []
    for kind in ("skipped", "failed"):
        for entry in result.get(kind) or []:
            if isinstance(entry, dict):
                what = entry.get("clip_id") or entry.get("path") or "?"
                detail = ", ".join(f"{k} {entry[k]}" for k in ("modality", "step") if entry.get(k))
                reason = entry.get("reason", "")
                lines.append(f"{indent}{kind} {what}{f' ({detail})' if detail else ''}: {reason}")
            else:  # tolerate a bare name
                lines.append(f"{indent}{kind} {entry}")
    return lines


def warning_lines(result: dict, *, indent: str = "  ") -> list[str]:
    """The result's ``warnings`` (what changes the reading of its numbers), one per line, to print first.

    Parameters
    ----------
    result
        A command's result (its ``warnings`` list).
    indent
        Put before every line.

    Returns
    -------
    list of str
        ``<indent>warning: <warning>`` per warning.
    """
    return [f"{indent}warning: {w}" for w in result.get("warnings") or []]


def note_lines(result: dict, *, indent: str = "  ") -> list[str]:
    """The result's ``notes`` (what an analysis left out or warned about), one per line.

    Parameters
    ----------
    result
        A command's result (its ``notes`` list).
    indent
        Put before every line.

    Returns
    -------
    list of str
        ``<indent>note: <note>`` per note.
    """
    return [f"{indent}note: {n}" for n in result.get("notes") or []]


def join(*parts: str | Iterable[str]) -> str:
    """Lines and lists of lines joined with newlines (empty lists add no line).

    Parameters
    ----------
    parts
        Strings (one line each) and iterables of lines, in order.

    Returns
    -------
    str
        The lines joined with newlines.
    """
    out: list[str] = []
    for p in parts:
        if isinstance(p, str):
            out.append(p)
        else:
            out.extend(p)
    return "\n".join(out)
