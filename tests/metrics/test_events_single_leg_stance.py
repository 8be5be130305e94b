"""Single-leg stance holds on synthetic people: foot-off and foot-down times known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from metrics.angles import ANGLE_NAMES, AngleSeries
from metrics.events.single_leg_stance import detect_single_leg_stance
from tests.metrics.events_synthetic import LEG_PX, PELVIS_PX, make_track, smooth_step, steady_times, variable_times
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
