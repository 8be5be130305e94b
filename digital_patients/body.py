"""The parametric body: an Anny model with a given shape, its rest skeleton and its regions.

Notes
-----
Body frame (Anny's): metres, ``z`` up, the body faces ``-y``, the person's left is
``+x``. Joint centres are bone heads: hip = ``upperleg01``, knee = ``lowerleg01``,
ankle = ``foot``, shoulder = ``upperarm01`` (see :data:`JOINT_BONES`).
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass

import numpy as np

#: Which bone's head is the anatomical joint centre, per side ("L"/"R" appended).
JOINT_BONES = {
    "hip": "upperleg01",
    "knee": "lowerleg01",
    "ankle": "foot",
    "shoulder": "upperarm01",
}

SIDE_SUFFIX = {"left": "L", "right": "R"}


@dataclass(frozen=True)
class BodyShape:
    """Anny phenotype parameters, each in [0, 1].

    ``gender`` 0 = male, 1 = female. ``age`` interpolates Anny's anchors
    baby (0), child (1/3), young adult (2/3, about 25 years) and old (1, about 90):
    adults lie between 0.62 and 1. ``muscle``, ``weight`` 0.5 = average;
    ``height`` 0 = short, 1 = tall; ``proportions`` 0 = ideal, 1 = uncommon.
    """

    gender: float = 0.5
    age: float = 0.7
    muscle: float = 0.5
    weight: float = 0.5
    height: float = 0.5
    proportions: float = 0.5

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Appearance:
    """Colours (RGB 0-255) of the skin and clothes, painted per body region."""

    skin_rgb: tuple[int, int, int] = (224, 172, 140)
    shorts_rgb: tuple[int, int, int] = (40, 50, 90)
    top_rgb: tuple[int, int, int] = (200, 60, 60)
    shoes_rgb: tuple[int, int, int] = (240, 240, 240)
    hair_rgb: tuple[int, int, int] = (60, 40, 30)

    def as_dict(self) -> dict:
        return {k: list(v) for k, v in asdict(self).items()}


@functools.lru_cache(maxsize=1)
def load_model():
    """Build the Anny model once per process (about a minute the first time, then cached)."""
    import anny
    import torch

    torch.set_grad_enabled(False)
    return anny.Anny()


@dataclass
class RestBody:
    """One shaped body in its rest pose (Anny world frame).

    Attributes
    ----------
    labels : bone labels (104).
    parents : parent index per bone (root: -1).
    heads : (B, 3) rest bone heads.
    rotations : (B, 3, 3) rest bone orientations.
    vertices : (V, 3) rest vertices.
    faces : (F, 3) triangles.
    dominant_bone : (V,) index of the bone with the largest skinning weight.
    skin_weights, skin_bones : (V, K) skinning weights and their bone indices.
    """

    labels: list
    parents: np.ndarray
    heads: np.ndarray
    rotations: np.ndarray
    vertices: np.ndarray
    faces: np.ndarray
    dominant_bone: np.ndarray
    skin_weights: np.ndarray
    skin_bones: np.ndarray
    shape: BodyShape
    phenotype: dict

    def index(self, label: str) -> int:
        return self.labels.index(label)

    def joint_bone(self, joint: str, side: str) -> int:
        return self.index(f"{JOINT_BONES[joint]}.{SIDE_SUFFIX[side]}")


def make_rest_body(shape: BodyShape) -> RestBody:
    """Shape the model and return its rest skeleton and mesh."""
    model = load_model()
    phenotype = {k: float(v) for k, v in shape.as_dict().items()}
    out = model(phenotype_kwargs=phenotype)
    poses = out["rest_bone_poses"][0].numpy().astype(np.float64)
    weights = model.vertex_bone_weights.numpy()
    indices = model.vertex_bone_indices.numpy()
    dominant = indices[np.arange(len(indices)), np.argmax(weights, axis=1)]
    parents = np.array([-1] + [int(p) for p in model.bone_parents[1:]])
    return RestBody(
        labels=list(model.bone_labels),
        parents=parents,
        heads=poses[:, :3, 3].copy(),
        rotations=poses[:, :3, :3].copy(),
        vertices=out["rest_vertices"][0].numpy().astype(np.float64),
        faces=model.get_triangular_faces().numpy().astype(np.int64),
        dominant_bone=dominant,
        skin_weights=weights.astype(np.float64),
        skin_bones=indices.astype(np.int64),
        shape=shape,
        phenotype=phenotype,
    )


def skin(rest: RestBody, bone_world_rotations: np.ndarray, root_head: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pose the body: vertices and bone heads for per-bone world rotations.

    Parameters
    ----------
    rest : the shaped body.
    bone_world_rotations : (T, B, 3, 3) rotation of every bone relative to its rest
        orientation, in world axes (``G`` of :mod:`digital_patients.kinematics`).
    root_head : (T, 3) world position of the root bone's head.

    Returns
    -------
    vertices : (T, V, 3) posed vertices.
    heads : (T, B, 3) posed bone heads (Anny's own forward kinematics).
    """
    import torch

    model = load_model()
    n_frames = len(bone_world_rotations)
    deltas = np.zeros((n_frames, len(rest.labels), 4, 4))
    deltas[..., :3, :3] = np.einsum("tbij,bjk->tbik", bone_world_rotations, rest.rotations)
    deltas[..., 3, 3] = 1.0
    deltas[:, 0, :3, 3] = root_head
    vertices, heads = [], []
    for start in range(0, n_frames, 64):
        chunk = torch.as_tensor(deltas[start:start + 64], dtype=model.dtype)
        out = model(
            pose_parameters=chunk,
            phenotype_kwargs=rest.phenotype,
            pose_parameterization="world-orient",
        )
        vertices.append(out["vertices"].numpy().astype(np.float64))
        heads.append(out["bone_poses"][..., :3, 3].numpy().astype(np.float64))
    return np.concatenate(vertices), np.concatenate(heads)


