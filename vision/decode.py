"""Video in, upright RGB frames out: probing and streaming decode with PyAV.

:func:`probe_video` looks at a file cheaply (file size, container header, the packet
timestamps, the first decoded frame) and either describes it as a
:class:`~vision.track.VideoInfo` or raises :class:`~vision.errors.InputProblem` with a
message a patient can act on. :func:`iter_frames` then streams the frames one at a time,
turned upright according to the display rotation the phone stored, optionally
downscaled, with their real presentation times.

Damaged files
-------------
A file whose container declares more frames than can be read (a copy or upload that
stopped early), or whose data cannot be decoded part-way through, is refused with
``InputProblem("truncated", ...)``: a measurement from the part that survived could miss
the very movement that matters, and a fresh copy from the phone fixes it. A container
that declares no frame count (WebM, Matroska) and simply ends early cannot be told
apart from a shorter video; it is decoded as far as it goes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from vision.errors import InputProblem
from vision.track import VideoInfo

FILMING_ADVICE = (
    "Film with the phone's own camera app and share the original video file "
    "(MP4 or MOV), not a screen recording or a message-app copy."
)

VFR_TOLERANCE_FRACTION = 0.05
"""Frame intervals differing from the median interval by more than this fraction (and by
more than the container's timestamp rounding) make a video *variable frame rate*."""

TRUNCATION_SLACK_FRAMES = 2
TRUNCATION_SLACK_FRACTION = 0.01
"""A file missing more frames than both of these, against its own index, is truncated."""

_DAMAGED_ADVICE = (
    "The file looks incomplete or damaged, for example a copy or upload that stopped "
    "early. Copy the original video from the phone again and retry."
)


@dataclass(frozen=True)
class DecodeLimits:
    """What :func:`probe_video` accepts before any heavy work starts.

    Attributes
    ----------
    max_file_size_mb : float
        Largest accepted file, in megabytes (10**6 bytes).
    max_duration_s : float
        Longest accepted video, in seconds.
    max_pixels : int
        Largest accepted frame area (width x height); the default admits 8K UHD.

    Notes
    -----
    Minimum lengths depend on the task and are checked by the callers.
    """

    max_file_size_mb: float = 2048.0
    max_duration_s: float = 600.0
    max_pixels: int = 7680 * 4320


@dataclass(frozen=True)
class Frame:
    """One decoded frame, upright, as the viewer sees it.

    Attributes
    ----------
    index : int
        Position in the decoded sequence, from 0.
    time_s : float
        Presentation time in seconds from the first frame (from the container's
        timestamps, not from the index).
    rgb : ndarray, shape (H, W, 3), uint8
        The picture, C-contiguous, rows top to bottom (x right, y down), after the
        display rotation and the optional downscale.
    """

    index: int
    time_s: float
    rgb: np.ndarray


# -- probing --------------------------------------------------------------------------


def probe_video(path: str | os.PathLike, *, limits: DecodeLimits | None = None) -> VideoInfo:
    """Describe a video, or say plainly why it cannot be measured.

    Parameters
    ----------
    path
        The video file.
    limits
        Size, duration and resolution limits; :class:`DecodeLimits` defaults if None.

    Returns
    -------
    VideoInfo
        Display-oriented size, rotation, frame rate and duration from the presentation
        timestamps of the packets (29.97 fps stays 29.97), frame count, codec name.

    Raises
    ------
    InputProblem
        ``file_missing``, ``empty_file``, ``too_large``, ``not_a_video``,
        ``no_video_stream``, ``too_long``, ``resolution_too_high``, ``unreadable``,
        ``truncated``.

    Notes
    -----
    Only the packet headers are read for the timing and only the first frame is decoded
    (for the rotation), so probing costs a small fraction of a full decode. The display
    rotation is counter-clockwise in degrees, as PyAV's ``VideoFrame.rotation``
    (and ffprobe): without mirroring, ``np.rot90(stored, k=(rotation_deg // 90) % 4)``
    is the upright picture.
    ``duration_s`` spans the first to the last frame plus one median frame interval.
    ``width`` and ``height`` are in square pixels (see :func:`square_pixel_size`).
    """
    limits = limits or DecodeLimits()
    file = _check_file(path, limits)
    with _open(file) as container:
        stream = _video_stream(container, file)
        _check_header(container, stream, limits)
        codec = str(stream.codec_context.name)
        pixel_aspect = _pixel_aspect(stream)
        times_s, tick_s, packets = _packet_times(container, stream)
        _check_complete(file, packets, _declared_frames(container, stream))
    if len(times_s) < 2:
        raise InputProblem(
            "not_a_video",
            f"'{file.name}' holds a single picture, not a video.",
            "Record a video of the movement with the phone's camera app.",
        )
    rotation_deg, display, stored_w, stored_h = _first_frame_geometry(file)
    square_w, square_h = square_pixel_size(stored_w, stored_h, pixel_aspect)
    width, height = (square_h, square_w) if display.transpose else (square_w, square_h)
    intervals_s = np.diff(times_s)
    median_s = float(np.median(intervals_s))
    duration_s = float(times_s[-1] - times_s[0]) + median_s
    if duration_s > limits.max_duration_s:
        raise _too_long(file, duration_s, limits)
    return VideoInfo(
        path=str(file),
        width=int(width),
        height=int(height),
        rotation_deg=int(rotation_deg),
        fps=float((len(times_s) - 1) / (times_s[-1] - times_s[0])),
        frames=int(len(times_s)),
        duration_s=duration_s,
        variable_frame_rate=is_variable_frame_rate(intervals_s, tick_s=tick_s),
        codec=codec,
        stored_width=int(stored_w),
        stored_height=int(stored_h),
    )


def is_variable_frame_rate(intervals_s: np.ndarray, *, tick_s: float = 0.0) -> bool:
    """True if the frame intervals vary by more than timestamp rounding explains.

    Parameters
    ----------
    intervals_s
        Differences between consecutive presentation times, seconds.
    tick_s
        The container's timestamp unit (its time base), seconds: a regular 29.97 fps
        video stored in milliseconds alternates 33 and 34 ms and is still constant.

    Notes
    -----
    Variable means some interval differs from the median interval by more than
    ``max(VFR_TOLERANCE_FRACTION * median, 1.5 * tick_s)``.
    """
    intervals_s = np.asarray(intervals_s, dtype=float)
    if intervals_s.size < 2:
        return False
    median_s = float(np.median(intervals_s))
    tolerance_s = max(VFR_TOLERANCE_FRACTION * median_s, 1.5 * tick_s)
    return bool(np.max(np.abs(intervals_s - median_s)) > tolerance_s)


def _check_file(path: str | os.PathLike, limits: DecodeLimits) -> Path:
    file = Path(path)
    if file.is_dir():
        raise InputProblem(
            "not_a_file",
            f"'{file}' is a folder, not a video file.",
            "Give the path of the video file itself (hipscreen batch analyses every video in a folder).",
        )
    if file.exists() and not file.is_file():
        raise InputProblem(
            "not_a_file",
            f"'{file}' is not a regular file (a device, pipe or socket), so it cannot be a video.",
            "Copy the video from the phone into a folder and give the path of that file.",
        )
    if not file.is_file():
        raise InputProblem(
            "file_missing",
            f"The video file '{file}' was not found.",
            "Check the file name and folder, or copy the video from the phone again.",
        )
    size = file.stat().st_size
    if size == 0:
        raise InputProblem("empty_file", f"The video file '{file.name}' is empty (0 bytes).", _DAMAGED_ADVICE)
    if size > limits.max_file_size_mb * 1e6:
        raise InputProblem(
            "too_large",
            f"The video '{file.name}' is {_megabytes(size / 1e6)} MB, more than the "
            f"{_megabytes(limits.max_file_size_mb)} MB accepted.",
            "Film only the test itself (under a minute is plenty) or export the video at 1080p.",
        )
    return file


def _megabytes(size_mb: float) -> str:
    """A size in MB for a message: whole MB from 10 up, two significant digits below (0.11)."""
    return f"{size_mb:.0f}" if size_mb >= 10 else f"{size_mb:.2g}"


def _open(file: Path) -> av.container.InputContainer:
    try:
        return av.open(str(file), mode="r")
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        if _looks_like_video(file):
            raise InputProblem(
                "unreadable",
                f"The video '{file.name}' cannot be opened ({_short(exc)}).",
                _DAMAGED_ADVICE,
            ) from exc
        raise InputProblem(
            "not_a_video",
            f"'{file.name}' is not a video file that can be read ({_short(exc)}).",
            FILMING_ADVICE,
        ) from exc


VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".3gp", ".avi", ".mkv", ".webm")
"""File name endings of the video containers below, as a folder listing or an upload
form offers them (the decoder itself goes by the file's first bytes, not its name)."""

