"""Per-event values, per-side statistics and left/right asymmetry (MEASURES.md section 3).

For each event: the four angles **at the peak** frame and the **extreme over the event**,
on the event's stance side (pelvic drop and trunk lean with that limb as stance; knee
FPPA and hip adduction of that limb). For each side: the number of events and the mean
and SD of the peak values. For the pair: right minus left, and the limb symmetry index.

Notes
-----
Angles follow MEASURES.md section 2 (degrees, signs as defined there). The extreme over
an event is the maximum for pelvic drop, knee FPPA and hip adduction (the worst
compensation is the largest positive value) and, for trunk lean, the value of largest
magnitude keeping its sign (a lean either way matters).

Side statistics use the events that are complete (not cut by the video's start or end),
because a cut event may miss its true peak; if a side has only cut events, they are used
and a warning says so. The SD is the sample standard deviation (n - 1); with a single
event it is not defined (None).

**Limb symmetry index** (``limb_symmetry_index_pct``): ``100 * min(|L|, |R|) / max(|L|, |R|)``
of the two side means, so 100 % is perfect symmetry and 60 % means the smaller side is 60 %
of the larger. Physiotherapists usually write LSI as involved / uninvolved x 100; the tool
does not know which limb is involved, so it divides the smaller by the larger and the
signed difference (right minus left) says which side is larger. It is not defined (None,
with a warning) when the two means have opposite signs (they are then not the same kind
of movement) or when both are within 1 degree of zero (a ratio of two noise-sized numbers
means nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from metrics.angles import ANGLE_NAMES
from metrics.events.base import Event
from metrics.sentence_case import first_lower
from vision.landmarks import SIDES

EXTREME_BY_MAGNITUDE: tuple[str, ...] = ("trunk_lean_deg",)
"""Angles whose extreme over an event is the largest magnitude with its sign (else the maximum)."""

LABELS = {
    "pelvic_drop_deg": "Pelvic drop",
    "trunk_lean_deg": "Trunk lean",
    "knee_fppa_deg": "Knee valgus (FPPA)",
    "hip_adduction_deg": "Hip adduction",
}
NOUNS = {"step_down": "repetition", "single_leg_squat": "repetition", "single_leg_stance": "hold", "gait": "step"}

LSI_MIN_MAGNITUDE_DEG = 1.0
"""Below this on both sides the limb symmetry index is not computed."""

PATIENT_CUT_NOTE = (
    "The video starts or stops in the middle of a movement, so that movement may be measured short of "
    "its deepest point. Start recording before you begin, and stop after you have finished."
)
"""For a patient, in place of the notes on events cut by the video's start or end."""

PATIENT_UNSEEN_NOTE = (
    "Some moments could not be measured, because the joints were not seen clearly then. Wear clothes "
    "that show the shape of the legs, and keep the whole body in view."
)
"""For a patient, in place of the notes on angles that could not be measured in an event."""


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def _finite_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def extreme_over(values: np.ndarray, angle: str) -> float | None:
    """The extreme of ``values`` for ``angle`` (see module notes); None if none is finite."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return None
    if angle in EXTREME_BY_MAGNITUDE:
        return float(x[np.argmax(np.abs(x))])
    return float(np.max(x))


@dataclass(frozen=True)
class EventSummary:
    """One event with its angles at the peak and its extremes (None where not measurable)."""

    index: int
    event: Event
    at_peak: dict[str, float | None]
    extreme: dict[str, float | None]

    def to_dict(self) -> dict:
        """The JSON ``events`` item of OUTPUT.md."""
        out = {"index": self.index, "task": self.event.task}
        out.update(self.event.to_dict())
        out["at_peak"] = {a: _rounded(self.at_peak[a]) for a in ANGLE_NAMES}
        out["max"] = {a: _rounded(self.extreme[a]) for a in ANGLE_NAMES}
        return out


@dataclass(frozen=True)
class Stat:
    """Mean and SD of one angle's peak values on one side, over ``n`` events."""

    mean: float | None
    sd: float | None
    n: int

    def to_dict(self) -> dict:
        return {"mean": _rounded(self.mean), "sd": _rounded(self.sd), "n": self.n}


@dataclass(frozen=True)
class SideSummary:
    """Events count and statistics of the peak values of one stance side.

    ``events_averaged`` of the ``events`` are those the statistics use (module notes: the
    complete ones, or all when every one was cut).
    """

    side: str
    events: int
    events_averaged: int
    stats: dict[str, Stat]

    def mean(self, angle: str) -> float | None:
        return self.stats[angle].mean

    def to_dict(self) -> dict:
        """The JSON ``sides.<side>`` object of OUTPUT.md."""
        out: dict = {"events": self.events, "events_averaged": self.events_averaged}
        out.update({a: self.stats[a].to_dict() for a in ANGLE_NAMES})
        return out


@dataclass(frozen=True)
class Asymmetry:
    """Right minus left of the side means, and the limb symmetry index (module notes)."""

    right_minus_left_deg: dict[str, float | None]
    limb_symmetry_index_pct: dict[str, float | None]

    def to_dict(self) -> dict:
        """The JSON ``asymmetry`` object: angle -> right minus left, plus the LSI per angle."""
        out: dict = {a: _rounded(self.right_minus_left_deg[a]) for a in ANGLE_NAMES}
        out["limb_symmetry_index_pct"] = {a: _rounded(self.limb_symmetry_index_pct[a], 1) for a in ANGLE_NAMES}
        return out


