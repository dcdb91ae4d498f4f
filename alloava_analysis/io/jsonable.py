"""Turn results into strict JSON values: one rule set for every command and report."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np


def to_jsonable(obj: Any) -> Any:
    """``obj`` with numpy scalars/arrays as Python values, NaN/inf as None, paths as strings (recursively).

    Parameters
    ----------
    obj
        A result: nested dicts, lists, tuples, numpy values, paths and plain values.

    Returns
    -------
    object
        The same structure with dict keys as strings and tuples and arrays as lists; other values unchanged.
    """
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, np.ndarray)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, Path):
        return str(obj)
    return obj
