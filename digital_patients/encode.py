"""H.264 MP4 writing (PyAV, libx264, yuv420p, +faststart) and a phone-like rotation tag.

Notes
-----
A clip with ``rotation_deg`` stores its frames turned so that the player must rotate
them by ``rotation_deg`` (PyAV's ``frame.rotation`` convention: counter-clockwise,
``np.rot90(stored, k=rotation_deg // 90)`` is the upright frame).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np


def stored_frame(upright: np.ndarray, rotation_deg: int) -> np.ndarray:
    """The frame to store so that a player applying ``rotation_deg`` shows ``upright``."""
    return np.ascontiguousarray(np.rot90(upright, k=-(rotation_deg // 90) % 4))


def write_h264(path: Path, frames, *, fps: float, crf: int = 28, rotation_deg: int = 0) -> None:
    """Encode upright RGB frames (an iterable of H x W x 3 uint8) to ``path``."""
    import av

    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain.mp4"
        container = av.open(str(plain), mode="w", options={"movflags": "+faststart"})
        rate = Fraction(fps).limit_denominator(1001)
        stream = container.add_stream("libx264", rate=rate)
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf), "preset": "medium"}
        first = True
        for upright in frames:
            image = stored_frame(upright, rotation_deg)
            if first:
                stream.height, stream.width = image.shape[:2]
                first = False
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
        container.close()
        if rotation_deg % 360 == 0:
            shutil.move(plain, path)
        else:
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", "-i", str(plain), "-c", "copy",
                 "-metadata:s:v:0", f"rotate={rotation_deg % 360}", "-movflags", "+faststart", str(path)],
                check=True,
            )


def read_back(path: Path) -> tuple[np.ndarray, list, int]:
    """Presentation times (s), upright frames and the rotation PyAV reports, for checking."""
    import av

    times, frames, rotation = [], [], 0
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            rotation = int(getattr(frame, "rotation", 0) or 0)
            times.append(float(frame.time))
            frames.append(np.rot90(frame.to_ndarray(format="rgb24"), k=(rotation // 90) % 4))
    return np.array(times), frames, rotation


def presentation_times(path: Path) -> np.ndarray:
    """Presentation times (s) of every frame, in decoding order of display."""
    import av

    with av.open(str(path)) as container:
        return np.array([float(f.time) for f in container.decode(video=0)])
