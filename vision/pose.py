"""Pose landmarks of one person through a video, with MediaPipe PoseLandmarker.

:func:`estimate_pose` is the whole job for a file: probe it, find the model, decode the
frames upright and run the landmarker in VIDEO mode on them (through
:func:`vision.parallel.estimate_pose_parallel`, on one segment of the video or several), and
:class:`PoseEstimator` wraps a single landmarker.

One main person
---------------
The landmarker looks for up to ``num_poses`` people per frame so that somebody else in
view is *counted* (``LandmarkTrack.extra_people``), but the track follows one person:
at the start the largest one, afterwards the one nearest to where the main person was
last seen, if near enough to be the same body (:class:`MainPersonFollower`). The same
body detected twice counts once (:func:`distinct_people`).

Non-square frames
-----------------
MediaPipe logs "Using NORM_RECT without IMAGE_DIMENSIONS is only supported for the square
ROI". Measured on the portrait clip pose2sim_single_cam01 (1080x1920, 100 frames), the
landmarks of the raw frames and of the same frames padded to a square differ by a median
1.25 px (95th percentile 3.8 px), with no systematic offset (mean dx, dy within 0.9 px)
and segment lengths equal within 0.3 %; on vaila_mlwalk (1920x1080) the median is 0.28 px.
Frames are therefore passed as they are.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np

from vision._rows import Rows
from vision.decode import DecodeLimits
from vision.errors import InputProblem
from vision.native_stderr import native_stderr_silenced
from vision.track import N_LANDMARKS, LandmarkTrack, VideoInfo

ProgressCallback = Callable[[float], None]

TOO_DARK_MEAN_RGB = 30.0
"""A video whose median frame brightness (mean pixel value, 0-255) is below this and in
which nobody is found is called too dark rather than empty. Measured: a clip of a person
darkened to a mean of 8 gave no pose at all, darkened to 16 a pose in every frame; daylit
and indoor phone clips here have means of 100-220."""


@dataclass(frozen=True)
class PoseParams:
    """Settings of the landmarker and of the person bookkeeping.

    Attributes
    ----------
    num_poses : int
        People looked for per frame; 2 lets a second person be noticed and counted.
    min_detection_confidence, min_presence_confidence, min_tracking_confidence : float
        MediaPipe's thresholds, in [0, 1].
    min_person_fraction : float
        If a person is found in fewer than this fraction of the frames, the video is
        refused with ``InputProblem("no_person")``.
    duplicate_body_fraction : float
        Two detections whose landmarks lie on average closer than this fraction of the
        body size are the same person found twice (not counted as an extra person).
    max_step_body_fraction : float
        From one frame to the next, the main person's landmarks may move on average by
        at most this fraction of the body size; a farther detection is someone else.
    max_speed_body_per_s : float
        After frames where the main person was not found, the allowed distance grows
        by this many body sizes per second of absence.
    crowd_checks : int
        Frames, spread evenly over the video, that :func:`people_in_stills` looks at
        afresh for people standing close to the main person (0: none).
    crowd_check_poses : int
        People looked for in each of those frames.

    Notes
    -----
    The body size is the diagonal of the bounding box of the visible landmarks, pixels.
    """

    num_poses: int = 2
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    min_person_fraction: float = 0.05
    duplicate_body_fraction: float = 0.2
    max_step_body_fraction: float = 0.5
    max_speed_body_per_s: float = 1.0
    crowd_checks: int = 16
    crowd_check_poses: int = 3


@dataclass(frozen=True)
class Person:
    """One person found in one frame.

    Attributes
    ----------
    xy_px : ndarray, shape (33, 2)
        Landmark positions in pixels of the full-size upright frame (x right, y down).
        Points MediaPipe places outside the picture keep their outside coordinates.
    visibility : ndarray, shape (33,)
    world_xyz : ndarray, shape (33, 3)
        Metres, origin between the hips (MediaPipe's world landmarks).
    """

    xy_px: np.ndarray
    visibility: np.ndarray
    world_xyz: np.ndarray

    def _box_span_px(self) -> np.ndarray:
        points = self.xy_px[self.visibility >= 0.5]
        if len(points) < 2:
            points = self.xy_px
        return points.max(axis=0) - points.min(axis=0)

    @property
    def box_area_px2(self) -> float:
        """Area of the bounding box of the visible landmarks (all of them if none is)."""
        span = self._box_span_px()
        return float(span[0] * span[1])

    @property
    def body_size_px(self) -> float:
        """Diagonal of the bounding box of the visible landmarks, pixels."""
        return float(np.hypot(*self._box_span_px()))

    def distance_px(self, xy_px: np.ndarray) -> float:
        """Mean distance between this person's landmarks and ``xy_px`` (33, 2), pixels."""
        return float(np.nanmean(np.linalg.norm(self.xy_px - xy_px, axis=1)))


_quiet_lock = threading.Lock()
_quiet_users = 0
_quiet_block = None


@contextmanager
def _native_calls_quiet() -> Iterator[None]:
    """:func:`native_stderr_silenced` for landmarkers running in several threads at once.

    Descriptor 2 belongs to the process: one thread restoring it while another is still
    inside a native call would let that call's lines through (or leave stderr pointing
    at /dev/null). Here the first thread in silences it and the last one out restores
    it. Python's own writes to stderr from other threads meanwhile (a progress bar)
    are lost too, so with two landmarkers at work a progress bar updates less often.
    """
    global _quiet_users, _quiet_block
    with _quiet_lock:
        if _quiet_users == 0:
            _quiet_block = native_stderr_silenced()
            _quiet_block.__enter__()
        _quiet_users += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_users -= 1
            if _quiet_users == 0:
                block, _quiet_block = _quiet_block, None
                block.__exit__(None, None, None)


class PoseEstimator:
    """One MediaPipe PoseLandmarker in VIDEO mode, for one video; use it in a ``with`` block.

    Parameters
    ----------
    model_path
        The ``.task`` model bundle.
    params
        Landmarker settings.

    Notes
    -----
    The landmarker is stateful (it tracks between frames) and wants strictly
    increasing timestamps, so it is never shared between videos. Its native log lines
    are kept off the terminal's stderr.
    """

    def __init__(self, model_path: str | os.PathLike, *, params: PoseParams | None = None) -> None:
        self.model_path = Path(model_path)
        self.params = params or PoseParams()
        self._landmarker = None
        self._last_ms = -1

    def __enter__(self) -> "PoseEstimator":
        import mediapipe as mp  # heavy import, only when landmarks are needed

        self._mp = mp
        self._landmarker = _landmarker(self.model_path, self.params, video=True, num_poses=self.params.num_poses)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._landmarker is not None:
            with _native_calls_quiet():
                self._landmarker.close()
            self._landmarker = None

    def detect_raw(self, rgb: np.ndarray, time_s: float) -> np.ndarray:
        """The landmarker's output for one upright frame, as one compact array.

        Returns
        -------
        ndarray, shape (people, 33, RAW_FIELDS), float32
            Per person and landmark: x and y as fractions of the picture's width and
            height (x right, y down), visibility (NaN if absent), and the world
            landmark x, y, z in metres. These are MediaPipe's own float32 values, so
            :func:`people_from_raw` gives exactly what :meth:`detect` gives.

        Notes
        -----
        ``time_s`` must increase from call to call; it is sent as whole milliseconds,
        nudged up by 1 ms where rounding would repeat a value.
        """
        if self._landmarker is None:
            raise RuntimeError("PoseEstimator must be used inside a 'with' block")
        timestamp_ms = max(int(round(time_s * 1000.0)), self._last_ms + 1)
        self._last_ms = timestamp_ms
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        with _native_calls_quiet():
            result = self._landmarker.detect_for_video(image, timestamp_ms)
        return _raw_of(result)

    def detect(self, rgb: np.ndarray, time_s: float, *, width: int, height: int) -> list[Person]:
        """People in one upright frame, in pixels of a ``width`` x ``height`` frame.

        ``rgb`` may be a downscaled copy of the displayed frame: MediaPipe's coordinates
        are fractions of the picture, scaled here by the full ``width`` and ``height``.
        ``time_s`` must increase from call to call (see :meth:`detect_raw`).
        """
        return people_from_raw(self.detect_raw(rgb, time_s), width=width, height=height)


RAW_FIELDS = 6
"""Values per landmark in :meth:`PoseEstimator.detect_raw`: x, y (fractions), visibility,
world x, y, z (metres)."""


def _landmarker(model_path: str | os.PathLike, params: PoseParams, *, video: bool, num_poses: int):
    """A MediaPipe PoseLandmarker in VIDEO (tracking) or IMAGE mode; ``model_unusable`` if it cannot load."""
    from mediapipe.tasks.python import vision as mp_vision
    from mediapipe.tasks.python.core.base_options import BaseOptions

    options = mp_vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model_path)),
        running_mode=mp_vision.RunningMode.VIDEO if video else mp_vision.RunningMode.IMAGE,
        num_poses=num_poses,
        min_pose_detection_confidence=params.min_detection_confidence,
        min_pose_presence_confidence=params.min_presence_confidence,
        min_tracking_confidence=params.min_tracking_confidence,
    )
    try:
        with _native_calls_quiet():
            return mp_vision.PoseLandmarker.create_from_options(options)
    except (RuntimeError, ValueError) as exc:
        raise InputProblem(
            "model_unusable",
            f"The pose model '{model_path}' cannot be loaded ({' '.join(str(exc).split())[:120]}).",
            "Use the official pose_landmarker .task file (leave out --model to use the standard one).",
        ) from exc


