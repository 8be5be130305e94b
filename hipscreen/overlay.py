"""The overlay video: the original frames with the skeleton and the live angle values.

Written as browser-playable H.264 MP4 (``hipscreen analyze --overlay``, the dashboard's
player, and the key frames of the PDF report).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from hipscreen.filming_guide import ANGLE_LABELS_CLINICIAN, ANGLES_WITHHELD_LINE, angles_withheld
from hipscreen.privacy import head_ellipses, hide_head
from vision.decode import iter_frames
from vision.encode import H264Writer
from vision.landmarks import SKELETON_EDGES, other_side

STANCE_COLOUR = (255, 140, 0)  # RGB, orange: the stance limb of the current event
OTHER_COLOUR = (0, 170, 255)  # RGB, blue
TRUNK_COLOUR = (255, 255, 255)
TEXT_BG = (20, 20, 20)
EVENT_NOUNS = {"step_down": "rep", "single_leg_squat": "rep", "single_leg_stance": "hold", "gait": "step"}

OVERLAY_LABELS: dict[str, dict[str, str]] = {
    "clinician": dict(ANGLE_LABELS_CLINICIAN),
    "patient": {  # short enough for the panel of a portrait phone video
        "pelvic_drop_deg": "Hip drop",
        "trunk_lean_deg": "Body lean",
        "knee_fppa_deg": "Knee inward",
        "hip_adduction_deg": "Thigh inward",
    },
}
"""Angle names drawn on the video, for each audience."""


def side_at_frames(times_s: np.ndarray, events: list[dict]) -> list[str | None]:
    """The stance side shown at each frame: the event's side inside an event, else the nearest event's."""
    if not events:
        return [None] * len(times_s)
    starts = np.array([e["start_s"] for e in events], dtype=float)
    ends = np.array([e["end_s"] for e in events], dtype=float)
    sides = [e["side"] for e in events]
    shown = []
    for t in times_s:
        inside = np.flatnonzero((starts <= t) & (t <= ends))
        if inside.size:
            shown.append(sides[int(inside[-1])])
        else:
            dist = np.minimum(np.abs(starts - t), np.abs(ends - t))
            shown.append(sides[int(np.argmin(dist))])
    return shown


def leg_line(side: str, *, inside_event: bool, noun: str) -> str:
    """The panel's line naming the leg whose angles are shown.

    Inside an event that leg is the standing one; outside (standing on both feet before a
    hold, between steps found), the panel shows the nearest event's leg and says so.
    """
    return f"Standing leg: {side}" if inside_event else f"Leg shown: {side} (nearest {noun})"


def _event_at(t: float, events: list[dict]) -> dict | None:
    for event in events:
        if event["start_s"] <= t <= event["end_s"]:
            return event
    return None


def draw_frame(
    rgb: np.ndarray,
    points: dict[str, np.ndarray],
    *,
    side: str | None,
    angles: dict[str, float],
    caption: str = "",
    labels: dict[str, str] = OVERLAY_LABELS["clinician"],
    note: str = "",
    leg: str | None = None,
) -> np.ndarray:
    """Draw the skeleton (``points`` name -> (x, y) pixels, NaN = missing) and an angle panel.

    ``labels`` names the angles drawn (none: no value is drawn); ``note`` is a last line
    of the panel; ``leg`` the line naming ``side`` (default "Standing leg: <side>",
    :func:`leg_line`).

    Returns a new RGB image; ``rgb`` is not modified.
    """
    img = np.ascontiguousarray(rgb.copy())
    h, w = img.shape[:2]
    scale = min(h, w) / 900.0  # the short side sets the size: a portrait clip is as legible as a landscape one
    thick = max(2, int(round(3 * scale)))

    def pt(name):
        p = points.get(name)
        if p is None or not np.all(np.isfinite(p)):
            return None
        return int(round(p[0])), int(round(p[1]))

    for a, b in SKELETON_EDGES:
        pa, pb = pt(a), pt(b)
        if pa is None or pb is None:
            continue
        colour = (200, 200, 200)
        if side is not None:
            if a.startswith(side + "_") and b.startswith(side + "_"):
                colour = STANCE_COLOUR
            elif a.startswith(other_side(side) + "_") and b.startswith(other_side(side) + "_"):
                colour = OTHER_COLOUR
        cv2.line(img, pa, pb, colour, thick, cv2.LINE_AA)
    # Trunk line mid-hip -> mid-shoulder.
    hips = [pt("left_hip"), pt("right_hip")]
    shoulders = [pt("left_shoulder"), pt("right_shoulder")]
    if None not in hips and None not in shoulders:
        mh = ((hips[0][0] + hips[1][0]) // 2, (hips[0][1] + hips[1][1]) // 2)
        ms = ((shoulders[0][0] + shoulders[1][0]) // 2, (shoulders[0][1] + shoulders[1][1]) // 2)
        cv2.line(img, mh, ms, TRUNK_COLOUR, thick, cv2.LINE_AA)
    for name in points:
        p = pt(name)
        if p is not None:
            cv2.circle(img, p, thick + 1, (255, 255, 255), -1, cv2.LINE_AA)

    lines = []
    if caption:
        lines.append(caption)
    if side is not None:
        lines.append(leg or leg_line(side, inside_event=True, noun="event"))
        for key, label in labels.items():
            value = angles.get(key)
            text = "--" if value is None or not np.isfinite(value) else f"{value:+.1f} deg"
            lines.append(f"{label}: {text}")
    if note:
        lines.append(note)
    if lines:
        font_scale = 0.7 * scale
        font_thick = max(1, int(round(1.5 * scale)))
        line_h = int(34 * scale)
        box_w = int(max(cv2.getTextSize(s, cv2.FONT_HERSHEY_SIMPLEX, font_scale, font_thick)[0][0] for s in lines) + 20 * scale)
        box_h = line_h * len(lines) + int(10 * scale)
        overlay = img.copy()
        cv2.rectangle(overlay, (0, 0), (min(box_w, w - 1), min(box_h, h - 1)), TEXT_BG, -1)
        img = cv2.addWeighted(overlay, 0.65, img, 0.35, 0)
        for i, s in enumerate(lines):
            y = int(line_h * (i + 1))
            cv2.putText(img, s, (int(10 * scale), y), cv2.FONT_HERSHEY_SIMPLEX, font_scale, (255, 255, 255), font_thick, cv2.LINE_AA)
    return img


def frame_points(track, i: int) -> dict[str, np.ndarray]:
    """Landmarks drawn as the skeleton at frame ``i``."""
    names = {n for edge in SKELETON_EDGES for n in edge}
    return {n: track.point(n)[i] for n in names}


def frame_angles(series: dict[str, np.ndarray], i: int, side: str) -> dict[str, float]:
    """The four angles at frame ``i`` for stance side ``side`` from the per-frame series."""
    return {
        "pelvic_drop_deg": float(series[f"pelvic_drop_{side}_stance_deg"][i]),
        "trunk_lean_deg": float(series[f"trunk_lean_{side}_stance_deg"][i]),
        "knee_fppa_deg": float(series[f"knee_fppa_{side}_deg"][i]),
        "hip_adduction_deg": float(series[f"hip_adduction_{side}_deg"][i]),
    }


def write_overlay(
    video_path: str | Path, analysis, out_path: str | Path, *, progress=None, audience: str = "clinician",
    hide_face: bool = True,
) -> Path:
    """Re-read the video and write the overlay MP4 (H.264) to ``out_path``.

    ``audience`` (``"clinician"`` or ``"patient"``) chooses the angle names drawn
    (:data:`OVERLAY_LABELS`). A result that gives no angle (a camera at an angle to the
    person) gets the skeleton without values, and a line saying why. ``hide_face`` covers
    the head in every frame (:mod:`hipscreen.privacy`).

    Frames are matched to the analysis by their order in the stream (the same decoder
    produced both), and checked against the analysis timestamps.
    """
    out_path = Path(out_path)
    track = analysis.track
    events = analysis.result.get("events", [])
    sides = side_at_frames(track.times_s, events)
    fps = analysis.video.fps if np.isfinite(analysis.video.fps) and analysis.video.fps > 0 else 30.0
    n = len(track)
    noun = EVENT_NOUNS.get(analysis.result.get("task"), "event")
    withheld = angles_withheld(analysis.result)
    labels = {} if withheld else OVERLAY_LABELS[audience]
    note = ANGLES_WITHHELD_LINE if withheld else ""
    heads = head_ellipses(track.xy_px) if hide_face else None
    with H264Writer(out_path, track.width, track.height, fps) as writer:
        for frame in iter_frames(video_path):
            i = frame.index
            if i >= n:
                break
            side = sides[i]
            event = _event_at(float(track.times_s[i]), events)
            caption = f"{frame.time_s:5.2f} s"
            if event is not None:
                caption += f"  {noun} {event['index'] + 1}"
            angles = frame_angles(analysis.series, i, side) if side and not withheld else {}
            rgb = frame.rgb if heads is None else hide_head(frame.rgb, heads[i])
            leg = leg_line(side, inside_event=event is not None, noun=noun) if side else None
            writer.write(draw_frame(rgb, frame_points(track, i), side=side, angles=angles, caption=caption,
                                    labels=labels, note=note, leg=leg))
            if progress is not None and n:
                progress((i + 1) / n)
    return out_path
