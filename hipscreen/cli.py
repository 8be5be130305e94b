"""The ``hipscreen`` command line (docs/OUTPUT.md).

Exit codes: 0 success; 2 bad input or bad option, with one line on stderr saying what is
wrong and what to do; 1 an unexpected internal error (one line; set HIPSCREEN_DEBUG=1
for the traceback).
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import datetime, time, timezone
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from vision.errors import InputProblem

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Frontal-plane movement assessment (pelvic drop, trunk lean, knee valgus, hip adduction) from phone video.",
)


class Task(str, Enum):
    auto = "auto"
    step_down = "step_down"
    single_leg_squat = "single_leg_squat"
    single_leg_stance = "single_leg_stance"
    gait = "gait"


class Side(str, Enum):
    auto = "auto"
    left = "left"
    right = "right"


class View(str, Enum):
    auto = "auto"
    front = "front"
    back = "back"


class Model(str, Enum):
    lite = "lite"
    full = "full"
    heavy = "heavy"


class Audience(str, Enum):
    clinician = "clinician"
    patient = "patient"


class ProgressBar:
    """A progress bar on stderr, shown only when stderr is a terminal."""

    def __init__(self, label: str) -> None:
        self._bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=100, desc=label, unit="%", file=sys.stderr, leave=False, bar_format="{desc} {bar} {percentage:3.0f}%")

    def __call__(self, fraction: float) -> None:
        if self._bar is not None:
            self._bar.n = int(round(100 * min(max(fraction, 0.0), 1.0)))
            self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _fail(message: str, code: int) -> None:
    print(f"hipscreen: {message}", file=sys.stderr)
    raise typer.Exit(code)


def summary_text(result: dict) -> str:
    """A short human-readable summary of a result for the terminal."""
    from hipscreen.report_text import summary_lines

    return "\n".join(summary_lines(result)) + "\n"


@app.command()
def analyze(
    video: Path = typer.Argument(..., help="The video file to analyse."),
    task: Task = typer.Option(Task.auto, help="What the person does; auto detects it."),
    side: Side = typer.Option(Side.auto, help="Stance limb of a single-leg task; auto detects it."),
    view: View = typer.Option(View.auto, help="Filmed from the front or from behind; auto detects it."),
    model: Model = typer.Option(Model.full, help="Pose model: lite (fast), full, heavy (slow)."),
    model_path: Optional[Path] = typer.Option(None, help="An explicit pose model file (.task)."),
    out: Optional[Path] = typer.Option(None, help="Folder for <video>.json and <video>.csv."),
    json_path: Optional[str] = typer.Option(None, "--json", help="Write the JSON result here ('-' for stdout)."),
    overlay: Optional[Path] = typer.Option(None, help="Write an MP4 with the skeleton and angles drawn."),
    csv_path: Optional[Path] = typer.Option(None, "--csv", help="Write the per-frame time series as CSV."),
    pdf: Optional[Path] = typer.Option(None, help="Write the PDF report (one or two A4 pages) here."),
    audience: Audience = typer.Option(Audience.clinician, help="Who the PDF report is for: clinical words and every number, or plain words."),
    patient: Optional[str] = typer.Option(None, help="The clinic's patient code, printed on the PDF report (no names)."),
    save: bool = typer.Option(False, "--save", help="File the result in the patient's history (--patient), the session database the dashboard's history page reads: $HIPSCREEN_DB, else sessions.db in the per-user data folder."),
    filmed_on: Optional[datetime] = typer.Option(None, formats=["%Y-%m-%d"], help="With --save: the day the video was filmed (default today)."),
    config: Optional[Path] = typer.Option(None, help="A TOML file of flag thresholds (a clinic's own)."),
    max_duration_s: Optional[float] = typer.Option(None, envvar="HIPSCREEN_MAX_DURATION_S", help="Refuse videos longer than this many seconds (default 600)."),
    max_file_size_mb: Optional[float] = typer.Option(None, envvar="HIPSCREEN_MAX_FILE_SIZE_MB", help="Refuse files larger than this many MB (default 2048)."),
    max_pixels: Optional[int] = typer.Option(None, envvar="HIPSCREEN_MAX_PIXELS", help="Refuse frames of more pixels than this, width x height (default 8K: 33177600)."),
    time_limit_s: Optional[float] = typer.Option(None, envvar="HIPSCREEN_TIME_LIMIT_S", help="Stop the analysis after this many seconds."),
    hide_face: bool = typer.Option(True, "--hide-face/--show-face", help="Cover the head with a mosaic on the overlay video and the PDF's key frames (the default), or show it."),
    correction: bool = typer.Option(True, "--correction/--no-correction", help="Move MediaPipe's hip, knee and ankle points towards the joint centres with the rule of docs/JOINT_CENTRES.md (on by default; applied only to front or back views within the range it was fitted on). --no-correction uses MediaPipe's points as they are."),
) -> None:
    """Analyse one video and write the result."""
    from hipscreen.csv_export import write_csv
    from hipscreen.pipeline import AnalysisOptions, analyze as run_analysis
    from hipscreen.result import to_json
    from vision.decode import DecodeLimits

    if save or filmed_on is not None:
        patient = _patient_to_save(patient, save=save)
    chosen_limits = {"max_duration_s": max_duration_s, "max_file_size_mb": max_file_size_mb, "max_pixels": max_pixels}
    options = AnalysisOptions(
        limits=DecodeLimits(**{k: v for k, v in chosen_limits.items() if v is not None}),
        max_analysis_s=time_limit_s,
        task=task.value,
        side=side.value,
        view=view.value,
        model=model.value,
        model_path=str(model_path) if model_path else None,
        config_path=str(config) if config else None,
        correction=correction,
    )
    bar = ProgressBar("Analysing")
    try:
        analysis = run_analysis(video, options=options, progress=bar)
    finally:
        bar.close()

    text = to_json(analysis.result)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{video.stem}.json").write_text(text, encoding="utf-8")
        write_csv(analysis, out / f"{video.stem}.csv")
    if json_path == "-":
        sys.stdout.write(text)
    elif json_path:
        Path(json_path).write_text(text, encoding="utf-8")
    if csv_path is not None:
        write_csv(analysis, csv_path)
    if pdf is not None:
        from hipscreen.report_pdf import build_report

        pdf.write_bytes(build_report(analysis, video_path=video, patient=patient, audience=audience.value,
                                     hide_face=hide_face))
    if overlay is not None:
        from hipscreen.overlay import write_overlay

        bar = ProgressBar("Drawing overlay")
        try:
            write_overlay(video, analysis, overlay, progress=bar, hide_face=hide_face)
        finally:
            bar.close()
    if json_path != "-":
        sys.stdout.write(summary_text(analysis.result))
    if save:
        saved = _save_session(patient, analysis.result, video, filmed_on)
        if json_path != "-":
            sys.stdout.write(saved)


def _patient_to_save(patient: str | None, *, save: bool) -> str:
    """The patient code ``--save`` files the result under, checked before the analysis runs."""
    from hipscreen.storage import clean_patient_code

    if not save:
        _fail("--filmed-on dates a saved session: add --save (and --patient).", 2)
    if patient is None:
        _fail("--save files the result in a patient's history: give the clinic's code with --patient "
              "(for example --patient P-014; never a name).", 2)
    try:
        return clean_patient_code(patient)
    except ValueError as error:
        _fail(f"--patient cannot be used: {error}. Give the clinic's short code, for example P-014.", 2)


def _save_session(patient: str, result: dict, video: Path, filmed_on: datetime | None) -> str:
    """File ``result`` in ``patient``'s history; the line saying where, for the terminal summary.

    The same analysis of the same video already there is not saved twice.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from hipscreen.storage import SessionStore, default_db_path
    from vision.models import sha256_of

    path = default_db_path()
    filmed = datetime.combine((filmed_on or datetime.now()).date(), time(12, 0), tzinfo=timezone.utc)
    try:
        digest = sha256_of(video)
        with SessionStore(path) as store:
            same = store.saved_already(patient, result, video_sha256=digest)
            if same is not None:
                return f"Already saved as session {same} of patient {patient} ({path}).\n"
            session_id = store.add_session(patient, result, recorded_at=filmed, video_name=video.name,
                                           video_sha256=digest)
    except (OSError, SQLAlchemyError) as error:
        _fail(f"the result could not be saved in the session database {path} "
              f"({type(error).__name__}: {' '.join(str(error).split())[:200]}). Set HIPSCREEN_DB to a file in a "
              "folder you can write to.", 2)
    return f"Saved as session {session_id} of patient {patient}, filmed {filmed:%Y-%m-%d} ({path}).\n"


