"""``hipscreen batch`` over a mixed folder: every video accounted for, nothing overwritten.

A clinic's day of uploads holds good videos, broken ones and files that happen to share a
name. Each good video must get its own JSON and row in ``summary.csv``; each bad one one
line on stderr naming it; the exit code 2 says some were not analysed.
"""

from __future__ import annotations

import csv
import shutil

import pytest

from tests.bad_input.runner import _NOISE, run_cli

pytestmark = pytest.mark.slow


def test_batch_accounts_for_every_video(corpus, tmp_path):
    day1, day2, out = tmp_path / "monday", tmp_path / "tuesday", tmp_path / "out"
    day1.mkdir()
    day2.mkdir()
    shutil.copyfile(corpus.path("base"), day1 / "walk.mp4")
    shutil.copyfile(corpus.path("hevc"), day2 / "walk.mp4")  # same name, another video
    shutil.copyfile(corpus.path("zero_bytes"), day1 / "empty.mp4")
    shutil.copyfile(corpus.path("text_as_mp4"), day1 / "notes.mp4")

    run = run_cli("batch", day1, day2, "--out", out, "--workers", "1", "--pdf", cwd=tmp_path)

    assert run.returncode == 2, run.describe()
    assert not _NOISE.search(run.stderr), run.describe()
    lines = run.stderr_lines
    assert len(lines) == 2, run.describe()
    assert any("empty.mp4" in line and "empty" in line.split("empty.mp4", 1)[1] for line in lines), lines
    assert any("notes.mp4" in line and "not a video" in line for line in lines), lines
    assert all(line.startswith("hipscreen: ") for line in lines), lines

    results = sorted(p.name for p in out.glob("*.json"))
    assert len(results) == 2, f"two different videos named walk.mp4 must give two results, got {results}"
    # Each analysed video has its report beside its JSON; the refused ones have none.
    reports = sorted(p.name for p in out.glob("*.pdf"))
    assert reports == [name.replace(".json", ".pdf") for name in results]
    assert all((out / name).read_bytes().startswith(b"%PDF") for name in reports)
    with open(out / "summary.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    videos = {row["video"] for row in rows}
    assert len(videos) == 2, f"summary.csv must tell the two walk.mp4 apart, got {sorted(videos)}"
