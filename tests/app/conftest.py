"""Fixtures of the dashboard tests: a short real clip and a private session database."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLE_DIR

# A short clip that the whole pipeline measures in a few seconds, filmed square from the
# front and with compensations to flag: a rendered step-down on the right leg with pelvic
# drop and knee valgus (240 frames, sample_videos/README.md).
APP_TEST_VIDEO = SAMPLE_DIR / "step_down_right_front_drop_valgus.mp4"


@pytest.fixture
def app_video():
    return APP_TEST_VIDEO


@pytest.fixture
def private_db(tmp_path, monkeypatch):
    """HIPSCREEN_DB pointing at a fresh SQLite file, so tests never touch a user's data."""
    path = tmp_path / "sessions.db"
    monkeypatch.setenv("HIPSCREEN_DB", str(path))
    return path
