"""Segment-parallel pose estimation: planning, seamless segment decoding, same analysis."""

from __future__ import annotations

import math
import threading
from fractions import Fraction

import numpy as np
import pytest

from tests.conftest import SAMPLE_DIR
from tests.vision.clips import moving_pictures, write_clip
from vision.decode import iter_frames, probe_video
from vision.parallel import ParallelParams, estimate_pose_parallel, plan_segments
from vision.pose import estimate_pose

# -- planning (no video) --------------------------------------------------------------


def test_two_segments_share_the_work_with_the_child_doing_its_overlap_and_start_extra():
    params = ParallelParams(workers=2, overlap_s=1.5, start_allowance_s=2.0, min_segment_s=8.0)
    # First L, second L - 3.5 with L + (L - 3.5) = 60: L = 31.75.
    assert plan_segments(60.0, params=params) == [(0.0, 31.75), (31.75, math.inf)]


def test_segments_are_contiguous_and_cover_the_video():
    params = ParallelParams(workers=4, overlap_s=1.0, start_allowance_s=1.0, min_segment_s=5.0)
    segments = plan_segments(100.0, params=params)
    assert len(segments) == 4
    assert segments[0][0] == 0.0 and segments[-1][1] == math.inf
    assert all(a[1] == b[0] for a, b in zip(segments, segments[1:]))
    # Children's segments are 2 s shorter than the first: 4 L - 3 * 2 = 100, L = 26.5.
    assert [round(b - a, 6) for a, b in segments[:-1]] == [26.5, 24.5, 24.5]


def test_a_short_video_is_not_split():
    params = ParallelParams(workers=2, overlap_s=1.5, start_allowance_s=2.0, min_segment_s=8.0)
    # Two segments need 2 * 8 + 3.5 = 19.5 s of video.
    assert plan_segments(19.0, params=params) == [(0.0, math.inf)]
    assert len(plan_segments(19.5, params=params)) == 2


def test_one_worker_means_one_segment():
    assert plan_segments(600.0, params=ParallelParams(workers=1)) == [(0.0, math.inf)]


# -- decoding segments (small synthetic clips) ----------------------------------------


@pytest.fixture(scope="module")
def gop_clip(tmp_path_factory):
    """90 frames at 30 fps, a key frame every 10 frames, B-frames, rotation tag."""
    path = tmp_path_factory.mktemp("parallel") / "gop.mp4"
    return write_clip(path, moving_pictures(90, width=96, height=64), fps=30, options={"g": "10", "bf": "2"})


@pytest.mark.parametrize("bounds", [(0.0, 1.0, 2.0), (0.52, 1.3), (0.0, 0.05, 2.9)])
def test_segments_give_the_frames_of_a_single_pass(gop_clip, bounds):
    everything = list(iter_frames(gop_clip))
    edges = [0.0, *bounds[1:], math.inf] if bounds[0] == 0.0 else [0.0, *bounds, math.inf]
    pieces = [list(iter_frames(gop_clip, start_s=a, stop_s=b, max_side=48)) for a, b in zip(edges, edges[1:])]
    joined = [frame for piece in pieces for frame in piece]
    assert [f.time_s for f in joined] == [f.time_s for f in everything]
    downscaled = list(iter_frames(gop_clip, max_side=48))
    assert all(np.array_equal(a.rgb, b.rgb) for a, b in zip(joined, downscaled, strict=True))
    # Each segment starts where it should: at the first frame at or after its start.
    for (start, _), piece in zip(zip(edges, edges[1:]), pieces):
        if piece:
            assert piece[0].time_s >= start and piece[0].time_s - start < 1 / 30 + 1e-9


def test_segment_times_count_from_the_first_frame_of_the_file(tmp_path):
    # Timestamps starting at 5 s: times still count from the first frame.
    times = [5.0 + i / 25 for i in range(50)]
    clip = write_clip(tmp_path / "late.mp4", moving_pictures(50), times_s=times, fps=25,
                      time_base=Fraction(1, 12800), options={"g": "12"})
    late = list(iter_frames(clip, start_s=1.0))
    assert late[0].time_s == pytest.approx(1.0, abs=1e-6) and len(late) == 25


# -- the whole analysis, one pass versus segments (MediaPipe) -------------------------


ROT90_CLIP = SAMPLE_DIR / "step_down_right_front_lean_toward_rot90.mp4"
TWO_SEGMENTS = ParallelParams(workers=2, overlap_s=1.5, start_allowance_s=0.0, min_segment_s=2.0)


