"""Single-leg stance holds on synthetic people: foot-off and foot-down times known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from metrics.angles import ANGLE_NAMES, AngleSeries
from metrics.events.single_leg_stance import detect_single_leg_stance
from tests.metrics.events_synthetic import (
    LEG_PX,
    PELVIS_PX,
    make_track,
    raised_cosine,
    smooth_step,
    steady_times,
    variable_times,
)
from vision.landmarks import SIDES, other_side

LIFT_PX = 0.3 * LEG_PX


def hold_track(times_s, stance, *, lift=None, mid_hip_dx=0.0):
    if lift is None:
        # foot-off starts at 1.0 s (up by 1.3 s); foot-down starts at 6.0 s, on the floor at 6.3 s
        lift = smooth_step(times_s, 1.0, 0.3) - smooth_step(times_s, 6.0, 0.3)
    return make_track(times_s, mid_hip_dx=mid_hip_dx, foot_dy={other_side(stance): -LIFT_PX * lift})


def angles_with_drop_peak(times_s, stance, peak_s):
    """Angle series whose pelvic drop on the stance side peaks at ``peak_s``."""
    zeros = np.zeros(len(times_s))
    values = {name: {side: zeros.copy() for side in SIDES} for name in ANGLE_NAMES}
    values["pelvic_drop_deg"][stance] = 6.0 - np.abs(times_s - peak_s)
    return AngleSeries(times_s=times_s, values=values)


@pytest.mark.parametrize("stance", ["left", "right"])
def test_one_hold_from_foot_off_to_foot_down(stance):
    t = steady_times(8.0)
    (event,) = detect_single_leg_stance(hold_track(t, stance), angles_with_drop_peak(t, stance, 3.0))
    assert event.side == stance
    assert event.task == "single_leg_stance"
    assert event.complete
    assert event.start_s == pytest.approx(1.0, abs=0.1)
    assert event.end_s == pytest.approx(6.3, abs=0.1)
    assert event.hold_duration_s == pytest.approx(5.3, abs=0.15)
    assert event.peak_s == pytest.approx(3.0, abs=1 / 30)


def test_sway_is_the_sd_of_mid_hip_x_in_pelvis_widths():
    t = steady_times(8.0)
    amplitude_px = 12.0
    # whole periods of a 1 Hz sway between 1.3 s and 6.3 s (5 s): SD = A / sqrt(2)
    sway = amplitude_px * np.sin(2 * np.pi * 1.0 * (t - 1.3))
    (event,) = detect_single_leg_stance(hold_track(t, "left", mid_hip_dx=sway))
    assert event.sway_pelvis_widths == pytest.approx(amplitude_px / np.sqrt(2) / PELVIS_PX, abs=0.012)


def test_stumble_where_the_other_foot_touches_down_splits_the_hold():
    t = steady_times(8.0)
    # down at 2.8-3.0 s, on the floor 3.0-3.4 s, up again 3.4-3.6 s
    lift = (
        smooth_step(t, 1.0, 0.3)
        - smooth_step(t, 2.8, 0.2)
        + smooth_step(t, 3.4, 0.2)
        - smooth_step(t, 6.0, 0.3)
    )
    events = detect_single_leg_stance(hold_track(t, "right", lift=lift))
    assert len(events) == 2
    first, second = events
    assert first.end_s == pytest.approx(3.0, abs=0.1)
    assert second.start_s == pytest.approx(3.4, abs=0.1)
    assert all(e.side == "right" for e in events)
    assert first.hold_duration_s < 2.5 and second.hold_duration_s < 3.5


def test_hold_already_going_when_the_video_starts_is_incomplete():
    t = steady_times(5.0)
    # Foot already up from the first frame, 0.4 leg lengths above the stance foot (clearly
    # more than a foot put down further from the camera could look), down at 4.3 s.
    lift = (1.0 - smooth_step(t, 4.0, 0.3)) * 0.4 / 0.3
    (event,) = detect_single_leg_stance(hold_track(t, "left", lift=lift))
    assert event.start_index == 0
    assert not event.complete
    assert event.end_s == pytest.approx(4.3, abs=0.1)


def test_variable_frame_rate():
    t = variable_times(8.0)
    (event,) = detect_single_leg_stance(hold_track(t, "left"))
    assert event.start_s == pytest.approx(1.0, abs=0.12)
    assert event.end_s == pytest.approx(6.3, abs=0.12)


def test_standing_on_both_feet_gives_no_hold():
    t = steady_times(5.0)
    assert detect_single_leg_stance(make_track(t)) == []


def test_short_step_is_not_a_hold():
    t = steady_times(4.0)
    lift = smooth_step(t, 1.0, 0.1) - smooth_step(t, 1.2, 0.1)  # 0.3 s off the ground
    assert detect_single_leg_stance(hold_track(t, "left", lift=lift)) == []


def test_side_filter_and_peak_without_angles():
    t = steady_times(8.0)
    track = hold_track(t, "left")
    assert detect_single_leg_stance(track, side="right") == []
    (event,) = detect_single_leg_stance(track, side="left")
    assert event.peak_index == (event.start_index + event.end_index) // 2
    assert any("peak set at its middle" in note for note in event.notes)


def angles_with_drop(times_s, stance, drop_deg):
    zeros = np.zeros(len(times_s))
    values = {name: {side: zeros.copy() for side in SIDES} for name in ANGLE_NAMES}
    values["pelvic_drop_deg"][stance] = np.asarray(drop_deg, dtype=float)
    return AngleSeries(times_s=times_s, values=values)


@pytest.mark.parametrize("stance", ["left", "right"])
def test_peak_is_not_the_weight_transfer_at_the_hold_edges(stance):
    # Raw landmarks can make the pelvis look *hitched* on one leg: -1 deg standing,
    # -7 deg during the hold, with one sway bump up to -6 deg at 4.0 s. The drop moves
    # between the two levels while the foot goes up (1.0-1.3 s) and down (6.0-6.3 s), so
    # the largest value of the detected hold is at its edges, in the weight transfer.
    t = steady_times(8.0)
    on_one_leg = smooth_step(t, 1.0, 0.3) - smooth_step(t, 6.0, 0.3)
    bump = 0.5 * (1 - np.cos(2 * np.pi * np.clip((t - 3.5) / 1.0, 0, 1)))  # 0 outside 3.5-4.5 s, 1 at 4.0 s
    drop = -1.0 - 6.0 * on_one_leg + 1.0 * bump
    (event,) = detect_single_leg_stance(hold_track(t, stance), angles_with_drop(t, stance, drop))
    assert event.peak_s == pytest.approx(4.0, abs=1 / 30)
    assert not any("turning point" in note for note in event.notes)


def test_drop_growing_until_foot_down_peaks_just_before_it():
    # The pelvis drops more and more (2 deg at 1.3 s to 8 deg at 6.0 s) and levels again
    # as the foot comes down (6.0-6.3 s): the peak is at 6.0 s.
    t = steady_times(8.0)
    on_one_leg = smooth_step(t, 1.0, 0.3) - smooth_step(t, 6.0, 0.3)
    growing = 2.0 + 6.0 * np.clip((t - 1.3) / 4.7, 0, 1)
    drop = -1.0 + (growing + 1.0) * on_one_leg
    (event,) = detect_single_leg_stance(hold_track(t, "left"), angles_with_drop(t, "left", drop))
    assert event.peak_s == pytest.approx(6.0, abs=2 / 30)


def test_drop_without_turning_point_peaks_at_its_largest_value_with_a_note():
    # Hold cut by the end of the video while the drop still grows: no turning point. The
    # foot ends 0.4 leg lengths up, clearly off the ground without a later foot-down.
    t = steady_times(5.0)
    lift = smooth_step(t, 1.0, 0.3) * 0.4 / 0.3
    drop = np.linspace(0.0, 9.0, len(t))
    (event,) = detect_single_leg_stance(hold_track(t, "left", lift=lift), angles_with_drop(t, "left", drop))
    assert not event.complete
    assert event.peak_index == event.end_index == len(t) - 1
    assert any("no turning point" in note for note in event.notes)


def test_stance_foot_landmarks_creeping_up_do_not_cut_the_hold():
    # While the free foot is up (1.0-6.3 s), the stance foot's landmarks rise 16 px (0.04
    # leg lengths, more than the 0.03 lift test) and come back, slowly (1.5-4.5 s): a heel
    # rise or landmark drift, not a step. Both feet cannot be off the ground at once; the
    # free foot, lifted by 0.3 leg lengths, is the one off it.
    t = steady_times(8.0)
    lift = smooth_step(t, 1.0, 0.3) - smooth_step(t, 6.0, 0.3)
    creep = 16.0 * raised_cosine(t, 1.5, 3.0)
    track = make_track(t, foot_dy={"right": -LIFT_PX * lift, "left": -creep})
    (event,) = detect_single_leg_stance(track)
    assert event.side == "left"
    assert event.start_s == pytest.approx(1.0, abs=0.1)
    assert event.end_s == pytest.approx(6.3, abs=0.1)


def test_jump_with_both_feet_is_not_a_hold():
    # Both feet leave the ground together for 0.8 s (up 1.0-1.2 s, down 1.6-1.8 s), the
    # left one a little higher: neither foot stood on the ground, so there is no hold.
    t = steady_times(4.0)
    jump = smooth_step(t, 1.0, 0.2) - smooth_step(t, 1.6, 0.2)
    track = make_track(t, mid_hip_dy=-40.0 * jump, foot_dy={"left": -48.0 * jump, "right": -40.0 * jump})
    assert detect_single_leg_stance(track) == []
