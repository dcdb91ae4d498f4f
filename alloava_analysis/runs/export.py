"""``alloava export``: every clip of a corpus in one interchange format.

Per clip, into ``OUT`` (default ``<corpus>/export/<format>/``):

========  ==========================================================================
netcdf    ``<clip_id>.<layout>.nc``: each pose (movement's format)
eaf       ``<clip_id>.eaf``: words, segments, pauses, gesture units; linked to the clip's video (else audio)
textgrid  ``<clip_id>.TextGrid``: the same tiers
pose      ``<clip_id>.pose``: MediaPipe layouts as pose-format holistic components (OpenPose 18 when alone;
          a layout on another clock goes to ``<clip_id>.<layout>.pose``)
parquet   ``<clip_id>.windows.parquet`` and ``<clip_id>.frames.parquet``: tidy feature tables with units
csv       the same tables as CSV, units in the column names
========  ==========================================================================

Poses come from the keypoint JSON, replaced or completed by the extraction side
files (``extraction/<clip_id>.<layout>.parquet``: face, hands, world coordinates)
when a clip has them. A clip that cannot be exported (no pose, no words, a bad
file) is listed in ``failed`` with the reason and the others go on.
"""
from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import xarray as xr

from .. import choices
from ..checks import check_option, check_positive
from ..corpus import as_corpus
from ..crossmodal.coupling import check_settings, clip_tables
from ..errors import MissingModalityError
from ..features import motion
from ..features.tiers import clip_tiers
from ..io.export import intervals, netcdf, pose_format, record, tables
from ..io.extraction import extraction_path, read_pose_dataset
from ..io.layout import check_output_path
from ..model import Clip
from .settings import ExportSettings

log = logging.getLogger(__name__)

FORMATS = choices.EXPORT_FORMATS
MEDIAPIPE = ("mediapipe_pose_33", "mediapipe_holistic", "mediapipe_face_478", "mediapipe_hands_42")


def clip_poses(root: str | Path, clip: Clip) -> dict[str, xr.Dataset]:
    """The clip's poses from its keypoint JSON, with the extraction side files' datasets in place of/beside them.

    Parameters
    ----------
    root
        The corpus folder (its ``extraction/`` side files are read).
    clip
        The loaded clip.

    Returns
    -------
    dict
        Layout name -> pose dataset; a side file replaces the JSON's dataset of the same layout.
    """
    poses = dict(clip.poses)
    folder = extraction_path(root, clip.clip_id).parent
    for path in sorted(folder.glob(f"{clip.clip_id}.*.parquet")) if folder.is_dir() else []:
        layout = path.name[len(clip.clip_id) + 1:-len(".parquet")]
        poses[layout] = read_pose_dataset(path)
    return poses


def feature_tables(clip: Clip, *, window_s: float = 5.0, hop_s: float | None = None,
                   group: str = "hands") -> dict[str, pd.DataFrame]:
    """``{"windows": ..., "frames": ...}``: the coupling analysis's per-window and per-frame tables of a clip.

    Per window: speech rate, syllable and articulation rate, movement intensity,
    coverage (see :func:`alloava_analysis.crossmodal.coupling.clip_tables`). Per
    frame (video clock): movement intensity and, with audio, speech energy;
    without audio, intensity and the number of valid keypoints.

    Parameters
    ----------
    clip
        The loaded clip (pose and words; audio adds speech energy).
    window_s, hop_s
        Analysis windows in seconds (``hop_s`` defaults to ``window_s``).
    group
        Body-part group whose movement is measured, one of :data:`alloava_analysis.schema.GROUPS`.

    Returns
    -------
    dict
        ``{"windows": DataFrame, "frames": DataFrame}``; the window table's ``attrs["units"]`` gives the
        intensity unit.
    """
    check_settings(window_s=window_s, hop_s=hop_s, group=group)
    windows, frames = clip_tables(clip, window_s=window_s, hop_s=hop_s, group=group)
    if frames is None:
        settings = motion.MotionSettings()
        cuts, _ = motion.shot_cuts(clip.pose, settings=settings, metadata=clip.metadata)
        frames = motion.movement_intensity(clip.pose, group=group, cuts=cuts, cut_guard_s=settings.cut_guard_s,
                                           **settings.intensity_options(group))
        frames.insert(0, "clip_id", clip.clip_id)
    windows.attrs["units"] = {"intensity": "shoulder widths/s"}
    return {"windows": windows, "frames": frames}


def _media(clip: Clip) -> str | None:
    files = clip.metadata.get("files", {})
    return files.get("video") or files.get("audio")


def export_clip(root: str | Path, clip: Clip, out: str | Path, *, to: str, window_s: float = 5.0,
                overwrite: bool = False) -> tuple[list[Path], list[dict]]:
    """Write one clip in format ``to`` (one of :data:`FORMATS`) under ``out``; files changed by hand are kept.

    A file already in ``out`` is replaced only when it is what an earlier
    export wrote (its sha256 is in ``out``'s record,
    :mod:`alloava_analysis.io.export.record`) or with ``overwrite``.

    Parameters
    ----------
    root
        The corpus folder (extraction side files for ``netcdf`` and ``pose``).
    clip
        The loaded clip.
    out
        Output folder.
    to
        Format, one of :data:`FORMATS`.
    window_s
        Analysis window of the feature tables (``parquet``, ``csv``), seconds.
    overwrite
        Replace files even when they changed since they were exported.

    Returns
    -------
    written : list of Path
        The files written (not yet in the record: see :func:`~alloava_analysis.io.export.record.update_record`).
    kept : list of dict
        ``{path, reason}`` of the files left as they were.
    """
    check_option("to", to, FORMATS)
    check_positive("window_s", window_s)
    check_option("overwrite", overwrite, (True, False))
    out = Path(out)
    recorded = {} if overwrite else record.read_record(out)
    written, kept = [], []
    for path, write in _planned_files(root, clip, out, to, window_s):
        reason = None if overwrite else record.changed_reason(path, recorded)
        if reason is None:
            written.append(write(path))
        else:
            kept.append({"path": str(path), "clip_id": clip.clip_id, "reason": reason})
    return written, kept


