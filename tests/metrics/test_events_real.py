"""Task, stance limb and events on real videos, from MediaPipe landmarks (slow).

Expected values come from looking at the frames, not from a run of the code:

- ``zarate_front.mp4`` (walking in place, 25 fps): the feet lift alternately at about
  3.0 (right), 4.0 (left), 5.0 (R), 6.0 (L), 7.0 (R), 8.0 (L), 9.1 (R), 10.4 (L) and
  11.8 s (R), standing still before and after. Complete stance phases lie between two
  swings of the same foot: 4 right and 3 left, alternating, the first one the right foot's
  from about 3.3 s.
- ``vaila_mlwalk.mp4`` (walking towards the camera, 59 fps, 3.8 s; the pose is found from
  0.3 s): near the camera the left foot is planted in front from about 2.75 s and leaves at
  about 3.3 s; the right foot lands in front at about 3.15 s. Counted over the whole clip
  (a foot is planted when it stops moving in the image): contacts left 0.5, right 0.95,
  left 1.45, right 2.05, left 2.6-2.75, right 3.15, left 3.7 s; foot offs right 0.7,
  left 1.1, right 1.6, left 2.2, right 2.8, left 3.35 s. That is 7 steps and 5 complete
  stance phases, alternating: left 0.5-1.1, right 0.95-1.6, left 1.45-2.2,
  right 2.05-2.8, left 2.7-3.35; the right stance from 3.15 s runs past the end. The first
  two are far from the camera (the person a third of the size reached at the end, the legs
  about 45-55 px long in the pipeline's 960 px frames), and there the two feet's landmarks
  are not told apart: their image heights differ by a few pixels either way with no
  pattern, so the detector cannot find those two and must not make them up. From 1.4 s on
  it must find all 3.
- ``sports2d_v2024_demo5.mp4``: lateral raises standing on both feet: no single-leg task.
- ``pose2sim_single_cam01.mp4``: stands on the LEFT leg from about 0.25 s to 1.3 s
  (shared README, from the multi-camera trial).
- ``pose2sim_single_cam03.mp4``: the same trial filmed from behind and to the side; the
  multi-view reference's right ankle rises from about 0.15 s and is back down by about
  1.3 s, when the person steps onto the right leg.
"""

from __future__ import annotations

import pytest

from metrics.angles import compute_angle_series
from metrics.cleaning import clean_track
from metrics.events.gait import detect_gait
from metrics.flags import evaluate_flags
from metrics.summary import summarize
from metrics.swap import repair_swaps
from metrics.tasks import detect_task

pose = pytest.importorskip("vision.pose")

PIPELINE_MAX_SIDE = 960
"""The pipeline's decoding size (hipscreen.pipeline.AnalysisOptions.pose_max_side)."""

pytestmark = pytest.mark.slow


def analyse(path, model_path, *, max_side=None):
    raw = pose.estimate_pose(path, model_path=model_path, max_side=max_side)
    track = clean_track(repair_swaps(raw).track).track
    angles = compute_angle_series(track)
    return detect_task(track, angles), angles


def cleaned_tracks(path, model_path, *, task, max_side=None):
    """The cleaned landmark track as the pipeline measures it: raw, and joint-centre corrected
    (with ``task``'s rule) when it applies."""
    from metrics.joint_centres import estimate_joint_centres, range_check

    raw = pose.estimate_pose(path, model_path=model_path, max_side=max_side)
    track = clean_track(repair_swaps(raw).track).track
    tracks = {"raw": track}
    if range_check(track).clip_in_range:
        tracks["corrected"] = estimate_joint_centres(track, task=task)
    return tracks


def test_zarate_walking_in_place_is_gait_with_alternating_stance(real_video, model_path):
    found, _ = analyse(real_video("zarate_front.mp4"), model_path, max_side=PIPELINE_MAX_SIDE)
    assert found.task == "gait"
    assert found.confident
    complete = [e for e in found.events if e.complete]
    # 4 right and 3 left complete stance phases, alternating, the right foot's first
    assert [e.side for e in complete] == ["right", "left"] * 3 + ["right"]
    first = complete[0]
    assert 3.1 <= first.start_s <= 3.6
    # walking in place: every stance phase lies between the first and the last swing
    assert all(2.9 <= e.start_s and e.end_s <= 12.0 for e in complete)


