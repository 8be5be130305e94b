"""Event detection: one detector per task, all returning :class:`metrics.events.base.Event` lists.

- :mod:`metrics.events.step_down`: step-down and single-leg squat repetitions;
- :mod:`metrics.events.single_leg_stance`: single-leg stance holds;
- :mod:`metrics.events.gait`: stance phases of walking.
"""

from metrics.events.base import TASKS, Event

__all__ = ["TASKS", "Event"]
