"""Clips made once per test session from the real portrait clip."""

from __future__ import annotations

import pytest

from tests.vision.clips import ffmpeg, tag_rotation

PORTRAIT_CLIP = "pose2sim_single_cam01.mp4"  # 1080x1920, 60 fps, one person
ROTATED_FRAMES = 12


@pytest.fixture(scope="session")
def upright_and_rotated(real_video, tmp_path_factory):
    """The first frames of a real portrait clip, twice: upright, and stored sideways + tagged.

    ``upright.mp4`` is the clip re-encoded as it is (1080x1920). ``tagged90.mp4`` holds
    the same pictures turned a quarter turn clockwise (stored 1920x1080) with a display
    rotation of 90 degrees counter-clockwise, so that a correct player shows exactly
    ``upright.mp4``. Both are lossless 4:4:4 H.264 made from the same pictures, so the
    upright pictures decoded from them are identical, pixel for pixel.
    """
    folder = tmp_path_factory.mktemp("rotation")
    src = str(real_video(PORTRAIT_CLIP))
    lossless = ["-an", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv444p"]
    upright = folder / "upright.mp4"
    ffmpeg("-i", src, "-frames:v", str(ROTATED_FRAMES), *lossless, str(upright))
    sideways = folder / "sideways.mp4"
    ffmpeg("-i", str(upright), "-vf", "transpose=clock", *lossless, str(sideways))
    tagged = tag_rotation(sideways, folder / "tagged90.mp4", 90)
    return upright, tagged
