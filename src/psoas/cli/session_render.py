"""Rich renderings of guided sessions: the timeline, the safety go-ahead, lists and records."""

from __future__ import annotations

from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from psoas.cli.render import LEVEL_COLOUR, console
from psoas.content import load_knowledge_base
from psoas.content.names import name_of
from psoas.content.vocabulary import ToolId
from psoas.content.words import say
from psoas.core.session_events import StepOutcome
from psoas.core.session_records import (
    FELT_LABELS,
    RATING_LABELS,
    Felt,
    SessionRecord,
    SessionStatus,
    SessionSummary,
)
from psoas.core.timeline import SessionKind, Side, Timeline
from psoas.services.sessions import Clearance


def clock(seconds: float) -> str:
    """Seconds as m:ss."""
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def describe(kind: SessionKind, tool: ToolId | None, minutes: int) -> str:
    """E.g. ``Self-release with a Pso-Rite, 20 minutes``."""
    return f"{_release(kind, tool)}, {minutes} minutes"


def _release(kind: SessionKind, tool: ToolId | None) -> str:
    """E.g. ``Self-release with a Pso-Rite`` (the tool named as the knowledge base names it)."""
    if kind is SessionKind.MANUAL_RELEASE:
        return "Manual release led by a practitioner"
    if tool is None:
        return "Self-release with your tool"
    names = {t.id: t.name for t in load_knowledge_base().tools}
    return f"Self-release with a {names[tool]}"


def timeline(plan: Timeline) -> None:
    """Every step with its start, length and cue."""
    table = Table(title=describe(plan.kind, plan.tool, plan.minutes), expand=True, show_lines=True)
    table.add_column("starts", justify="right", no_wrap=True)
    table.add_column("lasts", justify="right", no_wrap=True)
    table.add_column("phase", no_wrap=True)
    table.add_column("step", ratio=1)
    for step in plan.steps:
        words = Text(step.title, style="bold")
        words.append("\n" + step.cue, style="")
        for item in step.checklist:
            words.append(f"\n  [ ] {item}", style="dim")
        if step.breath:
            pace = f"\n  breathe {step.breath.in_seconds:g} s in, {step.breath.out_seconds:g} s out"
            words.append(pace, style="cyan")
        phase = name_of(step.phase)
        table.add_row(clock(step.start), clock(step.duration), phase, words)
    console.print(table)
    for adaptation in plan.adaptations:
        console.print(adaptation, style="yellow")


def clearance(found: Clearance, *, starting: bool) -> None:
    """The screen the session rests on, any cautions, and (when starting) an unfinished one."""
    colour = LEVEL_COLOUR[found.level]
    lines = Text()
    when = found.screened_at.date().isoformat()
    lines.append(f"Safety screen of {when}: {name_of(found.level)}. ", style=f"bold {colour}")
    lines.append("Release sessions are allowed.")
    for caution in found.cautions:
        lines.append(f"\n• {caution.message}")
    lines.append("\n" + say("common.stop_at_once"))
    if starting and found.unfinished is not None:
        lines.append(f"\nYou have an unfinished session ({found.unfinished}); ", style="bold")
        lines.append("this starts a new one. 'psoas session resume' would carry that one on.")
    console.print(Panel(lines, title="Before you start", border_style=colour))


def session_list(found: list[SessionSummary]) -> None:
    """One line per stored session."""
    if not found:
        console.print("No sessions stored yet. Start one with: psoas session start")
        return
    table = Table(expand=True)
    for column in ("id", "person", "started", "session", "status", "steps", "change"):
        table.add_column(column, justify="right" if column == "id" else "left")
    for summary in found:
        table.add_row(
            str(summary.id),
            escape(summary.person),
            summary.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            describe(summary.kind, summary.tool, summary.minutes),
            _status(summary.status),
            f"{summary.steps_done}/{summary.step_count}",
            _change(summary.change),
        )
    console.print(table)


