"""Find and repair frames where the pose model swapped the person's left and right labels.

MediaPipe sometimes labels the left leg "right" and the right leg "left" for a few frames,
especially from behind or when the legs pass close to each other. Left in place, such a
frame turns a left-stance angle into a right-stance one.

Method: for each body part (head, trunk, arms, legs) the labelling of every frame is
either *as given* or *swapped*. Going from one frame with the part in view to the next,
keeping the labelling costs the distance each landmark moved; switching the labelling
costs the distance from each landmark to its mirror partner in the other frame. A
labelling that stays swapped also costs a little per frame, so the labels the model gave
are trusted unless the jumps say otherwise. The cheapest labelling of the whole video is
found exactly by dynamic programming (Viterbi, two states).

The per-frame cost is set so that relabelling a stretch pays off only when it is shorter
than ``max_swap_s`` (half that at the very start or end of the video, where the stretch
has one jump instead of two): a swap of a part that usually sits ``w`` pixels from its
mirror partner removes jumps of about ``2 w`` each, so a swapped frame costs
``4 w / max_swap_frames``. Longer stretches are left as labelled (and a final check drops
any that remain): a swap that long is more likely a real change than a labelling glitch.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from metrics.cleaning import seconds_to_samples
from vision.landmarks import LANDMARK_NAMES, MIRROR_INDEX, Landmark
from vision.track import LandmarkTrack

BODY_PARTS: dict[str, tuple[str, ...]] = {
    "head": ("eye_inner", "eye", "eye_outer", "ear"),
    "trunk": ("shoulder", "hip"),
    "arms": ("elbow", "wrist", "pinky", "index", "thumb"),
    "legs": ("knee", "ankle", "heel", "foot_index"),
}
"""Landmark pairs (``left_<name>`` / ``right_<name>``) whose labels are judged together.
The mouth corners follow the head."""


@dataclass(frozen=True)
class SwapParams:
    """Parameters of :func:`repair_swaps`.

    Attributes
    ----------
    max_swap_s : float
        Longest swapped stretch that is repaired, seconds.
    """

    max_swap_s: float = 1.0

    def __post_init__(self) -> None:
        if self.max_swap_s <= 0:
            raise ValueError(f"invalid SwapParams: max_swap_s must be positive, got {self.max_swap_s}")


@dataclass(frozen=True)
class SwapRepair:
    """The repaired track and how many frames were relabelled.

    Attributes
    ----------
    track : LandmarkTrack
        Same frames with left/right labels repaired (positions, visibility and world
        landmarks move together).
    frames_repaired : int
        Frames in which at least one body part was relabelled.
    frames_repaired_by_part : dict
        ``{"head": n, "trunk": n, "arms": n, "legs": n}``.
    """

    track: LandmarkTrack
    frames_repaired: int
    frames_repaired_by_part: dict[str, int] = field(default_factory=dict)


def _pair_indices(names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    left = np.array([Landmark[f"LEFT_{n.upper()}"] for n in names])
    right = np.array([Landmark[f"RIGHT_{n.upper()}"] for n in names])
    return left, right


def _step_costs(
    xy: np.ndarray, left: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Frames where the part is seen, and per step the cost of keeping / switching labels.

    Returns ``frames`` (K,); ``keep``, ``switch`` (K-1,): mean distance per landmark pair
    from frame ``frames[k]`` to ``frames[k + 1]``, pixels; and the median distance between
    a left landmark and its right partner, pixels.
    """
    lx, rx = xy[:, left], xy[:, right]  # (T, P, 2)
    complete = ~np.isnan(lx[..., 0]) & ~np.isnan(rx[..., 0])  # (T, P)
    frames = np.flatnonzero(complete.any(axis=1))
    width = np.linalg.norm(lx - rx, axis=-1)[complete]
    typical_width_px = float(np.median(width)) if width.size else 0.0
    a, b = frames[:-1], frames[1:]
    common = complete[a] & complete[b]  # (K-1, P)
    n_common = common.sum(axis=1)

    def dist(p: np.ndarray, q: np.ndarray) -> np.ndarray:
        return np.where(common, np.linalg.norm(p - q, axis=-1), 0.0)

    keep = dist(lx[b], lx[a]) + dist(rx[b], rx[a])
    switch = dist(lx[b], rx[a]) + dist(rx[b], lx[a])
    with np.errstate(invalid="ignore", divide="ignore"):
        keep = np.where(n_common > 0, keep.sum(axis=1) / n_common, 0.0)
        switch = np.where(n_common > 0, switch.sum(axis=1) / n_common, 0.0)
    return frames, keep, switch, typical_width_px


