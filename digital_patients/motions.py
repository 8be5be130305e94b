"""Motion scripts: a posture per time for each task, with controlled impairments.

Notes
-----
World frame: metres, ``z`` up, floor at ``z = 0``, the body faces ``-y``, the person's
left is ``+x``. The impairment amounts steer the motion; they are *not* the truth.
The truth is measured afterwards from the rig's joint centres as the camera sees
them (:mod:`digital_patients.truth`).

Signs of :class:`Impairment`: ``pelvic_drop_deg`` > 0 drops the pelvis on the side of
the unsupported limb; ``knee_valgus_deg`` > 0 turns the stance knee towards the
midline; ``trunk_lean_deg`` > 0 leans the trunk towards the stance limb, < 0 away.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from digital_patients import kinematics as kin
from digital_patients.posture import FORWARD, Posture, Segments

TASKS = ("step_down", "single_leg_squat", "single_leg_stance", "gait")


@dataclass(frozen=True)
class Impairment:
    pelvic_drop_deg: float = 0.0
    knee_valgus_deg: float = 0.0
    trunk_lean_deg: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MotionSpec:
    """What the digital patient does.

    ``stance_side`` is the limb on the box / on the ground (None for gait).
    ``box_height_m`` is used by ``step_down`` only. ``repetitions`` for step-down and
    squat; ``hold_s`` for single-leg stance; ``cycle_s`` and ``speed_m_s`` for gait.
    """

    task: str
    stance_side: str | None
    impairment: Impairment = Impairment()
    duration_s: float = 8.0
    repetitions: int = 3
    rep_s: float = 2.0
    pause_s: float = 0.3
    hold_s: float = 5.0
    box_height_m: float = 0.20
    cycle_s: float = 1.1
    speed_m_s: float = 1.1
    toe_out_deg: float = 8.0
    gait_impaired_side: str | None = None

    def as_dict(self) -> dict:
        d = asdict(self)
        d["impairment"] = self.impairment.as_dict()
        return d


@dataclass(frozen=True)
class ScriptedEvent:
    """An event as the script defines it: stance side and the time span of the movement."""

    side: str
    start_s: float
    end_s: float


def _smooth(u):
    """0 -> 1 with zero slope at both ends (for u clipped to [0, 1])."""
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3 - 2 * u)


def _lat(side: str) -> float:
    """World x direction of the person's side (+1 left, -1 right)."""
    return 1.0 if side == "left" else -1.0


def _other(side: str) -> str:
    return "right" if side == "left" else "left"


def pelvis_rotation(*, stance_side: str, drop_deg: float, anterior_tilt_deg: float = 0.0,
                    yaw_deg: float = 0.0) -> np.ndarray:
    """Pelvis world rotation dropping the side opposite ``stance_side`` by ``drop_deg``."""
    return kin.rot_z(yaw_deg) @ kin.rot_y(-_lat(stance_side) * drop_deg) @ kin.rot_x(anterior_tilt_deg)


def trunk_rotation(*, stance_side: str, lean_deg: float, flexion_deg: float) -> np.ndarray:
    """Trunk world rotation: lean towards ``stance_side`` (> 0) and forward flexion."""
    return kin.rot_y(_lat(stance_side) * lean_deg) @ kin.rot_x(flexion_deg)


def _rep_profile(t: np.ndarray, spec: MotionSpec, start_s: float) -> tuple[np.ndarray, list]:
    """Depth fraction (0 top, 1 bottom) over time and the repetition spans."""
    depth = np.zeros_like(t)
    spans = []
    for r in range(spec.repetitions):
        t0 = start_s + r * (spec.rep_s + spec.pause_s)
        t1 = t0 + spec.rep_s
        u = (t - t0) / spec.rep_s
        inside = (u >= 0) & (u <= 1)
        depth[inside] = 0.5 - 0.5 * np.cos(2 * np.pi * u[inside])
        spans.append((t0, t1))
    return depth, spans


