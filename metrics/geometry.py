"""The one geometry primitive: the signed angle between 2D vectors in the image.

Every angle of ``metrics.angles`` is a short composition of :func:`signed_angle_2d`.
"""

from __future__ import annotations

import numpy as np


def signed_angle_2d(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Signed angle that rotates vector ``u`` onto vector ``v``, in degrees.

    Parameters
    ----------
    u, v : array_like, shape (..., 2)
        2D vectors ``(x, y)`` in image pixels; broadcast against each other.

    Returns
    -------
    ndarray, shape (...)
        ``atan2(u_x v_y - u_y v_x, u . v)`` in degrees, in (-180, 180].
        NaN where either vector has zero length or contains NaN.

    Notes
    -----
    Frame: image pixels, x to the right, y **downwards**. Because y points down, a
    positive angle is a **clockwise** turn as seen on the screen: from ``(1, 0)``
    (right) to ``(0, 1)`` (down) is +90; from right to up ``(0, -1)`` is -90.
    An exactly opposite pair gives +180 (never -180).
    """
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = u[..., 0] * v[..., 0] + u[..., 1] * v[..., 1]
    degenerate = (np.hypot(u[..., 0], u[..., 1]) == 0) | (np.hypot(v[..., 0], v[..., 1]) == 0)
    # atan2(-0.0, negative) is -180: fold it onto +180 so the range is (-180, 180].
    angle = np.degrees(np.arctan2(cross + 0.0, dot))
    angle = np.where(angle == -180.0, 180.0, angle)
    return np.where(degenerate, np.nan, angle)


def midpoint(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Midpoint of two points (or point arrays of shape (..., 2)); NaN propagates."""
    return (np.asarray(a, dtype=float) + np.asarray(b, dtype=float)) / 2.0
