"""Small-cell suppression: no published count below the minimum, and no masked cell recoverable from margins.

The attacker here is independent of the LP audit inside ``suppress``: it searches the
tables of non-negative *integers* that agree with what was published (masked cells
non-zero) -- by enumeration for small tables, by mixed-integer programming
(``scipy.optimize.milp``) otherwise -- and checks that each masked cell can take at
least two values.
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from alloava_analysis.stats.suppression import disclosure_intervals, linked_cells, suppress


def _base(counts: dict[tuple[str, str], int]) -> pd.DataFrame:
    return pd.DataFrame([{"a": a, "b": b, "n": n} for (a, b), n in counts.items() if n > 0])


def _integer_range(membership, counts, masked):
    """For each masked cell, (min, max) over consistent integer tables, by mixed-integer programming."""
    a = membership.astype(float)
    cons = [LinearConstraint(a[~masked], counts[~masked], counts[~masked]),
            LinearConstraint(a[masked], 1, np.inf)]
    out = {}
    for i in np.flatnonzero(masked):
        ends = []
        for sign in (1, -1):
            res = milp(sign * a[i], constraints=cons, integrality=np.ones(a.shape[1]),
                       bounds=Bounds(0, counts[0]))
            assert res.status == 0
            ends.append(round(sign * res.fun))
        out[i] = tuple(ends)
    return out


def _brute_force_values(membership, counts, masked, cap):
    """For each masked published cell, the set of values it takes over all consistent integer tables."""
    n_base = membership.shape[1]
    seen = {i: set() for i in np.flatnonzero(masked)}
    a = membership.astype(int)
    caps = [min([cap] + [int(counts[j]) for j in np.flatnonzero(~masked & membership[:, b])]) for b in range(n_base)]
    for x in itertools.product(*[range(c + 1) for c in caps]):
        published = a @ np.array(x)
        if np.all(published[~masked] == counts[~masked]) and np.all(published[masked] >= 1):
            for i in seen:
                seen[i].add(int(published[i]))
    return seen


@pytest.mark.parametrize("table", [
    {("f", "x"): 7, ("f", "y"): 2, ("m", "x"): 9, ("m", "y"): 8},           # one small cell
    {("f", "x"): 3, ("f", "y"): 6, ("m", "x"): 6, ("m", "y"): 1},           # two small, diagonal
    {("f", "x"): 12, ("f", "y"): 2, ("f", "z"): 9, ("m", "x"): 1, ("m", "y"): 8, ("m", "z"): 7},
    {("f", "x"): 6, ("f", "y"): 6, ("m", "x"): 2},                          # structural zero
])
def test_masked_cells_cannot_be_recovered_by_subtraction(table):
    base = _base(table)
    keys, membership, counts = linked_cells(base, ["a", "b"], "n")
    masked = suppress(keys, membership, counts, min_cell=5)
    published = counts[~masked]
    assert not np.any((published > 0) & (published < 5)), "a small count was published"
    assert masked.any()
    if membership.shape[1] <= 4:
        values = _brute_force_values(membership, counts, masked, cap=int(counts.max()))
        for i, vals in values.items():
            assert counts[i] in vals
            assert len(vals) >= 2, f"masked cell {keys[i]} = {counts[i]} is recoverable from the margins"
    for i, (lo, hi) in _integer_range(membership, counts, masked).items():
        assert lo <= counts[i] <= hi and hi > lo, f"masked cell {keys[i]} = {counts[i]} is recoverable"
    intervals = disclosure_intervals(membership, counts, masked)
    assert np.all(intervals[:, 1] - intervals[:, 0] >= 1 - 1e-9)


def test_primary_suppression_alone_would_leak():
    """The reason complementary suppression exists: one small cell masked alone is total minus the rest."""
    base = _base({("f", "x"): 7, ("f", "y"): 2, ("m", "x"): 9, ("m", "y"): 8})
    keys, membership, counts = linked_cells(base, ["a", "b"], "n")
    primary = (counts > 0) & (counts < 5)
    values = _brute_force_values(membership, counts, primary, cap=int(counts.max()))
    assert any(len(v) == 1 for v in values.values())
    assert suppress(keys, membership, counts, min_cell=5).sum() > primary.sum()


def test_random_three_way_tables_never_leak():
    rng = np.random.default_rng(0)
    for trial in range(8):
        levels = [["a0", "a1"], ["b0", "b1", "b2"], ["c0", "c1"]]
        rows = [{"a": a, "b": b, "c": c, "n": int(rng.choice([0, 1, 2, 3, 6, 9, 14]))}
                for a, b, c in itertools.product(*levels)]
        base = pd.DataFrame(rows)
        base = base[base.n > 0]
        if base.empty:
            continue
        keys, membership, counts = linked_cells(base, ["a", "b", "c"], "n")
        masked = suppress(keys, membership, counts, min_cell=5)
        assert not np.any((counts[~masked] > 0) & (counts[~masked] < 5)), trial
        if masked.any():
            for i, (lo, hi) in _integer_range(membership, counts, masked).items():
                assert hi > lo, (trial, keys[i])
            iv = disclosure_intervals(membership, counts, masked)
            assert np.all(iv[:, 1] - iv[:, 0] >= 1 - 1e-9), trial
            assert np.all((iv[:, 0] <= counts[masked] + 1e-6) & (counts[masked] <= iv[:, 1] + 1e-6)), trial
