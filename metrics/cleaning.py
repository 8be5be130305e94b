"""Clean a landmark track: drop unreliable points, reject jumps, fill short gaps, smooth.

Steps, in order, each on every landmark and both pixel coordinates:

1. points with MediaPipe visibility below ``min_visibility`` are removed;
2. isolated jumps are removed with a Hampel filter (centred window of ``outlier_window_s``,
   ``outlier_n_sigmas`` scaled median absolute deviations, never less than
   ``min_outlier_body_heights`` of the person's height in the image);
3. gaps of at most ``max_gap_s`` (time from the last position before the gap to the first
   after it) are filled by PCHIP interpolation; longer gaps and gaps at either end stay NaN;
4. every contiguous run of positions is low-pass filtered with a zero-phase Butterworth
   filter (``scipy.signal.sosfiltfilt``); runs too short to filter are left as they are.

Repair left/right label swaps (:mod:`metrics.swap`) *before* cleaning: smoothing across a
swapped frame would blend the two limbs.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.interpolate import PchipInterpolator
from scipy.signal import butter, sosfiltfilt

from vision.landmarks import LANDMARK_NAMES, SIDES
from vision.track import LandmarkTrack

ANGLE_LANDMARKS: tuple[str, ...] = tuple(
    f"{side}_{joint}" for side in SIDES for joint in ("shoulder", "hip", "knee", "ankle")
)
"""Landmarks whose gaps make an angle unmeasurable: these get warnings."""

_MAD_TO_SIGMA = 1.4826  # median absolute deviation -> standard deviation of a normal law


@dataclass(frozen=True)
class CleaningParams:
    """Parameters of :func:`clean_track`.

    Attributes
    ----------
    min_visibility : float
        Positions whose MediaPipe visibility is below this are removed (0 keeps all).
    outlier_window_s : float
        Width of the centred window of the Hampel filter, seconds.
    outlier_n_sigmas : float
        A position further than this many robust standard deviations from the window's
        median is an outlier.
    min_outlier_body_heights : float
        ...but never closer than this fraction of the person's height in the image, so
        that a landmark that barely moves is not cut to pieces by pixel noise.
    max_gap_s : float
        Longest gap (last valid time before it to first valid time after it) that is
        filled by interpolation, seconds.
    lowpass_cutoff_hz : float
        Cut-off of the zero-phase Butterworth low-pass filter, Hz (6 Hz keeps human
        movement of tests like these and removes frame-to-frame jitter). ``None`` or
        0 disables smoothing.
    filter_order : int
        Order of the Butterworth filter (applied forwards and backwards, so the
        effective order is twice this).
    """

    min_visibility: float = 0.5
    outlier_window_s: float = 0.3
    outlier_n_sigmas: float = 3.0
    min_outlier_body_heights: float = 0.02
    max_gap_s: float = 0.2
    lowpass_cutoff_hz: float | None = 6.0
    filter_order: int = 2

    def __post_init__(self) -> None:
        problems = []
        if not 0.0 <= self.min_visibility <= 1.0:
            problems.append(f"min_visibility must be in [0, 1], got {self.min_visibility}")
        if self.outlier_window_s < 0 or self.max_gap_s < 0:
            problems.append("outlier_window_s and max_gap_s must not be negative")
        if self.outlier_n_sigmas <= 0:
            problems.append(f"outlier_n_sigmas must be positive, got {self.outlier_n_sigmas}")
        if self.lowpass_cutoff_hz is not None and self.lowpass_cutoff_hz < 0:
            problems.append(f"lowpass_cutoff_hz must not be negative, got {self.lowpass_cutoff_hz}")
        if self.filter_order < 1:
            problems.append(f"filter_order must be at least 1, got {self.filter_order}")
        if problems:
            raise ValueError("invalid CleaningParams: " + "; ".join(problems))


@dataclass(frozen=True)
class CleanedTrack:
    """The cleaned track and what cleaning did to it.

    Attributes
    ----------
    track : LandmarkTrack
        Same frames, times and visibility as the input; positions cleaned (NaN where
        no trustworthy position remains).
    counts : dict
        ``low_visibility_removed``, ``outliers_removed``, ``points_interpolated``
        (landmark positions), ``gaps_filled``, ``gaps_left_missing``,
        ``runs_unfiltered`` (landmark runs too short to smooth).
    warnings : tuple of str
        Plain-language sentences about what limits the measurement (angle landmarks
        missing for longer than ``max_gap_s``, smoothing not possible).
    """

    track: LandmarkTrack
    counts: dict[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def seconds_to_samples(duration_s: float, times_s: np.ndarray) -> int:
    """Number of frames spanning ``duration_s`` at the track's median frame interval.

    The one place where a duration becomes a count of frames (window sizes). Gap
    lengths are never converted: they are measured on the real timestamps.
    """
    if len(times_s) < 2:
        return 1
    frame_interval_s = float(np.median(np.diff(times_s)))
    return max(1, int(round(duration_s / frame_interval_s)))


def body_height_px(track: LandmarkTrack) -> float:
    """The person's height in the image: median over frames of the vertical extent of
    the landmarks, pixels (NaN when there is no pose)."""
    y = track.xy_px[..., 1]
    has_pose = track.has_pose
    if not np.any(has_pose):
        return float("nan")
    span = np.nanmax(y[has_pose], axis=1) - np.nanmin(y[has_pose], axis=1)
    return float(np.median(span))


_HAMPEL_BLOCK_FRAMES = 500


def _hampel_outliers(xy: np.ndarray, *, half_window: int, n_sigmas: float, floor_px: float) -> np.ndarray:
    """Boolean (T, L): positions further from their window's median than allowed."""
    n = xy.shape[0]
    if half_window < 1 or n < 3:
        return np.zeros(xy.shape[:2], dtype=bool)
    padded = np.pad(xy, ((half_window, half_window), (0, 0), (0, 0)), constant_values=np.nan)
    windows = sliding_window_view(padded, 2 * half_window + 1, axis=0)  # (T, L, 2, W), a view
    outlier = np.zeros(xy.shape[:2], dtype=bool)
    # The medians copy their windows: a block of frames at a time keeps memory bounded
    # whatever the video's length (a 10-minute clip would otherwise need about 1 GB here).
    for start in range(0, n, _HAMPEL_BLOCK_FRAMES):
        block = windows[start : start + _HAMPEL_BLOCK_FRAMES]
        enough = np.sum(~np.isnan(block), axis=-1) >= 3
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows give NaN, as wanted
            median = np.nanmedian(block, axis=-1)
            mad = np.nanmedian(np.abs(block - median[..., None]), axis=-1)
        limit = np.maximum(n_sigmas * _MAD_TO_SIGMA * mad, floor_px)
        far = enough & (np.abs(xy[start : start + _HAMPEL_BLOCK_FRAMES] - median) > limit)
        outlier[start : start + _HAMPEL_BLOCK_FRAMES] = np.any(far, axis=-1)
    return outlier


