"""Fitting the joint-centre rule: a known stance-leg effect is recovered, in the rules asked for only."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.fit_joint_centres import Clip, fit_model, stance_yaw_deg, true_stance
from tests.metrics.test_joint_centres import STANDING
from vision.landmarks import LANDMARK_NAMES, Landmark
from vision.track import LandmarkTrack

FPS = 30.0
TRUNK_PX = 200.0
LIFT = 0.04
"""In these clips MediaPipe puts the stance-side hip this many trunk lengths above its joint
centre, and the other hip as much below it."""

TRUE_POSE = STANDING
"""A person standing upright, facing the camera, trunk 200 px."""


def _clip(name: str, task: str, side: str, seed: int) -> Clip:
    """A 3 s front-view clip: one event on ``side`` from 1.0 to 2.0 s, small random sway."""
    rng = np.random.default_rng(seed)
    n = int(3 * FPS)
    times = np.arange(n) / FPS
    true = {k: np.array(v, dtype=float) + rng.normal(0, 3, (n, 2)) for k, v in TRUE_POSE.items()}
    events = [{"side": side, "start_s": 1.0, "peak_s": 1.5, "end_s": 2.0, "at_peak": {}}]
    truth = {"task": task, "view": "front", "split": "train", "events": events,
             "frames": {"time_s": times.tolist(), "joints_px": {k: v.tolist() for k, v in true.items()}}}
    xy = np.full((n, len(LANDMARK_NAMES), 2), 500.0)
    for k, v in true.items():
        xy[:, Landmark[k.upper()]] = v
    track = LandmarkTrack(times_s=times, xy_px=xy, visibility=np.ones((n, len(LANDMARK_NAMES))), width=1000,
                          height=1000)
    clip = Clip(name=name, truth=truth, track=track)
    stance = true_stance(clip)  # +1 standing on the left leg (eased at the event's ends)
    # The trunk (mid-hip to mid-shoulder) stays 200 px: the hips move in opposite directions.
    xy[:, Landmark.LEFT_HIP, 1] -= LIFT * TRUNK_PX * stance
    xy[:, Landmark.RIGHT_HIP, 1] += LIFT * TRUNK_PX * stance
    return Clip(name=name, truth=truth, track=track.with_xy(xy))


def _clips() -> list[Clip]:
    return [_clip(f"c{i}", task, side, i) for i, (task, side) in enumerate(
        [(t, s) for t in ("step_down", "single_leg_stance") for s in ("left", "right")] * 2)]


def test_the_fit_recovers_how_the_stance_leg_moves_the_hips_in_the_rules_asked_for():
    clips = _clips()
    model = fit_model(clips, alphas=(1e-6,), task_weight=30.0, tasks_with_rules=("step_down",),
                      stance_joints=("hip",), stance_rules=("step_down",), verbose=False)
    left, right = model.joints.index("left_hip"), model.joints.index("right_hip")
    coef = model.stance_coef_for("step_down").reshape(len(model.joints), 2)
    # Offsets point from MediaPipe's hip to the joint centre (y down): standing on the left
    # leg, the left centre lies LIFT below MediaPipe's left hip and the right one LIFT above.
    np.testing.assert_allclose(coef[left], [0.0, LIFT], atol=2e-3)
    np.testing.assert_allclose(coef[right], [0.0, -LIFT], atol=2e-3)
    others = [k for k in range(len(model.joints)) if k not in (left, right)]
    np.testing.assert_array_equal(coef[others], 0.0)
    # The general rule was not asked to read the stance leg.
    assert model.stance_coef is None and set(model.task_stance_coef) == {"step_down"}
    np.testing.assert_array_equal(model.stance_coef_for("gait"), 0.0)


def test_without_the_stance_leg_the_fit_cannot_tell_the_two_hips_apart():
    # Frames and their mirror images: a rule blind to the stance leg learns no lift at all.
    model = fit_model(_clips(), alphas=(1e-6,), stance_joints=(), verbose=False)
    assert not model.reads_stance
    left = model.joints.index("left_hip")
    assert abs(model.coef[-1, 2 * left + 1]) < LIFT / 4


def _yawed_clip(name: str, yaw_input: float, seed: int) -> Clip:
    """A 3 s front-view clip in which MediaPipe's left hip sits ``LIFT * yaw_input`` trunk lengths
    above its joint centre and the right one as much below, in every frame."""
    clip = _clip(name, "step_down", "left", seed)
    xy = clip.track.xy_px.copy()
    truth = clip.true_points()
    xy[:, Landmark.LEFT_HIP] = truth["left_hip"] - [0.0, LIFT * TRUNK_PX * yaw_input]
    xy[:, Landmark.RIGHT_HIP] = truth["right_hip"] + [0.0, LIFT * TRUNK_PX * yaw_input]
    return Clip(name=name, truth=clip.truth, track=clip.track.with_xy(xy))


def test_a_signal_of_the_clip_takes_the_stance_legs_place():
    inputs = {f"y{i}": v for i, v in enumerate((-1.0, -0.5, 0.0, 0.5, 1.0, -0.8, 0.3, 0.9))}
    clips = [_yawed_clip(name, v, i) for i, (name, v) in enumerate(inputs.items())]
    model = fit_model(clips, alphas=(1e-6,), stance_joints=("hip",), stance_rules=("general",),
                      signal=lambda clip: np.full(len(clip.track), inputs[clip.name]), verbose=False)
    coef = model.stance_coef_for("gait").reshape(len(model.joints), 2)
    np.testing.assert_allclose(coef[model.joints.index("left_hip")], [0.0, LIFT], atol=2e-3)
    np.testing.assert_allclose(coef[model.joints.index("right_hip")], [0.0, -LIFT], atol=2e-3)


def test_hip_heights_can_be_kept_blind_to_the_shoulders_sideways_position():
    def shoulder_x_to_hip_heights(model):
        shoulder = [2 * model.feature_points.index(f"{s}_shoulder") for s in ("left", "right")]
        hip_y = [2 * model.joints.index(f"{s}_hip") + 1 for s in ("left", "right")]
        return model.coef[np.ix_(shoulder, hip_y)], model.coef[np.ix_([k + 1 for k in shoulder], hip_y)]

    free = fit_model(_clips(), alphas=(1e-3,), verbose=False)
    blind = fit_model(_clips(), alphas=(1e-3,), hip_height_ignores_sideways_of=("shoulder",), verbose=False)
    sideways, heights = shoulder_x_to_hip_heights(free)
    assert np.abs(sideways).max() > 1e-3  # the clips' random sway lets the free rule read it
    sideways, heights = shoulder_x_to_hip_heights(blind)
    np.testing.assert_array_equal(sideways, 0.0)
    assert np.abs(heights).max() > 1e-3  # the shoulders' heights still move the hips' heights


@pytest.mark.parametrize("stance, view, expected", [("left", "front", 5.0), ("right", "front", -5.0),
                                                      ("left", "back", -5.0), ("right", "back", 5.0)])
def test_the_yaw_is_signed_by_stance_leg_and_view(stance, view, expected):
    clip = Clip(name="c", truth={"stance_side": stance, "view": view, "camera": {"yaw_deg": 5.0}}, track=None)
    assert stance_yaw_deg(clip) == expected
