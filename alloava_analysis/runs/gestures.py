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
listed in ``failed`` and the others go on.
"""
from __future__ import annotations

import dataclasses
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from ..checks import check_option
from ..corpus import as_corpus
from ..errors import ParameterError
from ..features.gestures import TABLE_UNITS, GestureSettings, clip_gesture_table
from ..features.tiers import clip_tiers
from ..io.export import intervals, tables
from ..io.layout import check_output_path
from ..model import Clip

#: Tier file formats ``tiers`` may name.
TIER_FORMATS = ("eaf", "textgrid")
#: Name of the table in the output folder.
TABLE_NAME = "gestures.csv"


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


def gestures_corpus(source: Any, settings: GestureSettings | None = None, *, out: str | Path | None = None,
                    tiers: str | None = None, progress: bool = True, workers: int | None = 1,
                    scheduler: Any = None, **options: Any) -> dict[str, Any]:
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
        reason}], skipped, settings, notes}``.
    """
    check_option("tiers", tiers, (None, *TIER_FORMATS))
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
    if "speaker_id" in corpus.index:                       # from the labels CSV where the clip does not say
        known = corpus.index.set_index("clip_id")["speaker_id"].dropna().astype(str)
        table["speaker_id"] = table["speaker_id"].fillna(table["clip_id"].map(known))
    table.attrs["units"] = dict(TABLE_UNITS)
    path = tables.write_table(out / TABLE_NAME, table, fmt="csv")
    files = [str(path)] + [f for _, (_, written) in done for f in written]
    notes = [] if rows else ["no gesture unit was found in any clip"]
    return {"clips": len(done), "gestures": len(rows), "out": str(out), "table": str(path), "files": files,
            "units": dict(TABLE_UNITS), "per_clip": [{"clip_id": c, "gestures": len(r)} for c, (r, _) in done],
            "failed": failed, "skipped": list(corpus.skipped_files), "settings": s.to_dict(), "notes": notes}
