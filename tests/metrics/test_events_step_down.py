"""Step-down and single-leg squat repetitions on synthetic people with known timing."""

from __future__ import annotations

import numpy as np
import pytest

from metrics.events.step_down import (
    STEP_DOWN_PARAMS,
    RepetitionParams,
    detect_repetitions,
    find_repetitions,
)
from tests.metrics.events_synthetic import LEG_PX, make_track, raised_cosine, steady_times, variable_times
from vision.landmarks import other_side

# A raised-cosine repetition of duration T moves at a speed proportional to
# sin(2 pi phase); it starts and stops where that speed is a fraction f of its top speed,
# phase = asin(f) / (2 pi): the onset and the stop of the movement, within a frame.
BOUNDARY_PHASE = np.arcsin(STEP_DOWN_PARAMS.boundary_frac_of_speed) / (2 * np.pi)


def expected_times(start_s, duration_s):
    return (
        start_s + BOUNDARY_PHASE * duration_s,
        start_s + duration_s / 2,
        start_s + (1 - BOUNDARY_PHASE) * duration_s,
    )


def step_down_track(times_s, stance, reps, *, depth_px=80.0, box_px=100.0):
    """Stance foot on a box (higher in the image); the other foot reaches down to the floor at each repetition."""
    bump = sum(raised_cosine(times_s, start, duration) for start, duration in reps)
    return make_track(
        times_s,
        mid_hip_dy=-box_px + depth_px * bump,
        foot_dy={stance: -box_px, other_side(stance): -box_px + 10 + (box_px - 10) * bump},
    )


def squat_track(times_s, stance, reps, *, depth_px=60.0, lift_px=100.0):
    """Both feet on the floor level; the other foot held up and going down with the pelvis.

    At the deepest point the other foot is still ``lift_px - depth_px`` above the floor (it
    never touches down in a single-leg squat), its knee half as much above the stance knee.
    """
    bump = sum(raised_cosine(times_s, start, duration) for start, duration in reps)
    return make_track(
        times_s,
        mid_hip_dy=depth_px * bump,
        foot_dy={stance: 0.0, other_side(stance): -lift_px + depth_px * bump},
    )


@pytest.mark.parametrize("stance", ["left", "right"])
def test_three_step_downs_found_with_timing_and_stance(stance):
    t = steady_times(10.0)
    reps = [(1.0, 2.0), (4.0, 2.0), (7.0, 2.0)]
    events = detect_repetitions(step_down_track(t, stance, reps), task="step_down")
    assert len(events) == 3
    for event, (start, duration) in zip(events, reps):
        exp_start, exp_peak, exp_end = expected_times(start, duration)
        assert event.side == stance
        assert event.task == "step_down"
        assert event.complete
        assert event.start_s == pytest.approx(exp_start, abs=0.05)
        assert event.peak_s == pytest.approx(exp_peak, abs=0.05)
        assert event.end_s == pytest.approx(exp_end, abs=0.05)
        assert event.depth_leg_lengths == pytest.approx(80.0 / LEG_PX, abs=0.01)
        assert t[event.peak_index] == event.peak_s


def test_the_stance_foot_on_the_box_is_the_higher_one_not_the_lower():
    # Stance right on the box: at the deepest point the left foot is the lower one in the
    # image. The stance limb must still be right: the foot that stays put.
    t = steady_times(4.0)
    track = step_down_track(t, "right", [(1.0, 2.0)])
    peak = int(np.argmin(np.abs(t - 2.0)))
    assert track.point("left_ankle")[peak, 1] > track.point("right_ankle")[peak, 1]
    (event,) = detect_repetitions(track, task="step_down")
    assert event.side == "right"


@pytest.mark.parametrize("stance", ["left", "right"])
def test_single_leg_squat_stance_is_the_foot_that_stays_on_the_floor(stance):
    t = steady_times(6.0)
    events = detect_repetitions(squat_track(t, stance, [(1.0, 2.0), (3.5, 2.0)]), task="single_leg_squat")
    assert [e.side for e in events] == [stance, stance]
    assert events[0].peak_s == pytest.approx(2.0, abs=0.05)


