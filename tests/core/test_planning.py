"""Plans: reasons on every item, owned tools, and safety decisions that shape the whole program."""

from __future__ import annotations

import pytest

from psoas.content import KnowledgeBase
from psoas.content.vocabulary import FactorId, ToolId
from psoas.core.assessment import assess
from psoas.core.intake import parse_intake
from psoas.core.planning import GENERAL_CARE, Plan, PlanItemKind, build_plan
from tests.factories import EVERY_CAUSE, all_flags, intake


def _plan(knowledge: KnowledgeBase, **sections: object) -> Plan:
    parsed = parse_intake(intake(**sections))
    return build_plan(parsed, assess(parsed, knowledge), knowledge)


def _by_technique(plan: Plan) -> dict[str, list[str]]:
    return {item.technique: item.why for item in plan.items}


DESK = {"lifestyle": {"sitting_hours_per_day": 10}, "posture": {"anterior_pelvic_tilt": True}}


def test_sitting_brings_movement_breaks_for_that_reason(knowledge: KnowledgeBase) -> None:
    items = _by_technique(_plan(knowledge, **DESK, tools=["pso_rite"]))
    assert FactorId.PROLONGED_SITTING in items["hourly_movement_break"]
    assert items["self_release_pso_rite"] == [FactorId.PROLONGED_SITTING, FactorId.POOR_POSTURE]
    assert "release_preparation" in items and "after_care" in items


def test_every_item_says_why_in_ids_and_words(knowledge: KnowledgeBase) -> None:
    for item in _plan(knowledge, **DESK, tools=["foam_roller"]).items:
        assert item.why and len(item.reasons) >= len(item.why)


def test_the_release_uses_the_most_specific_tool_owned(knowledge: KnowledgeBase) -> None:
    plan = _plan(knowledge, **DESK, tools=["foam_roller", "ql_claw"])
    releases = [item for item in plan.items if item.kind is PlanItemKind.SELF_RELEASE]
    assert [(item.technique, item.tool) for item in releases] == [
        ("self_release_ql_claw", ToolId.QL_CLAW)
    ]
    assert releases[0].reasons[-1] == "It uses your QL Claw."


def test_without_a_tool_the_plan_names_the_options(knowledge: KnowledgeBase) -> None:
    plan = _plan(knowledge, **DESK, tools=["none"])
    assert not [item for item in plan.items if item.kind is PlanItemKind.SELF_RELEASE]
    choice = next(item for item in plan.items if item.technique == "choosing_a_release_tool")
    assert set(choice.tool_options) == set(ToolId)
    assert "release_preparation" not in _by_technique(plan)


def test_urgent_yields_only_the_instruction_to_seek_care(knowledge: KnowledgeBase) -> None:
    plan = _plan(knowledge, **DESK, red_flags=all_flags(progressive_leg_weakness=True))
    assert [(i.kind, i.technique, i.why) for i in plan.items] == [
        (PlanItemKind.PROFESSIONAL_REFERRAL, "seek_care_now", ["progressive_leg_weakness"])
    ]


def test_refer_yields_a_referral_and_gentle_education_only(knowledge: KnowledgeBase) -> None:
    plan = _plan(knowledge, **DESK, tools=["pso_rite"], red_flags=all_flags(recent_trauma=True))
    kinds = [item.kind for item in plan.items]
    assert kinds[0] is PlanItemKind.PROFESSIONAL_REFERRAL
    assert plan.items[0].why == ["recent_trauma"]
    assert set(kinds[1:]) == {PlanItemKind.EDUCATION}


def test_a_hernia_keeps_stretches_but_drops_release_and_straining(knowledge: KnowledgeBase) -> None:
    plan = _plan(
        knowledge,
        **DESK,
        strength={"weak_core": True},
        tools=["pso_rite"],
        red_flags=all_flags(hernia=True),
    )
    techniques = _by_technique(plan)
    assert "self_release_pso_rite" not in techniques
    assert "release_preparation" not in techniques
    assert "dead_bug" not in techniques  # excluded by hernia in the knowledge base
    assert any(item.kind is PlanItemKind.STRETCH for item in plan.items)


