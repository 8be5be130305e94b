"""How well the camera yaw is estimated, and what a yaw does to the frontal-plane angles.

Known truth: rendered clips whose ``<clip>.truth.json`` holds the camera placement
(``camera.yaw_deg``, positive = camera towards the person's left) and whose landmarks
are cached as ``<clip>.landmarks.npz`` beside the clip or in ``--cache`` (the pipeline's
pose stage is run and cached when missing). Real clips: any other videos or cached
tracks given with ``--real``: their yaw is printed without truth.

    python -m benchmarks.view_yaw --truth /work/scratch/cohort sample_videos \\
        --cache /work/scratch/lmcache --real /work/scratch/yaw/real/*.npz

``--geometry`` (needs the ``render`` extra) poses rendered bodies from
``digital_patients.make_cohort`` and projects their rig joint centres with the camera
turned by each yaw: the change in the true image angles is what a yaw alone does.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import numpy as np

from benchmarks.fit_joint_centres import prepare, raw_landmarks, _load_track
from metrics.view import estimate_camera_yaw, width_yaw_deg, upright_frames
from vision.track import LandmarkTrack


def clip_yaw(track: LandmarkTrack) -> dict:
    """The clip estimate and the image-width cross-check for one prepared track."""
    estimate = estimate_camera_yaw(track)
    widths = width_yaw_deg(track)
    upright = upright_frames(track) & np.isfinite(widths)
    return {
        "yaw_deg": estimate.yaw_deg,
        "method": estimate.method,
        "frames_used": estimate.frames_used,
        "width_yaw_deg": float(np.median(widths[upright])) if upright.sum() else float(np.nanmedian(widths)),
    }


def known_truth(folders: list[Path], *, caches: list[Path]) -> list[dict]:
    rows = []
    for folder in folders:
        for truth_path in sorted(Path(folder).glob("*.truth.json")):
            truth = json.loads(truth_path.read_text())
            video = truth_path.with_name(truth_path.name.replace(".truth.json", ".mp4"))
            name = f"{video.stem}.landmarks.npz"
            cached = [c / name for c in [video.parent, *caches] if (c / name).exists()]
            track = _load_track(cached[0]) if cached else raw_landmarks(video, cache=caches[0] if caches else None)
            row = clip_yaw(prepare(track))
            row.update(clip=video.stem, view=truth["camera"]["view"], true_yaw_deg=float(truth["camera"]["yaw_deg"]))
            rows.append(row)
    return rows


def summary(rows: list[dict]) -> str:
    lines = ["| true yaw | view | clips | mean error (est - true) | mean abs. error | max abs. error | largest abs. estimate |",
             "|---|---|---|---|---|---|---|"]
    for low, high in ((0.0, 9.0), (9.0, 90.0)):
        for view in ("front", "back", "both"):
            sel = [r for r in rows if low <= abs(r["true_yaw_deg"]) < high and view in (r["view"], "both")]
            if not sel:
                continue
            err = np.array([r["yaw_deg"] - r["true_yaw_deg"] for r in sel])
            est = np.array([abs(r["yaw_deg"]) for r in sel])
            lines.append(f"| {low:.0f}-{high:.0f} deg | {view} | {len(sel)} | {err.mean():+.1f} | {np.abs(err).mean():.1f} "
                         f"| {np.abs(err).max():.1f} | {est.max():.1f} |")
    return "\n".join(lines)


def real_clips(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        track = _load_track(path) if path.suffix == ".npz" else raw_landmarks(path, cache=Path("/tmp/yawbench"))
        row = clip_yaw(prepare(track))
        row["clip"] = path.name.split(".")[0]
        rows.append(row)
    return rows


def geometry(yaws_deg=(0.0, 10.0, 15.0, 20.0, 25.0, 30.0, 45.0), indices=range(8), seed: int = 7) -> str:
    """Change of each clip's largest true angle (stance side) when only the camera yaw changes."""
    from digital_patients import truth as truth_angles
    from digital_patients.body import JOINT_BONES
    from digital_patients.make_cohort import random_spec
    from digital_patients.render import SIDE_SUFFIX, pose_clip

    names = truth_angles.ANGLE_NAMES
    shifts = {yaw: {n: [] for n in names} for yaw in yaws_deg}
    for index in indices:
        spec = random_spec(seed, index)
        spec = dataclasses.replace(spec, motion=dataclasses.replace(spec.motion, duration_s=min(spec.motion.duration_s, 6.0)))
        posed = pose_clip(spec)
        sides = ("left", "right") if spec.motion.stance_side is None else (spec.motion.stance_side,)
        peaks = {}
        for yaw in yaws_deg:
            cam = dataclasses.replace(spec.camera, yaw_deg=yaw, roll_deg=0.0)
            joints = {f"{side}_{joint}": cam.project(posed.heads[:, posed.rest.index(f"{bone}.{s}")])
                      for side, s in SIDE_SUFFIX.items() for joint, bone in JOINT_BONES.items()}
            angles = truth_angles.angle_series(joints)
            peaks[yaw] = {n: max(float(np.max(np.abs(angles[n][s]))) for s in sides) for n in names}
        for yaw in yaws_deg:
            for n in names:
                shifts[yaw][n].append(abs(peaks[yaw][n] - peaks[0.0][n]))
    lines = ["| yaw | " + " | ".join(n.replace("_deg", "") for n in names) + " |", "|---" * (len(names) + 1) + "|"]
    for yaw in yaws_deg:
        lines.append(f"| {yaw:.0f} | " + " | ".join(f"{np.median(shifts[yaw][n]):.1f} (max {np.max(shifts[yaw][n]):.1f})"
                                                 for n in names) + " |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, nargs="*", default=[], help="folders of rendered clips with truth")
    parser.add_argument("--cache", type=Path, nargs="*", default=[], help="folders of cached landmarks")
    parser.add_argument("--real", type=Path, nargs="*", default=[], help="real videos or cached tracks (.npz)")
    parser.add_argument("--geometry", action="store_true", help="what a yaw does to the true angles (render extra)")
    args = parser.parse_args(argv)
    if args.truth:
        rows = known_truth(args.truth, caches=args.cache)
        for r in rows:
            print(f"{r['clip'][:44]:44s} {r['view']:5s} true {r['true_yaw_deg']:+6.1f} est {r['yaw_deg']:+6.1f} "
                  f"(widths {r['width_yaw_deg']:4.1f}, {r['frames_used']} frames)")
        print(summary(rows))
    for r in real_clips(args.real):
        yaw = "none" if r["yaw_deg"] is None else f"{r['yaw_deg']:+6.1f}"
        print(f"{r['clip'][:44]:44s} est {yaw} (widths {r['width_yaw_deg']:4.1f}, {r['frames_used']} frames, {r['method']})")
    if args.geometry:
        print(geometry())


if __name__ == "__main__":
    main()
