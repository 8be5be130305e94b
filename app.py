"""hipscreen dashboard: film, upload, read the measurements, export, follow a patient.

Run with ``streamlit run app.py`` (or ``hipscreen dashboard``). This file only wires
widgets to ``hipscreen`` calls; the analysis lives in the packages.

Caching: the pose model (``estimate_landmarks``) is cached by the video's content hash
and the model variant; everything after it (``assess``) by the same key plus the task,
side, view and thresholds, so changing a threshold or an override never re-runs the pose
model. No pose landmarker is shared between sessions: each run opens its own.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import tempfile
import time as time_module
import tomllib
from datetime import date, datetime, time, timezone
from pathlib import Path

import numpy as np
import streamlit as st

from hipscreen import filming_guide as words
from hipscreen.chart_data import threshold_bands
from hipscreen.charts import angle_figure, history_figure, squad_figure
from hipscreen.filming_guide import plural
from hipscreen.storage import SessionStore, default_db_path, history_rows
from metrics.sentence_case import first_lower
from vision.decode import VIDEO_SUFFIXES
from vision.errors import InputProblem
from vision.models import sha256_of

LOG = logging.getLogger("hipscreen.app")
APP_DIR = Path(__file__).resolve().parent
SAMPLE_DIR = APP_DIR / "sample_videos"
UPLOAD_DIR = Path(tempfile.gettempdir()) / "hipscreen_uploads"
UPLOAD_MAX_AGE_S = 24 * 3600
VIEWERS = ("Patient", "Clinician", "Coach")
PAGES = ("Analyse a video", "Squad screening", "Patient history")
SEVERITY_COLOURS = {"marked": "red", "caution": "orange", "info": "blue"}


# -- the expensive and the cheap stage, cached ------------------------------------------
@st.cache_data(show_spinner=False, max_entries=6)
def cached_landmarks(video_sha256: str, model: str, _video_path: str):
    """The pose model's landmarks of one video (keyed by content hash and model only).

    The progress bar is made inside the function (Streamlit replays what a cached
    function drew) and removed when the model is done.
    """
    from hipscreen.pipeline import AnalysisOptions, estimate_landmarks

    bar = st.progress(0.0, text="Finding the body in each frame…")
    shown = [-1]

    def progress(fraction: float) -> None:
        percent = int(100 * min(max(fraction, 0.0), 1.0))
        if percent >= shown[0] + 5:
            shown[0] = percent
            bar.progress(percent / 100, text=f"Finding the body in each frame… {percent}%")

    try:
        # One upload must not hold the server: the analysis stops (with a plain message) after
        # HIPSCREEN_TIME_LIMIT_S seconds, 10 minutes by default (a 10-minute 1080p clip takes about 6 here).
        time_limit_s = float(os.environ.get("HIPSCREEN_TIME_LIMIT_S", "600"))
        options = AnalysisOptions(model=model, max_analysis_s=time_limit_s)
        return estimate_landmarks(_video_path, options=options, progress=progress)
    finally:
        bar.empty()


@st.cache_data(show_spinner=False, max_entries=24)
def cached_analysis(video_sha256: str, model: str, task: str, side: str, view: str,
                    thresholds_toml: str, _landmarks):
    """Everything after the pose model, for one set of settings (cheap)."""
    from hipscreen.pipeline import AnalysisOptions, assess

    options = AnalysisOptions(task=task, side=side, view=view, model=model, config_path=overrides_file(thresholds_toml))
    return assess(_landmarks, options=options)


@st.cache_data(show_spinner=False, max_entries=6)
def cached_overlay(video_sha256: str, settings_key: str, _video_path: str, _analysis) -> str:
    """Path of the H.264 overlay video for one analysis (``settings_key`` from :func:`overlay_key`)."""
    from hipscreen.overlay import write_overlay

    out = UPLOAD_DIR / f"{video_sha256[:32]}-{hashlib.sha256(settings_key.encode()).hexdigest()[:12]}.overlay.mp4"
    if not out.is_file():
        partial = out.with_suffix(".partial.mp4")
        drawing = json.loads(settings_key)
        write_overlay(_video_path, _analysis, partial, audience=drawing["audience"], hide_face=drawing["hide_face"])
        partial.replace(out)
    return str(out)


@st.cache_resource
def session_store(path: str) -> SessionStore:
    """The session database (an SQLAlchemy engine; safe to share, unlike a landmarker)."""
    return SessionStore(path)


# -- thresholds --------------------------------------------------------------------------------
def default_threshold_config() -> dict:
    """The default thresholds file of metrics (flags, changes, scores) as a dict."""
    from importlib import resources

    return tomllib.loads(resources.files("metrics").joinpath("thresholds.toml").read_text(encoding="utf-8"))


def overrides_toml(overrides: dict[str, dict[str, float]]) -> str:
    """A clinic-style TOML file holding only the changed flag thresholds ('' if none)."""
    lines = []
    for code in sorted(overrides):
        lines.append(f"[flags.{code}]")
        lines.extend(f"{key} = {float(value)!r}" for key, value in sorted(overrides[code].items()))
    return "\n".join(lines) + ("\n" if lines else "")


def overrides_file(toml_text: str) -> str | None:
    """Path of a file holding ``toml_text`` (named by its hash), or None for the defaults."""
    if not toml_text:
        return None
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    path = UPLOAD_DIR / f"thresholds-{hashlib.sha256(toml_text.encode()).hexdigest()[:16]}.toml"
    if not path.is_file():
        path.write_text(toml_text, encoding="utf-8")
    return str(path)


def flag_rules(toml_text: str) -> dict[str, dict]:
    """The flag rules in force: the defaults with the overrides merged over them."""
    rules = {code: dict(rule) for code, rule in default_threshold_config().get("flags", {}).items()}
    for code, rule in tomllib.loads(toml_text).get("flags", {}).items() if toml_text else ():
        rules.setdefault(code, {}).update(rule)
    return rules


# -- video input ----------------------------------------------------------------------------------
def prune_uploads(*, max_age_s: float = UPLOAD_MAX_AGE_S) -> None:
    """Delete uploaded videos and overlays older than ``max_age_s`` (they hold patients' images)."""
    if not UPLOAD_DIR.is_dir():
        return
    now = time_module.time()
    for path in UPLOAD_DIR.iterdir():
        try:
            if path.is_file() and now - path.stat().st_mtime > max_age_s:
                path.unlink()
        except OSError:  # another session removed or is writing it: leave it
            continue


def store_upload(data: bytes, original_name: str) -> tuple[Path, str]:
    """Write uploaded bytes to a temp file named by their SHA-256 (never by the upload's name)."""
    digest = hashlib.sha256(data).hexdigest()
    suffix = Path(original_name).suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        suffix = ".mp4"
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    path = UPLOAD_DIR / f"{digest}{suffix}"
    if not path.is_file():
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(data)
        partial.replace(path)
    return path, digest


def in_users_words(problem: InputProblem, stored: Path, name: str) -> str:
    """The problem's message naming the video as the user knows it, not by its stored (hash) name."""
    return str(problem).replace(stored.name, name)


def over_upload_limit(uploaded) -> str | None:
    """``"250 MB; the limit is 200 MB"`` for an upload larger than the limit, else None."""
    size_mb = uploaded.size / 2**20
    return f"{size_mb:.0f} MB; the limit is {upload_limit_mb()} MB" if size_mb > upload_limit_mb() else None


def upload_limit_mb() -> int:
    """The upload limit: Streamlit's ``server.maxUploadSize`` (MB, default 200), set in its config."""
    return int(st.get_option("server.maxUploadSize"))


def sample_videos() -> list[Path]:
    if not SAMPLE_DIR.is_dir():
        return []
    return sorted(p for p in SAMPLE_DIR.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES and p.is_file())


# -- small formatting helpers --------------------------------------------------------------------------
def deg(value, *, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    return f"{value:+.1f}°" if signed else f"{value:.1f}°"


def percent(fraction) -> str:
    return "–" if fraction is None else f"{100 * float(fraction):.0f}%"


def angle_labels(viewer: str) -> dict[str, str]:
    """The angles' names in the words of this reader."""
    return words.ANGLE_LABELS_PATIENT if viewer == "Patient" else words.ANGLE_LABELS_CLINICIAN


def angle_label(key: str, viewer: str) -> str:
    return angle_labels(viewer)[key]


def task_label(task: str | None) -> str:
    return words.TASK_LABELS.get(task, "No single-leg task found") if task else "No single-leg task found"


def disclaimer(viewer: str = "Clinician") -> None:
    if viewer == "Patient":
        st.info(words.DISCLAIMER, icon=":material/info:")
    else:
        st.caption(":material/info: " + words.DISCLAIMER)


# -- sidebar ------------------------------------------------------------------------------------------------
def sidebar() -> dict:
    st.sidebar.title("hipscreen")
    viewer = st.sidebar.radio("Who is reading?", VIEWERS, index=1, key="viewer",
                              help="Patient: plain words. Clinician: every number. Coach: curves and sides.")
    page = st.sidebar.radio("Page", PAGES, key="page",
                            help="Squad screening: one video per athlete, analysed in turn and ranked.")
    st.sidebar.divider()
    st.sidebar.subheader("Settings")
    task = st.sidebar.selectbox("Task", ("auto",) + tuple(words.TASK_LABELS), key="task",
                                format_func=lambda t: "Recognise automatically" if t == "auto" else words.TASK_LABELS[t])
    side = st.sidebar.selectbox("Standing leg", ("auto", "left", "right"), key="side",
                                format_func=lambda s: "Recognise automatically" if s == "auto" else f"{s.capitalize()} leg")
    view = st.sidebar.selectbox("Filmed from", ("auto", "front", "back"), key="view",
                                format_func=lambda v: {"auto": "Recognise automatically", "front": "The front", "back": "Behind"}[v])
    hide_face = st.sidebar.checkbox("Hide the face", value=True, key="hide_face",
                                    help="Cover the head with a mosaic in the video with the skeleton and in the "
                                         "PDF report. The measurements never use the face.")
    model = "full"
    thresholds_toml = threshold_editor() if viewer == "Clinician" else ""
    return {"viewer": viewer, "page": page, "task": task, "side": side, "view": view, "model": model,
            "hide_face": hide_face, "thresholds_toml": thresholds_toml}


def threshold_editor() -> str:
    """Clinician overrides of the flag thresholds, as TOML text ('' = the defaults)."""
    overrides: dict[str, dict[str, float]] = {}
    with st.sidebar.expander("Flag thresholds (degrees)"):
        st.caption("Changing a threshold re-checks the flags without re-running the pose model.")
        for code, rule in default_threshold_config().get("flags", {}).items():
            if "caution_deg" not in rule or "marked_deg" not in rule:
                continue
            st.markdown(f"**{words.flag_label(code)}**")
            cols = st.columns(2)
            for col, level in zip(cols, ("caution_deg", "marked_deg")):
                value = col.number_input(level.split("_")[0].capitalize(), value=float(rule[level]), step=0.5,
                                         key=f"thr_{code}_{level}", format="%.1f")
                if value != float(rule[level]):
                    overrides.setdefault(code, {})[level] = value
    return overrides_toml(overrides)


# -- the analyse page ----------------------------------------------------------------------------------------
def filming_guide(viewer: str) -> None:
    chosen = st.session_state.get("upload") is not None or st.session_state.get("sample", "(none)") != "(none)"
    with st.expander("How to film (read this before recording)", expanded=viewer == "Patient" and not chosen,
                     icon=":material/smartphone:"):
        for step in words.GENERAL_STEPS:
            st.markdown(f"- {step}")
        cols = st.columns(len(words.TASK_STEPS))
        for col, (task, steps) in zip(cols, words.TASK_STEPS.items()):
            col.markdown(f"**{words.TASK_LABELS[task]}**")
            for step in steps:
                col.markdown(f"- {step}")


def choose_video() -> tuple[Path, str, str] | None:
    """(path, sha256, display name) of the chosen video, or None."""
    upload_col, sample_col = st.columns([3, 2])
    with upload_col:
        uploaded = st.file_uploader("Upload a video", type=[s.lstrip(".") for s in VIDEO_SUFFIXES], key="upload",
                                    help=f"Up to {upload_limit_mb()} MB. Trim it to the exercise if it is longer.")
    with sample_col:
        samples = sample_videos()
        if samples:
            choice = st.selectbox("…or try a sample video", ["(none)"] + [p.name for p in samples], key="sample")
        else:
            choice = "(none)"
            st.caption("No sample videos are installed.")
    if uploaded is not None:
        too_large = over_upload_limit(uploaded)
        if too_large:
            st.error(f"This video is {too_large}. "
                     "Trim it to the exercise, or film at 1080p instead of 4K.")
            return None
        prune_uploads()
        path, digest = store_upload(uploaded.getvalue(), uploaded.name)
        return path, digest, Path(uploaded.name).name
    if choice != "(none)":
        path = SAMPLE_DIR / choice
        return path, sha256_of(path), path.name
    return None


def analyse_stored(path: Path, digest: str, settings: dict):
    """Landmarks (cached by hash and model) then the assessment (cached by all settings)."""
    landmarks = cached_landmarks(digest, settings["model"], str(path))
    return cached_analysis(digest, settings["model"], settings["task"], settings["side"], settings["view"],
                           settings["thresholds_toml"], landmarks)


def run_analysis(video: tuple[Path, str, str], settings: dict):
    """:func:`analyse_stored`, its problems shown on the page; the result names the video as uploaded."""
    path, digest, _ = video
    try:
        analysis = analyse_stored(path, digest, settings)
    except InputProblem as problem:
        st.error(in_users_words(problem, path, video[2]))
        return None
    except Exception as error:  # noqa: BLE001 - the app's last line of defence: one message, details folded
        LOG.exception("analysis failed for %s", digest)
        st.error("The analysis stopped because of an error in hipscreen, not in your video. Please report it "
                 "with the video if you can.")
        with st.expander("Technical details"):
            st.code(f"{type(error).__name__}: {error}")
        return None
    # The file on disk is named by its hash; exports and reports name the video as the user knows it.
    result = analysis.result
    return dataclasses.replace(analysis, result={**result, "video": {**result["video"], "path": video[2]}})


def overlay_key(settings: dict) -> str:
    """What the overlay video depends on: not the thresholds (they change flags, not the drawing),
    but the reader (plain angle names for a patient) and whether the face is hidden."""
    audience = "patient" if settings["viewer"] == "Patient" else "clinician"
    return json.dumps({**{k: settings[k] for k in ("model", "task", "side", "view", "hide_face")},
                       "audience": audience}, sort_keys=True)


def analyse_page(settings: dict) -> None:
    viewer = settings["viewer"]
    st.title("hipscreen")
    st.markdown("Measures how the **pelvis, trunk, hips and knees** move during step-downs, single-leg squats, "
                "single-leg stance and walking, from a phone video filmed from the front or from behind.")
    disclaimer(viewer)
    filming_guide(viewer)
    video = choose_video()
    if video is None:
        st.info("Upload a video (or pick a sample) to start.")
        return
    analysis = run_analysis(video, settings)
    if analysis is None:
        return
    result = analysis.result
    headline = (f"Analysed **{video[2]}**: {task_label(result.get('task'))}, "
                f"filmed from {'the front' if result.get('view') == 'front' else 'behind'}, "
                f"{plural(len(result.get('events') or []), 'event')}.")
    if words.task_unsure(result):
        where = "About this video" if viewer == "Patient" else "Video quality"
        st.warning(f"{headline} This may not be the {'exercise' if viewer == 'Patient' else 'task'} that was "
                   f"filmed: the notes under *{where}* say why. If it is wrong, choose it under Settings, Task.",
                   icon=":material/help:")
    else:
        st.success(headline)
    if viewer == "Patient":
        patient_results(analysis, video, settings)
    else:
        expert_results(analysis, video, settings)
    exports(analysis, video, settings)
    save_session(analysis, video)
    disclaimer(viewer)


def overlay_player(analysis, video, settings) -> None:
    path, digest, _ = video
    try:
        with st.spinner("Drawing the skeleton on the video…"):
            overlay = cached_overlay(digest, overlay_key(settings), str(path), analysis)
            if not Path(overlay).is_file():  # pruned from the temp folder since it was cached
                cached_overlay.clear()
                overlay = cached_overlay(digest, overlay_key(settings), str(path), analysis)
    except InputProblem as problem:
        st.warning(f"The video with the skeleton could not be made: {problem}")
        return
    st.video(overlay)


def patient_results(analysis, video, settings) -> None:
    result = analysis.result
    portrait = result["video"].get("height", 0) > result["video"].get("width", 0)
    left, right = st.columns([2, 3] if portrait else [3, 2])
    with left:
        overlay_player(analysis, video, settings)
    with right:
        st.subheader("What we saw")
        flags = result.get("flags") or []
        if not flags:
            st.markdown(words.no_flag_text(result, audience="patient"))
        elif words.angles_withheld(result):
            st.markdown(words.ANGLES_WITHHELD_NOTE["patient"])
        for flag in sorted(flags, key=lambda f: ("marked", "caution", "info").index(f.get("severity", "info"))):
            sev = flag.get("severity", "info")
            side = flag.get("side")
            st.markdown(f":{SEVERITY_COLOURS.get(sev, 'gray')}[**{words.flag_label(flag.get('code', ''), audience='patient')}**]"
                        + (f" ({side} leg)" if side else "") + f": {words.SEVERITY_PATIENT.get(sev, sev)}")
            if flag.get("patient_text"):
                st.markdown(flag["patient_text"])
        st.subheader("To discuss with your clinician")
        if flags:
            st.markdown("Show them this report. Ask what the points above mean for you, and which exercises "
                        "could help. The numbers come from one video and can vary from day to day.")
        else:
            st.markdown("If you have pain or worries, a clinician can check how you move in person.")
        quality_panel(result, "Patient")


def expert_results(analysis, video, settings) -> None:
    viewer = settings["viewer"]
    result = analysis.result
    col_video, col_sides = st.columns([2, 3])
    with col_video:
        overlay_player(analysis, video, settings)
    with col_sides:
        st.subheader("Left vs right")
        sides_table(result, viewer)
    st.subheader("Angles over time")
    st.caption("Shaded columns: the events (blue left leg, red right leg). Diamonds: the value at each event's peak. "
               "Orange and red bands: the caution and marked ranges of the flags. Pelvic drop and trunk lean are "
               "drawn bold only while their leg is the standing leg.")
    if words.angles_withheld(result):
        st.caption("The camera was at an angle to the person: these curves are distorted by an unknown amount, "
                   "drawn only to show the timing of the movement; no value is read from them.")
    bands = threshold_bands(analysis.thresholds.table["flags"])  # those the flags were judged by
    st.plotly_chart(angle_figure(analysis.series, analysis.result, angle_labels(viewer), bands), width="stretch",
                    key="angles_plot")
    st.subheader("Flags")
    flags_panel(result, viewer)
    if viewer == "Clinician":
        score_panel(result)
        st.subheader("Events")
        events_table(result)
    quality_panel(result, viewer)


def sides_table(result: dict, viewer: str) -> None:
    if words.angles_withheld(result):
        st.warning(words.ANGLES_WITHHELD_NOTE["patient" if viewer == "Patient" else "clinician"])
    sides = result.get("sides") or {}
    asym = result.get("asymmetry") or {}
    rows = []
    for key in words.ANGLE_KEYS:
        row = {"Angle": angle_label(key, viewer)}
        for side in ("left", "right"):
            stats = (sides.get(side) or {}).get(key) or {}
            mean, sd = stats.get("mean"), stats.get("sd")
            row[f"{side.capitalize()} leg standing"] = (
                "–" if mean is None else deg(mean, signed=key == "trunk_lean_deg") + ("" if sd is None else f" ± {sd:.1f}°"))
        row["Right − left"] = deg(asym.get(key), signed=True)
        lsi = (asym.get("limb_symmetry_index_pct") or {}).get(key)
        if viewer == "Clinician":
            row["Symmetry index"] = "–" if lsi is None else f"{lsi:.0f}%"
        rows.append(row)
    st.dataframe(rows, hide_index=True, width="stretch")
    st.caption(f"Mean ± SD of the peak values; events on the left leg: {words.count_text(result, 'left')}, "
               f"on the right: {words.count_text(result, 'right')}.")
    if viewer == "Clinician":
        st.caption(" · ".join(f"{words.ANGLE_LABELS_CLINICIAN[k]}: {words.ANGLE_SIGNS[k]}" for k in words.ANGLE_KEYS))


def flags_panel(result: dict, viewer: str) -> None:
    flags = result.get("flags") or []
    audience = "patient" if viewer == "Coach" else "clinician"
    if not flags:
        st.markdown(words.no_flag_text(result, audience=audience))
        return
    from hipscreen.report_pdf import flag_values

    for flag in sorted(flags, key=lambda f: ("marked", "caution", "info").index(f.get("severity", "info"))):
        sev = flag.get("severity", "info")
        value, threshold = flag_values(flag)
        side = flag.get("side")
        head = (f":{SEVERITY_COLOURS.get(sev, 'gray')}[**{sev.upper()}**] · "
                f"**{words.flag_label(flag.get('code', ''), audience=audience)}**"
                + (f" · {side} leg" if side else "") + f" · **{value}** (threshold {threshold})")
        with st.container(border=True):
            st.markdown(head)
            text = flag.get("clinician_text") if viewer == "Clinician" else flag.get("patient_text")
            if text:
                st.markdown(text)
            source = flag.get("source")
            if source and viewer == "Clinician" and source not in str(text or ""):
                st.caption(f"Threshold source: {source}")


def trigger_text(stretches) -> str:
    """``[[2.1, 2.4], [5.0, 5.3]]`` -> ``"2.1–2.4 s, 5.0–5.3 s"``; empty when not seen."""
    from hipscreen.report_pdf import trigger_times_text

    return trigger_times_text(stretches)


def score_panel(result: dict) -> None:
    score = (result.get("scores") or {}).get("lateral_step_down")
    if not score:
        return
    st.subheader("Lateral step-down score (Piva 2006)")
    st.caption("0-1 good, 2-3 moderate, 4 or more poor.")
    sides = [side for side in ("left", "right") if side in score]
    cols = st.columns(len(sides))
    for col, side in zip(cols, sides):
        s = score[side]
        with col:
            st.metric(f"{side.capitalize()} leg", f"{s.get('total', '–')} ({s.get('band', '–')})")
            triggers = s.get("triggers") or {}
            rows = [{"Criterion": words.score_criterion_label(k), "Points": v,
                     "Seen at": trigger_text(triggers.get(k))}
                    for k, v in (s.get("criteria") or {}).items()]
            st.table(rows, hide_index=True, border="horizontal")
            if s.get("repetitions") is not None:
                st.caption(f"From {s['repetitions']} repetitions.")


def events_table(result: dict) -> None:
    events = result.get("events") or []
    if not events:
        st.markdown("No repetition, hold or stance phase was found.")
        return
    rows = []
    for e in events:
        row = {"#": e["index"] + 1, "Leg": words.leg_label(e), "Start (s)": f"{e['start_s']:.2f}",
               "Peak (s)": f"{e['peak_s']:.2f}", "End (s)": f"{e['end_s']:.2f}"}
        for key in words.ANGLE_KEYS:
            signed = key == "trunk_lean_deg"
            row[f"{words.ANGLE_LABELS_CLINICIAN[key]} at peak"] = deg((e.get("at_peak") or {}).get(key), signed=signed)
            row[f"{words.ANGLE_LABELS_CLINICIAN[key]} max"] = deg((e.get("max") or {}).get(key), signed=signed)
        rows.append(row)
    st.dataframe(rows, hide_index=True, width="stretch")
    cut_note = words.cut_event_note(result)
    if cut_note:
        st.caption(cut_note)


def quality_panel(result: dict, viewer: str) -> None:
    st.subheader("Video quality" if viewer != "Patient" else "About this video")
    quality = result.get("quality") or {}
    share = quality.get("frames_with_pose")
    roll = result.get("camera_roll_deg")
    if viewer != "Patient":
        cols = st.columns(6)
        cols[0].metric("Frames with a person", percent(share))
        cols[1].metric("Feet out of frame", percent(quality.get("feet_out_of_frame")))
        cols[2].metric("Second person in view", percent(quality.get("second_person")))
        cols[3].metric("Phone tilt (roll)", deg(roll, signed=True))
        cols[4].metric("Camera angle (yaw)", deg(result.get("camera_yaw_deg"), signed=True))
        cols[5].metric("View", {"front": "front", "back": "back"}.get(result.get("view"), str(result.get("view"))))
        oblique = ((result.get("details") or {}).get("camera_yaw") or {}).get("oblique_warning")
        if oblique:
            st.caption(oblique)
        low = quality.get("low_visibility") or {}
        if isinstance(low, dict) and low:
            st.caption("Landmarks hard to see (share of frames): " + ", ".join(
                f"{name.replace('_', ' ')} {percent(frac)}" for name, frac in sorted(low.items(), key=lambda kv: -kv[1])))
        else:
            st.caption("No measured landmark was hard to see.")
    warnings = words.video_notes(result, audience="patient" if viewer == "Patient" else "clinician")
    if not warnings:
        st.markdown("No problems with the video.")
    for warning in warnings:
        st.warning(warning)


def exports(analysis, video, settings) -> None:
    from hipscreen.csv_export import to_csv_text
    from hipscreen.report_pdf import build_report
    from hipscreen.result import to_json

    st.subheader("Download")
    stem = Path(video[2]).stem or "video"
    audience = "patient" if settings["viewer"] == "Patient" else "clinician"
    patient = st.session_state.get("patient_code") or None
    cols = st.columns(3)
    cols[0].download_button(
        "PDF report", icon=":material/picture_as_pdf:",
        data=lambda: build_report(analysis, video_path=video[0], patient=patient, audience=audience,
                                  hide_face=settings["hide_face"]),
        file_name=f"{stem}_hipscreen.pdf", mime="application/pdf", key="dl_pdf", on_click="ignore")
    if settings["viewer"] == "Patient":
        return
    cols[1].download_button("CSV (per frame)", icon=":material/table_chart:", data=to_csv_text(analysis), file_name=f"{stem}_hipscreen.csv",
                            mime="text/csv", key="dl_csv", on_click="ignore")
    cols[2].download_button("JSON result", icon=":material/data_object:", data=to_json(analysis.result), file_name=f"{stem}_hipscreen.json",
                            mime="application/json", key="dl_json", on_click="ignore")


def save_session(analysis, video) -> None:
    st.subheader("Save to the patient's history")
    db_path = default_db_path()
    with st.form("save_session", clear_on_submit=False, border=True):
        code = st.text_input("Patient code (no names)", key="patient_code", max_chars=64,
                             help="A code your clinic uses for this patient, e.g. P-014.")
        recorded = st.date_input("Date filmed", value=date.today(), key="recorded_on")
        note = st.text_input("Note (optional)", key="session_note")
        submitted = st.form_submit_button("Save session")
    if submitted:
        if not code.strip():
            st.error("Enter a patient code to save the session.")
            return
        store = session_store(str(db_path))
        same = store.saved_already(code, analysis.result, video_sha256=video[1])
        if same is not None:
            st.info(f"This analysis of this video is already saved as session {same} of patient {code.strip()}.")
            return
        session_id = store.add_session(code, analysis.result, video_name=video[2], video_sha256=video[1],
                                       recorded_at=datetime.combine(recorded, time(12, 0), tzinfo=timezone.utc),
                                       note=note)
        st.success(f"Saved as session {session_id} of patient {code.strip()}.")
    st.caption(f"Sessions are stored on this computer in {db_path}.")


# -- the history page --------------------------------------------------------------------------------------------
def compare(previous: dict, current: dict):
    """Between-session changes from metrics.flags (real change vs within measurement error)."""
    from metrics.flags import compare_sessions

    return compare_sessions(previous, current)


def history_page(settings: dict) -> None:
    viewer = settings["viewer"]
    st.title("Patient history")
    disclaimer(viewer)
    store = session_store(str(default_db_path()))
    codes = store.patient_codes()
    if not codes:
        st.info("No saved sessions yet. Analyse a video and save it under a patient code.")
        return
    code = st.selectbox("Patient", codes, key="history_patient")
    sessions = store.sessions(code)
    tasks = sorted({s.task for s in sessions})
    task = st.selectbox("Task", tasks, format_func=task_label, key="history_task")
    sessions = [s for s in sessions if s.task == task]
    st.caption(f"{plural(len(sessions), 'session')} of {task_label(task).lower()}.")
    rows = history_rows(sessions)
    if not rows:
        st.info("These sessions have no measured angle (no event was found, or the camera was at an angle "
                "to the person).")
        return
    # Each session's change from the one before, classified against the smallest detectable difference.
    verdicts: dict[tuple[int, str, str], str] = {}
    for before, after in zip(sessions, sessions[1:]):
        for change in compare(before.result, after.result):
            verdicts[(after.id, change.side, change.angle)] = change.verdict
    st.plotly_chart(history_figure(rows, verdicts, angle_labels(viewer)), width="stretch", key="history_plot")
    st.caption("Each point: the mean of the peak values of one session (bars: SD over its events). "
               "Star: a real change from the session before. Open circle: within measurement error. "
               "Filled circle: the first session, or an angle with no known measurement error (hip adduction).")

    if len(sessions) >= 2:
        st.subheader("Change between sessions")
        by_id = {s.id: s for s in sessions}

        def name(session_id: int) -> str:
            return f"{by_id[session_id].recorded_at:%Y-%m-%d} (session {session_id})"

        ids = [s.id for s in sessions]
        first_id = st.selectbox("Compare", ids[:-1], index=len(ids) - 2, key="history_from", format_func=name)
        later = ids[ids.index(first_id) + 1:]
        second_id = st.selectbox("with", later, index=len(later) - 1, key="history_to", format_func=name)
        change_table(compare(by_id[first_id].result, by_id[second_id].result), viewer)

    with st.expander("Sessions"):
        st.dataframe([{"Session": s.id, "Filmed": f"{s.recorded_at:%Y-%m-%d}", "Video": s.video_name,
                       "View": s.view, "Events": len(s.result.get("events") or []),
                       "Flags": ", ".join(sorted({f["code"] for f in s.result.get("flags") or []})), "Note": s.note}
                      for s in sessions], hide_index=True, width="stretch")


def change_table(changes, viewer: str) -> None:
    """Each change with its classification; never a bare difference."""
    rows = []
    for c in changes:
        c = dataclasses.asdict(c) if dataclasses.is_dataclass(c) else dict(c)
        if c.get("previous_deg") is None and c.get("current_deg") is None:
            continue
        angle = c.get("angle")
        verdict = c.get("verdict") or ""
        if verdict == "not comparable" and c.get("change_deg") is not None:
            verdict = "not classified: no known measurement error for this angle"
        elif verdict == "not comparable":
            verdict = "not measured in both sessions"
        rows.append({
            "Angle": angle_label(angle, viewer) if angle in words.ANGLE_KEYS else str(angle),
            "Leg": c.get("side"),
            "Before": deg(c.get("previous_deg")),
            "After": deg(c.get("current_deg")),
            "Change": deg(c.get("change_deg"), signed=True),
            "Smallest real change": deg(c.get("sdd_deg")),
            "Meaning": verdict,
        })
    if not rows:
        st.markdown("No angle was measured in both sessions.")
        return
    st.dataframe(rows, hide_index=True, width="stretch")
    sdd = default_threshold_config().get("change", {}).get("smallest_detectable_difference_deg", {})
    listed = ", ".join(f"{first_lower(angle_label(k, viewer))} {v:g}°" for k, v in sdd.items() if k in words.ANGLE_KEYS)
    st.caption(f"A change no larger than the smallest detectable difference ({listed}) is within measurement "
               "error: it cannot be told apart from the day-to-day variation of the measurement.")


# -- the squad page --------------------------------------------------------------------------------------
SQUAD_COLUMNS = {"video": "Video", "task": "Task", "side": "Leg", "events": "Events", "worst": "Most severe",
                 "pelvic_drop_deg": "Pelvic drop °", "trunk_lean_deg": "Trunk lean °",
                 "knee_fppa_deg": "Knee FPPA °", "hip_adduction_deg": "Hip add. °",
                 "flags": "Flags", "note": "Note"}


def squad_page(settings: dict) -> None:
    """Several videos (one per athlete, named after them) analysed in turn and ranked, as ``hipscreen batch``."""
    from hipscreen.batch import BatchOutcome

    st.title("Squad screening")
    st.markdown("Upload one video per athlete, each named after the athlete (for example `sam_step_down.mp4`). "
                "Each is analysed with the settings on the left, in turn; the table ranks them, the most marked "
                "flags first. Values are the mean at the peaks of each leg's repetitions, holds or steps.")
    files = st.file_uploader("Videos", type=[s.lstrip(".") for s in VIDEO_SUFFIXES], key="squad_upload",
                             accept_multiple_files=True, help=f"Up to {upload_limit_mb()} MB each.")
    if not files:
        st.info("Upload the squad's videos to start.")
        return
    prune_uploads()
    outcome = BatchOutcome()
    bar = st.progress(0.0)
    for k, uploaded in enumerate(files):
        name = Path(uploaded.name).name
        bar.progress(k / len(files), text=f"Analysing {name} ({k + 1} of {len(files)})…")
        result, problem = squad_result(uploaded, settings)
        if result is None:
            outcome.failures.append((Path(name), problem))
        else:
            outcome.results.append((Path(name), result))
    bar.empty()
    rows = outcome.rows()
    if rows:
        audience = "patient" if settings["viewer"] == "Patient" else "clinician"
        shown = [{label: squad_cell(key, row, audience) for key, label in SQUAD_COLUMNS.items()} for row in rows]
        columns = {label: st.column_config.NumberColumn(format="%+.1f")
                   for key, label in SQUAD_COLUMNS.items() if key.endswith("_deg")}
        columns["Flags"] = st.column_config.TextColumn(width="large")
        st.dataframe(shown, hide_index=True, width="stretch", column_config=columns)
        st.caption("Flags and their thresholds are those of the single-video page (docs/MEASURES.md section 4). "
                   "Open a video on its own page for its curves, events and report. "
                   "A blank value was not measured; the note says why when it is the whole video.")
        bands = threshold_bands(flag_rules(settings["thresholds_toml"]))
        st.plotly_chart(squad_figure(rows, angle_labels(settings["viewer"]), bands), width="stretch",
                        key="squad_figure")
        st.caption("Each bar is the mean at the peaks of one leg of one video, in the table's order; shading: "
                   "the caution (orange) and marked (red) ranges of the flags.")
        st.download_button("Ranked table (CSV)", icon=":material/table_view:", data=outcome.csv_text(),
                           file_name="squad_hipscreen.csv", mime="text/csv", key="dl_squad", on_click="ignore")
    elif outcome.results:
        st.markdown("No repetition, hold or step was found in any of these videos.")
    for path, problem in outcome.failures:
        st.error(f"**{path.name}** was not analysed: {problem}")


def squad_cell(key: str, row: dict, audience: str):
    """One cell of the squad table: task, flags and the most severe flag in words, the rest as they are."""
    if key == "task":
        return words.TASK_LABELS.get(row["task"], row["task"])
    if key == "worst":
        from hipscreen.batch import SEVERITY_RANK

        severity = next((name for name, rank in SEVERITY_RANK.items() if rank == row["worst"]), "")
        return words.SEVERITY_PATIENT.get(severity, severity) if audience == "patient" else severity
    if key == "flags":
        return ", ".join(words.flag_label(code, audience=audience) for code in row["flags"].split())
    return row[key]


def squad_result(uploaded, settings: dict) -> tuple[dict | None, str]:
    """One uploaded video's result, or None with what went wrong (the squad goes on)."""
    too_large = over_upload_limit(uploaded)
    if too_large:
        return None, f"it is {too_large}."
    path, digest = store_upload(uploaded.getvalue(), uploaded.name)
    try:
        analysis = analyse_stored(path, digest, settings)
    except InputProblem as problem:
        return None, in_users_words(problem, path, Path(uploaded.name).name)
    except Exception as error:  # noqa: BLE001 - one video's failure must not lose the others
        LOG.exception("analysis failed for %s", digest)
        return None, f"an error in hipscreen, not in the video ({type(error).__name__}); please report it."
    return analysis.result, ""


def main() -> None:
    st.set_page_config(page_title="hipscreen", layout="wide")
    settings = sidebar()
    if settings["page"] == "Patient history":
        history_page(settings)
    elif settings["page"] == "Squad screening":
        squad_page(settings)
    else:
        analyse_page(settings)


main()
