"""Step-down and single-leg squat repetitions, from the vertical excursion of the mid-hip.

Method
------
A repetition is one excursion of the mid-hip down the image and back: the person lowers
the body on the stance leg and rises again. The mid-hip height is low-pass filtered and
expressed as a *depth* below the standing level, in leg lengths:

``depth = (mid_hip.y - standing.y) / leg_length``   (image y grows downwards)

where ``standing.y`` is a low percentile of the mid-hip's y over the clip (its highest
positions, standing tall on the stance leg). Each peak of depth deeper than
``min_depth_frac_leg_length`` (and as prominent) is a repetition; its start and end are
the last frame before and the first frame after the peak where the depth is back within
``boundary_frac_of_depth`` of the standing level, moved further out while the hips still
move (faster than ``boundary_frac_of_speed`` of that half's top speed), so that they mark
the onset and the stop of the movement; or the highest point between two repetitions
that follow each other without a pause. The peak is the deepest frame:
the lowest mid-hip, i.e. the deepest stance-knee flexion (MEASURES.md section 3).
This is the usual kinematic segmentation of squat and step-down repetitions (e.g. the
pelvis/centre-of-mass vertical displacement used to time single-leg squats).

The stance limb of each repetition is the foot that stays put: in a step-down the stance
foot stays on the box while the other foot goes down towards the floor and back; in a
single-leg squat the other foot hangs from the pelvis and goes down and up with it.
So the stance limb is the foot whose image position moves least during the repetition,
never simply "the lower foot" (the stance foot on a box is the *higher* one).

Notes
-----
Pixels of the upright frame, x right, y down. Times are the frames' real presentation
times; durations are compared in seconds, never in frame counts.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from metrics.events.base import REPETITION_TASKS, Event, make_event
from metrics.events.body import BodyParams, BodySignals, body_signals
from metrics.events.signals import derivative
from vision.landmarks import SIDES, other_side
from vision.track import LandmarkTrack


@dataclass(frozen=True)
class RepetitionParams:
    """Parameters of the repetition detector.

    Attributes
    ----------
    smoothing_cutoff_hz : float
        Low-pass cut-off of the mid-hip and foot positions.
    min_depth_frac_leg_length : float
        A repetition goes at least this deep (mid-hip drop, in leg lengths), and its peak
        stands out by as much from the frames around it.
    boundary_frac_of_depth : float
        Start and end: first where the depth is back within this fraction of the peak depth,
    boundary_frac_of_speed : float
        ... then further out while the hips still move faster than this fraction of that
        half-repetition's top speed: the start and end of the movement itself.
    min_duration_s, max_duration_s : float
        Repetitions outside this duration are not counted.
    min_separation_s : float
        Two peaks closer than this are one repetition (the deeper one counts).
    standing_percentile : float
        Percentile of the mid-hip y taken as the standing level.
    min_stance_ratio : float
        The other foot must move at least this many times more than the stance foot
        for the stance limb to be called confidently.
    min_other_move_legs : float
        ... and at least this far (leg lengths); otherwise both feet stayed put.
    held_up_foot_legs, held_up_knee_legs : float
        When neither foot moves enough, a foot held this much higher in the image than the
        other throughout the repetition (median, leg lengths), with its knee held at least
        ``held_up_knee_legs`` higher than the other knee, is the free leg of a single-leg
        squat held forward and still (see :func:`stance_side_of_repetition`).
    """

    smoothing_cutoff_hz: float = 3.0
    min_depth_frac_leg_length: float = 0.08
    boundary_frac_of_depth: float = 0.05
    boundary_frac_of_speed: float = 0.05
    min_duration_s: float = 0.4
    max_duration_s: float = 10.0
    min_separation_s: float = 0.6
    standing_percentile: float = 5.0
    min_stance_ratio: float = 1.5
    min_other_move_legs: float = 0.05
    held_up_foot_legs: float = 0.15
    held_up_knee_legs: float = 0.06


STEP_DOWN_PARAMS = RepetitionParams(min_depth_frac_leg_length=0.08)
"""Step-down from a 15-20 cm step: the mid-hip drops about the step height, 0.15-0.25 leg lengths."""

SINGLE_LEG_SQUAT_PARAMS = RepetitionParams(min_depth_frac_leg_length=0.06)
"""Single-leg squat on flat ground: often shallower than a step-down."""


@dataclass(frozen=True)
class Repetition:
    """One repetition found in a depth signal: frames, completeness and depth."""

    start: int
    peak: int
    end: int
    complete: bool
    depth_legs: float


def depth_legs(mid_hip_y_px: np.ndarray, leg_length_px: np.ndarray, *, standing_percentile: float = 5.0) -> np.ndarray:
    """Mid-hip depth below the standing level, in leg lengths (positive = lower).

    Notes
    -----
    Pixels, y down. The standing level is the ``standing_percentile`` percentile of the
    mid-hip y over the whole signal (the person stays in place in these tasks).
    """
    y = np.asarray(mid_hip_y_px, dtype=float)
    leg = np.asarray(leg_length_px, dtype=float)
    if not np.any(np.isfinite(y)) or not np.any(np.isfinite(leg)):
        return np.full_like(y, np.nan)
    standing = np.nanpercentile(y, standing_percentile)
    return (y - standing) / np.nanmedian(leg)


def find_repetitions(
    times_s: np.ndarray, depth: np.ndarray, *, params: RepetitionParams = STEP_DOWN_PARAMS
) -> list[Repetition]:
    """Repetitions (start, deepest, end) in a mid-hip depth signal.

    Parameters
    ----------
    times_s : ndarray, shape (T,)
        Frame times, seconds (may be uneven).
    depth : ndarray, shape (T,)
        Mid-hip depth below standing, leg lengths (:func:`depth_legs`); NaN where unknown.
    params : RepetitionParams

    Returns
    -------
    list of Repetition
        In time order. ``complete`` is False when the start or the end lies outside the
        video (or in frames without a pose).
    """
    t = np.asarray(times_s, dtype=float)
    d = np.asarray(depth, dtype=float)
    known = np.isfinite(d)
    filled = np.where(known, d, 0.0)
    # Pad with the standing level so that a repetition whose deepest point is the first
    # or last frame (video cut mid-repetition) still counts as a peak.
    padded = np.concatenate([[0.0], filled, [0.0]])
    peaks, _ = find_peaks(
        padded, height=params.min_depth_frac_leg_length, prominence=params.min_depth_frac_leg_length
    )
    peaks = peaks - 1
    peaks = _merge_close_peaks(t, filled, list(peaks), min_separation_s=params.min_separation_s)
    rate = derivative(t, filled)  # leg lengths per second, positive going down
    reps = []
    for k, peak in enumerate(peaks):
        floor = peaks[k - 1] if k > 0 else -1
        ceiling = peaks[k + 1] if k + 1 < len(peaks) else len(d)
        level = params.boundary_frac_of_depth * filled[peak]
        start, start_cut = _walk_to_boundary(filled, known, peak, floor, level, step=-1)
        end, end_cut = _walk_to_boundary(filled, known, peak, ceiling, level, step=+1)
        if not start_cut:
            start = _extend_to_still(rate, known, start, peak, max(floor, 0), params.boundary_frac_of_speed, step=-1)
        if not end_cut:
            end = _extend_to_still(rate, known, end, peak, min(ceiling, len(d) - 1), params.boundary_frac_of_speed, step=+1)
        duration_s = t[end] - t[start]
        if duration_s > params.max_duration_s:
            continue
        complete = not (start_cut or end_cut)
        if complete and duration_s < params.min_duration_s:
            continue
        reps.append(Repetition(start, int(peak), end, complete, float(filled[peak])))
    return reps


def _merge_close_peaks(t: np.ndarray, d: np.ndarray, peaks: list[int], *, min_separation_s: float) -> list[int]:
    kept: list[int] = []
    for p in peaks:
        if kept and t[p] - t[kept[-1]] < min_separation_s:
            if d[p] > d[kept[-1]]:
                kept[-1] = p
            continue
        kept.append(p)
    return kept


def _extend_to_still(rate, known, boundary, peak, limit, frac, *, step):
    """Move a boundary outwards to the last frame where the hips still move faster than ``frac`` of this half's top speed.

    ``step=-1`` for the start (descent, ``rate > 0``), ``+1`` for the end (ascent, ``rate < 0``).
    Stops at ``limit`` (a neighbouring repetition) and at unseen frames.
    """
    sign = 1.0 if step < 0 else -1.0
    lo, hi = (boundary, peak) if step < 0 else (peak, boundary)
    half = sign * rate[lo : hi + 1]
    if half.size == 0 or not np.any(np.isfinite(half)):
        return boundary
    top = float(np.nanmax(half))
    if top <= 0:
        return boundary
    i = boundary
    while True:
        j = i + step
        if (step < 0 and j < limit) or (step > 0 and j > limit) or j < 0 or j >= len(rate) or not known[j]:
            return i
        if not sign * rate[j] > frac * top:
            return i
        i = j


def _walk_to_boundary(d, known, peak, limit, level, *, step):
    """From the peak, walk until the depth is within ``level``; stop at the trough before ``limit``.

    Returns (index, cut) where ``cut`` means the walk reached the video's edge or unseen
    frames before the depth came back.
    """
    i = peak
    lowest = peak
    while True:
        j = i + step
        if j < 0 or j >= len(d) or not known[j]:
            return i, True
        if j == limit:
            # next repetition reached without coming back: split where the hips were highest
            return lowest, False
        i = j
        if d[i] < d[lowest]:
            lowest = i
        if d[i] <= level:
            return i, False


def foot_displacement_legs(body: BodySignals, side: str, start: int, end: int) -> float:
    """Largest image distance of a foot from where it was at ``start``, within frames start..end, leg lengths."""
    xy = body.foot_xy_px[side][start : end + 1]
    leg = np.nanmedian(body.leg_length_px[start : end + 1])
    ok = np.all(np.isfinite(xy), axis=1)
    if not ok.any():
        return float("nan")
    xy = xy[ok]
    return float(np.max(np.linalg.norm(xy - xy[0], axis=1)) / leg)


def stance_side_of_repetition(
    body: BodySignals, rep: Repetition, *, params: RepetitionParams = RepetitionParams()
) -> tuple[str | None, bool, str]:
    """The stance limb of one repetition: the foot that moves least.

    Confident when the other foot moved at least ``params.min_stance_ratio`` times as far as
    the stance foot and at least ``params.min_other_move_legs`` leg lengths (if both feet stay
    put, it is a double-leg movement, not a single-leg one).

    Or, when neither foot moves that much, when one leg is held up throughout: its foot at
    least ``params.held_up_foot_legs`` and its knee at least ``params.held_up_knee_legs``
    higher in the image than the other foot and knee (medians over the repetition). That is
    a single-leg squat with the free leg held forward and still, as filmed from behind: the
    free foot is hidden behind the stance leg and MediaPipe's estimate of it hardly moves
    (0.01-0.04 leg lengths in rendered clips, held 0.17-0.28 above the stance foot, its knee
    0.07-0.15 above the stance knee). A double-leg squat with one foot placed further from
    the camera also shows that foot higher, through perspective, by about 0.1 leg lengths
    for 30 cm, and that knee by about half as much: the thresholds lie above that, and the
    foot's decides (a stagger that lifts the foot past 0.15 lifts the knee past 0.06). On a step
    the stance leg is the higher one; there the other foot goes down to the floor and back,
    which the first test catches before this one is asked.

    Returns
    -------
    (side, confident, reason)
        ``side`` None when neither foot was seen.
    """
    moved = {side: foot_displacement_legs(body, side, rep.start, rep.end) for side in SIDES}
    if not all(np.isfinite(v) for v in moved.values()):
        seen = [s for s in SIDES if np.isfinite(moved[s])]
        if not seen:
            return None, False, "neither foot was seen during the repetition"
        return seen[0], False, f"only the {seen[0]} foot was seen during the repetition"
    stance = min(SIDES, key=lambda s: moved[s])
    other = other_side(stance)
    ratio = moved[other] / max(moved[stance], 1e-6)
    confident = ratio >= params.min_stance_ratio and moved[other] >= params.min_other_move_legs
    reason = (
        f"the {stance} foot stayed put (moved {moved[stance]:.2f} leg lengths) while the {other} foot "
        f"moved {moved[other]:.2f}"
    )
    if not confident:
        held = held_up_leg(body, rep, params=params)
        if held is not None:
            side_up, foot_up, knee_up = held
            return other_side(side_up), True, (
                f"the {side_up} leg was held up throughout (foot {foot_up:.2f} and knee {knee_up:.2f} leg lengths "
                f"above the {other_side(side_up)} foot and knee) while neither foot moved much"
            )
    return stance, confident, reason


def held_up_leg(
    body: BodySignals, rep: Repetition, *, params: RepetitionParams = RepetitionParams()
) -> tuple[str, float, float] | None:
    """``(side, foot_up_legs, knee_up_legs)`` of a leg held up throughout ``rep``, or None.

    Medians over the repetition's frames of how much higher in the image (leg lengths) one
    foot is than the other, and its knee than the other knee; both must reach
    ``params.held_up_foot_legs`` and ``params.held_up_knee_legs``. None without knees.
    """
    if body.knee_xy_px is None:
        return None
    frames = slice(rep.start, rep.end + 1)
    leg = body.leg_length_px[frames]
    for side in SIDES:
        other = other_side(side)
        with np.errstate(invalid="ignore"):
            foot_up = (body.foot_xy_px[other][frames, 1] - body.foot_xy_px[side][frames, 1]) / leg
            knee_up = (body.knee_xy_px[other][frames, 1] - body.knee_xy_px[side][frames, 1]) / leg
        if not (np.any(np.isfinite(foot_up)) and np.any(np.isfinite(knee_up))):
            continue
        foot_up, knee_up = float(np.nanmedian(foot_up)), float(np.nanmedian(knee_up))
        if foot_up >= params.held_up_foot_legs and knee_up >= params.held_up_knee_legs:
            return side, foot_up, knee_up
    return None


def free_foot_drop_legs(body: BodySignals, stance: str, frame: int) -> float:
    """How much lower in the image the other foot is than the stance foot at ``frame``, leg lengths.

    Positive in a step-down at its deepest point (the other foot reaches down below the
    step). In a single-leg squat the other foot is held up, but when it is held forwards
    (towards a camera in front, above the feet) it can look lower than the stance foot
    through perspective. Pixels, y down.
    """
    other = other_side(stance)
    drop = body.foot_xy_px[other][frame, 1] - body.foot_xy_px[stance][frame, 1]
    return float(drop / body.leg_length_px[frame])


def stance_foot_move_between_legs(body: BodySignals, stance: str, first: Repetition, second: Repetition) -> float:
    """How far the stance foot went between two repetitions on it, leg lengths.

    The largest distance of the foot, from the end of ``first`` to the start of ``second``,
    from where it stood at the end of ``first`` (NaN where it was not seen). Near zero in a
    set of step-downs or single-leg squats, where the foot stays put; in walking the foot
    of each stance phase swings before its next one.
    """
    foot = body.foot_xy_px[stance][first.end : second.start + 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all NaN: not seen
        moved = np.nanmax(np.linalg.norm(foot - foot[0], axis=1)) if len(foot) else np.nan
        leg = np.nanmedian(body.leg_length_px[first.end : second.start + 1]) if len(foot) else np.nan
    return float(moved / leg)


def free_knee_drop_legs(body: BodySignals, stance: str, frame: int) -> float:
    """How much lower in the image the other knee is than the stance knee at ``frame``, leg lengths.

    NaN where a knee was not seen. Pixels, y down.
    """
    if body.knee_xy_px is None:
        return float("nan")
    other = other_side(stance)
    drop = body.knee_xy_px[other][frame, 1] - body.knee_xy_px[stance][frame, 1]
    return float(drop / body.leg_length_px[frame])


def free_leg_reach_legs(body: BodySignals, stance: str, frame: int) -> float:
    """How far the other leg reaches below the stance leg at ``frame``: the smaller of the knee's and the foot's drop.

    In leg lengths, positive when both the other knee and the other foot are lower in the
    image than the stance knee and foot. At the deepest point of a step-down the other leg
    reaches down beside the step, so both its knee and its foot are lower; in a single-leg
    squat the other leg is held up off the floor, so its knee is higher (leg held forwards,
    even when perspective makes that foot look low) or its foot is (leg bent behind).
    NaN when a knee or a foot was not seen.

    Notes
    -----
    Pixels, y down; leg lengths so that camera distance does not matter.
    """
    knee = free_knee_drop_legs(body, stance, frame)
    foot = free_foot_drop_legs(body, stance, frame)
    if not (np.isfinite(knee) and np.isfinite(foot)):
        return float("nan")
    return min(knee, foot)


def detect_repetitions(
    track: LandmarkTrack,
    *,
    task: str = "step_down",
    side: str = "auto",
    params: RepetitionParams | None = None,
    body: BodySignals | None = None,
) -> list[Event]:
    """Step-down or single-leg squat repetitions as events.

    Parameters
    ----------
    track : LandmarkTrack
        Cleaned landmarks, pixels, anatomical sides.
    task : {"step_down", "single_leg_squat"}
        Which task the events belong to (chooses the default parameters).
    side : {"auto", "left", "right"}
        The stance limb; "auto" finds it per repetition (the foot that stays put).
    params : RepetitionParams, optional
    body : BodySignals, optional
        Precomputed body signals.

    Returns
    -------
    list of Event
        One per repetition, in time order; the peak is the deepest frame.
    """
    if task not in REPETITION_TASKS:
        raise ValueError(f"task must be 'step_down' or 'single_leg_squat', got {task!r}")
    if side not in ("auto",) + SIDES:
        raise ValueError(f"side must be 'auto', 'left' or 'right', got {side!r}")
    if params is None:
        params = STEP_DOWN_PARAMS if task == "step_down" else SINGLE_LEG_SQUAT_PARAMS
    if body is None:
        body = body_signals(track, params=BodyParams(smoothing_cutoff_hz=params.smoothing_cutoff_hz))
    t = body.times_s
    depth = depth_legs(body.mid_hip_xy_px[:, 1], body.leg_length_px, standing_percentile=params.standing_percentile)
    events = []
    for rep in find_repetitions(t, depth, params=params):
        notes = []
        if side == "auto":
            stance, confident, reason = stance_side_of_repetition(body, rep, params=params)
            if stance is None:
                continue
            if not confident:
                notes.append(f"stance limb uncertain: {reason}")
        else:
            stance = side
            notes.append("stance limb set by the user")
        if not rep.complete:
            notes.append("cut by the start or the end of the video")
        events.append(
            make_event(
                task,
                stance,
                t,
                rep.start,
                rep.peak,
                rep.end,
                complete=rep.complete,
                depth_leg_lengths=rep.depth_legs,
                notes=tuple(notes),
            )
        )
    return events