def _single_leg_postures(spec: MotionSpec, seg: Segments, rest_hip_half_width_m: float,
                         t: np.ndarray, *, peak_knee_flexion_deg: float,
                         stance_z: float) -> tuple[list, list]:
    """Step-down and single-leg squat: one leg loaded, repetitions of knee bends."""
    side = spec.stance_side
    lat = _lat(side)
    other = _other(side)
    imp = spec.impairment
    depth, spans = _rep_profile(t, spec, start_s=0.8)
    ankle_s = np.array([lat * 0.04, 0.0, stance_z + seg.ankle_height_m])
    foot_s = kin.rot_z(lat * spec.toe_out_deg)
    foot_o = kin.rot_z(-lat * spec.toe_out_deg)
    postures = []
    for d in depth:
        psi = np.radians(5.0 + (peak_knee_flexion_deg - 5.0) * d)
        beta, theta = 0.45 * psi, 0.55 * psi
        knee_y = ankle_s[1] - seg.shank_m * np.sin(beta)
        # sagittal construction (shank leaning forward by beta, thigh back by theta), then the
        # stance hip 4.5 cm lateral of the ankle at the hip-ankle distance that knee angle gives
        reach = np.sqrt(seg.thigh_m**2 + seg.shank_m**2 + 2 * seg.thigh_m * seg.shank_m * np.cos(psi))
        hip = np.array([ankle_s[0] + lat * 0.045, knee_y + seg.thigh_m * np.sin(theta), 0.0])
        hip[2] = ankle_s[2] + np.sqrt(reach**2 - (hip[0] - ankle_s[0]) ** 2 - (hip[1] - ankle_s[1]) ** 2)
        drop = 1.0 * d + imp.pelvic_drop_deg * d
        pelvis = pelvis_rotation(stance_side=side, drop_deg=drop, anterior_tilt_deg=4.0 + 10.0 * d)
        trunk = trunk_rotation(stance_side=side, lean_deg=imp.trunk_lean_deg * d, flexion_deg=8.0 + 22.0 * d)
        head = kin.rot_x(-2.0 + 8.0 * d)
        valgus = 3.0 + imp.knee_valgus_deg * d
        pole_s = kin.unit(FORWARD + np.tan(np.radians(valgus)) * np.array([-lat, 0.0, 0.0]))
        other_hip = hip + pelvis @ np.array([-lat * 2 * rest_hip_half_width_m, 0.0, 0.0])
        if spec.task == "step_down":
            top = np.array([other_hip[0] - lat * 0.02, -0.02, stance_z + seg.ankle_height_m + 0.03])
            bottom = np.array([other_hip[0] - lat * 0.03, -0.04, seg.ankle_height_m])
            ankle_o = top + (bottom - top) * d
            foot_rot_o = foot_o
        else:  # single-leg squat: the other leg held forward, off the floor
            ankle_o = other_hip + np.array([-lat * 0.01, -0.30 - 0.10 * d, -0.66])
            ankle_o[2] = max(ankle_o[2], seg.ankle_height_m + 0.06)
            foot_rot_o = foot_o @ kin.rot_x(15.0)
        postures.append(Posture(
            pelvis=pelvis, trunk=trunk, head=head,
            ankles={side: ankle_s, other: ankle_o},
            knee_poles={side: pole_s, other: FORWARD.copy()},
            feet={side: foot_s, other: foot_rot_o},
            stance_side=side, stance_hip=hip, arms="waist",
            trunk_frontal_deg=lat * imp.trunk_lean_deg * d,
        ))
    events = [ScriptedEvent(side, t0, t1) for (t0, t1) in spans if t1 <= t[-1]]
    return postures, events


def step_down_depth_for_reach(spec: MotionSpec, seg: Segments, rest_hip_half_width_m: float) -> float:
    """Peak stance-knee flexion (deg) at which the other heel just reaches the floor."""
    lo, hi = 20.0, 110.0
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        (posture,), _ = _single_leg_postures(spec, seg, rest_hip_half_width_m, np.array([0.8 + spec.rep_s / 2]),
                                             peak_knee_flexion_deg=mid, stance_z=spec.box_height_m)
        hip_o = posture.stance_hip + posture.pelvis @ np.array(
            [-_lat(spec.stance_side) * 2 * rest_hip_half_width_m, 0.0, 0.0])
        reach = np.linalg.norm(posture.ankles[_other(spec.stance_side)] - hip_o)
        if reach > 0.975 * (seg.thigh_m + seg.shank_m):
            lo = mid
        else:
            hi = mid
    return hi


