"""Landmarks of a clip stored upright versus the same clip stored sideways with a rotation tag.

Both copies are lossy H.264 (``-crf 18``, what a phone or an export typically gives),
encoded from the same pictures: the upright one as it is, the other turned a quarter
turn clockwise and tagged to be shown turned back. A correct decoder gives the same
upright frames up to coding noise, so the landmark differences printed here measure
how much that noise moves MediaPipe's landmarks.

Usage::

    HIPSCREEN_MODEL_DIR=../shared/models python benchmarks/vision_rotation.py \
        ../shared/videos/real/pose2sim_single_cam01.mp4 --frames 60
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from vision.landmarks import LANDMARK_NAMES
from vision.pose import estimate_pose

BODY = [i for i, n in enumerate(LANDMARK_NAMES) if n.split("_", 1)[-1] in
        ("shoulder", "elbow", "hip", "knee", "ankle", "heel")]


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", type=Path)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--max-side", type=int, default=None)
    args = parser.parse_args()
    encode = ["-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p"]
    with tempfile.TemporaryDirectory() as folder:
        upright, sideways, tagged = (Path(folder) / n for n in ("upright.mp4", "sideways.mp4", "tagged.mp4"))
        ffmpeg("-i", str(args.video), "-frames:v", str(args.frames), *encode, str(upright))
        ffmpeg("-i", str(args.video), "-frames:v", str(args.frames), "-vf", "transpose=clock", *encode, str(sideways))
        ffmpeg("-i", str(sideways), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(tagged))
        a = estimate_pose(upright, max_side=args.max_side)
        b = estimate_pose(tagged, max_side=args.max_side)
    distance = np.linalg.norm(a.xy_px[:, BODY] - b.xy_px[:, BODY], axis=2)
    print(f"{args.video.name}, {len(a)} frames, {a.width}x{a.height}, max_side={args.max_side}: "
          f"upright vs tagged-sideways landmark distance over {len(BODY)} body points: "
          f"median {np.nanmedian(distance):.2f} px, 95th percentile {np.nanpercentile(distance, 95):.2f} px, "
          f"max {np.nanmax(distance):.2f} px")


if __name__ == "__main__":
    main()
