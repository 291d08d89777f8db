"""Intake builders and hypothesis strategies shared by the tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from psoas.content.vocabulary import MedicalConditionId, RedFlagId, VascularRiskId
from psoas.core.intake import ActivityKind, InjuryKind, SurgeryRegion, ToolChoice
from psoas.services import care, tracking
from psoas.services.tracking import RulesOutcome
from psoas.store import Database

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

SCHEMA = "psoas.intake/1"


def all_flags(value: bool = False, **overrides: bool) -> dict[str, bool]:
    """Every red-flag question answered ``value``, with some answered otherwise."""
    flags = {flag.value: value for flag in RedFlagId}
    flags.update(overrides)
    return flags


def all_conditions(value: bool = False, **overrides: bool) -> dict[str, bool]:
    """Every health-condition question answered ``value``, with some answered otherwise."""
    answers = {condition.value: value for condition in MedicalConditionId}
    answers.update(overrides)
    return answers


def all_vascular(value: bool = False, **overrides: bool) -> dict[str, bool]:
    """Every artery question answered ``value``, with some answered otherwise."""
    answers = {question.value: value for question in VascularRiskId}
    answers.update(overrides)
    return answers


def answered_screen() -> dict[str, Any]:
    """Every safety question answered so that nothing stands in the way (age 35, mild pain)."""
    return {
        "person": {"age": 35, "pregnant": False, "recent_birth": False},
        "history": {"recent_surgery": False},
        "symptoms": {"low_back_pain": 2, "hip_pain": 1},
        "red_flags": all_flags(),
        "vascular_risk": all_vascular(),
        "conditions": all_conditions(),
    }


EVERY_CAUSE: dict[str, Any] = {
    "lifestyle": {
        "sitting_hours_per_day": 10,
        "stress": 8,
        "activities": [{"kind": "running", "sessions_per_week": 5}],
    },
    "posture": {"anterior_pelvic_tilt": True, "exaggerated_lumbar_curve": True},
    "strength": {"weak_core": True, "weak_glutes": True},
    "history": {"injuries": ["low_back_strain"]},
    "tools": ["pso_rite"],
}
"""Every cause active (and a Pso-Rite), so a plan holds every kind of technique there is."""


def intake(**sections: Any) -> dict[str, Any]:
    """A valid intake document with every safety question answered "no" (age 35).

    A section given as a mapping is merged into that default: ``person={"age": 70}``
    changes the age only, and a field given as None is left out (not answered).
    Anything else (``tools=[...]``) replaces the value.
    """
    document: dict[str, Any] = {"schema": SCHEMA, **answered_screen()}
    for name, given in sections.items():
        if isinstance(given, dict) and isinstance(document.get(name), dict):
            merged = {**document[name], **given}
            document[name] = {key: value for key, value in merged.items() if value is not None}
        else:
            document[name] = given
    return document


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _section(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A mapping where each field may be left out (unknown), given, or explicitly null."""
    return st.fixed_dictionaries({}, optional={k: _optional(v) for k, v in fields.items()})


rating = st.integers(0, 10)
flag = st.booleans()

activities = st.lists(
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from([kind.value for kind in ActivityKind]),
            "sessions_per_week": st.integers(0, 21),
        }
    ),
    max_size=4,
)
surgeries = st.lists(
    st.fixed_dictionaries(
        {
            "region": st.sampled_from([region.value for region in SurgeryRegion]),
            "weeks_ago": st.one_of(st.integers(0, 14), st.integers(0, 200)),  # often near 12
        }
    ),
    max_size=3,
)
tools = st.one_of(
    st.just(["none"]),
    st.lists(
        st.sampled_from([t.value for t in ToolChoice if t is not ToolChoice.NONE]), unique=True
    ),
)