_VIDEO_SIGNATURES = (
    (4, b"ftyp"),  # MP4, MOV, 3GP
    (0, b"\x1a\x45\xdf\xa3"),  # Matroska, WebM
    (8, b"AVI "),  # AVI (after "RIFF....")
)


def _looks_like_video(file: Path) -> bool:
    """True if the file starts like a video container (so a failure means damage)."""
    with file.open("rb") as handle:
        head = handle.read(16)
    return any(head[offset : offset + len(magic)] == magic for offset, magic in _VIDEO_SIGNATURES)


def _video_stream(container: av.container.InputContainer, file: Path) -> av.video.stream.VideoStream:
    if not container.streams.video:
        raise InputProblem(
            "no_video_stream",
            f"'{file.name}' contains no picture (sound only or data only).",
            FILMING_ADVICE,
        )
    stream = container.streams.video[0]
    if stream.codec_context is None:
        raise InputProblem(
            "unreadable",
            f"The picture in '{file.name}' is in a format that cannot be decoded, or its header is damaged.",
            FILMING_ADVICE,
        )
    return stream


def _check_header(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, limits: DecodeLimits
) -> None:
    file = Path(container.name)
    width, height = stream.codec_context.width, stream.codec_context.height
    if width <= 0 or height <= 0:
        raise InputProblem(
            "unreadable",
            f"The picture size of '{file.name}' cannot be read.",
            _DAMAGED_ADVICE,
        )
    if width * height > limits.max_pixels:
        raise InputProblem(
            "resolution_too_high",
            f"The video '{file.name}' is {width}x{height} pixels, larger than this tool accepts.",
            "Film at 1080p or 4K (the phone camera's video resolution setting) or export it at 1080p.",
        )
    header_duration_s = _header_duration_s(container, stream)
    if header_duration_s is not None and header_duration_s > limits.max_duration_s:
        raise _too_long(file, header_duration_s, limits)


