"""The event: one repetition, one hold or one stance phase, with its stance limb.

Every event detector (:mod:`metrics.events.step_down`, :mod:`metrics.events.single_leg_stance`,
:mod:`metrics.events.gait`) returns a list of :class:`Event`.

Notes
-----
Indices are frame indices of the :class:`vision.track.LandmarkTrack` the event was found
in; times are that track's presentation times (seconds from the first frame), never
``index / nominal_fps``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vision.landmarks import SIDES

TASKS: tuple[str, ...] = ("step_down", "single_leg_squat", "single_leg_stance", "gait")
"""Task identifiers of MEASURES.md section 3."""

REPETITION_TASKS: tuple[str, ...] = ("step_down", "single_leg_squat")
"""The tasks done as repetitions (:mod:`metrics.events.step_down`), each peaking at its lowest point."""


@dataclass(frozen=True)
class Event:
    """One analysed movement of one stance limb.

    Attributes
    ----------
    task : str
        One of :data:`TASKS`.
    side : str
        The stance limb, ``"left"`` or ``"right"`` (the person's side).
    start_index, peak_index, end_index : int
        Frames of the start, the peak and the end (inclusive), ``start <= peak <= end``.
    start_s, peak_s, end_s : float
        The same frames' presentation times, seconds.
    complete : bool
        False when the event is cut by the start or the end of the video (its true
        start or end is not in the video).
    hold_duration_s : float or None
        Single-leg stance only: time from foot-off to foot-down of the other limb.
    sway_pelvis_widths : float or None
        Single-leg stance only: standard deviation of the mid-hip's horizontal image
        position over the hold, in pelvis widths (inter-hip distance).
    depth_leg_lengths : float or None
        Repetitions only: how far the mid-hip went down at the peak, in leg lengths.
    notes : tuple of str
        Plain-language remarks (why the peak is where it is, what was cut, ...).
    """

    task: str
    side: str
    start_index: int
    peak_index: int
    end_index: int
    start_s: float
    peak_s: float
    end_s: float
    complete: bool = True
    hold_duration_s: float | None = None
    sway_pelvis_widths: float | None = None
    depth_leg_lengths: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        problems = []
        if self.task not in TASKS:
            problems.append(f"task must be one of {TASKS}, got {self.task!r}")
        if self.side not in SIDES:
            problems.append(f"side must be one of {SIDES}, got {self.side!r}")
        if not self.start_index <= self.peak_index <= self.end_index:
            problems.append(
                f"indices must satisfy start <= peak <= end, got {self.start_index}, {self.peak_index}, {self.end_index}"
            )
        if problems:
            raise ValueError("invalid Event: " + "; ".join(problems))

    @property
    def duration_s(self) -> float:
        return float(self.end_s - self.start_s)

    def to_dict(self) -> dict:
        """Timing fields of the JSON ``events`` item (angles are added by the summary)."""
        out = {
            "side": self.side,
            "start_s": round(float(self.start_s), 3),
            "peak_s": round(float(self.peak_s), 3),
            "end_s": round(float(self.end_s), 3),
            "complete": bool(self.complete),
        }
        for name in ("hold_duration_s", "sway_pelvis_widths", "depth_leg_lengths"):
            value = getattr(self, name)
            if value is not None:
                out[name] = round(float(value), 3)
        if self.notes:
            out["notes"] = list(self.notes)
        return out


def make_event(
    task: str,
    side: str,
    times_s: np.ndarray,
    start: int,
    peak: int,
    end: int,
    **details,
) -> Event:
    """An :class:`Event` whose times are read from ``times_s`` at the three indices."""
    return Event(
        task=task,
        side=side,
        start_index=int(start),
        peak_index=int(peak),
        end_index=int(end),
        start_s=float(times_s[start]),
        peak_s=float(times_s[peak]),
        end_s=float(times_s[end]),
        **details,
    )


def peak_of_largest(values: np.ndarray, start: int, end: int) -> int | None:
    """Index of the largest finite value in ``values[start:end + 1]``, None if none is finite."""
    segment = np.asarray(values[start : end + 1], dtype=float)
    if not np.any(np.isfinite(segment)):
        return None
    return start + int(np.nanargmax(segment))
