"""Reading JSON and YAML documents strictly.

Plain ``yaml.safe_load`` and ``json.loads`` keep the last of two equal keys
without a word. For a safety answer that is how a "yes" silently becomes a
"no", so both readers here reject duplicate keys, and both report problems
as :class:`psoas.errors.UnreadableFile` with the line where they are.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from psoas.errors import UnreadableFile

try:  # the C loader is several times faster where libyaml is present
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that refuses a mapping holding the same key twice."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice (again on line {line})"
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def parse_text(text: str, *, source: str, fmt: str | None = None) -> Any:
    """Parse JSON or YAML text; ``fmt`` is ``"json"``, ``"yaml"`` or None to sniff."""
    if fmt == "json" or (fmt is None and text.lstrip().startswith(("{", "["))):
        return _parse_json(text, source=source)
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        raise UnreadableFile(f"{source} is not well-formed YAML: {_describe_yaml(error)}") from None


def read_document(path: Path) -> Any:
    """Read a JSON (``.json``) or YAML (anything else) file into plain Python data."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UnreadableFile(f"{source}: no such file") from None
    except IsADirectoryError:
        raise UnreadableFile(f"{source}: is a folder, expected a JSON or YAML file") from None
    except UnicodeDecodeError:
        raise UnreadableFile(f"{source}: is not UTF-8 text") from None
    except OSError as error:
        raise UnreadableFile(f"{source}: cannot be read ({error.strerror})") from None
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    return parse_text(text, source=source, fmt=fmt)


def _parse_json(text: str, *, source: str) -> Any:
    def reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise ValueError(f"the key {key!r} appears twice")
            result[key] = value
        return result

    try:
        return json.loads(text, object_pairs_hook=reject_duplicates)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise UnreadableFile(f"{source} is not well-formed JSON ({where}): {error.msg}") from None
    except ValueError as error:
        raise UnreadableFile(f"{source} is not valid JSON: {error}") from None


def _describe_yaml(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is not None:
        return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"
    return str(problem)
