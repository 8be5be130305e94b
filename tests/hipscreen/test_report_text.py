"""The terminal summary of a result."""

from __future__ import annotations

from hipscreen.report_text import summary_lines


def _result(left_events: int, right_events: int) -> dict:
    side = lambda n: {"events": n, "pelvic_drop_deg": {"mean": 3.0}}  # noqa: E731
    return {
        "video": {"path": "walk.mp4", "duration_s": 3.8, "fps": 59.0},
        "task": "gait", "view": "front",
        "events": [{}] * (left_events + right_events),
        "sides": {"left": side(left_events), "right": side(right_events)},
        "flags": [], "quality": {"warnings": []},
    }


def test_one_event_is_counted_in_the_singular():
    lines = summary_lines(_result(2, 1))
    assert "front view, 3 events," in lines[0]
    assert lines[1].startswith("  left stance (2 events, mean at peak")
    assert lines[2].startswith("  right stance (1 event, mean at peak")
    assert "front view, 1 event," in summary_lines(_result(1, 0))[0]


def test_flag_lines_give_units_and_name_the_angle_of_an_asymmetry():
    result = _result(1, 1)
    result["flags"] = [
        {"code": "hip_adduction", "side": "right", "severity": "marked", "value_deg": 17.7,
         "threshold_deg": 15.0, "angle": "hip_adduction_deg"},
        {"code": "side_asymmetry", "side": "left", "severity": "caution", "value_deg": -6.9,
         "threshold_deg": 5.0, "angle": "trunk_lean_deg"},
        {"code": "side_asymmetry", "side": "right", "severity": "caution", "value_deg": 8.0,
         "threshold_deg": 5.0, "angle": "hip_adduction_deg"},
        {"code": "unsteady_stance", "side": "left", "severity": "caution", "value": 1.15,
         "threshold": 10.0, "unit": "s"},
        {"code": "unsteady_stance", "side": "left", "severity": "caution", "value": 0.38,
         "threshold": 0.25, "unit": "pelvis_widths"},
    ]
    flag_lines = [line for line in summary_lines(result) if "FLAG" in line]
    assert flag_lines == [
        "  FLAG marked: hip_adduction (right): 17.7 deg, threshold 15 deg",
        "  FLAG caution: side_asymmetry (trunk lean, more on the left): right minus left -6.9 deg, threshold 5 deg",
        "  FLAG caution: side_asymmetry (hip adduction, more on the right): right minus left +8.0 deg, threshold 5 deg",
        "  FLAG caution: unsteady_stance (left): 1.15 s, threshold 10 s",
        "  FLAG caution: unsteady_stance (left): 0.38 pelvis widths, threshold 0.25 pelvis widths",
    ]