def region_colours(rest: RestBody, appearance: Appearance) -> np.ndarray:
    """Per-vertex RGBA colours: shoes, shorts, a short-sleeved top, skin elsewhere.

    Regions come from each vertex's dominant bone and its rest height relative to
    the hip joint centres.
    """
    labels = np.array(rest.labels)
    bone = labels[rest.dominant_bone]
    z = rest.vertices[:, 2]
    hip_z = rest.heads[rest.index("upperleg01.L"), 2]
    knee_z = rest.heads[rest.index("lowerleg01.L"), 2]
    neck_z = rest.heads[rest.index("neck01"), 2]
    is_arm = np.array([b.startswith(("lowerarm", "wrist", "finger", "metacarpal", "upperarm02")) for b in bone])
    is_upper_arm = np.array([b.startswith("upperarm01") for b in bone])
    is_foot = np.array([b.startswith(("foot", "toe")) for b in bone])
    is_head = np.array([b.startswith(("neck", "head", "eye")) for b in bone])
    shorts_bottom = hip_z - 0.45 * (hip_z - knee_z)
    waist_z = hip_z + 0.16
    colours = np.tile(np.array([*appearance.skin_rgb, 255], np.uint8), (len(z), 1))
    body = ~is_arm & ~is_upper_arm & ~is_foot & ~is_head
    colours[body & (z >= shorts_bottom) & (z < waist_z)] = [*appearance.shorts_rgb, 255]
    top = (body & (z >= waist_z) & (z < neck_z + 0.01)) | (is_upper_arm & (z > hip_z + 0.2))
    colours[top] = [*appearance.top_rgb, 255]
    colours[is_foot] = [*appearance.shoes_rgb, 255]
    head_top = rest.heads[rest.index("head"), 2] + 0.09
    colours[is_head & (z > head_top)] = [*appearance.hair_rgb, 255]
    return colours


def pelvic_landmark_vertices(rest: RestBody) -> dict[str, tuple[int, int]]:
    """Vertex indices (left, right) of skin points over the ASIS, PSIS and iliac crests.

    Found on the rest mesh relative to the hip joint centres: ASIS = most anterior
    point 4-10 cm above the hip centre and 7-13 cm from the midline; PSIS = most
    posterior point 6-12 cm above, 3-6 cm from the midline; crest = most lateral
    point 10-14 cm above the hip centre. Only skin that moves with the bony pelvis is
    eligible: at least 90 % of its skinning weight on the pelvis segment (root,
    ``pelvis.L/R``, ``spine05``, ``spine04``, ``spine03``).
    """
    pelvis_bones = [rest.index(b) for b in ("root", "pelvis.L", "pelvis.R", "spine05", "spine04", "spine03")]
    on_pelvis = (rest.skin_weights * np.isin(rest.skin_bones, pelvis_bones)).sum(axis=1) >= 0.9
    x, y, z = rest.vertices.T
    hip_z = rest.heads[rest.index("upperleg01.L"), 2]
    hip_y = rest.heads[rest.index("upperleg01.L"), 1]
    dz = z - hip_z
    out = {}
    for name, band, x_range, key in (
        ("asis", (0.04, 0.10), (0.07, 0.13), y),
        ("psis", (0.06, 0.12), (0.03, 0.06), -y),
        ("crest", (0.10, 0.14), (0.0, 1.0), None),
    ):
        pair = []
        for lat in (1.0, -1.0):
            sel = on_pelvis & (dz > band[0]) & (dz < band[1]) & (lat * x > x_range[0]) & (lat * x < x_range[1])
            if name == "crest":
                sel &= np.abs(y - hip_y) < 0.1
                score = -lat * x
            else:
                score = key
            idx = np.flatnonzero(sel)
            pair.append(int(idx[np.argmin(score[idx])]))
        out[name] = tuple(pair)
    return out
