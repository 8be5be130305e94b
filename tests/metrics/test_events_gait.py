"""Gait stance phases on a synthetic person walking in place: swing times known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from metrics.events.gait import GaitParams, detect_gait, stance_phases
from tests.metrics.events_synthetic import LEG_PX, make_track, raised_cosine, smooth_step, steady_times, variable_times

SWING_S = 0.4
LIFT_PX = 0.1 * LEG_PX


def swing_starts(first_s, count, period_s=1.0):
    return [first_s + k * period_s for k in range(count)]


def walking_in_place(times_s, *, left_first_s=0.5, right_first_s=1.0, count=5, toward_camera_px_per_s=0.0):
    """Each foot lifts for 0.4 s once a second, the feet half a period apart."""
    foot_dy = {}
    for side, first in (("left", left_first_s), ("right", right_first_s)):
        lift = sum(raised_cosine(times_s, s, SWING_S) for s in swing_starts(first, count))
        foot_dy[side] = -LIFT_PX * lift
    return make_track(times_s, foot_dy=foot_dy)


def expected_stances(first_s, count):
    """Complete stance phases: from the end of one swing to the start of the next."""
    starts = swing_starts(first_s, count)
    return [(a + SWING_S, b) for a, b in zip(starts, starts[1:])]


@pytest.mark.parametrize("times", [steady_times(6.0), variable_times(6.0)], ids=["steady_30fps", "variable_rate"])
def test_stance_phases_alternate_with_known_timing(times):
    events = detect_gait(walking_in_place(times))
    complete = [e for e in events if e.complete]
    assert [e.side for e in complete] == ["left", "right"] * 4
    tolerance = 0.08 + float(np.max(np.diff(times)))
    for side, first in (("left", 0.5), ("right", 1.0)):
        found = [e for e in complete if e.side == side]
        for event, (start, end) in zip(found, expected_stances(first, 5), strict=True):
            assert event.start_s == pytest.approx(start, abs=tolerance)
            assert event.end_s == pytest.approx(end, abs=tolerance)


def test_phases_cut_by_the_video_are_incomplete_and_standing_is_not_a_stance():
    t = steady_times(6.0)
    events = detect_gait(walking_in_place(t), include_cut=True)
    cut = [e for e in events if not e.complete]
    # the right foot stands from the first frame until its first swing at 1.0 s, while the
    # left foot swings at 0.5 s: that phase is cut by the video start
    assert any(e.side == "right" and e.start_index == 0 for e in cut)
    # the left foot stands from 0 to 0.5 s without the right foot swinging: not a stance phase
    assert not any(e.side == "left" and e.start_index == 0 for e in events)


def test_phase_cut_by_the_video_end_is_kept_when_its_single_support_was_filmed():
    """Left swings 0.5 + k s, right 1.0 + k s (0.4 s each): the left foot lands at 4.9 s.

    Filmed to 6.0 s, the right foot swings from 5.0 to 5.4 s while the left stands: the left
    phase from 4.9 s has no foot off but its whole single support, so it is returned, cut.
    The right phase under way in the first frame (the left swings inside it) is not: its
    contact was not filmed, and a walk's first step from standing looks the same.
    """
    t = steady_times(6.0)
    events = detect_gait(walking_in_place(t))
    cut = [e for e in events if not e.complete]
    assert len(cut) == 1
    (last,) = cut
    assert last.side == "left"
    assert last.start_s == pytest.approx(4.9, abs=0.08)
    assert last.end_index == len(t) - 1
    # the note says it was cut
    assert any("cut by the start or the end of the video" in note for note in last.notes)
    assert not any(e.start_index == 0 for e in events)
    assert sum(e.complete for e in events) == 8


def test_phase_cut_before_the_other_foot_lands_is_left_out():
    """Filmed to 5.2 s, the right foot is still in the air: the left phase from 4.9 s has no
    whole single support, so it is left out (returned only with ``include_cut``)."""
    t = steady_times(5.2)
    assert all(e.complete for e in detect_gait(walking_in_place(t)))
    cut = [e for e in detect_gait(walking_in_place(t), include_cut=True) if not e.complete]
    assert any(e.side == "left" and e.start_s == pytest.approx(4.9, abs=0.08) for e in cut)


def test_single_support_inside_needs_a_whole_swing_of_the_other_foot():
    from metrics.events.gait import single_support_inside

    swinging = np.zeros(20, dtype=bool)
    swinging[8:12] = True  # the other foot off the ground in frames 8-11
    assert single_support_inside(swinging, 5, 19)
    assert single_support_inside(swinging, 7, 12)
    assert not single_support_inside(swinging, 8, 19)  # already swinging at the phase's first frame
    assert not single_support_inside(swinging, 5, 11)  # still swinging at its last frame
    assert not single_support_inside(swinging, 12, 19)  # no swing inside


def test_standing_still_has_no_stance_phase():
    t = steady_times(5.0)
    assert detect_gait(make_track(t)) == []


def test_long_pause_is_not_a_stance_phase():
    t = steady_times(8.0)
    # left swings at 0.5 and at 4.5: the left foot stands 3.6 s in between (a pause)
    track = make_track(
        t,
        foot_dy={
            "left": -LIFT_PX * (raised_cosine(t, 0.5, SWING_S) + raised_cosine(t, 4.5, SWING_S)),
            "right": -LIFT_PX * (raised_cosine(t, 1.0, SWING_S) + raised_cosine(t, 5.0, SWING_S)),
        },
    )
    events = detect_gait(track, params=GaitParams(max_stance_s=2.0))
    assert all(e.duration_s <= 2.0 for e in events)


def test_stance_phases_from_masks():
    t = np.arange(10) / 10.0
    left = np.array([0, 0, 1, 1, 0, 0, 0, 1, 1, 0], dtype=bool)
    right = np.array([1, 0, 0, 0, 0, 1, 1, 0, 0, 0], dtype=bool)
    phases = stance_phases(t, {"left": left, "right": right}, params=GaitParams(min_stance_s=0.1))
    # left still 0.4-0.6 s (right swings at 0.5-0.6): a complete left stance phase, frames 4-6
    assert ("left", 4, 6, True) in phases
    # right still 0.1-0.4 s while the left swings: frames 1-4
    assert ("right", 1, 4, True) in phases


@pytest.mark.parametrize("towards", [True, False], ids=["towards_camera", "away_from_camera"])
@pytest.mark.parametrize("times", [steady_times(4.0, 60.0), variable_times(4.0)], ids=["steady_60fps", "variable_rate"])
def test_overground_walk_stance_phases_from_contact_to_foot_off(towards, times):
    from tests.metrics.events_synthetic import walking_overground

    track, truth = walking_overground(times, towards=towards)
    events = detect_gait(track)
    complete = [e for e in events if e.complete]
    assert all("walking " + ("towards" if towards else "away") in e.notes[0] for e in events)
    sides = [e.side for e in complete]
    assert all(a != b for a, b in zip(sides, sides[1:]))  # alternating
    # Perspective mixes the foot's lift with its fore-aft position (module notes): walking
    # towards the camera foot off comes late, walking away contact comes early, by up to
    # 0.2 s in this model; the other end of the phase is found within 0.06 s.
    tol_start, tol_end = (0.06, 0.2) if towards else (0.2, 0.06)
    for side in ("left", "right"):
        found = [(e.start_s, e.end_s) for e in complete if e.side == side]
        assert len(found) >= max(len(truth[side]) - 1, 2)
        for start, end in found:
            assert any(
                abs(start - contact) <= tol_start and abs(end - off) <= tol_end for contact, off in truth[side]
            ), (side, start, end, truth[side])


def test_peak_is_the_largest_pelvic_drop_in_single_support():
    from metrics.angles import ANGLE_NAMES, AngleSeries

    t = steady_times(6.0)
    values = {a: {s: np.zeros(len(t)) for s in ("left", "right")} for a in ANGLE_NAMES}
    # left stance from about 0.9 s to 1.5 s, the right foot swinging 1.0-1.4 s: a large drop
    # at 0.92 s (double support, just after left contact) must lose to a smaller one at 1.2 s
    values["pelvic_drop_deg"]["left"] = 8.0 * np.exp(-(((t - 0.92) / 0.02) ** 2)) + 3.0 * np.exp(
        -(((t - 1.2) / 0.05) ** 2)
    )
    events = detect_gait(walking_in_place(t), AngleSeries(times_s=t, values=values))
    first_left = next(e for e in events if e.side == "left" and e.complete)
    assert first_left.start_s < 0.95
    assert first_left.peak_s == pytest.approx(1.2, abs=1 / 30)


@pytest.mark.parametrize("bob_m", [0.0, 0.05], ids=["steady_pelvis", "pelvis_bobbing_5cm"])
@pytest.mark.parametrize("facing", [True, False], ids=["treadmill_filmed_from_front", "treadmill_filmed_from_behind"])
def test_treadmill_walk_uses_the_foot_position_relative_to_the_pelvis(facing, bob_m):
    # a pelvis rising and falling by 5 cm with each step, as in ordinary walking, is read
    # with the feet (double support at every step: no second reading)
    from tests.metrics.events_synthetic import walking_overground

    times = steady_times(4.0, 60.0)
    track, truth = walking_overground(times, towards=facing, treadmill=True, start_distance_m=3.0, pelvis_bob_m=bob_m)
    events = detect_gait(track)
    assert events and all("treadmill" in e.notes[0] and "rise and fall" not in e.notes[0] for e in events)
    sides = [e.side for e in events]
    assert all(a != b for a, b in zip(sides, sides[1:]))
    tol_start, tol_end = (0.06, 0.2) if facing else (0.2, 0.06)
    for side in ("left", "right"):
        found = [(e.start_s, e.end_s) for e in events if e.side == side]
        assert len(found) >= max(len(truth[side]) - 1, 2)
        for start, end in found:
            assert any(
                abs(start - contact) <= tol_start and abs(end - off) <= tol_end for contact, off in truth[side]
            ), (side, start, end, truth[side])


def test_walk_towards_then_away_after_a_turn_is_analysed_in_two_stretches():
    from tests.metrics.events_synthetic import walking_overground
    from vision.track import LandmarkTrack

    times = steady_times(4.0, 60.0)
    towards, truth_towards = walking_overground(times, towards=True)
    away, truth_away = walking_overground(times, towards=False, start_distance_m=3.5)
    offset = times[-1] + 1 / 60.0
    joined = LandmarkTrack(
        times_s=np.concatenate([times, times + offset]),
        xy_px=np.concatenate([towards.xy_px, away.xy_px]),
        visibility=np.concatenate([towards.visibility, away.visibility]),
        width=towards.width,
        height=towards.height,
    )
    events = detect_gait(joined)
    first = [e for e in events if e.end_s < offset]
    second = [e for e in events if e.start_s >= offset]
    assert len(first) + len(second) == len(events)
    assert first and all("towards" in e.notes[0] for e in first)
    assert second and all("away" in e.notes[0] for e in second)
    for e in first:
        assert any(abs(e.start_s - c) <= 0.06 for c, _ in truth_towards[e.side])
    for e in second:
        assert any(abs(e.end_s - (o + offset)) <= 0.06 for _, o in truth_away[e.side])


def zeni_forward_curves(times_s, *, half_step_legs, common_legs, stride_s=1.0, stance_frac=0.6, left_contact_s=0.2):
    """Forward positions of both feet relative to the pelvis (leg lengths), contacts known exactly.

    Each foot is furthest forward (``+half_step_legs``) at its contact, moves back at a steady
    speed to ``-half_step_legs`` at its foot off (``stance_frac`` of the stride later), and
    swings forward again; the right foot half a stride after the left. ``common_legs`` is
    added to both feet: the mid-hip's own vertical image motion (pelvic bob, landmark jitter of
    a small, distant person), which is not fore-aft motion of either foot. It peaks at each
    foot's mid-stance, i.e. at twice the stride frequency.
    """
    t = np.asarray(times_s, dtype=float)
    curves = {}
    for side, first in (("left", left_contact_s), ("right", left_contact_s + stride_s / 2)):
        u = np.mod(t - first, stride_s) / stride_s
        stance = 1.0 - 2.0 * u / stance_frac
        w = (u - stance_frac) / (1.0 - stance_frac)
        swing = -1.0 + (1.0 - np.cos(np.pi * w))
        curves[side] = half_step_legs * np.where(u < stance_frac, stance, swing)
    mid_stance = left_contact_s + stance_frac * stride_s / 2
    bob = common_legs * np.cos(4.0 * np.pi * (t - mid_stance) / stride_s)
    return {side: c + bob for side, c in curves.items()}


def test_overground_contacts_are_where_one_foot_leads_not_where_both_move_together():
    """A person far away: the feet's fore-aft separation is lost in the mid-hip's own motion.

    Until 1.4 s the feet are 0.005 leg lengths apart at most and the mid-hip bobs by 0.1 leg
    lengths (at each mid-stance both feet look furthest forward together); from 1.6 s the feet
    separate by 0.2 leg lengths each side and the mid-hip keeps still. Contacts (Zeni 2008) are
    where one foot is ahead of the other: only the stance phases of the resolved part are
    found, exactly, and they alternate; none is made up in the first part.
    """
    from metrics.events.gait import overground_stance_phases

    t = np.arange(0.0, 4.0, 1 / 50)
    near = smooth_step(t, 1.4, 0.2)
    forward = zeni_forward_curves(t, half_step_legs=0.005 + 0.195 * near, common_legs=0.1 * (1.0 - near))
    phases = [(side, round(t[s], 2), round(t[e], 2), ok) for side, s, e, ok in overground_stance_phases(t, forward)]
    # right contacts at 0.7 + k, left at 0.2 + k; foot off 0.6 s after contact; the right
    # foot's last stance (from 3.7 s) is cut by the end of the video. The left foot off at
    # 1.8 s has no contact before it that could be told from the right foot's: its start is
    # unknown, and no phase cut by the video's start is made up for it.
    assert phases == [
        ("right", 1.7, 2.3, True),
        ("left", 2.2, 2.8, True),
        ("right", 2.7, 3.3, True),
        ("left", 3.2, 3.8, True),
        ("right", 3.7, round(t[-1], 2), False),
    ]


def test_foot_off_is_not_found_against_an_unseen_stretch():
    """A stance running into frames where the foot is not seen has no foot off, only a cut.

    The left foot lands at 3.2 s and would leave at 3.8 s, but it is seen only until 3.7 s
    (the video ends at 3.8 s); over its last seen frames its forward position turns back up
    by 0.004 leg lengths (landmark jitter). The unseen frames are no valley: the stance phase from 3.2 s is cut,
    not complete.
    """
    from metrics.events.gait import overground_stance_phases

    t = np.arange(0.0, 3.8, 1 / 50)
    forward = zeni_forward_curves(t, half_step_legs=0.2, common_legs=0.0)
    last_seen = int(np.searchsorted(t, 3.7))
    forward["left"][last_seen - 2 : last_seen] = forward["left"][last_seen - 3] + np.array([0.002, 0.004])
    forward["left"][last_seen:] = np.nan
    phases = overground_stance_phases(t, forward)
    left = [(round(t[s], 2), round(t[e], 2), ok) for side, s, e, ok in phases if side == "left"]
    assert left[-1] == (3.2, round(t[last_seen - 1], 2), False)
    assert ("left", 2.2, 2.8) in [(side, round(t[s], 2), round(t[e], 2)) for side, s, e, ok in phases if ok]


def test_a_peak_only_the_end_of_the_samples_keeps_from_standing_out():
    from metrics.events.gait import peak_turned_at_end

    rise = np.linspace(0.0, 0.2, 11)  # up by 0.2 to the peak at index 10
    assert peak_turned_at_end(np.r_[rise, 0.2 - np.array([0.02, 0.04, 0.05])], prominence=0.08, end_drop=0.04) == 10
    # fallen by less than end_drop: it may still be a foot swinging forward
    assert peak_turned_at_end(np.r_[rise, 0.2 - np.array([0.01, 0.03])], prominence=0.08, end_drop=0.04) is None
    # fallen by the full prominence: an ordinary peak, not this rule's
    assert peak_turned_at_end(np.r_[rise, 0.2 - np.array([0.05, 0.09])], prominence=0.08, end_drop=0.04) is None
    # fallen, then up again before the end: the lowest point after the peak is not the last sample
    assert peak_turned_at_end(np.r_[rise, 0.2 - np.array([0.05, 0.06, 0.05])], prominence=0.08, end_drop=0.04) is None
    # risen by 0.04 only, less than the prominence: a wobble, not a contact
    assert peak_turned_at_end(np.r_[rise[8:], 0.2 - np.array([0.05, 0.06])], prominence=0.08, end_drop=0.04) is None


def test_a_contact_just_before_the_video_ends_is_found():
    """The right foot lands at 3.7 s and the video ends 0.08 s later: its forward position has
    fallen 0.053 leg lengths from the contact peak (0.667 leg lengths/s), less than the
    prominence (0.08) but more than the end drop (0.04). The contact is found; its phase is cut."""
    from metrics.events.gait import overground_stance_phases

    t = np.arange(0.0, 3.79, 1 / 50)
    forward = zeni_forward_curves(t, half_step_legs=0.2, common_legs=0.0)
    phases = [(side, round(t[s], 2), round(t[e], 2), ok) for side, s, e, ok in overground_stance_phases(t, forward)]
    assert phases[-2:] == [("left", 3.2, 3.78, False), ("right", 3.7, 3.78, False)]
    # ended 0.04 s after the contact (fallen 0.027): not yet told from a foot still swinging
    t = np.arange(0.0, 3.75, 1 / 50)
    forward = zeni_forward_curves(t, half_step_legs=0.2, common_legs=0.0)
    phases = [(side, round(t[s], 2), ok) for side, s, e, ok in overground_stance_phases(t, forward)]
    assert phases[-1] == ("left", 3.2, False)


def test_a_walk_filmed_until_just_after_the_last_contact_keeps_the_phase_before_it():
    """Walking away, filmed to 3.78 s: the left foot stands from about 3.03 s (contact found
    early from behind, module notes) while the right foot swings and lands at 3.7 s, 0.08 s
    before the end. The left phase's single support is whole: it is kept, cut."""
    from tests.metrics.events_synthetic import walking_overground

    track, truth = walking_overground(np.arange(0.0, 3.78, 1 / 30), towards=False)
    events = detect_gait(track)
    last = events[-1]
    assert (last.side, last.complete) == ("left", False)
    assert last.start_s == pytest.approx(truth["left"][-1][0] + 1.0, abs=0.2)
    assert [e.side for e in events[-3:]] == ["left", "right", "left"]


