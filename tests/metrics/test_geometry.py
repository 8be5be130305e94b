"""signed_angle_2d: hand-checked directions in the image frame (x right, y down)."""

import numpy as np
import pytest

from metrics.geometry import midpoint, signed_angle_2d


@pytest.mark.parametrize(
    ("u", "v", "expected"),
    [
        pytest.param((1, 0), (0, 1), 90.0, id="right-to-down-is-clockwise-positive"),
        pytest.param((1, 0), (0, -1), -90.0, id="right-to-up-is-negative"),
        pytest.param((1, 0), (1, 1), 45.0, id="right-to-down-right"),
        pytest.param((0, -1), (-1, -1), -45.0, id="up-to-up-left"),
        pytest.param((1, 0), (-1, 0), 180.0, id="opposite-is-plus-180"),
        pytest.param((-1, 0), (1, 0), 180.0, id="opposite-other-way-is-plus-180"),
        pytest.param((2, 0), (5, 0), 0.0, id="same-direction-any-length"),
        pytest.param((0, 1), (1, 0), -90.0, id="down-to-right"),
    ],
)
def test_signed_angle_directions(u, v, expected):
    assert signed_angle_2d(np.array(u), np.array(v)) == pytest.approx(expected)


def test_signed_angle_is_antisymmetric():
    u = np.array([3.0, 1.0])
    v = np.array([-1.0, 4.0])
    assert signed_angle_2d(u, v) == pytest.approx(-signed_angle_2d(v, u))


def test_vectorised_over_leading_axes_and_broadcasts():
    # Four frames of a vector turning 90 degrees clockwise (on screen) per frame.
    v = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    out = signed_angle_2d(np.array([1.0, 0.0]), v)
    np.testing.assert_allclose(out, [0.0, 90.0, 180.0, -90.0])
    assert signed_angle_2d(np.zeros((2, 3, 2)) + [1.0, 0.0], np.array([0.0, 1.0])).shape == (2, 3)


@pytest.mark.parametrize(
    ("u", "v"),
    [
        pytest.param((0, 0), (1, 0), id="zero-first"),
        pytest.param((1, 0), (0, 0), id="zero-second"),
        pytest.param((np.nan, 0), (1, 0), id="nan"),
    ],
)
def test_undefined_angle_is_nan(u, v):
    assert np.isnan(signed_angle_2d(np.array(u, dtype=float), np.array(v, dtype=float)))


def test_midpoint():
    np.testing.assert_allclose(midpoint([0.0, 2.0], [4.0, 6.0]), [2.0, 4.0])
    assert np.isnan(midpoint([np.nan, 0.0], [1.0, 1.0])[0])
