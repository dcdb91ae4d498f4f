"""The columnar store: Parquet files partitioned by clip, filled once from the JSON.

Layout under the store folder (default ``<corpus>/store``)::

    pose/<layout>/clip_id=<id>/part-0.parquet   time, position and confidence (fixed-size float32 lists)
    frame_text/clip_id=<id>/part-0.parquet      time, text
    words/clip_id=<id>/part-0.parquet           word, start, end, probability, segment
    segments/clip_id=<id>/part-0.parquet        segment, start, end, text (+ transcript meta as JSON)
    index.parquet                               one row per clip: sizes, durations, checksums

Pose attrs travel as JSON in the Parquet schema metadata, so a loaded pose
equals the one that was written. Stores written before the movement 0.16 dim
names (metadata keys ``keypoints``/``individuals``, a dict ``extractor``) still
load, with the current names.
"""
from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import xarray as xr

from ..errors import AlloAvaError, ParameterError, SchemaError
from ..model import LEGACY_DIMS, make_pose, make_words
from .atomic import atomic_path

log = logging.getLogger(__name__)
ATTRS_KEY = b"alloava_attrs"
PART = "part-0.parquet"
LOCK_FILE = ".lock"


class StoreBusyError(AlloAvaError, RuntimeError):
    """Another process is writing the store (it holds the store's lock)."""


@contextlib.contextmanager
def store_lock(store: str | Path) -> Iterator[Path]:
    """Hold the store's writer lock (``<store>/.lock``, an advisory ``flock``) for the duration.

    One writer at a time: a second raises :class:`StoreBusyError` at once
    instead of waiting. The lock goes with the process, so a killed writer
    never leaves the store locked. Where ``fcntl`` is missing (Windows) no lock
    is taken.

    Parameters
    ----------
    store
        The store folder; created if needed.

    Yields
    ------
    Path
        ``store``.
    """
    store = Path(store)
    store.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield store
        return
    path = store / LOCK_FILE
    with open(path, "a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreBusyError(f"{store}: another process is writing this store (it holds {path}); expected "
                                 f"one writer at a time: wait for it to finish") from None
        try:
            yield store
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def remove_stale_temporaries(store: str | Path) -> list[Path]:
    """Delete the hidden temporary files (``.<name>.*.part*``) a killed writer left in the store.

    Call it while holding :func:`store_lock`: then no live writer owns them.

    Parameters
    ----------
    store
        The store folder (see :func:`default_store`).

    Returns
    -------
    list of Path
        The files removed.
    """
    removed = []
    for path in sorted(Path(store).rglob(".*")):
        if ".part" in path.name and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed.append(path)
    if removed:
        log.info("%s: removed %d temporary file(s) left by an interrupted run", store, len(removed))
    return removed


def default_store(root: str | Path) -> Path:
    """The store folder of a corpus.

    Parameters
    ----------
    root
        The corpus folder.

    Returns
    -------
    Path
        ``root/store``.
    """
    return Path(root) / "store"


def _partition(store: Path, table: str, clip_id: str) -> Path:
    return store / table / f"clip_id={clip_id}" / PART


def _write_table(path: Path, table: pa.Table) -> Path:
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="lz4")
    return path


def _fixed_list(values: np.ndarray) -> pa.FixedSizeListArray:
    flat = np.ascontiguousarray(values, dtype=np.float32).reshape(len(values), int(np.prod(values.shape[1:])))
    return pa.FixedSizeListArray.from_arrays(pa.array(flat.ravel()), flat.shape[1])


def _from_fixed_list(column: pa.ChunkedArray, width: int) -> np.ndarray:
    values = column.combine_chunks().flatten().to_numpy(zero_copy_only=False)
    return values.reshape(-1, width)


def pose_to_table(ds: xr.Dataset) -> pa.Table:
    """One row per frame: ``time``, ``position`` (space x keypoints floats) and ``confidence`` (keypoints floats).

    Keypoint names, space labels and the pose attrs travel in the schema metadata.

    Parameters
    ----------
    ds
        A pose dataset.

    Returns
    -------
    pyarrow.Table
        ``time``, ``position`` and ``confidence`` (fixed-size float32 lists), attrs in the schema metadata.
    """
    pos = ds["position"].values  # (time, space, keypoint, individual); one individual: same bytes as 3-D
    conf = ds["confidence"].values
    attrs = dict(ds.attrs, individual=[str(i) for i in ds["individual"].values],
                 keypoint=[str(k) for k in ds["keypoint"].values], space=[str(s) for s in ds["space"].values])
    table = pa.table({"time": pa.array(ds["time"].values, pa.float64()), "position": _fixed_list(pos),
                      "confidence": _fixed_list(conf)})
    return table.replace_schema_metadata({ATTRS_KEY: json.dumps(attrs, default=str).encode()})


