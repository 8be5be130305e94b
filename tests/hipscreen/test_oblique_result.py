"""A video filmed at an angle to the person: its events are kept, no angle is given or flagged.

The synthetic person holds a single-leg stance with a clear pelvic drop. Seen square, the
drop is measured and flagged. Seen turned about the vertical, every horizontal distance in
the picture shrinks by cos(yaw): the same person squeezed sideways by 0.8 is a camera turned
by about 37 degrees (arccos 0.8), past the 25 degrees from which the angles are not trusted.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pypdfium2 as pdfium
import pytest

from hipscreen.batch import BatchOutcome
from hipscreen.filming_guide import ANGLES_WITHHELD_LINE, ANGLES_WITHHELD_NOTE, angles_withheld, no_flag_text
from hipscreen.pipeline import Landmarks, assess
from hipscreen.report_pdf import build_report
from hipscreen.report_text import summary_lines
from metrics.angles import ANGLE_NAMES
from metrics.quality import ANGLES_WITHHELD_WARNING
from tests.metrics.events_synthetic import CENTRE_X, HEIGHT, WIDTH, make_track, smooth_step, steady_times
from vision.landmarks import LANDMARK_NAMES
from vision.track import VideoInfo

DURATION_S = 6.0
SQUEEZE = 0.8  # cos(yaw) of a camera turned by about 37 degrees


def _stance(squeeze: float) -> Landmarks:
    """Standing on the left leg from 1.5 s to 4.5 s, the right foot lifted, the right hip dropped."""
    t = steady_times(DURATION_S)
    lifted = smooth_step(t, 1.5, 0.3) - smooth_step(t, 4.5, 0.3)
    track = make_track(t, foot_dy={"right": -60.0 * lifted}, hip_tilt_px=-8.0 * lifted)
    xy = track.xy_px.copy()
    for side, outward in (("left", 1.0), ("right", -1.0)):  # a body square to the camera (shoulders 220 px)
        xy[:, LANDMARK_NAMES.index(f"{side}_shoulder"), 0] = CENTRE_X + outward * 110
    xy[..., 0] = CENTRE_X + squeeze * (xy[..., 0] - CENTRE_X)
    info = VideoInfo(path="stance.mp4", width=WIDTH, height=HEIGHT, rotation_deg=0, fps=30.0,
                     frames=len(t), duration_s=DURATION_S, variable_frame_rate=False)
    return Landmarks(video=info, track=dataclasses.replace(track, xy_px=xy))


@pytest.fixture(scope="module")
def square():
    return assess(_stance(1.0)).result


@pytest.fixture(scope="module")
def oblique():
    return assess(_stance(SQUEEZE)).result


def test_seen_square_the_drop_is_measured_and_flagged(square):
    assert not angles_withheld(square)
    (hold,) = square["events"]
    assert hold["side"] == "left" and hold["at_peak"]["pelvic_drop_deg"] > 5.0
    assert "contralateral_pelvic_drop" in {f["code"] for f in square["flags"]}
    assert ANGLES_WITHHELD_WARNING not in square["quality"]["warnings"]


def test_seen_at_an_angle_the_hold_is_kept_and_no_angle_is_given(square, oblique):
    assert abs(oblique["details"]["camera_yaw"]["magnitude_deg"] - math.degrees(math.acos(SQUEEZE))) < 8.0
    assert angles_withheld(oblique)
    assert oblique["task"] == square["task"] == "single_leg_stance"
    (hold,) = oblique["events"]
    (square_hold,) = square["events"]
    for key in ("side", "start_s", "peak_s", "end_s", "hold_duration_s"):
        assert hold[key] == square_hold[key]
    assert hold["at_peak"] == hold["max"] == dict.fromkeys(ANGLE_NAMES)
    left = oblique["sides"]["left"]
    assert left["events"] == 1
    assert all(left[a] == {"mean": None, "sd": None, "n": 0} for a in ANGLE_NAMES)
    assert all(oblique["asymmetry"][a] is None for a in ANGLE_NAMES)
    # The reason is given once, with how to film again; no warning blames unseen joints.
    warnings = oblique["quality"]["warnings"]
    assert ANGLES_WITHHELD_WARNING in warnings
    assert any("filmed at an angle" in w and "To film again" in w for w in warnings)
    assert not any("could not be measured at its peak" in w for w in warnings)
    # A patient reads how to film again here, and that no angle is shown where the angles would be.
    plain = oblique["quality"]["patient_warnings"]
    assert ANGLES_WITHHELD_WARNING not in plain
    assert any("filmed at an angle" in w and "To film again" in w for w in plain)


def test_seen_at_an_angle_no_angle_is_flagged_and_the_withheld_flags_are_listed(oblique):
    assert [f for f in oblique["flags"] if "value_deg" in f] == []
    assert "contralateral_pelvic_drop" in oblique["details"]["flags_withheld_for_camera_angle"]


def test_the_terminal_summary_says_why_there_is_no_angle(square, oblique):
    assert any("pelvic drop +" in line for line in summary_lines(square))
    side_lines = [line for line in summary_lines(oblique) if "left stance" in line]
    assert side_lines == ["  left stance (1 event): no angle given, the camera was at an angle to the person"]


def test_no_flag_text_does_not_call_an_unmeasured_video_clean(oblique):
    unflagged = {**oblique, "flags": []}
    assert no_flag_text(unflagged, audience="patient") == ANGLES_WITHHELD_NOTE["patient"]
    assert no_flag_text(unflagged, audience="clinician") == ANGLES_WITHHELD_NOTE["clinician"]
    assert "went past" not in no_flag_text(unflagged, audience="patient")


@pytest.mark.parametrize("audience", ["clinician", "patient"])
def test_report_says_why_there_is_no_angle_and_prints_none(square, oblique, audience):
    def text(result):
        doc = pdfium.PdfDocument(build_report(result, audience=audience))
        return " ".join(" ".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc)))

    shown = text(oblique)
    note = " ".join(ANGLES_WITHHELD_NOTE[audience].split())
    assert note[:60] in shown
    quality = "About this video" if audience == "patient" else "Video quality"
    assert "°" not in shown.split(quality)[0]  # no angle value above the notes on the video
    assert "°" in text(square).split(quality)[0]


def test_batch_table_marks_the_video_without_angles(square, oblique, tmp_path):
    from pathlib import Path

    outcome = BatchOutcome(results=[(Path("square.mp4"), square), (Path("oblique.mp4"), oblique)])
    rows = {r["video"]: r for r in outcome.rows()}
    assert rows["oblique.mp4"]["note"] == ANGLES_WITHHELD_LINE and rows["square.mp4"]["note"] == ""
    assert rows["oblique.mp4"]["pelvic_drop_deg"] is None
    table = outcome.table_text()
    (line,) = [row for row in table.splitlines() if row.startswith("oblique.mp4")]
    assert ANGLES_WITHHELD_LINE in line and "--" in line
    outcome.write_csv(tmp_path / "summary.csv")
    assert ANGLES_WITHHELD_LINE in (tmp_path / "summary.csv").read_text()


@pytest.fixture(scope="module")
def real_oblique(real_video):
    from hipscreen.pipeline import analyze

    video = real_video("pose2sim_single_cam01.mp4")  # a single-leg balance filmed about 40 degrees off
    return video, analyze(video)


@pytest.mark.slow
def test_real_oblique_clip_keeps_its_hold_and_gives_no_angle(real_oblique):
    _, analysis = real_oblique
    result = analysis.result
    assert 25.0 <= abs(result["camera_yaw_deg"]) <= 50.0
    assert result["task"] == "single_leg_stance" and [e["side"] for e in result["events"]] == ["left"]
    assert angles_withheld(result) and ANGLES_WITHHELD_WARNING in result["quality"]["warnings"]
    assert result["events"][0]["at_peak"] == dict.fromkeys(ANGLE_NAMES)
    # The per-frame series stay (the dashboard's curves and the CSV show the timing).
    assert np.isfinite(analysis.series["pelvic_drop_left_stance_deg"]).mean() > 0.9


@pytest.mark.slow
@pytest.mark.parametrize("audience", ["clinician", "patient"])
def test_real_oblique_overlay_draws_the_skeleton_without_values(real_oblique, audience, tmp_path, monkeypatch):
    import hipscreen.overlay as overlay

    video, analysis = real_oblique
    drawn = []
    real_draw = overlay.draw_frame

    def record(rgb, points, **kwargs):
        drawn.append(kwargs)
        return real_draw(rgb, points, **kwargs)

    monkeypatch.setattr(overlay, "draw_frame", record)
    out = overlay.write_overlay(video, analysis, tmp_path / "overlay.mp4", audience=audience)
    assert out.stat().st_size > 10_000 and len(drawn) == len(analysis.track)
    standing = [d for d in drawn if d["side"] == "left"]
    assert standing, "the hold's frames are drawn with their standing leg"
    assert all(d["angles"] == {} and d["labels"] == {} and d["note"] == ANGLES_WITHHELD_LINE for d in drawn)
