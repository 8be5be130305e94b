"""A task recognised without certainty is marked as unsure wherever the task is named.

The synthetic person stands on the left leg, the right foot up for about 1.2 s: a
single-leg stance call, but a short one (the test is a hold of several seconds), so the
recogniser is unsure. The same person holding 3 s, or the task chosen by hand, is not
marked.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from hipscreen.batch import BatchOutcome
from hipscreen.filming_guide import TASK_UNSURE_LINE, task_unsure
from hipscreen.pipeline import AnalysisOptions, Landmarks, assess
from hipscreen.report_pdf import build_report
from hipscreen.report_text import summary_lines
from tests.metrics.events_synthetic import CENTRE_X, HEIGHT, WIDTH, make_track, smooth_step, steady_times
from vision.landmarks import LANDMARK_NAMES
from vision.track import VideoInfo

DURATION_S = 6.0


def _hold(seconds_up: float) -> Landmarks:
    """The right foot lifted from 1.5 s, back down by 1.5 s + ``seconds_up``."""
    t = steady_times(DURATION_S)
    lifted = smooth_step(t, 1.5, 0.3) - smooth_step(t, 1.2 + seconds_up, 0.3)
    track = make_track(t, foot_dy={"right": -60.0 * lifted}, hip_tilt_px=-8.0 * lifted)
    for side, outward in (("left", 1.0), ("right", -1.0)):  # a body square to the camera (shoulders 220 px)
        track.xy_px[:, LANDMARK_NAMES.index(f"{side}_shoulder"), 0] = CENTRE_X + outward * 110
    info = VideoInfo(path="hold.mp4", width=WIDTH, height=HEIGHT, rotation_deg=0, fps=30.0,
                     frames=len(t), duration_s=DURATION_S, variable_frame_rate=False)
    return Landmarks(video=info, track=track)


@pytest.fixture(scope="module")
def short():
    return assess(_hold(1.2)).result


@pytest.fixture(scope="module")
def long():
    return assess(_hold(3.0)).result


def test_a_short_hold_is_a_stance_call_marked_unsure(short, long):
    assert short["task"] == long["task"] == "single_leg_stance"
    (hold,) = short["events"]
    assert hold["side"] == "left" and hold["hold_duration_s"] < 2.0
    assert short["details"]["task"]["confident"] is False and task_unsure(short)
    assert any("The hold is short, so the call is unsure" in w for w in short["quality"]["warnings"])
    assert long["details"]["task"]["confident"] is True and not task_unsure(long)


def test_a_task_chosen_by_hand_is_not_marked():
    chosen = assess(_hold(1.2), options=AnalysisOptions(task="single_leg_stance")).result
    assert chosen["task_detected"] is False and not task_unsure(chosen)
    assert TASK_UNSURE_LINE not in summary_lines(chosen)[0]


def test_the_terminal_headline_marks_it(short, long):
    assert summary_lines(short)[0].startswith(f"hold.mp4: single-leg stance ({TASK_UNSURE_LINE}), front view")
    assert TASK_UNSURE_LINE not in summary_lines(long)[0]


def test_the_batch_table_marks_it(short, long):
    outcome = BatchOutcome(results=[(Path("short.mp4"), short), (Path("long.mp4"), long)])
    rows = {r["video"]: r for r in outcome.rows()}
    assert rows["short.mp4"]["note"] == TASK_UNSURE_LINE and rows["long.mp4"]["note"] == ""
    (line,) = [row for row in outcome.table_text().splitlines() if row.startswith("short.mp4")]
    assert TASK_UNSURE_LINE in line


def test_the_report_marks_it(short, long):
    def text(result):
        doc = pdfium.PdfDocument(build_report(result, audience="clinician"))
        return " ".join(" ".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc)))

    shown = text(short)
    assert "Single-leg stance (recognised, unsure)" in shown
    assert "The hold is short, so the call is unsure" in shown.split("Video quality")[1]
    shown = text(long)
    assert "Single-leg stance (recognised automatically)" in shown and "unsure" not in shown


def test_a_patient_reads_the_doubt_in_plain_words(short, long):
    plain = short["quality"]["patient_warnings"]
    assert any(w.startswith("The tool is not sure this is a test of standing on one leg, because the foot was up "
                            "for only about a second. Keep the foot up for at least 10 seconds") for w in plain)
    assert not any("call is unsure" in w or "hold(s)" in w for w in plain)
    assert not any("not sure" in w for w in long["quality"]["patient_warnings"])

    def quality_text(result, audience):
        doc = pdfium.PdfDocument(build_report(result, audience=audience))
        text = " ".join(" ".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc)))
        return text.split("About this video" if audience == "patient" else "Video quality")[1]

    assert "The tool is not sure this is a test of standing on one leg" in quality_text(short, "patient")
    assert "call is unsure" not in quality_text(short, "patient")
    assert "The tool is not sure" not in quality_text(short, "clinician")
