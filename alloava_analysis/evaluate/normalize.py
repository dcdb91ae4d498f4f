"""Pose normalisation for evaluation: translation- and scale-free, planar, on a fixed analysis clock.

Version 1 (``alloava-shoulder-frame`` v1), applied to every pose before any
evaluation metric:

1. the first individual of the MediaPipe pose 33 layout (else OpenPose 18);
2. points below confidence 0.5 are missing
   (:func:`~alloava_analysis.features.motion.mask_low_confidence`);
3. planar coordinates only (x, y; MediaPipe's z is a noisy relative depth),
   made isotropic (normalised x times the frame width, y times the frame
   height) when the frame size is known;
4. per frame, the origin moved to the shoulder midpoint (removes any
   translation: camera pans, a speaker walking or swaying);
5. divided by the clip's median shoulder width
   (:func:`~alloava_analysis.features.motion.shoulder_width`), so positions
   are in shoulder widths (removes body size, camera distance, resolution);
   then gaps up to 0.5 s are filled by linear interpolation
   (:func:`~alloava_analysis.features.motion.interpolate_gaps`; after
   centring, so camera motion cannot leak into the filled stretches);
6. the 11 keypoints that MediaPipe 33 and OpenPose 18 share above the hips
   (:data:`EVAL_KEYPOINTS`, set ``"upper_body"``; or set ``"head"``, the 7
   head and shoulder points, for videos framed without arms) resampled linearly onto a fixed clock of
   ``rate_hz`` frames per second from the first frame
   (:func:`~alloava_analysis.clocks.resample_to_times`), so real and
   generated motion at different frame rates are compared on one clock.

Metrics computed on this representation are invariant to per-frame
translation and to a constant scale of the coordinates, but not to in-plane
rotation of the camera.
"""
from __future__ import annotations

import numpy as np
import xarray as xr

from ..checks import check_nonnegative, check_option, check_positive, check_range
from ..clocks import resample_to_times
from ..errors import ParameterError
from ..features.motion import interpolate_gaps, mask_low_confidence, pixel_scale, shoulder_width
from ..model import POSITION_DIMS, make_pose, validate_pose

__all__ = ["EVAL_KEYPOINTS", "HEAD_KEYPOINTS", "KEYPOINT_SETS", "LAYOUT_PREFERENCE", "NORMALIZATION",
           "keypoint_set", "normalize_pose", "pick_pose"]

_KP, _IND = POSITION_DIMS[2], POSITION_DIMS[3]

#: The keypoints every metric is computed on (present in MediaPipe 33 and OpenPose 18).
EVAL_KEYPOINTS = ("nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
                  "left_elbow", "right_elbow", "left_wrist", "right_wrist")
#: For talking heads framed at the shoulders (no arms in the picture): head and shoulders only.
HEAD_KEYPOINTS = EVAL_KEYPOINTS[:7]
#: Named keypoint sets (``keypoints=`` of the evaluation; reported in its settings).
KEYPOINT_SETS = {"upper_body": EVAL_KEYPOINTS, "head": HEAD_KEYPOINTS}
#: Which layout of a clip is evaluated, in order of preference.
LAYOUT_PREFERENCE = ("mediapipe_pose_33", "openpose_body_18")
#: Name, version and definition of the normalisation, reported in every result.
NORMALIZATION = {
    "name": "alloava-shoulder-frame",
    "version": "1",
    "definition": "first individual; confidence < 0.5 masked; planar x, y (isotropic pixels when the frame "
                  "size is known); origin at the per-frame shoulder midpoint; divided by the clip-median shoulder "
                  "width; then gaps <= 0.5 s interpolated (threshold and gap settable, reported in settings); "
                  "11 keypoints shared by MediaPipe 33 and "
                  "OpenPose 18 above the hips; linear resampling to a fixed analysis rate",
    "keypoint_sets": {k: list(v) for k, v in KEYPOINT_SETS.items()},
    "units": "shoulder widths",
}


def keypoint_set(name: str) -> tuple[str, ...]:
    """The keypoints of the named set (:data:`KEYPOINT_SETS`).

    Parameters
    ----------
    name
        ``"upper_body"`` or ``"head"``.

    Returns
    -------
    tuple
        The keypoint names, in evaluation order.
    """
    return KEYPOINT_SETS[check_option("name", name, tuple(KEYPOINT_SETS), extra="the names of KEYPOINT_SETS")]


