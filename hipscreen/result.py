"""The analysis result: the JSON object of docs/OUTPUT.md (schema_version 1).

Other tools read this object; its field names, units and meaning are stable. Fields may
be added, never renamed. A value that cannot be measured is ``null`` (never NaN, never a
made-up number), with its reason in ``quality.warnings``.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from hipscreen import __version__
from vision.track import VideoInfo

SCHEMA_VERSION = 1


def build_result(
    *,
    video: VideoInfo,
    pose_model: str,
    task: str | None,
    task_detected: bool,
    view: str,
    camera_roll_deg: float | None,
    quality: dict,
    events: list[dict],
    sides: dict,
    asymmetry: dict,
    scores: dict,
    flags: list[dict],
    details: dict | None = None,
    camera_yaw_deg: float | None = None,
) -> dict:
    """Assemble the result object in the order of OUTPUT.md; numbers made JSON-safe."""
    result = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "hipscreen", "version": __version__, "pose_model": pose_model},
        "video": video.to_dict(),
        "task": task,
        "task_detected": bool(task_detected),
        "view": view,
        "camera_roll_deg": camera_roll_deg,
        "camera_yaw_deg": camera_yaw_deg,
        "quality": quality,
        "events": events,
        "sides": sides,
        "asymmetry": asymmetry,
        "scores": scores,
        "flags": flags,
    }
    if details:
        result["details"] = details
    return jsonable(result)


def jsonable(obj: Any, *, ndigits: int = 3) -> Any:
    """Numpy scalars and arrays to plain Python, NaN/inf to None, floats rounded."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v, ndigits=ndigits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v, ndigits=ndigits) for v in obj]
    if isinstance(obj, np.ndarray):
        return [jsonable(v, ndigits=ndigits) for v in obj.tolist()]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        value = float(obj)
        return round(value, ndigits) if math.isfinite(value) else None
    return obj


def to_json(result: dict, *, indent: int | None = 2) -> str:
    """The result as JSON text (strict: no NaN)."""
    return json.dumps(jsonable(result), indent=indent, allow_nan=False) + "\n"
