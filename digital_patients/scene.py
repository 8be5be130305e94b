"""The room: floor, a box to step down from or a treadmill, a back wall, lights.

Notes
-----
World frame: metres, ``z`` up, floor at ``z = 0``, the body faces ``-y``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class SceneStyle:
    """Colours (RGB 0-255), light strength and the wall distance behind the person."""

    floor_rgb: tuple[int, int, int] = (150, 130, 110)
    wall_rgb: tuple[int, int, int] = (210, 210, 200)
    box_rgb: tuple[int, int, int] = (170, 120, 70)
    wall_distance_m: float = 2.0
    light_intensity: float = 3.0
    ambient: float = 0.35
    light_azimuth_deg: float = 20.0
    floor_checker_m: float = 0.0

    def as_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}


def _box_mesh(trimesh, centre, extents, rgb):
    box = trimesh.creation.box(extents=extents)
    box.apply_translation(centre)
    box.visual.vertex_colors = np.tile([*rgb, 255], (len(box.vertices), 1)).astype(np.uint8)
    return box


def _checker_floor(trimesh, style: SceneStyle, size_m: float = 12.0):
    n = max(int(size_m / style.floor_checker_m), 1)
    tiles = []
    dark = tuple(int(c * 0.8) for c in style.floor_rgb)
    for i in range(n):
        for j in range(n):
            rgb = style.floor_rgb if (i + j) % 2 == 0 else dark
            cx = -size_m / 2 + (i + 0.5) * style.floor_checker_m
            cy = -size_m / 2 + (j + 0.5) * style.floor_checker_m
            tiles.append(_box_mesh(trimesh, [cx, cy, -0.01], [style.floor_checker_m, style.floor_checker_m, 0.02], rgb))
    return trimesh.util.concatenate(tiles)


def build_scene(style: SceneStyle, *, view: str, box: tuple | None, treadmill: bool, camera_pose: np.ndarray):
    """A pyrender scene without the body.

    ``box`` is ``(centre_xyz, extents_xyz)`` of the step, or None.
    """
    import pyrender
    import trimesh

    scene = pyrender.Scene(bg_color=[*(np.array(style.wall_rgb) / 255.0), 1.0],
                           ambient_light=[style.ambient] * 3)
    if style.floor_checker_m > 0:
        floor = _checker_floor(trimesh, style)
    else:
        floor = _box_mesh(trimesh, [0, 0, -0.01], [12.0, 12.0, 0.02], style.floor_rgb)
    scene.add(pyrender.Mesh.from_trimesh(floor, smooth=False))
    behind = style.wall_distance_m if view == "front" else -style.wall_distance_m
    wall = _box_mesh(trimesh, [0, behind, 2.0], [12.0, 0.05, 4.0], style.wall_rgb)
    scene.add(pyrender.Mesh.from_trimesh(wall, smooth=False))
    if box is not None:
        centre, extents = box
        scene.add(pyrender.Mesh.from_trimesh(_box_mesh(trimesh, centre, extents, style.box_rgb), smooth=False))
    if treadmill:
        belt = _box_mesh(trimesh, [0, 0.05, -0.005], [0.6, 1.7, 0.02], (45, 45, 50))
        side_l = _box_mesh(trimesh, [0.36, 0.05, 0.0], [0.1, 1.7, 0.06], (90, 90, 95))
        side_r = _box_mesh(trimesh, [-0.36, 0.05, 0.0], [0.1, 1.7, 0.06], (90, 90, 95))
        for m in (belt, side_l, side_r):
            scene.add(pyrender.Mesh.from_trimesh(m, smooth=False))
    a = np.radians(style.light_azimuth_deg)
    key = np.eye(4)
    direction = np.array([np.sin(a), -1.0 if view == "front" else 1.0, 0.8])
    direction /= np.linalg.norm(direction)
    z = direction  # the light shines along its -z
    x = np.cross([0, 0, 1.0], z)
    x /= np.linalg.norm(x)
    key[:3, 0], key[:3, 1], key[:3, 2] = x, np.cross(z, x), z
    scene.add(pyrender.DirectionalLight(intensity=style.light_intensity), pose=key)
    scene.add(pyrender.DirectionalLight(intensity=style.light_intensity * 0.4), pose=camera_pose)
    return scene
