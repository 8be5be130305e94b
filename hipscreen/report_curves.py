"""The PDF report's "Angles over time": the four angles drawn as vector curves on the page.

What the dashboard's curves show (:func:`hipscreen.charts.angle_figure`), for the record a
clinic files: one panel per angle, both legs (pelvic drop and trunk lean bold only while
their leg stands, faint elsewhere), the events shaded grey with a strip in the standing
leg's colour along the panel's foot (in print a coloured column would read as a flag's
band), each event's value at the peak marked with a diamond, and the flags' caution and
marked ranges shaded behind. Drawn with fpdf2's lines and fills, so it prints sharp at any size.

Page coordinates are millimetres from the top left corner, y down; a panel's values
grow upwards. :class:`PanelScale` maps (time, degrees) to the page, and
:func:`nice_ticks` chooses the axis labels; both are pure and tested alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from fpdf import FPDF

from hipscreen.chart_data import SERIES_KEYS, SIDE_COLOURS, SIDES, STANCE_ANGLES, Band, own_events_mask, shown_bands
from hipscreen.filming_guide import ANGLE_KEYS
from metrics.events.signals import runs

BAND_FILL = {"caution": ((255, 165, 0), 0.22), "marked": ((255, 0, 0), 0.13)}
EVENT_FILL = ((0, 0, 0), 0.05)
EVENT_STRIP_MM = 1.2
FAINT_OPACITY = 0.3
AXIS_GREY = (150, 150, 150)
ZERO_GREY = (200, 200, 200)
MIN_SPAN_DEG = 10.0
Y_LABEL_WIDTH_MM = 9.0
TITLE_HEIGHT_MM = 4.0
X_LABEL_HEIGHT_MM = 6.0
LEGEND_HEIGHT_MM = 5.0


def side_rgb(side: str) -> tuple[int, int, int]:
    """The dashboard's colour of a leg, as RGB."""
    colour = SIDE_COLOURS[side].lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


@dataclass(frozen=True)
class PanelScale:
    """Maps time (s) and angle (degrees) to page millimetres inside a panel's frame.

    ``x_mm, y_mm`` is the frame's top left corner; ``t_range`` spans its width and
    ``deg_range`` its height, the larger angle at the top.
    """

    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float
    t_range: tuple[float, float]
    deg_range: tuple[float, float]

    def x(self, t_s: float) -> float:
        t0, t1 = self.t_range
        return self.x_mm + (t_s - t0) / (t1 - t0) * self.width_mm

    def y(self, deg: float) -> float:
        lo, hi = self.deg_range
        return self.y_mm + (hi - deg) / (hi - lo) * self.height_mm


def nice_ticks(lo: float, hi: float, *, max_ticks: int = 5) -> list[float]:
    """Round values (multiples of 1, 2 or 5 times a power of ten) from ``lo`` to ``hi``, at most ``max_ticks``.

    >>> nice_ticks(-3.2, 17.5)
    [0.0, 5.0, 10.0, 15.0]
    """
    span = hi - lo
    if not span > 0:
        return [lo]
    for exponent in range(math.floor(math.log10(span / max_ticks)), math.ceil(math.log10(span)) + 1):
        for mantissa in (1, 2, 5):
            step = mantissa * 10.0**exponent
            ticks = [k * step for k in range(math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9) + 1)]
            if len(ticks) <= max_ticks:
                return [float(round(v, 10)) for v in ticks]
    return [lo, hi]


def panel_range(values: np.ndarray, bands: list[Band]) -> tuple[float, float]:
    """The angle axis of a panel: the data and the bands shown beside it, at least 10 degrees, padded.

    Without any finite value the axis spans -5 to 5 degrees (and the bands that reach it).
    """
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-5.0, 5.0)
    for low, high, _ in shown_bands(bands, lo, hi):
        lo, hi = min(lo, low), max(hi, high)
    if hi - lo < MIN_SPAN_DEG:
        middle = (lo + hi) / 2
        lo, hi = middle - MIN_SPAN_DEG / 2, middle + MIN_SPAN_DEG / 2
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


