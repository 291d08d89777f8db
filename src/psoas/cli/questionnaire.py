"""``psoas intake``: the intake asked as questions, re-asking until each answer is valid.

Ordinary questions may be skipped with Enter (the answer stays *unknown*).
Red-flag questions may not: the person must say yes, no or "not sure", so a
missed keystroke never passes as "no". Each answer is checked by the same
contract models as a file, so the messages match ``psoas assess``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from rich.console import Console
from rich.rule import Rule

from psoas.cli import render
from psoas.content import load_knowledge_base
from psoas.content.vocabulary import RedFlagId
from psoas.core import intake as contract
from psoas.core.validation import validate_document
from psoas.errors import FieldProblem, InputError, InvalidDocument
from psoas.services import care
from psoas.services.storage import store
from psoas.settings import load_settings

YES = {"y", "yes"}
NO = {"n", "no"}
NOT_SURE = {"?", "not sure", "unsure", "don't know", "dont know"}

_SECTION_MODELS: dict[str, type[BaseModel]] = {
    "person": contract.Person,
    "lifestyle": contract.Lifestyle,
    "posture": contract.Posture,
    "strength": contract.Strength,
    "symptoms": contract.Symptoms,
    "history": contract.History,
    "red_flags": contract.RedFlags,
}


@dataclass(frozen=True)
class Question:
    """One scalar question: where its answer goes and how to read what was typed."""

    section: str
    field: str
    text: str
    read: Callable[[str], Any]


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text  # the model rejects it with "expected a number"


def _yes_no(text: str) -> Any:
    lowered = text.lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    return text


_PERSON = [
    Question("person", "age", "How old are you (years)?", _number),
    Question("person", "pregnant", "Are you pregnant? (yes/no)", _yes_no),
]
_LIFESTYLE = [
    Question(
        "lifestyle",
        "sitting_hours_per_day",
        "About how many hours a day do you sit, all together (work, car, sofa)?",
        _number,
    ),
    Question("lifestyle", "standing_desk", "Do you use a standing desk? (yes/no)", _yes_no),
    Question("lifestyle", "stress", "How stressed do you feel, 0 (calm) to 10 (extreme)?", _number),
]
_BODY = [
    Question(
        "posture",
        "anterior_pelvic_tilt",
        "Does your pelvis tip forward, so your belly pushes out and your bottom sticks out?",
        _yes_no,
    ),
    Question(
        "posture",
        "exaggerated_lumbar_curve",
        "Does your lower back curve inward more than most people's?",
        _yes_no,
    ),
    Question("strength", "weak_core", "Do you consider your core (deep belly) weak?", _yes_no),
    Question("strength", "weak_glutes", "Do you consider your glutes (buttocks) weak?", _yes_no),
]
_SYMPTOMS = [
    Question("symptoms", "low_back_pain", "Low back pain right now, 0 (none) to 10?", _number),
    Question("symptoms", "hip_pain", "Hip pain right now, 0 (none) to 10?", _number),
    Question("symptoms", "hip_stiffness", "Do your hips feel stiff? (yes/no)", _yes_no),
    Question(
        "symptoms",
        "groin_or_hip_referral",
        "Does pain spread into your hip or groin? (yes/no)",
        _yes_no,
    ),
    Question(
        "symptoms", "muscle_spasms", "Do you get muscle spasms in the back? (yes/no)", _yes_no
    ),
    Question("symptoms", "shallow_breathing", "Is your breathing often shallow? (yes/no)", _yes_no),
    Question(
        "symptoms", "worse_after_sitting", "Is the pain worse after sitting? (yes/no)", _yes_no
    ),
]

_SPORT_WORDS = {
    contract.ActivityKind.RUNNING: "run",
    contract.ActivityKind.CYCLING: "cycle",
    contract.ActivityKind.FOOTBALL: "play football",
    contract.ActivityKind.DANCE: "dance",
    contract.ActivityKind.ROWING: "row",
    contract.ActivityKind.OTHER: "do another sport that lifts the knee a lot",
}


class Questionnaire:
    """Asks the questions on a console and builds the intake document."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.answers: dict[str, Any] = {"schema": contract.INTAKE_SCHEMA}

    def ask_all(self) -> contract.Intake:
        """Ask every question in order; returns the validated intake."""
        self._heading("About you", "Press Enter to skip any question you'd rather not answer.")
        self._ask_each(_PERSON)
        self._heading("Your day")
        self._ask_each(_LIFESTYLE[:2])
        self._ask_activities()
        self._ask_each(_LIFESTYLE[2:])
        self._heading("Posture and strength")
        self._ask_each(_BODY)
        self._heading("Old injuries and operations")
        self._ask_injuries()
        self._ask_surgeries()
        self._heading("How you feel now")
        self._ask_each(_SYMPTOMS)
        self._heading(
            "Safety questions",
            "Answer yes, no, or 'not sure'. These decide whether self-release is safe for you; "
            "an unanswered one keeps it switched off.",
        )
        self._ask_red_flags()
        self._heading("Tools")
        self._ask_tools()
        return contract.parse_intake(self.answers, source="your answers")

    def _heading(self, title: str, note: str = "") -> None:
        self.console.print(Rule(title, align="left"))
        if note:
            self.console.print(note, style="dim")

    def _prompt(self, text: str) -> str:
        try:
            return self.console.input(f"[bold]{text}[/] ").strip()
        except EOFError:
            raise InputError(
                "the questionnaire ended before every question was answered; nothing was saved"
            ) from None
        except KeyboardInterrupt:
            raise InputError("stopped; nothing was saved") from None

    def _ask_each(self, questions: list[Question]) -> None:
        for question in questions:
            self._ask(question, required=False)

    def _ask(self, question: Question, *, required: bool) -> None:
        while True:
            typed = self._prompt(question.text)
            if not typed and not required:
                return
            if not typed:
                self.console.print("  Please answer yes, no or not sure.", style="yellow")
                continue
            if required and typed.lower() in NOT_SURE:
                return
            value = question.read(typed)
            problem = _check(question.section, {question.field: value})
            if problem is None:
                self.answers.setdefault(question.section, {})[question.field] = value
                return
            self._complain(problem)

    def _ask_activities(self) -> None:
        activities = []
        for kind, words in _SPORT_WORDS.items():
            question = f"How many times a week do you {words}? (Enter for none)"
            while True:
                typed = self._prompt(question)
                if not typed:
                    break
                entry = {"kind": kind.value, "sessions_per_week": _number(typed)}
                problem = _check_model(contract.Activity, entry)
                if problem is None:
                    activities.append(entry)
                    break
                self._complain(problem)
        if activities:
            self.answers.setdefault("lifestyle", {})["activities"] = activities

    def _ask_injuries(self) -> None:
        options = ", ".join(kind.value for kind in contract.InjuryKind)
        while True:
            typed = self._prompt(f"Old injuries, comma-separated ({options}), or Enter for none:")
            chosen = [part.strip() for part in typed.split(",") if part.strip()]
            if not chosen:
                return
            problem = _check("history", {"injuries": chosen})
            if problem is None:
                self.answers.setdefault("history", {})["injuries"] = chosen
                return
            self._complain(problem)

    def _ask_surgeries(self) -> None:
        regions = ", ".join(region.value for region in contract.SurgeryRegion)
        surgeries: list[dict[str, Any]] = []
        while True:
            more = "another" if surgeries else "an"
            typed = self._prompt(f"Have you had {more} operation? Where ({regions}), or Enter:")
            if not typed:
                break
            weeks = self._prompt("How many weeks ago was it?")
            entry = {"region": typed.lower(), "weeks_ago": _number(weeks)}
            problem = _check_model(contract.Surgery, entry)
            if problem is None:
                surgeries.append(entry)
            else:
                self._complain(problem)
        if surgeries:
            self.answers.setdefault("history", {})["surgeries"] = surgeries

    def _ask_red_flags(self) -> None:
        rules = {rule.id: rule for rule in load_knowledge_base().safety_rules}
        for flag in RedFlagId:
            question = Question("red_flags", flag.value, rules[flag].question, _yes_no)
            self._ask(question, required=True)

    def _ask_tools(self) -> None:
        options = ", ".join(choice.value for choice in contract.ToolChoice)
        while True:
            typed = self._prompt(f"Which release tools do you own? Comma-separated ({options}):")
            chosen = [part.strip() for part in typed.split(",") if part.strip()]
            if not chosen:
                return
            problem = _check_tools(chosen)
            if problem is None:
                self.answers["tools"] = chosen
                return
            self._complain(problem)

    def _complain(self, problem: FieldProblem) -> None:
        self.console.print(f"  {problem.problem}. Please try again.", style="yellow")


