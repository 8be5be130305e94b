"""The foot-lift measurement behind the single-leg stance filming advice (benchmarks/foot_lift.py)."""

from __future__ import annotations

import numpy as np

from benchmarks.foot_lift import ankle_rise_px


def test_the_rise_is_the_hold_height_above_the_height_before_foot_off():
    t = np.arange(0, 4.0, 1 / 30)
    y = np.where((t >= 1.0) & (t <= 3.0), 860.0, 900.0)  # lifted 40 px from 1 s to 3 s
    y[(t > 3.0)] = 905.0  # where the foot lands afterwards does not count
    assert ankle_rise_px(t, y, 1.0, 3.0) == 40.0


def test_the_edges_of_the_hold_do_not_count():
    t = np.arange(0, 4.0, 1 / 30)
    y = np.where((t >= 1.0) & (t <= 3.0), 860.0, 900.0)
    edges = ((t >= 1.0) & (t < 1.3)) | ((t > 2.7) & (t <= 3.0))
    y[edges] = 700.0  # the foot swinging up and down at foot-off and foot-down
    y[np.flatnonzero(t > 1.0)[:3]] = np.nan  # and a few frames without a pose
    assert ankle_rise_px(t, y, 1.0, 3.0) == 40.0