def held_leg_squat_track(times_s, stance, reps, *, depth_px=60.0, foot_up_px=100.0, knee_up_px=None):
    """A single-leg squat with the free leg held forward and still, as MediaPipe sees it from behind.

    The free foot, hidden behind the stance leg, stays ``foot_up_px`` above the stance foot and
    does not move; its knee (halfway between hip and ankle) is half as high above the stance
    knee unless ``knee_up_px`` says otherwise.
    """
    bump = sum(raised_cosine(times_s, start, duration) for start, duration in reps)
    knee_dy = None if knee_up_px is None else {other_side(stance): -(knee_up_px - foot_up_px / 2)}
    return make_track(times_s, mid_hip_dy=depth_px * bump, foot_dy={stance: 0.0, other_side(stance): -foot_up_px},
                      knee_dy=knee_dy)


@pytest.mark.parametrize("stance", ["left", "right"])
@pytest.mark.parametrize("foot_up_px, knee_up_px", [(100.0, None), (68.0, 28.0)])
def test_a_free_leg_held_still_above_the_floor_is_the_free_leg_of_a_single_leg_squat(stance, foot_up_px, knee_up_px):
    # Neither foot moves during the repetitions: the leg held up throughout is the free one.
    # Held high (foot 100 px = 0.25 leg lengths up, knee 50 px = 0.125), or held low as in a
    # rendered back-view squat (foot 0.17, knee 0.07 leg lengths up).
    from metrics.tasks import detect_task

    t = steady_times(6.0)
    track = held_leg_squat_track(t, stance, [(1.0, 2.0), (3.5, 2.0)], foot_up_px=foot_up_px, knee_up_px=knee_up_px)
    events = detect_repetitions(track, task="single_leg_squat")
    assert [e.side for e in events] == [stance, stance]
    assert not any("uncertain" in note for e in events for note in e.notes)
    found = detect_task(track)
    assert (found.task, found.stance_side) == ("single_leg_squat", stance)
    assert [e.side for e in found.events] == [stance, stance]


@pytest.mark.parametrize("foot_up_px, knee_up_px", [(40.0, 20.0), (100.0, 20.0), (40.0, 50.0)])
def test_a_double_leg_squat_with_one_foot_further_back_is_not_a_single_leg_squat(foot_up_px, knee_up_px):
    # One foot placed further from the camera looks higher through perspective, its knee by
    # about half as much; below either threshold (0.15 and 0.06 leg lengths: 60 and 24 px
    # here) both feet stayed on the floor.
    from metrics.tasks import detect_task

    t = steady_times(6.0)
    track = held_leg_squat_track(t, "left", [(1.0, 2.0), (3.5, 2.0)], foot_up_px=foot_up_px, knee_up_px=knee_up_px)
    assert detect_task(track).task is None


def test_one_repetition_only():
    t = steady_times(4.0)
    events = detect_repetitions(step_down_track(t, "left", [(1.0, 2.0)]), task="step_down")
    assert len(events) == 1
    assert events[0].complete


def test_repetition_cut_by_the_video_end_is_marked_incomplete():
    t = steady_times(5.0)
    # the second repetition would end at 6.0 s; the video stops at 5.0 s, past its deepest point
    events = detect_repetitions(step_down_track(t, "right", [(1.0, 2.0), (4.0, 2.0)]), task="step_down")
    assert len(events) == 2
    assert events[0].complete
    assert not events[1].complete
    assert events[1].end_index == len(t) - 1
    assert events[1].peak_s == pytest.approx(t[-1], abs=0.05)


def test_variable_frame_rate_uses_real_timestamps():
    t = variable_times(10.0)
    reps = [(1.0, 2.0), (5.0, 3.0)]
    events = detect_repetitions(step_down_track(t, "left", reps), task="step_down")
    assert len(events) == 2
    max_dt = float(np.max(np.diff(t)))
    for event, (start, duration) in zip(events, reps):
        exp_start, exp_peak, exp_end = expected_times(start, duration)
        assert event.peak_s == pytest.approx(exp_peak, abs=max_dt)
        # the low-pass filter spreads the onset and the stop by a few hundredths of a second
        assert event.start_s == pytest.approx(exp_start, abs=max_dt + 0.05)
        assert event.end_s == pytest.approx(exp_end, abs=max_dt + 0.05)


