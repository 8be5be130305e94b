"""Joint centres from MediaPipe's landmarks: a small linear correction learned on known truth.

For clinicians, in one sentence: MediaPipe's hip, knee and ankle points are not the joint
centres (its hips sit too close together, follow only part of a pelvic tilt and are pulled up
by a lifted thigh), so each is moved by a fixed straight-line rule, learned on rendered bodies
whose true joint centres are known, that reads where the person's shoulders, hips, knees,
ankles and toes are, measured in units of their own trunk length; the rule switches itself
off for postures and camera views unlike those it was learned on.

The shoulders are left where MediaPipe puts them: on held-out rendered clips moving them made
the trunk lean only marginally more accurate (MediaPipe's trunk lean is already within about
1 degree), and on real clips it moved them away from a multi-camera reference.

The rule switches itself off for postures and camera views it was not fitted on: a frame whose
landmarks (in the body frame) lie far outside the range of the training frames gets a
correction faded towards zero, eased over a fifth of a second so that the angles do not jump,
and a video whose typical frame lies outside that range gets no correction at all (see
:class:`TrainingRange`, :class:`RangeParams`, :func:`range_check`). On the oblique real clips where the
unrestricted rule moved points away from a multi-camera reference, it is switched off this way.

The rule is :class:`JointCentreModel`, stored in ``metrics/joint_centre_model.json`` (a few
thousand numbers, nothing is downloaded). It holds a general rule and task rules, for
step-downs and single-leg squats, whose hips are fitted on all training clips with that task's
clips weighing more (the free leg hanging below a step, or held forward, pulls MediaPipe's hips
in its own way). The pipeline recognises the task on MediaPipe's landmarks (never on these
estimates), then measures a step-down or a squat with its own rule. It is fitted by
``benchmarks/fit_joint_centres.py``; ``docs/JOINT_CENTRES.md`` gives the measurements behind it and its validation. It is switched
by ``AnalysisOptions(correction=...)`` / ``hipscreen analyze --correction / --no-correction``.

A rule may also read which leg bears the weight (:func:`stance_signal`, from the events the
pipeline finds before the joint centres; :attr:`JointCentreModel.stance_coef`). The committed
rule does not: tried through the whole pipeline, it traded pelvic-drop error for hip-adduction
error (``docs/JOINT_CENTRES.md`` section 9).

Notes
-----
Frame: pixels of the upright frame, x right, y down. The rule works in a *body frame* per
frame: origin at MediaPipe's mid-hip, unit = the person's trunk length (mid-hip to
mid-shoulder, the median over about one second around the frame, so it follows a person
walking towards the camera but not a forward bend), and x mirrored when needed so that the
person's left side lies towards +x (a back view then looks like a front view, and one rule
serves the left and the right limb: it was fitted on every frame and its mirror image).
The rule predicts, for each joint, the offset from MediaPipe's landmark to the joint centre;
the corrected point is the landmark plus that offset, back in pixels.
"""

from __future__ import annotations

import functools
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from vision.landmarks import SIDES, Landmark
from vision.track import LandmarkTrack

MODEL_PATH = Path(__file__).with_name("joint_centre_model.json")
"""The committed coefficients."""

CORRECTED_JOINTS: tuple[str, ...] = ("shoulder", "hip", "knee", "ankle")
"""Joints whose landmarks are replaced by joint-centre estimates (both sides)."""


@dataclass(frozen=True)
class BodyFrameParams:
    """How the body frame is set up.

    Attributes
    ----------
    scale_window_s : float
        Length of the centred window over which the trunk length is the median, seconds.
    min_scale_px : float
        A trunk shorter than this (pixels) is not a usable unit: those frames give NaN.
    """

    scale_window_s: float = 1.0
    min_scale_px: float = 10.0


