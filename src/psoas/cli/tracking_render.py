"""Rich renderings of progress and of what recording a measure or check-in did."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from psoas.cli.render import console, release_status, safety_banner
from psoas.content.names import name_of
from psoas.content.words import say
from psoas.core.progress import MetricProgress, Progress, RecommendationKind, Verdict
from psoas.core.session_records import RATING_LABELS
from psoas.services.tracking import RulesOutcome, TrackingOutcome

VERDICT_STYLE = {
    Verdict.IMPROVED: "green",
    Verdict.WORSE: "red",
    Verdict.NO_MEANINGFUL_CHANGE: "",
    Verdict.NOT_JUDGED: "dim",
    Verdict.TOO_EARLY: "dim",
}

THOMAS_NOTE = (
    "The Modified Thomas test is a measure to follow over time, taken the same way each "
    "time; it is not a diagnosis."
)


def recorded(*, what: str, outcome: TrackingOutcome, rules: RulesOutcome) -> None:
    """What was stored, then anything the rules decided."""
    plural = f"{outcome.recorded} {what}s" if outcome.recorded > 1 else f"the {what}"
    merged = ""
    if outcome.merged == 1 and outcome.recorded == 1:
        merged = " (added to the one already stored for that day)"
    elif outcome.merged:
        merged = f" ({outcome.merged} added to ones already stored for their day)"
    console.print(f"Stored {plural} for {escape(outcome.person)}{merged}.")
    if outcome.rescreen is not None:
        console.print("You reported a new warning sign, so your safety screen was run again:")
        console.print(safety_banner(outcome.rescreen.safety))
    elif outcome.rescreen_impossible:
        console.print(
            "[bold red]You reported a new warning sign.[/] Stop self-release and answer the "
            "safety questions with 'psoas intake'; if it is severe or sudden, seek care now."
        )
    for message in outcome.paused:
        console.print(f"[bold yellow]Release paused:[/] {escape(message)}")
    for note in rules.notes:
        console.print(f"[green]{escape(note)}[/]")
    _recommendations(rules.progress)


def progress(found: Progress) -> None:
    """Release today, then measures against baseline, adherence, streaks, sessions, advice."""
    if found.release is not None and found.release.level is not None:
        console.print(release_status(found.release))
    if not found.metrics and not found.adherence:
        console.print("Nothing recorded yet: start with 'psoas log' or 'psoas measure'.")
        return
    table = Table(title=f"Progress as of {found.as_of}", title_justify="left")
    for column in ("Measure", "Baseline", "Now", "A month ago", "Change", "Verdict"):
        table.add_column(column, justify="left" if column in ("Measure", "Verdict") else "right")
    for metric in found.metrics:
        table.add_row(*_metric_row(metric))
    console.print(table)
    if any(m.metric.value.startswith("thomas") for m in found.metrics):
        console.print(f"[dim]{THOMAS_NOTE}[/]")
    if found.adherence:
        recent = found.adherence[-4:]
        weeks = ", ".join(
            f"{w.week_start:%d %b} {w.ratio:.0%}"
            if w.ratio is not None
            else f"{w.week_start:%d %b} -"
            for w in recent
        )
        overall = f"{found.adherence_overall:.0%}" if found.adherence_overall is not None else "-"
        console.print(f"Adherence: {overall} overall; recent weeks: {weeks}")
    console.print(
        f"Streak: {say('common.streak', count=found.streaks.current)} "
        f"(longest {found.streaks.longest})"
    )
    effects = found.session_effects
    if effects.sessions:
        changes = ", ".join(
            f"{RATING_LABELS.get(name, name)} {change:+.1f}"
            for name, change in effects.mean_change.items()
        )
        console.print(
            f"Sessions: {len(effects.sessions)}; mean change after a session: {changes or '-'}"
        )
    _recommendations(found)


def _metric_row(metric: MetricProgress) -> list[str]:
    style, words = VERDICT_STYLE[metric.verdict], name_of(metric.verdict)
    if metric.threshold and metric.verdict not in (Verdict.NOT_JUDGED, Verdict.TOO_EARLY):
        words += f" (meaningful: {metric.threshold})"
    percent = f" ({metric.change_percent:+.0f}%)" if metric.change_percent is not None else ""
    month = f"{metric.month_ago.mean:.1f}" if metric.month_ago else "-"
    return [
        f"{metric.name} [dim]({metric.unit})[/]",
        f"{metric.baseline.mean:.1f}",
        f"{metric.current.mean:.1f}",
        month,
        f"{metric.change:+.1f}{percent}",
        f"[{style}]{words}[/]" if style else words,
    ]


def _recommendations(found: Progress) -> None:
    for recommendation in found.recommendations:
        if recommendation.kind is RecommendationKind.RESCREEN:
            console.print(f"[bold yellow]Safety check:[/] {escape(recommendation.reason)}")
        elif recommendation.kind is RecommendationKind.SEE_CLINICIAN:
            console.print(f"[bold yellow]See a clinician:[/] {escape(recommendation.reason)}")
        else:
            console.print(f"[green]Next step:[/] {escape(recommendation.reason)}")
