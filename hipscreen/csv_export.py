"""The per-frame time series as CSV (``hipscreen analyze --csv``).

Columns: ``time_s``; each angle for both limbs where it applies (pelvic drop and trunk
lean with the left or the right limb as stance, knee FPPA and hip adduction of each limb);
then each landmark's ``x_px``, ``y_px`` and ``visibility`` in pixels of the upright frame.
Empty cells are values that could not be measured.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from vision.landmarks import LANDMARK_NAMES
from vision.track import LandmarkTrack


def landmark_columns(track: LandmarkTrack) -> dict[str, np.ndarray]:
    """``{name}_x_px``, ``{name}_y_px``, ``{name}_visibility`` for all 33 landmarks."""
    cols: dict[str, np.ndarray] = {}
    for name in LANDMARK_NAMES:
        xy = track.point(name)
        cols[f"{name}_x_px"] = xy[:, 0]
        cols[f"{name}_y_px"] = xy[:, 1]
        cols[f"{name}_visibility"] = track.vis(name)
    return cols


def _cell(value: float) -> str:
    value = float(value)
    return "" if not math.isfinite(value) else f"{value:.3f}"


def write_csv_text(columns: dict[str, np.ndarray], stream: io.TextIOBase) -> None:
    """Write equal-length columns as CSV rows."""
    names = list(columns)
    lengths = {len(columns[n]) for n in names}
    if len(lengths) > 1:
        raise ValueError(f"columns differ in length: {sorted(lengths)}")
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(names)
    arrays = [np.asarray(columns[n], dtype=float) for n in names]
    for i in range(lengths.pop() if lengths else 0):
        writer.writerow([_cell(a[i]) for a in arrays])


def to_csv_text(analysis) -> str:
    """The CSV of an :class:`hipscreen.pipeline.Analysis` as text."""
    buffer = io.StringIO()
    write_csv_text({**analysis.series, **landmark_columns(analysis.raw_track)}, buffer)
    return buffer.getvalue()


def write_csv(analysis, path: str | Path) -> None:
    """Write the CSV of an :class:`hipscreen.pipeline.Analysis` to ``path``."""
    Path(path).write_text(to_csv_text(analysis), encoding="utf-8")
