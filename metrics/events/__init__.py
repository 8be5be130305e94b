"""Event detection: one detector per task, all returning :class:`metrics.events.base.Event` lists.

- :mod:`metrics.events.step_down`: step-down and single-leg squat repetitions;
- :mod:`metrics.events.single_leg_stance`: single-leg stance holds;
- :mod:`metrics.events.gait`: stance phases of walking.
"""

from metrics.events.base import TASKS, Event
from metrics.events.gait import detect_gait
from metrics.events.single_leg_stance import detect_single_leg_stance
from metrics.events.step_down import detect_repetitions

__all__ = ["TASKS", "Event", "detect_gait", "detect_repetitions", "detect_single_leg_stance"]
