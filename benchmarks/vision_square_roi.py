"""Are landmarks on non-square frames distorted? Raw frames versus the same frames padded to square.

MediaPipe logs "Using NORM_RECT without IMAGE_DIMENSIONS is only supported for the square
ROI". This runs the landmarker twice over a clip, once on the upright frames as they are
and once on the same frames centred in a black square, maps the second set back to the
frame's pixels and prints how far apart they are, plus segment lengths (a stretch along x
or y would change them) and, where a Pose2Sim reference exists, the error of each run.

Usage::

    HIPSCREEN_MODEL_DIR=../shared/models python benchmarks/vision_square_roi.py \
        ../shared/videos/real/pose2sim_single_cam01.mp4
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from vision.decode import Frame, iter_frames, probe_video
from vision.models import resolve_model
from vision.pose import PoseEstimator, PoseParams

JOINTS = ("nose", "left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_knee", "right_knee",
          "left_ankle", "right_ankle")
INDEX = {"nose": 0, "left_shoulder": 11, "right_shoulder": 12, "left_hip": 23, "right_hip": 24,
         "left_knee": 25, "right_knee": 26, "left_ankle": 27, "right_ankle": 28}
REFERENCE = {"LShoulder": "left_shoulder", "RShoulder": "right_shoulder", "LHip": "left_hip", "RHip": "right_hip",
             "LKnee": "left_knee", "RKnee": "right_knee", "LAnkle": "left_ankle", "RAnkle": "right_ankle"}


def padded(frame: Frame) -> tuple[np.ndarray, int, int]:
    height, width = frame.rgb.shape[:2]
    side = max(height, width)
    square = np.zeros((side, side, 3), np.uint8)
    x0, y0 = (side - width) // 2, (side - height) // 2
    square[y0 : y0 + height, x0 : x0 + width] = frame.rgb
    return square, x0, y0


def run(path: Path, model: Path, *, pad: bool) -> np.ndarray:
    """(T, 33, 2) landmarks of the first person, pixels of the upright frame."""
    out = []
    with PoseEstimator(model, params=PoseParams(num_poses=1)) as estimator:
        for frame in iter_frames(path):
            height, width = frame.rgb.shape[:2]
            if pad:
                image, x0, y0 = padded(frame)
                people = estimator.detect(image, frame.time_s, width=image.shape[1], height=image.shape[0])
                shift = np.array([x0, y0])
            else:
                people = estimator.detect(frame.rgb, frame.time_s, width=width, height=height)
                shift = np.zeros(2)
            out.append(people[0].xy_px - shift if people else np.full((33, 2), np.nan))
    return np.array(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", type=Path)
    args = parser.parse_args()
    info = probe_video(args.video)
    model = resolve_model("full")
    raw, square = run(args.video, model, pad=False), run(args.video, model, pad=True)
    distance = np.linalg.norm(raw - square, axis=2)
    idx = [INDEX[j] for j in JOINTS]
    print(f"{args.video.name}: {info.width}x{info.height}, {len(raw)} frames")
    print(f"raw vs padded distance over {len(JOINTS)} joints: median {np.nanmedian(distance[:, idx]):.2f} px, "
          f"95th percentile {np.nanpercentile(distance[:, idx], 95):.2f} px, max {np.nanmax(distance[:, idx]):.2f} px")
    for joint in JOINTS:
        i = INDEX[joint]
        dx, dy = np.nanmean(raw[:, i] - square[:, i], axis=0)
        print(f"  {joint:15s} median {np.nanmedian(distance[:, i]):6.2f} px   mean dx {dx:+6.2f}  dy {dy:+6.2f}")
    for label, xy in (("raw", raw), ("padded", square)):
        hips = np.nanmedian(np.linalg.norm(xy[:, 23] - xy[:, 24], axis=1))
        thigh = np.nanmedian(np.linalg.norm(xy[:, 23] - xy[:, 25], axis=1))
        print(f"{label:7s} median hip width {hips:.1f} px, left thigh {thigh:.1f} px")
    reference_path = args.video.with_suffix(".reference.json")
    if reference_path.is_file():
        reference = json.loads(reference_path.read_text())
        for label, xy in (("raw", raw), ("padded", square)):
            errors = [np.linalg.norm(xy[: len(t), INDEX[name]] - np.asarray(t, float)[: len(xy)], axis=1)
                      for ref, name in REFERENCE.items() for t in [reference["joints"][ref]]]
            print(f"{label:7s} error against the Pose2Sim reference: median {np.nanmedian(np.concatenate(errors)):.1f} px")


if __name__ == "__main__":
    main()
