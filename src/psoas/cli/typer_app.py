"""The Typer app: every command's declaration, parsed and handed to the services.

Start-up matters, so this module imports only typer and the standard library;
each command imports the services and renderers it needs when it runs. The
console script enters through :func:`psoas.cli.main`, which answers a plain
``--help`` from :mod:`psoas.cli.help_pages` (generated from this app) without
importing typer at all.
"""

from __future__ import annotations

import copy
import os
import sys
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from psoas import __version__
from psoas.cli import COMPLETE_VARIABLE, DEFAULT_PERSON
from psoas.errors import PsoasError

__all__ = ["app", "only_the_command", "run"]


class _ReportingGroup(TyperGroup):
    """Turns every :class:`PsoasError` into one line on stderr and its exit code: one place."""

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click.Context
        try:
            return super().invoke(ctx)
        except PsoasError as error:
            from psoas.cli.wording import for_the_command_line

            message = for_the_command_line(error, error.__traceback__)
            print(f"psoas: {message}", file=sys.stderr)
            ctx.exit(error.exit_code)


app = typer.Typer(
    name="psoas",
    cls=_ReportingGroup,
    help="Psoas-release therapy: safety screen, cause profile, an explainable plan, guided "
    "sessions, tracking, reports and reminders. "
    "psoas educates and guides; it does not diagnose.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
library_app = typer.Typer(
    cls=_ReportingGroup,
    help="Browse the knowledge base: anatomy, causes, techniques, tools, safety.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(library_app, name="library")
session_app = typer.Typer(
    cls=_ReportingGroup,
    help="Guided release sessions: preview the timeline, run it hands-free, resume it "
    "after an interruption, and look back at past sessions.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(session_app, name="session")
remind_app = typer.Typer(
    cls=_ReportingGroup,
    help="Reminders for your plan and hourly movement breaks: on its own, shows each when "
    "it is due (leave it running); 'export' writes them to a calendar file.",
    invoke_without_command=True,
    rich_markup_mode=None,
)
app.add_typer(remind_app, name="remind")


class SchemaName(StrEnum):
    """A contract with a published JSON Schema."""

    intake = "intake"
    assessment = "assessment"
    plan = "plan"
    session = "session"
    measures = "measures"
    checkin = "checkin"
    progress = "progress"


class SessionKindName(StrEnum):
    """Who applies the pressure (the values of ``psoas.core.timeline.SessionKind``)."""

    self_release = "self_release"
    manual_release = "manual_release"


class ToolName(StrEnum):
    """A release tool (the values of ``psoas.content.vocabulary.ToolId``)."""

    pso_rite = "pso_rite"
    ql_claw = "ql_claw"
    foam_roller = "foam_roller"
    massage_ball = "massage_ball"


StoredOrFile = Annotated[
    Path | None,
    typer.Argument(
        help="An intake file (psoas.intake/1), JSON or YAML. Without one, your stored answers.",
        show_default=False,
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print the contract JSON instead.")]
BackfillFlag = Annotated[
    bool,
    typer.Option(
        "--backfill",
        help="Confirm a day more than 60 days back or before your first intake "
        "(asked on a terminal).",
    ),
]
PersonOption = Annotated[
    str, typer.Option("--person", help="Whose record this is, on a shared machine.")
]
SaveFlag = Annotated[
    bool, typer.Option("--save/--no-save", help="Keep the intake and result in the local store.")
]


def _session_kind(typed: str) -> str:
    return _named(SessionKindName, typed)


def _tool(typed: str) -> str:
    return _named(ToolName, typed)


def _named(kind: type[StrEnum], typed: str) -> str:
    """A value typed by its id or its name ("foam roller"), any case; else the names allowed."""
    from psoas.content.names import choice_of

    try:
        return choice_of(kind, typed).value
    except ValueError as error:
        raise typer.BadParameter(f"{typed!r}: {error}") from None


KindOption = Annotated[
    str,
    typer.Option(
        "--kind",
        parser=_session_kind,
        metavar="KIND",
        help='"self-release" with your tool, or "manual release" led by a practitioner.',
    ),
]
MinutesOption = Annotated[
    int, typer.Option("--minutes", help="How long the session lasts, 10 to 45 minutes.")
]
ToolOption = Annotated[
    str | None,
    typer.Option(
        "--tool",
        parser=_tool,
        metavar="TOOL",
        help='The release tool, e.g. "foam roller" (default: the one your intake names).',
        show_default=False,
    ),
]
VoiceFlag = Annotated[
    bool,
    typer.Option(
        "--voice/--no-voice", help="Speak the cues (espeak-ng), or ring the bell without it."
    ),
]
PlainFlag = Annotated[
    bool, typer.Option("--plain", help="Print the steps as lines instead of the full screen.")
]
NothingChangedFlag = Annotated[
    bool,
    typer.Option(
        "--nothing-changed",
        help="Confirm that nothing has changed since your safety screen (skips that question).",
    ),
]
RatingsFlag = Annotated[
    bool,
    typer.Option("--ratings/--no-ratings", help="Ask how you feel before and after."),
]


def _version(value: bool) -> None:
    if value:
        print(f"psoas {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Psoas-release therapy from the command line."""


@app.command()
def assess(
    file: StoredOrFile = None,
    json_output: JsonFlag = False,
    person: PersonOption = DEFAULT_PERSON,
    save: SaveFlag = True,
) -> None:
    """Screen an intake for safety and rank what tightens the psoas."""
    from psoas.cli import commands

    commands.assess(file, json_output=json_output, person=person, save=save)


@app.command()
def plan(
    file: StoredOrFile = None,
    json_output: JsonFlag = False,
    person: PersonOption = DEFAULT_PERSON,
    save: SaveFlag = True,
) -> None:
    """Build a personal program from an intake, every item with its reasons."""
    from psoas.cli import commands

    commands.plan(file, json_output=json_output, person=person, save=save)


@app.command()
def intake(
    out: Annotated[
        Path, typer.Option("--out", help="Where to write the intake file (YAML).")
    ] = Path("intake.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    from_last: Annotated[
        bool,
        typer.Option(
            "--from-last",
            help="Start from your stored answers: Enter keeps each, or type a new one.",
        ),
    ] = False,
    person: PersonOption = DEFAULT_PERSON,
    save: SaveFlag = True,
) -> None:
    """Answer the intake questions interactively; writes a file and stores it."""
    from psoas.cli import questionnaire

    questionnaire.run(out=out, force=force, person=person, save=save, from_last=from_last)


@app.command()
def schema(
    name: Annotated[SchemaName, typer.Argument(help="Which contract.", show_default=False)],
) -> None:
    """Print the JSON Schema of a contract."""
    from psoas.cli import commands

    commands.schema(name.value)


@app.command()
def history(
    person: Annotated[
        str | None, typer.Option("--person", help="Only this person's records.")
    ] = None,
    trail: Annotated[
        bool,
        typer.Option(
            "--trail", help="Show the corrections, deletions and undos of a person's records."
        ),
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """List what is stored, each entry with its ID: intakes, assessments, plans, sessions, logs.

    Correct or delete a check-in, measurement or session by its ID with 'psoas correct'
    and 'psoas delete'; 'psoas undo' takes the last change back.
    """
    if trail:
        from psoas.cli import history_commands

        history_commands.trail(person=person or DEFAULT_PERSON, json_output=json_output)
        return
    from psoas.cli import commands

    commands.history(person=person, json_output=json_output)


class ChangeableKind(StrEnum):
    """What ``psoas correct`` and ``psoas delete`` change."""

    check_in = "check-in"
    measurement = "measurement"
    session = "session"


ChangeableKindArgument = Annotated[
    ChangeableKind,
    typer.Argument(help="check-in, measurement or session.", show_default=False),
]
RecordIdArgument = Annotated[
    int,
    typer.Argument(
        help="Its ID, as 'psoas history' shows it.", min=1, max=2**31 - 1, show_default=False
    ),
]
ReasonOption = Annotated[
    str | None,
    typer.Option("--reason", help="Why, kept with the change (optional).", show_default=False),
]


@app.command()
def correct(
    kind: ChangeableKindArgument,
    record_id: RecordIdArgument,
    pain: Annotated[
        int | None,
        typer.Option("--pain", min=0, max=10, help="Low back pain, 0-10.", show_default=False),
    ] = None,
    hip_pain: Annotated[
        int | None,
        typer.Option(min=0, max=10, help="Hip or groin pain, 0-10.", show_default=False),
    ] = None,
    stress: Annotated[
        int | None, typer.Option(min=0, max=10, help="Stress, 0-10.", show_default=False)
    ] = None,
    sitting_hours: Annotated[
        float | None, typer.Option(min=0, max=24, help="Hours sitting.", show_default=False)
    ] = None,
    red_flag: Annotated[
        list[str] | None,
        typer.Option(
            "--red-flag",
            metavar="FLAG",
            help="The warning signs the check-in should hold (repeat for each; replaces them).",
            show_default=False,
        ),
    ] = None,
    no_red_flags: Annotated[
        bool,
        typer.Option(
            "--no-red-flags",
            help="Withdraw every warning sign of the check-in: screens you again without them.",
        ),
    ] = False,
    setting: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="FIELD=VALUE",
            help="Any other field, e.g. --set after.hip_pain=2 for a session (null clears it).",
            show_default=False,
        ),
    ] = None,
    reason: ReasonOption = None,
    person: PersonOption = DEFAULT_PERSON,
    json_output: JsonFlag = False,
) -> None:
    """Correct a check-in, measurement or session by its ID; what it replaced is kept."""
    from psoas.cli import history_commands

    flags = [] if no_red_flags else red_flag
    history_commands.correct(
        kind.value,
        record_id,
        fields={
            "low_back_pain": pain,
            "hip_pain": hip_pain,
            "stress": stress,
            "sitting_hours": sitting_hours,
            "red_flags": flags,
        },
        settings=setting or [],
        reason=reason,
        person=person,
        today=date.today(),
        json_output=json_output,
    )


@app.command()
def delete(
    kind: ChangeableKindArgument,
    record_id: RecordIdArgument,
    reason: ReasonOption = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Delete without asking (needed without a terminal).")
    ] = False,
    person: PersonOption = DEFAULT_PERSON,
    json_output: JsonFlag = False,
) -> None:
    """Delete a check-in, measurement or session by its ID (kept; 'psoas undo' brings it back)."""
    from psoas.cli import history_commands

    history_commands.delete(
        kind.value,
        record_id,
        reason=reason,
        yes=yes,
        person=person,
        today=date.today(),
        json_output=json_output,
    )


@app.command()
def undo(person: PersonOption = DEFAULT_PERSON, json_output: JsonFlag = False) -> None:
    """Undo the last correction or deletion (again: the one before it)."""
    from psoas.cli import history_commands

    history_commands.undo(person=person, today=date.today(), json_output=json_output)


@library_app.command("list")
def library_list(
    section: Annotated[
        str | None,
        typer.Option(
            "--section", help="anatomy, causes, techniques, tools or safety.", show_default=False
        ),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """List the entries of the knowledge base."""
    from psoas.cli import commands

    commands.library_list(section=section, json_output=json_output)


@library_app.command("show")
def library_show(
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="An entry id, e.g. dead_bug.")],
    json_output: JsonFlag = False,
) -> None:
    """Show one entry of the knowledge base in full."""
    from psoas.cli import commands

    commands.library_show(entry_id, json_output=json_output)


@session_app.command("preview")
def session_preview(
    kind: KindOption = "self-release",
    minutes: MinutesOption = 20,
    tool: ToolOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Show the timed steps of a session without starting one."""
    from psoas.cli import session_commands

    session_commands.preview(kind=kind, minutes=minutes, tool=tool, json_output=json_output)


@session_app.command("start")
def session_start(
    kind: KindOption = "self-release",
    minutes: MinutesOption = 20,
    tool: ToolOption = None,
    person: PersonOption = DEFAULT_PERSON,
    voice: VoiceFlag = True,
    plain: PlainFlag = False,
    nothing_changed: NothingChangedFlag = False,
    ratings: RatingsFlag = True,
) -> None:
    """Run a guided release session: spoken cues, a breathing pacer, space to pause.

    Needs a safety screen that allows release (psoas intake, or psoas assess FILE).
    Keys: space pause/resume, n next, b back, q quit (saved; resume carries on).
    """
    from psoas.cli import session_commands

    session_commands.start(
        kind=kind,
        minutes=minutes,
        tool=tool,
        person=person,
        voice=voice,
        plain=plain,
        nothing_changed=nothing_changed,
        ratings=ratings,
    )


@session_app.command("resume")
def session_resume(
    session_id: Annotated[
        int | None,
        typer.Argument(metavar="[ID]", help="Which session (default: your newest unfinished one)."),
    ] = None,
    person: PersonOption = DEFAULT_PERSON,
    voice: VoiceFlag = True,
    plain: PlainFlag = False,
    nothing_changed: NothingChangedFlag = False,
    ratings: RatingsFlag = True,
) -> None:
    """Carry on with an interrupted session at the step and time where it stopped."""
    from psoas.cli import session_commands

    session_commands.resume(
        session_id=session_id,
        person=person,
        voice=voice,
        plain=plain,
        nothing_changed=nothing_changed,
        ratings=ratings,
    )


@session_app.command("list")
def session_list(
    person: Annotated[
        str | None, typer.Option("--person", help="Only this person's sessions.")
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """List stored sessions: when, what, how far, and the change in ratings."""
    from psoas.cli import session_commands

    session_commands.list_sessions(person=person, json_output=json_output)


@session_app.command("show")
def session_show(
    session_id: Annotated[int, typer.Argument(metavar="ID", help="A session id (see list).")],
    json_output: JsonFlag = False,
) -> None:
    """Show one session: ratings before and after, and the time spent in every step."""
    from psoas.cli import session_commands

    session_commands.show(session_id, json_output=json_output)


DocumentFile = Annotated[
    Path | None,
    typer.Option(
        "--file",
        help="A JSON or YAML document, or a list of them, instead of options.",
        show_default=False,
    ),
]


@app.command()
def measure(
    taken_on: Annotated[
        datetime | None,
        typer.Option(
            "--date",
            formats=["%Y-%m-%d"],
            metavar="YYYY-MM-DD",
            help="When measured (default: today).",
            show_default=False,
        ),
    ] = None,
    low_back_pain: Annotated[
        int | None, typer.Option(min=0, max=10, help="Low back pain, 0-10.", show_default=False)
    ] = None,
    hip_pain: Annotated[
        int | None, typer.Option(min=0, max=10, help="Hip or groin pain, 0-10.", show_default=False)
    ] = None,
    thomas_left_hip: Annotated[
        float | None,
        typer.Option(
            min=-45,
            max=60,
            help="Modified Thomas test: left thigh angle above horizontal (deg).",
            show_default=False,
        ),
    ] = None,
    thomas_left_knee: Annotated[
        float | None,
        typer.Option(
            min=0,
            max=150,
            help="Modified Thomas test: left knee flexion (deg).",
            show_default=False,
        ),
    ] = None,
    thomas_left_abduction: Annotated[
        bool | None,
        typer.Option(
            "--thomas-left-abduction/--no-thomas-left-abduction",
            help="Left thigh drifted out to the side.",
            show_default=False,
        ),
    ] = None,
    thomas_right_hip: Annotated[
        float | None,
        typer.Option(
            min=-45,
            max=60,
            help="Modified Thomas test: right thigh angle above horizontal (deg).",
            show_default=False,
        ),
    ] = None,
    thomas_right_knee: Annotated[
        float | None,
        typer.Option(
            min=0,
            max=150,
            help="Modified Thomas test: right knee flexion (deg).",
            show_default=False,
        ),
    ] = None,
    thomas_right_abduction: Annotated[
        bool | None,
        typer.Option(
            "--thomas-right-abduction/--no-thomas-right-abduction",
            help="Right thigh drifted out to the side.",
            show_default=False,
        ),
    ] = None,
    psfs: Annotated[
        list[str] | None,
        typer.Option(
            "--psfs",
            metavar="ACTIVITY=SCORE",
            help="A functional-scale activity and how well you do it, 0-10; give 3 to 5.",
            show_default=False,
        ),
    ] = None,
    stress: Annotated[
        int | None, typer.Option(min=0, max=10, help="Stress, 0-10.", show_default=False)
    ] = None,
    breathing_ease: Annotated[
        int | None,
        typer.Option(
            min=0, max=10, help="Breathing ease, 0 (very hard) to 10.", show_default=False
        ),
    ] = None,
    sitting_hours: Annotated[
        float | None, typer.Option(min=0, max=24, help="Hours sitting a day.", show_default=False)
    ] = None,
    anterior_pelvic_tilt: Annotated[
        bool | None,
        typer.Option(
            "--anterior-pelvic-tilt/--no-anterior-pelvic-tilt",
            help="Pelvis tipped forward.",
            show_default=False,
        ),
    ] = None,
    lumbar_curve: Annotated[
        bool | None,
        typer.Option(
            "--lumbar-curve/--no-lumbar-curve",
            help="Exaggerated low-back curve.",
            show_default=False,
        ),
    ] = None,
    global_change: Annotated[
        int | None,
        typer.Option(
            min=-7,
            max=7,
            help="Global rating of change since you started, -7 to +7.",
            show_default=False,
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option(help="A note to keep with it.", show_default=False)
    ] = None,
    file: DocumentFile = None,
    backfill: BackfillFlag = False,
    person: PersonOption = DEFAULT_PERSON,
    json_output: JsonFlag = False,
) -> None:
    """Record a reassessment: pain, Modified Thomas test, functional scale, stress and more.

    With no measures given, asks for each on a terminal (Enter skips one).
    The Thomas test is a measure to follow over time, not a diagnosis.
    """
    from psoas.cli import tracking_commands

    fields = {
        "taken_on": taken_on.date() if taken_on else None,
        "low_back_pain": low_back_pain,
        "hip_pain": hip_pain,
        "thomas_left_hip": thomas_left_hip,
        "thomas_left_knee": thomas_left_knee,
        "thomas_left_abduction": thomas_left_abduction,
        "thomas_right_hip": thomas_right_hip,
        "thomas_right_knee": thomas_right_knee,
        "thomas_right_abduction": thomas_right_abduction,
        "psfs": psfs,
        "stress": stress,
        "breathing_ease": breathing_ease,
        "sitting_hours": sitting_hours,
        "anterior_pelvic_tilt": anterior_pelvic_tilt,
        "lumbar_curve": lumbar_curve,
        "global_change": global_change,
        "note": note,
    }
    tracking_commands.measure(
        fields,
        file=file,
        person=person,
        today=_today(),
        json_output=json_output,
        backfill=backfill,
    )


@app.command()
def log(
    day: Annotated[
        datetime | None,
        typer.Option(
            "--day",
            formats=["%Y-%m-%d"],
            metavar="YYYY-MM-DD",
            help="Which day (default: today).",
            show_default=False,
        ),
    ] = None,
    pain: Annotated[
        int | None,
        typer.Option(
            "--pain", min=0, max=10, help="Low back pain today, 0-10.", show_default=False
        ),
    ] = None,
    hip_pain: Annotated[
        int | None,
        typer.Option(min=0, max=10, help="Hip or groin pain today, 0-10.", show_default=False),
    ] = None,
    stress: Annotated[
        int | None, typer.Option(min=0, max=10, help="Stress today, 0-10.", show_default=False)
    ] = None,
    sitting_hours: Annotated[
        float | None, typer.Option(min=0, max=24, help="Hours sitting today.", show_default=False)
    ] = None,
    done: Annotated[
        list[str] | None,
        typer.Option(
            "--done",
            metavar="TECHNIQUE",
            help="A plan item done today (repeat for each).",
            show_default=False,
        ),
    ] = None,
    red_flag: Annotated[
        list[str] | None,
        typer.Option(
            "--red-flag",
            metavar="FLAG",
            help="A warning sign new since your screen, e.g. saddle_numbness: screens you again.",
            show_default=False,
        ),
    ] = None,
    problem: Annotated[
        list[str] | None,
        typer.Option(
            "--problem",
            metavar="PROBLEM",
            help="A problem noticed after a release, e.g. blood_in_urine or bruising: pauses "
            "self-release until you answer the safety questions again.",
            show_default=False,
        ),
    ] = None,
    file: DocumentFile = None,
    backfill: BackfillFlag = False,
    person: PersonOption = DEFAULT_PERSON,
    json_output: JsonFlag = False,
) -> None:
    """The daily check-in: pain, stress, sitting hours and what of the plan you did.

    With nothing given, asks on a terminal; it takes under half a minute.
    """
    from psoas.cli import tracking_commands

    fields = {
        "day": day.date() if day else None,
        "low_back_pain": pain,
        "hip_pain": hip_pain,
        "stress": stress,
        "sitting_hours": sitting_hours,
        "done": done or [],
        "red_flags": red_flag or [],
        "adverse_events": problem or [],
    }
    tracking_commands.log(
        fields,
        file=file,
        person=person,
        today=_today(),
        json_output=json_output,
        backfill=backfill,
    )


@app.command()
def progress(
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            formats=["%Y-%m-%d"],
            metavar="YYYY-MM-DD",
            help="List only what came from this date.",
            show_default=False,
        ),
    ] = None,
    charts: Annotated[
        Path | None,
        typer.Option(
            "--charts",
            help="Also write the charts (SVG and PNG) into this folder.",
            show_default=False,
        ),
    ] = None,
    person: PersonOption = DEFAULT_PERSON,
    json_output: JsonFlag = False,
) -> None:
    """Change against baseline and a month ago, adherence, streaks and the effect of sessions."""
    from psoas.cli import tracking_commands

    tracking_commands.progress(
        person=person,
        since=since.date() if since else None,
        today=_today(),
        json_output=json_output,
        charts=charts,
    )


class ReportFormatName(StrEnum):
    """What ``psoas report`` writes (the values of ``psoas.services.reporting.ReportFormat``)."""

    html = "html"
    pdf = "pdf"


@app.command()
def report(
    out: Annotated[
        Path, typer.Option("--out", help="The file to write, e.g. report.pdf.", show_default=False)
    ],
    fmt: Annotated[
        ReportFormatName | None,
        typer.Option(
            "--format", help="html or pdf (default: from the --out suffix).", show_default=False
        ),
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            formats=["%Y-%m-%d"],
            metavar="YYYY-MM-DD",
            help="Show history from this date (the baseline stays the first values).",
            show_default=False,
        ),
    ] = None,
    person: PersonOption = DEFAULT_PERSON,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help="Your name as it should appear on the report (default: none).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a progress report a practitioner can read in two minutes (HTML or PDF).

    Safety status, the plan with its reasons, change against baseline with charts,
    adherence and the session history.
    """
    from psoas.cli import report_commands

    chosen = fmt.value if fmt else out.suffix.lower().lstrip(".")
    if chosen not in ("html", "pdf"):
        raise typer.BadParameter(
            "say --format html or --format pdf (the --out suffix names neither)",
            param_hint="'--format'",
        )
    report_commands.report(
        person=person,
        since=since.date() if since else None,
        fmt=chosen,
        out=out,
        today=_today(),
        name=name,
    )


WorkStart = Annotated[
    str, typer.Option("--work-start", metavar="HH:MM", help="When your working day starts.")
]
WorkEnd = Annotated[
    str, typer.Option("--work-end", metavar="HH:MM", help="When your working day ends.")
]
WorkDays = Annotated[
    str,
    typer.Option(
        "--work-days", help='Working days: mon-fri, weekdays, "monday to friday" or mon,tue,thu.'
    ),
]
PracticeAt = Annotated[
    str,
    typer.Option("--practice-at", metavar="HH:MM", help="When you do the day's program."),
]
TimeZone = Annotated[
    str | None,
    typer.Option(
        "--timezone",
        help="An IANA zone, e.g. Europe/Paris (default: this machine's).",
        show_default=False,
    ),
]


@remind_app.callback()
def remind(
    ctx: typer.Context,
    work_start: WorkStart = "09:00",
    work_end: WorkEnd = "17:00",
    work_days: WorkDays = "mon-fri",
    practice_at: PracticeAt = "18:00",
    timezone: TimeZone = None,
    person: PersonOption = DEFAULT_PERSON,
) -> None:
    """Show each reminder in the terminal (and on the desktop) when it is due, until Ctrl-C."""
    if ctx.invoked_subcommand is not None:
        return
    from psoas.cli import report_commands

    hours = _hours(work_start, work_end, work_days, timezone, practice_at)
    report_commands.remind_loop(person=person, hours=hours)


@remind_app.command("export")
def remind_export(
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="The calendar file to write, e.g. psoas.ics.", show_default=False
        ),
    ],
    work_start: WorkStart = "09:00",
    work_end: WorkEnd = "17:00",
    work_days: WorkDays = "mon-fri",
    practice_at: PracticeAt = "18:00",
    timezone: TimeZone = None,
    person: PersonOption = DEFAULT_PERSON,
) -> None:
    """Write your plan's schedule and hourly movement breaks as iCalendar, each with an alarm."""
    from psoas.cli import report_commands

    hours = _hours(work_start, work_end, work_days, timezone, practice_at)
    report_commands.remind_export(person=person, out=out, hours=hours, today=_today())


def _hours(
    start: str, end: str, days: str, timezone: str | None, practice_at: str
) -> dict[str, Any]:
    """The working-hours options as ``services.reminders.work_hours_given`` takes them."""
    return {
        "start": start,
        "end": end,
        "days": days,
        "timezone": timezone,
        "practice_at": practice_at,
    }


@app.command()
def serve(
    port: Annotated[int, typer.Option(min=1024, max=65535, help="Port to try first.")] = 8000,
    host: Annotated[
        str, typer.Option(help="Loopback address to listen on (personal mode serves only you).")
    ] = "127.0.0.1",
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="Open the page in your browser.")
    ] = True,
) -> None:
    """Run psoas in your browser: intake, plan, spoken guided sessions, tracking, reports."""
    from urllib.parse import urlsplit

    from psoas.settings import load_settings
    from psoas.web.serve import serve as run

    def announce(url: str) -> None:
        chosen = urlsplit(url).port
        if chosen != port:
            print(f"Port {port} is in use by another program, so psoas took {chosen}.")
        print(f"psoas is running at {url}  (Ctrl-C to stop)", flush=True)

    run(load_settings(), host=host, port=port, open_browser=browser, announce=announce)


def _today() -> date:
    return date.today()


def run() -> None:
    """Parse ``sys.argv`` with the Typer app and run the command (exits with its status)."""
    if COMPLETE_VARIABLE in os.environ:
        # add_completion=False keeps --install-completion out of the help, and with it
        # typer's shells; register them so ``_PSOAS_COMPLETE=complete_bash`` still completes.
        from typer._completion_classes import completion_init

        completion_init()
        app()  # completions list every command
        return
    only_the_command(app, sys.argv[1:])()


def only_the_command(typer_app: typer.Typer, args: list[str]) -> typer.Typer:
    """``typer_app`` declaring only the command ``args`` names, and the groups on the way to it.

    Typer turns every declared command into a Click command before it parses
    anything: for ``psoas library list`` that was most of the time Typer took.
    The command that runs, its options and its messages are the same either way;
    whenever ``args`` does not start with a known name (nothing, an option, a
    typo Click would offer a correction for), the whole app answers.
    """
    if not args or args[0].startswith("-"):
        return typer_app
    name = args[0]
    commands = [
        command
        for command in typer_app.registered_commands
        if command.callback is not None
        if (command.name or typer.main.get_command_name(command.callback.__name__)) == name
    ]
    groups = [group for group in typer_app.registered_groups if group.name == name]
    if not commands and not groups:
        return typer_app
    pruned = copy.copy(typer_app)
    pruned.registered_commands = commands
    pruned.registered_groups = []
    for group in groups:
        assert group.typer_instance is not None  # add_typer always gives one
        narrowed = copy.copy(group)
        narrowed.typer_instance = only_the_command(group.typer_instance, args[1:])
        pruned.registered_groups.append(narrowed)
    return pruned
