"""The full-screen terminal session: the cue in large, a breathing pacer, progress and keys.

The runner drives the session on a worker thread; this view only reads
snapshots ten times a second and turns key presses into commands, so a slow
terminal can never make a cue late. Quitting stops the session where it is,
saved, so ``psoas session resume`` carries on from there.
"""

from __future__ import annotations

import asyncio
import math
import signal

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Digits, Footer, Label, ProgressBar, Static

from psoas.cli.session_render import clock, describe
from psoas.content.names import name_of
from psoas.core.session_events import BreathDirection, RunState, Snapshot
from psoas.core.session_records import SessionStatus
from psoas.services.sessions import GuidedSession

PACER_WIDTH = 40
"""Cells of the breathing bar at a full breath."""
REFRESH_SECONDS = 0.1
_STATICS = ("where", "title", "cue", "checklist", "pacer", "breath", "session-left", "state")
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
"""A kill or a closed terminal stops the session where it is, saved, like the quit key."""


class SessionView(App[SessionStatus]):
    """Runs one guided session full screen; the result is how it ended."""

    TITLE = "psoas"
    CSS = """
    Screen { align: center middle; }
    #body { width: 100%; max-width: 100; height: auto; padding: 0 2; }
    #where { color: $text-muted; }
    .adaptation { color: $warning; }
    #title { text-style: bold; color: $accent; margin-top: 1; }
    #cue { text-style: bold; margin: 1 0; }
    #checklist { color: $text-muted; }
    #pacer { width: 100%; content-align: center middle; color: $success; margin-top: 1; }
    #breath { width: 100%; content-align: center middle; }
    #time-row { height: 3; align: center middle; margin: 1 0; }
    #time-left { width: auto; }
    #time-label { padding: 1 2; color: $text-muted; }
    .bar-row { height: 1; }
    .bar-label { width: 16; }
    #state { text-style: bold reverse; color: $warning; width: 100%; content-align: center middle; }
    """
    BINDINGS = [
        Binding("space", "toggle_pause", "Pause / resume"),
        Binding("n,right", "next_step", "Next"),
        Binding("b,left", "previous_step", "Back"),
        Binding("q", "quit_session", "Quit (saved)"),
        Binding("ctrl+c", "quit_session", "Quit (saved)", show=False, priority=True),
    ]

    class Ring(Message):
        """The bell fallback: ring once (posted from the runner's thread)."""

    def __init__(self, guided: GuidedSession, *, voice_note: str = "") -> None:
        super().__init__()
        self.guided = guided
        self.voice_note = voice_note
        self.error: Exception | None = None
        """What stopped the session, if anything did; the command raises it."""
        self.rings = 0
        self._shown_step = -1

    def compose(self) -> ComposeResult:
        plan = self.guided.timeline
        with Vertical(id="body"):
            yield Static(describe(plan.kind, plan.tool, plan.minutes), id="heading")
            for adaptation in plan.adaptations:
                yield Static(adaptation, classes="adaptation")
            yield Static("", id="where")
            yield Static("", id="title")
            yield Static("", id="cue")
            yield Static("", id="checklist")
            yield Static("", id="pacer")
            yield Static("", id="breath")
            with Horizontal(id="time-row"):
                yield Digits("0:00", id="time-left")
                yield Label("left in this step", id="time-label")
            with Horizontal(classes="bar-row"):
                yield Label("This step", classes="bar-label")
                yield ProgressBar(id="step-bar", show_eta=False)
            with Horizontal(classes="bar-row"):
                yield Label("Whole session", classes="bar-label")
                yield ProgressBar(id="session-bar", show_eta=False)
            yield Static("", id="session-left")
            yield Static("", id="state")
            yield Static(self.voice_note, id="voice")
        yield Footer()

    def on_mount(self) -> None:
        # Held once: a redraw that comes while the view closes must not look them up again.
        self._statics = {name: self.query_one(f"#{name}", Static) for name in _STATICS}
        self._time_left = self.query_one("#time-left", Digits)
        self._step_bar = self.query_one("#step-bar", ProgressBar)
        self._session_bar = self.query_one("#session-bar", ProgressBar)
        self.run_worker(self._drive, thread=True, exit_on_error=False, name="runner")
        self._timer = self.set_interval(REFRESH_SECONDS, self._draw)
        loop = asyncio.get_running_loop()
        for number in _STOP_SIGNALS:
            loop.add_signal_handler(number, self.action_quit_session)
        self._draw()

    def on_unmount(self) -> None:
        self._timer.stop()
        loop = asyncio.get_running_loop()
        for number in _STOP_SIGNALS:
            loop.remove_signal_handler(number)

    def ring(self) -> None:
        """Thread-safe: ask the view to ring the terminal bell."""
        self.post_message(self.Ring())

    def on_session_view_ring(self, _message: Ring) -> None:
        self.rings += 1
        self.bell()

    def _drive(self) -> None:
        """On the worker thread: run the session, then close the view with how it ended.

        Whatever goes wrong is kept for the command to report once the screen is back
        to normal; the last checkpoint stays in the store, so the session can resume.
        """
        try:
            status = self.guided.run()
        except Exception as error:  # reported by the command after the view
            self.error = error
            status = SessionStatus.IN_PROGRESS
        self.call_from_thread(self.exit, status)

    def _draw(self) -> None:
        snap = self.guided.snapshot()
        if snap.step_index != self._shown_step:
            self._show_step(snap)
        self._time_left.update(clock(math.ceil(snap.step_left)))
        self._step_bar.update(total=snap.step.duration, progress=snap.step_elapsed)
        self._session_bar.update(total=snap.total_seconds, progress=snap.session_elapsed)
        self._statics["session-left"].update(
            f"{clock(snap.session_left)} left of {clock(snap.total_seconds)}"
        )
        self._draw_breath(snap)
        state = {
            RunState.PAUSED: "PAUSED · press space to carry on",
            RunState.STOPPED: "Stopped · saved; psoas session resume carries on",
            RunState.FINISHED: "Session complete",
        }.get(snap.state, "")
        self._statics["state"].update(state)

    def _show_step(self, snap: Snapshot) -> None:
        step = snap.step
        self._shown_step = snap.step_index
        where = f"Step {snap.step_index + 1} of {snap.step_count} · {name_of(step.phase)}"
        if step.side:
            where += f" · {name_of(step.side)} side"
        self._statics["where"].update(where)
        self._statics["title"].update(step.title)
        self._statics["cue"].update(step.cue)
        checklist = "\n".join(f"[ ] {item}" for item in step.checklist)
        self._statics["checklist"].update(checklist)

    def _draw_breath(self, snap: Snapshot) -> None:
        breath = snap.breath
        if breath is None:
            self._statics["pacer"].update("")
            self._statics["breath"].update("")
            return
        cells = max(1, round(breath.fullness * PACER_WIDTH))
        self._statics["pacer"].update("█" * cells)
        word = "Breathe in" if breath.direction is BreathDirection.IN else "Breathe out"
        self._statics["breath"].update(f"{word} · {math.ceil(breath.seconds_left)}")

    def action_toggle_pause(self) -> None:
        self.guided.toggle_pause()
        self._draw()

    def action_next_step(self) -> None:
        self.guided.skip()
        self._draw()

    def action_previous_step(self) -> None:
        self.guided.back()
        self._draw()

    def action_quit_session(self) -> None:
        """Stop where we are (saved); the worker then closes the view."""
        self.guided.stop()
        self._draw()
