"""Small synthetic video clips with known content and timing, written with PyAV or ffmpeg."""

from __future__ import annotations

import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

# Encoder, container suffix and pixel format of each codec the decoder must read.
CODECS = {
    "h264": ("libx264", ".mp4", "yuv420p"),
    "hevc": ("libx265", ".mp4", "yuv420p"),
    "hevc-10bit": ("libx265", ".mov", "yuv420p10le"),  # iPhone HDR recordings are 10-bit HEVC
    "vp9": ("libvpx-vp9", ".webm", "yuv420p"),
    "mpeg4": ("mpeg4", ".avi", "yuv420p"),
    "mjpeg": ("mjpeg", ".avi", "yuvj420p"),
}

# Colours of the four quadrants of the upright test picture: top-left, top-right,
# bottom-left, bottom-right. Far apart so that lossy coding cannot confuse them.
QUADRANT_RGB = np.array([[230, 30, 30], [30, 200, 30], [30, 30, 230], [230, 230, 230]], dtype=np.uint8)


def quadrant_picture(width: int, height: int) -> np.ndarray:
    """An upright H x W x 3 picture whose four quadrants have the colours above."""
    rgb = np.empty((height, width, 3), dtype=np.uint8)
    h2, w2 = height // 2, width // 2
    rgb[:h2, :w2] = QUADRANT_RGB[0]
    rgb[:h2, w2:] = QUADRANT_RGB[1]
    rgb[h2:, :w2] = QUADRANT_RGB[2]
    rgb[h2:, w2:] = QUADRANT_RGB[3]
    return rgb


def quadrant_colours(rgb: np.ndarray) -> np.ndarray:
    """Mean colour at the centre of each quadrant (same order as QUADRANT_RGB), shape (4, 3)."""
    h, w = rgb.shape[:2]
    centres = [(h // 4, w // 4), (h // 4, 3 * w // 4), (3 * h // 4, w // 4), (3 * h // 4, 3 * w // 4)]
    r = max(1, min(h, w) // 16)
    return np.array([rgb[y - r : y + r, x - r : x + r].reshape(-1, 3).mean(axis=0) for y, x in centres])


def write_clip(
    path: Path,
    pictures,
    *,
    times_s=None,
    fps: Fraction | int = 30,
    codec: str = "h264",
    time_base: Fraction | None = None,
    options: dict | None = None,
    faststart: bool = False,
) -> Path:
    """Encode RGB pictures into ``path``; ``times_s`` gives each frame's presentation time.

    Without ``times_s`` the frames are regular at ``fps``.
    """
    encoder, _, pix_fmt = CODECS[codec]
    pictures = list(pictures)
    height, width = pictures[0].shape[:2]
    fps = Fraction(fps)
    if time_base is None:
        time_base = 1 / fps if path.suffix == ".avi" else Fraction(1, 90000)
    if times_s is None:
        times_s = [i / fps for i in range(len(pictures))]
    container_options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), mode="w", options=container_options) as container:
        stream = container.add_stream(encoder, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        stream.time_base = time_base
        stream.codec_context.time_base = time_base
        if encoder == "libx264":
            stream.options = {"preset": "ultrafast", "crf": "12", **(options or {})}
        elif encoder == "libx265":
            stream.options = {"preset": "ultrafast", "x265-params": "log-level=error", **(options or {})}
        elif encoder == "libvpx-vp9":
            stream.options = {"deadline": "realtime", "cpu-used": "8", "crf": "20", "b": "0", **(options or {})}
        elif encoder in ("mpeg4", "mjpeg"):
            stream.options = {"qscale": "3", **(options or {})}
        for picture, time_s in zip(pictures, times_s, strict=True):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="rgb24")
            frame.pts = int(round(Fraction(time_s).limit_denominator(10**6) / time_base))
            frame.time_base = time_base
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def moving_pictures(n: int, width: int = 96, height: int = 64) -> list[np.ndarray]:
    """``n`` quadrant pictures with a small black square moving left to right."""
    pictures = []
    for i in range(n):
        rgb = quadrant_picture(width, height)
        x = (i * 4) % (width - 8)
        rgb[height // 2 - 4 : height // 2 + 4, x : x + 8] = 0
        pictures.append(rgb)
    return pictures


def need_ffmpeg() -> str:
    exe = shutil.which("ffmpeg")
    if exe is None:
        pytest.skip("ffmpeg command not installed")
    return exe


def ffmpeg(*args: str) -> None:
    """Run the ffmpeg command line quietly; fail the test with its message if it fails."""
    exe = need_ffmpeg()
    done = subprocess.run([exe, "-v", "error", "-y", *args], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        pytest.fail(f"ffmpeg {' '.join(args)} failed: {done.stderr.strip()}")


def tag_rotation(src: Path, dst: Path, rotate: int) -> Path:
    """Copy ``src`` without re-encoding, with the legacy MP4 ``rotate`` tag set."""
    ffmpeg("-i", str(src), "-c", "copy", "-metadata:s:v:0", f"rotate={rotate}", str(dst))
    return dst


def ffmpeg_upright_first_frame(path: Path, width: int, height: int) -> np.ndarray:
    """The first frame as ffmpeg shows it (autorotated), H x W x 3: an independent reference."""
    exe = need_ffmpeg()
    done = subprocess.run(
        [exe, "-v", "error", "-i", str(path), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        timeout=60,
        check=True,
    )
    return np.frombuffer(done.stdout, dtype=np.uint8).reshape(height, width, 3)