def session_record(record: SessionRecord) -> None:
    """One session in full: ratings before and after, and each step's planned and spent time."""
    started = record.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
    header = Text(f"Session {record.id}", style="bold")
    header.append(f" · {record.person} · {started} · ")
    header.append(describe(record.kind, record.tool, record.minutes))
    header.append(f"\n{_status(record.status)}; ")
    header.append(f"time spent {clock(record.spent_seconds)} of {clock(record.minutes * 60)}")
    console.print(header)
    if record.before or record.after:
        ratings = Table(title="How it felt", expand=False)
        for column in ("", "before", "after", "change"):
            ratings.add_column(column, justify="left" if not column else "right")
        before = record.before.given() if record.before else {}
        after = record.after.given() if record.after else {}
        change = record.change()
        for name, label in RATING_LABELS.items():
            if name in before or name in after:
                ratings.add_row(
                    label,
                    str(before.get(name, "-")),
                    str(after.get(name, "-")),
                    f"{change[name]:+d}" if name in change else "",
                )
        console.print(ratings)
    if record.felt:
        felt = ", ".join(FELT_LABELS[Felt(value)] for value in record.felt)
        console.print(f"Felt: {felt}")
    if record.adverse_events:
        knowledge = load_knowledge_base()
        problems = "; ".join(knowledge.adverse_event(e).label for e in record.adverse_events)
        console.print(f"[bold red]Problems reported:[/] {escape(problems)}")
    steps = Table(expand=True)
    for column in ("#", "phase", "step", "planned", "spent", "outcome"):
        steps.add_column(column, justify="right" if column in ("#", "planned", "spent") else "left")
    for step in record.steps:
        outcome = name_of(step.outcome) if step.outcome else ""
        if record.status is SessionStatus.IN_PROGRESS and step.index == record.step_index:
            outcome = "interrupted here"
        steps.add_row(
            str(step.index + 1),
            name_of(step.phase),
            escape(step.title),
            clock(step.planned_seconds),
            clock(step.spent_seconds) if step.spent_seconds or step.outcome else "",
            outcome,
        )
    console.print(steps)


def before_and_after(record: SessionRecord) -> Panel:
    """The end of a session at a glance: each rating before and after, and what was done."""
    lines = Text()
    before = record.before.given() if record.before else {}
    after = record.after.given() if record.after else {}
    for name, label in RATING_LABELS.items():
        if name in before and name in after:
            change = after[name] - before[name]
            moved = f"{change:+d}" if change else say("looks.session_summary_no_change")
            line = say(
                "looks.session_summary_rating",
                label=label,
                before=before[name],
                after=after[name],
                change=moved,
            )
        elif name in before:
            line = say("looks.session_summary_rating_before_only", label=label, before=before[name])
        elif name in after:
            line = say("looks.session_summary_rating_after_only", label=label, after=after[name])
        else:
            continue
        lines.append(line + "\n", style="bold" if name.endswith("_pain") else "")
    if not before or not after:
        lines.append(say("looks.session_summary_no_ratings") + "\n", style="dim")
    done = [step for step in record.steps if step.outcome is StepOutcome.COMPLETED]
    minutes = max(1, round(record.spent_seconds / 60)) if record.spent_seconds else 0
    lines.append(
        say(
            "looks.session_summary_done",
            what=_release(record.kind, record.tool),
            steps=say("looks.session_summary_steps", done=len(done), count=len(record.steps)),
            sides=_sides({step.side for step in done if step.side is not None}),
            minutes=say("looks.minutes", count=minutes),
        )
    )
    return Panel(lines, title=say("looks.session_summary_title"), title_align="left", expand=False)


def _sides(sides: set[Side]) -> str:
    if sides == {Side.LEFT, Side.RIGHT}:
        return say("looks.side_both")
    if sides:
        return say(f"looks.side_{next(iter(sides)).value}")
    return say("looks.side_none")


def _status(status: SessionStatus) -> str:
    return "completed" if status is SessionStatus.COMPLETED else "unfinished (can be resumed)"


def _change(change: dict[str, int]) -> str:
    return ", ".join(f"{RATING_LABELS[name].lower()} {value:+d}" for name, value in change.items())
