"""Per-event values, side statistics and asymmetry, on hand-made angle curves."""

from __future__ import annotations

import numpy as np
import pytest

from metrics.angles import ANGLE_NAMES, AngleSeries
from metrics.events.base import make_event
from metrics.summary import (
    PATIENT_CUT_NOTE,
    PATIENT_UNSEEN_NOTE,
    extreme_over,
    limb_symmetry_index_pct,
    summarize,
)

T = np.arange(30) / 10.0


def series(**overrides):
    """Angle series: zeros everywhere, with the given (angle, side) curves replaced."""
    values = {a: {s: np.zeros(len(T)) for s in ("left", "right")} for a in ANGLE_NAMES}
    for key, curve in overrides.items():
        angle, side = key.rsplit("__", 1)
        values[angle][side] = np.asarray(curve, dtype=float)
    return AngleSeries(times_s=T, values=values)


def event(side, start, peak, end, complete=True):
    return make_event("step_down", side, T, start, peak, end, complete=complete)


def test_values_at_the_peak_and_extremes_on_the_stance_side():
    drop = np.zeros(len(T))
    drop[2:8] = [1, 3, 5, 4, 7, 2]  # peak frame 4 holds 5; the max over frames 2-7 is 7
    lean = np.zeros(len(T))
    lean[2:8] = [1, -6, 2, 3, 4, 0]  # largest magnitude is -6, sign kept
    angles = series(pelvic_drop_deg__right=drop, trunk_lean_deg__right=lean, pelvic_drop_deg__left=np.full(len(T), 99.0))
    summary = summarize([event("right", 2, 4, 7)], angles)
    (item,) = summary.events
    assert item.at_peak["pelvic_drop_deg"] == 5.0
    assert item.extreme["pelvic_drop_deg"] == 7.0
    assert item.at_peak["trunk_lean_deg"] == 2.0
    assert item.extreme["trunk_lean_deg"] == -6.0
    d = item.to_dict()
    assert d["side"] == "right" and d["peak_s"] == pytest.approx(0.4)
    assert d["max"]["trunk_lean_deg"] == -6.0 and d["at_peak"]["pelvic_drop_deg"] == 5.0


def test_nan_at_the_peak_is_none_with_a_reason():
    fppa = np.full(len(T), 4.0)
    fppa[5] = np.nan
    summary = summarize([event("left", 3, 5, 8)], series(knee_fppa_deg__left=fppa))
    assert summary.events[0].at_peak["knee_fppa_deg"] is None
    assert summary.events[0].extreme["knee_fppa_deg"] == 4.0
    assert any("Knee valgus (FPPA)" in w and "peak" in w for w in summary.warnings)
    assert summary.to_dict()["events"][0]["at_peak"]["knee_fppa_deg"] is None


def test_side_mean_sd_and_asymmetry():
    # right peaks 4, 6, 8 -> mean 6, sample SD 2; left peaks 2, 4 -> mean 3, SD sqrt(2)
    drop_r = np.zeros(len(T))
    drop_l = np.zeros(len(T))
    drop_r[[2, 6, 10]] = [4, 6, 8]
    drop_l[[15, 20]] = [2, 4]
    angles = series(pelvic_drop_deg__right=drop_r, pelvic_drop_deg__left=drop_l)
    events = [
        event("right", 1, 2, 3),
        event("right", 5, 6, 7),
        event("right", 9, 10, 11),
        event("left", 14, 15, 16),
        event("left", 19, 20, 21),
    ]
    summary = summarize(events, angles)
    right = summary.sides["right"].stats["pelvic_drop_deg"]
    left = summary.sides["left"].stats["pelvic_drop_deg"]
    assert (right.mean, right.sd, right.n) == (pytest.approx(6.0), pytest.approx(2.0), 3)
    assert (left.mean, left.sd, left.n) == (pytest.approx(3.0), pytest.approx(np.sqrt(2)), 2)
    assert summary.asymmetry.right_minus_left_deg["pelvic_drop_deg"] == pytest.approx(3.0)
    assert summary.asymmetry.limb_symmetry_index_pct["pelvic_drop_deg"] == pytest.approx(50.0)
    out = summary.to_dict()
    assert out["sides"]["right"]["events"] == 3
    assert out["sides"]["right"]["pelvic_drop_deg"] == {"mean": 6.0, "sd": 2.0, "n": 3}
    assert out["asymmetry"]["pelvic_drop_deg"] == 3.0
    assert out["asymmetry"]["limb_symmetry_index_pct"]["pelvic_drop_deg"] == 50.0


def test_single_event_has_no_sd_and_missing_side_no_asymmetry():
    summary = summarize([event("left", 1, 2, 3)], series())
    assert summary.sides["left"].stats["pelvic_drop_deg"].sd is None
    assert summary.asymmetry.right_minus_left_deg["pelvic_drop_deg"] is None
    assert "right" not in summary.to_dict()["sides"]


