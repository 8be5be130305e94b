"""Pose estimation on both cores: the video cut into time segments, one landmarker each.

MediaPipe's inference runs on one core. :func:`estimate_pose_parallel` gives the first
segment of the video to the calling process and each further segment to a child
process with its own PoseLandmarker; every process decodes its own segment (PyAV
seeks to the key frame before it) in a background thread while its landmarker runs.

Seams
-----
A landmarker in VIDEO mode carries state from frame to frame (the region it tracks,
the smoothing of the landmarks), so a segment that starts cold gives slightly
different landmarks for its first frames. Each child therefore starts
``overlap_s`` before its segment and throws those warm-up frames away: at a seam the
frames come from the segment that has been running longer, and the child's own
frames begin only once its landmarker has settled. The children report every person
they find (not a chosen one); the calling process then runs one
:class:`~vision.pose.MainPersonFollower` over all frames in order, so the main person
is chosen exactly as in a single pass and cannot change at a seam.

The frames and their times are those of :func:`vision.decode.iter_frames`: times
come from the presentation timestamps counted from the first frame of the file, and
each frame belongs to exactly one segment.
"""

from __future__ import annotations

import math
import os
import pickle
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from vision import decode
from vision._prefetch import prefetched
from vision.decode import DecodeLimits, Frame, probe_video
from vision.errors import InputProblem
from vision.models import model_file, resolve_model
from vision.native_stderr import native_stderr_silenced
from vision.pose import (
    RAW_FIELDS,
    Person,
    PoseEstimator,
    PoseParams,
    ProgressCallback,
    follow_main_person,
    frame_brightness,
    people_from_raw,
)
from vision.track import N_LANDMARKS, LandmarkTrack, VideoInfo


