"""How much of a lifted foot's rise MediaPipe sees, from the front and from behind.

Known truth: rendered single-leg stance clips whose ``<clip>.truth.json`` holds the true
image positions of the joint centres (``frames.joints_px``) and the hold (``events``);
landmarks cached as ``<clip>.landmarks.npz`` beside the clip or in ``--cache`` (the
pipeline's pose stage is run and cached when missing). For each clip, the free ankle's rise in the image:
its median height during the hold (0.3 s in from each end) above its median before the
foot leaves the floor (up to 0.2 s before the true foot-off), true and as MediaPipe
places it, and the same for the stance ankle (which should not rise).

    python -m benchmarks.foot_lift /work/scratch/seed1_all /work/scratch/cohort_s2

This is the measurement behind the filming advice for a single-leg stance (film from the
front; from behind a small lift can be missed): docs/MEASUREMENT_CHOICES.md, Events.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from benchmarks.fit_joint_centres import raw_landmarks
from vision.landmarks import other_side

HOLD_MARGIN_S = 0.3
BEFORE_MARGIN_S = 0.2


def ankle_rise_px(times_s: np.ndarray, ankle_y_px: np.ndarray, start_s: float, end_s: float) -> float:
    """Median image height of the ankle during the hold above its median before it (pixels, up > 0)."""
    hold = (times_s > start_s + HOLD_MARGIN_S) & (times_s < end_s - HOLD_MARGIN_S)
    before = times_s < start_s - BEFORE_MARGIN_S
    return float(np.nanmedian(ankle_y_px[before]) - np.nanmedian(ankle_y_px[hold]))


def clip_rows(folder: Path, *, cache: Path | None = None) -> list[dict]:
    rows = []
    for truth_path in sorted(folder.glob("*single_leg_stance*.truth.json")):
        truth = json.loads(truth_path.read_text())
        video = truth_path.with_name(truth_path.name.replace(".truth.json", ".mp4"))
        frames, hold = truth["frames"], truth["events"][0]
        stance = truth["stance_side"]
        free = other_side(stance)
        true_t = np.asarray(frames["time_s"], float)
        true_y = np.asarray(frames["joints_px"][f"{free}_ankle"], float)[:, 1]
        track = raw_landmarks(video, cache=cache or folder)
        rise = {
            side: ankle_rise_px(track.times_s, track.point(f"{side}_ankle")[:, 1], hold["start_s"], hold["end_s"])
            for side in (free, stance)
        }
        true_rise = ankle_rise_px(true_t, true_y, hold["start_s"], hold["end_s"])
        rows.append(
            {
                "clip": video.stem,
                "view": truth["view"],
                "true_px": true_rise,
                "seen_px": rise[free],
                "stance_px": rise[stance],
                "ratio": rise[free] / true_rise if true_rise > 0 else float("nan"),
            }
        )
    return rows


def summary(rows: list[dict]) -> str:
    lines = [
        "| view | clips | true rise px, median | seen / true, median (min-max) | stance ankle rise px, median (max) |",
        "|---|---|---|---|---|",
    ]
    for view in ("front", "back"):
        sel = [r for r in rows if r["view"] == view]
        if not sel:
            continue
        ratio = np.array([r["ratio"] for r in sel])
        stance = np.array([r["stance_px"] for r in sel])
        lines.append(
            f"| {view} | {len(sel)} | {np.median([r['true_px'] for r in sel]):.0f} | "
            f"{np.nanmedian(ratio):.2f} ({np.nanmin(ratio):.2f}-{np.nanmax(ratio):.2f}) | "
            f"{np.median(stance):.1f} ({np.max(stance):.1f}) |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path, help="folders of rendered clips with truth")
    parser.add_argument("--cache", type=Path, help="folder of cached landmarks (default: beside each clip)")
    parser.add_argument("--per-clip", action="store_true", help="print every clip too")
    args = parser.parse_args(argv)
    rows = [row for folder in args.folders for row in clip_rows(folder, cache=args.cache)]
    if args.per_clip:
        for r in sorted(rows, key=lambda r: (r["view"], r["ratio"])):
            print(
                f"{r['clip']:45s} {r['view']:5s} true {r['true_px']:6.1f}  seen {r['seen_px']:6.1f}  "
                f"ratio {r['ratio']:.2f}  stance {r['stance_px']:5.1f}"
            )
    print(summary(rows))


if __name__ == "__main__":
    main()