def single_leg_stance(spec: MotionSpec, seg: Segments, rest_hip_half_width_m: float,
                      t: np.ndarray) -> tuple[list, list]:
    """Stand, shift weight, lift the other foot (knee bent, foot behind), hold, put it down."""
    side = spec.stance_side
    lat = _lat(side)
    other = _other(side)
    imp = spec.impairment
    t_shift, t_lift = 0.6, 1.2
    lift_s = 0.5
    t_down = t_lift + lift_s + spec.hold_s
    shift = _smooth((t - t_shift) / 0.6) * (1 - _smooth((t - t_down - lift_s) / 0.6))
    lift = _smooth((t - t_lift) / lift_s) * (1 - _smooth((t - t_down) / lift_s))
    hold_u = np.clip((t - t_lift - lift_s) / max(spec.hold_s, 1e-6), 0, 1)
    ankle_s = np.array([lat * 0.09, 0.0, seg.ankle_height_m])
    postures = []
    for k in range(len(t)):
        sway = 0.4 * np.sin(2 * np.pi * 0.7 * t[k]) * lift[k]
        # fatigue: the drop and lean grow a little over the hold
        grow = lift[k] * (0.8 + 0.2 * hold_u[k])
        drop = (0.5 + imp.pelvic_drop_deg) * grow + sway
        pelvis = pelvis_rotation(stance_side=side, drop_deg=drop, anterior_tilt_deg=5.0)
        trunk = trunk_rotation(stance_side=side, lean_deg=imp.trunk_lean_deg * grow, flexion_deg=3.0)
        # the stance hip moves out over the foot as the weight shifts; knee almost straight
        hip = np.array([ankle_s[0] + lat * (0.02 + 0.03 * shift[k]), 0.01, 0.0])
        hip[2] = ankle_s[2] + np.sqrt((0.99 * (seg.thigh_m + seg.shank_m)) ** 2 - (hip[0] - ankle_s[0]) ** 2)
        other_hip = hip + pelvis @ np.array([-lat * 2 * rest_hip_half_width_m, 0.0, 0.0])
        down = np.array([-lat * 0.09, 0.0, seg.ankle_height_m])
        knee_up = other_hip + seg.thigh_m * np.array([0.0, -np.sin(np.radians(15)), -np.cos(np.radians(15))])
        up = knee_up + seg.shank_m * np.array([0.0, np.sin(np.radians(65)), -np.cos(np.radians(65))])
        ankle_o = down + (up - down) * lift[k]
        ankle_o[2] = max(ankle_o[2], seg.ankle_height_m)
        foot_o = kin.rot_z(-lat * spec.toe_out_deg) @ kin.rot_x(95.0 * lift[k])
        valgus = 2.0 + imp.knee_valgus_deg * grow
        pole_s = kin.unit(FORWARD + np.tan(np.radians(valgus)) * np.array([-lat, 0.0, 0.0]))
        postures.append(Posture(
            pelvis=pelvis, trunk=trunk, head=kin.rot_x(0.0),
            ankles={side: ankle_s, other: ankle_o},
            knee_poles={side: pole_s, other: FORWARD.copy()},
            feet={side: kin.rot_z(lat * spec.toe_out_deg), other: foot_o},
            stance_side=side, stance_hip=hip, arms="waist",
            trunk_frontal_deg=lat * imp.trunk_lean_deg * grow,
        ))
    events = [ScriptedEvent(side, t_lift, t_down + lift_s)] if t_down + lift_s <= t[-1] else []
    return postures, events


def _gait_phase(t: np.ndarray, spec: MotionSpec, side: str) -> np.ndarray:
    offset = 0.0 if side == "left" else 0.5
    return np.mod(t / spec.cycle_s - offset, 1.0)


STANCE_FRACTION = 0.62


