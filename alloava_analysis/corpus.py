"""A corpus: a folder in the Allo-AVA layout plus an index DataFrame, one row per clip.

Clips load lazily, one at a time, from the columnar store when it is up to date
and from the JSON otherwise, so corpus-wide scans use memory for one clip only.
"""
from __future__ import annotations

import logging
import os
import traceback
import warnings
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .errors import AlloAvaError, InputPathError, ParameterError
from .io import store as st
from .io.allo_ava import load_clip
from .io.audio import AudioFormatError, open_audio
from .io.extraction import extraction_path, read_report
from .io.labels import INDEX_COLUMNS, KEY_COLUMNS, LABELS_FILE, SOURCE_MODALITIES, read_labels  # noqa: F401 - re-exported
from .io.layout import MODALITY_DIRS, check_corpus_root, scan_layout
from .io.registry import file_sha256
from .model import Clip

log = logging.getLogger(__name__)
ANALYSIS_ERRORS = (AlloAvaError, ValueError, KeyError, OSError)  # a clip's fault: that clip fails, the others go on


def _source_stamp(path: str | None) -> str:
    if not path:
        return ""
    stat = Path(path).stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


class Corpus:
    """A corpus folder with an index of its clips.

    Parameters
    ----------
    root
        Folder with ``video/ audio/ transcript/ keypoints/ keypoints_video/``.
    labels
        CSV of demographic labels keyed by ``clip_id``; defaults to
        ``<root>/labels.csv`` when it exists.
    store
        Columnar store folder; defaults to ``<root>/store``.
    """

    def __init__(self, root: str | Path, *, labels: str | Path | None = None, store: str | Path | None = None,
                 _index: pd.DataFrame | None = None, _skipped: list | None = None):
        self.root = check_corpus_root(root)
        self.store = Path(store) if store else st.default_store(self.root)
        if _index is not None:
            self.index, self.skipped_files = _index, list(_skipped or [])
            return
        files, self.skipped_files = scan_layout(self.root)
        files["audio_s"] = [self._audio_seconds(p) for p in files["audio"]]
        labels_path = Path(labels) if labels else self.root / LABELS_FILE
        if labels_path.exists():
            lab = read_labels(labels_path)
            unknown = sorted(set(lab.clip_id) - set(files.clip_id))
            if unknown:
                warnings.warn(f"{labels_path}: {len(unknown)} labelled clip(s) are not in the corpus, e.g. "
                              f"{unknown[0]!r}", stacklevel=2)
            files = files.merge(lab.drop(columns=[c for c in KEY_COLUMNS[1:] if c in lab]), on="clip_id",
                                how="left", validate="one_to_one")
        elif labels:
            raise InputPathError(f"{labels_path}: no such file; expected a labels CSV keyed by clip_id",
                                 name="labels")
        self.index = self.with_store_index(files)

    def with_store_index(self, index: pd.DataFrame) -> pd.DataFrame:
        """``index`` with the store's per-clip facts (frames, durations, checksums) merged in.

        Parameters
        ----------
        index
            A corpus index, one row per clip keyed by ``clip_id``; its columns
            that the store's index also has are replaced by the store's.

        Returns
        -------
        DataFrame
            ``index`` (renumbered from 0) as it is when there is no store index, else
            left-joined on ``clip_id`` with the store's index.
        """
        stored = st.read_index(self.store)
        if stored is None:
            return index.reset_index(drop=True)
        index = index.drop(columns=[c for c in stored.columns if c != "clip_id" and c in index])
        return index.merge(stored, on="clip_id", how="left").reset_index(drop=True)

    def _audio_seconds(self, path: str | None) -> float:
        if not path:
            return float("nan")
        try:
            return open_audio(path).duration
        except AudioFormatError as err:
            self.skipped_files.append({"path": path, "reason": err.reason})
            return float("nan")

    # selection -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.index)

    def __repr__(self) -> str:
        return f"Corpus({str(self.root)!r}, clips={len(self)})"

    @property
    def clip_ids(self) -> list[str]:
        """The clips' ids, in index order."""
        return list(self.index["clip_id"])

    @property
    def speakers(self) -> dict[str, str]:
        """Clip id -> speaker id, for the clips the labels name a speaker of (from the ``speaker_id`` column).

        Returns
        -------
        dict
            ``{clip_id: speaker_id}``; empty when the labels have no ``speaker_id`` column.
        """
        if "speaker_id" not in self.index:
            return {}
        known = self.index.set_index("clip_id")["speaker_id"].dropna()
        return known.astype(str).to_dict()

    def select(self, predicate: Callable[[pd.DataFrame], Any] | None = None, /, **filters: Any) -> "Corpus":
        """A corpus restricted to matching clips.

        ``filters`` map index columns to a value or a list of accepted values,
        e.g. ``corpus.select(category="TED", gender=["female"])``; ``predicate``
        takes the index and returns a boolean mask. A value that no clip has
        (a typo such as ``category="TDE"``) is warned about, listing the values present.

        Parameters
        ----------
        predicate
            Called with the index; returns a boolean mask of the clips to keep
            (None: keep every clip the filters keep).
        filters
            Index column -> value or list of accepted values; every filter must match.
            An unknown column is a :class:`~alloava_analysis.errors.ParameterError`.

        Returns
        -------
        Corpus
            The same folder and store, with the matching rows of the index only.
        """
        mask = pd.Series(True, index=self.index.index)
        for column, wanted in filters.items():
            if column not in self.index:
                raise ParameterError(f"invalid filter select({column}=...): expected one of "
                                     f"{list(self.index.columns)} (the index columns), got {column!r}",
                                     name=column, allowed=tuple(self.index.columns))
            values = list(wanted) if isinstance(wanted, (list, tuple, set, frozenset)) else [wanted]
            present = self.index[column]
            absent = [v for v in values if not present.isin([v]).any()]
            if absent:
                listing = ", ".join(repr(v) for v in sorted(present.dropna().unique(), key=str))
                warnings.warn(f"select({column}=...): no clip has {column} "
                              f"{' or '.join(repr(v) for v in absent)}; values present: {listing or 'none'}",
                              stacklevel=2)
            mask &= present.isin(values)
        if predicate is not None:
            mask &= np.asarray(predicate(self.index), dtype=bool)
        return Corpus(self.root, store=self.store, _index=self.index[mask].reset_index(drop=True),
                      _skipped=self.skipped_files)

    # loading ---------------------------------------------------------------------------------
    def _row(self, clip_id: str) -> dict:
        rows = self.index[self.index["clip_id"] == clip_id]
        if rows.empty:
            example = f" such as {self.clip_ids[0]!r}" if len(self) else ""
            raise ParameterError(f"invalid value for clip_id: expected the id of a clip in {self!r}{example} "
                                 f"(see .clip_ids), got {clip_id!r}", name="clip_id")
        return rows.iloc[0].to_dict()

    def is_fresh_in_store(self, row: dict) -> bool:
        """Whether the store's copy of a clip was made from its current keypoint and transcript files.

        Parameters
        ----------
        row
            The clip's index row (``keypoints``, ``transcript`` and the store's
            ``keypoints_stamp``, ``transcript_stamp``: size and modification time).

        Returns
        -------
        bool
            True when both stamps match the source files (a clip without a stored copy is not fresh).
        """
        stamp = row.get("keypoints_stamp")
        return isinstance(stamp, str) and stamp == _source_stamp(row.get("keypoints")) and \
            row.get("transcript_stamp", "") == _source_stamp(row.get("transcript"))

    def in_store(self) -> pd.Series:
        """Per index row: True where the store holds an up-to-date copy of the clip.

        Returns
        -------
        Series
            Booleans on the index's row labels (see :meth:`is_fresh_in_store`).
        """
        return pd.Series([self.is_fresh_in_store(row) for row in self.index.to_dict("records")],
                         index=self.index.index, dtype=bool)

    def _with_shot_cuts(self, clip: Clip) -> Clip:
        """Attach the camera cuts that extraction found in the video (``metadata["shot_cuts"]``), if any."""
        path = extraction_path(self.root, clip.clip_id)
        if path.is_file():
            cuts = read_report(self.root, clip.clip_id).get("shot_cuts")
            if isinstance(cuts, dict):
                clip.metadata["shot_cuts"] = cuts
        return clip

    def load(self, clip_id: str, *, expected_rate: int | None = None) -> Clip:
        """Load one clip (from the store when it is up to date, else from the JSON).

        Camera cuts recorded by extraction (``extraction/<clip_id>.json``) are
        attached as ``clip.metadata["shot_cuts"]``.

        Parameters
        ----------
        clip_id
            One of :attr:`clip_ids`; another is a :class:`~alloava_analysis.errors.ParameterError`.
        expected_rate
            Audio sample rate (Hz) to insist on; a clip whose audio has another
            rate fails with :class:`~alloava_analysis.errors.AudioFormatError`.
            None accepts any rate.

        Returns
        -------
        Clip
            Poses of every stored layout, words, segments, lazy audio and metadata
            (``files``, ``loaded_from`` = ``"store"`` when read from the store).
        """
        row = self._row(clip_id)
        if not self.is_fresh_in_store(row):
            return self._with_shot_cuts(load_clip(self.root, clip_id, files=row, expected_rate=expected_rate))
        clip = load_clip(self.root, clip_id, files={**row, "keypoints": None, "transcript": None},
                         expected_rate=expected_rate)
        layouts = row.get("layouts")  # the index names the layouts of the last conversion; older ones may linger
        names = [n for n in layouts.split(",") if n] if isinstance(layouts, str) else \
            st.stored_layouts(self.store, clip_id)
        clip.poses = {name: st.read_pose(self.store, clip_id, name) for name in names}
        clip.frame_text = st.read_frame_text(self.store, clip_id)
        if row.get("transcript"):
            clip.words = st.read_words(self.store, clip_id)
            stored = st.read_segments(self.store, clip_id)
            if stored is not None:
                clip.segments, clip.metadata["transcript_meta"] = stored
        clip.metadata["files"] = {m: row.get(m) for m in MODALITY_DIRS}  # the sources, not the store
        clip.metadata["schema_variant"] = row.get("schema_variant", "")
        clip.metadata["loaded_from"] = "store"
        return self._with_shot_cuts(clip)

    def clips(self, *, progress: bool = True, expected_rate: int | None = None) -> "ClipIterator":
        """Clips one at a time (see :class:`ClipIterator`).

        Clips that fail to load are left out and listed, as ``{clip_id,
        reason}``, in the iterator's ``failed`` list; report them with the
        results: ``it = corpus.clips(); results = [f(c) for c in it]; it.failed``.

        Parameters
        ----------
        progress
            Show a progress bar on stderr.
        expected_rate
            Audio sample rate (Hz) every clip must have (see :meth:`load`); None accepts any.

        Returns
        -------
        ClipIterator
            The clips in index order, loaded one at a time as the iteration asks for them.
        """
        return ClipIterator(self, progress=progress, expected_rate=expected_rate)

    def __iter__(self) -> "ClipIterator":
        return self.clips()

    def map(self, fn: Callable[[Clip], Any], *, workers: int | None = 1, scheduler: Any = None,
            progress: bool = True, desc: str = "clips", catch: tuple[type[BaseException], ...] = ANALYSIS_ERRORS,
            expected_rate: int | None = None) -> tuple[list[tuple[str, Any]], list[dict[str, str]]]:
        """``fn(clip)`` for every clip, in this process, in ``workers`` local processes or on a Dask cluster.

        ``fn`` may be any function, one defined in a notebook included (it
        travels by value); see :func:`alloava_analysis.parallel.run_each` for
        ``workers`` and ``scheduler``.

        Parameters
        ----------
        fn
            Called once per clip with the loaded :class:`~alloava_analysis.model.Clip`.
        workers
            1 runs in this process; more, in that many spawned processes (None: every core).
        scheduler
            A Dask scheduler address or ``distributed.Client`` (None: local).
        progress
            Show a progress bar on stderr.
        desc
            Label of the progress bar; also names the Dask task keys (``alloava-<desc>-...``).
        catch
            A tuple of exception types of ``fn`` that fail the clip only (listed in ``failed``);
            by default the toolkit's errors, ``ValueError``, ``KeyError`` and ``OSError``.
        expected_rate
            Audio sample rate (Hz) every clip must have (see :meth:`load`); None accepts any.

        Returns
        -------
        results
            ``(clip_id, fn(clip))`` in clip order, whatever the executor.
        failed
            ``{clip_id, reason}``: the clips that could not be loaded, then those
            for which ``fn`` raised one of ``catch`` (in clip order). Other
            exceptions propagate, as they would from a loop over :meth:`clips`.
        """
        from functools import partial

        from .parallel import map_ordered

        if not (isinstance(catch, tuple) and all(isinstance(c, type) and issubclass(c, BaseException) for c in catch)):
            raise ParameterError(f"invalid value for catch: expected a tuple of exception types, got {catch!r}",
                                 name="catch")
        task = partial(_map_clip, self, fn, catch, expected_rate)
        outcomes = map_ordered(task, self.clip_ids, workers=workers, scheduler=scheduler, progress=progress,
                               desc=desc, key=f"alloava-{desc}")
        results, not_loaded, failed = [], [], []
        for clip_id, (outcome, error) in zip(self.clip_ids, outcomes):
            if error is not None:
                raise error  # what a serial loop would have raised
            kind, value = outcome
            if kind == "ok":
                results.append((clip_id, value))
            else:
                (not_loaded if kind == "not_loaded" else failed).append({"clip_id": clip_id, "reason": value})
        return results, not_loaded + failed

