"""Small numpy kinematics for posing the rig: rotations, aiming, two-bone IK, heads.

Notes
-----
World frame = Anny's body frame: metres, ``z`` up, the body faces ``-y``, the
person's left is ``+x``. A pose is a world rotation ``G`` per bone, relative to the
bone's rest orientation; a bone without its own rotation takes its parent's (it
moves rigidly with it). Posed heads follow ``p_c = p_parent + G_parent (h_c - h_parent)``,
which is Anny's ``world-orient`` forward kinematics.
"""

from __future__ import annotations

import numpy as np


def rot_x(deg: float) -> np.ndarray:
    """Rotation about world x (the person's left-right axis)."""
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def rot_y(deg: float) -> np.ndarray:
    """Rotation about world y (the front-back axis): frontal-plane rotation."""
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def rot_z(deg: float) -> np.ndarray:
    """Rotation about world z (vertical): yaw."""
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def rotation_between(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The smallest rotation taking direction ``u`` to direction ``v``."""
    u, v = unit(u), unit(v)
    axis = np.cross(u, v)
    s = np.linalg.norm(axis)
    c = float(np.dot(u, v))
    if s < 1e-12:
        if c > 0:
            return np.eye(3)
        perp = unit(np.cross(u, [1.0, 0, 0] if abs(u[0]) < 0.9 else [0, 1.0, 0]))
        return 2 * np.outer(perp, perp) - np.eye(3)
    k = axis / s
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + s * kx + (1 - c) * kx @ kx


def two_bone_knee(hip: np.ndarray, ankle: np.ndarray, thigh_m: float, shank_m: float,
                  pole: np.ndarray) -> np.ndarray:
    """Knee position for given hip and ankle positions, the knee bulging towards ``pole``.

    If the ankle is out of reach the leg is straight, pointing at it.
    """
    d = ankle - hip
    dist = np.linalg.norm(d)
    axis = d / dist
    dist = min(dist, (thigh_m + shank_m) * 0.99999)
    along = (thigh_m**2 - shank_m**2 + dist**2) / (2 * dist)
    height = np.sqrt(max(thigh_m**2 - along**2, 0.0))
    bend = pole - np.dot(pole, axis) * axis
    bend = unit(bend)
    return hip + along * axis + height * bend


def complete_rotations(parents: np.ndarray, given: dict[int, np.ndarray]) -> np.ndarray:
    """World rotation of every bone: its own if given, else its parent's (root: identity)."""
    out = np.empty((len(parents), 3, 3))
    for c, p in enumerate(parents):  # parents precede children in Anny's bone order
        if c in given:
            out[c] = given[c]
        elif p < 0:
            out[c] = np.eye(3)
        else:
            out[c] = out[p]
    return out


def posed_heads(parents: np.ndarray, rest_heads: np.ndarray, rotations: np.ndarray,
                root_head: np.ndarray) -> np.ndarray:
    """Posed bone heads from world rotations (``world-orient`` kinematics)."""
    heads = np.empty_like(rest_heads)
    for c, p in enumerate(parents):
        if p < 0:
            heads[c] = root_head
        else:
            heads[c] = heads[p] + rotations[p] @ (rest_heads[c] - rest_heads[p])
    return heads
