"""Guided sessions: preview a timeline, start or resume one safely, keep what happened.

Safety first: a release session (by tool or by a practitioner's hands) starts
or resumes only when self-release is allowed today
(:func:`psoas.services.gates.status_in`): the person's newest answers, screened
by today's rules, allow sustained pressure on the belly, nothing has paused it
since (a pain rating too high, a problem in a session), and the answers are no
older than 12 weeks. No screen at all counts as "no". A pain rating of 8 or
more given before a session pauses release there and then.

While a session runs, its runner publishes checkpoints at every step boundary
and every few seconds; :class:`_CheckpointWriter` stores the latest on its own
thread, so a slow disk never makes a cue late, and a crash, a kill or a closed
terminal loses at most those few seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from psoas.content import load_knowledge_base
from psoas.content.vocabulary import SafetyLevel, ToolId
from psoas.core.gates import ReleaseStatus
from psoas.core.planning import tool_preference
from psoas.core.safety import SafetyReason
from psoas.core.session_events import (
    Progress,
    RunState,
    SessionEvent,
    Snapshot,
    StepLog,
    StepOutcome,
)
from psoas.core.session_records import (
    Aftermath,
    Checkpoint,
    Ratings,
    SessionRecord,
    SessionStatus,
    SessionSummary,
    StepRecord,
)
from psoas.core.timeline import SessionKind, Timeline, build_timeline, check_minutes
from psoas.errors import (
    ConflictsWithRecord,
    FieldProblem,
    InvalidDocument,
    SafetyStop,
    StoreError,
    UnknownId,
)
from psoas.services import gates
from psoas.session import Clock, MonotonicClock, Runner
from psoas.session.runner import Subscriber
from psoas.session.voice import BellSpeaker, EspeakSpeaker, Speaker, Voice, find_espeak
from psoas.settings import Settings
from psoas.store import Database
from psoas.store import repository as repo
from psoas.store.tables import AssessmentRow, PersonRow, SessionRow, SessionStepRow

CHECKPOINT_SECONDS = 5.0
"""A session is stored at least this often (in session time) while it runs."""


def preview(*, kind: SessionKind, minutes: int, tool: ToolId | None = None) -> Timeline:
    """The timeline a session of this kind and length would follow."""
    return build_timeline(kind=kind, minutes=minutes, tool=tool, knowledge=load_knowledge_base())


@dataclass(frozen=True)
class Clearance:
    """Why a session may go ahead: the screen it rests on, and the cautions to keep in mind."""

    person: str
    screened_at: datetime
    level: SafetyLevel
    cautions: list[SafetyReason]
    tool: ToolId | None
    unfinished: int | None = None
    """The person's newest session that could still be resumed, if any."""


def clearance(
    database: Database,
    *,
    person: str,
    kind: SessionKind,
    tool: ToolId | None = None,
    today: date | None = None,
) -> Clearance:
    """Check that this person may have a release session now, and with which tool."""
    with database.reading() as session:
        found, _ = _cleared(session, person=person, kind=kind, tool=tool, today=today)
    return found


def start(
    database: Database,
    *,
    person: str,
    kind: SessionKind,
    minutes: int,
    clock: Clock,
    tool: ToolId | None = None,
    before: Ratings | None = None,
) -> GuidedSession:
    """Store a new session and return it ready to run (the safety screen is checked again)."""
    cleared, session_id, timeline = _open(
        database, person=person, kind=kind, minutes=minutes, tool=tool, before=before
    )
    runner = Runner(timeline, clock, checkpoint_every=CHECKPOINT_SECONDS)
    return GuidedSession(database, session_id=session_id, clearance=cleared, runner=runner)


def open_session(
    database: Database,
    *,
    person: str,
    kind: SessionKind,
    minutes: int,
    tool: ToolId | None = None,
    before: Ratings | None = None,
) -> SessionRecord:
    """Store a new session for a face that runs the timeline itself (the browser).

    The same safety gate as :func:`start`; the face then reports its position
    with :func:`save_checkpoint`.
    """
    _, session_id, _ = _open(
        database, person=person, kind=kind, minutes=minutes, tool=tool, before=before
    )
    return session_record(database, session_id=session_id)