def test_shallow_bob_is_not_a_repetition():
    t = steady_times(6.0)
    shallow = 0.03 * LEG_PX  # 3 % of the leg: below min_depth_frac_leg_length
    events = detect_repetitions(step_down_track(t, "left", [(1.0, 2.0)], depth_px=shallow), task="step_down")
    assert events == []


def test_back_to_back_repetitions_split_at_the_highest_point_between():
    # Two repetitions with no pause: the boundary is the highest mid-hip between them.
    # Bumps at 1.0-3.0 s and 2.4-4.4 s: their sum stays above 5 % of the depth between them
    # (each is 0.206 of its depth at 2.7 s), so the split is at the highest point, 2.7 s.
    t = steady_times(6.0)
    events = detect_repetitions(step_down_track(t, "right", [(1.0, 2.0), (2.4, 2.0)]), task="step_down")
    assert len(events) == 2
    assert events[0].end_index == events[1].start_index
    assert events[0].end_s == pytest.approx(2.7, abs=0.05)


def test_side_override_is_used():
    t = steady_times(4.0)
    events = detect_repetitions(step_down_track(t, "right", [(1.0, 2.0)]), task="step_down", side="left")
    assert [e.side for e in events] == ["left"]
    assert "set by the user" in events[0].notes[0]


def test_find_repetitions_on_a_plain_depth_curve():
    t = np.linspace(0, 4, 401)
    depth = 0.2 * raised_cosine(t, 1.0, 2.0)
    (rep,) = find_repetitions(t, depth, params=RepetitionParams(min_depth_frac_leg_length=0.1))
    assert t[rep.peak] == pytest.approx(2.0, abs=0.01)
    assert rep.depth_legs == pytest.approx(0.2, abs=1e-3)


def test_invalid_arguments_raise():
    t = steady_times(2.0)
    track = make_track(t)
    with pytest.raises(ValueError, match="task"):
        detect_repetitions(track, task="gait")
    with pytest.raises(ValueError, match="side"):
        detect_repetitions(track, side="middle")


def test_free_leg_reach_is_the_smaller_of_the_knee_and_foot_drops():
    # Step-down on a 100 px box: at the deepest point (2.0 s) the other foot is on the
    # floor, 100 px below the stance foot; each knee lies halfway between its hip and
    # ankle, so the other knee is 50 px below the stance knee (the hips are level).
    from metrics.events.body import BodyParams, body_signals
    from metrics.events.step_down import free_foot_drop_legs, free_knee_drop_legs, free_leg_reach_legs

    t = steady_times(4.0)
    body = body_signals(step_down_track(t, "left", [(1.0, 2.0)]), params=BodyParams(smoothing_cutoff_hz=3.0))
    peak = int(np.argmin(np.abs(t - 2.0)))
    leg = body.leg_length_px[peak]
    assert free_foot_drop_legs(body, "left", peak) * leg == pytest.approx(100.0, abs=1.0)
    assert free_knee_drop_legs(body, "left", peak) * leg == pytest.approx(50.0, abs=1.0)
    assert free_leg_reach_legs(body, "left", peak) == free_knee_drop_legs(body, "left", peak)


def test_free_leg_reach_is_nan_without_knees():
    from metrics.events.body import body_signals
    from metrics.events.step_down import free_leg_reach_legs

    t = steady_times(4.0)
    track = step_down_track(t, "left", [(1.0, 2.0)])
    xy = track.xy_px.copy()
    for side in ("left", "right"):
        xy[:, track_index(f"{side}_knee")] = np.nan
    body = body_signals(track.with_xy(xy))
    assert np.isnan(free_leg_reach_legs(body, "left", 60))


def track_index(name):
    from vision.landmarks import LANDMARK_NAMES

    return LANDMARK_NAMES.index(name)