@app.command()
def batch(
    inputs: list[str] = typer.Argument(..., help="Video files, folders or glob patterns."),
    out: Path = typer.Option(..., help="Folder for one JSON per video and summary.csv."),
    workers: Optional[int] = typer.Option(None, min=1, help="Videos analysed at the same time (default: one per core)."),
    task: Task = typer.Option(Task.auto),
    side: Side = typer.Option(Side.auto),
    view: View = typer.Option(View.auto),
    model: Model = typer.Option(Model.full),
    config: Optional[Path] = typer.Option(None, help="A TOML file of flag thresholds."),
    pdf: bool = typer.Option(False, "--pdf", help="Also write each video's PDF report (clinician's words) next to its JSON."),
    hide_face: bool = typer.Option(True, "--hide-face/--show-face", help="Cover the head with a mosaic on the reports' key frames (the default), or show it."),
) -> None:
    """Analyse many videos (a squad, a clinic's day) and rank them."""
    from hipscreen.batch import collect_videos, run_batch

    videos = collect_videos(inputs)
    if not videos:
        _fail("no video files found in " + ", ".join(inputs) + ".", 2)
    from hipscreen.pipeline import AnalysisOptions

    options = AnalysisOptions(task=task.value, side=side.value, view=view.value, model=model.value,
                              config_path=str(config) if config else None)
    outcome = run_batch(videos, out, options=options, workers=workers, pdf=pdf, hide_face=hide_face)
    for path, message in outcome.failures:
        print(f"hipscreen: {path.name}: {message}", file=sys.stderr)
    sys.stdout.write(outcome.table_text())
    if outcome.failures:
        raise typer.Exit(2)


