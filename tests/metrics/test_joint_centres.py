"""Joint-centre estimates: body frame geometry, the linear rule, missing points, the committed rule."""

from __future__ import annotations

import numpy as np
import pytest

from metrics.angles import ANGLE_NAMES, angle_series_from_points
from metrics.joint_centres import (
    CORRECTED_JOINTS, JointCentreModel, body_frame, estimate_joint_centres, load_model, model_joint_names,
)
from vision.landmarks import LANDMARK_NAMES, Landmark, SIDES, mirror_name
from vision.track import LandmarkTrack

FEATURES = tuple(f"{s}_{j}" for s in SIDES for j in ("shoulder", "hip", "knee", "ankle", "heel", "foot_index"))
JOINTS = model_joint_names()

# A person standing upright, facing the camera: their left on the image right.
# Hips 40 px apart, trunk (mid-hip to mid-shoulder) exactly 200 px.
STANDING = {
    "left_shoulder": (560, 300), "right_shoulder": (440, 300),
    "left_hip": (520, 500), "right_hip": (480, 500),
    "left_knee": (522, 700), "right_knee": (478, 700),
    "left_ankle": (524, 900), "right_ankle": (476, 900),
    "left_heel": (526, 915), "right_heel": (474, 915),
    "left_foot_index": (535, 930), "right_foot_index": (465, 930),
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
    np.testing.assert_allclose(small_out.point("left_hip")[0] - [520, 500], [20, 0])
    np.testing.assert_allclose(big_out.point("left_hip")[0] - [540, 500], [40, 0])


def _mirror_track(track: LandmarkTrack) -> LandmarkTrack:
    """The picture seen in a mirror: x -> width - x, the person's left and right exchanged."""
    perm = [LANDMARK_NAMES.index(mirror_name(n)) for n in LANDMARK_NAMES]
    xy = track.xy_px[:, perm].copy()
    xy[..., 0] = track.width - xy[..., 0]
    return track.with_xy(xy)


def _lifted_thigh_pose() -> dict:
    pose = dict(STANDING)
    pose.update({"right_knee": (470, 620), "right_ankle": (455, 760), "right_heel": (450, 770),
                 "right_foot_index": (440, 790), "left_shoulder": (548, 302), "right_shoulder": (428, 298)})
    return pose


def test_committed_rule_treats_left_and_right_alike():
    track = make_track(_lifted_thigh_pose())
    out = estimate_joint_centres(track)
    mirrored_out = estimate_joint_centres(_mirror_track(track))
    np.testing.assert_allclose(_mirror_track(out).xy_px, mirrored_out.xy_px, atol=0.05)


def test_committed_rule_moves_joints_by_plausible_amounts():
    model = load_model()
    assert model.joints == JOINTS and set(CORRECTED_JOINTS) == {"shoulder", "hip", "knee", "ankle"}
    for pose in (STANDING, _lifted_thigh_pose()):
        track = make_track(pose)
        out = estimate_joint_centres(track)
        moved = np.linalg.norm(out.xy_px - track.xy_px, axis=2)
        # A joint centre lies within a third of a trunk length (67 px) of MediaPipe's point.
        assert np.nanmax(moved) < 200 / 3
        # MediaPipe's hips sit closer together than the hip joint centres (FACTS.md).
        width = lambda t: np.linalg.norm(t.point("left_hip") - t.point("right_hip"), axis=1)  # noqa: E731
        assert np.all(width(out) > width(track))


def test_committed_rule_keeps_a_symmetric_standing_body_level():
    track = make_track(STANDING)
    out = estimate_joint_centres(track)
    series = angle_series_from_points(out.times_s, {n: out.point(n) for n in JOINTS})
    for angle in ANGLE_NAMES:
        for side in SIDES:
            value = series.get(angle, side)
            if angle in ("pelvic_drop_deg", "trunk_lean_deg"):
                np.testing.assert_allclose(value, 0.0, atol=1e-6)
            else:
                # FPPA and adduction of a straight, upright leg stay small and equal on both sides
                np.testing.assert_allclose(value, series.get(angle, "left"), atol=1e-6)
