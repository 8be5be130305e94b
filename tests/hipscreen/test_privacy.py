"""The face is hidden in the pictures hipscreen writes: overlay video and report key frames."""

from __future__ import annotations

from types import SimpleNamespace

import av
import numpy as np
import pytest

from hipscreen.overlay import write_overlay
from hipscreen.privacy import head_ellipse, head_ellipses, hide_head
from hipscreen.report_pdf import key_frames
from vision.landmarks import LANDMARK_NAMES
from vision.track import LandmarkTrack

# A front-on person in a 400 x 400 picture: a head about 40 px wide around (200, 98), ears at
# its sides, shoulders 80 px apart at y = 150, hips at y = 300.
FACE = {"nose": (200, 102), "left_eye_inner": (204, 95), "left_eye": (207, 95), "left_eye_outer": (210, 95),
        "right_eye_inner": (196, 95), "right_eye": (193, 95), "right_eye_outer": (190, 95),
        "left_ear": (220, 98), "right_ear": (180, 98), "mouth_left": (205, 110), "mouth_right": (195, 110)}
BODY = {"left_shoulder": (240, 150), "right_shoulder": (160, 150), "left_hip": (225, 300), "right_hip": (175, 300)}
HEAD_CENTRE, HEAD_RADIUS = np.array([200.0, 98.0]), 24.0  # crown at y = 74, chin at 122


def _landmarks(points: dict) -> np.ndarray:
    xy = np.full((len(LANDMARK_NAMES), 2), np.nan)
    for name, p in points.items():
        xy[LANDMARK_NAMES.index(name)] = p
    return xy


def _fine_pattern(size: int = 400) -> np.ndarray:
    """A one-pixel checkerboard in colour: any detail left in a region shows as neighbour differences."""
    yy, xx = np.mgrid[:size, :size]
    board = ((xx + yy) % 2 * 200 + 25).astype(np.uint8)
    return np.dstack([board, 255 - board, board])


def _head_disk(size: int = 400) -> np.ndarray:
    yy, xx = np.mgrid[:size, :size]
    return (xx - HEAD_CENTRE[0]) ** 2 + (yy - HEAD_CENTRE[1]) ** 2 <= HEAD_RADIUS ** 2


def _detail_left(img: np.ndarray, mask: np.ndarray) -> float:
    """Fraction of the masked pixels that still differ from their right-hand neighbour."""
    differs = np.any(img[:, 1:] != img[:, :-1], axis=2)
    return float(differs[mask[:, :-1]].mean())


@pytest.mark.parametrize("points", [{**FACE, **BODY}, BODY], ids=["face_seen", "face_not_seen"])
def test_the_whole_head_is_covered_and_the_body_below_the_neck_is_not(points):
    picture = _fine_pattern()
    hidden = hide_head(picture, head_ellipse(_landmarks(points)))
    head = _head_disk()
    assert _detail_left(picture, head) == 1.0
    # A mosaic of blocks several pixels wide: almost no pixel differs from its neighbour.
    assert _detail_left(hidden, head) < 0.25
    # The shoulders, the trunk and everything below are untouched (the skeleton is drawn there).
    assert np.array_equal(hidden[150:], picture[150:])
    # So is everything well to the side of the head.
    assert np.array_equal(hidden[:, :140], picture[:, :140]) and np.array_equal(hidden[:, 261:], picture[:, 261:])


def test_a_head_that_cannot_be_placed_leaves_the_picture_as_it_is():
    picture = _fine_pattern(50)
    assert np.isnan(head_ellipse(_landmarks({"left_knee": (10, 10)}))).all()
    assert np.array_equal(hide_head(picture, np.full(4, np.nan)), picture)


def test_a_frame_without_landmarks_takes_the_head_of_the_nearest_frame():
    known = _landmarks({**FACE, **BODY})
    moved = known + [30.0, 0.0]
    unknown = np.full_like(known, np.nan)
    heads = head_ellipses(np.stack([unknown, known, unknown, unknown, moved, unknown]))
    expected = [known, known, known, moved, moved, moved]  # frame 3 is nearer frame 4 than frame 1
    for got, frame in zip(heads, expected):
        np.testing.assert_array_equal(got, head_ellipse(frame))
    assert np.isnan(head_ellipses(np.stack([unknown, unknown]))).all()


# -- in the pictures written from a real video ------------------------------------------------------
# zarate_front.mp4 (628 x 628): the person stands near the middle, face at about (318, 70), against
# a white wall; their shoulders are at about y = 120.
REAL_FACE = {"nose": (318, 72), "left_eye": (326, 64), "right_eye": (310, 64), "left_ear": (338, 68),
             "right_ear": (298, 68), "mouth_left": (324, 84), "mouth_right": (312, 84)}
