"""Every shipped example through ``psoas assess`` and ``psoas plan``, as text and as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from psoas.core.schemas import ContractName, json_schema
from tests.conftest import EXAMPLES

EXPECTED = {
    "desk-worker.yaml": ("clear", "prolonged_sitting"),
    "runner.yaml": ("clear", "repetitive_hip_flexion"),
    "stressed-person.yaml": ("clear", "stress"),
    "safety-clear.yaml": ("clear", "prolonged_sitting"),
    "safety-caution.json": ("caution", "prolonged_sitting"),
    "safety-refer.yaml": ("refer", "prolonged_sitting"),
    "safety-urgent.yaml": ("urgent", None),
}


def test_every_example_is_covered() -> None:
    # The history folder holds measures and check-ins, covered by the tracking tests; the
    # safety folder one intake per safety rule, covered by tests/test_examples.py.
    intakes = [p.name for p in EXAMPLES.iterdir() if p.name not in ("history", "safety")]
    assert sorted(intakes) == sorted(EXPECTED)


def _contract_json(cli, command: str, contract: ContractName, name: str) -> dict[str, Any]:
    """Run ``psoas COMMAND EXAMPLE --json``; it must succeed and match its contract's schema."""
    result = cli(command, EXAMPLES / name, "--json")
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    Draft202012Validator(json_schema(contract)).validate(document)
    return document


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_assess_json(cli, name: str) -> None:
    document = _contract_json(cli, "assess", ContractName.ASSESSMENT, name)
    level, top_factor = EXPECTED[name]
    assert document["safety"]["level"] == level
    if top_factor:
        assert top_factor in [factor["id"] for factor in document["factors"][:2]]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_plan_json(cli, name: str) -> None:
    document = _contract_json(cli, "plan", ContractName.PLAN, name)
    kinds = {item["kind"] for item in document["items"]}
    level = EXPECTED[name][0]
    if not document["safety"]["self_release_allowed"]:
        assert "self_release" not in kinds
    elif name != "stressed-person.yaml":  # owns no tool: the plan names the options instead
        assert "self_release" in kinds
    if level == "urgent":
        assert [item["technique"] for item in document["items"]] == ["seek_care_now"]


def test_the_desk_worker_plan_reads_well(cli) -> None:
    result = cli("plan", EXAMPLES / "desk-worker.yaml")
    assert result.exit_code == 0
    for words in (
        "Safety: Clear",
        "You sit about 10 hours a day",
        "Psoas self-release with a Pso-Rite",
        "It uses your Pso-Rite",
        "Hourly movement break",
        'psoas library show "NAME"',
        "Saved for 'me'",
    ):
        assert words in result.stdout


@pytest.mark.parametrize(
    ("name", "banner"),
    [
        ("safety-urgent.yaml", "Stop: seek medical care now."),
        ("safety-refer.yaml", "See a clinician before any psoas work."),
        ("safety-caution.json", "Safety: Caution"),
    ],
)
def test_the_banner_says_what_to_do(cli, name: str, banner: str) -> None:
    result = cli("assess", EXAMPLES / name)
    assert banner in result.stdout
    assert "Self-release: not now" in result.stdout


def test_plans_are_kept_as_versions(cli, tmp_path: Path) -> None:
    cli("plan", EXAMPLES / "desk-worker.yaml")
    cli("plan", EXAMPLES / "desk-worker.yaml")
    edited = tmp_path / "edited.yaml"
    desk = (EXAMPLES / "desk-worker.yaml").read_text()
    edited.write_text(desk.replace("tools:\n- pso_rite", "tools:\n- none"))
    cli("plan", edited)
    result = cli("history", "--json")
    plans = [entry for entry in json.loads(result.stdout) if entry["kind"] == "plan"]
    assert [plan["summary"].split(",")[0] for plan in plans] == ["version 1", "version 2"]


def test_no_save_stores_nothing(cli) -> None:
    cli("plan", EXAMPLES / "runner.yaml", "--no-save")
    assert json.loads(cli("history", "--json").stdout) == []


def test_database_url_override_is_used(cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    result = cli("assess", EXAMPLES / "runner.yaml", PSOAS_DATABASE_URL=url)
    assert result.exit_code == 0
    assert (tmp_path / "clinic.sqlite3").exists()
    assert "clinic.sqlite3" in result.stdout


def test_an_urgent_plan_shows_what_to_do_without_looking_it_up(cli) -> None:
    result = cli("plan", EXAMPLES / "safety-urgent.yaml")
    assert "What to do" in result.stdout
    assert "emergency" in result.stdout