def _runs(valid: np.ndarray) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` of the contiguous True runs of a 1-D boolean array."""
    edges = np.diff(np.concatenate([[0], valid.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def _fill_gaps(xy: np.ndarray, times_s: np.ndarray, *, max_gap_s: float) -> tuple[np.ndarray, dict[str, int], dict[str, int]]:
    """PCHIP-fill interior gaps no longer than ``max_gap_s``; count per landmark."""
    out = xy.copy()
    counts = {"points_interpolated": 0, "gaps_filled": 0, "gaps_left_missing": 0}
    long_gaps: dict[str, int] = {}
    for j, name in enumerate(LANDMARK_NAMES):
        valid = ~np.isnan(xy[:, j, 0])
        runs = _runs(valid)
        if len(runs) < 2:
            continue
        interpolator = PchipInterpolator(times_s[valid], xy[valid, j], axis=0) if valid.sum() >= 2 else None
        for (_, gap_start), (gap_stop, _) in zip(runs[:-1], runs[1:]):
            gap_s = times_s[gap_stop] - times_s[gap_start - 1]
            if gap_s <= max_gap_s and interpolator is not None:
                out[gap_start:gap_stop, j] = interpolator(times_s[gap_start:gap_stop])
                counts["points_interpolated"] += int(gap_stop - gap_start)
                counts["gaps_filled"] += 1
            else:
                counts["gaps_left_missing"] += 1
                long_gaps[name] = long_gaps.get(name, 0) + 1
    return out, counts, long_gaps


def _lowpass(xy: np.ndarray, times_s: np.ndarray, *, cutoff_hz: float, order: int) -> tuple[np.ndarray, int, str | None]:
    """Zero-phase low-pass of each contiguous run of each landmark."""
    frame_interval_s = float(np.median(np.diff(times_s)))
    nyquist_hz = 0.5 / frame_interval_s
    if cutoff_hz >= 0.95 * nyquist_hz:
        return xy, 0, (
            f"Smoothing was skipped: the video has only {2 * nyquist_hz:.0f} frames per second, "
            f"too few for a {cutoff_hz:g} Hz filter."
        )
    sos = butter(order, cutoff_hz, btype="low", fs=2 * nyquist_hz, output="sos")
    min_len = 3 * (2 * len(sos) + 1) + 1  # sosfiltfilt's default padding needs more samples than this
    out = xy.copy()
    unfiltered = 0
    for j in range(xy.shape[1]):
        for start, stop in _runs(~np.isnan(xy[:, j, 0])):
            if stop - start < min_len:
                unfiltered += 1
                continue
            out[start:stop, j] = sosfiltfilt(sos, xy[start:stop, j], axis=0)
    return out, unfiltered, None


def clean_track(track: LandmarkTrack, *, params: CleaningParams = CleaningParams()) -> CleanedTrack:
    """Remove unreliable positions, fill short gaps and smooth every landmark.

    Parameters
    ----------
    track : LandmarkTrack
        Raw landmarks (left/right swaps already repaired).
    params : CleaningParams, keyword-only

    Returns
    -------
    CleanedTrack
        The new track (same times and visibility), counts of what was done and
        plain-language warnings.

    Notes
    -----
    Positions are pixels of the upright frame (x right, y down). Window sizes use the
    median frame interval of the real timestamps (:func:`seconds_to_samples`); gap
    lengths use the timestamps themselves, so variable frame rate is handled without
    resampling. The low-pass assumes near-uniform sampling within a run.
    """
    xy = np.array(track.xy_px, dtype=float, copy=True)
    times_s = np.asarray(track.times_s, dtype=float)
    counts: dict[str, int] = {}
    warnings_: list[str] = []

    low_visibility = (track.visibility < params.min_visibility) & ~np.isnan(xy[..., 0])
    xy[low_visibility] = np.nan
    counts["low_visibility_removed"] = int(low_visibility.sum())

    height_px = body_height_px(track)
    floor_px = params.min_outlier_body_heights * height_px if np.isfinite(height_px) else 0.0
    outliers = _hampel_outliers(
        xy,
        half_window=seconds_to_samples(params.outlier_window_s / 2, times_s),
        n_sigmas=params.outlier_n_sigmas,
        floor_px=floor_px,
    )
    xy[outliers] = np.nan
    counts["outliers_removed"] = int(outliers.sum())

    xy, gap_counts, long_gaps = _fill_gaps(xy, times_s, max_gap_s=params.max_gap_s)
    counts.update(gap_counts)
    angle_gaps = {name: n for name, n in long_gaps.items() if name in ANGLE_LANDMARKS}
    if angle_gaps:
        names = ", ".join(name.replace("_", " ") for name in sorted(angle_gaps))
        warnings_.append(
            f"Some joints were not seen for more than {params.max_gap_s:g} s ({names}); "
            "no angle is given for those moments."
        )

    counts["runs_unfiltered"] = 0
    if params.lowpass_cutoff_hz and len(track) >= 2:
        xy, counts["runs_unfiltered"], problem = _lowpass(
            xy, times_s, cutoff_hz=params.lowpass_cutoff_hz, order=params.filter_order
        )
        if problem:
            warnings_.append(problem)

    note = (
        f"cleaned: visibility >= {params.min_visibility:g}, Hampel {params.outlier_window_s:g} s, "
        f"gaps <= {params.max_gap_s:g} s filled, low-pass {params.lowpass_cutoff_hz or 0:g} Hz"
    )
    return CleanedTrack(track=track.with_xy(xy, note=note), counts=counts, warnings=tuple(warnings_))