@app.command()
def dashboard(port: int = typer.Option(8501, help="Port of the local dashboard.")) -> None:
    """Open the dashboard in the browser (Streamlit)."""
    import subprocess

    app_path = Path(__file__).resolve().parents[1] / "app.py"
    if not app_path.is_file():
        _fail(f"the dashboard app.py was not found next to the package ({app_path}).", 2)
    raise typer.Exit(subprocess.call([sys.executable, "-m", "streamlit", "run", str(app_path), "--server.port", str(port)]))


def _click_exceptions() -> tuple[type[BaseException], ...]:
    """Click's exception base class, and the copy of it that typer 0.2x vendors."""
    import click

    kinds: list[type[BaseException]] = [click.ClickException]
    try:
        from typer import _click as vendored_click
    except ImportError:
        pass
    else:
        kinds.append(vendored_click.exceptions.ClickException)
    return tuple(kinds)


def usage_line(error: BaseException) -> str:
    """One line for a command-line mistake: what is wrong and where the options are listed."""
    message = " ".join(error.format_message().split()).rstrip(".")
    ctx = getattr(error, "ctx", None)
    command = ctx.command_path if ctx is not None else "hipscreen"
    hint = f"Run '{command} --help' to see the options"
    if "No such option: -" in message and not message.startswith("No such option: --"):
        hint += " (put -- before a file name that starts with '-')"
    end = "" if message.endswith(("?", "!")) else "."
    return f"{message}{end} {hint}."


def main() -> None:
    """Console-script entry point: no traceback reaches the user."""
    try:
        code = app(standalone_mode=False)
    except InputProblem as problem:
        print(f"hipscreen: {problem}", file=sys.stderr)
        sys.exit(2)
    except typer.Exit as exit_:
        sys.exit(exit_.exit_code)
    except typer.Abort:
        print("hipscreen: aborted.", file=sys.stderr)
        sys.exit(130)
    except KeyboardInterrupt:
        print("hipscreen: interrupted.", file=sys.stderr)
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - the last line of defence of a command-line tool
        if isinstance(error, _click_exceptions()):
            if type(error).__name__ != "NoArgsIsHelpError":  # else the help is already shown
                print(f"hipscreen: {usage_line(error)}", file=sys.stderr)
            sys.exit(error.exit_code)
        if os.environ.get("HIPSCREEN_DEBUG"):
            traceback.print_exc()
        print(
            f"hipscreen: internal error ({type(error).__name__}: {error}). "
            "Please report it with the video's details; set HIPSCREEN_DEBUG=1 to see the traceback.",
            file=sys.stderr,
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
