"""``psoas intake``: the intake asked as questions, re-asking until each answer is valid.

Ordinary questions may be skipped with Enter (the answer stays *unknown*).
Safety questions may not: pregnancy, a recent operation, every warning sign,
the artery questions and the health-conditions checklist each need an answer,
and "not sure" is an answer that leaves the question open (and release off),
so a missed keystroke never passes as "no". The safety questions and their
groups come from the knowledge base (``questions.yaml``), the same words the
web form uses. Each answer is checked by the same contract models as a file,
so the messages match ``psoas assess``.

``psoas intake --from-last`` asks the same questions with the person's stored answers
as defaults: Enter keeps each, and a stored "not sure" (a safety question left out)
is kept as "not sure", never turned into "no".
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from rich.console import Console
from rich.rule import Rule

from psoas.cli import render
from psoas.cli.commands import save_and_tell, stored_answers
from psoas.content import load_knowledge_base
from psoas.content.models import Question as SafetyQuestion
from psoas.content.names import choice_of, names_of
from psoas.content.vocabulary import QuestionId, ThresholdId
from psoas.content.words import say
from psoas.core import intake as contract
from psoas.core.validation import validate_document
from psoas.errors import FieldProblem, InputError, InvalidDocument
from psoas.services import care

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
    "vascular_risk": contract.VascularRisk,
    "conditions": contract.Conditions,
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


AGE_NOTE = (
    "psoas offers release only once it knows your age; press Enter if you would rather not say."
)

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
    Question("symptoms", "hip_stiffness", "Do your hips feel stiff? (yes/no)", _yes_no),
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


MISSING: Any = object()
"""A question with no stored answer."""


def shown(value: Any) -> str:
    """A stored answer as the terminal shows it: yes, no, a number, a list."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        return ", ".join(str(part) for part in value) or say("intake.shown_none")
    return str(value)


