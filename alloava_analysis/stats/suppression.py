"""Small-cell suppression for linked count tables, with complementary suppression and an LP audit.

An audit publishes, for attributes ``A, B, ...``, the total, every single-attribute
margin and every intersection (all non-empty subsets of the attributes). Every
published cell is a sum of cells of the full cross-classification, so a cell
masked alone in a margin could be recovered by subtraction. Here:

1. **primary** suppression masks every published cell with ``0 < count < min_cell``
   (zeros are not sensitive and stay published);
2. **complementary** suppression masks further cells until an attacker who knows
   every published count, that counts are non-negative and that masked cells are
   non-zero cannot pin down any masked cell: for each masked cell the linear
   programme "min / max of the cell subject to the published equations" must
   leave an interval at least one count wide (:func:`disclosure_intervals`);
   for an exposed cell, the complement is the first cell that protects it on its
   own, trying cells of deeper tables (more attributes) before margins and the
   total, the exposed cell's siblings (same table, one attribute different) and
   the margins right above it first within a table, smaller counts first; if none
   does alone, the first candidate is masked and the search goes on.

Masked cells are reported the same way whether primary or complementary, so the
mask itself does not say which cells are small.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from ..checks import check_int

__all__ = ["CellKey", "disclosure_intervals", "linked_cells", "suppress"]

#: A published cell: (attributes of its table, values), e.g. (("gender",), ("female",)); the total is ((), ()).
CellKey = tuple[tuple[str, ...], tuple[str, ...]]


def linked_cells(base: pd.DataFrame, by: list[str] | tuple[str, ...],
                 count: str) -> tuple[list[CellKey], np.ndarray, np.ndarray]:
    """Published cells of every sub-table of ``by``, as sums of the base (full cross) cells.

    Parameters
    ----------
    base
        One row per non-empty cell of the full cross-classification: the ``by`` columns and ``count``.
    by
        The attributes.
    count
        The count column.

    Returns
    -------
    keys
        One :data:`CellKey` per published cell (total first, then tables of 1, 2, ... attributes).
    membership
        Boolean matrix (published cells x base cells).
    counts
        Published counts (``membership @ base[count]``).
    """
    base = base.reset_index(drop=True)
    keys: list[CellKey] = []
    rows: list[np.ndarray] = []
    for r in range(len(by) + 1):
        for view in combinations(by, r):
            if not view:
                keys.append(((), ()))
                rows.append(np.ones(len(base), dtype=bool))
                continue
            for values, idx in base.groupby(list(view), sort=True).indices.items():
                values = values if isinstance(values, tuple) else (values,)
                member = np.zeros(len(base), dtype=bool)
                member[idx] = True
                keys.append((tuple(view), tuple(str(v) for v in values)))
                rows.append(member)
    membership = np.array(rows, dtype=bool).reshape(len(rows), len(base))
    counts = membership.astype(float) @ base[count].to_numpy(dtype=float)
    return keys, membership, counts


def _interval(membership: np.ndarray, counts: np.ndarray, masked: np.ndarray, i: int) -> tuple[float, float]:
    """[min, max] of published cell ``i`` given the unmasked counts (LP; see :func:`disclosure_intervals`)."""
    a = membership.astype(float)
    a_eq, b_eq = a[~masked], counts[~masked]
    a_ub, b_ub = -a[masked], -np.ones(int(masked.sum()))
    bounds = []
    for sign in (1.0, -1.0):
        res = linprog(sign * a[i], A_ub=a_ub if len(a_ub) else None, b_ub=b_ub if len(b_ub) else None,
                      A_eq=a_eq if len(a_eq) else None, b_eq=b_eq if len(b_eq) else None,
                      bounds=[(0, None)] * a.shape[1], method="highs")
        if res.status == 3:  # unbounded
            bounds.append(np.inf if sign < 0 else -np.inf)
        elif res.status != 0:  # infeasible (e.g. non-additive counts): nothing can be inferred
            bounds.append(-np.inf if sign > 0 else np.inf)
        else:
            bounds.append(sign * res.fun)
    return bounds[0], bounds[1]


def disclosure_intervals(membership: np.ndarray, counts: np.ndarray, masked: np.ndarray) -> np.ndarray:
    """What an attacker can infer about each masked cell: (n_masked, 2) array of [min, max] by LP.

    The attacker knows every unmasked count exactly, that base cells are >= 0 and
    that every masked published cell is >= 1 (zeros are never masked). ``max`` is
    ``inf`` when unbounded. A masked cell is protected when ``max - min >= 1``.

    Parameters
    ----------
    membership, counts
        As from :func:`linked_cells`.
    masked
        Boolean mask of the published cells.

    Returns
    -------
    numpy.ndarray
        One [min, max] row per masked cell, in the cells' order.
    """
    masked = np.asarray(masked, dtype=bool)
    return np.array([_interval(membership, counts, masked, int(i)) for i in np.flatnonzero(masked)],
                    dtype=float).reshape(-1, 2)


def _siblings(keys: list[CellKey], i: int) -> list[int]:
    """Cells of the same table differing in exactly one attribute value, then the margins right above."""
    view, values = keys[i]
    same = [j for j, (v, vals) in enumerate(keys) if v == view and j != i
            and sum(a != b for a, b in zip(vals, values)) == 1]
    parents = [j for j, (v, vals) in enumerate(keys) if len(v) == len(view) - 1 and set(v) <= set(view)
               and all(values[view.index(a)] == b for a, b in zip(v, vals))]
    return same + parents


def suppress(keys: list[CellKey], membership: np.ndarray, counts: np.ndarray, *, min_cell: int,
             initial: np.ndarray | None = None, max_tries: int = 60) -> np.ndarray:
    """Boolean mask of published cells to suppress (primary + complementary); see the module docstring.

    Parameters
    ----------
    keys, membership, counts
        The published cells, as from :func:`linked_cells`.
    min_cell
        Counts with ``0 < count < min_cell`` are masked (>= 1).
    initial
        Cells that must be masked anyway (e.g. the clip-count mask when masking speaker counts).
    max_tries
        Candidate complements tried for an exposed cell before the first one is
        masked and the search goes on (>= 1).

    Returns
    -------
    numpy.ndarray
        Boolean mask over the published cells.
    """
    check_int("min_cell", min_cell, minimum=1)
    check_int("max_tries", max_tries, minimum=1)
    counts = np.asarray(counts, dtype=float)
    masked = (counts > 0) & (counts < min_cell)
    if initial is not None:
        masked |= np.asarray(initial, dtype=bool) & (counts > 0)
    # Masking more cells only removes equations (a published count becomes the weaker "masked, so >= 1"),
    # so a cell once protected stays protected: each cell is checked until it passes, then not again.
    safe = np.zeros(len(keys), dtype=bool)
    for _ in range(2 * len(keys) + 1):
        todo = np.flatnonzero(masked & ~safe)
        exposed = None
        for i in todo:
            lo, hi = _interval(membership, counts, masked, int(i))
            if hi - lo >= 1 - 1e-9:
                safe[i] = True
            else:
                exposed = int(i)
                break
        if exposed is None:
            return masked
        near = [j for j in _siblings(keys, exposed) if not masked[j] and counts[j] > 0]
        rest = [j for j in range(len(keys)) if not masked[j] and counts[j] > 0 and j not in set(near)]
        if not near and not rest:
            return masked
        # the smallest cell that protects the exposed one on its own (siblings first), else the smallest sibling
        # deeper tables first (masking an intersection cell costs less than a margin or the total), then
        # the exposed cell's siblings, then smaller counts
        close = set(near)
        order = sorted(near + rest, key=lambda j: (-len(keys[j][0]), j not in close, counts[j], j))
        choice = order[0]
        for j in order[:max_tries]:
            trial = masked.copy()
            trial[j] = True
            lo, hi = _interval(membership, counts, trial, exposed)
            if hi - lo >= 1 - 1e-9:
                choice = j
                break
        masked[choice] = True
    return masked