def pick_pose(poses: dict[str, xr.Dataset]) -> xr.Dataset | None:
    """The pose a clip is evaluated on: the first of :data:`LAYOUT_PREFERENCE` it has, else None.

    Parameters
    ----------
    poses
        Layout name -> pose dataset (a clip's ``poses``).

    Returns
    -------
    xarray.Dataset or None
        The preferred pose, or None when the clip has neither layout.
    """
    for name in LAYOUT_PREFERENCE:
        if name in poses:
            return poses[name]
    return None


def normalize_pose(ds: xr.Dataset, *, rate_hz: float | None = 30.0, keypoints: tuple[str, ...] = EVAL_KEYPOINTS,
                   confidence_threshold: float = 0.5, max_gap_s: float = 0.5) -> xr.Dataset:
    """The pose in the evaluation frame (see the module docstring), as a pose dataset.

    Parameters
    ----------
    ds
        A pose dataset (MediaPipe 33 or OpenPose 18, any coordinates).
    rate_hz
        Analysis frame rate in Hz (> 0); None keeps the clip's own frame times.
    keypoints
        Keypoints to keep (the shoulders are always needed for the frame).
    confidence_threshold, max_gap_s
        Points below the confidence (0 to 1) are missing; gaps up to ``max_gap_s`` seconds are interpolated.

    Returns
    -------
    xarray.Dataset
        Positions ``(time, space=[x, y], keypoint, individual)`` in shoulder
        widths, NaN where missing; attrs ``normalization`` (name and version),
        ``units`` and ``shoulder_width`` (in the input's isotropic units).

    Raises
    ------
    ParameterError
        An option is out of range, or ``keypoints`` names a keypoint the layout lacks.
    ValueError
        The shoulders are never visible.
    """
    check_positive("rate_hz", rate_hz, allow_none=True)
    if isinstance(keypoints, str) or not isinstance(keypoints, (tuple, list, np.ndarray)) or \
            not all(isinstance(k, str) for k in keypoints):
        raise ParameterError(f"invalid value for keypoints: expected a tuple of keypoint names, got {keypoints!r}",
                             name="keypoints")
    check_range("confidence_threshold", confidence_threshold, 0.0, 1.0)
    check_nonnegative("max_gap_s", max_gap_s)
    validate_pose(ds)
    names = list(ds[_KP].values)
    missing = [k for k in keypoints if k not in names]
    if missing:
        raise ParameterError(f"invalid value for keypoints: expected keypoints {missing} in the pose to normalise "
                             f"it, got layout {ds.attrs.get('layout')!r} in {ds.attrs.get('source') or 'pose'}",
                             name="keypoints")
    one = mask_low_confidence(ds.isel({_IND: [0]}), threshold=confidence_threshold)
    width = float(shoulder_width(one).values[0])
    scale = pixel_scale(ds)[:2]
    pos = one["position"].isel(space=[0, 1], **{_IND: 0}).values.astype(np.float64) * scale[None, :, None]
    sh = [names.index("left_shoulder"), names.index("right_shoulder")]
    origin = pos[:, :, sh].mean(axis=2, keepdims=True)
    keep = [names.index(k) for k in keypoints]
    # centred before the gaps are filled, so a moving camera cannot leak into the interpolated stretches
    centred = make_pose(((pos[:, :, keep] - origin) / width).astype(np.float32), time=ds["time"].values,
                        layout=ds.attrs.get("layout", "mediapipe_pose_33"), keypoints=list(keypoints),
                        coords="pixels")
    out = interpolate_gaps(centred, max_gap_s=max_gap_s)["position"].values[..., 0].astype(np.float64)
    t = ds["time"].values
    if rate_hz is not None:
        n = int(np.floor((t[-1] - t[0]) * rate_hz + 1e-6)) + 1
        target = t[0] + np.arange(n) / rate_hz
        out = resample_to_times(out, t, target, method="linear")
        t = target
    res = make_pose(out.astype(np.float32), time=t, layout=ds.attrs.get("layout", "mediapipe_pose_33"),
                    keypoints=list(keypoints), individuals=(str(ds[_IND].values[0]),),
                    fps=rate_hz, source=ds.attrs.get("source") or None, coords="pixels")
    res.attrs.update(normalization=f"{NORMALIZATION['name']} v{NORMALIZATION['version']}",
                     units=NORMALIZATION["units"], shoulder_width=width)
    return res
