"""Render one clip: pose the body over time, film it, encode it, write its truth.

Notes
-----
Truth = the rig's joint centres (bone heads, :data:`digital_patients.body.JOINT_BONES`)
projected by the same pinhole that renders the frames, in pixels of the displayed
(upright) frame, ``x`` right, ``y`` down. Angles from :mod:`digital_patients.truth`.
Times = the encoded frames' presentation timestamps, read back from the file.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

os.environ.setdefault("PYOPENGL_PLATFORM", "osmesa")

from digital_patients import encode, motions, posture, truth  # noqa: E402
from digital_patients.body import (  # noqa: E402
    JOINT_BONES, SIDE_SUFFIX, Appearance, BodyShape, make_rest_body, pelvic_landmark_vertices,
    region_colours, skin,
)
from digital_patients.camera import PhoneCamera  # noqa: E402
from digital_patients.scene import SceneStyle, build_scene  # noqa: E402

SCHEMA_VERSION = 1
FOOT_OFF_M = 0.01


@dataclass(frozen=True)
class ClipSpec:
    """Everything that defines one rendered clip (all of it is recorded in the truth file)."""

    name: str
    motion: motions.MotionSpec
    body: BodyShape = BodyShape()
    appearance: Appearance = Appearance()
    camera: PhoneCamera = PhoneCamera()
    scene: SceneStyle = SceneStyle()
    fps: float = 30.0
    rotation_deg: int = 0
    crf: int = 28
    expected_flags: tuple = ()
    description: str = ""
    seed: int | None = None
    extra: dict = field(default_factory=dict)


def _frontal_tilt_deg(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """World frontal-plane tilt of a left-right pair: > 0 when the left point is higher."""
    d = left - right
    return np.degrees(np.arctan2(d[..., 2], np.hypot(d[..., 0], 0.0 * d[..., 1]) + 1e-12))


def _stance_box(spec: ClipSpec, seg: posture.Segments) -> tuple | None:
    if spec.motion.task != "step_down":
        return None
    lat = 1.0 if spec.motion.stance_side == "left" else -1.0
    ankle_x = lat * 0.04
    medial_edge = ankle_x - lat * (seg.foot_half_width_m + 0.035)
    lateral_edge = ankle_x + lat * 0.30
    centre_x = (medial_edge + lateral_edge) / 2
    height = spec.motion.box_height_m
    return (np.array([centre_x, -0.05, height / 2]), np.array([abs(lateral_edge - medial_edge), 0.45, height]))


def _check_opengl() -> None:
    """pyrender pins PyOpenGL 3.1.0, which fails under OSMesa here: ask for 3.1.7 or later."""
    import OpenGL

    version = tuple(int(p) for p in OpenGL.__version__.split(".")[:3] if p.isdigit())
    if version < (3, 1, 7):
        raise RuntimeError(
            f"PyOpenGL {OpenGL.__version__} cannot render offscreen with OSMesa here; "
            'run: pip install -U "PyOpenGL>=3.1.7" (pip warns about pyrender\'s pin; it works)'
        )


@dataclass
class PosedClip:
    """The body posed over the clip's frames, before any rendering."""

    rest: object
    seg: posture.Segments
    half_width_m: float
    scripted: list
    vertices: np.ndarray
    heads: np.ndarray
    seconds: float


def pose_clip(spec: ClipSpec) -> PosedClip:
    """Shape the body and pose it for every frame of ``spec`` (the cheap part of a clip)."""
    started = time.perf_counter()
    rest = make_rest_body(spec.body)
    seg = posture.measure_segments(rest)
    half_width = float(abs(rest.heads[rest.index("upperleg01.L"), 0] - rest.heads[rest.index("upperleg01.R"), 0]) / 2)
    n_frames = int(round(spec.motion.duration_s * spec.fps))
    t_script = np.arange(n_frames) / spec.fps
    postures, scripted = motions.script(spec.motion, seg, half_width, t_script)
    solved = [posture.solve(rest, seg, p) for p in postures]
    rotations = np.stack([r for r, _ in solved])
    roots = np.stack([r for _, r in solved])
    vertices, heads = skin(rest, rotations, roots)
    return PosedClip(rest, seg, half_width, scripted, vertices, heads, time.perf_counter() - started)


