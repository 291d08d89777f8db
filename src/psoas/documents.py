"""Reading JSON and YAML documents strictly.

Plain ``yaml.safe_load`` and ``json.loads`` keep the last of two equal keys
without a word. For a safety answer that is how a "yes" silently becomes a
"no", so both readers here reject duplicate keys, and both report problems
as :class:`psoas.errors.UnreadableFile` with the line where they are.

Both also refuse a document too big to be one person's answers before it is
built: nested deeper than :data:`MAX_DEPTH`, or holding more than
:data:`MAX_VALUES` values. YAML counts its aliases expanded, so a kilobyte of
aliases to aliases (a "billion laughs") is refused from its events, before a
single object exists; JSON refuses NaN and Infinity, which are not JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from psoas.errors import UnreadableFile

try:  # the C loader is several times faster where libyaml is present
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


MAX_DEPTH = 32
"""Lists and mappings inside each other: a contract needs five levels at most."""

MAX_VALUES = 100_000
"""Values in one document, aliases expanded: a batch of 1000 full measurements has about 40,000."""


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that refuses a mapping holding the same key twice."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, list | dict):
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None, None, f"a key must be a name, not a list or mapping (line {line})"
            )
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
        _check_size(_yaml_shape(yaml.parse(text, Loader=_BaseLoader)), source=source)
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

    def reject_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    try:
        data = json.loads(text, object_pairs_hook=reject_duplicates, parse_constant=reject_constant)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise UnreadableFile(f"{source} is not well-formed JSON ({where}): {error.msg}") from None
    except ValueError as error:
        raise UnreadableFile(f"{source} is not valid JSON: {error}") from None
    except RecursionError:
        _check_size([(MAX_DEPTH + 1, 0)], source=source)
    _check_size(_json_shape(data), source=source)
    return data


def _check_size(shape: Iterable[tuple[int, int]], *, source: str) -> None:
    """Refuse a document at the first point it is nested too deep or holds too many values.

    ``shape`` gives, as the document is read, the depth reached and the values so far.
    """
    for depth, values in shape:
        if depth > MAX_DEPTH:
            raise UnreadableFile(
                f"{source} is nested too deeply: more than {MAX_DEPTH} lists or mappings "
                "inside each other"
            )
        if values > MAX_VALUES:
            raise UnreadableFile(
                f"{source} is too large: more than {MAX_VALUES:,} values"
                " (aliases counted each time they are used)"
            )


def _yaml_shape(events: Iterable[yaml.Event]) -> Iterable[tuple[int, int]]:
    """Depth and values so far, from YAML's events: nothing is built, aliases count expanded."""
    open_sizes: list[int] = []  # values inside each list or mapping still open
    open_anchors: list[str | None] = []
    anchored: dict[str, int] = {}  # the values under each anchor, expanded
    total = 0
    for event in events:
        if isinstance(event, yaml.CollectionEndEvent):
            size = open_sizes.pop()
            anchor = open_anchors.pop()
            if anchor is not None:
                anchored[anchor] = size
            if open_sizes:
                open_sizes[-1] += size
            continue
        if isinstance(event, yaml.CollectionStartEvent):
            open_sizes.append(1)  # the list or mapping itself; its values are added as they come
            open_anchors.append(event.anchor)
            total += 1
            yield len(open_sizes), total
            continue
        if isinstance(event, yaml.ScalarEvent):
            size = 1
            if event.anchor is not None:
                anchored[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            size = anchored.get(event.anchor or "", 1)
        else:
            continue
        total += size
        if open_sizes:
            open_sizes[-1] += size
        yield len(open_sizes), total


def _json_shape(data: Any) -> Iterable[tuple[int, int]]:
    """Depth and values so far, walking parsed JSON without recursion."""
    pending: list[tuple[Any, int]] = [(data, 0)]
    total = 0
    while pending:
        value, depth = pending.pop()
        total += 1
        if isinstance(value, dict | list):
            depth += 1
            children = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth) for child in children)
        yield depth, total


def _describe_yaml(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is not None:
        return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"
    return str(problem)
