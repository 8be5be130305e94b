"""Write RGB frames as a browser-playable H.264 MP4 (libx264 through PyAV)."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import numpy as np

_TIME_BASE = Fraction(1, 90000)


class H264Writer:
    """Context manager writing RGB frames to an H.264 MP4 that browsers can play.

    Parameters
    ----------
    path
        Output file (``.mp4``); replaced if it exists.
    width, height
        Size of the frames that will be written, in pixels. H.264 in 4:2:0 needs even
        sizes: an odd width or height is padded by one pixel on the right or bottom
        (copying the last column or row), so pixel coordinates are unchanged.
    fps
        Nominal frame rate (29.97 is kept as 30000/1001); frames without their own
        time are spaced ``1 / fps`` apart.
    crf, preset
        libx264 quality (lower is better, 18-23 is visually clean) and speed preset.

    Notes
    -----
    The file is yuv420p, with the index at the start (``+faststart``) so a browser can
    start playing it before it has loaded completely. If the ``with`` block ends with
    an exception, the unfinished file is deleted.

    Examples
    --------
    >>> with H264Writer("out.mp4", 640, 360, 30) as writer:  # doctest: +SKIP
    ...     for rgb in pictures:
    ...         writer.write(rgb)
    """

    def __init__(
        self,
        path: str | os.PathLike,
        width: int,
        height: int,
        fps: float | Fraction,
        *,
        crf: int = 20,
        preset: str = "veryfast",
    ) -> None:
        if width <= 0 or height <= 0:
            raise ValueError(f"width and height must be positive, got {width}x{height}")
        if not fps or fps <= 0:
            raise ValueError(f"fps must be positive, got {fps}")
        self.path = Path(path)
        self.width, self.height = int(width), int(height)
        self.coded_width, self.coded_height = self.width + self.width % 2, self.height + self.height % 2
        self.fps = Fraction(fps).limit_denominator(1001 * 1000) if not isinstance(fps, Fraction) else fps
        self.frames_written = 0
        self._last_pts = -1
        self._container = av.open(str(self.path), mode="w", options={"movflags": "+faststart"})
        self._stream = self._container.add_stream("libx264", rate=self.fps)
        self._stream.width, self._stream.height = self.coded_width, self.coded_height
        self._stream.pix_fmt = "yuv420p"
        self._stream.time_base = _TIME_BASE
        self._stream.codec_context.time_base = _TIME_BASE
        self._stream.options = {"crf": str(crf), "preset": preset}

    def write(self, rgb: np.ndarray, *, time_s: float | None = None) -> None:
        """Append one frame.

        Parameters
        ----------
        rgb
            H x W x 3 uint8 picture of the size given at construction.
        time_s
            Presentation time in seconds from the first frame; defaults to
            ``frames_written / fps``. Must increase from frame to frame.
        """
        rgb = np.asarray(rgb)
        if rgb.shape != (self.height, self.width, 3) or rgb.dtype != np.uint8:
            raise ValueError(
                f"expected a {self.height}x{self.width}x3 uint8 picture, got {rgb.shape} {rgb.dtype}"
            )
        if (self.coded_width, self.coded_height) != (self.width, self.height):
            pad = ((0, self.coded_height - self.height), (0, self.coded_width - self.width), (0, 0))
            rgb = np.pad(rgb, pad, mode="edge")
        if time_s is None:
            time_s = self.frames_written / self.fps
        pts = int(round(Fraction(time_s).limit_denominator(10**7) / _TIME_BASE))
        if pts <= self._last_pts:
            raise ValueError(f"frame times must increase, got {time_s} s after pts {self._last_pts}")
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        frame.pts, frame.time_base = pts, _TIME_BASE
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self._last_pts = pts
        self.frames_written += 1

    def close(self) -> None:
        """Flush the encoder and finish the file (called by ``with``)."""
        if self._container is None:
            return
        try:
            for packet in self._stream.encode():
                self._container.mux(packet)
        finally:
            self._container.close()
            self._container = None

    def __enter__(self) -> "H264Writer":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
        if exc_type is not None:
            self.path.unlink(missing_ok=True)  # no half-written video left behind