def reopen_session(database: Database, *, session_id: int) -> SessionRecord:
    """An unfinished session, after checking that its person's screen still allows it."""
    with database.reading() as session:
        row = _unfinished(session, person="", session_id=session_id)
        kind, tool = SessionKind(row.kind), _tool(row.tool)
        _cleared(session, person=row.person.label, kind=kind, tool=tool, today=None)
    return session_record(database, session_id=session_id)


def save_checkpoint(database: Database, *, session_id: int, checkpoint: Checkpoint) -> None:
    """Store where a face-run session is, as the runner's own checkpoints are stored."""
    with database.reading() as session:
        row = repo.get_session(session, session_id=session_id)
        if row is None:
            raise UnknownId("session", str(session_id))
        if row.status == SessionStatus.COMPLETED.value:
            problem = FieldProblem("session", f"session {session_id} is already complete")
            raise ConflictsWithRecord("checkpoint", [problem])
        timeline = Timeline.model_validate(row.timeline)
    progress = checkpoint.to_progress(timeline, source="checkpoint")
    _store_progress(database, session_id=session_id, timeline=timeline, progress=progress)


def _open(
    database: Database,
    *,
    person: str,
    kind: SessionKind,
    minutes: int,
    tool: ToolId | None,
    before: Ratings | None,
) -> tuple[Clearance, int, Timeline]:
    check_minutes(minutes)
    if before is not None and before.pain():
        _pause_for_pain_before(database, person=person, before=before)
    with database.transaction() as session:  # the gate and the new session, together
        cleared, (person_row, assessment) = _cleared(
            session, person=person, kind=kind, tool=tool, today=None, lock=True
        )
        timeline = build_timeline(
            kind=kind, minutes=minutes, tool=cleared.tool, knowledge=load_knowledge_base()
        )
        row = repo.create_session(
            session,
            person=person_row,
            assessment=assessment,
            kind=kind.value,
            tool=cleared.tool.value if cleared.tool else None,
            minutes=minutes,
            timeline=timeline.to_document(),
            status=SessionStatus.IN_PROGRESS.value,
            before=before.given() if before else None,
        )
        return cleared, row.id, timeline


def resume(
    database: Database, *, person: str, clock: Clock, session_id: int | None = None
) -> GuidedSession:
    """Continue an interrupted session (the person's newest, or ``session_id``) where it was."""
    with database.reading() as session:
        row = _unfinished(session, person=person, session_id=session_id)
        kind = SessionKind(row.kind)
        cleared, _ = _cleared(
            session, person=row.person.label, kind=kind, tool=_tool(row.tool), today=None
        )
        timeline = Timeline.model_validate(row.timeline)
        progress = _progress_of(row, timeline, repo.steps_of(session, session_id=row.id))
        found_id = row.id
    runner = Runner(timeline, clock, progress=progress, checkpoint_every=CHECKPOINT_SECONDS)
    return GuidedSession(database, session_id=found_id, clearance=cleared, runner=runner)


def record_aftermath(
    database: Database, *, session_id: int, aftermath: Aftermath, today: date | None = None
) -> ReleaseStatus:
    """Keep the ratings after a session, what was felt and what went wrong.

    Anything that went wrong pauses self-release until the safety questions are
    answered again, and so does a pain rating of 8 or more; both are stored in the
    same transaction. Returns the release status that results.

    A session deleted from the history while it ran still takes the report's pauses (a
    pulse felt under the tool must pause release whatever the history shows); the
    deleted record itself is left as it was deleted.
    """
    today = today or date.today()
    with database.transaction() as session:
        row = repo.lock_session(session, session_id=session_id, deleted_too=True)
        if row is None:
            raise UnknownId("session", str(session_id))
        references = gates.pain_references(session, row.person)
        if row.deleted_at is None:
            kept = list(row.adverse_events or [])  # a second report adds, never erases
            events = kept + [e.value for e in aftermath.adverse_events if e.value not in kept]
            repo.set_aftermath(
                session,
                session_id=session_id,
                after=aftermath.ratings.given() or row.after,
                felt=[felt.value for felt in aftermath.felt] or row.felt,
                adverse_events=events or None,
            )
        gates.pause_for_adverse_events(
            session, row.person, aftermath.adverse_events, session_id=session_id
        )
        gates.pause_for_pain(
            session,
            row.person,
            [(today, aftermath.ratings.pain())],
            references=references,
            rises_count=False,  # some soreness after a release is expected
        )
        return gates.status_in(session, row.person, today)


