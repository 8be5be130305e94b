"""The session database: each patient's analysed sessions over time, in one SQLite file.

A *patient* is identified by a code chosen by the clinic (a pseudonym such as
``"P-014"``; the tool never asks for a name). A *session* is one analysed video of that
patient: when it was recorded, the task, the view and the whole JSON result of
``docs/OUTPUT.md``, so that later versions of the dashboard can re-read every number.

The file lives where :func:`default_db_path` says: ``$HIPSCREEN_DB`` if set (tests, a
clinic's shared folder), else the per-user data folder of the operating system.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import DateTime, ForeignKey, String, Text, create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

DB_ENV_VAR = "HIPSCREEN_DB"
MAX_PATIENT_CODE_CHARS = 64


def default_db_path() -> Path:
    """Where the session database lives unless told otherwise.

    ``$HIPSCREEN_DB`` if set; otherwise ``sessions.db`` in the per-user data folder:
    ``%APPDATA%\\hipscreen`` on Windows, ``~/Library/Application Support/hipscreen`` on
    macOS, ``$XDG_DATA_HOME/hipscreen`` (default ``~/.local/share/hipscreen``) elsewhere.
    """
    explicit = os.environ.get(DB_ENV_VAR)
    if explicit:
        return Path(explicit).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "hipscreen" / "sessions.db"


# -- schema -----------------------------------------------------------------------------
class _Base(DeclarativeBase):
    pass


class PatientRow(_Base):
    """One patient, known only by the clinic's code."""

    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(MAX_PATIENT_CODE_CHARS), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sessions: Mapped[list["SessionRow"]] = relationship(
        back_populates="patient", cascade="all, delete-orphan", order_by="SessionRow.recorded_at"
    )


class SessionRow(_Base):
    """One analysed video of a patient, with its whole JSON result."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    task: Mapped[str] = mapped_column(String(32), index=True)
    view: Mapped[str] = mapped_column(String(16))
    video_name: Mapped[str] = mapped_column(String(255))
    video_sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    result_json: Mapped[str] = mapped_column(Text)
    patient: Mapped[PatientRow] = relationship(back_populates="sessions")


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record) -> None:  # noqa: ARG001
    """SQLite enforces foreign keys (and so the cascade) only when asked per connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


# -- what callers get back ------------------------------------------------------------
@dataclass(frozen=True)
class StoredSession:
    """A session read back from the database.

    ``recorded_at`` is timezone-aware UTC; ``result`` is the JSON result dict as saved.
    """

    id: int
    patient_code: str
    recorded_at: datetime
    task: str
    view: str
    video_name: str
    video_sha256: str
    note: str
    result: dict


def _utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC; aware ones are converted to UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def clean_patient_code(patient_code: str) -> str:
    """The code as stored: surrounding and repeated spaces removed.

    Raises
    ------
    ValueError
        When it is empty or longer than ``MAX_PATIENT_CODE_CHARS``; the message says which.
    """
    code = " ".join(str(patient_code).split())
    if not code:
        raise ValueError("the patient code is empty")
    if len(code) > MAX_PATIENT_CODE_CHARS:
        raise ValueError(f"the patient code has {len(code)} characters, more than {MAX_PATIENT_CODE_CHARS}")
    return code