REAL_BODY = {"left_shoulder": (365, 122), "right_shoulder": (270, 122), "left_hip": (355, 290),
             "right_hip": (285, 290), "left_knee": (355, 430), "right_knee": (285, 430),
             "left_ankle": (355, 570), "right_ankle": (285, 570)}


def _real_track(n_frames: int) -> LandmarkTrack:
    xy = np.repeat(_landmarks({**REAL_FACE, **REAL_BODY})[None], n_frames, axis=0)
    return LandmarkTrack(times_s=np.arange(n_frames) / 25.0, xy_px=xy, visibility=np.ones((n_frames, 33)),
                         width=628, height=628)


def test_report_key_frames_hide_the_face_unless_asked_to_show_it(real_video):
    video = real_video("zarate_front.mp4")
    event = {"index": 0, "side": "left", "start_s": 0.6, "peak_s": 1.0, "end_s": 1.4,
             "at_peak": {"pelvic_drop_deg": 3.0, "trunk_lean_deg": 1.0, "knee_fppa_deg": 2.0,
                         "hip_adduction_deg": 4.0}}
    result = {"task": "step_down", "events": [event], "video": {"width": 628, "height": 628}}
    analysis = SimpleNamespace(result=result, track=_real_track(50))
    (hidden,) = key_frames(analysis, video_path=video)
    (shown,) = key_frames(analysis, video_path=video, hide_face=False)
    hidden, shown = np.asarray(hidden).astype(int), np.asarray(shown).astype(int)
    assert hidden.shape == shown.shape
    changed_rows = np.flatnonzero(np.abs(hidden - shown).max(axis=(1, 2)) > 0)
    # The points span y 64..570, padded by 15 % of that (76 px) and clipped to the frame: the
    # crop starts at y = 0 and keeps its 628 rows, so a row is the frame's y. The face is
    # changed; nothing from the shoulders (y = 122) down is.
    assert changed_rows.size > 20
    assert changed_rows.max() < 122
    # Without landmarks the head cannot be placed, so no picture is printed rather than a face.
    assert key_frames(SimpleNamespace(result=result, track=None), video_path=video) == []
    assert len(key_frames(SimpleNamespace(result=result, track=None), video_path=video, hide_face=False)) == 1


def _frames(path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24").astype(int) for f in container.decode(video=0)]


def test_overlay_video_hides_the_face_unless_asked_to_show_it(real_video, tmp_path):
    video = real_video("zarate_front.mp4")
    n = 6
    analysis = SimpleNamespace(result={"task": None, "events": []}, track=_real_track(n), series={},
                               video=SimpleNamespace(fps=25.0))
    hidden = _frames(write_overlay(video, analysis, tmp_path / "hidden.mp4"))
    shown = _frames(write_overlay(video, analysis, tmp_path / "shown.mp4", hide_face=False))
    assert len(hidden) == len(shown) == n
    for a, b in zip(hidden, shown):
        difference = np.abs(a - b).max(axis=2)
        assert difference[40:100, 295:340].mean() > 10  # the face
        # below the neck only the video coding's small ripples (it codes blocks of 16 pixels)
        assert difference[160:].mean() < 1.0


def test_batch_reports_hide_the_face_unless_asked_to_show_it(monkeypatch, tmp_path):
    """``hipscreen batch --pdf`` hands the choice to each report: hidden by default, shown with --show-face."""
    from typer.testing import CliRunner

    import hipscreen.batch
    import hipscreen.pipeline
    import hipscreen.report_pdf
    from hipscreen.cli import app

    video = tmp_path / "walk.mp4"
    video.write_bytes(b"")  # never decoded: the analysis is replaced below
    result = {"video": {"path": "walk.mp4"}, "task": None, "events": [], "flags": [], "sides": {}}
    asked = []
    monkeypatch.setattr(hipscreen.pipeline, "analyze", lambda path, options: SimpleNamespace(result=result))
    monkeypatch.setattr(hipscreen.report_pdf, "build_report",
                        lambda analysis, *, video_path, hide_face=True: asked.append(hide_face) or b"%PDF-")
    monkeypatch.setattr(hipscreen.batch.BatchOutcome, "write_csv", lambda self, path: None)
    monkeypatch.setattr(hipscreen.batch.BatchOutcome, "table_text", lambda self: "")

    runner = CliRunner()
    for extra in ([], ["--show-face"]):
        run = runner.invoke(app, ["batch", str(video), "--out", str(tmp_path / "out"), "--workers", "1", "--pdf", *extra])
        assert run.exit_code == 0, run.output
    assert asked == [True, False]
    assert (tmp_path / "out" / "walk.pdf").read_bytes() == b"%PDF-"
