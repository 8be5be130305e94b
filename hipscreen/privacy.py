"""Hiding the face in the pictures hipscreen writes: the overlay video and the report's key frames.

None of the measurements uses the face, and a video or report that leaves the clinic (or
the patient's phone) should not show who it is. The head is covered by a coarse mosaic:
an ellipse placed from the pose landmarks, generous enough to take in the hair, and
filled with blocks about a sixth of the head's width, too coarse to recognise a face.

Where the head is
    Centre: the mean of the face landmarks (nose, eyes, ears, mouth corners) that are
    known, raised by 0.3 of the head's half-width (the landmarks sit below the crown).
    Without them, above the middle of the shoulders by 0.4 of the trunk's length.
    Half-width: the largest of 0.75 of the face landmarks' spread (ear to ear from the
    front or behind), 0.3 of the shoulder width and 0.22 of the trunk length (mid-hip to
    mid-shoulder), so that a side view or a lost ear still gets a whole head; a head is
    about 0.15 of the trunk length wide each side of its centre. Half-height: 1.45 times
    the half-width.
    In a video, a frame where neither is known takes the ellipse of the nearest frame
    where one is: the person has not left the picture because the model missed them once.

Pixels of the upright frame, x right, y down.
"""

from __future__ import annotations

import cv2
import numpy as np

from vision.landmarks import LANDMARK_NAMES

FACE_POINTS = tuple(range(LANDMARK_NAMES.index("mouth_right") + 1))  # nose, eyes, ears, mouth
_SHOULDERS = (LANDMARK_NAMES.index("left_shoulder"), LANDMARK_NAMES.index("right_shoulder"))
_HIPS = (LANDMARK_NAMES.index("left_hip"), LANDMARK_NAMES.index("right_hip"))
HEIGHT_PER_WIDTH = 1.45
MOSAIC_BLOCKS_PER_HEAD = 6


def head_ellipse(xy_px: np.ndarray) -> np.ndarray:
    """``(centre x, centre y, half-width, half-height)`` of the head in one frame, or NaNs.

    ``xy_px`` is the frame's 33 landmarks, shape (33, 2), NaN where unknown.
    """
    xy = np.asarray(xy_px, dtype=float)
    known = np.all(np.isfinite(xy), axis=1)
    face = xy[[i for i in FACE_POINTS if known[i]]]
    shoulders = xy[list(_SHOULDERS)] if known[list(_SHOULDERS)].all() else None
    hips = xy[list(_HIPS)] if known[list(_HIPS)].all() else None
    sizes = []
    if len(face) >= 2:
        sizes.append(0.75 * float(np.ptp(face, axis=0).max()))
    if shoulders is not None:
        sizes.append(0.3 * float(np.linalg.norm(shoulders[0] - shoulders[1])))
    trunk = None
    if shoulders is not None and hips is not None:
        trunk = float(np.linalg.norm(shoulders.mean(axis=0) - hips.mean(axis=0)))
        sizes.append(0.22 * trunk)
    if not sizes or max(sizes) <= 0:
        return np.full(4, np.nan)
    half_width = max(sizes)
    if len(face):
        cx, cy = face.mean(axis=0)
        cy -= 0.3 * half_width
    elif shoulders is not None and trunk is not None:
        cx, cy = shoulders.mean(axis=0)
        cy -= 0.4 * trunk
    else:
        return np.full(4, np.nan)
    return np.array([cx, cy, half_width, HEIGHT_PER_WIDTH * half_width])


def head_ellipses(xy_px: np.ndarray) -> np.ndarray:
    """:func:`head_ellipse` of every frame of a track (T, 33, 2), gaps filled from the nearest frame.

    Returns shape (T, 4); all NaN when the head is never placed.
    """
    ellipses = np.array([head_ellipse(frame) for frame in np.asarray(xy_px, dtype=float)]).reshape(-1, 4)
    found = np.flatnonzero(np.isfinite(ellipses).all(axis=1))
    if found.size == 0 or found.size == len(ellipses):
        return ellipses
    frames = np.arange(len(ellipses))
    after = np.clip(np.searchsorted(found, frames), 0, found.size - 1)
    before = np.clip(after - 1, 0, found.size - 1)
    nearest = np.where(np.abs(found[before] - frames) <= np.abs(found[after] - frames), found[before], found[after])
    return ellipses[nearest]


def hide_head(rgb: np.ndarray, ellipse: np.ndarray) -> np.ndarray:
    """The picture with the head's ellipse covered by a coarse mosaic (a new array).

    ``ellipse`` is :func:`head_ellipse`'s; with NaNs the picture is returned unchanged (a copy).
    """
    img = np.array(rgb, copy=True)
    if not np.all(np.isfinite(ellipse)):
        return img
    cx, cy, rx, ry = (float(v) for v in ellipse)
    h, w = img.shape[:2]
    x0, x1 = max(0, int(np.floor(cx - rx))), min(w, int(np.ceil(cx + rx)) + 1)
    y0, y1 = max(0, int(np.floor(cy - ry))), min(h, int(np.ceil(cy + ry)) + 1)
    if x1 <= x0 or y1 <= y0:
        return img
    region = img[y0:y1, x0:x1]
    block = max(2.0, 2 * rx / MOSAIC_BLOCKS_PER_HEAD)
    small = cv2.resize(region, (max(1, round(region.shape[1] / block)), max(1, round(region.shape[0] / block))),
                       interpolation=cv2.INTER_AREA)
    mosaic = cv2.resize(small, (region.shape[1], region.shape[0]), interpolation=cv2.INTER_NEAREST)
    yy, xx = np.mgrid[y0:y1, x0:x1]
    inside = ((xx + 0.5 - cx) / rx) ** 2 + ((yy + 0.5 - cy) / ry) ** 2 <= 1.0
    region[inside] = mosaic[inside]
    return img