def table_to_pose(table: pa.Table, *, source: str | Path) -> xr.Dataset:
    """Inverse of :func:`pose_to_table`.

    Parameters
    ----------
    table
        A table written by :func:`pose_to_table`.
    source
        The file it was read from, named in a SchemaError.

    Returns
    -------
    xarray.Dataset
        The pose dataset, checked by ``make_pose`` (current dim names also for old stores).
    """
    meta = table.schema.metadata or {}
    if ATTRS_KEY not in meta or table.column_names != ["time", "position", "confidence"]:
        raise SchemaError("expected a pose table (time, position, confidence) with attrs in the schema metadata; "
                          "rebuild the store with `alloava convert --force`", path=source)
    try:
        attrs = dict(json.loads(meta[ATTRS_KEY]))
    except (ValueError, TypeError) as err:
        raise SchemaError(f"expected the pose attrs as a JSON object in the schema metadata, got: {err}", path=source,
                          where="schema metadata") from None
    for old, new in LEGACY_DIMS.items():  # a store written with movement's old plural names
        if old in attrs:
            attrs[new] = attrs.pop(old)
    missing = [k for k in ("keypoint", "space", "individual", "layout", "fps", "source", "coords") if k not in attrs]
    if missing:
        raise SchemaError(f"expected pose attrs {missing} in the schema metadata, got only {sorted(attrs)}; rebuild "
                          "the store with `alloava convert --force`", path=source, where="schema metadata")
    keypoints, space, individuals = attrs.pop("keypoint"), attrs.pop("space"), attrs.pop("individual")
    extractor = attrs.pop("extractor", None)
    n_kp, n_ind = len(keypoints), len(individuals)
    position = _from_fixed_list(table.column("position"), len(space) * n_kp * n_ind).reshape(
        -1, len(space), n_kp, n_ind)
    confidence = _from_fixed_list(table.column("confidence"), n_kp * n_ind).reshape(-1, n_kp, n_ind)
    try:
        ds = make_pose(position, time=table.column("time").to_numpy(), layout=attrs["layout"],
                       confidence=confidence, keypoints=keypoints, individuals=tuple(individuals), fps=attrs["fps"],
                       source=attrs["source"], extractor=extractor, coords=attrs["coords"],
                       schema_variant=attrs.get("schema_variant"))
    except ParameterError as err:  # a value stored in the file (layout, coords, individuals), not a caller's choice
        raise SchemaError(f"expected pose attrs that make_pose accepts, got: {err}", path=source,
                          where="schema metadata") from None
    ds.attrs.update(attrs)
    return ds


def write_pose(store: str | Path, clip_id: str, ds: xr.Dataset) -> Path:
    """Store one clip's pose of one layout.

    Parameters
    ----------
    store
        The store folder (see :func:`default_store`).
    clip_id
        ``<category>_<YouTube id>``.
    ds
        Its pose dataset; ``attrs["layout"]`` picks the partition.

    Returns
    -------
    Path
        The written Parquet file.
    """
    return _write_table(_partition(Path(store), f"pose/{ds.attrs['layout']}", clip_id), pose_to_table(ds))


def read_pose(store: str | Path, clip_id: str, layout: str = "mediapipe_pose_33") -> xr.Dataset:
    """Load one clip's pose of ``layout`` from the store.

    Parameters
    ----------
    store
        The store folder (see :func:`default_store`).
    clip_id
        ``<category>_<YouTube id>``.
    layout
        A layout name (see :func:`stored_layouts`); none stored is a FileNotFoundError.

    Returns
    -------
    xarray.Dataset
        The pose dataset as written.
    """
    path = _partition(Path(store), f"pose/{layout}", clip_id)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no stored {layout} pose for clip {clip_id!r}; run `alloava convert`")
    return table_to_pose(pq.read_table(path), source=path)


def stored_layouts(store: str | Path, clip_id: str) -> list[str]:
    """Layouts stored for ``clip_id``.

    Parameters
    ----------
    store
        The store folder (see :func:`default_store`).
    clip_id
        ``<category>_<YouTube id>``.

    Returns
    -------
    list of str
        Layout names, sorted; empty when none are stored.
    """
    base = Path(store) / "pose"
    return sorted(p.name for p in base.iterdir() if (p / f"clip_id={clip_id}" / PART).exists()) \
        if base.is_dir() else []


