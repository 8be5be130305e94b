"""Compensation flags from configurable thresholds, and between-session comparison.

Every flag of MEASURES.md section 4 is here, with its default threshold and source read
from ``metrics/thresholds.toml`` (package data). A clinic may override any value with
its own TOML file: it is merged over the defaults, and every problem in it is reported
at once, naming the key.

Notes
-----
Flags compare the **mean of the peak values over a side's events** (from
:mod:`metrics.summary`) with the thresholds; angles in degrees with the signs of
MEASURES.md section 2. ``side`` of a flag is the stance limb of the events it is based
on. Severities: ``marked`` past the marked threshold, ``caution`` past the caution
threshold, ``info`` when every event behind it was cut by the video's start or end (a
hint to film again, not a finding).
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from metrics.angles import ANGLE_NAMES
from metrics.events.base import Event
from metrics.sentence_case import first_upper
from metrics.summary import SideSummary, Summary
from vision.errors import InputProblem
from vision.landmarks import SIDES

SEVERITIES: tuple[str, ...] = ("info", "caution", "marked")

DISCLAIMER = (
    "hipscreen measures how you move; it does not diagnose. If you have sudden severe pain, cannot put weight "
    "on a leg, or notice new numbness or weakness, see a doctor or physiotherapist promptly."
)
"""The one line every patient-facing screen and report shows (MEASURES.md section 4)."""

ANGLE_WORDS: dict[str, str] = {
    "pelvic_drop_deg": "pelvic drop",
    "trunk_lean_deg": "trunk lean",
    "knee_fppa_deg": "knee angle (FPPA)",
    "hip_adduction_deg": "hip adduction",
}
"""Short clinical names of the angles, for the clinician texts."""


PLAIN_WORDS: dict[str, str] = {
    "pelvic_drop_deg": "how level your hips stay",
    "trunk_lean_deg": "how upright your upper body stays",
    "knee_fppa_deg": "how straight your knee stays over your foot",
    "hip_adduction_deg": "how much your thigh moves towards the middle",
}
"""Plain-language names of the angles, for the patient texts."""

# --------------------------------------------------------------------------------------
# configuration


def _defaults_table() -> dict:
    text = resources.files("metrics").joinpath("thresholds.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _merge(base: dict, override: Mapping, prefix: str, problems: list[str]) -> dict:
    """``override`` merged over ``base``; keys unknown to ``base`` or of another type are problems."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        name = f"{prefix}{key}"
        if key not in base:
            problems.append(f"{name} is not a known setting")
            continue
        default = base[key]
        if isinstance(default, dict):
            if not isinstance(value, Mapping):
                problems.append(f"{name} must be a table of settings, got {value!r}")
                continue
            out[key] = _merge(default, value, name + ".", problems)
        elif isinstance(default, (int, float)) and not isinstance(default, bool):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                problems.append(f"{name} must be a number, got {value!r}")
                continue
            out[key] = float(value)
        elif isinstance(default, str):
            if not isinstance(value, str):
                problems.append(f"{name} must be text, got {value!r}")
                continue
            out[key] = value
        else:  # pragma: no cover - the defaults only hold tables, numbers and text
            out[key] = value
    return out


@dataclass(frozen=True)
class AngleFlagRule:
    """An angle flag: past ``caution_deg`` is caution, past ``marked_deg`` is marked.

    ``direction`` "above" flags values larger than the thresholds, "below" smaller.
    """

    code: str
    angle: str
    direction: str
    caution_deg: float
    marked_deg: float
    source: str

    def severity(self, value_deg: float) -> str | None:
        if self.direction == "above":
            if value_deg > self.marked_deg:
                return "marked"
            return "caution" if value_deg > self.caution_deg else None
        if value_deg < self.marked_deg:
            return "marked"
        return "caution" if value_deg < self.caution_deg else None


@dataclass(frozen=True)
class Thresholds:
    """All thresholds, validated. ``table`` is the merged TOML, for :mod:`metrics.scores`."""

    angle_flags: tuple[AngleFlagRule, ...]
    asymmetry_deg: float
    asymmetry_severity: str
    asymmetry_source: str
    min_hold_s: float
    max_sway_pelvis_widths: float
    stance_severity: str
    stance_source: str
    sdd_deg: dict[str, float]
    change_source: str
    table: dict


