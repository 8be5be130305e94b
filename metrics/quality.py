"""Is this landmark track good enough to measure? Coverage, framing and crowding checks.

Turns the raw pose track into plain-language warnings ("your feet are out of the frame
from 3.2 s to 4.0 s") and, when the video cannot give a trustworthy measurement at all,
an :class:`vision.errors.InputProblem` saying how to film it better.
"""

from __future__ import annotations

import warnings as warnings_module
from dataclasses import dataclass, field

import numpy as np

from vision.errors import InputProblem
from vision.track import LandmarkTrack

LOWER_BODY = ("left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle")
FEET = ("left_ankle", "right_ankle", "left_heel", "right_heel", "left_foot_index", "right_foot_index")
MEASURED = ("left_shoulder", "right_shoulder") + LOWER_BODY

FILMING_ADVICE = (
    "Film the whole body from head to feet, from the front or from behind, "
    "with the phone held still at hip height about 2-3 m away."
)


@dataclass(frozen=True)
class QualityParams:
    """Thresholds of the quality checks.

    Attributes
    ----------
    min_visibility : float
        A landmark below this MediaPipe visibility counts as poorly seen (hidden behind
        the other limb, blurred): reported, and dropped by cleaning.
    min_visibility_in_frame : float
        A landmark below this visibility counts as absent (MediaPipe's guess for a point
        out of the picture), like one outside the frame.
    frame_margin_frac : float
        A landmark more than this fraction of the frame size outside the image counts
        as out of frame.
    hidden_inset_frac : float
        A landmark too poorly seen to count that MediaPipe placed at least this fraction of
        the frame size inside every border is hidden (behind the other leg, or by something
        in front of it), not out of the picture: the warning says so.
    min_pose_duration_s : float
        Less pose than this in the whole video cannot hold one event.
    min_frames_with_pose_frac : float
        Below this fraction of frames with a pose the video is refused.
    max_feet_out_frac : float
        Above this fraction of pose frames with the feet out of frame the video is refused
        (feet or legs hidden inside the picture, e.g. a free foot behind the stance leg,
        are a warning only: a single-leg stance filmed from the front can hide it for most
        of the video).
    max_extra_person_frac : float
        Above this fraction of frames with a second person the video is refused.
    min_close_person_checks : int
        A second body found in at least this many of the frames looked at afresh
        (``LandmarkTrack.crowd_check``: someone close to the person, whom the tracking
        landmarker does not report) is warned about, when the tracking landmarker did
        not already report a second person.
    min_interval_s : float
        Out-of-frame intervals shorter than this are not reported.
    dark_mean_rgb : float
        A video whose median frame brightness (mean pixel value, 0-255) is below this is
        reported as dark. A clip darkened to a mean of 16 (person still found in every
        frame) moved the per-frame angles by a median 1-3 degrees (90th percentile up to
        6) from the same clip in daylight; clips with means of 100-220 were unaffected.
    min_body_px : float
        A person whose median shoulder-to-ankle length is below this many pixels is
        reported as small in the picture. The same clip shrunk until that length was
        63 px moved the per-frame angles by a median 1.6 degrees (90th percentile 4.8)
        from the full-size clip (252 px); at 126 px by 0.7 (2.3).
    """

    min_visibility: float = 0.5
    min_visibility_in_frame: float = 0.2
    frame_margin_frac: float = 0.02
    hidden_inset_frac: float = 0.05
    min_pose_duration_s: float = 1.0
    min_frames_with_pose_frac: float = 0.5
    max_feet_out_frac: float = 0.5
    max_extra_person_frac: float = 0.3
    min_close_person_checks: int = 2
    min_interval_s: float = 0.2
    dark_mean_rgb: float = 40.0
    min_body_px: float = 100.0


