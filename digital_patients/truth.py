"""Known truth from joint centres in pixels: the four angles and the events.

Light on purpose (numpy only) so tests and benchmarks can use it without the
renderer.

Notes
-----
Pixels of the displayed (upright) frame, ``x`` right, ``y`` down. The formulas are
those of docs MEASURES section 2, written again here so the truth does not depend on
the code it is used to check; ``tests/digital_patients`` compares the two when
``metrics.angles`` is importable. Signs: pelvic drop > 0 = the pelvis drops on the
side of the other (unsupported) limb; trunk lean > 0 = towards the stance limb;
FPPA > 0 = knee medial to the hip-ankle line (valgus); hip adduction > 0 = knee
towards the midline.
"""

from __future__ import annotations

import numpy as np

ANGLE_NAMES = ("pelvic_drop_deg", "trunk_lean_deg", "knee_fppa_deg", "hip_adduction_deg")
SIDES = ("left", "right")
JOINTS = ("hip", "knee", "ankle", "shoulder")


def _other(side: str) -> str:
    return "right" if side == "left" else "left"


def pelvic_drop_deg(hip_stance: np.ndarray, hip_other: np.ndarray) -> np.ndarray:
    """``atan2(hip_o.y - hip_s.y, |hip_o.x - hip_s.x|)`` in degrees; arrays (..., 2)."""
    d = np.asarray(hip_other, float) - np.asarray(hip_stance, float)
    return np.degrees(np.arctan2(d[..., 1], np.abs(d[..., 0])))


def trunk_lean_deg(hip_stance, hip_other, shoulder_stance, shoulder_other) -> np.ndarray:
    """Angle of mid-hip -> mid-shoulder from the image vertical, > 0 towards the stance limb."""
    hip_s, hip_o = np.asarray(hip_stance, float), np.asarray(hip_other, float)
    toward = np.sign(hip_s[..., 0] - hip_o[..., 0])
    mid_hip = (hip_s + hip_o) / 2
    mid_sh = (np.asarray(shoulder_stance, float) + np.asarray(shoulder_other, float)) / 2
    return np.degrees(np.arctan2(toward * (mid_sh[..., 0] - mid_hip[..., 0]), mid_hip[..., 1] - mid_sh[..., 1]))


def knee_fppa_deg(hip, knee, ankle, *, hip_other) -> np.ndarray:
    """``180 - angle(hip, knee, ankle)``, > 0 when the knee lies medial to the hip-ankle line."""
    hip, knee, ankle = (np.asarray(a, float) for a in (hip, knee, ankle))
    u = knee - hip
    v = ankle - knee
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = (u * v).sum(-1)
    medial = np.sign(np.asarray(hip_other, float)[..., 0] - hip[..., 0])
    return medial * np.degrees(np.arctan2(cross, dot))


def hip_adduction_deg(hip_stance, knee_stance, hip_other) -> np.ndarray:
    """Femur against the downward perpendicular of the inter-hip line, > 0 towards the midline."""
    hip_s, knee_s, hip_o = (np.asarray(a, float) for a in (hip_stance, knee_stance, hip_other))
    medial = hip_o - hip_s
    medial = medial / np.linalg.norm(medial, axis=-1, keepdims=True)
    down = np.stack([-medial[..., 1], medial[..., 0]], axis=-1)
    down = np.where(down[..., 1:2] < 0, -down, down)
    femur = knee_s - hip_s
    return np.degrees(np.arctan2((femur * medial).sum(-1), (femur * down).sum(-1)))


def angle_series(joints_px: dict) -> dict:
    """The four angles per side from joint centres ``joints_px["left_hip"]`` (T, 2) etc.

    Side = the stance limb for pelvic drop and trunk lean, the limb itself for FPPA
    and hip adduction (hip adduction's stance limb being the limb itself).
    """
    p = {k: np.asarray(v, float) for k, v in joints_px.items()}
    out = {name: {} for name in ANGLE_NAMES}
    for s in SIDES:
        o = _other(s)
        out["pelvic_drop_deg"][s] = pelvic_drop_deg(p[f"{s}_hip"], p[f"{o}_hip"])
        out["trunk_lean_deg"][s] = trunk_lean_deg(p[f"{s}_hip"], p[f"{o}_hip"], p[f"{s}_shoulder"], p[f"{o}_shoulder"])
        out["knee_fppa_deg"][s] = knee_fppa_deg(p[f"{s}_hip"], p[f"{s}_knee"], p[f"{s}_ankle"], hip_other=p[f"{o}_hip"])
        out["hip_adduction_deg"][s] = hip_adduction_deg(p[f"{s}_hip"], p[f"{s}_knee"], p[f"{o}_hip"])
    return out


