"""Prosody-gesture synchrony of a corpus: each clip's prosodic events measured, then timed against its gesture units.

The gesture units come from the caller (one table for the corpus, as the
per-gesture kinematics table gives: ``clip_id, speaker_id, unit, start_s,
end_s, peak_time_s``); each clip with units has its audio and words analysed
(:func:`alloava_analysis.features.prosody.clip_events`) by the executor, and
the lags, intervals and null are computed by
:func:`alloava_analysis.crossmodal.synchrony.synchrony`.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from ..corpus import Corpus, as_corpus
from ..crossmodal.synchrony import UNIT_COLUMNS, synchrony
from ..errors import ParameterError, SchemaError
from ..features.prosody import EVENT_KINDS, clip_events
from .settings import SynchronySettings

__all__ = ["synchrony_corpus"]


def _with_speakers(units: pd.DataFrame, corpus: Corpus, notes: list[str]) -> pd.DataFrame:
    """``units`` with a ``speaker_id`` (from the corpus labels when the table has none; else the clip)."""
    if not isinstance(units, pd.DataFrame):
        raise ParameterError(f"invalid value for units: expected a DataFrame of gesture units, got "
                             f"{type(units).__name__}", name="units")
    missing_cols = [c for c in UNIT_COLUMNS if c not in units and c != "speaker_id"]
    if missing_cols:
        raise SchemaError(f"expected a gesture-unit table with columns {list(UNIT_COLUMNS)}; missing {missing_cols}",
                          where="units")
    units = units.copy()
    units["clip_id"] = units["clip_id"].astype(str)
    if "speaker_id" not in units:
        units["speaker_id"] = units["clip_id"].map(corpus.speakers)
    speaker = units["speaker_id"].astype(object)
    missing = speaker.isna() | speaker.astype(str).str.strip().isin(["", "nan", "None"])
    if missing.any():
        notes.append(f"{int(units.loc[missing, 'clip_id'].nunique())} clip(s) without a speaker_id count as their "
                     "own speaker, so the pooled interval may be too narrow if a speaker has several clips")
    units["speaker_id"] = speaker.astype(str).where(~missing, "clip:" + units["clip_id"])
    return units


def synchrony_corpus(source: Any, units: pd.DataFrame, settings: SynchronySettings | None = None, *,
                     labels: str | Path | None = None, progress: bool = True, workers: int | None = 1,
                     scheduler: Any = None, **options: Any) -> dict:
    """Lags from gesture peaks to prosodic events for every clip with units, per clip and pooled over speakers.

    Parameters
    ----------
    source
        A :class:`~alloava_analysis.corpus.Corpus` or a corpus folder.
    units
        Gesture units of the corpus: ``clip_id, unit, start_s, end_s, peak_time_s`` and ``speaker_id``
        (taken from the corpus labels when absent; a clip without one is its own speaker, with a note).
    settings
        Every choice of the analysis (:class:`~alloava_analysis.runs.settings.SynchronySettings`).
    labels
        Labels CSV when ``source`` is a folder (default ``<folder>/labels.csv``).
    progress
        Show a progress bar on stderr.
    workers, scheduler
        Local processes (``None``: every core) or a Dask cluster address for the per-clip prosody; the result is
        the same whatever the executor.
    options
        Fields of :class:`SynchronySettings` replacing those of ``settings``.

    Returns
    -------
    dict
        ``pooled`` (one row per event kind, with ``n_no_event``: units with no event of the kind within
        ``±max_lag_s``), ``per_clip``, ``null``, ``max_lag_s``, ``convention``, ``interval``, ``n_outside_speech``,
        ``event_kinds`` (unit and meaning of each), ``n_clips``, ``settings``, ``failed``
        (``{clip_id, reason}``: clips whose audio could not be analysed), ``skipped`` (files that are not clips,
        and unit clips not in the corpus), ``notes``; and the tables ``units`` (one row per unit and kind),
        ``events`` and ``null_lags`` as DataFrames (convert with ``to_jsonable`` for JSON).
    """
    s = SynchronySettings.resolve(settings, **options)
    corpus = as_corpus(source, labels=labels)
    notes: list[str] = []
    units = _with_speakers(units, corpus, notes)
    wanted = list(dict.fromkeys(units["clip_id"]))
    known = set(corpus.clip_ids)
    skipped = list(corpus.skipped_files) + [{"clip_id": c, "reason": "gesture units given for a clip the corpus "
                                             "does not have"} for c in wanted if c not in known]
    chosen = corpus.select(lambda index: index["clip_id"].isin(wanted))
    done, failed = chosen.map(partial(clip_events, **s.prosody_options()), workers=workers, scheduler=scheduler,
                              progress=progress, desc="prosody")
    events = pd.concat([ev for _, (ev, _) in done], ignore_index=True) if done else \
        pd.DataFrame(columns=["clip_id", "kind", "time_s", "value", "unit"])
    spans = pd.concat([sp for _, (_, sp) in done], ignore_index=True) if done else \
        pd.DataFrame(columns=["clip_id", "start_s", "end_s"])
    analysed = units[units["clip_id"].isin({c for c, _ in done})]
    if analysed.empty:
        raise SchemaError("expected at least one clip with gesture units whose audio could be analysed, got none",
                          path=corpus.root)
    result = synchrony(analysed, events, spans, **s.synchrony_options())
    if result["n_outside_speech"]:
        notes.append(f"{result['n_outside_speech']} unit(s) peak outside their clip's speech (in a pause of "
                     f"{s.max_pause_s:g} s or more, or before the first or after the last word): not analysed")
    notes.extend(f"{row['kind']}: {row['note']}" for row in result["pooled"] if row.get("note"))
    notes.extend(f"{row['kind']}: {row['n_no_event']} of {row['n_units']} unit(s) have no event of this kind within "
                 f"±{s.max_lag_s:g} s of their peak: counted, not averaged" for row in result["pooled"]
                 if row.get("n_no_event") and row.get("n_with_event"))
    return {**result, "root": str(corpus.root), "n_clips": len(done), "events": events,
            "event_kinds": {k: {"unit": u, "description": d} for k, (u, d) in EVENT_KINDS.items() if k in s.kinds},
            "settings": s.to_dict(), "failed": failed, "skipped": skipped, "notes": notes}
