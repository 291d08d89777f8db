"""How late the runner's cues come on the real clock, next to a naive ``time.sleep`` loop.

    .venv/bin/python benchmarks/cue_timing.py [--seconds 60] [--every 0.25]

Both run for the same time with a cue every ``--every`` seconds, one after the
other in the same process. A third run is the product's own path: a stored
10-minute session through the services, sped up to the same length, with its
checkpoints written to SQLite while the cues play. Lateness is the delivery time minus the time the
cue was due; drift is how late the last cue is against the ideal schedule.
The naive loop sleeps a fixed interval after each cue, so its small delays add
up; the runner waits for absolute deadlines, so they cannot.
Target: p99 lateness at most 2 ms, drift at the end at most 1 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from psoas.core.session_events import EventKind, SessionEvent
from psoas.core.timeline import BreathPattern, Phase, SessionKind, Step, Timeline
from psoas.services import care, sessions
from psoas.session import MonotonicClock, Runner
from psoas.store import open_database

STORED_MINUTES = 10

TARGET_P99_MS = 2.0
TARGET_DRIFT_MS = 1.0
CUES = {EventKind.BREATH_IN, EventKind.BREATH_OUT, EventKind.STEP_ENDED}


@dataclass
class Timing:
    name: str
    lateness_ms: list[float]
    drift_ms: float

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.lateness_ms)
        return ordered[min(int(fraction * len(ordered)), len(ordered) - 1)]


def _timeline(seconds: int, every: float) -> Timeline:
    step = Step(
        phase=Phase.BREATHING,
        side=None,
        start=0,
        duration=seconds,
        cue="Benchmark: a cue at every turn of the breath.",
        title="Cue timing",
        breath=BreathPattern(in_seconds=every, out_seconds=every),
    )
    return Timeline(kind=SessionKind.SELF_RELEASE, minutes=1, total_seconds=seconds, steps=[step])


def measure_runner(seconds: int, every: float) -> Timing:
    runner = Runner(_timeline(seconds, every), MonotonicClock())
    cues: list[SessionEvent] = []
    runner.subscribe(lambda event: cues.append(event) if event.kind in CUES else None)
    runner.run()
    lateness = [(event.at - event.due) * 1000 for event in cues]
    return Timing("runner (absolute deadlines)", lateness, lateness[-1])


def measure_stored_session(seconds: int) -> Timing:
    """A real 10-minute session through the services, checkpointing to SQLite, sped up to last
    ``seconds``; lateness is converted back to real milliseconds."""
    speed = STORED_MINUTES * 60 / seconds
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        example = Path(__file__).resolve().parents[1] / "examples" / "desk-worker.yaml"
        intake = care.read_intake(example)
        care.save_assessment(
            database,
            person="me",
            intake=intake,
            source="benchmark",
            assessment=care.assessment_of(intake),
        )
        guided = sessions.start(
            database,
            person="me",
            kind=SessionKind.SELF_RELEASE,
            minutes=STORED_MINUTES,
            clock=MonotonicClock(speed=speed),
        )
        cues: list[SessionEvent] = []
        guided.subscribe(lambda event: cues.append(event) if event.kind in CUES else None)
        guided.run()
        database.close()
    lateness = [(event.at - event.due) / speed * 1000 for event in cues]
    return Timing(f"session + SQLite, speed {speed:g}", lateness, lateness[-1])


def measure_naive(seconds: int, every: float) -> Timing:
    count = round(seconds / every)
    started = time.monotonic()
    lateness = []
    for number in range(1, count + 1):
        time.sleep(every)
        lateness.append((time.monotonic() - (started + number * every)) * 1000)
    return Timing("naive time.sleep loop", lateness, lateness[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of each run (default 60)")
    parser.add_argument("--every", type=float, default=0.25, help="seconds between cues")
    options = parser.parse_args()
    print(
        f"measuring {options.seconds} s of each, a cue every {options.every * 1000:g} ms ...",
        file=sys.stderr,
    )
    runner = measure_runner(options.seconds, options.every)
    print("  runner done", file=sys.stderr)
    stored = measure_stored_session(options.seconds)
    print("  stored session done", file=sys.stderr)
    naive = measure_naive(options.seconds, options.every)
    print(f"\n{'':30} {'cues':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'drift ms':>9}")
    for timing in (runner, stored, naive):
        print(
            f"{timing.name:30} {len(timing.lateness_ms):5d} {timing.percentile(0.5):8.3f} "
            f"{timing.percentile(0.99):8.3f} {max(timing.lateness_ms):8.3f} "
            f"{timing.drift_ms:9.3f}"
        )
    p99, drift = runner.percentile(0.99), runner.drift_ms
    meets = p99 <= TARGET_P99_MS and abs(drift) <= TARGET_DRIFT_MS
    print(
        f"\nrunner p99 lateness {p99:.3f} ms, drift at the end {drift:.3f} ms: "
        f"{'meets' if meets else 'misses'} the target (p99 <= {TARGET_P99_MS:g} ms, "
        f"drift <= {TARGET_DRIFT_MS:g} ms)."
    )
    naive_drift = naive.drift_ms
    median_ratio = statistics.median(naive.lateness_ms) / max(runner.percentile(0.5), 1e-6)
    print(
        f"naive loop / runner: p99 {naive.percentile(0.99) / max(p99, 1e-6):.1f}x, "
        f"drift at the end {naive_drift / max(abs(drift), 1e-6):.0f}x "
        f"({naive_drift:.1f} ms against {drift:.3f} ms); "
        f"median lateness {median_ratio:.1f}x."
    )


if __name__ == "__main__":
    main()
