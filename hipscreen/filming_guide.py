"""Plain-words text shown to the people who film and read a hipscreen analysis.

How to film each task, the names of the tasks and angles in everyday words and in
clinical words, and the one-line reminder that the tool measures movement and does
not diagnose (``docs/MEASURES.md`` section 4). The dashboard and the PDF report take
their wording from here so that both say the same thing.
"""

from __future__ import annotations

from metrics.flags import DISCLAIMER as _FLAGS_DISCLAIMER

DISCLAIMER = _FLAGS_DISCLAIMER
"""Shown on every patient-facing screen and in every report (one wording, from metrics.flags)."""

def plural(n: int, noun: str) -> str:
    """``"1 event"``, ``"3 events"``: a count with its noun (nouns taking a plain -s)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


CUT_EVENT_NOTE = (
    "(cut): under way when the video started or not finished when it ended; shown, but left out "
    "of the averages."
)
"""Explains the events marked "(cut)" (``complete`` false in the result)."""


def cut_event_note(result: dict) -> str | None:
    """:data:`CUT_EVENT_NOTE` when the result shows an event cut by the video, else None."""
    cut = any(not e.get("complete", True) for e in result.get("events") or [])
    return CUT_EVENT_NOTE if cut else None


def angles_withheld(result: dict) -> bool:
    """True when no angle is given for the video because the camera was at an angle to the person."""
    return bool((result.get("details") or {}).get("angles_withheld_for_camera_angle"))


def task_unsure(result: dict) -> bool:
    """True when the task was recognised automatically but the recogniser was not sure of it."""
    detection = (result.get("details") or {}).get("task") or {}
    return bool(result.get("task") and result.get("task_detected") and detection.get("confident") is False)


def video_notes(result: dict, *, audience: str) -> list[str]:
    """The notes on the video for ``audience``.

    A patient gets ``quality.patient_warnings``: what to film differently, in plain words, without
    the tool's bookkeeping (a repaired left/right mix-up, a symmetry index not given). Everyone
    else gets every note, ``quality.warnings``. A result saved before the patient's notes existed
    gives every note to everyone.
    """
    quality = result.get("quality") or {}
    if audience == "patient" and quality.get("patient_warnings") is not None:
        return [str(w) for w in quality["patient_warnings"]]
    return [str(w) for w in quality.get("warnings") or []]


TASK_UNSURE_LINE = "task unsure: check it, or choose it by hand"
"""Beside the task's name when :func:`task_unsure`; the notes on the video say why."""


ANGLES_WITHHELD_NOTE: dict[str, str] = {
    "patient": "The angles are not shown: you were filmed at an angle, which would make them wrong. The notes "
               "on the video say how to film again.",
    "clinician": "No angle given: the camera was at an angle to the person, so the frontal-plane angles are "
                 "distorted by an unknown amount (see the camera angle under video quality).",
}
"""Where the angle values would be, when :func:`angles_withheld`; per audience."""

ANGLES_WITHHELD_LINE = "No angle given: filmed at an angle"
"""The same in one short line: the overlay's panel, the report's key frames, the batch table."""


NOTHING_MEASURED = (
    "Nothing was measured: no repetition, hold or stance phase was found in this video (the notes on "
    "the video say why, and how to film it again)."
)
"""Said instead of "no flag" when the result has no event: no flag then means no measurement."""


def no_flag_text(result: dict, *, audience: str) -> str:
    """What to say when ``result`` has no flag: nothing went past the thresholds, nothing was
    measured, or no angle was given (a camera at an angle to the person)."""
    if not result.get("events"):
        return NOTHING_MEASURED
    if angles_withheld(result):
        return ANGLES_WITHHELD_NOTE["patient" if audience == "patient" else "clinician"]
    if audience == "patient":
        return "Nothing in this video went past the usual limits."
    return "No flag: nothing went past the thresholds in this video."


def leg_label(event: dict) -> str:
    """The event's stance leg, ``"left"`` or ``"left (cut)"`` when the video cut the event."""
    side = str(event.get("side", ""))
    return side if event.get("complete", True) else f"{side} (cut)"


def averaged_count(result: dict, side: str) -> tuple[int, int]:
    """``(shown, averaged)``: a side's events, and how many of them its means use.

    Read from the result's ``sides`` (``metrics.summary`` decides which events the means
    use); a result written before ``events_averaged`` existed averaged all it shows.
    """
    stats = (result.get("sides") or {}).get(side) or {}
    shown = int(stats.get("events", 0))
    return shown, int(stats.get("events_averaged", shown))


def count_text(result: dict, side: str) -> str:
    """``"3"``, or ``"3 (2 averaged)"`` when cut events are left out of the side's means."""
    shown, averaged = averaged_count(result, side)
    return str(shown) if averaged == shown else f"{shown} ({averaged} averaged)"


