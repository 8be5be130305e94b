"""Gait events: stance phases of each foot, from foot contact to foot off, in a frontal view.

Two situations, told apart by whether the person's image size changes
(:func:`travel_direction`):

**Walking towards or away from the camera** (the person grows or shrinks). The method of
Zeni et al. (2008, Gait & Posture 27:710-714): foot contact when the foot is furthest
*forward* of the pelvis, foot off when it is furthest *behind* it. A frontal camera sees
fore-aft position through perspective: a point nearer the camera is lower in the image.
So the foot's forward position is its image y relative to the mid-hip, in leg lengths,
with the sign flipped when the person walks away. Contact is a peak of that signal,
foot off the trough that follows; both must stand out by ``zeni_min_prominence_legs``
(against frames where the foot was seen, never against a gap or the video's edge) and be
``zeni_min_step_s`` apart. A contact also needs the foot to be ahead of the other foot,
a foot off behind it, by ``zeni_min_lead_legs``: the leading foot lands and the trailing
foot leaves (Perry & Burnfield 2010, Gait Analysis, 2nd ed., ch. 2, initial contact and
pre-swing), which is what makes contacts alternate between the feet as in Zeni (2008).
Without it, the mid-hip's own vertical image motion (the pelvis rises and falls at each
step, and the landmarks of a small, distant person jitter) moves both feet's signals
together and gives both feet a "contact" at the same frame: at the far end of
``vaila_mlwalk.mp4`` the two feet are not told apart, and a left and a right stance phase
spanned the same 0.71-1.22 s.
Differences from Zeni (2008): image y instead of the lab's antero-posterior axis, and the
foot is the mean of ankle, heel and foot index. Limitation: the image y mixes the
foot's fore-aft position with its lift. Walking towards the camera, the lift of early
swing moves the foot up the image as a step back would, so foot off is found late (by
up to about 0.2 s on a synthetic walker 6-9 m away with a 10 cm foot lift); walking
away, the same holds for contact. Contact (towards) and foot off (away) are unaffected.

**Walking on a treadmill or on the spot** (constant size). On a treadmill the feet still
go forwards and backwards relative to the pelvis, so the method above applies, forwards
being towards the camera when the person faces it (their left hip on the image right)
and away from it otherwise. Walking on the spot there is no fore-aft motion, the foot's
lift dominates, and contact is read from the foot's own image motion instead: a planted
foot does not move in the image, a swinging foot lifts and comes down. Both are run and
the one whose stance phases look more like walking (:func:`walking_score`: complete
phases, alternating feet) is kept; each event's notes say which.

The mid-hip also rises and falls with each step (lowest just after each contact), and
the image y reads that bob as a fore-aft move of the pelvis. Usually it is small next to
the feet's own excursion; when it is not (a short-legged person, a bouncy gait), it turns
each contact's peak into two, and the later one is taken: contact then comes half a
step late, stance looks half as long as it is, and between one foot off and the next
contact no foot is on the ground, as in running. Walking always has double support, so
when most steps found have such a flight (``max_flight_share``), the feet are read again
against the mid-hip's image y low-passed below the step frequency (its travel without
its bob), and those phases are kept if fewer of their steps have a flight. Reading the feet against the steady mid-hip in
every walk was measured too: it finds contacts about two frames early on average
(docs/MEASUREMENT_CHOICES.md, Events), so it is the fallback, not the rule.

The foot-motion rule: swing is where the vertical image speed rises above
``swing_speed_legs_per_s`` until it falls below ``still_speed_legs_per_s`` (hysteresis),
or where the foot is higher than where it stands just before and after by
``lift_on_legs`` (a slow swing pausing at the top). Short blips are removed. A stance
phase is a run of contact between two swings that contains a swing of the other foot
(single support); longer than ``max_stance_s`` it is standing, not walking.

In both, the peak of a stance phase is its frame of largest pelvic drop (stance side),
searched in single support (the other foot off the ground) when the phase has any.
A stance phase whose contact was filmed but whose foot off was not (the video ends, or
the foot leaves the picture) is kept when the other foot's whole swing lies inside it
(:func:`single_support_inside`): its single support, where the pelvis drops, was filmed
from the other foot's foot off to its contact, so its peak is measured; it is marked cut
(``complete`` False) and left out of the side averages. A phase already under way in the
first frame is not: it may be the first step from standing (gait initiation) rather than a
stance phase. Other cut phases are left out unless asked for.

Notes
-----
Pixels of the upright frame, x right, y down; positions in leg lengths (per frame, so a
person growing as they approach keeps the same thresholds). Times are the frames'
presentation times; durations are compared in seconds, never in frame counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks, peak_prominences

from metrics.events.base import Event, make_event, peak_of_largest
from metrics.events.body import BodyParams, BodySignals, body_signals, foot_speed_legs_per_s, lift_legs
from metrics.events.signals import drop_short_runs, hysteresis, lowpass, rolling_median, run_duration_s, runs
from vision.landmarks import SIDES, other_side
from vision.track import LandmarkTrack


@dataclass(frozen=True)
class GaitParams:
    """Parameters of the stance-phase detector.

    Attributes
    ----------
    smoothing_cutoff_hz : float
        Low-pass cut-off of the foot and mid-hip positions.
    travel_min_size_ratio : float
        The person's leg length at the end over that at the start (or the inverse) above
        this means walking towards (away from) the camera.
    zeni_min_prominence_legs : float
        Overground: a contact or foot-off extreme of the foot's forward position must
        stand out by this much (leg lengths).
    zeni_min_step_s : float
        Overground: extremes closer than this are one.
    zeni_min_lead_legs : float
        Overground: at a contact the foot must be ahead of the other foot, at a foot off
        behind it, by more than this (leg lengths of forward position).
    zeni_end_drop_legs : float
        Overground: a contact just before the foot is last seen (the video's end) counts
        when the forward position rose to it by ``zeni_min_prominence_legs`` and has
        fallen since by at least this much, half that prominence (:func:`peak_turned_at_end`;
        docs/MEASUREMENT_CHOICES.md, Events).
    max_flight_share : float
        Overground: when more than this share of the steps found have a flight (no foot on
        the ground between one foot off and the other foot's contact, :func:`flight_share`),
        what was found is not walking, and the feet are read again against the mid-hip's
        travel only, its bob low-passed away (``hip_travel_cutoff_hz``).
    hip_travel_cutoff_hz : float
        Low-pass cut-off of the mid-hip's image y for that second reading: below the
        step frequency of slow walking (about 1.2 Hz, 70 steps a minute).
    swing_speed_legs_per_s, still_speed_legs_per_s : float
        In place: hysteresis on the foot's vertical image speed (leg lengths per second).
    min_swing_s : float
        In place: shorter movements of a planted foot are jitter, not a swing.
    min_contact_s : float
        In place: shorter pauses of a swinging foot are not a contact.
    min_stance_s, max_stance_s : float
        Stance phases outside these durations are left out (a hesitation; standing).
    lift_on_legs, lift_off_legs : float
        In place: hysteresis on the foot's lift above where it stands just before and after
        (:func:`metrics.events.body.lift_legs`).
    lift_window_s : float
        How far before and after to look for where the foot stands.
    """

    smoothing_cutoff_hz: float = 4.0
    travel_min_size_ratio: float = 1.25
    zeni_min_prominence_legs: float = 0.08
    zeni_min_step_s: float = 0.3
    zeni_min_lead_legs: float = 0.02
    zeni_end_drop_legs: float = 0.04
    max_flight_share: float = 0.5
    hip_travel_cutoff_hz: float = 0.7
    swing_speed_legs_per_s: float = 0.6
    still_speed_legs_per_s: float = 0.35
    min_swing_s: float = 0.12
    min_contact_s: float = 0.12
    min_stance_s: float = 0.2
    max_stance_s: float = 2.0
    lift_on_legs: float = 0.06
    lift_off_legs: float = 0.03
    lift_window_s: float = 1.0


def travel_direction(body: BodySignals, *, min_size_ratio: float = 1.25) -> str:
    """``"towards"``, ``"away"`` or ``"in_place"``, from how the leg length changes.

    Compares the median leg length over the first and the last fifth of the frames where
    the person is seen.
    """
    leg = body.leg_length_px[np.isfinite(body.leg_length_px)]
    if leg.size < 10:
        return "in_place"
    fifth = max(leg.size // 5, 1)
    ratio = float(np.median(leg[-fifth:]) / np.median(leg[:fifth]))
    if ratio > min_size_ratio:
        return "towards"
    if ratio < 1.0 / min_size_ratio:
        return "away"
    return "in_place"


def forward_position_legs(
    body: BodySignals, side: str, *, direction: str, hip_cutoff_hz: float | None = None
) -> np.ndarray:
    """How far forward of the mid-hip a foot is, in leg lengths (image y, perspective).

    Walking towards the camera, forward is down the image (+y); walking away, up (-y).
    With ``hip_cutoff_hz``, the mid-hip's image y is first low-passed at that frequency:
    its travel is kept and its rise and fall with each step (the pelvis's vertical bob,
    which the image y cannot tell from a fore-aft move) removed.
    """
    sign = 1.0 if direction == "towards" else -1.0
    hip_y = body.mid_hip_xy_px[:, 1]
    if hip_cutoff_hz is not None:
        hip_y = lowpass(body.times_s, hip_y, cutoff_hz=hip_cutoff_hz)
    return sign * (body.foot_xy_px[side][:, 1] - hip_y) / body.leg_length_px


def flight_share(times_s: np.ndarray, phases: list[tuple[str, int, int, bool]]) -> float:
    """Share of the steps in ``phases`` with no foot on the ground between them (a flight).

    A step is a complete stance phase followed by a stance phase of the other foot; it
    has a flight when that contact comes after the foot off. Walking has none: each
    contact comes before the other foot leaves the ground (double support). NaN with no
    such step.
    """
    ordered = sorted(phases, key=lambda p: p[1])
    gaps = [
        times_s[nxt[1]] - times_s[cur[2]]
        for cur, nxt in zip(ordered, ordered[1:])
        if cur[3] and cur[0] != nxt[0]
    ]
    return float(np.mean(np.asarray(gaps) > 0)) if gaps else float("nan")


def _extremes(
    times_s: np.ndarray,
    signal: np.ndarray,
    *,
    prominence: float,
    min_step_s: float,
    end_drop: float | None = None,
) -> list[int]:
    """Indices of the peaks of ``signal`` that stand out by ``prominence`` within what was seen.

    Each stretch of seen (finite) samples is searched on its own, so a peak's prominence
    is measured against seen values only: a gap or the video's edge next to a peak is
    not a valley (filling it with any value would invent one). Peaks closer than
    ``min_step_s`` are one, the higher kept.

    With ``end_drop``, the last peak before the signal is last seen (the video's end) may
    also stand out on its earlier side only (:func:`peak_turned_at_end`): the signal rose
    to it by ``prominence`` and has fallen by at least ``end_drop`` when it is last seen,
    too soon to fall by ``prominence``.
    """
    kept: list[int] = []
    stretches = runs(np.isfinite(signal))
    for k, (start, stop) in enumerate(stretches):
        if stop - start < 3:
            continue
        peaks = list(find_peaks(signal[start:stop], prominence=prominence)[0])
        if end_drop is not None and k == len(stretches) - 1:
            last = peak_turned_at_end(signal[start:stop], prominence=prominence, end_drop=end_drop)
            if last is not None and (not peaks or last > peaks[-1]):
                peaks.append(last)
        for p in np.asarray(peaks, dtype=int) + start:
            if kept and times_s[p] - times_s[kept[-1]] < min_step_s:
                if signal[p] > signal[kept[-1]]:
                    kept[-1] = int(p)
                continue
            kept.append(int(p))
    return kept


def peak_turned_at_end(values: np.ndarray, *, prominence: float, end_drop: float) -> int | None:
    """The last peak of ``values`` if it is one only the end of the samples keeps from standing out.

    The samples after it fall all the way to the last one, by at least ``end_drop`` but
    by less than ``prominence``, while before it they rose to it by at least
    ``prominence`` (from the lowest point since a higher sample). None otherwise.

    At the end of a walk filmed to its last frames, a foot landing about 0.1-0.2 s before
    the video ends has its forward-position peak (its contact) there, and has not had time
    to move back by ``prominence`` under the advancing pelvis.
    """
    values = np.asarray(values, dtype=float)
    maxima = find_peaks(values)[0]
    if maxima.size == 0:
        return None
    p = int(maxima[-1])
    _, left_bases, right_bases = peak_prominences(values, [p])
    rise = values[p] - values[left_bases[0]]
    fall = values[p] - values[-1]
    if right_bases[0] != len(values) - 1 or rise < prominence or not end_drop <= fall < prominence:
        return None
    return p


def overground_stance_phases(
    times_s: np.ndarray,
    forward: dict[str, np.ndarray],
    *,
    params: GaitParams = GaitParams(),
) -> list[tuple[str, int, int, bool]]:
    """Stance phases ``(side, start, end, complete)`` of a walk towards or away from the camera.

    Parameters
    ----------
    times_s : ndarray, shape (T,)
    forward : dict
        ``{"left": (T,), "right": (T,)}`` from :func:`forward_position_legs`.
    params : GaitParams

    Returns
    -------
    list of (side, start_index, end_index inclusive, complete), sorted by start.
        Contact is a peak of the forward position, foot off the trough that follows
        (Zeni et al. 2008); at a contact the foot must lead the other foot, at a foot off
        trail it, by ``params.zeni_min_lead_legs`` (extremes where it does not, or where
        the other foot is not seen, are dropped). A contact with no foot off before the
        foot is last seen runs to its last seen frame and is incomplete; a foot off with
        no contact before it (the video started mid-stance) gives an incomplete phase
        from the first seen frame, unless a contact was dropped there for want of a lead.
    """
    phases = []
    for side in SIDES:
        f = forward[side]
        seen = np.flatnonzero(np.isfinite(f))
        if seen.size == 0:
            continue
        # how far this foot is ahead of the other one (NaN where either is not seen)
        lead = f - forward[other_side(side)]
        extremes = dict(prominence=params.zeni_min_prominence_legs, min_step_s=params.zeni_min_step_s)
        candidates = _extremes(times_s, f, **extremes, end_drop=params.zeni_end_drop_legs)
        contacts = [c for c in candidates if lead[c] > params.zeni_min_lead_legs]
        offs = [o for o in _extremes(times_s, -f, **extremes) if lead[o] < -params.zeni_min_lead_legs]
        for k, contact in enumerate(contacts):
            next_contact = contacts[k + 1] if k + 1 < len(contacts) else len(f)
            off = next((o for o in offs if contact < o < next_contact), None)
            if off is None:
                if k + 1 < len(contacts):
                    continue  # two contacts without a foot off between: not a clean step
                phases.append((side, contact, int(seen[-1]), False))
            else:
                phases.append((side, contact, off, True))
        # a first foot off with no contact before it: the video started mid-stance, unless a
        # contact was seen there but could not be told from the other foot's (start unknown)
        if offs and (not contacts or offs[0] < contacts[0]) and not any(c < offs[0] for c in candidates):
            phases.append((side, int(seen[0]), offs[0], False))
    kept = []
    for side, start, end, complete in phases:
        if end <= start:
            continue
        duration = run_duration_s(times_s, start, end + 1)
        if duration > params.max_stance_s or (complete and duration < params.min_stance_s):
            continue
        kept.append((side, start, end, complete))
    return sorted(kept, key=lambda p: p[1])


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
    """In place: stance phases ``(side, start, end, complete)`` from the swing masks of both feet.

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


def in_place_stance_phases(
    body: BodySignals, *, params: GaitParams = GaitParams()
) -> tuple[list[tuple[str, int, int, bool]], dict[str, np.ndarray]]:
    """In place: stance phases from the feet's image motion (see the module notes), and the swing masks."""
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
    return stance_phases(t, swinging, known=known, params=params), swinging


def facing_camera(track: LandmarkTrack) -> bool:
    """True when the person faces the camera: their left hip is on the image right (median over frames)."""
    dx = track.point("left_hip")[:, 0] - track.point("right_hip")[:, 0]
    dx = dx[np.isfinite(dx)]
    return bool(dx.size == 0 or np.median(dx) >= 0)


def walking_score(phases: list[tuple[str, int, int, bool]]) -> float:
    """How much a set of stance phases looks like walking: complete phases times the share that alternate feet."""
    sides = [side for side, _, _, complete in phases if complete]
    if not sides:
        return 0.0
    switches = sum(a != b for a, b in zip(sides, sides[1:]))
    return len(sides) * (switches / (len(sides) - 1) if len(sides) > 1 else 0.5)


def facing_segments(
    track: LandmarkTrack, *, min_segment_s: float = 2.0, smoothing_s: float = 0.5
) -> list[tuple[int, int]]:
    """Stretches ``(start, stop)`` (stop exclusive) where the person keeps facing one way.

    The facing of a frame is which side of the image the left hip is on (right: facing
    the camera), smoothed by a running median over ``smoothing_s``. Stretches shorter than
    ``min_segment_s`` (a turn) are dropped. One stretch covering the whole clip when the
    facing never changes for long.
    """
    t = np.asarray(track.times_s, dtype=float)
    dx = track.point("left_hip")[:, 0] - track.point("right_hip")[:, 0]
    facing = rolling_median(t, np.sign(dx), window_s=smoothing_s)
    segments = []
    for value in (1.0, -1.0):
        for start, stop in runs(facing == value):
            if run_duration_s(t, start, stop) >= min_segment_s:
                segments.append((start, stop))
    segments.sort()
    if len(segments) <= 1:
        return [(0, len(t))]
    return segments


def detect_gait(
    track: LandmarkTrack,
    angles=None,
    *,
    params: GaitParams = GaitParams(),
    body: BodySignals | None = None,
    include_cut: bool = False,
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
    include_cut : bool
        Also return every stance phase cut by the video's start or end (``complete``
        False). By default a cut phase is returned only when its contact was seen and the
        other foot's whole swing lies inside it (:func:`single_support_inside`): it has
        lost its foot off, but not the single support where its peak is.

    Returns
    -------
    list of Event
        Sorted by start time; both sides. Each event's notes say which method found it.

    Notes
    -----
    A walk towards the camera, a turn and a walk back away from it are analysed as two
    stretches (:func:`facing_segments`); there, stance phases cut by the turn or by the
    video are left out unless ``include_cut``.
    """
    segments = facing_segments(track)
    if len(segments) == 1:
        return _detect_gait_stretch(track, angles, params=params, body=body, include_cut=include_cut)
    t = np.asarray(track.times_s, dtype=float)
    events = []
    for start, stop in segments:
        part_angles = None
        if angles is not None:
            part_angles = type(angles)(
                times_s=t[start:stop],
                values={a: {side: np.asarray(v)[start:stop] for side, v in per.items()} for a, per in angles.values.items()},
            )
        stretch_events = _detect_gait_stretch(
            track.slice(start, stop), part_angles, params=params, include_cut=include_cut, keep_whole_single_support=False
        )
        for e in stretch_events:
            events.append(
                make_event(
                    e.task,
                    e.side,
                    t,
                    e.start_index + start,
                    e.peak_index + start,
                    e.end_index + start,
                    complete=e.complete,
                    notes=e.notes,
                )
            )
    return sorted(events, key=lambda e: e.start_index)


def zeni_stance_phases(
    body: BodySignals, *, direction: str, params: GaitParams = GaitParams()
) -> tuple[list[tuple[str, int, int, bool]], bool]:
    """:func:`overground_stance_phases` of the feet against the mid-hip, moving ``direction``.

    When more than ``params.max_flight_share`` of the steps found have a flight
    (:func:`flight_share`), the feet are read again against the mid-hip's travel, its bob
    low-passed away (see the module notes), and that reading is kept if fewer of its
    steps have one. Returns the phases and whether they are that second reading's.
    """
    t = body.times_s
    forward = {side: forward_position_legs(body, side, direction=direction) for side in SIDES}
    phases = overground_stance_phases(t, forward, params=params)
    flight = flight_share(t, phases)
    if not flight > params.max_flight_share:
        return phases, False
    steady = {
        side: forward_position_legs(body, side, direction=direction, hip_cutoff_hz=params.hip_travel_cutoff_hz)
        for side in SIDES
    }
    steady_phases = overground_stance_phases(t, steady, params=params)
    if flight_share(t, steady_phases) < flight:
        return steady_phases, True
    return phases, False


def _detect_gait_stretch(
    track: LandmarkTrack,
    angles,
    *,
    params: GaitParams,
    body: BodySignals | None = None,
    include_cut: bool = False,
    keep_whole_single_support: bool = True,
) -> list[Event]:
    """:func:`detect_gait` on a stretch where the person faces one way.

    ``keep_whole_single_support`` keeps the cut phases that pass
    :func:`single_support_inside`; off for the stretches of a walk with a turn, whose
    phases cut by the turn are left out.
    """
    if body is None:
        body = body_signals(track, params=BodyParams(smoothing_cutoff_hz=params.smoothing_cutoff_hz))
    t = body.times_s
    direction = travel_direction(body, min_size_ratio=params.travel_min_size_ratio)
    zeni_direction = direction if direction != "in_place" else ("towards" if facing_camera(track) else "away")
    zeni_phases, steady = zeni_stance_phases(body, direction=zeni_direction, params=params)
    zeni_method = (
        f"walking {direction} the camera" if direction != "in_place" else "walking on the spot or a treadmill"
    ) + ": stance from the foot's position relative to the pelvis" + (
        ", leaving out the pelvis's rise and fall with each step (with it, no step had both feet on the ground)"
        if steady
        else ""
    )
    phases, method = zeni_phases, zeni_method
    single_support = None
    if direction == "in_place":
        motion_phases, swinging = in_place_stance_phases(body, params=params)
        if walking_score(motion_phases) >= walking_score(zeni_phases):
            phases = motion_phases
            method = "walking on the spot: stance from the foot's image motion"
            single_support = {side: swinging[other_side(side)] for side in SIDES}
    if single_support is None:
        in_stance = {side: np.zeros(len(t), dtype=bool) for side in SIDES}
        for side, s, e, _ in phases:
            in_stance[side][s : e + 1] = True
        single_support = {side: ~in_stance[other_side(side)] for side in SIDES}
    # A stance phase cut by the video's start or end has lost its contact or its foot off;
    # one whose contact was seen is kept if its single support was filmed whole.
    def kept(side: str, start: int, end: int, complete: bool) -> bool:
        if complete or include_cut:
            return True
        contact_seen = start > 0 and bool(np.isfinite(body.foot_xy_px[side][start - 1, 1]))
        return keep_whole_single_support and contact_seen and single_support_inside(single_support[side], start, end)

    return [
        _event_with_peak("gait", side, t, s, e, complete, angles, method, single_support[side])
        for side, s, e, complete in phases
        if kept(side, s, e, complete)
    ]


def single_support_inside(single_support: np.ndarray, start: int, end: int) -> bool:
    """True if a whole swing of the other foot lies within frames ``start..end`` of a stance phase.

    The other foot's swing (this foot's single support) must begin after the phase's
    first frame and end before its last: the foot then stood through the whole single
    support, the part of stance where the pelvis drops, even if the video cut its own
    foot off.

    Parameters
    ----------
    single_support : ndarray of bool, shape (T,)
        Frames where the other foot is off the ground (swinging).
    start, end : int
        First and last frame indices of the stance phase (end inclusive).
    """
    window = np.asarray(single_support[start : end + 1], dtype=bool)
    return any(a > 0 and b < len(window) for a, b in runs(window))


def _event_with_peak(
    task: str,
    side: str,
    t: np.ndarray,
    start: int,
    end: int,
    complete: bool,
    angles,
    method: str,
    single_support: np.ndarray,
) -> Event:
    """The event, its peak the largest pelvic drop in single support (else in the whole phase).

    While both feet are on the ground the pelvis is carried by both limbs, so the drop
    "on the stance side" means little there; the peak is searched where the other foot is
    off the ground, when the phase has such frames.
    """
    notes = [method]
    peak = None
    if angles is not None:
        drop = np.asarray(angles.get("pelvic_drop_deg", side), dtype=float)
        support = single_support[start : end + 1]
        if support.any() and np.any(np.isfinite(drop[start : end + 1][support])):
            peak = peak_of_largest(np.where(single_support, drop, np.nan), start, end)
        else:
            peak = peak_of_largest(drop, start, end)
    if peak is None:
        peak = (start + end) // 2
        notes.append("pelvic drop not measurable in this event; peak set at its middle")
    if not complete:
        notes.append("cut by the start or the end of the video")
    return make_event(task, side, t, start, peak, end, complete=complete, notes=tuple(notes))
