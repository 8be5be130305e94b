"""Check the joint-centre rule on real people (guard against fitting the renderer).

1. Pose2Sim single-leg balance, cameras 01 (front-oblique) and 03 (back-oblique): distance of
   MediaPipe's raw and of the corrected hip, knee, ankle and shoulder points from the
   multi-view reference (Pose2Sim's 4-camera reconstruction projected into the camera),
   mean pixels and in reference inter-hip distances, per joint.
2. Frontal walks (zarate_front, vaila_mlwalk): the whole pipeline with the correction off
   and on; gait events per side and mean peak angles per side.

Usage::

    HIPSCREEN_MODEL_DIR=/work/shared/models python -m benchmarks.joint_centres_real \
        --videos /work/shared/videos/real --cache /work/scratch/lmcache
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from benchmarks.fit_joint_centres import prepare, raw_landmarks
from metrics.joint_centres import estimate_joint_centres

REFERENCE_JOINTS = {"Hip": "hip", "Knee": "knee", "Ankle": "ankle", "Shoulder": "shoulder"}


def reference_distances(video: Path, *, cache: Path | None) -> list[str]:
    reference = json.loads(video.with_suffix(".reference.json").read_text())
    track = prepare(raw_landmarks(video, cache=cache))
    corrected = estimate_joint_centres(track)
    n = min(len(track), len(reference["t"]))
    ref = {k: np.asarray(v, dtype=float)[:n] for k, v in reference["joints"].items()}
    hip_width = np.nanmean(np.linalg.norm(ref["LHip"] - ref["RHip"], axis=1))
    rows = []
    for ref_joint, joint in REFERENCE_JOINTS.items():
        d_raw, d_cor, sx_raw, sx_cor = [], [], [], []
        for side, prefix in (("left", "L"), ("right", "R")):
            truth = ref[f"{prefix}{ref_joint}"]
            raw_xy = track.point(f"{side}_{joint}")[:n]
            cor_xy = corrected.point(f"{side}_{joint}")[:n]
            d_raw.append(np.linalg.norm(raw_xy - truth, axis=1))
            d_cor.append(np.linalg.norm(cor_xy - truth, axis=1))
            sx_raw.append(raw_xy - truth)
            sx_cor.append(cor_xy - truth)
        d_raw, d_cor = np.concatenate(d_raw), np.concatenate(d_cor)
        mr, mc = np.nanmean(np.concatenate(sx_raw), axis=0), np.nanmean(np.concatenate(sx_cor), axis=0)
        rows.append(
            f"| {video.stem} | {joint} | {np.nanmean(d_raw):.1f} | {np.nanmean(d_cor):.1f} | "
            f"{np.nanmean(d_raw) / hip_width:.3f} | {np.nanmean(d_cor) / hip_width:.3f} | "
            f"({mr[0]:+.1f}, {mr[1]:+.1f}) | ({mc[0]:+.1f}, {mc[1]:+.1f}) |"
        )
    rows.append(f"| {video.stem} | (reference inter-hip distance {hip_width:.0f} px) | | | | | | |")
    return rows


def reference_angles(video: Path, *, cache: Path | None, stance_side: str = "left",
                     start_s: float = 0.25, end_s: float = 1.3) -> list[str]:
    """Angles of the stance limb from the reference points vs from raw and corrected points.

    Over the single-leg part of the trial (the person stands on the left leg from about
    0.25 s to 1.3 s): mean absolute difference from the reference's angles, degrees.
    """
    from metrics.angles import ANGLE_NAMES, angle_series_from_points

    reference = json.loads(video.with_suffix(".reference.json").read_text())
    track = prepare(raw_landmarks(video, cache=cache))
    corrected = estimate_joint_centres(track)
    n = min(len(track), len(reference["t"]))
    times = track.times_s[:n]
    ref_points = {f"{side}_{joint}": np.asarray(reference["joints"][f"{p}{ref_joint}"], dtype=float)[:n]
                  for side, p in (("left", "L"), ("right", "R")) for ref_joint, joint in REFERENCE_JOINTS.items()}

    def series(t):
        return angle_series_from_points(times, {k: t.point(k)[:n] for k in ref_points})

    ref, raw, cor = angle_series_from_points(times, ref_points), series(track), series(corrected)
    window = (times >= start_s) & (times <= end_s)
    cells = []
    for angle in ANGLE_NAMES:
        r = ref.get(angle, stance_side)[window]
        cells.append(f"{np.nanmean(np.abs(raw.get(angle, stance_side)[window] - r)):.1f} | "
                     f"{np.nanmean(np.abs(cor.get(angle, stance_side)[window] - r)):.1f}")
    return [f"| {video.stem} | " + " | ".join(cells) + " |"]


def walk_summary(video: Path, *, cache: Path | None) -> list[str]:
    from hipscreen.pipeline import AnalysisOptions, Landmarks, assess
    from vision.decode import probe_video

    landmarks = Landmarks(video=probe_video(video), track=raw_landmarks(video, cache=cache))
    rows = []
    for correction in (False, True):
        result = assess(landmarks, options=AnalysisOptions(task="gait", correction=correction)).result
        events = result["events"]
        sides = "".join(e["side"][0].upper() for e in events)
        cells = []
        for side in ("left", "right"):
            peaks = [e["at_peak"] for e in events if e["side"] == side]
            vals = [np.nanmean([p[a] if p[a] is not None else np.nan for p in peaks]) if peaks else np.nan
                    for a in ("pelvic_drop_deg", "trunk_lean_deg", "knee_fppa_deg", "hip_adduction_deg")]
            cells.append(" / ".join(f"{v:.1f}" for v in vals))
        rows.append(f"| {video.stem} | {'on' if correction else 'off'} | {sides} | {cells[0]} | {cells[1]} |")
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=Path, default=Path("../shared/videos/real"))
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args(argv)
    print("| clip | joint | raw px | corrected px | raw / hip width | corrected / hip width "
          "| raw mean (dx, dy) px | corrected mean (dx, dy) px |")
    print("|---|---|---|---|---|---|---|---|")
    for stem in ("pose2sim_single_cam01", "pose2sim_single_cam03"):
        for row in reference_distances(args.videos / f"{stem}.mp4", cache=args.cache):
            print(row, flush=True)
    print()
    print("Stance-limb angles vs the reference's angles, single-leg part (0.25-1.3 s), mean absolute difference (deg)")
    print("| clip | drop raw | drop corr. | lean raw | lean corr. | FPPA raw | FPPA corr. | hip add. raw | hip add. corr. |")
    print("|---|---|---|---|---|---|---|---|---|")
    for stem in ("pose2sim_single_cam01", "pose2sim_single_cam03"):
        for row in reference_angles(args.videos / f"{stem}.mp4", cache=args.cache):
            print(row, flush=True)
    print()
    print("| clip | correction | gait events (side order) | left stance: drop / lean / FPPA / hip add. "
          "| right stance: drop / lean / FPPA / hip add. |")
    print("|---|---|---|---|---|")
    for stem in ("zarate_front", "vaila_mlwalk"):
        for row in walk_summary(args.videos / f"{stem}.mp4", cache=args.cache):
            print(row, flush=True)


if __name__ == "__main__":
    main()
