"""Joint-centre estimates: body frame geometry, the linear rule, missing points, the training range, the committed rule."""

from __future__ import annotations

import json

import numpy as np
import pytest

from metrics.angles import ANGLE_NAMES, angle_series_from_points
from metrics.joint_centres import (
    CORRECTED_JOINTS, JointCentreModel, RangeParams, TrainingRange, body_features, body_frame,
    estimate_joint_centres, load_model, mahalanobis_d2, model_joint_names, range_check, stance_signal,
)
from vision.landmarks import LANDMARK_NAMES, Landmark, SIDES, mirror_name
from vision.track import LandmarkTrack

FEATURES = tuple(f"{s}_{j}" for s in SIDES for j in ("shoulder", "hip", "knee", "ankle", "heel", "foot_index"))
JOINTS = model_joint_names()

# A person standing upright, facing the camera: their left on the image right. Proportions of
# the committed rule's training frames (in trunk lengths: shoulders 0.69 apart, hips 0.38, knees
# 0.85 below the hips, ankles 1.62): trunk (mid-hip to mid-shoulder) exactly 200 px.
STANDING = {
    "left_shoulder": (569, 300), "right_shoulder": (431, 300),
    "left_hip": (538, 500), "right_hip": (462, 500),
    "left_knee": (542, 669), "right_knee": (458, 669),
    "left_ankle": (542, 825), "right_ankle": (458, 825),
    "left_heel": (540, 840), "right_heel": (460, 840),
    "left_foot_index": (543, 867), "right_foot_index": (457, 867),
}


def make_track(points: dict, *, frames: int = 30, fps: float = 30.0, view: str = "front") -> LandmarkTrack:
    """Every landmark at the image centre except ``points``; a back view mirrors x about 500."""
    xy = np.full((frames, len(LANDMARK_NAMES), 2), 500.0)
    for name, (x, y) in points.items():
        xy[:, Landmark[name.upper()]] = (x if view == "front" else 1000 - x, y)
    return LandmarkTrack(times_s=np.arange(frames) / fps, xy_px=xy, visibility=np.ones((frames, len(LANDMARK_NAMES))),
                         width=1000, height=1000)


def constant_model(offsets: dict[str, tuple[float, float]]) -> JointCentreModel:
    """A rule that moves each named joint by a fixed body-frame offset (trunk lengths)."""
    coef = np.zeros((2 * len(FEATURES) + 1, 2 * len(JOINTS)))
    for name, (dx, dy) in offsets.items():
        k = JOINTS.index(name)
        coef[-1, 2 * k: 2 * k + 2] = (dx, dy)
    return JointCentreModel(feature_points=FEATURES, joints=JOINTS, coef=coef, info={})


def test_body_frame_of_a_standing_person():
    frame = body_frame(make_track(STANDING))
    np.testing.assert_allclose(frame.origin_px, np.tile([500.0, 500.0], (30, 1)))
    np.testing.assert_allclose(frame.scale_px, 200.0)
    assert frame.mirror == 1.0
    assert body_frame(make_track(STANDING, view="back")).mirror == -1.0


def test_zero_rule_leaves_every_landmark_where_it_was():
    track = make_track(STANDING)
    out = estimate_joint_centres(track, model=constant_model({}))
    np.testing.assert_allclose(out.xy_px, track.xy_px)


@pytest.mark.parametrize("view", ["front", "back"])
def test_offsets_are_in_trunk_lengths_with_the_persons_left_towards_plus_x(view):
    # Hips moved 0.1 trunk lengths outwards (left +x in the body frame) and 0.05 down.
    model = constant_model({"left_hip": (0.1, 0.05), "right_hip": (-0.1, 0.05)})
    track = make_track(STANDING, view=view)
    out = estimate_joint_centres(track, model=model)
    outward_px = 0.1 * 200
    left_x_image = 1.0 if view == "front" else -1.0  # where the person's left is in the image
    np.testing.assert_allclose(out.point("left_hip") - track.point("left_hip"), [[left_x_image * outward_px, 10.0]] * 30)
    np.testing.assert_allclose(out.point("right_hip") - track.point("right_hip"), [[-left_x_image * outward_px, 10.0]] * 30)
    np.testing.assert_allclose(out.point("left_knee"), track.point("left_knee"))
    np.testing.assert_allclose(out.point("nose"), track.point("nose"))


