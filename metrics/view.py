"""Where the camera stands (front, back or side) and how far the phone is rolled.

Front or back
    MediaPipe labels the person's sides anatomically in both views: on the two real clips
    with a multi-camera reference (one filmed from the front, one from behind), its
    left/right labels of hips, knees, ankles and shoulders matched the reference in 399
    and 400 of 400 frame-joint pairs. So the order of the labelled hips and shoulders
    tells the view: the person's left on the image right means they face the camera.
    MediaPipe's face *visibility* does not tell the view: it stays near 1 from behind.

Side
    Seen from the side, the shoulders and hips are narrow compared with the trunk's
    height. A frame is *frontal* when the mean of the shoulder and hip widths is at least
    ``min_frontal_width_ratio`` of the mid-hip to mid-shoulder distance.

Camera roll
    From the longest stretch of quiet standing on both feet (both heels and the shoulders
    keep still, both legs look equally long, neither foot off the ground, away from the
    single-leg events): the body's centre line from between the ankles to between the
    shoulders is then vertical, so its tilt in the image is the roll. The floor line
    through the feet is a cross-check. A walker who never stands still: the same line
    averaged over whole strides, in which the sway to each side cancels.

Camera yaw (how obliquely the person is filmed)
    From MediaPipe's world landmarks, which are in a camera-aligned frame (metres,
    origin between the hips, x to the image right, y down, z away from the camera:
    checked on rendered clips of known camera yaw): seen straight from the front or
    behind, the hip line and the shoulder line run along x; turned by the yaw, their
    horizontal direction in the x-z plane turns by the same angle. The per-frame yaw is
    the mean of the hip-line and shoulder-line angles; the clip's yaw is their median
    over the frames in which the person stands upright. The ratio of shoulder and hip
    widths to trunk height in the image (about 0.54 straight on, times the cosine of
    the yaw) gives the size of the yaw but not its side; it is used only when there are
    no world landmarks. Measured figures: docs/MEASUREMENT_CHOICES.md.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from metrics.cleaning import body_height_px, seconds_to_samples
from metrics.events.body import BodyParams, body_signals
from metrics.events.single_leg_stance import HoldParams, off_ground_masks
from metrics.geometry import midpoint, signed_angle_2d
from vision.errors import InputProblem
from vision.landmarks import Landmark
from vision.track import LandmarkTrack

View = Literal["front", "back", "side"]


@dataclass(frozen=True)
class ViewParams:
    """Parameters of :func:`detect_view`.

    Attributes
    ----------
    min_frontal_width_ratio : float
        A frame is frontal when ``(shoulder width + hip width) / 2`` is at least this
        fraction of the trunk height (mid-hip to mid-shoulder), all in pixels.
    min_frontal_fraction : float
        The video is filmed from the side when fewer of its frames are frontal.
    """

    min_frontal_width_ratio: float = 0.3
    min_frontal_fraction: float = 0.5


@dataclass(frozen=True)
class ViewEstimate:
    """Where the camera stands.

    Attributes
    ----------
    view : {"front", "back", "side"}
    confidence : float
        In [0, 1]: for "front"/"back", the fraction of frontal frames whose hip and
        shoulder order agrees with the decision; for "side", the fraction of frames that
        are not frontal.
    reason : str
        One plain sentence with the figures behind the decision.
    frontal_fraction : float
        Fraction of the frames with a trunk in view that are frontal.
    """

    view: View
    confidence: float
    reason: str
    frontal_fraction: float


@dataclass(frozen=True)
class RollParams:
    """Parameters of :func:`estimate_camera_roll`.

    Attributes
    ----------
    min_still_s : float
        Shortest stretch of quiet double-leg standing that is used, seconds.
    max_motion_body_heights : float
        Within ``min_still_s`` around a frame, each heel and the mid-shoulder move less
        than this (range of x and of y), as a fraction of the person's height in the image.
    max_leg_length_difference : float
        The two hip-to-ankle distances differ by less than this fraction of their mean
        (a lifted foot bends its knee and shortens the leg in the image).
    min_floor_spread_body_heights : float
        The floor line through the feet is computed only when the feet are at least this
        far apart horizontally (fraction of the height): closer feet make it noisy.
    max_disagreement_deg : float
        Body axis and floor line differing by more than this is said in the reason.
    single_leg_margin_s : float
        The standing is looked for outside the single-leg events given to
        :func:`estimate_camera_roll` and this long before and after each, seconds: the
        body shifts over the stance foot before the other foot leaves the ground and
        after it comes down.
    """

    min_still_s: float = 0.5
    max_motion_body_heights: float = 0.02
    max_leg_length_difference: float = 0.08
    min_floor_spread_body_heights: float = 0.12
    max_disagreement_deg: float = 3.0
    single_leg_margin_s: float = 0.5


@dataclass(frozen=True)
class RollEstimate:
    """How far the phone is rolled, when it can be told.

    Attributes
    ----------
    roll_deg : float or None
        How far the scene appears turned on the screen, degrees, positive **clockwise**
        (the floor falls towards the image right, a vertical body tips its head to the
        image right). None when no quiet double-leg standing (or, for walking, no two
        whole strides) was found.
    method : str
        ``"body_axis"`` (quiet standing, :func:`estimate_camera_roll`),
        ``"walking_body_axis"`` (whole strides, :func:`estimate_walking_roll`) or ``"none"``.
    reason : str
        One plain sentence: where the estimate comes from, or why there is none.
    start_s, end_s : float or None
        The standing stretch, or the walking, used.
    floor_line_deg : float or None
        The same roll read from the line through the two feet (mean of heel and toe),
        as a cross-check; None when the feet were too close together.

    Notes
    -----
    Pixels, x right, y down. A roll adds to pelvic drop and trunk lean, not to FPPA or
    hip adduction: with the other hip on the image right, the measured pelvic drop is
    the true drop plus ``roll_deg``; with the other hip on the image left, minus it.
    """

    roll_deg: float | None
    method: str
    reason: str
    start_s: float | None = None
    end_s: float | None = None
    floor_line_deg: float | None = None


def _no_person() -> InputProblem:
    return InputProblem(
        "no_person",
        "No person's shoulders and hips were found in the video.",
        "Film the whole body, head to feet, from 2-3 m away in good light.",
    )


def detect_view(track: LandmarkTrack, *, params: ViewParams = ViewParams()) -> ViewEstimate:
    """Tell whether the person was filmed from the front, from behind or from the side.

    Parameters
    ----------
    track : LandmarkTrack
        Landmarks with MediaPipe's own left/right labels (swaps repaired).
    params : ViewParams, keyword-only

    Returns
    -------
    ViewEstimate

    Raises
    ------
    InputProblem
        ``no_person`` when no frame shows both shoulders and both hips.

    Notes
    -----
    Pixels, x right, y down. Front: the person's left hip and left shoulder lie to the
    image right of the right ones (they face the camera); back: to the image left. This
    relies on MediaPipe labelling sides anatomically from behind, which it did on every
    frame of the real reference clips (see the module docstring).
    """
    lh, rh = track.point("left_hip"), track.point("right_hip")
    ls, rs = track.point("left_shoulder"), track.point("right_shoulder")
    seen = ~np.any(np.isnan(np.concatenate([lh, rh, ls, rs], axis=1)), axis=1)
    trunk_px = np.linalg.norm(midpoint(ls, rs) - midpoint(lh, rh), axis=1)
    seen &= trunk_px > 0
    if not np.any(seen):
        raise _no_person()

    width_px = 0.5 * (np.linalg.norm(ls - rs, axis=1) + np.linalg.norm(lh - rh, axis=1))
    frontal = seen & (width_px >= params.min_frontal_width_ratio * np.where(seen, trunk_px, np.inf))
    frontal_fraction = float(frontal.sum() / seen.sum())
    median_ratio = float(np.median(width_px[seen] / trunk_px[seen]))

    if frontal_fraction < params.min_frontal_fraction:
        return ViewEstimate(
            view="side",
            confidence=1.0 - frontal_fraction,
            reason=(
                f"Filmed from the side: shoulders and hips look narrow (median width "
                f"{median_ratio:.2f} of the trunk height) in {1 - frontal_fraction:.0%} of the frames."
            ),
            frontal_fraction=frontal_fraction,
        )

    hips_face = np.sign(lh[:, 0] - rh[:, 0])
    shoulders_face = np.sign(ls[:, 0] - rs[:, 0])
    facing = frontal & (hips_face == shoulders_face) & (hips_face != 0)
    n_front = int(np.sum(facing & (hips_face > 0)))
    n_back = int(np.sum(facing & (hips_face < 0)))
    n_frontal = int(frontal.sum())
    view: View = "front" if n_front >= n_back else "back"
    agreeing = max(n_front, n_back)
    side_text = "image right: facing the camera" if view == "front" else "image left: back to the camera"
    return ViewEstimate(
        view=view,
        confidence=agreeing / n_frontal,
        reason=(
            f"Filmed from the {view}: the person's left hip and shoulder are on the {side_text} "
            f"({agreeing} of {n_frontal} frontal frames)."
        ),
        frontal_fraction=frontal_fraction,
    )


def _still(points: np.ndarray, half_window: int, max_range_px: float) -> np.ndarray:
    """Boolean (T,): the point's x and y ranges within the centred window stay small
    (False where the window runs off either end or holds a missing position)."""
    out = np.zeros(points.shape[0], dtype=bool)
    width = 2 * half_window + 1
    if points.shape[0] < width:
        return out
    windows = sliding_window_view(points, width, axis=0)  # (T - width + 1, 2, width)
    with np.errstate(invalid="ignore"):
        ranges = np.max(windows, axis=-1) - np.min(windows, axis=-1)
        out[half_window : points.shape[0] - half_window] = np.all(ranges < max_range_px, axis=-1)
    return out


def _longest_run(mask: np.ndarray) -> tuple[int, int]:
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if starts.size == 0:
        return 0, 0
    k = int(np.argmax(stops - starts))
    return int(starts[k]), int(stops[k])


def _line_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle from the image horizontal to the line from the image-left to the image-right
    point, degrees, positive clockwise (the right end lower)."""
    a_is_left = (a[..., 0] <= b[..., 0])[..., None]
    return signed_angle_2d(np.array([1.0, 0.0]), np.where(a_is_left, b - a, a - b))