@dataclass(frozen=True)
class RangeParams:
    """How the rule switches itself off outside the postures it was fitted on.

    Attributes
    ----------
    fade_ratio : float
        Squared Mahalanobis distances up to the training frames' 99th percentile are "in
        range"; ``fade_ratio`` times that value is where a correction has faded to zero.
    check_clip : bool
        When True, a clip whose median frame lies beyond ``fade_ratio`` times the training
        frames' 99th percentile (whole-frame squared Mahalanobis distance) gets no correction
        at all.
    fade_frames : bool
        When True, each frame's correction of a joint fades from full (distance of its inputs
        below the 99th percentile) linearly to zero (at ``fade_ratio`` times it). This keeps
        the rule from extrapolating on frames where MediaPipe itself fails (on the frontal
        walk ``vaila_mlwalk`` a knee found 14 px below the hip: the unfaded rule moved it above
        the hip, and the hip adduction jumped by 70 degrees between two frames).
    transition_s : float
        The per-frame weights are eased so that the correction never switches on or off
        faster than over this time: each frame takes the smallest weight within
        ``transition_s / 2`` of it, then the mean of those over the same window. A frame far
        out of range still gets none, and so does its neighbourhood; without the easing the
        pelvic drop of ``vaila_mlwalk`` jumped by 9 degrees where the fade set in
        (``benchmarks/joint_centres_real.py``). 0 switches the easing off.
    """

    fade_ratio: float = 3.0
    check_clip: bool = True
    fade_frames: bool = True
    transition_s: float = 0.2

    def __post_init__(self) -> None:
        if not self.fade_ratio > 1.0:
            raise ValueError(f"fade_ratio must be above 1, got {self.fade_ratio}")
        if self.transition_s < 0:
            raise ValueError(f"transition_s must not be negative, got {self.transition_s}")


def _ease(weights: np.ndarray, window: int) -> np.ndarray:
    """Running minimum then running mean over ``window`` frames (odd), per column, NaN ignored.

    The result never exceeds the input at any frame (each frame's mean is over minima of
    windows that contain it), so a frame with weight 0 keeps 0.
    """
    if window <= 1:
        return weights
    half = window // 2
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows give NaN
        padded = np.pad(weights, ((half, half), (0, 0)), constant_values=np.nan)
        low = np.nanmin(sliding_window_view(padded, window, axis=0), axis=-1)
        padded = np.pad(low, ((half, half), (0, 0)), constant_values=np.nan)
        eased = np.nanmean(sliding_window_view(padded, window, axis=0), axis=-1)
    return np.where(np.isnan(weights), np.nan, eased)


@dataclass(frozen=True)
class TrainingRange:
    """Where the rule's inputs lay in the training frames (body frame, trunk lengths).

    Attributes
    ----------
    mean : ndarray, shape (2F,)
        Mean of the body-frame features (``x, y`` of each feature point, no constant) over
        the training frames and their mirror images.
    cov : ndarray, shape (2F, 2F)
        Their covariance.
    frame_d2_limit : float
        99th percentile, over the training frames, of the squared Mahalanobis distance of
        the whole feature vector.
    joint_d2_limit : ndarray, shape (J,)
        The same for each joint, using only the features its rule reads.
    """

    mean: np.ndarray
    cov: np.ndarray
    frame_d2_limit: float
    joint_d2_limit: np.ndarray

    def to_dict(self) -> dict:
        return {"mean": np.round(np.asarray(self.mean, dtype=float), 6).tolist(),
                "cov": np.round(np.asarray(self.cov, dtype=float), 8).tolist(),
                "frame_d2_limit": round(float(self.frame_d2_limit), 4),
                "joint_d2_limit": np.round(np.asarray(self.joint_d2_limit, dtype=float), 4).tolist()}

    @classmethod
    def from_dict(cls, data: dict) -> "TrainingRange":
        return cls(mean=np.asarray(data["mean"], dtype=float), cov=np.asarray(data["cov"], dtype=float),
                   frame_d2_limit=float(data["frame_d2_limit"]),
                   joint_d2_limit=np.asarray(data["joint_d2_limit"], dtype=float))