def test_a_missing_input_point_makes_missing_only_the_joints_that_use_it():
    # The left hip's rule reads the left knee; the right hip's reads nothing but a constant.
    model = constant_model({"left_hip": (0.1, 0.0), "right_hip": (-0.1, 0.0)})
    model.coef[2 * FEATURES.index("left_knee"), 2 * JOINTS.index("left_hip")] = 0.5
    track = make_track(STANDING)
    xy = track.xy_px.copy()
    xy[5, Landmark.LEFT_KNEE] = np.nan
    out = estimate_joint_centres(track.with_xy(xy), model=model)
    assert np.isnan(out.point("left_hip")[5]).all()
    assert np.isfinite(out.point("left_hip")[[4, 6]]).all()
    assert np.isfinite(out.point("right_hip")).all()
    np.testing.assert_allclose(out.point("nose")[5], track.point("nose")[5])
    # Without a hip there is no body frame: every corrected joint of that frame is missing.
    xy[7, Landmark.RIGHT_HIP] = np.nan
    out = estimate_joint_centres(track.with_xy(xy), model=model)
    assert np.isnan(out.point("left_hip")[7]).all() and np.isnan(out.point("right_hip")[7]).all()


def test_scale_follows_the_trunk_length():
    # Same person filmed twice as large: the pixel correction doubles.
    model = constant_model({"left_hip": (0.1, 0.0)})
    big = {k: (500 + 2 * (x - 500), 500 + 2 * (y - 500)) for k, (x, y) in STANDING.items()}
    small_out = estimate_joint_centres(make_track(STANDING), model=model)
    big_out = estimate_joint_centres(make_track(big), model=model)
    np.testing.assert_allclose(small_out.point("left_hip")[0] - [538, 500], [20, 0])
    np.testing.assert_allclose(big_out.point("left_hip")[0] - [576, 500], [40, 0])


def _mirror_track(track: LandmarkTrack) -> LandmarkTrack:
    """The picture seen in a mirror: x -> width - x, the person's left and right exchanged."""
    perm = [LANDMARK_NAMES.index(mirror_name(n)) for n in LANDMARK_NAMES]
    xy = track.xy_px[:, perm].copy()
    xy[..., 0] = track.width - xy[..., 0]
    return track.with_xy(xy)


def _lifted_thigh_pose() -> dict:
    pose = dict(STANDING)
    pose.update({"right_knee": (455, 630), "right_ankle": (445, 780), "right_heel": (443, 792),
                 "right_foot_index": (438, 815), "left_shoulder": (566, 302), "right_shoulder": (428, 298)})
    return pose


TASKS = (None, "step_down", "single_leg_squat", "single_leg_stance", "gait")
"""None: the general rule; the others: each task's own rule."""


def test_committed_model_has_hip_rules_for_step_downs_and_squats_and_the_general_rule_for_the_rest():
    # docs/JOINT_CENTRES.md section 6
    model = load_model()
    assert [model.rule_name(task) for task in TASKS] == ["general", "step_down", "single_leg_squat", "general",
                                                         "general"]
    general = model.coef
    hips = [k for k, name in enumerate(JOINTS) if name.endswith("_hip")]
    hip_columns = [c for k in hips for c in (2 * k, 2 * k + 1)]
    others = [c for c in range(general.shape[1]) if c not in hip_columns]
    for task in ("step_down", "single_leg_squat"):
        own = model.coef_for(task)
        assert not np.allclose(own[:, hip_columns], general[:, hip_columns]), task
        np.testing.assert_array_equal(own[:, others], general[:, others])
    assert not np.allclose(model.coef_for("step_down"), model.coef_for("single_leg_squat"))


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("stance", [0.0, 1.0, -0.5])
def test_committed_rule_treats_left_and_right_alike(task, stance):
    # In a mirror the person's left leg becomes the right one: the stance changes sign.
    track = make_track(_lifted_thigh_pose())
    out = estimate_joint_centres(track, task=task, stance=np.full(len(track), stance))
    mirrored_out = estimate_joint_centres(_mirror_track(track), task=task, stance=np.full(len(track), -stance))
    np.testing.assert_allclose(_mirror_track(out).xy_px, mirrored_out.xy_px, atol=0.05)


