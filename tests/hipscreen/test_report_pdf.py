"""The PDF report renders to one or two pages and says what it must."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pypdfium2 as pdfium
import pytest

from hipscreen.filming_guide import DISCLAIMER
from hipscreen.report_pdf import STANCE_RGB, build_report, crop_around, flag_values, key_frames, trigger_times_text
from vision.landmarks import LANDMARK_NAMES
from vision.track import LandmarkTrack


def _event(i: int, side: str, peak_s: float, drop: float) -> dict:
    return {"index": i, "side": side, "start_s": peak_s - 0.4, "peak_s": peak_s, "end_s": peak_s + 0.4,
            "at_peak": {"pelvic_drop_deg": drop, "trunk_lean_deg": -2.0, "knee_fppa_deg": 12.4,
                        "hip_adduction_deg": None},
            "max": {"pelvic_drop_deg": drop + 0.5, "trunk_lean_deg": -2.5, "knee_fppa_deg": 13.0,
                    "hip_adduction_deg": None}}


def _result(n_events: int = 6) -> dict:
    """A result shaped as docs/OUTPUT.md; the numbers are arbitrary inputs to a renderer."""
    events = [_event(i, "right" if i % 2 else "left", 1.0 + 1.5 * i, 4.0 + i) for i in range(n_events)]
    return {
        "schema_version": 1,
        "tool": {"name": "hipscreen", "version": "0.1.0", "pose_model": "pose_landmarker_full"},
        "video": {"path": "/home/someone/clip.mp4", "width": 628, "height": 628, "rotation_deg": 0,
                  "fps": 25.0, "frames": 380, "duration_s": 15.2, "variable_frame_rate": False},
        "task": "step_down", "task_detected": True, "view": "front", "camera_roll_deg": 0.4,
        "quality": {"frames_with_pose": 0.99, "warnings": ["Hip adduction could not be measured."]},
        "events": events,
        "sides": {"left": {"events": 3, "pelvic_drop_deg": {"mean": 6.0, "sd": 0.5}},
                  "right": {"events": 3, "pelvic_drop_deg": {"mean": 7.0, "sd": 0.5}}},
        "asymmetry": {"pelvic_drop_deg": 1.0},
        "scores": {"lateral_step_down": {"right": {"total": 3, "band": "moderate", "criteria": {
            "arm_strategy": 0, "trunk_lean": 1, "pelvis": 1, "knee": 1, "unsteady": 0},
            "repetitions": 3, "triggers": {"knee": [[2.1, 2.4]], "pelvis": [], "trunk_lean": [[5.0, 5.3]]}}}},
        "flags": [{"code": "dynamic_knee_valgus", "side": "right", "severity": "caution",
                   "value_deg": 12.4, "threshold_deg": 10.0, "source": "Herrington 2014; Munro 2012",
                   "patient_text": "Your right knee moves inwards.",
                   "clinician_text": "Right stance FPPA above the caution threshold."}],
    }


def _pages_text(pdf_bytes: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf_bytes)
    texts = [" ".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc))]
    # Rendering each page proves the file is a valid PDF a viewer can draw.
    for i in range(len(doc)):
        assert doc[i].render(scale=0.5).to_pil().size[0] > 100
    return texts


def _text_past_the_right_margin(pdf: bytes) -> list[str]:
    """Characters whose box ends right of the page's right margin (text running off the page)."""
    doc = pdfium.PdfDocument(pdf)
    off = []
    for page in doc:
        width = page.get_width()
        text = page.get_textpage()
        for i in range(text.count_chars()):
            _, _, right, _ = text.get_charbox(i)
            if right > width - RIGHT_MARGIN_PT:
                off.append(text.get_text_range(i, 1))
    return off


RIGHT_MARGIN_PT = 0.5 * 72 / 25.4 * 10  # 5 mm, less than the report's 10 mm margin


def test_clinician_report_has_every_section(real_video):
    # a result without landmarks: its key frame can be printed only with the face shown
    pdf = build_report(_result(), video_path=real_video("zarate_front.mp4"), patient="P-014", hide_face=False)
    assert pdf.startswith(b"%PDF")
    pages = _pages_text(pdf)
    assert 1 <= len(pages) <= 2
    text = " ".join(pages)
    for expected in ["P-014", "clip.mp4", "Step-down (recognised automatically)", "the front",
                     "Dynamic knee valgus", "12.4°", "threshold 10.0°", "Herrington 2014",
                     "Lateral step-down score", "3 (moderate)", "Hip adduction could not be measured.",
                     "Key frames", "Events (6)", "1 (2.1–2.4 s)", "1 (5.0–5.3 s)"]:
        assert expected in text, expected
    assert "/home/someone" not in text  # the video's name only, never the uploader's folders
    assert not _text_past_the_right_margin(pdf)
    # The disclaimer is on every page.
    for page in pages:
        assert " ".join(DISCLAIMER.split()) in page
    # An unmeasured value is shown as a dash, never as a number.
    assert "None" not in text and "nan" not in text.lower()