def gait(spec: MotionSpec, seg: Segments, rest_hip_half_width_m: float, t: np.ndarray,
         *, belt_z: float) -> tuple[list, list]:
    """Treadmill walking in place: feet ride the belt backwards in stance, swing forwards."""
    imp = spec.impairment
    stride_m = spec.speed_m_s * spec.cycle_s * STANCE_FRACTION
    legs = {}
    for side in ("left", "right"):
        p = _gait_phase(t, spec, side)
        stance = p < STANCE_FRACTION
        u = np.where(stance, p / STANCE_FRACTION, (p - STANCE_FRACTION) / (1 - STANCE_FRACTION))
        y = np.where(stance, -stride_m / 2 + stride_m * u, stride_m / 2 - stride_m * _smooth(u))
        lift = np.where(stance, 0.0, 0.09 * np.sin(np.pi * u) ** 1.5)
        bump = np.where(stance, np.sin(np.pi * np.clip(u / 0.8, 0, 1)) ** 2, 0.0)
        pitch = np.where(stance, 0.0, 25.0 * np.sin(np.pi * u) * (1 - u) - 10.0 * u * np.sin(np.pi * u))
        legs[side] = dict(p=p, stance=stance, y=y, lift=lift, bump=bump, pitch=pitch)
    postures = []
    leg_m = seg.thigh_m + seg.shank_m
    for k in range(len(t)):
        amount = {s: (0.0 if spec.gait_impaired_side not in (None, s) else 1.0) for s in ("left", "right")}
        drop_lr = {s: (1.5 + amount[s] * imp.pelvic_drop_deg) * legs[s]["bump"][k] for s in ("left", "right")}
        # left stance drops the right side: rotation as for stance_side="left"
        pelvis = (pelvis_rotation(stance_side="left", drop_deg=drop_lr["left"] - drop_lr["right"],
                                  anterior_tilt_deg=6.0, yaw_deg=4.0 * np.sin(2 * np.pi * t[k] / spec.cycle_s)))
        lean = {s: amount[s] * imp.trunk_lean_deg * legs[s]["bump"][k] for s in ("left", "right")}
        trunk = trunk_rotation(stance_side="left", lean_deg=lean["left"] - lean["right"], flexion_deg=4.0)
        sway = 0.025 * (legs["left"]["bump"][k] - legs["right"]["bump"][k])
        ankles, feet = {}, {}
        for side in ("left", "right"):
            lat = _lat(side)
            ankles[side] = np.array([lat * 0.07, legs[side]["y"][k], belt_z + seg.ankle_height_m + legs[side]["lift"][k]])
            feet[side] = kin.rot_z(lat * 6.0) @ kin.rot_x(legs[side]["pitch"][k])
        mid = np.array([sway, 0.0, 0.0])
        heights = []
        for side in ("left", "right"):
            lat = _lat(side)
            hip_offset = pelvis @ np.array([lat * rest_hip_half_width_m, 0.0, 0.0])
            hip_xy = mid[:2] + hip_offset[:2]
            d_xy = np.linalg.norm(ankles[side][:2] - hip_xy)
            reach = 0.975 * leg_m if legs[side]["stance"][k] else 0.999 * leg_m
            heights.append(ankles[side][2] + np.sqrt(max(reach**2 - d_xy**2, 0.0)) - hip_offset[2])
        mid[2] = min(heights)
        # each leg is forwardmost at its contact (phase 0): the opposite arm swings forward with it
        leg_forward = {s: np.cos(2 * np.pi * legs[s]["p"][k]) for s in ("left", "right")}
        postures.append(Posture(
            pelvis=pelvis, trunk=trunk, head=kin.rot_x(-3.0),
            ankles=ankles, knee_poles={"left": FORWARD.copy(), "right": FORWARD.copy()}, feet=feet,
            stance_side=None, mid_hip=mid, arms="swing",
            arm_swing_deg={"left": 22.0 * leg_forward["right"], "right": 22.0 * leg_forward["left"]},
            trunk_frontal_deg=lean["left"] - lean["right"],
        ))
    events = []
    dt = np.median(np.diff(t))
    for side in ("left", "right"):
        st = legs[side]["stance"]
        edges = np.flatnonzero(np.diff(st.astype(int)))
        starts = [e + 1 for e in edges if st[e + 1]]
        ends = [e for e in edges if st[e]]
        for s0 in starts:
            later = [e for e in ends if e > s0]
            if later:
                events.append(ScriptedEvent(side, float(t[s0]), float(t[later[0]] + dt)))
    events.sort(key=lambda e: e.start_s)
    return postures, events


def script(spec: MotionSpec, seg: Segments, rest_hip_half_width_m: float, t: np.ndarray) -> tuple[list, list]:
    """Postures at times ``t`` (s) and the scripted events for ``spec``."""
    if spec.task == "step_down":
        peak = step_down_depth_for_reach(spec, seg, rest_hip_half_width_m)
        return _single_leg_postures(spec, seg, rest_hip_half_width_m, t, peak_knee_flexion_deg=peak,
                                    stance_z=spec.box_height_m)
    if spec.task == "single_leg_squat":
        return _single_leg_postures(spec, seg, rest_hip_half_width_m, t, peak_knee_flexion_deg=70.0, stance_z=0.0)
    if spec.task == "single_leg_stance":
        return single_leg_stance(spec, seg, rest_hip_half_width_m, t)
    if spec.task == "gait":
        return gait(spec, seg, rest_hip_half_width_m, t, belt_z=0.0)
    raise ValueError(f"unknown task {spec.task!r}; expected one of {TASKS}")
