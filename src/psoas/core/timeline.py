"""The guided-session contract (``psoas.session/1``): the timed steps a session follows.

A timeline is built from a kind (``self_release`` with the person's tool, or
``manual_release`` led by a practitioner), a length in minutes and the
knowledge base, in the contract's phase order::

    prepare > warm_up > breathing > release (left, then right) > pin_and_stretch > reassess

How the minutes are shared out, in order:

1. Release first, because it is what the session is for: two or three spots a
   side (``placements_per_side`` in the session script) held for 60 to 120 s
   (``hold_seconds``), both growing with the length and reaching their most at
   :data:`FULL_DOSE_MINUTES`, with a short step to move the tool between spots
   and one to change sides.
2. What is left goes to preparation, warm-up, the pin-and-stretch movements and
   the reassessment, each a share of it within a floor and a ceiling.
3. Breathing takes the rest (at least :data:`SHORTEST_BREATHING`), split into steps of at most
   :data:`LONGEST_BREATHING_STEP` seconds.

Every duration is a multiple of 5 s, so the steps touch end to start and sum
to the total exactly. :class:`Timeline` checks those invariants itself, so a
timeline read back from the store or a file is held to them too.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from psoas.content.models import KindScript, KnowledgeBase, ScriptStep, Tool
from psoas.content.vocabulary import ToolId
from psoas.errors import FieldProblem, InvalidDocument

SESSION_SCHEMA: Literal["psoas.session/1"] = "psoas.session/1"

DEFAULT_MINUTES = 20
MIN_MINUTES = 10
MAX_MINUTES = 45

FULL_DOSE_MINUTES = 30
"""From this length on, every hold is as long as the script allows."""
ALL_PLACEMENTS_FROM_MINUTES = 15
"""Shorter sessions work the fewest spots a side; from here on, the most."""
LONGEST_BREATHING_STEP = 300
"""A long breathing phase is split so the cue changes at least every five minutes."""
SHORTEST_BREATHING = 60
"""Six slow breaths at least; the shortest sessions take this from the warm-up."""
GRAIN = 5
"""Every duration is a multiple of this many seconds."""

# Share of the time left after release, with floor and ceiling in seconds. Floors are
# what a person needs to hear the cue and do it; ceilings keep long sessions from
# turning into ten minutes of checklist.
_SHARES: dict[str, tuple[float, int, int]] = {
    "prepare": (0.15, 40, 180),
    "warm_up": (0.20, 45, 300),
    "movement": (0.09, 30, 120),  # each pin-and-stretch movement, per side
    "reassess": (0.12, 40, 180),
}


class SessionKind(StrEnum):
    """Who applies the pressure."""

    SELF_RELEASE = "self_release"
    MANUAL_RELEASE = "manual_release"


class Phase(StrEnum):
    """A part of a session, in the order a session goes through them."""

    PREPARE = "prepare"
    WARM_UP = "warm_up"
    BREATHING = "breathing"
    RELEASE = "release"
    PIN_AND_STRETCH = "pin_and_stretch"
    REASSESS = "reassess"

    @property
    def rank(self) -> int:
        """Position in the session's order."""
        return list(Phase).index(self)


class Side(StrEnum):
    """Which side of the body a step works."""

    LEFT = "left"
    RIGHT = "right"


class BreathPattern(BaseModel):
    """A paced breath: so many seconds in, so many out, over and over."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    in_seconds: float = Field(gt=0, le=20)
    out_seconds: float = Field(gt=0, le=20)

    @property
    def cycle_seconds(self) -> float:
        """One whole breath."""
        return self.in_seconds + self.out_seconds


class Step(BaseModel):
    """One timed step: when it starts, how long it lasts and what is said."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    phase: Phase
    side: Side | None
    start: int = Field(ge=0)
    """Seconds from the start of the session."""
    duration: int = Field(gt=0)
    """Seconds."""
    cue: str = Field(min_length=1)
    """What is said (or shown) when the step starts."""
    title: str = Field(min_length=1)
    technique: str | None = None
    """The knowledge-base technique this step comes from, where there is one."""
    breath: BreathPattern | None = None
    """The breathing pace for this step, when it has one."""
    checklist: list[str] = []
    placement: int | None = Field(default=None, ge=1)
    """Which spot on this side, for release holds."""

    @property
    def end(self) -> int:
        """Seconds from the start of the session at which this step ends."""
        return self.start + self.duration


