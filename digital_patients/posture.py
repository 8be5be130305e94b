"""Turn a posture (where the feet, hips and segments should be) into bone rotations.

Notes
-----
World frame: metres, ``z`` up, floor at ``z = 0``, the body faces ``-y``, the person's
left is ``+x``. The pelvis segment is the root with ``pelvis.L/R`` and the lower spine
(``spine05``, ``spine04``, ``spine03``): Anny skins the iliac crests, ASIS and PSIS mostly
to those spine bones, so they must tilt with the hip joint centres for the drop to
be visible. The trunk segment starts at ``spine02``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from digital_patients import kinematics as kin
from digital_patients.body import SIDE_SUFFIX, RestBody

PELVIS_BONES = ("root", "pelvis.L", "pelvis.R", "spine05", "spine04", "spine03")
FORWARD = np.array([0.0, -1.0, 0.0])


@dataclass
class Posture:
    """One frame's targets, in world coordinates.

    ``stance_hip`` is the world position of the stance hip joint centre when
    ``stance_side`` is set; for gait (``stance_side`` None) ``mid_hip`` places the pelvis.
    Ankles are targets for two-bone IK; poles are the directions the knees bulge to.
    ``trunk_frontal_deg``, if set, turns the trunk in the frontal plane so that the line
    mid-hip -> mid-shoulder makes this angle with the vertical (> 0 = shoulders towards
    the person's left, ``+x``), whatever the pelvis does below it.
    ``arms`` is ``"waist"`` (hands on the iliac crests) or ``"swing"`` (gait arm swing
    by ``arm_swing_deg`` per side, positive = arm forward).
    """

    pelvis: np.ndarray
    trunk: np.ndarray
    head: np.ndarray
    ankles: dict
    knee_poles: dict
    feet: dict
    stance_side: str | None = None
    stance_hip: np.ndarray | None = None
    mid_hip: np.ndarray | None = None
    arms: str = "waist"
    arm_swing_deg: dict = field(default_factory=lambda: {"left": 0.0, "right": 0.0})
    trunk_frontal_deg: float | None = None


@dataclass(frozen=True)
class Segments:
    """Rest geometry the solver needs, measured once per body."""

    thigh_m: float
    shank_m: float
    upper_arm_m: float
    forearm_m: float
    ankle_height_m: float
    foot_half_width_m: float


def measure_segments(rest: RestBody) -> Segments:
    h = rest.heads
    i = rest.index
    labels = np.array(rest.labels)
    foot = np.array([b.startswith(("foot.L", "toe")) and b.endswith(".L") for b in labels[rest.dominant_bone]])
    foot_vertices = rest.vertices[foot]
    return Segments(
        thigh_m=float(np.linalg.norm(h[i("lowerleg01.L")] - h[i("upperleg01.L")])),
        shank_m=float(np.linalg.norm(h[i("foot.L")] - h[i("lowerleg01.L")])),
        upper_arm_m=float(np.linalg.norm(h[i("lowerarm01.L")] - h[i("upperarm01.L")])),
        forearm_m=float(np.linalg.norm(h[i("wrist.L")] - h[i("lowerarm01.L")])),
        ankle_height_m=float(h[i("foot.L")][2] - foot_vertices[:, 2].min()),
        foot_half_width_m=float(np.ptp(foot_vertices[:, 0]) / 2),
    )


def _frame_rotation(a0, f0, a1, f1) -> np.ndarray:
    """Rotation taking the orthonormal frame (a0, f0, a0 x f0) to (a1, f1, a1 x f1)."""
    def frame(a, f):
        a = kin.unit(a)
        f = kin.unit(f - np.dot(f, a) * a)
        return np.column_stack([a, f, np.cross(a, f)])
    return frame(a1, f1) @ frame(a0, f0).T


def _hinge(rest: RestBody, given: dict, upper: str, lower: str, end: str,
           top: np.ndarray, middle: np.ndarray, bottom: np.ndarray, bend_dir: np.ndarray,
           rest_bend: np.ndarray) -> None:
    """Rotations of a two-segment limb whose joints land on top -> middle -> bottom."""
    h = rest.heads
    a0 = h[rest.index(lower)] - h[rest.index(upper)]
    b0 = h[rest.index(end)] - h[rest.index(lower)]
    a1 = middle - top
    b1 = bottom - middle
    f1 = bend_dir - np.dot(bend_dir, kin.unit(a1)) * kin.unit(a1)
    if np.linalg.norm(f1) < 1e-9:
        f1 = rest_bend
    g_upper = _frame_rotation(a0, rest_bend, a1, f1)
    hinge_axis = np.cross(kin.unit(a1), kin.unit(f1))
    f1_lower = np.cross(hinge_axis, kin.unit(b1))
    hinge0 = np.cross(kin.unit(a0), kin.unit(rest_bend - np.dot(rest_bend, kin.unit(a0)) * kin.unit(a0)))
    f0_lower = np.cross(hinge0, kin.unit(b0))
    given[rest.index(upper)] = g_upper
    given[rest.index(lower)] = _frame_rotation(b0, f0_lower, b1, f1_lower)


def solve(rest: RestBody, seg: Segments, posture: Posture) -> tuple[np.ndarray, np.ndarray]:
    """World rotation per bone and the root head position for one posture."""
    i = rest.index
    h = rest.heads
    mid_rest = (h[i("upperleg01.L")] + h[i("upperleg01.R")]) / 2
    if posture.stance_side is not None:
        hip_rest = h[i(f"upperleg01.{SIDE_SUFFIX[posture.stance_side]}")]
        root = posture.stance_hip - posture.pelvis @ (hip_rest - h[0])
    else:
        root = posture.mid_hip - posture.pelvis @ (mid_rest - h[0])
    given = {i(b): posture.pelvis for b in PELVIS_BONES}
    trunk = posture.trunk
    for _ in range(4 if posture.trunk_frontal_deg is not None else 1):
        given[i("spine02")] = trunk
        given[i("neck01")] = trunk @ posture.trunk.T @ posture.head
        rotations = kin.complete_rotations(rest.parents, given)
        heads = kin.posed_heads(rest.parents, h, rotations, root)
        if posture.trunk_frontal_deg is None:
            break
        up = (heads[i("upperarm01.L")] + heads[i("upperarm01.R")]) / 2 - (
            heads[i("upperleg01.L")] + heads[i("upperleg01.R")]) / 2
        now = np.degrees(np.arctan2(up[0], up[2]))
        trunk = kin.rot_y(posture.trunk_frontal_deg - now) @ trunk
    for side, s in SIDE_SUFFIX.items():
        hip = heads[i(f"upperleg01.{s}")]
        ankle = posture.ankles[side]
        knee = kin.two_bone_knee(hip, ankle, seg.thigh_m, seg.shank_m, posture.knee_poles[side])
        _hinge(rest, given, f"upperleg01.{s}", f"lowerleg01.{s}", f"foot.{s}", hip, knee, ankle,
               posture.knee_poles[side], FORWARD)
        given[i(f"foot.{s}")] = posture.feet[side]
    rotations = kin.complete_rotations(rest.parents, given)
    heads = kin.posed_heads(rest.parents, h, rotations, root)
    for side, s in SIDE_SUFFIX.items():
        lat = 1.0 if side == "left" else -1.0
        shoulder = heads[i(f"upperarm01.{s}")]
        if posture.arms == "waist":
            elbow_dir = posture.trunk @ kin.unit(np.array([0.55 * lat, 0.55, -0.65]))
            elbow = shoulder + seg.upper_arm_m * elbow_dir
            crest = heads[i(f"upperleg01.{s}")] + posture.pelvis @ np.array([0.05 * lat, -0.03, 0.12])
            hand = elbow + seg.forearm_m * kin.unit(crest - elbow)
        else:
            swing = posture.arm_swing_deg[side]
            down = posture.trunk @ kin.unit(np.array([0.12 * lat, 0.0, -1.0]))
            elbow = shoulder + seg.upper_arm_m * (kin.rot_x(-swing) @ down)
            fore = kin.rot_x(-swing - 25.0) @ down
            hand = elbow + seg.forearm_m * fore
        bend = kin.unit(hand - elbow) + 1e-6 * FORWARD
        _hinge(rest, given, f"upperarm01.{s}", f"lowerarm01.{s}", f"wrist.{s}", shoulder, elbow, hand,
               bend, FORWARD)
    rotations = kin.complete_rotations(rest.parents, given)
    return rotations, root
