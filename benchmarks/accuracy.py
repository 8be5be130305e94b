"""Accuracy of the whole pipeline on known-truth clips (MEASURES.md section 5).

For every clip ``<name>.mp4`` with a ``<name>.truth.json`` beside it, MediaPipe runs once
(:func:`hipscreen.pipeline.estimate_landmarks`) and :func:`hipscreen.pipeline.assess` runs
twice on those landmarks, with the joint-centre correction off (raw landmarks) and on.
Task, stance side and events are detected automatically, as for a user.

Printed per task and per angle: mean absolute error and bias (mean signed error) of the
values at the event peaks, raw and corrected side by side; event recall and precision
(a detected event matches a true one when its peak lies inside the true event, one to
one, nearest peaks first); stance-side accuracy of the matched events; task accuracy;
flag agreement (clips whose set of flag codes equals the truth's ``expected_flags``); the
camera roll (MEASURES.md section 2): how many clips get an estimate, and its mean absolute
error against the rendering camera's roll. Then the timing of the matched events that are
complete (neither cut by the video): detected minus true start (a repetition's start, a
hold's foot off, a stance phase's contact) and end, per task, with the share off by more
than 0.1 s.

Usage::

    HIPSCREEN_MODEL_DIR=/work/shared/models python -m benchmarks.accuracy            # sample_videos/
    python -m benchmarks.accuracy --cohort /work/scratch/cohort --split validation --cache /work/scratch/lmcache
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from metrics.angles import ANGLE_NAMES

TARGET_MAE_DEG = {"pelvic_drop_deg": 1.5, "trunk_lean_deg": 1.5, "knee_fppa_deg": 2.5, "hip_adduction_deg": 2.5}
"""MEASURES.md section 5: mean absolute error of the peak values, degrees."""

SHORT = {"pelvic_drop_deg": "pelvic drop", "trunk_lean_deg": "trunk lean", "knee_fppa_deg": "knee FPPA",
         "hip_adduction_deg": "hip adduction"}
MODES = {"raw": False, "corrected": True}


@dataclass
class ClipOutcome:
    """What one mode of the pipeline got right and wrong on one clip."""

    clip: str
    task: str
    mode: str
    detected_task: str | None
    n_true: int
    n_detected: int
    n_matched: int
    side_right: int
    errors: dict[str, list[float]] = field(default_factory=dict)
    flags_detected: tuple[str, ...] = ()
    flags_expected: tuple[str, ...] = ()
    problem: str | None = None
    roll_error_deg: float | None = None
    """The estimated camera roll minus the true one; None when the clip got no estimate."""
    start_errors_s: list[float] = field(default_factory=list)
    end_errors_s: list[float] = field(default_factory=list)
    """Detected minus true start and end of each matched event that is complete."""


def true_roll_deg(truth: dict) -> float | None:
    """The rendering camera's roll in the result's convention (positive clockwise on the screen).

    ``digital_patients.camera.PhoneCamera.roll_deg`` is positive when the scene appears
    turned counter-clockwise, so the sign is flipped.
    """
    roll = (truth.get("camera") or {}).get("roll_deg")
    return None if roll is None else -float(roll)


def match_events(true_events: list[dict], detected: list[dict]) -> list[tuple[int, int]]:
    """One-to-one pairs ``(true index, detected index)``, nearest peak times first.

    A detected event can match a true event only if its peak time lies within the true
    event's ``[start_s, end_s]``.
    """
    candidates = []
    for i, t in enumerate(true_events):
        for j, d in enumerate(detected):
            if t["start_s"] <= d["peak_s"] <= t["end_s"]:
                candidates.append((abs(d["peak_s"] - t["peak_s"]), i, j))
    pairs, used_t, used_d = [], set(), set()
    for _, i, j in sorted(candidates):
        if i not in used_t and j not in used_d:
            pairs.append((i, j))
            used_t.add(i)
            used_d.add(j)
    return sorted(pairs)


def score_clip(truth: dict, result: dict, *, clip: str, mode: str) -> ClipOutcome:
    """Compare one pipeline result with the clip's truth."""
    detected = result.get("events", [])
    pairs = match_events(truth["events"], detected)
    errors: dict[str, list[float]] = {a: [] for a in ANGLE_NAMES}
    side_right = 0
    start_errors, end_errors = [], []
    for i, j in pairs:
        t, d = truth["events"][i], detected[j]
        side_right += int(t["side"] == d["side"])
        if d.get("complete", True):
            start_errors.append(float(d["start_s"]) - float(t["start_s"]))
            end_errors.append(float(d["end_s"]) - float(t["end_s"]))
        for a in ANGLE_NAMES:
            value = d["at_peak"].get(a)
            errors[a].append(np.nan if value is None else float(value) - float(t["at_peak"][a]))
    return ClipOutcome(
        clip=clip, task=truth["task"], mode=mode, detected_task=result.get("task"),
        n_true=len(truth["events"]), n_detected=len(detected), n_matched=len(pairs), side_right=side_right,
        errors=errors, flags_detected=tuple(sorted({f["code"] for f in result.get("flags", [])})),
        flags_expected=tuple(sorted(truth.get("expected_flags", []))),
        roll_error_deg=_roll_error(result.get("camera_roll_deg"), true_roll_deg(truth)),
        start_errors_s=start_errors, end_errors_s=end_errors,
    )