def test_when_nothing_stands_out_the_plan_is_general_care(knowledge: KnowledgeBase) -> None:
    plan = _plan(knowledge, tools=["massage_ball"])
    assert plan.items
    assert all(item.why == [GENERAL_CARE] for item in plan.items)


def test_programs_stay_short_enough_to_keep_up(knowledge: KnowledgeBase) -> None:
    everything = {
        **DESK,
        "lifestyle": {
            "sitting_hours_per_day": 12,
            "stress": 10,
            "activities": [{"kind": "running", "sessions_per_week": 6}],
        },
        "posture": {"anterior_pelvic_tilt": True, "exaggerated_lumbar_curve": True},
        "strength": {"weak_core": True, "weak_glutes": True},
        "history": {"injuries": ["low_back_strain"]},
        "tools": ["pso_rite"],
    }
    plan = _plan(knowledge, **everything)
    kinds = [item.kind for item in plan.items]
    assert kinds.count(PlanItemKind.STRETCH) <= 3
    assert kinds.count(PlanItemKind.STRENGTHEN) <= 3
    assert len(plan.items) <= 16


# --- Safety v2: what each condition takes out of the plan, and what stands in ----------------


def _techniques(knowledge: KnowledgeBase, **sections: object) -> set[str]:
    merged = {**EVERY_CAUSE}
    for name, value in sections.items():
        current = merged.get(name)
        merged[name] = (
            {**current, **value} if isinstance(current, dict) and isinstance(value, dict) else value
        )
    return set(_by_technique(_plan(knowledge, **merged)))


def test_recent_hip_surgery_spares_the_hip(knowledge: KnowledgeBase) -> None:
    surgery = {"recent_surgery": True, "surgeries": [{"region": "hip", "weeks_ago": 5}]}
    found = _techniques(knowledge, history=surgery)
    assert not found & {
        "self_release_pso_rite",
        "clamshell",
        "couch_stretch",
        "half_kneeling_psoas_stretch",
        "standing_lunge_stretch",
        "side_reach_lunge_stretch",
        "hourly_movement_break",  # leg swings and a lunge stretch
        "bird_dog",
        "side_plank",
    }
    assert {"gentle_movement_break", "belly_bracing", "glute_bridge"} <= found


def test_recent_trunk_surgery_leaves_out_knees_to_chest(knowledge: KnowledgeBase) -> None:
    for region in ("abdominal", "pelvic", "spinal"):
        surgery = {"recent_surgery": True, "surgeries": [{"region": region, "weeks_ago": 3}]}
        found = _techniques(knowledge, history=surgery)
        assert "supine_psoas_stretch" not in found, region
        assert "self_release_pso_rite" not in found, region


def test_other_surgery_says_to_follow_the_surgeon(knowledge: KnowledgeBase) -> None:
    surgery = {"recent_surgery": True, "surgeries": [{"region": "other", "weeks_ago": 2}]}
    plan = _plan(knowledge, **{**EVERY_CAUSE, "history": surgery})
    advice = next(item for item in plan.items if item.technique == "check_with_a_clinician")
    assert advice.why == ["recent_other_surgery"] and "surgeon" in advice.reasons[0]
    assert "self_release_pso_rite" not in _by_technique(plan)


def test_pregnancy_offers_the_side_lying_stretch_instead(knowledge: KnowledgeBase) -> None:
    plan = _plan(knowledge, **{**EVERY_CAUSE, "person": {"pregnant": True}})
    items = _by_technique(plan)
    assert not set(items) & {"couch_stretch", "side_reach_lunge_stretch", "supine_psoas_stretch"}
    side = next(item for item in plan.items if item.technique == "side_lying_hip_flexor_stretch")
    assert any(reason.startswith("Offered instead of:") for reason in side.reasons)
    assert "pregnant" in side.why  # offered in pregnancy in any case
    assert "self_release_pso_rite" not in items


