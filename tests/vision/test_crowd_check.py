"""The crowd check: a few frames looked at afresh for someone close to the person filmed."""

from __future__ import annotations

import numpy as np
import pytest

from metrics.quality import assess_quality
from vision.parallel import STILL_MAX_SIDE_PX, _Stills, crowd_check_times, with_crowd_check
from vision.track import LandmarkTrack

CLOSE_WARNING = "Someone else seems to be close to the person filmed"


def test_check_times_are_the_middles_of_equal_parts():
    assert crowd_check_times(8.0, 4) == [1.0, 3.0, 5.0, 7.0]
    assert crowd_check_times(8.0, 0) == []
    assert crowd_check_times(0.0, 16) == []


def test_the_first_frame_at_or_after_each_time_is_kept_once():
    stills = _Stills((0.25, 0.3, 1.0))
    for k in range(8):  # frames at 0, 0.2, ..., 1.4 s
        stills.offer(0.2 * k, np.full((2, 2, 3), k, np.uint8))
    # 0.25 and 0.3 are both first reached at 0.4 s: one picture for the two; 1.0 at 1.0 s
    assert [round(t, 6) for t, _ in stills.kept] == [0.4, 1.0]
    assert [int(rgb[0, 0, 0]) for _, rgb in stills.kept] == [2, 5]


def test_large_pictures_are_kept_shrunk_to_the_still_size():
    stills = _Stills((0.0,))
    stills.offer(0.0, np.zeros((1920, 1080, 3), np.uint8))
    assert stills.kept[0][1].shape == (STILL_MAX_SIDE_PX, 360, 3)  # 1080 * 640 / 1920


def test_counts_go_to_the_checked_frames_as_further_people():
    times = np.arange(10) / 10.0
    track = LandmarkTrack(times_s=times, xy_px=np.zeros((10, 33, 2)), visibility=np.ones((10, 33)),
                          width=100, height=200)
    stills = [(0.2, None), (0.5, None), (0.9, None)]
    checked = with_crowd_check(track, stills, [1, 3, 0])  # the person alone; two more; nobody found
    assert checked.crowd_check.tolist() == [-1, -1, 0, -1, -1, 2, -1, -1, -1, 0]
    assert checked.slice(4, 7).crowd_check.tolist() == [-1, 2, -1]


@pytest.mark.slow
def test_team_mates_beside_a_player_are_noticed(real_video, model_path):
    # A phone video of a basketball player from behind, one team-mate standing just behind
    # him and one bent over at his side (looked at frame by frame). The tracking landmarker
    # reports nobody else; the fresh look at single pictures finds the second body.
    from vision.pose import estimate_pose

    track = estimate_pose(real_video("shotform_upload_sample.mp4"), model_path=model_path, max_side=960)
    assert not np.any(track.extra_people)
    checked = track.crowd_check >= 0
    assert checked.sum() == 16
    assert (track.crowd_check > 0).sum() >= 2
    report = assess_quality(track)
    assert any(w.startswith(CLOSE_WARNING) for w in report.warnings)
    assert report.to_dict()["close_person_check"]["frames_checked"] == 16


@pytest.mark.slow
def test_one_person_alone_gets_no_such_warning(real_video, model_path):
    from vision.pose import estimate_pose

    track = estimate_pose(real_video("zarate_front.mp4"), model_path=model_path, max_side=960)
    assert (track.crowd_check >= 0).sum() == 16
    assert not np.any(track.crowd_check > 0)
    assert not any(w.startswith(CLOSE_WARNING) for w in assess_quality(track).warnings)
