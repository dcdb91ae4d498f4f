"""CSV tables: the one writer of every CSV the toolkit writes, and small tables taken from users.

Cells that a spreadsheet would run as a formula (starting with ``= + - @``, a
tab or a carriage return; OWASP's CSV-injection guidance) are written with a
leading single quote, numbers excepted (``-2`` stays a number). The toolkit's
readers remove that quote again, and only it, so round trips are exact.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from ..checks import check_option
from ..errors import SchemaError
from .atomic import atomic_write

__all__ = ["read_csv_table", "restore_cells", "write_csv_table"]

_TRIGGER = "=+\\-@\t\r"
_FORMULA = re.compile(f"'*[{_TRIGGER}]")      # a formula, or a text that already starts with quotes and one
_GUARDED = re.compile(f"'+[{_TRIGGER}]")      # what the writer made of one
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _neutralized(value: Any) -> Any:
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _restored(value: Any) -> Any:
    return value[1:] if isinstance(value, str) and _GUARDED.match(value) else value


def write_csv_table(path: str | Path, table: pd.DataFrame, *, lineterminator: str = "\n") -> Path:
    """Write ``table`` (no index) atomically as UTF-8 CSV, formula-leading cells and names neutralised.

    Parameters
    ----------
    path
        The CSV to write.
    table
        The rows; column names are written as the header.
    lineterminator
        End of each line: a newline, or a carriage return and a newline.

    Returns
    -------
    Path
        ``path``.
    """
    check_option("lineterminator", lineterminator, ("\n", "\r\n"))
    safe = table.map(_neutralized).rename(columns=_neutralized)
    with atomic_write(path, "w", encoding="utf-8", newline="") as handle:
        safe.to_csv(handle, index=False, lineterminator=lineterminator)
    return Path(path)


def restore_cells(table: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`write_csv_table`'s neutralising quote in the cells and column names of a table read back.

    Parameters
    ----------
    table
        A table as read from a CSV the toolkit wrote (or a user's).

    Returns
    -------
    pandas.DataFrame
        The same table, the added quotes (and only those) removed.
    """
    return table.map(_restored).rename(columns=_restored)


def read_csv_table(path: str | Path, *, what: str = "CSV table") -> pd.DataFrame:
    """Read a UTF-8 CSV as strings (empty cells stay empty strings); typed errors name the file.

    Parameters
    ----------
    path
        The CSV file (a UTF-8 byte-order mark is accepted).
    what
        What the table is, as the error messages call it.

    Returns
    -------
    pandas.DataFrame
        Every cell as a string, spaces after the delimiters removed.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: {what} not found (expected a CSV file)")
    try:
        return restore_cells(pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True,
                                         encoding="utf-8-sig"))
    except pd.errors.EmptyDataError:
        raise SchemaError(f"expected a {what} with a header row, got an empty file", path=path,
                          where="row 1") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise SchemaError(f"expected a UTF-8 {what}, got a parse error: {err}", path=path) from None
