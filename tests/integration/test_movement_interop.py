"""Real ``movement`` (current release, Python >= 3.12 side environment) on a pose our code wrote.

The side environment is ``.venv-movement`` (``make .venv-movement``; ``make test``
builds it) or the interpreter named by ``ALLOAVA_MOVEMENT_PYTHON``. Without it the
test skips, except in CI (``CI=true``), where a missing environment is a failure.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from alloava_analysis.features.motion import interpolate_gaps, kinematics, mask_low_confidence
from alloava_analysis.io.export.netcdf import read_pose_netcdf, write_pose_netcdf
from alloava_analysis.model import make_pose
from alloava_analysis.schema import get_layout

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "movement_env" / "run_movement.py"
FPS = 30.0
THRESHOLD = 0.5
MAX_GAP = 3  # frames, movement's unit; ours is seconds between the valid frames around a gap: (3 + 1) / fps


def movement_python() -> Path:
    """The side environment's interpreter, or skip (fail in CI) with the reason."""
    named = os.environ.get("ALLOAVA_MOVEMENT_PYTHON")
    python = Path(named) if named else ROOT / ".venv-movement" / "bin" / "python"
    if python.exists():
        return python
    reason = (f"movement side environment absent ({python}): build it with `make .venv-movement` "
              "(Python >= 3.12, movement >= 0.17) or set ALLOAVA_MOVEMENT_PYTHON")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def _pose() -> xr.Dataset:
    """Every keypoint on its own smooth path, some low-confidence points and NaN gaps of 2 and 6 frames."""
    rng = np.random.default_rng(7)
    lay = get_layout("mediapipe_pose_33")
    n = 90
    t = np.arange(n) / FPS
    phase = rng.uniform(0, 2 * np.pi, (2, len(lay)))
    pos = 0.5 + 0.2 * np.sin(2 * np.pi * 0.7 * t[:, None, None] + phase[None])
    conf = rng.uniform(0.55, 1.0, (n, len(lay)))
    conf[rng.random((n, len(lay))) < 0.05] = 0.3   # below the threshold: filtered by both
    pos[20:22, :, 15] = np.nan                      # a 2-frame gap: filled by both
    pos[40:46, :, 16] = np.nan                      # a 6-frame gap: left by both
    return make_pose(pos, time=t, layout="mediapipe_pose_33", confidence=conf, fps=FPS, source="planted.mp4",
                     extractor={"name": "fixture", "version": "1", "model_sha256": "ab" * 32},
                     frame_size=(640, 480))


@pytest.fixture(scope="module")
def movement_run(tmp_path_factory):
    python = movement_python()
    work = tmp_path_factory.mktemp("movement")
    ds = _pose()
    src = write_pose_netcdf(work / "pose.nc", ds)
    proc = subprocess.run([str(python), str(SCRIPT), str(src), str(work), str(THRESHOLD), str(MAX_GAP)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"movement refused our pose file:\n{proc.stderr[-4000:]}"
    report = json.loads((work / "report.json").read_text())
    with xr.open_dataset(work / "results.nc") as results:
        results = results.load()
    return ds, work, report, results


def test_movement_validates_and_rebuilds_our_pose(movement_run):
    ds, _, report, _ = movement_run
    major, minor = (int(p) for p in report["movement_version"].split(".")[:2])
    assert (major, minor) >= (0, 17)
    assert report["dims"] == {"position": list(ds["position"].dims), "confidence": list(ds["confidence"].dims)}
    assert report["from_numpy_dims"] == report["dims"] and report["from_numpy_same_values"]
    assert report["time"] == ds["time"].values.tolist()
    assert report["attrs"]["ds_type"] == "poses" and report["attrs"]["fps"] == FPS


def test_movement_filtering_matches_ours(movement_run):
    ds, _, _, results = movement_run
    ours = mask_low_confidence(ds, threshold=THRESHOLD)["position"]
    np.testing.assert_array_equal(results["filtered"].transpose(*ours.dims).values, ours.values)
    assert np.isnan(ours.values).sum() > np.isnan(ds["position"].values).sum()  # the filter did something
    filled = interpolate_gaps(mask_low_confidence(ds, threshold=THRESHOLD), max_gap_s=(MAX_GAP + 1) / FPS)
    theirs = results["filled"].transpose(*ours.dims).values
    np.testing.assert_allclose(theirs, filled["position"].values, atol=1e-6, equal_nan=True)
    assert np.isfinite(theirs[20:22, :, 15]).all() and np.isnan(theirs[40:46, :, 16]).all()


def test_movement_kinematics_match_ours(movement_run):
    ds, _, _, results = movement_run
    ours = kinematics(ds, isotropic=False)
    for name, theirs in (("velocity", results["velocity"]), ("speed", results["speed"]),
                         ("acceleration_magnitude", results["acceleration_magnitude"])):
        mine = ours[name]
        np.testing.assert_allclose(theirs.transpose(*mine.dims).values, mine.values, rtol=1e-5, atol=1e-6,
                                   equal_nan=True, err_msg=name)
    shoulders = ds["position"].sel(keypoint=["left_shoulder", "right_shoulder"]).values
    width = np.linalg.norm(shoulders[:, :, 0] - shoulders[:, :, 1], axis=1)
    np.testing.assert_allclose(results["shoulder_distance"].values.reshape(width.shape), width, rtol=1e-6)


def test_netcdf_round_trip_through_movement_is_lossless(movement_run):
    ds, work, _, _ = movement_run
    xr.testing.assert_identical(read_pose_netcdf(work / "pose.nc"), ds)      # our writer -> our reader
    xr.testing.assert_identical(read_pose_netcdf(work / "resaved.nc"), ds)   # movement's save -> our reader
