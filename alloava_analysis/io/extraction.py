"""Extraction side outputs that the Allo-AVA keypoint JSON cannot hold.

The released layout's ``keypoints/*.json`` carries MediaPipe 33 and OpenPose 18
points per frame. The extractor also produces face (478 points, blendshapes,
transformation matrices) and hand landmarks, pose presence and world
coordinates, and a report (models and their hashes, the audio-video offset,
skipped modalities with reasons). They live beside the layout, in a folder the
layout scanner ignores::

    <root>/extraction/<clip_id>.json                 the extraction report
    <root>/extraction/<clip_id>.<layout>.parquet     every data variable of a pose dataset

A Parquet file holds one row per frame: ``time`` plus one fixed-size float32
list column per data variable; dimensions, coordinates and attrs travel as JSON
in the schema metadata, so :func:`read_pose_dataset` returns what was written
(files written with movement's old plural dim names load with the current ones).
(Added by the extraction helper; additive, nothing else in ``io`` changed.)
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import xarray as xr

from ..errors import ParameterError, SchemaError
from ..model import LEGACY_DIMS, make_pose, validate_pose
from .atomic import atomic_path, write_json
from .layout import parse_key
from .transcript import read_json

FOLDER = "extraction"
META_KEY = b"alloava_dataset"


def extraction_path(root: str | Path, clip_id: str, layout: str | None = None) -> Path:
    """``<root>/extraction/<clip_id>.json`` (the report) or ``.<layout>.parquet`` (a pose dataset).

    Parameters
    ----------
    root
        The corpus folder.
    clip_id
        ``<category>_<YouTube id>`` (checked: no path separators).
    layout
        A layout name for the pose dataset's file; None for the report.

    Returns
    -------
    Path
        The file's path (it may not exist).
    """
    key = parse_key(clip_id)
    name = f"{key.clip_id}.json" if layout is None else f"{key.clip_id}.{layout}.parquet"
    return Path(root) / FOLDER / name


def write_report(root: str | Path, clip_id: str, report: dict) -> Path:
    """Write the extraction report of ``clip_id`` as JSON (atomically).

    Parameters
    ----------
    root
        The corpus folder.
    clip_id
        ``<category>_<YouTube id>``.
    report
        JSON values: models and their hashes, the audio-video offset, skipped modalities, ...

    Returns
    -------
    Path
        The written file.
    """
    return write_json(extraction_path(root, clip_id), report, indent=1)


def read_report(root: str | Path, clip_id: str) -> dict:
    """Read the extraction report of ``clip_id``.

    Parameters
    ----------
    root
        The corpus folder.
    clip_id
        ``<category>_<YouTube id>``.

    Returns
    -------
    dict
        The report as written by :func:`write_report`.
    """
    return read_json(extraction_path(root, clip_id))


def write_pose_dataset(path: str | Path, ds: xr.Dataset) -> Path:
    """Write every data variable of a pose dataset (time first on each) to Parquet atomically.

    Parameters
    ----------
    path
        The Parquet file to write (see :func:`extraction_path`).
    ds
        A pose dataset; extra variables (presence, world coordinates, blendshapes) must have time first.

    Returns
    -------
    Path
        ``path``.
    """
    ds = validate_pose(ds)
    columns = {"time": pa.array(ds["time"].values, pa.float64())}
    variables = {}
    for name, var in ds.data_vars.items():
        if var.dims[0] != "time":
            raise SchemaError(f"expected data variable {name!r} to have time first, got dims {var.dims}",
                              where=f"variable {name!r}")
        flat = np.ascontiguousarray(var.values, dtype=np.float32).reshape(var.shape[0], -1)
        if flat.shape[1] == 0:
            raise SchemaError(f"expected data variable {name!r} to hold values per frame, got shape {var.shape}",
                              where=f"variable {name!r}")
        columns[name] = pa.FixedSizeListArray.from_arrays(pa.array(flat.ravel()), flat.shape[1])
        variables[name] = {"dims": list(var.dims), "shape": list(var.shape[1:]), "attrs": dict(var.attrs)}
    coords = {name: {"dims": list(c.dims), "values": [str(v) for v in c.values]}
              for name, c in ds.coords.items() if name != "time"}
    meta = {"attrs": dict(ds.attrs), "variables": variables, "coords": coords}
    table = pa.table(columns).replace_schema_metadata({META_KEY: json.dumps(meta, default=str).encode()})
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return Path(path)


def _current_dims(meta: dict) -> dict:
    """The side file's metadata with movement's legacy plural dim names replaced by the current ones."""
    def rename(dims: list[str]) -> list[str]:
        return [LEGACY_DIMS.get(d, d) for d in dims]
    meta["coords"] = {LEGACY_DIMS.get(k, k): {**c, "dims": rename(c["dims"])} for k, c in meta["coords"].items()}
    for spec in meta["variables"].values():
        spec["dims"] = rename(spec["dims"])
    return meta


def read_pose_dataset(path: str | Path) -> xr.Dataset:
    """Read a pose dataset written by :func:`write_pose_dataset` (checked by ``make_pose``).

    Parameters
    ----------
    path
        A Parquet file written by :func:`write_pose_dataset`.

    Returns
    -------
    xarray.Dataset
        The dataset as written: every data variable, coordinate and attr (current dim names).
    """
    path = Path(path)
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as err:
        raise SchemaError(f"expected a Parquet pose dataset: {err}", path=path) from None
    meta_raw = (table.schema.metadata or {}).get(META_KEY)
    if meta_raw is None or "position" not in table.column_names:
        raise SchemaError("expected a pose dataset table (time, position, ...) with its layout in the schema "
                          "metadata", path=path)
    try:
        meta = _current_dims(json.loads(meta_raw))
        attrs, coords = dict(meta["attrs"]), meta["coords"]
        layout, keypoints, individuals = attrs["layout"], coords["keypoint"]["values"], coords["individual"]["values"]
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise SchemaError(f"expected the pose dataset's attrs, coords and variables in the schema metadata, got "
                          f"{type(err).__name__}: {err}", path=path, where="schema metadata") from None
    n = table.num_rows

    def values(name: str) -> np.ndarray:
        shape = meta["variables"][name]["shape"]
        flat = table.column(name).combine_chunks().flatten().to_numpy(zero_copy_only=False)
        return flat.reshape([n, *shape])

    extractor = attrs.pop("extractor", None)
    try:
        ds = make_pose(values("position"), time=table.column("time").to_numpy(), layout=layout,
                       confidence=values("confidence") if "confidence" in meta["variables"] else None,
                       keypoints=keypoints, individuals=tuple(individuals),
                       fps=attrs.get("fps"), source=attrs.get("source") or None, extractor=extractor,
                       coords=attrs.get("coords", "normalized"),
                       frame_size=(attrs.get("frame_width", 0), attrs.get("frame_height", 0))
                       if attrs.get("frame_width") else None, schema_variant=attrs.get("schema_variant"))
    except ParameterError as err:  # a value stored in the file (layout, coords, individuals), not a caller's choice
        raise SchemaError(f"expected pose attrs that make_pose accepts, got: {err}", path=path,
                          where="schema metadata") from None
    extra_coords = {k: (c["dims"][0], c["values"]) for k, c in coords.items()
                    if k not in ds.coords and len(c["dims"]) == 1}
    ds = ds.assign_coords(extra_coords)
    for name, spec in meta["variables"].items():
        if name in ("position", "confidence"):
            ds[name].attrs.update(spec["attrs"])
            continue
        ds[name] = (tuple(spec["dims"]), values(name).astype(np.float32), spec["attrs"])
    ds.attrs.update(attrs)
    return ds