def _roll_error(estimate: float | None, truth: float | None) -> float | None:
    return None if estimate is None or truth is None else float(estimate) - truth


def run_clip(video: Path, truth: dict, *, cache: Path | None = None) -> list[ClipOutcome]:
    """Landmarks once, then the assessment with the correction off and on."""
    from hipscreen.pipeline import AnalysisOptions, Landmarks, assess, estimate_landmarks
    from vision.errors import InputProblem

    if cache is not None:
        from benchmarks.fit_joint_centres import raw_landmarks
        from vision.decode import probe_video

        landmarks = Landmarks(video=probe_video(video), track=raw_landmarks(video, cache=cache))
    else:
        landmarks = estimate_landmarks(video)
    outcomes = []
    for mode, correction in MODES.items():
        try:
            result = assess(landmarks, options=AnalysisOptions(correction=correction)).result
        except InputProblem as problem:
            outcome = score_clip(truth, {"events": [], "task": None}, clip=video.name, mode=mode)
            outcome.problem = str(problem)
        else:
            outcome = score_clip(truth, result, clip=video.name, mode=mode)
        outcomes.append(outcome)
    return outcomes


@dataclass(frozen=True)
class Summary:
    """Aggregate figures of one mode over a set of clips."""

    events_true: int
    events_detected: int
    events_matched: int
    side_right: int
    tasks_right: int
    clips: int
    flags_agree: int
    mae_deg: dict[str, float]
    bias_deg: dict[str, float]
    roll_estimated: int = 0
    roll_mae_deg: float = float("nan")

    @property
    def recall(self) -> float:
        return self.events_matched / self.events_true if self.events_true else float("nan")

    @property
    def precision(self) -> float:
        return self.events_matched / self.events_detected if self.events_detected else float("nan")

    @property
    def side_accuracy(self) -> float:
        return self.side_right / self.events_matched if self.events_matched else float("nan")


def summarize(outcomes: list[ClipOutcome]) -> Summary:
    mae, bias = {}, {}
    for a in ANGLE_NAMES:
        e = np.array([v for o in outcomes for v in o.errors.get(a, [])], dtype=float)
        e = e[np.isfinite(e)]
        mae[a] = float(np.mean(np.abs(e))) if e.size else float("nan")
        bias[a] = float(np.mean(e)) if e.size else float("nan")
    roll = [o.roll_error_deg for o in outcomes if o.roll_error_deg is not None]
    return Summary(
        events_true=sum(o.n_true for o in outcomes), events_detected=sum(o.n_detected for o in outcomes),
        events_matched=sum(o.n_matched for o in outcomes), side_right=sum(o.side_right for o in outcomes),
        tasks_right=sum(o.detected_task == o.task for o in outcomes), clips=len(outcomes),
        flags_agree=sum(set(o.flags_detected) == set(o.flags_expected) for o in outcomes),
        mae_deg=mae, bias_deg=bias,
        roll_estimated=len(roll), roll_mae_deg=float(np.mean(np.abs(roll))) if roll else float("nan"),
    )


def table(outcomes: list[ClipOutcome]) -> str:
    """The printed report: per task (and all), raw and corrected side by side."""
    tasks = sorted({o.task for o in outcomes}) + ["all"]
    lines = ["Peak values: MAE (bias) in degrees, raw landmarks | corrected joint centres; "
             "targets (MEASURES 5): " + ", ".join(f"{SHORT[a]} < {v:g}" for a, v in TARGET_MAE_DEG.items()),
             "",
             "| task | clips | events | " + " | ".join(f"{SHORT[a]} raw | {SHORT[a]} corr." for a in ANGLE_NAMES)
             + " | recall raw / corr. | precision raw / corr. | stance side raw / corr. | task right | "
               "flags agree raw / corr. | camera roll: clips estimated, MAE |",
             "|---|---|---|" + "---|---|" * len(ANGLE_NAMES) + "---|---|---|---|---|---|"]
    for task in tasks:
        s = {m: summarize([o for o in outcomes if o.mode == m and (task == "all" or o.task == task)]) for m in MODES}
        cells = []
        for a in ANGLE_NAMES:
            for m in MODES:
                cells.append(f"{s[m].mae_deg[a]:.2f} ({s[m].bias_deg[a]:+.2f})")
        r, c = s["raw"], s["corrected"]
        lines.append(
            f"| {task} | {r.clips} | {r.events_true} | " + " | ".join(cells)
            + f" | {r.recall:.2f} / {c.recall:.2f} | {r.precision:.2f} / {c.precision:.2f} "
              f"| {r.side_accuracy:.2f} / {c.side_accuracy:.2f} | {r.tasks_right}/{r.clips} / {c.tasks_right}/{c.clips} "
              f"| {r.flags_agree}/{r.clips} / {c.flags_agree}/{c.clips} "
              f"| {c.roll_estimated}/{c.clips}, {c.roll_mae_deg:.2f} |"
        )
    lines += ["", timing_table([o for o in outcomes if o.mode == "corrected"])]
    problems = [f"- {o.clip} ({o.mode}): {o.problem}" for o in outcomes if o.problem]
    if problems:
        lines += ["", "Refused:"] + problems
    return "\n".join(lines)


