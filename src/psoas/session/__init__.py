"""The real-time side of a guided session: clocks, the drift-free runner and the voice.

Adapters only: they speak :mod:`psoas.core` types and know nothing of the store;
:mod:`psoas.services.sessions` wires a runner to the store's checkpoints.
"""

from psoas.session.clock import Clock, MonotonicClock
from psoas.session.runner import Runner

__all__ = ["Clock", "MonotonicClock", "Runner"]
