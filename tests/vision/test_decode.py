"""Probing and decoding: rotation, real timestamps, codecs, limits, damaged files."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from tests.vision.clips import (
    CODECS,
    QUADRANT_RGB,
    ffmpeg,
    ffmpeg_upright_first_frame,
    moving_pictures,
    quadrant_colours,
    quadrant_picture,
    tag_rotation,
    write_clip,
)
from vision import decode
from vision.decode import DecodeLimits, Frame, is_variable_frame_rate, iter_frames, probe_video, scaled_size
from vision.errors import InputProblem


def first_frame(path, **kwargs) -> Frame:
    return next(iter(iter_frames(path, **kwargs)))


# -- rotation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rotate_tag", "rotation_deg", "quarter_turns_ccw"),
    [
        pytest.param(90, 90, 1, id="tag90"),
        pytest.param(270, -90, 3, id="tag270"),
        pytest.param(-90, -90, 3, id="tag-90"),
        pytest.param(180, 180, 2, id="tag180"),
    ],
)
def test_rotation_tag_gives_the_upright_picture(tmp_path, rotate_tag, rotation_deg, quarter_turns_ccw):
    # The upright picture is 64 wide, 96 tall. The stored picture is it turned back by
    # the display rotation, so a player applying the tag shows the upright picture.
    upright = quadrant_picture(64, 96)
    stored = np.rot90(upright, k=-quarter_turns_ccw)
    plain = write_clip(tmp_path / "stored.mp4", [stored] * 3)
    tagged = tag_rotation(plain, tmp_path / "tagged.mp4", rotate_tag)

    info = probe_video(tagged)
    assert info.rotation_deg == rotation_deg
    assert (info.width, info.height) == (64, 96)
    assert (info.stored_width, info.stored_height) == stored.shape[1::-1]

    frame = first_frame(tagged)
    assert frame.rgb.shape == (96, 64, 3)
    assert frame.rgb.flags.c_contiguous
    np.testing.assert_allclose(quadrant_colours(frame.rgb), QUADRANT_RGB, atol=12)
    # ffmpeg's own autorotation (what players do) agrees pixel for pixel.
    reference = ffmpeg_upright_first_frame(tagged, 64, 96)
    assert np.abs(reference.astype(int) - frame.rgb).max() <= 2


@pytest.mark.parametrize(
    ("degrees", "hflip", "vflip", "displayed"),
    [
        pytest.param(0, True, False, lambda p: p[:, ::-1], id="mirrored"),
        pytest.param(0, False, True, lambda p: p[::-1], id="upside-down-mirror"),
        pytest.param(90, True, False, lambda p: np.rot90(p, 2).transpose(1, 0, 2), id="turned-and-mirrored"),
        pytest.param(90, False, False, lambda p: np.rot90(p, 1), id="turned"),
    ],
)
def test_display_matrix_with_mirroring(tmp_path, degrees, hflip, vflip, displayed):
    # PyAV's VideoFrame.rotation calls a mirrored picture "-180": turning it upside
    # down would be wrong. The expected pictures are what ffmpeg 5.1's autorotation
    # shows for these matrices (checked against it below).
    stored = quadrant_picture(64, 48)
    clip = tmp_path / "matrix.mp4"
    with av.open(str(clip), mode="w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv444p"
        stream.options = {"qp": "0"}
        stream.set_display_rotation(degrees, hflip=hflip, vflip=vflip)
        for _ in range(3):
            for packet in stream.encode(av.VideoFrame.from_ndarray(stored, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    expected = displayed(stored)
    info = probe_video(clip)
    assert (info.height, info.width) == expected.shape[:2]
    frame = first_frame(clip)
    assert np.abs(frame.rgb.astype(int) - expected).max() <= 2
    reference = ffmpeg_upright_first_frame(clip, info.width, info.height)
    assert np.abs(reference.astype(int) - frame.rgb).max() <= 2


def test_wide_stored_pixels_are_made_square(tmp_path):
    # 48 x 48 stored pixels, each 4/3 as wide as high: the picture is 64 x 48.
    clip = tmp_path / "anamorphic.mp4"
    with av.open(str(clip), mode="w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 48, 48, "yuv420p"
        stream.codec_context.sample_aspect_ratio = Fraction(4, 3)
        for _ in range(3):
            for packet in stream.encode(av.VideoFrame.from_ndarray(quadrant_picture(48, 48), format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    info = probe_video(clip)
    assert (info.width, info.height, info.stored_width, info.stored_height) == (64, 48, 48, 48)
    frame = first_frame(clip)
    assert frame.rgb.shape == (48, 64, 3)
    np.testing.assert_allclose(quadrant_colours(frame.rgb), QUADRANT_RGB, atol=15)
    assert first_frame(clip, max_side=32).rgb.shape == (24, 32, 3)


def test_real_clip_stored_sideways_decodes_like_the_upright_clip(upright_and_rotated):
    upright, tagged = upright_and_rotated
    info = probe_video(tagged)
    assert (info.rotation_deg, info.width, info.height) == (90, 1080, 1920)
    assert (info.stored_width, info.stored_height) == (1920, 1080)
    for a, b in zip(iter_frames(upright), iter_frames(tagged), strict=True):
        assert a.rgb.shape == b.rgb.shape == (1920, 1080, 3)
        assert a.time_s == pytest.approx(b.time_s, abs=1e-9)
        np.testing.assert_array_equal(a.rgb, b.rgb)  # lossless pictures: exactly the same
    small = zip(iter_frames(upright, max_side=480), iter_frames(tagged, max_side=480), strict=True)
    for a, b in small:
        assert a.rgb.shape == b.rgb.shape == (480, 270, 3)
        # Downscaling before turning filters rows and columns in another order.
        assert np.abs(a.rgb.astype(int) - b.rgb).mean() < 1.0


def test_max_side_downscales_the_longer_side_and_keeps_the_aspect():
    assert scaled_size(1920, 1080, 640) == (640, 360)
    assert scaled_size(1080, 1920, 640) == (360, 640)
    assert scaled_size(628, 628, 640) == (628, 628)
    assert scaled_size(1920, 1080, None) == (1920, 1080)


def test_max_side_applies_to_rotated_frames(tmp_path):
    stored = np.rot90(quadrant_picture(64, 96), k=-1)  # stored 96 wide, 64 tall
    tagged = tag_rotation(write_clip(tmp_path / "s.mp4", [stored] * 2), tmp_path / "t.mp4", 90)
    frame = first_frame(tagged, max_side=48)
    assert frame.rgb.shape == (48, 32, 3)
    assert frame.rgb.flags.c_contiguous
    np.testing.assert_allclose(quadrant_colours(frame.rgb), QUADRANT_RGB, atol=20)


def test_fast_downscale_of_420_video_matches_ffmpegs_scaler():
    # A picture with gradients and a brightness texture, stored as 8-bit 4:2:0 as phones do
    # (at sharp colour edges the two scalers differ more: they place the chroma samples
    # half a pixel apart).
    rows, cols = np.mgrid[0:360, 0:200]
    texture = 60 * np.sin(rows / 5.0) * np.sin(cols / 7.0)
    picture = np.clip(np.stack([rows * 200 / 359 + texture, cols * 200 / 199 + texture, 128 + texture], axis=-1), 0, 255)
    frame = av.VideoFrame.from_ndarray(picture.astype(np.uint8), format="rgb24").reformat(format="yuv420p")
    assert decode._fast_downscale_possible(frame, 100, 180)
    fast = decode._downscaled_rgb_from_yuv420(frame, 100, 180)
    reference = frame.reformat(width=100, height=180, format="rgb24", interpolation="AREA").to_ndarray()
    assert fast.shape == reference.shape == (180, 100, 3)
    difference = np.abs(fast.astype(int) - reference)
    assert difference.mean() < 2.0
    assert np.percentile(difference, 99) <= 8


def test_fast_downscale_is_not_used_where_it_does_not_apply():
    frame = av.VideoFrame.from_ndarray(np.zeros((64, 48, 3), np.uint8), format="rgb24")
    assert not decode._fast_downscale_possible(frame, 24, 32)  # not 4:2:0
    yuv = frame.reformat(format="yuv420p")
    assert not decode._fast_downscale_possible(yuv, 25, 33)  # odd target
    assert not decode._fast_downscale_possible(yuv, 48, 64)  # not smaller
    odd = av.VideoFrame.from_ndarray(np.zeros((65, 49, 3), np.uint8), format="rgb24").reformat(format="yuv420p")
    assert not decode._fast_downscale_possible(odd, 24, 32)  # odd source: chroma planes round up


# -- timing ---------------------------------------------------------------------------


def test_ntsc_rate_stays_29_97_and_times_come_from_timestamps(tmp_path):
    rate = Fraction(30000, 1001)
    clip = write_clip(tmp_path / "ntsc.mp4", moving_pictures(45), fps=rate)
    info = probe_video(clip)
    assert info.fps == pytest.approx(30000 / 1001, abs=1e-6)
    assert not info.variable_frame_rate
    assert info.frames == 45
    assert info.duration_s == pytest.approx(45 * 1001 / 30000, abs=1e-6)
    times = np.array([f.time_s for f in iter_frames(clip)])
    np.testing.assert_allclose(times, np.arange(45) * 1001 / 30000, atol=1e-6)


def test_millisecond_timestamps_of_a_regular_clip_are_not_variable(tmp_path):
    # WebM stores times in whole milliseconds: 29.97 fps alternates 33 and 34 ms.
    clip = write_clip(tmp_path / "ntsc.webm", moving_pictures(30), fps=Fraction(30000, 1001), codec="vp9",
                      time_base=Fraction(1, 1000))
    info = probe_video(clip)
    assert not info.variable_frame_rate
    # 29 intervals span 967.6 ms, stored to the millisecond: +-1 ms is +-0.03 fps.
    assert info.fps == pytest.approx(30000 / 1001, abs=0.035)


def test_irregular_timestamps_are_variable_frame_rate(tmp_path):
    # A phone dropping frames: 30 fps with two gaps of 2 and 3 frame periods.
    times_s = [i / 30 for i in range(10)] + [(i + 1) / 30 for i in range(10, 20)] + [(i + 3) / 30 for i in range(20, 30)]
    clip = write_clip(tmp_path / "vfr.mp4", moving_pictures(30), times_s=times_s, fps=30)
    info = probe_video(clip)
    assert info.variable_frame_rate
    assert info.frames == 30
    assert info.fps == pytest.approx(29 / times_s[-1], rel=1e-4)
    decoded = np.array([f.time_s for f in iter_frames(clip)])
    np.testing.assert_allclose(decoded, times_s, atol=1e-4)


@pytest.mark.parametrize(
    ("intervals_ms", "tick_ms", "expected"),
    [
        pytest.param([33.3667] * 20, 1e-3, False, id="regular"),
        pytest.param([33, 34, 33, 34, 33, 33, 34], 1.0, False, id="ms-rounding"),
        pytest.param([33.3667] * 10 + [66.7334] + [33.3667] * 10, 1e-3, True, id="dropped-frame"),
        pytest.param([16.7, 16.6, 20.0, 16.7, 16.6], 0.01, True, id="jitter-20pc"),
    ],
)
def test_variable_frame_rate_rule(intervals_ms, tick_ms, expected):
    intervals_s = np.array(intervals_ms) / 1000
    assert is_variable_frame_rate(intervals_s, tick_s=tick_ms / 1000) is expected


# -- codecs ---------------------------------------------------------------------------


@pytest.mark.parametrize("codec", list(CODECS))
def test_common_phone_and_camera_codecs_decode(tmp_path, codec):
    suffix = CODECS[codec][1]
    pictures = moving_pictures(12, width=96, height=64)
    clip = write_clip(tmp_path / f"clip{suffix}", pictures, fps=25, codec=codec)
    info = probe_video(clip)
    assert info.codec == codec.split("-")[0]
    assert (info.width, info.height, info.rotation_deg) == (96, 64, 0)
    assert info.frames == 12
    assert info.fps == pytest.approx(25, abs=0.05)
    frames = list(iter_frames(clip))
    assert [f.index for f in frames] == list(range(12))
    for frame, truth in zip(frames, pictures, strict=True):
        assert frame.rgb.shape == (64, 96, 3) and frame.rgb.dtype == np.uint8
        assert frame.rgb.flags.c_contiguous
        assert np.abs(frame.rgb.astype(int) - truth).mean() < 12


def test_real_clips_probe_as_the_readme_describes(real_video):
    hevc = probe_video(real_video("shotform_upload_sample.mp4"))
    assert (hevc.codec, hevc.width, hevc.height) == ("hevc", 592, 1280)
    vp9 = probe_video(real_video("sports2d_demo.mp4"))
    assert vp9.codec == "vp9"
    gait = probe_video(real_video("bmgait_gait_normal_01.mp4"))
    assert gait.variable_frame_rate
    ntsc = probe_video(real_video("sports2d_v2024_demo5.mp4"))
    assert ntsc.fps == pytest.approx(30000 / 1001, abs=1e-4)
    assert not ntsc.variable_frame_rate


# -- input problems -------------------------------------------------------------------


def problem_code(path, **kwargs) -> str:
    with pytest.raises(InputProblem) as caught:
        probe_video(path, **kwargs)
    message = str(caught.value)
    assert "\n" not in message and len(message) > 20
    return caught.value.code


def test_missing_and_empty_files(tmp_path):
    assert problem_code(tmp_path / "nothing.mp4") == "file_missing"
    (tmp_path / "empty.mp4").write_bytes(b"")
    assert problem_code(tmp_path / "empty.mp4") == "empty_file"


def test_a_text_file_is_not_a_video(tmp_path):
    text = tmp_path / "notes.mp4"
    text.write_text("these are my notes, not a video\n" * 50)
    assert problem_code(text) == "not_a_video"


def test_a_single_picture_is_not_a_video(tmp_path):
    picture = tmp_path / "photo.png"
    av.VideoFrame.from_ndarray(quadrant_picture(64, 48), format="rgb24").save(str(picture))
    assert problem_code(picture) == "not_a_video"


def test_sound_only_has_no_video_stream(tmp_path):
    sound = tmp_path / "voice.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", str(sound))
    assert problem_code(sound) == "no_video_stream"


def test_limits_are_checked(tmp_path):
    clip = write_clip(tmp_path / "clip.mp4", moving_pictures(30), fps=30)  # 96x64, 1 s
    assert problem_code(clip, limits=DecodeLimits(max_file_size_mb=1e-4)) == "too_large"
    assert problem_code(clip, limits=DecodeLimits(max_duration_s=0.5)) == "too_long"
    assert problem_code(clip, limits=DecodeLimits(max_pixels=95 * 64)) == "resolution_too_high"
    assert probe_video(clip, limits=DecodeLimits(max_duration_s=1.01, max_pixels=96 * 64)).frames == 30


def test_a_file_cut_short_is_reported_as_truncated(tmp_path):
    clip = write_clip(tmp_path / "full.mp4", moving_pictures(60), fps=30, faststart=True)
    data = clip.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) * 6 // 10])
    assert problem_code(cut) == "truncated"
    with pytest.raises(InputProblem) as caught:
        for _ in iter_frames(cut):
            pass
    assert caught.value.code == "truncated"


def test_a_file_cut_before_its_index_is_unreadable(tmp_path):
    # Without faststart the MP4 index comes last: cutting the file loses it.
    clip = write_clip(tmp_path / "full.mp4", moving_pictures(60), fps=30)
    data = clip.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    assert problem_code(cut) == "unreadable"


def test_clip_cut_without_reencoding_starts_at_its_edit_point(tmp_path):
    # Cutting at 0.5 s without re-encoding keeps the packets from the previous key
    # frame, marked not to be shown (an MP4 edit list). Only the 45 frames from 0.5 s
    # to 2 s are the video.
    clip = write_clip(tmp_path / "take.mp4", moving_pictures(60), fps=30, options={"preset": "veryfast", "g": "30"})
    cut = tmp_path / "cut.mp4"
    ffmpeg("-ss", "0.5", "-i", str(clip), "-c", "copy", str(cut))
    info = probe_video(cut)
    frames = list(iter_frames(cut))
    assert info.frames == len(frames) == 45
    assert not info.variable_frame_rate
    assert frames[0].time_s == 0.0
    assert info.fps == pytest.approx(30, abs=1e-6)
