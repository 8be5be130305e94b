"""Gait events: stance phases of each foot, from foot contact to foot off, in a frontal view.

Method
------
A coordinate-based method in the spirit of Zeni et al. (2008, Gait & Posture 27:710-714),
adapted to a single frontal camera. Zeni finds heel strike and toe off from the
fore-aft position of the foot relative to the pelvis; a camera in front of or behind
the person sees fore-aft motion only through perspective, so here contact is read from
the foot's own image motion instead:

- a planted foot does not move in the image (the camera is still), whether the person
  walks towards it, away from it, or on a treadmill (where the belt carries the planted
  foot slowly backwards);
- a swinging foot moves: it lifts and comes forwards (downwards in the image when the
  person walks towards the camera, upwards when walking away).

The foot (mean of ankle, heel and foot index) is low-pass filtered, its image speed is
expressed in leg lengths per second (the person grows as they approach), and a swing is
where that speed rises above ``swing_speed_legs_per_s`` until it falls below
``still_speed_legs_per_s`` (hysteresis). Short blips are removed (a swing pausing at its
highest point, a jittery planted foot). A stance phase is a run of contact between two
swings of that foot; it must contain a swing of the other foot (single support),
otherwise it is standing, not walking.

Differences from Zeni (2008): image speed instead of the pelvis-relative fore-aft
position; foot contact and foot off are the ends of the still run, so they are found
within about one frame plus the filter's smoothing (a few hundredths of a second),
not at the exact heel strike.

Notes
-----
Pixels of the upright frame, x right, y down. Times are the frames' presentation times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metrics.events.base import Event, make_event, peak_of_largest
from metrics.events.body import BodyParams, BodySignals, body_signals, foot_speed_legs_per_s, lift_legs
from metrics.events.signals import drop_short_runs, hysteresis, run_duration_s, runs
from vision.landmarks import SIDES, other_side
from vision.track import LandmarkTrack


@dataclass(frozen=True)
class GaitParams:
    """Parameters of the stance-phase detector.

    Attributes
    ----------
    smoothing_cutoff_hz : float
        Low-pass cut-off of the foot positions.
    swing_speed_legs_per_s : float
        A foot faster than this (leg lengths per second) starts a swing.
    still_speed_legs_per_s : float
        A swinging foot slower than this is planted again.
    min_swing_s : float
        Shorter movements of a planted foot are jitter, not a swing.
    min_contact_s : float
        Shorter pauses of a swinging foot are not a contact.
    min_stance_s : float
        Shorter still runs are a hesitation of the foot, not a stance phase.
    max_stance_s : float
        Longer still runs are standing (before or after walking), not a gait stance phase.
    lift_on_legs, lift_off_legs : float
        A foot higher than where it stands just before and after (see
        :func:`metrics.events.body.lift_legs`) by more than ``lift_on_legs`` leg lengths
        is in the air until its lift falls below ``lift_off_legs``: this catches a slow
        swing, walking in place or on a treadmill, whose foot pauses at the top.
    lift_window_s : float
        How far before and after to look for where the foot stands.
    """

    smoothing_cutoff_hz: float = 4.0
    swing_speed_legs_per_s: float = 0.6
    still_speed_legs_per_s: float = 0.35
    min_swing_s: float = 0.12
    min_contact_s: float = 0.12
    min_stance_s: float = 0.2
    max_stance_s: float = 2.0
    lift_on_legs: float = 0.06
    lift_off_legs: float = 0.03
    lift_window_s: float = 1.0


def swing_mask(
    times_s: np.ndarray,
    speed_legs_per_s: np.ndarray,
    lift_legs: np.ndarray | None = None,
    *,
    params: GaitParams = GaitParams(),
) -> np.ndarray:
    """Boolean (T,): the foot is swinging (moving or lifted), from its image speed and lift.

    Parameters
    ----------
    times_s : ndarray, shape (T,)
        Frame times, seconds (may be uneven).
    speed_legs_per_s : ndarray, shape (T,)
        Image speed of the foot in leg lengths per second; NaN keeps the previous state.
    lift_legs : ndarray, shape (T,), optional
        Height of the foot above where it stands nearby in time, leg lengths.
    params : GaitParams
    """
    moving = hysteresis(speed_legs_per_s, on=params.swing_speed_legs_per_s, off=params.still_speed_legs_per_s)
    if lift_legs is not None:
        moving |= hysteresis(lift_legs, on=params.lift_on_legs, off=params.lift_off_legs)
    moving = drop_short_runs(times_s, moving, value=False, max_duration_s=params.min_contact_s)
    moving = drop_short_runs(times_s, moving, value=True, max_duration_s=params.min_swing_s)
    return moving


def stance_phases(
    times_s: np.ndarray,
    swinging: dict[str, np.ndarray],
    *,
    known: dict[str, np.ndarray] | None = None,
    params: GaitParams = GaitParams(),
) -> list[tuple[str, int, int, bool]]:
    """Stance phases ``(side, start, end, complete)`` from the swing masks of both feet.

    Parameters
    ----------
    times_s : ndarray, shape (T,)
    swinging : dict
        ``{"left": bool (T,), "right": bool (T,)}`` from :func:`swing_mask`.
    known : dict, optional
        ``{"left": bool (T,), ...}``: frames where the foot was seen. A phase cannot
        start or end in unseen frames; one that meets them is cut (``complete`` False).
    params : GaitParams

    Returns
    -------
    list of (side, start_index, end_index, complete)
        ``end_index`` inclusive, sorted by start. ``complete`` is False when the phase
        touches the start or the end of the video (or frames where the foot was not
        seen). Phases shorter than ``min_stance_s`` or longer than ``max_stance_s``, and
        phases during which the other foot never swings, are left out.
    """
    n = len(times_s)
    if known is None:
        known = {side: np.ones(n, dtype=bool) for side in SIDES}
    phases = []
    for side in SIDES:
        other = swinging[other_side(side)]
        for start, stop in runs(~swinging[side] & known[side]):
            cut = start == 0 or stop == n or not known[side][start - 1] or not known[side][stop]
            if run_duration_s(times_s, start, stop) < params.min_stance_s:
                continue
            if run_duration_s(times_s, start, stop) > params.max_stance_s:
                continue
            if not np.any(other[start:stop]):
                continue
            phases.append((side, start, stop - 1, not cut))
    return sorted(phases, key=lambda p: p[1])


def detect_gait(
    track: LandmarkTrack,
    angles=None,
    *,
    params: GaitParams = GaitParams(),
    body: BodySignals | None = None,
) -> list[Event]:
    """Stance phases of both feet as gait events.

    Parameters
    ----------
    track : LandmarkTrack
        Cleaned landmarks, pixels, anatomical sides.
    angles : metrics.angles.AngleSeries, optional
        Gives the peak: the frame of largest pelvic drop (stance side) in the phase.
        Without it, or where the drop cannot be measured, the peak is the middle of the
        phase (noted in the event).
    params : GaitParams
    body : BodySignals, optional
        Precomputed body signals (else computed with ``params.smoothing_cutoff_hz``).

    Returns
    -------
    list of Event
        Sorted by start time; both sides.
    """
    if body is None:
        body = body_signals(track, params=BodyParams(smoothing_cutoff_hz=params.smoothing_cutoff_hz))
    t = body.times_s
    speeds = {side: foot_speed_legs_per_s(body, side, vertical_only=True) for side in SIDES}
    swinging = {
        side: swing_mask(
            t,
            speeds[side],
            lift_legs(t, body.foot_xy_px[side][:, 1], body.leg_length_px, window_s=params.lift_window_s),
            params=params,
        )
        for side in SIDES
    }
    known = {side: np.isfinite(speeds[side]) for side in SIDES}
    events = []
    for side, start, end, complete in stance_phases(t, swinging, known=known, params=params):
        events.append(_event_with_peak("gait", side, t, start, end, complete, angles))
    return events


def _event_with_peak(task: str, side: str, t: np.ndarray, start: int, end: int, complete: bool, angles) -> Event:
    notes = []
    peak = None
    if angles is not None:
        peak = peak_of_largest(angles.get("pelvic_drop_deg", side), start, end)
    if peak is None:
        peak = (start + end) // 2
        notes.append("pelvic drop not measurable in this event; peak set at its middle")
    if not complete:
        notes.append("cut by the start or the end of the video")
    return make_event(task, side, t, start, peak, end, complete=complete, notes=tuple(notes))