def _centre_line(track: LandmarkTrack) -> tuple[np.ndarray, np.ndarray]:
    """The body's centre line per frame: (mid-ankle, mid-shoulder), pixels, shape (T, 2) each."""
    p = track.point
    return midpoint(p("left_ankle"), p("right_ankle")), midpoint(p("left_shoulder"), p("right_shoulder"))


def _tilt_from_vertical_deg(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Tilt of the line ``lower -> upper`` from the image vertical, degrees, positive clockwise."""
    return signed_angle_2d(np.array([0.0, -1.0]), upper - lower)


def estimate_camera_roll(
    track: LandmarkTrack, *, params: RollParams = RollParams(), single_leg_spans: Sequence[tuple[float, float]] = ()
) -> RollEstimate:
    """Estimate the phone's roll from the body axis during quiet double-leg standing.

    Parameters
    ----------
    track : LandmarkTrack
        Landmarks in pixels, preferably cleaned.
    params : RollParams, keyword-only
    single_leg_spans : sequence of (start_s, end_s), keyword-only
        The single-leg events (repetitions, holds) found in the video: the standing is
        looked for outside them, with ``params.single_leg_margin_s`` either side.

    Returns
    -------
    RollEstimate
        ``roll_deg`` is the median tilt of the mid-ankle -> mid-shoulder line from the
        image vertical over the longest quiet stretch, or None with the reason when
        there is no such stretch.

    Notes
    -----
    Pixels, x right, y down. Standing still on both feet, a person's centre line from
    between the ankles to between the shoulders is vertical to within a degree or two
    (the body's weight sits over its base), so its tilt in the image is the camera roll:
    ``signed_angle_2d(image up, mid_shoulder - mid_ankle)``, positive clockwise. The
    body axis is used rather than the floor line through the heels because it is about
    ten times longer: on a real clip filmed with a level camera and the feet close
    together, the heel line read 8 degrees and the body axis 0.2. The floor line (mean
    of heel and toe of each foot) is still computed as a cross-check when the feet are
    wide enough apart. A person who stands with a habitual lateral lean, or with the
    weight on one leg, biases the estimate.
    """
    height_px = body_height_px(track)
    if not np.isfinite(height_px) or len(track) < 2:
        return RollEstimate(None, "none", "No person was found, so the camera roll cannot be estimated.")

    p = track.point
    mid_ankle, mid_shoulder = _centre_line(track)
    left_leg = np.linalg.norm(p("left_hip") - p("left_ankle"), axis=1)
    right_leg = np.linalg.norm(p("right_hip") - p("right_ankle"), axis=1)

    half_window = max(1, seconds_to_samples(params.min_still_s / 2, track.times_s))
    max_range_px = params.max_motion_body_heights * height_px
    feet_still = _still(p("left_heel"), half_window, max_range_px) & _still(p("right_heel"), half_window, max_range_px)
    trunk_still = _still(mid_shoulder, half_window, max_range_px)
    with np.errstate(invalid="ignore"):
        equal_legs = np.abs(left_leg - right_leg) < params.max_leg_length_difference * 0.5 * (left_leg + right_leg)

    # Standing on one leg, even still with the legs looking equally long (a free foot held
    # forwards and low), shifts the body over the stance foot and tilts the centre line.
    off = off_ground_masks(body_signals(track, params=BodyParams(smoothing_cutoff_hz=HoldParams().smoothing_cutoff_hz)))
    feet_down = ~(off["left"] | off["right"])
    times_s = np.asarray(track.times_s, dtype=float)
    for start_s, end_s in single_leg_spans:
        margin_s = params.single_leg_margin_s
        feet_down &= ~((times_s >= start_s - margin_s) & (times_s <= end_s + margin_s))

    start, stop = _longest_run(feet_still & trunk_still & equal_legs & feet_down)
    if stop == start or track.times_s[stop - 1] - track.times_s[start] < params.min_still_s:
        reasons = {
            "the feet never keep still": feet_still,
            "the trunk never keeps still": trunk_still,
            "the legs never look equally long (one foot lifted)": equal_legs,
            "a foot is always off the ground, or a single-leg event is under way": feet_down,
        }
        missing = [text for text, mask in reasons.items() if not np.any(mask)]
        why = "; ".join(missing) if missing else "no such stretch lasts long enough"
        return RollEstimate(
            None,
            "none",
            f"The camera roll cannot be estimated: no {params.min_still_s:g} s of quiet standing on both feet ({why}).",
        )

    stretch = slice(start, stop)
    roll_deg = float(np.median(_tilt_from_vertical_deg(mid_ankle[stretch], mid_shoulder[stretch])))
    start_s, end_s = float(track.times_s[start]), float(track.times_s[stop - 1])
    reason = (
        f"Camera roll {roll_deg:+.1f} deg from the body's centre line while standing still on both feet "
        f"({start_s:.1f}-{end_s:.1f} s)."
    )

    left_foot = midpoint(p("left_heel"), p("left_foot_index"))[stretch]
    right_foot = midpoint(p("right_heel"), p("right_foot_index"))[stretch]
    spread_px = np.nanmedian(np.abs(left_foot[:, 0] - right_foot[:, 0]))
    floor_line_deg = None
    if spread_px >= params.min_floor_spread_body_heights * height_px:
        floor_line_deg = float(np.nanmedian(_line_deg(left_foot, right_foot)))
        if abs(floor_line_deg - roll_deg) > params.max_disagreement_deg:
            reason += f" The line through the feet reads {floor_line_deg:+.1f} deg: the estimate is uncertain."
    return RollEstimate(roll_deg, "body_axis", reason, start_s, end_s, floor_line_deg)


@dataclass(frozen=True)
class WalkingRollParams:
    """Parameters of :func:`estimate_walking_roll`.

    Attributes
    ----------
    min_strides : int
        Fewest whole strides (either leg's) that give an estimate.
    min_seen_fraction : float
        A stride counts when its body centre line is measurable in at least this share of
        its frames.
    """

    min_strides: int = 2
    min_seen_fraction: float = 0.8


def estimate_walking_roll(
    track: LandmarkTrack, events, *, params: WalkingRollParams = WalkingRollParams()
) -> RollEstimate:
    """Estimate the phone's roll from walking: the body's centre line over whole strides.

    Parameters
    ----------
    track : LandmarkTrack
        Cleaned landmarks, pixels.
    events : sequence of metrics.events.base.Event
        The gait stance phases (foot contact to foot off) found in ``track``.
    params : WalkingRollParams, keyword-only

    Returns
    -------
    RollEstimate
        ``roll_deg`` is the median, over whole strides, of the mean tilt of the mid-ankle ->
        mid-shoulder line from the image vertical (the sign of :func:`estimate_camera_roll`);
        None with the reason when fewer than ``params.min_strides`` strides are whole.

    Notes
    -----
    A stride runs from one foot contact to the next contact of the same foot: the start of
    a complete stance phase to the start of the next complete stance phase of that leg.
    Over a whole stride the body sways towards each stance leg in turn and the trunk leans
    to each side in turn, so for a person who walks symmetrically the centre line averages
    to vertical and its mean tilt in the image is the camera roll. On 74 rendered walking
    clips of known roll (front and back views, most of them with a pelvic drop and a trunk
    lean in one leg's stance only, roll within +/- 3 degrees) its error was
    0.34 degrees on average, 95th percentile 0.93 (one stride alone: 0.33 and 0.92;
    ``docs/MEASUREMENT_CHOICES.md``). A person who leans to one side throughout, or who
    limps with a lean to one side only, biases it by about that lean's mean over a stride.
    """
    times_s = np.asarray(track.times_s, dtype=float)
    tilt = _tilt_from_vertical_deg(*_centre_line(track))

    strides: list[tuple[float, float, float]] = []  # (start_s, end_s, mean tilt)
    for side in ("left", "right"):
        contacts = sorted(e.start_s for e in events if e.side == side and e.complete)
        for start_s, end_s in zip(contacts, contacts[1:]):
            in_stride = (times_s >= start_s) & (times_s < end_s)
            seen = in_stride & np.isfinite(tilt)
            if in_stride.any() and seen.sum() >= params.min_seen_fraction * in_stride.sum():
                strides.append((start_s, end_s, float(np.mean(tilt[seen]))))
    if len(strides) < params.min_strides:
        return RollEstimate(
            None,
            "none",
            f"The camera roll cannot be estimated: no quiet standing on both feet, and {len(strides)} whole "
            f"stride(s) of walking where {params.min_strides} are needed.",
        )
    roll_deg = float(np.median([tilt_deg for _, _, tilt_deg in strides]))
    start_s = min(a for a, _, _ in strides)
    end_s = max(b for _, b, _ in strides)
    reason = (
        f"Camera roll {roll_deg:+.1f} deg from the body's centre line averaged over {len(strides)} whole strides "
        f"of walking ({start_s:.1f}-{end_s:.1f} s); a person who leans to one side all the time biases it."
    )
    return RollEstimate(roll_deg, "walking_body_axis", reason, start_s, end_s)


@dataclass(frozen=True)
class YawParams:
    """Parameters of :func:`estimate_camera_yaw`.

    Attributes
    ----------
    max_trunk_tilt_deg : float
        A frame counts as upright when the mid-hip -> mid-shoulder line in the image is
        within this angle of the vertical ...
    min_leg_length_frac : float
        ... and the longer of the two hip-to-ankle distances in the image is at least
        this fraction of its 95th percentile over the clip (standing tall, not squatting).
    min_upright_frames : int
        Fewer upright frames than this: every frame with a measurable yaw is used.
    frontal_width_ratio : float
        Mean of shoulder and hip widths over the trunk height (image pixels) of a person
        seen straight from the front or behind. Rendered bodies of known yaw (|yaw| <= 8
        deg, 55 clips) read 0.54 +/- 0.025; three real frontal clips 0.52-0.53.
    """

    max_trunk_tilt_deg: float = 20.0
    min_leg_length_frac: float = 0.9
    min_upright_frames: int = 5
    frontal_width_ratio: float = 0.54


@dataclass(frozen=True)
class YawEstimate:
    """How obliquely the camera looks at the person.

    Attributes
    ----------
    yaw_deg : float or None
        The clip's camera yaw, degrees: 0 = straight in front or straight behind;
        positive = the camera stands towards the person's **left** side (their left
        side is nearer the camera), negative = towards their right, in both views.
        None when it cannot be told (no world landmarks: then only ``magnitude_deg``).
    magnitude_deg : float or None
        ``abs(yaw_deg)``, or the size alone from the image widths; None when nothing
        could be measured.
    method : str
        ``"world_landmarks"``, ``"image_widths"`` or ``"none"``.
    frames_used : int
        Frames the median is taken over.
    reason : str
        One plain sentence: where the figure comes from, or why there is none.
    per_frame_deg : ndarray, shape (T,)
        The per-frame yaw of ``method`` (NaN where not measured; unsigned for
        ``"image_widths"``).
    """

    yaw_deg: float | None
    magnitude_deg: float | None
    method: str
    frames_used: int
    reason: str
    per_frame_deg: np.ndarray


def _world(track: LandmarkTrack, name: str) -> np.ndarray:
    return track.world_xyz[:, Landmark[name.upper()]]


def _line_yaw_deg(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Horizontal angle of the right -> left line from the camera's x axis, degrees,
    positive when the left end is nearer the camera (smaller world z)."""
    d = left - right
    with np.errstate(invalid="ignore"):
        return np.degrees(np.arctan2(-d[:, 2], np.abs(d[:, 0])))


def world_yaw_deg(track: LandmarkTrack) -> np.ndarray:
    """Per-frame camera yaw from MediaPipe's world landmarks, degrees (NaN if absent).

    Parameters
    ----------
    track : LandmarkTrack
        With ``world_xyz`` (metres, camera-aligned: x image right, y down, z away from
        the camera).

    Returns
    -------
    ndarray, shape (T,)
        Mean of the hip line's and the shoulder line's angle in the horizontal x-z
        plane, each ``atan2(-(z_left - z_right), |x_left - x_right|)``; all NaN when
        the track has no world landmarks.

    Notes
    -----
    Sign: positive when the person's left hip and shoulder are nearer the camera than
    the right ones, i.e. the camera stands towards the person's left, seen from the
    front or from behind alike (``|dx|`` makes the formula the same for both views).
    The hip line alone is unreliable from behind (MediaPipe's depth of the hips from
    behind was off by up to 25 degrees on rendered single-leg squats) and the shoulder
    line alone reads low from behind at large yaw; their mean was the best of the three.
    """
    if track.world_xyz is None:
        return np.full(len(track), np.nan)
    hips = _line_yaw_deg(_world(track, "left_hip"), _world(track, "right_hip"))
    shoulders = _line_yaw_deg(_world(track, "left_shoulder"), _world(track, "right_shoulder"))
    return 0.5 * (hips + shoulders)


def width_yaw_deg(track: LandmarkTrack, *, params: YawParams = YawParams()) -> np.ndarray:
    """Per-frame size of the camera yaw from image widths, degrees (unsigned; NaN if absent).

    Notes
    -----
    Pixels, x right, y down. ``arccos(min(1, w / (r0 h)))`` with ``w`` the mean of the
    shoulder and hip widths, ``h`` the mid-hip to mid-shoulder distance and ``r0 =
    params.frontal_width_ratio``. Widths shrink with the cosine of the yaw, so small
    yaws are hardly seen: a 5 % error in ``r0`` (one person's build) is 18 degrees at 0.
    """
    p = track.point
    width = 0.5 * (np.linalg.norm(p("left_shoulder") - p("right_shoulder"), axis=1)
                   + np.linalg.norm(p("left_hip") - p("right_hip"), axis=1))
    trunk = np.linalg.norm(midpoint(p("left_shoulder"), p("right_shoulder")) - midpoint(p("left_hip"), p("right_hip")), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(trunk > 0, width / trunk, np.nan)
        return np.degrees(np.arccos(np.clip(ratio / params.frontal_width_ratio, 0.0, 1.0)))


def upright_frames(track: LandmarkTrack, *, params: YawParams = YawParams()) -> np.ndarray:
    """Boolean (T,): the trunk is near vertical and the longer leg near its full length.

    Notes
    -----
    Pixels, x right, y down. Trunk tilt is the angle of mid-hip -> mid-shoulder from
    the image vertical; leg length the hip-to-ankle distance of each side.
    """
    p = track.point
    trunk = midpoint(p("left_shoulder"), p("right_shoulder")) - midpoint(p("left_hip"), p("right_hip"))
    legs = np.stack([np.linalg.norm(p(f"{s}_hip") - p(f"{s}_ankle"), axis=1) for s in ("left", "right")], axis=1)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        tilt_deg = np.degrees(np.abs(np.arctan2(trunk[:, 0], -trunk[:, 1])))
        longer = np.nanmax(legs, axis=1)
        if not np.any(np.isfinite(longer)):
            return np.zeros(len(track), dtype=bool)
        full = np.nanpercentile(longer, 95)
        return (tilt_deg < params.max_trunk_tilt_deg) & (longer >= params.min_leg_length_frac * full)


def estimate_camera_yaw(track: LandmarkTrack, *, params: YawParams = YawParams()) -> YawEstimate:
    """Estimate how obliquely the camera looks at the person (yaw about the vertical).

    Parameters
    ----------
    track : LandmarkTrack
        Cleaned landmarks with left/right labels repaired; ``world_xyz`` preferably.
    params : YawParams, keyword-only

    Returns
    -------
    YawEstimate
        The median of :func:`world_yaw_deg` over the upright frames (all measured
        frames when fewer than ``params.min_upright_frames`` are upright); without
        world landmarks, the size alone from :func:`width_yaw_deg`.

    Notes
    -----
    Sign: positive = camera towards the person's left side, in both views (module
    docstring). On 55 rendered clips of known yaw within 8 degrees the estimate was off
    by 5.6 degrees on average (at most 15.6, from behind); on 18 rendered at 15-60
    degrees by 5.6 on average (at most 15.3). See docs/MEASUREMENT_CHOICES.md.
    """
    world = world_yaw_deg(track)
    widths = width_yaw_deg(track, params=params)
    upright = upright_frames(track, params=params)
    for method, per_frame in (("world_landmarks", world), ("image_widths", widths)):
        measured = np.isfinite(per_frame)
        if not np.any(measured):
            continue
        used = measured & upright
        if used.sum() < params.min_upright_frames:
            used = measured
        value = float(np.median(per_frame[used]))
        n_used = int(used.sum())
        if method == "world_landmarks":
            side = "left" if value >= 0 else "right"
            reason = (
                f"Camera yaw {value:+.0f} deg (towards the person's {side}) from the directions of the hip "
                f"and shoulder lines in MediaPipe's 3D landmarks, median of {n_used} frames."
            )
            return YawEstimate(value, abs(value), method, n_used, reason, per_frame)
        reason = (
            f"Camera yaw about {value:.0f} deg (side unknown) from the shoulder and hip widths in the image, "
            f"median of {n_used} frames; no 3D landmarks."
        )
        return YawEstimate(None, value, method, n_used, reason, per_frame)
    return YawEstimate(
        None, None, "none", 0, "The camera yaw cannot be estimated: no frame shows both shoulders and both hips.",
        np.full(len(track), np.nan),
    )
