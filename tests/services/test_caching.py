"""The single-flight cache: a missing key is made once while the others wait for it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import pytest

from psoas.services import caching
from psoas.services.caching import SingleFlightCache

CALLERS = 20
T = TypeVar("T")


class Maker:
    """Counts its calls; each call waits until ``release`` is set, so all callers overlap."""

    def __init__(self, value: str = "drawn") -> None:
        self.value = value
        self.calls = 0
        self.started = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            self.calls += 1
        self.started.set()
        assert self.release.wait(10)
        return self.value


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=CALLERS) as executor:
        yield executor


def _callers(pool: ThreadPoolExecutor, count: int, call: Callable[[], T]) -> list[Future[T]]:
    """``count`` calls at once, returned once every one of them has come to the cache.

    A caller that has come may not have reached the cache's lock yet, so the callers are
    then given a moment: time enough for a cache without single flight to call the maker
    again (and fail the test); a right one passes however the threads are scheduled.
    """
    arrived = threading.Barrier(count + 1)

    def arrive() -> T:
        arrived.wait(10)
        return call()

    results = [pool.submit(arrive) for _ in range(count)]
    arrived.wait(10)
    time.sleep(0.3)
    return results


def test_concurrent_callers_for_one_key_make_it_once(pool: ThreadPoolExecutor) -> None:
    cache: SingleFlightCache[str] = SingleFlightCache(size=4)
    make = Maker()
    results = _callers(pool, CALLERS, lambda: cache.get_or_make("chart", make))
    assert make.started.is_set()
    make.release.set()
    assert [result.result(10) for result in results] == ["drawn"] * CALLERS
    assert make.calls == 1
    assert cache.get_or_make("chart", Maker("again")) == "drawn"  # kept


def test_different_keys_are_made_side_by_side(pool: ThreadPoolExecutor) -> None:
    cache: SingleFlightCache[str] = SingleFlightCache(size=4)
    first, second = Maker("pain"), Maker("adherence")
    pain = pool.submit(cache.get_or_make, "pain", first)
    adherence = pool.submit(cache.get_or_make, "adherence", second)
    # Both makers run at once: neither key waits for the other.
    assert first.started.wait(10) and second.started.wait(10)
    first.release.set()
    second.release.set()
    assert (pain.result(10), adherence.result(10)) == ("pain", "adherence")


def test_an_error_reaches_every_waiter_and_the_next_call_tries_again(
    pool: ThreadPoolExecutor,
) -> None:
    cache: SingleFlightCache[str] = SingleFlightCache(size=4)
    calls = 0
    release = threading.Event()

    def failing() -> str:
        nonlocal calls
        calls += 1
        assert release.wait(10)
        raise LookupError("nothing stored for 'me'")

    results = _callers(pool, 5, lambda: cache.get_or_make("progress", failing))
    release.set()
    for result in results:
        with pytest.raises(LookupError, match="nothing stored"):
            result.result(10)
    assert calls == 1
    assert cache.get_or_make("progress", lambda: "made") == "made"
    assert len(cache) == 1


def test_the_oldest_unused_value_goes_first() -> None:
    cache: SingleFlightCache[int] = SingleFlightCache(size=2)
    cache.get_or_make("a", lambda: 1)
    cache.get_or_make("b", lambda: 2)
    cache.get_or_make("a", lambda: -1)  # used: "b" is now the oldest
    cache.get_or_make("c", lambda: 3)
    assert cache.get_or_make("a", lambda: -1) == 1
    assert cache.get_or_make("b", lambda: 20) == 20


def test_caches_can_be_turned_off_for_a_cold_benchmark() -> None:
    cache: SingleFlightCache[int] = SingleFlightCache(size=2)
    made = iter(range(10))
    caching.set_enabled(False)
    try:
        assert [cache.get_or_make("a", lambda: next(made)) for _ in range(3)] == [0, 1, 2]
    finally:
        caching.set_enabled(True)
    assert [cache.get_or_make("a", lambda: next(made)) for _ in range(2)] == [3, 3]