def _validate(table: dict, problems: list[str]) -> None:
    for code, rule in table["flags"].items():
        name = f"flags.{code}"
        if "direction" in rule:
            if rule["direction"] not in ("above", "below"):
                problems.append(f"{name}.direction must be 'above' or 'below', got {rule['direction']!r}")
            elif rule["direction"] == "above" and not rule["marked_deg"] >= rule["caution_deg"]:
                problems.append(f"{name}.marked_deg ({rule['marked_deg']}) must not be below caution_deg ({rule['caution_deg']})")
            elif rule["direction"] == "below" and not rule["marked_deg"] <= rule["caution_deg"]:
                problems.append(f"{name}.marked_deg ({rule['marked_deg']}) must not be above caution_deg ({rule['caution_deg']})")
            if rule["angle"] not in ANGLE_NAMES:
                problems.append(f"{name}.angle must be one of {', '.join(ANGLE_NAMES)}, got {rule['angle']!r}")
        if "severity" in rule and rule["severity"] not in SEVERITIES:
            problems.append(f"{name}.severity must be one of {', '.join(SEVERITIES)}, got {rule['severity']!r}")
    for key in ("threshold_deg",):
        if table["flags"]["side_asymmetry"][key] <= 0:
            problems.append(f"flags.side_asymmetry.{key} must be positive")
    for key in ("min_hold_s", "max_sway_pelvis_widths"):
        if table["flags"]["unsteady_stance"][key] <= 0:
            problems.append(f"flags.unsteady_stance.{key} must be positive")
    for angle, value in table["change"]["smallest_detectable_difference_deg"].items():
        if value <= 0:
            problems.append(f"change.smallest_detectable_difference_deg.{angle} must be positive")
    for key, value in table["scores"]["lateral_step_down"].items():
        if isinstance(value, float) and value < 0:
            problems.append(f"scores.lateral_step_down.{key} must not be negative")


def thresholds_from_table(table: dict) -> Thresholds:
    """Build :class:`Thresholds` from a merged, validated table."""
    flags = table["flags"]
    rules = tuple(
        AngleFlagRule(code, r["angle"], r["direction"], r["caution_deg"], r["marked_deg"], r["source"])
        for code, r in flags.items()
        if "direction" in r
    )
    asym, stance, change = flags["side_asymmetry"], flags["unsteady_stance"], table["change"]
    return Thresholds(
        angle_flags=rules,
        asymmetry_deg=asym["threshold_deg"],
        asymmetry_severity=asym["severity"],
        asymmetry_source=asym["source"],
        min_hold_s=stance["min_hold_s"],
        max_sway_pelvis_widths=stance["max_sway_pelvis_widths"],
        stance_severity=stance["severity"],
        stance_source=stance["source"],
        sdd_deg=dict(change["smallest_detectable_difference_deg"]),
        change_source=change["source"],
        table=table,
    )


def load_thresholds(path: str | Path | None = None, *, override: Mapping | None = None) -> Thresholds:
    """The default thresholds, with a clinic's TOML file (or an already parsed table) merged over them.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file holding only the keys to change (same tables and names as
        ``metrics/thresholds.toml``).
    override : mapping, optional
        The same as a parsed table (applied after ``path``).

    Returns
    -------
    Thresholds

    Raises
    ------
    vision.errors.InputProblem
        ``code="bad_config"``: the file cannot be read or parsed, or some keys are
        unknown, of the wrong type or inconsistent. One message lists every problem.
    """
    table = _defaults_table()
    problems: list[str] = []
    if path is not None:
        try:
            with open(path, "rb") as handle:
                user = tomllib.load(handle)
        except OSError as error:
            raise InputProblem(
                "bad_config", f"The settings file {path} cannot be read ({error.strerror}).", "Check the path."
            ) from error
        except tomllib.TOMLDecodeError as error:
            raise InputProblem(
                "bad_config", f"The settings file {path} is not valid TOML: {error}.", "Fix the line it names."
            ) from error
        table = _merge(table, user, "", problems)
    if override is not None:
        table = _merge(table, override, "", problems)
    _validate(table, problems)
    if problems:
        where = f"The settings file {path}" if path is not None else "The settings"
        raise InputProblem(
            "bad_config",
            f"{where} has {len(problems)} problem{'s' if len(problems) > 1 else ''}: " + "; ".join(problems) + ".",
            "Fix these keys, or remove them to use the defaults.",
        )
    return thresholds_from_table(table)


# --------------------------------------------------------------------------------------
# flags


