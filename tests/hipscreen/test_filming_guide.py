"""The words shared by the dashboard and the report: events cut by the video, notes per reader."""

from __future__ import annotations

from hipscreen.filming_guide import averaged_count, count_text, cut_event_note, leg_label, video_notes
from metrics.summary import summarize
from tests.metrics.test_summary import event, series


def _result(*completes: tuple[str, bool]) -> dict:
    """The events and sides of a result, as metrics.summary writes them."""
    events = [event(side, 3 * i, 3 * i + 1, 3 * i + 2, complete=complete) for i, (side, complete) in enumerate(completes)]
    return summarize(events, series()).to_dict()


def test_a_cut_event_is_marked_and_left_out_of_the_count_averaged():
    result = _result(("left", True), ("right", True), ("left", True), ("right", True), ("left", False))
    assert [leg_label(e) for e in result["events"]] == ["left", "right", "left", "right", "left (cut)"]
    assert averaged_count(result, "left") == (3, 2)
    assert averaged_count(result, "right") == (2, 2)
    assert count_text(result, "left") == "3 (2 averaged)"
    assert count_text(result, "right") == "2"
    assert "left out of the averages" in cut_event_note(result)
    assert cut_event_note(_result(("left", True))) is None


def test_a_side_with_only_cut_events_averages_them_all():
    # as metrics.summary does: with nothing complete, the cut events are used
    result = _result(("left", False), ("right", True))
    assert averaged_count(result, "left") == (1, 1)
    assert count_text(result, "left") == "1"
    assert averaged_count(result, "right") == (1, 1)
    assert averaged_count({"events": []}, "left") == (0, 0)


def test_results_written_before_complete_existed_count_every_event():
    result = {"events": [{"index": 0, "side": "left"}], "sides": {"left": {"events": 1}}}
    assert leg_label(result["events"][0]) == "left"
    assert count_text(result, "left") == "1"


def test_no_flag_means_no_finding_only_when_something_was_measured():
    from hipscreen.filming_guide import NOTHING_MEASURED, no_flag_text

    measured = _result(("left", True))
    for audience in ("patient", "clinician"):
        assert no_flag_text({"events": []}, audience=audience) == NOTHING_MEASURED
        assert no_flag_text(measured, audience=audience) != NOTHING_MEASURED
    assert "usual limits" in no_flag_text(measured, audience="patient")
    assert "thresholds" in no_flag_text(measured, audience="clinician")


def test_video_notes_per_audience_and_for_a_result_saved_before_the_patients_notes():
    result = {"quality": {"warnings": ["A", "B"], "patient_warnings": ["plain A"]}}
    assert video_notes(result, audience="clinician") == ["A", "B"]
    assert video_notes(result, audience="patient") == ["plain A"]
    assert video_notes({"quality": {"warnings": ["A", "B"], "patient_warnings": []}}, audience="patient") == []
    older = {"quality": {"warnings": ["A"]}}
    assert video_notes(older, audience="patient") == video_notes(older, audience="clinician") == ["A"]
