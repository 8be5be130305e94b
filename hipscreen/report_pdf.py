"""The PDF report of one analysis: one to two A4 pages a clinician can file or print.

Page content: a header (patient code, date, video, task, view), key frames at the
repetitions' peaks with the skeleton and the angles drawn, the per-side summary and
asymmetry, the per-event table, the flags with their thresholds and sources, the
lateral step-down score, the quality warnings, and the reminder that the tool measures
movement and does not diagnose (on every page).

Notes
-----
Key frames are read from the video at the event's peak time (presentation timestamps,
seconds from the first frame) and drawn in pixels of the upright frame (x right, y down),
scaled to the decoded frame's size. Left/right are the person's sides; the stance limb is
drawn in orange, the other limb in blue. The head is covered by a mosaic unless asked
otherwise (:mod:`hipscreen.privacy`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image, ImageDraw, ImageFont

from hipscreen.filming_guide import (
    ANGLE_KEYS,
    ANGLES_WITHHELD_LINE,
    ANGLES_WITHHELD_NOTE,
    ANGLE_LABELS_CLINICIAN,
    ANGLE_LABELS_PATIENT,
    DISCLAIMER,
    PEAK_MOMENT_PATIENT,
    SCORE_CRITERIA_LABELS_CLINICIAN,
    SEVERITY_PATIENT,
    TASK_LABELS,
    UNIT_WORDS,
    angles_withheld,
    count_text,
    cut_event_note,
    event_noun,
    flag_label,
    flag_measure,
    leg_label,
    no_flag_text,
    plural,
    score_criterion_label,
    task_unsure,
    video_notes,
)
from hipscreen.chart_data import threshold_bands
from hipscreen.privacy import head_ellipses, hide_head
from hipscreen.report_curves import CAPTION, curves_height_mm, draw_angle_curves
from metrics.events.base import REPETITION_TASKS
from vision.decode import iter_frames
from vision.landmarks import SKELETON_EDGES

AUDIENCES = ("clinician", "patient")
MAX_EVENT_ROWS = 24
MIN_KEY_FRAME_HEIGHT_PX = 480
SEVERITY_ORDER = {"marked": 0, "caution": 1, "info": 2}
SEVERITY_RGB = {"marked": (190, 40, 40), "caution": (200, 120, 0), "info": (60, 110, 170)}
STANCE_RGB = (255, 140, 0)
OTHER_RGB = (40, 140, 255)
MIDLINE_RGB = (235, 235, 235)

@dataclass(frozen=True)
class ReportLayout:
    """Sizes of the report, millimetres unless named otherwise."""

    margin_mm: float = 12.0
    key_frame_height_mm: float = 68.0
    key_frame_max_side_px: int = 900
    body_font_pt: float = 9.0
    table_font_pt: float = 8.0
    row_height_mm: float = 4.6
    curve_panel_max_mm: float = 30.0
    curve_panel_min_mm: float = 16.0


# -- fonts ------------------------------------------------------------------------------
def _font_path(name: str) -> Path:
    return Path(str(resources.files("hipscreen") / "assets" / name))


def _pil_font(size_px: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_font_path("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size_px)


# -- formatting ---------------------------------------------------------------------------
def _deg(value: Any, *, signed: bool = False, digits: int = 1) -> str:
    """``6.1°``; an unmeasured value (None/NaN) is shown as an en dash, never as 0."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    value = float(value)
    if round(value, digits) == 0:
        value = 0.0  # no "-0.0"
    return f"{value:+.{digits}f}°" if signed and value != 0 else f"{value:.{digits}f}°"


def flag_values(flag: dict) -> tuple[str, str]:
    """A flag's value and threshold as text: degrees for angles, else in the flag's unit."""
    value, threshold, unit = flag_measure(flag)
    if unit == "deg":
        return _deg(value), _deg(threshold)
    words = UNIT_WORDS.get(unit, unit)
    digits = 1 if unit == "s" else 2

    def fmt(v: Any) -> str:
        return "–" if v is None else f"{float(v):.{digits}f} {words}".strip()

    return fmt(value), fmt(threshold)


def trigger_times_text(stretches: Any, *, limit: int = 6) -> str:
    """``[[2.1, 2.4], [5.0, 5.3]]`` -> ``"2.1–2.4 s, 5.0–5.3 s"``; empty when none."""
    if not stretches:
        return ""
    parts = [f"{float(a):.1f}–{float(b):.1f} s" for a, b in stretches[:limit]]
    if len(stretches) > limit:
        parts.append(f"+{len(stretches) - limit} more")
    return ", ".join(parts)