def as_corpus(source: "Corpus | str | os.PathLike[str]", *, labels: str | Path | None = None) -> Corpus:
    """``source`` as a :class:`Corpus`: a corpus is returned as it is, a folder is opened (with ``labels``).

    The one conversion every corpus-level driver makes of its ``source``
    argument.

    Parameters
    ----------
    source
        A :class:`Corpus` or the folder of one.
    labels
        Labels CSV used when ``source`` is a folder (a :class:`Corpus` keeps its own).

    Returns
    -------
    Corpus
        The corpus.
    """
    if isinstance(source, Corpus):
        return source
    if isinstance(source, (str, os.PathLike)):
        return Corpus(source, labels=labels)
    raise ParameterError(f"invalid value for source: expected a Corpus or the path of a corpus folder, got "
                         f"{type(source).__name__}", name="source")


def duplicate_videos(index: pd.DataFrame) -> list[dict]:
    """YouTube videos listed under more than one clip id (e.g. two categories).

    Statistics count such a video once, as ``counted_as`` (the first clip id
    in sorted order).

    Parameters
    ----------
    index
        A corpus index with ``clip_id`` and ``youtube_id`` columns.

    Returns
    -------
    list of dict
        ``{youtube_id, clip_ids, counted_as}`` per duplicated video, by YouTube id.
    """
    if index.empty:
        return []
    out = []
    for youtube_id, group in index.groupby("youtube_id", sort=True):
        if len(group) > 1:
            ids = sorted(group["clip_id"])
            out.append({"youtube_id": str(youtube_id), "clip_ids": ids, "counted_as": ids[0]})
    return out