def test_vaila_walk_towards_camera_is_gait_with_alternating_stance(real_video, model_path):
    tracks = cleaned_tracks(real_video("vaila_mlwalk.mp4"), model_path, task="gait", max_side=PIPELINE_MAX_SIDE)
    assert set(tracks) == {"raw", "corrected"}  # the product's default measures the corrected points
    for mode, track in tracks.items():
        angles = compute_angle_series(track)
        found = detect_task(track, angles)
        assert found.task == "gait", mode
        complete = [e for e in found.events if e.complete]
        # the 3 complete stance phases from 1.4 s on, alternating; none made up further away
        assert [e.side for e in complete] == ["left", "right", "left"], (mode, complete)
        assert all(e.start_s > 1.4 for e in found.events), mode
        first_left, right, late_left = complete
        assert 1.35 <= first_left.start_s <= 1.6 and 2.1 <= first_left.end_s <= 2.35, mode
        assert 1.95 <= right.start_s <= 2.25 and 2.7 <= right.end_s <= 2.95, mode
        assert 2.55 <= late_left.start_s <= 2.9 and 3.1 <= late_left.end_s <= 3.45, mode
        # the right stance from about 3.15 s runs past the end of the video: cut, not complete;
        # no cut phase is made up further away either
        cut = [e for e in detect_gait(track, angles, include_cut=True) if not e.complete]
        assert [e.side for e in cut] == ["right"], (mode, cut)
        assert 2.95 <= cut[0].start_s <= 3.35, mode


def test_lateral_raises_on_both_feet_are_no_single_leg_task(real_video, model_path):
    found, angles = analyse(real_video("sports2d_v2024_demo5.mp4"), model_path, max_side=640)
    assert found.task is None
    assert found.events == ()
    assert "No single-leg task" in found.reason
    assert evaluate_flags(summarize([], angles), task=found.task) == []


def test_pose2sim_single_leg_stance_on_the_left(real_video, model_path):
    found, _ = analyse(real_video("pose2sim_single_cam01.mp4"), model_path)
    assert found.task == "single_leg_stance"
    assert found.stance_side == "left"
    (hold,) = found.events
    assert 0.1 <= hold.start_s <= 0.4
    assert 1.1 <= hold.end_s <= 1.45


def test_pose2sim_back_oblique_view_of_the_same_hold(real_video, model_path):
    found, _ = analyse(real_video("pose2sim_single_cam03.mp4"), model_path)
    assert found.task == "single_leg_stance"
    assert found.stance_side == "left"
    (hold,) = found.events
    assert hold.side == "left"
    assert 0.1 <= hold.start_s <= 0.4
    assert 1.1 <= hold.end_s <= 1.45


SAMPLE_DIR = __import__("pathlib").Path(__file__).resolve().parents[2] / "sample_videos"


@pytest.mark.parametrize(
    "clip, confident",
    [
        pytest.param("step_down_left_front_clean", True, id="left_clean"),
        # Filmed from further back and above: the free foot reaches only 0.17 leg lengths below
        # the stance foot, as low as some squats' free foot held forwards looks from the front,
        # but the free knee is 0.06 leg lengths below the stance knee, which no squat reaches.
        pytest.param("step_down_right_front_lean_toward_rot90", True, id="right_rot90"),
    ],
)
def test_rendered_step_downs_match_their_truth(clip, confident, model_path):
    """Digital patients: task, stance limb, every repetition and its deepest frame, from the renderer's truth."""
    import json

    truth = json.loads((SAMPLE_DIR / f"{clip}.truth.json").read_text())
    found, _ = analyse(SAMPLE_DIR / f"{clip}.mp4", model_path)
    assert found.task == truth["task"] == "step_down"
    assert found.confident is confident
    assert ("unsure" in found.reason) is not confident
    assert found.stance_side == truth["stance_side"]
    assert len(found.events) == len(truth["events"])
    for event, expected in zip(found.events, truth["events"]):
        assert event.side == expected["side"]
        assert event.complete
        assert event.peak_s == pytest.approx(expected["peak_s"], abs=0.1)
        # start and end are where the hips start and stop moving: the truth's motion onset
        # and stop, within 0.2 s (the low-pass filter and landmark noise blur them)
        assert event.start_s == pytest.approx(expected["start_s"], abs=0.2)
        assert event.end_s == pytest.approx(expected["end_s"], abs=0.2)
