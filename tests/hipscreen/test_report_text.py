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