class Timeline(BaseModel):
    """A whole session: its kind, length and steps."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        json_schema_serialization_defaults_required=True,
    )

    schema_id: Literal["psoas.session/1"] = Field(default=SESSION_SCHEMA, alias="schema")
    kind: SessionKind
    tool: ToolId | None = None
    """The release tool, for a self-release."""
    minutes: int = Field(ge=1)
    total_seconds: int = Field(gt=0)
    steps: list[Step] = Field(min_length=1)
    adaptations: list[str] = []
    """How this session was changed for the person's safety, in plain words."""

    @model_validator(mode="after")
    def _steps_tile_the_session(self) -> Timeline:
        position = 0
        for index, step in enumerate(self.steps):
            if step.start != position:
                raise ValueError(f"steps.{index}.start: expected {position}, got {step.start}")
            position = step.end
        if position != self.total_seconds:
            raise ValueError(f"steps end at {position} s; total_seconds is {self.total_seconds}")
        return self

    def to_document(self) -> dict[str, Any]:
        """The timeline as contract JSON."""
        document: dict[str, Any] = self.model_dump(mode="json", by_alias=True)
        return document


def check_minutes(minutes: int) -> int:
    """The session length, or an error naming the field when it is out of range."""
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        problem = FieldProblem(
            "minutes", f"expected whole minutes from {MIN_MINUTES} to {MAX_MINUTES}; got {minutes}"
        )
        raise InvalidDocument("session request", [problem])
    return minutes


def build_timeline(
    *,
    kind: SessionKind,
    knowledge: KnowledgeBase,
    minutes: int = DEFAULT_MINUTES,
    tool: ToolId | None = None,
    spare_the_hip: bool = False,
) -> Timeline:
    """The steps of a session of this kind and length (a self-release with ``tool``).

    ``spare_the_hip`` (after recent hip surgery) leaves out every movement that moves
    the hip; its time goes to breathing.
    """
    check_minutes(minutes)
    if kind is SessionKind.MANUAL_RELEASE:
        tool = None
    builder = _Builder(kind, knowledge, tool, minutes, spare_the_hip)
    return Timeline(
        kind=kind,
        tool=tool,
        minutes=minutes,
        total_seconds=minutes * 60,
        steps=builder.build(),
        adaptations=[knowledge.session.hip_sparing] if spare_the_hip else [],
    )


def _grain(seconds: float) -> int:
    return int(round(seconds / GRAIN)) * GRAIN


def _share(name: str, left: int) -> int:
    fraction, floor, ceiling = _SHARES[name]
    return min(max(_grain(left * fraction), floor), ceiling)


def _scaled(low: int, high: int, minutes: int) -> int:
    """From ``low`` at the shortest session to ``high`` at FULL_DOSE_MINUTES and beyond."""
    span = FULL_DOSE_MINUTES - MIN_MINUTES
    reached = min(max(minutes - MIN_MINUTES, 0), span) / span
    return _grain(low + (high - low) * reached)


