"""Landmarks in; frontal-plane angles, events, flags and scores out.

Pure functions on a :class:`vision.track.LandmarkTrack` and numpy arrays: no I/O, no
printing, no plotting. Angles follow ``docs/MEASURES.md`` of the project exactly.
"""
