"""Throughput and memory of the pose stage: the plain loop versus hipscreen's analysis.

On a phone-like clip (1080x1920 portrait, 30 fps, H.264 at about 14 Mbit/s, at least
60 s; made here from a sample clip with ffmpeg unless ``--clip`` is given) it measures,
each in its own subprocess so that peak memory is its own:

(a) the plain loop: ``cv2.VideoCapture`` reading frames, MediaPipe PoseLandmarker full
    in VIDEO mode on ``mp.Image`` of ``np.ascontiguousarray`` RGB, one loop, with the
    product's landmarker settings (``PoseParams``: two people looked for);
(a1) the same loop looking for one person only (MediaPipe's default, cheaper: its
    person detector then runs only when the tracked person is lost);
(b) the model alone: ``--model-frames`` inferences on frames decoded beforehand (50
    held in memory, run in turn), with two people looked for and with one: the
    ceiling of one core, ms per frame (the line's frames/s and CPU cover both runs);
(c) the analysis end to end, :func:`hipscreen.pipeline.analyze` (probe, pose on all
    cores, everything after the landmarks), with the fast-path settings;
(c1) optionally the analysis as the pipeline runs it today (``--current-pipeline``);
(c2) optionally (``--one-pose``) the fast path looking for one person only, to set
    against (a1);
(d) optionally (``--long``) the analysis of a ten-minute clip (the same clip looped
    with ``ffmpeg -stream_loop -c copy``): peak memory must not grow with length.

For each: wall time, frames per second, CPU time (user + sys of the process and its
children) per frame, peak memory and the load average before and after. Peak memory
is the largest sum of the resident sets of the process and its children, polled from
/proc every 0.1 s, and the same for the proportional sets (PSS); the process's own
``ru_maxrss`` is printed too (``RUSAGE_CHILDREN`` is not: Linux carries a process's
high-water mark across ``execve``, so it would show the launching process's size).

Landmark agreement between (a) and (c): over frames where both found a pose, the
distance between the same landmark in both, for hips, knees and ankles, divided by
the hip width of (a) in that frame (median, 95th percentile).

Usage::

    HIPSCREEN_MODEL_DIR=../shared/models python benchmarks/throughput.py
    HIPSCREEN_MODEL_DIR=../shared/models python benchmarks/throughput.py --long

The machine should be otherwise idle: the load average is printed with every figure.

Measured on 2 cores (AMD EPYC, KVM), otherwise idle, 64 s clip (``--clip`` of the clip this
script makes): (a) 30.4 frames/s, 43.2 ms CPU per frame; (a1) 43.5 frames/s, 32.4 ms;
(b) 23.6 ms per frame (25.6 ms CPU) with two people looked for, 14.6 ms (15.8 ms CPU) with
one; (c) 48.6 frames/s, 38.2 ms CPU per frame, peak RSS 488 MB: 1.60x (a), 1.12x (a1).
Agreement (a) vs (c): distance / hip width median 0.017, 95th percentile 0.045 (2.3 and
6.2 px), all from the 960-px downscale. Of (c)'s CPU per frame, the model takes 25.6 ms and
decoding about 10 ms (1080p H.264, 8.4 ms, plus the downscale). Following one person and
checking for a second twice a second cut the model's time to about 17 ms per frame, but the
landmarks then differ from those of a fresh detection in every frame (median 4 px, up to
22 px on a 720x1280 clip) and one rendered gait clip lost a stance phase and got two on the
wrong side; the product keeps looking for two people. A 10.7-minute clip (``--long`` or
``hipscreen analyze``): 6 min 8 s end to end, peak RSS 575 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO / "sample_videos" / "step_down_left_front_clean.mp4"
AGREEMENT_POINTS = ("left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle")


# -- making the clips -----------------------------------------------------------------


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def make_clips(source: Path, folder: Path, *, seconds: float, long_seconds: float | None) -> tuple[Path, Path | None]:
    """A 1080x1920 30 fps H.264 clip of at least ``seconds``, and optionally a long one.

    The source is scaled up, given a little film grain (so the bit rate is a phone's,
    about 14 Mbit/s, and decoding costs what it does on phone video) and looped.
    """
    unit = folder / "unit.mp4"
    ffmpeg("-i", str(source), "-vf", "scale=1080:1920:flags=bicubic,noise=alls=4:allf=t,fps=30", "-an",
           "-c:v", "libx264", "-preset", "veryfast", "-b:v", "14M", "-maxrate", "16M", "-bufsize", "28M",
           "-g", "30", "-pix_fmt", "yuv420p", str(unit))
    unit_s = _duration_s(unit)
    clip = folder / "clip.mp4"
    ffmpeg("-stream_loop", str(int(np.ceil(seconds / unit_s)) - 1), "-i", str(unit), "-c", "copy", str(clip))
    long_clip = None
    if long_seconds:
        long_clip = folder / "long.mp4"
        ffmpeg("-stream_loop", str(int(long_seconds // unit_s) - 1), "-i", str(unit), "-c", "copy", str(long_clip))
    return clip, long_clip


def _duration_s(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return float(out.strip())


# -- measuring one thing in a subprocess ----------------------------------------------


class TreeMemory:
    """Polls the memory of this process plus all its descendants (/proc).

    ``peak_mb`` is the largest sum of resident sets (RSS): pages of shared libraries
    and of the model file mapped by several processes count once per process, so with
    child processes it overstates what the machine holds. ``peak_pss_mb`` is the
    largest sum of proportional sets (PSS, shared pages split between the processes
    that map them): the physical memory the run occupies.
    """

    def __init__(self, interval_s: float = 0.1) -> None:
        self.peak_mb = 0.0
        self.peak_pss_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, args=(interval_s,), daemon=True)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self, interval_s: float) -> None:
        while not self._stop.is_set():
            pids = _tree(os.getpid())
            self.peak_mb = max(self.peak_mb, sum(_rss_mb(pid) for pid in pids))
            self.peak_pss_mb = max(self.peak_pss_mb, sum(_pss_mb(pid) for pid in pids))
            self._stop.wait(interval_s)


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
                todo.extend(int(c) for c in children)
        except OSError:
            continue
    return pids


def _status_mb(path: str, key: str) -> float:
    """The ``key:`` line (kB) of a /proc status-like file, in MB; 0 if the process is gone."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _rss_mb(pid: int) -> float:
    return _status_mb(f"/proc/{pid}/status", "VmRSS")


