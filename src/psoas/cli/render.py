"""Rich renderings of assessments, plans, history and the knowledge base for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from psoas.content import load_knowledge_base
from psoas.content.names import listed_name, name_of, names_of, reason_name
from psoas.content.vocabulary import SafetyLevel
from psoas.content.words import say

# Types for annotations only: ``psoas library list`` loads neither the domain core
# nor the knowledge base's models (the functions that need a model import it).
if TYPE_CHECKING:
    from collections.abc import Iterable

    from psoas.content import Listed
    from psoas.content.models import Technique
    from psoas.core.assessment import Assessment
    from psoas.core.factors import Factor
    from psoas.core.gates import ReleaseStatus
    from psoas.core.planning import Plan, PlanItem
    from psoas.core.records import HistoryEntry, SavedOutcome
    from psoas.core.safety import SafetyResult
    from psoas.services.library import LibraryEntry

console = Console(highlight=False)

LEVEL_COLOUR = {
    SafetyLevel.CLEAR: "green",
    SafetyLevel.CAUTION: "yellow",
    SafetyLevel.REFER: "dark_orange",
    SafetyLevel.URGENT: "bold red",
}


def safety_banner(safety: SafetyResult) -> Panel:
    """A coloured panel: the level, what is allowed, and each reason with what to do."""
    colour = LEVEL_COLOUR[safety.level]
    headline = say(f"common.safety_headline_{safety.level}") + "."
    if safety.level is SafetyLevel.CAUTION and safety.awaits_urgent_answers:
        colour, headline = "dark_orange", load_knowledge_base().gates.answer_first
    lines: list[Text | Table] = [Text(headline, style=f"bold {colour}")]
    allowed = Text()
    allowed.append("Self-release: ")
    allowed.append(*_yes_no(safety.self_release_allowed))
    allowed.append("   Stretching and exercise: ")
    allowed.append(*_yes_no(safety.stretching_allowed))
    lines.append(allowed)
    if safety.reasons:
        reasons = Table(box=None, show_header=False, padding=(0, 1), expand=True)
        reasons.add_column(style="bold", no_wrap=True)
        reasons.add_column(ratio=1)
        for reason in safety.reasons:
            action = name_of(reason.action)
            reasons.add_row(f"[{LEVEL_COLOUR[reason.level]}]{action}[/]", escape(reason.message))
        lines.append(reasons)
    if safety.unanswered:
        knowledge = load_knowledge_base()
        shorts = [knowledge.question(question).short for question in safety.unanswered]
        open_ = Text("Still to answer: ", style="bold")
        open_.append("; ".join(shorts) + ".", style="")
        lines.append(open_)
        lines.append(Text(knowledge.gates.answer_again_terminal, style="dim"))
    title = f"Safety: {name_of(safety.level)}"
    return Panel(Group(*lines), title=title, border_style=colour, expand=True)


def release_status(status: ReleaseStatus) -> Panel:
    """Whether self-release may go ahead today, and every reason it may not."""
    if status.allowed:
        return Panel(
            Text("Self-release today: allowed by your safety screen.", style="green"),
            title="Release",
            border_style="green",
            expand=True,
        )
    colour = "bold red" if status.urgent else "yellow"
    headline = "Self-release is paused." if status.paused else "Self-release is off."
    lines: list[Text] = [Text(headline, style=f"bold {colour}")]
    lines += [Text(f"• {hold.message}") for hold in status.holds]
    if status.screened_at is not None:
        lines.append(Text(load_knowledge_base().gates.answer_again_terminal, style="dim"))
    return Panel(Group(*lines), title="Release", border_style=colour, expand=True)


def factor_table(factors: list[Factor]) -> Table:
    """The cause profile, strongest first, with each explanation."""
    table = Table(title="What most likely tightens your psoas", expand=True)
    table.add_column("Cause", no_wrap=True)
    table.add_column("Score", justify="right")
    table.add_column("Because", ratio=1)
    for factor in factors:
        table.add_row(name_of(factor.id), f"{factor.score:.2f}", factor.explanation)
    if not factors:
        table.add_row("-", "-", "No cause stands out in your answers.")
    return table


def assessment(result: Assessment) -> None:
    """Print an assessment."""
    console.print(safety_banner(result.safety))
    if result.safety.level in (SafetyLevel.CLEAR, SafetyLevel.CAUTION):
        console.print(factor_table(result.factors))
    console.print(Text("psoas educates and guides; it does not diagnose.", style="dim"))


def plan(program: Plan) -> None:
    """Print a plan: the banner, the causes, then the items with their reasons."""
    from psoas.content.models import Dose

    console.print(safety_banner(program.safety))
    if program.safety.level in (SafetyLevel.CLEAR, SafetyLevel.CAUTION):
        console.print(factor_table(program.factors))
    table = Table(title="Your plan", expand=True, show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("What", ratio=3)
    table.add_column("How much", ratio=2)
    table.add_column("How often", ratio=2)
    table.add_column("Why", ratio=2)
    for number, item in enumerate(program.items, start=1):
        table.add_row(
            str(number),
            f"[bold]{escape(item.title)}[/]\n[dim]{escape(name_of(item.kind))}[/]",
            Dose.model_validate(item.dose).describe(),
            escape(item.frequency),
            escape(_why(item)) + escape(_options(item)),
        )
    console.print(table)
    _referral_steps(program)
    console.print(
        Text('See any item in full with: psoas library show "NAME"    (its name, as shown above)')
    )
    console.print(Text("psoas educates and guides; it does not diagnose.", style="dim"))


def saved(outcome: SavedOutcome, address: str) -> None:
    """A quiet line saying what was kept, and where."""
    parts = [f"intake {outcome.intake_id}" + ("" if outcome.intake_is_new else " (unchanged)")]
    parts.append(f"assessment {outcome.assessment_id}")
    if outcome.plan_version is not None:
        parts.append(
            f"plan version {outcome.plan_version}" + ("" if outcome.plan_is_new else " (unchanged)")
        )
    line = Text(f"Saved for {outcome.person!r}: {', '.join(parts)} in {address}", style="dim")
    console.print(line, soft_wrap=True)  # a path is copied, not read: never break it


def after_saving(outcome: SavedOutcome, status: ReleaseStatus) -> None:
    """Whether these answers counted as answering again, and whether release is still paused."""
    gates = load_knowledge_base().gates
    if outcome.resubmitted and outcome.first_given is not None:
        day = outcome.first_given.astimezone().date().isoformat()
        console.print(Text(gates.resubmitted_terminal.format(day=day), style="yellow"))
    if status.paused:
        console.print(release_status(status))


def history(entries: list[HistoryEntry], address: str) -> None:
    """The stored records as a table."""
    if not entries:
        console.print(f"Nothing stored yet in {address}. Try: psoas plan examples/desk-worker.yaml")
        return
    table = Table(title=f"Stored in {address}", expand=True)
    for column in ("When (UTC)", "Person", "Record", "ID", "Details"):
        table.add_column(column)
    for entry in entries:
        when = entry.created_at.strftime("%Y-%m-%d %H:%M")
        table.add_row(when, escape(entry.person), name_of(entry.kind), str(entry.id), entry.summary)
    console.print(table)


def library_list(found: Iterable[Listed]) -> None:
    """Knowledge-base entries as a table."""
    # Every cell, title and heading is Text, so rich parses no markup (names are data)
    # and loads no emoji table; ids and sections are single words, which wrap exactly
    # as they are cut, so they skip the line-breaking that only names and kinds need.
    table = Table(title=Text("psoas knowledge base", style="table.title"), expand=True)
    for column in ("ID", "Section", "Kind", "Name"):
        table.add_column(Text(column))
    for entry in found:
        table.add_row(
            Text(entry.id, no_wrap=True),
            Text(listed_name(entry.section, "section"), no_wrap=True),
            Text(listed_name(entry.kind, "kind")),
            Text(entry.name),
        )
    console.print(table)


def library_entry(found: LibraryEntry) -> None:
    """One knowledge-base entry in full."""
    from psoas.content.models import (
        Cause,
        Muscle,
        Neighbour,
        SafetyRule,
        Technique,
        Threshold,
        Tool,
    )

    body: list[Text | Table] = []
    model = found.entry
    if isinstance(model, Technique):
        body += _technique(model)
    elif isinstance(model, Cause):
        body += [_para(model.mechanism), _bullets("Signs", model.signs)]
        body.append(_bullets("Addressed by", [name_of(found) for found in model.addressed_by]))
    elif isinstance(model, Muscle):
        body += [_field("Origin", model.origin), _field("Insertion", model.insertion)]
        body += [_bullets("Actions", model.actions), _bullets("Notes", model.notes)]
    elif isinstance(model, Neighbour):
        body += [_field("Where", model.relation), _field("Why it matters", model.why_it_matters)]
    elif isinstance(model, Tool):
        body += [_para(model.description), _field("Technique", name_of(model.technique))]
    elif isinstance(model, SafetyRule):
        body += [_field("Finding", model.finding), _field("Level", name_of(model.level))]
        body += [_field("What to do", name_of(model.action)), _para(model.message)]
        body.append(_field("Basis", model.basis))
    elif isinstance(model, Threshold):
        body += [_field("Value", f"{model.value:g} {model.unit}"), _para(model.means)]
        body.append(_field("Source", model.source))
    kind = listed_name(found.kind, "kind")
    title = f"{escape(found.name)}  [dim]({name_of(found.section)} · {escape(kind)})[/]"
    console.print(Panel(Group(*body), title=title, title_align="left", expand=True))


def _technique(technique: Technique) -> list[Text | Table]:
    parts: list[Text | Table] = [_para(technique.summary)]
    parts.append(_field("Dose", technique.dose.describe()))
    parts.append(_field("How often", technique.frequency))
    parts.append(_bullets("Steps", technique.steps, numbered=True))
    parts += [_bullets("Cues", technique.cues), _bullets("What you may feel", technique.sensations)]
    parts.append(_bullets("Cautions", technique.cautions, style="yellow"))
    if technique.excluded_by:
        rules = load_knowledge_base()
        findings = [rules.rule(condition).finding for condition in technique.excluded_by]
        parts.append(_bullets("Not offered with", findings))
    if technique.stands_in_for:
        parts.append(_bullets("Offered instead of", [name_of(t) for t in technique.stands_in_for]))
    return parts


def _yes_no(allowed: bool) -> tuple[str, str]:
    return ("allowed", "green") if allowed else ("not now", "bold red")


def _why(item: PlanItem) -> str:
    """Short names for the reasons; the cause table above already explains each one."""
    labels = [reason_name(why) for why in item.why]
    extra = item.reasons[len(item.why) :]
    return "\n".join([", ".join(labels), *extra])


def _referral_steps(program: Plan) -> None:
    """What to do about a referral, right here: nobody should have to look it up."""
    from psoas.core.planning import PlanItemKind

    techniques = {technique.id: technique for technique in load_knowledge_base().techniques}
    for item in program.items:
        if item.kind is PlanItemKind.PROFESSIONAL_REFERRAL:
            steps = techniques[item.technique].steps
            colour = LEVEL_COLOUR[program.safety.level]
            body = _bullets("What to do", steps, numbered=True)
            console.print(Panel(body, title=item.title, border_style=colour, title_align="left"))


def _options(item: PlanItem) -> str:
    if not item.tool_options:
        return ""
    return "\nOptions: " + names_of(item.tool_options)


def _para(text: str) -> Text:
    return Text(text + "\n")


def _field(label: str, value: str) -> Text:
    text = Text()
    text.append(f"{label}: ", style="bold")
    text.append(value)
    return text


def _bullets(label: str, items: Iterable[str], *, numbered: bool = False, style: str = "") -> Text:
    text = Text()
    text.append(f"\n{label}\n", style="bold")
    for number, item in enumerate(items, start=1):
        marker = f"{number}." if numbered else "•"
        text.append(f"  {marker} {item}\n", style=style)
    return text
