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
) -> LandmarkTrack:
    """A front-view track; offsets are pixels (arrays of shape (T,) or scalars).

    ``foot_dy[side] < 0`` lifts that foot. ``hip_tilt_px`` lowers the left hip and raises
    the right one by that many pixels. ``wrist_dx[side]`` moves a wrist away from the
    body (outwards). ``knee_dx[side]`` moves a knee towards the midline. ``trunk_dx``
    moves the shoulders (and head) sideways, tilting the trunk: towards the image right
    for positive values.
    """
    t = np.asarray(times_s, dtype=float)
    n = len(t)
    foot_dx = foot_dx or {}
    foot_dy = foot_dy or {}
    wrist_dx = wrist_dx or {}
    knee_dx = knee_dx or {}

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
        knee_y = (hip_y + ankle_y) / 2
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