def _map_clip(corpus: Corpus, fn: Callable[[Clip], Any], catch: tuple, expected_rate: int | None,
              clip_id: str) -> tuple[str, Any]:
    """One clip of :meth:`Corpus.map`: ``("ok", fn(clip))``, ``("not_loaded", reason)`` or ``("failed", reason)``."""
    try:
        clip = corpus.load(clip_id, expected_rate=expected_rate)
    except Exception as err:  # noqa: BLE001 - one clip's fault fails that clip only, as Corpus.clips does
        reason = clip_failure(err, corpus._row(clip_id))
        log.warning("skipping %s: %s", clip_id, reason)
        return "not_loaded", reason
    try:
        return "ok", fn(clip)
    except catch as err:
        reason = str(err) if isinstance(err, ANALYSIS_ERRORS) else clip_failure(err, {"clip_id": clip_id})
        log.warning("skipping %s: %s", clip_id, reason)
        return "failed", reason


def clip_failure(err: BaseException, files: dict) -> str:
    """The ``reason`` of a clip that failed with ``err``: typed errors as they are, others with type and files.

    Parameters
    ----------
    err
        The exception that failed the clip.
    files
        The clip's index row (``clip_id`` and a path per source modality).

    Returns
    -------
    str
        The message of a toolkit error or ``OSError``; else
        ``"unexpected <type> while reading <files>: <message>"`` (the traceback is logged at debug level).
    """
    if isinstance(err, (AlloAvaError, OSError)):
        return str(err)
    log.debug("unexpected failure of %s:\n%s", files.get("clip_id"), traceback.format_exc())
    named = ", ".join(str(files[m]) for m in SOURCE_MODALITIES if files.get(m))
    return f"unexpected {type(err).__name__} while reading {named or files.get('clip_id')}: {err}"