@pytest.mark.parametrize(("task", "heading"), [
    ("step_down", "Pictures: each leg's lowest point, in the repetition where the hip dropped most"),
    ("single_leg_squat", "Pictures: each leg's lowest point, in the repetition where the hip dropped most"),
    ("single_leg_stance", "Pictures from your video: the moment your hip dropped most, for each leg"),
    ("gait", "Pictures from your video: the moment your hip dropped most, for each leg"),
])
def test_patient_key_frames_say_which_moment_they_show(real_video, task, heading):
    # the pictures show each side's event with the largest drop at its peak: for a
    # repetition that is its lowest point (MEASURES section 3), not the drop's own moment
    result = _result()
    result["task"] = task
    pdf = build_report(result, video_path=real_video("zarate_front.mp4"), audience="patient", hide_face=False)
    text = " ".join(" ".join(page.split()) for page in _pages_text(pdf))
    assert heading in text
    assert not _text_past_the_right_margin(pdf)


@pytest.mark.parametrize("joint_centres, expected", [
    ({"applied": True, "rule": "step_down"}, "joint-centre estimates (step-down hip rule)"),
    ({"applied": True, "rule": "general"}, "joint-centre estimates"),
    ({"applied": False, "rule": None}, "MediaPipe's points as they are"),
])
def test_header_says_which_points_and_which_rule_the_angles_come_from(joint_centres, expected):
    result = {**_result(), "details": {"joint_centres": {"requested": True, "reason": "", **joint_centres}}}
    text = _pages_text(build_report(result))[0]
    assert expected in text
    if joint_centres["rule"] != "step_down":
        assert "hip rule" not in text


def test_patient_report_uses_plain_words():
    pdf = build_report(_result(), audience="patient")
    text = " ".join(_pages_text(pdf))
    assert not _text_past_the_right_margin(pdf)
    assert "Knee moving inwards, right leg: worth keeping an eye on" in text
    assert "Your right knee moves inwards." in text
    assert "Right stance FPPA" not in text
    assert "Key frames" not in text  # no video given, so no frames
    # The score and the repetitions in everyday words, without the clinic's terms
    for plain in ("Step-down score: points for each thing seen", "Hips not staying level",
                  "Knee moving inwards: past the second toe (1 point)", "Each repetition (6): the angles at the lowest point",
                  "Began", "Measured", "Ended", "About this video", "Phone tilt: +0.4°"):
        assert plain in text, plain
    for jargon in ("Piva", "Criterion", "horizontal", "medial", "Peak", "Events (", "stance phase", "camera roll",
                   "Video quality", "FPPA"):
        assert jargon not in text, jargon


def test_events_cut_by_the_video_are_marked_and_the_averaged_count_given():
    result = _result()
    result["events"][4]["complete"] = False  # the third left event, cut by the video's end
    result["sides"]["left"]["events_averaged"] = 2  # as metrics.summary then writes
    text = " ".join(_pages_text(build_report(result)))
    assert "5 left (cut)" in text
    assert "3 (2 averaged)" in text  # left: three shown, two in its means
    assert "Repetitions 3 (2 averaged) 3 " in text
    assert "shown, but left out of the averages" in text
    whole = " ".join(_pages_text(build_report(_result())))
    assert "(cut)" not in whole and "averaged" not in whole


def test_many_events_stay_within_two_pages():
    pages = _pages_text(build_report(_result(n_events=60)))
    assert len(pages) <= 2
    assert "Another 36 repetitions are in the JSON and CSV exports" in " ".join(pages)  # 60 - 24 rows
    patient = " ".join(_pages_text(build_report(_result(n_events=60), audience="patient")))
    assert "Only the first 24 repetitions are shown here" in patient


def test_rejects_unknown_audience():
    with pytest.raises(ValueError, match="audience"):
        build_report(_result(), audience="coach")