def _pss_mb(pid: int) -> float:
    return _status_mb(f"/proc/{pid}/smaps_rollup", "Pss")


def _cpu_s() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(kind: str, video: Path, out: Path, args: argparse.Namespace) -> None:
    """Run one measurement in this (fresh) process and write its figures to ``out``."""
    load_before = os.getloadavg()
    start_cpu, start = _cpu_s(), time.perf_counter()
    with TreeMemory() as memory:
        if kind in ("plain", "plain1"):
            times, xy = plain_loop(video, num_poses=2 if kind == "plain" else 1)
            frames = len(times)
            np.savez(out.with_suffix(".npz"), times_s=times, xy_px=xy)
        elif kind == "model":
            frames, ms = model_only(video, n_frames=args.model_frames)
        else:
            frames, analysis = analyse(video, current=kind == "current", max_side=args.max_side, workers=args.workers,
                                       num_poses=args.num_poses if kind == "fast1" else None)
            track = analysis.raw_track
            np.savez(out.with_suffix(".npz"), times_s=track.times_s, xy_px=track.xy_px)
    wall_s = time.perf_counter() - start
    cpu_s = _cpu_s() - start_cpu
    figures = {
        "kind": kind,
        "frames": frames,
        "wall_s": wall_s,
        "fps": frames / wall_s,
        "cpu_ms_per_frame": 1000 * cpu_s / frames,
        "peak_tree_mb": memory.peak_mb,
        "peak_tree_pss_mb": memory.peak_pss_mb,
        "maxrss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "maxrss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }
    if kind == "model":
        figures.update(ms)
    if kind not in ("plain", "plain1", "model"):
        figures["task"] = analysis.result["task"]
        figures["events"] = len(analysis.result["events"])
    out.write_text(json.dumps(figures))