@dataclass(frozen=True)
class Flag:
    """One compensation found on one side.

    Attributes
    ----------
    code : str
        Stable identifier (``"dynamic_knee_valgus"``, ...).
    side : str
        Stance limb of the events behind the flag.
    severity : str
        ``"info"``, ``"caution"`` or ``"marked"``.
    value, threshold : float
        The measured value and the threshold it passed.
    unit : str
        ``"deg"``, ``"s"`` (hold time) or ``"pelvis_widths"`` (sway).
    source : str
        Where the threshold comes from.
    patient_text, clinician_text : str
        Plain words for the patient; precise figures for the clinician.
    events : int
        How many events the value is based on.
    angle : str or None
        The angle, for angle and asymmetry flags.
    """

    code: str
    side: str
    severity: str
    value: float
    threshold: float
    unit: str
    source: str
    patient_text: str
    clinician_text: str
    events: int
    angle: str | None = None

    @property
    def value_deg(self) -> float | None:
        return self.value if self.unit == "deg" else None

    @property
    def threshold_deg(self) -> float | None:
        return self.threshold if self.unit == "deg" else None

    def to_dict(self) -> dict:
        """The JSON ``flags`` item of OUTPUT.md (``value_deg``/``threshold_deg`` for angles)."""
        out: dict[str, Any] = {"code": self.code, "side": self.side, "severity": self.severity}
        if self.unit == "deg":
            out["value_deg"] = round(self.value, 1)
            out["threshold_deg"] = round(self.threshold, 1)
        else:
            out["value"] = round(self.value, 2)
            out["threshold"] = round(self.threshold, 2)
            out["unit"] = self.unit
        if self.angle is not None:
            out["angle"] = self.angle
        out.update(
            {
                "events": self.events,
                "source": self.source,
                "patient_text": self.patient_text,
                "clinician_text": self.clinician_text,
            }
        )
        return out


_PATIENT_TEXT = {
    "contralateral_pelvic_drop": (
        "When you stand on your {side} leg, your hip on the other side dips down. The muscles on the outside of "
        "your {side} hip hold the pelvis level; exercises that strengthen them usually help, and your "
        "physiotherapist can show you which ones."
    ),
    "ipsilateral_trunk_lean": (
        "When you stand on your {side} leg, you lean your upper body over that leg. Leaning is a common way to "
        "take load off the hip; building strength around the hip usually lets you stay more upright."
    ),
    "contralateral_trunk_lean": (
        "When you stand on your {side} leg, your upper body leans away from it. Practising the movement slowly "
        "in front of a mirror, keeping your shoulders level, is a good place to start."
    ),
    "dynamic_knee_valgus": (
        "When you bend on your {side} leg, your knee moves inwards, towards the other knee. Practising slowly with "
        "the knee kept in line over your toes, and strengthening the hip, usually helps."
    ),
    "hip_adduction": (
        "When you stand on your {side} leg, your thigh moves in towards the middle of your body. This adds load "
        "to the outside of the hip; strengthening the hip muscles usually helps."
    ),
}


def _clinician_angle_text(rule: AngleFlagRule, side: str, stat, severity: str) -> str:
    sd = "n/a" if stat.sd is None else f"{stat.sd:.1f}"
    comparison = ">" if rule.direction == "above" else "<"
    return (
        f"{first_upper(ANGLE_WORDS[rule.angle])}, {side} stance: {stat.mean:.1f} deg, mean of peak values over "
        f"{stat.n} event{'s' if stat.n != 1 else ''} (SD {sd}); {severity} ({comparison} {rule.caution_deg:g} deg caution, "
        f"{comparison} {rule.marked_deg:g} deg marked). Source: {rule.source}."
    )


def _side_all_cut(events: list[Event], side: str) -> bool:
    mine = [e for e in events if e.side == side]
    return bool(mine) and not any(e.complete for e in mine)


def angle_flags(summary: Summary, thresholds: Thresholds) -> list[Flag]:
    """Flags of the angle thresholds, per side, from the side means of the peak values."""
    flags = []
    events = [s.event for s in summary.events]
    for side in SIDES:
        side_summary: SideSummary = summary.sides[side]
        for rule in thresholds.angle_flags:
            stat = side_summary.stats[rule.angle]
            if stat.mean is None:
                continue
            severity = rule.severity(stat.mean)
            if severity is None:
                continue
            if _side_all_cut(events, side):
                severity = "info"
            threshold = rule.marked_deg if severity == "marked" else rule.caution_deg
            flags.append(
                Flag(
                    code=rule.code,
                    side=side,
                    severity=severity,
                    value=stat.mean,
                    threshold=threshold,
                    unit="deg",
                    source=rule.source,
                    patient_text=_PATIENT_TEXT[rule.code].format(side=side),
                    clinician_text=_clinician_angle_text(rule, side, stat, severity),
                    events=stat.n,
                    angle=rule.angle,
                )
            )
    return flags


