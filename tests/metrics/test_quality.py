"""Quality checks on synthetic tracks whose framing problems are known by construction."""

import numpy as np
import pytest

from metrics.quality import ObliqueViewParams, assess_quality, check_oblique_view, intervals
from vision.errors import InputProblem
from vision.landmarks import LANDMARK_NAMES, Landmark
from vision.track import LandmarkTrack

W, H = 720, 1280


def standing_track(n=90, fps=30.0, extra_people=None):
    """A person standing in the middle of a 720x1280 frame, all landmarks well seen."""
    t = np.arange(n) / fps
    xy = np.zeros((n, len(LANDMARK_NAMES), 2))
    xy[:, :, 0] = W / 2
    xy[:, :, 1] = np.linspace(200, 1100, len(LANDMARK_NAMES))  # inside the frame
    vis = np.full((n, len(LANDMARK_NAMES)), 0.95)
    return LandmarkTrack(times_s=t, xy_px=xy, visibility=vis, width=W, height=H,
                         extra_people=None if extra_people is None else np.asarray(extra_people))


def with_feet_below_frame(track, frames):
    xy = track.xy_px.copy()
    for name in ("left_ankle", "right_ankle", "left_heel", "right_heel", "left_foot_index", "right_foot_index"):
        xy[frames, Landmark[name.upper()], 1] = H + 100
    return track.with_xy(xy)


def test_clean_video_has_no_warnings():
    report = assess_quality(standing_track())
    assert report.frames_with_pose == 1.0
    assert report.feet_out_of_frame_frac == 0.0
    assert report.warnings == ()


def test_feet_out_for_a_while_gives_a_timed_warning():
    track = with_feet_below_frame(standing_track(), slice(30, 45))  # 1.0 s to 1.467 s
    report = assess_quality(track)
    assert report.feet_out_of_frame_frac == pytest.approx(15 / 90)
    assert any("out of the frame from 1.0 s to 1.5 s" in w for w in report.warnings)


def test_a_foot_hidden_inside_the_picture_is_called_hidden_not_out_of_the_frame():
    track = standing_track()
    vis = track.visibility.copy()
    for name in ("right_ankle", "right_heel", "right_foot_index"):  # behind the other leg from 1.0 s to 1.5 s
        vis[30:45, Landmark[name.upper()]] = 0.1
    report = assess_quality(LandmarkTrack(times_s=track.times_s, xy_px=track.xy_px, visibility=vis, width=W, height=H))
    assert report.feet_out_of_frame_frac == 0.0
    assert not any("out of the frame" in w for w in report.warnings)
    assert any("hidden (behind the other leg" in w and "from 1.0 s to 1.5 s" in w for w in report.warnings)


def test_a_foot_placed_at_the_edge_of_the_picture_is_out_of_the_frame_not_hidden():
    track = standing_track()
    xy, vis = track.xy_px.copy(), track.visibility.copy()
    for name in ("right_ankle", "right_heel", "right_foot_index"):  # poorly seen, 2% above the bottom edge
        xy[30:45, Landmark[name.upper()], 1] = 0.98 * H
        vis[30:45, Landmark[name.upper()]] = 0.1
    report = assess_quality(LandmarkTrack(times_s=track.times_s, xy_px=xy, visibility=vis, width=W, height=H))
    assert any("out of the frame from 1.0 s to 1.5 s" in w for w in report.warnings)
    assert not any("hidden" in w for w in report.warnings)


def test_a_foot_hidden_most_of_the_time_is_not_refused_as_out_of_the_frame():
    track = standing_track()
    vis = track.visibility.copy()
    for name in ("right_ankle", "right_heel", "right_foot_index"):  # behind the other leg for 2 of 3 s
        vis[:60, Landmark[name.upper()]] = 0.1
    report = assess_quality(LandmarkTrack(times_s=track.times_s, xy_px=track.xy_px, visibility=vis, width=W, height=H))
    assert any("hidden (behind the other leg" in w for w in report.warnings)


def test_feet_out_most_of_the_time_is_refused():
    track = with_feet_below_frame(standing_track(), slice(0, 60))
    with pytest.raises(InputProblem) as info:
        assess_quality(track)
    assert info.value.code == "feet_out_of_frame"
    assert "feet" in str(info.value) and "\n" not in str(info.value)


def test_no_pose_at_all_is_refused():
    track = standing_track()
    track = track.with_xy(np.full_like(track.xy_px, np.nan))
    with pytest.raises(InputProblem) as info:
        assess_quality(track)
    assert info.value.code == "no_person"


def test_too_short_is_refused():
    with pytest.raises(InputProblem) as info:
        assess_quality(standing_track(n=20))  # 0.63 s of pose
    assert info.value.code == "too_short"


