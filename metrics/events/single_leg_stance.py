"""Single-leg stance holds: from foot-off to foot-down of the other limb.

Method
------
The other foot is *off the ground* when any of these holds (after low-pass filtering,
in leg lengths so that camera distance does not matter):

- it moves: image speed above ``moving_speed_legs_per_s`` (hysteresis down to
  ``still_speed_legs_per_s``), the free leg being lifted, swung or put down;
- it is lifted: higher in the image than where that same foot stands before and after
  (:func:`metrics.events.body.lift_legs` over ``lift_window_s``), which catches a foot
  held still in the air;
- it is raised well above the stance foot (``raised_above_stance_legs``), for a foot
  already held up when the video starts. The margin is large because a foot placed
  on the floor further from the camera also looks higher in the image.

A hold is a run of frames where one foot is off the ground and the other is on it,
lasting at least ``min_hold_s``. A touch-down of the free foot, even brief (longer than
``min_touch_s``), ends the hold: a stumble gives two shorter holds. This is the
clinical Trendelenburg test timing (foot-off to foot-down of the lifted limb).

Per hold: its duration; the sway, the standard deviation of the mid-hip's horizontal
image position in pelvis widths (inter-hip distance, so it does not depend on camera
distance); the peak, the frame of largest pelvic drop on the stance side.

The peak is the highest *turning point* of the stance side's pelvic drop inside the hold
(:func:`metrics.events.signals.largest_turning_point`), not simply its largest value. At
foot-off and foot-down the weight moves between the legs and the pelvis moves between
its double-leg and its single-leg position; the detected hold edges also lie up to about
0.2 s outside the true foot-off and foot-down (the foot landmarks are smoothed, and a
landed foot keeps moving in the image while it rolls flat). Where the landmarks make the
single-leg pelvis look lower than the double-leg one (MediaPipe's raw hips on a rendered
back view: 6 degrees higher on the free side during the hold than standing, where the
true pelvis drops 2 degrees on that side), the largest value of the window is then the hold's
first or last frame, half-way through the weight transfer, which may lie outside the
true hold. A value still rising at the window's edge is on its way to or from the
double-leg level, not a peak. A drop that grows until the foot comes down still has its
turning point just before foot-down, where the pelvis starts to level again. Only when
the drop has no turning point inside the hold (it only rises or only falls, e.g. a hold
cut by the end of the video) is the peak its largest value, and a note says so.

Notes
-----
Pixels of the upright frame, x right, y down ("higher" = smaller y). Real timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metrics.events.base import Event, make_event, peak_of_largest
from metrics.events.body import BodyParams, BodySignals, body_signals, foot_speed_legs_per_s, lift_legs
from metrics.events.signals import drop_short_runs, hysteresis, largest_turning_point, run_duration_s, runs
from vision.landmarks import SIDES, other_side
from vision.track import LandmarkTrack


@dataclass(frozen=True)
class HoldParams:
    """Parameters of the single-leg stance detector.

    Attributes
    ----------
    smoothing_cutoff_hz : float
        Low-pass cut-off of the foot and mid-hip positions.
    moving_speed_legs_per_s, still_speed_legs_per_s : float
        Hysteresis on the foot's image speed (leg lengths per second).
    lift_on_legs, lift_off_legs : float
        Hysteresis on the foot's lift above where it stands before and after.
    lift_window_s : float
        How far before and after to look for where the foot stands (longer than a hold).
    raised_above_stance_legs : float
        A foot this much higher than the other foot is off the ground.
    min_hold_s : float
        Shorter holds are a step, not a single-leg stance.
    min_touch_s : float
        A touch-down of the free foot at least this long ends the hold.
    min_off_ratio : float
        Where both feet pass an off-the-ground test, a still foot passing it by a factor at
        least this many times smaller than the other foot's is on the ground.
    """

    smoothing_cutoff_hz: float = 2.5
    moving_speed_legs_per_s: float = 0.6
    still_speed_legs_per_s: float = 0.3
    lift_on_legs: float = 0.03
    lift_off_legs: float = 0.015
    lift_window_s: float = 30.0
    raised_above_stance_legs: float = 0.3
    min_hold_s: float = 0.5
    min_touch_s: float = 0.1
    min_off_ratio: float = 2.5


def off_ground_masks(body: BodySignals, *, params: HoldParams = HoldParams()) -> dict[str, np.ndarray]:
    """``{"left": bool (T,), "right": bool (T,)}``: the foot is off the ground (see module notes).

    Nobody stands on neither foot in these tasks: where both feet pass a test, a foot that
    is not moving in the image and passes its test by a factor (its lift, or its height
    over the other foot, divided by that test's threshold) at least ``min_off_ratio`` times
    smaller than the other foot's is taken as on the ground. On the real back-oblique
    Pose2Sim clip (at the pipeline's 960 px) the stance foot's landmarks rose 0.037 leg
    lengths, still, while the other leg swung up, enough to pass the lift test (0.03) and
    cut the hold in two; the swinging foot passed its tests at least 2.8 times as strongly.
    In the jump of a real basketball free throw, where both feet leave the ground, the
    factor between the feet exceeded 2.5 in no more than 4 frames, too few to make a
    hold (at 1.5 a 0.5 s hold appears there).
    """
    t = body.times_s
    masks, strength, still = {}, {}, {}
    for side in SIDES:
        y = body.foot_xy_px[side][:, 1]
        speed = foot_speed_legs_per_s(body, side)
        lift = lift_legs(t, y, body.leg_length_px, window_s=params.lift_window_s)
        with np.errstate(invalid="ignore"):
            above = (body.foot_xy_px[other_side(side)][:, 1] - y) / body.leg_length_px
        moving = hysteresis(speed, on=params.moving_speed_legs_per_s, off=params.still_speed_legs_per_s)
        lifted = hysteresis(lift, on=params.lift_on_legs, off=params.lift_off_legs)
        raised = np.nan_to_num(above, nan=-np.inf) > params.raised_above_stance_legs
        masks[side] = moving | lifted | raised
        still[side] = ~moving
        strength[side] = np.fmax.reduce(
            [
                speed / params.moving_speed_legs_per_s,
                lift / params.lift_on_legs,
                above / params.raised_above_stance_legs,
            ]
        )
    both = masks["left"] & masks["right"] & np.isfinite(strength["left"]) & np.isfinite(strength["right"])
    grounded = {
        side: both & still[side] & (strength[other_side(side)] >= params.min_off_ratio * strength[side])
        for side in SIDES
    }
    return {
        side: drop_short_runs(t, masks[side] & ~grounded[side], value=False, max_duration_s=params.min_touch_s)
        for side in SIDES
    }


def hold_runs(
    times_s: np.ndarray,
    off_ground: dict[str, np.ndarray],
    known: np.ndarray,
    *,
    params: HoldParams = HoldParams(),
) -> list[tuple[str, int, int, bool]]:
    """Holds ``(stance_side, start, end, complete)`` from the off-ground masks.

    Parameters
    ----------
    times_s : ndarray, shape (T,)
    off_ground : dict
        From :func:`off_ground_masks`.
    known : ndarray of bool, shape (T,)
        Frames where both feet were seen.
    params : HoldParams

    Returns
    -------
    list of (stance_side, start_index, end_index inclusive, complete)
    """
    n = len(times_s)
    holds = []
    for stance in SIDES:
        free = other_side(stance)
        mask = off_ground[free] & ~off_ground[stance] & known
        for start, stop in runs(mask):
            if run_duration_s(times_s, start, stop) < params.min_hold_s:
                continue
            cut = start == 0 or stop == n or not known[start - 1] or not known[stop]
            holds.append((stance, start, stop - 1, not cut))
    return sorted(holds, key=lambda h: h[1])


def sway_pelvis_widths(body: BodySignals, start: int, end: int) -> float:
    """SD of the mid-hip's image x over frames start..end, in pelvis widths (NaN if unseen)."""
    x = body.mid_hip_xy_px[start : end + 1, 0]
    width = np.nanmedian(body.pelvis_width_px[start : end + 1])
    x = x[np.isfinite(x)]
    if x.size < 2 or not np.isfinite(width) or width <= 0:
        return float("nan")
    return float(np.std(x) / width)


def detect_single_leg_stance(
    track: LandmarkTrack,
    angles=None,
    *,
    side: str = "auto",
    params: HoldParams = HoldParams(),
    body: BodySignals | None = None,
) -> list[Event]:
    """Single-leg stance holds as events.

    Parameters
    ----------
    track : LandmarkTrack
        Cleaned landmarks, pixels, anatomical sides.
    angles : metrics.angles.AngleSeries, optional
        Gives the peak (highest turning point of the stance side's pelvic drop, see the
        module notes); without it, or where the drop cannot be measured, the peak is the
        middle of the hold (noted).
    side : {"auto", "left", "right"}
        Keep only holds on this stance limb ("auto": both).
    params : HoldParams
    body : BodySignals, optional

    Returns
    -------
    list of Event
        With ``hold_duration_s`` and ``sway_pelvis_widths``; in time order.
    """
    if side not in ("auto",) + SIDES:
        raise ValueError(f"side must be 'auto', 'left' or 'right', got {side!r}")
    if body is None:
        body = body_signals(track, params=BodyParams(smoothing_cutoff_hz=params.smoothing_cutoff_hz))
    t = body.times_s
    known = np.isfinite(body.foot_xy_px["left"][:, 1]) & np.isfinite(body.foot_xy_px["right"][:, 1])
    off = off_ground_masks(body, params=params)
    events = []
    for stance, start, end, complete in hold_runs(t, off, known, params=params):
        if side != "auto" and stance != side:
            continue
        notes = []
        peak = None
        if angles is not None:
            drop = angles.get("pelvic_drop_deg", stance)
            peak = largest_turning_point(drop, start, end)
            if peak is None:
                peak = peak_of_largest(drop, start, end)
                if peak is not None:
                    notes.append("the pelvic drop had no turning point in this hold; peak at its largest value")
        if peak is None:
            peak = (start + end) // 2
            notes.append("pelvic drop not measurable in this hold; peak set at its middle")
        if not complete:
            notes.append("cut by the start or the end of the video: the hold lasted at least this long")
        sway = sway_pelvis_widths(body, start, end)
        events.append(
            make_event(
                "single_leg_stance",
                stance,
                t,
                start,
                peak,
                end,
                complete=complete,
                hold_duration_s=run_duration_s(t, start, end + 1),
                sway_pelvis_widths=None if not np.isfinite(sway) else sway,
                notes=tuple(notes),
            )
        )
    return events
