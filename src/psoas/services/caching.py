"""Thread-safe caches for results that are costly to make and cheap to key, each made once.

Every key used with them includes the store's version of the person's records
(:func:`psoas.services.tracking.data_version`): a change made by this process
makes the next request compute afresh, and one made by another process (the CLI
beside the web app) within a second.

A missing key is made once (single flight): the first caller makes it while the
others asking for the same key wait for that result instead of making it too.
After a write every request misses at once (a browser asks for the dashboard and
its four charts together), and without this each of them paid for the same work.
The values themselves are kept in a cachetools LRU cache; cachetools' own
``cached(..., lock=...)`` only guards the cache, so two callers could both make a value.

A value may name its ``group``: the keys whose values replace each other, such as
every version of one person's progress. Keeping a value drops the one kept for
another key of its group, since no request asks for an older version of the
records once a newer one is known. Without this the LRU kept eight versions of one
person's two-year progress (with its JSON, pages and charts): some 15 MB of a web
server's memory that no request would read again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from cachetools import LRUCache

V = TypeVar("V")

_enabled = True


def set_enabled(enabled: bool) -> None:
    """Keep values (the default), or make every value afresh in this process (a cold benchmark)."""
    global _enabled
    _enabled = enabled


class SingleFlightCache(Generic[V]):
    """The newest ``size`` values by key, each made by one caller while the others wait."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: LRUCache[Hashable, V] = LRUCache(maxsize=size)
        self._key_of_group: LRUCache[Hashable, Hashable] = LRUCache(maxsize=size)
        """The key last kept for each group (a group whose key was pushed out is soon too)."""
        self._making: dict[Hashable, Future[V]] = {}
        self._lock = threading.Lock()

    def get_or_make(
        self, key: Hashable, make: Callable[[], V], *, group: Hashable | None = None
    ) -> V:
        """The value kept for ``key``, or ``make()`` kept for next time.

        A caller that finds the key being made waits for it, and gets the same value
        (or the same error). ``make`` must not ask this cache for the same key.
        ``group``: keeping this value drops the one kept for another key of the group.
        """
        if not _enabled:
            return make()
        with self._lock:
            try:
                return self._kept[key]
            except KeyError:
                pass
            making = self._making.get(key)
            if making is None:
                making = self._making[key] = Future()
                mine = True
            else:
                mine = False
        if not mine:
            return making.result()
        try:
            value = make()
        except BaseException as error:
            with self._lock:
                del self._making[key]
            making.set_exception(error)
            raise
        with self._lock:
            if group is not None:
                replaced = self._key_of_group.get(group, key)
                if replaced != key:
                    self._kept.pop(replaced, None)
                self._key_of_group[group] = key
            self._kept[key] = value
            del self._making[key]
        making.set_result(value)
        return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)

    def clear(self) -> None:
        """Forget every kept value (values being made are still handed to their waiters)."""
        with self._lock:
            self._kept.clear()
            self._key_of_group.clear()


@dataclass(frozen=True)
class StoredDocument:
    """A stored row's document, known by its id and content hash (the document is not the key).

    Rows that keep a contract document never change, so what is parsed from one (with
    ``functools.lru_cache`` keyed by this) can be kept for the process's life.
    """

    id: int
    digest: str
    document: dict[str, Any] = field(compare=False, hash=False)
