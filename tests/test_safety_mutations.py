"""``scripts/safety_mutations.py`` stays applicable: every edit still finds its text.

The script itself (a minute a rule) is run by hand; see the script's docstring.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "safety_mutations", ROOT / "scripts" / "safety_mutations.py"
)
assert _spec and _spec.loader
mutations = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = mutations  # dataclasses look their module up
_spec.loader.exec_module(mutations)


@pytest.mark.parametrize("mutation", mutations.MUTATIONS, ids=lambda m: m.name)
def test_each_mutation_still_applies_and_changes_the_source(mutation, tmp_path: Path) -> None:
    for path in {edit.path for edit in mutation.edits}:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, tmp_path / path)
    before = {path: (tmp_path / path).read_text() for path in {e.path for e in mutation.edits}}
    mutations.apply(mutation, tmp_path)
    for edit in mutation.edits:
        assert (tmp_path / edit.path).read_text() != before[edit.path], edit
