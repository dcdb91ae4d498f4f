"""Pose datasets as NetCDF, the format ``movement`` saves and loads (``ds.to_netcdf`` / ``xr.open_dataset``).

The file holds the dataset as it is in memory: ``position(time, space, keypoint,
individual)`` float32, ``confidence(time, keypoint, individual)``, the container
timestamps as the ``time`` coordinate (float64 seconds), the ``body_part``
coordinate, any extra variables (presence, world coordinates, blendshapes) and
the attrs, which are all strings or numbers. Reading it back gives an identical
dataset; files with movement's legacy plural dims (``keypoints``,
``individuals``) are renamed on reading with a warning.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from ...errors import SchemaError
from ...model import validate_pose
from ..atomic import atomic_path

ENGINE = "netcdf4"


def _check_attrs(attrs: dict, where: str) -> None:
    for name, value in attrs.items():
        ok = isinstance(value, (str, int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
        ok = ok or (isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "iuf")
        if not ok:
            raise SchemaError(f"expected NetCDF-serialisable attr {name!r} (a string, number or 1-D numeric array), "
                              f"got {type(value).__name__}; flatten it or store it as a JSON string", path=where)


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
    _check_attrs(ds.attrs, source)
    for name, var in ds.variables.items():
        _check_attrs(var.attrs, f"{source} (variable {name!r})")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        ds.to_netcdf(tmp, engine=ENGINE)
    return path


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