@pytest.mark.parametrize("task", TASKS)
def test_committed_rule_leaves_the_shoulders_where_mediapipe_put_them(task):
    # docs/JOINT_CENTRES.md, "Shoulders are not moved"
    track = make_track(_lifted_thigh_pose())
    out = estimate_joint_centres(track, task=task)
    for name in ("left_shoulder", "right_shoulder"):
        np.testing.assert_array_equal(out.point(name), track.point(name))
    assert not np.allclose(out.point("left_hip"), track.point("left_hip"))


@pytest.mark.parametrize("task", TASKS)
def test_committed_rule_moves_joints_by_plausible_amounts(task):
    model = load_model()
    assert model.joints == JOINTS and set(CORRECTED_JOINTS) == {"shoulder", "hip", "knee", "ankle"}
    for pose in (STANDING, _lifted_thigh_pose()):
        track = make_track(pose)
        out = estimate_joint_centres(track, task=task)
        moved = np.linalg.norm(out.xy_px - track.xy_px, axis=2)
        # A joint centre lies within a third of a trunk length (67 px) of MediaPipe's point.
        assert np.nanmax(moved) < 200 / 3
        # MediaPipe's hips sit closer together than the hip joint centres (FACTS.md).
        width = lambda t: np.linalg.norm(t.point("left_hip") - t.point("right_hip"), axis=1)  # noqa: E731
        assert np.all(width(out) > width(track))


@pytest.mark.parametrize("task", TASKS)
def test_committed_rule_keeps_a_symmetric_standing_body_level(task):
    track = make_track(STANDING)
    out = estimate_joint_centres(track, task=task)
    series = angle_series_from_points(out.times_s, {n: out.point(n) for n in JOINTS})
    for angle in ANGLE_NAMES:
        for side in SIDES:
            value = series.get(angle, side)
            if angle in ("pelvic_drop_deg", "trunk_lean_deg"):
                np.testing.assert_allclose(value, 0.0, atol=1e-6)
            else:
                # FPPA and adduction of a straight, upright leg stay small and equal on both sides
                np.testing.assert_allclose(value, series.get(angle, "left"), atol=1e-6)


def test_the_rule_of_the_named_task_is_used_and_the_general_rule_otherwise():
    general = constant_model({"left_hip": (0.1, 0.0)})
    step_down = constant_model({"left_hip": (0.0, 0.2)}).coef
    model = JointCentreModel(feature_points=FEATURES, joints=JOINTS, coef=general.coef, info={},
                             task_coef={"step_down": step_down})
    track = make_track(STANDING)
    hip = track.point("left_hip")[0]
    # trunk length 200 px, the person's left towards +x (front view), y down
    np.testing.assert_allclose(estimate_joint_centres(track, model=model).point("left_hip"), [hip + (20, 0)] * 30)
    np.testing.assert_allclose(estimate_joint_centres(track, model=model, task="gait").point("left_hip"),
                               [hip + (20, 0)] * 30)
    np.testing.assert_allclose(estimate_joint_centres(track, model=model, task="step_down").point("left_hip"),
                               [hip + (0, 40)] * 30)
    assert "rule for step down" in estimate_joint_centres(track, model=model, task="step_down").notes[-1]
    assert "general rule" in estimate_joint_centres(track, model=model, task="gait").notes[-1]


def test_task_rules_survive_a_round_trip_through_json():
    model = JointCentreModel(feature_points=FEATURES, joints=JOINTS, coef=constant_model({}).coef, info={},
                             task_coef={"gait": constant_model({"right_knee": (0.05, -0.02)}).coef})
    again = JointCentreModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert set(again.task_coef) == {"gait"}
    np.testing.assert_allclose(again.coef_for("gait"), model.coef_for("gait"))
    np.testing.assert_allclose(again.coef_for(None), 0.0)


