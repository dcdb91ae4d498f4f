"""Small CSV tables the analyses take from users (reference distributions for audits)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import SchemaError

__all__ = ["read_csv_table"]


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
        return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise SchemaError(f"expected a {what} with a header row, got an empty file", path=path,
                          where="row 1") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise SchemaError(f"expected a UTF-8 {what}, got a parse error: {err}", path=path) from None
