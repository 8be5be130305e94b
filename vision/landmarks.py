"""The 33 MediaPipe Pose landmarks, by name.

Everything downstream addresses landmarks through these names (``"left_hip"``), never
through bare indices. The order is MediaPipe's own (``PoseLandmark`` in the Tasks API).
"""

from __future__ import annotations

from enum import IntEnum

LANDMARK_NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)

Landmark = IntEnum("Landmark", {name.upper(): i for i, name in enumerate(LANDMARK_NAMES)})
"""``Landmark.LEFT_HIP == 23`` and so on; same numbering as MediaPipe's ``PoseLandmark``."""

SIDES: tuple[str, str] = ("left", "right")


def other_side(side: str) -> str:
    """``"left"`` -> ``"right"`` and back; anything else is a programming error."""
    if side == "left":
        return "right"
    if side == "right":
        return "left"
    raise ValueError(f"side must be 'left' or 'right', got {side!r}")


def mirror_name(name: str) -> str:
    """The same landmark on the person's other side (``left_hip`` <-> ``right_hip``)."""
    if name.startswith("left_"):
        return "right_" + name[len("left_") :]
    if name.startswith("right_"):
        return "left_" + name[len("right_") :]
    if name == "mouth_left":
        return "mouth_right"
    if name == "mouth_right":
        return "mouth_left"
    return name


MIRROR_INDEX: tuple[int, ...] = tuple(LANDMARK_NAMES.index(mirror_name(n)) for n in LANDMARK_NAMES)
"""``xy[:, MIRROR_INDEX]`` swaps every left landmark with its right counterpart."""

SKELETON_EDGES: tuple[tuple[str, str], ...] = (
    ("left_shoulder", "right_shoulder"),
    ("left_shoulder", "left_elbow"),
    ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"),
    ("right_elbow", "right_wrist"),
    ("left_shoulder", "left_hip"),
    ("right_shoulder", "right_hip"),
    ("left_hip", "right_hip"),
    ("left_hip", "left_knee"),
    ("left_knee", "left_ankle"),
    ("left_ankle", "left_heel"),
    ("left_heel", "left_foot_index"),
    ("left_ankle", "left_foot_index"),
    ("right_hip", "right_knee"),
    ("right_knee", "right_ankle"),
    ("right_ankle", "right_heel"),
    ("right_heel", "right_foot_index"),
    ("right_ankle", "right_foot_index"),
)
"""Segments drawn as the skeleton in overlays and reports."""