def test_a_task_rule_may_not_read_points_the_general_rule_does_not():
    # The training range, and so the fade, covers only the general rule's inputs.
    general = ranged_model()
    reads_more = general.coef.copy()
    reads_more[2 * FEATURES.index("right_ankle"), 2 * JOINTS.index("left_knee")] = 0.3
    with pytest.raises(ValueError, match="inputs"):
        JointCentreModel(feature_points=FEATURES, joints=JOINTS, coef=general.coef, info={},
                         task_coef={"step_down": reads_more})
    with pytest.raises(ValueError, match="shape"):
        JointCentreModel(feature_points=FEATURES, joints=JOINTS, coef=general.coef, info={},
                         task_coef={"step_down": general.coef[:-1]})


# ----------------------------------------------------------------------------- the stance leg
def test_the_stance_signal_steps_between_events_without_easing():
    times = np.arange(20) / 10.0
    spans = [("left", 0.3, 0.6), ("right", 1.0, 1.5)]
    expected = np.zeros(20)
    expected[3:7], expected[10:16] = 1.0, -1.0
    np.testing.assert_array_equal(stance_signal(times, spans, transition_s=0.0), expected)
    np.testing.assert_array_equal(stance_signal(times, [], transition_s=0.0), np.zeros(20))


def test_overlapping_events_give_the_later_events_side():
    # Walking: the next stance phase starts before the last one ends (double support).
    times = np.arange(10) / 10.0
    out = stance_signal(times, [("left", 0.0, 0.5), ("right", 0.4, 0.9)], transition_s=0.0)
    np.testing.assert_array_equal(out, [1, 1, 1, 1, -1, -1, -1, -1, -1, -1])


def test_the_stance_signal_is_eased_over_the_transition_time():
    # 30 frames/s, 0.2 s: a running mean over 7 frames (3 on each side of a frame).
    times = np.arange(60) / 30.0
    start, end = 20, 39
    out = stance_signal(times, [("right", times[start], times[end])], transition_s=0.2)
    np.testing.assert_allclose(out[:start - 3], 0.0)
    # The frame where the event starts has 4 of its 7 frames in the event.
    np.testing.assert_allclose(out[start], -4 / 7)
    np.testing.assert_allclose(out[start - 3], -1 / 7)
    np.testing.assert_allclose(out[start + 3: end - 2], -1.0)
    np.testing.assert_allclose(out[end + 4:], 0.0)
    assert np.all(np.diff(out[start - 4: start + 4]) <= 0) and np.all(np.diff(out[end - 4: end + 4]) >= 0)


def test_a_stance_side_must_be_left_or_right():
    with pytest.raises(ValueError, match="side"):
        stance_signal(np.arange(5) / 30.0, [("both", 0.0, 0.1)])


def stance_model(left_hip: tuple[float, float], right_hip: tuple[float, float], **kw) -> JointCentreModel:
    """A rule moving only the hips, by ``stance`` times the given body-frame offsets (trunk lengths)."""
    stance_coef = np.zeros(2 * len(JOINTS))
    stance_coef[2 * JOINTS.index("left_hip"): 2 * JOINTS.index("left_hip") + 2] = left_hip
    stance_coef[2 * JOINTS.index("right_hip"): 2 * JOINTS.index("right_hip") + 2] = right_hip
    return JointCentreModel(feature_points=FEATURES, joints=JOINTS, coef=constant_model({}).coef, info={},
                            stance_coef=stance_coef, **kw)


@pytest.mark.parametrize("view", ["front", "back"])
def test_the_stance_leg_moves_the_hips_by_its_coefficients_in_trunk_lengths(view):
    # Standing on the left leg moves the left hip 0.05 trunk lengths outwards and 0.1 up, and
    # the right hip 0.1 down; on the right leg, the opposite; on both legs, nothing.
    model = stance_model((0.05, -0.1), (0.0, 0.1))
    track = make_track(STANDING, view=view)
    stance = np.repeat([1.0, 0.0, -1.0], 10)
    out = estimate_joint_centres(track, model=model, stance=stance)
    left_x_image = 1.0 if view == "front" else -1.0
    left = out.point("left_hip") - track.point("left_hip")
    right = out.point("right_hip") - track.point("right_hip")
    # trunk length 200 px
    np.testing.assert_allclose(left, np.repeat([[10 * left_x_image, -20], [0, 0], [-10 * left_x_image, 20]], 10, axis=0))
    np.testing.assert_allclose(right, np.repeat([[0, 20], [0, 0], [0, -20]], 10, axis=0))
    np.testing.assert_allclose(out.point("left_knee"), track.point("left_knee"))
    # No stance given, or a stance not known in some frames: as on both legs.
    np.testing.assert_allclose(estimate_joint_centres(track, model=model).xy_px, track.xy_px)
    unknown = estimate_joint_centres(track, model=model, stance=np.where(stance > 0, np.nan, stance))
    np.testing.assert_allclose(unknown.point("left_hip")[:20], track.point("left_hip")[:20])
    with pytest.raises(ValueError, match="shape"):
        estimate_joint_centres(track, model=model, stance=stance[:-1])