def _raw_of(result) -> np.ndarray:
    """A landmarker result as :meth:`PoseEstimator.detect_raw`'s array (people, 33, RAW_FIELDS)."""
    raw = np.empty((len(result.pose_landmarks), N_LANDMARKS, RAW_FIELDS), dtype=np.float32)
    for k, (landmarks, world) in enumerate(zip(result.pose_landmarks, result.pose_world_landmarks, strict=True)):
        raw[k] = [
            (p.x, p.y, np.nan if p.visibility is None else p.visibility, w.x, w.y, w.z)
            for p, w in zip(landmarks, world, strict=True)
        ]
    return raw


def people_from_raw(raw: np.ndarray, *, width: int, height: int) -> list[Person]:
    """:class:`Person` objects, in pixels of a ``width`` x ``height`` frame, from raw output.

    Parameters
    ----------
    raw : ndarray, shape (people, 33, RAW_FIELDS)
        From :meth:`PoseEstimator.detect_raw`.
    width, height
        Size of the full upright frame, pixels.
    """
    raw = np.asarray(raw, dtype=np.float32)
    scale = np.array([width, height], dtype=float)
    return [
        Person(
            xy_px=person[:, :2].astype(float) * scale,
            visibility=person[:, 2].astype(float),
            world_xyz=person[:, 3:6].astype(float),
        )
        for person in raw
    ]


