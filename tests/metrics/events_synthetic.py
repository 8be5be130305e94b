"""A synthetic person seen from the front, for event and task tests: positions known exactly.

The person faces the camera, so their left side is on the image right. Pixels, x right,
y down. Standing: hips 60 px apart at y = 500, knees at 700, ankles at 900, so a leg is
400 px long (hip-knee 200 + knee-ankle 200). Every motion is given as offsets in pixels
per frame: the mid-hip (the whole upper body moves with it) and each foot (the knee
stays halfway between hip and ankle).
"""

from __future__ import annotations

import numpy as np

from vision.landmarks import LANDMARK_NAMES
from vision.track import LandmarkTrack

LEG_PX = 400.0
HIP_Y = 500.0
ANKLE_Y = HIP_Y + LEG_PX
CENTRE_X = 500.0
PELVIS_PX = 60.0
WIDTH, HEIGHT = 1000, 1200


def raised_cosine(times_s: np.ndarray, start_s: float, duration_s: float) -> np.ndarray:
    """0 outside [start, start + duration], a smooth bump up to 1 at its middle."""
    phase = (np.asarray(times_s) - start_s) / duration_s
    inside = (phase >= 0) & (phase <= 1)
    return np.where(inside, 0.5 * (1 - np.cos(2 * np.pi * np.clip(phase, 0, 1))), 0.0)


def smooth_step(times_s: np.ndarray, start_s: float, duration_s: float) -> np.ndarray:
    """0 before start, 1 after start + duration, a half-cosine ramp between."""
    phase = np.clip((np.asarray(times_s) - start_s) / duration_s, 0, 1)
    return 0.5 * (1 - np.cos(np.pi * phase))


def make_track(
    times_s: np.ndarray,
    *,
    mid_hip_dx: np.ndarray | float = 0.0,
    mid_hip_dy: np.ndarray | float = 0.0,
    foot_dx: dict | None = None,
    foot_dy: dict | None = None,
    hip_tilt_px: np.ndarray | float = 0.0,
    wrist_dx: dict | None = None,
    knee_dx: dict | None = None,
    trunk_dx: np.ndarray | float = 0.0,
    knee_dy: dict | None = None,
) -> LandmarkTrack:
    """A front-view track; offsets are pixels (arrays of shape (T,) or scalars).

    ``foot_dy[side] < 0`` lifts that foot. ``hip_tilt_px`` lowers the left hip and raises
    the right one by that many pixels. ``wrist_dx[side]`` moves a wrist away from the
    body (outwards). ``knee_dx[side]`` moves a knee towards the midline, ``knee_dy[side]``
    down the image (negative: up, e.g. a thigh lifted forwards). ``trunk_dx`` moves the
    shoulders (and head) sideways, tilting the trunk: towards the image right for
    positive values.
    """
    t = np.asarray(times_s, dtype=float)
    n = len(t)
    foot_dx = foot_dx or {}
    foot_dy = foot_dy or {}
    wrist_dx = wrist_dx or {}
    knee_dx = knee_dx or {}
    knee_dy = knee_dy or {}

    def arr(v):
        return np.broadcast_to(np.asarray(v, dtype=float), (n,)).copy()

    mdx, mdy, tilt = arr(mid_hip_dx), arr(mid_hip_dy), arr(hip_tilt_px)
    tdx = arr(trunk_dx)
    xy = np.full((n, len(LANDMARK_NAMES), 2), np.nan)

    def put(name, x, y):
        xy[:, LANDMARK_NAMES.index(name), 0] = x
        xy[:, LANDMARK_NAMES.index(name), 1] = y

    outward = {"left": +1.0, "right": -1.0}  # image direction of the person's side (facing camera)
    for side, s in outward.items():
        hip_x = CENTRE_X + mdx + s * PELVIS_PX / 2
        hip_y = HIP_Y + mdy + (tilt if side == "left" else -tilt)
        ankle_x = CENTRE_X + s * PELVIS_PX / 2 + arr(foot_dx.get(side, 0.0))
        ankle_y = ANKLE_Y + arr(foot_dy.get(side, 0.0))
        knee_x = (hip_x + ankle_x) / 2 - s * arr(knee_dx.get(side, 0.0))
        knee_y = (hip_y + ankle_y) / 2 + arr(knee_dy.get(side, 0.0))
        put(f"{side}_hip", hip_x, hip_y)
        put(f"{side}_knee", knee_x, knee_y)
        put(f"{side}_ankle", ankle_x, ankle_y)
        put(f"{side}_heel", ankle_x, ankle_y + 15)
        put(f"{side}_foot_index", ankle_x + s * 2, ankle_y + 25)
        sh_x = CENTRE_X + mdx + tdx + s * 50
        sh_y = HIP_Y - 250 + mdy
        put(f"{side}_shoulder", sh_x, sh_y)
        put(f"{side}_elbow", sh_x + s * 20, sh_y + 120)
        wx = hip_x + s * (10 + arr(wrist_dx.get(side, 0.0)))
        put(f"{side}_wrist", wx, hip_y)
        for part in ("pinky", "index", "thumb"):
            put(f"{side}_{part}", wx, hip_y + 10)
        put(f"{side}_eye", CENTRE_X + mdx + tdx + s * 12, HIP_Y - 340 + mdy)
        put(f"{side}_eye_inner", CENTRE_X + mdx + tdx + s * 6, HIP_Y - 340 + mdy)
        put(f"{side}_eye_outer", CENTRE_X + mdx + tdx + s * 18, HIP_Y - 340 + mdy)
        put(f"{side}_ear", CENTRE_X + mdx + tdx + s * 25, HIP_Y - 335 + mdy)
        put(f"mouth_{side}", CENTRE_X + mdx + tdx + s * 8, HIP_Y - 315 + mdy)
    put("nose", CENTRE_X + mdx + tdx, HIP_Y - 330 + mdy)
    return LandmarkTrack(
        times_s=t,
        xy_px=xy,
        visibility=np.ones((n, len(LANDMARK_NAMES))),
        width=WIDTH,
        height=HEIGHT,
    )


