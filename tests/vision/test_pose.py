"""Pose estimation: following one person, real video, rotation, no person, clean stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from tests.vision.clips import moving_pictures, write_clip
from vision.decode import probe_video
from vision.errors import InputProblem
from vision.landmarks import LANDMARK_NAMES
from vision.pose import (
    RAW_FIELDS,
    MainPersonFollower,
    Person,
    PoseParams,
    distinct_people,
    estimate_pose,
    frame_brightness,
    people_from_raw,
)

# -- following one person (no MediaPipe) ----------------------------------------------

# A stick figure's 33 points inside a unit box (x in [-0.25, 0.25], y in [-1, 1]).
_TEMPLATE = np.column_stack([np.linspace(-0.25, 0.25, 33), np.linspace(-1.0, 1.0, 33)])


def person_at(x_px: float, y_px: float, height_px: float) -> Person:
    """A detection whose landmarks span ``height_px`` vertically around (x, y)."""
    xy = np.array([x_px, y_px]) + _TEMPLATE * height_px / 2
    return Person(xy_px=xy, visibility=np.ones(33), world_xyz=np.zeros((33, 3)))


def test_the_largest_person_starts_the_track():
    follower = MainPersonFollower()
    assert follower.choose([person_at(100, 300, 200), person_at(600, 300, 400)], 0.0) == 1


def test_the_main_person_is_followed_even_when_someone_larger_comes_near():
    follower = MainPersonFollower()
    follower.choose([person_at(300, 300, 300)], 0.0)
    # The main person moved 10 px; a taller person stands 150 px away.
    assert follower.choose([person_at(460, 300, 500), person_at(310, 300, 300)], 1 / 30) == 1


def test_someone_else_alone_in_the_frame_does_not_take_over():
    # Body size (box diagonal) of a 400 px tall figure: hypot(100, 400) = 412 px.
    follower = MainPersonFollower()
    follower.choose([person_at(300, 300, 400)], 0.0)
    # 600 px away one frame later: farther than 0.5 body + 1 body/s * 1/30 s, about 220 px.
    assert follower.choose([person_at(900, 300, 400)], 1 / 30) is None
    # Two seconds later the allowed distance is 412 * (0.5 + 2) = 1031 px: may be them.
    assert follower.choose([person_at(900, 300, 400)], 2.0) == 0


def test_nobody_found():
    assert MainPersonFollower().choose([], 0.0) is None


def test_the_same_body_found_twice_counts_once():
    a, b, c = person_at(300, 300, 400), person_at(310, 305, 400), person_at(800, 300, 400)
    assert len(distinct_people([a, b, c], params=PoseParams())) == 2


def test_raw_output_becomes_pixels_of_the_full_frame():
    # MediaPipe gives fractions of the picture; a 1080 x 1920 frame scales them.
    raw = np.zeros((1, 33, RAW_FIELDS), dtype=np.float32)
    raw[0, :, 0], raw[0, :, 1], raw[0, :, 2] = 0.5, 0.25, 0.9
    raw[0, :, 3:] = (0.1, -0.2, 0.3)
    (person,) = people_from_raw(raw, width=1080, height=1920)
    np.testing.assert_allclose(person.xy_px, np.tile([540.0, 480.0], (33, 1)))
    np.testing.assert_allclose(person.visibility, 0.9, rtol=1e-6)
    np.testing.assert_allclose(person.world_xyz, np.tile([0.1, -0.2, 0.3], (33, 1)), rtol=1e-6)
    assert people_from_raw(np.zeros((0, 33, RAW_FIELDS), dtype=np.float32), width=10, height=10) == []


def test_brightness_is_the_mean_pixel_value():
    grey = np.full((1920, 1080, 3), 77, dtype=np.uint8)
    assert frame_brightness(grey) == 77.0
    # Top quarter white, the rest black: a quarter of 255, within the grid's rounding.
    picture = np.zeros((1920, 1080, 3), dtype=np.uint8)
    picture[:480] = 255
    assert abs(frame_brightness(picture) - 255 / 4) < 2.0
    tiny = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    assert frame_brightness(tiny) == pytest.approx(tiny.mean())


# -- MediaPipe on video (slow) --------------------------------------------------------

BODY = [n for n in LANDMARK_NAMES if n.split("_", 1)[-1] in ("shoulder", "hip", "knee", "ankle", "heel", "elbow")]
REFERENCE_NAMES = {
    "LShoulder": "left_shoulder", "RShoulder": "right_shoulder", "LHip": "left_hip", "RHip": "right_hip",
    "LKnee": "left_knee", "RKnee": "right_knee", "LAnkle": "left_ankle", "RAnkle": "right_ankle",
}


@pytest.mark.slow
def test_landmarks_on_a_downscaled_frame_are_in_full_size_pixels(real_video, model_path, shared_dir):
    # Pose2Sim's multi-camera reconstruction, projected into this camera, is the reference.
    path = real_video("pose2sim_single_cam01.mp4")
    done = []
    track = estimate_pose(path, model_path=model_path, max_side=640, progress=done.append)
    assert (track.width, track.height, len(track)) == (1080, 1920, 100)
    np.testing.assert_allclose(track.times_s, np.arange(100) / 60, atol=1e-6)
    assert done[-1] == 1.0 and np.all(np.diff(done) > 0)
    assert track.has_pose.all()
    assert track.world_xyz.shape == (100, 33, 3) and np.isfinite(track.world_xyz).all()
    reference = json.loads((path.parent / "pose2sim_single_cam01.reference.json").read_text())
    errors = []
    for ref_name, name in REFERENCE_NAMES.items():
        truth = np.asarray(reference["joints"][ref_name], dtype=float)
        errors.append(np.linalg.norm(track.point(name)[: len(truth)] - truth, axis=1))
    # Measured 18 px median at full size; a wrong scale (640-px coordinates) would be hundreds.
    assert np.median(np.concatenate(errors)) < 35


@pytest.mark.slow
def test_a_clip_stored_sideways_gives_the_same_landmarks(upright_and_rotated, model_path):
    upright, tagged = upright_and_rotated
    a = estimate_pose(upright, model_path=model_path, prefetch_frames=0)
    b = estimate_pose(tagged, model_path=model_path, video=probe_video(tagged))
    assert (b.width, b.height) == (a.width, a.height) == (1080, 1920)
    idx = [LANDMARK_NAMES.index(n) for n in BODY]
    distance = np.linalg.norm(a.xy_px[:, idx] - b.xy_px[:, idx], axis=2)
    # The upright pictures are identical (lossless clips), so the landmarks must be too.
    assert np.nanmax(distance) < 0.5


@pytest.mark.slow
def test_two_people_one_followed(real_video, model_path):
    # A man stands on a cabinet (hips in the upper third of the 994-px-high picture)
    # while a woman walks past on the grass below (hips near y = 720 px) from about
    # frame 60; he leaps off into the sun around frame 160 and lands on the right.
    track = estimate_pose(real_video("sports2d_demo.mp4"), model_path=model_path, max_side=480)
    assert (track.extra_people[60:150] >= 1).mean() > 0.8
    hip_y = (track.point("left_hip")[:, 1] + track.point("right_hip")[:, 1]) / 2
    while_on_cabinet = hip_y[10:160]
    assert np.nanmax(while_on_cabinet) < 400
    # While only the woman is found the track stays empty rather than jumping to her.
    walking_alone = hip_y[165:185]
    assert np.all(np.isnan(walking_alone) | (walking_alone < 400))
    # ... and she is still counted as somebody else in view.
    assert np.isnan(walking_alone).sum() >= 10
    assert np.all(track.extra_people[165:185][np.isnan(walking_alone)] >= 1)


@pytest.mark.slow
def test_no_person(tmp_path, model_path):
    clip = write_clip(tmp_path / "empty_room.mp4", moving_pictures(20, width=320, height=240), fps=10)
    with pytest.raises(InputProblem) as caught:
        estimate_pose(clip, model_path=model_path)
    assert caught.value.code == "no_person"


@pytest.mark.slow
def test_stderr_stays_clean(upright_and_rotated, model_path):
    upright, _ = upright_and_rotated
    script = textwrap.dedent(
        f"""
        from vision.pose import estimate_pose
        track = estimate_pose({str(upright)!r}, model_path={str(model_path)!r}, max_side=320)
        print(len(track))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env={**os.environ}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().isdigit()
    assert done.stderr == ""