def _pause_for_pain_before(database: Database, *, person: str, before: Ratings) -> None:
    """Pain before a session pauses release as a check-in's would (kept though refused)."""
    today = date.today()
    with database.transaction() as session:
        person_row = repo.lock_existing_person(session, label=person)
        if person_row is not None:
            gates.pause_for_pain(
                session,
                person_row,
                [(today, before.pain())],
                references=gates.pain_references(session, person_row),
            )


def session_record(database: Database, *, session_id: int) -> SessionRecord:
    """One stored session, whole."""
    with database.reading() as session:
        row = repo.get_session(session, session_id=session_id)
        if row is None:
            raise UnknownId("session", str(session_id))
        return _record(row, repo.steps_of(session, session_id=row.id))


def list_sessions(
    database: Database, *, person: str | None = None, newest: int | None = None
) -> list[SessionSummary]:
    """Every stored session (or one person's; or only the ``newest`` few), oldest first."""
    with database.reading() as session:
        person_id = None
        if person is not None:
            person_row = repo.find_person(session, label=person)
            if person_row is None:
                raise UnknownId("person", person)
            person_id = person_row.id
        rows = repo.sessions_of(session, person_id=person_id, newest=newest)
        steps = repo.steps_of_sessions(session, session_ids=[row.id for row in rows])
        return [_record(row, steps.get(row.id, [])).summary() for row in rows]


def clock_for(settings: Settings) -> Clock:
    """The real clock, sped up only when ``PSOAS_SESSION_SPEED`` says so (tests, demos)."""
    return MonotonicClock(speed=settings.session_speed)


@dataclass(frozen=True)
class VoiceChoice:
    """The voice a face should subscribe, and how to tell the person which one it is."""

    voice: Voice | None
    description: str


def voice_for(*, enabled: bool, ring: Callable[[], None]) -> VoiceChoice:
    """espeak-ng when installed, the terminal bell (``ring``) when not, nothing when disabled."""
    if not enabled:
        return VoiceChoice(None, "voice off")
    spoken = load_knowledge_base().session.spoken
    espeak = find_espeak()
    if espeak is not None:
        return VoiceChoice(Voice(EspeakSpeaker(espeak), spoken), "spoken cues by espeak-ng")
    speaker: Speaker = BellSpeaker(ring)
    return VoiceChoice(
        Voice(speaker, spoken),
        "espeak-ng is not installed, so a bell marks each new step "
        "(sudo apt install espeak-ng for spoken cues)",
    )


