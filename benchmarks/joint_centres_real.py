"""Check the joint-centre rule on real people (guard against fitting the renderer).

1. Pose2Sim single-leg balance, cameras 01 (front-oblique) and 03 (back-oblique): is the
   multi-view reference (Pose2Sim's 4-camera reconstruction projected into the camera) in
   step with the video, and does it differ from MediaPipe by a constant shift or scale?
   (time-lag scan, per-joint mean offsets, a scale-and-shift fit.)
2. The same clips: distance of MediaPipe's raw and of the corrected hip, knee, ankle and
   shoulder points from the reference, mean pixels and in reference inter-hip distances,
   per joint; once frame by frame as stored ("plain": video frame k vs reference entry k)
   and once matched by the reference's own time stamps ("time-aligned": its entry k is
   stamped (k + 1) / 60 s, i.e. video frame k + 1). The guard of issue 8 is the plain one.
3. The stance-limb angles from raw and corrected points against the reference's angles.
4. Frontal walks (zarate_front, vaila_mlwalk): the whole pipeline with the correction off
   and on; gait events per side and mean peak angles per side; how much the angles change
   from frame to frame with raw points, the committed rule, and without the easing or the
   per-frame fade.
5. Whether the rule considers each real clip within its training range.

Usage::

    HIPSCREEN_MODEL_DIR=/work/shared/models python -m benchmarks.joint_centres_real \\
        --videos /work/shared/videos/real --cache /work/scratch/lmcache
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.fit_joint_centres import prepare, raw_landmarks
from metrics.joint_centres import estimate_joint_centres, range_check
from vision.track import LandmarkTrack

POSE2SIM_TASK = "single_leg_stance"
"""What the person in the Pose2Sim clips does; its joint-centre rule is the one checked there."""
WALK_TASK = "gait"

REFERENCE_JOINTS = {"Hip": "hip", "Knee": "knee", "Ankle": "ankle", "Shoulder": "shoulder"}
POSE2SIM = ("pose2sim_single_cam01", "pose2sim_single_cam03")
GUARD_JOINTS = ("hip", "knee", "ankle")


def load_reference(video: Path) -> dict[str, np.ndarray]:
    """Reference points by our names (``left_hip`` ...), pixels, and ``t`` (its time stamps)."""
    data = json.loads(video.with_suffix(".reference.json").read_text())
    out = {f"{side}_{joint}": np.asarray(data["joints"][f"{p}{ref_joint}"], dtype=float)
           for side, p in (("left", "L"), ("right", "R")) for ref_joint, joint in REFERENCE_JOINTS.items()}
    out["t"] = np.asarray(data["t"], dtype=float)
    return out


def paired(points: np.ndarray, reference: np.ndarray, *, lag: int) -> tuple[np.ndarray, np.ndarray]:
    """Video frames ``points[k]`` paired with ``reference[k - lag]`` (lag > 0: reference behind)."""
    n = min(len(points), len(reference))
    points, reference = points[:n], reference[:n]
    if lag > 0:
        return points[lag:], reference[:n - lag]
    if lag < 0:
        return points[:n + lag], reference[-lag:]
    return points, reference


def time_stamp_lag(track: LandmarkTrack, reference: dict) -> int:
    """Frames by which the reference's time stamps trail the video's frame indices (1 here)."""
    dt = float(np.median(np.diff(track.times_s)))
    return int(round((reference["t"][0] - track.times_s[0]) / dt))


def guard_distances(track: LandmarkTrack, corrected: LandmarkTrack, reference: dict, *,
                    lag: int = 0) -> dict[str, tuple[float, float, np.ndarray, np.ndarray]]:
    """Per joint (both sides pooled): mean distance raw and corrected, and mean (dx, dy) of each."""
    out = {}
    for joint in REFERENCE_JOINTS.values():
        d_raw, d_cor = [], []
        for side in ("left", "right"):
            name = f"{side}_{joint}"
            raw, ref = paired(track.point(name), reference[name], lag=lag)
            cor, _ = paired(corrected.point(name), reference[name], lag=lag)
            d_raw.append(raw - ref)
            d_cor.append(cor - ref)
        d_raw, d_cor = np.concatenate(d_raw), np.concatenate(d_cor)
        out[joint] = (float(np.nanmean(np.linalg.norm(d_raw, axis=1))), float(np.nanmean(np.linalg.norm(d_cor, axis=1))),
                      np.nanmean(d_raw, axis=0), np.nanmean(d_cor, axis=0))
    return out


def reference_width_px(reference: dict) -> float:
    return float(np.nanmean(np.linalg.norm(reference["left_hip"] - reference["right_hip"], axis=1)))


def alignment_report(video: Path, *, cache: Path | None) -> list[str]:
    """Time lag and constant offsets between MediaPipe's raw points and the reference."""
    track = prepare(raw_landmarks(video, cache=cache))
    reference = load_reference(video)
    names = [f"{s}_{j}" for j in REFERENCE_JOINTS.values() for s in ("left", "right")]
    lines = [f"**{video.stem}** (reference time stamps start at {reference['t'][0]:.4f} s, video frames at "
             f"{track.times_s[0]:.4f} s: lag by time stamps {time_stamp_lag(track, reference)} frame)", "",
             "Mean distance (px) over the 8 points after removing each point's own mean offset, "
             "per lag (video frame k vs reference entry k - lag):", "",
             "| lag (frames) | " + " | ".join(str(lag) for lag in range(-4, 6)) + " | best in -10..10 |",
             "|---|" + "---|" * 11]
    scan = {}
    for lag in range(-10, 11):
        per_point = []
        for name in names:
            raw, ref = paired(track.point(name), reference[name], lag=lag)
            d = raw - ref
            d = d[np.all(np.isfinite(d), axis=1)]
            per_point.append(np.mean(np.linalg.norm(d - d.mean(axis=0), axis=1)))
        scan[lag] = float(np.mean(per_point))
    best = min(scan, key=scan.get)
    lines.append("| detrended distance | " + " | ".join(f"{scan[lag]:.2f}" for lag in range(-4, 6))
                 + f" | {best:+d} ({scan[best]:.2f}) |")
    lines += ["", "| point | raw - reference mean (dx, dy) px | SD (x, y) px | mean distance px | "
              "after removing its own mean px |", "|---|---|---|---|---|"]
    every = []
    for name in names:
        d = track.point(name)[:len(reference["t"])] - reference[name][:len(track)]
        d = d[np.all(np.isfinite(d), axis=1)]
        every.append(d)
        m, sd = d.mean(axis=0), d.std(axis=0)
        lines.append(f"| {name} | ({m[0]:+.1f}, {m[1]:+.1f}) | ({sd[0]:.1f}, {sd[1]:.1f}) | "
                     f"{np.mean(np.linalg.norm(d, axis=1)):.1f} | {np.mean(np.linalg.norm(d - m, axis=1)):.1f} |")
    m = np.concatenate(every).mean(axis=0)
    # raw = s * reference + shift, least squares over all 8 points and frames
    ref_all = np.concatenate([reference[n][:len(track)] for n in names])
    raw_all = np.concatenate([track.point(n)[:len(reference["t"])] for n in names])
    ok = np.all(np.isfinite(ref_all - raw_all), axis=1)
    a, b = ref_all[ok] - ref_all[ok].mean(axis=0), raw_all[ok] - raw_all[ok].mean(axis=0)
    scale = float(np.sum(a * b) / np.sum(a * a))
    before = float(np.mean(np.linalg.norm(raw_all[ok] - ref_all[ok], axis=1)))
    after = float(np.mean(np.linalg.norm(b - scale * a, axis=1)))
    lines += [f"| all 8 points | ({m[0]:+.1f}, {m[1]:+.1f}) | | | |", "",
              f"Scale-and-shift fit raw = s * reference + shift over all points and frames: s = {scale:.3f} "
              f"(1 would mean the same size), shift at the reference centroid = "
              f"({(raw_all[ok].mean(axis=0) - ref_all[ok].mean(axis=0))[0]:+.1f}, "
              f"{(raw_all[ok].mean(axis=0) - ref_all[ok].mean(axis=0))[1]:+.1f}) px; mean distance over the 8 points "
              f"{before:.1f} px as stored, {after:.1f} px once the reference is so scaled and shifted "
              "(shown only to size a possible projection offset; the guard uses the reference as stored).", ""]
    return lines