@dataclass(frozen=True)
class ParallelParams:
    """How a video is cut into segments for :func:`estimate_pose_parallel`.

    Attributes
    ----------
    workers : int, optional
        Segments (processes, one landmarker each, the calling process included); None
        uses every core this process may run on.
    overlap_s : float
        Seconds of video each child runs before its segment so that its landmarker's
        tracking and smoothing settle; those frames are discarded.
    min_segment_s : float
        Shortest segment worth a process of its own; a shorter video uses fewer
        workers (a single one runs in the calling process, no child at all).
    start_allowance_s : float
        Seconds of video fewer given to each child than to the calling process, for
        the child's start (a new interpreter importing MediaPipe and loading the model)
        and its overlap, so that all finish at about the same time.
    decoder_threads : int
        Threads of each process's video decoder; 1 keeps one decoding thread per
        process beside its landmarker (no more busy threads than cores x 2).
    """

    workers: int | None = None
    overlap_s: float = 1.5
    min_segment_s: float = 8.0
    start_allowance_s: float = 2.0
    decoder_threads: int = 1


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def plan_segments(duration_s: float, *, params: ParallelParams = ParallelParams()) -> list[tuple[float, float]]:
    """Start and stop times (s) of the segments: the first for the calling process.

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
        with ``start_s <= time_s < stop_s``. A child's segment is shorter than the
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


# -- decoding a segment ---------------------------------------------------------------


def segment_frames(
    path: str | os.PathLike,
    *,
    start_s: float,
    stop_s: float = math.inf,
    max_side: int | None = None,
    decoder_threads: int = 0,
) -> Iterator[Frame]:
    """The frames of :func:`vision.decode.iter_frames` with ``start_s <= time_s < stop_s``.

    Parameters
    ----------
    path
        The video file.
    start_s, stop_s
        Segment of the video, seconds from its first frame.
    max_side
        Downscale as in :func:`vision.decode.iter_frames`.
    decoder_threads
        Decoder threads; 0 lets FFmpeg choose.

    Yields
    ------
    Frame
        Same pictures and ``time_s`` as :func:`~vision.decode.iter_frames`; ``index``
        counts from 0 within the segment.

    Notes
    -----
    The decoder seeks to the key frame at or before ``start_s`` and decodes from there.
    If the container cannot seek there (the first frame decoded is already past
    ``start_s``), it decodes from the beginning instead, which gives the same frames,
    more slowly.
    """
    file = Path(path)
    first_stamp = _first_stamp(file)
    for seek in (start_s > 0, False):
        with decode._open(file) as container:
            stream = decode._video_stream(container, file)
            if decoder_threads:
                stream.codec_context.thread_count = decoder_threads
            else:
                stream.thread_type = "AUTO"
            pixel_aspect = decode._pixel_aspect(stream)
            time_base = float(stream.time_base or Fraction(1, av.time_base))
            if seek:
                container.seek(first_stamp + int(start_s / time_base), stream=stream, backward=True)
            last_time_s = -np.inf
            index = 0
            transform = None  # read once, as iter_frames does (side data keeps frames alive)
            for frame in _decoded_frames(container, stream, file, from_start=not seek):
                stamp = frame.pts if frame.pts is not None else frame.dts
                if stamp is None:
                    continue
                time_s = (stamp - first_stamp) * time_base  # as iter_frames computes it
                if seek and last_time_s == -np.inf and time_s > start_s:
                    break  # the seek overshot: decode from the beginning
                if time_s <= last_time_s:
                    continue
                last_time_s = time_s
                if time_s >= stop_s:
                    return
                if time_s < start_s:
                    continue
                if transform is None:
                    transform = decode._display_transform(frame)
                try:
                    rgb = decode._upright_rgb(frame, max_side, pixel_aspect, transform=transform)
                except av.error.FFmpegError as exc:
                    raise InputProblem(
                        "unreadable",
                        f"The picture at {time_s:.2f} s of '{file.name}' cannot be converted ({decode._short(exc)}).",
                        decode._DAMAGED_ADVICE,
                    ) from exc
                yield Frame(index=index, time_s=float(time_s), rgb=rgb)
                index += 1
            else:
                return


def _decoded_frames(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, file: Path, *, from_start: bool
) -> Iterator[av.VideoFrame]:
    """Frames from the current position; damaged data raises ``truncated``.

    From the start of the file this is :func:`vision.decode._decoded_frames`, which also
    compares the packets read with the container's index. After a seek that count
    cannot be compared; :func:`vision.decode.probe_video` has compared it already.
    """
    if from_start:
        yield from decode._decoded_frames(container, stream, file)
        return
    try:
        for packet in container.demux(stream):
            yield from packet.decode()
    except av.error.FFmpegError as exc:
        raise InputProblem(
            "truncated", f"The video '{file.name}' is damaged ({decode._short(exc)}).", decode._DAMAGED_ADVICE
        ) from exc


def _first_stamp(file: Path) -> int:
    """Presentation stamp of the first decoded frame (time 0 of :func:`iter_frames`)."""
    with decode._open(file) as container:
        stream = decode._video_stream(container, file)
        for frame in decode._decoded_frames(container, stream, file):
            stamp = frame.pts if frame.pts is not None else frame.dts
            if stamp is not None:
                return int(stamp)
    raise InputProblem("unreadable", f"No picture in '{file.name}' can be decoded.", decode._DAMAGED_ADVICE)


# -- one segment's landmarker -------------------------------------------------------


@dataclass(frozen=True)
class SegmentJob:
    """What a child process does: run a landmarker over one segment."""

    path: str
    model_path: str
    warm_start_s: float
    start_s: float
    stop_s: float
    max_side: int | None
    params: PoseParams
    decoder_threads: int
    prefetch_frames: int


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
    """

    times_s: np.ndarray
    counts: np.ndarray
    raw: np.ndarray
    brightness: np.ndarray

    def people(self, *, width: int, height: int) -> Iterator[tuple[float, list[Person], float]]:
        """``(time_s, people, brightness)`` per frame, people in pixels of a ``width`` x ``height`` frame."""
        for time_s, count, raw, light in zip(self.times_s, self.counts, self.raw, self.brightness, strict=True):
            yield float(time_s), people_from_raw(raw[:count], width=width, height=height), float(light)


def detect_segment(job: SegmentJob, *, on_frame: Callable[[int], object] | None = None) -> SegmentDetections:
    """Run one landmarker from ``job.warm_start_s``; keep the frames from ``job.start_s``.

    ``on_frame(frames_done)`` is called after each kept frame.
    """
    frames = segment_frames(
        job.path, start_s=job.warm_start_s, stop_s=job.stop_s, max_side=job.max_side, decoder_threads=job.decoder_threads
    )
    if job.prefetch_frames > 0:
        frames = prefetched(frames, depth=job.prefetch_frames)
    slots = job.params.num_poses
    times: list[float] = []
    counts: list[int] = []
    blocks: list[np.ndarray] = []
    lights: list[float] = []
    with PoseEstimator(job.model_path, params=job.params) as estimator:
        for frame in frames:
            raw = estimator.detect_raw(frame.rgb, frame.time_s)
            if frame.time_s < job.start_s:
                continue
            padded = np.full((slots, N_LANDMARKS, RAW_FIELDS), np.nan, dtype=np.float32)
            padded[: len(raw)] = raw[:slots]
            times.append(frame.time_s)
            counts.append(min(len(raw), slots))
            blocks.append(padded)
            lights.append(frame_brightness(frame.rgb))
            if on_frame is not None:
                on_frame(len(times))
    return SegmentDetections(
        times_s=np.asarray(times, dtype=float),
        counts=np.asarray(counts, dtype=np.int16),
        raw=np.stack(blocks) if blocks else np.zeros((0, slots, N_LANDMARKS, RAW_FIELDS), dtype=np.float32),
        brightness=np.asarray(lights, dtype=float),
    )