class _Builder:
    def __init__(
        self,
        kind: SessionKind,
        knowledge: KnowledgeBase,
        tool: ToolId | None,
        minutes: int,
        spare_the_hip: bool,
    ) -> None:
        script = knowledge.session
        self.kind = kind
        self.script = script
        self.words: KindScript = (
            script.self_release if kind is SessionKind.SELF_RELEASE else script.manual_release
        )
        self.movements = [
            movement
            for movement in self.words.movements
            if not (spare_the_hip and movement.moves_the_hip)
        ]
        techniques = {technique.id: technique for technique in knowledge.techniques}
        chosen: Tool | None = next((t for t in knowledge.tools if t.id == tool), None)
        self.tool_name = chosen.short_name if chosen else "tool"
        if kind is SessionKind.MANUAL_RELEASE:
            self.release_technique: str | None = script.manual_technique
        else:
            self.release_technique = chosen.technique if chosen else None
        self.breathing_pace = _pace(techniques[script.breathing_technique].dose)
        release_dose = techniques[self.release_technique or script.breathing_technique].dose
        self.release_pace = _pace(release_dose) or self.breathing_pace
        self.total = minutes * 60
        self.minutes = minutes
        self.steps: list[Step] = []

    def build(self) -> list[Step]:
        script = self.script
        short = self.minutes < ALL_PLACEMENTS_FROM_MINUTES
        placements = script.placements_per_side.min if short else script.placements_per_side.max
        hold = _scaled(script.hold_seconds.min, script.hold_seconds.max, self.minutes)
        move_between = 10 if short else 15
        release = 2 * (placements * hold + (placements - 1) * move_between) + move_between
        left = self.total - release
        prepare, warm_up = _share("prepare", left), _share("warm_up", left)
        movement, reassess = _share("movement", left), _share("reassess", left)
        # Fewer movements (hip spared) each keep their time; the rest goes to breathing.
        movements = 2 * len(self.movements) * movement
        breathing = left - prepare - warm_up - reassess - movements
        short_of_breath = max(SHORTEST_BREATHING - breathing, 0)
        warm_up, breathing = warm_up - short_of_breath, breathing + short_of_breath

        self._add_prepare(prepare)
        self._add(Phase.WARM_UP, None, warm_up, script.warm_up)
        self._add_breathing(breathing)
        for side in Side:
            self._add_release_side(side, placements, hold, move_between)
        for side in Side:
            for movement_words in self.movements:
                self._add(
                    Phase.PIN_AND_STRETCH,
                    side,
                    movement,
                    movement_words,
                    technique=self.release_technique,
                    breath=self.release_pace,
                )
        self._add(Phase.REASSESS, None, reassess, script.reassess)
        return self.steps

    def _add_prepare(self, seconds: int) -> None:
        words = self.words.prepare
        checklist = [self._fill(item, None) for item in words.checklist]
        self._add(Phase.PREPARE, None, seconds, words, checklist=checklist)

    def _add_breathing(self, seconds: int) -> None:
        count = min(math.ceil(seconds / LONGEST_BREATHING_STEP), len(self.script.breathing))
        each = (seconds // count) // GRAIN * GRAIN
        for number, words in enumerate(self.script.breathing[:count]):
            duration = each if number < count - 1 else seconds - each * (count - 1)
            self._add(
                Phase.BREATHING,
                None,
                duration,
                words,
                technique=self.script.breathing_technique,
                breath=self.breathing_pace,
            )

    def _add_release_side(self, side: Side, placements: int, hold: int, move: int) -> None:
        if side is Side.RIGHT:
            self._add(Phase.RELEASE, side, move, self.words.change_sides, breath=self.release_pace)
        for number in range(1, placements + 1):
            if number > 1:
                self._add(Phase.RELEASE, side, move, self.words.shift, breath=self.release_pace)
            self._add(
                Phase.RELEASE,
                side,
                hold,
                self.words.placements[number - 1],
                technique=self.release_technique,
                breath=self.release_pace,
                placement=(number, placements),
            )

    def _add(
        self,
        phase: Phase,
        side: Side | None,
        seconds: int,
        words: ScriptStep,
        *,
        technique: str | None = None,
        breath: BreathPattern | None = None,
        checklist: list[str] | None = None,
        placement: tuple[int, int] | None = None,
    ) -> None:
        start = self.steps[-1].end if self.steps else 0
        self.steps.append(
            Step(
                phase=phase,
                side=side,
                start=start,
                duration=seconds,
                cue=self._fill(words.cue, side, placement),
                title=self._fill(words.title, side, placement),
                technique=technique,
                breath=breath,
                checklist=checklist or [],
                placement=placement[0] if placement else None,
            )
        )

    def _fill(self, text: str, side: Side | None, placement: tuple[int, int] | None = None) -> str:
        number, count = placement or (1, 1)
        side_word = side.value if side else "working"
        return text.format(tool=self.tool_name, side=side_word, placement=number, placements=count)


def _pace(dose: Any) -> BreathPattern | None:
    if dose.breath_in_seconds and dose.breath_out_seconds:
        return BreathPattern(in_seconds=dose.breath_in_seconds, out_seconds=dose.breath_out_seconds)
    return None
