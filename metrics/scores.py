"""The lateral step-down score (Piva et al. 2006), per side, measured from landmarks.

Piva's rater watches five repetitions of a lateral step-down from a 15-20 cm step and
scores: arm strategy (a hand leaves the waist) +1; trunk lean in any direction +1;
pelvis out of the horizontal +1; knee medial to the second toe +1, or medial to the
medial border of the foot +2; unsteady stance (the stance foot moves, or the other foot
touches down to regain balance) +1. Total 0-1 good, 2-3 moderate, 4 or more poor.

Here each criterion is measured on every repetition of the side, frame by frame, and a
condition counts when it lasts at least ``min_trigger_s``:

- **arm strategy**: either wrist's distance to its own hip grows beyond its resting
  distance (the 10th percentile over the repetition: hands on the waist most of the time)
  by more than ``arm_strategy_pelvis_widths`` pelvis widths;
- **trunk lean**: ``|trunk_lean_deg| > trunk_lean_deg`` (stance side);
- **pelvis**: ``|pelvic_drop_deg| > pelvis_deg`` (stance side, drop or hitch);
- **knee**: the stance knee's horizontal offset medial of the stance foot index (the toe
  tip, standing in for the second toe) beyond ``knee_margin_pelvis_widths`` scores 1; beyond
  the medial border of the foot (approximated as the foot index moved medially by
  ``foot_half_width_leg_lengths`` leg lengths, half a typical foot breadth: the foot's
  outline is not among the landmarks) scores 2;
- **unsteady**: the stance foot moves more than ``stance_foot_move_leg_lengths`` from where
  it stood at the start of the repetition, or the other foot rests still at its lowest
  point for longer than ``max_touch_s`` (it takes weight, beyond the brief touch the test
  allows).

A criterion scores for the side when it is seen in at least ``min_share_of_repetitions``
of the side's repetitions (one odd repetition does not decide); the knee scores the level
(1 or 2) reached that often. Every criterion keeps the times of the frames that triggered
it, in every repetition.

Notes
-----
Pixels of the upright frame, x right, y down. "Medial" is towards the other hip:
``sign(hip_other.x - hip_stance.x)``, so the same rule holds filmed from the front or from
behind. Angles follow MEASURES.md section 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from metrics.events.base import Event
from metrics.events.body import BodyParams, body_signals, foot_speed_legs_per_s
from metrics.events.signals import run_duration_s, runs
from vision.landmarks import SIDES, other_side
from vision.track import LandmarkTrack

CRITERIA: tuple[str, ...] = ("arm_strategy", "trunk_lean", "pelvis", "knee", "unsteady")
"""Criteria in Piva's order; the keys of ``criteria`` in the JSON result."""


@dataclass(frozen=True)
class LateralStepDownParams:
    """Thresholds of the score; defaults in ``metrics/thresholds.toml`` (``scores.lateral_step_down``)."""

    arm_strategy_pelvis_widths: float = 0.75
    trunk_lean_deg: float = 5.0
    pelvis_deg: float = 5.0
    knee_margin_pelvis_widths: float = 0.05
    foot_half_width_leg_lengths: float = 0.055
    stance_foot_move_leg_lengths: float = 0.05
    max_touch_s: float = 0.3
    touch_still_speed_leg_lengths_per_s: float = 0.05
    min_share_of_repetitions: float = 0.5
    min_trigger_s: float = 0.1
    touch_floor_margin_leg_lengths: float = 0.02
    source: str = "Piva et al. 2006"

    @classmethod
    def from_thresholds(cls, thresholds) -> "LateralStepDownParams":
        """From :class:`metrics.flags.Thresholds` (the merged TOML)."""
        table = thresholds.table["scores"]["lateral_step_down"]
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in table.items() if k in known})


def band(total: int) -> str:
    """Piva's bands: 0-1 good, 2-3 moderate, 4 or more poor."""
    if total <= 1:
        return "good"
    if total <= 3:
        return "moderate"
    return "poor"


