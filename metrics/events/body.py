"""Body measures the event detectors need, from a landmark track: feet, mid-hip, sizes.

Notes
-----
Pixels of the upright frame, x right, y down: a *larger* y is *lower* in the image.
Sizes are per frame (a person walking towards the camera grows), and positions are
expressed in leg lengths so that the detectors' thresholds do not depend on the camera
distance or the video resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metrics.events.signals import derivative, interpolate_gaps, lowpass, rolling_median
from vision.landmarks import SIDES
from vision.track import LandmarkTrack

FOOT_POINTS: tuple[str, ...] = ("ankle", "heel", "foot_index")
"""Landmarks averaged into one foot position (per side)."""


@dataclass(frozen=True)
class BodyParams:
    """How the body signals are prepared.

    Attributes
    ----------
    smoothing_cutoff_hz : float
        Low-pass cut-off applied to the foot and mid-hip positions.
    size_window_s : float
        Window of the running median of the leg length and the pelvis width.
    size_cutoff_hz : float
        Low-pass cut-off applied after the running median: body size changes slowly.
    max_gap_s : float
        Missing-landmark gaps bridged by interpolation before filtering.
    """

    smoothing_cutoff_hz: float = 5.0
    size_window_s: float = 1.0
    size_cutoff_hz: float = 0.5
    max_gap_s: float = 0.25


@dataclass(frozen=True)
class BodySignals:
    """Smoothed positions and sizes, per frame.

    Attributes
    ----------
    times_s : ndarray, shape (T,)
    foot_xy_px : dict
        ``{"left": (T, 2), "right": (T, 2)}``, mean of ankle, heel and foot index.
    knee_xy_px : dict
        ``{"left": (T, 2), "right": (T, 2)}``, the knee landmarks, smoothed like the feet (NaN where not seen).
    mid_hip_xy_px : ndarray, shape (T, 2)
    leg_length_px : ndarray, shape (T,)
        Running median of the longer leg's hip-knee plus knee-ankle length (a sum of
        segment lengths, so it does not shrink when the knee bends).
    pelvis_width_px : ndarray, shape (T,)
        Running median of the distance between the hips.
    """

    times_s: np.ndarray
    foot_xy_px: dict[str, np.ndarray]
    mid_hip_xy_px: np.ndarray
    leg_length_px: np.ndarray
    pelvis_width_px: np.ndarray
    knee_xy_px: dict[str, np.ndarray] | None = None

    def foot_y_legs(self, side: str) -> np.ndarray:
        """Foot height as image y in leg lengths (larger = lower in the image)."""
        return self.foot_xy_px[side][:, 1] / self.leg_length_px


def _smooth_xy(times_s: np.ndarray, xy: np.ndarray, params: BodyParams) -> np.ndarray:
    return np.stack(
        [lowpass(times_s, xy[:, k], cutoff_hz=params.smoothing_cutoff_hz, max_gap_s=params.max_gap_s) for k in (0, 1)],
        axis=1,
    )


def _distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.linalg.norm(a - b, axis=1)


def body_signals(track: LandmarkTrack, *, params: BodyParams = BodyParams()) -> BodySignals:
    """Feet, knees, mid-hip, leg length and pelvis width of a track, smoothed.

    Parameters
    ----------
    track : LandmarkTrack
        Landmarks in pixels with anatomical sides.
    params : BodyParams

    Returns
    -------
    BodySignals
    """
    t = np.asarray(track.times_s, dtype=float)
    feet = {}
    for side in SIDES:
        points = np.stack([track.point(f"{side}_{name}") for name in FOOT_POINTS])
        with np.errstate(invalid="ignore"):
            counts = np.sum(np.isfinite(points[..., 0]), axis=0)
            mean = np.where(counts[:, None] > 0, np.nansum(points, axis=0) / np.maximum(counts, 1)[:, None], np.nan)
        feet[side] = _smooth_xy(t, mean, params)
    knees = {side: _smooth_xy(t, track.point(f"{side}_knee"), params) for side in SIDES}
    mid_hip = _smooth_xy(t, (track.point("left_hip") + track.point("right_hip")) / 2.0, params)
    # hip-knee plus knee-ankle (does not shrink when the knee bends); the straight
    # hip-ankle distance where the knee was not seen
    legs = [
        np.fmax(
            _distance(track.point(f"{s}_hip"), track.point(f"{s}_knee"))
            + _distance(track.point(f"{s}_knee"), track.point(f"{s}_ankle")),
            _distance(track.point(f"{s}_hip"), track.point(f"{s}_ankle")),
        )
        for s in SIDES
    ]
    with np.errstate(invalid="ignore"):
        longer = np.fmax(legs[0], legs[1])
    leg = rolling_median(t, longer, window_s=params.size_window_s)
    leg = lowpass(t, interpolate_gaps(t, leg, max_gap_s=np.inf), cutoff_hz=params.size_cutoff_hz)
    width = rolling_median(t, _distance(track.point("left_hip"), track.point("right_hip")), window_s=params.size_window_s)
    width = lowpass(t, interpolate_gaps(t, width, max_gap_s=np.inf), cutoff_hz=params.size_cutoff_hz)
    return BodySignals(
        times_s=t, foot_xy_px=feet, mid_hip_xy_px=mid_hip, leg_length_px=leg, pelvis_width_px=width, knee_xy_px=knees
    )


def foot_speed_legs_per_s(body: BodySignals, side: str, *, vertical_only: bool = False) -> np.ndarray:
    """Image speed of one foot in leg lengths per second (real timestamps).

    With ``vertical_only`` only the image-vertical component counts: in a frontal view a
    swinging foot moves mostly vertically in the image (it lifts, and it comes towards
    or goes away from the camera), while the sideways jitter of the foot landmarks of a
    small, distant person would otherwise look like motion.
    """
    xy = body.foot_xy_px[side]
    vy = derivative(body.times_s, xy[:, 1])
    if vertical_only:
        return np.abs(vy) / body.leg_length_px
    vx = derivative(body.times_s, xy[:, 0])
    return np.hypot(vx, vy) / body.leg_length_px


def lift_legs(times_s: np.ndarray, foot_y_px: np.ndarray, leg_length_px: np.ndarray, *, window_s: float) -> np.ndarray:
    """How far a foot is above where it stands just before and just after, in leg lengths.

    ``lift = min(max(y over the past window) - y, max(y over the coming window) - y) / leg``

    A planted foot is at the lowest image position it holds nearby in time, so its lift
    is about zero; a lifted foot is above both where it was and where it will be, so its
    lift is positive. Taking the smaller of the past and the coming lift keeps a planted
    foot at zero when the person walks towards the camera (the feet move down the image
    over time: the past lift is <= 0) and away from it (the coming lift is <= 0).

    Notes
    -----
    Pixels, y down: "above" is a smaller y. NaN where the foot is missing.
    """
    t = np.asarray(times_s, dtype=float)
    y = np.asarray(foot_y_px, dtype=float)
    lo = np.searchsorted(t, t - window_s, side="left")
    hi = np.searchsorted(t, t + window_s, side="right")
    past = np.full_like(y, np.nan)
    coming = np.full_like(y, np.nan)
    for i in range(len(y)):
        if not np.isfinite(y[i]):
            continue
        before = y[lo[i] : i + 1]
        after = y[i : hi[i]]
        past[i] = np.nanmax(before) - y[i]
        coming[i] = np.nanmax(after) - y[i]
    return np.fmin(past, coming) / np.asarray(leg_length_px, dtype=float)
