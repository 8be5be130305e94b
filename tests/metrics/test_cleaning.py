"""clean_track on synthetic tracks whose true positions are known sines."""

import math

import numpy as np
import pytest

from metrics.cleaning import CleaningParams, body_height_px, clean_track, seconds_to_samples
from vision.landmarks import LANDMARK_NAMES, Landmark
from vision.track import LandmarkTrack

FPS = 30.0
AMPLITUDE_PX = 20.0
FREQ_HZ = 1.0
KNEE = Landmark.LEFT_KNEE


def _truth(times_s: np.ndarray) -> np.ndarray:
    """Every landmark on its own column, 100..900 px high, swaying sideways at 1 Hz."""
    n_lm = len(LANDMARK_NAMES)
    base_x = np.linspace(200.0, 800.0, n_lm)
    base_y = np.linspace(100.0, 900.0, n_lm)  # the person is 800 px tall
    sway = AMPLITUDE_PX * np.sin(2 * math.pi * FREQ_HZ * times_s)
    xy = np.empty((len(times_s), n_lm, 2))
    xy[..., 0] = base_x[None, :] + sway[:, None]
    xy[..., 1] = base_y[None, :] + 0.5 * sway[:, None]
    return xy


def _track(times_s: np.ndarray, xy: np.ndarray, visibility: np.ndarray | None = None) -> LandmarkTrack:
    if visibility is None:
        visibility = np.ones(xy.shape[:2])
    return LandmarkTrack(times_s=times_s, xy_px=xy, visibility=visibility, width=1000, height=1000)


def _times(duration_s=4.0):
    return np.arange(int(duration_s * FPS)) / FPS


def test_clean_sine_passes_through_unchanged():
    t = _times()
    truth = _truth(t)
    cleaned = clean_track(_track(t, truth.copy()))
    # A 1 Hz movement is far below the 6 Hz cut-off: gain 1/sqrt(1 + (1/6)^4) per pass.
    np.testing.assert_allclose(cleaned.track.xy_px, truth, atol=0.1)
    assert cleaned.counts["outliers_removed"] == 0
    assert cleaned.counts["gaps_left_missing"] == 0
    assert cleaned.warnings == ()


def test_spike_is_removed_and_replaced():
    t = _times()
    truth = _truth(t)
    raw = truth.copy()
    raw[60, KNEE, 0] += 150.0  # one frame jumps 150 px sideways
    cleaned = clean_track(_track(t, raw))
    assert cleaned.counts["outliers_removed"] == 1
    assert cleaned.counts["gaps_filled"] == 1
    assert abs(cleaned.track.xy_px[60, KNEE, 0] - truth[60, KNEE, 0]) < 1.0


def test_noise_is_reduced_by_the_lowpass():
    rng = np.random.default_rng(0)
    t = _times()
    truth = _truth(t)
    noisy = truth + rng.normal(0.0, 2.0, truth.shape)
    cleaned = clean_track(_track(t, noisy), params=CleaningParams(min_outlier_body_heights=0.05))
    rms_before = np.sqrt(np.mean((noisy - truth) ** 2))
    rms_after = np.sqrt(np.mean((cleaned.track.xy_px - truth) ** 2))
    # White noise at 30 fps spans 0-15 Hz; a 6 Hz low-pass keeps well under half its power.
    assert rms_after < 0.7 * rms_before


def test_short_gap_is_filled_and_long_gap_left_missing():
    t = _times()
    truth = _truth(t)
    raw = truth.copy()
    raw[30:33, KNEE] = np.nan  # 3 frames: 0.133 s from the last position to the next
    raw[60:90, KNEE] = np.nan  # 1 s
    cleaned = clean_track(_track(t, raw))
    out = cleaned.track.xy_px[:, KNEE]
    np.testing.assert_allclose(out[30:33], truth[30:33, KNEE], atol=0.5)
    assert np.all(np.isnan(out[60:90]))
    assert cleaned.counts["gaps_filled"] == 1
    assert cleaned.counts["gaps_left_missing"] == 1
    assert len(cleaned.warnings) == 1
    assert "left knee" in cleaned.warnings[0]


