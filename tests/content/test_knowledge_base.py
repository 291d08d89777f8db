"""The knowledge base is tested like code: complete, cross-referenced, and safe by construction."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from psoas.content import KnowledgeBase, TechniqueKind
from psoas.content.models import Dose, Schedule
from psoas.content.vocabulary import (
    SCREENED_CONDITIONS,
    DerivedConditionId,
    FactorId,
    MetricId,
    QuestionId,
    RedFlagId,
    SafetyLevel,
    ThresholdId,
    ToolId,
)
from psoas.core.intake import QUESTION_FIELDS
from psoas.core.safety import ABSOLUTE_CONTRAINDICATIONS

REQUIRED_TECHNIQUES = {
    "release_preparation": TechniqueKind.PREPARATION,
    "manual_release_pin_and_stretch": TechniqueKind.MANUAL_RELEASE,
    "self_release_pso_rite": TechniqueKind.SELF_RELEASE,
    "self_release_ql_claw": TechniqueKind.SELF_RELEASE,
    "self_release_foam_roller": TechniqueKind.SELF_RELEASE,
    "self_release_massage_ball": TechniqueKind.SELF_RELEASE,
    "half_kneeling_psoas_stretch": TechniqueKind.STRETCH,
    "supine_psoas_stretch": TechniqueKind.STRETCH,
    "walking": TechniqueKind.ACTIVITY,
    "swimming": TechniqueKind.ACTIVITY,
    "hourly_movement_break": TechniqueKind.MOVEMENT_BREAK,
    "standing_desk_use": TechniqueKind.MOVEMENT_BREAK,
    "diaphragmatic_breathing": TechniqueKind.BREATHING,
    "after_care": TechniqueKind.EDUCATION,
    "long_term_maintenance": TechniqueKind.EDUCATION,
    "seek_care_now": TechniqueKind.PROFESSIONAL_REFERRAL,
    "see_a_clinician": TechniqueKind.PROFESSIONAL_REFERRAL,
}

# Ids the planner names in code rather than reaching through the data.
PLANNER_IDS = {
    "seek_care_now",
    "see_a_clinician",
    "psoas_basics",
    "sitting_and_posture_basics",
    "diaphragmatic_breathing",
    "half_kneeling_psoas_stretch",
    "walking",
    "choosing_a_release_tool",
    "release_preparation",
    "after_care",
}


def _ids(knowledge: KnowledgeBase) -> dict[str, TechniqueKind]:
    return {technique.id: technique.kind for technique in knowledge.techniques}


def test_required_techniques_exist_with_their_kind(knowledge: KnowledgeBase) -> None:
    ids = _ids(knowledge)
    for technique_id, kind in REQUIRED_TECHNIQUES.items():
        assert ids.get(technique_id) is kind, technique_id


def test_every_id_the_planner_names_exists(knowledge: KnowledgeBase) -> None:
    assert PLANNER_IDS <= set(_ids(knowledge))


def test_enough_stretches_and_strengthening(knowledge: KnowledgeBase) -> None:
    kinds = list(_ids(knowledge).values())
    assert kinds.count(TechniqueKind.STRETCH) >= 5  # half-kneeling, supine and three more
    assert kinds.count(TechniqueKind.STRENGTHEN) >= 4


def test_every_technique_has_steps_dose_and_cautions(knowledge: KnowledgeBase) -> None:
    for technique in knowledge.techniques:
        assert technique.steps, technique.id
        assert technique.dose.describe(), technique.id
        assert technique.cautions, technique.id
        assert technique.cues and technique.sensations, technique.id


def test_every_cause_tool_and_safety_rule_is_present(knowledge: KnowledgeBase) -> None:
    assert {cause.id for cause in knowledge.causes} == set(FactorId)
    assert {tool.id for tool in knowledge.tools} == set(ToolId)
    assert {rule.id for rule in knowledge.safety_rules} == set(SCREENED_CONDITIONS)


def test_every_referenced_technique_exists(knowledge: KnowledgeBase) -> None:
    ids = set(_ids(knowledge))
    for cause in knowledge.causes:
        assert set(cause.addressed_by) <= ids, cause.id
    for tool in knowledge.tools:
        assert tool.technique in ids, tool.id


def test_each_tool_has_its_own_release(knowledge: KnowledgeBase) -> None:
    techniques = {technique.id: technique for technique in knowledge.techniques}
    for tool in knowledge.tools:
        assert techniques[tool.technique].tool is tool.id


def test_anatomy_names_the_attachments_and_neighbours(knowledge: KnowledgeBase) -> None:
    muscles = {muscle.id: muscle for muscle in knowledge.anatomy.muscles}
    assert {"psoas_major", "psoas_minor", "iliacus"} <= set(muscles)
    assert "T12" in muscles["psoas_major"].origin and "L5" in muscles["psoas_major"].origin
    assert "lesser trochanter" in muscles["psoas_major"].insertion
    neighbours = {neighbour.id for neighbour in knowledge.anatomy.neighbours}
    assert {"lumbar_plexus", "abdominal_aorta", "diaphragm", "kidneys"} <= neighbours


def test_pressure_techniques_are_excluded_by_every_blocking_condition(
    knowledge: KnowledgeBase,
) -> None:
    blocking = {rule.id for rule in knowledge.safety_rules if rule.blocks_self_release}
    assert {RedFlagId.HERNIA, DerivedConditionId.PREGNANT} <= blocking
    assert ABSOLUTE_CONTRAINDICATIONS <= blocking, "the code's list is in the data too"
    for technique in knowledge.techniques:
        if technique.kind in (TechniqueKind.SELF_RELEASE, TechniqueKind.MANUAL_RELEASE):
            assert blocking <= set(technique.excluded_by), technique.id


def test_manual_release_stops_on_a_pulse(knowledge: KnowledgeBase) -> None:
    manual = next(t for t in knowledge.techniques if t.id == "manual_release_pin_and_stretch")
    text = " ".join([*manual.steps, *manual.cautions]).lower()
    assert "pulse" in text and "navel" in text


def test_loader_rejects_a_release_that_forgets_a_blocking_condition(
    knowledge: KnowledgeBase,
) -> None:
    data = knowledge.model_dump()
    release = next(t for t in data["techniques"] if t["id"] == "self_release_pso_rite")
    release["excluded_by"] = [c for c in release["excluded_by"] if c != "hernia"]
    with pytest.raises(ValidationError, match="self_release_pso_rite must be excluded by: hernia"):
        KnowledgeBase.model_validate(data)


def test_loader_rejects_a_dangling_reference(knowledge: KnowledgeBase) -> None:
    data = knowledge.model_dump()
    data["causes"][0]["addressed_by"] = ["no_such_technique"]
    with pytest.raises(ValidationError, match="unknown technique ids: no_such_technique"):
        KnowledgeBase.model_validate(data)


def test_a_dose_needs_an_amount() -> None:
    with pytest.raises(ValidationError, match="a dose needs"):
        Dose(per_side=True)
    assert (
        Dose(sets=2, hold_seconds=30, per_side=True).describe() == "2 sets × 30 s hold, each side"
    )


def test_the_session_script_rejects_a_misspelt_placeholder(knowledge: KnowledgeBase) -> None:
    data = knowledge.model_dump()
    data["session"]["self_release"]["shift"]["cue"] = "Move the {tol} a little lower."
    with pytest.raises(ValidationError, match=r"unknown placeholder \{tol\}"):
        KnowledgeBase.model_validate(data)


def test_the_session_script_has_a_cue_for_every_spot(knowledge: KnowledgeBase) -> None:
    data = knowledge.model_dump()
    data["session"]["manual_release"]["placements"] = data["session"]["manual_release"][
        "placements"
    ][:2]
    with pytest.raises(ValidationError, match="manual_release has 2 placement cues"):
        KnowledgeBase.model_validate(data)


def test_the_session_script_names_real_techniques(knowledge: KnowledgeBase) -> None:
    data = knowledge.model_dump()
    data["session"]["manual_technique"] = "walking"
    with pytest.raises(ValidationError, match="walking is not a manual release"):
        KnowledgeBase.model_validate(data)
    data["session"]["breathing_technique"] = "no_such_breath"
    with pytest.raises(ValidationError, match="unknown technique ids: no_such_breath"):
        KnowledgeBase.model_validate(data)


def test_every_session_cue_warns_where_pressure_is_deepest(knowledge: KnowledgeBase) -> None:
    """The last spot on each side is the deepest: its cue says when to come off at once."""
    for kind in (knowledge.session.self_release, knowledge.session.manual_release):
        last = kind.placements[-1].cue.lower()
        assert "pulse" in last and "at once" in last
        first = kind.placements[0].cue.lower()
        assert "midline" in first and "ribs" in first


def test_each_schedule_agrees_with_its_frequency_in_words(knowledge: KnowledgeBase) -> None:
    """``schedule`` (counted) and ``frequency`` (read) are written by hand side by side."""
    for technique in knowledge.techniques:
        words, schedule = technique.frequency.lower(), technique.schedule
        where = f"{technique.id}: {words!r} vs {schedule}"
        if schedule.cadence == "daily":
            assert "daily" in words or "every day" in words, where
        elif schedule.cadence == "weekly":
            counts = [int(n) for n in re.findall(r"\d+", words)]
            assert (
                schedule.times_per_week in counts
                or (
                    schedule.times_per_week == 5
                    and ("most days" in words or "working day" in words)
                )
                or (schedule.times_per_week == 1 and "once a week" in words)
            ), where
        elif schedule.cadence == "hourly_while_sitting":
            assert "hour" in words, where
        elif schedule.cadence == "with_release":
            assert "release" in words, where
        else:
            assert words.startswith(("once", "read once")), where


def test_every_measure_says_what_it_is_and_which_way_is_better(knowledge: KnowledgeBase) -> None:
    pain = knowledge.measure(MetricId.LOW_BACK_PAIN)
    assert pain.better == "lower" and pain.meaningful_change is not None
    assert (pain.meaningful_change.points, pain.meaningful_change.percent) == (2, 30)
    psfs = knowledge.measure(MetricId.PSFS)
    assert psfs.better == "higher" and psfs.meaningful_change.points == 2  # type: ignore[union-attr]
    for metric in MetricId:
        if metric.value.startswith("thomas"):
            assert "not a diagnosis" in knowledge.measure(metric).explanation


def test_a_weekly_schedule_says_how_often() -> None:
    with pytest.raises(ValidationError, match="times_per_week is given for a weekly cadence"):
        Schedule(cadence="weekly")
    with pytest.raises(ValidationError, match="times_per_week is given for a weekly cadence"):
        Schedule(cadence="daily", times_per_week=3)


# --- Sources, questions and the words of safety v2 --------------------------------------------

YEAR_OR_CONVENTION = re.compile(r"\b(19|20)\d\d\b|psoas (convention|heuristic)|No single published")


def test_every_threshold_names_its_source(knowledge: KnowledgeBase) -> None:
    assert {threshold.id for threshold in knowledge.thresholds} == set(ThresholdId)
    for threshold in knowledge.thresholds:
        assert len(threshold.source) > 40, threshold.id
        assert YEAR_OR_CONVENTION.search(threshold.source), threshold.id


def test_every_meaningful_change_names_its_source(knowledge: KnowledgeBase) -> None:
    judged = [info for info in knowledge.measures if info.meaningful_change is not None]
    assert {info.id for info in judged} >= {MetricId.LOW_BACK_PAIN, MetricId.PSFS}
    for info in judged:
        assert info.meaningful_change is not None
        assert YEAR_OR_CONVENTION.search(info.meaningful_change.source), info.id


def test_every_safety_rule_says_its_basis(knowledge: KnowledgeBase) -> None:
    for rule in knowledge.safety_rules:
        assert len(rule.basis) > 20, rule.id


def test_every_question_names_a_field_of_the_intake_contract(knowledge: KnowledgeBase) -> None:
    assert {question.id for question in knowledge.questions} == set(QuestionId)
    for question in knowledge.questions:
        section, field = QUESTION_FIELDS[question.id]
        assert question.field == f"{section}.{field}", question.id
        assert question.text.endswith("?") and question.why, question.id


def test_the_pregnancy_question_offers_not_sure_and_not_applicable(
    knowledge: KnowledgeBase,
) -> None:
    choices = knowledge.question(QuestionId.PREGNANT).choices
    labels = [choice.label for choice in choices]
    assert "Not sure" in labels and "Not applicable to me" in labels
    unsure = next(choice for choice in choices if choice.label == "Not sure")
    assert unsure.sets == {}  # not sure answers nothing: the question stays open


def test_every_adverse_event_is_urgent_or_pauses(knowledge: KnowledgeBase) -> None:
    urgent = {e.id for e in knowledge.gates.adverse_events if e.level is SafetyLevel.URGENT}
    assert urgent == {"pulse_under_tool", "blood_in_urine"}
    for event in knowledge.gates.adverse_events:
        assert event.message and event.label, event.id


def test_every_stand_in_replaces_techniques_that_exist(knowledge: KnowledgeBase) -> None:
    ids = {technique.id for technique in knowledge.techniques}
    stand_ins = [technique for technique in knowledge.techniques if technique.stands_in_for]
    assert {t.id for t in stand_ins} >= {
        "side_lying_hip_flexor_stretch",
        "gentle_movement_break",
        "belly_bracing",
    }
    for technique in stand_ins:
        assert set(technique.stands_in_for) <= ids, technique.id


def _all_text(knowledge: KnowledgeBase) -> str:
    return knowledge.model_dump_json().lower()


@pytest.mark.parametrize(
    "wrong",
    [
        "from the lower ribs",  # the psoas arises from T12-L5
        "towards the crease",  # the femoral nerve and artery lie in the crease
        "67 degrees",  # a cut-off with no source
        "emotional release",  # a contested claim stated as fact
        "towel over the peak softens",  # a towel does not make a rigid tool soft
        "helps hold your lower back steady",  # the psoas's role in stability is contested
        "pin and stretch, {side} side: knee bends",  # prone knee bends lengthen rectus femoris
    ],
)
def test_corrected_content_stays_corrected(knowledge: KnowledgeBase, wrong: str) -> None:
    assert wrong not in _all_text(knowledge)


def test_release_placements_stay_above_the_hip_crease(knowledge: KnowledgeBase) -> None:
    for kind in (knowledge.session.self_release, knowledge.session.manual_release):
        last = kind.placements[-1].cue.lower()
        assert "above" in last and "crease" in last