@dataclass(frozen=True)
class Summary:
    """Everything :func:`summarize` finds; ``warnings`` explain every None.

    ``patient_warnings`` says what a patient needs of the same notes, in plain words and once
    each: what to film differently. The notes on the symmetry index are for the clinician
    only (a patient is not shown the index).
    """

    events: tuple[EventSummary, ...]
    sides: dict[str, SideSummary]
    asymmetry: Asymmetry
    warnings: tuple[str, ...] = field(default_factory=tuple)
    patient_warnings: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """``{"events": [...], "sides": {...}, "asymmetry": {...}}`` as in OUTPUT.md.

        Sides without events are left out of ``sides``.
        """
        return {
            "events": [e.to_dict() for e in self.events],
            "sides": {s: self.sides[s].to_dict() for s in SIDES if self.sides[s].events > 0},
            "asymmetry": self.asymmetry.to_dict(),
        }


def summarize_event(index: int, event: Event, angles, *, with_angles: bool = True) -> tuple[EventSummary, list[str]]:
    """Angles at the peak and extremes over one event, with a warning per missing value.

    With ``with_angles`` False every angle is None and no warning is given: the caller
    says why no angle is given for the video (:func:`summarize`).
    """
    warnings = []
    at_peak: dict[str, float | None] = {}
    extreme: dict[str, float | None] = {}
    if not with_angles:
        return EventSummary(index, event, dict.fromkeys(ANGLE_NAMES), dict.fromkeys(ANGLE_NAMES)), warnings
    label = f"the {event.side}-leg {NOUNS.get(event.task, 'event')} at {event.peak_s:.1f} s"
    for angle in ANGLE_NAMES:
        series = np.asarray(angles.get(angle, event.side), dtype=float)
        at_peak[angle] = _finite_or_none(series[event.peak_index])
        extreme[angle] = extreme_over(series[event.start_index : event.end_index + 1], angle)
        if at_peak[angle] is None:
            warnings.append(f"{LABELS[angle]} of {label} could not be measured at its peak: the joints were not seen.")
        if extreme[angle] is None:
            warnings.append(f"{LABELS[angle]} of {label} could not be measured at any moment of it.")
    return EventSummary(index, event, at_peak, extreme), warnings


def _stat(values: list[float]) -> Stat:
    if not values:
        return Stat(None, None, 0)
    x = np.asarray(values, dtype=float)
    sd = float(np.std(x, ddof=1)) if x.size >= 2 else None
    return Stat(float(np.mean(x)), sd, int(x.size))


def limb_symmetry_index_pct(left: float | None, right: float | None) -> float | None:
    """``100 * min(|L|, |R|) / max(|L|, |R|)``; None for opposite signs or both near zero (module notes)."""
    if left is None or right is None:
        return None
    if left * right < 0:
        return None
    larger = max(abs(left), abs(right))
    if larger < LSI_MIN_MAGNITUDE_DEG:
        return None
    return 100.0 * min(abs(left), abs(right)) / larger


def summarize(events: list[Event], angles, *, with_angles: bool = True) -> Summary:
    """Per-event values, per-side statistics and asymmetry.

    Parameters
    ----------
    events : list of Event
        Events of one task (any sides), in time order.
    angles : metrics.angles.AngleSeries
        The angle series the events' indices refer to.
    with_angles : bool, keyword-only
        False when the video's angles cannot be trusted at all (a camera at an angle to
        the person, ``metrics.quality.check_oblique_view``): the events and their counts
        are kept, every angle value is None, and the caller gives the one reason.

    Returns
    -------
    Summary
    """
    warnings: list[str] = []
    patient: list[str] = []
    event_summaries = []
    for i, event in enumerate(events):
        summary, missing = summarize_event(i, event, angles, with_angles=with_angles)
        event_summaries.append(summary)
        warnings.extend(missing)
        if missing:
            patient.append(PATIENT_UNSEEN_NOTE)

    sides = {}
    for side in SIDES:
        mine = [s for s in event_summaries if s.event.side == side]
        used = [s for s in mine if s.event.complete]
        if mine and not used:
            used = mine
            warnings.append(
                f"Every {side}-leg event was cut by the start or end of the video; their values are used, "
                "but may miss the true peak."
            )
            patient.append(PATIENT_CUT_NOTE)
        elif len(used) < len(mine):
            warnings.append(
                f"{len(mine) - len(used)} {side}-leg event(s) cut by the start or end of the video are shown "
                "but left out of the averages."
            )
            patient.append(PATIENT_CUT_NOTE)
        stats = {a: _stat([s.at_peak[a] for s in used if s.at_peak[a] is not None]) for a in ANGLE_NAMES}
        sides[side] = SideSummary(side, len(mine), len(used), stats)

    difference: dict[str, float | None] = {}
    lsi: dict[str, float | None] = {}
    for angle in ANGLE_NAMES:
        left, right = sides["left"].mean(angle), sides["right"].mean(angle)
        difference[angle] = None if left is None or right is None else right - left
        lsi[angle] = limb_symmetry_index_pct(left, right)
        if left is not None and right is not None and lsi[angle] is None:
            warnings.append(
                f"The symmetry index of {first_lower(LABELS[angle])} is not given: the two sides go in opposite "
                f"directions or are both within {LSI_MIN_MAGNITUDE_DEG:g} degree of zero (see right minus left)."
            )
    return Summary(
        tuple(event_summaries), sides, Asymmetry(difference, lsi), tuple(warnings), tuple(dict.fromkeys(patient))
    )