class _Child:
    """A child process (``python -m vision._segment_worker``) running one segment.

    The job goes to the child's stdin as a pickle; the child answers on its stdout with
    pickled messages: ``("progress", frames_done)`` now and then, and finally
    ``("ok", SegmentDetections)``, ``("problem", (code, what, advice))`` or
    ``("error", traceback_text)``. A thread reads the answers as they come.

    A plain interpreter is started rather than a ``multiprocessing`` one, so that
    the calling program's main module is not imported again (no ``__main__`` guard
    needed in scripts, notebooks or the dashboard).
    """

    def __init__(self, job: SegmentJob) -> None:
        self.done_frames = 0
        self._outcome: tuple | None = None
        self._finished = threading.Event()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vision._segment_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self.process.stdin.write(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        self.process.stdin.close()
        self._reader = threading.Thread(target=self._read, name="pose-segment-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            while True:
                kind, value = pickle.load(self.process.stdout)
                if kind == "progress":
                    self.done_frames = int(value)
                else:
                    self._outcome = (kind, value)
                    return
        except (EOFError, pickle.UnpicklingError, OSError):
            code = self.process.wait()
            self._outcome = ("error", f"the pose process stopped unexpectedly (exit code {code})")
        finally:
            self._finished.set()

    def ready(self, timeout_s: float) -> bool:
        """True once the child has answered (or died), waiting up to ``timeout_s``."""
        return self._finished.wait(timeout_s)

    def result(self) -> SegmentDetections:
        """The child's detections; raises what the child raised."""
        self._finished.wait()
        self.process.wait()
        kind, value = self._outcome
        if kind == "problem":
            raise InputProblem(*value)
        if kind == "error":
            raise RuntimeError(f"pose estimation failed in a worker process:\n{value}")
        return value

    def stop(self) -> None:
        """End the child if it still runs (after an error or an interruption)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._reader.join(timeout=5.0)
        self.process.stdout.close()


def run_child(stdin, stdout) -> None:
    """The child's side of :class:`_Child`: read a job, run it, send back the outcome."""
    def send(message: tuple) -> None:
        pickle.dump(message, stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()

    try:
        job = pickle.load(stdin)
        with native_stderr_silenced():
            detections = detect_segment(job, on_frame=lambda done: done % 10 == 0 and send(("progress", done)))
        outcome = ("ok", detections)
    except InputProblem as problem:
        outcome = ("problem", (problem.code, problem.what, problem.advice))
    except Exception:  # noqa: BLE001 - any failure is reported to the parent, which raises it
        outcome = ("error", traceback.format_exc())
    send(outcome)


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
        ``no_person``. An exception raised by ``progress`` stops the child processes.
    """
    info = video if video is not None else probe_video(path, limits=limits)
    model = resolve_model(variant, model_path=model_path)
    name = Path(model).stem if model_path is not None else model_file(variant).name
    params = params or PoseParams()
    segments = plan_segments(info.duration_s, params=parallel)

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
        )

    children = [_Child(job(start, stop, warm_s=parallel.overlap_s)) for start, stop in segments[1:]]
    try:
        track = follow_main_person(
            _all_detections(job(*segments[0], warm_s=0.0), children, info=info, progress=progress),
            width=info.width,
            height=info.height,
            pose_model=name,
            params=params,
        )
    finally:
        for child in children:
            child.stop()
    return track


def _all_detections(
    first: SegmentJob, children: list[_Child], *, info: VideoInfo, progress: ProgressCallback | None
) -> Iterator[tuple[float, list[Person], float]]:
    """The first segment's people as this process finds them, then each child's in turn."""

    def report(own: int) -> None:
        if progress is not None and info.frames:
            done = own + sum(child.done_frames for child in children)
            progress(min(done / info.frames, 1.0))

    frames = segment_frames(
        first.path, start_s=first.start_s, stop_s=first.stop_s, max_side=first.max_side,
        decoder_threads=first.decoder_threads,
    )
    if first.prefetch_frames > 0:
        frames = prefetched(frames, depth=first.prefetch_frames)
    own = 0
    with PoseEstimator(first.model_path, params=first.params) as estimator:
        for frame in frames:
            people = estimator.detect(frame.rgb, frame.time_s, width=info.width, height=info.height)
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
