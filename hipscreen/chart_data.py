"""What the charts show, for the dashboard's plotly figures and the PDF report's drawn curves.

The per-frame series each angle is read from, the side colours, which frames belong to a
leg's own events, and the caution and marked bands of the flag rules in force (defaults
with a clinic's overrides), clipped to the data so that an open-ended band keeps the
axis's scale. No plotting library here.
"""

from __future__ import annotations

import numpy as np

SIDES = ("left", "right")
SIDE_COLOURS = {"left": "#1f77b4", "right": "#d62728"}
BAND_STYLE = {"caution": {"fillcolor": "#ffa500", "opacity": 0.16}, "marked": {"fillcolor": "#ff0000", "opacity": 0.08}}
SERIES_KEYS = {
    "pelvic_drop_deg": "pelvic_drop_{side}_stance_deg",
    "trunk_lean_deg": "trunk_lean_{side}_stance_deg",
    "knee_fppa_deg": "knee_fppa_{side}_deg",
    "hip_adduction_deg": "hip_adduction_{side}_deg",
}
"""Per angle, the name of its per-frame series of one side in ``Analysis.series``."""
STANCE_ANGLES = ("pelvic_drop_deg", "trunk_lean_deg")
"""Angles read with one leg as the stance leg: they mean something only while it stands."""
OPEN_BAND_MARGIN_DEG = 3.0

Band = tuple[float, float, str]


def threshold_bands(rules: dict[str, dict]) -> dict[str, list[Band]]:
    """Per angle, the (from, to, severity) bands of the flag rules in force.

    ``rules`` maps a flag code to its rule (``angle``, ``caution_deg``, ``marked_deg``,
    ``direction``), as in ``metrics/thresholds.toml``; rules without an angle and both
    thresholds draw nothing. ``to`` is +/-inf for the open-ended marked band.
    """
    bands: dict[str, list[Band]] = {}
    for rule in rules.values():
        angle, caution, marked = rule.get("angle"), rule.get("caution_deg"), rule.get("marked_deg")
        if angle is None or caution is None or marked is None:
            continue
        beyond = np.inf if rule.get("direction", "above") == "above" else -np.inf
        bands.setdefault(angle, []).extend([(caution, marked, "caution"), (marked, beyond, "marked")])
    return bands


def shown_bands(bands: list[Band], lo: float, hi: float) -> list[Band]:
    """The threshold bands to draw beside data from ``lo`` to ``hi``, as (low end, high end, severity).

    The open-ended band stops a little past the data (:data:`OPEN_BAND_MARGIN_DEG`), so the
    axis keeps its scale.
    """
    shown = []
    for start, stop, sev in bands:
        low = max(min(start, stop), min(lo, start) - OPEN_BAND_MARGIN_DEG)
        high = min(max(start, stop), max(hi, start) + OPEN_BAND_MARGIN_DEG)
        if high > low:
            shown.append((low, high, sev))
    return shown


def own_events_mask(t: np.ndarray, events: list[dict], side: str) -> np.ndarray:
    """True at the frames inside an event whose stance limb is ``side``."""
    mask = np.zeros(t.shape, dtype=bool)
    for event in events:
        if event.get("side") == side:
            mask |= (t >= event["start_s"]) & (t <= event["end_s"])
    return mask
