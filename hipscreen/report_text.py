"""Short plain-text summaries of a result, for the terminal and for batch tables."""

from __future__ import annotations

from hipscreen.filming_guide import (
    ANGLE_LABELS_CLINICIAN,
    TASK_UNSURE_LINE,
    UNIT_WORDS,
    angles_withheld,
    flag_measure,
    plural,
    task_unsure,
)

# The clinician's labels, as they read inside a sentence ("knee FPPA", not "knee fppa").
ANGLE_LABELS = {key: label[0].lower() + label[1:] for key, label in ANGLE_LABELS_CLINICIAN.items()}
TASK_LABELS = {
    "step_down": "step-down",
    "single_leg_squat": "single-leg squat",
    "single_leg_stance": "single-leg stance",
    "gait": "walking",
    None: "no single-leg task found",
}


def _fmt(value) -> str:
    return "--" if value is None else f"{value:+.1f}"


def flag_summary(flag: dict) -> str:
    """One flag in a line: code, side (and angle, for an asymmetry), value and threshold with units.

    An asymmetry's value is right minus left, signed; its threshold applies either way.

    >>> flag_summary({"code": "unsteady_stance", "side": "left", "value": 1.15, "threshold": 10.0, "unit": "s"})
    'unsteady_stance (left): 1.15 s, threshold 10 s'
    """
    value, threshold, unit = flag_measure(flag)
    digits = 1 if unit == "deg" else 2
    value_text = f"{value:.{digits}f}"
    where = flag.get("side") or "both sides"
    if flag["code"] == "side_asymmetry" and flag.get("angle"):
        where = f"{ANGLE_LABELS.get(flag['angle'], flag['angle'])}, more on the {where}"
        value_text = f"right minus left {value:+.{digits}f}"
    unit = UNIT_WORDS.get(unit, unit)
    return f"{flag['code']} ({where}): {value_text} {unit}, threshold {threshold:g} {unit}"


def summary_lines(result: dict) -> list[str]:
    """The headline of a result: task, view, per-side means, flags, warnings."""
    video = result["video"]
    unsure = f" ({TASK_UNSURE_LINE})" if task_unsure(result) else ""
    lines = [
        f"{video['path']}: {TASK_LABELS.get(result['task'], result['task'])}{unsure}, "
        f"{result['view']} view, {plural(len(result['events']), 'event')}, "
        f"{video['duration_s']:.1f} s at {video['fps']:.2f} fps",
    ]
    for side in ("left", "right"):
        stats = result["sides"].get(side)
        if not stats or not stats.get("events"):
            continue
        if angles_withheld(result):
            lines.append(f"  {side} stance ({plural(stats['events'], 'event')}): no angle given, "
                         "the camera was at an angle to the person")
            continue
        parts = []
        for key, label in ANGLE_LABELS.items():
            mean = (stats.get(key) or {}).get("mean")
            parts.append(f"{label} {_fmt(mean)}")
        lines.append(f"  {side} stance ({plural(stats['events'], 'event')}, mean at peak, deg): " + ", ".join(parts))
    lines.extend(f"  FLAG {flag['severity']}: {flag_summary(flag)}" for flag in result["flags"])
    for name, per_side in (result.get("scores") or {}).items():
        for side, score in per_side.items():
            lines.append(f"  {name.replace('_', ' ')} score, {side}: {score['total']} ({score['band']})")
    for warning in result["quality"]["warnings"]:
        lines.append(f"  note: {warning}")
    return lines