@pytest.mark.parametrize(
    "share, refused",
    [pytest.param(0.5, True, id="second-person-half-the-time"), pytest.param(0.1, False, id="second-person-briefly")],
)
def test_second_person(share, refused):
    extra = np.zeros(90, int)
    extra[: int(90 * share)] = 1
    track = standing_track(extra_people=extra)
    if refused:
        with pytest.raises(InputProblem) as info:
            assess_quality(track)
        assert info.value.code == "several_people"
    else:
        report = assess_quality(track)
        assert report.extra_person_frac == pytest.approx(share)
        assert any("second person" in w for w in report.warnings)


@pytest.mark.parametrize(
    "found, tracked_extra, warned",
    [pytest.param(2, 0, True, id="two-of-sixteen"), pytest.param(1, 0, False, id="one-of-sixteen-is-chance"),
     pytest.param(5, 9, False, id="second-person-already-reported")],
)
def test_someone_close_found_in_the_checked_pictures(found, tracked_extra, warned):
    from dataclasses import replace

    extra = np.zeros(90, int)
    extra[:tracked_extra] = 1
    check = np.full(90, -1)
    check[2::6][:16] = 0  # 15 frames checked (2, 8, ..., 86) plus one more below
    check[89] = 0
    check[np.flatnonzero(check >= 0)[:found]] = 1
    report = assess_quality(replace(standing_track(extra_people=extra), crowd_check=check))
    close = [w for w in report.warnings if w.startswith("Someone else seems to be close")]
    assert bool(close) == warned
    if warned:
        assert f"in {found} of 16 pictures checked" in close[0]
    assert report.to_dict()["close_person_check"] == {"frames_checked": 16, "with_another_body": found}
    assert assess_quality(standing_track()).to_dict()["close_person_check"] is None  # not checked


def test_hidden_but_in_frame_is_a_warning_not_a_refusal():
    track = standing_track()
    vis = track.visibility.copy()
    vis[:, Landmark.RIGHT_KNEE] = 0.3  # behind the other leg, still in the picture
    track = LandmarkTrack(times_s=track.times_s, xy_px=track.xy_px, visibility=vis, width=W, height=H)
    report = assess_quality(track)
    assert report.low_visibility == {"right_knee": 1.0}
    assert any("right knee" in w for w in report.warnings)


def test_intervals_are_runs_of_true():
    t = np.arange(10) * 0.1
    mask = np.array([0, 1, 1, 0, 0, 1, 1, 1, 1, 0], bool)
    assert intervals(mask, t) == [(0.1, 0.2), (0.5, 0.8)]
    assert intervals(mask, t, min_duration_s=0.25) == [(0.5, 0.8)]


# -- oblique view ----------------------------------------------------------------------


def test_square_enough_view_has_no_oblique_warning():
    for yaw in (0.0, 12.0, -24.9):
        assert not check_oblique_view(yaw, view="front").warned
    assert not check_oblique_view(None, view="back").warned  # unknown: nothing said


def test_front_oblique_view_warns_both_readers_with_geometry():
    oblique = check_oblique_view(30.0, view="front")
    assert oblique.warned
    assert "30 degrees from straight in front" in oblique.patient_text
    assert "square to the phone" in oblique.patient_text
    text = oblique.clinician_text
    assert "+30 deg" in text and "left side" in text
    # 1/cos 30 = 1.1547, sin 30 = 0.5; a true 8 deg drop: atan(tan 8 / cos 30) = 9.21 deg;
    # 20 deg of forward flexion: atan(tan 20 sin 30) = 10.3 deg; 60 deg of knee flexion:
    # 2 atan(tan 30 sin 30) = 32.2 deg.
    for figure in ("1.15", "0.50", "reads 9.2", "about 10 deg of apparent trunk lean", "about 32 deg of apparent FPPA"):
        assert figure in text, figure


def test_back_oblique_view_names_the_back_and_the_side():
    oblique = check_oblique_view(-35.0, view="back")
    assert oblique.warned
    assert "straight behind" in oblique.patient_text and "back square" in oblique.patient_text
    assert "-35 deg" in oblique.clinician_text and "right side" in oblique.clinician_text


def test_steep_view_is_refused_like_a_side_view_unless_the_view_was_chosen():
    with pytest.raises(InputProblem) as raised:
        check_oblique_view(-55.0, view="front")
    assert raised.value.code == "side_view"
    assert "55 degrees" in str(raised.value) and "square to the phone" in str(raised.value)
    assert check_oblique_view(-55.0, view="front", refuse=False).warned


def test_oblique_view_of_unknown_side_from_widths():
    oblique = check_oblique_view(None, view="front", magnitude_deg=40.0)
    assert oblique.warned and "side unknown" in oblique.clinician_text
    custom = ObliqueViewParams(warning_deg=45.0, refuse_deg=60.0)
    assert not check_oblique_view(None, view="front", magnitude_deg=40.0, params=custom).warned
