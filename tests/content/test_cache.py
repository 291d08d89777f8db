"""The validated knowledge base kept on disk: read back while nothing changed, never stale."""

from __future__ import annotations

import os
import pickle
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import BinaryIO

import pytest
import yaml

from psoas.content import HERE, KnowledgeBase, listing_from, load_from, load_knowledge_base
from psoas.content.cache import FILE_NAME
from psoas.errors import ContentError


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the shipped YAML files, free to change."""
    root = tmp_path / "content"
    shutil.copytree(HERE, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


@pytest.fixture
def cache_file(tmp_path: Path) -> Path:
    return tmp_path / "cache" / FILE_NAME


def _forbid_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> KnowledgeBase:
        raise AssertionError("validated again")

    monkeypatch.setattr(KnowledgeBase, "model_validate", refuse)


def _change_safety_message(root: Path, rule_id: str, message: str) -> None:
    path = root / "safety_rules.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for rule in document["safety_rules"]:
        if rule["id"] == rule_id:
            rule["message"] = message
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


def test_the_shipped_files_validate_without_a_cache() -> None:
    assert load_from(HERE, cache_file=None) == load_knowledge_base()


def test_a_second_load_reads_the_cache_and_gives_the_same_knowledge(
    content: Path, cache_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validated = load_from(content, cache_file=cache_file)
    assert cache_file.exists()
    _forbid_validation(monkeypatch)
    assert load_from(content, cache_file=cache_file) == validated


def test_a_changed_file_is_validated_again_and_what_it_says_is_loaded(
    content: Path, cache_file: Path
) -> None:
    before = load_from(content, cache_file=cache_file)
    message = before.safety_rules[0].message
    word = max(message.split(), key=len)
    path = content / "safety_rules.yaml"
    text = path.read_text(encoding="utf-8")
    assert word in text
    path.write_text(text.replace(word, word.upper(), 1), encoding="utf-8")  # same length
    after = load_from(content, cache_file=cache_file)
    assert word.upper() in after.safety_rules[0].message
    assert after == load_from(content, cache_file=None) != before
    assert load_from(content, cache_file=cache_file) == after  # and the new one is kept


def test_a_file_made_invalid_is_refused_even_with_a_cache(content: Path, cache_file: Path) -> None:
    load_from(content, cache_file=cache_file)
    rule_id = load_from(content, cache_file=None).safety_rules[0].id
    _change_safety_message(content, rule_id, "")
    with pytest.raises(ContentError, match="message"):
        load_from(content, cache_file=cache_file)


def test_a_renamed_technique_file_is_a_change(content: Path, cache_file: Path) -> None:
    before = load_from(content, cache_file=cache_file)
    first = content / "techniques" / "activity.yaml"
    first.rename(content / "techniques" / "zz_activity.yaml")
    reordered = load_from(content, cache_file=cache_file)
    assert reordered != before  # the techniques come in file-name order
    assert reordered == load_from(content, cache_file=None)


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"not a cache at all",
        b"psoas knowledge base cache 2\n",  # the header, then nothing
    ],
)
def test_an_unreadable_cache_is_ignored_and_written_again(
    content: Path, cache_file: Path, garbage: bytes
) -> None:
    cache_file.parent.mkdir()
    cache_file.write_bytes(garbage)
    assert load_from(content, cache_file=cache_file) == load_from(content, cache_file=None)
    assert cache_file.read_bytes() != garbage


def test_a_cache_corrupted_after_its_key_is_ignored(
    content: Path, cache_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = load_from(content, cache_file=cache_file)
    whole = cache_file.read_bytes()
    cache_file.write_bytes(whole[: len(whole) - 500])  # the pickle cut short
    assert load_from(content, cache_file=cache_file) == expected
    cache_file.write_bytes(whole[:-2000] + b"\x00" * 2000)  # the pickle overwritten
    assert load_from(content, cache_file=cache_file) == expected
    assert cache_file.read_bytes() == whole
    _forbid_validation(monkeypatch)
    assert load_from(content, cache_file=cache_file) == expected


def test_a_cache_folder_that_cannot_be_written_still_loads(content: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    knowledge = load_from(content, cache_file=blocked / FILE_NAME)
    assert knowledge == load_from(content, cache_file=None)
    assert blocked.read_text() == "not a folder"


def test_writing_leaves_only_the_cache_file(content: Path, cache_file: Path) -> None:
    load_from(content, cache_file=cache_file)
    assert list(cache_file.parent.iterdir()) == [cache_file]


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
def test_a_cache_others_could_have_written_is_not_unpickled(
    content: Path, cache_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = load_from(content, cache_file=cache_file)
    cache_file.chmod(0o666)
    loads: list[object] = []
    real_load = pickle.load

    def counted_load(file: BinaryIO) -> object:
        loads.append(file)
        return real_load(file)

    monkeypatch.setattr(pickle, "load", counted_load)
    assert load_from(content, cache_file=cache_file) == expected
    assert loads == []  # validated again, not read
    assert stat.S_IMODE(cache_file.stat().st_mode) == 0o600  # and written again, as only ours
    load_from(content, cache_file=cache_file)
    assert loads  # read from the cache again


def test_the_listing_is_read_from_the_cache_and_is_the_knowledge_bases_own(
    content: Path, cache_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = load_from(content, cache_file=None).listing()
    assert listing_from(content, cache_file=cache_file) == expected  # validates, writes
    _forbid_validation(monkeypatch)
    assert listing_from(content, cache_file=cache_file) == expected
    assert {line.section for line in expected} == {
        "anatomy",
        "causes",
        "techniques",
        "tools",
        "safety",
        "thresholds",
    }


def test_a_changed_name_is_listed_at_once(content: Path, cache_file: Path) -> None:
    before = listing_from(content, cache_file=cache_file)
    tools = content / "tools.yaml"
    name = load_from(content, cache_file=None).tools[0].name
    text = tools.read_text(encoding="utf-8")
    assert f"    name: {name}\n" in text
    tools.write_text(text.replace(f"    name: {name}\n", f"    name: {name.upper()}\n", 1))
    after = listing_from(content, cache_file=cache_file)
    assert [line.name for line in after if line.section == "tools"][0] == name.upper()
    assert after != before


@pytest.mark.slow
def test_library_list_defines_no_model_once_the_cache_is_written(tmp_path: Path) -> None:
    probe = (
        "import sys; sys.argv = ['psoas', 'library', 'list']\n"
        "from psoas.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('psoas.content.models' in sys.modules, file=sys.stderr)"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "COLUMNS": "80"}
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
        )
        for _ in range(2)
    ]
    assert [run.stderr for run in runs] == ["True\n", "False\n"]  # validated once, then read
    assert runs[0].stdout == runs[1].stdout
    assert "psoas_major" in runs[1].stdout
