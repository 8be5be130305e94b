"""Feet hidden behind the other leg, put back for finding events (not for measuring angles).

Filmed from the front, a foot lifted behind the stance leg is hidden by it. MediaPipe still
places it, where the rest of the body says it must be, but gives it a low visibility, and
the cleaning (:mod:`metrics.cleaning`) removes every point below 0.5. For the angles that is
right. For the event detectors it loses the very foot that tells a single-leg stance from
standing: on a rendered front-view single-leg stance whose free foot was lifted behind the
stance leg, that foot's visibility stayed between 0.15 and 0.45 for the whole 3 s hold while
MediaPipe placed it 0.4 leg lengths above the other foot (its true height), so the foot was
missing in 55% of the video and no task was found.

:func:`with_hidden_feet` gives the event detectors a track whose foot points (ankle, heel,
toe) removed for low visibility are taken from a second cleaning of the same landmarks with a
lower visibility floor (``min_visibility``, 0.2: :mod:`metrics.quality` also counts 0.2-0.5 as
hidden behind the other leg and less as not seen), and only where MediaPipe placed them inside the
picture: a hidden foot is behind the other leg, not out of view (a foot out of the picture
stays missing, and the quality check speaks of it). Points seen well enough stay those of the
cleaned track, and other landmarks are not touched.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from metrics.cleaning import CleaningParams, clean_track
from metrics.events.body import FOOT_POINTS
from metrics.quality import in_picture
from vision.landmarks import LANDMARK_NAMES, SIDES
from vision.track import LandmarkTrack

HIDDEN_FOOT_MIN_VISIBILITY = 0.2
"""Visibility floor of the foot points the event detectors use (the angles use 0.5).

0.1 and 0.2 gave the same tasks and events on the 240 rendered clips (seed 1-3 cohorts)."""

FOOT_LANDMARKS: tuple[str, ...] = tuple(f"{side}_{point}" for side in SIDES for point in FOOT_POINTS)


def hidden_feet_track(
    repaired: LandmarkTrack,
    *,
    cleaning: CleaningParams = CleaningParams(),
    min_visibility: float = HIDDEN_FOOT_MIN_VISIBILITY,
) -> LandmarkTrack:
    """The landmarks cleaned as usual but with visibility floor ``min_visibility``, inside the picture.

    Parameters
    ----------
    repaired : LandmarkTrack
        The raw landmarks after the left/right repair, as handed to the cleaning.
    cleaning : CleaningParams
        The cleaning that makes the measured track; only its visibility floor is changed.
    min_visibility : float
        Visibility floor of this cleaning (below ``cleaning.min_visibility``).
    """
    if not 0.0 <= min_visibility < cleaning.min_visibility:
        raise ValueError(
            f"min_visibility must be in [0, {cleaning.min_visibility:g}) (the cleaning's floor), got {min_visibility}"
        )
    inside = in_picture(repaired, LANDMARK_NAMES)
    return clean_track(
        replace(repaired, visibility=np.where(inside, repaired.visibility, 0.0)),
        params=replace(cleaning, min_visibility=min_visibility),
    ).track


def with_hidden_feet(track: LandmarkTrack, hidden: LandmarkTrack) -> LandmarkTrack:
    """``track`` with its missing foot points taken from ``hidden`` (:func:`hidden_feet_track`).

    Parameters
    ----------
    track : LandmarkTrack
        The cleaned landmarks (:func:`metrics.cleaning.clean_track`, visibility floor 0.5).
    hidden : LandmarkTrack
        The same video's :func:`hidden_feet_track`.

    Returns
    -------
    LandmarkTrack
        Same frames and other landmarks as ``track``; foot points seen well enough unchanged.
    """
    if len(track) != len(hidden):
        raise ValueError(f"tracks differ in length: {len(track)} and {len(hidden)} frames")
    xy = np.array(track.xy_px, dtype=float, copy=True)
    for k in (LANDMARK_NAMES.index(name) for name in FOOT_LANDMARKS):
        missing = np.isnan(xy[:, k, 0])
        xy[missing, k] = hidden.xy_px[missing, k]
    return track.with_xy(xy, note="feet hidden behind the other leg kept for finding events")
