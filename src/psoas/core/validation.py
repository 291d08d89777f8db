"""Turn pydantic's validation errors into plain messages that name the field.

A person who typed ``hernai: false`` should read
``red_flags.hernai: unknown field; did you mean 'hernia'?``, not a
pydantic traceback. Every contract document is validated through
:func:`validate_document`, so the CLI and the web app say the same thing.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from psoas.core.bounds import LINE_PATTERN, NAME_PATTERN, TEXT_PATTERN, control_character_in
from psoas.errors import FieldProblem, InvalidDocument

M = TypeVar("M", bound=BaseModel)


def validate_document(model: type[M], data: object, *, source: str) -> M:
    """Validate ``data`` as ``model`` or raise :class:`InvalidDocument` naming each field."""
    if not isinstance(data, dict):
        got = "nothing" if data is None else _kind_of(data)
        problem = FieldProblem("(document)", f"expected a mapping of fields, got {got}")
        raise InvalidDocument(source, [problem])
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = [_describe(model, details) for details in error.errors()]
        raise InvalidDocument(source, _dedupe(problems)) from None


def _describe(model: type[BaseModel], details: ErrorDetails) -> FieldProblem:
    location = _field_path(details["loc"])
    kind = details["type"]
    context = details.get("ctx") or {}
    given = details.get("input")
    if kind == "extra_forbidden":
        return FieldProblem(location, _unknown_field(model, details["loc"]))
    if kind == "missing":
        return FieldProblem(location, "is required but missing")
    if kind in _EXPECTED_TYPE:
        return FieldProblem(location, f"expected {_EXPECTED_TYPE[kind]}, got {_shown(given)}")
    if kind in _BOUNDS:
        bound = context.get(_BOUNDS[kind][1])
        bound = f"{bound:g}" if isinstance(bound, float) else bound
        return FieldProblem(location, f"expected {_BOUNDS[kind][0]} {bound}, got {_shown(given)}")
    if kind in ("enum", "literal_error"):
        expected = str(context.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return FieldProblem(location, f"expected one of: {expected}; got {_shown(given)}")
    if kind == "value_error":
        return FieldProblem(location, str(context.get("error", details["msg"])))
    text_problem = _text_problem(kind, context, given)
    if text_problem is not None:
        return FieldProblem(location, text_problem)
    return FieldProblem(location, details["msg"])


_EXPECTED_TYPE = {
    "bool_type": "true or false",
    "int_type": "a whole number",
    "float_type": "a number",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "int_from_float": "a whole number",
    "finite_number": "a finite number",
}

_BOUNDS = {
    "greater_than_equal": ("a value of at least", "ge"),
    "greater_than": ("a value above", "gt"),
    "less_than_equal": ("a value of at most", "le"),
    "less_than": ("a value below", "lt"),
    "too_short": ("at least this many entries:", "min_length"),
    "too_long": ("at most this many entries:", "max_length"),
}


_TEXT_PATTERNS = {LINE_PATTERN: False, TEXT_PATTERN: True}
"""Each text pattern of :mod:`psoas.core.bounds`, and whether it allows new lines and tabs."""

SHOWN_LENGTH = 60
"""A value or unknown field name quoted back in a message is cut to this many characters."""


def _text_problem(kind: str, context: dict[str, Any], given: object) -> str | None:
    """What is wrong with a text value, for the bounds of :mod:`psoas.core.bounds`."""
    if kind == "string_too_long":
        length = f", got {len(given)}" if isinstance(given, str) else ""
        return f"expected at most {context['max_length']} characters{length}"
    if kind == "string_too_short":
        least = context["min_length"]
        return (
            f"expected at least {least} character{'s' if least != 1 else ''}, got {_shown(given)}"
        )
    if kind == "string_pattern_mismatch" and context.get("pattern") == NAME_PATTERN:
        if isinstance(given, str) and control_character_in(given, lines=False):
            return _control_character(given, LINE_PATTERN)
        return f"expected at least 2 characters that are not spaces, got {_shown(given)}"
    if kind == "string_pattern_mismatch" and context.get("pattern") in _TEXT_PATTERNS:
        return _control_character(given, context["pattern"])
    if kind == "string_unicode":
        return "expected text, got characters that are not valid Unicode"
    return None


def _control_character(given: object, pattern: str) -> str:
    lines = _TEXT_PATTERNS[pattern]
    found = control_character_in(given, lines=lines) if isinstance(given, str) else None
    where = f" ({found[1]} at character {found[0]})" if found else ""
    if lines:
        return f"expected text without control characters{where}; new lines and tabs are fine"
    return f"expected one line of text without control characters{where}"


def _field_path(location: Sequence[int | str]) -> str:
    return ".".join(_clipped(str(part)) for part in location) or "(document)"


def _clipped(text: str) -> str:
    """Text fit to quote back: printable and short (an unknown key may be anything)."""
    shown = text if text.isprintable() else repr(text)[1:-1]
    return shown if len(shown) <= SHOWN_LENGTH else shown[:SHOWN_LENGTH] + "..."


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, dict | list | str):
        return _kind_of(value)
    if isinstance(value, date):
        return value.isoformat()
    return _clipped(repr(value))


def _kind_of(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"{_clipped(repr(value))} (text)"
    return f"{type(value).__name__} {_clipped(repr(value))}"


def _unknown_field(model: type[BaseModel], location: Sequence[int | str]) -> str:
    name = str(location[-1])
    owner = _model_at(model, location[:-1])
    if owner is None:
        return "unknown field"
    allowed = [field.alias or key for key, field in owner.model_fields.items()]
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown field; did you mean {close[0]!r}?"
    return f"unknown field; expected one of: {', '.join(allowed)}"


def _model_at(model: type[BaseModel], location: Sequence[int | str]) -> type[BaseModel] | None:
    """Follow a location through nested models and lists to the model that holds its end."""
    current: Any = model
    for part in location:
        current = _unwrap(current)
        if isinstance(part, int):
            args = [arg for arg in typing.get_args(current) if arg is not type(None)]
            current = args[0] if args else None
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        fields = {field.alias or key: field for key, field in current.model_fields.items()}
        if part not in fields:
            return None
        current = fields[part].annotation
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Strip ``X | None`` and ``Annotated[X, ...]`` down to X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _dedupe(problems: list[FieldProblem]) -> list[FieldProblem]:
    seen: dict[str, FieldProblem] = {}
    for problem in problems:
        seen.setdefault(str(problem), problem)
    return list(seen.values())