def test_only_the_end_of_the_video_not_a_gap_lets_a_peak_stand_out_on_one_side():
    from metrics.events.gait import _extremes

    t = np.arange(0.0, 2.0, 0.05)
    f = np.full(t.size, np.nan)
    f[:14] = np.r_[np.linspace(0.0, 0.2, 11), 0.2 - np.array([0.02, 0.04, 0.05])]  # peak at 0.5 s
    args = dict(prominence=0.08, min_step_s=0.3, end_drop=0.04)
    assert _extremes(t, f, **args) == [10]  # the foot is last seen at 0.65 s
    f[25:] = np.linspace(0.0, 0.1, t.size - 25)  # seen again after a gap
    assert _extremes(t, f, **args) == []


def treadmill_walk_with_bob(times_s, *, bob_legs, stride_s=1.1, left_contact_s=0.3):
    """A treadmill walk filmed from the front, the pelvis bobbing by ``bob_legs`` (leg lengths).

    The feet's forward positions are those of :func:`zeni_forward_curves` (forward is down
    the image); the mid-hip is lowest in the image (largest y) at each contact, twice a
    stride. Returns the track and the true ``(side, contact_s, foot_off_s)``.
    """
    forward = zeni_forward_curves(times_s, half_step_legs=0.2, common_legs=0.0, stride_s=stride_s, left_contact_s=left_contact_s)
    hip_dy = bob_legs * LEG_PX * np.cos(4.0 * np.pi * (times_s - left_contact_s) / stride_s)
    track = make_track(times_s, mid_hip_dy=hip_dy, foot_dy={side: c * LEG_PX for side, c in forward.items()})
    truth = []
    for side, first in (("left", left_contact_s), ("right", left_contact_s + stride_s / 2)):
        contact = first
        while contact + 0.6 * stride_s < times_s[-1]:
            truth.append((side, contact, contact + 0.6 * stride_s))
            contact += stride_s
    return track, sorted(truth, key=lambda p: p[1])


