"""The dashboard's charts, read as figures: bands where the thresholds are, curves and bars where the values are."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from hipscreen.chart_data import SIDE_COLOURS, own_events_mask, shown_bands, threshold_bands
from hipscreen.charts import angle_figure, history_figure, squad_figure
from hipscreen.filming_guide import ANGLE_KEYS, ANGLE_LABELS_CLINICIAN

RULES = {
    "contralateral_pelvic_drop": {"angle": "pelvic_drop_deg", "direction": "above", "caution_deg": 5.0, "marked_deg": 8.0},
    "contralateral_trunk_lean": {"angle": "trunk_lean_deg", "direction": "below", "caution_deg": -5.0, "marked_deg": -10.0},
    "unsteady_stance": {"caution_s": 10.0},  # no angle: no band
}


def test_threshold_bands_follow_the_rules_direction():
    bands = threshold_bands(RULES)
    assert bands == {
        "pelvic_drop_deg": [(5.0, 8.0, "caution"), (8.0, np.inf, "marked")],
        "trunk_lean_deg": [(-5.0, -10.0, "caution"), (-10.0, -np.inf, "marked")],
    }


def test_the_open_band_stops_three_degrees_past_the_data_or_past_its_own_start():
    above = threshold_bands(RULES)["pelvic_drop_deg"]
    # data up to 12 degrees: the marked band is drawn from 8 to 15
    assert shown_bands(above, -2.0, 12.0) == [(5.0, 8.0, "caution"), (8.0, 15.0, "marked")]
    # data well below the thresholds: the marked band still shows 3 degrees of itself
    assert shown_bands(above, -2.0, 1.0) == [(5.0, 8.0, "caution"), (8.0, 11.0, "marked")]
    below = threshold_bands(RULES)["trunk_lean_deg"]
    assert shown_bands(below, -14.0, 3.0) == [(-10.0, -5.0, "caution"), (-17.0, -10.0, "marked")]


def test_own_events_mask_covers_only_that_legs_events_ends_included():
    t = np.arange(0.0, 3.01, 0.5)  # 0, 0.5, ..., 3
    events = [{"side": "left", "start_s": 0.5, "end_s": 1.0}, {"side": "right", "start_s": 2.0, "end_s": 3.0}]
    assert own_events_mask(t, events, "left").tolist() == [False, True, True, False, False, False, False]
    assert own_events_mask(t, events, "right").tolist() == [False, False, False, False, True, True, True]


def _series(t: np.ndarray) -> dict:
    series = {"time_s": t}
    for key, name in (("pelvic_drop", "pelvic_drop_{side}_stance_deg"), ("trunk_lean", "trunk_lean_{side}_stance_deg"),
                      ("knee_fppa", "knee_fppa_{side}_deg"), ("hip_adduction", "hip_adduction_{side}_deg")):
        for k, side in enumerate(("left", "right")):
            series[name.format(side=side)] = np.sin(t) * (k + 1) + len(key)
    return series


def test_angle_figure_draws_each_leg_bold_only_inside_its_own_events():
    t = np.linspace(0.0, 4.0, 41)
    events = [{"side": "right", "start_s": 1.0, "end_s": 2.0, "peak_s": 1.5, "at_peak": {"pelvic_drop_deg": 9.0}}]
    fig = angle_figure(_series(t), {"events": events}, ANGLE_LABELS_CLINICIAN, threshold_bands(RULES))
    drop_right = [tr for tr in fig.data if tr.name == "Right leg" and tr.yaxis == "y"]
    assert len(drop_right) == 1
    y = np.array(drop_right[0].y, dtype=float)
    inside = (t >= 1.0) & (t <= 2.0)
    assert np.all(np.isfinite(y[inside])) and np.all(np.isnan(y[~inside]))
    # the left leg has no event: its bold pelvic-drop line is empty, its knee line is whole
    drop_left = [tr for tr in fig.data if tr.name == "Left leg" and tr.yaxis == "y"][0]
    assert np.all(np.isnan(np.array(drop_left.y, dtype=float)))
    knee_left = [tr for tr in fig.data if tr.name == "Left leg" and tr.yaxis == "y3"][0]
    assert np.all(np.isfinite(np.array(knee_left.y, dtype=float)))
    peak = [tr for tr in fig.data if tr.name == "Peak, right leg"]
    assert [(tr.x, tr.y) for tr in peak] == [((1.5,), (9.0,))]
    # the pelvic-drop caution band sits at the thresholds, in the first subplot
    rects = [s for s in fig.layout.shapes if s.yref == "y"]
    assert (5.0, 8.0) in {(s.y0, s.y1) for s in rects}
    assert [a.text for a in fig.layout.annotations] == [f"{ANGLE_LABELS_CLINICIAN[k]} (°)" for k in ANGLE_KEYS]


def test_squad_figure_keeps_the_table_order_and_values():
    rows = [
        {"video": "b.mp4", "side": "right", "pelvic_drop_deg": 9.1, "trunk_lean_deg": -1.0,
         "knee_fppa_deg": 12.0, "hip_adduction_deg": None},
        {"video": "a.mp4", "side": "left", "pelvic_drop_deg": 2.0, "trunk_lean_deg": 0.5,
         "knee_fppa_deg": 3.0, "hip_adduction_deg": 4.0},
    ]
    fig = squad_figure(rows, ANGLE_LABELS_CLINICIAN, threshold_bands(RULES))
    assert list(fig.layout.yaxis.categoryarray) == ["b.mp4 · right", "a.mp4 · left"]
    bars = {(tr.name, tr.xaxis): tr for tr in fig.data}
    assert bars[("Right leg", "x")].x == (9.1,) and bars[("Right leg", "x")].marker.color == SIDE_COLOURS["right"]
    assert bars[("Left leg", "x4")].x == (4.0,)
    assert np.isnan(bars[("Right leg", "x4")].x[0])  # not measured: no bar, no made-up value


def test_history_figure_marks_each_session_by_its_verdict_and_spans_ten_degrees_at_least():
    days = [datetime(2026, 1, d) for d in (5, 12, 19)]
    rows = [{"session_id": i + 1, "recorded_at": day, "angle": "pelvic_drop_deg", "side": "right",
             "mean_deg": value, "sd_deg": 0.4} for i, (day, value) in enumerate(zip(days, (7.0, 6.5, 3.0)))]
    verdicts = {(2, "right", "pelvic_drop_deg"): "within measurement error", (3, "right", "pelvic_drop_deg"): "real change"}
    fig = history_figure(rows, verdicts, ANGLE_LABELS_CLINICIAN)
    (trace,) = fig.data
    assert list(trace.y) == [7.0, 6.5, 3.0]
    assert list(trace.marker.symbol) == ["circle", "circle-open", "star"]
    low, high = fig.layout.yaxis.range
    assert high - low == pytest.approx(10.0) and low < 3.0 and high > 7.0
