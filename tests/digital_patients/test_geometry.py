"""Camera projection, kinematics and motion scripts on cases worked out by hand (no torch)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from digital_patients import kinematics as kin
from digital_patients import motions
from digital_patients.camera import PhoneCamera
from digital_patients.posture import Segments


def test_level_front_camera_projects_by_the_pinhole_formula():
    cam = PhoneCamera(view="front", distance_m=3.0, height_m=1.0, aim_height_m=1.0, width=540, height=960,
                      vfov_deg=60.0)
    f = 480 / math.tan(math.radians(30))
    assert cam.focal_px == pytest.approx(f)
    # the aim point is the image centre
    np.testing.assert_allclose(cam.project(np.array([0.0, 0.0, 1.0])), [270, 480], atol=1e-9)
    # the person's left (+x) appears on the image right when filmed from the front
    np.testing.assert_allclose(cam.project(np.array([0.3, 0.0, 1.5])), [270 + f * 0.1, 480 - f * 0.5 / 3], atol=1e-9)
    back = PhoneCamera(view="back", distance_m=3.0, height_m=1.0, aim_height_m=1.0, width=540, height=960,
                       vfov_deg=60.0)
    assert back.project(np.array([0.3, 0.0, 1.0]))[0] == pytest.approx(270 - f * 0.1)


def test_camera_roll_turns_a_horizontal_line():
    cam = PhoneCamera(view="front", distance_m=3.0, height_m=1.0, aim_height_m=1.0, roll_deg=5.0)
    a, b = cam.project(np.array([[-0.5, 0.0, 1.0], [0.5, 0.0, 1.0]]))
    # positive roll: the right end of a level line appears higher (y smaller)
    assert math.degrees(math.atan2(a[1] - b[1], b[0] - a[0])) == pytest.approx(5.0, abs=1e-6)


def test_pose_matrix_agrees_with_projection():
    cam = PhoneCamera(view="back", yaw_deg=7.0, pitch_deg=3.0, roll_deg=-2.0)
    pose = cam.pose_matrix()
    point = np.array([0.2, -0.1, 1.3])
    local = np.linalg.inv(pose) @ np.append(point, 1.0)  # OpenGL camera: looks along -z, y up
    x = cam.width / 2 + cam.focal_px * local[0] / -local[2]
    y = cam.height / 2 - cam.focal_px * local[1] / -local[2]
    np.testing.assert_allclose(cam.project(point), [x, y], atol=1e-9)


def test_rotation_between_and_axis_signs():
    u, v = np.array([0.0, 0, -1]), np.array([0.0, -1, -1])
    r = kin.rotation_between(u, v)
    np.testing.assert_allclose(r @ u, v / np.linalg.norm(v), atol=1e-12)
    np.testing.assert_allclose(r @ r.T, np.eye(3), atol=1e-12)
    # rot_y(+) lifts +x (the person's left) and rot_x(+) tips the top forward (-y)
    assert (kin.rot_y(10) @ [1.0, 0, 0])[2] < 0
    assert (kin.rot_y(10) @ [0, 0, 1.0])[0] > 0
    assert (kin.rot_x(10) @ [0, 0, 1.0])[1] < 0


def test_two_bone_knee_keeps_lengths_and_bends_towards_pole():
    hip, ankle = np.array([0.0, 0, 1.0]), np.array([0.0, 0.0, 0.3])
    knee = kin.two_bone_knee(hip, ankle, 0.4, 0.4, np.array([0.0, -1.0, 0.0]))
    assert np.linalg.norm(knee - hip) == pytest.approx(0.4)
    assert np.linalg.norm(ankle - knee) == pytest.approx(0.4)
    assert knee[1] == pytest.approx(-math.sqrt(0.4**2 - 0.35**2))


def test_pelvis_rotation_drops_the_other_side():
    for stance, other_x in (("left", -1.0), ("right", 1.0)):
        r = motions.pelvis_rotation(stance_side=stance, drop_deg=6.0)
        tip = r @ np.array([other_x * 0.1, 0.0, 0.0])
        assert math.degrees(math.atan2(-tip[2], 0.1)) == pytest.approx(6.0, abs=0.05)


SEG = Segments(thigh_m=0.42, shank_m=0.42, upper_arm_m=0.28, forearm_m=0.26, ankle_height_m=0.07,
               foot_half_width_m=0.05)


@pytest.mark.parametrize("side", ["left", "right"])
def test_step_down_keeps_the_stance_foot_on_the_box_and_reaches_the_floor(side):
    spec = motions.MotionSpec(task="step_down", stance_side=side, duration_s=3.0, repetitions=1)
    t = np.arange(90) / 30
    postures, events = motions.script(spec, SEG, 0.1, t)
    ankles = np.array([p.ankles[side] for p in postures])
    np.testing.assert_allclose(ankles, np.broadcast_to(ankles[0], ankles.shape))  # the stance foot stays
    assert ankles[0][2] == pytest.approx(spec.box_height_m + SEG.ankle_height_m)
    other = "right" if side == "left" else "left"
    lowest = min(p.ankles[other][2] for p in postures)
    assert lowest == pytest.approx(SEG.ankle_height_m, abs=1e-6)  # the other heel reaches the floor
    assert [(e.side, e.start_s, e.end_s) for e in events] == [(side, 0.8, 2.8)]
    # the stance hip stays within reach of the stance ankle
    reach = [np.linalg.norm(p.stance_hip - p.ankles[side]) for p in postures]
    assert max(reach) <= SEG.thigh_m + SEG.shank_m


def test_gait_stance_phases_alternate_and_last_the_stance_fraction():
    spec = motions.MotionSpec(task="gait", stance_side=None, duration_s=4.0, cycle_s=1.0)
    t = np.arange(120) / 30
    _, events = motions.script(spec, SEG, 0.1, t)
    assert [e.side for e in events] == ["right", "left"] * (len(events) // 2) + ["right"] * (len(events) % 2)
    for e in events:
        assert e.end_s - e.start_s == pytest.approx(motions.STANCE_FRACTION * spec.cycle_s, abs=1 / 30 + 1e-9)