TASK_LABELS: dict[str, str] = {
    "step_down": "Step-down",
    "single_leg_squat": "Single-leg squat",
    "single_leg_stance": "Single-leg stance",
    "gait": "Walking",
}

ANGLE_KEYS: tuple[str, ...] = ("pelvic_drop_deg", "trunk_lean_deg", "knee_fppa_deg", "hip_adduction_deg")

UNIT_WORDS: dict[str, str] = {"deg": "deg", "s": "s", "pelvis_widths": "pelvis widths"}
"""A flag's unit (the result's ``unit`` field, or ``deg`` for an angle flag) in words."""


def flag_measure(flag: dict) -> tuple[float | None, float | None, str]:
    """``(value, threshold, unit)`` of a flag: ``deg`` for an angle flag (``value_deg``,
    ``threshold_deg``), else its ``value``, ``threshold`` and ``unit`` (``s``, ``pelvis_widths``)."""
    if "value_deg" in flag or "threshold_deg" in flag:
        return flag.get("value_deg"), flag.get("threshold_deg"), "deg"
    return flag.get("value"), flag.get("threshold"), flag.get("unit", "")


ANGLE_LABELS_CLINICIAN: dict[str, str] = {
    "pelvic_drop_deg": "Pelvic drop",
    "trunk_lean_deg": "Trunk lean",
    "knee_fppa_deg": "Knee FPPA",
    "hip_adduction_deg": "Hip adduction",
}

ANGLE_LABELS_PATIENT: dict[str, str] = {
    "pelvic_drop_deg": "Hip dropping on the free-leg side",
    "trunk_lean_deg": "Upper body leaning sideways",
    "knee_fppa_deg": "Knee moving inwards",
    "hip_adduction_deg": "Thigh moving inwards",
}

ANGLE_SIGNS: dict[str, str] = {
    "pelvic_drop_deg": "+ = the pelvis drops on the free-leg side (Trendelenburg pattern)",
    "trunk_lean_deg": "+ = towards the standing leg, - = away from it",
    "knee_fppa_deg": "+ = knee inside the hip-ankle line (valgus), - = outside (varus)",
    "hip_adduction_deg": "+ = knee towards the midline (adduction)",
}

GENERAL_STEPS: tuple[str, ...] = (
    "Hold the phone at about hip height, 2 to 3 metres away, facing the person from the front or from "
    "directly behind (not from the side). Square on matters: a phone placed even 5 degrees to one side "
    "can shift the hip reading of a squat or step-down by 1 to 2 degrees.",
    "The whole body must stay in the picture the whole time, head to feet, feet included.",
    "Keep the phone still: lean it against something or use a stand. Keep it level, not tilted.",
    "Portrait (upright) suits one person standing; landscape suits walking across more ground.",
    "Film in good, even light, with the light behind the camera rather than behind the person.",
    "Only one person in view. Wear clothes that show where the hips and knees are (shorts or leggings).",
)

TASK_STEPS: dict[str, tuple[str, ...]] = {
    "step_down": (
        "Stand on one leg on a step 15-20 cm high, hands on the waist.",
        "Slowly bend the standing knee until the other heel lightly touches the floor, then straighten up.",
        "Do 5 repetitions, then turn round (or swap legs) and do 5 on the other leg. One video per leg is fine.",
    ),
    "single_leg_squat": (
        "Stand on one leg on flat ground, hands on the waist.",
        "Bend the standing knee as far as is comfortable, then straighten up.",
        "Do 5 repetitions on each leg.",
    ),
    "single_leg_stance": (
        "Stand on one leg and lift the other foot a hand's width off the floor, hands on the waist.",
        "Hold for about 10 seconds, then put the foot down. Film from the front if you can: from behind, "
        "a lifted foot is partly hidden and a small lift can be missed.",
        "Do it on each leg. Keep filming until both feet are back on the floor.",
    ),
    "gait": (
        "Walk at your usual pace straight towards the camera, or away from it.",
        "At least 6 steps in view, or 20 seconds on a treadmill filmed from the front or behind.",
        "Keep filming for a second after your last step: a step the video cuts off is shown but not "
        "counted in the averages.",
    ),
}

NO_EVENT_ADVICE: dict[str, str] = {
    "step_down": (
        "No step-down repetition was found. Stand on the step on one leg, go down slowly until the other "
        "heel touches the floor and come back up, 5 times, with the whole body and both feet in view."
    ),
    "single_leg_squat": (
        "No single-leg squat repetition was found. Stand on one leg, bend the standing knee and straighten "
        "up slowly, 5 times, with the whole body and both feet in view."
    ),
    "single_leg_stance": (
        "No single-leg stance hold was found: no foot was seen off the floor for half a second or more. "
        "Lift the foot a hand's width off the floor and hold it for about 10 seconds."
    ),
    "gait": (
        "No step was found. Walk at least 6 steps straight towards or away from the camera, with the whole "
        "body and both feet in view."
    ),
}
"""What to film again when the task chosen by hand has no event in the video."""

