"""Run real ``movement`` functions on a pose NetCDF file written by alloava_analysis.

Runs inside the side environment (Python >= 3.12, ``movement`` >= 0.17), started
by ``tests/integration/test_movement_interop.py`` as::

    .venv-movement/bin/python tests/movement_env/run_movement.py IN.nc OUT_DIR THRESHOLD MAX_GAP_FRAMES

It loads the file the way movement does (``xr.open_dataset``), checks it with
movement's validators, rebuilds it through ``load_poses.from_numpy`` (movement's
checked constructor), runs its filtering and kinematics, and writes
``OUT_DIR/results.nc`` (movement's outputs), ``OUT_DIR/resaved.nc`` (the dataset
saved again by movement's NetCDF writer, ``ds.to_netcdf``) and
``OUT_DIR/report.json``. Any failure raises, so the exit status says whether
movement accepted our data.
"""
import json
import sys
from pathlib import Path

import movement
import numpy as np
import xarray as xr
from movement.filtering import filter_by_confidence, interpolate_over_time
from movement.io import load_poses
from movement.kinematics import compute_acceleration, compute_pairwise_distances, compute_speed, compute_velocity
from movement.utils.vector import compute_norm
from movement.validators.arrays import validate_dims_coords
from movement.validators.datasets import ValidPosesInputs


def main(src: str, out_dir: str, threshold: float, max_gap: int) -> None:
    out = Path(out_dir)
    ds = xr.open_dataset(src)
    ValidPosesInputs.validate(ds)  # required variables and dims of a movement poses dataset
    validate_dims_coords(ds["position"], {"time": [], "space": ["x", "y"], "keypoint": [], "individual": []})
    rebuilt = load_poses.from_numpy(
        position_array=ds["position"].values, confidence_array=ds["confidence"].values,
        individual_names=[str(i) for i in ds["individual"].values],
        keypoint_names=[str(k) for k in ds["keypoint"].values], fps=ds.attrs["fps"],
        source_software=ds.attrs["source_software"])
    filtered = filter_by_confidence(ds["position"], ds["confidence"], threshold=threshold)
    filled = interpolate_over_time(filtered, max_gap=max_gap)
    velocity = compute_velocity(ds["position"])
    results = xr.Dataset({
        "filtered": filtered,
        "filled": filled,
        "velocity": velocity,
        "speed": compute_speed(ds["position"]),
        "acceleration_magnitude": compute_norm(compute_acceleration(ds["position"])),
        "shoulder_distance": compute_pairwise_distances(
            ds["position"], dim="keypoint", pairs={"left_shoulder": "right_shoulder"}),
    })
    results.to_netcdf(out / "results.nc")
    ds.load().to_netcdf(out / "resaved.nc")  # movement's NetCDF save is xarray's
    report = {
        "movement_version": movement.__version__,
        "python": sys.version.split()[0],
        "dims": {name: list(ds[name].dims) for name in ("position", "confidence")},
        "from_numpy_dims": {name: list(rebuilt[name].dims) for name in ("position", "confidence")},
        "from_numpy_same_values": bool(
            np.array_equal(rebuilt["position"].values, ds["position"].values, equal_nan=True)
            and np.array_equal(rebuilt["confidence"].values, ds["confidence"].values, equal_nan=True)
            and list(rebuilt["keypoint"].values) == list(ds["keypoint"].values)),
        "time": ds["time"].values.tolist(),
        "attrs": {k: v if isinstance(v, (str, int, float)) else repr(v) for k, v in ds.attrs.items()},
    }
    (out / "report.json").write_text(json.dumps(report, default=float))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
