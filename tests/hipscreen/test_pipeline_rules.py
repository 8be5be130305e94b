"""Which joint-centre rule measures a video: the task's own where it has one (docs/JOINT_CENTRES.md section 6)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import hipscreen.pipeline as pipeline
from hipscreen.pipeline import AnalysisOptions, assess, estimate_landmarks

pytestmark = pytest.mark.slow

STEP_DOWN = Path(__file__).resolve().parents[2] / "sample_videos" / "step_down_left_front_clean.mp4"


@pytest.fixture(scope="module")
def landmarks(model_path):
    return estimate_landmarks(STEP_DOWN, options=AnalysisOptions(model_path=str(model_path)))


def test_a_recognised_step_down_is_measured_with_the_step_down_hip_rule(landmarks):
    result = assess(landmarks).result
    assert result["task"] == "step_down"
    joint_centres = result["details"]["joint_centres"]
    assert joint_centres["applied"] and joint_centres["rule"] == "step_down"


def test_the_task_chosen_by_the_user_chooses_the_rule(landmarks):
    as_step_down = assess(landmarks, options=AnalysisOptions(task="step_down")).result
    as_squat = assess(landmarks, options=AnalysisOptions(task="single_leg_squat")).result
    as_stance = assess(landmarks, options=AnalysisOptions(task="single_leg_stance")).result
    assert as_step_down["details"]["joint_centres"]["rule"] == "step_down"
    assert as_squat["details"]["joint_centres"]["rule"] == "single_leg_squat"
    assert as_stance["details"]["joint_centres"]["rule"] == "general"
    assert (as_squat["task"], as_stance["task"]) == ("single_leg_squat", "single_leg_stance")


def test_without_the_correction_there_is_no_rule(landmarks):
    joint_centres = assess(landmarks, options=AnalysisOptions(correction=False)).result["details"]["joint_centres"]
    assert joint_centres == {"requested": False, "applied": False, "reason": "switched off", "rule": None}


def test_the_task_is_recognised_before_the_rule_is_chosen_and_the_angles_do_not_change_it(landmarks, monkeypatch):
    # The rule must not choose the task: the task is recognised without any angle series,
    # then the events are found again with the task rule's series, which may only move peaks.
    real = pipeline.detect_task
    found = []

    def record(track, angles, **kwargs):
        found.append((angles, real(track, angles, **kwargs)))
        return found[-1][1]

    monkeypatch.setattr(pipeline, "detect_task", record)
    result = assess(landmarks).result
    (first_angles, first), (second_angles, second) = found
    assert first_angles is None and second_angles is not None
    assert first.task == second.task == result["task"] == "step_down"
    assert result["details"]["joint_centres"]["rule"] == "step_down"
    assert first.stance_side == second.stance_side
    boundaries = [[(e.side, e.start_index, e.end_index, e.complete) for e in d.events] for d in (first, second)]
    assert boundaries[0] == boundaries[1] and len(boundaries[0]) == 3


def test_the_task_and_events_are_found_on_the_landmarks_not_on_the_joint_centres(landmarks, monkeypatch):
    # The step-down / squat cut-off was chosen on MediaPipe's landmarks: the joint-centre
    # correction must not move the knees the recogniser compares.
    real = pipeline.detect_task
    tracks = []

    def record(track, *args, **kwargs):
        tracks.append(track)
        return real(track, *args, **kwargs)

    monkeypatch.setattr(pipeline, "detect_task", record)
    assess(landmarks, options=AnalysisOptions(correction=False))
    uncorrected = tracks.pop()
    assert assess(landmarks).result["details"]["joint_centres"]["applied"]
    assert len(tracks) == 2  # the task recognised, then its events with the step-down rule's angles
    for track in tracks:
        assert np.array_equal(track.xy_px, uncorrected.xy_px, equal_nan=True)


def test_the_step_down_rule_is_told_the_stance_leg_of_the_repetitions_found(landmarks, monkeypatch):
    # docs/JOINT_CENTRES.md section 9: the stance leg comes from the events found on the
    # landmarks (before any joint centre), +1 while the person stands on the left leg.
    real_detect, real_estimate = pipeline.detect_task, pipeline.estimate_joint_centres
    detections, stances = [], []

    def record_detection(track, angles, **kwargs):
        detections.append(real_detect(track, angles, **kwargs))
        return detections[-1]

    def record_estimate(track, **kwargs):
        stances.append((np.asarray(track.times_s), kwargs.get("stance")))
        return real_estimate(track, **kwargs)

    monkeypatch.setattr(pipeline, "detect_task", record_detection)
    monkeypatch.setattr(pipeline, "estimate_joint_centres", record_estimate)
    result = assess(landmarks).result
    assert result["task"] == "step_down" and len(stances) == 1
    times, stance = stances[0]
    events = detections[0].events
    assert len(events) == 3 and {e.side for e in events} == {"left"}
    for event in events:
        middle = (times >= event.start_s + 0.15) & (times <= event.end_s - 0.15)
        np.testing.assert_array_equal(stance[middle], 1.0)
    outside = np.ones(len(times), dtype=bool)
    for event in events:
        outside &= (times < event.start_s - 0.15) | (times > event.end_s + 0.15)
    assert outside.any()
    np.testing.assert_array_equal(stance[outside], 0.0)
