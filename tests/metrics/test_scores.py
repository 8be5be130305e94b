"""Lateral step-down score: each criterion triggered on its own, on a synthetic step-down."""

from __future__ import annotations

import numpy as np
import pytest

from metrics.angles import compute_angle_series
from metrics.events.step_down import detect_repetitions
from metrics.flags import load_thresholds
from metrics.scores import CRITERIA, LateralStepDownParams, band, lateral_step_down_scores
from tests.metrics.events_synthetic import make_track, raised_cosine, steady_times
from vision.landmarks import other_side

REPS = [(1.0, 2.0), (4.0, 2.0)]
BOX_PX = 80.0


def step_downs(stance="right", *, reps=REPS, **extra):
    """Two clean lateral step-downs on ``stance`` (box foot), with extra per-frame offsets."""
    t = steady_times(7.0)
    bump = sum(raised_cosine(t, s, d) for s, d in reps)
    kwargs = dict(
        mid_hip_dy=-BOX_PX + 80.0 * bump,
        foot_dy={stance: -BOX_PX, other_side(stance): -BOX_PX + 10 + (BOX_PX - 10) * bump},
    )
    for key, make in extra.items():
        value = make(t, bump)
        if key == "foot_dy":
            kwargs["foot_dy"].update(value)
        else:
            kwargs[key] = value
    return make_track(t, **kwargs)


def score(track, stance="right", params=LateralStepDownParams()):
    angles = compute_angle_series(track)
    events = detect_repetitions(track, task="step_down")
    assert [e.side for e in events] == [stance] * len(events)
    return lateral_step_down_scores(track, events, angles, params=params)[stance]


def test_clean_step_downs_score_zero():
    result = score(step_downs())
    assert result.total == 0
    assert result.band == "good"
    assert result.repetitions == 2


@pytest.mark.parametrize(
    "criterion, extra, points",
    [
        pytest.param("arm_strategy", {"wrist_dx": lambda t, b: {"left": 60.0 * b}}, 1, id="hand_leaves_waist"),
        # shoulders 40 px sideways over a 250 px trunk: atan(40/250) = 9.1 deg
        pytest.param("trunk_lean", {"trunk_dx": lambda t, b: 40.0 * b}, 1, id="trunk_lean"),
        pytest.param("trunk_lean", {"trunk_dx": lambda t, b: -40.0 * b}, 1, id="trunk_lean_other_way"),
        # hips 2 x 5 px apart in height over 60 px: atan(10/60) = 9.5 deg
        pytest.param("pelvis", {"hip_tilt_px": lambda t, b: 5.0 * b}, 1, id="pelvis_tilts"),
        # knee 8 px medial: 10 px medial of the toe tip (2 px lateral), short of the border (3 + 22 px)
        pytest.param("knee", {"knee_dx": lambda t, b: {"right": 8.0 * b}}, 1, id="knee_past_second_toe"),
        pytest.param("knee", {"knee_dx": lambda t, b: {"right": 30.0 * b}}, 2, id="knee_past_medial_border"),
        # stance foot slides 30 px sideways (0.075 leg lengths) during each repetition
        pytest.param("unsteady", {"foot_dx": lambda t, b: {"right": 30.0 * b}}, 1, id="stance_foot_moves"),
    ],
)
def test_each_criterion_in_isolation(criterion, extra, points):
    result = score(step_downs(**extra))
    for name in CRITERIA:
        expected = points if name == criterion else 0
        assert result.criteria[name].points == expected, name
    assert result.total == points
    triggers = result.criteria[criterion].trigger_times_s
    assert len(triggers) == 2  # one stretch in each repetition
    for (start, end), (rep_start, duration) in zip(triggers, REPS):
        assert rep_start < start <= rep_start + duration / 2 <= end < rep_start + duration