def reference_distances(video: Path, *, cache: Path | None,
                        correct: Callable[[LandmarkTrack], LandmarkTrack] | None = None) -> list[str]:
    """Table rows: raw and corrected distance from the reference, plain and time-aligned.

    ``correct`` defaults to the committed rule of the clip's task (single-leg stance).
    """
    track = prepare(raw_landmarks(video, cache=cache))
    reference = load_reference(video)
    corrected = correct(track) if correct is not None else estimate_joint_centres(track, task=POSE2SIM_TASK)
    width = reference_width_px(reference)
    plain = guard_distances(track, corrected, reference, lag=0)
    aligned = guard_distances(track, corrected, reference, lag=time_stamp_lag(track, reference))
    rows = []
    for joint in REFERENCE_JOINTS.values():
        r, c, mr, mc = plain[joint]
        ra, ca, _, _ = aligned[joint]
        rows.append(f"| {video.stem} | {joint} | {r:.1f} | {c:.1f} | {r / width:.3f} | {c / width:.3f} | "
                    f"({mr[0]:+.1f}, {mr[1]:+.1f}) | ({mc[0]:+.1f}, {mc[1]:+.1f}) | {ra:.1f} | {ca:.1f} |")
    def hip_width(t: LandmarkTrack) -> float:
        return float(np.nanmean(np.linalg.norm(t.point("left_hip") - t.point("right_hip"), axis=1)))

    rows.append(f"| {video.stem} | (inter-hip distance: reference {width:.0f} px, raw {hip_width(track):.0f} px, "
                f"corrected {hip_width(corrected):.0f} px) | | | | | | | | |")
    return rows


