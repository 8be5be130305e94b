"""hipscreen: frontal-plane movement assessment from phone video.

The application layer: the analysis pipeline, the command line, the JSON result,
exports, reports and the session database. The measurement itself lives in
:mod:`vision` (video -> landmarks) and :mod:`metrics` (landmarks -> angles, events,
flags, scores).
"""

__version__ = "0.1.0"