def body_margin_frac(camera: PhoneCamera, vertices: np.ndarray, *, every: int = 5) -> float:
    """Smallest distance of the body's mesh to a frame edge, as a fraction of the frame size.

    Negative when part of the body leaves the frame. Checked on every ``every``-th frame.
    """
    px = camera.project(vertices[::every])
    margins = np.stack([px[..., 0] / camera.width, 1 - px[..., 0] / camera.width,
                        px[..., 1] / camera.height, 1 - px[..., 1] / camera.height])
    return float(margins.min())


def render_clip(spec: ClipSpec, out_dir: Path, *, posed: PosedClip | None = None, preview_frames=()) -> dict:
    """Render ``spec`` to ``out_dir/<name>.mp4`` and ``<name>.truth.json``; return timing figures.

    ``posed`` reuses a :func:`pose_clip` result; ``preview_frames`` (frame indices) are
    returned as upright RGB arrays under ``"previews"``.
    """
    _check_opengl()
    import pyrender
    import trimesh

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if posed is None:
        posed = pose_clip(spec)
    rest, seg, half_width, scripted = posed.rest, posed.seg, posed.half_width_m, posed.scripted
    vertices, heads = posed.vertices, posed.heads
    n_frames = len(vertices)
    posed_s = posed.seconds

    cam = spec.camera
    box = _stance_box(spec, seg)
    scene = build_scene(spec.scene, view=cam.view, box=box, treadmill=spec.motion.task == "gait",
                        camera_pose=cam.pose_matrix())
    scene.add(pyrender.PerspectiveCamera(yfov=np.radians(cam.vfov_deg), aspectRatio=cam.width / cam.height),
              pose=cam.pose_matrix())
    renderer = pyrender.OffscreenRenderer(cam.width, cam.height)
    colours = region_colours(rest, spec.appearance)
    preview_frames = {int(k): None for k in (preview_frames or ())}

    def frames():
        node = None
        for k in range(n_frames):
            mesh = trimesh.Trimesh(vertices[k], rest.faces, vertex_colors=colours, process=False)
            if node is not None:
                scene.remove_node(node)
            node = scene.add(pyrender.Mesh.from_trimesh(mesh, smooth=True))
            rgb, _ = renderer.render(scene)
            rgb = np.ascontiguousarray(rgb[..., :3])
            if k in preview_frames:
                preview_frames[k] = rgb
            yield rgb

    render_started = time.perf_counter()
    video_path = out_dir / f"{spec.name}.mp4"
    encode.write_h264(video_path, frames(), fps=spec.fps, crf=spec.crf, rotation_deg=spec.rotation_deg)
    renderer.delete()
    render_s = time.perf_counter() - render_started
    times_s = encode.presentation_times(video_path)
    if len(times_s) != n_frames:
        raise RuntimeError(f"{video_path}: {len(times_s)} frames decoded, {n_frames} rendered")

    joints_px = {}
    joints_world = {}
    for side, s in SIDE_SUFFIX.items():
        for joint, bone in JOINT_BONES.items():
            world = heads[:, rest.index(f"{bone}.{s}")]
            joints_world[f"{side}_{joint}"] = world
            joints_px[f"{side}_{joint}"] = cam.project(world)
    angles = truth.angle_series(joints_px)

    labels = np.array(rest.labels)[rest.dominant_bone]
    clearance = {}
    for side, s in SIDE_SUFFIX.items():
        foot = np.array([b.endswith(f".{s}") and b.startswith(("foot", "toe")) for b in labels])
        clearance[side] = vertices[:, foot, 2].min(axis=1)
    events = []
    mid_hip_z = (joints_world["left_hip"][:, 2] + joints_world["right_hip"][:, 2]) / 2
    for ev in scripted:
        if spec.motion.task in ("step_down", "single_leg_squat"):
            score = -mid_hip_z
        else:
            score = angles["pelvic_drop_deg"][ev.side]
        # scripted times are nominal; map them onto the presentation times of the same frames
        i0 = int(round(ev.start_s * spec.fps))
        i1 = min(int(round(ev.end_s * spec.fps)), n_frames - 1)
        if spec.motion.task == "single_leg_stance":
            # foot-off / foot-down of the other limb, from the mesh: its lowest point 1 cm above the floor
            off = clearance["right" if ev.side == "left" else "left"] > FOOT_OFF_M
            lifted = np.flatnonzero(off[i0:]) + i0
            if len(lifted) == 0:
                continue
            i0 = int(lifted[0])
            down = np.flatnonzero(~off[i0:]) + i0
            i1 = int(down[0]) if len(down) else n_frames - 1
        start_s, end_s = float(times_s[i0]), float(times_s[i1])
        peak = truth.peak_index(times_s, start_s=start_s, end_s=end_s, score=score)
        record = truth.event_summary(times_s, angles, side=ev.side, start_s=start_s, end_s=end_s, peak_index=peak)
        events.append({"index": len(events), **record})

    landmarks = pelvic_landmark_vertices(rest)
    rig_tilt = _frontal_tilt_deg(joints_world["left_hip"], joints_world["right_hip"])
    mesh_tilts = {name: _frontal_tilt_deg(vertices[:, li], vertices[:, ri]) for name, (li, ri) in landmarks.items()}
    peaks = [int(round((e["peak_s"] - times_s[0]) * spec.fps)) for e in events]
    pelvis_check = {
        "rig_hip_tilt_deg_at_peaks": [float(rig_tilt[p]) for p in peaks],
        **{f"{name}_tilt_deg_at_peaks": [float(v[p]) for p in peaks] for name, v in mesh_tilts.items()},
        "max_abs_difference_deg": {name: float(np.max(np.abs(v - rig_tilt))) for name, v in mesh_tilts.items()},
        "vertex_indices": {name: list(pair) for name, pair in landmarks.items()},
    }

    width, height = cam.width, cam.height
    record = {
        "schema": SCHEMA_VERSION,
        "clip": video_path.name,
        "task": spec.motion.task,
        "view": cam.view,
        "stance_side": spec.motion.stance_side,
        "width": width,
        "height": height,
        "rotation_deg": spec.rotation_deg,
        "fps": spec.fps,
        "description": spec.description,
        "seed": spec.seed,
        "body": {**spec.body.as_dict(), "appearance": spec.appearance.as_dict(),
                 "thigh_m": seg.thigh_m, "shank_m": seg.shank_m,
                 "hip_width_m": 2 * half_width},
        "camera": {**cam.as_dict(), "focal_px": cam.focal_px},
        "scene": spec.scene.as_dict(),
        "motion": spec.motion.as_dict(),
        "joint_bones": {j: f"{b}.L / {b}.R (bone head)" for j, b in JOINT_BONES.items()},
        "frames": {
            "time_s": [round(float(v), 6) for v in times_s],
            "joints_px": {k: np.round(v, 3).tolist() for k, v in joints_px.items()},
            "angles": {a: {s: np.round(angles[a][s], 4).tolist() for s in truth.SIDES} for a in truth.ANGLE_NAMES},
            "mid_hip_height_m": np.round(mid_hip_z, 5).tolist(),
            "foot_clearance_m": {side: np.round(v, 4).tolist() for side, v in clearance.items()},
        },
        "events": events,
        "expected_flags": sorted({f["code"] for f in truth.expected_flags(spec.motion.task, events)}),
        "expected_flag_details": truth.expected_flags(spec.motion.task, events),
        "intended_flags": list(spec.expected_flags),
        "pelvis_visibility_check": pelvis_check,
        "body_margin_frac": round(body_margin_frac(cam, vertices), 4),
        **spec.extra,
    }
    (out_dir / f"{spec.name}.truth.json").write_text(json.dumps(record, indent=None, separators=(",", ":")))
    return {
        "name": spec.name,
        "frames": n_frames,
        "pose_s": posed_s,
        "render_encode_s_per_frame": render_s / n_frames,
        "total_s": time.perf_counter() - started,
        "video_bytes": video_path.stat().st_size,
        "previews": preview_frames,
    }