def curves_height_mm(panel_height_mm: float, panels: int = len(ANGLE_KEYS)) -> float:
    """Height of the whole drawing: legend, panels with their titles, the time axis below."""
    return LEGEND_HEIGHT_MM + panels * (TITLE_HEIGHT_MM + panel_height_mm + 1.5) + X_LABEL_HEIGHT_MM


def _polyline(pdf: FPDF, scale: PanelScale, t: np.ndarray, y: np.ndarray) -> None:
    """The curve through the finite samples, broken where a value is missing."""
    for start, stop in runs(np.isfinite(y)):
        if stop - start >= 2:
            pdf.polyline([(scale.x(ti), scale.y(yi)) for ti, yi in zip(t[start:stop], y[start:stop])])


def _diamond(pdf: FPDF, x: float, y: float, r: float = 1.0) -> None:
    pdf.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], style="DF")


def draw_angle_curves(
    pdf: FPDF,
    series: dict,
    result: dict,
    labels: dict[str, str],
    bands: dict[str, list[Band]],
    *,
    x_mm: float,
    y_mm: float,
    width_mm: float,
    panel_height_mm: float,
) -> list[PanelScale]:
    """Draw the four panels from ``y_mm`` down; returns each panel's scale (for tests and callers).

    ``series`` holds ``time_s`` and the per-side series of :data:`hipscreen.chart_data.SERIES_KEYS`;
    ``result`` gives the events; ``bands`` the flags' bands per angle
    (:func:`hipscreen.chart_data.threshold_bands`). Uses the font already set on ``pdf``
    (family), at small sizes.
    """
    t = np.asarray(series["time_s"], dtype=float)
    events = result.get("events") or []
    family = pdf.font_family
    t_range = (float(t[0]), float(t[-1])) if t.size >= 2 and t[-1] > t[0] else (0.0, 1.0)
    plot_x, plot_w = x_mm + Y_LABEL_WIDTH_MM, width_mm - Y_LABEL_WIDTH_MM
    _legend(pdf, x_mm=plot_x, y_mm=y_mm, family=family)
    top = y_mm + LEGEND_HEIGHT_MM
    scales = []
    for key in ANGLE_KEYS:
        curves = {side: np.asarray(series.get(SERIES_KEYS[key].format(side=side), np.full_like(t, np.nan)),
                                   dtype=float) for side in SIDES}
        deg_range = panel_range(np.concatenate(list(curves.values())), bands.get(key, []))
        pdf.set_font(family, "B", 7.5)
        pdf.set_text_color(40, 40, 40)
        pdf.set_xy(plot_x, top)
        pdf.cell(plot_w, TITLE_HEIGHT_MM, f"{labels[key]} (°)")
        scale = PanelScale(plot_x, top + TITLE_HEIGHT_MM, plot_w, panel_height_mm, t_range, deg_range)
        _panel(pdf, scale, t, curves, key, events, bands.get(key, []), family=family)
        scales.append(scale)
        top += TITLE_HEIGHT_MM + panel_height_mm + 1.5
    _time_axis(pdf, scales[-1], family=family)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.set_y(top + X_LABEL_HEIGHT_MM)
    return scales


