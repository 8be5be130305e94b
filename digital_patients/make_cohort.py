"""Render a cohort of random digital patients for benchmarks and for fitting joint-centre corrections.

Usage::

    PYOPENGL_PLATFORM=osmesa python -m digital_patients.make_cohort --n 40 --out /tmp/cohort --seed 1

Every clip draws its body, clothes, camera, scene, task, stance side and impairment
from its own generator seeded with ``seed * 100000 + index``, so any clip can be
rendered again alone (``--start i --n 1``). A camera that would cut off part of the body
is drawn again (``camera_attempt``). The draws are recorded in the truth file
(``cohort`` key, plus ``body``, ``camera``, ``scene``, ``motion``) so a cohort can be
split by body, clothes or camera.
"""

from __future__ import annotations

import argparse
import colorsys
import json
from pathlib import Path

import numpy as np

from digital_patients.body import Appearance, BodyShape
from digital_patients.camera import PhoneCamera
from digital_patients.make_samples import SKIN
from digital_patients.motions import TASKS, Impairment, MotionSpec
from digital_patients.scene import SceneStyle


#: The whole body stays this far (fraction of the frame size) inside the frame; else the camera is redrawn.
MIN_BODY_MARGIN_FRAC = 0.03
MAX_CAMERA_ATTEMPTS = 8
HAIR = ((20, 15, 10), (55, 35, 20), (100, 65, 35), (190, 150, 90), (150, 150, 150), (130, 60, 30))


def _colour(rng: np.random.Generator, *, light: tuple = (0.15, 0.85), sat: tuple = (0.2, 0.9)) -> tuple:
    r, g, b = colorsys.hsv_to_rgb(rng.uniform(0, 1), rng.uniform(*sat), rng.uniform(*light))
    return (int(r * 255), int(g * 255), int(b * 255))


def _impairment(rng: np.random.Generator) -> Impairment:
    if rng.uniform() < 0.4:
        return Impairment()
    return Impairment(
        pelvic_drop_deg=float(rng.uniform(-1, 10)) if rng.uniform() < 0.7 else 0.0,
        knee_valgus_deg=float(rng.uniform(0, 12)) if rng.uniform() < 0.5 else 0.0,
        trunk_lean_deg=float(rng.uniform(-10, 10)) if rng.uniform() < 0.5 else 0.0,
    )


def random_spec(seed: int, index: int, *, width: int = 540, height: int = 960, camera_attempt: int = 0):
    """One random clip of the cohort (deterministic in ``seed``, ``index`` and ``camera_attempt``).

    ``camera_attempt`` redraws only the camera (used when the body leaves the frame).
    """
    from digital_patients.render import ClipSpec

    clip_seed = seed * 100000 + index
    rng = np.random.default_rng(clip_seed)
    camera_rng = np.random.default_rng([clip_seed, camera_attempt])
    task = str(rng.choice(TASKS))
    side = None if task == "gait" else str(rng.choice(["left", "right"]))
    view = str(rng.choice(["front", "back"]))
    impairment = _impairment(rng)
    if task == "single_leg_stance":
        hold_s = float(np.round(rng.uniform(4.0, 11.0), 1))
        motion = MotionSpec(task=task, stance_side=side, impairment=impairment, hold_s=hold_s,
                            duration_s=hold_s + 3.0)
    elif task == "gait":
        motion = MotionSpec(task=task, stance_side=None, impairment=impairment, duration_s=6.0,
                            cycle_s=float(rng.uniform(1.0, 1.25)), speed_m_s=float(rng.uniform(0.9, 1.4)),
                            gait_impaired_side=[None, "left", "right"][int(rng.integers(3))])
    else:
        motion = MotionSpec(task=task, stance_side=side, impairment=impairment, duration_s=8.0,
                            box_height_m=float(rng.choice([0.15, 0.20])))
    body = BodyShape(gender=float(rng.uniform(0, 1)), age=float(rng.uniform(0.62, 1.0)),
                     muscle=float(rng.uniform(0.3, 0.7)), weight=float(rng.uniform(0.2, 0.85)),
                     height=float(rng.uniform(0.2, 0.8)), proportions=float(rng.uniform(0.35, 0.65)))
    skin_name = str(rng.choice(sorted(SKIN)))
    skin = tuple(int(np.clip(c + rng.normal(0, 8), 0, 255)) for c in SKIN[skin_name])
    appearance = Appearance(skin_rgb=skin, shorts_rgb=_colour(rng), top_rgb=_colour(rng),
                            shoes_rgb=_colour(rng, light=(0.5, 1.0), sat=(0.0, 0.3)),
                            hair_rgb=HAIR[int(rng.integers(len(HAIR)))])
    landscape = rng.uniform() < 0.2
    w, h = (height, width) if landscape else (width, height)
    c = camera_rng
    camera = PhoneCamera(view=view, distance_m=float(c.uniform(2.5, 3.4) + (0.4 if landscape else 0.0)),
                         height_m=float(c.uniform(0.7, 1.4)), aim_height_m=float(c.uniform(0.85, 1.0)),
                         yaw_deg=float(c.uniform(-8, 8)), pitch_deg=float(c.uniform(-3, 4)),
                         roll_deg=float(c.uniform(-3, 3)),
                         vfov_deg=float(c.uniform(44, 50) if landscape else c.uniform(52, 64)),
                         width=w, height=h)
    rotation = 0 if landscape or rng.uniform() > 0.25 else int(rng.choice([90, 270]))
    scene = SceneStyle(floor_rgb=_colour(rng, light=(0.3, 0.7), sat=(0.0, 0.4)),
                       wall_rgb=_colour(rng, light=(0.6, 0.95), sat=(0.0, 0.3)),
                       box_rgb=_colour(rng, light=(0.3, 0.8), sat=(0.2, 0.7)),
                       light_intensity=float(rng.uniform(2.0, 4.0)), ambient=float(rng.uniform(0.25, 0.45)),
                       light_azimuth_deg=float(rng.uniform(-45, 45)),
                       floor_checker_m=float(rng.choice([0.0, 0.4, 0.6])))
    name = f"cohort{seed}_{index:04d}_{task}_{side or 'both'}_{view}"
    return ClipSpec(
        name=name, motion=motion, body=body, appearance=appearance, camera=camera, scene=scene,
        rotation_deg=rotation, seed=clip_seed, description=f"random digital patient {index} of cohort seed {seed}",
        extra={"cohort": {"seed": seed, "index": index, "clip_seed": clip_seed, "camera_attempt": camera_attempt,
                          "skin_tone": skin_name, "landscape": bool(landscape)}},
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="number of clips")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help="index of the first clip (to resume)")
    parser.add_argument("--width", type=int, default=540, help="portrait width (landscape clips swap)")
    parser.add_argument("--height", type=int, default=960)
    args = parser.parse_args(argv)
    from digital_patients.render import body_margin_frac, pose_clip, render_clip

    for index in range(args.start, args.start + args.n):
        for attempt in range(MAX_CAMERA_ATTEMPTS):
            spec = random_spec(args.seed, index, width=args.width, height=args.height, camera_attempt=attempt)
            posed = pose_clip(spec)
            if body_margin_frac(spec.camera, posed.vertices) >= MIN_BODY_MARGIN_FRAC:
                break
        stats = render_clip(spec, args.out, posed=posed)
        stats.pop("previews", None)
        print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in stats.items()}), flush=True)


if __name__ == "__main__":
    main()
