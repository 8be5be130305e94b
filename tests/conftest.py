"""Fixtures shared by the whole suite: where the shared test material lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("HIPSCREEN_SHARED_DIR", REPO_ROOT.parent / "shared")).resolve()
SAMPLE_DIR = REPO_ROOT / "sample_videos"

# Tests and CI take the pose model from the shared folder, never from the network.
os.environ.setdefault("HIPSCREEN_MODEL_DIR", str(SHARED_DIR / "models"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.fail(f"shared test material not found at {SHARED_DIR} (set HIPSCREEN_SHARED_DIR)")
    return SHARED_DIR


@pytest.fixture(scope="session")
def real_video(shared_dir):
    """``real_video("zarate_front.mp4")`` -> path of a real test video."""

    def _get(name: str) -> Path:
        path = shared_dir / "videos" / "real" / name
        if not path.is_file():
            pytest.fail(f"missing shared test video {path}")
        return path

    return _get


@pytest.fixture(scope="session")
def model_path(shared_dir) -> Path:
    return shared_dir / "models" / "pose_landmarker_full.task"
