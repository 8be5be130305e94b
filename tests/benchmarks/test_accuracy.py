"""The accuracy benchmark: event matching, and the pipeline's accuracy on committed known-truth clips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks.accuracy import TARGET_MAE_DEG, match_events, run, score_clip, summarize, true_roll_deg
from hipscreen.pipeline import AnalysisOptions

SAMPLES = Path(__file__).resolve().parents[2] / "sample_videos"
N_SAMPLES = 11
"""The committed known-truth clips: two of each task and view pair, and a rotated phone video."""


def _event(start, peak, end, side="left", value=0.0):
    angles = {a: value for a in TARGET_MAE_DEG}
    return {"side": side, "start_s": start, "peak_s": peak, "end_s": end, "at_peak": angles}


def test_events_match_one_to_one_by_peak_inside_the_true_event():
    true = [_event(1.0, 1.8, 2.6), _event(3.0, 3.8, 4.6)]
    detected = [_event(1.1, 1.9, 2.5), _event(1.2, 2.2, 2.8), _event(5.0, 5.5, 6.0)]
    # 1.9 and 2.2 both lie in the first true event: the nearer peak (1.9) wins; 5.5 lies in none.
    assert match_events(true, detected) == [(0, 0)]


def test_scores_count_sides_errors_and_flags():
    truth = {"task": "step_down", "events": [_event(1.0, 1.8, 2.6, value=5.0), _event(3.0, 3.8, 4.6, value=5.0)],
             "expected_flags": ["ipsilateral_trunk_lean"]}
    result = {"task": "step_down", "flags": [],
              "events": [_event(1.0, 1.7, 2.6, value=7.0), _event(3.0, 3.9, 4.6, side="right", value=4.0)]}
    outcome = score_clip(truth, result, clip="x", mode="raw")
    s = summarize([outcome])
    assert (s.events_matched, s.side_right, s.tasks_right, s.flags_agree) == (2, 1, 1, 0)
    assert s.mae_deg["pelvic_drop_deg"] == pytest.approx(1.5)  # errors +2 and -1
    assert s.bias_deg["pelvic_drop_deg"] == pytest.approx(0.5)


def test_event_timing_counts_matched_complete_events_only():
    from benchmarks.accuracy import timing_table

    truth = {"task": "gait", "events": [_event(1.0, 1.3, 1.7), _event(2.0, 2.3, 2.7), _event(3.0, 3.3, 3.7)]}
    cut = dict(_event(2.9, 3.3, 3.9), complete=False)
    # contact 0.05 s early and foot off 0.15 s late; then on time; the third is cut (left out);
    # one made-up event matches nothing
    result = {"task": "gait", "events": [_event(0.95, 1.3, 1.85), _event(2.0, 2.4, 2.7), cut, _event(5.0, 5.2, 5.5)]}
    outcome = score_clip(truth, result, clip="x", mode="corrected")
    assert outcome.start_errors_s == pytest.approx([-0.05, 0.0])
    assert outcome.end_errors_s == pytest.approx([0.15, 0.0])
    assert "| gait | 0.025 (-0.025), 0/2 | 0.075 (+0.075), 1/2 |" in timing_table([outcome])


def test_the_camera_roll_is_scored_in_the_results_convention():
    # The renderer's roll is positive when the scene turns counter-clockwise; the result's when
    # it turns clockwise.
    truth = {"task": "gait", "events": [], "camera": {"roll_deg": 2.0}}
    assert true_roll_deg(truth) == -2.0
    rolled = score_clip(truth, {"events": [], "camera_roll_deg": -1.5}, clip="a", mode="corrected")
    unknown = score_clip(truth, {"events": [], "camera_roll_deg": None}, clip="b", mode="corrected")
    assert rolled.roll_error_deg == pytest.approx(0.5) and unknown.roll_error_deg is None
    s = summarize([rolled, unknown])
    assert (s.roll_estimated, s.roll_mae_deg) == (1, pytest.approx(0.5))


@pytest.fixture(scope="module")
def sample_run():
    """Every committed sample through the real pipeline, raw and corrected (about a minute)."""
    outcomes = run([SAMPLES])
    assert len(outcomes) == 2 * N_SAMPLES, "committed sample clips missing"
    return outcomes


@pytest.fixture(scope="module")
def sample_outcomes(sample_run):
    return {mode: summarize([o for o in sample_run if o.mode == mode]) for mode in ("raw", "corrected")}


@pytest.mark.slow
def test_walking_samples_get_the_camera_roll_from_their_strides(sample_run):
    # Nobody stands still in the treadmill samples: the roll comes from whole strides
    # (metrics.view.estimate_walking_roll), against the rendering camera's known roll.
    gait = [o for o in sample_run if o.task == "gait" and o.mode == "corrected"]
    assert len(gait) == 2
    assert all(o.roll_error_deg is not None and abs(o.roll_error_deg) < 1.0 for o in gait), [
        (o.clip, o.roll_error_deg) for o in gait]


@pytest.mark.slow
def test_default_mode_finds_every_event_side_and_task_of_the_committed_samples(sample_outcomes):
    assert AnalysisOptions().correction, "the joint-centre correction is the default (docs/JOINT_CENTRES.md)"
    s = sample_outcomes["corrected"]
    assert s.events_matched == s.events_true == s.events_detected, "every event found, none invented"
    assert s.side_right == s.events_matched, "stance side always right"
    assert s.tasks_right == s.clips == N_SAMPLES


@pytest.mark.slow
@pytest.mark.parametrize("angle", ["trunk_lean_deg", "knee_fppa_deg", "hip_adduction_deg"])
def test_default_mode_meets_the_accuracy_target_on_the_committed_samples(sample_outcomes, angle):
    mae = sample_outcomes["corrected"].mae_deg[angle]
    assert np.isfinite(mae) and mae < TARGET_MAE_DEG[angle], (angle, mae)


@pytest.mark.slow
def test_default_mode_pelvic_drop_stays_within_a_quarter_degree_of_its_target_on_the_committed_samples(
        sample_outcomes):
    # Pelvic drop just misses the 1.5-degree target on the samples (1.60, docs/JOINT_CENTRES.md
    # section 6); this keeps it from drifting further away.
    mae = sample_outcomes["corrected"].mae_deg["pelvic_drop_deg"]
    assert np.isfinite(mae) and mae < TARGET_MAE_DEG["pelvic_drop_deg"] + 0.25, mae


@pytest.mark.slow
@pytest.mark.parametrize("angle", ["pelvic_drop_deg", "hip_adduction_deg"])
def test_corrected_joint_centres_read_pelvis_and_hip_better_than_raw_landmarks(sample_outcomes, angle):
    # MediaPipe's hips follow only part of a pelvic tilt and sit too close together (FACTS.md):
    # raw landmarks read both angles several degrees low on single-leg tasks.
    raw, corrected = sample_outcomes["raw"].mae_deg[angle], sample_outcomes["corrected"].mae_deg[angle]
    assert corrected < raw - 0.5, (angle, raw, corrected)


@pytest.mark.slow
def test_event_edges_of_the_committed_samples_lie_near_the_true_ones(sample_run):
    # Walking: contact and foot off within 0.1 s (3 frames) of the rendered ones. Every task:
    # within 0.25 s; a hold's edges lie up to about 0.2 s outside the true foot off and foot
    # down (metrics/events/single_leg_stance.py: smoothed feet, a landed foot rolling flat).
    corrected = [o for o in sample_run if o.mode == "corrected"]
    walking = [e for o in corrected if o.task == "gait" for e in o.start_errors_s + o.end_errors_s]
    every = [e for o in corrected for e in o.start_errors_s + o.end_errors_s]
    assert len(walking) == 2 * 18 and len(every) == 2 * 39, "matched complete events missing"
    assert max(np.abs(walking)) <= 0.1, walking
    assert max(np.abs(every)) <= 0.25, every