def test_other_foot_resting_on_the_floor_is_unsteady():
    t = steady_times(7.0)
    # the other foot goes down in 0.6 s, rests on the floor 0.8 s, comes back in 0.6 s
    def plateau(start):
        ramp_down = np.clip((t - start) / 0.6, 0, 1)
        ramp_up = np.clip((t - start - 1.4) / 0.6, 0, 1)
        return 0.5 * (1 - np.cos(np.pi * ramp_down)) - 0.5 * (1 - np.cos(np.pi * ramp_up))

    shape = plateau(1.0) + plateau(4.0)
    track = make_track(t, mid_hip_dy=-BOX_PX + 80.0 * shape, foot_dy={"right": -BOX_PX, "left": -BOX_PX + 10 + 70 * shape})
    result = score(track)
    assert result.criteria["unsteady"].points == 1
    assert result.total == 1
    (start, end), _ = result.criteria["unsteady"].trigger_times_s
    assert start == pytest.approx(1.6, abs=0.1) and end == pytest.approx(2.4, abs=0.1)


def test_one_odd_repetition_of_three_does_not_score_but_is_shown():
    reps = [(0.5, 2.0), (2.5, 2.0), (4.5, 2.0)]
    only_first = lambda t, b: 40.0 * raised_cosine(t, 0.5, 2.0)  # noqa: E731
    result = score(step_downs(reps=reps, trunk_dx=only_first))
    assert result.criteria["trunk_lean"].points == 0
    assert result.criteria["trunk_lean"].repetitions_triggered == 1
    assert len(result.criteria["trunk_lean"].trigger_times_s) == 1


def test_left_stance_and_poor_band():
    extra = {
        "wrist_dx": lambda t, b: {"right": 60.0 * b},
        "trunk_dx": lambda t, b: 40.0 * b,
        "knee_dx": lambda t, b: {"left": 30.0 * b},
    }
    result = score(step_downs("left", **extra), "left")
    assert result.criteria["arm_strategy"].points == 1
    assert result.criteria["trunk_lean"].points == 1
    assert result.criteria["knee"].points == 2
    assert result.total == 4 and result.band == "poor"
    d = result.to_dict()
    assert d["total"] == 4 and d["band"] == "poor"
    assert d["criteria"] == {"arm_strategy": 1, "trunk_lean": 1, "pelvis": 0, "knee": 2, "unsteady": 0}
    assert len(d["triggers"]["knee"]) == 2


@pytest.mark.parametrize("total, expected", [(0, "good"), (1, "good"), (2, "moderate"), (3, "moderate"), (4, "poor"), (6, "poor")])
def test_bands(total, expected):
    assert band(total) == expected


def test_thresholds_come_from_the_toml(tmp_path):
    path = tmp_path / "clinic.toml"
    path.write_text("[scores.lateral_step_down]\ntrunk_lean_deg = 12.0\n")
    thresholds = load_thresholds(path)
    params = LateralStepDownParams.from_thresholds(thresholds)
    assert params.trunk_lean_deg == 12.0
    assert params.pelvis_deg == LateralStepDownParams().pelvis_deg
    # a 9 deg lean no longer scores with the clinic's 12 deg threshold
    track = step_downs(trunk_dx=lambda t, b: 40.0 * b)
    angles = compute_angle_series(track)
    events = detect_repetitions(track, task="step_down")
    assert lateral_step_down_scores(track, events, angles)["right"].criteria["trunk_lean"].points == 1
    result = lateral_step_down_scores(track, events, angles, thresholds=thresholds)["right"]
    assert result.criteria["trunk_lean"].points == 0


def test_no_step_downs_no_score():
    track = step_downs()
    scores = lateral_step_down_scores(track, [], compute_angle_series(track))
    assert scores.sides == {} and scores.to_dict() == {}
    assert "right" not in scores


def test_defaults_match_the_toml():
    assert LateralStepDownParams.from_thresholds(load_thresholds()) == LateralStepDownParams(
        source=load_thresholds().table["scores"]["lateral_step_down"]["source"]
    )
