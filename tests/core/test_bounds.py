"""The input bounds every contract keeps, and the readers' limits on what a document may be."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from psoas.core.bounds import EARLIEST_DATE, MAX_BATCH, MAX_LIST
from psoas.core.intake import Intake, parse_intake
from psoas.core.measures import (
    CheckIn,
    Measurement,
    kept_within_bounds,
    parse_check_in,
    parse_check_ins,
    parse_measurement,
    parse_measurements,
)
from psoas.core.records import checked_person_label
from psoas.core.reminders import WorkHours, parse_work_hours
from psoas.core.session_records import Aftermath, Checkpoint, Ratings, parse_checkpoint
from psoas.documents import MAX_DEPTH, MAX_VALUES, parse_text, read_document
from psoas.errors import InvalidDocument, UnreadableFile

Parser = Callable[..., object]


def problems(parse: Parser, data: object) -> list[str]:
    with pytest.raises(InvalidDocument) as caught:
        parse(data, source="test")
    return [str(problem) for problem in caught.value.problems]


def measurement(**fields: Any) -> dict[str, Any]:
    return {"taken_on": "2026-11-02", "low_back_pain": 3, **fields}


def check_in(**fields: Any) -> dict[str, Any]:
    return {"day": "2026-11-02", **fields}


def test_every_dated_field_starts_in_1900() -> None:
    for parse, document, field in (
        (parse_check_in, check_in(day="0001-01-01"), "day"),
        (parse_measurement, measurement(taken_on="1899-12-31"), "taken_on"),
    ):
        assert problems(parse, document) == [
            f"{field}: expected a date from 1900-01-01 on, got {document[field]}"
        ]
    assert parse_check_in(check_in(day=EARLIEST_DATE.isoformat())).day == EARLIEST_DATE


def test_a_yaml_date_before_1900_is_refused_as_a_date() -> None:
    data = parse_text("day: 0001-01-01\npain: 3\n", source="t.yaml", fmt="yaml")
    data = {"day": data["day"], "low_back_pain": 3}
    assert problems(parse_check_in, data) == [
        "day: expected a date from 1900-01-01 on, got 0001-01-01"
    ]


TEXT_FIELDS = [
    (parse_measurement, measurement, ("note",), True),
    (
        parse_measurement,
        lambda text: measurement(
            psfs=[{"activity": a, "score": 3} for a in (text, "walking", "sitting")]
        ),
        ("psfs", "0", "activity"),
        False,
    ),
]
"""Every free text of the contracts: how to fill it, where it is, whether it may hold lines."""


def _with_text(build: Callable[..., dict[str, Any]], path: tuple[str, ...], text: str) -> Any:
    return build(note=text) if path == ("note",) else build(text)


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x07", "\x7f", "\x85", "\r"])
@pytest.mark.parametrize(("parse", "build", "path", "multi_line"), TEXT_FIELDS)
def test_control_characters_are_refused_in_every_text_field(
    parse: Parser, build: Any, path: tuple[str, ...], multi_line: bool, character: str
) -> None:
    text = f"ab{character}cd"
    (problem,) = problems(parse, _with_text(build, path, text))
    code = f"U+{ord(character):04X}"
    assert problem.startswith(".".join(path) + ": expected ")
    assert f"without control characters ({code} at character 3)" in problem


@pytest.mark.parametrize(("parse", "build", "path", "multi_line"), TEXT_FIELDS)
def test_new_lines_and_tabs_only_where_free_text_allows_them(
    parse: Parser, build: Any, path: tuple[str, ...], multi_line: bool
) -> None:
    document = _with_text(build, path, "first line\n\tsecond")
    if multi_line:
        parse(document, source="test")
    else:
        (problem,) = problems(parse, document)
        assert "one line of text" in problem and "U+000A" in problem


def test_text_lengths_are_bounded_with_the_limit_named() -> None:
    assert problems(parse_measurement, measurement(note="x" * 2001)) == [
        "note: expected at most 2000 characters, got 2001"
    ]
    long_activity = [{"activity": a, "score": 3} for a in ("w" * 121, "sitting", "lifting")]
    assert problems(parse_measurement, measurement(psfs=long_activity)) == [
        "psfs.0.activity: expected at most 120 characters, got 121"
    ]
    assert problems(parse_check_in, check_in(done=["a" * 65])) == [
        "done.0: expected at most 64 characters, got 65"
    ]


def test_a_long_bad_value_is_quoted_short_and_printable() -> None:
    (problem,) = problems(parse_intake, {"schema": "psoas.intake/1", "\x1b[2J" + "x" * 500: 1})
    assert "\x1b" not in problem and "\\x1b[2J" in problem
    assert len(problem) < 300


def test_person_labels_are_one_short_line() -> None:
    assert checked_person_label("Ana María") == "Ana María"
    for label, expected in (
        ("me\x00", "one line of text without control characters (U+0000 at character 3)"),
        ("a\nb", "U+000A at character 2"),
        ("x" * 201, "expected at most 200 characters, got 201"),
        ("", "expected at least 1 character, got ''"),
    ):
        (problem,) = problems(lambda data, source: checked_person_label(data), label)
        assert problem.startswith("person: ") and expected in problem


def nested(base: dict[str, Any], field: str, value: object) -> dict[str, Any]:
    """``base`` with ``value`` at the dotted ``field``."""
    *sections, name = field.split(".")
    document = dict(base)
    inner = document
    for section in sections:
        inner = inner.setdefault(section, {})
    inner[name] = value
    return document


INTAKE: dict[str, Any] = {"schema": "psoas.intake/1"}
CHECKPOINT: dict[str, Any] = {"step_index": 0, "step_elapsed": 0, "steps": []}
NUMBER_FIELDS: list[tuple[Parser, dict[str, Any], str, object]] = [
    (parse_check_in, check_in(), "sitting_hours", True),
    (parse_check_in, check_in(), "low_back_pain", True),
    (parse_measurement, measurement(), "sitting_hours", False),
    (parse_measurement, measurement(), "thomas.left.hip_angle_deg", True),
    (parse_measurement, measurement(), "thomas.right.knee_angle_deg", "90"),
    (parse_measurement, measurement(), "global_rating_of_change", True),
    (parse_intake, INTAKE, "lifestyle.sitting_hours_per_day", True),
    (parse_intake, INTAKE, "person.age", True),
    (parse_checkpoint, CHECKPOINT, "step_elapsed", True),
    (parse_checkpoint, CHECKPOINT, "step_index", True),
]


@pytest.mark.parametrize(("parse", "base", "field", "value"), NUMBER_FIELDS)
def test_booleans_and_text_are_never_numbers(
    parse: Parser, base: dict[str, Any], field: str, value: object
) -> None:
    (problem,) = problems(parse, nested(base, field, value))
    assert problem.startswith(f"{field}: expected a")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_numbers_are_finite(value: float) -> None:
    assert problems(parse_check_in, check_in(sitting_hours=value)) == [
        f"sitting_hours: expected a finite number, got {value!r}"
    ]
    (problem,) = problems(parse_checkpoint, {"step_index": 0, "step_elapsed": value, "steps": []})
    assert problem.startswith("step_elapsed: expected a finite number")


def test_whole_numbers_stay_within_64_bits() -> None:
    huge = 2**63
    (problem,) = problems(parse_checkpoint, {"step_index": huge, "step_elapsed": 0, "steps": []})
    assert problem.startswith("step_index: expected a value of at most")


def test_every_list_of_a_document_has_a_maximum() -> None:
    too_many = MAX_LIST + 1
    assert problems(parse_check_in, check_in(done=[f"item_{n}" for n in range(too_many)])) == [
        f"done: expected at most this many entries: {MAX_LIST}, got a list"
    ]
    surgeries = [{"region": "hip", "weeks_ago": 100}] * too_many
    document = {"schema": "psoas.intake/1", "history": {"surgeries": surgeries}}
    assert problems(parse_intake, document) == [
        f"history.surgeries: expected at most this many entries: {MAX_LIST}, got a list"
    ]


@pytest.mark.parametrize(
    ("parse", "item", "what"),
    [
        (parse_measurements, measurement(), "measurements"),
        (parse_check_ins, check_in(), "check-ins"),
    ],
)
def test_a_batch_holds_at_most_the_maximum(parse: Parser, item: dict[str, Any], what: str) -> None:
    assert len(parse([item] * MAX_BATCH, source="batch")) == MAX_BATCH  # type: ignore[arg-type]
    assert problems(parse, [item] * (MAX_BATCH + 1)) == [
        f"(document): expected at most {MAX_BATCH} {what} at once, got {MAX_BATCH + 1}"
    ]


def test_time_zone_names_are_bounded_and_never_crash() -> None:
    for name in ("x" * 10_000, "Europe/Paris\x00", "../../etc/passwd"):
        (problem,) = problems(parse_work_hours, {"timezone": name})
        assert problem.startswith("timezone: ")


READ_CONTRACTS: list[type[BaseModel]] = [
    Intake,
    Measurement,
    CheckIn,
    Ratings,
    Aftermath,
    Checkpoint,
    WorkHours,
]


def _schema_nodes(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, child in node.items():
            yield from _schema_nodes(child, f"{path}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _schema_nodes(child, f"{path}/{index}")


@pytest.mark.parametrize("model", READ_CONTRACTS, ids=lambda model: model.__name__)
def test_every_text_and_list_psoas_reads_is_bounded(model: type[BaseModel]) -> None:
    """A field added without a bound fails here: name its length, characters and size."""
    schema = model.model_json_schema(mode="validation")
    for path, node in _schema_nodes(schema):
        if node.get("type") == "string" and not {"enum", "const", "format"} & node.keys():
            assert "maxLength" in node and "pattern" in node, f"{model.__name__}{path}"
            assert "\\x00" in node["pattern"] or node["pattern"].startswith("^[a-z]"), path
        if node.get("type") == "array":
            assert "maxItems" in node, f"{model.__name__}{path}"


def test_a_stored_record_from_before_the_bounds_is_left_out_not_fatal() -> None:
    documents = [
        {"day": "0001-01-01", "low_back_pain": 3},
        {"day": "2026-11-02", "low_back_pain": 4},
    ]
    kept = kept_within_bounds(CheckIn, documents)
    assert [c.day.isoformat() for c in kept] == ["2026-11-02"]


# --- the readers: nesting, size, and aliases --------------------------------------------------


def billion_laughs(levels: int, width: int) -> str:
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_is_refused_before_anything_is_built(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = billion_laughs(levels=9, width=9)  # 9**9 strings once expanded
    assert len(text) < 1024
    built = []
    original = yaml.constructor.SafeConstructor.construct_object

    def counting(self: Any, node: Any, deep: bool = False) -> Any:
        built.append(node)
        return original(self, node, deep)

    monkeypatch.setattr(yaml.constructor.SafeConstructor, "construct_object", counting)
    path = tmp_path / "bomb.yaml"
    path.write_text(text)
    with pytest.raises(UnreadableFile, match=f"too large: more than {MAX_VALUES:,} values"):
        read_document(path)
    assert built == []
    assert parse_text("a: &x [1, 2]\nb: *x\n", source="t", fmt="yaml") == {"a": [1, 2], "b": [1, 2]}
    assert len(built) > 0  # the spy sees what a document that is read builds


def test_a_few_aliases_within_the_limit_are_read() -> None:
    text = billion_laughs(levels=3, width=10)  # 1,000 strings expanded
    data = parse_text(text, source="t.yaml", fmt="yaml")
    assert len(data["l2"]) == 10 and data["l2"][0][0] == ["lol"] * 10


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "json", f"deeply: more than {MAX_DEPTH}"),
        ("[" * 100_000 + "]" * 100_000, "json", f"deeply: more than {MAX_DEPTH}"),
        ("- " * (MAX_DEPTH + 1) + "x\n", "yaml", f"deeply: more than {MAX_DEPTH}"),
        ("[" * 100_000 + "]" * 100_000, "yaml", "exceeded maximum nesting depth"),  # libyaml's
    ],
    ids=["json", "json-very-deep", "yaml", "yaml-very-deep"],
)
def test_documents_nested_too_deeply_are_refused(text: str, fmt: str, message: str) -> None:
    with pytest.raises(UnreadableFile, match=message):
        parse_text(text, source="deep", fmt=fmt)
    nested = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_text(nested, source="ok", fmt=fmt) is not None


def test_json_refuses_numbers_json_does_not_have() -> None:
    for constant in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(UnreadableFile, match=f"{constant} is not a JSON number"):
            parse_text(f'{{"sitting_hours": {constant}}}', source="t.json", fmt="json")


def test_a_yaml_key_that_is_a_list_is_refused_with_its_line() -> None:
    with pytest.raises(UnreadableFile, match=r"a key must be a name.*line 2"):
        parse_text("schema: psoas.intake/1\n? [a, b]\n: 1\n", source="t.yaml", fmt="yaml")


WHOLE_NUMBER_FIELDS: list[tuple[Parser, dict[str, Any], str, float]] = [
    (parse_check_in, check_in(), "low_back_pain", 7.0),
    (parse_measurement, measurement(), "global_rating_of_change", -2.0),
    (parse_intake, INTAKE, "person.age", 38.0),
    (parse_checkpoint, CHECKPOINT, "step_index", 3.0),
]


@pytest.mark.parametrize(("parse", "base", "field", "value"), WHOLE_NUMBER_FIELDS)
def test_a_whole_number_may_be_written_with_a_point_zero(
    parse: Parser, base: dict[str, Any], field: str, value: float
) -> None:
    """JSON Schema counts 7.0 as an integer, so the models read it as 7; 7.5 is still refused."""
    found: Any = parse(nested(base, field, value), source="test")
    for name in field.split("."):
        found = getattr(found, name)
    assert found == value and type(found) is int
    (problem,) = problems(parse, nested(base, field, value + 0.5))
    assert problem == f"{field}: expected a whole number, got {value + 0.5}"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (0, "expected a date as YYYY-MM-DD (quoted), got a number"),
        (20250301.0, "expected a date as YYYY-MM-DD (quoted), got a number"),
        ("20250301", "expected a date as YYYY-MM-DD, got '20250301'"),
        ("2025-03-01T00:00:00", "expected a date as YYYY-MM-DD, got '2025-03-01T00:00:00'"),
        ("2025-02-30", "expected a real day, got 2025-02-30"),
    ],
)
def test_a_day_is_written_as_a_day(given: object, expected: str) -> None:
    assert problems(parse_check_in, check_in(day=given)) == [f"day: {expected}"]


def test_lists_whose_entries_must_differ_say_so_in_their_schema() -> None:
    """What the validators refuse, the published schema refuses too (``uniqueItems``)."""
    check_in_schema = CheckIn.model_json_schema()["properties"]
    for name, entry in (
        ("done", "walking"),
        ("red_flags", "saddle_numbness"),
        ("adverse_events", "bruising"),
    ):
        assert check_in_schema[name]["uniqueItems"] is True, name
        assert problems(parse_check_in, check_in(**{name: [entry, entry]})) == [
            f"{name}: each id may be listed once"
        ]
    distinct, none_alone, _ = Intake.model_json_schema()["properties"]["tools"]["anyOf"]
    assert distinct["uniqueItems"] is True and "none" not in distinct["items"]["enum"]
    assert (none_alone["items"]["const"], none_alone["maxItems"]) == ("none", 1)
    (problem,) = problems(parse_intake, {**INTAKE, "tools": ["none", "pso_rite"]})
    assert problem == "tools: 'none' cannot be listed together with a tool"
