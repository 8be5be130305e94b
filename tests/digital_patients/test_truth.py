"""The truth formulas on points worked out by hand (no renderer needed)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from digital_patients import truth


def tan(deg):
    return math.tan(math.radians(deg))


@pytest.mark.parametrize("stance_x, other_x", [pytest.param(300, 200, id="stance-on-image-right"),
                                               pytest.param(200, 300, id="stance-on-image-left")])
def test_pelvic_drop_positive_when_other_hip_lower(stance_x, other_x):
    hip_s = np.array([stance_x, 500.0])
    hip_o = np.array([other_x, 500.0 + 100 * tan(10)])
    assert truth.pelvic_drop_deg(hip_s, hip_o) == pytest.approx(10.0)
    hitched = np.array([other_x, 500.0 - 100 * tan(4)])
    assert truth.pelvic_drop_deg(hip_s, hitched) == pytest.approx(-4.0)


@pytest.mark.parametrize("stance_x, other_x", [(300, 200), (200, 300)])
def test_trunk_lean_sign_follows_stance_side(stance_x, other_x):
    hip_s, hip_o = np.array([stance_x, 600.0]), np.array([other_x, 600.0])
    toward = math.copysign(1, stance_x - other_x)
    mid_x = (stance_x + other_x) / 2
    shift = toward * 300 * tan(7)  # shoulders 300 px above the hips, moved towards the stance side
    sh_s = np.array([stance_x + shift, 300.0])
    sh_o = np.array([other_x + shift, 300.0])
    assert mid_x + shift != mid_x
    assert truth.trunk_lean_deg(hip_s, hip_o, sh_s, sh_o) == pytest.approx(7.0)
    assert truth.trunk_lean_deg(hip_s, hip_o, sh_s - 2 * np.array([shift, 0]), sh_o - 2 * np.array([shift, 0])) == \
        pytest.approx(-7.0)


@pytest.mark.parametrize("other_side", [pytest.param(+1, id="other-hip-to-image-right"),
                                        pytest.param(-1, id="other-hip-to-image-left")])
def test_fppa_valgus_positive_varus_negative(other_side):
    hip = np.array([400.0, 400.0])
    ankle = np.array([400.0, 800.0])
    hip_o = hip + [other_side * 150.0, 0.0]
    # knee 200 px below the hip, pushed 200*tan(15) px towards the other limb on both segments
    valgus_knee = np.array([400.0 + other_side * 200 * tan(15), 600.0])
    assert truth.knee_fppa_deg(hip, valgus_knee, ankle, hip_other=hip_o) == pytest.approx(30.0)
    varus_knee = np.array([400.0 - other_side * 200 * tan(5), 600.0])
    assert truth.knee_fppa_deg(hip, varus_knee, ankle, hip_other=hip_o) == pytest.approx(-10.0)
    straight = np.array([400.0, 600.0])
    assert truth.knee_fppa_deg(hip, straight, ankle, hip_other=hip_o) == pytest.approx(0.0)


def test_hip_adduction_measured_from_the_pelvis_perpendicular():
    hip_s = np.array([300.0, 500.0])
    hip_o = np.array([200.0, 500.0])
    knee = np.array([300.0 - 400 * tan(12), 900.0])  # knee towards the other hip
    assert truth.hip_adduction_deg(hip_s, knee, hip_o) == pytest.approx(12.0)
    # tilt the whole picture by 8 degrees about the stance hip: the angle is unchanged
    a = math.radians(8)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    turn = lambda p: hip_s + rot @ (p - hip_s)  # noqa: E731
    assert truth.hip_adduction_deg(turn(hip_s), turn(knee), turn(hip_o)) == pytest.approx(12.0)
    # a level femur against a dropped pelvis: the perpendicular tilts, adduction = drop
    dropped_o = np.array([200.0, 500.0 + 100 * tan(6)])
    vertical_knee = np.array([300.0, 900.0])
    assert truth.hip_adduction_deg(hip_s, vertical_knee, dropped_o) == pytest.approx(6.0)


def test_event_summary_takes_largest_magnitude_for_trunk_lean():
    times = np.arange(5) * 0.1
    angles = {
        "pelvic_drop_deg": {"left": np.array([0, 2, 5, 3, 9.0])},
        "trunk_lean_deg": {"left": np.array([1, -6, 2, 4, 8.0])},
        "knee_fppa_deg": {"left": np.array([1, 2, 3, 4, 20.0])},
        "hip_adduction_deg": {"left": np.array([0, 1, 1, 1, 30.0])},
    }
    event = truth.event_summary(times, angles, side="left", start_s=0.0, end_s=0.3, peak_index=2)
    assert event["peak_s"] == pytest.approx(0.2)
    assert event["at_peak"]["pelvic_drop_deg"] == 5
    assert event["max"]["pelvic_drop_deg"] == 5  # the last frame lies outside the event
    assert event["max"]["trunk_lean_deg"] == -6
    assert event["max"]["knee_fppa_deg"] == 4


def _event(side, drop=0.0, lean=0.0, fppa=0.0, add=0.0, start=0.0, end=1.0):
    peak = {"pelvic_drop_deg": drop, "trunk_lean_deg": lean, "knee_fppa_deg": fppa, "hip_adduction_deg": add}
    return {"side": side, "start_s": start, "end_s": end, "at_peak": peak, "max": peak}


def test_expected_flags_follow_default_thresholds():
    events = [_event("left", drop=9.0, fppa=12.0), _event("left", drop=8.0, fppa=12.0)]
    flags = {(f["code"], f["severity"]) for f in truth.expected_flags("step_down", events)}
    assert flags == {("contralateral_pelvic_drop", "marked"), ("dynamic_knee_valgus", "caution")}
    lean_away = truth.expected_flags("single_leg_stance", [_event("right", lean=-6.0, start=1.0, end=6.0)])
    assert {f["code"] for f in lean_away} == {"contralateral_trunk_lean", "unsteady_stance"}
    gait = truth.expected_flags("gait", [_event("left", drop=2.0), _event("right", drop=8.5)])
    assert {f["code"] for f in gait} == {"contralateral_pelvic_drop", "side_asymmetry"}


def test_truth_formulas_agree_with_metrics_angles():
    angles = pytest.importorskip("metrics.angles")
    rng = np.random.default_rng(3)
    n = 200
    hip_s = rng.uniform(200, 400, (n, 2))
    hip_o = hip_s + np.stack([rng.choice([-1, 1], n) * rng.uniform(60, 160, n), rng.uniform(-30, 30, n)], 1)
    knee = hip_s + np.stack([rng.uniform(-80, 80, n), rng.uniform(250, 350, n)], 1)
    ankle = knee + np.stack([rng.uniform(-80, 80, n), rng.uniform(250, 350, n)], 1)
    sh_s = hip_s + np.stack([rng.uniform(-60, 60, n), rng.uniform(-400, -300, n)], 1)
    sh_o = sh_s + (hip_o - hip_s)
    np.testing.assert_allclose(truth.pelvic_drop_deg(hip_s, hip_o), angles.pelvic_drop_deg(hip_s, hip_o), atol=1e-9)
    np.testing.assert_allclose(truth.trunk_lean_deg(hip_s, hip_o, sh_s, sh_o),
                               angles.trunk_lean_deg(hip_s, hip_o, sh_s, sh_o), atol=1e-9)
    np.testing.assert_allclose(truth.knee_fppa_deg(hip_s, knee, ankle, hip_other=hip_o),
                               angles.knee_fppa_deg(hip_s, knee, ankle, hip_other=hip_o), atol=1e-9)
    np.testing.assert_allclose(truth.hip_adduction_deg(hip_s, knee, hip_o),
                               angles.hip_adduction_deg(hip_s, knee, hip_o), atol=1e-9)