BACK_VIEW_LIFT_HINT = (
    "Seen from behind, a lifted foot is partly hidden and looks lower than it is, so a small lift can be "
    "missed: lift the foot higher, or film from the front."
)
"""Added when nothing was found on one leg in a back view (docs/MEASUREMENT_CHOICES.md, Events)."""


def no_event_advice(task: str, view: str | None) -> str:
    """What to film again when the chosen ``task`` has no event (the back-view hint for a stance)."""
    text = NO_EVENT_ADVICE[task]
    if task == "single_leg_stance" and view == "back":
        text += " " + BACK_VIEW_LIFT_HINT
    return text


FLAG_LABELS_CLINICIAN: dict[str, str] = {
    "contralateral_pelvic_drop": "Contralateral pelvic drop",
    "ipsilateral_trunk_lean": "Ipsilateral trunk lean",
    "contralateral_trunk_lean": "Contralateral trunk lean",
    "dynamic_knee_valgus": "Dynamic knee valgus",
    "hip_adduction": "Hip adduction",
    "side_asymmetry": "Side-to-side asymmetry",
    "unsteady_stance": "Unsteady single-leg stance",
}

FLAG_LABELS_PATIENT: dict[str, str] = {
    "contralateral_pelvic_drop": "Hip dropping on the free-leg side",
    "ipsilateral_trunk_lean": "Upper body leaning over the standing leg",
    "contralateral_trunk_lean": "Upper body leaning away from the standing leg",
    "dynamic_knee_valgus": "Knee moving inwards",
    "hip_adduction": "Thigh moving inwards",
    "side_asymmetry": "Difference between the left and right sides",
    "unsteady_stance": "Balance on one leg",
}

SCORE_CRITERIA_LABELS_CLINICIAN: dict[str, str] = {
    "arm_strategy": "Arm strategy (a hand leaves the waist)",
    "trunk_lean": "Trunk leans",
    "pelvis": "Pelvis loses horizontal",
    "knee": "Knee medial to 2nd toe (+1) / foot border (+2)",
    "unsteady": "Unsteady stance",
}
"""The lateral step-down score's criteria (Piva 2006), as a clinician reads them."""

SCORE_CRITERIA_LABELS_PATIENT: dict[str, str] = {
    "arm_strategy": "A hand came off the waist to keep balance",
    "trunk_lean": "Upper body leaning to one side",
    "pelvis": "Hips not staying level",
    "knee": "Knee moving inwards: past the second toe (1 point), past the inside edge of the foot (2 points)",
    "unsteady": "Wobbling, or the other foot touching down",
}
"""The same criteria in everyday words."""


def _name_for(key: str, audience: str, *, patient: dict[str, str], clinician: dict[str, str]) -> str:
    """``key``'s name in the reader's table; an unknown key is spelled out from the key."""
    return (patient if audience == "patient" else clinician).get(key, key.replace("_", " ").capitalize())


def score_criterion_label(key: str, *, audience: str = "clinician") -> str:
    """A step-down score criterion's name for the reader; unknown keys are spelled out."""
    return _name_for(key, audience, patient=SCORE_CRITERIA_LABELS_PATIENT, clinician=SCORE_CRITERIA_LABELS_CLINICIAN)


EVENT_NOUNS: dict[str, dict[str, str]] = {
    "clinician": {"step_down": "repetition", "single_leg_squat": "repetition", "single_leg_stance": "hold",
                  "gait": "stance phase"},
    "patient": {"step_down": "repetition", "single_leg_squat": "repetition", "single_leg_stance": "hold",
                "gait": "step"},
}
"""What one event of each task is called (MEASURES section 3), for each reader."""

PEAK_MOMENT_PATIENT: dict[str, str] = {
    "step_down": "the lowest point",
    "single_leg_squat": "the lowest point",
    "single_leg_stance": "the moment the hip dropped most",
    "gait": "the moment the hip dropped most",
}
"""When an event's angles are read (its peak, MEASURES section 3), in everyday words."""


def event_noun(task: str | None, *, audience: str = "clinician") -> str:
    """``"repetition"``, ``"hold"``, ``"stance phase"`` (``"step"`` for a patient); ``"event"`` without a task."""
    return EVENT_NOUNS["patient" if audience == "patient" else "clinician"].get(task or "", "event")


SEVERITY_PATIENT: dict[str, str] = {
    "marked": "worth discussing with your clinician",
    "caution": "worth keeping an eye on",
    "info": "for information",
}


def flag_label(code: str, *, audience: str = "clinician") -> str:
    """The flag's name for the reader; unknown codes are spelled out from the code."""
    return _name_for(code, audience, patient=FLAG_LABELS_PATIENT, clinician=FLAG_LABELS_CLINICIAN)