def _secs(value: Any) -> str:
    return "–" if value is None else f"{float(value):.2f} s"


def _task_label(result: dict) -> str:
    task = result.get("task") or "unknown"
    label = TASK_LABELS.get(task, task.replace("_", " "))
    detected = result.get("task_detected")
    if detected is True:
        # an unsure call: the quality notes say why, and how to choose the task by hand
        return f"{label} (recognised, unsure)" if task_unsure(result) else f"{label} (recognised automatically)"
    if detected is False:
        return f"{label} (chosen by the user)"
    return label


# -- key frames -----------------------------------------------------------------------------
def _read_frames_at(video_path: Path, times_s: list[float], *, max_side: int) -> dict[float, np.ndarray]:
    """The upright RGB frame nearest each requested time (seconds from the first frame)."""
    wanted = sorted(set(times_s))
    if not wanted:
        return {}
    best: dict[float, tuple[float, np.ndarray]] = {}
    last_wanted = wanted[-1]
    frames = iter_frames(video_path, max_side=max_side)
    for frame in frames:
        t = float(frame.time_s)
        for w in wanted:
            gap = abs(t - w)
            if w not in best or gap < best[w][0]:
                best[w] = (gap, frame.rgb)
        if t > last_wanted + 0.5:
            break
    frames.close()  # stop decoding; the generator closes the file
    return {w: rgb for w, (_, rgb) in best.items()}


def crop_around(points_px: np.ndarray, size: tuple[int, int], *, pad_frac: float = 0.15,
                min_aspect: float = 0.6) -> tuple[int, int, int, int]:
    """The part of a frame worth showing: the body's bounding box, padded, inside the frame.

    Parameters
    ----------
    points_px : ndarray, shape (N, 2)
        Landmark positions in pixels of the frame (x right, y down); NaN rows are ignored.
    size : (width, height)
        The frame's size.
    pad_frac : float
        Padding on every side, as a fraction of the box's height.
    min_aspect : float
        Smallest width / height of the result (room for the angle labels); the box is
        widened symmetrically about its centre when narrower.

    Returns
    -------
    (left, top, right, bottom) in whole pixels; the whole frame when no point is finite.
    """
    w, h = size
    finite = points_px[np.all(np.isfinite(points_px), axis=1)]
    if finite.size == 0:
        return 0, 0, w, h
    (x0, y0), (x1, y1) = finite.min(axis=0), finite.max(axis=0)
    pad = pad_frac * max(y1 - y0, 1.0)
    top, bottom = max(0.0, y0 - pad), min(float(h), y1 + pad)
    half_width = max((x1 - x0) / 2 + pad, min_aspect * (bottom - top) / 2)
    centre = (x0 + x1) / 2
    left, right = max(0.0, centre - half_width), min(float(w), centre + half_width)
    return int(round(left)), int(round(top)), int(round(right)), int(round(bottom))