@dataclass(frozen=True)
class CriterionResult:
    """One criterion on one side.

    Attributes
    ----------
    points : int
        What it adds to the total (0, 1, or 2 for the knee).
    repetitions_triggered : int
        In how many repetitions it was seen (at its scoring level).
    trigger_times_s : tuple of (float, float)
        Start and end times of the stretches of frames that triggered it, all repetitions.
    note : str
        Why it could not be measured, when so.
    """

    points: int
    repetitions_triggered: int
    trigger_times_s: tuple[tuple[float, float], ...] = field(default_factory=tuple)
    note: str = ""


@dataclass(frozen=True)
class StepDownScore:
    """The lateral step-down score of one side."""

    side: str
    repetitions: int
    criteria: dict[str, CriterionResult]

    @property
    def total(self) -> int:
        return int(sum(c.points for c in self.criteria.values()))

    @property
    def band(self) -> str:
        return band(self.total)

    def to_dict(self) -> dict:
        """``scores.lateral_step_down.<side>`` of OUTPUT.md, plus the repetitions and trigger times."""
        return {
            "total": self.total,
            "band": self.band,
            "criteria": {name: self.criteria[name].points for name in CRITERIA},
            "repetitions": self.repetitions,
            "triggers": {
                name: [[round(a, 3), round(b, 3)] for a, b in self.criteria[name].trigger_times_s] for name in CRITERIA
            },
        }


def _lasting(times_s: np.ndarray, mask: np.ndarray, offset: int, min_s: float) -> list[tuple[float, float]]:
    """Stretches of True lasting at least ``min_s``, as (start_s, end_s) in the full track's times."""
    out = []
    for a, b in runs(mask):
        if run_duration_s(times_s[offset:], a, b) >= min_s:
            out.append((float(times_s[offset + a]), float(times_s[offset + b - 1])))
    return out


