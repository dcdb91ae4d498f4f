"""Pose datasets as NetCDF, the format ``movement`` saves and loads (``ds.to_netcdf`` / ``xr.open_dataset``).

The file holds the dataset as it is in memory: ``position(time, space, keypoint,
individual)`` float32, ``confidence(time, keypoint, individual)``, the container
timestamps as the ``time`` coordinate (float64 seconds), the ``body_part``
coordinate, any extra variables (presence, world coordinates, blendshapes) and
the attrs, which are all strings or numbers. Reading it back gives an identical
dataset; files with movement's legacy plural dims (``keypoints``,
``individuals``) are renamed on reading with a warning.

A file is inspected before anything is loaded: only the variables of the pose
schema (:data:`POSE_VARIABLES`), numeric where numbers are expected, no HDF5
external storage, virtual datasets or links to other files (they would read
local files into the dataset), and declared sizes that the file can hold
(at most :data:`MAX_EXPANSION` times its size, the most deflate can expand).
"""
from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np
import xarray as xr

from ...errors import SchemaError
from ...model import validate_pose
from ..atomic import atomic_path

ENGINE = "netcdf4"

#: The variables (data and coordinates) a pose file may hold; anything else is refused on reading and writing.
POSE_VARIABLES = frozenset({
    "position", "confidence", "presence", "world_position", "blendshapes", "transformation_matrix",
    "time", "space", "keypoint", "keypoints", "individual", "individuals", "body_part", "blendshape", "row", "col",
})
#: Variables that hold names (strings); every other one must be numeric.
NAME_VARIABLES = frozenset({"space", "keypoint", "keypoints", "individual", "individuals", "body_part", "blendshape"})
#: The most that the declared (in-memory) size may exceed the file's size: deflate expands at most ~1032 times.
MAX_EXPANSION = 1100
#: Declared bytes allowed on top of ``MAX_EXPANSION`` times the file size (small files, headers, fill values).
SIZE_SLACK = 64 * 2**20