@dataclass(frozen=True)
class QualityReport:
    """What the checks found. ``warnings`` are plain sentences for the person who filmed."""

    frames_with_pose: float
    feet_out_of_frame_frac: float
    extra_person_frac: float
    low_visibility: dict[str, float]
    warnings: tuple[str, ...] = field(default_factory=tuple)
    close_person_checks: tuple[int, int] | None = None
    """``(frames with a second body, frames looked at)`` of ``LandmarkTrack.crowd_check``; None without it."""

    def to_dict(self) -> dict:
        close = None
        if self.close_person_checks is not None:
            close = {"frames_checked": self.close_person_checks[1], "with_another_body": self.close_person_checks[0]}
        return {
            "frames_with_pose": round(self.frames_with_pose, 4),
            "feet_out_of_frame": round(self.feet_out_of_frame_frac, 4),
            "second_person": round(self.extra_person_frac, 4),
            "close_person_check": close,
            "low_visibility": {k: round(v, 4) for k, v in self.low_visibility.items()},
            "warnings": list(self.warnings),
        }


def in_picture(track: LandmarkTrack, names: tuple[str, ...], *, margin_frac: float = 0.0) -> np.ndarray:
    """Boolean (T, len(names)): the landmark lies within the frame grown by ``margin_frac``.

    ``margin_frac`` is a fraction of the frame's width (horizontally) and height (vertically):
    positive admits points that far outside the borders, negative asks for points that far
    inside them. Pixels of the upright frame (x right, y down); False where missing.
    """
    mx, my = margin_frac * track.width, margin_frac * track.height
    cols = []
    for name in names:
        x, y = track.point(name).T
        with np.errstate(invalid="ignore"):
            cols.append((x >= -mx) & (x <= track.width + mx) & (y >= -my) & (y <= track.height + my))
    return np.stack(cols, axis=1)


def seen_mask(
    track: LandmarkTrack, names: tuple[str, ...], *, min_visibility: float, params: QualityParams = QualityParams()
) -> np.ndarray:
    """Boolean (T, len(names)): the landmark is inside the frame with at least ``min_visibility``.

    Notes
    -----
    Inside the frame means within ``frame_margin_frac`` of the image borders, in pixels of
    the upright frame (x right, y down).
    """
    visible = np.stack([track.vis(name) >= min_visibility for name in names], axis=1)
    return in_picture(track, names, margin_frac=params.frame_margin_frac) & visible


def intervals(mask: np.ndarray, times_s: np.ndarray, *, min_duration_s: float = 0.0) -> list[tuple[float, float]]:
    """Runs of True in ``mask`` as (start_s, end_s) pairs, shorter ones dropped."""
    runs = []
    padded = np.concatenate([[False], np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(int)))
    for start, stop in zip(edges[::2], edges[1::2]):
        t0, t1 = float(times_s[start]), float(times_s[stop - 1])
        if t1 - t0 >= min_duration_s:
            runs.append((t0, t1))
    return runs


def _format_intervals(runs: list[tuple[float, float]], limit: int = 3) -> str:
    parts = [f"{a:.1f} s to {b:.1f} s" for a, b in runs[:limit]]
    more = f" and {len(runs) - limit} more times" if len(runs) > limit else ""
    return ", ".join(parts) + more


def median_body_px(track: LandmarkTrack) -> float:
    """Median over frames of the shoulder-to-ankle length, pixels (NaN if never seen).

    Notes
    -----
    Per frame and side, the distance from the shoulder to the ankle of the same side in
    pixels of the upright frame; the two sides are averaged where both are seen.
    """
    lengths = []
    for side in ("left", "right"):
        lengths.append(np.linalg.norm(track.point(f"{side}_shoulder") - track.point(f"{side}_ankle"), axis=1))
    with np.errstate(invalid="ignore"), warnings_module.catch_warnings():
        warnings_module.simplefilter("ignore", RuntimeWarning)
        per_frame = np.nanmean(np.stack(lengths, axis=1), axis=1)
        return float(np.nanmedian(per_frame)) if np.any(np.isfinite(per_frame)) else float("nan")


