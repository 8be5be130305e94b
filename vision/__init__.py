"""Video in, landmarks out.

The public surface of this package:

- :func:`vision.decode.probe_video` and :func:`vision.decode.iter_frames`: phone video
  decoded to upright RGB frames with their real presentation timestamps;
- :func:`vision.pose.estimate_pose`: MediaPipe PoseLandmarker (Tasks API, VIDEO mode)
  run over those frames, returning a :class:`vision.track.LandmarkTrack`;
- :func:`vision.models.resolve_model`: where the pose model file comes from;
- :class:`vision.errors.InputProblem`: the one exception that means "this input
  cannot be measured", carrying a message a person can act on.
"""
