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
from ..errors import SchemaError
from ..io.jsonable import to_jsonable
from ..io.tables import read_csv_table
from ..stats.audit import METRICS, clip_metrics, disaggregate, prepare_table, provenance_counts, representation
from ..stats.subsets import balanced_subset
from ..validators.labels import DEFAULT_SCHEMA, INFERENCE_NOTE, UNKNOWN, LabelSchema, check_reference, validate_labels
from .settings import AuditSettings


def audit_table(corpus: Any, *, progress: bool = True, workers: int | None = 1, scheduler: Any = None,
                **options: Any) -> tuple[pd.DataFrame, list[dict]]:
    """One row per clip: the corpus index (labels included) joined with :func:`clip_metrics`.

    Clips are measured by ``workers`` local processes or on the Dask cluster at
    ``scheduler`` (:meth:`~alloava_analysis.corpus.Corpus.map`); the table is
    in clip order whatever the executor.

    Parameters
    ----------
    corpus
        The :class:`~alloava_analysis.corpus.Corpus` whose clips are measured.
    progress
        Show a progress bar on stderr.
    workers, scheduler
        Local processes (``None``: every core) or a Dask cluster address.
    options
        Options of :func:`~alloava_analysis.stats.audit.clip_metrics` (``low_confidence``, ``window_s``,
        ``gesture_threshold``; see :meth:`AuditSettings.clip_options`).

    Returns
    -------
    table : pandas.DataFrame
        One row per measured clip: the corpus index columns and the metrics (empty when no clip was measured).
    failed : list of dict
        ``{clip_id, reason}`` of the clips that could not be loaded or measured (left out of ``table``).
    """
    done, failed = corpus.map(partial(clip_metrics, **options), workers=workers, scheduler=scheduler,
                              progress=progress)
    rows = [row for _, row in done]
    metrics = pd.DataFrame(rows)
    if metrics.empty:
        return metrics, failed
    index = corpus.index.drop(columns=[c for c in metrics.columns if c in corpus.index and c != "clip_id"])
    return index.merge(metrics, on="clip_id", how="inner"), failed


def audit_corpus(source: Any, settings: AuditSettings | None = None, *, labels: str | Path | None = None,
                 reference: pd.DataFrame | str | Path | None = None, schema: LabelSchema = DEFAULT_SCHEMA,
                 table: pd.DataFrame | None = None, return_table: bool = False, progress: bool = True,
                 workers: int | None = 1, scheduler: Any = None,
                 **options: Any) -> dict | tuple[dict, pd.DataFrame]:
    """The ``alloava audit --json`` object for a corpus.

    Parameters
    ----------
    source
        A :class:`~alloava_analysis.corpus.Corpus` or a corpus folder.
    settings
        Every choice of the audit (:class:`~alloava_analysis.runs.settings.AuditSettings`; ``by`` is required,
        here or in ``options``).
    labels
        Labels CSV keyed by ``clip_id`` (default ``<corpus>/labels.csv``).
    reference
        Reference distribution: a CSV path or a table ``attribute, group, share``.
    schema
        Allowed label values per attribute.
    table
        A per-clip table from :func:`audit_table` (skips loading the clips again).
    return_table
        Also return the checked per-clip table (labels canonicalised, ``hours``), e.g. for
        :func:`balanced_manifest`.
    progress
        Show a progress bar on stderr.
    workers, scheduler
        Where the clips are measured (see :func:`audit_table`); the result is the same whatever the executor.
    options
        Fields of :class:`AuditSettings` replacing those of ``settings`` (``by="gender"``, ``n_boot=200``, ...).

    Returns
    -------
    dict
        ``representation`` (list of ``{group, clips, hours, share, ...}``), ``metrics`` (list of ``{group,
        metric, value, ci_low, ci_high, flagged, ...}``), ``family``, ``provenance`` (per attribute: clips per
        provenance), ``settings``, ``n_clips``, ``failed``, ``skipped``, ``notes``, ``label_policy``.
    (dict, DataFrame)
        With ``return_table=True``.
    """
    s = AuditSettings.resolve(settings, **options)
    by = list(s.by)
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
                                    **s.clip_options())
    if table.empty:
        raise SchemaError("expected at least one clip that could be measured, got none", path=corpus.root)
    prepared = prepare_table(table, by, schema, labels_path)
    rep = representation(prepared, by, reference=ref_table, min_cell=s.min_cell, min_share=s.min_share,
                         reference_ratio=s.reference_ratio)
    hidden = set(rep.loc[rep["suppressed"].astype(bool), "group"])
    met, family = disaggregate(prepared, by, metrics=None if s.metrics is None else list(s.metrics),
                               suppressed=hidden, n_boot=s.n_boot, n_perm=s.n_perm, alpha=s.alpha, seed=s.seed)
    provenance = {a: provenance_counts(prepared, a, s.min_cell) for a in by}
    recorded = {**s.to_dict(), "by": by, "share": "share of hours",
                "metrics": {m.name: {"unit": m.unit, "description": m.description}
                            for m in METRICS if m.name in set(met["metric"])}}
    result = to_jsonable({"root": str(corpus.root), "labels": str(labels_path), "n_clips": int(len(prepared)),
                          "representation": rep.to_dict("records"), "metrics": met.to_dict("records"),
                          "family": family, "provenance": provenance, "settings": recorded, "failed": failed,
                          "skipped": list(corpus.skipped_files), "notes": [],
                          "label_policy": INFERENCE_NOTE, "unknown_value": UNKNOWN,
                          "reference": None if ref_table is None else ref_table.to_dict("records")})
    return (result, prepared) if return_table else result


def balanced_manifest(result: dict, table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Clips balanced by hours over the audit's groups: equal shares, or the reference's for the same attributes.

    Cells the audit masked (fewer clips or speakers than ``min_cell``, or masked
    so that another cannot be derived) are left out: their clips are not listed
    and their hours and shares appear nowhere.

    Parameters
    ----------
    result
        An :func:`audit_corpus` result (its ``settings``, ``representation`` and ``reference``).
    table
        The checked per-clip table :func:`audit_corpus` returns with ``return_table=True``.

    Returns
    -------
    (DataFrame, dict)
        The subset (write it with :func:`alloava_analysis.stats.subsets.write_subset_manifest`) and
        ``{clips, hours, shares, targets, tolerance, masked_cells_left_out}`` for the result.
    """
    settings = result["settings"]
    by = list(settings["by"])
    key = "&".join(by)
    masked = {"&".join(map(str, r["values"])) for r in result["representation"]
              if r.get("suppressed") and list(r.get("attributes") or []) == by}
    shown = table[~table[by].astype(str).agg("&".join, axis=1).isin(masked)]
    targets = {r["group"]: r["share"] for r in result.get("reference") or []
               if r["attribute"] == key and r["group"] not in masked} or None
    if shown.empty or (targets is not None and not sum(targets.values())):
        raise SchemaError(f"expected at least one {key} cell with {settings['min_cell']} or more clips and speakers "
                          "to balance, got only masked cells (lower --min-cell or audit by fewer attributes)",
                          path=result["labels"])
    if targets is not None:
        targets = {g: v / sum(targets.values()) for g, v in targets.items()}
    subset = balanced_subset(shown, by, targets=targets, tolerance=settings["balance_tolerance"],
                             seed=settings["seed"])
    return subset, {"clips": int(len(subset)), "hours": subset.attrs["hours"], "shares": subset.attrs["shares"],
                    "targets": subset.attrs["targets"], "tolerance": settings["balance_tolerance"],
                    "masked_cells_left_out": len(masked)}