def people_in_stills(
    model_path: str | os.PathLike, stills: list[np.ndarray], *, params: PoseParams | None = None
) -> list[int]:
    """How many distinct people a landmarker in IMAGE mode finds in each picture.

    In VIDEO mode MediaPipe runs its person detector but drops a detection that overlaps
    the region of the person it already follows, so somebody standing close to that
    person is never reported: on a real phone video of a basketball player with two
    team-mates beside him (one behind, one bent over at his side), VIDEO mode found one
    person in all 89 frames, while IMAGE mode, which looks at each picture afresh,
    found a second body in 25 of them (a skeleton mixing the bent-over team-mate's
    upper body with the player's legs: the model is confused by the crowding), 4 of the
    16 pictures the pipeline checks. In 105 videos of one person alone (six real ones,
    the 11 sample clips, 88 rendered clips), 16 pictures each, it found a second body in
    none of the 1,680. Repeats of the same body count once (:func:`distinct_people`).
    """
    params = params or PoseParams()
    if not stills:
        return []
    import mediapipe as mp

    counts = []
    landmarker = _landmarker(model_path, params, video=False, num_poses=params.crowd_check_poses)
    try:
        for rgb in stills:
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
            with _native_calls_quiet():
                result = landmarker.detect(image)
            height, width = rgb.shape[:2]
            people = people_from_raw(_raw_of(result), width=width, height=height)
            counts.append(len(distinct_people(people, params=params)))
    finally:
        with _native_calls_quiet():
            landmarker.close()
    return counts


