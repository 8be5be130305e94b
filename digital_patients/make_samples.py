"""Render the committed sample clips of ``sample_videos/`` (fixed parameters, reproducible).

Usage::

    PYOPENGL_PLATFORM=osmesa python -m digital_patients.make_samples --out sample_videos
    python -m digital_patients.make_samples --out sample_videos --only step_down_left_front_clean
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from digital_patients.body import Appearance, BodyShape
from digital_patients.camera import PhoneCamera
from digital_patients.motions import Impairment, MotionSpec
from digital_patients.scene import SceneStyle

SKIN = {
    "light": (236, 196, 170),
    "medium": (200, 150, 115),
    "tan": (170, 120, 85),
    "brown": (125, 85, 60),
    "dark": (85, 58, 42),
}


def sample_specs(*, width: int = 720, height: int = 1280) -> list:
    """The sample set: every task, both stance sides, clean and impaired, front and back."""
    from digital_patients.render import ClipSpec

    def cam(view, **kw):
        return PhoneCamera(view=view, width=kw.pop("width", width), height=kw.pop("height", height), **kw)

    return [
        ClipSpec(
            name="step_down_left_front_clean",
            description="Lateral step-down from a 20 cm box on the left leg, controlled.",
            motion=MotionSpec(task="step_down", stance_side="left", duration_s=8.0,
                              impairment=Impairment(knee_valgus_deg=0.0)),
            body=BodyShape(gender=0.9, age=0.68, weight=0.5, height=0.5, muscle=0.5),
            appearance=Appearance(skin_rgb=SKIN["light"], shorts_rgb=(35, 45, 90), top_rgb=(200, 60, 60)),
            camera=cam("front", distance_m=2.6, height_m=1.0, yaw_deg=2.0, pitch_deg=1.0),
            scene=SceneStyle(wall_rgb=(225, 225, 215), floor_rgb=(150, 130, 110)),
            expected_flags=(),
        ),
        ClipSpec(
            name="step_down_right_front_drop_valgus",
            description="Step-down on the right leg: contralateral pelvic drop and dynamic knee valgus.",
            motion=MotionSpec(task="step_down", stance_side="right", duration_s=8.0,
                              impairment=Impairment(pelvic_drop_deg=9.0, knee_valgus_deg=7.0)),
            body=BodyShape(gender=0.1, age=0.75, weight=0.65, height=0.6, muscle=0.55),
            appearance=Appearance(skin_rgb=SKIN["brown"], shorts_rgb=(20, 20, 20), top_rgb=(60, 120, 190),
                                  hair_rgb=(20, 15, 10)),
            camera=cam("front", distance_m=2.8, height_m=1.1, yaw_deg=-4.0, roll_deg=1.0),
            scene=SceneStyle(wall_rgb=(190, 205, 220), floor_rgb=(120, 110, 100), light_azimuth_deg=-30),
            expected_flags=("contralateral_pelvic_drop", "dynamic_knee_valgus", "hip_adduction"),
        ),
        ClipSpec(
            name="step_down_left_back_drop_lean_away",
            description="Step-down on the left leg filmed from behind: pelvic drop with the trunk leaning away.",
            motion=MotionSpec(task="step_down", stance_side="left", duration_s=8.0,
                              impairment=Impairment(pelvic_drop_deg=6.0, trunk_lean_deg=-8.0)),
            body=BodyShape(gender=0.7, age=0.92, weight=0.7, height=0.4, muscle=0.4),
            appearance=Appearance(skin_rgb=SKIN["medium"], shorts_rgb=(90, 90, 95), top_rgb=(230, 230, 230),
                                  hair_rgb=(150, 150, 150)),
            camera=cam("back", distance_m=2.7, height_m=0.9, yaw_deg=3.0, pitch_deg=-1.0),
            scene=SceneStyle(wall_rgb=(235, 225, 200), floor_rgb=(100, 100, 105), floor_checker_m=0.5),
            expected_flags=("contralateral_pelvic_drop", "contralateral_trunk_lean"),
        ),
        ClipSpec(
            name="step_down_right_front_lean_toward_rot90",
            description="Step-down on the right leg with the trunk leaning towards it; stored landscape, "
                        "rotation tag 90 like a phone.",
            motion=MotionSpec(task="step_down", stance_side="right", duration_s=8.0,
                              impairment=Impairment(trunk_lean_deg=8.0, pelvic_drop_deg=-1.0)),
            body=BodyShape(gender=0.4, age=0.66, weight=0.4, height=0.7, muscle=0.7),
            appearance=Appearance(skin_rgb=SKIN["tan"], shorts_rgb=(110, 30, 40), top_rgb=(40, 140, 80)),
            camera=cam("front", distance_m=3.0, height_m=1.1, pitch_deg=0.5),
            scene=SceneStyle(wall_rgb=(200, 200, 200), floor_rgb=(160, 150, 140), light_intensity=2.5),
            rotation_deg=90,
            expected_flags=("ipsilateral_trunk_lean",),
        ),
        ClipSpec(
            name="single_leg_squat_left_front_valgus",
            description="Single-leg squat on the left leg with dynamic knee valgus.",
            motion=MotionSpec(task="single_leg_squat", stance_side="left", duration_s=8.0,
                              impairment=Impairment(knee_valgus_deg=11.0, pelvic_drop_deg=3.0)),
            body=BodyShape(gender=1.0, age=0.7, weight=0.35, height=0.45, muscle=0.45),
            appearance=Appearance(skin_rgb=SKIN["dark"], shorts_rgb=(60, 60, 140), top_rgb=(240, 200, 60),
                                  hair_rgb=(15, 10, 8)),
            camera=cam("front", distance_m=2.5, height_m=0.9, yaw_deg=-2.0),
            scene=SceneStyle(wall_rgb=(215, 230, 215), floor_rgb=(140, 120, 100), floor_checker_m=0.6),
            expected_flags=("dynamic_knee_valgus", "hip_adduction"),
        ),
        ClipSpec(
            name="single_leg_squat_right_back_clean",
            description="Single-leg squat on the right leg filmed from behind, controlled.",
            motion=MotionSpec(task="single_leg_squat", stance_side="right", duration_s=8.0),
            body=BodyShape(gender=0.0, age=0.72, weight=0.5, height=0.55, muscle=0.6),
            appearance=Appearance(skin_rgb=SKIN["light"], shorts_rgb=(30, 80, 30), top_rgb=(30, 30, 30),
                                  hair_rgb=(120, 80, 40)),
            camera=cam("back", distance_m=2.6, height_m=1.0, yaw_deg=-3.0, roll_deg=-1.5),
            scene=SceneStyle(wall_rgb=(180, 180, 190), floor_rgb=(170, 160, 150)),
            expected_flags=(),
        ),
        ClipSpec(
            name="single_leg_stance_left_front_clean",
            description="Single-leg stance on the left leg for 10.5 s, level pelvis.",
            motion=MotionSpec(task="single_leg_stance", stance_side="left", duration_s=13.5, hold_s=10.5),
            body=BodyShape(gender=0.2, age=0.97, weight=0.6, height=0.45, muscle=0.35),
            appearance=Appearance(skin_rgb=SKIN["medium"], shorts_rgb=(70, 50, 40), top_rgb=(150, 170, 200),
                                  hair_rgb=(200, 200, 200)),
            camera=cam("front", distance_m=2.7, height_m=1.3, pitch_deg=3.0),
            scene=SceneStyle(wall_rgb=(240, 235, 225), floor_rgb=(130, 100, 80)),
            expected_flags=(),
        ),
        ClipSpec(
            name="single_leg_stance_right_front_drop_lean_away",
            description="Single-leg stance on the right leg: pelvic drop and trunk leaning away, 5 s hold.",
            motion=MotionSpec(task="single_leg_stance", stance_side="right", duration_s=8.0, hold_s=5.0,
                              impairment=Impairment(pelvic_drop_deg=7.0, trunk_lean_deg=-7.0)),
            body=BodyShape(gender=0.8, age=0.8, weight=0.8, height=0.35, muscle=0.3),
            appearance=Appearance(skin_rgb=SKIN["tan"], shorts_rgb=(20, 20, 60), top_rgb=(200, 120, 160),
                                  hair_rgb=(40, 25, 15)),
            camera=cam("front", distance_m=2.6, height_m=1.0, yaw_deg=5.0),
            scene=SceneStyle(wall_rgb=(205, 215, 230), floor_rgb=(110, 110, 110), light_azimuth_deg=40),
            expected_flags=("contralateral_pelvic_drop", "contralateral_trunk_lean", "hip_adduction", "unsteady_stance"),
        ),
        ClipSpec(
            name="single_leg_stance_left_back_lean_toward",
            description="Single-leg stance on the left leg filmed from behind: trunk leaning towards "
                        "the stance side (compensated Trendelenburg), 5 s hold.",
            motion=MotionSpec(task="single_leg_stance", stance_side="left", duration_s=8.0, hold_s=5.0,
                              impairment=Impairment(trunk_lean_deg=9.0, pelvic_drop_deg=2.0)),
            body=BodyShape(gender=0.3, age=0.88, weight=0.75, height=0.6, muscle=0.4),
            appearance=Appearance(skin_rgb=SKIN["brown"], shorts_rgb=(120, 120, 120), top_rgb=(180, 40, 40),
                                  hair_rgb=(30, 20, 15)),
            camera=cam("back", distance_m=2.8, height_m=1.1, yaw_deg=-4.0, roll_deg=1.0),
            scene=SceneStyle(wall_rgb=(230, 230, 230), floor_rgb=(150, 140, 120), floor_checker_m=0.5),
            expected_flags=("ipsilateral_trunk_lean", "unsteady_stance"),
        ),
        ClipSpec(
            name="gait_treadmill_front_clean",
            description="Treadmill walking towards the camera, small normal pelvic drop.",
            motion=MotionSpec(task="gait", stance_side=None, duration_s=6.0),
            body=BodyShape(gender=0.5, age=0.7, weight=0.45, height=0.6, muscle=0.55),
            appearance=Appearance(skin_rgb=SKIN["light"], shorts_rgb=(20, 60, 120), top_rgb=(250, 250, 250),
                                  hair_rgb=(90, 60, 30)),
            camera=cam("front", distance_m=2.9, height_m=1.0, yaw_deg=-2.0),
            scene=SceneStyle(wall_rgb=(220, 220, 230), floor_rgb=(120, 120, 125)),
            expected_flags=(),
        ),
        ClipSpec(
            name="gait_treadmill_back_right_drop",
            description="Treadmill walking filmed from behind: contralateral pelvic drop and trunk lean "
                        "towards the limb in right stance only.",
            motion=MotionSpec(task="gait", stance_side=None, duration_s=6.0, gait_impaired_side="right",
                              impairment=Impairment(pelvic_drop_deg=7.0, trunk_lean_deg=8.0)),
            body=BodyShape(gender=0.85, age=0.78, weight=0.6, height=0.5, muscle=0.45),
            appearance=Appearance(skin_rgb=SKIN["dark"], shorts_rgb=(200, 200, 200), top_rgb=(90, 40, 120),
                                  hair_rgb=(10, 8, 6)),
            camera=cam("back", distance_m=2.9, height_m=1.05, yaw_deg=2.0),
            scene=SceneStyle(wall_rgb=(235, 230, 215), floor_rgb=(140, 130, 120), floor_checker_m=0.5),
            expected_flags=("contralateral_pelvic_drop", "ipsilateral_trunk_lean", "hip_adduction", "side_asymmetry"),
        ),
    ]


#: The whole body must stay this far inside the frame (fraction of the frame size).
MIN_BODY_MARGIN_FRAC = 0.02

README_BEGIN = "<!-- clips:begin (generated by python -m digital_patients.make_samples) -->"
README_END = "<!-- clips:end -->"


def clip_table(out_dir: Path) -> str:
    """A markdown table of the clips in ``out_dir`` from their truth files."""
    rows = ["| clip | task | stance | view | size (upright) | rotation | events | true peak values, mean over events (drop / lean / FPPA / hip add., deg) | expected flags |",
            "|---|---|---|---|---|---|---|---|---|"]
    for path in sorted(out_dir.glob("*.truth.json")):
        d = json.loads(path.read_text())
        by_side = {}
        for e in d["events"]:
            by_side.setdefault(e["side"], []).append(e["at_peak"])
        peaks = "; ".join(
            f"{side}: " + " / ".join(f"{sum(p[a] for p in ps) / len(ps):.1f}" for a in
                                     ("pelvic_drop_deg", "trunk_lean_deg", "knee_fppa_deg", "hip_adduction_deg"))
            for side, ps in sorted(by_side.items()))
        rows.append(f"| `{d['clip']}` | {d['task']} | {d['stance_side'] or 'both'} | {d['view']} | "
                    f"{d['width']}x{d['height']} | {d['rotation_deg']} | {len(d['events'])} | {peaks} | "
                    f"{', '.join(d['expected_flags']) or 'none'} |")
    return "\n".join(rows)


def update_readme(out_dir: Path) -> None:
    readme = out_dir / "README.md"
    if not readme.exists():
        return
    text = readme.read_text()
    if README_BEGIN in text and README_END in text:
        head, rest = text.split(README_BEGIN, 1)
        _, tail = rest.split(README_END, 1)
        readme.write_text(f"{head}{README_BEGIN}\n{clip_table(out_dir)}\n{README_END}{tail}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("sample_videos"))
    parser.add_argument("--only", nargs="*", help="clip names to render (default: all)")
    args = parser.parse_args(argv)
    from digital_patients.render import body_margin_frac, pose_clip, render_clip

    specs = sample_specs()
    if args.only:
        specs = [s for s in specs if s.name in set(args.only)]
    for spec in specs:
        posed = pose_clip(spec)
        margin = body_margin_frac(spec.camera, posed.vertices)
        if margin < MIN_BODY_MARGIN_FRAC:
            raise ValueError(f"{spec.name}: the body comes within {margin:.3f} of the frame edge "
                             f"(fraction of the frame); move the camera so it stays {MIN_BODY_MARGIN_FRAC} inside")
        stats = render_clip(spec, args.out, posed=posed)
        stats.pop("previews", None)
        print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in stats.items()}), flush=True)
    update_readme(args.out)


if __name__ == "__main__":
    main()
