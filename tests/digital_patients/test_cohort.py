"""Cohort draws are reproducible per clip and stay within their documented ranges (no rendering)."""

from __future__ import annotations

from digital_patients.make_cohort import random_spec
from digital_patients.make_samples import sample_specs


def test_a_clip_is_drawn_again_identically_from_seed_and_index():
    assert random_spec(7, 12) == random_spec(7, 12)
    assert random_spec(7, 12) != random_spec(7, 13)
    assert random_spec(7, 12).seed == 7 * 100000 + 12


def test_draws_cover_tasks_sides_views_and_stay_adult():
    specs = [random_spec(3, i) for i in range(60)]
    assert {s.motion.task for s in specs} == {"step_down", "single_leg_squat", "single_leg_stance", "gait"}
    assert {s.motion.stance_side for s in specs if s.motion.task != "gait"} == {"left", "right"}
    assert {s.camera.view for s in specs} == {"front", "back"}
    assert {s.rotation_deg for s in specs} >= {0, 90, 270}
    for s in specs:
        assert 0.62 <= s.body.age <= 1.0
        assert abs(s.camera.roll_deg) <= 3 and abs(s.camera.yaw_deg) <= 8
        assert (s.motion.stance_side is None) == (s.motion.task == "gait")
        assert s.extra["cohort"]["clip_seed"] == s.seed


def test_sample_names_are_unique_and_describe_the_clip():
    specs = sample_specs()
    names = [s.name for s in specs]
    assert len(set(names)) == len(names)
    for s in specs:
        assert s.name.startswith(s.motion.task.split("_")[0])
        if s.motion.stance_side:
            assert s.motion.stance_side in s.name
        assert s.camera.view in s.name
