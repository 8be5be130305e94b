"""Task, stance limb and events on real videos, from MediaPipe landmarks (slow).

Expected values come from looking at the frames, not from a run of the code:

- ``zarate_front.mp4`` (walking in place, 25 fps): the feet lift alternately at about
  3.0 (right), 4.0 (left), 5.0 (R), 6.0 (L), 7.0 (R), 8.0 (L), 9.1 (R), 10.4 (L) and
  11.8 s (R), standing still before and after. Complete stance phases lie between two
  swings of the same foot: 4 right and 3 left, alternating, the first one the right foot's
  from about 3.3 s.
- ``vaila_mlwalk.mp4`` (walking towards the camera, 59 fps): near the camera the left
  foot is planted in front from about 2.75 s and leaves at about 3.3 s; the right foot
  lands in front at about 3.15 s.
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
from metrics.flags import evaluate_flags
from metrics.summary import summarize
from metrics.swap import repair_swaps
from metrics.tasks import detect_task

pose = pytest.importorskip("vision.pose")

pytestmark = pytest.mark.slow


def analyse(path, model_path, *, max_side=None):
    raw = pose.estimate_pose(path, model_path=model_path, max_side=max_side)
    track = clean_track(repair_swaps(raw).track).track
    angles = compute_angle_series(track)
    return detect_task(track, angles), angles


def test_zarate_walking_in_place_is_gait_with_alternating_stance(real_video, model_path):
    found, _ = analyse(real_video("zarate_front.mp4"), model_path)
    assert found.task == "gait"
    assert found.confident
    complete = [e for e in found.events if e.complete]
    sides = [e.side for e in complete]
    assert all(a != b for a, b in zip(sides, sides[1:])), sides
    assert 6 <= len(complete) <= 8
    assert sides.count("right") >= 3 and sides.count("left") >= 3
    first = complete[0]
    assert first.side == "right"
    assert 3.1 <= first.start_s <= 3.6
    # walking in place: every stance phase lies between the first and the last swing
    assert all(2.9 <= e.start_s and e.end_s <= 12.0 for e in complete)


def test_vaila_walk_towards_camera_is_gait(real_video, model_path):
    found, _ = analyse(real_video("vaila_mlwalk.mp4"), model_path)
    assert found.task == "gait"
    complete = [e for e in found.events if e.complete]
    assert len(complete) >= 5
    sides = [e.side for e in complete]
    switches = sum(a != b for a, b in zip(sides, sides[1:]))
    assert switches >= 0.75 * (len(sides) - 1)
    late_left = [e for e in complete if e.side == "left" and e.start_s > 2.4]
    assert late_left and 2.55 <= late_left[0].start_s <= 2.9 and 3.1 <= late_left[0].end_s <= 3.45
    late_right = [e for e in found.events if e.side == "right" and e.start_s > 2.9]
    assert late_right and 2.95 <= late_right[0].start_s <= 3.35


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
