"""Command-line mistakes get one line and exit code 2, never an "internal error".

A misspelt option or value, a missing file argument, or a file name starting with '-' is
bad input too: the person must see what is wrong and where the options are listed.
"""

from __future__ import annotations

import pytest

from tests.bad_input.runner import _NOISE, run_cli


@pytest.mark.parametrize(
    "args, words",
    [
        pytest.param(("analyze",), ("missing", "video"), id="missing_video"),
        pytest.param(("analyze", "x.mp4", "--task", "squat"), ("squat", "--task"), id="bad_task_value"),
        pytest.param(("analyze", "x.mp4", "--frobnicate"), ("no such option", "--frobnicate"), id="unknown_option"),
        pytest.param(("analyze", "-clip.mp4"), ("no such option", "--"), id="file_name_with_dash"),
        pytest.param(("analyze", "x.mp4", "--max-duration-s", "ten"), ("--max-duration-s", "number"), id="not_a_number"),
        pytest.param(("analyze", "x.mp4", "--time-limit-s", "-5"), ("time limit",), id="negative_time_limit"),
        pytest.param(("analyse", "x.mp4"), ("analyse",), id="unknown_command"),
        pytest.param(("analyze", "x.mp4", "--save"), ("--patient",), id="save_without_patient"),
        pytest.param(("analyze", "x.mp4", "--save", "--patient", "  "), ("--patient", "empty"), id="save_blank_patient"),
        pytest.param(("analyze", "x.mp4", "--save", "--patient", "P" * 65), ("--patient", "65 characters"),
                     id="save_patient_code_too_long"),
        pytest.param(("analyze", "x.mp4", "--patient", "P-1", "--filmed-on", "2026-10-01"), ("--save",),
                     id="filmed_on_without_save"),
        pytest.param(("analyze", "x.mp4", "--save", "--patient", "P-1", "--filmed-on", "1/10/2026"),
                     ("--filmed-on", "%Y-%m-%d"), id="filmed_on_not_a_date"),
    ],
)
def test_command_line_mistakes_get_one_clear_line(args, words, tmp_path):
    run = run_cli(*args, cwd=tmp_path, timeout_s=60, env={"HIPSCREEN_DB": str(tmp_path / "sessions.db")})
    lines = run.stderr_lines
    assert run.returncode == 2, run.describe()
    assert len(lines) == 1 and lines[0].startswith("hipscreen: "), run.describe()
    assert not _NOISE.search(run.stderr), run.describe()
    assert "internal error" not in run.stderr, run.describe()
    low = lines[0].lower()
    assert all(w.lower() in low for w in words), lines[0]
    assert not (tmp_path / "sessions.db").exists(), "a mistaken command must not create the session database"


def test_no_arguments_shows_the_help_without_an_error(tmp_path):
    run = run_cli(cwd=tmp_path, timeout_s=60)
    assert "Usage" in run.stdout + run.stderr
    assert "internal error" not in run.stderr, run.describe()
    assert run.returncode in (0, 2), run.describe()
