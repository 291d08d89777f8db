"""What each ``psoas session`` command does once parsed: call the services, then render.

A session runs full screen when both ends of the terminal are a terminal, and
as plain lines otherwise (or with ``--plain``). Either way the session is
stored as it goes, so leaving it early loses nothing.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from psoas.cli import DEFAULT_PERSON, render, session_render
from psoas.cli.commands import print_json
from psoas.cli.render import console
from psoas.cli.session_prompts import SessionPrompts
from psoas.content import load_knowledge_base
from psoas.content.vocabulary import SafetyLevel, ToolId
from psoas.core.gates import ReleaseStatus
from psoas.core.session_records import (
    PAIN_UP_ADVICE,
    PAIN_UP_POINTS,
    RATING_LABELS,
    SessionRecord,
    SessionStatus,
)
from psoas.core.timeline import SessionKind, check_minutes
from psoas.errors import InputError, SafetyStop
from psoas.services import care, gates, sessions
from psoas.services.storage import Database, store
from psoas.settings import load_settings


def preview(*, kind: str, minutes: int, tool: str | None, json_output: bool) -> None:
    """``psoas session preview``."""
    timeline = sessions.preview(
        kind=SessionKind(kind), minutes=minutes, tool=ToolId(tool) if tool else None
    )
    if json_output:
        print_json(timeline.to_document())
    else:
        session_render.timeline(timeline)


def start(
    *,
    kind: str,
    minutes: int,
    tool: str | None,
    person: str,
    voice: bool,
    plain: bool,
    nothing_changed: bool,
    ratings: bool,
) -> None:
    """``psoas session start``."""
    person = care.check_person_label(person)
    check_minutes(minutes)
    session_kind = SessionKind(kind)
    settings = load_settings()
    prompts = SessionPrompts(console, stopped="stopped before the session began; nothing started")
    with store(settings) as database, _how_to_lift():
        found = sessions.clearance(
            database, person=person, kind=session_kind, tool=ToolId(tool) if tool else None
        )
        session_render.clearance(found, starting=True)
        if not nothing_changed:
            _confirm_nothing_changed(prompts, found, database, person)
        before = prompts.ratings("How do you feel before you start?") if ratings else None
        guided = sessions.start(
            database,
            person=person,
            kind=session_kind,
            minutes=minutes,
            tool=found.tool,
            before=before,
            clock=sessions.clock_for(settings),
        )
        _guide(guided, voice=voice, plain=plain, ratings=ratings)


def _confirm_nothing_changed(
    prompts: SessionPrompts, found: sessions.Clearance, database: Database, person: str
) -> None:
    """Ask whether anything changed; a yes pauses release until the questions are answered."""
    try:
        prompts.confirm_nothing_changed(found)
    except SafetyStop:
        gates.report_change(database, person=person, day=date.today())
        raise


@contextmanager
def _how_to_lift() -> Iterator[None]:
    """A safety stop from the gate, with what to do about it in this face's words."""
    try:
        yield
    except SafetyStop as stop:
        hint = load_knowledge_base().gates.answer_again_terminal
        raise SafetyStop(f"{stop.message}\n{hint}") from None


def resume(
    *,
    session_id: int | None,
    person: str,
    voice: bool,
    plain: bool,
    nothing_changed: bool,
    ratings: bool,
) -> None:
    """``psoas session resume``."""
    person = care.check_person_label(person)
    settings = load_settings()
    prompts = SessionPrompts(console, stopped="stopped before the session carried on; it is saved")
    with store(settings) as database, _how_to_lift():
        guided = sessions.resume(
            database, person=person, session_id=session_id, clock=sessions.clock_for(settings)
        )
        session_render.clearance(guided.clearance, starting=False)
        if not nothing_changed:
            _confirm_nothing_changed(prompts, guided.clearance, database, person)
        _guide(guided, voice=voice, plain=plain, ratings=ratings)


def list_sessions(*, person: str | None, json_output: bool) -> None:
    """``psoas session list``."""
    with store(load_settings()) as database:
        found = sessions.list_sessions(database, person=person)
    if json_output:
        print_json([summary.model_dump(mode="json") for summary in found])
    else:
        session_render.session_list(found)