def test_each_task_rule_has_its_own_stance_coefficients():
    squat = np.zeros(2 * len(JOINTS))
    squat[2 * JOINTS.index("left_hip") + 1] = -0.2
    model = stance_model((0.0, -0.1), (0.0, 0.1), task_stance_coef={"single_leg_squat": squat})
    track = make_track(STANDING)
    on_left = np.ones(len(track))
    dy = lambda task: (estimate_joint_centres(track, model=model, task=task, stance=on_left).point("left_hip")  # noqa: E731
                       - track.point("left_hip"))[:, 1]
    np.testing.assert_allclose(dy(None), -20.0)
    np.testing.assert_allclose(dy("gait"), -20.0)
    np.testing.assert_allclose(dy("single_leg_squat"), -40.0)
    assert model.reads_stance and not constant_model({}).reads_stance
    np.testing.assert_array_equal(constant_model({}).stance_coef_for("gait"), 0.0)


def test_stance_coefficients_survive_a_round_trip_through_json_and_are_checked():
    squat = np.zeros(2 * len(JOINTS))
    squat[2 * JOINTS.index("right_hip") + 1] = 0.03
    model = stance_model((0.0, -0.01), (0.0, 0.01), task_stance_coef={"single_leg_squat": squat})
    again = JointCentreModel.from_dict(json.loads(json.dumps(model.to_dict())))
    np.testing.assert_allclose(again.stance_coef_for(None), model.stance_coef)
    np.testing.assert_allclose(again.stance_coef_for("single_leg_squat"), squat)
    with pytest.raises(ValueError, match="shape"):
        stance_model((0.0, 0.0), (0.0, 0.0), task_stance_coef={"gait": squat[:-1]})
    only_squat = JointCentreModel(feature_points=FEATURES, joints=JOINTS, coef=constant_model({}).coef, info={},
                                  task_stance_coef={"single_leg_squat": squat})
    np.testing.assert_array_equal(only_squat.stance_coef_for(None), 0.0)
    np.testing.assert_array_equal(only_squat.stance_coef_for("single_leg_squat"), squat)


def test_committed_rule_is_blind_to_the_stance_leg():
    # docs/JOINT_CENTRES.md section 9: tried, not kept.
    model = load_model()
    assert not model.reads_stance
    track = make_track(_lifted_thigh_pose())
    for task in TASKS:
        np.testing.assert_array_equal(model.stance_coef_for(task), 0.0)
        np.testing.assert_array_equal(estimate_joint_centres(track, task=task, stance=np.ones(len(track))).xy_px,
                                      estimate_joint_centres(track, task=task).xy_px)


# ----------------------------------------------------------------------------- training range
SIGMA = 0.1  # spread of every feature in the hand-made training range, trunk lengths


