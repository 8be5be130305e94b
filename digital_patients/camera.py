"""The virtual phone camera: a pinhole looking at the person, and its projection.

Notes
-----
World frame: metres, ``z`` up, the body faces ``-y``. Pixels are those of the
*displayed* (upright) frame: ``x`` to the right, ``y`` downwards, continuous
coordinates in which pixel ``i`` spans ``[i, i + 1)`` (so the image centre is
``(width / 2, height / 2)``), the convention of MediaPipe's normalised landmarks
times the frame size. Square pixels, principal point at the centre.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class PhoneCamera:
    """A phone on a tripod or held by someone.

    ``view`` "front" films the person's front (camera on ``-y``), "back" their back.
    ``yaw_deg`` turns the camera around the person (positive = towards the person's
    left side), ``pitch_deg`` tilts it down (positive) beyond looking at ``aim_height_m``,
    ``roll_deg`` rolls the phone about its viewing axis (positive = the scene appears
    turned counter-clockwise in the image, its right side higher).
    ``vfov_deg`` is the vertical field of view of the upright frame.
    """

    view: str = "front"
    distance_m: float = 2.6
    height_m: float = 1.0
    aim_height_m: float = 0.95
    yaw_deg: float = 0.0
    pitch_deg: float = 0.0
    roll_deg: float = 0.0
    vfov_deg: float = 56.0
    width: int = 540
    height: int = 960
    aim_x_m: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def focal_px(self) -> float:
        return (self.height / 2) / np.tan(np.radians(self.vfov_deg) / 2)

    def axes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Camera centre and its right, up and forward unit vectors in world coordinates."""
        side = -1.0 if self.view == "front" else 1.0
        a = np.radians(self.yaw_deg)
        # yaw > 0 moves the camera towards the person's left (+x) for both views
        horizontal = np.array([np.sin(a), side * np.cos(a), 0.0])
        centre = np.array([self.aim_x_m, 0.0, 0.0]) + self.distance_m * horizontal
        centre[2] = self.height_m
        target = np.array([self.aim_x_m, 0.0, self.aim_height_m])
        forward = target - centre
        forward /= np.linalg.norm(forward)
        p = np.radians(self.pitch_deg)
        right = np.cross(forward, [0.0, 0.0, 1.0])
        right /= np.linalg.norm(right)
        up = np.cross(right, forward)
        forward, up = np.cos(p) * forward - np.sin(p) * up, np.sin(p) * forward + np.cos(p) * up
        r = np.radians(self.roll_deg)
        right, up = np.cos(r) * right - np.sin(r) * up, np.sin(r) * right + np.cos(r) * up
        return centre, right, up, forward

    def pose_matrix(self) -> np.ndarray:
        """4x4 camera-to-world pose for an OpenGL camera (looks along its -z, y up)."""
        centre, right, up, forward = self.axes()
        pose = np.eye(4)
        pose[:3, 0], pose[:3, 1], pose[:3, 2], pose[:3, 3] = right, up, -forward, centre
        return pose

    def project(self, points: np.ndarray) -> np.ndarray:
        """World points (..., 3) to upright-frame pixels (..., 2)."""
        centre, right, up, forward = self.axes()
        rel = np.asarray(points) - centre
        depth = rel @ forward
        f = self.focal_px
        x = self.width / 2 + f * (rel @ right) / depth
        y = self.height / 2 - f * (rel @ up) / depth
        return np.stack([x, y], axis=-1)
