"""Limits: file size, duration, frame size and analysis time, refused early and clearly.

A hostile or careless upload (an hour-long recording, a 3 GB file, a giant frame) must be
refused from the file's header in a moment, not after decoding it, and one analysis must
not run for ever.
"""

from __future__ import annotations

import os
import time

import pytest

from tests.bad_input import corpus as C
from tests.bad_input.runner import mentions, problems_with_refusal, run_cli
from vision.decode import DecodeLimits, probe_video
from vision.errors import InputProblem

FAST_S = 2.0
"""Refusing from the header takes milliseconds; decoding the 19,800 frames of the long
clip takes about 8 s here, so 2 s separates "checked first" from "decoded first"."""


def refused(path, limits=None) -> tuple[InputProblem, float]:
    start = time.monotonic()
    with pytest.raises(InputProblem) as caught:
        probe_video(path, limits=limits)
    return caught.value, time.monotonic() - start


def test_ten_minute_video_is_refused_fast_under_a_five_minute_limit(corpus):
    problem, seconds = refused(corpus.path("long_tiny"), DecodeLimits(max_duration_s=300))
    assert problem.code == "too_long"
    assert seconds < FAST_S
    assert f"{C.LONG_TINY_DURATION_S} s" in str(problem) and "300 s" in str(problem)


def test_default_duration_limit_refuses_an_eleven_minute_video(corpus):
    problem, seconds = refused(corpus.path("long_tiny"))
    assert problem.code == "too_long"
    assert seconds < FAST_S


def test_long_video_is_accepted_when_the_limit_allows_it(corpus):
    info = probe_video(corpus.path("long_tiny"), limits=DecodeLimits(max_duration_s=3600))
    assert info.duration_s == pytest.approx(C.LONG_TINY_DURATION_S, abs=0.1)


def test_file_size_limit(corpus):
    path = corpus.path("base")
    size_mb = path.stat().st_size / 1e6
    problem, seconds = refused(path, DecodeLimits(max_file_size_mb=size_mb / 2))
    assert problem.code == "too_large"
    assert "MB" in str(problem) and seconds < FAST_S
    assert probe_video(path, limits=DecodeLimits(max_file_size_mb=size_mb * 2)).frames == 125


def test_huge_file_is_refused_without_reading_it(tmp_path):
    """A 3 GB file (sparse: nothing on disk) is refused by its size alone."""
    path = tmp_path / "huge.mp4"
    with open(path, "wb") as handle:
        handle.truncate(3 * 10**9)
    problem, seconds = refused(path)
    assert problem.code == "too_large"
    assert "3000 MB" in str(problem)
    assert seconds < FAST_S


def test_size_is_checked_before_the_content(tmp_path):
    """Random bytes over the size limit are refused for their size, not parsed."""
    path = tmp_path / "noise.mp4"
    path.write_bytes(os.urandom(2_000_000))
    problem, _ = refused(path, DecodeLimits(max_file_size_mb=1))
    assert problem.code == "too_large"


def test_resolution_limit(corpus):
    path = corpus.path("base")
    problem, seconds = refused(path, DecodeLimits(max_pixels=C.BASE_WIDTH * C.BASE_HEIGHT - 1))
    assert problem.code == "resolution_too_high"
    assert f"{C.BASE_WIDTH}x{C.BASE_HEIGHT}" in str(problem) and seconds < FAST_S
    probe_video(path, limits=DecodeLimits(max_pixels=C.BASE_WIDTH * C.BASE_HEIGHT))


def test_eight_k_is_within_the_default_limits(corpus):
    info = probe_video(corpus.path("resolution_8k"))
    assert (info.width, info.height) == C.EIGHT_K


def test_eight_k_is_refused_under_a_4k_limit(corpus):
    problem, seconds = refused(corpus.path("resolution_8k"), DecodeLimits(max_pixels=3840 * 2160))
    assert problem.code == "resolution_too_high"
    assert seconds < FAST_S


# -- through the command line --------------------------------------------------------------


def check_refused(run, *words):
    problems = problems_with_refusal(run)
    assert not problems, "; ".join(problems) + "\n" + run.describe()
    assert mentions(run.message, words), run.message


CLI_FAST_S = 30.0
"""Starting the CLI (Python, PyAV, MediaPipe imports) takes 2-3 s, up to 15 s on a machine
busy with other work; running the pose model over the 19,800 frames of the long clip would
take several minutes."""


def test_cli_refuses_an_eleven_minute_video_before_running_the_pose_model(corpus, tmp_path):
    run = run_cli("analyze", corpus.path("long_tiny"), "--json", "-", cwd=tmp_path)
    check_refused(run, "longer than")
    assert run.seconds < CLI_FAST_S


@pytest.mark.parametrize(
    "option, value, words",
    [
        pytest.param("--max-duration-s", "3", ("longer than the 3 s",), id="duration"),
        pytest.param("--max-file-size-mb", "0.05", ("more than the 0.05 MB accepted",), id="file_size"),
        pytest.param("--max-pixels", "50000", ("pixels",), id="resolution"),
    ],
)
def test_cli_limits_are_configurable(corpus, tmp_path, option, value, words):
    run = run_cli("analyze", corpus.path("base"), "--json", "-", option, value, cwd=tmp_path)
    check_refused(run, *words)
    assert run.seconds < CLI_FAST_S


def test_cli_limits_from_the_environment(corpus, tmp_path):
    run = run_cli("analyze", corpus.path("base"), "--json", "-", cwd=tmp_path, env={"HIPSCREEN_MAX_DURATION_S": "3"})
    check_refused(run, "longer than the 3 s")


@pytest.mark.slow
def test_cli_time_limit_stops_a_long_analysis(corpus, tmp_path):
    """The slow-motion clip (300 frames) takes several seconds of pose estimation; 1 s stops it."""
    run = run_cli("analyze", corpus.path("slowmo_240fps"), "--json", "-", "--time-limit-s", "1", cwd=tmp_path)
    check_refused(run, "time limit")
    assert run.seconds < CLI_FAST_S


@pytest.mark.slow
def test_time_limit_in_the_library(corpus):
    from hipscreen.pipeline import AnalysisOptions, analyze

    with pytest.raises(InputProblem) as caught:
        analyze(corpus.path("slowmo_240fps"), options=AnalysisOptions(max_analysis_s=0.5))
    assert caught.value.code == "time_limit"
