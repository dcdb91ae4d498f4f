"""``alloava gestures``: the per-gesture table of a corpus (one row per gesture unit), optionally as tiers.

Per clip, :func:`alloava_analysis.features.gestures.clip_gesture_table` (timing,
hands, speed, amplitude, submovements, holds, McNeill gesture space; the
speaker from the clip, else from the labels CSV), run by the
executor (local processes or a Dask cluster); the rows of every clip go into
one CSV, ``OUT/gestures.csv`` (units in the column names, as every toolkit CSV;
:func:`alloava_analysis.io.export.tables.read_table` reads them back into
``attrs["units"]``). With ``tiers="eaf"`` or ``"textgrid"`` each clip's words,
pauses, gesture units, submovements, holds and gesture space are also written
as ``OUT/<clip_id>.eaf`` / ``.TextGrid``. A clip that cannot be measured is
listed in ``failed`` and the others go on. With ``synchrony`` set
(:class:`~alloava_analysis.runs.settings.SynchronySettings`), the units are then
timed against each clip's prosody (:func:`alloava_analysis.runs.synchrony.synchrony_corpus`):
the lag of every unit to its nearest F0 peak, envelope peak, word onset and
loudest syllable goes to ``OUT/synchrony.csv`` and the pooled lags, their
speaker-clustered intervals and the null into the result's ``synchrony``.
"""
from __future__ import annotations

import dataclasses
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from ..checks import check_option
from ..corpus import as_corpus
from ..errors import ParameterError, SchemaError
from ..features.gestures import TABLE_UNITS, GestureSettings, clip_gesture_table
from ..features.tiers import clip_tiers
from ..io.export import intervals, tables
from ..io.layout import check_output_path
from ..model import Clip
from .settings import SynchronySettings

#: Tier file formats ``tiers`` may name.
TIER_FORMATS = ("eaf", "textgrid")
#: Name of the table in the output folder.
TABLE_NAME = "gestures.csv"
#: Name of the per-unit lag table written when synchrony is measured.
SYNCHRONY_NAME = "synchrony.csv"
#: Keys of the synchrony result kept in the gestures result (the tables go to the CSV).
SYNCHRONY_KEYS = ("pooled", "per_clip", "null", "max_lag_s", "convention", "interval", "n_outside_speech",
                  "event_kinds", "settings", "failed", "notes")


def _measure_one(settings: GestureSettings, out: Path, tiers: str | None, clip: Clip) -> tuple[list[dict], list[str]]:
    table = clip_gesture_table(clip, settings=settings)
    written = []
    if tiers is not None:
        table_tiers = clip_tiers(clip, group=settings.group, high=settings.high,
                                 min_duration_s=settings.min_duration_s, settings=settings.motion, kinematics=settings)
        if tiers == "eaf":
            files = clip.metadata.get("files", {})
            path = intervals.write_eaf(out / f"{clip.clip_id}.eaf", table_tiers, clip_id=clip.clip_id,
                                       media=files.get("video") or files.get("audio"))
        else:
            path = intervals.write_textgrid(out / f"{clip.clip_id}.TextGrid", table_tiers,
                                            duration=table_tiers.attrs["duration_s"])
        written.append(str(path))
    return table.to_dict("records"), written


def _synchrony(corpus: Any, table: pd.DataFrame, settings: SynchronySettings, out: Path, **run: Any) -> dict:
    """The synchrony of ``table``'s units, its per-unit lags written beside the table; a note when none can be."""
    from ..io.jsonable import to_jsonable
    from .synchrony import synchrony_corpus

    if table.empty:
        return {"notes": ["no gesture unit, so no synchrony"]}
    try:
        result = synchrony_corpus(corpus, table, settings, **run)
    except SchemaError as error:                            # no clip with units has analysable audio
        return {"notes": [f"no synchrony: {error}"]}
    path = tables.write_table(out / SYNCHRONY_NAME, result["units"], fmt="csv")
    return {**to_jsonable({k: result[k] for k in SYNCHRONY_KEYS}), "table": str(path)}


