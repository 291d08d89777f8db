"""Pydantic models that every knowledge-base YAML file is checked against at load.

The knowledge base is data, but it is tested like code: a misspelt key, a
missing dose or an unknown id fails loudly when the file is read, not when a
person is shown a half-empty page.
"""

import string
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from psoas.content.listing import Listed
from psoas.content.vocabulary import (
    SCREENED_CONDITIONS,
    AdverseEventId,
    Cadence,
    CareAction,
    DerivedConditionId,
    FactorId,
    MedicalConditionId,
    MetricId,
    QuestionId,
    RedFlagId,
    SafetyLevel,
    TechniqueKind,
    ThresholdId,
    ToolId,
    VascularRiskId,
)

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=3, strip_whitespace=True)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Muscle(_Entry):
    """A muscle of the iliopsoas group or one that works closely with it."""

    id: Id
    name: Text
    origin: Text
    insertion: Text
    actions: list[Text] = Field(min_length=1)
    notes: list[Text] = []


class Neighbour(_Entry):
    """A structure next to the psoas that matters for safety or for symptoms."""

    id: Id
    name: Text
    relation: Text
    """Where it lies relative to the psoas."""
    why_it_matters: Text


class Anatomy(_Entry):
    """The anatomy section of the knowledge base."""

    summary: Text
    muscles: list[Muscle] = Field(min_length=3)
    neighbours: list[Neighbour] = Field(min_length=4)


class Cause(_Entry):
    """One of the six causes that tighten the psoas."""

    id: FactorId
    name: Text
    mechanism: Text
    signs: list[Text] = Field(min_length=1)
    addressed_by: list[Id] = Field(min_length=1)
    """Technique ids that work on this cause; checked to exist at load."""


class Dose(_Entry):
    """How much of a technique: at least one of the amounts must be given."""

    sets: int | None = Field(default=None, ge=1, le=10)
    reps: int | None = Field(default=None, ge=1, le=50)
    hold_seconds: int | None = Field(default=None, ge=1, le=600)
    duration_minutes: int | None = Field(default=None, ge=1, le=120)
    breath_in_seconds: int | None = Field(default=None, ge=2, le=10)
    breath_out_seconds: int | None = Field(default=None, ge=2, le=12)
    per_side: bool = False

    def describe(self) -> str:
        """The dose in a few words, e.g. ``2 sets × 30 s hold, each side``."""
        parts = []
        amount = []
        if self.sets:
            amount.append(f"{self.sets} sets" if self.sets > 1 else "1 set")
        if self.reps:
            amount.append(f"{self.reps} reps")
        if self.hold_seconds:
            amount.append(f"{self.hold_seconds} s hold")
        if amount:
            parts.append(" × ".join(amount))
        if self.duration_minutes:
            parts.append(f"{self.duration_minutes} min")
        if self.breath_in_seconds and self.breath_out_seconds:
            parts.append(f"breathe {self.breath_in_seconds} s in, {self.breath_out_seconds} s out")
        if self.per_side:
            parts.append("each side")
        return ", ".join(parts)

    @model_validator(mode="after")
    def _has_an_amount(self) -> Self:
        amounts = (self.sets, self.reps, self.hold_seconds, self.duration_minutes)
        if all(amount is None for amount in amounts):
            raise ValueError("a dose needs sets, reps, hold_seconds or duration_minutes")
        return self


class Schedule(_Entry):
    """The countable side of ``frequency``: what adherence and reminders are measured against."""

    cadence: Cadence
    times_per_week: int | None = Field(default=None, ge=1, le=7)

    @model_validator(mode="after")
    def _weekly_says_how_often(self) -> Self:
        if (self.cadence is Cadence.WEEKLY) != (self.times_per_week is not None):
            raise ValueError("times_per_week is given for a weekly cadence, and only then")
        return self

    @property
    def per_week(self) -> int:
        """How many days a week it is due (0 for once, and for what comes with a release).

        Movement breaks count on the five working days, when the sitting happens.
        """
        if self.cadence is Cadence.DAILY:
            return 7
        if self.cadence is Cadence.HOURLY_WHILE_SITTING:
            return 5
        return self.times_per_week or 0


