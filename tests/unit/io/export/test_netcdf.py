"""Pose NetCDF files (movement's format): lossless round trips, legacy plural files, attr checks."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from alloava_analysis.errors import SchemaError
from alloava_analysis.io.export.netcdf import read_pose_netcdf, write_pose_netcdf
from alloava_analysis.model import extractor_info, make_pose
from tests.fixtures.datasets import random_pose


def _uneven_pose() -> xr.Dataset:
    """Variable-frame-rate container times, NaN points, 3-D points and extra per-frame variables."""
    rng = np.random.default_rng(3)
    t = 12.345 + np.cumsum(rng.uniform(0.02, 0.05, 40))
    pos = rng.random((40, 3, 33)).astype(np.float32)
    pos[5, :, 4] = np.nan
    ds = make_pose(pos, time=t, layout="mediapipe_pose_33", confidence=rng.random((40, 33)), fps=29.97,
                   source="talk.mp4", coords="normalized", frame_size=(1280, 720), schema_variant="extracted",
                   extractor={"name": "mediapipe.PoseLandmarker", "version": "0.10.30", "model_sha256": "cd" * 32,
                              "hand_sides": {"pose_wrists": 12}})
    ds["presence"] = (("time", "keypoint", "individual"), rng.random((40, 33, 1)).astype(np.float32))
    ds["presence"].attrs["meaning"] = "MediaPipe presence"
    return ds


@pytest.mark.parametrize("make", [_uneven_pose, lambda: random_pose(25, n_space=2)])
def test_round_trip_is_identical_including_container_times_and_attrs(tmp_path, make):
    ds = make()
    path = write_pose_netcdf(tmp_path / "sub" / "clip.nc", ds)
    back = read_pose_netcdf(path)
    xr.testing.assert_identical(back, ds)
    np.testing.assert_array_equal(back["time"].values, ds["time"].values)  # bit for bit, not rounded
    assert back["position"].dtype == np.float32 and extractor_info(back) == extractor_info(ds)
    assert not list(tmp_path.joinpath("sub").glob("*.part")) and not list(tmp_path.joinpath("sub").glob(".*"))


def test_a_plural_file_from_movement_before_0_17_is_read_with_a_warning(tmp_path):
    ds = random_pose(10)
    old = ds.rename({"keypoint": "keypoints", "individual": "individuals"})
    old.to_netcdf(tmp_path / "old.nc", engine="netcdf4")
    with pytest.warns(UserWarning, match="renamed legacy dims"):
        back = read_pose_netcdf(tmp_path / "old.nc")
    xr.testing.assert_identical(back, ds)


def test_attrs_that_netcdf_cannot_hold_are_a_typed_error_naming_the_file(tmp_path):
    ds = random_pose(4)
    ds.attrs["extractor"] = {"name": "x"}  # a dict, as older versions had it
    with pytest.raises(SchemaError, match="attr 'extractor'") as info:
        write_pose_netcdf(tmp_path / "bad.nc", ds)
    assert "bad.nc" in str(info.value) and not (tmp_path / "bad.nc").exists()


def test_a_file_that_is_not_netcdf_is_a_schema_error(tmp_path):
    path = tmp_path / "x.nc"
    path.write_text("not netcdf")
    with pytest.raises(SchemaError, match="NetCDF") as info:
        read_pose_netcdf(path)
    assert "x.nc" in str(info.value)


# ------------------------------------------------------------------ hostile files (issue 23)
def _with_h5py(tmp_path, edit) -> Path:
    """A pose file of ours, then edited with h5py (``edit(h5py.File)``), as an attacker would."""
    h5py = pytest.importorskip("h5py")
    path = write_pose_netcdf(tmp_path / "clip.nc", random_pose(10))
    with h5py.File(path, "r+") as f:
        edit(f)
    return path


@pytest.mark.parametrize("name", ["presence", "leak"])
def test_hdf5_external_storage_pointing_at_a_local_file_is_refused(tmp_path, name):
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"root:x:0:0:root:/root:/bin/bash\n" * 4)
    size = secret.stat().st_size
    path = _with_h5py(tmp_path, lambda f: f.create_dataset(name, shape=(size,), dtype="u1",
                                                           external=[(str(secret), 0, size)]))
    with pytest.raises(SchemaError, match="external storage") as info:
        read_pose_netcdf(path)
    assert "clip.nc" in str(info.value) and "root:x" not in str(info.value)


def test_an_external_link_to_another_hdf5_file_is_refused(tmp_path):
    h5py = pytest.importorskip("h5py")
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["presence"] = np.zeros(3, np.float32)
    path = _with_h5py(tmp_path, lambda f: f.__setitem__("presence", h5py.ExternalLink(str(other), "/presence")))
    with pytest.raises(SchemaError, match="link to"):
        read_pose_netcdf(path)


def test_variables_outside_the_pose_schema_are_refused_on_reading_and_writing(tmp_path):
    path = _with_h5py(tmp_path, lambda f: f.create_dataset("notes", data=np.arange(5)))
    with pytest.raises(SchemaError, match="'notes'"):
        read_pose_netcdf(path)
    ds = random_pose(4)
    ds["notes"] = ("time", np.arange(4))
    with pytest.raises(SchemaError, match="'notes'"):
        write_pose_netcdf(tmp_path / "out.nc", ds)
    assert not (tmp_path / "out.nc").exists()


def test_a_small_file_declaring_a_huge_position_is_refused_before_allocating(tmp_path):
    netCDF4 = pytest.importorskip("netCDF4")
    path = tmp_path / "big.nc"
    with netCDF4.Dataset(path, "w") as nc:
        for dim, n in (("time", 10**6), ("space", 3), ("keypoint", 33), ("individual", 50)):
            nc.createDimension(dim, n)
        nc.createVariable("position", "f4", ("time", "space", "keypoint", "individual"))  # 19.8 GB, never written
    assert path.stat().st_size < 100_000
    with pytest.raises(SchemaError, match="declared") as info:
        read_pose_netcdf(path)
    assert str(4 * 10**6 * 3 * 33 * 50) in str(info.value)


def test_a_string_typed_position_is_a_schema_error_naming_the_variable(tmp_path):
    netCDF4 = pytest.importorskip("netCDF4")
    path = tmp_path / "str.nc"
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", 2)
        nc.createVariable("position", str, ("time",))[:] = np.array(["a", "b"], dtype=object)
    with pytest.raises(SchemaError, match="variable 'position'.*expected numbers"):
        read_pose_netcdf(path)


@pytest.fixture
def tiny_tmpfs(tmp_path):
    """A real 256 KiB tmpfs (needs root and mount permission; skipped otherwise), unmounted afterwards."""
    import subprocess

    point = tmp_path / "disk"
    point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=262144,mode=0755", "tmpfs", str(point)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to fill a disk for real: {done.stderr.strip() or done.returncode}")
    yield point
    subprocess.run(["umount", "-l", str(point)], capture_output=True)


def test_a_full_disk_says_no_space_left_and_names_the_file_leaving_no_temporary(tiny_tmpfs):
    import errno

    ds = random_pose(3000)  # about 1.6 MB of positions and confidences: more than the 256 KiB disk holds
    target = tiny_tmpfs / "clip.mediapipe_pose_33.nc"
    with pytest.raises(OSError) as info:
        write_pose_netcdf(target, ds)
    assert info.value.errno == errno.ENOSPC and "no space left" in str(info.value)
    assert str(target) in str(info.value)
    assert list(tiny_tmpfs.iterdir()) == []  # neither the file nor a temporary
