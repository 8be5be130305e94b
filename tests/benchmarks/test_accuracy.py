"""The accuracy benchmark: event matching, and the pipeline's accuracy on committed known-truth clips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks.accuracy import TARGET_MAE_DEG, match_events, run, score_clip, summarize
from hipscreen.pipeline import AnalysisOptions

SAMPLES = Path(__file__).resolve().parents[2] / "sample_videos"
CLIPS = ["step_down_left_front_clean", "step_down_right_front_lean_toward_rot90"]

# What the default mode must reach on CLIPS. With the joint-centre correction on (the
# default, docs/JOINT_CENTRES.md), the MEASURES.md section 5 targets. With it off, the
# honest bounds for raw landmarks: measured on these two clips (python -m benchmarks.accuracy
# --only ...) drop 0.1, lean 1.1, FPPA 1.7, hip adduction 3.6 degrees; hip adduction misses
# the 2.5-degree target.
BOUNDS_DEG = {
    True: TARGET_MAE_DEG,
    False: {"pelvic_drop_deg": 1.5, "trunk_lean_deg": 2.0, "knee_fppa_deg": 2.5, "hip_adduction_deg": 5.0},
}


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


@pytest.mark.slow
def test_default_mode_meets_its_accuracy_bounds_on_committed_clips():
    outcomes = run([SAMPLES], only=CLIPS)
    assert len(outcomes) == 2 * len(CLIPS), "committed sample clips missing"
    default = AnalysisOptions().correction
    mode = "corrected" if default else "raw"
    s = summarize([o for o in outcomes if o.mode == mode])
    assert s.events_matched == s.events_true == s.events_detected, "every event found, none invented"
    assert s.side_right == s.events_matched, "stance side always right"
    # Task recognition is reported by the benchmark but is not one of the section 5 targets.
    for angle, bound in BOUNDS_DEG[default].items():
        assert np.isfinite(s.mae_deg[angle]) and s.mae_deg[angle] < bound, (angle, s.mae_deg[angle], bound)
    # Whatever the default, the correction must find the same events and read hip adduction
    # better than raw landmarks (measured 1.4 vs 3.6 degrees on these clips).
    raw, corrected = (summarize([o for o in outcomes if o.mode == m]) for m in ("raw", "corrected"))
    assert corrected.events_matched == corrected.events_true == corrected.events_detected
    assert corrected.side_right == corrected.events_matched
    assert corrected.mae_deg["hip_adduction_deg"] < raw.mae_deg["hip_adduction_deg"] - 0.5
