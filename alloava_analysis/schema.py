"""Keypoint layouts, body-part groups and layout conversions.

Layouts follow the extractors' own orderings: MediaPipe Pose (33), Face Mesh with
irises (478), Hands (21 per hand) and OpenPose BODY-18 (COCO-18 ordering). Every
keypoint also carries a ``body_part`` (body / face / left_hand / right_hand), the
coordinate stored on pose datasets.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import SchemaError, UnknownNameError

MEDIAPIPE_POSE_33 = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner",
    "right_eye", "right_eye_outer", "left_ear", "right_ear", "mouth_left",
    "mouth_right", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index",
    "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
)

OPENPOSE_BODY_18 = (
    "nose", "neck", "right_shoulder", "right_elbow", "right_wrist",
    "left_shoulder", "left_elbow", "left_wrist", "right_hip", "right_knee",
    "right_ankle", "left_hip", "left_knee", "left_ankle", "right_eye",
    "left_eye", "right_ear", "left_ear",
)

MEDIAPIPE_HAND_21 = (
    "wrist", "thumb_cmc", "thumb_mcp", "thumb_ip", "thumb_tip",
    "index_finger_mcp", "index_finger_pip", "index_finger_dip", "index_finger_tip",
    "middle_finger_mcp", "middle_finger_pip", "middle_finger_dip", "middle_finger_tip",
    "ring_finger_mcp", "ring_finger_pip", "ring_finger_dip", "ring_finger_tip",
    "pinky_mcp", "pinky_pip", "pinky_dip", "pinky_tip",
)

MEDIAPIPE_FACE_478 = tuple(f"face_{i:03d}" for i in range(478))

# Face-mesh indices used downstream (eyelids for blinks, lips for mouth opening).
FACE_LANDMARKS = {
    "upper_lip_inner": 13, "lower_lip_inner": 14, "mouth_left": 61, "mouth_right": 291,
    "left_eye_upper": 386, "left_eye_lower": 374, "left_eye_outer": 263, "left_eye_inner": 362,
    "right_eye_upper": 159, "right_eye_lower": 145, "right_eye_outer": 33, "right_eye_inner": 133,
    "nose_tip": 1,
}


@dataclass(frozen=True)
class Layout:
    """A named, ordered set of keypoints with body parts and analysis groups."""

    name: str
    keypoints: tuple[str, ...]
    body_part: tuple[str, ...]
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.keypoints)

    def index(self, names) -> list[int]:
        """Positions of ``names`` in this layout.

        Parameters
        ----------
        names
            Keypoint names of this layout, in any order; an unknown one raises
            :class:`~alloava_analysis.errors.UnknownNameError` (also a ``KeyError``) listing them.

        Returns
        -------
        list of int
            The index of each name in :attr:`keypoints`, in the order of ``names``.
        """
        lookup = {k: i for i, k in enumerate(self.keypoints)}
        missing = [n for n in names if n not in lookup]
        if missing:
            raise UnknownNameError(f"expected names of keypoints in layout {self.name!r}, got {missing}",
                                   name="names")
        return [lookup[n] for n in names]


def _pose_groups(names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    def pick(*wanted):
        # Match the name without its side ("left_foot_index" is a foot, not an "index" finger).
        return tuple(n for n in names if n.removeprefix("left_").removeprefix("right_") in wanted)

    head = pick("nose", "eye_inner", "eye", "eye_outer", "ear", "mouth_left", "mouth_right")
    if "neck" in names:
        head = head + ("neck",)
    torso = pick("shoulder", "hip") + (("neck",) if "neck" in names else ())
    arms = pick("shoulder", "elbow", "wrist")
    hands = pick("wrist", "pinky", "index", "thumb")
    legs = pick("hip", "knee", "ankle", "heel", "foot_index")
    upper_body = tuple(dict.fromkeys(head + torso + arms + hands))
    return {"head": head, "torso": torso, "arms": arms, "hands": hands, "legs": legs,
            "upper_body": upper_body}


def _hand_names(side: str) -> tuple[str, ...]:
    return tuple(f"{side}_hand_{n}" for n in MEDIAPIPE_HAND_21)


def _build_layouts() -> dict[str, Layout]:
    pose = Layout("mediapipe_pose_33", MEDIAPIPE_POSE_33, ("body",) * 33,
                  _pose_groups(MEDIAPIPE_POSE_33))
    openpose = Layout("openpose_body_18", OPENPOSE_BODY_18, ("body",) * 18,
                      _pose_groups(OPENPOSE_BODY_18))
    face = Layout("mediapipe_face_478", MEDIAPIPE_FACE_478, ("face",) * 478,
                  {"face": MEDIAPIPE_FACE_478})
    left, right = _hand_names("left"), _hand_names("right")
    hands = Layout("mediapipe_hands_42", left + right, ("left_hand",) * 21 + ("right_hand",) * 21,
                   {"left_hand": left, "right_hand": right, "hands": left + right})
    holistic_groups = dict(pose.groups)
    holistic_groups.update(face=MEDIAPIPE_FACE_478, left_hand=left, right_hand=right,
                           fingers=left + right)
    holistic = Layout("mediapipe_holistic",
                      pose.keypoints + face.keypoints + hands.keypoints,
                      pose.body_part + face.body_part + hands.body_part,
                      holistic_groups)
    return {lay.name: lay for lay in (pose, openpose, face, hands, holistic)}


#: Bones of MediaPipe pose 33 (pairs of keypoint names): the skeleton plots and overlay videos draw.
POSE_BONES = (
    ("left_shoulder", "right_shoulder"), ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"), ("left_shoulder", "left_hip"),
    ("right_shoulder", "right_hip"), ("left_hip", "right_hip"), ("left_wrist", "left_index"),
    ("right_wrist", "right_index"), ("nose", "left_eye"), ("nose", "right_eye"), ("left_eye", "left_ear"),
    ("right_eye", "right_ear"), ("mouth_left", "mouth_right"), ("left_hip", "left_knee"),
    ("right_hip", "right_knee"), ("left_knee", "left_ankle"), ("right_knee", "right_ankle"),
)
#: Bones of one MediaPipe hand (pairs of indices into :data:`MEDIAPIPE_HAND_21`).
HAND_BONES = ((0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 6), (6, 7), (7, 8), (5, 9), (9, 10), (10, 11),
              (11, 12), (9, 13), (13, 14), (14, 15), (15, 16), (13, 17), (0, 17), (17, 18), (18, 19), (19, 20))

LAYOUTS: dict[str, Layout] = _build_layouts()
GROUPS = ("head", "torso", "arms", "hands", "legs", "upper_body")


def get_layout(name: str) -> Layout:
    """Return the layout called ``name``; the error lists the known layouts.

    Parameters
    ----------
    name
        A key of :data:`LAYOUTS` (``"mediapipe_pose_33"``, ``"openpose_body_18"``, ...).

    Returns
    -------
    Layout
        The layout's keypoints, body parts and groups.
    """
    try:
        return LAYOUTS[name]
    except (KeyError, TypeError):  # TypeError: an unhashable name
        raise UnknownNameError(f"invalid value for layout: expected one of {sorted(LAYOUTS)}, got {name!r}",
                               name="layout", allowed=tuple(sorted(LAYOUTS))) from None


def group_keypoints(layout: str, group: str) -> tuple[str, ...]:
    """Keypoint names of ``group`` (head, torso, arms, hands, upper_body, ...) in ``layout``.

    Parameters
    ----------
    layout
        A key of :data:`LAYOUTS`.
    group
        One of the layout's groups (:data:`GROUPS` for the body layouts; ``face``,
        ``left_hand``, ``right_hand``, ``hands``, ``fingers`` where the layout has them).

    Returns
    -------
    tuple of str
        The group's keypoint names, in layout order.
    """
    lay = get_layout(layout)
    if not isinstance(group, str) or group not in lay.groups:
        raise UnknownNameError(f"invalid value for group: expected one of {sorted(lay.groups)} (the groups of "
                               f"layout {layout!r}), got {group!r}", name="group", allowed=tuple(sorted(lay.groups)))
    return lay.groups[group]


def layout_for_count(n_keypoints: int) -> str | None:
    """Name of the layout with exactly ``n_keypoints`` points, or None.

    Parameters
    ----------
    n_keypoints
        Number of points per frame (18, 33, 42, 478 or 553).

    Returns
    -------
    str or None
        The key of :data:`LAYOUTS`, or None when no layout has that many points.
    """
    return {33: "mediapipe_pose_33", 18: "openpose_body_18", 478: "mediapipe_face_478",
            42: "mediapipe_hands_42", 553: "mediapipe_holistic"}.get(n_keypoints)


def mediapipe33_to_openpose18(position: np.ndarray, confidence: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Convert MediaPipe pose-33 arrays to OpenPose BODY-18.

    The neck is the shoulder midpoint with the lower of the two shoulder
    confidences; the other 17 points are copied from their MediaPipe namesakes.

    Parameters
    ----------
    position
        Shape (time, space, 33, ...), keypoints in MediaPipe order; NaN marks a missing point.
    confidence
        Shape (time, 33, ...).

    Returns
    -------
    position, confidence
        Shapes (time, space, 18, ...) and (time, 18, ...), keypoints in OpenPose BODY-18 order.
    """
    src = LAYOUTS["mediapipe_pose_33"]
    if position.shape[2] != 33 or confidence.shape[1] != 33:
        raise SchemaError(f"expected 33 MediaPipe keypoints on axis 2 of position and axis 1 of "
                          f"confidence, got shapes {position.shape} and {confidence.shape}")
    shoulders = src.index(["left_shoulder", "right_shoulder"])
    out_pos = np.empty(position.shape[:2] + (18,) + position.shape[3:], dtype=position.dtype)
    out_conf = np.empty(confidence.shape[:1] + (18,) + confidence.shape[2:], dtype=confidence.dtype)
    for j, name in enumerate(OPENPOSE_BODY_18):
        if name == "neck":
            out_pos[:, :, j] = position[:, :, shoulders].mean(axis=2)
            out_conf[:, j] = confidence[:, shoulders].min(axis=1)
        else:
            i = src.index([name])[0]
            out_pos[:, :, j] = position[:, :, i]
            out_conf[:, j] = confidence[:, i]
    return out_pos, out_conf
