"""Fixtures of the dashboard tests: a short real clip and a private session database."""

from __future__ import annotations

import pytest

# A short real clip that the whole pipeline measures in a few seconds: 100 frames of
# single-leg balancing filmed from the front (see ../shared/README.md).
APP_TEST_VIDEO = "pose2sim_single_cam01.mp4"


@pytest.fixture
def app_video(real_video):
    return real_video(APP_TEST_VIDEO)


@pytest.fixture
def private_db(tmp_path, monkeypatch):
    """HIPSCREEN_DB pointing at a fresh SQLite file, so tests never touch a user's data."""
    path = tmp_path / "sessions.db"
    monkeypatch.setenv("HIPSCREEN_DB", str(path))
    return path
