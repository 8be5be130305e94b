"""Feet hidden behind the other leg: kept for finding events, never for the angles."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from metrics.cleaning import CleaningParams, clean_track
from metrics.hidden_feet import FOOT_LANDMARKS, hidden_feet_track, with_hidden_feet
from tests.metrics.events_synthetic import LEG_PX, make_track, smooth_step, steady_times
from metrics.tasks import detect_task
from vision.landmarks import LANDMARK_NAMES

FOOT = [LANDMARK_NAMES.index(name) for name in FOOT_LANDMARKS]
RIGHT_FOOT = [LANDMARK_NAMES.index(f"right_{p}") for p in ("ankle", "heel", "foot_index")]


def stance_on_left(times_s, *, hidden_visibility):
    """Standing, then on the left leg from 1.0 s to 6.3 s, the right foot lifted 0.3 leg
    lengths behind the left leg: MediaPipe gives it ``hidden_visibility`` while it is up."""
    lift = smooth_step(times_s, 1.0, 0.3) - smooth_step(times_s, 6.0, 0.3)
    track = make_track(times_s, foot_dy={"right": -0.3 * LEG_PX * lift})
    visibility = track.visibility.copy()
    up = lift > 0.05
    visibility[np.ix_(up, RIGHT_FOOT)] = hidden_visibility
    return dataclasses.replace(track, visibility=visibility), up


def test_a_hidden_foot_is_put_back_where_mediapipe_placed_it():
    t = steady_times(8.0)
    track, up = stance_on_left(t, hidden_visibility=0.3)
    measured = clean_track(track).track
    assert np.isnan(measured.xy_px[up][:, RIGHT_FOOT]).all()  # the angles do not see it
    events_track = with_hidden_feet(measured, hidden_feet_track(track))
    got = events_track.xy_px[up][:, RIGHT_FOOT]
    assert np.isfinite(got).all()
    # where MediaPipe put it: 0.3 leg lengths up at the top of the lift (smoothing aside)
    top = np.abs(t[up] - 3.5) < 1.0
    assert np.allclose(got[top], track.xy_px[up][top][:, RIGHT_FOOT], atol=1.0)


def test_points_seen_well_and_other_landmarks_are_those_of_the_measured_track():
    t = steady_times(8.0)
    track, up = stance_on_left(t, hidden_visibility=0.3)
    measured = clean_track(track).track
    shifted = measured.with_xy(measured.xy_px + 3.0)  # e.g. joint centres placed
    events_track = with_hidden_feet(shifted, hidden_feet_track(track))
    unchanged = np.ones(len(LANDMARK_NAMES), dtype=bool)
    unchanged[RIGHT_FOOT] = False
    assert np.array_equal(events_track.xy_px[:, unchanged], shifted.xy_px[:, unchanged])
    assert np.array_equal(events_track.xy_px[~up][:, RIGHT_FOOT], shifted.xy_px[~up][:, RIGHT_FOOT])


def test_a_foot_below_the_floor_or_out_of_the_picture_stays_missing():
    t = steady_times(8.0)
    track, up = stance_on_left(t, hidden_visibility=0.05)
    measured = clean_track(track).track
    assert np.isnan(with_hidden_feet(measured, hidden_feet_track(track)).xy_px[up][:, RIGHT_FOOT]).all()

    track, up = stance_on_left(t, hidden_visibility=0.3)
    xy = track.xy_px.copy()
    xy[np.ix_(up, RIGHT_FOOT, [1])] = track.height + 40.0  # placed below the frame's bottom edge
    out_of_picture = track.with_xy(xy)
    measured = clean_track(out_of_picture).track
    assert np.isnan(with_hidden_feet(measured, hidden_feet_track(out_of_picture)).xy_px[up][:, RIGHT_FOOT]).all()


def test_the_floor_must_be_below_the_cleanings():
    track, _ = stance_on_left(steady_times(2.0), hidden_visibility=0.3)
    with pytest.raises(ValueError, match="min_visibility"):
        hidden_feet_track(track, cleaning=CleaningParams(min_visibility=0.5), min_visibility=0.5)


def test_tracks_of_different_lengths_are_refused():
    track, _ = stance_on_left(steady_times(2.0), hidden_visibility=0.3)
    with pytest.raises(ValueError, match="differ in length"):
        with_hidden_feet(track.slice(0, 10), hidden_feet_track(track))


def test_a_single_leg_stance_with_the_free_foot_hidden_is_found():
    t = steady_times(8.0)
    track, _ = stance_on_left(t, hidden_visibility=0.3)
    measured = clean_track(track).track
    assert detect_task(measured).task is None  # the free foot is missing for most of the video
    found = detect_task(with_hidden_feet(measured, hidden_feet_track(track)))
    assert found.task == "single_leg_stance"
    assert [e.side for e in found.events] == ["left"]
    # foot-off starts at 1.0 s, foot-down ends at 6.3 s; the detector's edges lie within 0.25 s
    assert found.events[0].start_s == pytest.approx(1.15, abs=0.25)
    assert found.events[0].end_s == pytest.approx(6.15, abs=0.25)