def _viterbi_swapped(keep: np.ndarray, switch: np.ndarray, swapped_cost: float) -> np.ndarray:
    """Cheapest two-state labelling; True where the frame is swapped (K,)."""
    k = len(keep) + 1
    cost = np.array([0.0, swapped_cost])
    back = np.zeros((k, 2), dtype=np.int8)
    for i in range(1, k):
        stay = cost + keep[i - 1]  # from state s to s
        cross = cost[::-1] + switch[i - 1]  # from the other state
        back[i] = np.where(stay <= cross, [0, 1], [1, 0])
        cost = np.minimum(stay, cross) + np.array([0.0, swapped_cost])
    state = np.zeros(k, dtype=np.int8)
    state[-1] = int(np.argmin(cost))
    for i in range(k - 1, 0, -1):
        state[i - 1] = back[i, state[i]]
    return state.astype(bool)


def _drop_long_runs(swapped: np.ndarray, times_s: np.ndarray, max_swap_s: float) -> np.ndarray:
    edges = np.diff(np.concatenate([[0], swapped.astype(np.int8), [0]]))
    out = swapped.copy()
    for start, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
        if times_s[stop - 1] - times_s[start] > max_swap_s:
            out[start:stop] = False
    return out


def detect_swaps(track: LandmarkTrack, *, params: SwapParams = SwapParams()) -> dict[str, np.ndarray]:
    """Frames whose left/right labels are swapped, per body part.

    Parameters
    ----------
    track : LandmarkTrack
    params : SwapParams, keyword-only

    Returns
    -------
    dict
        ``{part: bool array (T,)}`` for each part of :data:`BODY_PARTS`, True where that
        part's labels should be swapped.

    Notes
    -----
    Distances are pixels of the upright frame. Every cost is a distance between
    landmarks of the same part, so the result does not depend on the video's resolution.
    """
    n = len(track)
    result = {part: np.zeros(n, dtype=bool) for part in BODY_PARTS}
    if n < 2:
        return result
    max_swap_frames = seconds_to_samples(params.max_swap_s, track.times_s)
    for part, names in BODY_PARTS.items():
        left, right = _pair_indices(names)
        frames, keep, switch, typical_width_px = _step_costs(track.xy_px, left, right)
        if len(frames) < 2 or typical_width_px == 0.0:
            continue
        swapped_cost = 4.0 * typical_width_px / max_swap_frames
        swapped = _viterbi_swapped(keep, switch, swapped_cost)
        swapped = _drop_long_runs(swapped, track.times_s[frames], params.max_swap_s)
        result[part][frames[swapped]] = True
    return result


def _part_permutation(part: str) -> np.ndarray:
    """Landmark index permutation that swaps left and right of one body part only."""
    names = BODY_PARTS[part]
    extra = ("mouth_left", "mouth_right") if part == "head" else ()
    members = {f"{s}_{n}" for n in names for s in ("left", "right")} | set(extra)
    return np.array([MIRROR_INDEX[i] if name in members else i for i, name in enumerate(LANDMARK_NAMES)])


def repair_swaps(track: LandmarkTrack, *, params: SwapParams = SwapParams()) -> SwapRepair:
    """Relabel the frames where left and right were swapped.

    Parameters
    ----------
    track : LandmarkTrack
        Raw landmarks (before cleaning: smoothing would blend a swapped frame).
    params : SwapParams, keyword-only

    Returns
    -------
    SwapRepair
        The repaired track and the count of frames repaired.
    """
    swaps = detect_swaps(track, params=params)
    if not any(swapped.any() for swapped in swaps.values()):
        # nothing to relabel: the track itself, not a copy (30 MB for a 10-minute video)
        return SwapRepair(track=track, frames_repaired=0, frames_repaired_by_part={part: 0 for part in swaps})
    xy = np.array(track.xy_px, dtype=float, copy=True)
    visibility = np.array(track.visibility, dtype=float, copy=True)
    world = None if track.world_xyz is None else np.array(track.world_xyz, dtype=float, copy=True)
    for part, swapped in swaps.items():
        if not swapped.any():
            continue
        perm = _part_permutation(part)
        xy[swapped] = xy[swapped][:, perm]
        visibility[swapped] = visibility[swapped][:, perm]
        if world is not None:
            world[swapped] = world[swapped][:, perm]
    any_swapped = np.zeros(len(track), dtype=bool)
    for swapped in swaps.values():
        any_swapped |= swapped
    n_repaired = int(any_swapped.sum())
    note = f"left/right labels repaired in {n_repaired} frames" if n_repaired else None
    repaired = replace(
        track,
        xy_px=xy,
        visibility=visibility,
        world_xyz=world,
        notes=track.notes + ((note,) if note else ()),
    )
    return SwapRepair(
        track=repaired,
        frames_repaired=n_repaired,
        frames_repaired_by_part={part: int(s.sum()) for part, s in swaps.items()},
    )
