"""Intake builders and hypothesis strategies shared by the tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from psoas.content.vocabulary import RedFlagId
from psoas.core.intake import ActivityKind, InjuryKind, SurgeryRegion, ToolChoice
from psoas.services import care, tracking
from psoas.services.tracking import TrackingOutcome
from psoas.store import Database

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

SCHEMA = "psoas.intake/1"


def all_flags(value: bool = False, **overrides: bool) -> dict[str, bool]:
    """Every red-flag question answered ``value``, with some answered otherwise."""
    flags = {flag.value: value for flag in RedFlagId}
    flags.update(overrides)
    return flags


def intake(**sections: Any) -> dict[str, Any]:
    """A valid intake document: all red flags answered 'no' unless given."""
    document: dict[str, Any] = {"schema": SCHEMA, "red_flags": all_flags()}
    document.update(sections)
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
            "weeks_ago": st.integers(0, 200),
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

valid_intakes: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {"schema": st.just(SCHEMA)},
    optional={
        "person": _section(age=st.integers(12, 110), pregnant=flag),
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
        "red_flags": st.one_of(
            st.fixed_dictionaries({f.value: st.booleans() for f in RedFlagId}),
            st.fixed_dictionaries({f.value: st.just(False) for f in RedFlagId}),
            _section(**{f.value: flag for f in RedFlagId}),
        ),
        "tools": _optional(tools),
    },
)


EXAMPLE_TODAY = date(2026, 11, 16)
"""The day after the example history's last check-in."""


def load_example_history(database: Database, *, today: date = EXAMPLE_TODAY) -> TrackingOutcome:
    """The desk worker's plan, then the eight weeks of ``examples/history``, via the services.

    Returns what recording the check-ins (the second and last batch) did.
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
    return tracking.record_check_ins(
        database,
        person="me",
        check_ins=tracking.read_check_ins(history / "check-ins.yaml"),
        today=today,
        source="check-ins.yaml",
    )
