"""The analysis pipeline: video -> landmarks -> angles -> events -> flags -> result.

Two stages, so that a user interface can cache the expensive one:

- :func:`estimate_landmarks` runs the pose model over the video (seconds to minutes);
- :func:`assess` does everything after the landmarks (milliseconds): quality checks,
  cleaning, view, joint centres, angles, task, events, camera roll (looked for outside the
  single-leg events, or read from whole strides of walking), summaries, flags, scores and
  the JSON result.

:func:`analyze` is both in a row.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from metrics import angles as angle_engine
from metrics.cleaning import clean_track
from metrics.events.base import TASKS
from metrics.flags import evaluate_flags, load_thresholds
from metrics.hidden_feet import hidden_feet_track, with_hidden_feet
from metrics.joint_centres import estimate_joint_centres, load_model, range_check, stance_signal
from metrics.quality import ANGLES_WITHHELD_WARNING, assess_quality, check_oblique_view
from metrics.scores import lateral_step_down_scores
from metrics.summary import summarize
from metrics.swap import repair_swaps
from metrics.tasks import detect_task
from metrics.view import detect_view, estimate_camera_roll, estimate_camera_yaw, estimate_walking_roll
from vision.decode import DecodeLimits, probe_video
from vision.errors import InputProblem
from vision.pose import estimate_pose
from vision.track import LandmarkTrack, VideoInfo

from hipscreen.filming_guide import BACK_VIEW_LIFT_HINT, no_event_advice, plural
from hipscreen.result import build_result

ROLL_WARNING_DEG = 3.0

Progress = Callable[[float], None]


@dataclass(frozen=True)
class AnalysisOptions:
    """What the user chose; ``"auto"`` lets the tool decide.

    Attributes
    ----------
    task : str
        ``"auto"`` or one of ``step_down``, ``single_leg_squat``, ``single_leg_stance``, ``gait``.
    side : str
        Stance limb of single-leg tasks: ``"auto"``, ``"left"`` or ``"right"``.
    view : str
        ``"auto"``, ``"front"`` or ``"back"``.
    model : str
        Pose model variant: ``"lite"``, ``"full"`` or ``"heavy"``.
    model_path : str, optional
        An explicit pose model file.
    config_path : str, optional
        A clinic's TOML file of thresholds, merged over the defaults.
    correction : bool
        Move MediaPipe's hip, knee and ankle points towards the anatomical joint centres
        (:mod:`metrics.joint_centres`). On by default: on rendered bodies never used to
        fit it, it cuts the pelvic drop error about in half and the hip adduction error by
        about two thirds (docs/JOINT_CENTRES.md). It is applied only to videos whose
        posture and view lie within the range it was fitted on; otherwise the landmarks
        stay as MediaPipe gives them and the result says so.
    limits : DecodeLimits
        Largest file size, duration and frame size accepted; checked from the file's
        header before any frame is decoded.
    max_analysis_s : float, optional
        Stop the pose stage with ``InputProblem("time_limit")`` once it has run this many
        seconds (None: no limit). A server sets it so one upload cannot hold a worker.
    pose_max_side : int, optional
        Frames whose longer side exceeds this are downscaled before the pose model (which
        works at 256 px anyway); landmarks stay in pixels of the full frame. An 8K clip
        runs 4.5x faster at 1920, landmarks moving by a median 0.1 % of the frame height.
        960 (the default) changes little in speed on 1080p but holds two landmarkers'
        frames in less memory: on Pose2Sim's clips (1080x1920) the landmarks moved by a
        median 2.7-2.9 px from full size, and their error against Pose2Sim's
        multi-camera reference stayed the same (median 16.4 versus 16.3 px on cam01,
        28.3 versus 28.5 px on cam03).
    pose_workers : int, optional
        Pose landmarkers run side by side on segments of the video, each in its own
        thread (:func:`vision.parallel.estimate_pose_parallel`); None uses every core,
        1 runs a single landmarker (as a batch worker process should). Same frames,
        same main person; see benchmarks/throughput.py for speed and agreement.
    """

    task: str = "auto"
    side: str = "auto"
    view: str = "auto"
    model: str = "full"
    model_path: str | None = None
    config_path: str | None = None
    correction: bool = True
    limits: DecodeLimits = DecodeLimits()
    max_analysis_s: float | None = None
    pose_max_side: int | None = 960
    pose_workers: int | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.task not in ("auto",) + TASKS:
            problems.append(f"task must be auto or one of {', '.join(TASKS)}, got {self.task!r}")
        if self.side not in ("auto", "left", "right"):
            problems.append(f"side must be auto, left or right, got {self.side!r}")
        if self.view not in ("auto", "front", "back"):
            problems.append(f"view must be auto, front or back, got {self.view!r}")
        if self.model not in ("lite", "full", "heavy"):
            problems.append(f"model must be lite, full or heavy, got {self.model!r}")
        if self.pose_workers is not None and self.pose_workers < 1:
            problems.append(f"pose_workers must be at least 1 (or None for every core), got {self.pose_workers!r}")
        if self.max_analysis_s is not None and not self.max_analysis_s > 0:
            problems.append(f"the time limit must be a positive number of seconds, got {self.max_analysis_s!r}")
        if problems:
            raise InputProblem("bad_option", "Invalid option: " + "; ".join(problems) + ".")


@dataclass(frozen=True)
class Landmarks:
    """The output of the expensive stage: what the video is and where the body was."""

    video: VideoInfo
    track: LandmarkTrack


@dataclass
class Analysis:
    """Everything one analysis produced.

    Attributes
    ----------
    result : dict
        The JSON result of docs/OUTPUT.md.
    series : dict of str to ndarray
        Per-frame columns: ``time_s`` and each angle for both limbs where it applies
        (``pelvic_drop_left_stance_deg``, ..., ``knee_fppa_right_deg``, ...).
    track : LandmarkTrack
        The points the angles were computed from (cleaned, sides fixed, joint centres).
    raw_track : LandmarkTrack
        MediaPipe's landmarks as they came out of the model.
    video : VideoInfo
    events : list
        :class:`metrics.events.base.Event` objects behind ``result["events"]``.
    thresholds : metrics.flags.Thresholds, optional
        The thresholds the flags were judged by (defaults with a clinic's file merged
        over them): the report draws their bands.
    """

    result: dict
    series: dict[str, np.ndarray]
    track: LandmarkTrack
    raw_track: LandmarkTrack
    video: VideoInfo
    events: list = field(default_factory=list)
    thresholds: Any = None


def estimate_landmarks(
    video_path: str | Path, *, options: AnalysisOptions = AnalysisOptions(), progress: Progress | None = None
) -> Landmarks:
    """Probe the video and run the pose model over it (the expensive stage).

    Raises
    ------
    InputProblem
        From probing (limits, damaged or unreadable file), the pose model (no person),
        or ``time_limit`` when ``options.max_analysis_s`` runs out.
    """
    video = probe_video(video_path, limits=options.limits)
    track = estimate_pose(
        video_path,
        variant=options.model,
        model_path=options.model_path,
        max_side=options.pose_max_side,
        limits=options.limits,
        video=video,
        progress=with_time_limit(progress, options.max_analysis_s),
        workers=options.pose_workers,
    )
    return Landmarks(video=video, track=track)


def with_time_limit(progress: Progress | None, max_analysis_s: float | None) -> Progress | None:
    """A progress callback that also stops the work once ``max_analysis_s`` has passed.

    The pose stage calls ``progress`` after every frame, so the limit is kept to within
    one frame's work; raising from the callback closes the landmarker on the way out.
    """
    if max_analysis_s is None:
        return progress
    deadline = time.monotonic() + max_analysis_s

    def check(fraction: float) -> None:
        if progress is not None:
            progress(fraction)
        if time.monotonic() > deadline:
            raise InputProblem(
                "time_limit",
                f"The analysis was stopped after {max_analysis_s:g} s, its time limit, at "
                f"{100 * fraction:.0f}% of the video.",
                "Film only the test itself (under a minute; 1080p is plenty) so it can be analysed in time.",
            )

    return check


def angle_columns(series: angle_engine.AngleSeries) -> dict[str, np.ndarray]:
    """The per-frame angle columns of the CSV and the plots."""
    cols = {"time_s": np.asarray(series.times_s, dtype=float)}
    for side in ("left", "right"):
        cols[f"pelvic_drop_{side}_stance_deg"] = series.get("pelvic_drop_deg", side)
        cols[f"trunk_lean_{side}_stance_deg"] = series.get("trunk_lean_deg", side)
    for side in ("left", "right"):
        cols[f"knee_fppa_{side}_deg"] = series.get("knee_fppa_deg", side)
        cols[f"hip_adduction_{side}_deg"] = series.get("hip_adduction_deg", side)
    return cols


def _measure(track: LandmarkTrack, events_track: LandmarkTrack, check, options: AnalysisOptions):
    """Task, joint centres, angle series and events of a cleaned track.

    The task and its events are found on ``events_track``: the cleaned landmarks as MediaPipe
    placed them, not the joint centres (the step-down / squat cut-off was chosen on such
    landmarks, and on a fresh cohort the moved knees turned 2 of 12 borderline squats into
    step-downs), with the feet hidden behind the other leg put back
    (:func:`metrics.hidden_feet.with_hidden_feet`). The angles are measured on ``track`` and
    never use those feet.

    Recognition reads only those landmarks; the angle series only places the peaks of holds
    and stance phases. So, with the joint-centre correction (``check``: its range check, None
    when not applied), the task and its events are found first (the task may be the user's),
    the joint centres are estimated with that task's rule and the stance leg of those events
    (:func:`metrics.joint_centres.stance_signal`), and the events are then found again with
    the angle series of those joint centres, which places their peaks.

    Returns ``(measured track, angle series, TaskDetection, rule name or None)``.
    """

    def detect(series):
        return detect_task(events_track, series, task=options.task, side=options.side)

    if check is None:
        series = angle_engine.compute_angle_series(track)
        return track, series, detect(series), None
    first = detect(None)
    task = first.task if options.task == "auto" else options.task
    stance = stance_signal(track.times_s, [(e.side, e.start_s, e.end_s) for e in first.events])
    measured = estimate_joint_centres(track, check=check, task=task, stance=stance)
    series = angle_engine.compute_angle_series(measured)
    return measured, series, detect(series), load_model().rule_name(task)


def assess(
    landmarks: Landmarks,
    *,
    options: AnalysisOptions = AnalysisOptions(),
    thresholds=None,
) -> Analysis:
    """Everything after the pose model: from landmarks to the JSON result.

    Raises
    ------
    InputProblem
        When the landmarks cannot give a trustworthy measurement (no person, feet out of
        frame for most of the video, several people, a side view, ...).
    """
    video, raw = landmarks.video, landmarks.track
    if thresholds is None:
        thresholds = load_thresholds(options.config_path)
    quality = assess_quality(raw)
    # Every note goes to the clinician (quality.warnings); a patient gets those that say what to
    # film differently, in plain words (quality.patient_warnings), not the tool's bookkeeping.
    warnings = list(quality.warnings)
    patient_warnings = list(quality.warnings)

    def note(text: str, plain: str | None = "") -> None:
        """Add a note; ``plain`` is the patient's version ("" the same text, None none)."""
        warnings.append(text)
        if plain is not None:
            patient_warnings.append(plain or text)

    # Swaps are repaired on the raw landmarks: smoothing would blend a swapped frame.
    repaired = repair_swaps(raw)
    n_swapped = repaired.frames_repaired
    if n_swapped:
        swapped = plural(n_swapped, "frame")
        note(f"Left and right were mixed up by the pose model in {swapped} and were put right.", None)
    cleaned = clean_track(repaired.track)
    for text in cleaned.warnings:
        note(text)
    track = cleaned.track

    view_estimate = detect_view(track)
    if view_estimate.view == "side" and options.view == "auto":
        raise InputProblem(
            "side_view",
            "The video shows the person from the side.",
            "These measurements need a front or back view: film facing the person (or from "
            "directly behind), phone at hip height, 2-3 m away.",
        )
    view = view_estimate.view if options.view == "auto" else options.view
    if options.view != "auto" and view_estimate.view not in (options.view,):
        note(
            f"You chose the {options.view} view; the video looks like a {view_estimate.view} view "
            f"({view_estimate.reason})."
        )
    yaw = estimate_camera_yaw(track)
    oblique = check_oblique_view(
        yaw.yaw_deg, view=view, magnitude_deg=yaw.magnitude_deg, refuse=options.view == "auto"
    )
    if oblique.warned:
        note(oblique.patient_text)

    joint_centres = {"requested": options.correction, "applied": False, "reason": "switched off", "rule": None}
    check = None
    if options.correction:
        check = range_check(track)
        joint_centres.update(applied=check.clip_in_range, reason=check.reason)
        if not check.clip_in_range:
            check = None
            if not oblique.warned:  # an oblique view has its own warning, with how to film
                note(
                    "The hip drop and the inward movement of the thigh may read a few degrees low in this "
                    "video, because the way it was filmed is unlike the videos the tool was checked on. "
                    "Film from straight in front or straight behind, with the whole body in view."
                )
    events_track = with_hidden_feet(track, hidden_feet_track(repaired.track))
    measured, series, detection, rule = _measure(track, events_track, check, options)
    joint_centres["rule"] = rule

    single_leg = [] if detection.task == "gait" else [(e.start_s, e.end_s) for e in detection.events]
    roll = estimate_camera_roll(track, single_leg_spans=single_leg)
    if roll.roll_deg is None and detection.task == "gait":  # walkers seldom stand still: read it from the strides
        roll = estimate_walking_roll(track, detection.events)
    roll_deg = roll.roll_deg
    if roll_deg is None:
        note(
            "The phone's tilt could not be checked, because the person never stood still on both feet "
            "for half a second. Hold the phone level, and stand still on both feet for a moment at the start."
        )
    elif abs(roll_deg) > ROLL_WARNING_DEG:
        note(
            f"The phone was tilted by about {abs(roll_deg):.1f} degrees; pelvic drop and trunk lean "
            "include this tilt. Hold the phone level (use a stand or lean it on something flat)."
        )

    if detection.task is not None and not detection.events:
        note(no_event_advice(detection.task, view))
    elif detection.task is None and view == "back" and detection.feet_stayed_down:
        note(f"{detection.reason} {BACK_VIEW_LIFT_HINT}")
    elif detection.task is None or not detection.confident:
        note(detection.reason, detection.plain_reason)
    events = list(detection.events)

    summary = summarize(events, series)
    flags = evaluate_flags(summary, thresholds=thresholds, task=detection.task)
    withheld: list[str] = []
    if oblique.warned:
        # The angles of an oblique view are wrong by an unknown amount that depends on the
        # movement (check_oblique_view): none is given or flagged; the events are kept.
        withheld = sorted({f.code for f in flags if f.unit == "deg"})
        flags = [f for f in flags if f.unit != "deg"]
        summary = summarize(events, series, with_angles=False)
        if events:
            note(ANGLES_WITHHELD_WARNING, None)  # a patient reads it where the angles would be
    warnings.extend(summary.warnings)
    patient_warnings.extend(summary.patient_warnings)
    scores = {}
    if detection.task == "step_down" and oblique.warned:
        note("The lateral step-down score is not given: the camera was at an angle to the person.", None)
    elif detection.task == "step_down":
        scores["lateral_step_down"] = lateral_step_down_scores(measured, events, series, thresholds=thresholds)

    summary_dict = summary.to_dict()
    result = build_result(
        video=video,
        pose_model=raw.pose_model or f"pose_landmarker_{options.model}",
        task=detection.task,
        task_detected=options.task == "auto" and detection.task is not None,
        view=view,
        camera_roll_deg=roll_deg,
        quality={**quality.to_dict(), "warnings": warnings, "patient_warnings": list(dict.fromkeys(patient_warnings))},
        events=summary_dict["events"],
        sides=summary_dict["sides"],
        asymmetry=summary_dict["asymmetry"],
        scores={k: v.to_dict() if hasattr(v, "to_dict") else v for k, v in scores.items()},
        flags=[f.to_dict() for f in flags],
        details={
            "task": detection.to_dict(),
            "view_confidence": view_estimate.confidence,
            "joint_centres": joint_centres,
            "angles_withheld_for_camera_angle": oblique.warned,
            "flags_withheld_for_camera_angle": withheld,
            "swapped_frames": n_swapped,
            "camera_roll": {"method": roll.method, "reason": roll.reason},
            "camera_yaw": {
                "method": yaw.method,
                "reason": yaw.reason,
                "frames_used": yaw.frames_used,
                "magnitude_deg": yaw.magnitude_deg,
                "oblique_warning": oblique.clinician_text,
            },
        },
        camera_yaw_deg=yaw.yaw_deg,
    )
    return Analysis(
        result=result,
        series=angle_columns(series),
        track=measured,
        raw_track=raw,
        video=video,
        events=list(events),
        thresholds=thresholds,
    )


def analyze(
    video_path: str | Path, *, options: AnalysisOptions = AnalysisOptions(), progress: Progress | None = None
) -> Analysis:
    """Run the whole analysis of one video."""
    return assess(estimate_landmarks(video_path, options=options, progress=progress), options=options)