def test_flight_share_counts_steps_with_no_foot_on_the_ground():
    from metrics.events.gait import flight_share

    t = np.arange(0.0, 3.0, 0.1)
    # left 0.0-0.6, right from 0.5 (double support), left again from 1.3 after right's foot off at 1.1
    phases = [("left", 0, 6, True), ("right", 5, 11, True), ("left", 13, 19, True), ("right", 18, 24, False)]
    assert flight_share(t, phases) == pytest.approx(1 / 3)
    # a cut phase has no foot off, and two phases of the same foot are not a step
    assert np.isnan(flight_share(t, [("left", 0, 6, False), ("right", 5, 11, False)]))
    assert np.isnan(flight_share(t, [("left", 0, 6, True), ("left", 12, 18, True)]))


def test_a_large_pelvic_bob_does_not_delay_the_contacts_of_a_treadmill_walk():
    """The pelvis bobbing 0.12 leg lengths either way (0.24 from top to bottom, as two short-legged rendered bodies).

    Read against the bobbing mid-hip, each contact's peak splits in two and the later one is
    taken: contacts a quarter of a second late, stance 0.37 s instead of 0.66 s, a flight
    between steps. Those steps are not walking, so the feet are read against the mid-hip's
    travel: every contact and foot off within two frames (30 frames/s).
    """
    t = steady_times(5.0, 30.0)
    track, truth = treadmill_walk_with_bob(t, bob_legs=0.12)

    def phases(params):
        return [(e.side, e.start_s, e.end_s) for e in detect_gait(track, params=params) if e.complete]

    # without the second reading (any flight accepted), the bob delays every contact
    bobbing = phases(GaitParams(max_flight_share=1.0))
    assert bobbing and all(
        any(side == s and 0.15 < start - contact < 0.35 for s, contact, _ in truth) for side, start, _ in bobbing
    ), bobbing
    found = phases(GaitParams())
    assert all("rise and fall" in e.notes[0] for e in detect_gait(track))
    assert len(found) == len(truth)
    for (side, start, end), (true_side, contact, off) in zip(found, truth, strict=True):
        assert side == true_side
        assert start == pytest.approx(contact, abs=2 / 30)
        assert end == pytest.approx(off, abs=2 / 30)


def test_a_normal_pelvic_bob_is_read_as_before():
    """A bob of 0.05 leg lengths leaves double support at every step: the first reading stands."""
    t = steady_times(5.0, 30.0)
    track, truth = treadmill_walk_with_bob(t, bob_legs=0.05)
    events = detect_gait(track)
    assert [(e.side, e.start_s, e.end_s) for e in events] == [
        (e.side, e.start_s, e.end_s) for e in detect_gait(track, params=GaitParams(max_flight_share=1.0))
    ]
    assert not any("rise and fall" in e.notes[0] for e in events)
    complete = [e for e in events if e.complete]
    assert len(complete) == len(truth)
    for e, (side, contact, off) in zip(complete, truth, strict=True):
        assert e.side == side and e.start_s == pytest.approx(contact, abs=2 / 30) and e.end_s == pytest.approx(off, abs=2 / 30)
