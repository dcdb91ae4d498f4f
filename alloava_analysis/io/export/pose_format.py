"""``.pose`` files (the sign-language community's format, PyPI ``pose-format``): import and export.

Keypoint names are mapped so that pose-format recognises the layout
(``pose_format.utils.generic.detect_known_pose_format``):

* MediaPipe pose 33, face 478 and hands 21 x 2 (and the holistic layout, which
  is all of them) become pose-format's *holistic* components
  ``POSE_LANDMARKS`` (points ``NOSE``, ``LEFT_SHOULDER``, ...),
  ``FACE_LANDMARKS`` (points ``"0"`` .. ``"477"``), ``LEFT_HAND_LANDMARKS`` /
  ``RIGHT_HAND_LANDMARKS`` (``WRIST``, ``THUMB_CMC``, ...), and a pose's
  ``world_position`` variable ``POSE_WORLD_LANDMARKS``;
* OpenPose BODY-18 becomes OpenPose's ``pose_keypoints_2d`` (BODY_25 names;
  the 7 points BODY-18 lacks are written missing).

A missing point (NaN) has confidence 0, which is what pose-format masks.
Coordinates: a normalised pose with a known frame size is written in pixels
(x * width, y * height, z unchanged, as pose-format's MediaPipe reader does)
with the frame size in the header; without a frame size the header is 1 x 1
and the values stay normalised. What a ``.pose`` file cannot hold: timestamps
(it stores a frame rate, so frame i is at i / fps) and individual names.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import xarray as xr

from ...errors import SchemaError
from ...model import make_pose, validate_pose
from ...schema import MEDIAPIPE_HAND_21, MEDIAPIPE_POSE_33, OPENPOSE_BODY_18
from ..atomic import atomic_write

POSE, FACE, LEFT_HAND, RIGHT_HAND, WORLD = ("POSE_LANDMARKS", "FACE_LANDMARKS", "LEFT_HAND_LANDMARKS",
                                             "RIGHT_HAND_LANDMARKS", "POSE_WORLD_LANDMARKS")
OPENPOSE = "pose_keypoints_2d"
COMPONENT_ORDER = (POSE, FACE, LEFT_HAND, RIGHT_HAND, WORLD, OPENPOSE)  # pose-format's holistic order
# MediaPipe's own topology (mediapipe.tasks.python.vision PoseLandmarksConnections / HandLandmarksConnections).
POSE_LIMBS = ((0, 1), (1, 2), (2, 3), (3, 7), (0, 4), (4, 5), (5, 6), (6, 8), (9, 10), (11, 12), (11, 13),
              (13, 15), (15, 17), (15, 19), (15, 21), (17, 19), (12, 14), (14, 16), (16, 18), (16, 20), (16, 22),
              (18, 20), (11, 23), (12, 24), (23, 24), (23, 25), (24, 26), (25, 27), (26, 28), (27, 29), (28, 30),
              (29, 31), (30, 32), (27, 31), (28, 32))
HAND_LIMBS = ((0, 1), (0, 5), (9, 13), (13, 17), (5, 9), (0, 17), (1, 2), (2, 3), (3, 4), (5, 6), (6, 7), (7, 8),
              (9, 10), (10, 11), (11, 12), (13, 14), (14, 15), (15, 16), (17, 18), (18, 19), (19, 20))
#: OpenPose BODY-18 (COCO order) name -> BODY_25 name.
OPENPOSE_25 = {"nose": "Nose", "neck": "Neck", "right_shoulder": "RShoulder", "right_elbow": "RElbow",
               "right_wrist": "RWrist", "left_shoulder": "LShoulder", "left_elbow": "LElbow", "left_wrist": "LWrist",
               "right_hip": "RHip", "right_knee": "RKnee", "right_ankle": "RAnkle", "left_hip": "LHip",
               "left_knee": "LKnee", "left_ankle": "LAnkle", "right_eye": "REye", "left_eye": "LEye",
               "right_ear": "REar", "left_ear": "LEar"}
WRITE_ORDER = ("mediapipe_pose_33", "mediapipe_holistic", "mediapipe_face_478", "mediapipe_hands_42",
               "openpose_body_18")


def _component_of(layout: str, name: str) -> tuple[str, str]:
    """(pose-format component, point name) of our keypoint ``name`` of ``layout``."""
    if layout == "openpose_body_18":
        return OPENPOSE, OPENPOSE_25[name]
    if name.startswith("face_"):
        return FACE, str(int(name[5:]))
    for side, comp in (("left_hand_", LEFT_HAND), ("right_hand_", RIGHT_HAND)):
        if name.startswith(side):
            return comp, name[len(side):].upper()
    return POSE, name.upper()


def _full_points(component: str) -> tuple[list[str], tuple[tuple[int, int], ...]]:
    """All point names of a component in pose-format's order, and its limbs."""
    if component in (POSE, WORLD):
        return [n.upper() for n in MEDIAPIPE_POSE_33], POSE_LIMBS
    if component in (LEFT_HAND, RIGHT_HAND):
        return [n.upper() for n in MEDIAPIPE_HAND_21], HAND_LIMBS
    if component == FACE:
        return [str(i) for i in range(478)], ()
    from pose_format.utils.openpose import BODY_LIMBS, BODY_POINTS, limbs_index
    return list(BODY_POINTS), tuple(limbs_index(BODY_LIMBS, BODY_POINTS))