def assess_quality(track: LandmarkTrack, *, params: QualityParams = QualityParams()) -> QualityReport:
    """Check pose coverage, framing of the lower body and feet, and a second person.

    Raises
    ------
    InputProblem
        ``no_person``, ``too_short``, ``person_mostly_missing``, ``feet_out_of_frame`` or
        ``several_people`` when the video cannot give a trustworthy measurement.
    """
    n = len(track)
    has_pose = track.has_pose
    pose_frac = float(has_pose.mean()) if n else 0.0
    if n == 0 or not has_pose.any():
        raise InputProblem("no_person", "No person was found in the video.", FILMING_ADVICE)

    pose_times = track.times_s[has_pose]
    pose_span_s = float(pose_times[-1] - pose_times[0]) if pose_times.size > 1 else 0.0
    if pose_span_s < params.min_pose_duration_s:
        raise InputProblem(
            "too_short",
            f"A person is visible for only {pose_span_s:.1f} s, too short to measure a movement.",
            "Film at least 5 repetitions, or a 10-second hold, or 6 steps of walking.",
        )
    if pose_frac < params.min_frames_with_pose_frac:
        raise InputProblem(
            "person_mostly_missing",
            f"A person is found in only {100 * pose_frac:.0f}% of the video.",
            FILMING_ADVICE + " Keep the person in view for the whole recording.",
        )

    warnings: list[str] = []
    if pose_frac < 0.95:
        missing = intervals(~has_pose, track.times_s, min_duration_s=params.min_interval_s)
        if missing:
            warnings.append(f"No person was found from {_format_intervals(missing)}; those moments are not measured.")

    in_frame = params.min_visibility_in_frame
    feet_seen = seen_mask(track, FEET, min_visibility=in_frame, params=params)
    lower_seen = seen_mask(track, LOWER_BODY, min_visibility=in_frame, params=params)
    unseen = has_pose & ~(feet_seen.all(axis=1) & lower_seen.all(axis=1))
    # unseen points all placed well inside the picture: hidden (behind the other leg), not out of it
    well_inside = in_picture(track, FEET + LOWER_BODY, margin_frac=-params.hidden_inset_frac).all(axis=1)
    feet_out, hidden = unseen & ~well_inside, unseen & well_inside
    feet_out_frac = float(feet_out[has_pose].mean())
    if feet_out_frac > params.max_feet_out_frac:
        raise InputProblem(
            "feet_out_of_frame",
            f"The legs or feet are out of the frame in {100 * feet_out_frac:.0f}% of the video.",
            "Step back or hold the phone further away so the whole body, feet included, stays in view.",
        )
    out_runs = intervals(feet_out, track.times_s, min_duration_s=params.min_interval_s)
    if out_runs:
        warnings.append(
            f"Your feet or legs are out of the frame from {_format_intervals(out_runs)}; "
            "those moments are not measured."
        )
    hidden_runs = intervals(hidden, track.times_s, min_duration_s=params.min_interval_s)
    if hidden_runs:
        warnings.append(
            f"A foot or leg is hidden (behind the other leg, or by something in front of it) from "
            f"{_format_intervals(hidden_runs)}; the angles of that leg are not measured then."
        )

    extra = np.zeros(n) if track.extra_people is None else np.asarray(track.extra_people)
    extra_frac = float((extra > 0).mean())
    if extra_frac > params.max_extra_person_frac:
        raise InputProblem(
            "several_people",
            f"More than one person is in view for {100 * extra_frac:.0f}% of the video, "
            "so the measurements could mix two people.",
            "Film with only the person being assessed in view.",
        )
    second_person_reported = extra_frac > 0.02
    if second_person_reported:
        warnings.append(
            f"A second person is in view in {100 * extra_frac:.0f}% of the video; "
            "check on the video that the skeleton stays on the right person."
        )
    close_checks = None
    if track.crowd_check is not None:
        check = np.asarray(track.crowd_check)
        close_checks = (int((check > 0).sum()), int((check >= 0).sum()))
        if close_checks[0] >= params.min_close_person_checks and not second_person_reported:
            warnings.append(
                f"Someone else seems to be close to the person filmed (a second body was found in "
                f"{close_checks[0]} of {close_checks[1]} pictures checked). The pose model can mix up people "
                "who stand close together: check on the video that the skeleton stays on the right person, "
                "and film with only the person being assessed in view."
            )

    if track.brightness is not None and len(track.brightness):
        median_brightness = float(np.median(track.brightness))
        if median_brightness < params.dark_mean_rgb:
            warnings.append(
                f"The video is dark (average brightness {median_brightness:.0f} of 255), so the joints "
                "are found less precisely and the angles are less certain. Film in good light: switch "
                "on the room lights or face a window, with the light behind the phone."
            )

    body_px = median_body_px(track)
    if np.isfinite(body_px) and body_px < params.min_body_px:
        warnings.append(
            f"The person is small in the picture (about {body_px:.0f} pixels from shoulders to ankles), "
            "so the joints are found less precisely and the angles are less certain. Film closer, "
            "so that the person fills most of the picture's height, at 720p or more."
        )

    low_vis = {}
    for name in MEASURED:
        seen = seen_mask(track, (name,), min_visibility=params.min_visibility, params=params)[:, 0]
        frac = float(1.0 - seen[has_pose].mean())
        if frac > 0.1:
            low_vis[name] = frac
    if low_vis:
        worst = sorted(low_vis, key=low_vis.get, reverse=True)[:3]
        described = ", ".join(f"{n.replace('_', ' ')} ({100 * low_vis[n]:.0f}%)" for n in worst)
        warnings.append(
            f"Some joints are hard to see in part of the video: {described}. "
            "Values that depend on them are less certain; a straight front or back view "
            "with nothing in front of the legs helps."
        )
    return QualityReport(
        frames_with_pose=pose_frac,
        feet_out_of_frame_frac=feet_out_frac,
        extra_person_frac=extra_frac,
        low_visibility=low_vis,
        warnings=tuple(warnings),
        close_person_checks=close_checks,
    )