@pytest.fixture(scope="module")
def one_pass(model_path):
    """The rendered step-down (three events on the right leg, stored sideways with a
    rotation tag) in a single pass at full size: the reference."""
    info = probe_video(ROT90_CLIP)
    return info, estimate_pose(ROT90_CLIP, model_path=model_path, video=info)


def _results(info, *tracks):
    from hipscreen.pipeline import Landmarks, assess

    return [assess(Landmarks(video=info, track=track)).result for track in tracks]


def _same_events(a: dict, b: dict, *, peak_s: float, angle_deg: float) -> None:
    assert a["task"] == b["task"] and a["task"] is not None
    assert len(a["events"]) == len(b["events"]) == 3
    assert [e["side"] for e in a["events"]] == [e["side"] for e in b["events"]] == ["right"] * 3
    for ea, eb in zip(a["events"], b["events"]):
        assert eb["peak_s"] == pytest.approx(ea["peak_s"], abs=peak_s)
        for angle, value in ea["at_peak"].items():
            if value is None:
                assert eb["at_peak"][angle] is None
            else:
                assert eb["at_peak"][angle] == pytest.approx(value, abs=angle_deg), angle


@pytest.mark.slow
def test_segments_give_the_same_analysis_as_one_pass(one_pass, model_path):
    info, single = one_pass
    # Cut in two at 4.75 s (8 s + 1.5 s overlap, halved); the second landmarker starts at 3.25 s.
    assert plan_segments(info.duration_s, params=TWO_SEGMENTS)[1][0] == pytest.approx(4.75)
    done = []
    split = estimate_pose_parallel(ROT90_CLIP, model_path=model_path, video=info, parallel=TWO_SEGMENTS,
                                   progress=done.append)
    np.testing.assert_array_equal(split.times_s, single.times_s)
    np.testing.assert_array_equal(split.has_pose, single.has_pose)
    np.testing.assert_array_equal(split.extra_people, single.extra_people)
    np.testing.assert_array_equal(split.crowd_check, single.crowd_check)  # the same pictures checked
    assert (split.crowd_check >= 0).sum() == 16
    assert done[-1] == 1.0
    # Landmarks within a pixel (of a 720 x 1280 frame) everywhere, seam included.
    assert np.nanmax(np.linalg.norm(split.xy_px - single.xy_px, axis=2)) < 1.0
    _same_events(*_results(info, single, split), peak_s=1e-9, angle_deg=0.05)


@pytest.mark.slow
def test_the_fast_path_gives_the_same_events_and_peak_angles(one_pass, model_path):
    # The fast path: two segments, frames downscaled to 960 px before the model. The
    # landmarks move by a few pixels; measured: peak angles within 0.5 degrees.
    info, single = one_pass
    fast = estimate_pose_parallel(ROT90_CLIP, model_path=model_path, video=info, parallel=TWO_SEGMENTS, max_side=960)
    np.testing.assert_array_equal(fast.times_s, single.times_s)
    _same_events(*_results(info, single, fast), peak_s=0.035, angle_deg=1.0)


@pytest.mark.slow
def test_stopping_from_progress_ends_the_other_segments(model_path):
    # The pipeline's time limit raises from the progress callback.
    path = SAMPLE_DIR / "step_down_left_front_clean.mp4"
    parallel = ParallelParams(workers=2, overlap_s=1.0, start_allowance_s=0.0, min_segment_s=2.0)

    def stop_early(fraction: float) -> None:
        if fraction > 0.1:
            raise TimeoutError("time limit")

    with pytest.raises(TimeoutError):
        estimate_pose_parallel(path, model_path=model_path, parallel=parallel, progress=stop_early)
    assert not [t for t in threading.enumerate() if t.name in ("pose-segment", "prefetch")]


@pytest.mark.slow
def test_stderr_stays_clean_with_landmarkers_in_two_threads(model_path):
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        f"""
        from vision.parallel import ParallelParams, estimate_pose_parallel
        parallel = ParallelParams(workers=2, overlap_s=1.0, start_allowance_s=0.0, min_segment_s=2.0)
        track = estimate_pose_parallel({str(SAMPLE_DIR / "step_down_left_front_clean.mp4")!r},
                                       model_path={str(model_path)!r}, parallel=parallel)
        print(len(track))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "240"
    assert done.stderr == ""
