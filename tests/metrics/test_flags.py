"""Flags at, above and below their thresholds; configuration overrides; session comparison."""

from __future__ import annotations

import numpy as np
import pytest

from metrics.angles import ANGLE_NAMES, AngleSeries
from metrics.events.base import make_event
from metrics.flags import (
    DISCLAIMER,
    NOT_COMPARABLE,
    REAL_CHANGE,
    WITHIN_ERROR,
    compare_sessions,
    evaluate_flags,
    load_thresholds,
)
from metrics.summary import summarize
from vision.errors import InputProblem

T = np.arange(40) / 10.0


def summary_with(peaks: dict, *, task="step_down", complete=True):
    """A summary whose side means are exactly ``peaks[(angle, side)]`` (two events per side)."""
    values = {a: {s: np.zeros(len(T)) for s in ("left", "right")} for a in ANGLE_NAMES}
    events = []
    for k, side in enumerate(("left", "right")):
        for j in range(2):
            peak = 5 + 10 * (2 * k + j)
            events.append(make_event(task, side, T, peak - 2, peak, peak + 2, complete=complete))
            for (angle, s), v in peaks.items():
                if s == side:
                    values[angle][side][peak] = v
    return summarize(events, AngleSeries(times_s=T, values=values))


def codes(flags):
    return sorted((f.code, f.side, f.severity) for f in flags)


@pytest.mark.parametrize(
    "angle, value, expected",
    [
        pytest.param("pelvic_drop_deg", 5.0, None, id="drop_at_caution_not_flagged"),
        pytest.param("pelvic_drop_deg", 5.1, ("contralateral_pelvic_drop", "caution"), id="drop_above_caution"),
        pytest.param("pelvic_drop_deg", 8.0, ("contralateral_pelvic_drop", "caution"), id="drop_at_marked_is_caution"),
        pytest.param("pelvic_drop_deg", 8.5, ("contralateral_pelvic_drop", "marked"), id="drop_above_marked"),
        pytest.param("trunk_lean_deg", 6.0, ("ipsilateral_trunk_lean", "caution"), id="lean_towards_stance"),
        pytest.param("trunk_lean_deg", 11.0, ("ipsilateral_trunk_lean", "marked"), id="lean_towards_marked"),
        pytest.param("trunk_lean_deg", -4.9, None, id="lean_away_below_threshold"),
        pytest.param("trunk_lean_deg", -6.0, ("contralateral_trunk_lean", "caution"), id="lean_away"),
        pytest.param("trunk_lean_deg", -10.5, ("contralateral_trunk_lean", "marked"), id="lean_away_marked"),
        pytest.param("knee_fppa_deg", 9.9, None, id="fppa_below"),
        pytest.param("knee_fppa_deg", 12.4, ("dynamic_knee_valgus", "caution"), id="fppa_caution"),
        pytest.param("knee_fppa_deg", 15.5, ("dynamic_knee_valgus", "marked"), id="fppa_marked"),
        pytest.param("hip_adduction_deg", 10.5, ("hip_adduction", "caution"), id="adduction_caution"),
        pytest.param("hip_adduction_deg", 16.0, ("hip_adduction", "marked"), id="adduction_marked"),
    ],
)
def test_angle_flags_at_above_and_below_thresholds(angle, value, expected):
    # same value on both sides: no asymmetry flag gets in the way
    flags = evaluate_flags(summary_with({(angle, "left"): value, (angle, "right"): value}))
    if expected is None:
        assert flags == []
    else:
        code, severity = expected
        assert codes(flags) == [(code, "left", severity), (code, "right", severity)]
        flag = flags[0]
        assert flag.value_deg == pytest.approx(value)
        assert flag.threshold_deg in (5.0, 8.0, 10.0, 15.0, -5.0, -10.0)
        assert flag.source
        assert flag.events == 2
        assert f"{value:.1f} deg" in flag.clinician_text and "2 events" in flag.clinician_text
        assert "deg" not in flag.patient_text and "left" in flag.patient_text