def _largest_magnitude(values: np.ndarray) -> float:
    return float(values[np.argmax(np.abs(values))])


def event_summary(times_s: np.ndarray, angles: dict, *, side: str, start_s: float, end_s: float,
                  peak_index: int) -> dict:
    """One event's record: times, the angles at the peak and their maxima over the event.

    Maxima: ``max`` for pelvic drop, FPPA and hip adduction; the value of largest
    magnitude (sign kept) for trunk lean (MEASURES section 3).
    """
    times_s = np.asarray(times_s, float)
    inside = (times_s >= start_s - 1e-9) & (times_s <= end_s + 1e-9)
    at_peak, maxima = {}, {}
    for name in ANGLE_NAMES:
        series = np.asarray(angles[name][side], float)
        at_peak[name] = float(series[peak_index])
        window = series[inside]
        maxima[name] = _largest_magnitude(window) if name == "trunk_lean_deg" else float(window.max())
    return {
        "side": side,
        "start_s": float(start_s),
        "peak_s": float(times_s[peak_index]),
        "end_s": float(end_s),
        "at_peak": at_peak,
        "max": maxima,
    }


def peak_index(times_s: np.ndarray, *, start_s: float, end_s: float, score: np.ndarray) -> int:
    """Index of the largest ``score`` among frames within [start_s, end_s]."""
    times_s = np.asarray(times_s, float)
    inside = np.flatnonzero((times_s >= start_s - 1e-9) & (times_s <= end_s + 1e-9))
    return int(inside[np.argmax(np.asarray(score)[inside])])


#: Default flag thresholds of MEASURES section 4: (caution, marked), in degrees.
FLAG_THRESHOLDS = {
    "contralateral_pelvic_drop": ("pelvic_drop_deg", 5.0, 8.0, +1),
    "ipsilateral_trunk_lean": ("trunk_lean_deg", 5.0, 10.0, +1),
    "contralateral_trunk_lean": ("trunk_lean_deg", -5.0, -10.0, -1),
    "dynamic_knee_valgus": ("knee_fppa_deg", 10.0, 15.0, +1),
    "hip_adduction": ("hip_adduction_deg", 10.0, 15.0, +1),
}
ASYMMETRY_DEG = 5.0
MIN_HOLD_S = 10.0


def expected_flags(task: str, events: list[dict]) -> list[dict]:
    """Flags the truth calls for under the default thresholds of MEASURES section 4.

    Per side, the mean of the peak values over that side's events is compared with
    the thresholds; ``side_asymmetry`` when both sides have events and a side mean
    differs by more than 5 degrees; ``unsteady_stance`` for a single-leg stance hold
    shorter than 10 s (sway is not scripted large enough to count).
    """
    flags = []
    means = {}
    for side in SIDES:
        peaks = [e["at_peak"] for e in events if e["side"] == side]
        if not peaks:
            continue
        means[side] = {a: float(np.mean([p[a] for p in peaks])) for a in ANGLE_NAMES}
        for code, (angle, caution, marked, sign) in FLAG_THRESHOLDS.items():
            value = means[side][angle]
            if sign * value > sign * caution:
                severity = "marked" if sign * value > sign * marked else "caution"
                flags.append({"code": code, "side": side, "value_deg": round(value, 2), "severity": severity})
        if task == "single_leg_stance":
            for e in events:
                if e["side"] == side and e["end_s"] - e["start_s"] < MIN_HOLD_S:
                    flags.append({"code": "unsteady_stance", "side": side,
                                  "value_s": round(e["end_s"] - e["start_s"], 2), "severity": "caution"})
                    break
    if len(means) == 2:
        for angle in ANGLE_NAMES:
            diff = means["right"][angle] - means["left"][angle]
            if abs(diff) > ASYMMETRY_DEG:
                flags.append({"code": "side_asymmetry", "side": None, "angle": angle,
                              "value_deg": round(diff, 2), "severity": "caution"})
    return flags
