"""The session timeline: the contract's invariants for every kind, length and tool."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from psoas.content import KnowledgeBase, load_knowledge_base
from psoas.content.vocabulary import ToolId
from psoas.core.schemas import ContractName, json_schema
from psoas.core.timeline import (
    MAX_MINUTES,
    MIN_MINUTES,
    SHORTEST_BREATHING,
    Phase,
    SessionKind,
    Side,
    Timeline,
    build_timeline,
)
from psoas.errors import InvalidDocument

KNOWLEDGE: KnowledgeBase = load_knowledge_base()
SCRIPT = KNOWLEDGE.session
VALIDATOR = Draft202012Validator(json_schema(ContractName.SESSION))

kinds = st.sampled_from(list(SessionKind))
minutes = st.integers(MIN_MINUTES, MAX_MINUTES)
tools = st.one_of(st.none(), st.sampled_from(list(ToolId)))
hips = st.booleans()


def _holds(timeline: Timeline, side: Side) -> list[int]:
    return [
        step.duration
        for step in timeline.steps
        if step.phase is Phase.RELEASE and step.side is side and step.placement is not None
    ]


@settings(max_examples=200, deadline=None)
@given(kinds, minutes, tools, hips)
def test_steps_touch_end_to_start_and_sum_to_the_total(
    kind: SessionKind, length: int, tool: ToolId | None, spare: bool
) -> None:
    timeline = build_timeline(
        kind=kind, minutes=length, tool=tool, spare_the_hip=spare, knowledge=KNOWLEDGE
    )
    assert timeline.total_seconds == length * 60
    assert timeline.steps[0].start == 0
    for before, after in zip(timeline.steps, timeline.steps[1:], strict=False):
        assert after.start == before.end
    assert timeline.steps[-1].end == timeline.total_seconds
    assert sum(step.duration for step in timeline.steps) == timeline.total_seconds
    assert all(step.duration > 0 and step.duration % 5 == 0 for step in timeline.steps)


@settings(max_examples=200, deadline=None)
@given(kinds, minutes, tools, hips)
def test_phases_keep_their_order_and_every_phase_is_there(
    kind: SessionKind, length: int, tool: ToolId | None, spare: bool
) -> None:
    timeline = build_timeline(
        kind=kind, minutes=length, tool=tool, spare_the_hip=spare, knowledge=KNOWLEDGE
    )
    ranks = [step.phase.rank for step in timeline.steps]
    assert ranks == sorted(ranks)
    assert {step.phase for step in timeline.steps} == set(Phase)


@settings(max_examples=200, deadline=None)
@given(kinds, minutes, tools, hips)
def test_both_sides_get_the_same_release_within_the_dose(
    kind: SessionKind, length: int, tool: ToolId | None, spare: bool
) -> None:
    timeline = build_timeline(
        kind=kind, minutes=length, tool=tool, spare_the_hip=spare, knowledge=KNOWLEDGE
    )
    left, right = _holds(timeline, Side.LEFT), _holds(timeline, Side.RIGHT)
    assert left == right
    assert SCRIPT.placements_per_side.min <= len(left) <= SCRIPT.placements_per_side.max
    assert all(SCRIPT.hold_seconds.min <= hold <= SCRIPT.hold_seconds.max for hold in left)
    for phase in (Phase.RELEASE, Phase.PIN_AND_STRETCH):
        sides = [step.side for step in timeline.steps if step.phase is phase]
        first_right = sides.index(Side.RIGHT)
        assert set(sides[:first_right]) == {Side.LEFT}, "left side first"
        assert set(sides[first_right:]) == {Side.RIGHT}, "then the right"
    for step in timeline.steps:
        worked_on_a_side = step.phase in (Phase.RELEASE, Phase.PIN_AND_STRETCH)
        assert (step.side is not None) == worked_on_a_side


@settings(max_examples=200, deadline=None)
@given(kinds, minutes, tools, hips)
def test_every_step_can_be_followed(
    kind: SessionKind, length: int, tool: ToolId | None, spare: bool
) -> None:
    timeline = build_timeline(
        kind=kind, minutes=length, tool=tool, spare_the_hip=spare, knowledge=KNOWLEDGE
    )
    for step in timeline.steps:
        assert "{" not in step.cue + step.title, "every placeholder is filled in"
        if step.phase in (Phase.BREATHING, Phase.RELEASE, Phase.PIN_AND_STRETCH):
            assert step.breath is not None, "slow breathing paces the work"
    breathing = sum(s.duration for s in timeline.steps if s.phase is Phase.BREATHING)
    assert breathing >= SHORTEST_BREATHING
    assert timeline.steps[0].checklist, "preparation comes with its checklist"
    VALIDATOR.validate(timeline.to_document())
    assert Timeline.model_validate(timeline.to_document()) == timeline


def test_a_default_session_hand_checked() -> None:
    timeline = build_timeline(
        kind=SessionKind.SELF_RELEASE, tool=ToolId.PSO_RITE, knowledge=KNOWLEDGE
    )
    assert timeline.minutes == 20 and timeline.total_seconds == 1200
    shape = [(s.phase.value, s.side.value if s.side else None, s.duration) for s in timeline.steps]
    assert shape == [
        ("prepare", None, 90),
        ("warm_up", None, 115),
        ("breathing", None, 90),
        *[("release", "left", d) for d in (90, 15, 90, 15, 90)],
        *[("release", "right", d) for d in (15, 90, 15, 90, 15, 90)],
        ("pin_and_stretch", "left", 55),
        ("pin_and_stretch", "left", 55),
        ("pin_and_stretch", "right", 55),
        ("pin_and_stretch", "right", 55),
        ("reassess", None, 70),
    ]
    first_hold = timeline.steps[3]
    assert first_hold.title == "Release, left side: spot 1 of 3"
    assert "Pso-Rite" in first_hold.cue and "left side of your belly" in first_hold.cue
    assert first_hold.technique == "self_release_pso_rite"
    assert first_hold.breath is not None
    assert (first_hold.breath.in_seconds, first_hold.breath.out_seconds) == (4, 6)
    assert any("Pso-Rite" in item for item in timeline.steps[0].checklist)


def test_holds_and_spots_grow_with_the_length() -> None:
    def dose(length: int) -> tuple[int, int]:
        timeline = build_timeline(
            kind=SessionKind.SELF_RELEASE, minutes=length, knowledge=KNOWLEDGE
        )
        holds = _holds(timeline, Side.LEFT)
        return len(holds), holds[0]

    assert dose(10) == (2, 60)
    assert dose(20) == (3, 90)
    assert dose(30) == (3, 120)
    assert dose(45) == (3, 120)


def test_a_manual_release_speaks_to_practitioner_and_client() -> None:
    timeline = build_timeline(
        kind=SessionKind.MANUAL_RELEASE, tool=ToolId.FOAM_ROLLER, knowledge=KNOWLEDGE
    )
    assert timeline.tool is None, "a practitioner's hands, not a tool"
    holds = [s for s in timeline.steps if s.placement is not None]
    assert all(s.technique == "manual_release_pin_and_stretch" for s in holds)
    assert "Practitioner" in holds[0].cue
    movements = [s.title for s in timeline.steps if s.phase is Phase.PIN_AND_STRETCH]
    assert "heel slide" in movements[0] and "arm reach" in movements[1]


@pytest.mark.parametrize("length", [0, 9, 46, 120])
def test_a_length_out_of_range_names_the_field(length: int) -> None:
    with pytest.raises(InvalidDocument) as raised:
        build_timeline(kind=SessionKind.SELF_RELEASE, minutes=length, knowledge=KNOWLEDGE)
    assert str(raised.value.problems[0]).startswith("minutes: expected whole minutes from 10 to 45")


def test_a_timeline_with_a_gap_is_refused() -> None:
    document = build_timeline(kind=SessionKind.SELF_RELEASE, knowledge=KNOWLEDGE).to_document()
    document["steps"][2]["start"] += 5
    with pytest.raises(ValueError, match="steps.2.start: expected"):
        Timeline.model_validate(document)


@pytest.mark.parametrize("kind", list(SessionKind))
def test_after_hip_surgery_no_step_moves_the_hip(kind: SessionKind) -> None:
    spared = build_timeline(kind=kind, spare_the_hip=True, knowledge=KNOWLEDGE)
    usual = build_timeline(kind=kind, knowledge=KNOWLEDGE)
    words = SCRIPT.self_release if kind is SessionKind.SELF_RELEASE else SCRIPT.manual_release
    hip_titles = {m.title.split(":")[-1] for m in words.movements if m.moves_the_hip}
    movements = [s.title for s in spared.steps if s.phase is Phase.PIN_AND_STRETCH]
    assert movements and not any(title.endswith(tuple(hip_titles)) for title in movements)
    assert len(movements) < len([s for s in usual.steps if s.phase is Phase.PIN_AND_STRETCH])
    assert spared.adaptations == [SCRIPT.hip_sparing] and usual.adaptations == []
    assert _holds(spared, Side.LEFT) == _holds(usual, Side.LEFT), "the release itself is unchanged"