def test_flag_to_dict_matches_output_schema():
    (flag, _) = evaluate_flags(summary_with({("knee_fppa_deg", "left"): 12.4, ("knee_fppa_deg", "right"): 12.4}))
    d = flag.to_dict()
    assert d["code"] == "dynamic_knee_valgus"
    assert d["side"] == "left" and d["severity"] == "caution"
    assert d["value_deg"] == 12.4 and d["threshold_deg"] == 10.0
    assert d["patient_text"] and d["clinician_text"]
    assert d["clinician_text"].startswith("Knee angle (FPPA), left stance: 12.4 deg")  # the acronym kept upper case


@pytest.mark.parametrize(
    "left, right, flagged",
    [pytest.param(2.0, 7.0, False, id="diff_5_at_threshold"), pytest.param(1.0, 6.5, True, id="diff_5_5")],
)
def test_side_asymmetry(left, right, flagged):
    # hip adduction below its own thresholds on both sides, so only asymmetry can fire
    flags = evaluate_flags(summary_with({("hip_adduction_deg", "left"): left, ("hip_adduction_deg", "right"): right}))
    asym = [f for f in flags if f.code == "side_asymmetry"]
    assert bool(asym) == flagged
    if flagged:
        assert asym[0].side == "right"
        assert asym[0].value_deg == pytest.approx(right - left)
        assert asym[0].angle == "hip_adduction_deg"


def hold_summary(durations, sways, *, complete=True):
    events = []
    start = 0
    for d, s in zip(durations, sways):
        events.append(
            make_event(
                "single_leg_stance", "left", T, start, start + 1, start + 2,
                complete=complete, hold_duration_s=d, sway_pelvis_widths=s,
            )
        )
        start += 3
    values = {a: {s: np.zeros(len(T)) for s in ("left", "right")} for a in ANGLE_NAMES}
    return summarize(events, AngleSeries(times_s=T, values=values))


@pytest.mark.parametrize(
    "durations, sways, expected_units",
    [
        pytest.param([12.0], [0.1], [], id="steady"),
        pytest.param([10.0], [0.25], [], id="at_thresholds"),
        pytest.param([6.0, 9.5], [0.1, 0.1], ["s"], id="short_holds"),
        pytest.param([12.0], [0.3], ["pelvis_widths"], id="large_sway"),
        pytest.param([4.0], [0.4], ["s", "pelvis_widths"], id="both"),
    ],
)
def test_unsteady_stance(durations, sways, expected_units):
    flags = evaluate_flags(hold_summary(durations, sways))
    assert [f.unit for f in flags] == expected_units
    assert all(f.code == "unsteady_stance" and f.side == "left" for f in flags)
    if "s" in expected_units:
        short = flags[0]
        assert short.value == max(durations)
        assert short.to_dict()["unit"] == "s" and "value_deg" not in short.to_dict()
        assert f"for {max(durations):.0f} seconds" in short.patient_text


def test_very_short_hold_in_words():
    (flag,) = evaluate_flags(hold_summary([0.98], [0.1]))
    assert "for about 1 second." in flag.patient_text


def test_hold_cut_by_the_video_is_not_called_short():
    assert evaluate_flags(hold_summary([4.0], [0.1], complete=False)) == []


def test_flags_from_cut_events_only_are_info():
    flags = evaluate_flags(
        summary_with({("knee_fppa_deg", "left"): 20.0, ("knee_fppa_deg", "right"): 20.0}, complete=False)
    )
    assert {f.severity for f in flags} == {"info"}