TIMING_OFF_S = 0.1
"""An event's start or end further than this from the truth counts as off."""


def timing_summary(errors_s: list[float]) -> str:
    """``MAE (bias), k/n off by more than TIMING_OFF_S``, seconds; a dash without errors."""
    e = np.asarray(errors_s, dtype=float)
    if not e.size:
        return "-"
    return f"{np.mean(np.abs(e)):.3f} ({np.mean(e):+.3f}), {int(np.sum(np.abs(e) > TIMING_OFF_S))}/{e.size}"


def timing_table(outcomes: list[ClipOutcome]) -> str:
    """Start and end of the matched complete events against the truth, per task (one mode)."""
    lines = [f"Event timing (corrected; matched events not cut by the video): detected minus true, "
             f"MAE (bias) in s, events off by more than {TIMING_OFF_S:g} s",
             "",
             "| task | start (contact; a hold's foot off) | end |",
             "|---|---|---|"]
    for task in sorted({o.task for o in outcomes}) + ["all"]:
        chosen = [o for o in outcomes if task == "all" or o.task == task]
        starts = [e for o in chosen for e in o.start_errors_s]
        ends = [e for o in chosen for e in o.end_errors_s]
        lines.append(f"| {task} | {timing_summary(starts)} | {timing_summary(ends)} |")
    return "\n".join(lines)


def clip_lines(outcomes: list[ClipOutcome]) -> str:
    lines = ["| clip | mode | task -> detected | events true / detected / matched | side right | "
             + " | ".join(SHORT[a] for a in ANGLE_NAMES) + " | flags detected | flags expected |",
             "|---|---|---|---|---|" + "---|" * len(ANGLE_NAMES) + "---|---|"]
    for o in outcomes:
        errs = " | ".join(f"{np.nanmean(np.abs(o.errors[a])):.1f}" if o.errors[a] else "-" for a in ANGLE_NAMES)
        lines.append(f"| {o.clip} | {o.mode} | {o.task} -> {o.detected_task} | {o.n_true} / {o.n_detected} / "
                     f"{o.n_matched} | {o.side_right} | {errs} | {', '.join(o.flags_detected) or '-'} | "
                     f"{', '.join(o.flags_expected) or '-'} |")
    return "\n".join(lines)


def clips_in(folders: list[Path], *, split: str | None = None, only: list[str] | None = None):
    for folder in folders:
        for truth_path in sorted(folder.glob("*.truth.json")):
            video = truth_path.with_name(truth_path.name.replace(".truth.json", ".mp4"))
            truth = json.loads(truth_path.read_text())
            if not video.exists() or (split and truth.get("split") != split):
                continue
            if only and video.stem not in only:
                continue
            yield video, truth


def run(folders: list[Path], *, split: str | None = None, only: list[str] | None = None,
        cache: Path | None = None, progress=None) -> list[ClipOutcome]:
    outcomes = []
    for video, truth in clips_in(folders, split=split, only=only):
        outcomes.extend(run_clip(video, truth, cache=cache))
        if progress:
            progress(video.name)
    return outcomes


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cohort", type=Path, action="append", help="folder of clips (default: sample_videos)")
    parser.add_argument("--split", default=None, help="only clips of this split (cohort truth files)")
    parser.add_argument("--only", nargs="*", help="clip names (without .mp4)")
    parser.add_argument("--cache", type=Path, default=None, help="cache landmarks in this folder")
    parser.add_argument("--per-clip", action="store_true", help="also print one line per clip")
    args = parser.parse_args(argv)
    folders = args.cohort or [Path(__file__).resolve().parents[1] / "sample_videos"]
    outcomes = run(folders, split=args.split, only=args.only, cache=args.cache)
    print(table(outcomes))
    if args.per_clip:
        print()
        print(clip_lines(outcomes))


if __name__ == "__main__":
    main()