def _answers(ids: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A yes/no section: all answered at random, all "no", or some left out."""
    return st.one_of(
        st.fixed_dictionaries({i.value: st.booleans() for i in ids}),
        st.fixed_dictionaries({i.value: st.just(False) for i in ids}),
        _section(**{i.value: flag for i in ids}),
    )


valid_intakes: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {"schema": st.just(SCHEMA)},
    optional={
        "person": _section(age=st.integers(12, 110), pregnant=flag, recent_birth=flag),
        "lifestyle": _section(
            sitting_hours_per_day=st.one_of(st.integers(0, 24), st.floats(0, 24, allow_nan=False)),
            standing_desk=flag,
            activities=activities,
            stress=rating,
        ),
        "posture": _section(anterior_pelvic_tilt=flag, exaggerated_lumbar_curve=flag),
        "strength": _section(weak_core=flag, weak_glutes=flag),
        "history": _section(
            injuries=st.lists(st.sampled_from([i.value for i in InjuryKind]), max_size=3),
            surgeries=surgeries,
        ),
        "symptoms": _section(
            low_back_pain=rating,
            hip_pain=rating,
            hip_stiffness=flag,
            groin_or_hip_referral=flag,
            muscle_spasms=flag,
            shallow_breathing=flag,
            worse_after_sitting=flag,
        ),
        # Weighted towards fully answered screens so plenty of plans reach self-release.
        "red_flags": _answers(RedFlagId),
        "vascular_risk": _answers(VascularRiskId),
        "conditions": _answers(MedicalConditionId),
        "tools": _optional(tools),
    },
)
"""Any valid intake: every field may be left out, and safety answers are often all "no"."""


_everyday = {"lifestyle", "posture", "strength", "symptoms", "tools"}


def _answered(base: dict[str, Any], screen: dict[str, Any]) -> dict[str, Any]:
    document = {"schema": SCHEMA, **screen, **{k: v for k, v in base.items() if k in _everyday}}
    if "symptoms" in screen:  # the screen's pain ratings, unless the base rates them too
        document["symptoms"] = {**screen["symptoms"], **(base.get("symptoms") or {})}
    return document


_all_answered_at_random = st.fixed_dictionaries(
    {
        "person": st.fixed_dictionaries(
            {"age": st.integers(12, 110), "pregnant": flag, "recent_birth": flag}
        ),
        "history": st.one_of(
            st.fixed_dictionaries({"recent_surgery": st.just(False)}),
            st.fixed_dictionaries({"surgeries": surgeries}),
        ),
        "red_flags": st.fixed_dictionaries({f.value: flag for f in RedFlagId}),
        "vascular_risk": st.fixed_dictionaries({v.value: flag for v in VascularRiskId}),
        "conditions": st.fixed_dictionaries({c.value: flag for c in MedicalConditionId}),
    }
)


def _yes_no_fields() -> list[tuple[str, str]]:
    from psoas.content.vocabulary import QuestionId
    from psoas.core.intake import QUESTION_FIELDS

    numbers = {
        QuestionId.AGE,
        QuestionId.LOW_BACK_PAIN,
        QuestionId.HIP_PAIN,
        QuestionId.RECENT_SURGERY_WHERE,  # a list of operations, not a yes or no
    }
    return [QUESTION_FIELDS[q] for q in QuestionId if q not in numbers]


YES_NO_FIELDS = _yes_no_fields()
"""Every yes/no answer the safety screen reads, as (section, field)."""


def _near_clear(
    base: dict[str, Any],
    age: int,
    yes: set[tuple[str, str]],
    left_out: set[tuple[str, str]],
    pains: dict[str, int],
    surgeries: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    """A fully answered screen with a few answers turned to yes and a few left out."""
    document = _answered(base, {**answered_screen()})
    document["person"] = {**document["person"], "age": age}
    document["symptoms"] = {**document.get("symptoms", {}), **pains}
    if surgeries is not None:
        document["history"] = {"surgeries": surgeries}  # the list answers the question
    for section, field in yes:
        document[section] = {**document.get(section, {}), field: True}
    if ("history", "recent_surgery") in yes:
        document["history"].pop("surgeries", None)  # "yes", where not said
    for section, field in left_out:
        document.get(section, {}).pop(field, None)
    return document


_near_clear_intakes = st.builds(
    _near_clear,
    valid_intakes,
    st.integers(12, 110),
    st.sets(st.sampled_from(YES_NO_FIELDS), max_size=2),
    st.sets(st.sampled_from([*YES_NO_FIELDS, ("person", "age")]), max_size=2),
    st.fixed_dictionaries({}, optional={"low_back_pain": rating, "hip_pain": rating}),
    st.none() | surgeries,
)


def _one_changed(
    base: dict[str, Any],
    age: int,
    change: tuple[str, str],
    left_out: bool,
    pains: dict[str, int],
    operations: list[dict[str, Any]],
) -> dict[str, Any]:
    """A clear screen (an adult under 65) with one answer turned to yes, or left out.

    The answer may be the age (then 64 to 110) or the list of operations.
    """
    if change == ("history", "surgeries"):
        return _near_clear(base, age, set(), set(), pains, operations)
    if left_out:
        return _near_clear(base, age, set(), {change}, pains, None)
    if change == ("person", "age"):
        return _near_clear(base, age + 46, set(), set(), pains, None)
    return _near_clear(base, age, {change}, set(), pains, None)


one_answer_changed = st.builds(
    _one_changed,
    valid_intakes,
    st.integers(18, 64),
    st.sampled_from([*YES_NO_FIELDS, ("person", "age"), ("history", "surgeries")]),
    st.booleans(),
    st.fixed_dictionaries({}, optional={"low_back_pain": rating, "hip_pain": rating}),
    surgeries.filter(bool),
)
"""An otherwise clear screen with exactly one answer changed: each rule gets tried alone."""

screened_intakes: st.SearchStrategy[dict[str, Any]] = st.one_of(
    valid_intakes,
    one_answer_changed,
    _near_clear_intakes,
    st.builds(
        lambda base, age: _answered(
            base,
            {**answered_screen(), "person": {"age": age, "pregnant": False, "recent_birth": False}},
        ),
        valid_intakes,
        st.integers(12, 64),
    ),
    st.builds(_answered, valid_intakes, _all_answered_at_random),
)
"""Valid intakes, a good share of them fully answered so that self-release can be reached."""


EXAMPLE_TODAY = date(2026, 11, 16)
"""The day after the example history's last check-in."""


def load_example_history(database: Database, *, today: date = EXAMPLE_TODAY) -> RulesOutcome:
    """The desk worker's plan, then the eight weeks of ``examples/history``, via the services.

    Returns what the progress rules did after the last write.
    """
    intake = care.read_intake(EXAMPLES / "desk-worker.yaml")
    assessment, plan = care.plan_of(intake)
    care.save_plan(
        database, person="me", intake=intake, source="desk", assessment=assessment, plan=plan
    )
    history = EXAMPLES / "history"
    tracking.record_measurements(
        database,
        person="me",
        measurements=tracking.read_measurements(history / "measures.yaml"),
        today=today,
        source="measures.yaml",
    )
    tracking.record_check_ins(
        database,
        person="me",
        check_ins=tracking.read_check_ins(history / "check-ins.yaml"),
        today=today,
        source="check-ins.yaml",
    )
    return tracking.apply_progress_rules(database, person="me", today=today)