def _check_attrs(attrs: dict, where: str) -> None:
    for name, value in attrs.items():
        ok = isinstance(value, (str, int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
        ok = ok or (isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "iuf")
        if not ok:
            raise SchemaError(f"expected NetCDF-serialisable attr {name!r} (a string, number or 1-D numeric array), "
                              f"got {type(value).__name__}; flatten it or store it as a JSON string", path=where)


def _check_variables(names, where: str) -> None:
    unknown = sorted(set(names) - POSE_VARIABLES)
    if unknown:
        raise SchemaError(f"expected only the pose schema's variables {sorted(POSE_VARIABLES)}, got {unknown}",
                          path=where, where=f"variable {unknown[0]!r}")


def _check_hdf5_storage(path: Path) -> None:
    """Refuse HDF5 external storage, virtual datasets and external links (they read other files)."""
    import h5py

    if not h5py.is_hdf5(path):
        return  # a NetCDF-3 file: no external storage exists in that format
    try:
        with h5py.File(path, "r") as f:
            bad: list[str] = []

            def visit_link(name, link):
                if isinstance(link, h5py.ExternalLink):
                    bad.append(f"{name!r} is a link to {link.filename!r}")

            def visit_object(name, obj):
                if isinstance(obj, h5py.Dataset) and obj.external:
                    bad.append(f"{name!r} has external storage in {obj.external[0][0]!r}")
                elif isinstance(obj, h5py.Dataset) and obj.is_virtual:
                    bad.append(f"{name!r} is a virtual dataset reading other files")

            f.visititems_links(visit_link)
            if not bad:
                f.visititems(visit_object)
    except OSError as err:
        raise SchemaError(f"expected a NetCDF pose dataset: {err}", path=path) from None
    if bad:
        raise SchemaError(f"expected data stored in the file itself, got {bad[0]}; external storage is refused",
                          path=path, where=f"variable {bad[0].split(' ')[0]}")


def _inspect(path: Path) -> None:
    """Check a NetCDF file's variables, types, storage and declared sizes before anything is loaded."""
    import netCDF4

    _check_hdf5_storage(path)
    try:
        with netCDF4.Dataset(path, "r") as nc:
            nc.set_auto_mask(False)
            declared = 0
            _check_variables(nc.variables, str(path))
            if nc.groups:
                raise SchemaError(f"expected a flat pose dataset, got groups {sorted(nc.groups)}", path=path)
            for name, var in nc.variables.items():
                dtype = np.dtype(object) if var.dtype is str else np.dtype(var.dtype)
                wanted = "OSU" if name in NAME_VARIABLES else "fiu"
                if dtype.kind not in wanted:
                    raise SchemaError(f"expected {'names' if name in NAME_VARIABLES else 'numbers'}, got "
                                      f"dtype {var.dtype}", path=path, where=f"variable {name!r}")
                declared += int(np.prod(var.shape, dtype=np.float64)) * max(dtype.itemsize, 1)
    except OSError as err:
        raise SchemaError(f"expected a NetCDF pose dataset: {err}", path=path) from None
    limit = MAX_EXPANSION * path.stat().st_size + SIZE_SLACK
    if declared > limit:
        raise SchemaError(f"expected declared sizes that a {path.stat().st_size}-byte file can hold (at most "
                          f"{limit} bytes in memory), got {declared} bytes declared", path=path)


def write_pose_netcdf(path: str | Path, ds: xr.Dataset) -> Path:
    """Write a pose dataset to ``path`` as NetCDF-4 (atomically); movement loads it with ``xr.open_dataset``.

    Parameters
    ----------
    path
        The NetCDF file to write; its folder is created if needed.
    ds
        A pose dataset whose attrs (and variables' attrs) are strings, numbers or 1-D numeric arrays.

    Returns
    -------
    Path
        ``path``.
    """
    ds = validate_pose(ds)
    source = str(path)
    _check_variables(ds.variables, source)
    _check_attrs(ds.attrs, source)
    for name, var in ds.variables.items():
        _check_attrs(var.attrs, f"{source} (variable {name!r})")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        try:
            ds.to_netcdf(tmp, engine=ENGINE)
        except (RuntimeError, OSError) as err:  # netCDF4 reports a full disk as "HDF error" or "Permission denied"
            raise _write_error(path, tmp, err, needed=int(ds.nbytes)) from None
    return path


def _write_error(path: Path, tmp: Path, err: Exception, *, needed: int) -> OSError:
    """The OSError to raise for a failed NetCDF write: ENOSPC naming ``path`` when its disk is full."""
    stats = os.statvfs(tmp.parent)
    free = stats.f_bavail * stats.f_frsize
    if free < needed + SIZE_SLACK // 64:  # the temporary file still holds what was written
        return OSError(errno.ENOSPC, f"no space left on device while writing the NetCDF file ({free} bytes free, "
                                     f"about {needed} needed; netCDF said {err})", str(path))
    if isinstance(err, OSError):
        return err
    return OSError(errno.EIO, f"could not write the NetCDF file (netCDF said {err})", str(path))


def read_pose_netcdf(path: str | Path) -> xr.Dataset:
    """Read a pose dataset from a NetCDF file (ours, or one movement saved); checked by ``validate_pose``.

    Parameters
    ----------
    path
        A NetCDF pose file; movement's legacy plural dims are renamed with a warning.

    Returns
    -------
    xarray.Dataset
        The dataset in memory, float32 position and confidence; ``attrs["source"]`` is ``path`` unless the
        file names one.
    """
    path = Path(path)
    if not path.is_file():
        raise SchemaError("expected a NetCDF pose file, got no such file", path=path)
    _inspect(path)
    try:
        ds = xr.load_dataset(path, engine=ENGINE)
    except (OSError, ValueError) as err:
        raise SchemaError(f"expected a NetCDF pose dataset: {err}", path=path) from None
    if "source" not in ds.attrs:
        ds.attrs["source"] = str(path)
    for name in ("position", "confidence"):
        if name in ds and ds[name].dtype != np.float32:
            ds[name] = ds[name].astype(np.float32)
    for name in list(ds.coords):
        if ds[name].dtype == object:  # NetCDF strings come back as objects; keep them as numpy str like make_pose
            ds = ds.assign_coords({name: (ds[name].dims, ds[name].values.astype(str))})
    return validate_pose(ds)