def _component(name: str, present: list[str], point_format: str):
    """A header component holding ``present`` points (a subset keeps pose-format's order and limbs)."""
    from pose_format.pose_header import PoseHeaderComponent
    from pose_format.utils.openpose import hand_colors
    full, limbs = _full_points(name)
    if name == OPENPOSE:
        points = full  # BODY_25 always whole: pose-format's OpenPose helpers index it by name
    else:
        keep = set(present)
        points = [p for p in full if p in keep]
    index = {p: i for i, p in enumerate(points)}
    kept = [(index[full[a]], index[full[b]]) for a, b in limbs if full[a] in index and full[b] in index]
    colors = hand_colors if name in (LEFT_HAND, RIGHT_HAND) else [(255, 0, 0)] if name != FACE else [(128, 0, 0)]
    return PoseHeaderComponent(name=name, points=points, limbs=kept, colors=colors, point_format=point_format)


def write_pose_file(path: str | Path, poses: dict[str, xr.Dataset] | xr.Dataset) -> Path:
    """Write one clip's poses (same clock, same number of spatial coordinates) as a ``.pose`` file.

    MediaPipe layouts become holistic components, OpenPose BODY-18 becomes
    ``pose_keypoints_2d``. Warns when the frame times are not ``i / fps``
    (a ``.pose`` file holds a frame rate, not timestamps).

    Parameters
    ----------
    path
        The ``.pose`` file to write.
    poses
        Layout name -> pose dataset, layouts from :data:`WRITE_ORDER` (a single
        dataset is accepted and keyed by its ``attrs["layout"]``), all on one clock; the frame rate
        written is the first one's ``attrs["fps"]``, which must be positive.

    Returns
    -------
    Path
        ``path``.
    """
    from pose_format import Pose
    from pose_format.numpy import NumPyPoseBody
    from pose_format.pose_header import PoseHeader, PoseHeaderDimensions

    path = Path(path)
    if isinstance(poses, xr.Dataset):
        poses = {poses.attrs.get("layout", ""): poses}
    poses = {name: validate_pose(ds) for name, ds in poses.items()}
    order = [n for n in WRITE_ORDER if n in poses] + [n for n in poses if n not in WRITE_ORDER]
    unknown = [n for n in order if n not in WRITE_ORDER]
    if unknown or not order:
        raise SchemaError(f"expected poses of layouts {list(WRITE_ORDER)}, got {unknown or 'none'}", path=path)
    first = poses[order[0]]
    t = first["time"].values
    n_space, n_ind = first.sizes["space"], first.sizes["individual"]
    for name in order:
        ds = poses[name]
        if not np.array_equal(ds["time"].values, t) or ds.sizes["space"] != n_space or ds.sizes["individual"] != n_ind:
            raise SchemaError(f"expected every layout on one clock with the same space and individuals; {name} "
                              f"differs from {order[0]}: export it to its own .pose file", path=path)
    fps = float(first.attrs.get("fps", np.nan))
    if not np.isfinite(fps) or fps <= 0:
        raise SchemaError(f"expected a positive frame rate to write a .pose file, got {fps}", path=path)
    if t.size and np.abs(t - np.arange(t.size) / fps).max() > 5e-4:
        warnings.warn(f"{path}: frame times are not i / fps ({fps:g}); a .pose file holds a frame rate, not "
                      f"timestamps, so the first frame (at {t[0]:.3f} s) is written at 0 s and uneven steps are "
                      "lost", UserWarning, stacklevel=2)
    width, height = int(first.attrs.get("frame_width", 0) or 0), int(first.attrs.get("frame_height", 0) or 0)
    normalized = first.attrs.get("coords", "normalized") == "normalized"
    scale = np.array([width, height, 1.0][:n_space]) if normalized and width and height else np.ones(n_space)

    point_format = "XYZC" if n_space == 3 else "XYC"
    comps: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
    for name in order:
        ds = poses[name]
        pos = ds["position"].values.astype(np.float64) * scale[None, :, None, None]  # (t, space, kp, ind)
        conf = ds["confidence"].values
        for k, kp in enumerate(ds["keypoint"].values):
            comp, point = _component_of(name, str(kp))
            comps.setdefault(comp, {})[point] = (pos[:, :, k, :], conf[:, k, :])
        if name == "mediapipe_pose_33" and "world_position" in ds and n_space == 3:
            world = ds["world_position"].values.astype(np.float64)
            for k, kp in enumerate(ds["keypoint"].values):
                comps.setdefault(WORLD, {})[str(kp).upper()] = (world[:, :, k, :], conf[:, k, :])
    components = [_component(c, list(comps[c]), point_format) for c in COMPONENT_ORDER if c in comps]
    n = t.size
    data = np.full((n, n_ind, sum(len(c.points) for c in components), n_space), np.nan, np.float32)
    confidence = np.zeros((n, n_ind, data.shape[2]), np.float32)
    offset = 0
    for comp in components:
        for i, point in enumerate(comp.points):
            if point in comps[comp.name]:
                p, c = comps[comp.name][point]
                data[:, :, offset + i] = np.moveaxis(p, 1, 2)  # (t, ind, space)
                confidence[:, :, offset + i] = c
        offset += len(comp.points)
    dims = PoseHeaderDimensions(width=width or 1, height=height or 1, depth=(width or 1) if n_space == 3 else 0)
    pose = Pose(PoseHeader(version=0.2, dimensions=dims, components=components),
                NumPyPoseBody(fps=fps, data=data, confidence=confidence))
    with atomic_write(path, "wb") as handle:
        pose.write(handle)
    return path