def _header_duration_s(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _too_long(file: Path, duration_s: float, limits: DecodeLimits) -> InputProblem:
    return InputProblem(
        "too_long",
        f"The video '{file.name}' lasts {duration_s:.0f} s, longer than the {limits.max_duration_s:.0f} s accepted.",
        "Film each test separately; a few repetitions (under a minute) are enough.",
    )


def _packet_times(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> tuple[np.ndarray, float, int]:
    """Sorted unique presentation times (s, from the first shown frame), tick (s), packets read.

    Packets the container marks as not to be shown (before the start of an edit list,
    as in clips cut without re-encoding) count as read but give no frame time.
    """
    file = Path(container.name)
    time_base = stream.time_base or Fraction(1, av.time_base)
    stamps: list[int] = []
    packets = 0
    try:
        for packet in container.demux(stream):
            if packet.size == 0:
                continue
            packets += 1
            stamp = packet.pts if packet.pts is not None else packet.dts
            if stamp is not None and not packet.is_discard:
                stamps.append(int(stamp))
    except av.error.FFmpegError as exc:
        if not packets:
            raise InputProblem("unreadable", f"The video '{file.name}' cannot be read ({_short(exc)}).", _DAMAGED_ADVICE) from exc
        raise InputProblem("truncated", f"The video '{file.name}' is damaged after {packets} frames.", _DAMAGED_ADVICE) from exc
    if not stamps:
        raise InputProblem("unreadable", f"No frames can be read from '{file.name}'.", _DAMAGED_ADVICE)
    unique = np.unique(np.asarray(stamps, dtype=np.int64))
    times_s = (unique - unique[0]) * float(time_base)
    return times_s, float(time_base), packets


def _check_complete(file: Path, packets: int, declared: int) -> None:
    """Refuse a file with fewer packets than its index declares (beyond a small slack)."""
    if declared and declared - packets > max(TRUNCATION_SLACK_FRAMES, TRUNCATION_SLACK_FRACTION * declared):
        raise InputProblem(
            "truncated",
            f"The video '{file.name}' ends early: only {packets} of its {declared} frames can be read.",
            _DAMAGED_ADVICE,
        )


def _declared_frames(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> int:
    """Frame count from the MP4/MOV sample table (0 where the container has no reliable one)."""
    if "mp4" not in container.format.name and "mov" not in container.format.name:
        return 0
    return int(stream.frames or 0)


def _first_frame_geometry(file: Path) -> tuple[int, _DisplayTransform, int, int]:
    """Display rotation (degrees), display transform, stored width and height of frame 0.

    PyAV exposes the display matrix only on decoded frames, so one frame is decoded.
    """
    with _open(file) as container:
        stream = container.streams.video[0]
        try:
            for frame in container.decode(stream):
                return _rotation_deg(frame), _display_transform(frame), frame.width, frame.height
        except av.error.FFmpegError as exc:
            raise InputProblem("unreadable", f"The first picture of '{file.name}' cannot be decoded ({_short(exc)}).", _DAMAGED_ADVICE) from exc
    raise InputProblem("unreadable", f"No picture in '{file.name}' can be decoded.", _DAMAGED_ADVICE)


def _rotation_deg(frame: av.VideoFrame) -> int:
    """The frame's display rotation rounded to a quarter turn, in (-180, 180]."""
    rotation = float(frame.rotation or 0)
    quarter = int(round(rotation / 90.0)) % 4
    return {0: 0, 1: 90, 2: 180, 3: -90}[quarter]


@dataclass(frozen=True)
class _DisplayTransform:
    """How a stored picture becomes the displayed one: transpose, then mirror columns/rows."""

    transpose: bool = False
    flip_x: bool = False
    flip_y: bool = False

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        if self.transpose:
            rgb = rgb.transpose(1, 0, 2)
        if self.flip_x:
            rgb = rgb[:, ::-1]
        if self.flip_y:
            rgb = rgb[::-1]
        return rgb


def _display_transform(frame: av.VideoFrame) -> _DisplayTransform:
    """The quarter-turn-and-mirror transform of the frame's display matrix.

    The matrix ``[a b u; c d v; x y w]`` maps a stored pixel to the displayed one as
    ``x' = a x + c y``, ``y' = b x + d y`` (FFmpeg's convention). Unlike
    ``VideoFrame.rotation``, this keeps mirroring (a horizontally mirrored clip is not
    turned upside down); ffmpeg's own autorotation gives the same pictures. Angles
    that are not quarter turns are rounded to the nearest one.
    """
    for side_data in frame.side_data:
        if side_data.type == av.sidedata.sidedata.Type.DISPLAYMATRIX:
            a, b, _, c, d, _, _, _, _ = np.frombuffer(bytes(side_data), dtype="<i4")[:9].astype(float)
            if abs(a) + abs(d) >= abs(b) + abs(c):
                return _DisplayTransform(transpose=False, flip_x=a < 0, flip_y=d < 0)
            return _DisplayTransform(transpose=True, flip_x=c < 0, flip_y=b < 0)
    return _DisplayTransform()


def _short(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return " ".join(str(text).split())[:120]


# -- decoding -------------------------------------------------------------------------


def iter_frames(
    path: str | os.PathLike,
    *,
    max_side: int | None = None,
    start_s: float = 0.0,
    stop_s: float = math.inf,
    decoder_threads: int = 0,
) -> Iterator[Frame]:
    """Stream the frames of a video, upright, one at a time (constant memory).

    Parameters
    ----------
    path
        The video file (probe it first with :func:`probe_video`).
    max_side
        If given, frames whose longer side exceeds it are downscaled (aspect ratio kept)
        so that the longer side is ``max_side`` pixels. Never upscales.
    start_s, stop_s
        Only the frames with ``start_s <= time_s < stop_s`` (a segment of the video);
        their ``index`` counts from 0 within it.
    decoder_threads
        Decoder threads; 0 lets FFmpeg choose.

    Yields
    ------
    Frame
        ``time_s`` from the presentation timestamps (seconds from the first frame of the
        file); frames whose timestamp does not increase are skipped, so times are
        strictly increasing.

    Raises
    ------
    InputProblem
        ``not_a_video``/``no_video_stream`` if the file cannot be opened as a video,
        ``truncated`` if the data cannot be decoded part-way through.

    Notes
    -----
    The picture is in pixels of the upright frame (x right, y down): the container's
    display matrix (quarter turns and mirroring) is applied exactly as ffmpeg's
    autorotation and video players do; for a plain rotation that is
    ``np.rot90(rgb, k=(rotation // 90) % 4)``, counter-clockwise. The array is always
    C-contiguous (MediaPipe silently finds no pose in a padded array). Non-square
    stored pixels (an anamorphic sample aspect ratio) are resampled to square ones, so
    that angles measured in the picture are true.

    A segment starting after 0 is decoded from the key frame at or before ``start_s``
    (a seek). If the container cannot seek there (the first frame decoded is already
    past ``start_s``), it is decoded from the beginning instead: the same frames, more
    slowly.
    """
    if max_side is not None and max_side < 16:
        raise ValueError(f"max_side must be at least 16 pixels, got {max_side}")
    file = Path(path)
    if not file.is_file():
        raise InputProblem("file_missing", f"The video file '{file}' was not found.", "Check the file name and folder.")
    first_stamp = _first_stamp(file) if start_s > 0 else None
    for seek in ((True, False) if start_s > 0 else (False,)):
        with _open(file) as container:
            stream = _video_stream(container, file)
            if decoder_threads:
                stream.codec_context.thread_count = decoder_threads
            else:
                stream.thread_type = "AUTO"
            pixel_aspect = _pixel_aspect(stream)
            time_base = float(stream.time_base or Fraction(1, av.time_base))
            if seek:
                container.seek(first_stamp + int(start_s / time_base), stream=stream, backward=True)
            decoded = _decoded_frames_after_seek(container, stream, file) if seek else _decoded_frames(container, stream, file)
            last_time_s = -np.inf
            index = 0
            # Read once: ``frame.side_data`` ties each frame in a reference cycle, so every frame
            # it is read from (and its colour converter's threads) lives until the garbage
            # collector runs: 250 threads for a 125-frame clip, thousands in a long-running app.
            transform: _DisplayTransform | None = None
            for frame in decoded:
                stamp = frame.pts if frame.pts is not None else frame.dts
                if stamp is None:
                    continue
                if first_stamp is None:
                    first_stamp = stamp
                time_s = (stamp - first_stamp) * time_base
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
                    transform = _display_transform(frame)
                rgb = _upright_picture(frame, time_s, file, max_side, pixel_aspect, transform)
                yield Frame(index=index, time_s=float(time_s), rgb=rgb)
                index += 1
            else:
                return


def _first_stamp(file: Path) -> int:
    """Presentation stamp of the first decoded frame (time 0 of :func:`iter_frames`)."""
    with _open(file) as container:
        stream = _video_stream(container, file)
        for frame in _decoded_frames(container, stream, file):
            stamp = frame.pts if frame.pts is not None else frame.dts
            if stamp is not None:
                return int(stamp)
    raise InputProblem("unreadable", f"No picture in '{file.name}' can be decoded.", _DAMAGED_ADVICE)


def _decoded_frames_after_seek(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, file: Path
) -> Iterator[av.VideoFrame]:
    """Frames from the position a seek left; damaged data raises ``truncated``.

    Unlike :func:`_decoded_frames` the packets read cannot be compared with the
    container's index here; :func:`probe_video` has compared them already.
    """
    try:
        for packet in container.demux(stream):
            yield from packet.decode()
    except av.error.FFmpegError as exc:
        raise InputProblem(
            "truncated", f"The video '{file.name}' is damaged ({_short(exc)}).", _DAMAGED_ADVICE
        ) from exc


def _decoded_frames(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, file: Path
) -> Iterator[av.VideoFrame]:
    """Decode packet by packet; damaged data or missing packets raise ``truncated``."""
    packets = 0
    try:
        for packet in container.demux(stream):
            packets += packet.size > 0
            yield from packet.decode()
    except av.error.FFmpegError as exc:
        code = "unreadable" if packets <= 1 else "truncated"
        raise InputProblem(code, f"The video '{file.name}' is damaged after {packets} frames ({_short(exc)}).", _DAMAGED_ADVICE) from exc
    _check_complete(file, packets, _declared_frames(container, stream))


def scaled_size(width: int, height: int, max_side: int | None) -> tuple[int, int]:
    """Size after shrinking so the longer side is at most ``max_side`` (never enlarges)."""
    longer = max(width, height)
    if max_side is None or longer <= max_side:
        return width, height
    scale = max_side / longer
    return max(1, round(width * scale)), max(1, round(height * scale))


def square_pixel_size(width: int, height: int, pixel_aspect: Fraction) -> tuple[int, int]:
    """Size of a picture of ``width`` x ``height`` stored pixels once its pixels are square.

    ``pixel_aspect`` is the width of one stored pixel over its height (the sample aspect
    ratio; 1 for phone video). Wide pixels widen the picture, narrow ones make it taller.
    """
    if pixel_aspect == 1:
        return width, height
    if pixel_aspect > 1:
        return max(1, round(width * pixel_aspect)), height
    return width, max(1, round(height / pixel_aspect))


def _pixel_aspect(stream: av.video.stream.VideoStream) -> Fraction:
    """The stream's sample aspect ratio; 1 when absent or meaningless."""
    sar = stream.sample_aspect_ratio or stream.codec_context.sample_aspect_ratio
    if not sar or sar <= 0:
        return Fraction(1)
    return Fraction(sar)


def _upright_picture(
    frame: av.VideoFrame,
    time_s: float,
    file: Path,
    max_side: int | None,
    pixel_aspect: Fraction,
    transform: _DisplayTransform,
) -> np.ndarray:
    """:func:`_upright_rgb`, with a picture that cannot be converted reported as ``unreadable``."""
    try:
        return _upright_rgb(frame, max_side, pixel_aspect, transform=transform)
    except av.error.FFmpegError as exc:
        raise InputProblem(
            "unreadable",
            f"The picture at {time_s:.2f} s of '{file.name}' cannot be converted ({_short(exc)}).",
            _DAMAGED_ADVICE,
        ) from exc


def _upright_rgb(
    frame: av.VideoFrame,
    max_side: int | None,
    pixel_aspect: Fraction = Fraction(1),
    *,
    transform: _DisplayTransform | None = None,
) -> np.ndarray:
    width, height = scaled_size(*square_pixel_size(frame.width, frame.height, pixel_aspect), max_side)
    if (width, height) == (frame.width, frame.height):
        rgb = frame.to_ndarray(format="rgb24")
    elif _fast_downscale_possible(frame, width, height):
        rgb = _downscaled_rgb_from_yuv420(frame, width, height)
    else:
        rgb = frame.reformat(width=width, height=height, format="rgb24", interpolation="AREA").to_ndarray()
    transform = _display_transform(frame) if transform is None else transform
    return np.ascontiguousarray(transform.apply(rgb))


def _fast_downscale_possible(frame: av.VideoFrame, width: int, height: int) -> bool:
    """True for the common phone case: 8-bit 4:2:0 video in limited range, even sizes."""
    return (
        frame.format.name == "yuv420p"
        and frame.width % 2 == 0
        and frame.height % 2 == 0
        and width % 2 == 0
        and height % 2 == 0
        and width < frame.width
        and height < frame.height
    )


def _downscaled_rgb_from_yuv420(frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
    """A downscaled RGB picture: each 4:2:0 plane shrunk by pixel-area averaging, then converted.

    Shrinking the three planes before the colour conversion does a quarter of the work
    of converting first (FFmpeg's combined scale-and-convert costs about 5 ms per 1080p
    frame; this about 1 ms). The conversion is OpenCV's BT.601 limited-range one, as
    FFmpeg's default; pictures agree with :meth:`av.VideoFrame.reformat` within about
    1.5 grey levels on average.
    """
    luma, u, v = (_plane_pixels(plane) for plane in frame.planes)
    luma_size, chroma_size = width * height, width * height // 4
    packed = np.empty(luma_size + 2 * chroma_size, dtype=np.uint8)
    packed[:luma_size] = cv2.resize(luma, (width, height), interpolation=cv2.INTER_AREA).reshape(-1)
    for k in range(2):
        start = luma_size + k * chroma_size
        small = cv2.resize((u, v)[k], (width // 2, height // 2), interpolation=cv2.INTER_AREA)
        packed[start : start + chroma_size] = small.reshape(-1)
    return cv2.cvtColor(packed.reshape(height * 3 // 2, width), cv2.COLOR_YUV2RGB_I420)


def _plane_pixels(plane: av.video.plane.VideoPlane) -> np.ndarray:
    """The pixels of one picture plane, a view without the row padding (no copy)."""
    rows = np.frombuffer(plane, dtype=np.uint8).reshape(plane.height, plane.line_size)
    return rows[:, : plane.width]