def test_gap_length_comes_from_timestamps_not_frame_count():
    # Variable frame rate: the same 3 missing frames span 0.133 s in one place and
    # 0.4 s in another (the phone dropped its rate).
    dt = np.full(119, 1 / FPS)
    dt[69:73] = 0.1
    t = np.concatenate([[0.0], np.cumsum(dt)])
    raw = _truth(t)
    raw[30:33, KNEE] = np.nan
    raw[70:73, KNEE] = np.nan
    cleaned = clean_track(_track(t, raw))
    out = cleaned.track.xy_px[:, KNEE]
    assert not np.any(np.isnan(out[30:33]))
    assert np.all(np.isnan(out[70:73]))


def test_gaps_at_the_ends_are_not_extrapolated():
    t = _times()
    raw = _truth(t)
    raw[:2, KNEE] = np.nan
    raw[-2:, KNEE] = np.nan
    cleaned = clean_track(_track(t, raw))
    assert np.all(np.isnan(cleaned.track.xy_px[:2, KNEE]))
    assert np.all(np.isnan(cleaned.track.xy_px[-2:, KNEE]))


def test_low_visibility_positions_are_dropped():
    t = _times()
    truth = _truth(t)
    vis = np.ones(truth.shape[:2])
    vis[40:70, KNEE] = 0.2  # 1 s of an occluded knee
    vis[100, KNEE] = 0.3  # one doubtful frame, then interpolated
    cleaned = clean_track(_track(t, truth.copy(), vis))
    assert cleaned.counts["low_visibility_removed"] == 31
    assert np.all(np.isnan(cleaned.track.xy_px[40:70, KNEE]))
    assert abs(cleaned.track.xy_px[100, KNEE, 0] - truth[100, KNEE, 0]) < 0.5
    # The visibility scores themselves are kept as they were.
    np.testing.assert_array_equal(cleaned.track.visibility, vis)


def test_run_too_short_to_filter_is_left_as_is():
    t = _times()
    raw = _truth(t)
    raw[:, KNEE] = np.nan
    raw[50:55, KNEE] = [400.0, 500.0]
    cleaned = clean_track(_track(t, raw))
    assert cleaned.counts["runs_unfiltered"] == 1
    np.testing.assert_array_equal(cleaned.track.xy_px[50:55, KNEE], np.full((5, 2), [400.0, 500.0]))


def test_input_track_is_not_modified():
    t = _times()
    raw = _truth(t)
    raw[60, KNEE, 0] += 150.0
    before = raw.copy()
    track = _track(t, raw)
    clean_track(track)
    np.testing.assert_array_equal(track.xy_px, before)


def test_low_frame_rate_skips_smoothing_with_a_warning():
    t = np.arange(40) / 10.0  # 10 fps: Nyquist 5 Hz, below the 6 Hz cut-off
    cleaned = clean_track(_track(t, _truth(t)))
    assert any("Smoothing was skipped" in w for w in cleaned.warnings)


def test_helpers():
    t = _times()
    assert seconds_to_samples(0.3, t) == 9
    assert body_height_px(_track(t, _truth(t))) == pytest.approx(800.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"min_visibility": 1.5}, id="visibility-above-one"),
        pytest.param({"outlier_n_sigmas": 0.0}, id="zero-sigmas"),
        pytest.param({"filter_order": 0}, id="order-zero"),
        pytest.param({"max_gap_s": -1.0}, id="negative-gap"),
    ],
)
def test_invalid_params_are_rejected(kwargs):
    with pytest.raises(ValueError):
        CleaningParams(**kwargs)


def test_counts_are_plain_ints():
    t = _times()
    raw = _truth(t)
    raw[30:33, KNEE] = np.nan
    counts = clean_track(_track(t, raw)).counts
    assert counts["points_interpolated"] == 3
    assert all(type(value) is int for value in counts.values())


def test_outlier_filter_in_blocks_equals_one_pass(monkeypatch):
    """The Hampel filter works in blocks of frames to bound memory; the blocks must not show."""
    import metrics.cleaning as cleaning

    rng = np.random.default_rng(0)
    xy = rng.normal(size=(1300, 33, 2)) * 3.0
    xy[rng.random(xy.shape[:2]) < 0.02] += 80.0  # spikes, some at block edges
    xy[495:505, 7] = np.nan
    blocked = cleaning._hampel_outliers(xy, half_window=5, n_sigmas=3.0, floor_px=2.0)
    monkeypatch.setattr(cleaning, "_HAMPEL_BLOCK_FRAMES", 10**9)
    whole = cleaning._hampel_outliers(xy, half_window=5, n_sigmas=3.0, floor_px=2.0)
    assert blocked.sum() > 0
    np.testing.assert_array_equal(blocked, whole)