class SessionStore:
    """The patients' sessions in one SQLite file.

    Parameters
    ----------
    path
        The database file; created with its folder if missing. Default
        :func:`default_db_path`.

    Examples
    --------
    >>> store = SessionStore(tmp_path / "sessions.db")            # doctest: +SKIP
    >>> store.add_session("P-014", analysis.result, video_name="step.mp4")  # doctest: +SKIP
    >>> [s.recorded_at for s in store.sessions("P-014")]           # doctest: +SKIP
    """

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._engine = create_engine(f"sqlite:///{self.path}", future=True)
        _Base.metadata.create_all(self._engine)

    def close(self) -> None:
        """Release the file (its connection pool)."""
        self._engine.dispose()

    def __enter__(self) -> "SessionStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ----------------------------------------------------------------------
    def add_session(
        self,
        patient_code: str,
        result: dict,
        *,
        recorded_at: datetime | None = None,
        video_name: str = "",
        video_sha256: str = "",
        note: str = "",
    ) -> int:
        """Save one analysed session; the patient is created on first use.

        Parameters
        ----------
        patient_code
            The clinic's code for the patient (surrounding and repeated spaces removed).
        result
            The JSON result dict (``Analysis.result``); stored whole.
        recorded_at
            When the video was filmed; default now (UTC).

        Returns
        -------
        int
            The new session's id.
        """
        code = clean_patient_code(patient_code)
        now = datetime.now(timezone.utc)
        text = json.dumps(result, allow_nan=False, sort_keys=True)
        with Session(self._engine) as db, db.begin():
            patient = db.scalar(select(PatientRow).where(PatientRow.code == code))
            if patient is None:
                patient = PatientRow(code=code, created_at=now)
                db.add(patient)
            row = SessionRow(
                patient=patient,
                recorded_at=_utc(recorded_at or now),
                saved_at=now,
                task=str(result.get("task") or "unknown"),
                view=str(result.get("view") or "unknown"),
                video_name=Path(video_name).name[:255] if video_name else "",
                video_sha256=video_sha256,
                note=note,
                result_json=text,
            )
            db.add(row)
            db.flush()
            return int(row.id)

    def delete_session(self, session_id: int) -> bool:
        """Remove one session; ``False`` if there was none with that id."""
        with Session(self._engine) as db, db.begin():
            row = db.get(SessionRow, session_id)
            if row is None:
                return False
            db.delete(row)
            return True

    # -- reading ----------------------------------------------------------------------
    def saved_already(self, patient_code: str, result: dict, *, video_sha256: str) -> int | None:
        """The id of a session of this patient with the same video and the same result, if any.

        Saving the same analysis of the same video twice would count one session twice in
        the patient's history.
        """
        for stored in self.sessions(patient_code):
            if stored.video_sha256 == video_sha256 and stored.result == result:
                return stored.id
        return None

    def patient_codes(self) -> list[str]:
        """Every patient's code, sorted."""
        with Session(self._engine) as db:
            return list(db.scalars(select(PatientRow.code).order_by(PatientRow.code)))

    def sessions(self, patient_code: str, *, task: str | None = None) -> list[StoredSession]:
        """A patient's sessions, oldest first; only one task's if ``task`` is given."""
        code = clean_patient_code(patient_code)
        query = (
            select(SessionRow)
            .join(SessionRow.patient)
            .where(PatientRow.code == code)
            .order_by(SessionRow.recorded_at, SessionRow.id)
        )
        if task is not None:
            query = query.where(SessionRow.task == task)
        with Session(self._engine) as db:
            return [
                StoredSession(
                    id=row.id,
                    patient_code=code,
                    recorded_at=_utc(row.recorded_at),
                    task=row.task,
                    view=row.view,
                    video_name=row.video_name,
                    video_sha256=row.video_sha256,
                    note=row.note,
                    result=json.loads(row.result_json),
                )
                for row in db.scalars(query)
            ]


def history_rows(sessions: list[StoredSession]) -> list[dict]:
    """The per-side mean peak values of each session, one row per session, side and angle.

    Returns
    -------
    list of dict
        ``{"session_id", "recorded_at", "task", "side", "angle", "mean_deg", "sd_deg",
        "events"}``, oldest session first. Sides without events, and angles the result
        could not measure (``null``), are left out rather than given a made-up value.
    """
    rows = []
    for stored in sessions:
        sides = stored.result.get("sides") or {}
        for side in ("left", "right"):
            summary = sides.get(side) or {}
            if not summary.get("events"):
                continue
            for angle, stats in summary.items():
                if not angle.endswith("_deg") or not isinstance(stats, dict):
                    continue
                mean = stats.get("mean")
                if mean is None:
                    continue
                rows.append(
                    {
                        "session_id": stored.id,
                        "recorded_at": stored.recorded_at,
                        "task": stored.task,
                        "side": side,
                        "angle": angle,
                        "mean_deg": float(mean),
                        "sd_deg": None if stats.get("sd") is None else float(stats["sd"]),
                        "events": int(summary["events"]),
                    }
                )
    return rows