class Questionnaire:
    """Asks the questions on a console and builds the intake document.

    ``defaults``: stored answers (an intake document) offered at each question, kept
    with Enter; without them a question starts blank.
    """

    def __init__(self, console: Console, *, defaults: dict[str, Any] | None = None) -> None:
        self.console = console
        self.answers: dict[str, Any] = {"schema": contract.INTAKE_SCHEMA}
        self.defaults = defaults

    def _stored(self, section: str, field: str | None = None) -> Any:
        """The stored answer to a question, or MISSING (also when nothing is offered)."""
        if self.defaults is None:
            return MISSING
        found = self.defaults.get(section, MISSING)
        if field is None or found is MISSING:
            return found
        return found.get(field, MISSING)

    def _set(self, section: str, field: str, value: Any) -> None:
        self.answers.setdefault(section, {})[field] = value

    def ask_all(self) -> contract.Intake:
        """Ask every question in order; returns the validated intake."""
        knowledge = load_knowledge_base()
        self.questions = {q.id: q for q in knowledge.questions}
        self.groups = {group.id: group for group in knowledge.question_groups}
        self._group_heading("about_you")
        self._ask(self._safety(QuestionId.AGE, _number), required=False, note=AGE_NOTE)
        self._ask_choice(self.questions[QuestionId.PREGNANT])
        self._heading("Your day", "Press Enter to skip any of these.")
        self._ask_each(_LIFESTYLE[:2])
        self._ask_activities()
        self._ask_each(_LIFESTYLE[2:])
        self._heading("Posture and strength")
        self._ask_each(_BODY)
        self._group_heading("operations")
        self._ask_injuries()
        self._ask_operations()
        self._group_heading("symptoms")
        for question in (QuestionId.LOW_BACK_PAIN, QuestionId.HIP_PAIN):
            self._ask(self._safety(question, _number), required=False)
        self._ask(self._safety(QuestionId.GROIN_OR_HIP_REFERRAL, _yes_no), required=False)
        self._ask_each(_SYMPTOMS)
        self._group_heading("red_flags")
        self._ask_group("red_flags")
        age = self.answers.get("person", {}).get("age")
        if age is None or age >= knowledge.threshold(ThresholdId.AORTIC_AGE_WITH_RISK):
            self._group_heading("vascular")
            self._ask_group("vascular")
        else:  # not asked now: what was said before stays
            self._keep_group("vascular")
        self._group_heading("conditions")
        self._ask_checklist("conditions")
        self._heading("Tools")
        self._ask_tools()
        return contract.parse_intake(self.answers, source="your answers")

    def _safety(self, question: QuestionId, read: Callable[[str], Any]) -> Question:
        found = self.questions[question]
        section, field = found.field.split(".")
        hint = " (yes/no/not sure)" if read is _yes_no else ""
        return Question(section, field, found.text + hint, read)

    def _group_heading(self, group: str) -> None:
        self._heading(self.groups[group].title, self.groups[group].note)

    def _ask_group(self, group: str) -> None:
        for question in self.questions.values():
            if question.group == group and not question.asked_with and not question.choices:
                self._ask(self._safety(question.id, _yes_no), required=True)

    def _keep_group(self, group: str) -> None:
        """The stored answers to a group's questions, kept as they are without asking."""
        for question in self.questions.values():
            section, field = question.field.split(".")
            stored = self._stored(section, field)
            if question.group == group and stored is not MISSING:
                self._set(section, field, stored)

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

    def _ask(self, question: Question, *, required: bool, note: str = "") -> None:
        if note:
            self.console.print(note, style="dim")
        stored = self._stored(question.section, question.field)
        text = question.text
        if stored is not MISSING:
            keep = "intake.keep" if required else "intake.keep_or_clear"
            text += " " + say(keep, answer=shown(stored))
        elif required and self.defaults is not None:  # left open before: Enter leaves it open
            text += " " + say("intake.keep", answer=say("intake.shown_not_sure"))
        while True:
            typed = self._prompt(text)
            if not typed and stored is not MISSING:
                self._set(question.section, question.field, stored)
                return
            if not typed and (not required or self.defaults is not None):
                return
            if not required and typed.lower() in NOT_SURE:
                return
            if not typed:
                self.console.print("  Please answer yes, no or not sure.", style="yellow")
                continue
            if required and typed.lower() in NOT_SURE:
                return
            value = question.read(typed)
            if required and not isinstance(value, bool):
                self.console.print("  Please answer yes, no or not sure.", style="yellow")
                continue
            problem = _check(question.section, {question.field: value})
            if problem is None:
                self._set(question.section, question.field, value)
                return
            self._complain(problem)

    def _ask_activities(self) -> None:
        activities: list[dict[str, Any]] = []
        stored = self._stored("lifestyle", "activities")
        for kind, words in _SPORT_WORDS.items():
            kept = [a for a in stored if a["kind"] == kind.value] if stored is not MISSING else []
            times = shown([a["sessions_per_week"] for a in kept])
            hint = say("intake.keep_or_none", answer=times) if kept else "(Enter for none)"
            question = f"How many times a week do you {words}? {hint}"
            while True:
                typed = self._prompt(question)
                if not typed:
                    activities += kept
                    break
                if typed.lower() == "none":
                    break
                entry = {"kind": kind.value, "sessions_per_week": _number(typed)}
                problem = _check_model(contract.Activity, entry)
                if problem is None:
                    activities.append(entry)
                    break
                self._complain(problem)
        if activities or stored is not MISSING:  # a stored "none" ([]) stays known
            self._set("lifestyle", "activities", activities)

    def _ask_injuries(self) -> None:
        options = names_of(contract.InjuryKind)
        stored = self._stored("history", "injuries")
        hint = "or Enter for none"
        if stored is not MISSING:
            hint = say("intake.keep_or_none", answer=_names_or_none(contract.InjuryKind, stored))
        asked = f"Old injuries, comma-separated ({options}), {hint}:"
        while True:
            typed = self._prompt(asked)
            if typed.strip().lower() == "none":
                return
            chosen, problem = _chosen(contract.InjuryKind, typed, field="injuries")
            if not chosen and problem is None and stored is not MISSING and not typed.strip():
                self._set("history", "injuries", stored)
                return
            if not chosen and problem is None:
                return
            problem = problem or _check("history", {"injuries": chosen})
            if problem is None:
                self.answers.setdefault("history", {})["injuries"] = chosen
                return
            self._complain(problem)

    def _ask_operations(self) -> None:
        """The required "any operation in the last 12 weeks?", then where and when each was."""
        recent = self._safety(QuestionId.RECENT_SURGERY, _yes_no)
        self._ask(recent, required=True)
        regions = ", ".join(region.value for region in contract.SurgeryRegion)
        surgeries = self._stored_operations()
        while True:
            said = self.answers.get("history", {}).get("recent_surgery")
            more = "another" if surgeries else "an"
            typed = self._prompt(
                f"List {more} operation, recent or not: where ({regions}), or Enter when done:"
            ).lower()
            if not typed:
                within = [s for s in surgeries if s["weeks_ago"] < contract.SURGERY_WINDOW_WEEKS]
                if said is True and not within:
                    self.console.print(
                        "  You said you had an operation in the last 12 weeks: please say where "
                        "and when, so psoas knows what to leave out (or type 'no' if there was "
                        "none after all).",
                        style="yellow",
                    )
                    continue
                break
            if typed in NO and said is True:
                self.answers["history"]["recent_surgery"] = False  # changed their mind
                continue
            problem = _check_model(contract.Surgery, {"region": typed, "weeks_ago": 0})
            if problem is not None:  # say so before asking how long ago
                self._complain(problem)
                continue
            weeks = self._prompt("How many weeks ago was it?")
            entry = {"region": typed, "weeks_ago": _number(weeks)}
            problem = _check_model(contract.Surgery, entry) or _check(
                "history", {**self.answers.get("history", {}), "surgeries": [*surgeries, entry]}
            )
            if problem is None:
                surgeries.append(entry)
            else:
                self._complain(problem)
        if surgeries:
            self.answers.setdefault("history", {})["surgeries"] = surgeries

    def _stored_operations(self) -> list[dict[str, Any]]:
        """The stored operations, if the person keeps them (they may list them again instead)."""
        stored = self._stored("history", "surgeries")
        if stored is MISSING or not stored:
            return []
        listed = "; ".join(
            say("intake.weeks_ago", region=s["region"], count=s["weeks_ago"]) for s in stored
        )
        while True:
            typed = self._prompt(say("intake.keep_operations", operations=listed)).lower()
            if not typed or typed in YES:
                return [dict(surgery) for surgery in stored]
            if typed in NO:
                return []
            self.console.print("  Please answer yes or no.", style="yellow")

    def _ask_choice(self, question: SafetyQuestion) -> None:
        """A question with set answers (pregnancy): a number from the list, never a silent skip."""
        listed = "  ".join(f"{n}) {choice.label}" for n, choice in enumerate(question.choices, 1))
        kept = self._stored_choice(question)
        hint = "" if kept is None else " " + say("intake.keep", answer=question.choices[kept].label)
        while True:
            typed = self._prompt(f"{question.text}\n  {listed}\n  Your answer (a number){hint}:")
            chosen = kept if not typed else _choice(question, typed)
            if chosen is not None:
                for path, value in question.choices[chosen].sets.items():
                    section, field = path.split(".")
                    self.answers.setdefault(section, {})[field] = value
                return
            count = len(question.choices)
            self.console.print(f"  Please type a number from 1 to {count}.", style="yellow")

    def _stored_choice(self, question: SafetyQuestion) -> int | None:
        """Which choice gives exactly the stored answers to the fields the question sets."""
        return None if self.defaults is None else question.choice_answered(self.defaults)

    def _ask_checklist(self, group: str) -> None:
        """Tick what applies: numbers, 'none', or 'not sure' (then only what is known applies)."""
        items = [q for q in self.questions.values() if q.group == group]
        for n, question in enumerate(items, 1):
            self.console.print(f"  {n:2}) {question.short}")
        asked = (
            "Which of these apply to you now? Numbers separated by commas, 'none', or 'not sure'"
        )
        stored = {q.id: self._stored(*q.field.split(".")) for q in items}
        if self.defaults is not None:
            asked += " " + say("intake.keep", answer=_checklist_shown(items, stored))
        asked += ":"
        again = f"  Please type numbers from 1 to {len(items)}, 'none' or 'not sure'."
        while True:
            typed = self._prompt(asked).lower()
            if not typed and self.defaults is not None:
                for question in items:
                    if stored[question.id] is not MISSING:
                        section, field = question.field.split(".")
                        self._set(section, field, stored[question.id])
                return
            if not typed:
                self.console.print(again, style="yellow")
                continue
            unsure = typed in NOT_SURE
            if unsure:
                typed = self._prompt("Type the numbers you know apply, or Enter if none:")
            elif typed in {"none", *NO}:
                typed = ""
            picked = [part.strip() for part in typed.split(",") if part.strip()]
            if not all(part.isdigit() and 0 < int(part) <= len(items) for part in picked):
                self.console.print(again, style="yellow")
                continue
            chosen = {items[int(part) - 1].id for part in picked}
            for question in items:
                if question.id in chosen or not unsure:  # "not sure": the rest stay open
                    section, field = question.field.split(".")
                    self.answers.setdefault(section, {})[field] = question.id in chosen
            return

    def _ask_tools(self) -> None:
        options = names_of(contract.ToolChoice)
        stored = self._stored("tools")
        hint = ""
        if stored is not MISSING:
            hint = " " + say("intake.keep", answer=_names_or_none(contract.ToolChoice, stored))
        while True:
            typed = self._prompt(
                f"Which release tools do you own? Comma-separated ({options}){hint}:"
            )
            chosen, problem = _chosen(contract.ToolChoice, typed, field="tools")
            if not chosen and problem is None and stored is not MISSING:
                self.answers["tools"] = stored
                return
            if not chosen and problem is None:
                return
            problem = problem or _check_tools(chosen)
            if problem is None:
                self.answers["tools"] = chosen
                return
            self._complain(problem)

    def _complain(self, problem: FieldProblem) -> None:
        self.console.print(f"  {problem.problem}. Please try again.", style="yellow")