def _panel(pdf: FPDF, scale: PanelScale, t: np.ndarray, curves: dict[str, np.ndarray], key: str,
           events: list[dict], bands: list[Band], *, family: str) -> None:
    lo, hi = scale.deg_range
    left, right = scale.x_mm, scale.x_mm + scale.width_mm
    # behind: the events, then the flags' bands
    bottom = scale.y_mm + scale.height_mm
    for event in events:
        if event.get("side") not in SIDES:
            continue
        x0 = max(left, scale.x(event["start_s"]))
        x1 = min(right, scale.x(event["end_s"]))
        if x1 > x0:
            colour, opacity = EVENT_FILL
            with pdf.local_context(fill_color=colour, fill_opacity=opacity):
                pdf.rect(x0, scale.y_mm, x1 - x0, scale.height_mm, style="F")
            pdf.set_fill_color(*side_rgb(event["side"]))
            pdf.rect(x0, bottom - EVENT_STRIP_MM, x1 - x0, EVENT_STRIP_MM, style="F")
    for low, high, severity in shown_bands(bands, lo, hi):
        low, high = max(low, lo), min(high, hi)
        if high > low:
            colour, opacity = BAND_FILL[severity]
            with pdf.local_context(fill_color=colour, fill_opacity=opacity):
                pdf.rect(left, scale.y(high), scale.width_mm, scale.y(low) - scale.y(high), style="F")
    # the axis: frame, zero line, labels
    pdf.set_line_width(0.15)
    if lo < 0 < hi:
        pdf.set_draw_color(*ZERO_GREY)
        pdf.line(left, scale.y(0.0), right, scale.y(0.0))
    pdf.set_draw_color(*AXIS_GREY)
    pdf.rect(left, scale.y_mm, scale.width_mm, scale.height_mm)
    pdf.set_font(family, "", 6)
    pdf.set_text_color(90, 90, 90)
    for tick in nice_ticks(lo, hi, max_ticks=4):
        pdf.line(left - 0.8, scale.y(tick), left, scale.y(tick))
        pdf.set_xy(left - Y_LABEL_WIDTH_MM, scale.y(tick) - 1.5)
        pdf.cell(Y_LABEL_WIDTH_MM - 1.0, 3.0, f"{tick:g}", align="R")
    # the curves, then the peaks on top
    for side in SIDES:
        y = curves[side]
        pdf.set_draw_color(*side_rgb(side))
        if key in STANCE_ANGLES:
            with pdf.local_context(stroke_opacity=FAINT_OPACITY, line_width=0.2):
                _polyline(pdf, scale, t, y)
            y = np.where(own_events_mask(t, events, side), y, np.nan)
        pdf.set_line_width(0.35)
        _polyline(pdf, scale, t, y)
    pdf.set_line_width(0.15)
    pdf.set_draw_color(0, 0, 0)
    for event in events:
        value = (event.get("at_peak") or {}).get(key)
        if value is None or event.get("side") not in SIDES or not lo <= value <= hi:
            continue
        pdf.set_fill_color(*side_rgb(event["side"]))
        _diamond(pdf, scale.x(event["peak_s"]), scale.y(value))


def _time_axis(pdf: FPDF, scale: PanelScale, *, family: str) -> None:
    bottom = scale.y_mm + scale.height_mm
    pdf.set_font(family, "", 6)
    pdf.set_text_color(90, 90, 90)
    pdf.set_draw_color(*AXIS_GREY)
    for tick in nice_ticks(*scale.t_range, max_ticks=12):
        x = scale.x(tick)
        pdf.line(x, bottom, x, bottom + 0.8)
        pdf.set_xy(x - 5, bottom + 0.8)
        pdf.cell(10, 2.6, f"{tick:g}", align="C")
    pdf.set_xy(scale.x_mm, bottom + 3.2)
    pdf.cell(scale.width_mm, 2.6, "Time in the video (s)", align="C")


def _legend(pdf: FPDF, *, x_mm: float, y_mm: float, family: str) -> None:
    pdf.set_font(family, "", 6.5)
    pdf.set_text_color(60, 60, 60)
    x = x_mm
    for side in SIDES:
        pdf.set_draw_color(*side_rgb(side))
        pdf.set_line_width(0.6)
        pdf.line(x, y_mm + 2, x + 5, y_mm + 2)
        pdf.set_xy(x + 6, y_mm + 0.5)
        text = f"{side.capitalize()} leg"
        pdf.cell(pdf.get_string_width(text) + 1, 3, text)
        x += 6 + pdf.get_string_width(text) + 5
    pdf.set_line_width(0.15)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_fill_color(200, 200, 200)
    _diamond(pdf, x + 1, y_mm + 2)
    pdf.set_xy(x + 3, y_mm + 0.5)
    pdf.cell(0, 3, "the value at an event's peak")


CAPTION = ("Grey columns: the events (repetitions, holds or stance phases), with the standing leg's colour "
           "along the foot of each panel. Orange and red bands: the caution and marked ranges of the flags in "
           "force. Pelvic drop and trunk lean are drawn bold only while their leg is the standing leg.")
