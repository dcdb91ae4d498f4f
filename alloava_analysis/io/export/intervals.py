"""Interval tables (words, segments, pauses, gesture units) as ELAN ``.eaf`` and Praat TextGrid files.

Both formats hold one tier per ``tier`` value of an interval table
(:func:`alloava_analysis.model.make_intervals`), in the table's tier order,
including tiers without intervals. Times are written to the millisecond
(ELAN's unit). Reading a file, edited or not, gives the same interval table
back.

What the formats cannot hold, and what is done about it (with a warning):

* intervals shorter than 1 ms (a zero-length word): written 1 ms long;
* overlapping intervals in one tier: the earlier one ends where the next begins.

A TextGrid interval tier covers the whole clip, so the silence between words
is written as intervals with an empty label (Praat's convention); on reading,
empty-label intervals are those gaps and are left out. Pauses are a tier of
their own with labelled intervals, so silent stretches survive the round trip.
ELAN keeps empty labels; praatio strips spaces around TextGrid labels. A TextGrid point tier is read
as zero-length intervals.
"""
from __future__ import annotations

import mimetypes
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ...checks import check_nonnegative
from ...errors import SchemaError
from ...model import make_intervals
from ..atomic import atomic_path

AUTHOR = "alloava_analysis"


def _to_ms(intervals: pd.DataFrame, path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Per tier (in order): intervals in whole milliseconds, fixed up so that both formats can hold them."""
    table = make_intervals(intervals, path=path)
    tiers: dict[str, list[tuple[int, int, str]]] = {name: [] for name in table.attrs["tiers"]}
    widened = trimmed = 0
    for name, rows in table.groupby("tier", sort=False):
        out: list[list] = []
        for s, e, label in zip(np.rint(rows["start"] * 1000).astype(np.int64),
                               np.rint(rows["end"] * 1000).astype(np.int64), rows["label"]):
            s, e = int(s), int(e)
            if out and s < out[-1][1]:
                if s > out[-1][0]:
                    out[-1][1] = s
                else:
                    s = out[-1][1]
                trimmed += 1
            if e <= s:
                e = s + 1
                widened += 1
            out.append([s, e, str(label)])
        tiers[str(name)] = [tuple(r) for r in out]
    if widened:
        warnings.warn(f"{path}: {widened} interval(s) shorter than 1 ms written 1 ms long (ELAN and Praat hold no "
                      "zero-length intervals)", UserWarning, stacklevel=3)
    if trimmed:
        warnings.warn(f"{path}: {trimmed} overlapping interval(s) in one tier trimmed so that the earlier one ends "
                      "where the next begins (a tier holds no overlaps)", UserWarning, stacklevel=3)
    return tiers


def _table(rows: list[tuple[float, float, str, str]], tiers: list[str], path: Path) -> pd.DataFrame:
    return make_intervals(pd.DataFrame(rows, columns=["start", "end", "label", "tier"]), tiers=tiers, path=path)


# --------------------------------------------------------------------------------------------- ELAN
def write_eaf(path: str | Path, intervals: pd.DataFrame, *, media: str | Path | None = None,
              clip_id: str | None = None) -> Path:
    """Write an interval table as an ELAN ``.eaf`` file (one time-aligned tier per table tier).

    Parameters
    ----------
    path
        The ``.eaf`` file to write.
    intervals
        An interval table (:func:`~alloava_analysis.model.make_intervals`; checked again here).
    media
        The clip's video or audio; linked by absolute URL and by a path
        relative to the ``.eaf`` file, so ELAN opens it next to the annotations.
    clip_id
        Recorded as the document property ``alloava_clip_id``.

    Returns
    -------
    Path
        ``path``.
    """
    import pympi

    path = Path(path)
    tiers = _to_ms(intervals, path)
    eaf = pympi.Elan.Eaf(author=AUTHOR)
    eaf.remove_tier("default")
    for name, rows in tiers.items():
        eaf.add_tier(name)
        for s, e, label in rows:
            eaf.add_annotation(name, s, e, label)
    if media is not None:
        media = Path(media).resolve()
        rel = Path(os.path.relpath(media, path.resolve().parent)).as_posix()
        mime = mimetypes.guess_type(media.name)[0] or "application/octet-stream"
        eaf.add_linked_file(media.as_uri(), relpath=f"./{rel}", mimetype=mime)
    if clip_id is not None:
        eaf.add_property("alloava_clip_id", str(clip_id))
    with atomic_path(path) as tmp:
        tmp.unlink()  # pympi keeps an existing file as .bak; the temporary name must be free
        eaf.to_file(str(tmp))
    return path


def _slot_ms(eaf, slot: str, path: Path, where: str) -> int:
    """The time of an ELAN time slot in ms; undefined and unaligned slots are a SchemaError naming the place."""
    if slot not in eaf.timeslots:
        raise SchemaError(f"expected a TIME_SLOT defined in the TIME_ORDER, got undefined {slot!r}",
                          path=path, where=where)
    value = eaf.timeslots[slot]
    if not isinstance(value, int):
        raise SchemaError(f"expected a time-aligned TIME_SLOT (with a TIME_VALUE), got {slot!r} without one",
                          path=path, where=where)
    return value


def read_eaf(path: str | Path) -> pd.DataFrame:
    """Read every time-aligned tier of an ELAN file as an interval table.

    Parameters
    ----------
    path
        An ELAN ``.eaf`` file.

    Returns
    -------
    pandas.DataFrame
        An interval table (``start, end, label, tier``, seconds); ``attrs["tiers"]``
        in the file's order and ``attrs["media"]`` the linked media URLs (a
        relative URL in place of the absolute one where the file has both).
    """
    import pympi

    path = Path(path)
    try:
        eaf = pympi.Elan.Eaf(str(path))
    except Exception as err:  # pympi raises whatever its XML parser raises
        raise SchemaError(f"expected an ELAN .eaf file: {err}", path=path) from None
    rows = []
    for name in eaf.get_tier_names():
        aligned, referring = eaf.tiers[name][0], eaf.tiers[name][1]
        for ann_id, (slot1, slot2, value, *_) in aligned.items():
            start, end = (_slot_ms(eaf, slot, path, f"tier {name!r}, annotation {ann_id!r}") for slot in (slot1, slot2))
            rows.append((start / 1000.0, end / 1000.0, value or "", name))
        for ann_id, (parent, value, *_) in referring.items():
            slots = next((eaf.tiers[t][0][parent][:2] for t in eaf.tiers if parent in eaf.tiers[t][0]), None)
            if slots is None:
                raise SchemaError(f"expected ANNOTATION_REF to a time-aligned annotation, got {parent!r}",
                                  path=path, where=f"tier {name!r}, annotation {ann_id!r}")
            start, end = (_slot_ms(eaf, slot, path, f"tier {name!r}, annotation {ann_id!r}") for slot in slots)
            rows.append((start / 1000.0, end / 1000.0, value or "", name))
    table = _table(rows, list(eaf.get_tier_names()), path)
    table.attrs["media"] = [m.get("RELATIVE_MEDIA_URL") or m.get("MEDIA_URL") for m in eaf.media_descriptors]
    return table


# --------------------------------------------------------------------------------------------- Praat
def write_textgrid(path: str | Path, intervals: pd.DataFrame, *, duration: float | None = None) -> Path:
    """Write an interval table as a Praat TextGrid (long text format, one interval tier per table tier).

    The silence between intervals is written as empty-label intervals.

    Parameters
    ----------
    path
        The TextGrid file to write.
    intervals
        An interval table (:func:`~alloava_analysis.model.make_intervals`; checked again here).
    duration
        The TextGrid's end in seconds (default ``intervals.attrs["duration_s"]``);
        never before the last interval's end.

    Returns
    -------
    Path
        ``path``.
    """
    from praatio import textgrid
    from praatio.data_classes.interval_tier import IntervalTier

    check_nonnegative("duration", duration, allow_none=True)
    path = Path(path)
    tiers = _to_ms(intervals, path)
    last = max((rows[-1][1] for rows in tiers.values() if rows), default=0) / 1000.0
    xmax = max(float(duration if duration is not None else intervals.attrs.get("duration_s", 0.0)), last)
    if xmax <= 0:
        xmax = 0.001  # Praat needs a positive span, even for a file with nothing in it
    grid = textgrid.Textgrid(minTimestamp=0.0, maxTimestamp=xmax)
    for name, rows in tiers.items():
        entries = [(s / 1000.0, e / 1000.0, label) for s, e, label in rows]
        grid.addTier(IntervalTier(name, entries, 0.0, xmax))
    with atomic_path(path) as tmp:
        grid.save(str(tmp), format="long_textgrid", includeBlankSpaces=True)
    return path


def read_textgrid(path: str | Path) -> pd.DataFrame:
    """Read a Praat TextGrid (any of Praat's text formats) as an interval table.

    Empty-label intervals (the gaps Praat needs between annotations) are left
    out; point tiers give zero-length intervals.

    Parameters
    ----------
    path
        A Praat TextGrid in any of Praat's text formats.

    Returns
    -------
    pandas.DataFrame
        An interval table (``start, end, label, tier``, seconds); ``attrs["tiers"]``
        in the file's order and ``attrs["duration_s"]`` the TextGrid's end.
    """
    from praatio import textgrid

    path = Path(path)
    try:
        grid = textgrid.openTextgrid(str(path), includeEmptyIntervals=False)
    except Exception as err:  # praatio raises assorted errors for malformed files
        raise SchemaError(f"expected a Praat TextGrid: {err}", path=path) from None
    rows = []
    for name in grid.tierNames:
        tier = grid.getTier(name)
        for entry in tier.entries:
            if len(entry) == 2:  # a point: (time, label)
                rows.append((float(entry[0]), float(entry[0]), entry[1], name))
            elif entry[2] != "":
                rows.append((float(entry[0]), float(entry[1]), entry[2], name))
    table = _table(rows, list(grid.tierNames), path)
    table.attrs["duration_s"] = float(grid.maxTimestamp)
    return table