def test_cut_events_are_left_out_of_side_statistics():
    drop = np.zeros(len(T))
    drop[[2, 6]] = [4.0, 10.0]
    summary = summarize(
        [event("right", 1, 2, 3), event("right", 5, 6, 29, complete=False)], series(pelvic_drop_deg__right=drop)
    )
    assert summary.sides["right"].events == 2
    assert summary.sides["right"].events_averaged == 1
    assert summary.to_dict()["sides"]["right"]["events_averaged"] == 1
    assert summary.sides["right"].stats["pelvic_drop_deg"].mean == 4.0
    assert any("cut" in w for w in summary.warnings)


def test_without_angles_the_events_stay_and_every_value_is_none_without_blaming_the_joints():
    drop = np.zeros(len(T))
    drop[[2, 6, 12]] = [4.0, 10.0, 7.0]
    lean = np.zeros(len(T))
    lean[[2, 6, 12]] = [1.0, -1.0, 0.5]  # opposite signs: with angles, the symmetry index is refused
    events = [event("left", 1, 2, 3), event("right", 5, 6, 8), event("right", 11, 12, 29, complete=False)]
    curves = series(pelvic_drop_deg__left=drop, pelvic_drop_deg__right=drop, trunk_lean_deg__left=lean,
                    trunk_lean_deg__right=-lean)
    measured = summarize(events, curves)
    assert measured.sides["right"].stats["pelvic_drop_deg"].mean == 10.0
    blank = summarize(events, curves, with_angles=False)
    as_dict = blank.to_dict()
    assert [(e["side"], e["peak_s"]) for e in as_dict["events"]] == [(e.side, e.peak_s) for e in events]
    assert all(e["at_peak"] == e["max"] == dict.fromkeys(ANGLE_NAMES) for e in as_dict["events"])
    assert (as_dict["sides"]["left"]["events"], as_dict["sides"]["right"]["events"]) == (1, 2)
    assert as_dict["sides"]["right"]["events_averaged"] == 1
    assert all(as_dict["sides"][s][a] == {"mean": None, "sd": None, "n": 0} for s in ("left", "right") for a in ANGLE_NAMES)
    assert all(as_dict["asymmetry"][a] is None for a in ANGLE_NAMES)
    # Only the cut event is still worth a warning; the caller says why no angle is given.
    assert len(blank.warnings) == 1 and "cut" in blank.warnings[0]
    assert any("symmetry index" in w for w in measured.warnings)


def test_a_patient_gets_each_plain_note_once_and_not_the_symmetry_index():
    lean = np.zeros(len(T))
    lean[[2, 6]] = [2.0, -2.0]  # opposite sides' signs: the symmetry index is refused
    fppa = np.full(len(T), 3.0)
    fppa[[2, 6]] = np.nan  # not seen at two events' peaks
    events = [event("left", 1, 2, 3), event("right", 5, 6, 8), event("right", 11, 12, 29, complete=False),
              event("left", 0, 1, 2, complete=False)]
    summary = summarize(events, series(trunk_lean_deg__left=lean, trunk_lean_deg__right=lean,
                                       knee_fppa_deg__left=fppa, knee_fppa_deg__right=fppa))
    assert sum("could not be measured at its peak" in w for w in summary.warnings) == 2
    assert sum("cut by the start or end" in w for w in summary.warnings) == 2  # one per side
    assert any("symmetry index of trunk lean" in w for w in summary.warnings)
    assert summary.patient_warnings == (PATIENT_UNSEEN_NOTE, PATIENT_CUT_NOTE)

    clean = summarize([event("left", 1, 2, 3)], series())
    assert clean.warnings == clean.patient_warnings == ()



def test_the_symmetry_note_keeps_the_acronym_upper_case():
    fppa = np.zeros(len(T))
    fppa[[2, 6]] = [4.0, -4.0]  # left valgus, right varus: no symmetry index
    summary = summarize([event("left", 1, 2, 3), event("right", 5, 6, 8)],
                        series(knee_fppa_deg__left=fppa, knee_fppa_deg__right=fppa))
    assert any(w.startswith("The symmetry index of knee valgus (FPPA) is not given") for w in summary.warnings)


@pytest.mark.parametrize(
    "left, right, expected",
    [
        pytest.param(5.0, 10.0, 50.0, id="half"),
        pytest.param(-4.0, -8.0, 50.0, id="both_negative"),
        pytest.param(6.0, 6.0, 100.0, id="equal"),
        pytest.param(3.0, -3.0, None, id="opposite_signs"),
        pytest.param(0.5, 0.2, None, id="both_near_zero"),
        pytest.param(None, 3.0, None, id="missing"),
    ],
)
def test_limb_symmetry_index(left, right, expected):
    result = limb_symmetry_index_pct(left, right)
    assert result == (pytest.approx(expected) if expected is not None else None)


def test_extreme_over_all_nan_is_none():
    assert extreme_over(np.array([np.nan, np.nan]), "pelvic_drop_deg") is None
    assert extreme_over(np.array([2.0, -3.0, np.nan]), "trunk_lean_deg") == -3.0
    assert extreme_over(np.array([2.0, -3.0, np.nan]), "knee_fppa_deg") == 2.0
