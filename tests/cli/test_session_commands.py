"""``psoas session``: preview, a whole session in plain mode, refusals, lists and records."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from psoas.cli.session_plain import PlainView
from psoas.core.schemas import ContractName, json_schema
from psoas.core.session_events import EventKind, SessionEvent
from psoas.core.timeline import SessionKind
from psoas.services import sessions
from psoas.services.storage import store
from psoas.settings import load_settings
from tests.clocks import FakeClock
from tests.conftest import EXAMPLES

FAST = {"PSOAS_SESSION_SPEED": "1000"}  # a 10-minute session in 0.6 s
QUIET = ("--minutes", "10", "--no-voice")
BEFORE = ["n", "6", "", "7", "4"]  # nothing changed; back 6, hip skipped, stress 7, breathing 4
AFTER = ["3", "", "4", "8", "1,3", ""]  # back 3, stress 4, breathing 8; ache, emotion; no problem


def _answers(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def _sessions(cli) -> list[dict[str, Any]]:
    result = cli("session", "list", "--json")
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def test_preview_prints_the_timeline_as_text_and_as_contract_json(cli) -> None:
    text = cli("session", "preview")
    assert text.exit_code == 0
    assert "Self-release with your tool, 20 minutes" in text.stdout
    assert "Release, left side: spot 3 of 3" in text.stdout
    document = json.loads(cli("session", "preview", "--json", "--tool", "ql_claw").stdout)
    Draft202012Validator(json_schema(ContractName.SESSION)).validate(document)
    assert (document["schema"], document["total_seconds"], document["tool"]) == (
        "psoas.session/1",
        1200,
        "ql_claw",
    )
    manual = json.loads(
        cli("session", "preview", "--kind", "manual_release", "--minutes", "45", "--json").stdout
    )
    assert manual["kind"] == "manual_release" and manual["total_seconds"] == 2700


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--minutes", "9"), "minutes: expected whole minutes from 10 to 45; got 9"),
        (("--minutes", "ten"), "Invalid value for '--minutes'"),
        (("--kind", "massage"), "Invalid value for '--kind'"),
        (("--tool", "psorite"), "Invalid value for '--tool'"),
    ],
)
@pytest.mark.parametrize("command", ["preview", "start"])
def test_bad_options_exit_2_naming_the_option_and_start_nothing(
    cli, command: str, arguments: tuple[str, ...], message: str
) -> None:
    cli("assess", EXAMPLES / "desk-worker.yaml")
    result = cli("session", command, *arguments, "--plain" if command == "start" else "--json")
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert _sessions(cli) == []


def test_a_bad_speed_setting_names_the_variable(cli) -> None:
    cli("assess", EXAMPLES / "desk-worker.yaml")
    result = cli("session", "start", "--plain", PSOAS_SESSION_SPEED="fast")
    assert result.exit_code == 2
    assert "PSOAS_SESSION_SPEED: Input should be a valid number" in result.stderr


def test_no_release_without_a_screen_that_allows_it(cli) -> None:
    result = cli("session", "start", "--plain")
    assert result.exit_code == 3
    assert "needs your answers to the safety questions first" in result.stderr
    assert "psoas intake" in result.stderr  # how to go on, in the terminal's words
    cli("assess", EXAMPLES / "safety-refer.yaml")
    result = cli("session", "start", "--plain", "--kind", "manual_release")
    assert result.exit_code == 3
    assert "rules out steady pressure on the belly" in result.stderr
    assert _sessions(cli) == []


def test_a_change_since_the_screen_stops_before_anything_starts(cli) -> None:
    cli("assess", EXAMPLES / "desk-worker.yaml")
    result = cli("session", "start", "--plain", *QUIET, input=_answers("maybe", "yes"), **FAST)
    assert result.exit_code == 3
    assert "Please answer yes or no" in result.stdout
    assert "something has changed since your safety screen" in result.stderr
    assert _sessions(cli) == []


def test_leaving_the_questions_early_starts_nothing(cli) -> None:
    cli("assess", EXAMPLES / "desk-worker.yaml")
    result = cli("session", "start", "--plain", *QUIET, input=_answers("n", "5"), **FAST)
    assert result.exit_code == 2
    assert "stopped before the session began; nothing started" in result.stderr
    assert _sessions(cli) == []


def test_a_whole_session_in_plain_mode_with_ratings_before_and_after(cli) -> None:
    cli("assess", EXAMPLES / "desk-worker.yaml")
    answers = _answers(BEFORE[0], "11", *BEFORE[1:], *AFTER)
    result = cli("session", "start", "--plain", *QUIET, input=answers, **FAST)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Safety screen of" in out and "Clear" in out
    assert "expected a value of at most 10, got 11" in out, "a bad rating is asked again"
    assert "[1/15] Get ready" in out and "[ ] A firm surface" in out
    assert "Release, right side: spot 2 of 2" in out and "Pso-Rite" in out
    assert "[15/15] Check in with your body" in out
    assert "Session 1 is complete" in out
    shown = json.loads(cli("session", "show", "1", "--json").stdout)
    assert shown["status"] == "completed"
    assert shown["before"] == {
        "low_back_pain": 6,
        "hip_pain": None,
        "stress": 7,
        "breathing_ease": 4,
    }
    assert shown["change"] == {"low_back_pain": -3, "stress": -3, "breathing_ease": 4}
    assert shown["felt"] == ["deep_ache", "emotional_release"]
    assert shown["spent_seconds"] == 600
    assert [step["outcome"] for step in shown["steps"]] == ["completed"] * 15
    Draft202012Validator(json_schema(ContractName.SESSION)).validate(shown["timeline"])
    listed = _sessions(cli)
    assert [(s["id"], s["status"], s["steps_done"]) for s in listed] == [(1, "completed", 15)]
    text = cli("session", "show", "1").stdout
    assert "Low back pain" in text and "-3" in text and "a deep ache" in text
    history = json.loads(cli("history", "--json").stdout)
    assert history[-1]["kind"] == "session" and "finished" in history[-1]["summary"]


def test_more_pain_afterwards_earns_a_word_of_advice(cli) -> None:
    cli("assess", EXAMPLES / "desk-worker.yaml")
    answers = _answers("n", "2", "1", "", "", "5", "1", "", "", "4", "")
    result = cli("session", "start", "--plain", *QUIET, input=answers, **FAST)
    assert result.exit_code == 0, result.stderr
    assert "Your low back pain is 3 points higher than before" in result.stdout
    assert "see a clinician" in result.stdout


def test_nothing_to_resume_and_unknown_ids_exit_2(cli) -> None:
    result = cli("session", "resume", "--plain")
    assert result.exit_code == 2
    assert "person: 'me' has no unfinished session to resume" in result.stderr
    result = cli("session", "show", "7")
    assert result.exit_code == 2
    assert "session: no entry with id '7'" in result.stderr
    assert cli("session", "list").stdout.startswith("No sessions stored yet")


def test_starting_again_mentions_the_unfinished_session(cli) -> None:
    cli("assess", EXAMPLES / "desk-worker.yaml")
    with store(load_settings()) as database:
        clock = FakeClock(0.0)
        unfinished = sessions.start(
            database, person="me", kind=SessionKind.SELF_RELEASE, minutes=10, clock=clock
        )
        clock.at(100.0, unfinished.stop)
        unfinished.run()
    result = cli("session", "start", "--plain", *QUIET, "--no-ratings", input="n\n", **FAST)
    assert result.exit_code == 0, result.stderr
    assert "You have an unfinished session (1); this starts a new one" in result.stdout
    assert [s["status"] for s in _sessions(cli)] == ["in_progress", "completed"]


def test_a_crash_in_the_display_leaves_the_session_saved(
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("assess", EXAMPLES / "desk-worker.yaml")

    def broken(self: Any, event: SessionEvent) -> None:
        if event.kind is EventKind.STEP_STARTED and event.step_index == 3:
            raise RuntimeError("the display broke")

    monkeypatch.setattr(PlainView, "_print_event", broken)
    with pytest.raises(RuntimeError, match="the display broke"):
        cli("session", "start", "--plain", *QUIET, "--no-ratings", input="n\n", **FAST)
    shown = json.loads(cli("session", "show", "1", "--json").stdout)
    assert (shown["status"], shown["step_index"]) == ("in_progress", 3)
    assert [s["outcome"] for s in shown["steps"][:3]] == ["completed"] * 3


def test_the_end_of_a_session_shows_pain_before_and_after_and_what_was_done(cli) -> None:
    cli("assess", EXAMPLES / "desk-worker.yaml")
    answers = _answers(*BEFORE, *AFTER)
    result = cli("session", "start", "--plain", *QUIET, input=answers, **FAST)
    assert result.exit_code == 0, result.stderr
    shown = result.stdout[result.stdout.index("Your session, before and after") :]
    summary = " ".join(shown.replace("\u2502", " ").split())  # wrapped lines, borders left out
    assert "Low back pain: 6 before, 3 after (-3)" in summary
    assert "Stress: 7 before, 4 after (-3)" in summary
    assert "Hip pain" not in summary, "a rating given neither time is left out"
    assert "What you did: Self-release with a Pso-Rite; 15 of 15 steps, both sides," in summary
    assert "10 minutes of guided time" in summary
