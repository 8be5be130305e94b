"""The PDF report's angle curves: scales, axis labels, and what lands where on the rendered page."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pypdfium2 as pdfium
import pytest
from fpdf import FPDF

from hipscreen.chart_data import threshold_bands
from hipscreen.filming_guide import ANGLE_LABELS_CLINICIAN
from hipscreen.report_curves import PanelScale, draw_angle_curves, nice_ticks, panel_range, side_rgb
from hipscreen.report_pdf import build_report
from metrics.flags import load_thresholds
from tests.hipscreen.test_report_pdf import _pages_text, _result

RULES = load_thresholds().table["flags"]


@pytest.mark.parametrize("lo, hi, max_ticks, expected", [
    (-3.2, 17.5, 5, [0.0, 5.0, 10.0, 15.0]),
    (-12.3, 26.0, 4, [-10.0, 0.0, 10.0, 20.0]),
    (0.0, 7.97, 12, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
    (0.0, 61.0, 12, [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0]),
    (0.2, 0.9, 4, [0.2, 0.4, 0.6, 0.8]),
])
def test_nice_ticks_are_round_inside_the_range_and_few(lo, hi, max_ticks, expected):
    assert nice_ticks(lo, hi, max_ticks=max_ticks) == pytest.approx(expected)


def test_panel_scale_maps_the_corners():
    scale = PanelScale(x_mm=20, y_mm=50, width_mm=100, height_mm=30, t_range=(2.0, 7.0), deg_range=(-10.0, 20.0))
    assert (scale.x(2.0), scale.x(7.0), scale.x(4.5)) == (20, 120, 70)
    assert (scale.y(20.0), scale.y(-10.0), scale.y(0.0)) == (50, 80, 70)  # larger angles higher up


def test_panel_range_spans_the_data_and_the_bands_beside_it():
    # small values, no band: ten degrees around them, 5 % padding each side
    assert panel_range(np.array([0.0, 2.0, np.nan]), []) == pytest.approx((-4.5, 6.5))
    # pelvic drop up to 12: caution 5-8 and marked 8 to 3 degrees past the data
    lo, hi = panel_range(np.array([-2.0, 12.0]), threshold_bands(RULES)["pelvic_drop_deg"])
    assert (lo, hi) == pytest.approx((-2.0 - 0.85, 15.0 + 0.85))
    # nothing measured: still an axis
    assert panel_range(np.array([np.nan]), []) == pytest.approx((-5.5, 5.5))


def _series(t: np.ndarray) -> dict:
    """Right leg: pelvic drop a bump to 12 degrees at 2 s, knee FPPA flat at 3; left leg flat at -4 everywhere."""
    bump = 12.0 * np.exp(-((t - 2.0) / 0.4) ** 2)
    flat = np.zeros_like(t)
    return {"time_s": t,
            "pelvic_drop_right_stance_deg": bump, "pelvic_drop_left_stance_deg": flat - 4.0,
            "trunk_lean_right_stance_deg": flat, "trunk_lean_left_stance_deg": flat,
            "knee_fppa_right_deg": flat + 3.0, "knee_fppa_left_deg": flat - 4.0,
            "hip_adduction_right_deg": flat, "hip_adduction_left_deg": flat - 4.0}


def _render(draw) -> tuple[np.ndarray, float]:
    """Draw on an A4 page, render it, return RGB pixels and pixels per millimetre."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", "", 8)
    draw(pdf)
    page = pdfium.PdfDocument(bytes(pdf.output()))[0]
    scale = 8.0  # 8 pt per pt: about 22.7 pixels per mm
    rgb = np.asarray(page.render(scale=scale).to_pil().convert("RGB")).astype(int)
    return rgb, scale * 72 / 25.4


