"""Balanced and stratified subsets: clips sampled to target shares of hours, written as manifests.

:func:`subset_to_shares` picks clips (seeded) so that each group's share of the
subset's hours is within ``tolerance`` of its target, taking as many hours as the
scarcest group allows (or ``hours`` if given). :func:`balanced_subset` uses equal
(or reference) targets; :func:`stratified_subset` keeps the corpus's own shares
at a smaller size. :func:`subset_manifest` turns the selection into a manifest
that ``alloava fetch --manifest`` and ``alloava rebuild`` read (labels ride along
as pass-through columns; see ``data_manifest/README.md``).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..checks import check_int, check_nonnegative, check_option, check_options, check_positive
from ..errors import ParameterError, SchemaError

__all__ = ["balanced_subset", "stratified_subset", "subset_manifest", "subset_to_shares", "write_subset_manifest"]


def _group_keys(table: pd.DataFrame, by: list[str]) -> pd.Series:
    missing = [b for b in by if b not in table]
    if missing:
        raise SchemaError(f"expected label column(s) {missing} to sample by, got {list(table.columns)}")
    return table[by].astype(str).agg("&".join, axis=1)


def _pick(durations: np.ndarray, target: float, rng: np.random.Generator) -> np.ndarray:
    """Indices of clips (random order) whose durations sum close to ``target`` without much overshoot."""
    order = rng.permutation(durations.size)
    chosen, total = [], 0.0
    for i in order:
        if total + durations[i] <= target:
            chosen.append(i)
            total += durations[i]
    taken = set(chosen)
    rest = [i for i in order if i not in taken]
    if rest and total < target:  # one more clip if it brings the sum closer
        best = min(rest, key=lambda i: abs(total + durations[i] - target))
        if abs(total + durations[best] - target) < target - total:
            chosen.append(best)
    return np.array(sorted(chosen), dtype=int)


def subset_to_shares(table: pd.DataFrame, by: list[str] | str, targets: dict[str, float], *,
                     hours: float | None = None, tolerance: float = 0.02, seed: int = 0,
                     duration: str = "seconds", max_tries: int = 50) -> pd.DataFrame:
    """Clips whose hours split over the groups of ``by`` as ``targets`` say, within ``tolerance``.

    Parameters
    ----------
    table
        One row per clip with ``clip_id``, ``duration`` (seconds) and the ``by`` columns.
    by
        Attribute(s); with several, groups are their intersections, keyed ``"female&18-34"``.
    targets
        Share of hours per group (summing to 1); groups not listed are left out of the subset.
    hours
        Total hours wanted (> 0; default: as many as the scarcest group allows).
    tolerance
        Largest allowed |share - target| per group (>= 0).
    seed
        Seed of the random choice of clips (>= 0).
    duration
        The column of ``table`` with each clip's duration in seconds.
    max_tries
        Random draws tried until one is within ``tolerance`` (>= 1).

    Returns
    -------
    pandas.DataFrame
        The chosen rows of ``table`` (attrs ``shares``: achieved share per group, ``targets``, ``hours``).

    Raises
    ------
    SchemaError
        Targets that do not sum to 1 or name groups absent from the table (the error lists those present).
    ParameterError
        ``hours`` above what the groups hold, or no subset meets the tolerance (e.g. clips too long for the
        hours asked).
    """
    check_positive("hours", hours, allow_none=True)
    check_nonnegative("tolerance", tolerance)
    check_int("seed", seed, minimum=0)
    check_option("duration", duration, list(table.columns), extra="a column of the table")
    check_int("max_tries", max_tries, minimum=1)
    by = [b.strip() for b in by.split(",")] if isinstance(by, str) else list(by)
    keys = _group_keys(table, by)
    total_share = float(sum(targets.values()))
    if abs(total_share - 1) > 1e-3:
        raise SchemaError(f"expected target shares summing to 1, got {total_share:.6g}")
    present = sorted(set(keys))
    absent = [g for g, s in targets.items() if s > 0 and g not in present]
    if absent:
        raise SchemaError(f"expected target groups among {present}, got {absent} (no clips there)")
    dur = table[duration].to_numpy(dtype=float)
    if not np.isfinite(dur).all() or (dur <= 0).any():
        raise SchemaError(f"expected a positive {duration!r} for every clip", where=f"column {duration!r}")
    avail = {g: float(dur[(keys == g).to_numpy()].sum()) / 3600 for g in targets}
    ceiling = min(avail[g] / s for g, s in targets.items() if s > 0)
    goal = ceiling if hours is None else float(hours)
    if goal > ceiling * (1 + 1e-9):
        raise ParameterError(f"invalid value for hours: expected <= {ceiling:.4g} (the most the scarcest group "
                             f"allows at these shares), got {hours}", name="hours")
    rng = np.random.default_rng(seed)
    best, best_err = None, np.inf
    for attempt in range(max_tries):
        scale = goal * (1 - 0.02 * attempt / max(max_tries - 1, 1) * 10) if hours is None else goal
        picks = []
        for g, s in targets.items():
            if s <= 0:
                continue
            idx = np.flatnonzero((keys == g).to_numpy())
            picks.append(idx[_pick(dur[idx], s * scale * 3600, rng)])
        chosen = np.sort(np.concatenate(picks)) if picks else np.array([], int)
        got = pd.Series(dur[chosen]).groupby(keys.to_numpy()[chosen]).sum()
        shares = (got / got.sum()).reindex(list(targets), fill_value=0.0)
        err = float(np.max(np.abs(shares.to_numpy() - np.array(list(targets.values())))))
        if err < best_err:
            best, best_err = (chosen, shares), err
        if err <= tolerance:
            break
    if best is None or best_err > tolerance:
        raise ParameterError(f"invalid value for tolerance: expected a subset within {tolerance} of the target "
                             f"shares, got at best {best_err:.3g} off (clips too long for the groups' hours; raise "
                             f"the tolerance or lower hours)", name="tolerance")
    chosen, shares = best
    out = table.iloc[chosen].copy()
    out.attrs.update(shares={k: float(v) for k, v in shares.items()}, targets=dict(targets),
                     hours=float(dur[chosen].sum() / 3600), by=by, seed=seed, tolerance=tolerance)
    return out


def balanced_subset(table: pd.DataFrame, by: list[str] | str, *, targets: dict[str, float] | None = None,
                    **options) -> pd.DataFrame:
    """A subset with equal shares of hours per group (or ``targets``); see :func:`subset_to_shares`.

    Parameters
    ----------
    table, by
        As for :func:`subset_to_shares`.
    targets
        Share of hours per group; default: equal shares for every group present.
    options
        Further options of :func:`subset_to_shares` (``hours``, ``tolerance``, ``seed``, ...).

    Returns
    -------
    pandas.DataFrame
        The chosen rows of ``table`` (see :func:`subset_to_shares`).
    """
    by_list = [b.strip() for b in by.split(",")] if isinstance(by, str) else list(by)
    if targets is None:
        groups = sorted(set(_group_keys(table, by_list)))
        targets = {g: 1 / len(groups) for g in groups}
    return subset_to_shares(table, by_list, targets, **options)


def stratified_subset(table: pd.DataFrame, by: list[str] | str, *, hours: float, **options) -> pd.DataFrame:
    """``hours`` of clips with the corpus's own shares of hours per group; see :func:`subset_to_shares`.

    Parameters
    ----------
    table, by
        As for :func:`subset_to_shares`.
    hours
        Total hours wanted (> 0).
    options
        Further options of :func:`subset_to_shares` (``tolerance``, ``seed``, ``duration``, ...).

    Returns
    -------
    pandas.DataFrame
        The chosen rows of ``table`` (see :func:`subset_to_shares`).
    """
    check_positive("hours", hours)
    by_list = [b.strip() for b in by.split(",")] if isinstance(by, str) else list(by)
    keys = _group_keys(table, by_list)
    duration = check_option("duration", options.get("duration", "seconds"), list(table.columns),
                            extra="a column of the table")
    dur = table[duration].astype(float)
    shares = dur.groupby(keys.to_numpy()).sum()
    return subset_to_shares(table, by_list, (shares / shares.sum()).to_dict(), hours=hours, **options)


def subset_manifest(subset: pd.DataFrame, *, labels: list[str] | None = None) -> pd.DataFrame:
    """A validated manifest table (``io.manifest``) of the subset, with its label columns passed through.

    Parameters
    ----------
    subset
        Rows with ``clip_id`` (e.g. from :func:`subset_to_shares`).
    labels
        Columns to pass through; default: ``speaker_id`` and the subset's ``by`` attributes.

    Returns
    -------
    pandas.DataFrame
        One row per clip: ``clip_id`` and the label columns, as strings.
    """
    from ..io.manifest import make_manifest

    if labels is not None:
        labels = check_options("labels", [labels] if isinstance(labels, str) else labels, list(subset.columns))
    keep = labels if labels is not None else [c for c in subset.columns if c == "speaker_id" or
                                              c in subset.attrs.get("by", [])]
    rows = [{"clip_id": r["clip_id"], **{c: "" if pd.isna(r[c]) else str(r[c]) for c in keep}}
            for r in subset.to_dict("records")]
    return make_manifest(rows=rows)


def write_subset_manifest(path: str | Path, subset: pd.DataFrame, *, labels: list[str] | None = None) -> Path:
    """Write :func:`subset_manifest` atomically (sorted by clip_id; ``alloava rebuild`` / ``fetch`` read it).

    Parameters
    ----------
    path
        The manifest file to write (CSV).
    subset, labels
        As for :func:`subset_manifest`.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from ..io.manifest import write_manifest

    return write_manifest(path, subset_manifest(subset, labels=labels))