class Technique(_Entry):
    """A thing a person or practitioner does, with everything needed to do it safely."""

    id: Id
    name: Text
    kind: TechniqueKind
    summary: Text
    tool: ToolId | None = None
    steps: list[Text] = Field(min_length=1)
    dose: Dose
    frequency: Text
    schedule: Schedule
    cues: list[Text] = Field(min_length=1)
    sensations: list[Text] = Field(min_length=1)
    """What a person can expect to feel when it goes as it should."""
    cautions: list[Text] = Field(min_length=1)
    excluded_by: list[RedFlagId | MedicalConditionId | VascularRiskId | DerivedConditionId] = []
    """Red flags and conditions that rule this technique out."""
    stands_in_for: list[Id] = []
    """Techniques this one replaces: it is offered only where one of them is ruled out."""
    offered_with: list[RedFlagId | MedicalConditionId | VascularRiskId | DerivedConditionId] = []
    """Conditions under which the plan offers this technique in any case (it suits them)."""
    for_standing_desk: bool = False
    """Offered only to a person who said they use a standing desk (intake ``standing_desk``)."""

    @model_validator(mode="after")
    def _tool_matches_kind(self) -> Self:
        if (self.kind is TechniqueKind.SELF_RELEASE) != (self.tool is not None):
            raise ValueError("a self_release technique names its tool, and no other kind does")
        _no_duplicates(f"{self.id} excluded_by", [str(c) for c in self.excluded_by])
        return self


class Tool(_Entry):
    """A self-release tool and the technique that uses it."""

    id: ToolId
    name: Text
    short_name: Annotated[str, StringConstraints(min_length=2, strip_whitespace=True)]
    """How a spoken cue names it: "your {short_name}"."""
    description: Text
    technique: Id


class SafetyRule(_Entry):
    """What one condition the screen can find means, in words a lay person understands."""

    id: RedFlagId | MedicalConditionId | VascularRiskId | DerivedConditionId
    finding: Text
    """What was found, in a few words."""
    level: SafetyLevel
    action: CareAction
    message: Text
    blocks_self_release: bool
    """Whether, when present, sustained abdominal pressure is ruled out."""
    basis: Text
    """Why the rule is as it is: the framework, guideline or reasoning behind it."""

    @model_validator(mode="after")
    def _level_is_a_finding(self) -> Self:
        if self.level is SafetyLevel.CLEAR:
            raise ValueError("a safety rule raises the level above 'clear'")
        return self


class MeaningfulChange(_Entry):
    """The smallest change that matters to a person: so many points, or so much of the start."""

    points: float = Field(gt=0)
    percent: float | None = Field(default=None, gt=0, le=100)
    source: Text
    """Where the threshold comes from (a study, a guideline, or 'psoas convention')."""


class Threshold(_Entry):
    """A number a safety or progress rule turns on, and where it comes from."""

    id: ThresholdId
    value: float
    unit: Text
    means: Text
    """What happens at this number, in plain words."""
    source: Text
    """The study or guideline behind it, or why psoas chose it where none gives one."""


FieldPath = Annotated[str, StringConstraints(pattern=r"^[a-z_]+\.[a-z_]+$")]
"""A field of the intake contract, as ``section.field``."""


class QuestionGroup(_Entry):
    """A group of safety questions the faces ask together, with a heading and a note."""

    id: Id
    title: Text
    note: Text


class Choice(_Entry):
    """One answer to a question asked as a choice, and the contract fields it sets."""

    label: Annotated[str, StringConstraints(min_length=2, strip_whitespace=True)]
    sets: dict[FieldPath, bool]
    """Fields and values; empty means the answer leaves them unanswered ("not sure")."""