def distinct_people(people: list[Person], *, params: PoseParams | None = None) -> list[Person]:
    """Drop detections that repeat an earlier one (the same body found twice)."""
    params = params or PoseParams()
    kept: list[Person] = []
    for person in people:
        if all(
            person.distance_px(other.xy_px) > params.duplicate_body_fraction * max(person.body_size_px, other.body_size_px)
            for other in kept
        ):
            kept.append(person)
    return kept


class MainPersonFollower:
    """Picks the same person frame after frame.

    At the start the largest person (bounding box of the visible landmarks) becomes the
    main person; afterwards the person nearest to where the main person was last seen,
    provided they are near enough to be the same body (:class:`PoseParams`:
    ``max_step_body_fraction`` plus ``max_speed_body_per_s`` per second of absence).
    Otherwise the main person counts as not found in that frame, so someone else
    entering the picture does not take over the track.
    """

    def __init__(self, *, params: PoseParams | None = None) -> None:
        self.params = params or PoseParams()
        self._last: Person | None = None
        self._last_time_s = 0.0

    def choose(self, people: list[Person], time_s: float) -> int | None:
        """Index of the main person in ``people``, or None if they are not among them."""
        if not people:
            return None
        if self._last is None:
            best = int(np.argmax([p.box_area_px2 for p in people]))
        else:
            distances = [p.distance_px(self._last.xy_px) for p in people]
            best = int(np.argmin(distances))
            gap_s = max(time_s - self._last_time_s, 0.0)
            allowed_px = self._last.body_size_px * (
                self.params.max_step_body_fraction + self.params.max_speed_body_per_s * gap_s
            )
            if distances[best] > allowed_px:
                return None
        self._last, self._last_time_s = people[best], time_s
        return best


def frame_brightness(rgb: np.ndarray) -> float:
    """Mean pixel value of a picture, 0 (black) to 255 (white), over the RGB channels.

    Taken over a regular grid of about 16,000 pixels (every pixel of a small picture):
    within a fraction of a grey level of the full mean for camera pictures, at a
    fraction of its cost (measured: within 0.6 grey levels on four real and rendered
    clips; 0.1 ms for a 1080p frame against 6-9 ms for the full mean).
    """
    height, width = rgb.shape[:2]
    step = max(1, int(np.sqrt(height * width / 16384)))
    return float(rgb[::step, ::step].mean())


