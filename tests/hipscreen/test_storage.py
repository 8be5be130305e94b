"""The session database on a real SQLite file."""

from __future__ import annotations

import sqlite3
import sys
from datetime import datetime, timedelta, timezone

import pytest

from hipscreen.storage import SessionStore, default_db_path, history_rows


def _result(task: str, *, right_drop: float, left_drop: float | None, events: int = 5) -> dict:
    sides = {
        "right": {"events": events, "pelvic_drop_deg": {"mean": right_drop, "sd": 0.5},
                  "knee_fppa_deg": {"mean": 12.0, "sd": 1.0}},
        "left": {"events": 0 if left_drop is None else events,
                 "pelvic_drop_deg": {"mean": left_drop, "sd": None if left_drop is None else 0.4}},
    }
    return {"schema_version": 1, "task": task, "view": "front", "sides": sides, "events": [], "flags": []}


def test_round_trip_on_a_real_file(tmp_path):
    path = tmp_path / "nested" / "sessions.db"
    first = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)
    with SessionStore(path) as store:
        id_a = store.add_session("P-014", _result("step_down", right_drop=6.0, left_drop=4.0),
                                 recorded_at=first + timedelta(days=14), video_name="/tmp/x/b.mp4")
        id_b = store.add_session("P-014", _result("step_down", right_drop=9.5, left_drop=4.5),
                                 recorded_at=first, video_name="a.mp4", video_sha256="ab" * 32)
        store.add_session("P-002", _result("gait", right_drop=3.0, left_drop=3.0), recorded_at=first)
    assert path.is_file()

    # A fresh connection on the same file sees everything, oldest session first.
    with SessionStore(path) as store:
        assert store.patient_codes() == ["P-002", "P-014"]
        got = store.sessions("P-014")
        assert [s.id for s in got] == [id_b, id_a]
        assert got[0].recorded_at == first
        assert got[0].recorded_at.tzinfo is not None
        assert got[0].video_sha256 == "ab" * 32
        assert got[1].video_name == "b.mp4"  # never a path from the uploader's machine
        assert got[0].result == _result("step_down", right_drop=9.5, left_drop=4.5)
        assert store.sessions("P-014", task="gait") == []
        assert len(store.sessions("P-002", task="gait")) == 1

    # The file is plain SQLite with the two tables.
    with sqlite3.connect(path) as con:
        tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
        assert {"patients", "sessions"} <= tables
        assert con.execute("select count(*) from sessions").fetchone()[0] == 3


def test_patient_code_is_normalised_and_checked(tmp_path):
    with SessionStore(tmp_path / "s.db") as store:
        store.add_session("  P-1 ", _result("gait", right_drop=1, left_drop=1))
        store.add_session("P-1", _result("gait", right_drop=2, left_drop=2))
        assert store.patient_codes() == ["P-1"]
        assert len(store.sessions("P-1")) == 2
        with pytest.raises(ValueError, match="empty"):
            store.add_session("   ", _result("gait", right_drop=1, left_drop=1))
        with pytest.raises(ValueError, match="65 characters, more than 64"):
            store.add_session("x" * 65, _result("gait", right_drop=1, left_drop=1))


def test_the_same_analysis_of_the_same_video_is_found_as_saved(tmp_path):
    walk = _result("gait", right_drop=1, left_drop=1)
    with SessionStore(tmp_path / "s.db") as store:
        first = store.add_session("P-1", walk, video_sha256="a" * 64)
        assert store.saved_already(" P-1", walk, video_sha256="a" * 64) == first
        # another video, another result, or another patient: not the same session
        assert store.saved_already("P-1", walk, video_sha256="b" * 64) is None
        assert store.saved_already("P-1", _result("gait", right_drop=2, left_drop=1), video_sha256="a" * 64) is None
        assert store.saved_already("P-2", walk, video_sha256="a" * 64) is None


def test_nan_is_refused_not_stored(tmp_path):
    bad = _result("gait", right_drop=float("nan"), left_drop=1.0)
    with SessionStore(tmp_path / "s.db") as store:
        with pytest.raises(ValueError):
            store.add_session("P-1", bad)
        assert store.sessions("P-1") == []


def test_delete_session(tmp_path):
    with SessionStore(tmp_path / "s.db") as store:
        sid = store.add_session("P-1", _result("gait", right_drop=1, left_drop=1))
        assert store.delete_session(sid) is True
        assert store.delete_session(sid) is False
        assert store.sessions("P-1") == []


def test_default_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("HIPSCREEN_DB", str(tmp_path / "env.db"))
    assert default_db_path() == tmp_path / "env.db"
    monkeypatch.delenv("HIPSCREEN_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert default_db_path() == tmp_path / "xdg" / "hipscreen" / "sessions.db"
    assert default_db_path().name == "sessions.db"


def test_history_rows_skip_sides_without_events_and_null_values(tmp_path):
    with SessionStore(tmp_path / "s.db") as store:
        store.add_session("P-1", _result("step_down", right_drop=6.0, left_drop=None),
                          recorded_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
        rows = history_rows(store.sessions("P-1"))
    assert {(r["side"], r["angle"], r["mean_deg"]) for r in rows} == {
        ("right", "pelvic_drop_deg", 6.0),
        ("right", "knee_fppa_deg", 12.0),
    }
    assert all(r["events"] == 5 for r in rows)