def plain_loop(video: Path, *, num_poses: int) -> tuple[np.ndarray, np.ndarray]:
    """(a): OpenCV frames into MediaPipe in one loop; the main person as the product picks it."""
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import vision as mp_vision
    from mediapipe.tasks.python.core.base_options import BaseOptions

    from vision.models import resolve_model
    from vision.native_stderr import native_stderr_silenced
    from vision.pose import PoseParams, follow_main_person, people_from_raw

    params = PoseParams(num_poses=num_poses)
    options = mp_vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(resolve_model("full"))),
        running_mode=mp_vision.RunningMode.VIDEO,
        num_poses=params.num_poses,
        min_pose_detection_confidence=params.min_detection_confidence,
        min_pose_presence_confidence=params.min_presence_confidence,
        min_tracking_confidence=params.min_tracking_confidence,
    )
    capture = cv2.VideoCapture(str(video))
    width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    fps = capture.get(cv2.CAP_PROP_FPS)
    detections = []
    with native_stderr_silenced():
        landmarker = mp_vision.PoseLandmarker.create_from_options(options)
        with landmarker:
            index = 0
            while True:
                ok, bgr = capture.read()
                if not ok:
                    break
                rgb = np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
                result = landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb),
                                                     int(round(index * 1000 / fps)))
                raw = np.array([[(p.x, p.y, p.visibility, w.x, w.y, w.z) for p, w in zip(lm, wl)]
                                for lm, wl in zip(result.pose_landmarks, result.pose_world_landmarks)],
                               dtype=np.float32).reshape(-1, 33, 6)
                detections.append((index / fps, people_from_raw(raw, width=width, height=height), None))
                index += 1
    capture.release()
    track = follow_main_person(detections, width=width, height=height, params=params)
    return track.times_s, track.xy_px


def model_only(video: Path, *, n_frames: int, held_frames: int = 50) -> tuple[int, dict]:
    """(b): inference alone on frames decoded beforehand (full size, as the plain loop).

    ``held_frames`` full-size frames are kept in memory (about 6 MB each at 1080x1920)
    and run in turn until ``n_frames`` inferences are done, with increasing timestamps.
    """
    from vision.decode import iter_frames
    from vision.models import resolve_model
    from vision.pose import PoseEstimator, PoseParams

    frames = []
    for frame in iter_frames(video):
        frames.append(frame.rgb)
        if len(frames) >= held_frames:
            break
    figures = {}
    for num_poses in (2, 1):
        with PoseEstimator(resolve_model("full"), params=PoseParams(num_poses=num_poses)) as estimator:
            cpu0, wall0 = time.process_time(), time.perf_counter()
            for k in range(n_frames):
                estimator.detect_raw(frames[k % len(frames)], k / 30)
            figures[f"model_ms_{num_poses}"] = 1000 * (time.perf_counter() - wall0) / n_frames
            figures[f"model_cpu_ms_{num_poses}"] = 1000 * (time.process_time() - cpu0) / n_frames
    return 2 * n_frames, figures


def analyse(video: Path, *, current: bool, max_side: int | None, workers: int | None, num_poses: int | None = None):
    """(c): the whole analysis; ``current`` runs the pipeline with its own defaults.

    ``num_poses`` other than the product's (two) is not an analysis option: the two
    stages are then run by hand, as the pipeline runs them.
    """
    from hipscreen import pipeline
    from vision.decode import DecodeLimits

    limits = DecodeLimits(max_duration_s=3600.0, max_file_size_mb=8192.0)
    if current:
        analysis = pipeline.analyze(video, options=pipeline.AnalysisOptions(limits=limits))
    elif num_poses is None:
        options = pipeline.AnalysisOptions(limits=limits, pose_max_side=max_side, pose_workers=workers)
        analysis = pipeline.analyze(video, options=options)
    else:  # another number of people is not an analysis option: the same two stages, by hand
        from vision.decode import probe_video
        from vision.pose import PoseParams, estimate_pose

        options = pipeline.AnalysisOptions(limits=limits, pose_max_side=max_side)
        info = probe_video(video, limits=limits)
        track = estimate_pose(video, max_side=max_side, video=info, workers=workers,
                              params=PoseParams(num_poses=num_poses))
        analysis = pipeline.assess(pipeline.Landmarks(video=info, track=track), options=options)
    return len(analysis.raw_track), analysis