def test_curves_land_where_their_values_are_and_the_bands_where_the_thresholds_are():
    t = np.linspace(0.0, 4.0, 121)
    events = [{"side": "right", "start_s": 1.2, "peak_s": 2.0, "end_s": 2.8,
               "at_peak": {"pelvic_drop_deg": 12.0, "knee_fppa_deg": 3.0}}]
    scales = []

    def draw(pdf):
        scales.extend(draw_angle_curves(pdf, _series(t), {"events": events}, ANGLE_LABELS_CLINICIAN,
                                        threshold_bands(RULES), x_mm=15, y_mm=20, width_mm=180, panel_height_mm=40))

    rgb, px_per_mm = _render(draw)

    def pixel(x_mm, y_mm):
        return rgb[int(round(y_mm * px_per_mm)), int(round(x_mm * px_per_mm))]

    def near(x_mm, y_mm, colour, radius_px=3, tol=60):
        cy, cx = int(round(y_mm * px_per_mm)), int(round(x_mm * px_per_mm))
        patch = rgb[cy - radius_px : cy + radius_px + 1, cx - radius_px : cx + radius_px + 1]
        return bool((np.abs(patch - np.array(colour)).sum(axis=2) < tol).any())

    drop, _, knee, _ = scales
    red, blue = side_rgb("right"), side_rgb("left")
    # the right leg's pelvic drop passes through its bump (12 at 2 s) and 6 degrees at 2 -/+ 0.333 s
    assert near(drop.x(2.0), drop.y(12.0) + 0.9, red)  # under the peak's diamond
    half = 0.4 * np.sqrt(np.log(2.0))
    assert near(drop.x(2.0 - half), drop.y(6.0), red)
    # outside its event it is faint: no full red on the line at 0.5 s
    assert not near(drop.x(0.5), drop.y(0.0), red, tol=40)
    # the left leg has no event: its pelvic drop is faint everywhere, its knee line is drawn in full
    assert not near(drop.x(3.5), drop.y(-4.0), blue, tol=40)
    assert near(knee.x(3.5), knee.y(-4.0), blue)
    assert near(knee.x(3.5), knee.y(3.0), red)
    # the caution band of pelvic drop (5 to 8 degrees) is orange, away from the event and the curves
    caution = pixel(drop.x(0.5), drop.y(6.5))
    assert caution[0] > 240 and 200 < caution[1] < 245 and caution[2] < 215
    # above 8 degrees: the marked band, red-tinted, not orange
    marked = pixel(drop.x(0.5), drop.y(9.5))
    assert marked[0] > 240 and marked[1] < 235 and abs(int(marked[1]) - int(marked[2])) < 12
    # below the caution threshold, outside the event: the page's white
    assert (pixel(drop.x(0.5), drop.y(3.0)) > 245).all()
    # inside the event, below the bands: the event's grey, and the right leg's strip at the panel's foot
    inside = pixel(drop.x(1.5), drop.y(-2.0))
    assert 225 < inside[0] < 250 and abs(int(inside[0]) - int(inside[2])) < 6
    assert near(drop.x(1.5), drop.y_mm + drop.height_mm - 0.5, red, radius_px=1, tol=40)


def _analysis(n_events: int, *, duration_s: float = 10.0):
    result = _result(n_events=n_events)
    t = np.linspace(0.0, duration_s, int(duration_s * 30))
    return SimpleNamespace(result=result, series=_series(t), track=None, thresholds=None)


def test_clinician_report_has_the_curves_patient_report_and_bare_result_do_not():
    analysis = _analysis(6)
    clinician = _pages_text(build_report(analysis))
    assert len(clinician) <= 2
    assert "Angles over time" in " ".join(clinician) and "Time in the video (s)" in " ".join(clinician)
    assert "Angles over time" not in " ".join(_pages_text(build_report(analysis, audience="patient")))
    assert "Angles over time" not in " ".join(_pages_text(build_report(analysis.result)))
    # angles withheld for the camera angle: no curve to read a value from
    withheld = _analysis(6)
    withheld.result["details"] = {"angles_withheld_for_camera_angle": True}
    assert "Angles over time" not in " ".join(_pages_text(build_report(withheld)))


def test_many_events_with_curves_stay_within_two_pages():
    pages = _pages_text(build_report(_analysis(60, duration_s=90.0)))
    assert len(pages) <= 2
    text = " ".join(pages)
    assert "Angles over time" in text
    assert "Time in the video (s)" in text or "did not fit in the report's two pages" in text
