"""The runner on a fake clock: every event on time, pauses and skips honoured, no drift."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psoas.content import load_knowledge_base
from psoas.content.vocabulary import ToolId
from psoas.core.session_events import (
    BACK_RESTARTS_AFTER,
    EventKind,
    Progress,
    RunState,
    SessionEvent,
    StepOutcome,
)
from psoas.core.timeline import Phase, SessionKind, Step, Timeline, build_timeline
from psoas.session.runner import Runner
from tests.clocks import FakeClock

KNOWLEDGE = load_knowledge_base()
START = 1000.0
TIMED = {
    EventKind.STEP_STARTED,
    EventKind.BREATH_IN,
    EventKind.BREATH_OUT,
    EventKind.HALF_WAY,
    EventKind.STEP_ENDED,
}


def _timeline(minutes: int = 30) -> Timeline:
    return build_timeline(
        kind=SessionKind.SELF_RELEASE, minutes=minutes, tool=ToolId.PSO_RITE, knowledge=KNOWLEDGE
    )


def _run(
    timeline: Timeline, clock: FakeClock, progress: Progress | None = None
) -> tuple[Runner, list[SessionEvent]]:
    runner = Runner(timeline, clock, progress=progress)
    events: list[SessionEvent] = []
    runner.subscribe(events.append)
    return runner, events


def _planned_events(step: Step) -> list[tuple[float, EventKind]]:
    """What the contract says happens in a step, in step time: written out independently."""
    planned: list[tuple[float, EventKind]] = [(0.0, EventKind.STEP_STARTED)]
    if step.breath:
        cycle = step.breath.in_seconds + step.breath.out_seconds
        for breath in range(int(step.duration // cycle) + 1):
            if breath * cycle < step.duration:
                planned.append((breath * cycle, EventKind.BREATH_IN))
            if breath * cycle + step.breath.in_seconds < step.duration:
                planned.append((breath * cycle + step.breath.in_seconds, EventKind.BREATH_OUT))
    planned.append((step.duration / 2, EventKind.HALF_WAY))
    planned.append((float(step.duration), EventKind.STEP_ENDED))
    order = [EventKind.STEP_STARTED, EventKind.BREATH_IN, EventKind.BREATH_OUT]
    return sorted(planned, key=lambda e: (e[0], order.index(e[1]) if e[1] in order else 9))


def test_a_30_minute_session_with_pause_resume_and_skip_keeps_every_event_on_time() -> None:
    timeline = _timeline(30)
    clock = FakeClock(START)
    runner, events = _run(timeline, clock)
    # In running (session) time: pause 401.3 s in for 2 minutes; skip 903.7 s in.
    pause_at, pause_for, skip_at = 401.3, 120.0, 903.7
    clock.at(START + pause_at, runner.pause)
    clock.at(START + pause_at + pause_for, runner.resume)
    clock.at(START + skip_at + pause_for, runner.skip)

    wall_started = time.perf_counter()
    assert runner.run() is RunState.FINISHED
    wall = time.perf_counter() - wall_started

    skipped = next(i for i, s in enumerate(timeline.steps) if s.start <= skip_at < s.end)
    cut = timeline.steps[skipped].end - skip_at
    expected: list[tuple[EventKind, int, float, float]] = []
    for index, step in enumerate(timeline.steps):
        for offset, kind in _planned_events(step):
            running = step.start + offset
            if index == skipped and running > skip_at:
                if kind is EventKind.STEP_ENDED:
                    expected.append((kind, index, skip_at - step.start, skip_at))
                continue
            if index > skipped:
                running -= cut
            expected.append((kind, index, offset, running))
    expected = [
        (kind, index, offset, START + running + (pause_for if running > pause_at else 0.0))
        for kind, index, offset, running in expected
    ]

    timed = [e for e in events if e.kind in TIMED]
    assert [(e.kind, e.step_index, e.offset) for e in timed] == [e[:3] for e in expected]
    for event, (_, _, _, when) in zip(timed, expected, strict=True):
        assert event.due == pytest.approx(when, abs=1e-9)
        assert event.at == event.due, "a fake clock is never late"

    kinds = [e.kind for e in events]
    assert kinds[0] is EventKind.SESSION_STARTED and kinds[-1] is EventKind.SESSION_FINISHED
    paused = next(e for e in events if e.kind is EventKind.PAUSED)
    resumed = next(e for e in events if e.kind is EventKind.RESUMED)
    assert (paused.at, resumed.at) == (START + pause_at, START + pause_at + pause_for)
    assert resumed.offset == paused.offset == pytest.approx(pause_at - paused.step.start)
    assert events[-1].at == pytest.approx(START + timeline.total_seconds - cut + pause_for)

    final = events[-1].progress
    assert final is not None and final.finished
    for index, (step, log) in enumerate(zip(timeline.steps, final.steps, strict=True)):
        if index == skipped:
            assert log.outcome is StepOutcome.SKIPPED
            assert log.spent_seconds == pytest.approx(skip_at - step.start)
        else:
            assert log.outcome is StepOutcome.COMPLETED
            assert log.spent_seconds == pytest.approx(step.duration)
    # Not a speed target: a guard that nothing in the runner sleeps on the real clock.
    assert wall < 5.0


def test_checkpoints_come_at_every_step_boundary_and_at_least_every_five_seconds() -> None:
    timeline = _timeline(20)
    runner, events = _run(timeline, FakeClock(START))
    runner.run()
    saved = [e for e in events if e.progress is not None]
    running_times = [timeline.steps[e.step_index].start + e.offset for e in saved]
    assert running_times == sorted(running_times)
    assert max(b - a for a, b in zip(running_times, running_times[1:], strict=False)) <= 5.0
    starts = {timeline.steps[e.step_index].start for e in saved if e.offset == 0}
    assert starts == {step.start for step in timeline.steps}


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32), worst=st.floats(0.001, 0.4))
def test_late_wake_ups_never_add_up(seed: int, worst: float) -> None:
    chance = random.Random(seed)
    timeline = _timeline(10)
    clock = FakeClock(START, late=lambda: chance.uniform(0, worst))
    runner, events = _run(timeline, clock)
    runner.run()
    starts = [e for e in events if e.kind is EventKind.STEP_STARTED]
    assert [e.due for e in starts] == [START + step.start for step in timeline.steps]
    assert max(e.lateness for e in events) <= worst + 1e-9
    finished = events[-1]
    assert finished.due == START + timeline.total_seconds
    assert finished.lateness <= worst + 1e-9


def test_a_stopped_session_resumes_at_the_same_step_with_the_time_left() -> None:
    timeline = _timeline(10)
    clock = FakeClock(START)
    first, first_events = _run(timeline, clock)
    hold = next(i for i, s in enumerate(timeline.steps) if s.placement == 1)
    stop_at = timeline.steps[hold].start + 12.5
    clock.at(START + stop_at, first.stop)
    assert first.run() is RunState.STOPPED
    stopped = first_events[-1]
    assert stopped.kind is EventKind.SESSION_STOPPED and stopped.progress is not None
    assert (stopped.progress.step_index, stopped.progress.step_elapsed) == (hold, 12.5)

    clock = FakeClock(5000.0)
    second, events = _run(timeline, clock, progress=stopped.progress)
    assert second.run() is RunState.FINISHED
    begun = next(e for e in events if e.kind is EventKind.STEP_STARTED)
    assert (begun.step_index, begun.offset, begun.resumed) == (hold, 12.5, True)
    ended = next(e for e in events if e.kind is EventKind.STEP_ENDED)
    assert ended.at == 5000.0 + timeline.steps[hold].duration - 12.5
    final = events[-1].progress
    assert final is not None
    assert [log.spent_seconds for log in final.steps] == [s.duration for s in timeline.steps]
    assert all(log.outcome is StepOutcome.COMPLETED for log in final.steps)


def test_back_restarts_a_step_or_returns_to_the_one_before() -> None:
    timeline = _timeline(10)
    clock = FakeClock(START)
    runner, events = _run(timeline, clock)
    second = timeline.steps[1].start
    clock.at(START + second + BACK_RESTARTS_AFTER + 10, runner.back)  # restart step 2
    clock.at(START + second + BACK_RESTARTS_AFTER + 10 + 2, runner.back)  # back to step 1
    runner.run()
    starts = [(e.step_index, e.at - START) for e in events if e.kind is EventKind.STEP_STARTED]
    restart_at = second + BACK_RESTARTS_AFTER + 10
    assert starts[:5] == [
        (0, 0.0),
        (1, second),
        (1, restart_at),
        (0, restart_at + 2),
        (1, restart_at + 2 + timeline.steps[0].duration),
    ]
    final = events[-1].progress
    assert final is not None
    spent = final.steps
    assert spent[0].spent_seconds == timeline.steps[0].duration * 2
    assert spent[1].spent_seconds == pytest.approx(
        BACK_RESTARTS_AFTER + 10 + 2 + timeline.steps[1].duration
    )


def test_skip_while_paused_moves_on_and_stays_paused() -> None:
    timeline = _timeline(10)
    clock = FakeClock(START)
    runner, events = _run(timeline, clock)
    clock.at(START + 3, runner.pause)
    clock.at(START + 4, runner.skip)
    clock.at(START + 50, runner.resume)
    runner.run()
    started = [e for e in events if e.kind is EventKind.STEP_STARTED]
    assert started[1].step_index == 1 and started[1].at == START + 4
    assert started[2].at == START + 50 + timeline.steps[1].duration
    first = events[-1].progress
    assert first is not None
    assert first.steps[0].spent_seconds == 3 and first.steps[0].outcome is StepOutcome.SKIPPED


def test_breaths_are_paced_only_in_steps_that_have_a_pace() -> None:
    timeline = _timeline(10)
    runner, events = _run(timeline, FakeClock(START))
    runner.run()
    paced = {e.step.phase for e in events if e.kind is EventKind.BREATH_IN}
    assert Phase.PREPARE not in paced and Phase.WARM_UP not in paced
    assert {Phase.BREATHING, Phase.RELEASE, Phase.PIN_AND_STRETCH} <= paced


def test_a_snapshot_shows_the_breath_and_the_time_left() -> None:
    timeline = _timeline(10)
    clock = FakeClock(START)
    runner, _ = _run(timeline, clock)
    breathing = next(i for i, s in enumerate(timeline.steps) if s.phase is Phase.BREATHING)
    seen = []
    clock.at(START + timeline.steps[breathing].start + 12, lambda: seen.append(runner.snapshot()))
    runner.run()
    snap = seen[0]
    assert (snap.state, snap.step_index, snap.step_elapsed) == (RunState.RUNNING, breathing, 12)
    assert snap.step_left == timeline.steps[breathing].duration - 12
    assert snap.breath is not None
    assert snap.breath.direction.value == "in"  # 12 s = one 10 s breath plus 2 s of the next in
    assert snap.breath.fullness == pytest.approx(0.5)