def ranged_model(knee_offset_x: float = 0.05, knee_slope: float = 0.5) -> JointCentreModel:
    """A rule with a hand-made training range centred on STANDING, SD 0.1 trunk lengths per feature.

    The left knee reads only its own x: ``dx = knee_offset_x + knee_slope * (x - x_standing)``;
    the right hip is moved by a constant 0.1 outwards (reads nothing). Each joint's range limit
    is a squared distance of 4 (two SDs), the whole frame's limit too.
    """
    coef = np.zeros((2 * len(FEATURES) + 1, 2 * len(JOINTS)))
    x_standing = (542 - 500) / 200  # left knee, body frame
    k, f = JOINTS.index("left_knee"), FEATURES.index("left_knee")
    coef[2 * f, 2 * k] = knee_slope
    coef[-1, 2 * k] = knee_offset_x - knee_slope * x_standing
    coef[-1, 2 * JOINTS.index("right_hip")] = -0.1
    standing = make_track(STANDING, frames=1)
    mean = body_features(standing, body_frame(standing), FEATURES)[0, :-1]
    training = TrainingRange(mean=mean, cov=np.eye(len(mean)) * SIGMA**2, frame_d2_limit=4.0,
                             joint_d2_limit=np.full(len(JOINTS), 4.0))
    return JointCentreModel(feature_points=FEATURES, joints=JOINTS, coef=coef, info={}, training_range=training)


def test_mahalanobis_distance_counts_standard_deviations_and_ignores_directions_without_spread():
    mean = np.zeros(3)
    cov = np.diag([4.0, 1.0, 0.0])  # third feature never varied in training
    points = np.array([[2.0, 0.0, 0.0], [0.0, 3.0, 0.0], [2.0, 3.0, 0.0], [0.0, 0.0, 5.0]])
    np.testing.assert_allclose(mahalanobis_d2(points, mean, cov, np.arange(3)), [1.0, 9.0, 10.0, 0.0])
    np.testing.assert_allclose(mahalanobis_d2(points, mean, cov, np.array([1])), [0.0, 9.0, 9.0, 0.0])


def test_correction_fades_out_for_a_knee_outside_the_training_range():
    model = ranged_model()
    # The left knee moved outwards by 0, 0.1, 0.2, sqrt(0.06), 0.3 trunk lengths: squared
    # distances 0, 1, 4, 6, 9 for the limit 4 and fade ratio 2 -> weights 1, 1, 1, 0.5, 0.
    shifts = np.array([0.0, 0.1, 0.2, np.sqrt(0.06), 0.3])
    weights = np.array([1.0, 1.0, 1.0, 0.5, 0.0])
    track = make_track(STANDING, frames=40)  # the other 35 frames stand still: clip in range
    xy = track.xy_px.copy()
    xy[:5, Landmark.LEFT_KNEE, 0] += shifts * 200
    track = track.with_xy(xy)
    fading = RangeParams(fade_ratio=2.0, transition_s=0.0)  # each frame on its own
    check = range_check(track, model=model, params=fading)
    assert check.clip_in_range
    np.testing.assert_allclose(check.weights[:5, JOINTS.index("left_knee")], weights, atol=1e-9)
    # The default fade ratio, 3: the weight falls linearly from the limit (4) to 12.
    default = range_check(track, model=model, params=RangeParams(transition_s=0.0))
    np.testing.assert_allclose(default.weights[:5, JOINTS.index("left_knee")], [1.0, 1.0, 1.0, 0.75, 0.375], atol=1e-9)
    out = estimate_joint_centres(track, model=model, range_params=fading)
    expected_dx_px = weights * (0.05 + 0.5 * shifts) * 200
    np.testing.assert_allclose(out.point("left_knee")[:5, 0] - track.point("left_knee")[:5, 0], expected_dx_px, atol=1e-6)
    np.testing.assert_allclose(out.point("left_knee")[:5, 1], track.point("left_knee")[:5, 1])
    # the right hip reads nothing, so it is always corrected in full: 0.1 trunk lengths outwards
    np.testing.assert_allclose(out.point("right_hip")[:, 0] - track.point("right_hip")[:, 0], -20.0)
    # Without the per-frame fade a clip within range is corrected in every frame.
    out = estimate_joint_centres(track, model=model, range_params=RangeParams(fade_frames=False))
    np.testing.assert_allclose(out.point("left_knee")[:5, 0] - track.point("left_knee")[:5, 0],
                               (0.05 + 0.5 * shifts) * 200, atol=1e-6)