# -- the report -----------------------------------------------------------------------


def agreement(reference: Path, other: Path) -> dict:
    """Distances of hips, knees and ankles between two runs, over the hip width of the first."""
    from vision.landmarks import LANDMARK_NAMES

    a, b = np.load(reference), np.load(other)
    n = min(len(a["times_s"]), len(b["times_s"]))
    if not np.allclose(a["times_s"][:n], b["times_s"][:n], atol=1e-3) or len(a["times_s"]) != len(b["times_s"]):
        return {"error": f"different frames: {len(a['times_s'])} vs {len(b['times_s'])}"}
    idx = [LANDMARK_NAMES.index(name) for name in AGREEMENT_POINTS]
    xa, xb = a["xy_px"][:, idx], b["xy_px"][:, idx]
    hip_width = np.linalg.norm(xa[:, 0] - xa[:, 1], axis=1)
    both = ~np.isnan(xa[..., 0]).all(axis=1) & ~np.isnan(xb[..., 0]).all(axis=1)
    ratio = np.linalg.norm(xa - xb, axis=2)[both] / hip_width[both, None]
    pixels = np.linalg.norm(xa - xb, axis=2)[both]
    return {
        "frames_both": int(both.sum()),
        "frames_only_one": int((~np.isnan(xa[..., 0]).all(axis=1) ^ ~np.isnan(xb[..., 0]).all(axis=1)).sum()),
        "median": float(np.nanmedian(ratio)),
        "p95": float(np.nanpercentile(ratio, 95)),
        "median_px": float(np.nanmedian(pixels)),
        "p95_px": float(np.nanpercentile(pixels, 95)),
        "hip_width_px": float(np.nanmedian(hip_width[both])),
    }


def run(kind: str, video: Path, folder: Path, args: argparse.Namespace) -> dict:
    out = folder / f"{kind}.json"
    command = [sys.executable, __file__, "--measure", kind, "--clip", str(video), "--result", str(out),
               "--model-frames", str(args.model_frames), "--max-side", str(args.max_side or 0),
               "--workers", str(args.workers or 0), "--num-poses", "1"]
    subprocess.run(command, check=True)
    return json.loads(out.read_text())


