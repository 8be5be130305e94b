"""The four frontal-plane angles of MEASURES.md section 2, from joint-centre positions.

Each angle is a short composition of :func:`metrics.geometry.signed_angle_2d` on points
in image pixels. The functions take points, not a track, so any estimate of the joint
centres can be fed in (raw landmarks, or corrected joint centres).

Notes
-----
Frame: pixels of the upright (display-oriented) frame, x to the right, y downwards.
Never use normalised coordinates: when width != height they stretch one axis and change
every angle.

Every angle uses only *relative* positions of the stance and the other side, so the
same formula holds for a camera in front of the person (their left hip on the image
right) and behind them (their left hip on the image left). "left"/"right" always mean
the person's sides; the labels must be anatomical before calling these functions.

Pelvic drop, trunk lean and hip adduction are computed in the *stance frame*: the image
frame mirrored horizontally, when needed, so that the other hip lies to the right of the
stance hip (``toward_other = sign(hip_o.x - hip_s.x)`` multiplies every x). The knee
FPPA instead uses which side of the hip-ankle line the other hip lies on, so it does not
change at all when the camera is rolled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from metrics.geometry import midpoint, signed_angle_2d
from vision.landmarks import SIDES, other_side
from vision.track import LandmarkTrack

ANGLE_NAMES: tuple[str, ...] = ("pelvic_drop_deg", "trunk_lean_deg", "knee_fppa_deg", "hip_adduction_deg")
"""The four angles, in the order they are reported."""

JOINTS: tuple[str, ...] = ("shoulder", "hip", "knee", "ankle")
"""Joints the angles need, per side (``left_hip``, ``right_knee``, ...)."""

_RIGHT = np.array([1.0, 0.0])
_UP = np.array([0.0, -1.0])


def _points(*arrays: np.ndarray) -> list[np.ndarray]:
    return [np.asarray(a, dtype=float) for a in arrays]


def _toward_other(hip_stance: np.ndarray, hip_other: np.ndarray) -> np.ndarray:
    """``sign(hip_o.x - hip_s.x)`` as a float array (NaN where the hips share an x)."""
    sign = np.sign(hip_other[..., 0] - hip_stance[..., 0])
    return np.where(sign == 0, np.nan, sign)


def _to_stance_frame(vector: np.ndarray, toward_other: np.ndarray) -> np.ndarray:
    """Mirror x so that the other hip lies towards +x (image right) of the stance hip."""
    return np.stack([vector[..., 0] * toward_other, vector[..., 1]], axis=-1)


def pelvic_drop_deg(hip_stance: np.ndarray, hip_other: np.ndarray) -> np.ndarray:
    """Contralateral pelvic drop: tilt of the inter-hip line, degrees.

    Parameters
    ----------
    hip_stance, hip_other : array_like, shape (T, 2) or (2,)
        Hip joint centres of the stance limb and of the other limb, pixels.

    Returns
    -------
    ndarray, shape (T,) or ()
        ``atan2(hip_o.y - hip_s.y, |hip_o.x - hip_s.x|)``, in (-90, 90).
        Positive: the pelvis drops on the side of the other (unsupported) limb, the
        Trendelenburg pattern. Negative: the other side is hitched up. NaN where a
        point is missing or the two hips share an x.

    Notes
    -----
    Pixels, x right, y down. Computed as the angle from the image horizontal ``+x`` to
    the stance -> other hip vector in the stance frame (other hip on the right), so a
    lower other hip is a clockwise turn, i.e. positive. A rolled camera adds its roll.
    """
    hip_s, hip_o = _points(hip_stance, hip_other)
    toward_other = _toward_other(hip_s, hip_o)
    return signed_angle_2d(_RIGHT, _to_stance_frame(hip_o - hip_s, toward_other))


def trunk_lean_deg(
    hip_stance: np.ndarray,
    hip_other: np.ndarray,
    shoulder_stance: np.ndarray,
    shoulder_other: np.ndarray,
) -> np.ndarray:
    """Frontal-plane trunk lean: mid-hip -> mid-shoulder line from the vertical, degrees.

    Parameters
    ----------
    hip_stance, hip_other, shoulder_stance, shoulder_other : array_like, shape (T, 2) or (2,)
        Hip and shoulder joint centres of the stance and the other side, pixels.

    Returns
    -------
    ndarray, shape (T,) or ()
        ``atan2(toward_stance * (mid_shoulder.x - mid_hip.x), mid_hip.y - mid_shoulder.y)``,
        in (-180, 180] (within +-90 for an upright trunk).
        Positive: the trunk leans towards the stance limb (ipsilateral lean, the
        compensated Trendelenburg / Duchenne pattern). Negative: it leans away from
        the stance limb (contralateral lean). NaN where a point is missing or the hips
        share an x.

    Notes
    -----
    Pixels, x right, y down. ``toward_stance = sign(hip_s.x - hip_o.x)``. Computed as
    the angle from the trunk vector to image up in the stance frame (other hip on the
    right, stance side on the left): a trunk tipped to the left, i.e. towards the stance
    side, needs a clockwise turn to reach vertical, i.e. positive. A rolled camera adds
    its roll.
    """
    hip_s, hip_o, sh_s, sh_o = _points(hip_stance, hip_other, shoulder_stance, shoulder_other)
    toward_other = _toward_other(hip_s, hip_o)
    trunk = midpoint(sh_s, sh_o) - midpoint(hip_s, hip_o)
    return signed_angle_2d(_to_stance_frame(trunk, toward_other), _UP)


def knee_fppa_deg(
    hip: np.ndarray,
    knee: np.ndarray,
    ankle: np.ndarray,
    *,
    hip_other: np.ndarray,
) -> np.ndarray:
    """Knee frontal plane projection angle (FPPA) of one limb, degrees.

    Parameters
    ----------
    hip, knee, ankle : array_like, shape (T, 2) or (2,)
        Joint centres of the limb, pixels.
    hip_other : array_like, shape (T, 2) or (2,)
        Hip joint centre of the other limb; it tells which side is medial.

    Returns
    -------
    ndarray, shape (T,) or ()
        ``180 - angle(hip, knee, ankle)``, signed, in (-180, 180]: positive when the knee
        lies medial to the hip-ankle line (towards the other limb), dynamic knee valgus;
        negative when it lies lateral (varus). NaN where a point is missing, the limb
        segments have zero length, or the other hip lies on the hip-ankle line.

    Notes
    -----
    Pixels, x right, y down. Magnitude: the turn from the thigh ``hip -> knee`` to the
    shank ``knee -> ankle``. Sign: the knee is medial when the limb turns at the knee
    in the same rotational sense as from the inter-hip line ``hip -> hip_other`` to
    the limb axis ``hip -> ankle``. Both parts only compare directions, so the FPPA is
    the same whatever the camera roll and whether filmed from the front or behind
    (Willson & Davis 2008).
    """
    hip, knee, ankle, hip_o = _points(hip, knee, ankle, hip_other)
    bend = signed_angle_2d(knee - hip, ankle - knee)
    medial_sense = np.sign(signed_angle_2d(hip_o - hip, ankle - hip))
    medial_sense = np.where(medial_sense == 0, np.nan, medial_sense)
    return bend * medial_sense


def hip_adduction_deg(hip_stance: np.ndarray, knee_stance: np.ndarray, hip_other: np.ndarray) -> np.ndarray:
    """Femoral adduction relative to the pelvis, degrees.

    Parameters
    ----------
    hip_stance, knee_stance : array_like, shape (T, 2) or (2,)
        Hip and knee joint centres of the limb whose adduction is measured, pixels.
    hip_other : array_like, shape (T, 2) or (2,)
        Hip joint centre of the other limb.

    Returns
    -------
    ndarray, shape (T,) or ()
        Angle between the femur ``hip_s -> knee_s`` and the perpendicular to the
        inter-hip line that points down, in (-180, 180] (small in practice).
        Positive: the knee moves towards the midline (adduction). Negative: abduction.
        NaN where a point is missing or the hips share an x.

    Notes
    -----
    Pixels, x right, y down. In the stance frame (other hip on the right) the downward
    perpendicular of the inter-hip vector ``d = hip_o - hip_s`` is ``d`` turned
    clockwise by 90 degrees; a femur turned from it towards the other hip (towards +x)
    is a counter-clockwise turn, so the angle is measured from the femur to the
    perpendicular. Pelvis and femur rotate together with the camera, so the value does
    not depend on camera roll.
    """
    hip_s, knee_s, hip_o = _points(hip_stance, knee_stance, hip_other)
    toward_other = _toward_other(hip_s, hip_o)
    d = _to_stance_frame(hip_o - hip_s, toward_other)
    down_perpendicular = np.stack([-d[..., 1], d[..., 0]], axis=-1)
    femur = _to_stance_frame(knee_s - hip_s, toward_other)
    return signed_angle_2d(femur, down_perpendicular)


@dataclass(frozen=True)
class AngleSeries:
    """The four angles over time, per side.

    Attributes
    ----------
    times_s : ndarray, shape (T,)
        Presentation time of each frame, seconds.
    values : dict
        ``values[angle][side]`` is a (T,) float array, NaN where not measurable.
        ``side`` is the **stance** limb for ``pelvic_drop_deg`` and ``trunk_lean_deg``
        (``values["pelvic_drop_deg"]["left"]`` is the drop with the left leg as stance)
        and the limb itself for ``knee_fppa_deg`` and ``hip_adduction_deg``.
    """

    times_s: np.ndarray
    values: dict[str, dict[str, np.ndarray]]

    def get(self, angle: str, side: str) -> np.ndarray:
        """``values[angle][side]``, with a clear error for an unknown name."""
        if angle not in self.values:
            raise KeyError(f"unknown angle {angle!r}; expected one of {ANGLE_NAMES}")
        if side not in SIDES:
            raise KeyError(f"side must be one of {SIDES}, got {side!r}")
        return self.values[angle][side]


def joint_points(track: LandmarkTrack) -> dict[str, np.ndarray]:
    """The landmark positions the angles need, ``{"left_hip": (T, 2), ...}``, pixels."""
    return {f"{side}_{joint}": track.point(f"{side}_{joint}") for side in SIDES for joint in JOINTS}


def angle_series_from_points(times_s: np.ndarray, points: Mapping[str, np.ndarray]) -> AngleSeries:
    """All four angles, both sides, from joint-centre positions.

    Parameters
    ----------
    times_s : ndarray, shape (T,)
        Frame times, seconds.
    points : mapping
        ``"left_hip"``, ``"right_hip"``, ``"left_shoulder"``, ... ``"right_ankle"``
        (see :data:`JOINTS`) -> (T, 2) pixel positions of the joint centres, with
        anatomical (person's) sides.

    Returns
    -------
    AngleSeries
    """
    missing = [f"{s}_{j}" for s in SIDES for j in JOINTS if f"{s}_{j}" not in points]
    if missing:
        raise KeyError(f"points is missing {', '.join(missing)}")
    values: dict[str, dict[str, np.ndarray]] = {name: {} for name in ANGLE_NAMES}
    for side in SIDES:
        other = other_side(side)

        def p(joint: str, limb: str = side) -> np.ndarray:
            return np.asarray(points[f"{limb}_{joint}"], dtype=float)

        values["pelvic_drop_deg"][side] = pelvic_drop_deg(p("hip"), p("hip", other))
        values["trunk_lean_deg"][side] = trunk_lean_deg(
            p("hip"), p("hip", other), p("shoulder"), p("shoulder", other)
        )
        values["knee_fppa_deg"][side] = knee_fppa_deg(p("hip"), p("knee"), p("ankle"), hip_other=p("hip", other))
        values["hip_adduction_deg"][side] = hip_adduction_deg(p("hip"), p("knee"), p("hip", other))
    return AngleSeries(times_s=np.asarray(times_s, dtype=float), values=values)


def compute_angle_series(track: LandmarkTrack) -> AngleSeries:
    """The four angles, both sides, for every frame of a track.

    Parameters
    ----------
    track : LandmarkTrack
        Landmarks in pixels with anatomical (person's) left/right labels: clean the
        track, repair swaps and fix back-view labels first.

    Returns
    -------
    AngleSeries
        NaN in frames where a needed landmark is missing.

    Notes
    -----
    Uses MediaPipe's landmarks as the joint centres. To use corrected joint centres,
    call :func:`angle_series_from_points` with them instead.
    """
    return angle_series_from_points(track.times_s, joint_points(track))
