"""H.264 writing: round trip through the decoder, what ffprobe sees, odd sizes."""

from __future__ import annotations

import json
import shutil
import subprocess
from fractions import Fraction

import numpy as np
import pytest

from tests.vision.clips import moving_pictures
from vision.decode import iter_frames, probe_video
from vision.encode import H264Writer


def test_round_trip_keeps_pictures_size_and_rate(tmp_path):
    pictures = moving_pictures(30, width=96, height=64)
    out = tmp_path / "out.mp4"
    with H264Writer(out, 96, 64, Fraction(30000, 1001)) as writer:
        for rgb in pictures:
            writer.write(rgb)
    info = probe_video(out)
    assert (info.codec, info.width, info.height, info.frames) == ("h264", 96, 64, 30)
    assert info.fps == pytest.approx(30000 / 1001, abs=1e-4)
    for frame, truth in zip(iter_frames(out), pictures, strict=True):
        assert np.abs(frame.rgb.astype(int) - truth).mean() < 4


def test_odd_size_is_padded_not_scaled(tmp_path):
    pictures = [p[:63, :95] for p in moving_pictures(5, width=96, height=64)]
    out = tmp_path / "odd.mp4"
    with H264Writer(out, 95, 63, 25) as writer:
        for rgb in pictures:
            writer.write(rgb)
    info = probe_video(out)
    assert (info.width, info.height) == (96, 64)
    for frame, truth in zip(iter_frames(out), pictures, strict=True):
        # The original pixels are where they were; only a column and a row were added.
        assert np.abs(frame.rgb[:63, :95].astype(int) - truth).mean() < 4


def test_given_frame_times_are_kept(tmp_path):
    times_s = [0.0, 0.04, 0.08, 0.2, 0.24]
    out = tmp_path / "vfr.mp4"
    with H264Writer(out, 64, 48, 25) as writer:
        for rgb, t in zip(moving_pictures(5, width=64, height=48), times_s, strict=True):
            writer.write(rgb, time_s=t)
    decoded = [f.time_s for f in iter_frames(out)]
    np.testing.assert_allclose(decoded, times_s, atol=1e-4)
    assert probe_video(out).variable_frame_rate


def test_wrong_picture_or_time_is_refused(tmp_path):
    with H264Writer(tmp_path / "x.mp4", 64, 48, 25) as writer:
        with pytest.raises(ValueError, match="64"):
            writer.write(np.zeros((48, 63, 3), np.uint8))
        writer.write(np.zeros((48, 64, 3), np.uint8), time_s=0.5)
        with pytest.raises(ValueError, match="increase"):
            writer.write(np.zeros((48, 64, 3), np.uint8), time_s=0.5)


def test_file_is_browser_ready_h264(tmp_path):
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        pytest.skip("ffprobe command not installed")
    out = tmp_path / "web.mp4"
    with H264Writer(out, 96, 64, 30) as writer:
        for rgb in moving_pictures(10):
            writer.write(rgb)
    done = subprocess.run(
        [ffprobe, "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,pix_fmt,width,height",
         "-of", "json", str(out)],
        capture_output=True, text=True, timeout=30, check=True,
    )
    stream = json.loads(done.stdout)["streams"][0]
    assert stream == {"codec_name": "h264", "pix_fmt": "yuv420p", "width": 96, "height": 64}
    data = out.read_bytes()
    assert 0 < data.index(b"moov") < data.index(b"mdat"), "index must come first (+faststart)"


def test_unfinished_file_is_removed_after_an_error(tmp_path):
    out = tmp_path / "broken.mp4"
    with pytest.raises(RuntimeError):
        with H264Writer(out, 64, 48, 25) as writer:
            writer.write(np.zeros((48, 64, 3), np.uint8))
            raise RuntimeError("drawing failed")
    assert not out.exists()