def _planned_files(root: str | Path, clip: Clip, out: Path, to: str,
                   window_s: float) -> list[tuple[Path, Callable[[Path], Path]]]:
    """``(target, writer)`` of every file the clip exports to, nothing written yet."""
    if to in ("netcdf", "pose"):
        poses = clip_poses(root, clip)
        if not poses:
            raise MissingModalityError(f"clip {clip.clip_id!r}: expected keypoints to export, got none")
        if to == "netcdf":
            return [(out / f"{clip.clip_id}.{layout}.nc", partial(netcdf.write_pose_netcdf, ds=ds))
                    for layout, ds in poses.items()]
        chosen = {k: v for k, v in poses.items() if k in MEDIAPIPE} or poses
        groups: list[dict[str, xr.Dataset]] = []  # layouts on one clock go into one file
        for layout, ds in chosen.items():
            for group in groups:
                ref = next(iter(group.values()))
                if ref["time"].equals(ds["time"]) and ref.sizes["space"] == ds.sizes["space"]:
                    group[layout] = ds
                    break
            else:
                groups.append({layout: ds})
        names = [f"{clip.clip_id}.pose"] + [f"{clip.clip_id}.{next(iter(g))}.pose" for g in groups[1:]]
        return [(out / name, partial(pose_format.write_pose_file, poses=group)) for name, group in zip(names, groups)]
    if to in ("eaf", "textgrid"):
        tiers = clip_tiers(clip)
        if to == "eaf":
            return [(out / f"{clip.clip_id}.eaf", partial(intervals.write_eaf, intervals=tiers, media=_media(clip),
                                                          clip_id=clip.clip_id))]
        return [(out / f"{clip.clip_id}.TextGrid", partial(intervals.write_textgrid, intervals=tiers,
                                                           duration=tiers.attrs["duration_s"]))]
    if to in ("parquet", "csv"):
        return [(out / f"{clip.clip_id}.{name}.{to}", partial(tables.write_table, df=df, fmt=to))
                for name, df in feature_tables(clip, window_s=window_s).items()]
    raise AssertionError(f"unhandled export format {to!r}")  # every format of FORMATS is handled above


def export_corpus(source: Any, settings: ExportSettings | None = None, *, out: str | Path | None = None,
                  progress: bool = True, **options: Any) -> dict[str, Any]:
    """Export every clip (or the chosen ones) of a corpus in one format.

    Parameters
    ----------
    source
        A corpus or its folder.
    settings
        Format, clips and feature window (:class:`~alloava_analysis.runs.settings.ExportSettings`).
    out
        Output folder (default ``<corpus>/export/<format>``).
    progress
        Show a progress bar on stderr.
    options
        Fields of :class:`ExportSettings` replacing those of ``settings`` (``to="eaf"``, ``clip_ids=[...]``).

    Returns
    -------
    dict
        ``{files, clips, out, format, failed: [{clip_id, reason}], skipped, settings, notes}``
        (``skipped``: files the layout scan could not use, and exported files changed since, kept unless
        ``overwrite``).
    """
    s = ExportSettings.resolve(settings, **options)
    corpus = as_corpus(source)
    unknown = sorted(set(s.clip_ids or []) - set(corpus.clip_ids))
    if s.clip_ids:  # unknown ids are reported as failed below, not passed on to select (which warns)
        corpus = corpus.select(clip_id=[c for c in s.clip_ids if c not in unknown])
    out = check_output_path(Path(out) if out is not None else corpus.root / "export" / s.to, corpus=corpus.root,
                            folder=True, name="out")
    failed = [{"clip_id": c, "reason": f"no clip {c!r} in {corpus.root}"} for c in unknown]
    done, not_exported = corpus.map(partial(_export_one, corpus.root, out, s.to, s.window_s, s.overwrite),
                                    progress=progress, desc="export", catch=(Exception,))
    files = [f for _, (written, _) in done for f in written]
    kept = [k for _, (_, clip_kept) in done for k in clip_kept]
    notes = []
    if files:
        try:
            record.update_record(out, files)
        except OSError as err:  # a full disk: the files stand, unrecorded, so a re-export keeps them
            notes.append(f"the export record could not be written ({err}): a later export keeps these "
                         f"{len(files)} file(s) as if changed by hand unless --overwrite is given")
            log.warning(notes[-1])
    failed += not_exported
    return {"files": [str(f) for f in files], "clips": len(done), "out": str(out), "format": s.to, "failed": failed,
            "skipped": list(corpus.skipped_files) + kept, "settings": s.to_dict(), "notes": notes}


def _export_one(root: str | Path, out: Path, to: str, window_s: float, overwrite: bool,
                clip: Clip) -> tuple[list[Path], list[dict]]:
    return export_clip(root, clip, out, to=to, window_s=window_s, overwrite=overwrite)