def follow_main_person(
    detections: Iterable[tuple[float, list[Person], float | None]],
    *,
    width: int,
    height: int,
    pose_model: str = "",
    params: PoseParams | None = None,
) -> LandmarkTrack:
    """The main person's track from the people found in each frame.

    Parameters
    ----------
    detections
        ``(time_s, people, brightness)`` per frame, times increasing; ``people`` as the
        landmarker found them (repeats of the same body are dropped here,
        :func:`distinct_people`); ``brightness`` from :func:`frame_brightness`, or None
        (then the track has no brightness).
    width, height
        Size of the full upright frame, pixels.
    pose_model, params
        Name recorded in the track; bookkeeping settings.

    Returns
    -------
    LandmarkTrack
        The person chosen by one :class:`MainPersonFollower` over all frames; NaN
        positions and zero visibility where the main person is not found;
        ``extra_people`` counts the others.

    Raises
    ------
    InputProblem
        ``no_person`` if a person is found in fewer than ``params.min_person_fraction``
        of the frames.
    """
    params = params or PoseParams()
    times, extras, lights = [], [], []
    # one row per frame, kept in blocks (vision._rows): NaN positions, zero visibility where
    # the main person is not found
    xys, viss, worlds = Rows((N_LANDMARKS, 2), float), Rows((N_LANDMARKS,), float, fill=0.0), Rows((N_LANDMARKS, 3), float)
    follower = MainPersonFollower(params=params)
    found = 0
    for time_s, found_people, brightness in detections:
        people = distinct_people(found_people, params=params)
        main = follower.choose(people, time_s)
        times.append(time_s)
        lights.append(brightness)
        extras.append(len(people) - (main is not None))
        xy, vis, world = xys.new_row(), viss.new_row(), worlds.new_row()
        if main is not None:
            person = people[main]
            found += 1
            xy[:] = person.xy_px
            vis[:] = person.visibility
            world[:] = person.world_xyz
    if not times or found < max(1, params.min_person_fraction * len(times)):
        known = [b for b in lights if b is not None]
        median_brightness = float(np.median(known)) if known else float("nan")
        if median_brightness < TOO_DARK_MEAN_RGB:
            raise InputProblem(
                "too_dark",
                f"The video is too dark to find the person (average brightness {median_brightness:.0f} of 255).",
                "Film in good light: switch on the room lights or face a window, with the light "
                "behind the phone rather than behind the person.",
            )
        raise InputProblem(
            "no_person",
            "No person was found in the video."
            if found == 0
            else f"A person was found in only {found} of {len(times)} frames.",
            "Film the whole body, head to feet, from 2-3 m away, in good light, with one person in view.",
        )
    return LandmarkTrack(
        times_s=np.asarray(times, dtype=float),
        xy_px=xys.array(),
        visibility=viss.array(),
        width=int(width),
        height=int(height),
        world_xyz=worlds.array(),
        extra_people=np.asarray(extras, dtype=int),
        pose_model=pose_model,
        brightness=None if any(b is None for b in lights) else np.asarray(lights, dtype=float),
    )


def estimate_pose(
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
    workers: int | None = 1,
) -> LandmarkTrack:
    """Landmarks of the main person in every frame of a video.

    Parameters
    ----------
    path
        The video file.
    variant
        Model variant, ``"lite"``, ``"full"`` or ``"heavy"``.
    model_path
        An explicit model file (otherwise found by :func:`vision.models.resolve_model`).
    max_side
        Run the landmarker on frames downscaled so their longer side is at most this
        many pixels (faster); landmarks are still in pixels of the full-size frame.
    progress
        Called with the fraction of frames done, in (0, 1].
    limits
        Size, duration and resolution limits for :func:`vision.decode.probe_video`.
    params
        Landmarker settings.
    video
        The result of :func:`vision.decode.probe_video` for this file, if the caller
        has it already (the file is then not probed again and ``limits`` is unused).
    prefetch_frames
        Decode up to this many frames ahead in a background thread, so that decoding
        uses another core while the landmarker runs; 0 decodes in turn. The landmarks
        are the same either way.
    workers
        Landmarkers running side by side on segments of the video, each in its own
        thread (:func:`vision.parallel.estimate_pose_parallel`); None uses every core.
        1 (the default) runs one landmarker over the whole video in this thread. Several
        give the same frames and the same main person; landmarks may differ slightly for
        about a second after each seam between segments.

    Returns
    -------
    LandmarkTrack
        Times from the video's presentation timestamps, positions in pixels of the
        upright displayed frame (x right, y down).

    Raises
    ------
    InputProblem
        From probing and decoding, from the model lookup, or ``no_person``.
    """
    from vision.parallel import ParallelParams, estimate_pose_parallel

    return estimate_pose_parallel(
        path, variant=variant, model_path=model_path, max_side=max_side, progress=progress, limits=limits,
        params=params, video=video, prefetch_frames=prefetch_frames, parallel=ParallelParams(workers=workers),
    )

