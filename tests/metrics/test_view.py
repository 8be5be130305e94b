"""detect_view and estimate_camera_roll on synthetic people with a known view and roll."""

import dataclasses
import math

import numpy as np
import pytest

from metrics.quality import ANGLES_WITHHELD_WARNING
from metrics.view import (
    RollParams,
    ViewParams,
    YawParams,
    detect_view,
    estimate_camera_roll,
    estimate_walking_roll,
    estimate_camera_yaw,
    upright_frames,
)
from vision.errors import InputProblem
from vision.landmarks import LANDMARK_NAMES, Landmark
from vision.track import LandmarkTrack

FPS = 30.0
CENTRE = np.array([500.0, 500.0])


def _front_pose() -> dict[str, tuple[float, float]]:
    """Standing still on both feet, facing the camera (their left on the image right),
    800 px tall, symmetric about x = 500, so the body axis is vertical."""
    right_side = {
        "eye_inner": (490, 110), "eye": (480, 110), "eye_outer": (470, 110), "ear": (455, 120),
        "shoulder": (420, 250), "elbow": (400, 380), "wrist": (395, 500), "pinky": (393, 530),
        "index": (397, 535), "thumb": (405, 525), "hip": (450, 520), "knee": (440, 700),
        "ankle": (430, 870), "heel": (432, 890), "foot_index": (420, 900),
    }
    pose = {"nose": (500, 130), "mouth_right": (490, 150), "mouth_left": (510, 150)}
    for name, (x, y) in right_side.items():
        pose[f"right_{name}"] = (x, y)
        pose[f"left_{name}"] = (1000 - x, y)
    return pose


def _xy(pose: dict[str, tuple[float, float]]) -> np.ndarray:
    return np.array([pose[name] for name in LANDMARK_NAMES], dtype=float)


def _track(frames: np.ndarray) -> LandmarkTrack:
    t = np.arange(frames.shape[0]) / FPS
    return LandmarkTrack(times_s=t, xy_px=frames, visibility=np.ones(frames.shape[:2]), width=1000, height=1000)


def _still_track(xy: np.ndarray, n_frames=60, *, noise_px=0.5, seed=0) -> LandmarkTrack:
    frames = np.repeat(xy[None], n_frames, axis=0)
    frames = frames + np.random.default_rng(seed).normal(0.0, noise_px, frames.shape)
    return _track(frames)


def _mirror(xy: np.ndarray) -> np.ndarray:
    """The same scene seen from behind: x -> 1000 - x, labels stay anatomical."""
    return np.stack([1000.0 - xy[:, 0], xy[:, 1]], axis=-1)


def _side(xy: np.ndarray) -> np.ndarray:
    """Turned 90 degrees: every left-right distance shrinks to a tenth."""
    return np.stack([500.0 + 0.1 * (xy[:, 0] - 500.0), xy[:, 1]], axis=-1)