def line(label: str, f: dict) -> str:
    load = f"load {f['load_before'][0]:.1f} -> {f['load_after'][0]:.1f}"
    return (f"{label:44s} {f['frames']:6d} frames {f['wall_s']:7.1f} s {f['fps']:6.1f} frames/s "
            f"cpu {f['cpu_ms_per_frame']:5.1f} ms/frame  peak RSS {f['peak_tree_mb']:5.0f} MB, PSS {f['peak_tree_pss_mb']:4.0f} MB "
            f"(ru_maxrss {f['maxrss_self_mb']:.0f})  {load}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="clip the test clip is made from")
    parser.add_argument("--clip", type=Path, help="use this clip as it is instead")
    parser.add_argument("--seconds", type=float, default=64.0)
    parser.add_argument("--long", action="store_true", help="also a ten-minute clip (memory)")
    parser.add_argument("--long-seconds", type=float, default=592.0)
    parser.add_argument("--model-frames", type=int, default=300)
    parser.add_argument("--max-side", type=int, default=960, help="fast path: frames downscaled to this (0: full size)")
    parser.add_argument("--workers", type=int, default=0, help="fast path: landmarkers (0: every core)")
    parser.add_argument("--current-pipeline", action="store_true", help="also the pipeline with its own defaults")
    parser.add_argument("--one-pose", action="store_true", help="also the fast path looking for one person (c2)")
    parser.add_argument("--skip", default="", help="comma-separated kinds not to run: plain1,model")
    parser.add_argument("--num-poses", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.max_side = args.max_side or None
    args.workers = args.workers or None
    if args.measure:
        measure(args.measure, args.clip, args.result, args)
        return

    skip = set(filter(None, args.skip.split(",")))
    with tempfile.TemporaryDirectory(prefix="hipscreen-throughput-") as tmp:
        folder = Path(tmp)
        if args.clip:
            clip, long_clip = args.clip, None
            if args.long:
                long_clip = folder / "long.mp4"
                loops = int(args.long_seconds // _duration_s(clip))
                ffmpeg("-stream_loop", str(loops - 1), "-i", str(clip), "-c", "copy", str(long_clip))
        else:
            clip, long_clip = make_clips(args.source, folder, seconds=args.seconds,
                                         long_seconds=args.long_seconds if args.long else None)
        print(f"clip: {clip.name if not args.clip else clip}, {_duration_s(clip):.1f} s, "
              f"{clip.stat().st_size / 1e6:.0f} MB; {os.cpu_count()} cores; "
              f"fast path: max_side={args.max_side}, workers={args.workers or 'all cores'}", flush=True)
        figures = {}
        for kind, label in (("plain", "(a) plain loop, 2 poses (product settings)"),
                            ("plain1", "(a1) plain loop, 1 pose"),
                            ("model", "(b) model only, pre-decoded frames"),
                            ("fast", "(c) analyze, fast path"),
                            ("fast1", "(c2) analyze, fast path, 1 pose"),
                            ("current", "(c1) analyze, pipeline defaults today")):
            if kind in skip or (kind == "current" and not args.current_pipeline) or (kind == "fast1" and not args.one_pose):
                continue
            figures[kind] = run(kind, clip, folder, args)
            print(line(label, figures[kind]), flush=True)
            if kind == "model":
                f = figures[kind]
                print(f"    model only: {f['model_ms_2']:.1f} ms/frame wall, {f['model_cpu_ms_2']:.1f} ms cpu "
                      f"(2 poses); {f['model_ms_1']:.1f} ms wall, {f['model_cpu_ms_1']:.1f} ms cpu (1 pose)",
                      flush=True)
            if kind in ("fast", "fast1", "current"):
                print(f"    task {figures[kind]['task']}, {figures[kind]['events']} events", flush=True)
        if "fast" in figures:
            for base in ("plain", "plain1"):
                if base in figures:
                    print(f"speed-up (c)/({base.replace('plain', 'a')}): "
                          f"{figures['fast']['fps'] / figures[base]['fps']:.2f}x frames/s", flush=True)
            if "plain" in figures:
                agree = agreement(folder / "plain.npz", folder / "fast.npz")
                if "error" in agree:
                    print(f"agreement (a) vs (c): {agree['error']}")
                else:
                    print(f"agreement (a) vs (c), hips/knees/ankles over {agree['frames_both']} frames with a pose in "
                          f"both ({agree['frames_only_one']} with a pose in only one): distance / hip width median "
                          f"{agree['median']:.4f}, 95th percentile {agree['p95']:.4f} (median {agree['median_px']:.2f} px, "
                          f"95th percentile {agree['p95_px']:.2f} px; hip width {agree['hip_width_px']:.0f} px)",
                          flush=True)
        if "fast1" in figures and "plain1" in figures:
            print(f"speed-up (c2)/(a1): {figures['fast1']['fps'] / figures['plain1']['fps']:.2f}x frames/s", flush=True)
            agree = agreement(folder / "plain1.npz", folder / "fast1.npz")
            if "error" not in agree:
                print(f"agreement (a1) vs (c2): distance / hip width median {agree['median']:.4f}, "
                      f"95th percentile {agree['p95']:.4f}", flush=True)
            agree = agreement(folder / "plain.npz", folder / "plain1.npz")
            if "error" not in agree:
                print(f"agreement (a) vs (a1), 2 poses vs 1: distance / hip width median {agree['median']:.4f}, "
                      f"95th percentile {agree['p95']:.4f}", flush=True)
        if "current" in figures and "fast" in figures:
            agree = agreement(folder / "current.npz", folder / "fast.npz")
            if "error" not in agree:
                print(f"agreement (c1) vs (c): distance / hip width median {agree['median']:.4f}, "
                      f"95th percentile {agree['p95']:.4f}", flush=True)
        if long_clip is not None:
            f = run("fast", long_clip, folder, args)
            print(line(f"(d) analyze, fast path, {_duration_s(long_clip):.0f} s clip", f), flush=True)


if __name__ == "__main__":
    main()