def asymmetry_flags(summary: Summary, thresholds: Thresholds) -> list[Flag]:
    """``side_asymmetry``: abs(right - left) of a side mean above the threshold, per angle."""
    flags = []
    for angle in ANGLE_NAMES:
        difference = summary.asymmetry.right_minus_left_deg[angle]
        if difference is None or abs(difference) <= thresholds.asymmetry_deg:
            continue
        left = summary.sides["left"].stats[angle]
        right = summary.sides["right"].stats[angle]
        larger = "right" if abs(right.mean) >= abs(left.mean) else "left"
        flags.append(
            Flag(
                code="side_asymmetry",
                side=larger,
                severity=thresholds.asymmetry_severity,
                value=abs(difference),
                threshold=thresholds.asymmetry_deg,
                unit="deg",
                source=thresholds.asymmetry_source,
                patient_text=(
                    f"Your left and right sides move differently: {PLAIN_WORDS[angle]} differs by about "
                    f"{abs(difference):.0f} degrees, more on the {larger} side. Comparing the two sides helps your "
                    "physiotherapist see which one needs more work."
                ),
                clinician_text=(
                    f"{first_upper(ANGLE_WORDS[angle])} asymmetry: right {right.mean:.1f} deg (n={right.n}) minus left "
                    f"{left.mean:.1f} deg (n={left.n}) = {difference:+.1f} deg; |difference| > "
                    f"{thresholds.asymmetry_deg:g} deg. Source: {thresholds.asymmetry_source}."
                ),
                events=left.n + right.n,
                angle=angle,
            )
        )
    return flags


def _seconds_in_words(duration_s: float) -> str:
    """"less than a second", "about 1 second", "6 seconds"."""
    if duration_s < 0.75:
        return "less than a second"
    if duration_s < 1.5:
        return "about 1 second"
    return f"{duration_s:.0f} seconds"


def stance_flags(events: list[Event], thresholds: Thresholds) -> list[Flag]:
    """``unsteady_stance`` from single-leg stance holds: short holds or large sway, per side.

    Per side the longest hold is compared with ``min_hold_s`` (the person's best effort),
    and the mean sway over the holds with ``max_sway_pelvis_widths``. A hold cut by the end
    of the video lasted *at least* its duration, so it is not called short.
    """
    flags = []
    severity = thresholds.stance_severity
    for side in SIDES:
        holds = [e for e in events if e.task == "single_leg_stance" and e.side == side]
        if not holds:
            continue
        longest = max(holds, key=lambda e: e.hold_duration_s or 0.0)
        duration = longest.hold_duration_s or 0.0
        if duration < thresholds.min_hold_s and longest.complete:
            flags.append(
                Flag(
                    code="unsteady_stance",
                    side=side,
                    severity=severity,
                    value=duration,
                    threshold=thresholds.min_hold_s,
                    unit="s",
                    source=thresholds.stance_source,
                    patient_text=(
                        f"You stood on your {side} leg for {_seconds_in_words(duration)}. Standing steadily on one leg for "
                        f"{thresholds.min_hold_s:.0f} seconds is a good goal; a little balance practice every day, "
                        "near something to hold on to, usually helps."
                    ),
                    clinician_text=(
                        f"Single-leg stance, {side}: longest hold {duration:.1f} s of {len(holds)} hold(s), below "
                        f"{thresholds.min_hold_s:g} s (foot-off to foot-down of the other limb). "
                        f"Source: {thresholds.stance_source}."
                    ),
                    events=len(holds),
                )
            )
        sways = [e.sway_pelvis_widths for e in holds if e.sway_pelvis_widths is not None]
        if sways:
            sway = sum(sways) / len(sways)
            if sway > thresholds.max_sway_pelvis_widths:
                flags.append(
                    Flag(
                        code="unsteady_stance",
                        side=side,
                        severity=severity,
                        value=sway,
                        threshold=thresholds.max_sway_pelvis_widths,
                        unit="pelvis_widths",
                        source=thresholds.stance_source,
                        patient_text=(
                            f"Your body moved from side to side quite a lot while you stood on your {side} leg. "
                            "Regular balance practice usually makes this steadier."
                        ),
                        clinician_text=(
                            f"Single-leg stance, {side}: mid-hip sway SD {sway:.2f} pelvis widths (mean over "
                            f"{len(sways)} hold(s)), above {thresholds.max_sway_pelvis_widths:g}. "
                            f"Source: {thresholds.stance_source}."
                        ),
                        events=len(sways),
                    )
                )
    return flags