def read_pose_file(path: str | Path, *, normalize: bool = False) -> dict[str, xr.Dataset]:
    """Read a ``.pose`` file into pose datasets keyed by layout.

    Holistic components give ``mediapipe_pose_33`` (with ``world_position``
    when ``POSE_WORLD_LANDMARKS`` is there), ``mediapipe_face_478`` and
    ``mediapipe_hands_42``; ``pose_keypoints_2d`` gives ``openpose_body_18``.
    Files holding only some points of a component give those keypoints.
    Frame i is at i / fps. Coordinates are as in the file (``coords="pixels"``
    with the header's frame size, or ``"normalized"`` for a 1 x 1 header).

    Parameters
    ----------
    path
        A pose-format ``.pose`` file.
    normalize
        Divide pixel coordinates by the frame size (``coords="normalized"``).

    Returns
    -------
    dict
        Layout name -> pose dataset, for the layouts the file holds points of.
    """
    from pose_format import Pose

    path = Path(path)
    try:
        pose = Pose.read(path.read_bytes())
    except FileNotFoundError:
        raise
    except Exception as err:  # pose-format raises struct/unicode/value errors on other files
        raise SchemaError(f"expected a pose-format .pose file: {err}", path=path) from None
    header, body = pose.header, pose.body
    names = [c.name for c in header.components]
    known = {POSE, FACE, LEFT_HAND, RIGHT_HAND, WORLD, OPENPOSE}
    if not set(names) & (known - {WORLD}):
        raise SchemaError(f"expected pose-format holistic components ({POSE}, {FACE}, {LEFT_HAND}, {RIGHT_HAND}) or "
                          f"OpenPose {OPENPOSE!r}, got components {names}", path=path)
    ignored = [n for n in names if n not in known]
    if ignored:
        warnings.warn(f"{path}: components {ignored} have no layout here and were not read", UserWarning, stacklevel=2)
    raw = np.asarray(body.data.data if hasattr(body.data, "data") else body.data, dtype=np.float64)
    conf = np.asarray(body.confidence, dtype=np.float32)
    n, n_ind, _, n_space = raw.shape
    width, height = int(header.dimensions.width), int(header.dimensions.height)
    if normalize and (width <= 0 or height <= 0):
        raise SchemaError(f"expected a positive frame size to normalise by (normalize=True), got {width} x {height}",
                          path=path, where="header dimensions")
    pixels = not (width == 1 and height == 1)
    scale = np.array([width, height, 1.0][:n_space]) if pixels and normalize else np.ones(n_space)
    coords = "pixels" if pixels and not normalize else "normalized"
    columns: dict[str, tuple[int, str]] = {}  # (component, point) -> column
    offset = 0
    for comp in header.components:
        for i, point in enumerate(comp.points):
            columns[f"{comp.name}/{point}"] = (offset + i, comp.format)
        offset += len(comp.points)

    def take(layout: str, wanted: list[tuple[str, str, str]]) -> xr.Dataset | None:
        got = [(ours, columns[f"{c}/{p}"][0]) for ours, c, p in wanted if f"{c}/{p}" in columns]
        if not got:
            return None
        idx = [i for _, i in got]
        pos = np.transpose(raw[:, :, idx, :] / scale, (0, 3, 2, 1))  # (t, ind, kp, space) -> (t, space, kp, ind)
        c = np.transpose(conf[:, :, idx], (0, 2, 1))  # (t, kp, ind)
        pos = np.where(c[:, None] > 0, pos, np.nan)  # pose-format masks confidence 0
        return make_pose(pos, time=np.arange(n) / float(body.fps), layout=layout, confidence=c,
                         keypoints=[ours for ours, _ in got], fps=float(body.fps), source=path,
                         individuals=("speaker",) if n_ind == 1 else tuple(f"person_{i}" for i in range(n_ind)),
                         extractor={"name": "pose-format", "header_version": float(header.version)},
                         coords=coords, frame_size=(width, height) if pixels else None,
                         schema_variant="pose-format/" + "+".join(names))

    out: dict[str, xr.Dataset] = {}
    mp33 = take("mediapipe_pose_33", [(k, POSE, k.upper()) for k in MEDIAPIPE_POSE_33])
    if mp33 is not None:
        world = [(k, WORLD, k.upper()) for k in mp33["keypoint"].values if f"{WORLD}/{str(k).upper()}" in columns]
        if len(world) == mp33.sizes["keypoint"]:
            idx = [columns[f"{WORLD}/{p}"][0] for _, _, p in world]
            mp33["world_position"] = (mp33["position"].dims,
                                      np.transpose(raw[:, :, idx, :], (0, 3, 2, 1)).astype(np.float32))
        out["mediapipe_pose_33"] = mp33
    face = take("mediapipe_face_478", [(f"face_{i:03d}", FACE, str(i)) for i in range(478)])
    if face is not None:
        out["mediapipe_face_478"] = face
    hands = take("mediapipe_hands_42", [(f"{s}_hand_{k}", comp, k.upper()) for s, comp in
                                        (("left", LEFT_HAND), ("right", RIGHT_HAND)) for k in MEDIAPIPE_HAND_21])
    if hands is not None:
        out["mediapipe_hands_42"] = hands
    op = take("openpose_body_18", [(k, OPENPOSE, OPENPOSE_25[k]) for k in OPENPOSE_BODY_18])
    if op is not None:
        extra = [p for p in _full_points(OPENPOSE)[0] if p not in OPENPOSE_25.values()
                 and f"{OPENPOSE}/{p}" in columns and (conf[:, :, columns[f'{OPENPOSE}/{p}'][0]] > 0).any()]
        if extra:
            warnings.warn(f"{path}: BODY_25 points {extra} have no place in OpenPose BODY-18 and were not read",
                          UserWarning, stacklevel=2)
        out["openpose_body_18"] = op
    return out
