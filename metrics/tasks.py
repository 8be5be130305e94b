"""Which task the person performs, and on which stance limb.

The recogniser runs the event detectors and weighs what they find, in this order:

1. **gait**: stance phases of both feet that alternate (a walk towards or away from
   the camera, or on a treadmill / in place);
2. **step_down** or **single_leg_squat**: repetitions of the mid-hip going down and up
   while one foot stays put. A step-down's stance foot is on a step, so at the deepest
   point the other leg reaches down beside the step: its knee and its foot are both
   *lower* in the image than the stance knee and foot. In a single-leg squat both feet
   are on the same floor and the other leg is held up: held forwards, its knee is higher
   than the stance knee (its foot may still look low through perspective); bent behind,
   its foot is higher (see :class:`TaskParams` for the measured separation);
3. **single_leg_stance**: one foot off the ground for a while, the body staying up;
4. none of these: both feet stayed on the ground (e.g. standing exercises), reported as
   "no single-leg task found" rather than forced into a task.

When the evidence is thin the detection says so (``confident`` False with the reason)
instead of guessing silently. The user can override the task and the stance side.

Notes
-----
Pixels of the upright frame, x right, y down: "lower in the image" is a larger y.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from metrics.events.base import REPETITION_TASKS, TASKS, Event
from metrics.events.body import BodyParams, body_signals
from metrics.events.gait import detect_gait
from metrics.events.single_leg_stance import HoldParams, detect_single_leg_stance
from metrics.events.step_down import (
    SINGLE_LEG_SQUAT_PARAMS,
    STEP_DOWN_PARAMS,
    RepetitionParams,
    depth_legs,
    detect_repetitions,
    find_repetitions,
    free_foot_drop_legs,
    free_knee_drop_legs,
    free_leg_reach_legs,
    stance_foot_move_between_legs,
    stance_side_of_repetition,
)
from vision.landmarks import SIDES
from vision.track import LandmarkTrack

TASK_CHOICES: tuple[str, ...] = ("auto",) + TASKS
SIDE_CHOICES: tuple[str, ...] = ("auto",) + SIDES

FEET_NOT_SEEN_MESSAGE = (
    "The task could not be recognised: both feet were seen in only {share:.0%} of the video. Film the whole "
    "body, feet included, or choose the task by hand."
)

NO_TASK_MESSAGE = (
    "No single-leg task was found: both feet stayed on the ground. Film a step-down, a single-leg squat, "
    "a single-leg stance or walking, or choose the task by hand."
)

SHORT_HOLD_NOTE = (
    " The hold is short, so the call is unsure: for a single-leg stance, keep the foot up for at least 10 "
    "seconds, or choose the task by hand."
)

SQUAT_LIKE_NOTE = (
    " The hold is short, and the hips also went down and up {times} with both feet seemingly on the ground, "
    "as in a single-leg squat with the free foot held low, so the call is unsure: if it was a squat, choose "
    "the task by hand; for a single-leg stance, keep the foot up for at least 10 seconds."
)


def _short_hold_note(up_down_movements: int) -> str:
    """Why a short hold is an unsure call; names the hips' up-down movements when there were
    several (a set of squats), not one (which may be a balance adjustment)."""
    if up_down_movements < 2:
        return SHORT_HOLD_NOTE
    return SQUAT_LIKE_NOTE.format(times=f"{up_down_movements} times")


@dataclass(frozen=True)
class TaskParams:
    """Thresholds of the task recogniser.

    Attributes
    ----------
    min_gait_phases : int
        Complete stance phases (both feet together) needed to call it walking.
    min_gait_alternation : float
        Below this share of consecutive stance phases switching foot it is not walking.
    confident_gait_alternation : float
        Share of consecutive stance phases that switch foot for a confident call.
    step_min_reach_legs : float
        At the deepest point of a repetition, how far the other leg reaches below the
        stance leg (:func:`metrics.events.step_down.free_leg_reach_legs`: the smaller of
        the other knee's and the other foot's drop below the stance knee and foot, leg
        lengths, median over the repetitions); at least this much is a step-down.
        Measured on the rendered cohort with known task (MediaPipe full, raw landmarks,
        smoothed at 3 Hz; median over a clip's repetitions), choosing the cut-off on its
        training clips only (leaving out the split's validation clips c004, c014, ... and
        also every fifth clip c000, c010, ...): 7 single-leg squats -0.274, -0.257, -0.188,
        -0.117, -0.053, -0.044, -0.019; 6 step-downs +0.046, +0.069, +0.109, +0.110,
        +0.133, +0.142. The cut-off 0.01 lies in the middle of that gap. Checked on clips
        not used to choose it, all on the right side: 4 squats -0.190 to -0.039 and 5
        step-downs +0.055 to +0.196 of the cohort; the committed samples, 2 squats -0.268
        and -0.017 and 4 step-downs +0.057 to +0.111. With the joint-centre correction (two
        versions of it) the gap over all of them stays about -0.03 to +0.06. The other foot's drop alone (the previous
        rule, cut-off 0.15) did not separate them: squats whose free foot is held forwards
        read up to +0.134 from the front (the foot comes towards a camera above it, so it
        looks lower), one step-down filmed from above +0.133.
    step_reach_margin_legs : float
        Closer than this to ``step_min_reach_legs`` the step-down / squat call is unsure:
        -0.01 to +0.03 leg lengths, inside the measured gap (the nearest training clips are
        0.029 and 0.036 away from the cut-off).
    step_min_drop_legs : float
        Used only when the knees were not seen: the other foot at least this much lower
        than the stance foot (leg lengths) is a step-down, and the call is always unsure
        (perspective makes a squat's free foot held forwards look up to 0.13 lower).
    min_feet_seen_share : float
        With both feet seen in fewer frames than this share, "no task found" says the feet
        were not seen rather than that they stayed on the ground.
    min_confident_repetitions : int
        A step-down or squat call is unsure when no leg has this many complete
        repetitions. One repetition is thin evidence, and it is what a short walk looks
        like: the hips bob by about 0.06 leg lengths with each step, as deep as a shallow
        squat (the real walk on the spot zarate_front, cut to its first 5 s at 240x400 px,
        gave one left-leg "repetition" of 0.064 leg lengths beside two alternating stance
        phases; re-encoded in VP9, one on each leg). The filming guide asks for 5
        repetitions on each leg; none of the 299 rendered and sample clips with a known
        task changes its call.
    max_stance_foot_move_legs : float
        Between two repetitions on the same leg its foot may move at most this much (leg
        lengths, :func:`metrics.events.step_down.stance_foot_move_between_legs`); farther,
        the feet stepped as in walking and the call is unsure. In the 144 rendered step-down
        and squat clips of seeds 1-4 and the 6 sample clips it moved at most 0.019; in the
        2-second windows of rendered walks filmed from behind that were called confident
        squats (2 of 396 windows of seed 1), 0.099 and 0.138.
    confident_hold_s : float
        A single-leg stance hold at least this long is a confident call. The test is a
        hold of several seconds (MEASURES section 3); a shorter one could be a slow step,
        the free foot put down to recover, or a single-leg squat whose free foot is held
        so low that it looks down (the rendered hold that was a squat lasted 0.8 s). Of the
        72 rendered holds of seeds 1-4, 69 are found at 2.7-3.4 s, one (seen from behind, its
        lifted foot partly hidden) at 1.3 s, and two not at all; the sample clips' at 5.8-11.4 s.
    """

    min_gait_phases: int = 3
    min_gait_alternation: float = 0.5
    confident_gait_alternation: float = 0.75
    step_min_reach_legs: float = 0.01
    step_reach_margin_legs: float = 0.02
    step_min_drop_legs: float = 0.15
    min_confident_repetitions: int = 2
    max_stance_foot_move_legs: float = 0.05
    confident_hold_s: float = 2.0
    min_feet_seen_share: float = 0.5


@dataclass(frozen=True)
class TaskCandidate:
    """What one detector found: the task, how many events, and in words why it fits or not."""

    task: str
    events: int
    evidence: str

    def to_dict(self) -> dict:
        return {"task": self.task, "events": self.events, "evidence": self.evidence}


@dataclass(frozen=True)
class TaskDetection:
    """The recognised task.

    Attributes
    ----------
    task : str or None
        One of :data:`metrics.events.base.TASKS`, or None when no single-leg task or
        walking was found.
    confident : bool
        False when the call is a best guess; ``reason`` says why.
    reason : str
        One or two plain sentences: what was seen.
    stance_side : str or None
        The stance limb of a single-leg task when all its events share it; None for
        gait (both sides), for mixed sides, or when no task was found.
    candidates : tuple of TaskCandidate
        What each detector found.
    events : tuple of Event
        The events of the chosen task (empty when ``task`` is None).
    set_by_user : bool
        True when the task was given, not detected.
    feet_stayed_down : bool
        True when no task was found although both feet were seen: they stayed on the
        ground (:data:`NO_TASK_MESSAGE`), as opposed to being out of view.
    patient_reason : str or None
        For a patient, when the call is unsure: the doubt and what to do, in plain words
        with no measurement in them (:attr:`plain_reason`). None when ``reason`` is plain
        enough as it is.
    """

    task: str | None
    confident: bool
    reason: str
    stance_side: str | None
    candidates: tuple[TaskCandidate, ...] = field(default_factory=tuple)
    events: tuple[Event, ...] = field(default_factory=tuple)
    set_by_user: bool = False
    feet_stayed_down: bool = False
    patient_reason: str | None = None

    @property
    def plain_reason(self) -> str:
        """``reason`` as a patient should read it."""
        return self.patient_reason or self.reason

    def to_dict(self) -> dict:
        return {
            "task": self.task,
            "confident": self.confident,
            "reason": self.reason,
            "stance_side": self.stance_side,
            "set_by_user": self.set_by_user,
            "candidates": [c.to_dict() for c in self.candidates],
        }


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")


def detect_events(track: LandmarkTrack, angles=None, task: str = "step_down", *, side: str = "auto") -> list[Event]:
    """Events of a known task.

    Parameters
    ----------
    track : LandmarkTrack
        Cleaned landmarks, pixels, anatomical sides.
    angles : metrics.angles.AngleSeries, optional
        Used to place the peak of holds and stance phases (largest pelvic drop).
    task : str
        One of :data:`metrics.events.base.TASKS`.
    side : {"auto", "left", "right"}
        Stance limb of a single-leg task ("auto": found per event). Gait always
        reports both sides; a side given for gait keeps that side's stance phases only.

    Returns
    -------
    list of Event
    """
    _check_choice("task", task, TASKS)
    _check_choice("side", side, SIDE_CHOICES)
    if task in REPETITION_TASKS:
        return detect_repetitions(track, task=task, side=side)
    if task == "single_leg_stance":
        return detect_single_leg_stance(track, angles, side=side)
    events = detect_gait(track, angles)
    return [e for e in events if side == "auto" or e.side == side]


def _common_side(events) -> str | None:
    sides = {e.side for e in events}
    return sides.pop() if len(sides) == 1 else None


def _gait_candidate(events: list[Event], params: TaskParams) -> tuple[TaskCandidate, bool, bool, str]:
    complete = [e for e in events if e.complete]
    per_side = Counter(e.side for e in complete)
    switches = sum(1 for a, b in zip(complete, complete[1:]) if a.side != b.side)
    alternation = switches / max(len(complete) - 1, 1)
    fits = (
        len(complete) >= params.min_gait_phases
        and all(per_side[s] >= 1 for s in SIDES)
        and alternation >= params.min_gait_alternation
    )
    confident = fits and alternation >= params.confident_gait_alternation and len(complete) >= params.min_gait_phases + 1
    evidence = (
        f"{len(complete)} complete stance phases ({per_side['left']} left, {per_side['right']} right), "
        f"{alternation:.0%} alternating"
    )
    reason = f"Walking: {evidence}."
    if fits and not confident:
        reason += " The steps are few or do not alternate cleanly, so the call is unsure."
    return TaskCandidate("gait", len(complete), evidence), fits, confident, reason


PATIENT_UNSURE_GAIT = (
    "The tool is not sure this is walking: it saw only a few steps, or steps that did not go left, right, "
    "left. Walk at least six steps straight towards or away from the phone, or choose the exercise by hand."
)
PATIENT_UNSURE_REPETITIONS = "The tool is not sure whether this is a step-down or a single-leg squat{why}. {advice}"
PATIENT_FEW_REPETITIONS = (
    "The tool is not sure what exercise this is: it saw only {count}{why}. Do 5 repetitions in a row on the "
    "same leg, or choose the exercise by hand."
)
PATIENT_FOOT_MOVED = (
    "The tool is not sure what exercise this is: the standing foot moved between the repetitions, as in "
    "walking. Keep the standing foot in place for the whole set, or choose the exercise by hand."
)
PATIENT_SHORT_HOLD = (
    "The tool is not sure this is a test of standing on one leg, because the foot was up for only {held}."
    " Keep the foot up for at least 10 seconds, or choose the exercise by hand."
)
PATIENT_SQUAT_LIKE_HOLD = (
    "The tool is not sure this is a test of standing on one leg: the foot was up for only {held}, "
    "and the hips went down and up as in single-leg squats. If you were doing squats, choose that exercise by "
    "hand; to stand on one leg, keep the foot up for at least 10 seconds."
)


def detect_task(
    track: LandmarkTrack,
    angles=None,
    *,
    task: str = "auto",
    side: str = "auto",
    params: TaskParams = TaskParams(),
) -> TaskDetection:
    """Recognise the task and the stance limb, and find its events.

    Parameters
    ----------
    track : LandmarkTrack
        Cleaned landmarks, pixels, anatomical sides.
    angles : metrics.angles.AngleSeries, optional
        Places the peaks of holds and stance phases.
    task : {"auto", "step_down", "single_leg_squat", "single_leg_stance", "gait"}
        "auto" recognises it; anything else is the user's choice and is used as is.
    side : {"auto", "left", "right"}
        The stance limb of a single-leg task, or "auto".
    params : TaskParams

    Returns
    -------
    TaskDetection
    """
    _check_choice("task", task, TASK_CHOICES)
    _check_choice("side", side, SIDE_CHOICES)
    side_note = "" if side == "auto" else f" Stance limb set by the user: {side}."

    if task != "auto" or side != "auto":
        seen = detect_task(track, angles, params=params)
    if task != "auto":
        events = detect_events(track, angles, task, side=side)
        reason = f"Task set by the user: {task}.{side_note}"
        if not events:
            reason += " No event of this task was found in the video."
        if task == "gait" and side != "auto":
            reason += " Walking has stance phases on both limbs; only the chosen side is kept."
        reason += _disagreement(seen, task, side)
        stance = side if side != "auto" else (None if task == "gait" else _common_side(events))
        return TaskDetection(task, True, reason, stance, seen.candidates, tuple(events), set_by_user=True)
    if side != "auto":
        detection = _detect_auto(track, angles, side=side, params=params)
        note = _disagreement(seen, detection.task, side)
        if note:
            detection = replace(detection, reason=detection.reason + note)
        return detection
    return _detect_auto(track, angles, side=side, params=params)


def _disagreement(seen: TaskDetection, task: str | None, side: str) -> str:
    """A sentence when what the video looks like differs from the user's choice (else "")."""
    notes = []
    if seen.task is not None and task is not None and seen.task != task:
        notes.append(f"The video looks like {seen.task.replace('_', ' ')} ({seen.reason.rstrip('.')}).")
    elif seen.task is None and task is not None:
        notes.append("No single-leg task or walking was recognised in the video.")
    if side != "auto" and seen.task != "gait" and seen.stance_side is not None and seen.stance_side != side:
        notes.append(f"The video looks like a {seen.stance_side} stance limb: the {seen.stance_side} foot stayed put.")
    return "".join(" " + n for n in notes)


def _median(values) -> float:
    values = np.asarray(values, dtype=float)
    return float(np.median(values[np.isfinite(values)])) if np.any(np.isfinite(values)) else float("nan")


def _below_or_above(value: float, what: str) -> str:
    return f"{abs(value):.2f} leg lengths {'below' if value >= 0 else 'above'} {what}"


def _repetition_task(track, body, single_leg_reps, candidates, *, side, side_note, params) -> TaskDetection:
    """Step-down or single-leg squat, from how far the other leg reaches below the stance leg."""
    reach = _median([free_leg_reach_legs(body, stance, rep.peak) for rep, stance in single_leg_reps])
    knee = _median([free_knee_drop_legs(body, stance, rep.peak) for rep, stance in single_leg_reps])
    foot = _median([free_foot_drop_legs(body, stance, rep.peak) for rep, stance in single_leg_reps])
    n = len(single_leg_reps)
    evidence = f"{n} repetition{'s' if n != 1 else ''} with one foot staying put; at the deepest point the other "
    if np.isfinite(reach):
        is_step = reach >= params.step_min_reach_legs
        unsure = abs(reach - params.step_min_reach_legs) < params.step_reach_margin_legs
        evidence += f"knee is {_below_or_above(knee, 'the stance knee')} and the other foot {_below_or_above(foot, 'the stance foot')}"
    elif np.isfinite(foot):
        is_step = foot >= params.step_min_drop_legs
        unsure = True
        evidence += f"foot is {_below_or_above(foot, 'the stance foot')} (the knees were not seen)"
    else:
        is_step, unsure = False, True
        evidence += "foot was not seen"
    rep_task = "step_down" if is_step else "single_leg_squat"
    candidates.append(TaskCandidate(rep_task, n, evidence))
    events = detect_repetitions(
        track, task=rep_task, side=side, params=STEP_DOWN_PARAMS if is_step else SINGLE_LEG_SQUAT_PARAMS
    )
    if is_step:
        what = "a step-down (the other leg reaches down below the stance leg, off a step)"
    else:
        what = "a single-leg squat on level ground (the other leg is held up)"
    reason = f"Repetitions on one leg: {evidence}, so {what}.{side_note}"
    plain = None
    if not np.isfinite(foot):
        reason += (
            " Without the other foot a step-down cannot be told from a squat, so the call is unsure: "
            "keep both feet in the picture, or choose the task by hand."
        )
        plain = PATIENT_UNSURE_REPETITIONS.format(
            why=", because the raised foot was not seen",
            advice="Keep both feet in the picture, or choose the exercise by hand.")
    elif not np.isfinite(reach):
        reason += (
            " Without the knees a squat's free foot held forwards can look as low as a step-down's, so the call "
            "is unsure: keep the whole legs in the picture, or choose the task by hand."
        )
        plain = PATIENT_UNSURE_REPETITIONS.format(
            why=", because the knees were not seen",
            advice="Keep both legs, knees and feet, in the picture, or choose the exercise by hand.")
    elif unsure:
        plain = PATIENT_UNSURE_REPETITIONS.format(why="", advice="If it is wrong, choose the exercise by hand.")
        reason += (
            " The other leg reaches about as low as the stance leg, so a step-down cannot be told from a squat "
            "and the call is unsure."
        )
    return TaskDetection(rep_task, not unsure, reason, _common_side(events), tuple(candidates), tuple(events),
                         patient_reason=plain)


def _made_unsure(detection: TaskDetection, reason: str, plain: str) -> TaskDetection:
    """``detection`` marked unsure: ``reason`` added to its reason, ``plain`` to its patient
    reason (after the doubt already there, if any)."""
    plain = f"{detection.patient_reason} {plain}" if detection.patient_reason else plain
    return replace(detection, confident=False, reason=detection.reason + reason, patient_reason=plain)


def _unsure_if_few(
    detection: TaskDetection, single_leg_reps, walking: TaskCandidate | None, *, params: TaskParams
) -> TaskDetection:
    """The repetition call made unsure when no leg has ``params.min_confident_repetitions``
    complete repetitions; ``walking``, the gait candidate when the feet also stepped in
    turn (complete stance phases of both feet), is named in the reason."""
    per_leg = Counter(stance for rep, stance in single_leg_reps if rep.complete)
    most = max(per_leg.values())
    if most >= params.min_confident_repetitions:
        return detection
    count = "1 complete repetition" if most == 1 else f"{most} complete repetitions"
    if walking is not None:
        why = f", while the feet also stepped in turn as in walking: {walking.evidence}. So"
        plain_why = ", and the feet also stepped in turn as in walking"
    else:
        why = ", too few to be sure of the task, so"
        plain_why = ""
    reason = (
        f" Only {count} {'was' if most == 1 else 'were'} found on {'either leg' if len(per_leg) > 1 else 'the leg'}"
        f"{why} the call is unsure: do 5 repetitions in a row, or choose the task by hand."
    )
    plain = PATIENT_FEW_REPETITIONS.format(
        count=("one repetition" if most == 1 else f"{most} repetitions") + (" on each leg" if len(per_leg) > 1 else ""),
        why=plain_why,
    )
    return _made_unsure(detection, reason, plain)


def _unsure_if_the_foot_moved(detection: TaskDetection, body, single_leg_reps, *, params: TaskParams) -> TaskDetection:
    """The repetition call made unsure when a leg's foot moved between two of its complete
    repetitions (``params.max_stance_foot_move_legs``): the feet stepped, as in walking."""
    moves = []
    for leg in SIDES:
        reps = [rep for rep, stance in single_leg_reps if rep.complete and stance == leg]
        moves += [(stance_foot_move_between_legs(body, leg, a, b), leg) for a, b in zip(reps, reps[1:])]
    moved, leg = max(((m, leg) for m, leg in moves if np.isfinite(m)), default=(0.0, None))
    if moved <= params.max_stance_foot_move_legs:
        return detection
    reason = (
        f" Between two repetitions the {leg} foot moved {moved:.2f} leg lengths, as when walking "
        f"(in a set on one leg it stays within {params.max_stance_foot_move_legs:.2f}), so the call is unsure: "
        "keep the standing foot in place for the whole set, or choose the task by hand."
    )
    return _made_unsure(detection, reason, PATIENT_FOOT_MOVED)


def _detect_auto(track: LandmarkTrack, angles, *, side: str, params: TaskParams) -> TaskDetection:
    """The automatic recognition (``task="auto"``), with the user's stance side if given."""
    side_note = "" if side == "auto" else f" Stance limb set by the user: {side}."

    candidates = []

    # 1. walking
    gait_events = detect_gait(track, angles)
    gait, gait_fits, gait_confident, gait_reason = _gait_candidate(gait_events, params)
    candidates.append(gait)
    if gait_fits:
        if side != "auto":
            gait_events = [e for e in gait_events if e.side == side]
            gait_reason += side_note + " Only the chosen side's stance phases are kept."
        return TaskDetection("gait", gait_confident, gait_reason, None, tuple(candidates), tuple(gait_events),
                             patient_reason=None if gait_confident else PATIENT_UNSURE_GAIT)

    # 2. repetitions on one leg (step-down or single-leg squat)
    rep_params: RepetitionParams = SINGLE_LEG_SQUAT_PARAMS
    body = body_signals(track, params=BodyParams(smoothing_cutoff_hz=rep_params.smoothing_cutoff_hz))
    both_feet = np.isfinite(body.foot_xy_px["left"][:, 1]) & np.isfinite(body.foot_xy_px["right"][:, 1])
    feet_seen = float(np.mean(both_feet)) if both_feet.size else 0.0
    depth = depth_legs(body.mid_hip_xy_px[:, 1], body.leg_length_px, standing_percentile=rep_params.standing_percentile)
    reps = find_repetitions(body.times_s, depth, params=rep_params)
    single_leg_reps = []
    for rep in reps:
        stance, confident, _ = stance_side_of_repetition(body, rep, params=rep_params)
        if stance is not None and confident:
            # the detected stance foot tells step-down from squat, whatever side the user chose
            single_leg_reps.append((rep, stance))
    # A repetition cut by the video's start or end is not enough on its own: a person
    # who is lowest in the first frames (getting up, or walking away) would look like one.
    if any(rep.complete for rep, _ in single_leg_reps):
        stepped = {e.side for e in gait_events if e.complete} == set(SIDES)
        detection = _repetition_task(track, body, single_leg_reps, candidates, side=side, side_note=side_note,
                                     params=params)
        detection = _unsure_if_few(detection, single_leg_reps, gait if stepped else None, params=params)
        return _unsure_if_the_foot_moved(detection, body, single_leg_reps, params=params)
    if reps:
        candidates.append(
            TaskCandidate("single_leg_squat", 0, f"{len(reps)} up-down movements of the hips, but both feet stayed put")
        )

    # 3. single-leg stance
    holds = detect_single_leg_stance(track, angles, side=side)
    if holds:
        longest = max(e.hold_duration_s or 0.0 for e in holds)
        evidence = f"{len(holds)} hold(s) on one leg, the longest {longest:.1f} s"
        candidates.append(TaskCandidate("single_leg_stance", len(holds), evidence))
        confident = longest >= HoldParams().min_hold_s and longest >= params.confident_hold_s
        reason = f"Single-leg stance: {evidence}.{side_note}"
        plain = None
        if not confident:
            reason += _short_hold_note(len(reps))
            plain = (PATIENT_SQUAT_LIKE_HOLD if len(reps) >= 2 else PATIENT_SHORT_HOLD).format(
                held="about a second" if longest < 1.5 else f"{longest:.0f} seconds")
        return TaskDetection("single_leg_stance", confident, reason, _common_side(holds), tuple(candidates), tuple(holds),
                             patient_reason=plain)

    reason = NO_TASK_MESSAGE
    feet_stayed_down = feet_seen >= params.min_feet_seen_share
    if not feet_stayed_down:
        reason = FEET_NOT_SEEN_MESSAGE.format(share=feet_seen)
    elif reps:
        reason += f" ({len(reps)} up-down movements of the hips were seen with both feet on the ground.)"
    return TaskDetection(None, True, reason, None, tuple(candidates), (), feet_stayed_down=feet_stayed_down)