def _check(section: str, fields: dict[str, Any]) -> FieldProblem | None:
    return _check_model(_SECTION_MODELS[section], fields)


def _check_model(model: type[BaseModel], data: dict[str, Any]) -> FieldProblem | None:
    try:
        validate_document(model, data, source="answer")
    except InvalidDocument as error:
        return error.problems[0]
    return None


def _check_tools(chosen: list[str]) -> FieldProblem | None:
    try:
        contract.parse_intake({"schema": contract.INTAKE_SCHEMA, "tools": chosen})
    except InvalidDocument as error:
        return error.problems[0]
    return None


def run(*, out: Path, force: bool, person: str, save: bool) -> None:
    """Ask, write the intake file, show the assessment, and store both."""
    person = care.check_person_label(person)
    if out.exists() and not force:
        problem = FieldProblem("--out", f"{out} already exists; choose another file or add --force")
        raise InvalidDocument("psoas intake", [problem])
    console = render.console
    answers = Questionnaire(console).ask_all()
    write_intake(answers, out)
    console.print(f"\nWrote your answers to {out}.", style="green")
    assessment = care.assessment_of(answers)
    render.assessment(assessment)
    if save:
        with store(load_settings()) as database:
            saved = care.save_assessment(
                database, person=person, intake=answers, source=str(out), assessment=assessment
            )
        render.saved(saved, database.address)
    console.print(f"Next: psoas plan {out}")


def write_intake(answers: contract.Intake, out: Path) -> None:
    """Write the intake as YAML, atomically, so a failure never leaves half a file."""
    text = "# psoas intake, written by `psoas intake`. Edit freely; check with `psoas assess`.\n"
    text += yaml.safe_dump(answers.to_document(), sort_keys=False, allow_unicode=True)
    directory = out.resolve().parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".intake-", suffix=".yaml")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, out)
    except OSError as error:
        problem = FieldProblem("--out", f"cannot write {out}: {error.strerror}")
        raise InvalidDocument("psoas intake", [problem]) from None