def evaluate_flags(summary: Summary, *, thresholds: Thresholds | None = None, task: str | None = None) -> list[Flag]:
    """Every flag of MEASURES.md section 4 for one analysis.

    Parameters
    ----------
    summary : Summary
        From :func:`metrics.summary.summarize`.
    thresholds : Thresholds, optional
        From :func:`load_thresholds`; the defaults when omitted.
    task : str, optional
        The analysed task; None (no task found) gives no flags.

    Returns
    -------
    list of Flag
        Angle flags per side, then asymmetry flags, then single-leg stance flags.
    """
    if thresholds is None:
        thresholds = load_thresholds()
    if task is None and not summary.events:
        return []
    events = [s.event for s in summary.events]
    return angle_flags(summary, thresholds) + asymmetry_flags(summary, thresholds) + stance_flags(events, thresholds)


# --------------------------------------------------------------------------------------
# between sessions

REAL_CHANGE = "real change"
WITHIN_ERROR = "within measurement error"
NOT_COMPARABLE = "not comparable"


@dataclass(frozen=True)
class Change:
    """How one side's mean of one angle changed between two sessions.

    ``verdict`` is "real change" when ``abs(change_deg)`` exceeds the smallest
    detectable difference, "within measurement error" otherwise, and "not comparable"
    when a value is missing or no smallest detectable difference is known for the angle.
    """

    side: str
    angle: str
    previous_deg: float | None
    current_deg: float | None
    change_deg: float | None
    sdd_deg: float | None
    verdict: str
    text: str

    def to_dict(self) -> dict:
        def r(v):
            return None if v is None else round(float(v), 1)

        return {
            "side": self.side,
            "angle": self.angle,
            "previous_deg": r(self.previous_deg),
            "current_deg": r(self.current_deg),
            "change_deg": r(self.change_deg),
            "smallest_detectable_difference_deg": self.sdd_deg,
            "verdict": self.verdict,
            "text": self.text,
        }


def _side_means(result) -> dict[str, dict[str, float | None]]:
    """Side means from a :class:`Summary`, a JSON result (with ``"sides"``) or its ``sides`` object."""
    if isinstance(result, Summary):
        return {s: {a: result.sides[s].stats[a].mean for a in ANGLE_NAMES} for s in SIDES}
    sides = result.get("sides", result)
    out = {}
    for side in SIDES:
        entry = sides.get(side) or {}
        out[side] = {a: (entry.get(a) or {}).get("mean") for a in ANGLE_NAMES}
    return out


def compare_sessions(previous, current, *, thresholds: Thresholds | None = None) -> list[Change]:
    """Classify each side's change of each angle against its smallest detectable difference.

    Parameters
    ----------
    previous, current : Summary or mapping
        Two analyses of the same patient and task: :class:`Summary` objects, JSON results
        (``result["sides"]``) or their ``sides`` objects.
    thresholds : Thresholds, optional
        Gives the smallest detectable differences (defaults: FPPA 8, pelvic drop 3,
        trunk lean 2 degrees; none known for hip adduction).

    Returns
    -------
    list of Change
        One per side and angle, in the order of ``SIDES`` and ``ANGLE_NAMES``.
    """
    if thresholds is None:
        thresholds = load_thresholds()
    before, after = _side_means(previous), _side_means(current)
    changes = []
    for side in SIDES:
        for angle in ANGLE_NAMES:
            p, c = before[side][angle], after[side][angle]
            sdd = thresholds.sdd_deg.get(angle)
            name = f"{first_upper(ANGLE_WORDS[angle])}, {side} side"
            if p is None or c is None:
                changes.append(Change(side, angle, p, c, None, sdd, NOT_COMPARABLE, f"{name}: not measured in both sessions."))
                continue
            delta = c - p
            if sdd is None:
                verdict = NOT_COMPARABLE
                text = f"{name}: {p:.1f} -> {c:.1f} deg ({delta:+.1f}); no smallest detectable difference is known for it."
            elif abs(delta) > sdd:
                verdict = REAL_CHANGE
                text = f"{name}: {p:.1f} -> {c:.1f} deg ({delta:+.1f}), a real change (more than {sdd:g} deg)."
            else:
                verdict = WITHIN_ERROR
                text = f"{name}: {p:.1f} -> {c:.1f} deg ({delta:+.1f}), within measurement error ({sdd:g} deg)."
            changes.append(Change(side, angle, p, c, delta, sdd, verdict, text))
    return changes
