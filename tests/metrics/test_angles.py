"""The four angles on hand-built poses, with values worked out from the geometry.

Front view: the person's left hip is on the image right. Back view: on the image left.
Pixels, x right, y down.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.angles import (
    ANGLE_NAMES,
    AngleSeries,
    compute_angle_series,
    hip_adduction_deg,
    knee_fppa_deg,
    pelvic_drop_deg,
    trunk_lean_deg,
)
from vision.landmarks import LANDMARK_NAMES, Landmark
from vision.track import LandmarkTrack

DROP_5_71 = math.degrees(math.atan(20 / 200))  # other hip 20 px lower over 200 px


def _rotate(point, angle_deg, centre=(500.0, 500.0)):
    """Rotate points about ``centre`` by ``angle_deg`` (positive = clockwise on screen)."""
    a = math.radians(angle_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    p = np.asarray(point, dtype=float) - centre
    return p @ rot.T + centre


# -- pelvic drop ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hip_stance", "hip_other", "expected"),
    [
        pytest.param((600, 500), (400, 520), DROP_5_71, id="front-left-stance-other-lower"),
        pytest.param((400, 500), (600, 520), DROP_5_71, id="back-left-stance-other-lower"),
        pytest.param((600, 500), (400, 480), -DROP_5_71, id="front-left-stance-other-hitched"),
        pytest.param((400, 500), (600, 480), -DROP_5_71, id="back-left-stance-other-hitched"),
        pytest.param((400, 500), (600, 500), 0.0, id="level"),
        pytest.param((400, 500), (600, 700), 45.0, id="forty-five"),
    ],
)
def test_pelvic_drop(hip_stance, hip_other, expected):
    assert pelvic_drop_deg(np.array(hip_stance), np.array(hip_other)) == pytest.approx(expected)


def test_pelvic_drop_of_right_stance_is_minus_left_stance():
    left_hip, right_hip = np.array([600.0, 500.0]), np.array([400.0, 520.0])
    # The right hip is lower: standing on the right leg, the left side is hitched.
    assert pelvic_drop_deg(right_hip, left_hip) == pytest.approx(-DROP_5_71)


def test_pixels_not_normalised_coordinates_on_a_portrait_frame():
    # A 1080 x 1920 portrait frame: the other hip is 200 px lower over 200 px, 45 degrees.
    width, height = 1080, 1920
    hip_s, hip_o = np.array([440.0, 1000.0]), np.array([640.0, 1200.0])
    assert pelvic_drop_deg(hip_s, hip_o) == pytest.approx(45.0)
    # Normalising squeezes y by 1920 and x by 1080: the same pose reads atan(1080/1920).
    scale = np.array([width, height], dtype=float)
    normalised = pelvic_drop_deg(hip_s / scale, hip_o / scale)
    assert normalised == pytest.approx(math.degrees(math.atan(1080 / 1920)))
    assert abs(normalised - 45.0) > 15.0


def test_same_x_is_nan():
    assert np.isnan(pelvic_drop_deg(np.array([500.0, 500.0]), np.array([500.0, 520.0])))


# -- trunk lean -----------------------------------------------------------------------

TRUNK_HEIGHT = 300.0
LEAN_10 = 10.0
SHIFT_10 = TRUNK_HEIGHT * math.tan(math.radians(LEAN_10))


def _trunk_case(stance_x, other_x, shoulder_shift_x):
    hip_s = np.array([stance_x, 500.0])
    hip_o = np.array([other_x, 500.0])
    sh_s = np.array([stance_x + shoulder_shift_x, 500.0 - TRUNK_HEIGHT])
    sh_o = np.array([other_x + shoulder_shift_x, 500.0 - TRUNK_HEIGHT])
    return hip_s, hip_o, sh_s, sh_o


@pytest.mark.parametrize(
    ("stance_x", "other_x", "shift_x", "expected"),
    [
        # Front view, left stance: left hip on the image right; leaning towards it = +x.
        pytest.param(600, 400, +SHIFT_10, +LEAN_10, id="front-towards-stance"),
        pytest.param(600, 400, -SHIFT_10, -LEAN_10, id="front-away-from-stance"),
        # Back view, left stance: left hip on the image left; towards it = -x.
        pytest.param(400, 600, -SHIFT_10, +LEAN_10, id="back-towards-stance"),
        pytest.param(400, 600, +SHIFT_10, -LEAN_10, id="back-away-from-stance"),
        pytest.param(400, 600, 0.0, 0.0, id="upright"),
    ],
)
def test_trunk_lean(stance_x, other_x, shift_x, expected):
    assert trunk_lean_deg(*_trunk_case(stance_x, other_x, shift_x)) == pytest.approx(expected)


def test_trunk_lean_swaps_sign_with_the_stance_limb():
    hip_s, hip_o, sh_s, sh_o = _trunk_case(600, 400, SHIFT_10)
    assert trunk_lean_deg(hip_o, hip_s, sh_o, sh_s) == pytest.approx(-LEAN_10)


# -- knee FPPA ------------------------------------------------------------------------


def _limb(hip_x, turn_x_sign, bend_deg=20.0):
    """Thigh straight down 200 px; shank 200 px turned ``bend_deg`` towards ``turn_x_sign``."""
    hip = np.array([hip_x, 400.0])
    knee = np.array([hip_x, 600.0])
    b = math.radians(bend_deg)
    ankle = knee + 200.0 * np.array([turn_x_sign * math.sin(b), math.cos(b)])
    return hip, knee, ankle


@pytest.mark.parametrize(
    ("hip_x", "other_x", "ankle_dir", "expected"),
    [
        # Other hip on the image right: an ankle going left leaves the knee on the
        # other hip's side of the hip-ankle line: medial, valgus, positive.
        pytest.param(400, 600, -1, +20.0, id="back-left-limb-valgus"),
        pytest.param(400, 600, +1, -20.0, id="back-left-limb-varus"),
        pytest.param(600, 400, +1, +20.0, id="front-left-limb-valgus"),
        pytest.param(600, 400, -1, -20.0, id="front-left-limb-varus"),
    ],
)
def test_knee_fppa(hip_x, other_x, ankle_dir, expected):
    hip, knee, ankle = _limb(hip_x, ankle_dir)
    hip_o = np.array([other_x, 400.0])
    assert knee_fppa_deg(hip, knee, ankle, hip_other=hip_o) == pytest.approx(expected)


def test_knee_fppa_straight_limb_is_zero():
    hip, knee, ankle = _limb(400, +1, bend_deg=0.0)
    assert knee_fppa_deg(hip, knee, ankle, hip_other=np.array([600.0, 400.0])) == pytest.approx(0.0)


@pytest.mark.parametrize("roll_deg", [pytest.param(r, id=f"roll{r:+d}") for r in (-30, -5, 0, 3, 12, 45)])
@pytest.mark.parametrize("ankle_dir", [pytest.param(-1, id="valgus"), pytest.param(+1, id="varus")])
def test_knee_fppa_is_invariant_to_camera_roll(roll_deg, ankle_dir):
    hip, knee, ankle = _limb(400, ankle_dir)
    hip_o = np.array([600.0, 400.0])
    level = knee_fppa_deg(hip, knee, ankle, hip_other=hip_o)
    rolled = knee_fppa_deg(*(_rotate(p, roll_deg) for p in (hip, knee, ankle)), hip_other=_rotate(hip_o, roll_deg))
    assert rolled == pytest.approx(level)
    assert abs(level) == pytest.approx(20.0)


def test_pelvic_drop_and_trunk_lean_take_the_roll():
    hip_s, hip_o, sh_s, sh_o = _trunk_case(400, 600, 0.0)
    rolled = [_rotate(p, 4.0) for p in (hip_s, hip_o, sh_s, sh_o)]
    # Rolling the image 4 degrees clockwise lowers the image-right (other) hip.
    assert pelvic_drop_deg(rolled[0], rolled[1]) == pytest.approx(4.0)
    # The trunk top turns to the image right, away from the stance hip on the left.
    assert trunk_lean_deg(*rolled) == pytest.approx(-4.0)


# -- hip adduction --------------------------------------------------------------------


def _femur(hip, toward_x_sign, angle_deg, length=300.0):
    a = math.radians(angle_deg)
    return np.asarray(hip, dtype=float) + length * np.array([toward_x_sign * math.sin(a), math.cos(a)])


@pytest.mark.parametrize(
    ("hip_s", "hip_o", "knee_dir", "expected"),
    [
        pytest.param((600, 500), (400, 500), -1, +10.0, id="front-left-knee-towards-midline"),
        pytest.param((600, 500), (400, 500), +1, -10.0, id="front-left-knee-outwards"),
        pytest.param((400, 500), (600, 500), +1, +10.0, id="back-left-knee-towards-midline"),
        pytest.param((400, 500), (600, 500), -1, -10.0, id="back-left-knee-outwards"),
    ],
)
def test_hip_adduction_level_pelvis(hip_s, hip_o, knee_dir, expected):
    knee = _femur(hip_s, knee_dir, 10.0)
    assert hip_adduction_deg(np.array(hip_s, float), knee, np.array(hip_o, float)) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("hip_s", "other_dx"), [pytest.param((600, 500), -1, id="front"), pytest.param((400, 500), +1, id="back")]
)
def test_vertical_femur_under_a_dropped_pelvis_is_adducted_by_the_drop(hip_s, other_dx):
    # Pelvis dropped 8 degrees on the other side, femur straight down in the image:
    # relative to the pelvis the femur is adducted by the same 8 degrees.
    hip_s = np.array(hip_s, dtype=float)
    d = math.radians(8.0)
    hip_o = hip_s + 200.0 * np.array([other_dx * math.cos(d), math.sin(d)])
    knee = hip_s + np.array([0.0, 300.0])
    assert pelvic_drop_deg(hip_s, hip_o) == pytest.approx(8.0)
    assert hip_adduction_deg(hip_s, knee, hip_o) == pytest.approx(8.0)


@pytest.mark.parametrize("roll_deg", [pytest.param(r, id=f"roll{r:+d}") for r in (-20, 5, 30)])
def test_hip_adduction_is_invariant_to_camera_roll(roll_deg):
    hip_s, hip_o = np.array([400.0, 500.0]), np.array([600.0, 500.0])
    knee = _femur(hip_s, +1, 12.0)
    rolled = [_rotate(p, roll_deg) for p in (hip_s, knee, hip_o)]
    assert hip_adduction_deg(*rolled) == pytest.approx(12.0)


# -- the series over a track ----------------------------------------------------------


def _track_from_points(frames: list[dict[str, tuple[float, float]]], *, width=1000, height=1000) -> LandmarkTrack:
    n = len(frames)
    xy = np.full((n, len(LANDMARK_NAMES), 2), np.nan)
    for i, pts in enumerate(frames):
        for name, p in pts.items():
            xy[i, Landmark[name.upper()]] = p
    return LandmarkTrack(
        times_s=np.arange(n) / 30.0,
        xy_px=xy,
        visibility=np.where(np.isnan(xy[..., 0]), 0.0, 1.0),
        width=width,
        height=height,
    )


def _back_view_pose():
    """Seen from behind: person's left on the image left. Right hip 20 px lower; left
    knee 10 degrees towards the midline with a straight shank; right limb vertical."""
    knee_l = _femur((400, 500), +1, 10.0)
    ankle_l = _femur(knee_l, +1, 10.0)
    return {
        "left_shoulder": (400 - SHIFT_10, 200),
        "right_shoulder": (600 - SHIFT_10, 210),
        "left_hip": (400, 500),
        "right_hip": (600, 520),
        "left_knee": tuple(knee_l),
        "right_knee": (600, 820),
        "left_ankle": tuple(ankle_l),
        "right_ankle": (600, 1120),
    }


def test_compute_angle_series_sides():
    pose = _back_view_pose()
    missing = {k: v for k, v in pose.items() if k != "right_knee"}
    series = compute_angle_series(_track_from_points([pose, missing]))

    assert isinstance(series, AngleSeries)
    assert set(series.values) == set(ANGLE_NAMES)
    np.testing.assert_allclose(series.times_s, [0.0, 1 / 30])
    # Left stance: the right (other) hip is 20 px lower over 200 px.
    assert series.get("pelvic_drop_deg", "left")[0] == pytest.approx(DROP_5_71)
    assert series.get("pelvic_drop_deg", "right")[0] == pytest.approx(-DROP_5_71)
    # Mid-shoulder is left of mid-hip by SHIFT_10 over a height of 305 px: towards the left.
    lean = math.degrees(math.atan2(SHIFT_10, 510 - 205))
    assert series.get("trunk_lean_deg", "left")[0] == pytest.approx(lean)
    assert series.get("trunk_lean_deg", "right")[0] == pytest.approx(-lean)
    # Straight limbs: no FPPA on either side.
    assert series.get("knee_fppa_deg", "left")[0] == pytest.approx(0.0, abs=1e-9)
    assert series.get("knee_fppa_deg", "right")[0] == pytest.approx(0.0, abs=1e-9)
    # Left femur 10 deg towards the midline in the image, plus the pelvis dropping on
    # the right, which turns the left limb's reference perpendicular outwards.
    assert series.get("hip_adduction_deg", "left")[0] == pytest.approx(10.0 + DROP_5_71)
    # The right femur is vertical and the right hip is lower: abducted by the tilt.
    assert series.get("hip_adduction_deg", "right")[0] == pytest.approx(-DROP_5_71)
    # Second frame: the right knee is missing, so only the right limb's angles are NaN.
    assert np.isnan(series.get("knee_fppa_deg", "right")[1])
    assert np.isnan(series.get("hip_adduction_deg", "right")[1])
    assert series.get("knee_fppa_deg", "left")[1] == pytest.approx(0.0, abs=1e-9)


def test_front_and_back_views_of_the_same_pose_agree():
    back = _back_view_pose()
    # The camera moved round to the front: the image is mirrored (x -> 1000 - x).
    front = {name: (1000 - x, y) for name, (x, y) in back.items()}
    s_back = compute_angle_series(_track_from_points([back]))
    s_front = compute_angle_series(_track_from_points([front]))
    for name in ANGLE_NAMES:
        for side in ("left", "right"):
            assert s_front.get(name, side)[0] == pytest.approx(s_back.get(name, side)[0], abs=1e-9)


def test_get_rejects_unknown_names():
    series = compute_angle_series(_track_from_points([_back_view_pose()]))
    with pytest.raises(KeyError):
        series.get("pelvic_tilt", "left")
    with pytest.raises(KeyError):
        series.get("pelvic_drop_deg", "stance")


# -- properties over random poses -----------------------------------------------------

_coord = st.floats(-40.0, 40.0)


@st.composite
def _poses(draw):
    """A roughly upright pose, stance hip at (400, 500), other hip 150-250 px to the right
    (back view, left stance) with each joint jittered by up to 40 px."""
    gap = draw(st.floats(150.0, 250.0))
    base = {
        "hip_s": (400.0, 500.0), "hip_o": (400.0 + gap, 500.0),
        "sh_s": (400.0, 200.0), "sh_o": (400.0 + gap, 200.0),
        "knee_s": (400.0, 700.0), "ankle_s": (400.0, 900.0),
    }
    pose = {}
    for name, (x, y) in base.items():
        dx, dy = (0.0, 0.0) if name == "hip_s" else (draw(_coord), draw(_coord))
        pose[name] = np.array([x + dx, y + dy])
    return pose


def _all_angles(p):
    return np.array([
        pelvic_drop_deg(p["hip_s"], p["hip_o"]),
        trunk_lean_deg(p["hip_s"], p["hip_o"], p["sh_s"], p["sh_o"]),
        knee_fppa_deg(p["hip_s"], p["knee_s"], p["ankle_s"], hip_other=p["hip_o"]),
        hip_adduction_deg(p["hip_s"], p["knee_s"], p["hip_o"]),
    ])


@settings(max_examples=200, deadline=None)
@given(_poses())
def test_mirrored_view_gives_the_same_angles(pose):
    mirrored = {name: np.array([1000.0 - x, y]) for name, (x, y) in pose.items()}
    np.testing.assert_allclose(_all_angles(mirrored), _all_angles(pose), atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(_poses(), st.floats(-10.0, 10.0))
def test_roll_shifts_only_pelvic_drop_and_trunk_lean(pose, roll_deg):
    rolled = {name: _rotate(p, roll_deg) for name, p in pose.items()}
    before, after = _all_angles(pose), _all_angles(rolled)
    # The other hip is on the image right: a clockwise roll lowers it (more drop) and
    # tips the trunk towards it (away from the stance limb).
    np.testing.assert_allclose(after, before + np.array([roll_deg, -roll_deg, 0.0, 0.0]), atol=1e-6)
