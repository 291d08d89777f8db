"""The questions of ``psoas measure`` and ``psoas log`` on a terminal.

Every answer may be skipped with Enter, and each is checked at once by the
same models as a file or the web app would be, so a mistake is asked again
rather than failing the whole form at the end.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.console import Console
from rich.rule import Rule

from psoas.cli.questionnaire import NO, YES
from psoas.content import load_knowledge_base
from psoas.content.vocabulary import MetricId, QuestionId, RedFlagId
from psoas.content.words import say
from psoas.core.measures import CheckIn, Measurement, parse_check_in, parse_measurement
from psoas.core.planning import Plan
from psoas.errors import InputError, InvalidDocument

STOPPED = "stopped before the end: nothing was stored"


class TrackingPrompts:
    """Asks on a console, validating each answer as it comes."""

    def __init__(self, console: Console, *, today: date) -> None:
        self.console = console
        self.today = today
        self.something_else_new = False
        """The person said something is new or worse but picked nothing listed: the face
        records that as "something changed", which pauses release until they answer again."""

    def measurement(self, taken_on: date) -> Measurement:
        """A whole reassessment, one question at a time."""
        knowledge = load_knowledge_base()
        document: dict[str, Any] = {"taken_on": taken_on.isoformat()}
        self.console.print(Rule(f"Measures for {taken_on}", align="left"))
        self.console.print("Press Enter to skip any question.", style="dim")
        for name, question in (
            ("low_back_pain", "Low back pain now (0 = none, 10 = worst imaginable)"),
            ("hip_pain", "Hip or groin pain now (0-10)"),
        ):
            self._ask_number(document, [name], question)
        self.console.print(
            knowledge.measure(MetricId.THOMAS_HIP_ANGLE_LEFT).explanation, style="dim"
        )
        for side in ("left", "right"):
            self._ask_number(
                document,
                ["thomas", side, "hip_angle_deg"],
                f"Thomas test, {side} thigh angle above horizontal in degrees (below = negative)",
            )
            self._ask_number(
                document, ["thomas", side, "knee_angle_deg"], f"Thomas test, {side} knee bend (°)"
            )
        self._ask_psfs(document)
        for name, question in (
            ("stress", "Stress (0 = calm, 10 = extremely stressed)"),
            ("breathing_ease", "Breathing ease (0 = very hard, 10 = completely easy)"),
            ("sitting_hours", "Hours sitting on a typical day lately"),
            ("global_rating_of_change", "Compared with when you started: -7 much worse to +7"),
        ):
            self._ask_number(document, [name], question)
        return parse_measurement(document, source="answers")

    def check_in(self, day: date, plan: Plan | None) -> CheckIn:
        """The daily log: three numbers, what was done, and whether anything new worries."""
        document: dict[str, Any] = {"day": day.isoformat()}
        self.console.print(Rule(f"Check-in for {day}", align="left"))
        self._ask_number(document, ["low_back_pain"], "Low back pain today (0-10, Enter to skip)")
        self._ask_number(document, ["hip_pain"], "Hip or groin pain today (0-10)")
        self._ask_number(document, ["stress"], "Stress today (0-10)")
        self._ask_number(document, ["sitting_hours"], "Hours sitting today")
        items = [item for item in plan.items if item.schedule.per_week] if plan else []
        if items:
            for number, item in enumerate(items, 1):
                self.console.print(f"  {number:>2}. {item.title} [dim]({item.frequency})[/]")
            chosen = self._pick("Which did you do today? Numbers separated by spaces", len(items))
            document["done"] = [items[n - 1].technique for n in chosen]
        # One question; the warning signs and problems are listed only after a yes.
        self.console.print(say("checkin.anything_new_hint"), style="dim")
        if self._yes_no(f"{say('checkin.anything_new')} (yes/no)"):
            knowledge = load_knowledge_base()
            flags = list(RedFlagId)
            problems = [info.id for info in knowledge.gates.adverse_events]
            labels = [knowledge.question(QuestionId(flag.value)).short for flag in flags]
            labels += [knowledge.adverse_event(problem).label for problem in problems]
            for number, label in enumerate(labels, 1):
                self.console.print(f"  {number:>2}. {label[:1].upper()}{label[1:]}")
            self.console.print(say("checkin.which_signs_hint"), style="dim")
            chosen = self._pick(say("checkin.cli_which"), len(labels))
            document["red_flags"] = [flags[n - 1].value for n in chosen if n <= len(flags)]
            document["adverse_events"] = [
                problems[n - 1 - len(flags)].value for n in chosen if n > len(flags)
            ]
            self.something_else_new = not chosen
        return parse_check_in(document, source="answers")

    def _ask_number(self, document: dict[str, Any], path: list[str], question: str) -> None:
        while True:
            typed = self._prompt(f"{question}:")
            if not typed:
                return
            value: Any = _number(typed)
            trial = _nested(path, value)
            try:
                parse_measurement({"taken_on": self.today.isoformat(), **trial}, source="answer")
            except InvalidDocument as error:
                problems = [p for p in error.problems if p.field.startswith(path[0])]
                if problems:
                    self.console.print(
                        f"  {problems[0].problem}. Please try again.", style="yellow"
                    )
                    continue
            _merge(document, trial)
            return

    def _ask_psfs(self, document: dict[str, Any]) -> None:
        self.console.print(
            "Functional scale: name 3 to 5 activities your back or hip makes hard "
            "(Enter on its own to finish or skip)."
        )
        items: list[dict[str, Any]] = []
        while len(items) < 5:
            activity = self._prompt(f"Activity {len(items) + 1}:")
            if not activity:
                if items and len(items) < 3:
                    self.console.print("  Please name at least 3 activities.", style="yellow")
                    continue
                break
            while True:
                score = _number(
                    self._prompt("How well can you do it now (0 = not at all, 10 = fully)?")
                )
                if isinstance(score, int) and 0 <= score <= 10:
                    items.append({"activity": activity, "score": score})
                    break
                self.console.print("  Please give a whole number from 0 to 10.", style="yellow")
        if items:
            document["psfs"] = items

    def _pick(self, question: str, count: int) -> list[int]:
        while True:
            typed = self._prompt(f"{question}:")
            parts = typed.replace(",", " ").split()
            if all(part.isdigit() and 1 <= int(part) <= count for part in parts):
                return sorted({int(part) for part in parts})
            self.console.print(f"  Please give numbers from 1 to {count}.", style="yellow")

    def _yes_no(self, question: str) -> bool:
        while True:
            typed = self._prompt(question).lower()
            if typed in YES:
                return True
            if typed in NO or not typed:
                return False
            self.console.print(f"  {say('checkin.cli_yes_no')}", style="yellow")

    def _prompt(self, text: str) -> str:
        try:
            return self.console.input(f"[bold]{text}[/] ").strip()
        except (EOFError, KeyboardInterrupt):
            raise InputError(STOPPED) from None


def _number(typed: str) -> Any:
    for kind in (int, float):
        try:
            return kind(typed)
        except ValueError:
            continue
    return typed  # the model rejects it, naming what it expected


def _nested(path: list[str], value: Any) -> dict[str, Any]:
    trial: dict[str, Any] = {path[-1]: value}
    for key in reversed(path[:-1]):
        trial = {key: trial}
    return trial


def _merge(document: dict[str, Any], trial: dict[str, Any]) -> None:
    for key, value in trial.items():
        if isinstance(value, dict):
            _merge(document.setdefault(key, {}), value)
        else:
            document[key] = value
