"""Render a cohort of short known-truth clips with varied bodies, clothes, cameras and tasks.

Each clip gets its own random body shape, skin and clothes colours, scene, camera placement
(front or back, distance, height, yaw, pitch, roll) and impairment amounts, all drawn from
``--seed`` and the clip number, and recorded in its ``<clip>.truth.json`` (see
``sample_videos/README.md`` for the schema). Clip ``k`` belongs to the validation split
when ``k % 5 == 4``, else to the training split (``"split"`` in the truth file); since no
two clips share a body, clothes or camera, the validation clips are bodies, clothes and
camera placements the joint-centre model never saw.

Usage::

    PYOPENGL_PLATFORM=osmesa python -m benchmarks.cohort --n 32 --out /work/scratch/cohort --seed 1
    python -m benchmarks.cohort --n 32 --out DIR --seed 1 --worker 0 --workers 2   # half of them

Clips already rendered (truth file present) are skipped, so the command can be resumed.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

TASK_CYCLE = ("step_down", "single_leg_stance", "single_leg_squat", "gait")
SKIN_RGB = ((236, 196, 170), (200, 150, 115), (170, 120, 85), (125, 85, 60), (85, 58, 42))
VALIDATION_EVERY = 5


def split_of(index: int) -> str:
    """``"validation"`` for every fifth clip, else ``"train"``."""
    return "validation" if index % VALIDATION_EVERY == VALIDATION_EVERY - 1 else "train"


def _rgb(rng: np.random.Generator, lo: int = 10, hi: int = 245) -> tuple[int, int, int]:
    return tuple(int(v) for v in rng.integers(lo, hi, size=3))


def clip_spec(index: int, *, seed: int, width: int = 540, height: int = 960):
    """The random but reproducible specification of clip ``index`` of the cohort."""
    from digital_patients.body import Appearance, BodyShape
    from digital_patients.camera import PhoneCamera
    from digital_patients.motions import Impairment, MotionSpec
    from digital_patients.render import ClipSpec
    from digital_patients.scene import SceneStyle

    rng = np.random.default_rng([seed, index])
    task = TASK_CYCLE[index % len(TASK_CYCLE)]
    # view alternates every 4 clips so each task is seen from the front and from behind
    view = "front" if (index // len(TASK_CYCLE)) % 2 == 0 else "back"
    side = ("left", "right")[int(rng.integers(2))] if task != "gait" else None
    impairment = Impairment(
        pelvic_drop_deg=float(rng.uniform(-2.0, 10.0)),
        knee_valgus_deg=float(rng.uniform(-2.0, 10.0)),
        trunk_lean_deg=float(rng.uniform(-10.0, 10.0)),
    )
    if task in ("step_down", "single_leg_squat"):
        motion = MotionSpec(task=task, stance_side=side, duration_s=4.8, repetitions=2, rep_s=1.6,
                            pause_s=0.2, impairment=impairment,
                            box_height_m=float(rng.uniform(0.15, 0.20)))
    elif task == "single_leg_stance":
        motion = MotionSpec(task=task, stance_side=side, duration_s=5.0, hold_s=2.5, impairment=impairment)
    else:
        motion = MotionSpec(task=task, stance_side=None, duration_s=4.0, impairment=impairment,
                            gait_impaired_side=("left", "right", None)[int(rng.integers(3))],
                            cycle_s=float(rng.uniform(1.0, 1.2)))
    body = BodyShape(
        gender=float(rng.uniform(0, 1)), age=float(rng.uniform(0.3, 0.9)), muscle=float(rng.uniform(0.2, 0.8)),
        weight=float(rng.uniform(0.2, 0.85)), height=float(rng.uniform(0.2, 0.8)),
        proportions=float(rng.uniform(0.3, 0.7)),
    )
    appearance = Appearance(skin_rgb=SKIN_RGB[int(rng.integers(len(SKIN_RGB)))], shorts_rgb=_rgb(rng),
                            top_rgb=_rgb(rng), shoes_rgb=_rgb(rng), hair_rgb=_rgb(rng, 5, 200))
    camera = PhoneCamera(
        view=view, distance_m=float(rng.uniform(2.3, 3.2)), height_m=float(rng.uniform(0.75, 1.4)),
        aim_height_m=float(rng.uniform(0.85, 1.0)), yaw_deg=float(rng.uniform(-8, 8)),
        pitch_deg=float(rng.uniform(-2, 3)), roll_deg=float(rng.uniform(-2.5, 2.5)),
        vfov_deg=float(rng.uniform(52, 62)), width=width, height=height,
    )
    scene = SceneStyle(wall_rgb=_rgb(rng, 120, 245), floor_rgb=_rgb(rng, 60, 200),
                       light_intensity=float(rng.uniform(2.0, 3.5)),
                       light_azimuth_deg=float(rng.uniform(-45, 45)),
                       floor_checker_m=float(rng.choice([0.0, 0.5, 0.6])))
    name = f"c{index:03d}_{task}_{side or 'both'}_{view}"
    return ClipSpec(name=name, motion=motion, body=body, appearance=appearance, camera=camera, scene=scene,
                    description=f"Cohort clip {index} ({split_of(index)} split).", seed=seed,
                    extra={"split": split_of(index), "cohort_index": index})


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=32)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    from digital_patients.render import render_clip

    for index in range(args.worker, args.n, args.workers):
        spec = clip_spec(index, seed=args.seed)
        if (args.out / f"{spec.name}.truth.json").exists():
            continue
        started = time.perf_counter()
        stats = render_clip(spec, args.out)
        stats.pop("previews", None)
        stats["wall_s"] = time.perf_counter() - started
        print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in stats.items()}), flush=True)


if __name__ == "__main__":
    main()
