"""The dashboard's charts: one video's angle curves, a squad side by side, a patient's sessions.

Plotly figures built from a result (or from the squad's and the history's rows), with no
Streamlit in them: the dashboard shows them, tests read them. Each takes the angle labels
of its reader (:data:`hipscreen.filming_guide.ANGLE_LABELS_CLINICIAN` or ``_PATIENT``) and,
where the flags' ranges are drawn, their bands (:func:`hipscreen.chart_data.threshold_bands`).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from hipscreen.chart_data import (
    BAND_STYLE,
    SERIES_KEYS,
    SIDE_COLOURS,
    SIDES,
    STANCE_ANGLES,
    Band,
    own_events_mask,
    shown_bands,
)
from hipscreen.filming_guide import ANGLE_KEYS

VERDICT_SYMBOLS = {"real change": "star", "within measurement error": "circle-open", "not comparable": "circle"}


def angle_figure(series: dict, result: dict, labels: dict[str, str], bands: dict[str, list[Band]]) -> go.Figure:
    """The four angles over time; events shaded by side, peaks marked, threshold bands.

    ``series`` holds ``time_s`` and the per-side series named in :data:`SERIES_KEYS`;
    ``result`` gives the events and their values at the peak.
    """
    t = np.asarray(series["time_s"], dtype=float)
    fig = make_subplots(rows=len(ANGLE_KEYS), cols=1, shared_xaxes=True, vertical_spacing=0.04,
                        subplot_titles=[f"{labels[k]} (°)" for k in ANGLE_KEYS])
    events = result.get("events") or []
    for row, key in enumerate(ANGLE_KEYS, start=1):
        finite = []
        for side in SIDES:
            y = np.asarray(series.get(SERIES_KEYS[key].format(side=side), np.full_like(t, np.nan)), dtype=float)
            finite.append(y[np.isfinite(y)])
            if key in STANCE_ANGLES:
                # Pelvic drop and trunk lean with this leg as stance mean something only while
                # it stands: bold inside its events, faint elsewhere (all faint without events).
                fig.add_trace(go.Scatter(x=t, y=y, mode="lines", line=dict(color=SIDE_COLOURS[side], width=1),
                                         opacity=0.3, hoverinfo="skip", legendgroup=side, showlegend=False),
                              row=row, col=1)
                y = np.where(own_events_mask(t, events, side), y, np.nan)
            fig.add_trace(go.Scatter(x=t, y=y, mode="lines", name=f"{side.capitalize()} leg",
                                     line=dict(color=SIDE_COLOURS[side], width=1.8),
                                     legendgroup=side, showlegend=row == 1), row=row, col=1)
        values = np.concatenate(finite)
        lo, hi = (float(values.min()), float(values.max())) if values.size else (-10.0, 10.0)
        for bottom, top, sev in shown_bands(bands.get(key, []), lo, hi):
            fig.add_hrect(y0=bottom, y1=top, line_width=0, row=row, col=1, **BAND_STYLE[sev])
        peaks = {side: ([], []) for side in SIDES}
        for event in events:
            value = (event.get("at_peak") or {}).get(key)
            if value is not None and event.get("side") in peaks:
                peaks[event["side"]][0].append(event["peak_s"])
                peaks[event["side"]][1].append(value)
        for side, (px, py) in peaks.items():
            if px:
                fig.add_trace(go.Scatter(x=px, y=py, mode="markers", name=f"Peak, {side} leg",
                                         marker=dict(color=SIDE_COLOURS[side], size=9, symbol="diamond",
                                                     line=dict(color="black", width=1)),
                                         legendgroup=side, showlegend=row == 1), row=row, col=1)
    for event in events:
        fig.add_vrect(x0=event["start_s"], x1=event["end_s"], fillcolor=SIDE_COLOURS.get(event.get("side"), "grey"),
                      opacity=0.07, line_width=0)
    fig.update_layout(height=190 * len(ANGLE_KEYS) + 90, margin=dict(l=10, r=10, t=80, b=30),
                      legend=dict(orientation="h", yanchor="bottom", y=1.03, x=0), hovermode="x unified")
    fig.update_xaxes(title_text="Time (s)", row=len(ANGLE_KEYS), col=1)
    return fig


def squad_figure(rows: list[dict], labels: dict[str, str], bands: dict[str, list[Band]]) -> go.Figure:
    """The squad's four mean angles side by side: one bar per video and leg, threshold bands behind.

    ``rows`` are the ranked table's rows (``video``, ``side`` and each angle's mean), drawn
    top to bottom in their order.
    """
    bar_labels = [f"{row['video']} · {row['side']}" for row in rows]
    fig = make_subplots(rows=1, cols=len(ANGLE_KEYS), shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=[f"{labels[k]} (°)" for k in ANGLE_KEYS])
    for col, key in enumerate(ANGLE_KEYS, start=1):
        for side in SIDES:
            mine = [(label, row.get(key)) for label, row in zip(bar_labels, rows) if row["side"] == side]
            if not mine:
                continue
            fig.add_trace(go.Bar(x=[np.nan if v is None else v for _, v in mine], y=[label for label, _ in mine],
                                 orientation="h", name=f"{side.capitalize()} leg", marker_color=SIDE_COLOURS[side],
                                 text=["" if v is None else f"{v:+.1f}" for _, v in mine], textposition="outside",
                                 cliponaxis=False, legendgroup=side, showlegend=col == 1,
                                 hovertemplate="%{y}: %{x:+.1f}°<extra></extra>"), row=1, col=col)
        seen = [row[key] for row in rows if row.get(key) is not None]
        lo, hi = min(seen + [0.0]), max(seen + [0.0])
        for left, right, sev in shown_bands(bands.get(key, []), lo, hi):
            fig.add_vrect(x0=left, x1=right, line_width=0, layer="below", row=1, col=col, **BAND_STYLE[sev])
            lo, hi = min(lo, left), max(hi, right)
        pad = 0.18 * (hi - lo or 1.0)  # room for the values written beside the bars
        fig.update_xaxes(range=[lo - pad, hi + pad], row=1, col=col)
    fig.update_yaxes(categoryorder="array", categoryarray=bar_labels, autorange="reversed")  # the table's order
    fig.update_layout(height=140 + 34 * len(rows), margin=dict(l=10, r=10, t=70, b=30), bargap=0.3,
                      barmode="overlay", legend=dict(orientation="h", yanchor="bottom", y=1.12, x=0))
    return fig


def history_figure(rows: list[dict], verdicts: dict[tuple[int, str, str], str], labels: dict[str, str]) -> go.Figure:
    """A patient's sessions over time: per angle and leg, the mean of each session's peaks.

    ``rows`` are :func:`hipscreen.storage.history_rows` (``session_id``, ``recorded_at``,
    ``angle``, ``side``, ``mean_deg``, ``sd_deg``); ``verdicts`` maps (session id, side,
    angle) to the change from the session before (real change, within measurement error,
    not comparable), shown by the marker; a session without one is the first. Each angle's
    axis spans at least 10 degrees, so that a fraction of a degree does not look like a slope.
    """
    keys = [k for k in ANGLE_KEYS if any(r["angle"] == k for r in rows)]
    fig = make_subplots(rows=len(keys), cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        subplot_titles=[f"{labels[k]}: mean of the peaks (°)" for k in keys])
    for row_i, key in enumerate(keys, start=1):
        for side in SIDES:
            pts = [r for r in rows if r["angle"] == key and r["side"] == side]
            if not pts:
                continue
            verdict = [verdicts.get((r["session_id"], side, key), "first session") for r in pts]
            fig.add_trace(go.Scatter(
                x=[r["recorded_at"] for r in pts], y=[r["mean_deg"] for r in pts], mode="lines+markers",
                name=f"{side.capitalize()} leg", legendgroup=side, showlegend=row_i == 1,
                line=dict(color=SIDE_COLOURS[side]),
                marker=dict(symbol=[VERDICT_SYMBOLS.get(v, "circle") for v in verdict], size=11,
                            line=dict(color=SIDE_COLOURS[side], width=2)),
                text=verdict, hovertemplate="%{x|%Y-%m-%d}: %{y:.1f}° (%{text})<extra></extra>",
                error_y=dict(type="data", array=[r["sd_deg"] or 0 for r in pts], visible=True)), row=row_i, col=1)
        values = [r["mean_deg"] for r in rows if r["angle"] == key]
        low, high = min(values), max(values)
        middle, half = (low + high) / 2, max((high - low) / 2 + 1.5, 5.0)
        fig.update_yaxes(range=[middle - half, middle + half], row=row_i, col=1)
    fig.update_layout(height=220 * len(keys) + 60, margin=dict(l=10, r=10, t=40, b=30),
                      legend=dict(orientation="h", y=1.05, x=0))
    return fig