class Question(_Entry):
    """A question the safety screen reads: where its answer goes, and how it is asked."""

    id: QuestionId
    field: FieldPath
    group: Id
    short: Text
    """A few words for lists and checklists."""
    text: Text
    why: Text
    """Why it matters for safety, in one sentence or two."""
    choices: list[Choice] = []
    """When set, the faces offer these answers instead of yes / no / not sure."""
    asked_with: QuestionId | None = None
    """Asked as part of another question's choices, not on its own."""

    def choice_answered(self, answers: Mapping[str, Any]) -> int | None:
        """Which of :attr:`choices` (0, 1, ...) sets exactly what ``answers`` (an intake
        document) holds for the fields the choices set; None when none does."""
        paths = {path for choice in self.choices for path in choice.sets}
        given = {path: value for path in paths if (value := answer_at(answers, path)) is not None}
        return next(
            (n for n, choice in enumerate(self.choices) if dict(choice.sets) == given), None
        )


def answer_at(answers: Mapping[str, Any] | None, path: str) -> Any:
    """The answer at a dotted ``path`` of an intake document; None when not answered."""
    found: Any = answers
    for part in path.split("."):
        if not isinstance(found, Mapping):
            return None
        found = found.get(part)
    return found


GATE_PLACEHOLDERS = frozenset({"measure", "value", "day", "rise", "reference", "weeks", "signs"})
"""The only names a gate message may fill in."""

GateText = Annotated[
    Text, AfterValidator(lambda text: _only_placeholders(text, GATE_PLACEHOLDERS, "a gate message"))
]


class AdverseEventInfo(_Entry):
    """Something that went wrong during or after a release: how it is offered and what follows."""

    id: AdverseEventId
    label: Text
    level: SafetyLevel
    """Urgent: stop and seek care. Caution: release paused until a new screen."""
    message: Text

    @model_validator(mode="after")
    def _urgent_or_caution(self) -> Self:
        if self.level not in (SafetyLevel.CAUTION, SafetyLevel.URGENT):
            raise ValueError("an adverse event is 'urgent' or 'caution'")
        return self


class PainReferences(_Entry):
    """How the two starting points a pain rise is measured from are named."""

    intake: GateText
    baseline: GateText


class Gates(_Entry):
    """What pauses self-release between screens, and the words that say so."""

    pain_high: GateText
    pain_risen: GateText
    changed_since: GateText
    """Asked before every release, in both faces."""
    say_if_changed: GateText
    something_changed_browser: GateText
    warning_sign: GateText
    something_changed: GateText
    screen_old: GateText
    headline_paused: GateText
    headline_urgent: GateText
    tick_what_happened: GateText
    answer_first: GateText
    """The headline of a screen that awaits answers to urgent-level questions."""
    no_screen: GateText
    screen_rules_out: GateText
    screen_unanswered: GateText
    answer_again_terminal: GateText
    resubmitted_terminal: GateText
    answer_again_report: GateText
    answer_again_browser: GateText
    references: PainReferences
    adverse_events: list[AdverseEventInfo]


class MeasureInfo(_Entry):
    """One thing psoas tracks over time: what it is, its unit, and which way is better."""

    id: MetricId
    name: Text
    unit: Text
    better: Literal["lower", "higher"]
    meaningful_change: MeaningfulChange | None = None
    """None where no threshold is established: the change is shown without a verdict."""
    explanation: Text


CUE_PLACEHOLDERS = frozenset({"tool", "side", "placement", "placements"})
"""The only names a session cue may fill in; anything else is a typo caught at load."""


def _only_placeholders(text: str, allowed: frozenset[str], what: str) -> str:
    """``text`` unchanged, or an error naming a ``{placeholder}`` that is not allowed."""
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None and name not in allowed:
            names = ", ".join("{" + n + "}" for n in sorted(allowed))
            raise ValueError(f"unknown placeholder {{{name}}}; {what} may use {names}")
    return text


CueText = Annotated[
    Text, AfterValidator(lambda text: _only_placeholders(text, CUE_PLACEHOLDERS, "a cue"))
]


class ScriptStep(_Entry):
    """What one step of a guided session is called and what is said when it starts."""

    title: CueText
    cue: CueText


class PrepareScript(ScriptStep):
    """The first step: what to have ready before any pressure goes on."""

    checklist: list[CueText] = Field(min_length=3)


class Movement(ScriptStep):
    """A pin-and-stretch movement made while the pressure is held."""

    id: Id
    moves_the_hip: bool
    """Left out for someone whose hip was operated on recently."""


