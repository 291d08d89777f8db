"""Small thread-safe caches for results that are costly to make and cheap to key.

Every key used with them includes the store's version of the person's records
(:func:`psoas.services.tracking.data_version`): a change made by this process
makes the next request compute afresh, and one made by another process (the CLI
beside the web app) within a second.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LruCache(Generic[V]):
    """The newest ``size`` values by key."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept for ``key``, or ``make()`` kept for next time."""
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        value = make()  # outside the lock: two threads may both make it; both are right
        with self._lock:
            self._kept[key] = value
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything (for tests)."""
        with self._lock:
            self._kept.clear()