def _choice(question: SafetyQuestion, typed: str) -> int | None:
    """Which of a question's choices was typed: its number, or its words ("no", "not sure")."""
    if typed.isdigit() and 0 < int(typed) <= len(question.choices):
        return int(typed) - 1
    lowered = typed.lower()
    for index, choice in enumerate(question.choices):
        label = choice.label.lower()
        if lowered == label or (lowered in NO and label == "no"):
            return index
        if lowered in NOT_SURE and label == "not sure":
            return index
    return None


def _checklist_shown(items: list[SafetyQuestion], stored: dict[QuestionId, Any]) -> str:
    """The stored ticks of a checklist as they would be typed: numbers, none, or not sure."""
    ticked = [str(n) for n, question in enumerate(items, 1) if stored[question.id] is True]
    if any(value is MISSING for value in stored.values()):
        return ", ".join([say("intake.shown_not_sure"), *ticked])
    return ", ".join(ticked) or say("intake.shown_none")


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


def run(*, out: Path, force: bool, person: str, save: bool, from_last: bool = False) -> None:
    """Ask (with the stored answers as defaults ``from_last``), write the file, assess, store."""
    person = care.check_person_label(person)
    if out.exists() and not force:
        problem = FieldProblem("--out", f"{out} already exists; choose another file or add --force")
        raise InvalidDocument("psoas intake", [problem])
    console = render.console
    defaults = None
    if from_last:
        stored = stored_answers(person)
        day = stored.screened_at.astimezone().date().isoformat()
        console.print(say("intake.from_last_intro", day=day), style="dim")
        defaults = stored.intake.to_document()
    answers = Questionnaire(console, defaults=defaults).ask_all()
    write_intake(answers, out)
    console.print(f"\nWrote your answers to {out}.", style="green")
    assessment = care.assessment_of(answers)
    render.assessment(assessment)
    if save:
        save_and_tell(
            lambda database: care.save_assessment(
                database,
                person=person,
                intake=answers,
                source=str(out),
                assessment=assessment,
                answered_now=True,
            ),
            person=person,
        )
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


def _names_or_none(kind: type[StrEnum], stored: list[str]) -> str:
    """Stored ids as the names a person reads, or "none" for an empty list."""
    return names_of(kind(value) for value in stored) if stored else shown(stored)


def _chosen(
    kind: type[StrEnum], typed: str, *, field: str
) -> tuple[list[str], FieldProblem | None]:
    """Comma-separated answers, each by its name or its id, as ids; or what was not known."""
    chosen = []
    for part in (part.strip() for part in typed.split(",")):
        if part:
            try:
                chosen.append(choice_of(kind, part).value)
            except ValueError as error:
                return [], FieldProblem(field, f"{part!r}: {error}")
    return chosen, None
