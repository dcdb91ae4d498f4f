"""``alloava audit``: representation and disaggregated metrics of a corpus, from its labels CSV.

What is measured and how is described in :mod:`alloava_analysis.stats.audit`;
this driver measures every clip (:func:`audit_table`) and assembles the result.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from ..corpus import as_corpus
from ..errors import ParameterError, SchemaError
from ..io.jsonable import to_jsonable
from ..io.tables import read_csv_table
from ..stats.audit import (METRICS, clip_metrics, disaggregate, prepare_table, provenance_counts,
                           representation)
from ..validators.labels import DEFAULT_SCHEMA, INFERENCE_NOTE, UNKNOWN, LabelSchema, check_reference, validate_labels


def audit_table(corpus: Any, *, progress: bool = True, workers: int | None = 1, scheduler: Any = None,
                **options: Any) -> tuple[pd.DataFrame, list[dict]]:
    """One row per clip: the corpus index (labels included) joined with :func:`clip_metrics`.

    Clips are measured by ``workers`` local processes or on the Dask cluster at
    ``scheduler`` (:meth:`~alloava_analysis.corpus.Corpus.map`); the table is
    in clip order whatever the executor. Returns the table and the clips that
    failed (``{clip_id, reason}``; they are left out).
    """
    done, failed = corpus.map(partial(clip_metrics, **options), workers=workers, scheduler=scheduler,
                              progress=progress)
    rows = [row for _, row in done]
    metrics = pd.DataFrame(rows)
    if metrics.empty:
        return metrics, failed
    index = corpus.index.drop(columns=[c for c in metrics.columns if c in corpus.index and c != "clip_id"])
    return index.merge(metrics, on="clip_id", how="inner"), failed


def audit_corpus(source: Any, *, by: list[str] | tuple[str, ...] | str, labels: str | Path | None = None,
                 reference: pd.DataFrame | str | Path | None = None, schema: LabelSchema = DEFAULT_SCHEMA,
                 min_cell: int = 5, min_share: float = 0.05, reference_ratio: float = 0.8,
                 metrics: list[str] | None = None, n_boot: int = 2000, n_perm: int = 1999, alpha: float = 0.05,
                 seed: int = 0, progress: bool = True, table: pd.DataFrame | None = None,
                 return_table: bool = False, workers: int | None = 1, scheduler: Any = None,
                 **clip_options: Any) -> dict | tuple[dict, pd.DataFrame]:
    """The ``alloava audit --json`` object for a corpus.

    Parameters
    ----------
    source
        A :class:`~alloava_analysis.corpus.Corpus` or a corpus folder.
    by
        Attributes (list or ``"gender,age_group"``).
    labels
        Labels CSV keyed by ``clip_id`` (default ``<corpus>/labels.csv``).
    reference
        Reference distribution: a CSV path or a table ``attribute, group, share``.
    table
        A per-clip table from :func:`audit_table` (skips loading the clips again).
    min_cell, min_share, reference_ratio
        See :func:`representation`.
    metrics, n_boot, n_perm, alpha, seed
        See :func:`disaggregate`.
    return_table
        Also return the checked per-clip table (labels canonicalised, ``hours``), e.g. for subsets.
    workers, scheduler
        Where the clips are measured (see :func:`audit_table`); the result is the same whatever the executor.
    clip_options
        Passed to :func:`clip_metrics` (``low_confidence``, ``window_s``, ``gesture_threshold``).

    Returns
    -------
    dict
        ``representation`` (list of ``{group, clips, hours, share, ...}``), ``metrics`` (list of ``{group,
        metric, value, ci_low, ci_high, flagged, ...}``), ``family``, ``provenance`` (per attribute: clips per
        provenance), ``settings``, ``n_clips``, ``failed``, ``label_policy``.
    """
    by = [b.strip() for b in by.split(",")] if isinstance(by, str) else list(by)
    by = [b for b in by if b]
    if not by:
        raise ParameterError("expected at least one attribute in --by, got none", name="by")
    if len(set(by)) != len(by):
        raise ParameterError(f"expected distinct attributes in --by, got {by}", name="by")
    if min_cell < 1:
        raise ParameterError(f"expected --min-cell >= 1, got {min_cell}", name="min_cell")
    corpus = as_corpus(source, labels=labels)
    labels_path = labels or (corpus.root / "labels.csv")
    failed: list[dict] = []
    # labels and reference are checked before any clip is loaded: bad input fails fast
    validate_labels(corpus.index if table is None else table, by, schema=schema, path=labels_path)
    ref_table = None
    if reference is not None:
        ref_path = reference if isinstance(reference, (str, Path)) else None
        raw = read_csv_table(reference, what="reference distribution CSV") if ref_path else reference
        ref_table = check_reference(raw, by, schema=schema, path=ref_path)
    if table is None:
        table, failed = audit_table(corpus, progress=progress, workers=workers, scheduler=scheduler,
                                    **clip_options)
    if table.empty:
        raise SchemaError("expected at least one clip that could be measured, got none", path=corpus.root)
    prepared = prepare_table(table, by, schema, labels_path)
    rep = representation(prepared, by, reference=ref_table, min_cell=min_cell, min_share=min_share,
                         reference_ratio=reference_ratio)
    hidden = set(rep.loc[rep["suppressed"].astype(bool), "group"])
    met, family = disaggregate(prepared, by, metrics=metrics, suppressed=hidden, n_boot=n_boot, n_perm=n_perm,
                               alpha=alpha, seed=seed)
    provenance = {a: provenance_counts(prepared, a, min_cell) for a in by}
    settings = {"by": by, "min_cell": min_cell, "min_share": min_share, "reference_ratio": reference_ratio,
                "n_boot": n_boot, "n_perm": n_perm, "alpha": alpha, "seed": seed,
                "share": "share of hours", "metrics": {m.name: {"unit": m.unit, "description": m.description}
                                                       for m in METRICS if m.name in set(met["metric"])},
                **clip_options}
    result = to_jsonable({"root": str(corpus.root), "labels": str(labels_path), "n_clips": int(len(prepared)),
                          "representation": rep.to_dict("records"), "metrics": met.to_dict("records"),
                          "family": family, "provenance": provenance, "settings": settings, "failed": failed,
                          "label_policy": INFERENCE_NOTE, "unknown_value": UNKNOWN,
                          "reference": None if ref_table is None else ref_table.to_dict("records")})
    return (result, prepared) if return_table else result