class KindScript(_Entry):
    """The steps that differ between a self-release and a practitioner's manual release."""

    prepare: PrepareScript
    placements: list[ScriptStep] = Field(min_length=1)
    """What is said at each spot on one side, first spot first."""
    shift: ScriptStep
    change_sides: ScriptStep
    movements: list[Movement] = Field(min_length=1)

    @model_validator(mode="after")
    def _a_movement_spares_the_hip(self) -> Self:
        if all(movement.moves_the_hip for movement in self.movements):
            raise ValueError("at least one movement must leave the hip still")
        return self


class SecondsRange(_Entry):
    """An inclusive range of whole numbers."""

    min: int = Field(ge=1)
    max: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min > self.max:
            raise ValueError("min must not be above max")
        return self


class Spoken(_Entry):
    """The short phrases a voice says between the step cues."""

    breathe_in: Text
    breathe_out: Text
    half_way: Text
    paused: Text
    resumed: Text
    finished: Text


class SessionScript(_Entry):
    """What a guided session says, and how much release each side gets."""

    placements_per_side: SecondsRange
    hold_seconds: SecondsRange
    breathing_technique: Id
    manual_technique: Id
    warm_up: ScriptStep
    breathing: list[ScriptStep] = Field(min_length=1)
    reassess: ScriptStep
    hip_sparing: Text
    """Why a session for someone after recent hip surgery has no leg movements."""
    self_release: KindScript
    manual_release: KindScript
    spoken: Spoken

    @model_validator(mode="after")
    def _enough_placements(self) -> Self:
        kinds = {"self_release": self.self_release, "manual_release": self.manual_release}
        for name, kind in kinds.items():
            if len(kind.placements) < self.placements_per_side.max:
                raise ValueError(
                    f"{name} has {len(kind.placements)} placement cues; "
                    f"placements_per_side allows {self.placements_per_side.max}"
                )
        return self