def gestures_corpus(source: Any, settings: GestureSettings | None = None, *, out: str | Path | None = None,
                    tiers: str | None = None, synchrony: SynchronySettings | None = None, progress: bool = True,
                    workers: int | None = 1, scheduler: Any = None, **options: Any) -> dict[str, Any]:
    """Measure every gesture unit of a corpus and write the table (and, on request, tier files).

    Parameters
    ----------
    source
        A corpus or its folder.
    settings
        Every threshold (:class:`~alloava_analysis.features.gestures.GestureSettings`).
    out
        Output folder (default ``<corpus>/gestures``); checked before any clip is measured.
    tiers
        Also write each clip's tiers: ``"eaf"`` or ``"textgrid"``; None: no tier files.
    synchrony
        Also time the units against each clip's prosody with these settings and write ``OUT/synchrony.csv``;
        None: no synchrony.
    progress
        Show a progress bar on stderr.
    workers, scheduler
        Local processes (``None``: every core) or a Dask cluster address.
    options
        Fields of :class:`GestureSettings` replacing those of ``settings`` (``hold_speed=0.3``, ...).

    Returns
    -------
    dict
        ``{clips, gestures, out, table, files, units, per_clip: [{clip_id, gestures}], failed: [{clip_id,
        reason}], skipped, settings, notes}``, and ``synchrony`` (``{pooled, per_clip, null, max_lag_s, convention,
        interval, n_outside_speech, event_kinds, settings, failed, notes, table}``, or ``{notes}`` when no clip
        could be analysed) when it was asked for.
    """
    check_option("tiers", tiers, (None, *TIER_FORMATS))
    if synchrony is not None and not isinstance(synchrony, SynchronySettings):
        raise ParameterError(f"expected synchrony to be a SynchronySettings or None, got {type(synchrony).__name__}",
                             name="synchrony")
    s = settings or GestureSettings()
    if not isinstance(s, GestureSettings):
        raise ParameterError(f"expected settings to be a GestureSettings, got {type(s).__name__}", name="settings")
    names = tuple(f.name for f in dataclasses.fields(GestureSettings))
    unknown = sorted(set(options) - set(names))
    if unknown:
        raise ParameterError(f"expected options of GestureSettings among {names}, got {unknown}", name=unknown[0],
                             allowed=names)
    s = dataclasses.replace(s, **options) if options else s
    corpus = as_corpus(source)
    out = check_output_path(Path(out) if out is not None else corpus.root / "gestures", corpus=corpus.root,
                            folder=True, name="out")
    out.mkdir(parents=True, exist_ok=True)
    done, failed = corpus.map(partial(_measure_one, s, out, tiers), workers=workers, scheduler=scheduler,
                              progress=progress, desc="gestures")
    rows = [r for _, (records, _) in done for r in records]
    from ..features.gestures import COLUMNS

    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table["speaker_id"] = table["speaker_id"].fillna(table["clip_id"].map(corpus.speakers))  # else the labels CSV
    table.attrs["units"] = dict(TABLE_UNITS)
    path = tables.write_table(out / TABLE_NAME, table, fmt="csv")
    files = [str(path)] + [f for _, (_, written) in done for f in written]
    notes = [] if rows else ["no gesture unit was found in any clip"]
    result = {"clips": len(done), "gestures": len(rows), "out": str(out), "table": str(path), "files": files,
              "units": dict(TABLE_UNITS), "per_clip": [{"clip_id": c, "gestures": len(r)} for c, (r, _) in done],
              "failed": failed, "skipped": list(corpus.skipped_files), "settings": s.to_dict(), "notes": notes}
    if synchrony is not None:
        result["synchrony"] = _synchrony(corpus, table, synchrony, out, progress=progress, workers=workers,
                                         scheduler=scheduler)
        if "table" in result["synchrony"]:
            files.append(result["synchrony"]["table"])
    return result