def mahalanobis_d2(features: np.ndarray, mean: np.ndarray, cov: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Squared Mahalanobis distance of ``features[:, columns]`` from ``mean``/``cov`` restricted to them.

    ``features`` has shape (T, 2F) (no constant column); rows with a NaN give NaN. The
    pseudo-inverse is used: the origin of the body frame is the mid-hip, so the two hips'
    coordinates are each other's negatives and two directions of the covariance have no
    spread at all.
    """
    columns = np.asarray(columns)
    precision = np.linalg.pinv(cov[np.ix_(columns, columns)], rcond=1e-6, hermitian=True)
    z = features[:, columns] - mean[columns]
    return np.einsum("ti,ij,tj->t", z, precision, z)


@dataclass(frozen=True)
class JointCentreModel:
    """A linear rule from landmark positions to joint-centre offsets, in the body frame.

    Attributes
    ----------
    feature_points : tuple of str
        Landmark names whose body-frame ``(x, y)`` are the inputs, in this order
        (``x`` then ``y`` of each), followed by a constant 1.
    joints : tuple of str
        Landmark names whose offsets are predicted, ``(dx, dy)`` each, in this order.
    coef : ndarray, shape (2 * len(feature_points) + 1, 2 * len(joints))
        ``offsets = [features, 1] @ coef``, in trunk lengths: the general rule, used when
        the task is not known (and to recognise it).
    info : dict
        Where the rule comes from (training data, penalty, fit errors).
    training_range : TrainingRange or None
        Where the inputs lay in training; None: the rule is applied everywhere.
    task_coef : dict of str to ndarray
        The rule of each task (``"step_down"``, ``"gait"``, ...), same shape and inputs as
        ``coef``, fitted with that task's clips weighing more; a task without an entry
        uses ``coef``.
    stance_coef : ndarray, shape (2 * len(joints),), or None
        What the stance leg adds in the general rule: ``offsets += stance * stance_coef``,
        where ``stance`` is +1 while the person stands on the left leg, -1 on the right, 0 on
        both (see :func:`stance_signal`). None: the general rule does not read the stance leg.
    task_stance_coef : dict of str to ndarray
        The same for each task's rule; a task without an entry uses ``stance_coef``.
    """

    feature_points: tuple[str, ...]
    joints: tuple[str, ...]
    coef: np.ndarray
    info: dict
    training_range: TrainingRange | None = None
    task_coef: dict[str, np.ndarray] = field(default_factory=dict)
    stance_coef: np.ndarray | None = None
    task_stance_coef: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        expected = (2 * len(self.feature_points) + 1, 2 * len(self.joints))
        for name, coef in {"coef": self.coef, **{f"task_coef[{t!r}]": c for t, c in self.task_coef.items()}}.items():
            if np.shape(coef) != expected:
                raise ValueError(f"{name} must have shape {expected}, got {np.shape(coef)}")
            if np.any((np.asarray(coef)[:-1] != 0) & (np.asarray(self.coef)[:-1] == 0)):
                raise ValueError(f"{name} reads inputs the general rule does not (the training range covers "
                                 "only the general rule's inputs)")
        stance = {"stance_coef": self.stance_coef, **{f"task_stance_coef[{t!r}]": c
                                                      for t, c in self.task_stance_coef.items()}}
        for name, coef in stance.items():
            if coef is not None and np.shape(coef) != (2 * len(self.joints),):
                raise ValueError(f"{name} must have shape {(2 * len(self.joints),)}, got {np.shape(coef)}")

    def input_columns(self, k: int) -> np.ndarray:
        """Feature columns (no constant) that move joint ``k``."""
        return np.flatnonzero(np.any(self.coef[:-1, 2 * k: 2 * k + 2] != 0, axis=1))

    def coef_for(self, task: str | None) -> np.ndarray:
        """The coefficients of ``task``'s rule, or of the general rule (``task`` None or without a rule)."""
        return self.task_coef.get(task, self.coef)

    def stance_coef_for(self, task: str | None) -> np.ndarray:
        """What standing on the left leg adds to the offsets in ``task``'s rule (zeros if nothing)."""
        general = np.zeros(2 * len(self.joints)) if self.stance_coef is None else self.stance_coef
        return self.task_stance_coef.get(task, general)

    @property
    def reads_stance(self) -> bool:
        """True when some rule moves a joint according to the stance leg."""
        every = ([] if self.stance_coef is None else [self.stance_coef]) + list(self.task_stance_coef.values())
        return any(np.any(c != 0) for c in every)

    def rule_name(self, task: str | None) -> str:
        """``task`` if it has its own rule, else ``"general"``."""
        return task if task in self.task_coef else "general"

    def to_dict(self) -> dict:
        out = {
            "feature_points": list(self.feature_points),
            "joints": list(self.joints),
            "coef": np.round(np.asarray(self.coef, dtype=float), 6).tolist(),
            "info": self.info,
        }
        if self.task_coef:
            out["task_coef"] = {task: np.round(np.asarray(c, dtype=float), 6).tolist()
                                for task, c in sorted(self.task_coef.items())}
        if self.stance_coef is not None:
            out["stance_coef"] = np.round(np.asarray(self.stance_coef, dtype=float), 6).tolist()
        if self.task_stance_coef:
            out["task_stance_coef"] = {task: np.round(np.asarray(c, dtype=float), 6).tolist()
                                       for task, c in sorted(self.task_stance_coef.items())}
        if self.training_range is not None:
            out["training_range"] = self.training_range.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "JointCentreModel":
        rng = data.get("training_range")
        return cls(
            feature_points=tuple(data["feature_points"]),
            joints=tuple(data["joints"]),
            coef=np.asarray(data["coef"], dtype=float),
            info=dict(data.get("info", {})),
            training_range=TrainingRange.from_dict(rng) if rng else None,
            task_coef={task: np.asarray(c, dtype=float) for task, c in data.get("task_coef", {}).items()},
            stance_coef=np.asarray(data["stance_coef"], dtype=float) if "stance_coef" in data else None,
            task_stance_coef={task: np.asarray(c, dtype=float)
                              for task, c in data.get("task_stance_coef", {}).items()},
        )


@functools.lru_cache(maxsize=4)
def load_model(path: str | Path = MODEL_PATH) -> JointCentreModel:
    """The joint-centre rule stored at ``path`` (the committed one by default)."""
    return JointCentreModel.from_dict(json.loads(Path(path).read_text()))


def _rolling_nanmedian(values: np.ndarray, half_window: int) -> np.ndarray:
    """Centred running median ignoring NaN (edges use the part of the window inside)."""
    padded = np.pad(values, half_window, constant_values=np.nan)
    windows = sliding_window_view(padded, 2 * half_window + 1)
    out = np.full(values.shape, np.nan)
    has_any = ~np.all(np.isnan(windows), axis=1)
    out[has_any] = np.nanmedian(windows[has_any], axis=1)
    return out


@dataclass(frozen=True)
class BodyFrame:
    """Per-frame body frame: ``body = mirror * (p - origin) / scale`` (mirror on x only).

    Attributes
    ----------
    origin_px : ndarray, shape (T, 2)
        MediaPipe's mid-hip, pixels.
    scale_px : ndarray, shape (T,)
        Trunk length, pixels (NaN where not measurable).
    mirror : float
        +1 when the person's left lies to the image right (front view), -1 otherwise.
    """

    origin_px: np.ndarray
    scale_px: np.ndarray
    mirror: float

    def to_body(self, xy_px: np.ndarray) -> np.ndarray:
        """Pixels (T, ..., 2) -> body frame."""
        shape = (-1,) + (1,) * (xy_px.ndim - 2)
        rel = (xy_px - self.origin_px.reshape(shape + (2,))) / self.scale_px.reshape(shape + (1,))
        return rel * np.array([self.mirror, 1.0])

    def offsets_to_px(self, offsets: np.ndarray) -> np.ndarray:
        """Body-frame offsets (T, ..., 2) -> pixel offsets."""
        shape = (-1,) + (1,) * (offsets.ndim - 2)
        return offsets * np.array([self.mirror, 1.0]) * self.scale_px.reshape(shape + (1,))


def body_frame(track: LandmarkTrack, *, params: BodyFrameParams = BodyFrameParams()) -> BodyFrame:
    """The body frame of every frame of ``track``.

    Notes
    -----
    Pixels, x right, y down. ``mirror`` is decided once per clip from the median of
    ``left.x - right.x`` over the hips and shoulders (anatomical labels expected).
    """
    hip_l, hip_r = track.point("left_hip"), track.point("right_hip")
    sh_l, sh_r = track.point("left_shoulder"), track.point("right_shoulder")
    origin = (hip_l + hip_r) / 2
    trunk = np.linalg.norm((sh_l + sh_r) / 2 - origin, axis=1)
    dt = np.nanmedian(np.diff(track.times_s)) if len(track) > 1 else 1.0
    half = int(round(params.scale_window_s / 2 / dt)) if np.isfinite(dt) and dt > 0 else 0
    scale = _rolling_nanmedian(trunk, max(half, 0))
    scale = np.where(scale >= params.min_scale_px, scale, np.nan)
    widths = np.concatenate([hip_l[:, 0] - hip_r[:, 0], sh_l[:, 0] - sh_r[:, 0]])
    median_width = np.nanmedian(widths) if np.any(np.isfinite(widths)) else 1.0
    mirror = -1.0 if median_width < 0 else 1.0
    return BodyFrame(origin_px=origin, scale_px=scale, mirror=mirror)


def body_features(track: LandmarkTrack, frame: BodyFrame, names: tuple[str, ...]) -> np.ndarray:
    """Body-frame positions of ``names`` flattened ``[x0, y0, x1, y1, ..., 1]``, shape (T, 2N + 1)."""
    xy = np.stack([track.point(n) for n in names], axis=1)
    body = frame.to_body(xy).reshape(len(track), -1)
    return np.concatenate([body, np.ones((len(track), 1))], axis=1)


STANCE_TRANSITION_S = 0.2
"""The stance input of the rule changes over this time at the start and end of an event."""


def stance_signal(
    times_s: np.ndarray,
    spans,
    *,
    transition_s: float = STANCE_TRANSITION_S,
) -> np.ndarray:
    """Which leg bears the weight in each frame: +1 the left, -1 the right, 0 both.

    Parameters
    ----------
    times_s : ndarray, shape (T,)
        The frames' times, seconds.
    spans : iterable of (side, start_s, end_s)
        The single-leg events in time order (repetitions, holds, stance phases): the stance
        limb (``"left"`` / ``"right"``) and the event's first and last times, seconds.
    transition_s : float, keyword-only
        The signal goes from one value to the next over this time, centred on the event's
        start or end (a running mean over the odd number of frames closest to it), since
        weight shifts gradually; 0 gives steps.

    Returns
    -------
    ndarray, shape (T,)
        Values in [-1, 1]. Where events overlap (the double support of walking), the later
        event's side holds.
    """
    times = np.asarray(times_s, dtype=float)
    steps = np.zeros(len(times))
    for side, start_s, end_s in spans:
        if side not in SIDES:
            raise ValueError(f"side must be 'left' or 'right', got {side!r}")
        steps[(times >= start_s - 1e-9) & (times <= end_s + 1e-9)] = 1.0 if side == "left" else -1.0
    if len(times) < 2 or transition_s <= 0:
        return steps
    dt = float(np.median(np.diff(times)))
    half = int(round(transition_s / 2 / dt)) if dt > 0 else 0
    if half < 1:
        return steps
    padded = np.pad(steps, half, mode="edge")
    return sliding_window_view(padded, 2 * half + 1).mean(axis=1)


@dataclass(frozen=True)
class RangeCheck:
    """How much of the rule is applied in each frame.

    Attributes
    ----------
    weights : ndarray, shape (T, J)
        Fraction of each joint's correction applied, 0..1 (NaN where its inputs are missing);
        all 0 in a clip out of range.
    clip_in_range : bool
        False when the clip's median frame lies far outside the training range (see
        :class:`RangeParams`): no correction.
    median_frame_d2 : float
        Median over the clip of the whole-frame squared Mahalanobis distance.
    frame_d2_limit : float
        The distance above which ``median_frame_d2`` switches the clip off.
    """

    weights: np.ndarray
    clip_in_range: bool
    median_frame_d2: float
    frame_d2_limit: float

    @property
    def reason(self) -> str:
        if self.clip_in_range:
            return "posture and view within the range of the training clips"
        return (f"the video's typical posture or camera view is outside the range the correction was "
                f"fitted on (distance {self.median_frame_d2:.0f}, limit {self.frame_d2_limit:.0f})")


def range_check(
    track: LandmarkTrack,
    *,
    model: JointCentreModel | None = None,
    frame: BodyFrame | None = None,
    params: RangeParams = RangeParams(),
) -> RangeCheck:
    """Per frame and joint, the fraction of the rule to apply; per clip, whether to apply it at all.

    Notes
    -----
    Works in the body frame (see the module docstring), so neither the person's size nor
    where they stand in the picture matters, only their posture as the camera sees it (an
    oblique camera makes the shoulders and hips look turned). A model without a
    training range is applied in full everywhere.
    """
    model = load_model() if model is None else model
    frame = body_frame(track) if frame is None else frame
    n_joints = len(model.joints)
    rng = model.training_range
    if rng is None:
        return RangeCheck(weights=np.ones((len(track), n_joints)), clip_in_range=True,
                          median_frame_d2=float("nan"), frame_d2_limit=float("nan"))
    features = body_features(track, frame, model.feature_points)[:, :-1]
    whole = mahalanobis_d2(features, rng.mean, rng.cov, np.arange(features.shape[1]))
    median_d2 = float(np.nanmedian(whole)) if np.any(np.isfinite(whole)) else float("nan")
    clip_limit = params.fade_ratio * rng.frame_d2_limit
    clip_in_range = not params.check_clip or bool(median_d2 <= clip_limit)
    weights = np.zeros((len(track), n_joints))
    for k in range(n_joints):
        columns = model.input_columns(k)
        if not columns.size:
            weights[:, k] = 1.0
            continue
        limit = rng.joint_d2_limit[k]
        d2 = mahalanobis_d2(features, rng.mean, rng.cov, columns)
        if params.fade_frames:
            weights[:, k] = np.clip((params.fade_ratio * limit - d2) / ((params.fade_ratio - 1.0) * limit), 0.0, 1.0)
        else:
            weights[:, k] = 1.0
        weights[np.isnan(d2), k] = np.nan
    if params.fade_frames and len(track) > 1:
        dt = float(np.nanmedian(np.diff(track.times_s)))
        window = 2 * int(round(params.transition_s / 2 / dt)) + 1 if dt > 0 else 1
        weights = _ease(weights, window)
    if not clip_in_range:
        weights = np.where(np.isnan(weights), np.nan, 0.0)
    return RangeCheck(weights=weights, clip_in_range=clip_in_range, median_frame_d2=median_d2,
                      frame_d2_limit=float(clip_limit))


def estimate_joint_centres(
    track: LandmarkTrack,
    *,
    model: JointCentreModel | None = None,
    params: BodyFrameParams = BodyFrameParams(),
    range_params: RangeParams = RangeParams(),
    check: RangeCheck | None = None,
    task: str | None = None,
    stance: np.ndarray | None = None,
) -> LandmarkTrack:
    """Replace the hip, knee, ankle and shoulder landmarks by joint-centre estimates.

    Parameters
    ----------
    track : LandmarkTrack
        Cleaned landmarks with anatomical left/right labels (swaps repaired), pixels.
    model : JointCentreModel, optional
        The rule to apply; the committed one by default.
    task : str, keyword-only, optional
        The task performed in the video (``"step_down"``, ``"single_leg_squat"``,
        ``"single_leg_stance"``, ``"gait"``): its own rule is used
        (:meth:`JointCentreModel.coef_for`). None: the general rule.
    params : BodyFrameParams, keyword-only
    range_params : RangeParams, keyword-only
        How the rule fades out for postures and views outside its training range.
    check : RangeCheck, keyword-only, optional
        :func:`range_check` of this track with this model, if the caller has it already
        (it is not computed again; ``range_params`` is then unused).
    stance : ndarray, shape (T,), keyword-only, optional
        Which leg bears the weight in each frame (:func:`stance_signal`: +1 left, -1 right,
        0 both), for a rule that reads it (:attr:`JointCentreModel.stance_coef`); None or
        NaN: on both legs.

    Returns
    -------
    LandmarkTrack
        A copy whose ``left_/right_`` ``hip``, ``knee``, ``ankle`` and ``shoulder`` are the
        estimated joint centres, pixels (the committed rule leaves the shoulders as they
        are: its shoulder offsets are zero); every other landmark, the times, visibility and
        world landmarks are unchanged. In a frame where an input point of a joint's rule
        (or the trunk length) is missing, that joint is NaN. When the clip is outside the
        rule's training range (:func:`range_check`), the landmarks are returned unchanged
        and the track's notes say why.

    Notes
    -----
    Pixels of the upright frame, x right, y down. See the module docstring for the body
    frame. The rule is linear, so a body twice as far away, or moved in the image, gets
    the same correction in trunk lengths; the fraction applied (:func:`range_check`) does
    not depend on size or position either.
    """
    model = load_model() if model is None else model
    frame = body_frame(track, params=params)
    if check is None:
        check = range_check(track, model=model, frame=frame, params=range_params)
    if not check.clip_in_range:
        return track.with_xy(track.xy_px.copy(), note=f"joint-centre correction not applied: {check.reason}")
    features = body_features(track, frame, model.feature_points)
    # A missing input makes missing only the joints whose rule uses it.
    missing = np.isnan(features)
    coef = model.coef_for(task)
    offsets = np.where(missing, 0.0, features) @ coef
    if stance is not None:
        stance = np.nan_to_num(np.asarray(stance, dtype=float), nan=0.0)
        if stance.shape != (len(track),):
            raise ValueError(f"stance must have shape {(len(track),)}, got {stance.shape}")
        offsets += stance[:, None] * model.stance_coef_for(task)
    offsets[(missing.astype(float) @ (model.coef != 0)) > 0] = np.nan
    offsets = offsets.reshape(len(track), len(model.joints), 2)
    offsets[np.isnan(offsets).any(axis=2)] = np.nan
    offsets *= check.weights[:, :, None]
    offsets_px = frame.offsets_to_px(offsets)
    xy = np.array(track.xy_px, dtype=float, copy=True)
    for k, name in enumerate(model.joints):
        xy[:, Landmark[name.upper()]] = track.point(name) + offsets_px[:, k]
    faded = bool(np.any(check.weights[np.isfinite(check.weights)] < 1.0))
    rule = model.rule_name(task)
    note = ("hip, knee and ankle landmarks replaced by joint-centre estimates ("
            + ("the general rule" if rule == "general" else f"the rule for {rule.replace('_', ' ')}") + ")")
    if faded:
        note += " (less or not at all in frames whose posture is outside the rule's training range)"
    return track.with_xy(xy, note=note)


def model_joint_names() -> tuple[str, ...]:
    """``left_shoulder``, ``left_hip``, ... ``right_ankle``: the landmarks the rule replaces."""
    return tuple(f"{side}_{joint}" for side in SIDES for joint in CORRECTED_JOINTS)
