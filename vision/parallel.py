"""Pose estimation on both cores: the video cut into time segments, one landmarker each.

MediaPipe's inference runs on one core. :func:`estimate_pose_parallel` gives the first
segment of the video to the calling thread and each further segment to another
thread with its own PoseLandmarker; each decodes its own segment (PyAV seeks to the
key frame before it) in a background thread while its landmarker runs. MediaPipe's
inference (a ctypes call) and PyAV's decoding release the GIL, so threads use separate
cores, and one process holds the libraries once: no process start-up, and less memory
than a process per segment.

Seams
-----
A landmarker in VIDEO mode carries state from frame to frame (the region it tracks,
the smoothing of the landmarks), so a segment that starts cold gives slightly
different landmarks for its first frames. Each later segment therefore starts
``overlap_s`` early and throws those warm-up frames away: at a seam the frames come
from the segment that has been running longer, and the next segment's own frames
begin only once its landmarker has settled. The segments record every person they
find (not a chosen one); the calling thread then runs one
:class:`~vision.pose.MainPersonFollower` over all frames in order, so the main person
is chosen exactly as in a single pass and cannot change at a seam.

The frames and their times are those of :func:`vision.decode.iter_frames`: times
come from the presentation timestamps counted from the first frame of the file, and
each frame belongs to exactly one segment.

Close people
------------
A few frames spread over the video (``PoseParams.crowd_checks``) are kept while they go
by, and once the segments are done one landmarker in IMAGE mode looks at each afresh
(:func:`vision.pose.people_in_stills`): the tracking landmarkers do not report somebody
standing close to the person they follow. The counts go to ``LandmarkTrack.crowd_check``.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from vision._prefetch import prefetched
from vision._rows import Rows
from vision.decode import DecodeLimits, iter_frames, probe_video, scaled_size
from vision.models import model_file, resolve_model
from vision.pose import (
    RAW_FIELDS,
    Person,
    PoseEstimator,
    PoseParams,
    ProgressCallback,
    follow_main_person,
    frame_brightness,
    people_from_raw,
    people_in_stills,
)
from vision.track import N_LANDMARKS, LandmarkTrack, VideoInfo


@dataclass(frozen=True)
class ParallelParams:
    """How a video is cut into segments for :func:`estimate_pose_parallel`.

    Attributes
    ----------
    workers : int, optional
        Segments (threads, one landmarker each, the calling thread included); None
        uses every core this process may run on.
    overlap_s : float
        Seconds of video each later segment runs before its start so that its
        landmarker's tracking and smoothing settle; those frames are discarded.
    min_segment_s : float
        Shortest segment worth a landmarker of its own; a shorter video uses fewer
        (a single one runs in the calling thread alone).
    start_allowance_s : float
        Seconds of video fewer given to each later segment than to the first, beyond
        its overlap, for its start (loading the model, seeking), so that all finish at
        about the same time.
    decoder_threads : int
        Threads of each segment's video decoder; 1 keeps one decoding thread beside
        each landmarker (no more busy threads than twice the cores).
    """

    workers: int | None = None
    overlap_s: float = 1.5
    min_segment_s: float = 8.0
    start_allowance_s: float = 0.5
    decoder_threads: int = 1


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def plan_segments(duration_s: float, *, params: ParallelParams = ParallelParams()) -> list[tuple[float, float]]:
    """Start and stop times (s) of the segments: the first for the calling thread.

    Parameters
    ----------
    duration_s
        Length of the video, seconds.
    params
        Worker count, overlap and allowances.

    Returns
    -------
    list of (start_s, stop_s)
        Contiguous, from 0 to ``inf``; each frame at ``time_s`` belongs to the segment
        with ``start_s <= time_s < stop_s``. A later segment is shorter than the
        first by ``overlap_s + start_allowance_s`` (its extra work).

    Notes
    -----
    With ``n`` segments and ``a = overlap_s + start_allowance_s``, the first lasts
    ``L`` and the others ``L - a``, with ``L + (n - 1)(L - a) = duration_s``.
    """
    workers = params.workers if params.workers is not None else usable_cores()
    extra_s = params.overlap_s + params.start_allowance_s
    n = max(1, min(workers, int((duration_s + extra_s) // (params.min_segment_s + extra_s))))
    if n == 1:
        return [(0.0, math.inf)]
    first_s = (duration_s + (n - 1) * extra_s) / n
    bounds = [0.0] + [first_s + k * (first_s - extra_s) for k in range(n - 1)] + [math.inf]
    return list(zip(bounds[:-1], bounds[1:]))


# -- one segment's landmarker -------------------------------------------------------


@dataclass(frozen=True)
class SegmentJob:
    """One segment's work: run a landmarker over part of the video."""

    path: str
    model_path: str
    warm_start_s: float
    start_s: float
    stop_s: float
    max_side: int | None
    params: PoseParams
    decoder_threads: int
    prefetch_frames: int
    crowd_check_times_s: tuple[float, ...] = ()