def test_clinic_override_changes_thresholds(tmp_path):
    path = tmp_path / "clinic.toml"
    path.write_text('[flags.dynamic_knee_valgus]\ncaution_deg = 12.0\nmarked_deg = 20\n')
    thresholds = load_thresholds(path)
    rule = next(r for r in thresholds.angle_flags if r.code == "dynamic_knee_valgus")
    assert (rule.caution_deg, rule.marked_deg) == (12.0, 20.0)
    # the other values keep their defaults
    assert next(r for r in thresholds.angle_flags if r.code == "hip_adduction").caution_deg == 10.0
    summary = summary_with({("knee_fppa_deg", "left"): 11.0, ("knee_fppa_deg", "right"): 11.0})
    assert evaluate_flags(summary, thresholds=thresholds) == []
    assert len(evaluate_flags(summary)) == 2


def test_bad_clinic_file_gives_one_error_naming_every_key(tmp_path):
    path = tmp_path / "clinic.toml"
    path.write_text(
        '[flags.dynamic_knee_valgus]\ncaution_deg = "ten"\n'
        '[flags.hip_adduction]\ncaution_deg = 20.0\n'  # marked 15 now below caution
        '[flags.side_asymmetry]\nseverity = "urgent"\n'
        '[flags.made_up]\nx = 1\n'
    )
    with pytest.raises(InputProblem) as info:
        load_thresholds(path)
    message = str(info.value)
    assert info.value.code == "bad_config"
    assert "\n" not in message
    for key in (
        "flags.dynamic_knee_valgus.caution_deg",
        "flags.hip_adduction.marked_deg",
        "flags.side_asymmetry.severity",
        "flags.made_up",
    ):
        assert key in message
    assert "4 problems" in message


def test_unparsable_clinic_file(tmp_path):
    path = tmp_path / "clinic.toml"
    path.write_text("[flags\ncaution = 1\n")
    with pytest.raises(InputProblem, match="not valid TOML"):
        load_thresholds(path)


def test_missing_clinic_file(tmp_path):
    with pytest.raises(InputProblem, match="cannot be read"):
        load_thresholds(tmp_path / "nope.toml")


def test_compare_sessions_against_smallest_detectable_differences():
    before = summary_with(
        {("knee_fppa_deg", "right"): 16.0, ("pelvic_drop_deg", "right"): 6.0, ("trunk_lean_deg", "right"): 3.0}
    )
    after = summary_with(
        {("knee_fppa_deg", "right"): 9.0, ("pelvic_drop_deg", "right"): 2.5, ("trunk_lean_deg", "right"): 5.5}
    )
    changes = {(c.side, c.angle): c for c in compare_sessions(before, after)}
    assert changes[("right", "knee_fppa_deg")].verdict == WITHIN_ERROR  # 7 < 8
    assert changes[("right", "pelvic_drop_deg")].verdict == REAL_CHANGE  # 3.5 > 3
    assert changes[("right", "trunk_lean_deg")].verdict == REAL_CHANGE  # 2.5 > 2
    assert changes[("right", "hip_adduction_deg")].verdict == NOT_COMPARABLE  # no known SDD
    assert changes[("right", "pelvic_drop_deg")].change_deg == pytest.approx(-3.5)
    assert "real change" in changes[("right", "pelvic_drop_deg")].text


def test_compare_sessions_accepts_json_results():
    previous = {"sides": {"left": {"events": 3, "pelvic_drop_deg": {"mean": 4.0, "sd": 1.0}}}}
    current = {"sides": {"left": {"events": 3, "pelvic_drop_deg": {"mean": 6.0, "sd": 1.0}}}}
    changes = {(c.side, c.angle): c for c in compare_sessions(previous, current)}
    assert changes[("left", "pelvic_drop_deg")].verdict == WITHIN_ERROR  # 2 <= 3
    assert changes[("right", "pelvic_drop_deg")].verdict == NOT_COMPARABLE


def test_disclaimer_says_no_diagnosis_and_red_flags():
    text = DISCLAIMER.lower()
    assert "does not diagnose" in text
    for red_flag in ("severe pain", "weight", "numbness", "weakness"):
        assert red_flag in text
