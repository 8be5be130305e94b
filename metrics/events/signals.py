"""Time-series helpers shared by the event detectors, on real (possibly uneven) timestamps.

Phone videos often have a variable frame rate, so nothing here assumes evenly spaced
samples. Durations stay in seconds everywhere; the only conversion of seconds into
samples is in :func:`lowpass`, which filters on an evenly resampled copy of the signal
and reads it back at the real frame times.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.signal import butter, filtfilt, find_peaks


def interpolate_gaps(times_s: np.ndarray, values: np.ndarray, *, max_gap_s: float) -> np.ndarray:
    """Fill NaN gaps up to ``max_gap_s`` long by linear interpolation in time.

    Gaps longer than ``max_gap_s``, and NaNs before the first or after the last finite
    sample, stay NaN: a value that was not seen is not invented.
    """
    t = np.asarray(times_s, dtype=float)
    x = np.asarray(values, dtype=float).copy()
    ok = np.isfinite(x)
    if ok.sum() < 2 or ok.all():
        return x
    for start, stop in runs(~ok):
        if start == 0 or stop == len(x):
            continue
        if t[stop] - t[start - 1] <= max_gap_s:
            x[start:stop] = np.interp(t[start:stop], [t[start - 1], t[stop]], [x[start - 1], x[stop]])
    return x


def lowpass(
    times_s: np.ndarray,
    values: np.ndarray,
    *,
    cutoff_hz: float,
    order: int = 2,
    max_gap_s: float = 0.25,
) -> np.ndarray:
    """Zero-phase Butterworth low-pass filter on real timestamps.

    Parameters
    ----------
    times_s : ndarray, shape (T,)
        Strictly increasing sample times, seconds (may be unevenly spaced).
    values : ndarray, shape (T,)
        The signal; NaN where missing.
    cutoff_hz : float
        -3 dB cut-off of the filter (applied forwards and backwards).
    order : int
        Butterworth order of one pass.
    max_gap_s : float
        NaN gaps up to this long are bridged by interpolation before filtering; longer
        gaps split the signal into pieces filtered separately, and stay NaN.

    Returns
    -------
    ndarray, shape (T,)
        The filtered signal at the original times; NaN where the input was missing
        beyond ``max_gap_s``. Pieces too short to filter are returned unfiltered.

    Notes
    -----
    Each finite piece is resampled on an even grid at the median frame rate of the
    piece, filtered with ``scipy.signal.filtfilt``, and interpolated back to the frame
    times. This is the one place where seconds become samples.
    """
    t = np.asarray(times_s, dtype=float)
    x = interpolate_gaps(t, values, max_gap_s=max_gap_s)
    out = np.full_like(x, np.nan)
    for start, stop in runs(np.isfinite(x)):
        ts, xs = t[start:stop], x[start:stop]
        if stop - start < 4:
            out[start:stop] = xs
            continue
        rate_hz = 1.0 / float(np.median(np.diff(ts)))
        n = int(np.floor((ts[-1] - ts[0]) * rate_hz)) + 1
        grid = ts[0] + np.arange(n) / rate_hz
        even = np.interp(grid, ts, xs)
        nyquist_hz = rate_hz / 2.0
        b, a = butter(order, min(cutoff_hz / nyquist_hz, 0.99))
        padlen = 3 * max(len(a), len(b))
        if n <= padlen:
            out[start:stop] = xs
            continue
        out[start:stop] = np.interp(ts, grid, filtfilt(b, a, even))
    return out


def derivative(times_s: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Rate of change per second, central differences on the real (uneven) times."""
    t = np.asarray(times_s, dtype=float)
    x = np.asarray(values, dtype=float)
    if len(t) < 2:
        return np.full_like(x, np.nan)
    return np.gradient(x, t)


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` of the runs of True in a boolean array (stop exclusive)."""
    m = np.asarray(mask, dtype=bool).astype(np.int8)
    edges = np.diff(np.concatenate([[0], m, [0]]))
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)
    return list(zip(starts.tolist(), stops.tolist()))


def run_duration_s(times_s: np.ndarray, start: int, stop: int) -> float:
    """Duration of frames ``start:stop`` (stop exclusive), counting each frame's share of time.

    A run of one frame lasts one frame interval, so a run of n frames at a steady rate r
    lasts n / r seconds.
    """
    t = np.asarray(times_s, dtype=float)
    if len(t) < 2:
        return 0.0
    dt = np.diff(t)
    before = dt[start - 1] if start > 0 else dt[0]
    after = dt[stop - 1] if stop - 1 < len(dt) else dt[-1]
    return float(t[stop - 1] - t[start] + 0.5 * (before + after))


def drop_short_runs(times_s: np.ndarray, mask: np.ndarray, *, value: bool, max_duration_s: float) -> np.ndarray:
    """Flip runs of ``value`` lasting less than ``max_duration_s`` that lie between two other runs.

    Used to ignore a blip: a 0.05 s "still" moment in the middle of a swing, a one-frame
    jitter while the foot is planted. Runs touching the start or the end of the signal are
    kept: what happened before the video started is unknown.
    """
    m = np.asarray(mask, dtype=bool).copy()
    for start, stop in runs(m == value):
        if start == 0 or stop == len(m):
            continue
        if run_duration_s(times_s, start, stop) < max_duration_s:
            m[start:stop] = not value
    return m


_ROLLING_BLOCK_VALUES = 200_000
"""How many window values :func:`rolling_median` gathers at a time (bounds its memory)."""


def rolling_median(times_s: np.ndarray, values: np.ndarray, *, window_s: float) -> np.ndarray:
    """Median of the finite values within ``window_s / 2`` of each sample time (NaN if none).

    The windows are gathered into rows (padded with NaN) a block of samples at a time, so
    the medians are computed together and memory stays bounded whatever the length.
    """
    t = np.asarray(times_s, dtype=float)
    x = np.asarray(values, dtype=float)
    lo = np.searchsorted(t, t - window_s / 2.0, side="left")
    hi = np.searchsorted(t, t + window_s / 2.0, side="right")
    out = np.full_like(x, np.nan)
    if x.size == 0:
        return out
    width = int(np.max(hi - lo))
    padded = np.append(x, np.nan)  # index len(x) reads NaN
    offsets = np.arange(width)
    block = max(1, _ROLLING_BLOCK_VALUES // max(width, 1))
    for start in range(0, len(x), block):
        a, b = lo[start : start + block], hi[start : start + block]
        index = a[:, None] + offsets
        index[index >= b[:, None]] = len(x)
        rows = padded[index]
        finite = np.isfinite(rows)
        rows[~finite] = np.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a window without finite values gives NaN
            out[start : start + block] = np.nanmedian(rows, axis=1)
    return out


def hysteresis(values: np.ndarray, *, on: float, off: float) -> np.ndarray:
    """True from where ``values`` rises above ``on`` until it falls below ``off`` (NaN keeps the state)."""
    x = np.asarray(values, dtype=float)
    out = np.zeros(len(x), dtype=bool)
    state = False
    for i, v in enumerate(x):
        if np.isfinite(v):
            if not state and v > on:
                state = True
            elif state and v < off:
                state = False
        out[i] = state
    return out


def largest_turning_point(values: np.ndarray, start: int, end: int) -> int | None:
    """Index of the highest local maximum of ``values`` strictly inside frames ``start..end``.

    A local maximum is a frame (or the middle of a flat top) higher than its neighbours
    on both sides within the same run of finite values; the first and last frames of the
    window, and frames next to a gap, never count, since what lies beyond them is not
    compared. None when the window has no local maximum (the values only rise, only fall,
    or fall then rise).
    """
    x = np.asarray(values[start : end + 1], dtype=float)
    best = None
    for lo, hi in runs(np.isfinite(x)):
        peaks, _ = find_peaks(x[lo:hi])
        for p in peaks + lo:
            if best is None or x[p] > x[best]:
                best = int(p)
    return None if best is None else start + best