STILL_MAX_SIDE_PX = 640
"""Longer side of the pictures kept for the crowd check (the person detector works at 224 px):
16 pictures of a 1080p video take 12 MB instead of 25 MB at the pose stage's 960 px."""


class _Stills:
    """Copies of the first frame at or after each of some times, kept as the frames go by.

    Pictures larger than :data:`STILL_MAX_SIDE_PX` are kept shrunk to it.
    """

    def __init__(self, times_s: tuple[float, ...]) -> None:
        self._due = sorted(times_s)
        self.kept: list[tuple[float, np.ndarray]] = []

    def offer(self, time_s: float, rgb: np.ndarray) -> None:
        passed = 0
        while passed < len(self._due) and time_s >= self._due[passed]:
            passed += 1
        if passed:
            del self._due[:passed]
            self.kept.append((time_s, _shrunk(rgb, STILL_MAX_SIDE_PX)))


def _shrunk(rgb: np.ndarray, max_side: int) -> np.ndarray:
    """A copy of the picture, its longer side at most ``max_side`` (pixel-area averaging)."""
    height, width = rgb.shape[:2]
    size = scaled_size(width, height, max_side)
    if size == (width, height):
        return np.array(rgb, copy=True)
    import cv2

    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


@dataclass(frozen=True)
class SegmentDetections:
    """Everyone the landmarker found in each kept frame of a segment, compactly.

    Attributes
    ----------
    times_s : ndarray, shape (T,)
    counts : ndarray of int, shape (T,)
        People found per frame (at most ``num_poses``).
    raw : ndarray, shape (T, num_poses, 33, RAW_FIELDS), float32
        :meth:`vision.pose.PoseEstimator.detect_raw` per frame, padded with NaN.
    brightness : ndarray, shape (T,)
        :func:`vision.pose.frame_brightness` per frame.
    stills : list of (time_s, rgb)
        The frames kept for the crowd check (``SegmentJob.crowd_check_times_s``).
    """

    times_s: np.ndarray
    counts: np.ndarray
    raw: np.ndarray
    brightness: np.ndarray
    stills: tuple[tuple[float, np.ndarray], ...] = ()

    def people(self, *, width: int, height: int) -> Iterator[tuple[float, list[Person], float]]:
        """``(time_s, people, brightness)`` per frame, people in pixels of a ``width`` x ``height`` frame."""
        for time_s, count, raw, light in zip(self.times_s, self.counts, self.raw, self.brightness, strict=True):
            yield float(time_s), people_from_raw(raw[:count], width=width, height=height), float(light)