def reference_angles(video: Path, *, cache: Path | None, stance_side: str = "left",
                     start_s: float = 0.25, end_s: float = 1.3) -> list[str]:
    """Angles of the stance limb from the reference points vs from raw and corrected points.

    Over the single-leg part of the trial (the person stands on the left leg from about
    0.25 s to 1.3 s): mean absolute difference from the reference's angles, degrees.
    """
    from metrics.angles import ANGLE_NAMES, angle_series_from_points

    reference = load_reference(video)
    track = prepare(raw_landmarks(video, cache=cache))
    corrected = estimate_joint_centres(track, task=POSE2SIM_TASK)
    n = min(len(track), len(reference["t"]))
    times = track.times_s[:n]
    ref_points = {k: v[:n] for k, v in reference.items() if k != "t"}

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
        result = assess(landmarks, options=AnalysisOptions(task=WALK_TASK, correction=correction)).result
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


def range_summary(video: Path, *, cache: Path | None) -> str:
    from metrics.joint_centres import RangeParams

    track = prepare(raw_landmarks(video, cache=cache))
    check = range_check(track)
    frame_weights = range_check(track, params=RangeParams(check_clip=False)).weights
    w = np.nanmean(frame_weights, axis=0)
    return (f"| {video.stem} | {check.median_frame_d2:.1f} | {check.frame_d2_limit:.1f} | "
            f"{'yes' if check.clip_in_range else 'no'} | {w[1]:.2f} / {w[2]:.2f} / {w[3]:.2f} |")


def frame_jumps(video: Path, *, cache: Path | None) -> list[str]:
    """How much the angles change between consecutive frames: raw, committed rule, per-frame fade.

    99th percentile and maximum over both sides of |angle(k+1) - angle(k)|, degrees.
    """
    from metrics.angles import angle_series_from_points
    from metrics.joint_centres import RangeParams
    from vision.landmarks import SIDES

    track = prepare(raw_landmarks(video, cache=cache))
    names = [f"{s}_{j}" for s in SIDES for j in REFERENCE_JOINTS.values()]
    modes = {"raw": track, "committed (fade eased over 0.2 s)": estimate_joint_centres(track, task=WALK_TASK),
             "fade not eased": estimate_joint_centres(track, range_params=RangeParams(transition_s=0.0), task=WALK_TASK),
             "no per-frame fade": estimate_joint_centres(track, range_params=RangeParams(fade_frames=False),
                                                         task=WALK_TASK)}
    rows = []
    for mode, t in modes.items():
        series = angle_series_from_points(t.times_s, {n: t.point(n) for n in names})
        cells = []
        for angle in ("pelvic_drop_deg", "hip_adduction_deg"):
            jumps = np.concatenate([np.abs(np.diff(series.get(angle, side))) for side in SIDES])
            cells.append(f"{np.nanpercentile(jumps, 99):.2f} / {np.nanmax(jumps):.2f}")
        rows.append(f"| {video.stem} | {mode} | {cells[0]} | {cells[1]} |")
    return rows


def _table(heading: str, columns: list[str], rows_of, stems, videos: Path, cache: Path | None) -> None:
    """Print a Markdown table: ``heading``, then the rows ``rows_of(video, cache=...)`` gives per clip."""
    if heading:
        print(heading + "\n")
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for stem in stems:
        rows = rows_of(videos / f"{stem}.mp4", cache=cache)
        print("\n".join([rows] if isinstance(rows, str) else rows), flush=True)
    print()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=Path, default=Path("../shared/videos/real"))
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args(argv)
    print("### Is the reference in step with the video?\n")
    for stem in POSE2SIM:
        print("\n".join(alignment_report(args.videos / f"{stem}.mp4", cache=args.cache)), flush=True)
    walks = ("zarate_front", "vaila_mlwalk")
    _table("### Distance from the multi-view reference",
           ["clip", "joint", "raw px", "corrected px", "raw / hip width", "corrected / hip width",
            "raw mean (dx, dy) px", "corrected mean (dx, dy) px", "raw px, time-aligned", "corrected px, time-aligned"],
           reference_distances, POSE2SIM, args.videos, args.cache)
    _table("Stance-limb angles vs the reference's angles, single-leg part (0.25-1.3 s), mean absolute difference (deg)",
           ["clip", "drop raw", "drop corr.", "lean raw", "lean corr.", "FPPA raw", "FPPA corr.", "hip add. raw",
            "hip add. corr."],
           reference_angles, POSE2SIM, args.videos, args.cache)
    _table("", ["clip", "correction", "gait events (side order)", "left stance: drop / lean / FPPA / hip add.",
                "right stance: drop / lean / FPPA / hip add."],
           walk_summary, walks, args.videos, args.cache)
    _table("Frame-to-frame change of the angles (99th percentile / maximum, degrees, both sides)",
           ["clip", "points", "pelvic drop", "hip adduction"], frame_jumps, walks, args.videos, args.cache)
    _table("Training range: median whole-frame squared Mahalanobis distance, the clip limit, whether the clip is "
           "corrected, and the mean per-frame weight (hip / knee / ankle, left) the rule would use without the clip check",
           ["clip", "median distance", "limit", "corrected", "per-frame weight hip / knee / ankle"],
           range_summary, POSE2SIM + walks, args.videos, args.cache)


if __name__ == "__main__":
    main()