class GuidedSession:
    """A stored session with its runner: the controls a face needs, and :meth:`run`."""

    def __init__(
        self, database: Database, *, session_id: int, clearance: Clearance, runner: Runner
    ) -> None:
        self.id = session_id
        self.person = clearance.person
        self.clearance = clearance
        """The safety screen this run rests on, checked when it was started or resumed."""
        self.timeline = runner.timeline
        self._database = database
        self._runner = runner
        self._writer = _CheckpointWriter(database, session_id, runner.timeline)
        runner.subscribe(self._writer.on_event)

    def subscribe(self, subscriber: Subscriber) -> None:
        """Receive every event of the run (called on the runner's thread: keep it quick)."""
        self._runner.subscribe(subscriber)

    def run(self) -> SessionStatus:
        """Run to the end or until stopped (blocks); every checkpoint is stored on the way."""
        self._writer.start()
        try:
            state = self._runner.run()
        finally:
            self._writer.close()
        if self._writer.error is not None:
            raise self._writer.error
        return SessionStatus.COMPLETED if state is RunState.FINISHED else SessionStatus.IN_PROGRESS

    def snapshot(self) -> Snapshot:
        return self._runner.snapshot()

    def keep_aftermath(self, aftermath: Aftermath) -> tuple[SessionRecord, ReleaseStatus]:
        """Store the ratings after the session, what was felt and what went wrong.

        Returns the whole record, and whether release may go on after it.
        """
        status = record_aftermath(self._database, session_id=self.id, aftermath=aftermath)
        return session_record(self._database, session_id=self.id), status

    def pause(self) -> None:
        self._runner.pause()

    def resume(self) -> None:
        self._runner.resume()

    def toggle_pause(self) -> None:
        self._runner.toggle_pause()

    def skip(self) -> None:
        self._runner.skip()

    def back(self) -> None:
        self._runner.back()

    def stop(self) -> None:
        """Stop for now; the session stays resumable from here."""
        self._runner.stop()


class _CheckpointWriter:
    """Stores the newest progress on its own thread; older ones not yet written are superseded."""

    def __init__(self, database: Database, session_id: int, timeline: Timeline) -> None:
        self.database = database
        self.session_id = session_id
        self.timeline = timeline
        self.error: StoreError | None = None
        self._latest: Progress | None = None
        self._closed = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._write_latest, name="psoas-checkpoints")

    def start(self) -> None:
        self._thread.start()

    def on_event(self, event: SessionEvent) -> None:
        if event.progress is not None:
            with self._changed:
                self._latest = event.progress
                self._changed.notify()

    def close(self) -> None:
        """Write what is still waiting, then stop."""
        with self._changed:
            self._closed = True
            self._changed.notify()
        self._thread.join()

    def _write_latest(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._latest is not None or self._closed)
                progress, self._latest = self._latest, None
                closed = self._closed
            if progress is not None:
                self._save(progress)
            if closed and progress is None:
                return

    def _save(self, progress: Progress) -> None:
        try:
            _store_progress(
                self.database, session_id=self.session_id, timeline=self.timeline, progress=progress
            )
        except StoreError as error:  # keep guiding; report when the session ends
            self.error = self.error or error


def _store_progress(
    database: Database, *, session_id: int, timeline: Timeline, progress: Progress
) -> None:
    """Store a position and every step touched so far (rows updated, never duplicated)."""
    entries = [
        repo.StepEntry(
            index=index,
            phase=step.phase.value,
            side=step.side.value if step.side else None,
            planned_seconds=step.duration,
            spent_seconds=round(log.spent_seconds, 3),
            outcome=log.outcome.value if log.outcome else None,
        )
        for index, (step, log) in enumerate(zip(timeline.steps, progress.steps, strict=True))
        if log.spent_seconds > 0 or log.outcome is not None or index == progress.step_index
    ]
    status = SessionStatus.COMPLETED if progress.finished else SessionStatus.IN_PROGRESS
    with database.transaction() as session:
        if repo.lock_session(session, session_id=session_id) is None:
            raise UnknownId("session", str(session_id))
        repo.save_progress(
            session,
            session_id=session_id,
            status=status.value,
            step_index=progress.step_index,
            step_elapsed=round(progress.step_elapsed, 3),
            steps=entries,
            finished=progress.finished,
        )


