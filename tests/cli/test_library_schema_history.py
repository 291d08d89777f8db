"""Browsing the knowledge base, printing schemas, and listing what is stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from psoas.core.schemas import ContractName, json_schema
from tests.conftest import EXAMPLES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


def test_library_list_covers_every_section(cli) -> None:
    entries = json.loads(cli("library", "list", "--json").stdout)
    sections = {entry["section"] for entry in entries}
    assert sections == {"anatomy", "causes", "techniques", "tools", "safety", "thresholds"}
    techniques = json.loads(cli("library", "list", "--section", "techniques", "--json").stdout)
    assert {"techniques"} == {entry["section"] for entry in techniques}
    assert "half_kneeling_psoas_stretch" in {entry["id"] for entry in techniques}


def test_library_show_prints_a_technique_in_full(cli) -> None:
    result = cli("library", "show", "half_kneeling_psoas_stretch")
    assert result.exit_code == 0
    for heading in ("Dose:", "How often:", "Steps", "Cues", "What you may feel", "Cautions"):
        assert heading in result.stdout
    shown = json.loads(cli("library", "show", "psoas_major", "--json").stdout)
    assert shown["section"] == "anatomy" and "lesser trochanter" in shown["insertion"]


def test_library_shows_a_threshold_with_its_source(cli) -> None:
    result = cli("library", "show", "aortic_age_any")
    assert result.exit_code == 0
    assert "65 years" in result.stdout and "NG156" in result.stdout
    rule = cli("library", "show", "aortic_risk").stdout
    assert "Basis:" in rule and "thresholds for the age of the aorta" in rule
    assert "aortic_age_any" not in rule, "a threshold is named in words, not by its id"


@pytest.mark.parametrize("name", [name.value for name in ContractName])
def test_schema_command_prints_the_published_schema(cli, name: str) -> None:
    printed = json.loads(cli("schema", name).stdout)
    assert printed == json_schema(ContractName(name))
    committed = json.loads((DOCS / f"{name}.schema.json").read_text())
    assert committed == printed, "run: psoas schema NAME > docs/schemas/NAME.schema.json"


def test_history_lists_what_was_stored(cli) -> None:
    assert "Nothing stored yet" in cli("history").stdout
    cli("plan", EXAMPLES / "safety-urgent.yaml")
    cli("assess", EXAMPLES / "runner.yaml", "--person", "ana")
    table = cli("history").stdout
    assert "safety urgent" in table and "ana" in table
    only_ana = json.loads(cli("history", "--person", "ana", "--json").stdout)
    assert [entry["kind"] for entry in only_ana] == ["intake", "assessment"]


def test_version_and_help(cli) -> None:
    assert cli("--version").stdout.startswith("psoas 0.")
    help_text = cli("--help").stdout
    for command in ("assess", "plan", "intake", "schema", "history", "library"):
        assert command in help_text