def test_the_fade_is_eased_over_the_transition_time():
    # One frame far out (weight 0) in the middle of a 30 fps clip; transition 0.2 s = 7 frames.
    # Each frame takes the smallest weight within 3 frames (0 for frames 17..23), then the mean
    # over 7 frames: d frames away from frame 20 that mean is d / 7 (d <= 7), never above 1.
    model = ranged_model()
    track = make_track(STANDING, frames=41)
    xy = track.xy_px.copy()
    xy[20, Landmark.LEFT_KNEE, 0] += 0.5 * 200
    weights = range_check(track.with_xy(xy), model=model).weights[:, JOINTS.index("left_knee")]
    distance = np.abs(np.arange(41) - 20)
    np.testing.assert_allclose(weights, np.minimum(distance / 7, 1.0), atol=1e-9)
    # the constant-only right hip is not faded at all
    np.testing.assert_allclose(range_check(track.with_xy(xy), model=model).weights[:, JOINTS.index("right_hip")], 1.0)


def test_a_clip_whose_typical_frame_is_far_outside_the_range_is_not_corrected():
    model = ranged_model()
    track = make_track(STANDING, frames=40)
    xy = track.xy_px.copy()
    xy[:, Landmark.LEFT_KNEE, 0] += 0.5 * 200  # squared distance 25 in every frame, limit 2 * 4
    track = track.with_xy(xy)
    check = range_check(track, model=model)
    assert not check.clip_in_range and check.median_frame_d2 == pytest.approx(25.0)
    out = estimate_joint_centres(track, model=model)
    np.testing.assert_allclose(out.xy_px, track.xy_px)  # even the right hip's constant offset is not applied
    assert any("not applied" in note for note in out.notes)
    # Without the clip check only the frames' own fading applies: the right hip is moved again.
    out = estimate_joint_centres(track, model=model, range_params=RangeParams(check_clip=False))
    np.testing.assert_allclose(out.point("right_hip")[:, 0] - track.point("right_hip")[:, 0], -20.0)
    np.testing.assert_allclose(out.point("left_knee"), track.point("left_knee"))
    # A check the caller already made is used as it is, not made again.
    unchecked = range_check(track, model=model, params=RangeParams(check_clip=False))
    given = estimate_joint_centres(track, model=model, check=unchecked)
    np.testing.assert_allclose(given.xy_px, out.xy_px)


def test_the_range_does_not_depend_on_where_the_person_stands_or_their_size():
    model = ranged_model()
    track = make_track(STANDING, frames=10)
    xy = track.xy_px.copy()
    xy[:, Landmark.LEFT_KNEE, 0] += np.sqrt(0.06) * 200  # squared distance 6, limit 4: weight 0.5
    moved = 2.0 * xy + np.array([-300.0, -400.0])  # twice as large, elsewhere in the picture
    fading = RangeParams(fade_ratio=2.0, transition_s=0.0)
    for t in (track.with_xy(xy), track.with_xy(moved)):
        np.testing.assert_allclose(range_check(t, model=model, params=fading).weights[:, JOINTS.index("left_knee")], 0.5)


def test_training_range_survives_a_round_trip_through_json():
    model = ranged_model()
    again = JointCentreModel.from_dict(json.loads(json.dumps(model.to_dict())))
    np.testing.assert_allclose(again.training_range.cov, model.training_range.cov)
    np.testing.assert_allclose(again.training_range.joint_d2_limit, 4.0)
    assert again.input_columns(JOINTS.index("left_knee")).tolist() == [2 * FEATURES.index("left_knee")]


def test_committed_rule_corrects_a_typical_frontal_posture_and_not_a_turned_one():
    model = load_model()
    assert model.training_range is not None
    track = make_track(STANDING)
    check = range_check(track)
    assert check.clip_in_range
    np.testing.assert_allclose(check.weights[:, [JOINTS.index(f"{s}_{j}") for s in SIDES for j in ("hip", "knee", "ankle")]], 1.0)
    # Seen from 45 degrees to the side the shoulders look shifted sideways past the hips
    # (as in the oblique Pose2Sim clips): no correction at all.
    turned = dict(STANDING, left_shoulder=(600, 300), right_shoulder=(560, 300))
    out = estimate_joint_centres(make_track(turned))
    np.testing.assert_allclose(out.xy_px, make_track(turned).xy_px)
    assert not range_check(make_track(turned)).clip_in_range


def test_a_fade_ratio_of_one_or_less_is_refused():
    with pytest.raises(ValueError):
        RangeParams(fade_ratio=1.0)