def detect_segment(
    job: SegmentJob, *, on_frame: Callable[[int], object] | None = None, stop: threading.Event | None = None
) -> SegmentDetections:
    """Run one landmarker from ``job.warm_start_s``; keep the frames from ``job.start_s``.

    ``on_frame(frames_done)`` is called after each kept frame; once ``stop`` is set the
    work ends after the current frame (the detections are then incomplete).
    """
    frames = iter_frames(
        job.path, start_s=job.warm_start_s, stop_s=job.stop_s, max_side=job.max_side, decoder_threads=job.decoder_threads
    )
    if job.prefetch_frames > 0:
        frames = prefetched(frames, depth=job.prefetch_frames)
    slots = job.params.num_poses
    times: list[float] = []
    counts: list[int] = []
    raws = Rows((slots, N_LANDMARKS, RAW_FIELDS), np.float32)
    lights: list[float] = []
    stills = _Stills(job.crowd_check_times_s)
    with PoseEstimator(job.model_path, params=job.params) as estimator:
        for frame in frames:
            if stop is not None and stop.is_set():
                break
            raw = estimator.detect_raw(frame.rgb, frame.time_s)
            if frame.time_s < job.start_s:
                continue
            stills.offer(frame.time_s, frame.rgb)
            raws.new_row()[: len(raw)] = raw[:slots]
            times.append(frame.time_s)
            counts.append(min(len(raw), slots))
            lights.append(frame_brightness(frame.rgb))
            if on_frame is not None:
                on_frame(len(times))
    return SegmentDetections(
        times_s=np.asarray(times, dtype=float),
        counts=np.asarray(counts, dtype=np.int16),
        raw=raws.array(),
        brightness=np.asarray(lights, dtype=float),
        stills=tuple(stills.kept),
    )