def steady_times(duration_s: float, rate_hz: float = 30.0) -> np.ndarray:
    return np.arange(int(round(duration_s * rate_hz))) / rate_hz


def variable_times(duration_s: float, seed: int = 3) -> np.ndarray:
    """Phone-like variable frame rate: intervals between 1/40 and 1/20 s, a few dropped frames."""
    rng = np.random.default_rng(seed)
    dt = rng.uniform(1 / 40, 1 / 20, size=int(duration_s * 40))
    dt[::17] = 0.1
    t = np.concatenate([[0.0], np.cumsum(dt)])
    return t[t <= duration_s]


def walking_overground(
    times_s: np.ndarray,
    *,
    towards: bool = True,
    stride_s: float = 1.0,
    stance_frac: float = 0.6,
    stride_m: float = 1.2,
    left_contact_s: float = 0.2,
    start_distance_m: float = 9.0,
    treadmill: bool = False,
    pelvis_bob_m: float = 0.0,
) -> tuple[LandmarkTrack, dict[str, list[tuple[float, float]]]]:
    """A stick figure walking straight towards (or away from) a pinhole camera.

    With ``treadmill`` the pelvis stays at ``start_distance_m`` and the belt carries each
    planted foot backwards at the walking speed (``towards`` then means facing the camera).

    Returns the track and, per foot, the true stance phases ``(contact_s, foot_off_s)``
    that lie wholly inside the clip. Camera: 1.0 m high, focal length 1000 px, principal
    point (500, 600). Heights in metres: hip 0.9, knee 0.5, ankle 0.1, shoulder 1.4,
    head 1.6; hips 0.2 m apart. Each foot is planted for ``stance_frac`` of the stride and
    swings forward by ``stride_m`` (lifting 0.1 m) for the rest; the right foot half a
    stride after the left. The pelvis moves forward at ``stride_m / stride_s``; with
    ``pelvis_bob_m`` it and the upper body are that much lower at each contact than at
    mid-stance (a smooth rise and fall, twice a stride).
    """
    t = np.asarray(times_s, dtype=float)
    n = len(t)
    speed = stride_m / stride_s
    swing_s = (1 - stance_frac) * stride_s

    def foot_forward_and_lift(contact0_s):
        # position of the foot along the walkway (m) and its lift (m), planted at contact
        forward = np.zeros(n)
        lift = np.zeros(n)
        phases = []
        k_min = int(np.floor((t[0] - contact0_s) / stride_s)) - 1
        k_max = int(np.ceil((t[-1] - contact0_s) / stride_s)) + 1
        for k in range(k_min, k_max + 1):
            contact = contact0_s + k * stride_s
            off = contact + stance_frac * stride_s
            # the foot lands half a step ahead of the pelvis
            planted_at = speed * contact + stride_m / 4
            stance = (t >= contact) & (t < off)
            forward[stance] = planted_at
            swing = (t >= off) & (t < off + swing_s)
            phase = (t[swing] - off) / swing_s
            forward[swing] = planted_at + stride_m * 0.5 * (1 - np.cos(np.pi * phase))
            lift[swing] = 0.1 * 0.5 * (1 - np.cos(2 * np.pi * phase))
            if contact >= t[0] and off <= t[-1]:
                phases.append((contact, off))
        return forward, lift, phases

    truth = {}
    feet = {}
    for side, contact0 in (("left", left_contact_s), ("right", left_contact_s + stride_s / 2)):
        forward, lift, phases = foot_forward_and_lift(contact0)
        feet[side] = (forward, lift)
        truth[side] = phases
    pelvis = speed * t
    if treadmill:
        for side in feet:
            forward, lift = feet[side]
            feet[side] = (forward - pelvis, lift)
        pelvis = 0 * t

    def depth(forward_m):
        return start_distance_m - forward_m if towards else start_distance_m + forward_m

    xy = np.full((n, len(LANDMARK_NAMES), 2), np.nan)

    def put(name, lateral_m, height_m, forward_m):
        z = depth(forward_m)
        xy[:, LANDMARK_NAMES.index(name), 0] = 500 + 1000 * lateral_m / z
        xy[:, LANDMARK_NAMES.index(name), 1] = 600 + 1000 * (1.0 - height_m) / z

    # lowest at each contact (left at left_contact_s, right half a stride later)
    up = -pelvis_bob_m * 0.5 * (1 + np.cos(4 * np.pi * (t - left_contact_s) / stride_s))
    outward = {"left": 1.0, "right": -1.0} if towards else {"left": -1.0, "right": 1.0}
    for side, s in outward.items():
        forward, lift = feet[side]
        put(f"{side}_hip", s * 0.1, 0.9 + up, pelvis)
        put(f"{side}_knee", s * 0.1, 0.5 + lift / 2, (pelvis + forward) / 2)
        put(f"{side}_ankle", s * 0.1, 0.1 + lift, forward)
        put(f"{side}_heel", s * 0.1, 0.05 + lift, forward - 0.05)
        put(f"{side}_foot_index", s * 0.1, 0.02 + lift, forward + 0.15)
        put(f"{side}_shoulder", s * 0.18, 1.4 + up, pelvis)
        put(f"{side}_elbow", s * 0.2, 1.15 + up, pelvis)
        for part in ("wrist", "pinky", "index", "thumb"):
            put(f"{side}_{part}", s * 0.2, 0.9 + up, pelvis)
        for part, dx in (("eye_inner", 0.02), ("eye", 0.03), ("eye_outer", 0.04), ("ear", 0.07)):
            put(f"{side}_{part}", s * dx, 1.6 + up, pelvis)
        put(f"mouth_{side}", s * 0.02, 1.55 + up, pelvis)
    put("nose", 0 * t, 1.58 + up, pelvis)
    track = LandmarkTrack(
        times_s=t, xy_px=xy, visibility=np.ones((n, len(LANDMARK_NAMES))), width=WIDTH, height=HEIGHT
    )
    return track, truth