@dataclass(frozen=True)
class ObliqueViewParams:
    """When a camera yaw (:func:`metrics.view.estimate_camera_yaw`) is warned about or refused.

    Attributes
    ----------
    warning_deg : float
        From this yaw on, the result carries a warning. Below it the estimate cannot
        tell a turned camera from a square one: on 55 rendered clips filmed within 8
        degrees of straight on, estimates reached 20 degrees (from behind), and real
        clips filmed square read 1-4 degrees (a free throw filmed from behind, 20).
    refuse_deg : float
        Beyond this yaw the video is refused like a side view: past 45 degrees the
        image's left-right direction holds more of the person's forward-backward
        (sagittal) movement than of their sideways one (``sin(yaw) > cos(yaw)``),
        and 5 degrees of margin cover the estimate's typical error there.
    """

    warning_deg: float = 25.0
    refuse_deg: float = 50.0


@dataclass(frozen=True)
class ObliqueView:
    """What an oblique camera does to the result: nothing, or a warning for each reader.

    Attributes
    ----------
    warned : bool
    patient_text : str or None
        Plain words for the person who filmed: what is wrong and how to film better.
    clinician_text : str or None
        The estimated yaw and what it does to the frontal-plane angles.
    """

    warned: bool
    patient_text: str | None = None
    clinician_text: str | None = None


ANGLES_WITHHELD_WARNING = (
    "No angle is given or flagged for this video, because the camera angle would make them wrong by an "
    "amount that cannot be known. The repetitions, holds or steps and their times are kept."
)
"""Added to the warnings of an oblique video with events: its angle values are all null."""


def _facing_words(view: str) -> tuple[str, str]:
    if view == "back":
        return "straight behind", "turn your back square to the phone and put it straight behind you"
    return "straight in front", "stand square to the phone and put it straight in front of you"