class _SegmentThread:
    """A thread running :func:`detect_segment` for one segment, stoppable between frames.

    MediaPipe's inference (a ctypes call) and PyAV's decoding release the GIL, so
    landmarkers in threads of one process use separate cores, sharing one copy of the
    libraries and no process start-up.
    """

    def __init__(self, job: SegmentJob) -> None:
        self.done_frames = 0
        self._stop = threading.Event()
        self._result: SegmentDetections | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(job,), name="pose-segment", daemon=True)
        self._thread.start()

    def _run(self, job: SegmentJob) -> None:
        try:
            self._result = detect_segment(job, on_frame=self._count, stop=self._stop)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread by result()
            self._error = exc

    def _count(self, done: int) -> None:
        self.done_frames = done

    def ready(self, timeout_s: float) -> bool:
        """True once the segment is done (or failed), waiting up to ``timeout_s``."""
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def result(self) -> SegmentDetections:
        """The segment's detections; raises what the thread raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result

    def stop(self) -> None:
        """Ask the thread to stop after its current frame, and wait for it."""
        self._stop.set()
        self._thread.join()


# -- the whole video ------------------------------------------------------------------


def estimate_pose_parallel(
    path: str | os.PathLike,
    *,
    variant: str = "full",
    model_path: str | os.PathLike | None = None,
    max_side: int | None = None,
    progress: ProgressCallback | None = None,
    limits: DecodeLimits | None = None,
    params: PoseParams | None = None,
    video: VideoInfo | None = None,
    prefetch_frames: int = 4,
    parallel: ParallelParams = ParallelParams(),
) -> LandmarkTrack:
    """Landmarks of the main person in every frame, segments of the video run side by side.

    Parameters
    ----------
    path, variant, model_path, max_side, progress, limits, params, video, prefetch_frames
        As :func:`vision.pose.estimate_pose`.
    parallel
        Number of segments and their overlap.

    Returns
    -------
    LandmarkTrack
        One frame per decoded frame, times from the presentation timestamps, positions
        in pixels of the upright displayed frame (x right, y down), as
        :func:`vision.pose.estimate_pose`. Within about ``overlap_s`` after a seam
        the landmarks may differ slightly from a single pass (the landmarker's
        tracking started elsewhere); the main person is chosen over all frames in order.

    Raises
    ------
    InputProblem
        From probing and decoding (in any segment), from the model lookup, or
        ``no_person``. An exception raised by ``progress`` stops the other segments.
    """
    info = video if video is not None else probe_video(path, limits=limits)
    model = resolve_model(variant, model_path=model_path)
    name = Path(model).stem if model_path is not None else model_file(variant).name
    params = params or PoseParams()
    segments = plan_segments(info.duration_s, params=parallel)
    checks = crowd_check_times(info.duration_s, params.crowd_checks)

    def job(start_s: float, stop_s: float, *, warm_s: float) -> SegmentJob:
        return SegmentJob(
            path=str(path),
            model_path=str(model),
            warm_start_s=max(0.0, start_s - warm_s),
            start_s=start_s,
            stop_s=stop_s,
            max_side=max_side,
            params=params,
            decoder_threads=parallel.decoder_threads if len(segments) > 1 else 0,
            prefetch_frames=prefetch_frames,
            crowd_check_times_s=tuple(t for t in checks if start_s <= t < stop_s),
        )

    children = [_SegmentThread(job(start, stop, warm_s=parallel.overlap_s)) for start, stop in segments[1:]]
    first_job = job(*segments[0], warm_s=0.0)
    first = _Stills(first_job.crowd_check_times_s)
    try:
        track = follow_main_person(
            _all_detections(first_job, children, info=info, progress=progress, stills=first),
            width=info.width,
            height=info.height,
            pose_model=name,
            params=params,
        )
        stills = first.kept + [still for child in children for still in child.result().stills]
    finally:
        for child in children:
            child.stop()
    return with_crowd_check(track, stills, people_in_stills(model, [rgb for _, rgb in stills], params=params))


def crowd_check_times(duration_s: float, checks: int) -> list[float]:
    """``checks`` times spread evenly over a video: the middles of equal parts of it."""
    if checks <= 0 or not duration_s > 0:
        return []
    return [(k + 0.5) * duration_s / checks for k in range(checks)]


def with_crowd_check(track: LandmarkTrack, stills: list[tuple[float, np.ndarray]], people: list[int]) -> LandmarkTrack:
    """The track with ``crowd_check``: further people at the checked frames, -1 elsewhere."""
    check = np.full(len(track), -1, dtype=int)
    for (time_s, _), found in zip(stills, people, strict=True):
        i = int(np.argmin(np.abs(track.times_s - time_s)))
        check[i] = max(found - 1, 0)
    return replace(track, crowd_check=check)


def _all_detections(
    first: SegmentJob, children: list[_SegmentThread], *, info: VideoInfo, progress: ProgressCallback | None,
    stills: _Stills,
) -> Iterator[tuple[float, list[Person], float]]:
    """The first segment's people as this thread finds them, then each other segment's in turn.

    The first segment's frames due for the crowd check go to ``stills``.
    """

    reported = [0.0]

    def report(own: int) -> None:
        if progress is not None and info.frames:
            fraction = min((own + sum(child.done_frames for child in children)) / info.frames, 1.0)
            if fraction > reported[0]:  # progress only moves forward, each value once
                reported[0] = fraction
                progress(fraction)

    frames = iter_frames(
        first.path, start_s=first.start_s, stop_s=first.stop_s, max_side=first.max_side,
        decoder_threads=first.decoder_threads,
    )
    if first.prefetch_frames > 0:
        frames = prefetched(frames, depth=first.prefetch_frames)
    own = 0
    with PoseEstimator(first.model_path, params=first.params) as estimator:
        for frame in frames:
            people = estimator.detect(frame.rgb, frame.time_s, width=info.width, height=info.height)
            stills.offer(frame.time_s, frame.rgb)
            yield frame.time_s, people, frame_brightness(frame.rgb)
            own += 1
            report(own)
    for child in children:
        while not child.ready(0.2):
            report(own)
        detections = child.result()
        child.done_frames = len(detections.times_s)
        yield from detections.people(width=info.width, height=info.height)
    report(own)