def _draw_key_frame(rgb: np.ndarray, xy_px: np.ndarray | None, *, track_size: tuple[int, int],
                    stance: str, lines: list[str], caption: str) -> Image.Image:
    """The frame with the skeleton (stance limb orange, other blue) and the angle values.

    ``xy_px`` (33, 2) is in pixels of the upright frame of size ``track_size`` (width,
    height); it is scaled to the decoded frame. With landmarks, the picture is cropped
    around the body (:func:`crop_around`).
    """
    image = Image.fromarray(rgb).convert("RGB")
    draw = ImageDraw.Draw(image, "RGBA")
    w, h = image.size
    line_px = max(2, round(max(w, h) / 220))
    if xy_px is not None:
        from vision.landmarks import LANDMARK_NAMES

        sx, sy = w / track_size[0], h / track_size[1]
        scaled = np.asarray(xy_px, dtype=float) * [sx, sy]
        ys = scaled[np.all(np.isfinite(scaled), axis=1), 1]
        line_px = max(2, round((np.ptp(ys) if ys.size else h) / 150))  # thickness follows the body's size
        pts = {name: (scaled[i, 0], scaled[i, 1]) for i, name in enumerate(LANDMARK_NAMES)}
        for a, b in SKELETON_EDGES:
            pa, pb = pts.get(a), pts.get(b)
            if pa is None or pb is None or not np.all(np.isfinite([*pa, *pb])):
                continue
            if a.startswith(stance) and b.startswith(stance):
                colour = STANCE_RGB
            elif a.startswith(("left", "right")) and a.split("_")[0] == b.split("_")[0]:
                colour = OTHER_RGB
            else:
                colour = MIDLINE_RGB
            draw.line([pa, pb], fill=colour + (255,), width=line_px)
        for name, (x, y) in pts.items():
            if np.isfinite(x) and np.isfinite(y) and name.endswith(("hip", "knee", "ankle", "shoulder")):
                r = line_px * 1.4
                draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 255, 255, 255))
        # wide enough for the labels at their full size (text size follows the crop's height)
        probe = ImageDraw.Draw(image)
        label_aspect = max((probe.textlength(t, font=_pil_font(100)) for t in lines), default=0) / 2400 + 0.04
        image = image.crop(crop_around(scaled, (w, h), min_aspect=max(0.6, label_aspect)))
        if image.height < MIN_KEY_FRAME_HEIGHT_PX:  # a small person in a big frame: enlarge for print
            scale = MIN_KEY_FRAME_HEIGHT_PX / image.height
            image = image.resize((round(image.width * scale), MIN_KEY_FRAME_HEIGHT_PX), Image.Resampling.LANCZOS)
    return _with_label_band(image, lines, caption)


