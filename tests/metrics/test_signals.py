"""Tests of the small signal helpers the event detectors share."""

import numpy as np
import pytest

from metrics.events.signals import rolling_median


def test_rolling_median_takes_the_finite_values_within_half_a_window():
    times_s = np.arange(7) * 0.125  # exact in binary: the window edges fall on samples
    values = np.array([5.0, 1.0, np.nan, 3.0, np.inf, 9.0, 7.0])
    got = rolling_median(times_s, values, window_s=0.25)  # each sample and its neighbours
    expected = [
        np.median([5, 1]),
        np.median([5, 1]),
        np.median([1, 3]),
        3.0,  # its neighbours are NaN and inf
        np.median([3, 9]),
        np.median([9, 7]),
        np.median([9, 7]),
    ]
    np.testing.assert_allclose(got, expected)


def test_rolling_median_is_nan_where_a_window_has_no_finite_value():
    times_s = np.array([0.0, 0.125, 0.25, 1.0, 1.125])
    values = np.array([1.0, 2.0, 3.0, np.nan, np.nan])
    got = rolling_median(times_s, values, window_s=0.25)
    np.testing.assert_allclose(got[:3], [1.5, 2.0, 2.5])
    assert np.isnan(got[3:]).all()


def test_rolling_median_windows_follow_uneven_sample_times():
    # the window is in seconds: a late sample (a frame rate drop) has fewer neighbours
    times_s = np.array([0.0, 0.03125, 0.0625, 0.5])
    values = np.array([0.0, 10.0, 20.0, 30.0])
    got = rolling_median(times_s, values, window_s=0.0625)  # +-1/32 s
    np.testing.assert_allclose(got, [5.0, 10.0, 15.0, 30.0])


@pytest.mark.parametrize("n", [0, 1])
def test_rolling_median_of_tiny_inputs(n):
    got = rolling_median(np.arange(n, dtype=float), np.ones(n), window_s=1.0)
    assert got.shape == (n,)
    assert np.all(got == 1.0)


def test_rolling_median_of_a_long_signal_matches_a_direct_median_per_sample():
    rng = np.random.default_rng(3)
    times_s = np.sort(rng.uniform(0, 100, 5000))
    values = rng.normal(size=5000)
    values[rng.random(5000) < 0.2] = np.nan
    got = rolling_median(times_s, values, window_s=0.7)
    for i in rng.integers(0, 5000, 50):
        inside = np.abs(times_s - times_s[i]) <= 0.35
        window = values[inside & np.isfinite(values)]
        assert got[i] == pytest.approx(np.median(window))
