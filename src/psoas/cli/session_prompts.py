"""The questions around a guided session: has anything changed, and ratings before and after.

The "anything changed" question guards the gap between the safety screen and
today: a new symptom since then means answering the screen again, not a release.
Ratings may each be skipped with Enter; what is typed is checked by the same
models the store and the web app use, and asked again until it is valid.
"""

from __future__ import annotations

from rich.console import Console
from rich.rule import Rule

from psoas.cli.questionnaire import NO, YES
from psoas.content import load_knowledge_base
from psoas.content.words import say
from psoas.core.session_records import (
    FELT_LABELS,
    RATING_QUESTIONS,
    Aftermath,
    Felt,
    Ratings,
    parse_aftermath,
    parse_ratings,
)
from psoas.errors import InputError, InvalidDocument, SafetyStop
from psoas.services.sessions import Clearance


class SessionPrompts:
    """Asks on a console; ``stopped`` says what to tell the person if they leave mid-way."""

    def __init__(self, console: Console, *, stopped: str) -> None:
        self.console = console
        self.stopped = stopped

    def confirm_nothing_changed(self, found: Clearance) -> None:
        """Ask whether anything has changed since the screen; a yes stops the session."""
        when = found.screened_at.date().isoformat()
        asked = load_knowledge_base().gates.changed_since.format(day=when)
        question = f"{asked} (yes/no)"
        while True:
            typed = self._prompt(question).lower()
            if typed in NO:
                return
            if typed in YES:
                raise SafetyStop(say("intake.changed_terminal", day=when))
            self.console.print("  Please answer yes or no.", style="yellow")

    def ratings(self, heading: str) -> Ratings:
        """Each 0..10 rating, any of which may be skipped with Enter."""
        self.console.print(Rule(heading, align="left"))
        self.console.print("Press Enter to skip any of these.", style="dim")
        given: dict[str, int] = {}
        for name, question in RATING_QUESTIONS.items():
            while True:
                typed = self._prompt(f"{question}:")
                if not typed:
                    break
                try:
                    rating = parse_ratings({name: _whole_number(typed)}, source="rating")
                except InvalidDocument as error:
                    problem = error.problems[0].problem
                    self.console.print(f"  {problem}. Please try again.", style="yellow")
                    continue
                given.update(rating.given())
                break
        return Ratings(**given)

    def aftermath(self) -> Aftermath:
        """Ratings after the session, what was felt, then whether anything went wrong."""
        ratings = self.ratings("How do you feel now?")
        felt_options = [felt.value for felt in Felt]
        felt = self._pick_many(
            "What did you notice? Numbers, comma-separated",
            [(felt, FELT_LABELS[Felt(felt)]) for felt in felt_options],
            field="felt",
            ratings=ratings,
        )
        problems = self._problems(ratings)
        return parse_aftermath(
            {"ratings": ratings.given(), "felt": felt, "adverse_events": problems}, source="answer"
        )

    def problems_only(self) -> Aftermath:
        """Only whether anything went wrong (a stopped session, or one run without ratings)."""
        return parse_aftermath({"adverse_events": self._problems(Ratings())}, source="answer")

    def _problems(self, ratings: Ratings) -> list[str]:
        return self._pick_many(
            "Did anything go wrong, during or after? Numbers, comma-separated, or Enter if not",
            [(info.id.value, info.label) for info in load_knowledge_base().gates.adverse_events],
            field="adverse_events",
            ratings=ratings,
        )

    def _pick_many(
        self, question: str, options: list[tuple[str, str]], *, field: str, ratings: Ratings
    ) -> list[str]:
        listed = ", ".join(f"{n} {label}" for n, (_, label) in enumerate(options, 1))
        while True:
            typed = self._prompt(f"{question} ({listed}):")
            chosen = [part.strip() for part in typed.split(",") if part.strip()]
            picked = [
                options[int(part) - 1][0]
                if part.isdigit() and 0 < int(part) <= len(options)
                else part
                for part in chosen
            ]
            try:
                parse_aftermath({"ratings": ratings.given(), field: picked}, source="answer")
            except InvalidDocument as error:
                problem = error.problems[0].problem
                self.console.print(f"  {problem}. Please try again.", style="yellow")
                continue
            return picked

    def _prompt(self, text: str) -> str:
        try:
            return self.console.input(f"[bold]{text}[/] ").strip()
        except (EOFError, KeyboardInterrupt):
            raise InputError(self.stopped) from None


def _whole_number(typed: str) -> object:
    try:
        return int(typed)
    except ValueError:
        return typed  # the model rejects it, naming what it expected