def show(session_id: int, *, json_output: bool) -> None:
    """``psoas session show``."""
    with store(load_settings()) as database:
        record = sessions.session_record(database, session_id=session_id)
    if json_output:
        print_json(record.to_document())
    else:
        session_render.session_record(record)


def _guide(guided: sessions.GuidedSession, *, voice: bool, plain: bool, ratings: bool) -> None:
    """Run the session in the right view, then ask how it went (or say how to carry on)."""
    full_screen = not plain and sys.stdin.isatty() and sys.stdout.isatty()
    if full_screen:
        from psoas.cli.session_view import SessionView

        view = SessionView(guided)
        choice = sessions.voice_for(enabled=voice, ring=view.ring)
        view.voice_note = choice.description
        if choice.voice:
            guided.subscribe(choice.voice)
        status = view.run() or SessionStatus.IN_PROGRESS
        if view.error is not None:
            raise view.error
    else:
        from psoas.cli.session_plain import PlainView

        choice = sessions.voice_for(enabled=voice, ring=_ring)
        if choice.voice:
            guided.subscribe(choice.voice)
        console.print(
            f"Session {guided.id}: "
            + session_render.describe(
                guided.timeline.kind, guided.timeline.tool, guided.timeline.minutes
            )
            + f". {choice.description}. Ctrl-C stops and saves.",
            style="dim",
        )
        for adaptation in guided.timeline.adaptations:
            console.print(adaptation, style="yellow")
        status = PlainView(guided).run()
    if status is SessionStatus.COMPLETED:
        _completed(guided, ratings=ratings)
    else:
        _stopped(guided)
    if choice.voice:
        choice.voice.close(drain=status is SessionStatus.COMPLETED)


def _completed(guided: sessions.GuidedSession, *, ratings: bool) -> None:
    console.print(f"\nSession {guided.id} is complete. Well done.", style="bold green")
    prompts = SessionPrompts(console, stopped="the session is saved; no ratings were kept")
    if ratings:
        aftermath = prompts.aftermath()
    else:
        try:
            aftermath = prompts.problems_only()
        except InputError:  # no one at the keyboard (hands-free): nothing to report
            console.print(f"See it again with: psoas session show {guided.id}")
            return
    record, status = guided.keep_aftermath(aftermath)
    console.print(session_render.before_and_after(record))
    _tell_what_went_wrong(record, status)
    for name, change in record.change().items():
        if name in ("low_back_pain", "hip_pain") and change >= PAIN_UP_POINTS:
            console.print(
                f"Your {RATING_LABELS[name].lower()} is {change} points higher than before. "
                + PAIN_UP_ADVICE,
                style="yellow",
            )
    console.print(f"See it again with: psoas session show {guided.id}")


def _tell_what_went_wrong(record: SessionRecord, status: ReleaseStatus) -> None:
    """Each problem reported, in words, and why release is now paused."""
    knowledge = load_knowledge_base()
    for event in record.adverse_events:
        info = knowledge.adverse_event(event)
        style = "bold red" if info.level is SafetyLevel.URGENT else "yellow"
        console.print(info.message, style=style)
    if not status.allowed:
        console.print(render.release_status(status))


def _stopped(guided: sessions.GuidedSession) -> None:
    prompts = SessionPrompts(console, stopped="the session is saved")
    try:
        problems = prompts.problems_only()
    except InputError:
        problems = None  # input closed: nothing to add; the session itself is saved
    if problems is not None and problems.adverse_events:
        record, status = guided.keep_aftermath(problems)
        _tell_what_went_wrong(record, status)
        if not status.allowed:
            return  # no "carry on": the session stays saved, and release is paused
    snap = guided.snapshot()
    console.print(
        f"\nStopped at step {snap.step_index + 1} of {snap.step_count} ({snap.step.title}), "
        f"{session_render.clock(snap.step_left)} before its end. Your progress is saved.",
        style="bold",
    )
    again = "" if guided.person == DEFAULT_PERSON else f" --person {shlex.quote(guided.person)}"
    console.print(f"Carry on with: psoas session resume{again}")


def _ring() -> None:
    sys.stdout.write("\a")
    sys.stdout.flush()
