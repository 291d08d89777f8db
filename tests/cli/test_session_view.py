"""The full-screen session view, driven by Textual's pilot: pause, next, back, the pacer, quit."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Digits, Static

from psoas.cli.session_view import PACER_WIDTH, SessionView
from psoas.core.intake import parse_intake
from psoas.core.session_events import RunState, StepOutcome
from psoas.core.session_records import SessionStatus
from psoas.core.timeline import SessionKind
from psoas.services import care, sessions
from psoas.store import Database, open_database
from tests.clocks import ManualClock
from tests.factories import intake


@pytest.fixture
def screened(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'view.sqlite3'}")
    parsed = parse_intake(intake(tools=["pso_rite"]))
    assessment = care.assessment_of(parsed)
    care.save_assessment(database, person="me", intake=parsed, source="test", assessment=assessment)
    yield database
    database.close()


def _text(app: SessionView, selector: str) -> str:
    return str(app.query_one(selector, Static).content)


async def _until(pilot: Pilot[SessionStatus], condition: Callable[[], bool]) -> None:
    """Let the view redraw until ``condition`` holds (the runner works on its own thread)."""
    for _ in range(100):
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("the view never got there")


def test_pause_next_back_and_quit_from_the_keyboard(screened: Database) -> None:
    clock = ManualClock()
    guided = sessions.start(
        screened, person="me", kind=SessionKind.SELF_RELEASE, minutes=10, clock=clock
    )
    steps = guided.timeline.steps
    app = SessionView(guided, voice_note="voice off")

    async def drive() -> None:
        async with app.run_test(size=(100, 44)) as pilot:
            snap = guided.snapshot
            await _until(pilot, lambda: snap().state is RunState.RUNNING)
            clock.advance(20)
            await _until(pilot, lambda: app.query_one("#time-left", Digits).value == "0:30")
            assert _text(app, "#title") == "Get ready"
            assert "A firm surface" in _text(app, "#checklist")
            assert _text(app, "#where").startswith("Step 1 of 15 · Prepare")

            await pilot.press("space")
            await _until(pilot, lambda: "PAUSED" in _text(app, "#state"))
            clock.advance(100)
            assert snap().step_elapsed == 20, "time does not pass while paused"
            await pilot.press("space")
            await _until(pilot, lambda: _text(app, "#state") == "")

            await pilot.press("n")
            await _until(pilot, lambda: _text(app, "#title") == "Warm up")
            assert _text(app, "#where").startswith("Step 2 of 15")
            await pilot.press("right")
            await _until(pilot, lambda: _text(app, "#title") == steps[2].title)
            clock.advance(2)  # half-way through a 4-second in-breath
            half = "█" * (PACER_WIDTH // 2)
            await _until(pilot, lambda: _text(app, "#pacer") == half)
            assert _text(app, "#breath") == "Breathe in · 2"
            await pilot.press("b")  # 2 s in: back goes to the step before
            await _until(pilot, lambda: _text(app, "#title") == "Warm up")

            await pilot.press("q")
            await _until(pilot, lambda: app.return_value is not None)

    async def drive_then_stop() -> None:
        try:
            await drive()
        finally:
            guided.stop()  # if an assertion failed mid-way, let the runner's thread end

    asyncio.run(drive_then_stop())
    assert app.return_value is SessionStatus.IN_PROGRESS
    record = sessions.session_record(screened, session_id=guided.id)
    assert (record.status, record.step_index) == (SessionStatus.IN_PROGRESS, 1)
    assert (record.steps[0].outcome, record.steps[0].spent_seconds) == (StepOutcome.SKIPPED, 20)
    assert record.steps[2].spent_seconds == 2
