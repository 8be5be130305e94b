"""The landmark track: the one data structure between the video and the measurements.

Everything downstream of pose estimation (cleaning, angles, events, overlays, CSV)
takes a :class:`LandmarkTrack` and, where it changes landmarks, returns a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from vision.landmarks import LANDMARK_NAMES, Landmark

N_LANDMARKS = len(LANDMARK_NAMES)


@dataclass(frozen=True)
class VideoInfo:
    """What the container and the decoder say about a video.

    ``width`` and ``height`` are those of the *displayed* (upright) frame, after the
    rotation metadata is applied; ``stored_width``/``stored_height`` are the coded size.
    ``fps`` is the mean rate from the presentation timestamps (29.97 stays 29.97).
    """

    path: str
    width: int
    height: int
    rotation_deg: int
    fps: float
    frames: int
    duration_s: float
    variable_frame_rate: bool
    codec: str = ""
    stored_width: int = 0
    stored_height: int = 0

    def to_dict(self) -> dict:
        """The ``video`` object of the JSON result (OUTPUT.md)."""
        return {
            "path": self.path,
            "width": self.width,
            "height": self.height,
            "rotation_deg": self.rotation_deg,
            "fps": round(float(self.fps), 3),
            "frames": int(self.frames),
            "duration_s": round(float(self.duration_s), 3),
            "variable_frame_rate": bool(self.variable_frame_rate),
            "codec": self.codec,
        }


@dataclass(frozen=True)
class LandmarkTrack:
    """Pose landmarks of one person over time, in pixels of the displayed frame.

    Attributes
    ----------
    times_s : ndarray, shape (T,)
        Presentation time of each frame, seconds from the first frame; strictly increasing.
    xy_px : ndarray, shape (T, 33, 2)
        Image position of each landmark in pixels of the upright frame (x right, y down).
        NaN where the landmark is missing (no pose in the frame, or removed by cleaning).
    visibility : ndarray, shape (T, 33)
        MediaPipe's visibility score in [0, 1]; 0 where there is no pose.
    width, height : int
        Size of the upright frame in pixels.
    world_xyz : ndarray, shape (T, 33, 3), optional
        MediaPipe's world landmarks (metres, origin between the hips), NaN where missing.
    extra_people : ndarray of int, shape (T,)
        How many *further* people the landmarker found in each frame (0 normally).
    pose_model : str
        Name of the model that produced the landmarks (``"pose_landmarker_full"``).
    brightness : ndarray, shape (T,), optional
        Mean pixel value of each frame, 0 (black) to 255 (white), over the RGB channels.
    crowd_check : ndarray of int, shape (T,), optional
        For a few frames spread over the video, how many further people a fresh look at
        the whole still picture found (:func:`vision.pose.people_in_stills`); -1 where the
        frame was not checked. The tracking landmarker of ``extra_people`` does not see
        someone standing close to the person it follows.

    Notes
    -----
    Landmarks are addressed by name (:meth:`point`), never by bare index.
    """

    times_s: np.ndarray
    xy_px: np.ndarray
    visibility: np.ndarray
    width: int
    height: int
    world_xyz: np.ndarray | None = None
    extra_people: np.ndarray | None = None
    pose_model: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    brightness: np.ndarray | None = None
    crowd_check: np.ndarray | None = None

    def __post_init__(self) -> None:
        problems = []
        t = np.asarray(self.times_s)
        n = t.shape[0] if t.ndim == 1 else -1
        if t.ndim != 1:
            problems.append(f"times_s must be 1-D, got shape {t.shape}")
        if np.asarray(self.xy_px).shape != (n, N_LANDMARKS, 2):
            problems.append(f"xy_px must have shape ({n}, {N_LANDMARKS}, 2), got {np.shape(self.xy_px)}")
        if np.asarray(self.visibility).shape != (n, N_LANDMARKS):
            problems.append(f"visibility must have shape ({n}, {N_LANDMARKS}), got {np.shape(self.visibility)}")
        if self.world_xyz is not None and np.asarray(self.world_xyz).shape != (n, N_LANDMARKS, 3):
            problems.append(f"world_xyz must have shape ({n}, {N_LANDMARKS}, 3), got {np.shape(self.world_xyz)}")
        if self.brightness is not None and np.shape(self.brightness) != (n,):
            problems.append(f"brightness must have shape ({n},), got {np.shape(self.brightness)}")
        if self.crowd_check is not None and np.shape(self.crowd_check) != (n,):
            problems.append(f"crowd_check must have shape ({n},), got {np.shape(self.crowd_check)}")
        if n > 1 and not np.all(np.diff(t) > 0):
            problems.append("times_s must be strictly increasing")
        if self.width <= 0 or self.height <= 0:
            problems.append(f"width and height must be positive, got {self.width}x{self.height}")
        if problems:
            raise ValueError("invalid LandmarkTrack: " + "; ".join(problems))

    # -- access by name -------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.times_s.shape[0])

    def point(self, name: str) -> np.ndarray:
        """Pixel positions of one landmark, shape (T, 2); NaN where missing."""
        return self.xy_px[:, Landmark[name.upper()]]

    def vis(self, name: str) -> np.ndarray:
        """Visibility of one landmark, shape (T,)."""
        return self.visibility[:, Landmark[name.upper()]]

    @property
    def has_pose(self) -> np.ndarray:
        """Boolean (T,): a pose was found in the frame (any landmark present)."""
        return ~np.all(np.isnan(self.xy_px[..., 0]), axis=1)

    @property
    def sample_rate_hz(self) -> float:
        """Mean frame rate from the timestamps."""
        if len(self) < 2:
            return float("nan")
        return float((len(self) - 1) / (self.times_s[-1] - self.times_s[0]))

    def with_xy(self, xy_px: np.ndarray, *, note: str | None = None) -> "LandmarkTrack":
        """A copy with new landmark positions (and optionally a processing note)."""
        notes = self.notes + ((note,) if note else ())
        return replace(self, xy_px=np.asarray(xy_px, dtype=float), notes=notes)

    def slice(self, start: int, stop: int) -> "LandmarkTrack":
        """Frames ``start:stop`` (times are kept, not re-based)."""
        sl = slice(start, stop)
        return replace(
            self,
            times_s=self.times_s[sl],
            xy_px=self.xy_px[sl],
            visibility=self.visibility[sl],
            world_xyz=None if self.world_xyz is None else self.world_xyz[sl],
            extra_people=None if self.extra_people is None else self.extra_people[sl],
            brightness=None if self.brightness is None else self.brightness[sl],
            crowd_check=None if self.crowd_check is None else self.crowd_check[sl],
        )