def write_words(store: str | Path, clip_id: str, words: pd.DataFrame) -> Path:
    """Store one clip's words.

    Parameters
    ----------
    store
        The store folder (see :func:`default_store`).
    clip_id
        ``<category>_<YouTube id>``.
    words
        Its words table (:func:`~alloava_analysis.model.make_words`).

    Returns
    -------
    Path
        The written Parquet file.
    """
    return _write_table(_partition(Path(store), "words", clip_id), pa.Table.from_pandas(words, preserve_index=False))


def read_words(store: str | Path, clip_id: str) -> pd.DataFrame:
    """Load one clip's words from the store.

    Parameters
    ----------
    store
        The store folder (see :func:`default_store`).
    clip_id
        ``<category>_<YouTube id>``.

    Returns
    -------
    pandas.DataFrame
        The words table, checked by ``make_words``.
    """
    path = _partition(Path(store), "words", clip_id)
    return make_words(pq.read_table(path).to_pandas(), path=path)


def write_segments(store: str | Path, clip_id: str, segments: pd.DataFrame, *, meta: dict | None = None) -> Path:
    """Store one clip's transcript segments and the transcript's top-level fields (engine, language, ...).

    Parameters
    ----------
    store
        The store folder (see :func:`default_store`).
    clip_id
        ``<category>_<YouTube id>``.
    segments
        ``segment, start, end, text``, one row per segment.
    meta
        The transcript's top-level fields (JSON values).

    Returns
    -------
    Path
        The written Parquet file.
    """
    table = pa.Table.from_pandas(segments, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           ATTRS_KEY: json.dumps(meta or {}, default=str).encode()})
    return _write_table(_partition(Path(store), "segments", clip_id), table)


def read_segments(store: str | Path, clip_id: str) -> tuple[pd.DataFrame, dict] | None:
    """The stored ``(segments, transcript meta)`` of ``clip_id`` (None if none were stored).

    Parameters
    ----------
    store
        The store folder (see :func:`default_store`).
    clip_id
        ``<category>_<YouTube id>``.

    Returns
    -------
    tuple of (pandas.DataFrame, dict) or None
        The segments table and the transcript's top-level fields.
    """
    path = _partition(Path(store), "segments", clip_id)
    if not path.exists():
        return None
    table = pq.read_table(path)
    return table.to_pandas(), json.loads((table.schema.metadata or {}).get(ATTRS_KEY, b"{}"))


def write_frame_text(store: str | Path, clip_id: str, text: pd.Series) -> Path:
    """Store the text spoken at each keypoint frame.

    Parameters
    ----------
    store
        The store folder (see :func:`default_store`).
    clip_id
        ``<category>_<YouTube id>``.
    text
        Text per frame, indexed by time in seconds.

    Returns
    -------
    Path
        The written Parquet file.
    """
    table = pa.table({"time": pa.array(text.index.to_numpy(np.float64)), "text": pa.array(text.astype(str))})
    return _write_table(_partition(Path(store), "frame_text", clip_id), table)


def read_frame_text(store: str | Path, clip_id: str) -> pd.Series | None:
    """The stored per-frame text of ``clip_id`` (None if none was stored).

    Parameters
    ----------
    store
        The store folder (see :func:`default_store`).
    clip_id
        ``<category>_<YouTube id>``.

    Returns
    -------
    pandas.Series or None
        Text per frame, indexed by time.
    """
    path = _partition(Path(store), "frame_text", clip_id)
    if not path.exists():
        return None
    table = pq.read_table(path)
    return pd.Series(table.column("text").to_pylist(), index=pd.Index(table.column("time").to_numpy(), name="time"),
                     name="text")


def write_index(store: str | Path, index: pd.DataFrame) -> Path:
    """Write the store's clip index.

    Parameters
    ----------
    store
        The store folder (see :func:`default_store`).
    index
        One row per clip (see :func:`alloava_analysis.corpus.clip_summary`).

    Returns
    -------
    Path
        ``<store>/index.parquet``.
    """
    return _write_table(Path(store) / "index.parquet", pa.Table.from_pandas(index, preserve_index=False))


def read_index(store: str | Path) -> pd.DataFrame | None:
    """The store's clip index, or None if the store is empty.

    Parameters
    ----------
    store
        The store folder (see :func:`default_store`).

    Returns
    -------
    pandas.DataFrame or None
        One row per clip, as written by :func:`write_index`.
    """
    path = Path(store) / "index.parquet"
    try:
        # one read: pyarrow opens a path more than once, and a running convert may replace the file in between
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return pq.read_table(pa.BufferReader(data)).to_pandas()
