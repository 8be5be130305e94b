"""What the result says when the video has no event: which task, and how to film it again."""

from __future__ import annotations

import dataclasses

import pytest

from hipscreen.filming_guide import BACK_VIEW_LIFT_HINT, NO_EVENT_ADVICE
from hipscreen.pipeline import AnalysisOptions, Landmarks, assess
from metrics.tasks import NO_TASK_MESSAGE
from tests.metrics.events_synthetic import CENTRE_X, HEIGHT, WIDTH, make_track, steady_times
from vision.landmarks import LANDMARK_NAMES
from vision.track import VideoInfo

DURATION_S = 6.0


def _standing(view: str):
    """Six seconds of quiet standing on both feet, seen from the front or from behind."""
    track = make_track(steady_times(DURATION_S))
    xy = track.xy_px.copy()
    # Shoulders 220 px apart over hips 60 px apart and a trunk 250 px high: a person square to
    # the camera (a narrower body reads as turned towards a side view).
    for side, outward in (("left", 1.0), ("right", -1.0)):
        xy[:, LANDMARK_NAMES.index(f"{side}_shoulder"), 0] = CENTRE_X + outward * 110
    if view == "back":
        # From behind the person's left is on the image left: mirror the picture, keep the labels.
        xy[..., 0] = 2 * CENTRE_X - xy[..., 0]
    track = dataclasses.replace(track, xy_px=xy)
    info = VideoInfo(
        path="standing.mp4", width=WIDTH, height=HEIGHT, rotation_deg=0, fps=30.0,
        frames=len(track.times_s), duration_s=DURATION_S, variable_frame_rate=False,
    )
    return Landmarks(video=info, track=track)


@pytest.mark.parametrize("view", ["front", "back"])
def test_standing_on_both_feet_finds_no_task_and_says_so(view):
    result = assess(_standing(view)).result
    assert result["view"] == view
    assert result["task"] is None and result["events"] == [] and result["flags"] == []
    notes = [w for w in result["quality"]["warnings"] if w.startswith(NO_TASK_MESSAGE)]
    assert len(notes) == 1
    # Only from behind is the lifted foot hard to see, so only then the hint.
    assert notes[0].endswith(BACK_VIEW_LIFT_HINT) == (view == "back")


@pytest.mark.parametrize("task", sorted(NO_EVENT_ADVICE))
def test_a_task_chosen_by_hand_without_any_event_says_what_to_film(task):
    result = assess(_standing("front"), options=AnalysisOptions(task=task)).result
    assert result["task"] == task and result["events"] == []
    warnings = result["quality"]["warnings"]
    assert NO_EVENT_ADVICE[task] in warnings
    assert not any(BACK_VIEW_LIFT_HINT in w for w in warnings)


def test_a_stance_chosen_by_hand_in_a_back_view_adds_the_hint():
    result = assess(_standing("back"), options=AnalysisOptions(task="single_leg_stance")).result
    assert f"{NO_EVENT_ADVICE['single_leg_stance']} {BACK_VIEW_LIFT_HINT}" in result["quality"]["warnings"]
