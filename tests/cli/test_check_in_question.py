"""The short check-in on a terminal: one "anything new or worse?" opens the warning signs."""

from __future__ import annotations

import io
from datetime import date

from rich.console import Console

from psoas.cli.tracking_prompts import TrackingPrompts
from psoas.content import load_knowledge_base
from psoas.content.vocabulary import QuestionId, RedFlagId
from psoas.content.words import say
from psoas.core.measures import CheckIn


def ask(answers: list[str]) -> tuple[list[str], str, CheckIn]:
    shown = io.StringIO()
    console = Console(file=shown, width=100)
    asked: list[str] = []

    def answer(prompt: str = "", **_: object) -> str:
        asked.append(prompt)
        return answers.pop(0)

    console.input = answer  # type: ignore[method-assign,assignment]
    found = TrackingPrompts(console, today=date(2026, 11, 16)).check_in(date(2026, 11, 16), None)
    return asked, shown.getvalue(), found


def test_no_leaves_the_warning_signs_unasked() -> None:
    asked, shown, found = ask(["3", "", "", "", "no"])
    assert say("checkin.anything_new") in asked[-1]  # the words both faces read
    assert len(asked) == 5  # four numbers and the one question, nothing more
    saddle = load_knowledge_base().question(QuestionId(RedFlagId.SADDLE_NUMBNESS.value)).short
    assert saddle[:1].upper() + saddle[1:] not in shown
    assert found.red_flags == [] and found.adverse_events == []


def test_yes_lists_the_warning_signs_and_a_tick_is_kept() -> None:
    asked, shown, found = ask(["", "", "", "", "yes", "6"])
    saddle = load_knowledge_base().question(QuestionId(RedFlagId.SADDLE_NUMBNESS.value)).short
    assert saddle[:1].upper() + saddle[1:] in shown
    assert say("checkin.cli_which") in asked[-1]
    assert found.red_flags == [RedFlagId.SADDLE_NUMBNESS]