def _rotate(xy: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotate about CENTRE, positive = clockwise on the screen (y down)."""
    a = math.radians(angle_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return (xy - CENTRE) @ rot.T + CENTRE


# -- view -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        pytest.param(lambda xy: xy, "front", id="front"),
        pytest.param(_mirror, "back", id="back"),
        pytest.param(_side, "side", id="side"),
        pytest.param(lambda xy: _rotate(xy, 10.0), "front", id="front-rolled-10"),
        pytest.param(lambda xy: _rotate(_mirror(xy), -10.0), "back", id="back-rolled-10"),
    ],
)
def test_detect_view(make, expected):
    estimate = detect_view(_still_track(make(_xy(_front_pose()))))
    assert estimate.view == expected
    assert estimate.confidence == pytest.approx(1.0)
    assert expected in estimate.reason


def test_oblique_view_is_still_frontal():
    # Turned 45 degrees: widths shrink to cos(45) = 0.71; the width ratio stays above 0.3.
    xy = _xy(_front_pose())
    oblique = np.stack([500.0 + math.cos(math.radians(45)) * (xy[:, 0] - 500.0), xy[:, 1]], axis=-1)
    assert detect_view(_still_track(oblique)).view == "front"


def test_view_follows_the_majority_of_frames():
    front = _xy(_front_pose())
    frames = np.stack([front] * 40 + [_mirror(front)] * 20)
    estimate = detect_view(_track(frames))
    assert estimate.view == "front"
    assert estimate.confidence == pytest.approx(40 / 60)


def test_mostly_side_frames_is_side():
    front = _xy(_front_pose())
    frames = np.stack([front] * 20 + [_side(front)] * 40)
    estimate = detect_view(_track(frames), params=ViewParams(min_frontal_fraction=0.5))
    assert estimate.view == "side"
    assert estimate.frontal_fraction == pytest.approx(20 / 60)


def test_no_person_is_an_input_problem():
    frames = np.full((10, len(LANDMARK_NAMES), 2), np.nan)
    with pytest.raises(InputProblem) as info:
        detect_view(_track(frames))
    assert info.value.code == "no_person"


# -- camera roll ----------------------------------------------------------------------


@pytest.mark.parametrize("roll_deg", [pytest.param(r, id=f"roll{r:+g}") for r in (-6.0, 0.0, 2.5, 8.0)])
@pytest.mark.parametrize("view", [pytest.param(lambda xy: xy, id="front"), pytest.param(_mirror, id="back")])
def test_roll_of_a_person_standing_still(roll_deg, view):
    xy = _rotate(view(_xy(_front_pose())), roll_deg)
    estimate = estimate_camera_roll(_still_track(xy))
    assert estimate.method == "body_axis"
    # 0.5 px noise over an 780 px body axis: well under 0.1 degree.
    assert estimate.roll_deg == pytest.approx(roll_deg, abs=0.1)
    # Feet 136 px apart (0.17 of the height): the floor line is computed and agrees.
    assert estimate.floor_line_deg == pytest.approx(roll_deg, abs=1.0)
    assert estimate.start_s is not None and estimate.end_s > estimate.start_s


def test_clockwise_roll_is_positive():
    # Turning the scene clockwise on the screen lowers the image-right foot.
    xy = _rotate(_xy(_front_pose()), 4.0)
    left_foot_y = xy[LANDMARK_NAMES.index("left_heel"), 1]  # image right in a front view
    right_foot_y = xy[LANDMARK_NAMES.index("right_heel"), 1]
    assert left_foot_y > right_foot_y
    assert estimate_camera_roll(_still_track(xy)).roll_deg > 3.9


def test_feet_together_skip_the_floor_line():
    pose = _front_pose()
    for side, x in (("left", 515), ("right", 485)):
        for joint in ("ankle", "heel", "foot_index"):
            pose[f"{side}_{joint}"] = (x, pose[f"{side}_{joint}"][1])
    estimate = estimate_camera_roll(_still_track(_xy(pose)))
    assert estimate.roll_deg == pytest.approx(0.0, abs=0.1)
    assert estimate.floor_line_deg is None


def test_single_leg_stance_gives_no_roll():
    pose = _front_pose()
    # Right foot lifted: the knee bends forward, the ankle rises 200 px.
    pose["right_ankle"] = (430, 670)
    pose["right_heel"] = (432, 690)
    pose["right_foot_index"] = (420, 700)
    estimate = estimate_camera_roll(_still_track(_xy(pose)))
    assert estimate.roll_deg is None
    assert estimate.method == "none"
    assert "one foot lifted" in estimate.reason


def test_walking_gives_no_roll():
    xy = _xy(_front_pose())
    t = np.arange(90) / FPS
    frames = np.repeat(xy[None], len(t), axis=0)
    feet = [i for i, n in enumerate(LANDMARK_NAMES) if any(j in n for j in ("ankle", "heel", "foot"))]
    frames[:, feet, 1] -= 60 * np.abs(np.sin(2 * math.pi * t))[:, None]
    estimate = estimate_camera_roll(_track(frames))
    assert estimate.roll_deg is None
    assert "feet never keep still" in estimate.reason


def test_short_standing_stretch_is_not_enough():
    estimate = estimate_camera_roll(_still_track(_xy(_front_pose()), n_frames=12), params=RollParams(min_still_s=0.5))
    assert estimate.roll_deg is None


# -- real clips (MediaPipe on real video) ---------------------------------------------

_REAL_TRACKS: dict[str, LandmarkTrack] = {}


@pytest.fixture(scope="module")
def real_track(real_video, model_path):
    """``real_track("zarate_front")`` -> its landmark track, computed once per module."""
    from vision.pose import estimate_pose

    def _get(stem: str) -> LandmarkTrack:
        if stem not in _REAL_TRACKS:
            _REAL_TRACKS[stem] = estimate_pose(real_video(f"{stem}.mp4"), model_path=model_path)
        return _REAL_TRACKS[stem]

    return _get


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        pytest.param("pose2sim_single_cam01", "front", id="pose2sim-cam01-front-oblique"),
        pytest.param("pose2sim_single_cam03", "back", id="pose2sim-cam03-back-oblique"),
        pytest.param("shotform_upload_sample", "back", id="shotform-back"),
        pytest.param("zarate_front", "front", id="zarate-front"),
        pytest.param("vaila_mlwalk", "front", id="vaila-walk-towards"),
        pytest.param("sports2d_v2024_demo5", "front", id="sports2d-lateral-raises"),
        pytest.param("bmgait_gait_normal_01", "side", id="bmgait-side"),
    ],
)
def test_view_of_real_clips(real_track, stem, expected):
    from metrics.swap import repair_swaps

    assert detect_view(repair_swaps(real_track(stem)).track).view == expected


@pytest.mark.slow
@pytest.mark.parametrize("stem", ["pose2sim_single_cam01", "pose2sim_single_cam03"])
def test_mediapipe_labels_sides_anatomically_front_and_back(real_track, shared_dir, stem):
    """The multi-camera reference gives the person's true left and right: MediaPipe's
    labels agree with it from the front and from behind (what detect_view relies on)."""
    import json

    reference = json.loads((shared_dir / "videos" / "real" / f"{stem}.reference.json").read_text())
    track = real_track(stem)
    n = min(len(track), len(reference["t"]))
    for joint in ("Hip", "Knee", "Ankle", "Shoulder"):
        true_left = np.asarray(reference["joints"][f"L{joint}"], dtype=float)[:n]
        true_right = np.asarray(reference["joints"][f"R{joint}"], dtype=float)[:n]
        left = track.point(f"left_{joint.lower()}")[:n]
        right = track.point(f"right_{joint.lower()}")[:n]
        as_labelled = np.linalg.norm(left - true_left, axis=1) + np.linalg.norm(right - true_right, axis=1)
        mirrored = np.linalg.norm(left - true_right, axis=1) + np.linalg.norm(right - true_left, axis=1)
        assert np.mean(as_labelled < mirrored) >= 0.95, joint


@pytest.mark.slow
def test_level_camera_reads_near_zero_roll(real_track):
    # The lateral-raise clip is filmed with a level camera (the window frames behind
    # the person are vertical in the image) while the person stands on both feet.
    from metrics.cleaning import clean_track

    estimate = estimate_camera_roll(clean_track(real_track("sports2d_v2024_demo5")).track)
    assert estimate.roll_deg is not None
    assert abs(estimate.roll_deg) < 1.5


# -- camera yaw -----------------------------------------------------------------------
#
# A stick figure in metres (z up, facing -y, so the person's left is +x), filmed by a
# pinhole camera 3 m away at the height of its mid-trunk, turned about the vertical by
# the yaw (positive: towards the person's left). World landmarks are the points in the
# camera's axes (x right, y down, z away from the camera), hip-centred, as MediaPipe
# gives them; pixels are the pinhole projection.

STICK_M = {
    "hip": (0.10, 0.0, 0.95), "knee": (0.10, 0.0, 0.52), "ankle": (0.10, 0.0, 0.09),
    "heel": (0.10, 0.06, 0.03), "foot_index": (0.12, -0.14, 0.02), "shoulder": (0.19, 0.0, 1.45),
    "elbow": (0.24, 0.0, 1.17), "wrist": (0.26, 0.0, 0.92), "pinky": (0.27, 0.0, 0.85),
    "index": (0.26, -0.02, 0.84), "thumb": (0.25, -0.03, 0.87), "eye_inner": (0.02, -0.09, 1.66),
    "eye": (0.035, -0.09, 1.66), "eye_outer": (0.05, -0.08, 1.66), "ear": (0.08, -0.01, 1.64),
    "mouth": (0.025, -0.09, 1.58),
}
WIDTH_RATIO = (2 * 0.19 + 2 * 0.10) / 2 / (1.45 - 0.95)  # mean of shoulder and hip widths / trunk height


def _stick_figure_m() -> np.ndarray:
    """(33, 3) landmark positions of the person standing upright, metres."""
    points = {"nose": (0.0, -0.11, 1.62)}
    for name, (x, y, z) in STICK_M.items():
        left, right = ("mouth_left", "mouth_right") if name == "mouth" else (f"left_{name}", f"right_{name}")
        points[left] = (x, y, z)
        points[right] = (-x, y, z)
    return np.array([points[name] for name in LANDMARK_NAMES], dtype=float)


def _camera(view: str, yaw_deg: float, distance_m=3.0, height_m=1.2):
    side = -1.0 if view == "front" else 1.0
    a = math.radians(yaw_deg)
    centre = np.array([distance_m * math.sin(a), side * distance_m * math.cos(a), height_m])
    forward = np.array([0.0, 0.0, height_m]) - centre
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    return centre, right, up, forward


def _filmed(points_m: np.ndarray, view: str, yaw_deg: float, *, focal_px=1500.0, size_px=1000):
    """Pixels (33, 2) and MediaPipe-style world landmarks (33, 3) of one frame."""
    centre, right, up, forward = _camera(view, yaw_deg)
    rel = points_m - centre
    depth = rel @ forward
    xy = np.stack([size_px / 2 + focal_px * (rel @ right) / depth, size_px / 2 - focal_px * (rel @ up) / depth], -1)
    mid_hip = 0.5 * (points_m[LANDMARK_NAMES.index("left_hip")] + points_m[LANDMARK_NAMES.index("right_hip")])
    local = points_m - mid_hip
    world = np.stack([local @ right, -(local @ up), local @ forward], axis=-1)
    return xy, world


def _filmed_track(view: str, yaw_deg: float, n_frames=40, *, with_world=True) -> LandmarkTrack:
    xy, world = _filmed(_stick_figure_m(), view, yaw_deg)
    frames = np.repeat(xy[None], n_frames, axis=0)
    worlds = np.repeat(world[None], n_frames, axis=0)
    return LandmarkTrack(
        times_s=np.arange(n_frames) / FPS, xy_px=frames, visibility=np.ones(frames.shape[:2]),
        width=1000, height=1000, world_xyz=worlds if with_world else None,
    )


def test_filmed_stick_figure_has_the_anatomical_view_order():
    # The construction itself: the person's left on the image right from the front,
    # on the image left from behind, and the figure detected as such.
    assert detect_view(_filmed_track("front", 0.0)).view == "front"
    assert detect_view(_filmed_track("back", 0.0)).view == "back"


@pytest.mark.parametrize("view", ["front", "back"])
@pytest.mark.parametrize("yaw_deg", [-40.0, -20.0, -8.0, 0.0, 12.0, 30.0, 45.0])
def test_camera_yaw_from_world_landmarks(view, yaw_deg):
    estimate = estimate_camera_yaw(_filmed_track(view, yaw_deg))
    assert estimate.method == "world_landmarks"
    # The world landmarks are the figure turned by the yaw: the hip and shoulder lines
    # make exactly that angle with the camera's x axis.
    assert estimate.yaw_deg == pytest.approx(yaw_deg, abs=1e-6)
    assert estimate.magnitude_deg == pytest.approx(abs(yaw_deg), abs=1e-6)
    assert estimate.frames_used == 40


@pytest.mark.parametrize("view", ["front", "back"])
@pytest.mark.parametrize("yaw_deg", [-45.0, -25.0, 0.0, 30.0, 50.0])
def test_camera_yaw_size_from_image_widths_without_world_landmarks(view, yaw_deg):
    params = YawParams(frontal_width_ratio=WIDTH_RATIO)
    estimate = estimate_camera_yaw(_filmed_track(view, yaw_deg, with_world=False), params=params)
    assert estimate.method == "image_widths"
    assert estimate.yaw_deg is None  # the side cannot be told from widths
    # Widths shrink by cos(yaw); the pinhole's perspective (3 m away) adds a little.
    assert estimate.magnitude_deg == pytest.approx(abs(yaw_deg), abs=3.0)


def test_camera_yaw_uses_upright_frames_only():
    # 30 upright frames filmed at +30 deg, then 40 frames whose trunk leans 35 deg in the
    # image (not upright) with world landmarks saying 0: the median must ignore them.
    turned = _filmed_track("front", 30.0, n_frames=30)
    square = _filmed_track("front", 0.0, n_frames=40)
    xy = square.xy_px.copy()
    mid_hip = 0.5 * (xy[:, Landmark.LEFT_HIP] + xy[:, Landmark.RIGHT_HIP])
    upper = [Landmark[n.upper()] for n in LANDMARK_NAMES if n.split("_")[-1] in ("shoulder", "elbow", "wrist")]
    for index in upper:
        height = mid_hip[:, 1] - xy[:, index, 1]
        xy[:, index, 0] += height * math.tan(math.radians(35.0))
    track = LandmarkTrack(
        times_s=np.arange(70) / FPS, xy_px=np.concatenate([turned.xy_px, xy]),
        visibility=np.ones((70, len(LANDMARK_NAMES))), width=1000, height=1000,
        world_xyz=np.concatenate([turned.world_xyz, square.world_xyz]),
    )
    assert upright_frames(track).sum() == 30
    estimate = estimate_camera_yaw(track)
    assert estimate.frames_used == 30
    assert estimate.yaw_deg == pytest.approx(30.0, abs=1e-6)


def test_camera_yaw_needs_shoulders_and_hips():
    track = _filmed_track("front", 10.0)
    xy = track.xy_px.copy()
    world = track.world_xyz.copy()
    xy[:, Landmark.LEFT_HIP] = np.nan
    world[:, Landmark.LEFT_HIP] = np.nan
    estimate = estimate_camera_yaw(LandmarkTrack(
        times_s=track.times_s, xy_px=xy, visibility=track.visibility, width=1000, height=1000, world_xyz=world,
    ))
    assert estimate.method == "none"
    assert estimate.yaw_deg is None and estimate.magnitude_deg is None
    assert "hips" in estimate.reason


# -- camera yaw on real video (slow) ----------------------------------------------------


def _oblique_warnings(video_path):
    from hipscreen.pipeline import AnalysisOptions, analyze

    result = analyze(video_path, options=AnalysisOptions(pose_workers=1)).result
    return result, [w for w in result["quality"]["warnings"] if "filmed at an angle" in w]


@pytest.mark.slow
def test_back_oblique_real_clip_is_warned(real_video):
    # pose2sim cam03 films the trial from behind and well to one side (shared README:
    # "back-oblique"): it must be measured with the oblique-view warning, not refused.
    result, oblique = _oblique_warnings(real_video("pose2sim_single_cam03.mp4"))
    assert result["view"] == "back"
    assert 25.0 <= abs(result["camera_yaw_deg"]) <= 50.0
    assert len(oblique) == 1 and "straight behind" in oblique[0]
    assert "yaw" in result["details"]["camera_yaw"]["oblique_warning"]
    # Its angles are unreliable, so none is given or flagged (its trunk lean reads over 40 degrees).
    assert [f for f in result["flags"] if "value_deg" in f] == []
    assert ANGLES_WITHHELD_WARNING in result["quality"]["warnings"]
    assert result["details"]["angles_withheld_for_camera_angle"] is True
    assert all(v is None for e in result["events"] for v in e["at_peak"].values())
    assert "ipsilateral_trunk_lean" in result["details"]["flags_withheld_for_camera_angle"]


@pytest.mark.slow
def test_frontal_real_clip_is_not_warned(real_video):
    # zarate_front walks in place facing the camera squarely.
    result, oblique = _oblique_warnings(real_video("zarate_front.mp4"))
    assert result["view"] == "front"
    assert abs(result["camera_yaw_deg"]) < 10.0
    assert oblique == []
    assert result["details"]["camera_yaw"]["oblique_warning"] is None
    assert result["details"]["angles_withheld_for_camera_angle"] is False
    assert all(v is not None for e in result["events"] for v in e["at_peak"].values())


# -- camera roll from walking and around single-leg events --------------------------------

STRIDE_S = 1.0
UPPER_BODY = [i for i, n in enumerate(LANDMARK_NAMES) if not any(j in n for j in ("hip", "knee", "ankle", "heel", "foot"))]


def _walking(roll_deg: float, duration_s=4.0) -> tuple[LandmarkTrack, list]:
    """A person walking on the spot: the upper body sways 40 px to each side in turn once per
    stride (towards each stance leg), the whole picture turned by ``roll_deg``. Left foot
    contacts at 0, 1, 2, 3 s and right ones half a stride later, each stance phase 0.6 s."""
    from metrics.events.base import make_event

    t = np.arange(round(duration_s * FPS)) / FPS
    frames = np.repeat(_xy(_front_pose())[None], len(t), axis=0)
    frames[:, UPPER_BODY, 0] += 40.0 * np.sin(2 * math.pi * t / STRIDE_S)[:, None]
    frames = np.stack([_rotate(f, roll_deg) for f in frames])
    events = []
    for side, first_s in (("left", 0.0), ("right", STRIDE_S / 2)):
        for start_s in np.arange(first_s, duration_s - 0.6, STRIDE_S):
            start = round(start_s * FPS)
            events.append(make_event("gait", side, t, start, start + 5, start + round(0.6 * FPS)))
    return _track(frames), sorted(events, key=lambda e: e.start_s)


@pytest.mark.parametrize("roll_deg", [pytest.param(r, id=f"roll{r:+g}") for r in (-4.0, 0.0, 2.5)])
def test_walking_roll_from_whole_strides(roll_deg):
    track, events = _walking(roll_deg)
    assert estimate_camera_roll(track).roll_deg is None  # nobody stands still
    estimate = estimate_walking_roll(track, events)
    # the sway averages out over each whole stride: what is left is the roll, with the standing sign
    assert estimate.method == "walking_body_axis"
    assert estimate.roll_deg == pytest.approx(roll_deg, abs=0.05)
    assert "5 whole strides" in estimate.reason  # left 0-1, 1-2, 2-3; right 0.5-1.5, 1.5-2.5


def test_walking_roll_needs_two_whole_strides_of_complete_phases():
    track, events = _walking(3.0, duration_s=2.0)  # left contacts 0 and 1 s, right 0.5 s: one stride
    estimate = estimate_walking_roll(track, events)
    assert estimate.roll_deg is None and estimate.method == "none"
    assert "1 whole stride(s)" in estimate.reason
    track, events = _walking(3.0)
    cut = [dataclasses.replace(e, complete=False) if e.side == "right" else e for e in events]
    assert estimate_walking_roll(track, cut).roll_deg == pytest.approx(3.0, abs=0.05)  # the left strides
    only_first = [e for e in events if e.start_s < 1.6]
    assert estimate_walking_roll(track, only_first).roll_deg == pytest.approx(3.0, abs=0.05)  # left 0-1, right 0.5-1.5


def test_standing_is_looked_for_outside_single_leg_events():
    # 0-1.5 s: still, but the body shifted over one foot (its centre line 8 degrees off);
    # 1.7-3 s: standing on both feet, the phone rolled 2 degrees.
    t = np.arange(90) / FPS
    upright = _xy(_front_pose())
    frames = np.stack([_rotate(upright, 8.0 if ti < 1.6 else 2.0) for ti in t])
    frames += np.random.default_rng(1).normal(0.0, 0.3, frames.shape)
    track = _track(frames)
    assert estimate_camera_roll(track).roll_deg == pytest.approx(8.0, abs=0.1)  # the longer stretch
    estimate = estimate_camera_roll(track, single_leg_spans=[(0.2, 1.4)])
    assert estimate.roll_deg == pytest.approx(2.0, abs=0.1)
    assert estimate.start_s >= 1.4 + RollParams().single_leg_margin_s - 1e-9
    nothing_left = estimate_camera_roll(track, single_leg_spans=[(0.2, 1.4), (2.0, 2.6)])
    assert nothing_left.roll_deg is None and "single-leg event" in nothing_left.reason