def _cleared(
    session: Session,
    *,
    person: str,
    kind: SessionKind,
    tool: ToolId | None,
    today: date | None,
    lock: bool = False,
) -> tuple[Clearance, tuple[PersonRow, AssessmentRow]]:
    """The gate; with ``lock``, inside a write that the person's other writes wait for."""
    find = repo.lock_existing_person if lock else repo.find_person
    person_row = find(session, label=person)
    current = gates.current_screen(session, person_row) if person_row else None
    if person_row is None or current is None:
        raise SafetyStop(load_knowledge_base().gates.no_screen)
    assessment_row, assessment, intake = current
    status = gates.status_in(session, person_row, today or date.today())
    if not status.allowed:
        raise SafetyStop(" ".join(hold.message for hold in status.holds))
    safety = assessment.safety
    chosen = tool
    if kind is SessionKind.SELF_RELEASE and chosen is None:
        owned = intake.owned_tools()
        chosen = next((tool for tool in tool_preference(safety) if tool in owned), None)
        if chosen is None:
            problem = FieldProblem(
                "tool",
                "no release tool is on record for you; name the one you will use",
            )
            raise ConflictsWithRecord("the session", [problem])
    if kind is SessionKind.MANUAL_RELEASE:
        chosen = None
    cautions = [reason for reason in safety.reasons if reason.level is SafetyLevel.CAUTION]
    unfinished = repo.latest_unfinished_session(
        session, person_id=person_row.id, status=SessionStatus.IN_PROGRESS.value
    )
    found = Clearance(
        person,
        status.screened_at or assessment_row.created_at,
        safety.level,
        cautions,
        chosen,
        unfinished.id if unfinished else None,
    )
    return found, (person_row, assessment_row)


def _unfinished(session: Session, *, person: str, session_id: int | None) -> SessionRow:
    if session_id is not None:
        row = repo.get_session(session, session_id=session_id)
        if row is None:
            raise UnknownId("session", str(session_id))
        if row.status == SessionStatus.COMPLETED.value:
            problem = FieldProblem("ID", f"session {session_id} is already complete")
            raise ConflictsWithRecord("psoas session resume", [problem])
        return row
    person_row = repo.find_person(session, label=person)
    row = None
    if person_row is not None:
        row = repo.latest_unfinished_session(
            session, person_id=person_row.id, status=SessionStatus.IN_PROGRESS.value
        )
    if row is None:
        problem = FieldProblem("person", f"{person!r} has no unfinished session to resume")
        raise InvalidDocument("psoas session resume", [problem])
    return row


def _progress_of(row: SessionRow, timeline: Timeline, step_rows: list[SessionStepRow]) -> Progress:
    logs = [StepLog()] * len(timeline.steps)
    for step_row in step_rows:
        outcome = StepOutcome(step_row.outcome) if step_row.outcome else None
        logs[step_row.step_index] = StepLog(step_row.spent_seconds, outcome)
    return Progress(step_index=row.step_index, step_elapsed=row.step_elapsed, steps=tuple(logs))


def _record(row: SessionRow, step_rows: list[SessionStepRow]) -> SessionRecord:
    timeline = Timeline.model_validate(row.timeline)
    progress = _progress_of(row, timeline, step_rows)
    steps = [
        StepRecord(
            index=index,
            phase=step.phase,
            side=step.side,
            title=step.title,
            planned_seconds=step.duration,
            spent_seconds=progress.steps[index].spent_seconds,
            outcome=progress.steps[index].outcome,
        )
        for index, step in enumerate(timeline.steps)
    ]
    return SessionRecord(
        id=row.id,
        person=row.person.label,
        kind=SessionKind(row.kind),
        tool=_tool(row.tool),
        minutes=row.minutes,
        status=SessionStatus(row.status),
        safety_level=SafetyLevel(row.safety_level),
        started_at=row.started_at,
        updated_at=row.updated_at,
        finished_at=row.finished_at,
        step_index=row.step_index,
        step_elapsed=row.step_elapsed,
        before=Ratings.model_validate(row.before) if row.before is not None else None,
        after=Ratings.model_validate(row.after) if row.after is not None else None,
        felt=list(row.felt or []),
        adverse_events=list(row.adverse_events or []),
        steps=steps,
        timeline=timeline,
    )


def _tool(value: str | None) -> ToolId | None:
    return ToolId(value) if value else None