class KnowledgeBase(_Entry):
    """Everything psoas knows, loaded and cross-checked as one object."""

    anatomy: Anatomy
    causes: list[Cause]
    techniques: list[Technique]
    tools: list[Tool]
    safety_rules: list[SafetyRule]
    session: SessionScript
    measures: list[MeasureInfo]
    thresholds: list[Threshold]
    question_groups: list[QuestionGroup]
    questions: list[Question]
    gates: Gates

    def entries(self) -> list[tuple[Listed, BaseModel]]:
        """Every entry a person can look up, each with the line that lists it."""
        anatomy = self.anatomy
        found: list[tuple[Listed, BaseModel]] = [
            *((Listed("anatomy", m.id, "muscle", m.name), m) for m in anatomy.muscles),
            *((Listed("anatomy", n.id, "neighbour", n.name), n) for n in anatomy.neighbours),
            *((Listed("causes", c.id, "cause", c.name), c) for c in self.causes),
            *((Listed("techniques", t.id, t.kind.value, t.name), t) for t in self.techniques),
            *((Listed("tools", t.id, "tool", t.name), t) for t in self.tools),
            *((Listed("safety", r.id, r.level.value, r.finding), r) for r in self.safety_rules),
            *(
                (Listed("thresholds", t.id, "threshold", f"{t.value:g} {t.unit}"), t)
                for t in self.thresholds
            ),
        ]
        return found

    def listing(self) -> list[Listed]:
        """The line of every entry (:meth:`entries` without the entries)."""
        return [listed for listed, _ in self.entries()]

    def measure(self, metric: MetricId) -> MeasureInfo:
        """What one tracked measure is (every metric has an entry; checked at load)."""
        return next(info for info in self.measures if info.id == metric)

    def threshold(self, threshold: ThresholdId) -> float:
        """The value of one sourced threshold (every id has an entry; checked at load)."""
        return next(entry.value for entry in self.thresholds if entry.id == threshold)

    def question(self, question: QuestionId) -> Question:
        """One safety question (every id has an entry; checked at load)."""
        return next(entry for entry in self.questions if entry.id == question)

    def rule(self, condition: str) -> SafetyRule:
        """The rule for one condition the screen can find (every one has a rule)."""
        return next(rule for rule in self.safety_rules if rule.id == condition)

    def adverse_event(self, event: AdverseEventId) -> AdverseEventInfo:
        """What one adverse event means (every id has an entry; checked at load)."""
        return next(info for info in self.gates.adverse_events if info.id == event)

    @model_validator(mode="after")
    def _references_resolve(self) -> Self:
        technique_ids = [technique.id for technique in self.techniques]
        _no_duplicates("technique", technique_ids)
        anatomy = self.anatomy
        anatomy_ids = [m.id for m in anatomy.muscles] + [n.id for n in anatomy.neighbours]
        _no_duplicates("anatomy", anatomy_ids)
        known = set(technique_ids)
        for cause in self.causes:
            _all_known(f"cause {cause.id}", cause.addressed_by, known)
        by_id = {technique.id: technique for technique in self.techniques}
        for tool in self.tools:
            _all_known(f"tool {tool.id}", [tool.technique], known)
            if by_id[tool.technique].tool != tool.id:
                raise ValueError(f"tool {tool.id}: {tool.technique} is not a release with it")
        for technique in self.techniques:
            _all_known(f"{technique.id} stands_in_for", technique.stands_in_for, known)
        self._releases_exclude_what_blocks_them()
        self._session_script_resolves(by_id)
        _exactly("cause", [c.id for c in self.causes], list(FactorId))
        _exactly("tool", [t.id for t in self.tools], list(ToolId))
        _exactly("measure", [m.id for m in self.measures], list(MetricId))
        _exactly("safety rule", [r.id for r in self.safety_rules], list(SCREENED_CONDITIONS))
        _exactly("threshold", [t.id for t in self.thresholds], list(ThresholdId))
        _exactly("question", [q.id for q in self.questions], list(QuestionId))
        _exactly("adverse event", [e.id for e in self.gates.adverse_events], list(AdverseEventId))
        self._questions_resolve()
        return self

    def _questions_resolve(self) -> None:
        groups = {group.id for group in self.question_groups}
        for question in self.questions:
            if question.group not in groups:
                raise ValueError(f"question {question.id}: unknown group {question.group!r}")
            for choice in question.choices:
                if choice.sets and question.field not in choice.sets:
                    raise ValueError(f"question {question.id}: {choice.label!r} must set its field")

    def _session_script_resolves(self, by_id: dict[str, Technique]) -> None:
        script = self.session
        _all_known("session", [script.breathing_technique, script.manual_technique], set(by_id))
        breathing = by_id[script.breathing_technique].dose
        if not (breathing.breath_in_seconds and breathing.breath_out_seconds):
            raise ValueError(f"session: {script.breathing_technique} has no breath timing")
        if by_id[script.manual_technique].kind is not TechniqueKind.MANUAL_RELEASE:
            raise ValueError(f"session: {script.manual_technique} is not a manual release")

    def _releases_exclude_what_blocks_them(self) -> None:
        """Sustained-pressure techniques list every condition that blocks self-release."""
        blocking = {rule.id for rule in self.safety_rules if rule.blocks_self_release}
        pressure = (TechniqueKind.SELF_RELEASE, TechniqueKind.MANUAL_RELEASE)
        for technique in self.techniques:
            if technique.kind in pressure:
                missing = sorted(str(c) for c in blocking - set(technique.excluded_by))
                if missing:
                    raise ValueError(f"{technique.id} must be excluded by: {', '.join(missing)}")


def _no_duplicates(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for entry_id in ids:
        if entry_id in seen:
            raise ValueError(f"{what} id {entry_id!r} is defined twice")
        seen.add(entry_id)


def _all_known(owner: str, ids: list[str], known: set[str]) -> None:
    missing = sorted(set(ids) - known)
    if missing:
        raise ValueError(f"{owner} refers to unknown technique ids: {', '.join(missing)}")


def _exactly(what: str, ids: list[str], expected: list[str]) -> None:
    _no_duplicates(what, [str(i) for i in ids])
    missing = sorted(set(expected) - set(ids))
    if missing:
        raise ValueError(f"no {what} for: {', '.join(missing)}")
