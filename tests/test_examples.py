"""The example intakes: each safety example gives what ``examples/safety/expected.yaml`` says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from psoas.content import KnowledgeBase
from psoas.core.assessment import assess
from psoas.core.planning import NOTHING_PHYSICAL, build_plan
from psoas.services import care
from tests.conftest import EXAMPLES

SAFETY = EXAMPLES / "safety"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((SAFETY / "expected.yaml").read_text())


def test_every_safety_example_has_an_expectation_and_every_expectation_a_file() -> None:
    files = {path.name for path in SAFETY.glob("*.yaml") if path.name != "expected.yaml"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_safety_example_gives_its_expected_screen(name: str, knowledge: KnowledgeBase) -> None:
    expected = EXPECTED[name]
    intake = care.read_intake(SAFETY / name)
    safety = assess(intake, knowledge).safety
    assert safety.level.value == expected["level"]
    assert safety.self_release_allowed is expected["self_release_allowed"]
    assert safety.stretching_allowed is expected["stretching_allowed"]
    assert set(expected["findings"]) <= {reason.flag for reason in safety.reasons}
    assert set(expected.get("unanswered", [])) <= set(safety.unanswered)
    plan = build_plan(intake, assess(intake, knowledge), knowledge)
    if not safety.stretching_allowed:
        assert {item.kind.value for item in plan.items} <= set(NOTHING_PHYSICAL)


def test_the_examples_say_in_words_what_they_show() -> None:
    for path in SAFETY.glob("*.yaml"):
        first = path.read_text().splitlines()[0]
        assert first.startswith("# ") and len(first) > 20, path.name


@pytest.mark.parametrize(
    "path", sorted(EXAMPLES.glob("*.y*ml")) + [EXAMPLES / "safety-caution.json"]
)
def test_the_everyday_examples_answer_every_safety_question(
    path: Path, knowledge: KnowledgeBase
) -> None:
    safety = assess(care.read_intake(path), knowledge).safety
    assert safety.unanswered == [], path.name
