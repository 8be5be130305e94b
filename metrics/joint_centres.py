"""Joint centres from MediaPipe's landmarks: a small linear correction learned on known truth.

For clinicians, in one sentence: MediaPipe's hip, knee and ankle points are not the joint
centres (its hips sit too close together, follow only part of a pelvic tilt and are pulled up
by a lifted thigh), so each is moved by a fixed straight-line rule, learned on rendered bodies
whose true joint centres are known, that reads where the person's shoulders, hips, knees,
ankles and toes are, measured in units of their own trunk length.

The shoulders are left where MediaPipe puts them: on held-out rendered clips moving them made
the trunk lean only marginally more accurate (MediaPipe's trunk lean is already within about
1 degree), and on real clips it moved them away from a multi-camera reference.

The rule is :class:`JointCentreModel`, stored in ``metrics/joint_centre_model.json`` (a few
hundred numbers, nothing is downloaded). It is fitted by ``benchmarks/fit_joint_centres.py``;
``docs/JOINT_CENTRES.md`` gives the measurements behind it and its validation. It is switched
by ``AnalysisOptions(correction=...)`` / ``hipscreen analyze --correction / --no-correction``;
it stays off by default until it is shown not to harm real people's measurements (it moved
points away from the multi-camera reference on real oblique clips, see the document).

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
from dataclasses import dataclass
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
        ``offsets = [features, 1] @ coef``, in trunk lengths.
    info : dict
        Where the rule comes from (training data, penalty, fit errors).
    """

    feature_points: tuple[str, ...]
    joints: tuple[str, ...]
    coef: np.ndarray
    info: dict

    def __post_init__(self) -> None:
        expected = (2 * len(self.feature_points) + 1, 2 * len(self.joints))
        if np.shape(self.coef) != expected:
            raise ValueError(f"coef must have shape {expected}, got {np.shape(self.coef)}")

    def to_dict(self) -> dict:
        return {
            "feature_points": list(self.feature_points),
            "joints": list(self.joints),
            "coef": np.round(np.asarray(self.coef, dtype=float), 6).tolist(),
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "JointCentreModel":
        return cls(
            feature_points=tuple(data["feature_points"]),
            joints=tuple(data["joints"]),
            coef=np.asarray(data["coef"], dtype=float),
            info=dict(data.get("info", {})),
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


def estimate_joint_centres(
    track: LandmarkTrack,
    *,
    model: JointCentreModel | None = None,
    params: BodyFrameParams = BodyFrameParams(),
) -> LandmarkTrack:
    """Replace the hip, knee, ankle and shoulder landmarks by joint-centre estimates.

    Parameters
    ----------
    track : LandmarkTrack
        Cleaned landmarks with anatomical left/right labels (swaps repaired), pixels.
    model : JointCentreModel, optional
        The rule to apply; the committed one by default.
    params : BodyFrameParams, keyword-only

    Returns
    -------
    LandmarkTrack
        A copy whose ``left_/right_`` ``hip``, ``knee``, ``ankle`` and ``shoulder`` are the
        estimated joint centres, pixels (the committed rule leaves the shoulders as they
        are: its shoulder offsets are zero); every other landmark, the times, visibility and
        world landmarks are unchanged. In a frame where an input point of a joint's rule
        (or the trunk length) is missing, that joint is NaN.

    Notes
    -----
    Pixels of the upright frame, x right, y down. See the module docstring for the body
    frame. The rule is linear, so a body twice as far away, or moved in the image, gets
    the same correction in trunk lengths.
    """
    model = load_model() if model is None else model
    frame = body_frame(track, params=params)
    features = body_features(track, frame, model.feature_points)
    # A missing input makes missing only the joints whose rule uses it.
    missing = np.isnan(features)
    offsets = np.where(missing, 0.0, features) @ model.coef
    offsets[(missing.astype(float) @ (model.coef != 0)) > 0] = np.nan
    offsets = offsets.reshape(len(track), len(model.joints), 2)
    offsets[np.isnan(offsets).any(axis=2)] = np.nan
    offsets_px = frame.offsets_to_px(offsets)
    xy = np.array(track.xy_px, dtype=float, copy=True)
    for k, name in enumerate(model.joints):
        xy[:, Landmark[name.upper()]] = track.point(name) + offsets_px[:, k]
    return track.with_xy(xy, note="hip, knee, ankle and shoulder landmarks replaced by joint-centre estimates")


def model_joint_names() -> tuple[str, ...]:
    """``left_shoulder``, ``left_hip``, ... ``right_ankle``: the landmarks the rule replaces."""
    return tuple(f"{side}_{joint}" for side in SIDES for joint in CORRECTED_JOINTS)