class ClipIterator:
    """Iterator over a corpus's clips, one in memory at a time, with a progress bar on stderr.

    Attributes
    ----------
    failed
        ``{clip_id, reason}`` for every clip that could not be loaded so far
        (complete once the iteration ends).
    """

    def __init__(self, corpus: Corpus, *, progress: bool = True, expected_rate: int | None = None):
        self.failed: list[dict[str, str]] = []
        self._corpus, self._ids = corpus, corpus.clip_ids
        self._gen = self._generate(progress, expected_rate)

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> "ClipIterator":
        return self

    def __next__(self) -> Clip:
        return next(self._gen)

    def _generate(self, progress: bool, expected_rate: int | None) -> Iterator[Clip]:
        for clip_id in tqdm(self._ids, desc="clips", unit="clip", disable=not progress):
            try:
                clip = self._corpus.load(clip_id, expected_rate=expected_rate)
            except Exception as err:  # noqa: BLE001 - one clip's fault fails that clip only
                reason = clip_failure(err, self._corpus._row(clip_id))
                log.warning("skipping %s: %s", clip_id, reason)
                self.failed.append({"clip_id": clip_id, "reason": reason})
                continue
            yield clip


def clip_summary(clip: Clip, files: dict) -> dict:
    """Index facts about a loaded clip: frames, durations per modality, words, checksums.

    Parameters
    ----------
    clip
        The loaded clip.
    files
        Its source file per modality (``keypoints``, ``transcript``, ``audio``; missing or empty: none).

    Returns
    -------
    dict
        One store-index row: ``clip_id``, ``schema_variant``, ``layouts``, ``frames``, ``n_keypoints``,
        ``pose_s`` and ``transcript_s`` (seconds), ``fps``, ``words``, ``<modality>_sha256`` and
        ``<modality>_bytes`` per source file, and the ``keypoints_stamp``/``transcript_stamp`` freshness stamps.
    """
    pose = clip.pose
    record = {
        "clip_id": clip.clip_id,
        "schema_variant": clip.metadata.get("schema_variant", ""),
        "layouts": ",".join(sorted(clip.poses)),
        "frames": int(pose.sizes["time"]) if pose is not None else 0,
        "n_keypoints": int(sum(ds.sizes["keypoint"] for ds in clip.poses.values())),
        "pose_s": (float(pose["time"].values[-1] - pose["time"].values[0])
                   if pose is not None and pose.sizes["time"] else float("nan")),
        "fps": float(pose.attrs.get("fps", np.nan)) if pose is not None else float("nan"),
        "words": int(len(clip.words)) if clip.words is not None else 0,
        "transcript_s": float(clip.words["end"].max()) if clip.words is not None and len(clip.words) else float("nan"),
    }
    for modality in SOURCE_MODALITIES:
        path = files.get(modality)
        record[f"{modality}_sha256"] = file_sha256(path) if path else ""
        record[f"{modality}_bytes"] = Path(path).stat().st_size if path else 0
    record["keypoints_stamp"] = _source_stamp(files.get("keypoints"))
    record["transcript_stamp"] = _source_stamp(files.get("transcript"))
    return record