def _over(values: np.ndarray, limit: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.abs(values) > limit


def repetition_criteria(
    track: LandmarkTrack, angles, event: Event, body, params: LateralStepDownParams
) -> dict[str, tuple[int, list[tuple[float, float]]]]:
    """Per criterion for one repetition: (level reached 0/1/2, trigger stretches in seconds)."""
    t = np.asarray(track.times_s, dtype=float)
    a, b = event.start_index, event.end_index + 1
    stance, other = event.side, other_side(event.side)
    hip_s, hip_o = track.point(f"{stance}_hip")[a:b], track.point(f"{other}_hip")[a:b]
    width = float(np.nanmedian(np.linalg.norm(hip_s - hip_o, axis=1)))
    leg = float(np.nanmedian(body.leg_length_px[a:b]))
    medial = np.sign(hip_o[:, 0] - hip_s[:, 0])
    out: dict[str, tuple[int, list[tuple[float, float]]]] = {}

    def record(name, mask, level=1):
        stretches = _lasting(t, mask, a, params.min_trigger_s)
        out[name] = (level if stretches else 0, stretches)

    # arm strategy: a wrist leaves its resting distance to its own hip
    arm = np.zeros(b - a, dtype=bool)
    for side in SIDES:
        d = np.linalg.norm(track.point(f"{side}_wrist")[a:b] - track.point(f"{side}_hip")[a:b], axis=1) / width
        if np.any(np.isfinite(d)):
            rest = np.nanpercentile(d, 10)
            with np.errstate(invalid="ignore"):
                arm |= d - rest > params.arm_strategy_pelvis_widths
    record("arm_strategy", arm)
    record("trunk_lean", _over(angles.get("trunk_lean_deg", stance)[a:b], params.trunk_lean_deg))
    record("pelvis", _over(angles.get("pelvic_drop_deg", stance)[a:b], params.pelvis_deg))

    # knee medial to the toe (1) or to the medial border of the foot (2)
    knee_x = track.point(f"{stance}_knee")[a:b, 0]
    toe_x = track.point(f"{stance}_foot_index")[a:b, 0]
    medial_offset_px = (knee_x - toe_x) * medial
    with np.errstate(invalid="ignore"):
        past_toe = medial_offset_px > params.knee_margin_pelvis_widths * width
        past_border = medial_offset_px > params.knee_margin_pelvis_widths * width + params.foot_half_width_leg_lengths * leg
    border = _lasting(t, past_border, a, params.min_trigger_s)
    toe = _lasting(t, past_toe, a, params.min_trigger_s)
    out["knee"] = (2, border) if border else ((1, toe) if toe else (0, []))

    # unsteady: the stance foot moves, or the other foot rests on the floor
    foot = body.foot_xy_px[stance][a:b]
    moved = np.linalg.norm(foot - foot[0], axis=1) / leg
    with np.errstate(invalid="ignore"):
        stance_moves = moved > params.stance_foot_move_leg_lengths
    other_y = body.foot_xy_px[other][a:b, 1]
    speed = foot_speed_legs_per_s(body, other)[a:b]
    with np.errstate(invalid="ignore"):
        resting = (speed < params.touch_still_speed_leg_lengths_per_s) & (
            other_y >= np.nanmax(other_y) - params.touch_floor_margin_leg_lengths * leg
        )
    rests = [s for s in _lasting(t, resting, a, params.max_touch_s)]
    moves = _lasting(t, stance_moves, a, params.min_trigger_s)
    stretches = sorted(moves + rests)
    out["unsteady"] = (1 if stretches else 0, stretches)
    return out


@dataclass(frozen=True)
class StepDownScores:
    """The lateral step-down score of each side that has step-down repetitions."""

    sides: dict[str, StepDownScore] = field(default_factory=dict)

    def __getitem__(self, side: str) -> StepDownScore:
        return self.sides[side]

    def __contains__(self, side: object) -> bool:
        return side in self.sides

    def to_dict(self) -> dict:
        """``scores.lateral_step_down`` of OUTPUT.md: ``{side: {"total", "band", "criteria", ...}}``."""
        return {side: score.to_dict() for side, score in self.sides.items()}


def lateral_step_down_scores(
    track: LandmarkTrack,
    events: list[Event],
    angles,
    *,
    thresholds=None,
    params: LateralStepDownParams | None = None,
) -> StepDownScores:
    """The lateral step-down score of each side that has step-down repetitions.

    Parameters
    ----------
    track : LandmarkTrack
        Cleaned landmarks (pixels, anatomical sides) the events were found in.
    events : list of Event
        Events of the analysis; only ``step_down`` ones are scored.
    angles : metrics.angles.AngleSeries
        Angle series of the same frames.
    thresholds : metrics.flags.Thresholds, optional
        The thresholds in force (a clinic's TOML merged over the defaults); the
        ``scores.lateral_step_down`` table gives the parameters.
    params : LateralStepDownParams, optional
        Explicit parameters (win over ``thresholds``); defaults otherwise.

    Returns
    -------
    StepDownScores
        Empty when there is no step-down repetition.
    """
    if params is None:
        params = LateralStepDownParams() if thresholds is None else LateralStepDownParams.from_thresholds(thresholds)
    reps = [e for e in events if e.task == "step_down"]
    if not reps:
        return StepDownScores()
    body = body_signals(track, params=BodyParams(smoothing_cutoff_hz=3.0))
    scores = {}
    for side in SIDES:
        mine = [e for e in reps if e.side == side]
        if not mine:
            continue
        per_rep = [repetition_criteria(track, angles, e, body, params) for e in mine]
        needed = params.min_share_of_repetitions * len(mine)
        criteria = {}
        for name in CRITERIA:
            levels = [r[name][0] for r in per_rep]
            times = tuple(s for r in per_rep for s in r[name][1])
            points = 0
            for level in (2, 1):
                if sum(1 for v in levels if v >= level) >= needed and any(v >= level for v in levels):
                    points = level
                    break
            triggered = sum(1 for v in levels if v >= max(points, 1))
            criteria[name] = CriterionResult(points, triggered, times)
        scores[side] = StepDownScore(side, len(mine), criteria)
    return StepDownScores(scores)