def test_key_frame_draws_the_stance_leg_where_the_landmarks_are(real_video):
    # A hand-placed skeleton on the 628x628 clip: the left thigh runs straight down
    # x = 400 from y = 300 to y = 450, so its middle (400, 375) must be drawn orange.
    xy = np.full((2, len(LANDMARK_NAMES), 2), np.nan)
    place = {"left_hip": (400, 300), "left_knee": (400, 450), "left_ankle": (400, 580),
             "right_hip": (330, 300), "right_knee": (330, 450), "right_ankle": (330, 580),
             "left_shoulder": (410, 120), "right_shoulder": (320, 120)}
    for name, p in place.items():
        xy[:, LANDMARK_NAMES.index(name)] = p
    track = LandmarkTrack(times_s=np.array([0.0, 2.0]), xy_px=xy, visibility=np.ones((2, 33)),
                          width=628, height=628)
    result = _result(n_events=1)  # one left event, peak at 1.0 s
    frames = key_frames(SimpleNamespace(result=result, track=track), video_path=real_video("zarate_front.mp4"))
    assert len(frames) == 1
    image = np.asarray(frames[0])
    # The picture is cropped around the body: the points span y 120..580 (460 px), padded by
    # 15 % of that (69 px) -> y 51..649, clipped to the frame -> 51..628 (577 px). The box is
    # widened to 0.6 x 577 = 346.2 px about the points' centre x = 365 -> x 191.9..538.1,
    # rounded 192..538. The left thigh (x = 400, y = 375) lands at column 208, row 324.
    assert image.shape[1] == 346
    assert image.shape[0] > 577  # the picture and the label band below it
    assert np.abs(image[324, 208].astype(int) - STANCE_RGB).max() < 40
    # and the other (right) thigh, at x = 330 -> column 138, is not drawn in the stance colour
    assert np.abs(image[324, 138].astype(int) - STANCE_RGB).max() > 60


def test_crop_around_a_body_in_the_corner_stays_inside_the_frame():
    points = np.array([[10.0, 10.0], [30.0, 110.0], [np.nan, np.nan]])
    # height 100, pad 15 -> y -5..125 clipped to 0..125; width max(10 + 15, 0.6 * 125 / 2) = 37.5
    # about x = 20 -> -17.5..57.5 clipped to 0..57.5 (rounded to 58)
    assert crop_around(points, (640, 480)) == (0, 0, 58, 125)
    assert crop_around(np.full((3, 2), np.nan), (640, 480)) == (0, 0, 640, 480)


def test_trigger_times_text():
    assert trigger_times_text([]) == ""
    assert trigger_times_text([[2.1, 2.44]]) == "2.1–2.4 s"
    assert trigger_times_text([[0, 1], [2, 3], [4, 5]], limit=2) == "0.0–1.0 s, 2.0–3.0 s, +1 more"


def test_non_angle_flag_shows_its_unit():
    flag = {"code": "unsteady_stance", "side": "left", "severity": "caution", "value": 6.5, "threshold": 10.0,
            "unit": "s"}
    assert flag_values(flag) == ("6.5 s", "10.0 s")
    sway = {**flag, "value": 0.3, "threshold": 0.25, "unit": "pelvis_widths"}
    assert flag_values(sway) == ("0.30 pelvis widths", "0.25 pelvis widths")


@pytest.mark.slow
def test_report_of_a_real_analysis(real_video):
    from hipscreen.filming_guide import TASK_LABELS
    from hipscreen.pipeline import analyze

    video = real_video("pose2sim_single_cam01.mp4")
    analysis = analyze(video)
    pdf = build_report(analysis, video_path=video, patient="P-9")
    doc = pdfium.PdfDocument(pdf)
    assert 1 <= len(doc) <= 2
    text = " ".join(_pages_text(pdf))
    assert "P-9" in text and video.name in text
    assert TASK_LABELS[analysis.result["task"]] in text
    # One key frame per side that has events, embedded as an image on the first page.
    sides = {e["side"] for e in analysis.result["events"]}
    images = [o for o in doc[0].get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    assert len(images) == len(sides) >= 1


def test_no_flag_without_any_event_says_nothing_was_measured_not_that_all_is_well():
    result = _result(n_events=0)
    result.update(flags=[], scores={}, sides={}, asymmetry={})
    result["quality"]["warnings"] = ["No single-leg stance hold was found."]
    for audience in ("clinician", "patient"):
        text = " ".join(_pages_text(build_report(result, audience=audience)))
        assert "Nothing was measured" in text and "went past" not in text
    measured = _result()
    measured["flags"] = []
    text = " ".join(_pages_text(build_report(measured)))
    assert "nothing went past the thresholds" in text and "Nothing was measured" not in text