def _with_label_band(image: Image.Image, lines: list[str], caption: str) -> Image.Image:
    """The picture with a dark band below it holding the angle values and the caption.

    Text is sized from the picture's height: key frames are laid out at a fixed height,
    so it prints at about the same size whatever the video's resolution and shape. The
    values go in two columns when they fit, else in one.
    """
    w, h = image.size
    measure = ImageDraw.Draw(image)
    size = max(11, round(h / 24))
    while True:  # as large as the height suggests, as small as the width needs
        font = _pil_font(size)
        pad = max(4, font.size // 3)
        line_w = max(measure.textlength(t, font=font) for t in lines) if lines else 0
        if line_w + 2 * pad <= w or size <= 9:
            break
        size -= 1
    small = _pil_font(max(9, round(size * 0.8)))
    line_h = font.size + pad
    columns = 2 if 2 * line_w + 3 * pad <= w else 1
    rows = -(-len(lines) // columns)
    caption_h = small.size + pad
    band_h = rows * line_h + caption_h + 2 * pad
    canvas = Image.new("RGB", (w, h + band_h), (32, 32, 36))
    canvas.paste(image, (0, 0))
    draw = ImageDraw.Draw(canvas)
    col_w = (w - pad) / columns
    for i, text in enumerate(lines):
        r, c = divmod(i, columns) if columns == 2 else (i, 0)
        draw.text((pad + c * col_w, h + pad + r * line_h), text, font=font, fill=(255, 255, 255))
    draw.text((pad, h + pad + rows * line_h), caption, font=small, fill=(190, 190, 190))
    return canvas


def _key_events(result: dict) -> list[dict]:
    """Per side, the repetition with the largest pelvic drop at its peak (left first)."""
    chosen = []
    for side in ("left", "right"):
        events = [e for e in result.get("events", []) if e.get("side") == side]
        if not events:
            continue

        def drop(e: dict) -> float:
            v = (e.get("at_peak") or {}).get("pelvic_drop_deg")
            return -math.inf if v is None else float(v)

        chosen.append(max(events, key=drop))
    return chosen


def key_frames(analysis_or_result: Any, *, video_path: str | Path | None,
               layout: ReportLayout = ReportLayout(), audience: str = "clinician",
               hide_face: bool = True) -> list[Image.Image]:
    """The drawn key frames of the report (one per side), empty without a readable video.

    With ``hide_face`` the head is covered (:mod:`hipscreen.privacy`); a frame whose head
    cannot be placed (no landmarks) is then left out rather than printed with the face.
    """
    result = _result_of(analysis_or_result)
    track = getattr(analysis_or_result, "track", None)
    if video_path is None or not Path(video_path).is_file():
        return []
    heads = None
    if hide_face:
        if track is None or not len(track):
            return []
        heads = head_ellipses(track.xy_px)
    events = _key_events(result)
    frames = _read_frames_at(Path(video_path), [float(e["peak_s"]) for e in events],
                             max_side=layout.key_frame_max_side_px)
    labels = ANGLE_LABELS_PATIENT if audience == "patient" else ANGLE_LABELS_CLINICIAN
    images = []
    for e in events:
        rgb = frames.get(float(e["peak_s"]))
        if rgb is None:
            continue
        xy = None
        size = (int(result.get("video", {}).get("width") or rgb.shape[1]),
                int(result.get("video", {}).get("height") or rgb.shape[0]))
        if track is not None and len(track):
            i = int(np.argmin(np.abs(np.asarray(track.times_s) - float(e["peak_s"]))))
            xy = np.asarray(track.xy_px[i])
            size = (int(track.width), int(track.height))
        if heads is not None:
            scale = np.array([rgb.shape[1] / size[0], rgb.shape[0] / size[1]] * 2)
            if not np.all(np.isfinite(heads[i])):
                continue
            rgb = hide_head(rgb, heads[i] * scale)
        at_peak = e.get("at_peak") or {}
        lines = [f"{labels[k]}: {_deg(at_peak.get(k), signed=(k == 'trunk_lean_deg'))}" for k in ANGLE_KEYS]
        if angles_withheld(result):
            lines = [ANGLES_WITHHELD_LINE]
        noun = event_noun(result.get("task"), audience=audience)
        caption = f"{e['side'].capitalize()} leg · {noun} {int(e['index']) + 1} · {float(e['peak_s']):.2f} s"
        images.append(_draw_key_frame(rgb, xy, track_size=size, stance=e["side"], lines=lines, caption=caption))
    return images


def _result_of(analysis_or_result: Any) -> dict:
    result = getattr(analysis_or_result, "result", analysis_or_result)
    if not isinstance(result, dict):
        raise TypeError(f"expected an Analysis or its result dict, got {type(analysis_or_result).__name__}")
    return result


# -- the document -------------------------------------------------------------------------------
class _Report(FPDF):
    def __init__(self, layout: ReportLayout) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.layout = layout
        self.audience = "clinician"
        self.add_font("DejaVu", "", str(_font_path("DejaVuSans.ttf")))
        self.add_font("DejaVu", "B", str(_font_path("DejaVuSans-Bold.ttf")))
        self.set_margins(layout.margin_mm, layout.margin_mm, layout.margin_mm)
        self.set_auto_page_break(auto=True, margin=layout.margin_mm + 8)
        self.set_title("hipscreen movement report")
        self.set_creator("hipscreen")
        self.set_image_filter("DCTDecode")  # key frames as JPEG: a small file

    def footer(self) -> None:
        self.set_y(-self.layout.margin_mm - 5)
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(90, 90, 90)
        self.multi_cell(0, 3.6, f"{DISCLAIMER}   Page {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str) -> None:
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(2.5)
        self.set_font("DejaVu", "B", 11)
        self.set_text_color(20, 60, 110)
        self.multi_cell(0, 6, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # wraps, never runs off the page
        self.set_draw_color(20, 60, 110)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.2)
        self.set_text_color(0, 0, 0)
        self.set_font("DejaVu", "", self.layout.body_font_pt)

    def paragraph(self, text: str, *, size: float | None = None, rgb=(0, 0, 0)) -> None:
        self.set_font("DejaVu", "", size or self.layout.body_font_pt)
        self.set_text_color(*rgb)
        self.multi_cell(0, 4.4, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.set_text_color(0, 0, 0)

    def grid(self, rows: list[list[str]], widths: list[float], *, aligns: str | None = None) -> None:
        """A small table: first row is the header."""
        lay = self.layout
        self.set_font("DejaVu", "", lay.table_font_pt)
        with self.table(col_widths=widths, width=sum(widths), align="LEFT",
                        line_height=lay.row_height_mm, text_align=aligns or "LEFT",
                        headings_style=_heading_style(), first_row_as_headings=True,
                        borders_layout="HORIZONTAL_LINES", padding=0.6) as table:
            for row in rows:
                table.row(row)


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", fill_color=(230, 236, 244))


def build_report(
    analysis_or_result: Any,
    *,
    video_path: str | Path | None = None,
    patient: str | None = None,
    audience: str = "clinician",
    report_date: date | None = None,
    layout: ReportLayout = ReportLayout(),
    hide_face: bool = True,
) -> bytes:
    """Render the report of one analysis as PDF bytes.

    Parameters
    ----------
    analysis_or_result
        A ``hipscreen.pipeline.Analysis`` (its landmarks give the skeleton on the key
        frames) or just its ``result`` dict (key frames then show the angles only).
    video_path
        The analysed video, for the key frames; without it the report has none.
    patient
        The clinic's patient code, printed in the header if given.
    audience
        ``"clinician"`` (all numbers, clinical words) or ``"patient"`` (plain words).
    report_date
        Date printed in the header; default today.
    hide_face
        Cover the head on the key frames (:func:`key_frames`); on by default.

    Returns
    -------
    bytes
        A PDF of one or two A4 pages.
    """
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {AUDIENCES}, got {audience!r}")
    result = _result_of(analysis_or_result)
    labels = ANGLE_LABELS_PATIENT if audience == "patient" else ANGLE_LABELS_CLINICIAN
    pdf = _Report(layout)
    pdf.audience = audience
    pdf.alias_nb_pages()
    pdf.add_page()

    _header(pdf, result, patient=patient, report_date=report_date or date.today())
    images = key_frames(analysis_or_result, video_path=video_path, layout=layout, audience=audience,
                        hide_face=hide_face)
    if images:
        _key_frames_and_sides(pdf, images, result, labels,
                              skeleton=getattr(analysis_or_result, "track", None) is not None)
    else:
        _sides(pdf, result, labels)
    _flags(pdf, result, audience)
    _score(pdf, result, audience)
    _events(pdf, result, labels)
    _curves(pdf, analysis_or_result, result, labels)
    _quality(pdf, result)
    return bytes(pdf.output())


def _header(pdf: _Report, result: dict, *, patient: str | None, report_date: date) -> None:
    pdf.set_font("DejaVu", "B", 16)
    pdf.set_text_color(20, 60, 110)
    pdf.cell(0, 8, "hipscreen · movement report", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    video = result.get("video") or {}
    tool = result.get("tool") or {}
    view = {"front": "the front", "back": "behind"}.get(result.get("view"), str(result.get("view")))
    rows = [
        [("Patient", patient or "not given"), ("Date", report_date.isoformat())],
        [("Task", _task_label(result)), ("Filmed from", view)],
        [("Video", f"{Path(str(video.get('path') or '')).name or '–'} "
                   f"({_secs(video.get('duration_s'))}, {video.get('fps', '–')} frames/s)")],
        [("Tool", f"{tool.get('name', 'hipscreen')} {tool.get('version', '')}, {tool.get('pose_model', '')}, "
                  f"{_points_label(result)}")],
    ]
    label_mm = 25.0
    avail = pdf.w - 2 * pdf.l_margin
    for row in rows:
        # two fields: the first (the task, with how it was chosen) gets the wider column
        shares = (1.0,) if len(row) == 1 else (0.62, 0.38)
        for i, (k, v) in enumerate(row):
            col = avail * shares[i]
            pdf.set_font("DejaVu", "B", 9)
            pdf.cell(label_mm, 4.8, k)
            pdf.set_font("DejaVu", "", 9)
            last = i == len(row) - 1
            pdf.cell(col - label_mm, 4.8, _fit(pdf, v, col - label_mm - 1),
                     new_x=XPos.LMARGIN if last else XPos.RIGHT, new_y=YPos.NEXT if last else YPos.TOP)


def _points_label(result: dict) -> str:
    """Which points the angles come from: joint-centre estimates (and the task's own rule, if
    one was used; docs/JOINT_CENTRES.md) or MediaPipe's own."""
    joint_centres = (result.get("details") or {}).get("joint_centres") or {}
    if not joint_centres.get("applied"):
        return "MediaPipe's points as they are"
    rule = joint_centres.get("rule")
    if rule and rule != "general":
        return f"joint-centre estimates ({TASK_LABELS.get(rule, rule.replace('_', ' ')).lower()} hip rule)"
    return "joint-centre estimates"


def _fit(pdf: FPDF, text: str, width_mm: float) -> str:
    """``text`` shortened in the middle with an ellipsis until it fits ``width_mm`` in the current font."""
    if pdf.get_string_width(text) <= width_mm:
        return text
    keep = len(text)
    while keep > 4:
        keep -= 1
        short = text[: keep // 2] + "…" + text[len(text) - (keep - keep // 2):]
        if pdf.get_string_width(short) <= width_mm:
            return short
    return text[:4] + "…"


def _key_frames_heading_patient(task: str | None) -> str:
    """What the key frames show, in everyday words: each side's event with the largest pelvic
    drop, at its peak, which for a repetition is its lowest point, not the drop's own moment."""
    if task in REPETITION_TASKS:
        return (f"Pictures: each leg's {PEAK_MOMENT_PATIENT[task].removeprefix('the ')}, in the "
                f"{event_noun(task, audience='patient')} where the hip dropped most")
    return "Pictures from your video: the moment your hip dropped most, for each leg"


def _key_frames_and_sides(pdf: _Report, images: list[Image.Image], result: dict, labels: dict[str, str],
                          *, skeleton: bool) -> None:
    """The key frames; beside them the per-side table when they leave room, else below."""
    if angles_withheld(result):
        pdf.heading("Pictures from your video, for each leg" if pdf.audience == "patient" else
                    "Key frames: the peak of the first event, per side")
    elif pdf.audience == "patient":
        pdf.heading(_key_frames_heading_patient(result.get("task")))
    else:
        pdf.heading("Key frames: the peak of the event with the largest pelvic drop, per side")
    gap = 4.0
    avail = pdf.w - 2 * pdf.l_margin
    h = pdf.layout.key_frame_height_mm
    widths = [h * im.width / im.height for im in images]
    total = sum(widths) + gap * (len(images) - 1)
    if total > avail:
        h *= avail / total
        widths = [w * avail / total for w in widths]
        total = avail
    beside = total <= 0.42 * avail
    x = pdf.l_margin if beside else pdf.l_margin + (avail - total) / 2
    y = pdf.get_y()
    for im, w in zip(images, widths):
        pdf.image(im, x=x, y=y, w=w, h=h)
        x += w + gap
    note = "" if angles_withheld(result) else "Values are the angles at that frame."
    if skeleton:
        note = ("Orange: the standing leg. Blue: the other leg. " + note).strip()
    if not beside:
        pdf.set_y(y + h + 1)
        if note:
            pdf.paragraph(note, size=7.5, rgb=(90, 90, 90))
        _sides(pdf, result, labels)
        return
    left_margin = pdf.l_margin
    pdf.set_left_margin(left_margin + total + 6)
    pdf.set_xy(pdf.l_margin, y - 1.5)
    _sides(pdf, result, labels, width_mm=pdf.w - pdf.r_margin - pdf.l_margin - 0.5)
    if note:
        pdf.paragraph(note, size=7.5, rgb=(90, 90, 90))
    pdf.set_left_margin(left_margin)
    pdf.set_xy(left_margin, max(pdf.get_y(), y + h + 1))


def _sides(pdf: _Report, result: dict, labels: dict[str, str], *, width_mm: float | None = None) -> None:
    pdf.heading("Your results for each standing leg (average ± spread)"
                if pdf.audience == "patient" else "Per side: mean ± SD of the peak values")
    if angles_withheld(result):
        pdf.paragraph(ANGLES_WITHHELD_NOTE[pdf.audience], rgb=SEVERITY_RGB["caution"])
    sides = result.get("sides") or {}
    asym = result.get("asymmetry") or {}
    header = ["Angle", "Left leg standing", "Right leg standing", "Right − left"]
    rows = [header]
    noun = event_noun(result.get("task"), audience=pdf.audience)
    counts = [f"{noun.capitalize()}s"] + [count_text(result, s) for s in ("left", "right")] + [""]
    rows.append(counts)
    for k in ANGLE_KEYS:
        cells = [labels[k]]
        for s in ("left", "right"):
            stats = (sides.get(s) or {}).get(k) or {}
            if stats.get("mean") is None:
                cells.append("–")
            else:
                sd = stats.get("sd")
                cells.append(_deg(stats["mean"], signed=(k == "trunk_lean_deg"))
                             + ("" if sd is None else f" ± {float(sd):.1f}°"))
        cells.append(_deg(asym.get(k), signed=True))
        rows.append(cells)
    avail = width_mm or pdf.w - 2 * pdf.l_margin
    pdf.grid(rows, [avail * 0.34, avail * 0.22, avail * 0.22, avail * 0.22])


def _flags(pdf: _Report, result: dict, audience: str) -> None:
    flags = sorted(result.get("flags") or [], key=lambda f: (SEVERITY_ORDER.get(f.get("severity"), 9), f.get("side") or ""))
    pdf.heading("What stood out" if audience == "patient" else "Flags")
    if not flags:
        pdf.paragraph(no_flag_text(result, audience=audience))
        return
    for f in flags:
        sev = f.get("severity", "info")
        pdf.set_font("DejaVu", "B", 9)
        pdf.set_text_color(*SEVERITY_RGB.get(sev, (0, 0, 0)))
        side = f.get("side")
        label = flag_label(f.get("code", ""), audience=audience)
        if audience == "patient":
            title = f"{label}" + (f", {side} leg" if side else "") + f": {SEVERITY_PATIENT.get(sev, sev)}"
        else:
            title = f"{sev.upper()} · {label}" + (f" · {side} leg" if side else "")
            value, threshold = flag_values(f)
            title += f" · {value} (threshold {threshold})"
        pdf.multi_cell(0, 4.6, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        text = f.get("patient_text") if audience == "patient" else f.get("clinician_text")
        if text:
            pdf.paragraph(str(text))
        if audience != "patient":
            source = f.get("source", "")
            if source and source not in str(text or ""):
                pdf.paragraph(f"Source of the threshold: {source}", size=7.5, rgb=(90, 90, 90))
        pdf.ln(0.8)


def _score(pdf: _Report, result: dict, audience: str) -> None:
    score = ((result.get("scores") or {}).get("lateral_step_down")) or {}
    if not score:
        return
    pdf.heading("Step-down score: points for each thing seen (0-1 good, 2-3 moderate, 4+ poor)"
                if audience == "patient" else
                "Lateral step-down score (Piva 2006): 0-1 good, 2-3 moderate, 4 or more poor")
    sides = [s for s in ("left", "right") if s in score]
    rows = [["What was looked at" if audience == "patient" else "Criterion"]
            + [f"{s.capitalize()} leg" for s in sides]]
    keys = list(SCORE_CRITERIA_LABELS_CLINICIAN)
    for s in sides:
        for k in (score[s].get("criteria") or {}):
            if k not in keys:
                keys.append(k)
    def cell(side: str, key: str) -> str:
        points = (score[side].get("criteria") or {}).get(key, "–")
        seen = trigger_times_text((score[side].get("triggers") or {}).get(key), limit=3)
        return f"{points}  ({seen})" if seen and points else str(points)

    for k in keys:
        rows.append([score_criterion_label(k, audience=audience)] + [cell(s, k) for s in sides])
    rows.append(["Total"] + [f"{score[s].get('total', '–')} ({score[s].get('band', '–')})" for s in sides])
    avail = pdf.w - 2 * pdf.l_margin
    pdf.grid(rows, [avail * 0.4] + [avail * 0.6 / len(sides)] * len(sides))
    pdf.paragraph("Points for each, with the times in the video where it was seen." if audience == "patient" else
                  "Points per criterion, with the times in the video where it was seen.", size=7.5, rgb=(90, 90, 90))


def _events(pdf: _Report, result: dict, labels: dict[str, str]) -> None:
    events = result.get("events") or []
    shown = min(len(events), MAX_EVENT_ROWS, 5)
    if pdf.get_y() + 12 + (shown + 1) * (pdf.layout.row_height_mm + 1.2) > pdf.h - pdf.b_margin:
        pdf.add_page()  # keep the heading with the first rows of the table
    task = result.get("task")
    if pdf.audience == "patient":
        moment = PEAK_MOMENT_PATIENT.get(task, "the moment measured")
        pdf.heading(f"Each {event_noun(task, audience='patient')} ({len(events)}): the angles at {moment}")
        columns = ["#", "Leg", "Began", "Measured", "Ended"]
    else:
        pdf.heading(f"Events ({len(events)}): values at the peak")
        columns = ["#", "Leg", "Start", "Peak", "End"]
    if not events:
        pdf.paragraph("No repetition, hold or step was found." if pdf.audience == "patient" else
                      "No repetition, hold or stance phase was found.")
        return
    rows = [columns + [labels[k] for k in ANGLE_KEYS]]
    for e in events[:MAX_EVENT_ROWS]:
        at = e.get("at_peak") or {}
        rows.append([str(int(e.get("index", 0)) + 1), leg_label(e), _secs(e.get("start_s")),
                     _secs(e.get("peak_s")), _secs(e.get("end_s"))]
                    + [_deg(at.get(k), signed=(k == "trunk_lean_deg")) for k in ANGLE_KEYS])
    avail = pdf.w - 2 * pdf.l_margin
    pdf.grid(rows, [avail * f for f in (0.05, 0.11, 0.1, 0.1, 0.1, 0.135, 0.135, 0.135, 0.135)],
             aligns=("RIGHT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"))
    if len(events) > MAX_EVENT_ROWS:
        more, noun = len(events) - MAX_EVENT_ROWS, event_noun(task, audience=pdf.audience)
        pdf.paragraph(f"Only the first {plural(MAX_EVENT_ROWS, noun)} are shown here." if pdf.audience == "patient"
                      else f"Another {plural(more, noun)} {'is' if more == 1 else 'are'} in the JSON and CSV exports.",
                      size=7.5, rgb=(90, 90, 90))
    cut_note = cut_event_note(result)
    if cut_note:
        pdf.paragraph(cut_note, size=7.5, rgb=(90, 90, 90))


def _curves(pdf: _Report, analysis_or_result: Any, result: dict, labels: dict[str, str]) -> None:
    """The four angles over time (clinician's report, from an Analysis), sized to the room left in two pages.

    Left out for a patient (plain words only), for a result without its per-frame series,
    and when the camera was at an angle to the person (no value is given then).
    """
    series = getattr(analysis_or_result, "series", None)
    if pdf.audience == "patient" or not series or len(series.get("time_s", ())) < 2 or angles_withheld(result):
        return
    lay = pdf.layout
    heading_mm = 12.0 + 8.0  # and the caption below

    def room_per_panel() -> float:
        room = pdf.h - pdf.b_margin - pdf.get_y() - heading_mm
        return (room - curves_height_mm(0.0)) / len(ANGLE_KEYS)

    if room_per_panel() < lay.curve_panel_min_mm:
        if pdf.page_no() >= 2:
            pdf.heading("Angles over time")
            pdf.paragraph("The curves did not fit in the report's two pages; the CSV export holds every angle "
                          "frame by frame.", size=7.5, rgb=(90, 90, 90))
            return
        pdf.add_page()
    pdf.heading("Angles over time")
    thresholds = getattr(analysis_or_result, "thresholds", None)
    if thresholds is None:
        from metrics.flags import load_thresholds

        thresholds = load_thresholds()
    draw_angle_curves(pdf, series, result, labels, threshold_bands(thresholds.table.get("flags", {})),
                      x_mm=pdf.l_margin, y_mm=pdf.get_y(), width_mm=pdf.w - pdf.l_margin - pdf.r_margin,
                      panel_height_mm=min(lay.curve_panel_max_mm, room_per_panel()))
    pdf.paragraph(CAPTION, size=7.5, rgb=(90, 90, 90))


def _quality(pdf: _Report, result: dict) -> None:
    patient = pdf.audience == "patient"
    pdf.heading("About this video" if patient else "Video quality")
    quality = result.get("quality") or {}
    share = quality.get("frames_with_pose")
    roll = result.get("camera_roll_deg")
    yaw = result.get("camera_yaw_deg")
    facts = [
        f"Person found in {share * 100:.0f}% of the frames." if share is not None else "Share of frames with a person: unknown.",
        f"{'Phone tilt' if patient else 'Phone tilt (camera roll)'}: {_deg(roll, signed=True)}." if roll is not None
        else f"{'Phone tilt' if patient else 'Phone tilt (camera roll)'} could not be estimated.",
    ]
    warnings = video_notes(result, audience=pdf.audience)
    if not patient:  # the quality warnings already say it in plain words
        facts.append(f"Camera angle from square to the person (yaw): {_deg(yaw, signed=True)}." if yaw is not None
                     else "Camera angle from square to the person (yaw) could not be estimated.")
        details = result.get("details") or {}
        oblique = (details.get("camera_yaw") or {}).get("oblique_warning")
        if oblique:
            warnings.append(str(oblique))
        withheld = details.get("flags_withheld_for_camera_angle") or []
        if withheld:
            warnings.append("Flags withheld because of the camera angle: "
                            + ", ".join(str(code).replace("_", " ") for code in withheld) + ".")
    pdf.paragraph(" ".join(facts))
    for w in warnings:
        pdf.paragraph(f"• {w}")
    if not warnings:
        pdf.paragraph("No quality warnings.")
