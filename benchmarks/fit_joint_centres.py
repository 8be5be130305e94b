"""Measure MediaPipe's landmarks against true joint centres, and fit the joint-centre rule.

Works on a folder of rendered clips with ``<clip>.truth.json`` (``benchmarks/cohort.py``,
``sample_videos/``). MediaPipe runs on the clip files through the pipeline's own
:func:`hipscreen.pipeline.estimate_landmarks`; the landmarks are cached next to the clips
(``<clip>.landmarks.npz``, or in ``--cache``). The track is prepared exactly as
:func:`hipscreen.pipeline.assess` prepares it before the correction (swap repair, cleaning).

Usage::

    python -m benchmarks.fit_joint_centres measure --cohort /work/scratch/cohort
    python -m benchmarks.fit_joint_centres fit --cohort /work/scratch/cohort --out metrics/joint_centre_model.json
    python -m benchmarks.fit_joint_centres evaluate --cohort /work/scratch/cohort [--cohort sample_videos --cache DIR]
    python -m benchmarks.fit_joint_centres variants --cohort /work/scratch/cohort \
        --videos /work/shared/videos/real --real-cache /work/scratch/lmcache

``measure`` prints, per joint and view, the offset of MediaPipe's landmark from the true
joint centre (lateral and downward, in true inter-hip distances) and, per task and angle,
the error of the raw angles at the true event peaks. ``fit`` learns the rule on the
training split (``"split"`` in the truth file) with every frame and its mirror image, picks
the ridge penalty by leave-clips-out cross-validation and writes the coefficients: the general
rule and the hip rules of ``TASKS_WITH_RULES``. ``evaluate`` prints raw and corrected angle
errors at the true peaks per split and task, each clip corrected with the rule of its true task.
``inputs`` compares the knee's input sets by leave-one-training-clip-out peak errors.
``weighting`` compares weights of the frames near event peaks and fade ratios by ten-fold
cross-validation on the training clips; ``tasks`` compares the general rule alone with a rule
per task (the task's clips weighing more), the same way. ``stance`` compares, at the true peaks
of the validation clips and of ``--held-out`` cohorts, the rule without the stance leg, with it
in every rule, and with it in the step-down and squat rules (section 9 of docs/JOINT_CENTRES.md).
``yaw`` measures how the camera yaw reaches the pelvic drop, for MediaPipe's points and the rule,
and tries rules that read the yaw (section 10).
``variants`` prints, for the committed rule and the alternatives tried, the validation clips'
MAE at the true peaks and the distance of raw and corrected points from the Pose2Sim
multi-view reference (the guard: hips, knees and ankles no further than raw on both cameras),
then the rule's effect on the few Pose2Sim frames its range check accepts.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from metrics.angles import ANGLE_NAMES, angle_series_from_points
from metrics.events.base import TASKS
from metrics.joint_centres import (
    CORRECTED_JOINTS, JointCentreModel, RangeParams, TrainingRange, body_features, body_frame, estimate_joint_centres,
    load_model, mahalanobis_d2, stance_signal,
)
from vision.landmarks import SIDES, Landmark, other_side
from vision.track import LandmarkTrack

FEATURE_JOINTS = ("shoulder", "hip", "knee", "ankle", "foot_index")

RULE_JOINTS = ("hip", "knee", "ankle")
"""Joints the committed rule moves. The shoulders are not moved: a shoulder rule hardly improved
the trunk lean of the validation clips and moved the real Pose2Sim shoulders away from the
multi-camera reference (docs/JOINT_CENTRES.md, "Shoulders are not moved")."""

INPUTS_OF = {
    "shoulder": (("both", "shoulder"), ("both", "hip")),
    "hip": (("both", "shoulder"), ("both", "hip"), ("both", "knee")),
    "knee": (("both", "shoulder"), ("both", "hip"), ("same", "knee"), ("same", "ankle")),
    "ankle": (("same", "knee"), ("same", "ankle"), ("same", "foot_index")),
}
"""Which landmarks may move each joint (``same``: the joint's own side): the hips and shoulders
are moved by the trunk, pelvis and thighs, a knee by the trunk, the hips and its own leg (the
shoulders tell how far the trunk is bent, which goes with how far the knee is bent; with them
the leave-one-training-clip-out peak errors drop from 2.63 to 2.42 degrees for FPPA and from
3.45 to 3.19 for hip adduction), an ankle by its own shank and foot. A local rule is easier to explain and less able to learn accidents of the
renderer than one using every point (``--inputs all``)."""
ANGLE_SHORT = {"pelvic_drop_deg": "drop", "trunk_lean_deg": "lean", "knee_fppa_deg": "FPPA",
               "hip_adduction_deg": "hip add"}


@dataclass
class Clip:
    """One rendered clip: its truth and MediaPipe's prepared (swap-repaired, cleaned) track."""

    name: str
    truth: dict
    track: LandmarkTrack

    @property
    def split(self) -> str:
        return self.truth.get("split", "sample")

    def true_points(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(v, dtype=float) for k, v in self.truth["frames"]["joints_px"].items()}


def _save_track(path: Path, track: LandmarkTrack) -> None:
    np.savez_compressed(path, times_s=track.times_s, xy_px=track.xy_px, visibility=track.visibility,
                        world_xyz=track.world_xyz if track.world_xyz is not None else np.zeros(0),
                        extra_people=track.extra_people if track.extra_people is not None else np.zeros(0),
                        width=track.width, height=track.height, pose_model=track.pose_model)


def _load_track(path: Path) -> LandmarkTrack:
    d = np.load(path)
    world = d["world_xyz"] if d["world_xyz"].size else None
    extra = d["extra_people"] if d["extra_people"].size else None
    return LandmarkTrack(times_s=d["times_s"], xy_px=d["xy_px"], visibility=d["visibility"],
                         width=int(d["width"]), height=int(d["height"]), world_xyz=world,
                         extra_people=extra, pose_model=str(d["pose_model"]))


def raw_landmarks(video: Path, *, cache: Path | None = None) -> LandmarkTrack:
    """MediaPipe's landmarks of ``video`` (pipeline's estimate_landmarks), cached as npz."""
    cache_file = (cache or video.parent) / f"{video.stem}.landmarks.npz"
    if cache_file.exists():
        return _load_track(cache_file)
    from hipscreen.pipeline import estimate_landmarks

    track = estimate_landmarks(video).track
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    _save_track(cache_file, track)
    return track


def prepare(raw: LandmarkTrack) -> LandmarkTrack:
    """The track the pipeline hands to the joint-centre step: swaps repaired, cleaned."""
    from metrics.cleaning import clean_track
    from metrics.swap import repair_swaps

    return clean_track(repair_swaps(raw).track).track


def load_clips(folders: list[Path], *, cache: Path | None = None, quiet: bool = False) -> list[Clip]:
    clips = []
    for folder in folders:
        for truth_path in sorted(folder.glob("*.truth.json")):
            video = truth_path.with_name(truth_path.name.replace(".truth.json", ".mp4"))
            if not video.exists():
                continue
            truth = json.loads(truth_path.read_text())
            raw = raw_landmarks(video, cache=cache)
            if len(raw) != len(truth["frames"]["time_s"]):
                raise RuntimeError(f"{video.name}: {len(raw)} frames of landmarks, "
                                   f"{len(truth['frames']['time_s'])} frames of truth")
            clips.append(Clip(name=video.stem, truth=truth, track=prepare(raw)))
            if not quiet:
                print(f"  loaded {video.name} ({truth.get('split', 'sample')})", flush=True)
    return clips


# --------------------------------------------------------------------------- measuring
def landmark_offsets(clip: Clip) -> dict[str, np.ndarray]:
    """Per joint name: (T, 2) offset landmark - true centre as (lateral, down), inter-hip units.

    Lateral is along the true right->left hip line, positive away from the midline on the
    landmark's own side; down is perpendicular to it, positive towards the feet.
    """
    truth = clip.true_points()
    across = truth["left_hip"] - truth["right_hip"]
    width = np.linalg.norm(across, axis=1)
    u = across / width[:, None]  # person's right -> left, in pixels
    down = np.stack([-u[:, 1], u[:, 0]], axis=1)
    down *= np.sign(down[:, 1:2] + 1e-12)  # make it point down the image
    out = {}
    for side in SIDES:
        outward = 1.0 if side == "left" else -1.0
        for joint in CORRECTED_JOINTS:
            name = f"{side}_{joint}"
            d = clip.track.point(name) - truth[name]
            out[name] = np.stack([outward * np.sum(d * u, axis=1), np.sum(d * down, axis=1)], axis=1) / width[:, None]
    return out


def peak_errors(clip: Clip, points: dict[str, np.ndarray]) -> list[dict]:
    """Angle errors (estimate - truth) at each true event peak, stance side of the event."""
    series = angle_series_from_points(clip.track.times_s, points)
    times = np.asarray(clip.truth["frames"]["time_s"])
    rows = []
    for event in clip.truth["events"]:
        k = int(np.argmin(np.abs(times - event["peak_s"])))
        row = {"clip": clip.name, "task": clip.truth["task"], "view": clip.truth["view"], "split": clip.split}
        for angle in ANGLE_NAMES:
            row[angle] = float(series.get(angle, event["side"])[k] - event["at_peak"][angle])
            row[f"true_{angle}"] = float(event["at_peak"][angle])
        rows.append(row)
    return rows


def track_points(track: LandmarkTrack) -> dict[str, np.ndarray]:
    return {f"{s}_{j}": track.point(f"{s}_{j}") for s in SIDES for j in CORRECTED_JOINTS}


def _fmt(values: np.ndarray) -> str:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return f"{np.mean(v):+.2f} ± {np.std(v):.2f}" if v.size else "n/a"


def measure(clips: list[Clip]) -> str:
    """Markdown tables: landmark offsets per joint and view; raw angle errors per task."""
    lines = ["### Landmark minus true joint centre (MediaPipe full), in true inter-hip distances",
             "", "Mean ± SD over all frames; lateral > 0 = away from the midline, down > 0 = towards the feet.", "",
             "| joint | view | lateral | down | frames |", "|---|---|---|---|---|"]
    for joint in CORRECTED_JOINTS:
        for view in ("front", "back"):
            chunks = [np.concatenate([o[f"{s}_{joint}"] for s in SIDES]) for c in clips
                      if c.truth["view"] == view for o in [landmark_offsets(c)]]
            if not chunks:
                continue
            d = np.concatenate(chunks)
            ok = np.all(np.isfinite(d), axis=1)
            lines.append(f"| {joint} | {view} | {_fmt(d[ok, 0])} | {_fmt(d[ok, 1])} | {int(ok.sum() / 2)} |")
    lines += ["", "### Raw angles at the true event peaks: error (MediaPipe - truth), degrees", "",
              "Mean ± SD (bias and spread) and MAE per task, stance side of each event.", "",
              "| task | events | " + " | ".join(f"{ANGLE_SHORT[a]} bias ± SD | {ANGLE_SHORT[a]} MAE" for a in ANGLE_NAMES) + " |",
              "|---|---|" + "---|---|" * len(ANGLE_NAMES)]
    rows = [r for c in clips for r in peak_errors(c, track_points(c.track))]
    lines += _error_rows(rows, key="task")
    lines += _error_rows(rows, key="view")
    return "\n".join(lines)


def _error_rows(rows: list[dict], *, key: str) -> list[str]:
    out = []
    for group in sorted({r[key] for r in rows}) + ["all"]:
        sel = [r for r in rows if group == "all" or r[key] == group]
        if group == "all" and key != "task":
            continue
        cells = []
        for a in ANGLE_NAMES:
            e = np.array([r[a] for r in sel])
            cells.append(f"{_fmt(e)} | {np.nanmean(np.abs(e)):.2f}")
        out.append(f"| {group} | {len(sel)} | " + " | ".join(cells) + " |")
    return out


# --------------------------------------------------------------------------- fitting
def _mirror_permutation(names: tuple[str, ...]) -> list[int]:
    def swap(n: str) -> str:
        side, rest = n.split("_", 1)
        return f"{other_side(side)}_{rest}"
    return [names.index(swap(n)) for n in names]


def true_stance(clip: Clip) -> np.ndarray:
    """The clip's stance signal (:func:`metrics.joint_centres.stance_signal`) from its true events."""
    return stance_signal(clip.track.times_s, [(e["side"], e["start_s"], e["end_s"]) for e in clip.truth["events"]])


def design(clip: Clip, feature_points: tuple[str, ...], joints: tuple[str, ...],
           *, event_weight: float = 1.0, stance: bool = False,
           signal: Callable[[Clip], np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features (T, 2F + 1), target offsets (T, 2J) and row weights (T,) of a clip, finite rows only.

    Rows are in the body frame. A frame within ``EVENT_HALF_WIDTH_S`` of a true event peak
    weighs ``event_weight`` times as much as any other; the weights are scaled so that they
    add up to the number of rows. With ``stance``, ``signal(clip)`` (default: the stance signal
    of the true events, :func:`true_stance`) is a column before the constant: (T, 2F + 2).
    """
    frame = body_frame(clip.track)
    x = body_features(clip.track, frame, feature_points)
    if stance:
        x = np.concatenate([x[:, :-1], (signal or true_stance)(clip)[:, None], x[:, -1:]], axis=1)
    truth = clip.true_points()
    true_xy = np.stack([truth[j] for j in joints], axis=1)
    raw_xy = np.stack([clip.track.point(j) for j in joints], axis=1)
    y = (frame.to_body(true_xy) - frame.to_body(raw_xy)).reshape(len(clip.track), -1)
    ok = np.all(np.isfinite(x), axis=1) & np.all(np.isfinite(y), axis=1)
    times = np.asarray(clip.track.times_s, dtype=float)
    weight = np.ones(len(times))
    for event in clip.truth.get("events", []):
        weight[np.abs(times - event["peak_s"]) <= EVENT_HALF_WIDTH_S] = event_weight
    weight = weight[ok]
    return x[ok], y[ok], weight * len(weight) / max(weight.sum(), 1e-12)


EVENT_HALF_WIDTH_S = 0.25
"""Frames this close to a true event peak are the ones the clinical values are read from."""

EVENT_WEIGHT = 5.0
"""Weight of those frames in the committed fit, relative to the others (section 5 of
docs/JOINT_CENTRES.md: chosen by ten-fold cross-validation on the training clips)."""

TASK_JOINTS = ("hip",)
"""Joints whose task rules differ from the general rule (section 6 of docs/JOINT_CENTRES.md)."""

TASKS_WITH_RULES = ("single_leg_squat", "step_down")
"""Tasks given their own rule in the committed fit (section 6 of docs/JOINT_CENTRES.md: the rules
of single-leg stance and gait helped in cross-validation but not on the clips held out)."""

STANCE_JOINTS = ("hip",)
"""Joints whose vertical offset a rule that reads the stance leg moves by it (section 9 of
docs/JOINT_CENTRES.md)."""

STANCE_RULES: tuple[str, ...] = ()
"""The rules that read the stance leg (``"general"`` for the general rule, or task names). None in
the committed fit (section 9 of docs/JOINT_CENTRES.md: through the whole pipeline, the stance leg
in every rule overshot the pelvic drop of walking, and in the step-down and squat rules it
traded pelvic drop for hip adduction and flagged a clean sample step-down)."""

STANCE_TRIAL_RULES = ("single_leg_squat", "step_down")
"""The rules given the stance leg in the trial of section 9."""

TASK_WEIGHT = 30.0
"""Weight of a task's own clips in that task's rule, relative to the other clips (section 6
of docs/JOINT_CENTRES.md: chosen by ten-fold cross-validation on the training clips)."""


def mirrored(x: np.ndarray, y: np.ndarray, feature_points, joints) -> tuple[np.ndarray, np.ndarray]:
    """The same frames seen in a mirror: x -> -x, left <-> right (a stance column changes sign)."""
    def flip(a: np.ndarray, names) -> np.ndarray:
        a = a.reshape(len(a), len(names), 2)[:, _mirror_permutation(tuple(names))].copy()
        a[..., 0] *= -1
        return a.reshape(len(a), -1)
    n = 2 * len(feature_points)
    return np.concatenate([flip(x[:, :n], feature_points), -x[:, n:-1], x[:, -1:]], axis=1), flip(y, joints)


def input_mask(feature_points: tuple[str, ...], joints: tuple[str, ...], inputs_of: dict | None,
               *, hip_height_ignores_sideways_of: tuple[str, ...] = ()) -> np.ndarray:
    """Boolean (2F + 1, 2J): which feature may enter which output (the constant always may).

    ``hip_height_ignores_sideways_of`` (joint names): the hips' vertical offsets may not read
    those landmarks' sideways (body-frame x) positions.
    """
    mask = np.ones((2 * len(feature_points) + 1, 2 * len(joints)), dtype=bool)
    for k, joint_name in enumerate(joints):
        side, joint = joint_name.split("_", 1)
        if inputs_of is not None:
            allowed = set()
            for which, point in inputs_of[joint]:
                sides = SIDES if which == "both" else (side,)
                allowed |= {f"{s}_{point}" for s in sides}
            for i, name in enumerate(feature_points):
                mask[2 * i: 2 * i + 2, 2 * k: 2 * k + 2] = name in allowed
        if joint == "hip":
            for i, name in enumerate(feature_points):
                if name.split("_", 1)[1] in hip_height_ignores_sideways_of:
                    mask[2 * i, 2 * k + 1] = False
    return mask


def ridge(x: np.ndarray, y: np.ndarray, alpha: float, mask: np.ndarray | None = None) -> np.ndarray:
    """Ridge regression, the constant column unpenalised; per output only the features ``mask`` allows."""
    if mask is None:
        mask = np.ones((x.shape[1], y.shape[1]), dtype=bool)
    coef = np.zeros(mask.shape)
    xtx, xty = x.T @ x, x.T @ y
    for j in range(y.shape[1]):
        use = np.flatnonzero(mask[:, j])
        if not use.size:
            continue
        penalty = alpha * np.eye(len(use))
        penalty[use == x.shape[1] - 1, use == x.shape[1] - 1] = 0.0
        coef[use, j] = np.linalg.solve(xtx[np.ix_(use, use)] + penalty, xty[use, j])
    return coef


def fit_model(clips: list[Clip], *, alphas=(0.1, 1.0, 10.0, 100.0, 1000.0), feature_joints=FEATURE_JOINTS,
              inputs_of: dict | None = INPUTS_OF, corrected=RULE_JOINTS, event_weight: float = 1.0,
              task_weight: float | None = None, task_joints=TASK_JOINTS, tasks_with_rules=None,
              stance_joints: tuple[str, ...] = (), stance_rules=STANCE_RULES,
              signal: Callable[[Clip], np.ndarray] | None = None, hip_height_ignores_sideways_of=(),
              verbose: bool = True) -> JointCentreModel:
    """Ridge fit of the offsets on the clips' frames and their mirror images.

    Every clip weighs the same whatever its length; within a clip, frames near a true event
    peak weigh ``event_weight`` times as much as the others (:func:`design`). The training
    range is that of all frames, unweighted. The penalty is the one of ``alphas`` with the
    smallest leave-one-clip-out error (not computed when there is only one).

    With ``task_weight``, a rule per task is fitted too (``JointCentreModel.task_coef``): on
    all the clips, with the same penalty, each clip of that task weighing ``task_weight``
    times as much as the others: for the ``tasks_with_rules`` (None: every task of the clips).
    Only the ``task_joints`` differ from the general rule; the other joints keep the general
    rule's coefficients.

    With ``stance_joints``, the vertical offsets of those joints read the stance leg too
    (``JointCentreModel.stance_coef`` / ``task_stance_coef``) in the ``stance_rules``
    (``"general"`` and task names), from the true events during fitting
    (:func:`true_stance`); in a mirror image the stance leg changes side. ``signal`` puts another
    per-frame signal of the clip in the stance leg's place (it changes sign in the mirror image
    too: the camera yaw of section 10 of docs/JOINT_CENTRES.md).

    ``hip_height_ignores_sideways_of`` (joint names, e.g. ``("shoulder",)``): see :func:`input_mask`.
    """
    feature_points = tuple(f"{s}_{j}" for s in SIDES for j in feature_joints)
    joints = tuple(f"{s}_{j}" for s in SIDES for j in CORRECTED_JOINTS)
    n_features = 2 * len(feature_points)
    mask = input_mask(feature_points, joints, inputs_of, hip_height_ignores_sideways_of=hip_height_ignores_sideways_of)
    for k, name in enumerate(joints):
        if name.split("_", 1)[1] not in corrected:
            mask[:, 2 * k: 2 * k + 2] = False
    stance = bool(stance_joints) and bool(stance_rules)
    masks = {}
    if stance:  # a row before the constant: the stance signal, into the vertical offset of stance_joints
        stance_row = np.zeros((1, mask.shape[1]), dtype=bool)
        for k, name in enumerate(joints):
            stance_row[0, 2 * k + 1] = name.split("_", 1)[1] in stance_joints and name.split("_", 1)[1] in corrected
        masks = {rule: np.concatenate([mask[:-1], stance_row & (rule in stance_rules), mask[-1:]])
                 for rule in ("general", *TASKS)}
        mask = masks["general"]
    data = []
    for clip in clips:
        x, y, weight = design(clip, feature_points, joints, event_weight=event_weight, stance=stance, signal=signal)
        xm, ym = mirrored(x, y, feature_points, joints)
        # each clip weighs the same whatever its length
        w = np.sqrt(np.concatenate([weight, weight]) * 100.0 / max(len(x), 1))[:, None]
        data.append((np.concatenate([x, xm]) * w, np.concatenate([y, ym]) * w, x, y,
                     np.concatenate([x, xm])[:, :n_features]))
    cv = {}
    for alpha in alphas if len(alphas) > 1 else ():
        sq = []
        for k in range(len(data)):
            xs = np.concatenate([d[0] for i, d in enumerate(data) if i != k])
            ys = np.concatenate([d[1] for i, d in enumerate(data) if i != k])
            coef = ridge(xs, ys, alpha, mask)
            sq.append(np.mean((data[k][2] @ coef - data[k][3]) ** 2))
        cv[alpha] = float(np.sqrt(np.mean(sq)))
        if verbose:
            print(f"  alpha {alpha:g}: leave-one-clip-out RMS offset error {cv[alpha]:.4f} trunk lengths", flush=True)
    best = min(cv, key=cv.get) if cv else alphas[0]
    coef = ridge(np.concatenate([d[0] for d in data]), np.concatenate([d[1] for d in data]), best, mask)
    task_coef = {}
    rule_tasks = sorted({c.truth["task"] for c in clips}) if tasks_with_rules is None else sorted(tasks_with_rules)
    for task in rule_tasks if task_weight is not None else ():
        scale = [np.sqrt(task_weight if c.truth["task"] == task else 1.0) for c in clips]
        specific = ridge(np.concatenate([d[0] * f for d, f in zip(data, scale)]),
                         np.concatenate([d[1] * f for d, f in zip(data, scale)]), best, masks.get(task, mask))
        task_coef[task] = coef.copy()
        for k, name in enumerate(joints):
            if name.split("_", 1)[1] in task_joints:
                task_coef[task][:, 2 * k: 2 * k + 2] = specific[:, 2 * k: 2 * k + 2]

    def without_stance(c: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        return (np.delete(c, n_features, axis=0), c[n_features].copy()) if stance else (c, None)

    coef, stance_coef = without_stance(coef)
    stance_coef = stance_coef if "general" in stance_rules else None
    task_stance_coef = {}
    for task in list(task_coef):
        task_coef[task], task_stance = without_stance(task_coef[task])
        if task_stance is not None and task in stance_rules:
            task_stance_coef[task] = task_stance
    model = JointCentreModel(feature_points=feature_points, joints=joints, coef=coef, info={})
    features = np.concatenate([d[4] for d in data])
    raw_rms = float(np.sqrt(np.mean(np.concatenate([d[3] for d in data]) ** 2)))
    info = {
        "what": "offsets from MediaPipe full landmarks to rig joint centres, body frame (trunk lengths)",
        "trained_on": sorted(c.name for c in clips),
        "n_clips": len(clips),
        "n_frames": int(sum(len(d[2]) for d in data)),
        "ridge_alpha": best,
        "event_weight": event_weight,
        "event_half_width_s": EVENT_HALF_WIDTH_S,
        "task_weight": task_weight,
        "task_joints": list(task_joints) if task_weight is not None else [],
        "task_rules": sorted(task_coef),
        "stance_joints": list(stance_joints) if stance else [],
        "stance_rules": sorted(stance_rules) if stance else [],
        "inputs_of": {j: [list(p) for p in v] for j, v in (inputs_of or {}).items()} or "all",
        "corrected": list(corrected),
        "cv_rms_trunk_lengths": cv,
        "raw_rms_trunk_lengths": raw_rms,
        "fitted_by": "python -m benchmarks.fit_joint_centres fit",
        "training_range": f"{RANGE_PERCENTILE:g}th percentile of squared Mahalanobis distances over the "
                          "training frames and their mirror images",
    }
    return JointCentreModel(feature_points=feature_points, joints=joints, coef=coef, info=info,
                            training_range=training_range(model, features), task_coef=task_coef,
                            stance_coef=stance_coef, task_stance_coef=task_stance_coef)


RANGE_PERCENTILE = 99.0
"""Training frames beyond this percentile of distance are "outside the range" (RangeParams)."""


def training_range(model: JointCentreModel, features: np.ndarray) -> TrainingRange:
    """Mean, covariance and distance limits of the body-frame features of the training frames.

    ``features`` (N, 2F): every training frame and its mirror image, no constant column.
    """
    mean, cov = features.mean(axis=0), np.cov(features.T)
    whole = mahalanobis_d2(features, mean, cov, np.arange(features.shape[1]))
    limits = []
    for k in range(len(model.joints)):
        columns = model.input_columns(k)
        limits.append(float(np.percentile(mahalanobis_d2(features, mean, cov, columns), RANGE_PERCENTILE))
                      if columns.size else 0.0)
    return TrainingRange(mean=mean, cov=cov, frame_d2_limit=float(np.percentile(whole, RANGE_PERCENTILE)),
                         joint_d2_limit=np.array(limits))


# --------------------------------------------------------------------------- evaluating
def evaluate(clips: list[Clip], model: JointCentreModel | None = None) -> str:
    """Raw vs corrected angle errors at the true peaks, per split and task (markdown)."""
    rows = []
    for clip in clips:
        corrected = estimate_joint_centres(clip.track, model=model, task=clip.truth["task"], stance=true_stance(clip))
        raw = peak_errors(clip, track_points(clip.track))
        cor = peak_errors(clip, track_points(corrected))
        for r, c in zip(raw, cor):
            rows.append({**r, **{f"c_{a}": c[a] for a in ANGLE_NAMES}})
    lines = ["| split | task | events | " + " | ".join(f"{ANGLE_SHORT[a]} raw | {ANGLE_SHORT[a]} corrected"
                                                      for a in ANGLE_NAMES) + " |",
             "|---|---|---|" + "---|---|" * len(ANGLE_NAMES)]
    for split in sorted({r["split"] for r in rows}):
        tasks = sorted({r["task"] for r in rows if r["split"] == split}) + ["all"]
        for task in tasks:
            sel = [r for r in rows if r["split"] == split and (task == "all" or r["task"] == task)]
            cells = []
            for a in ANGLE_NAMES:
                raw = np.array([r[a] for r in sel])
                cor = np.array([r[f"c_{a}"] for r in sel])
                cells.append(f"{np.nanmean(np.abs(raw)):.2f} ({np.nanmean(raw):+.2f}) | "
                             f"{np.nanmean(np.abs(cor)):.2f} ({np.nanmean(cor):+.2f})")
            lines.append(f"| {split} | {task} | {len(sel)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --------------------------------------------------------------------------- variants
def _smoothed(correct, window_s: float):
    """The same rule with its pixel offsets averaged over a centred window (NaN-aware)."""
    from numpy.lib.stride_tricks import sliding_window_view

    def run(track: LandmarkTrack) -> LandmarkTrack:
        out = correct(track)
        half = int(round(window_s / 2 / np.median(np.diff(track.times_s))))
        offsets = out.xy_px - track.xy_px
        padded = np.pad(offsets, ((half, half), (0, 0), (0, 0)), constant_values=np.nan)
        windows = sliding_window_view(padded, 2 * half + 1, axis=0)
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(windows, axis=-1)
        return track.with_xy(np.where(np.isnan(offsets), np.nan, track.xy_px + mean))
    return run


def _hip_tilt_only(correct):
    """Hips keep MediaPipe's mid-point and width; only the hip line's direction is corrected."""
    def run(track: LandmarkTrack) -> LandmarkTrack:
        out = correct(track)
        raw_l, raw_r = track.point("left_hip"), track.point("right_hip")
        across = out.point("left_hip") - out.point("right_hip")
        unit = across / np.linalg.norm(across, axis=1, keepdims=True)
        half = np.linalg.norm(raw_l - raw_r, axis=1, keepdims=True) / 2
        mid = (raw_l + raw_r) / 2
        xy = out.xy_px.copy()
        xy[:, Landmark.LEFT_HIP], xy[:, Landmark.RIGHT_HIP] = mid + half * unit, mid - half * unit
        return out.with_xy(xy)
    return run


def _only(correct, joints: tuple[str, ...]):
    """Only ``joints`` (e.g. knee, ankle) take the corrected points; the others stay raw."""
    def run(track: LandmarkTrack) -> LandmarkTrack:
        out = correct(track)
        xy = track.xy_px.copy()
        for side in SIDES:
            for joint in joints:
                xy[:, Landmark[f"{side}_{joint}".upper()]] = out.point(f"{side}_{joint}")
        return track.with_xy(xy)
    return run


def variant_rules(train: list[Clip], committed: JointCentreModel) -> dict:
    """Named ways of correcting a track: the committed rule and the alternatives tried."""
    from metrics.joint_centres import RangeParams

    everywhere = dataclasses.replace(committed, training_range=None)

    def rule(model, **kw):
        return lambda t: estimate_joint_centres(t, model=model, **kw)

    quiet = {"verbose": False}
    constant = fit_model(train, alphas=(0.1,), inputs_of={j: () for j in INPUTS_OF}, **quiet)
    stiff = fit_model(train, alphas=(100.0,), **quiet)
    knee_without_trunk = dict(INPUTS_OF, knee=(("both", "hip"), ("same", "knee"), ("same", "ankle")))
    previous = fit_model(train, alphas=(0.1,), inputs_of=knee_without_trunk, **quiet)
    return {
        "previous rule (knee without shoulders), everywhere": rule(dataclasses.replace(previous, training_range=None)),
        "previous rule (knee without shoulders), fade + clip check": rule(previous),
        "rule everywhere (no training range)": rule(everywhere),
        "rule everywhere, offsets averaged over 0.2 s": _smoothed(rule(everywhere), 0.2),
        "rule everywhere, offsets averaged over 0.5 s": _smoothed(rule(everywhere), 0.5),
        "rule everywhere, hips: only the hip line's tilt": _hip_tilt_only(rule(everywhere)),
        "rule everywhere, knees and ankles only": _only(rule(everywhere), ("knee", "ankle")),
        "rule everywhere, knees only": _only(rule(everywhere), ("knee",)),
        "constant offsets (no inputs), everywhere": rule(dataclasses.replace(constant, training_range=None)),
        "ridge penalty 100 (vs 0.1), everywhere": rule(dataclasses.replace(stiff, training_range=None)),
        "per-frame fade only (no clip check)": rule(committed, range_params=RangeParams(check_clip=False)),
        "per-frame fade, knees only": _only(rule(committed, range_params=RangeParams(check_clip=False)), ("knee",)),
        "clip check only (no per-frame fade)": rule(committed, range_params=RangeParams(fade_frames=False)),
        "committed: per-frame fade (eased over 0.2 s) + clip check": rule(committed),
    }


def mae_cells(rows: list[dict], sep: str = " | ") -> str:
    """Mean absolute peak error of each angle over ``rows`` (from :func:`peak_errors`), joined by ``sep``."""
    return sep.join(f"{np.nanmean(np.abs([r[a] for r in rows])):.2f}" for a in ANGLE_NAMES)


def fold_models(train: list[Clip], folds: int, **fit_kw) -> list[JointCentreModel]:
    """One rule per fold, fitted on the training clips outside it (clip ``i`` is in fold ``i % folds``)."""
    return [fit_model([c for i, c in enumerate(train) if i % folds != k], verbose=False, **fit_kw)
            for k in range(folds)]


def leave_one_clip_out_peaks(clips: list[Clip]) -> str:
    """Peak-angle MAE on the training clips, each predicted by a rule fitted on the others (markdown).

    Compares the committed inputs with the knee read without the shoulders: the choice of
    inputs judged on training clips only.
    """
    train = [c for c in clips if c.split == "train"]
    input_sets = {"knee from shoulders, hips, own knee and ankle (committed)": INPUTS_OF,
                  "knee from hips, own knee and ankle": dict(INPUTS_OF, knee=(("both", "hip"), ("same", "knee"),
                                                                             ("same", "ankle")))}
    lines = ["| inputs | events | " + " | ".join(ANGLE_SHORT[a] for a in ANGLE_NAMES) + " |",
             "|---|---|" + "---|" * len(ANGLE_NAMES)]
    for name, inputs_of in input_sets.items():
        rows = []
        for k, clip in enumerate(train):
            model = fit_model([c for i, c in enumerate(train) if i != k], alphas=(0.1,), inputs_of=inputs_of,
                              verbose=False)
            rows += peak_errors(clip, track_points(estimate_joint_centres(clip.track, model=model)))
        lines.append(f"| {name} | {len(rows)} | {mae_cells(rows)} |")
    return "\n".join(lines)


def weighting_table(clips: list[Clip], *, folds: int = 10, event_weights=(1.0, 5.0), fade_ratios=(2.0, 3.0)) -> str:
    """Peak-angle MAE on the training clips by ``folds``-fold cross-validation (folds by clip), for
    each weight of the frames near event peaks and each fade ratio of the training range (markdown).

    The choice of section 5 of docs/JOINT_CENTRES.md, made on training clips only.
    """
    train = [c for c in clips if c.split == "train"]
    lines = ["| event weight | fade to zero at | events | " + " | ".join(ANGLE_SHORT[a] for a in ANGLE_NAMES) + " |",
             "|---|---|---|" + "---|" * len(ANGLE_NAMES)]
    for event_weight in event_weights:
        models = fold_models(train, folds, alphas=(0.1,), event_weight=event_weight)
        for fade_ratio in fade_ratios:
            rng = RangeParams(fade_ratio=fade_ratio)
            rows = []
            for i, clip in enumerate(train):
                corrected = estimate_joint_centres(clip.track, model=models[i % folds], range_params=rng)
                rows += peak_errors(clip, track_points(corrected))
            lines.append(f"| {event_weight:g} | {fade_ratio:g} limits | {len(rows)} | {mae_cells(rows)} |")
    return "\n".join(lines)


def task_rules_table(clips: list[Clip], *, folds: int = 10, event_weights=(5.0, 20.0),
                     task_weights=(None, 10.0, 30.0, 100.0), task_joint_sets=(("hip",), ("hip", "knee", "ankle")),
                     alpha: float = 0.3) -> str:
    """Peak-angle MAE per task on the training clips by ``folds``-fold cross-validation (folds by
    clip): the general rule alone, and a rule per task with the task's clips weighing more
    (each clip corrected with the rule of its true task), for each weight of the frames near
    event peaks and each set of joints given task rules (the others keep the general rule's)
    (markdown).

    The choice of section 6 of docs/JOINT_CENTRES.md, made on training clips only.
    """
    train = [c for c in clips if c.split == "train"]
    tasks = sorted({c.truth["task"] for c in train})
    lines = ["| event weight | task weight | joints with task rules | " + " | ".join(tasks) + " | all |",
             "|---|---|---|" + "---|" * (len(tasks) + 1)]
    settings = [(e, t, j) for e in event_weights for t in task_weights
                for j in (task_joint_sets if t is not None else ((),))]
    for event_weight, task_weight, task_joints in settings:
        models = fold_models(train, folds, alphas=(alpha,), event_weight=event_weight, task_weight=task_weight,
                             task_joints=task_joints)
        rows = []
        for i, clip in enumerate(train):
            rows += peak_errors(clip, track_points(estimate_joint_centres(
                clip.track, model=models[i % folds], task=clip.truth["task"])))
        cells = [mae_cells([r for r in rows if task == "all" or r["task"] == task], sep=" / ")
                 for task in tasks + ["all"]]
        lines.append(f"| {event_weight:g} | {'general rule only' if task_weight is None else f'{task_weight:g}'} | "
                     f"{', '.join(task_joints) or '-'} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def stance_table(clips: list[Clip], held_out: dict[str, list[Clip]], *, alphas=(0.3,),
                 event_weight: float = EVENT_WEIGHT, task_weight: float = TASK_WEIGHT,
                 tasks_with_rules=TASKS_WITH_RULES) -> str:
    """The rule without the stance leg, with it in every rule, and with it in the step-down and
    squat rules only, on the validation clips and on held-out cohorts (markdown).

    Each is fitted on the training clips of ``clips`` with the committed settings; each clip
    is corrected with the rule of its true task and the stance of its true events, and
    measured at the true peaks. Peak-angle MAE, and the mean signed pelvic drop error.
    The choice of section 9 of docs/JOINT_CENTRES.md.
    """
    train = [c for c in clips if c.split == "train"]
    sets = {"validation": [c for c in clips if c.split == "validation"], **held_out}
    lines = ["| rule | set | events | " + " | ".join(ANGLE_SHORT[a] for a in ANGLE_NAMES) + " | drop bias |",
             "|---|---|---|" + "---|" * (len(ANGLE_NAMES) + 1)]
    variants = (("without the stance leg", (), ()),
                ("stance leg in every rule", STANCE_JOINTS, ("general", *tasks_with_rules)),
                ("stance leg in the step-down and squat rules", STANCE_JOINTS, STANCE_TRIAL_RULES))
    for name, stance_joints, stance_rules in variants:
        model = fit_model(train, alphas=alphas, event_weight=event_weight, task_weight=task_weight,
                          tasks_with_rules=tasks_with_rules, stance_joints=stance_joints, stance_rules=stance_rules,
                          verbose=False)
        for set_name, members in sets.items():
            rows = [r for c in members for r in peak_errors(c, track_points(estimate_joint_centres(
                c.track, model=model, task=c.truth["task"], stance=true_stance(c))))]
            bias = np.nanmean([r["pelvic_drop_deg"] for r in rows])
            lines.append(f"| {name} | {set_name} | {len(rows)} | {mae_cells(rows)} | {bias:+.2f} |")
    return "\n".join(lines)


def _view_sign(clip: Clip) -> float:
    """+1 for a front view, -1 for a back view."""
    return 1.0 if clip.truth["view"] == "front" else -1.0


def stance_yaw_deg(clip: Clip) -> float:
    """The rendering camera's yaw, signed so that one sign means the same for the pelvic drop of
    every clip: the renderer's ``camera.yaw_deg`` times +1 for a left stance leg (-1 right) and
    +1 for a front view (-1 back). Bending forward moves the shoulders towards the camera from
    the front and away from it from behind, so a yawed camera turns it into a sideways shift of
    opposite direction in the two views; and a pelvic drop is read relative to the stance leg.
    """
    side = 1.0 if clip.truth.get("stance_side") == "left" else -1.0
    return float(clip.truth["camera"]["yaw_deg"]) * side * _view_sign(clip)


YAW_INPUT_SCALE_DEG = 10.0
"""The yaw input of section 10's trial is the yaw in units of this many degrees."""


def yaw_input(clip: Clip, yaw_deg: float | None) -> np.ndarray:
    """The trial input of section 10: ``yaw_deg`` (the renderer's yaw, or
    :func:`metrics.view.estimate_camera_yaw`'s on MediaPipe's landmarks; None counts as 0)
    times +1 for a front view and -1 for a back view, in every frame."""
    return np.full(len(clip.track), _view_sign(clip) * float(yaw_deg or 0.0) / YAW_INPUT_SCALE_DEG)


def yaw_slope(clips: list[Clip], rows_of) -> tuple[float, float, float, float]:
    """How the per-clip pelvic-drop error at the true peaks follows :func:`stance_yaw_deg`, over the
    clips other than walking (whose events are on both legs): slope (degrees of error per degree
    of yaw), correlation, the MAE of the clips' mean errors, and that MAE with the slope taken out.
    ``rows_of(clip)`` gives the clip's :func:`peak_errors`."""
    yaw, error = [], []
    for clip in clips:
        if clip.truth["task"] == "gait":
            continue
        rows = rows_of(clip)
        if rows:
            yaw.append(stance_yaw_deg(clip))
            error.append(np.nanmean([r["pelvic_drop_deg"] for r in rows]))
    yaw, error = np.array(yaw), np.array(error)
    slope = float(np.polyfit(yaw, error, 1)[0])
    return (slope, float(np.corrcoef(yaw, error)[0, 1]), float(np.mean(np.abs(error))),
            float(np.mean(np.abs(error - slope * yaw))))


def yaw_table(clips: list[Clip], held_out: dict[str, list[Clip]], *, alphas=(0.3,),
              event_weight: float = EVENT_WEIGHT, task_weight: float = TASK_WEIGHT,
              tasks_with_rules=TASKS_WITH_RULES) -> str:
    """Section 10 of docs/JOINT_CENTRES.md: how the camera yaw reaches the pelvic drop (markdown).

    First, per set (the validation clips and ``held_out`` cohorts), for MediaPipe's points and
    for the committed rule: the slope of each non-walking clip's mean pelvic-drop error at the
    true peaks against :func:`stance_yaw_deg`. Then rules fitted on the training clips with the
    committed settings: as committed; with the hips' vertical offsets blind to the sideways
    position of the knees, the shoulders, or both; with the clip's yaw (:func:`yaw_input`) as an
    input of the hips' vertical offsets, the renderer's (an upper bound) and the estimated one,
    in every rule or in the step-down and squat rules. Peak-angle MAE over all events, and the slope. Between them,
    how the estimated yaw follows the renderer's, per view, over the training and held-out clips.
    """
    train = [c for c in clips if c.split == "train"]
    sets = {"validation": [c for c in clips if c.split == "validation"], **held_out}
    sets["all held out"] = [c for members in list(sets.values()) for c in members]
    committed = load_model()
    lines = ["| points | set | clips | slope (deg per deg) | correlation | clip MAE | without the slope |",
             "|---|---|---|---|---|---|---|"]
    for name, correct in (("MediaPipe's", lambda c: track_points(c.track)),
                          ("committed rule", lambda c: track_points(estimate_joint_centres(
                              c.track, model=committed, task=c.truth["task"])))):
        for set_name, members in sets.items():
            slope, corr, mae, flat = yaw_slope(members, lambda c, correct=correct: peak_errors(c, correct(c)))
            n = sum(c.truth["task"] != "gait" for c in members)
            lines.append(f"| {name} | {set_name} | {n} | {slope:+.3f} | {corr:+.2f} | {mae:.2f} | {flat:.2f} |")
    from metrics.view import estimate_camera_yaw

    everyone = train + sets["all held out"]
    # keyed by id(): clips of different cohorts share names (c000_...)
    yaw_of = {"renderer": {id(c): c.truth["camera"]["yaw_deg"] for c in everyone},
              "estimate": {id(c): estimate_camera_yaw(c.track).yaw_deg for c in everyone}}
    lines += ["", "| view | clips with an estimate | correlation | estimate per true degree | offset | residual SD |",
              "|---|---|---|---|---|---|"]
    for view in ("front", "back"):
        pairs = [(yaw_of["renderer"][id(c)], yaw_of["estimate"][id(c)]) for c in everyone if c.truth["view"] == view]
        true, est = np.array([p for p in pairs if p[1] is not None], dtype=float).T
        fit = np.polyfit(true, est, 1)
        lines.append(f"| {view} | {len(true)} of {len(pairs)} | {np.corrcoef(true, est)[0, 1]:.2f} | {fit[0]:.2f} | "
                     f"{fit[1]:+.2f} | {np.std(est - np.polyval(fit, true)):.2f} |")
    lines += ["", "| rule | set | events | " + " | ".join(ANGLE_SHORT[a] for a in ANGLE_NAMES) + " | slope |",
              "|---|---|---|" + "---|" * (len(ANGLE_NAMES) + 1)]
    every = ("general", *tasks_with_rules)
    variants = (("committed inputs", {}, None),
                ("hip heights blind to the knees' sideways position",
                 {"hip_height_ignores_sideways_of": ("knee",)}, None),
                ("hip heights blind to the shoulders' sideways position",
                 {"hip_height_ignores_sideways_of": ("shoulder",)}, None),
                ("hip heights blind to the shoulders' and knees' sideways positions",
                 {"hip_height_ignores_sideways_of": ("shoulder", "knee")}, None),
                ("renderer's yaw, every rule", {"stance_rules": every}, "renderer"),
                ("estimated yaw, every rule", {"stance_rules": every}, "estimate"),
                ("estimated yaw, step-down and squat rules", {"stance_rules": tuple(tasks_with_rules)}, "estimate"))
    for name, extra, source in variants:
        kw = dict(extra)
        signal = None if source is None else (lambda c, yaws=yaw_of[source]: yaw_input(c, yaws[id(c)]))
        if signal is not None:
            kw.update(stance_joints=STANCE_JOINTS, signal=signal)
        model = fit_model(train, alphas=alphas, event_weight=event_weight, task_weight=task_weight,
                          tasks_with_rules=tasks_with_rules, verbose=False, **kw)
        rows_of = {id(c): peak_errors(c, track_points(estimate_joint_centres(
            c.track, model=model, task=c.truth["task"], stance=None if signal is None else signal(c))))
            for c in sets["all held out"]}
        for set_name, members in sets.items():
            rows = [r for c in members for r in rows_of[id(c)]]
            lines.append(f"| {name} | {set_name} | {len(rows)} | {mae_cells(rows)} | "
                         f"{yaw_slope(members, lambda c: rows_of[id(c)])[0]:+.3f} |")
    return "\n".join(lines)


def variants_table(clips: list[Clip], videos: Path, real_cache: Path | None) -> str:
    """Validation MAE at the true peaks and the Pose2Sim guard, for every variant (markdown)."""
    from benchmarks.joint_centres_real import GUARD_JOINTS, POSE2SIM, guard_distances, load_reference, time_stamp_lag

    committed = load_model()
    rules = variant_rules([c for c in clips if c.split == "train"], committed)
    validation = [c for c in clips if c.split == "validation"]
    real = {}
    for stem in POSE2SIM:
        video = videos / f"{stem}.mp4"
        real[stem] = (prepare(raw_landmarks(video, cache=real_cache)), load_reference(video))
    cams = [s.rsplit("_", 1)[1] for s in POSE2SIM]
    lines = ["| variant | " + " | ".join(ANGLE_SHORT[a] for a in ANGLE_NAMES) + " | "
             + " | ".join(f"{cam} {j}" for cam in cams for j in GUARD_JOINTS) + " | guard | guard, time-aligned |",
             "|---|" + "---|" * (len(ANGLE_NAMES) + len(cams) * len(GUARD_JOINTS) + 2)]
    raw_rows = [r for c in validation for r in peak_errors(c, track_points(c.track))]
    lines.append(f"| raw MediaPipe | {mae_cells(raw_rows)} | "
                 + " | ".join("" for _ in cams for _ in GUARD_JOINTS) + " | | |")
    for name, correct in rules.items():
        rows = [r for c in validation for r in peak_errors(c, track_points(correct(c.track)))]
        cells = [mae_cells(rows)]
        passed = {"plain": True, "aligned": True}
        for stem, (track, reference) in real.items():
            corrected = correct(track)
            plain = guard_distances(track, corrected, reference, lag=0)
            aligned = guard_distances(track, corrected, reference, lag=time_stamp_lag(track, reference))
            for joint in GUARD_JOINTS:
                raw_px, cor_px = plain[joint][:2]
                worse = cor_px > raw_px + 1e-9
                passed["plain"] &= not worse
                passed["aligned"] &= aligned[joint][1] <= aligned[joint][0] + 1e-9
                cells.append(f"{raw_px:.1f} → {cor_px:.1f}{' ✗' if worse else ''}")
        cells += ["pass" if passed["plain"] else "FAIL", "pass" if passed["aligned"] else "FAIL"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def in_range_frames_table(videos: Path, real_cache: Path | None) -> str:
    """On the Pose2Sim frames within range (full weight of the per-frame fade), the rule's effect vs the reference."""
    from benchmarks.joint_centres_real import GUARD_JOINTS, POSE2SIM, load_reference
    from metrics.joint_centres import RangeParams, range_check

    committed = load_model()
    everywhere = dataclasses.replace(committed, training_range=None)
    lines = ["| clip | point | frames with full weight | raw px | corrected px |", "|---|---|---|---|---|"]
    for stem in POSE2SIM:
        video = videos / f"{stem}.mp4"
        track, reference = prepare(raw_landmarks(video, cache=real_cache)), load_reference(video)
        weights = range_check(track, model=committed, params=RangeParams(check_clip=False, transition_s=0.0)).weights
        corrected = estimate_joint_centres(track, model=everywhere)
        n = min(len(track), len(reference["t"]))
        for joint in GUARD_JOINTS:
            for side in SIDES:
                name = f"{side}_{joint}"
                full = weights[:n, committed.joints.index(name)] >= 1.0
                if not full.any():
                    lines.append(f"| {stem} | {name} | 0 | | |")
                    continue
                raw = np.linalg.norm(track.point(name)[:n] - reference[name][:n], axis=1)[full]
                cor = np.linalg.norm(corrected.point(name)[:n] - reference[name][:n], axis=1)[full]
                lines.append(f"| {stem} | {name} | {int(full.sum())} | {np.nanmean(raw):.1f} | {np.nanmean(cor):.1f} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("measure", "fit", "evaluate", "variants", "inputs", "weighting", "tasks",
                                            "stance", "yaw"))
    parser.add_argument("--cohort", type=Path, action="append", required=True)
    parser.add_argument("--cache", type=Path, default=None, help="folder for landmark caches")
    parser.add_argument("--out", type=Path, default=Path("metrics/joint_centre_model.json"))
    parser.add_argument("--model", type=Path, default=None, help="rule to evaluate (default: committed)")
    parser.add_argument("--inputs", choices=("local", "all"), default="local",
                        help="local: each joint moved by nearby landmarks only (INPUTS_OF); all: by every feature")
    parser.add_argument("--joints", nargs="*", default=list(RULE_JOINTS), help="joints to correct")
    parser.add_argument("--alphas", type=float, nargs="*", default=[0.03, 0.1, 0.3, 1.0])
    parser.add_argument("--event-weight", type=float, default=EVENT_WEIGHT,
                        help="fit: weight of frames near a true event peak relative to the others")
    parser.add_argument("--task-weight", type=float, default=TASK_WEIGHT,
                        help="fit: weight of a task's own clips in that task's rule (0: no task rules)")
    parser.add_argument("--task-rules", nargs="*", default=list(TASKS_WITH_RULES),
                        help="fit: the tasks given their own rule")
    parser.add_argument("--stance-joints", nargs="*", default=list(STANCE_JOINTS),
                        help="fit: joints whose height reads the stance leg (none: a rule blind to it)")
    parser.add_argument("--stance-rules", nargs="*", default=list(STANCE_RULES),
                        help="fit: the rules that read the stance leg ('general' and task names)")
    parser.add_argument("--held-out", type=Path, action="append", default=[],
                        help="stance, yaw: a further cohort to compare on (all its clips; landmarks cached in it)")
    parser.add_argument("--videos", type=Path, default=Path("../shared/videos/real"),
                        help="variants: folder with the Pose2Sim clips and their *.reference.json")
    parser.add_argument("--real-cache", type=Path, default=None, help="variants: landmark cache of the real clips")
    args = parser.parse_args(argv)
    clips = load_clips(args.cohort, cache=args.cache)
    if args.command == "measure":
        print(measure(clips))
    elif args.command == "fit":
        train = [c for c in clips if c.split == "train"]
        model = fit_model(train, alphas=tuple(args.alphas), inputs_of=INPUTS_OF if args.inputs == "local" else None,
                          corrected=tuple(args.joints), event_weight=args.event_weight,
                          task_weight=args.task_weight or None, tasks_with_rules=tuple(args.task_rules),
                          stance_joints=tuple(args.stance_joints), stance_rules=tuple(args.stance_rules))
        args.out.write_text(json.dumps(model.to_dict(), indent=1) + "\n")
        print(f"wrote {args.out} (alpha {model.info['ridge_alpha']:g}, {model.info['n_clips']} clips)")
        print(evaluate(clips, model))
    elif args.command == "inputs":
        print(leave_one_clip_out_peaks(clips))
    elif args.command == "weighting":
        print(weighting_table(clips))
    elif args.command == "tasks":
        print(task_rules_table(clips))
    elif args.command == "stance":
        held_out = {folder.name: load_clips([folder], cache=folder, quiet=True) for folder in args.held_out}
        print(stance_table(clips, held_out, alphas=tuple(args.alphas)))
    elif args.command == "yaw":
        held_out = {folder.name: load_clips([folder], cache=folder, quiet=True) for folder in args.held_out}
        print(yaw_table(clips, held_out))
    elif args.command == "variants":
        print(variants_table(clips, args.videos, args.real_cache))
        print()
        print(in_range_frames_table(args.videos, args.real_cache))
    else:
        model = load_model(args.model) if args.model else None
        print(evaluate(clips, model))


if __name__ == "__main__":
    main()