def test_pregnancy_offers_the_side_lying_stretch_even_with_no_stretch_to_replace(
    knowledge: KnowledgeBase,
) -> None:
    plan = _plan(knowledge, person={"pregnant": True})  # no cause stands out
    side = next(item for item in plan.items if item.technique == "side_lying_hip_flexor_stretch")
    assert side.why == ["pregnant"] and "side-lying" in side.reasons[0]


def test_reduced_feeling_chooses_the_gentlest_tool_owned(knowledge: KnowledgeBase) -> None:
    plan = _plan(
        knowledge, **DESK, tools=["pso_rite", "foam_roller"], conditions={"reduced_sensation": True}
    )
    releases = [item.technique for item in plan.items if item.kind is PlanItemKind.SELF_RELEASE]
    assert releases == ["self_release_foam_roller"]


@pytest.mark.parametrize(
    ("condition", "left_out"),
    [
        ("osteoporosis", {"supine_psoas_stretch"}),
        ("spinal_stenosis_or_spondylolisthesis", {"couch_stretch", "side_reach_lunge_stretch"}),
        ("uncontrolled_high_blood_pressure", {"side_plank"}),
    ],
)
def test_modifying_conditions_leave_out_what_they_must(
    knowledge: KnowledgeBase, condition: str, left_out: set[str]
) -> None:
    found = _techniques(knowledge, conditions={condition: True})
    assert not found & left_out
    assert "self_release_pso_rite" in found  # release itself stays


def test_aortic_risk_keeps_exercise_and_suggests_asking_a_doctor(knowledge: KnowledgeBase) -> None:
    plan = _plan(knowledge, **{**EVERY_CAUSE, "person": {"age": 70}})
    items = _by_technique(plan)
    assert "self_release_pso_rite" not in items and "release_preparation" not in items
    assert any(item.kind is PlanItemKind.STRETCH for item in plan.items)
    assert items["check_with_a_clinician"] == ["aortic_risk"]


def test_an_unanswered_urgent_question_gives_only_the_questions_and_reading(
    knowledge: KnowledgeBase,
) -> None:
    plan = _plan(knowledge, **{**EVERY_CAUSE, "red_flags": {"both_legs_symptoms": None}})
    assert {item.kind for item in plan.items} <= {PlanItemKind.EDUCATION}
    questions = next(item for item in plan.items if item.technique == "answer_safety_questions")
    assert any("both legs" in reason for reason in questions.reasons)


def test_other_unanswered_questions_are_listed_in_the_plan(knowledge: KnowledgeBase) -> None:
    plan = _plan(knowledge, **{**EVERY_CAUSE, "person": {"pregnant": None, "recent_birth": None}})
    questions = next(item for item in plan.items if item.technique == "answer_safety_questions")
    assert questions.why == ["unanswered_questions"]
    assert any("pregnant" in reason for reason in questions.reasons)
    # Until it is answered, the plan already leaves out what a pregnancy would.
    assert "couch_stretch" not in _by_technique(plan)
    assert any(item.kind is PlanItemKind.STRETCH for item in plan.items)


def test_standing_desk_advice_only_for_a_person_with_one(knowledge: KnowledgeBase) -> None:
    def plan_with(desk: bool | None) -> dict[str, list[str]]:
        lifestyle = {"sitting_hours_per_day": 10, "standing_desk": desk}
        return _by_technique(_plan(knowledge, **{**DESK, "lifestyle": lifestyle}))

    for answer in (False, None):
        items = plan_with(answer)
        assert "hourly_movement_break" in items
        assert "standing_desk_use" not in items, f"standing_desk: {answer}"
    items = plan_with(True)
    assert items["standing_desk_use"] == [FactorId.PROLONGED_SITTING, FactorId.POOR_POSTURE]
