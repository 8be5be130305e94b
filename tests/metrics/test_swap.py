"""repair_swaps on synthetic tracks with known swapped frames."""

import math
from dataclasses import replace

import numpy as np
import pytest

from metrics.swap import SwapParams, detect_swaps, repair_swaps
from vision.landmarks import LANDMARK_NAMES, MIRROR_INDEX, mirror_name
from vision.track import LandmarkTrack

FPS = 30.0


def _base_pose() -> dict[str, tuple[float, float]]:
    """A person seen from the front, 800 px tall: their left side on the image right."""
    right_side = {
        "eye_inner": (490, 110), "eye": (480, 110), "eye_outer": (470, 110), "ear": (455, 120),
        "shoulder": (420, 250), "elbow": (400, 380), "wrist": (395, 500), "pinky": (393, 530),
        "index": (397, 535), "thumb": (405, 525), "hip": (450, 520), "knee": (445, 700),
        "ankle": (440, 870), "heel": (442, 890), "foot_index": (430, 900),
    }
    pose = {"nose": (500, 130), "mouth_right": (490, 150), "mouth_left": (510, 150)}
    for name, (x, y) in right_side.items():
        pose[f"right_{name}"] = (x, y)
        pose[f"left_{name}"] = (1000 - x, y)
    return pose


def _walking_track(n_frames=90, *, seed=0) -> LandmarkTrack:
    """Walking in place: each leg's knee and ankle bob and sway out of phase, plus 1 px noise."""
    base = _base_pose()
    xy = np.array([base[name] for name in LANDMARK_NAMES], dtype=float)
    t = np.arange(n_frames) / FPS
    frames = np.repeat(xy[None], n_frames, axis=0)
    for i, name in enumerate(LANDMARK_NAMES):
        phase = 0.0 if name.startswith("left") else math.pi
        if any(part in name for part in ("knee", "ankle", "heel", "foot")):
            frames[:, i, 1] -= 40 * np.clip(np.sin(2 * math.pi * t + phase), 0, None)
            frames[:, i, 0] += 8 * np.sin(2 * math.pi * t + phase)
        if any(part in name for part in ("wrist", "elbow", "pinky", "index", "thumb")):
            frames[:, i, 1] += 15 * np.sin(2 * math.pi * t + phase + math.pi)
    frames += np.random.default_rng(seed).normal(0.0, 1.0, frames.shape)
    return LandmarkTrack(times_s=t, xy_px=frames, visibility=np.ones(frames.shape[:2]), width=1000, height=1000)


def _swap_frames(track: LandmarkTrack, frames: slice, names: tuple[str, ...] | None = None) -> LandmarkTrack:
    xy = track.xy_px.copy()
    if names is None:
        perm = list(MIRROR_INDEX)
    else:
        perm = list(range(len(LANDMARK_NAMES)))
        for name in names:
            perm[LANDMARK_NAMES.index(name)] = LANDMARK_NAMES.index(mirror_name(name))
    xy[frames] = xy[frames][:, perm]
    return track.with_xy(xy)


LEG_NAMES = tuple(f"{s}_{j}" for s in ("left", "right") for j in ("knee", "ankle", "heel", "foot_index"))


@pytest.mark.parametrize(
    ("frames", "names"),
    [
        pytest.param(slice(40, 45), None, id="whole-body-5-frames"),
        pytest.param(slice(40, 45), LEG_NAMES, id="legs-only-5-frames"),
        pytest.param(slice(0, 3), None, id="at-the-start"),
        pytest.param(slice(86, 90), LEG_NAMES, id="at-the-end"),
        pytest.param(slice(20, 21), None, id="single-frame"),
    ],
)
def test_short_swap_is_repaired_exactly(frames, names):
    truth = _walking_track()
    swapped = _swap_frames(truth, frames, names)
    repair = repair_swaps(swapped)
    np.testing.assert_array_equal(repair.track.xy_px, truth.xy_px)
    assert repair.frames_repaired == frames.stop - frames.start


def test_repair_counts_per_body_part():
    swapped = _swap_frames(_walking_track(), slice(40, 45), LEG_NAMES)
    repair = repair_swaps(swapped)
    assert repair.frames_repaired_by_part == {"head": 0, "trunk": 0, "arms": 0, "legs": 5}
    assert repair.track.notes[-1] == "left/right labels repaired in 5 frames"


def test_clean_track_is_left_alone():
    track = _walking_track()
    repair = repair_swaps(track)
    assert repair.frames_repaired == 0
    assert repair.frames_repaired_by_part == {"head": 0, "trunk": 0, "arms": 0, "legs": 0}
    # the track itself, not a copy of it (a copy is 30 MB for a 10-minute video)
    assert repair.track is track


def test_repair_leaves_the_raw_track_as_it_was():
    truth = _walking_track()
    swapped = _swap_frames(truth, slice(40, 45), None)
    before = swapped.xy_px.copy()
    repair = repair_swaps(swapped)
    assert repair.track is not swapped
    np.testing.assert_array_equal(swapped.xy_px, before)


def test_long_swap_is_not_repaired():
    # 1.67 s relabelled: longer than max_swap_s, more likely a real change than a
    # glitch; the 0.67 s before and after it are longer than half max_swap_s, so they
    # are not relabelled to match it either.
    truth = _walking_track()
    swapped = _swap_frames(truth, slice(20, 70))
    assert repair_swaps(swapped, params=SwapParams(max_swap_s=1.0)).frames_repaired == 0


def test_missing_frames_inside_a_swap():
    truth = _walking_track()
    swapped = _swap_frames(truth, slice(40, 46))
    xy = swapped.xy_px.copy()
    xy[42] = np.nan  # the pose was lost for one frame in the middle of the swap
    swapped = swapped.with_xy(xy)
    detected = detect_swaps(swapped)
    assert np.flatnonzero(detected["legs"]).tolist() == [40, 41, 43, 44, 45]


def test_visibility_moves_with_the_labels():
    truth = _walking_track()
    vis = np.ones_like(truth.visibility)
    vis[:, LANDMARK_NAMES.index("left_knee")] = 0.9
    vis[:, LANDMARK_NAMES.index("right_knee")] = 0.6
    swapped = _swap_frames(truth, slice(40, 45))
    swapped_vis = vis.copy()
    swapped_vis[40:45] = swapped_vis[40:45][:, list(MIRROR_INDEX)]
    repair = repair_swaps(replace(swapped, visibility=swapped_vis))
    np.testing.assert_array_equal(repair.track.visibility, vis)


@pytest.mark.parametrize(
    ("frames", "repaired"),
    [
        pytest.param(slice(30, 54), True, id="0.8s-middle-repaired"),
        pytest.param(slice(25, 61), False, id="1.2s-middle-kept"),
        pytest.param(slice(0, 12), True, id="0.4s-at-start-repaired"),
        pytest.param(slice(0, 21), False, id="0.7s-at-start-kept"),
    ],
)
def test_max_swap_s_decides_what_is_repaired(frames, repaired):
    truth = _walking_track()
    swapped = _swap_frames(truth, frames, LEG_NAMES)
    repair = repair_swaps(swapped, params=SwapParams(max_swap_s=1.0))
    expected = truth.xy_px if repaired else swapped.xy_px
    np.testing.assert_array_equal(repair.track.xy_px, expected)