def check_oblique_view(
    yaw_deg: float | None,
    *,
    view: str,
    magnitude_deg: float | None = None,
    refuse: bool = True,
    params: ObliqueViewParams = ObliqueViewParams(),
) -> ObliqueView:
    """Warn about, or refuse, a video filmed at an angle to the person.

    Parameters
    ----------
    yaw_deg : float or None
        The clip's camera yaw, degrees, positive = camera towards the person's left
        (:class:`metrics.view.YawEstimate`); None when unknown.
    view : {"front", "back"}
        The view the measurements are read in.
    magnitude_deg : float, optional, keyword-only
        The yaw's size when its side is unknown (``yaw_deg`` None).
    refuse : bool, keyword-only
        Raise beyond ``params.refuse_deg`` (False when the user set the view: warn only).
    params : ObliqueViewParams, keyword-only

    Returns
    -------
    ObliqueView

    Raises
    ------
    InputProblem
        ``side_view`` when the yaw is beyond ``params.refuse_deg`` and ``refuse``.

    Notes
    -----
    A camera turned by ``yaw`` about the vertical sees a frontal-plane angle ``a`` as
    ``atan(tan(a) / cos(yaw))`` (pelvic drop and trunk lean read larger), and adds
    ``sin(yaw)`` of the sagittal plane to the image's left-right direction: a trunk
    bent forward by ``f`` shows a sideways lean of about ``atan(tan(f) sin(yaw))``, and
    a knee bent by ``k`` sits off the hip-ankle line by an FPPA of about
    ``2 atan(tan(k / 2) sin(yaw))``.
    """
    size = abs(yaw_deg) if yaw_deg is not None else magnitude_deg
    if size is None or not np.isfinite(size) or size < params.warning_deg:
        return ObliqueView(False)
    facing, how = _facing_words(view)
    if size > params.refuse_deg and refuse:
        raise InputProblem(
            "side_view",
            f"The video shows the person at a steep angle, nearly from the side (about {size:.0f} degrees "
            f"away from {facing}).",
            "These measurements need a front or back view: film with the person square to the phone "
            "(facing it or with their back to it), phone at hip height, 2-3 m away.",
        )
    if yaw_deg is None:
        where = f"about {size:.0f} deg from {facing} (side unknown: from the image widths)"
    else:
        side = "left" if yaw_deg > 0 else "right"
        where = f"{yaw_deg:+.0f} deg from {facing}, towards the patient's {side} side"
    rad = np.radians(size)
    lean_deg = np.degrees(np.arctan(np.tan(np.radians(20.0)) * np.sin(rad)))
    fppa_deg = np.degrees(2 * np.arctan(np.tan(np.radians(30.0)) * np.sin(rad)))
    stretched_deg = np.degrees(np.arctan(np.tan(np.radians(8.0)) / np.cos(rad)))
    patient = (
        f"You were filmed at an angle (about {size:.0f} degrees from {facing}), so the sideways angles of "
        f"the hips, trunk and knees cannot be measured. To film again, {how}, at hip height, 2-3 m away."
    )
    clinician = (
        f"Oblique view: estimated camera yaw {where} (estimate typically within 5-10 deg). "
        f"Frontal-plane angles read larger by 1/cos(yaw) = {1 / np.cos(rad):.2f} (a true 8 deg pelvic drop "
        f"reads {stretched_deg:.1f}), and sagittal motion leaks in at sin(yaw) = {np.sin(rad):.2f}: 20 deg of "
        f"forward trunk flexion adds about {lean_deg:.0f} deg of apparent trunk lean, and 60 deg of knee "
        f"flexion about {fppa_deg:.0f} deg of apparent FPPA (valgus on one limb, varus on the other). "
        "So pelvic drop, trunk lean, FPPA and hip adduction are not given, and none is flagged."
    )
    return ObliqueView(True, patient, clinician)
