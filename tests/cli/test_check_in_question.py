"""The short check-in on a terminal: one "anything new or worse?" opens the warning signs."""

from __future__ import annotations

import io
from datetime import date

import pytest
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


def test_yes_with_nothing_picked_is_not_taken_as_no() -> None:
    _, _, found = ask(["", "", "", "", "yes", ""])
    assert found.red_flags == [] and found.adverse_events == []
    prompts_said_yes = TrackingPrompts(Console(file=io.StringIO()), today=date(2026, 11, 16))
    answers = ["", "", "", "", "yes", ""]
    prompts_said_yes.console.input = lambda *_, **__: answers.pop(0)  # type: ignore[method-assign]
    prompts_said_yes.check_in(date(2026, 11, 16), None)
    assert prompts_said_yes.something_else_new


def test_something_new_but_unlisted_pauses_release_until_answered_again(
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psoas.cli import tracking_commands
    from psoas.services import gates
    from psoas.services.storage import store
    from psoas.settings import load_settings
    from tests.conftest import EXAMPLES

    assert cli("plan", EXAMPLES / "desk-worker.yaml").exit_code == 0
    monkeypatch.setattr(tracking_commands, "on_a_terminal", lambda: True)
    said = cli("log", input="\n\n\n\n\nyes\n\n")  # four ratings and the plan's items
    assert said.exit_code == 0, said.stderr
    assert "release is paused until you update your answers" in " ".join(said.stderr.split())
    with store(load_settings()) as database:
        assert not gates.status(database, person="me", today=date.today()).allowed
