"""The OpenAPI document is a contract: it resolves, it says what each route reads and answers,
and schemathesis, fuzzing the app from it with every check, finds nothing it does not say."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, get_args

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from schemathesis.engine import events, from_schema
from schemathesis.generation.case import Case
from schemathesis.hooks import HookContext

from psoas.core.intake import SURGERY_WINDOW_WEEKS
from psoas.settings import Settings
from psoas.web.app import create_app
from psoas.web.deps import JsonBody

API = "/api/v1"
ORIGIN = "http://127.0.0.1:8000"
PREFIX = "#/components/schemas/"


def served_document(tmp_path: Path) -> tuple[FastAPI, dict[str, Any]]:
    database_url = f"sqlite:///{tmp_path / 'psoas.sqlite3'}"
    app = create_app(Settings(data_dir=tmp_path / "data", database_url=database_url))
    with TestClient(app, base_url=ORIGIN) as client:
        document: dict[str, Any] = client.get(f"{API}/openapi.json").json()
    return app, document


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return served_document(tmp_path_factory.mktemp("openapi"))[1]


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    references = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(document)))
    assert references, "the document should use references"
    for reference in references:
        assert reference.startswith(PREFIX), reference
        assert reference.removeprefix(PREFIX) in document["components"]["schemas"], reference


def test_every_route_that_reads_a_body_declares_it(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    read_body = get_args(JsonBody)[1].dependency
    readers = set()
    for route in iter_route_contexts(create_app(Settings(data_dir=tmp_path)).routes):
        if isinstance(route.original_route, APIRoute):
            dependencies = route.original_route.dependant.dependencies
            if any(dependency.call is read_body for dependency in dependencies):
                readers |= {(method, route.path) for method in route.methods or ()}
    assert len(readers) == 15  # 8, and correct, delete (3 kinds each) and undo
    for method, path, operation in operations(document):
        reads = (method, path) in readers
        assert ("requestBody" in operation) == reads, (method, path)
        if reads:
            assert operation["requestBody"]["required"] is True


def test_every_refusal_is_documented_in_the_one_shape(document: dict[str, Any]) -> None:
    error = {"$ref": f"{PREFIX}ErrorDocument"}
    for method, path, operation in operations(document):
        expected = {"400"} if path == f"{API}/health" else {"400", "503"}
        if method == "POST":
            expected |= {"403", "413", "422"}
        if "{" in path:
            expected |= {"404", "422"}
        refusals = {status for status in operation["responses"] if status >= "400"}
        assert expected <= refusals, (method, path, refusals)
        for status in refusals:
            content = operation["responses"][status]["content"]
            assert content == {"application/json": {"schema": error}}, (method, path, status)
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_files_are_declared_with_their_media_types(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert set(paths[f"{API}/report"]["get"]["responses"]["200"]["content"]) == {
        "application/pdf",
        "text/html",
    }
    assert set(paths[f"{API}/reminders.ics"]["get"]["responses"]["200"]["content"]) == {
        "text/calendar"
    }


def test_writes_answer_with_exactly_what_they_stored(document: dict[str, Any]) -> None:
    fields = {
        "recorded",
        "merged",
        "stored",
        "rescreen",
        "rescreen_impossible",
        "plan_version",
        "paused",
    }
    schemas = document["components"]["schemas"]
    for path in ("/measures", "/check-ins"):
        answer = document["paths"][f"{API}{path}"]["post"]["responses"]["201"]
        reference = answer["content"]["application/json"]["schema"]["$ref"]
        assert set(schemas[reference.removeprefix(PREFIX)]["properties"]) == fields


def test_no_response_is_an_untyped_object(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        for status, response in operation["responses"].items():
            for media, content in response.get("content", {}).items():
                assert content.get("schema") not in (None, {}, {"type": "object"}), (
                    method,
                    path,
                    status,
                    media,
                )


# --- schemathesis -----------------------------------------------------------------------------

FUZZ_CONFIG = {
    "base-url": ORIGIN,
    "seed": 11,
    "max-time": 90,
    # The report is a PDF drawn by a worker process that may first have to start: seconds on
    # a shared, loaded machine (10 s, the default, was once too few in CI). A hang still fails.
    "request-timeout": 60.0,
    "generation": {"max-examples": 10},
    "phases": {
        "examples": {"enabled": True},
        "coverage": {"enabled": True},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": False},
    },
}
"""Every check, every stateless phase, bounded in examples and time (a fixed seed: reproducible)."""


# What no JSON Schema can say, and the two hooks below say instead (schemathesis' documented
# `map_case` and `filter_case`, run in every phase). Each rule is kept by the app and named in
# the document's words; only the generator is told:
# - "not after today" (a check-in's day, a measurement's taken_on, progress and the report's
#   `since`): a schema is the same every day, so it cannot say which day is today. A
#   generated day after today becomes today.
# - "confirmed when long ago or before the first intake": which days need `backfill: true`
#   turns on today and on what is stored. A generated day before today is confirmed.
# - a PSFS activity listed twice in another case or spacing ("Walk", " walk"): `uniqueItems`
#   compares whole items, not one field of them folded to lower case.
# - working hours that end after they start: a schema cannot compare two query parameters.
# - an intake saying "no recent surgery" while listing an operation within the window: a
#   schema cannot compare one field with the items of another.
DATED_BODIES = {f"{API}/check-ins": "day", f"{API}/measures": "taken_on"}


def _items(body: object) -> list[dict[str, Any]]:
    """The documents of a body: itself, or each of a list."""
    items = body if isinstance(body, list) else [body]
    return [item for item in items if isinstance(item, dict)]


def _no_later_than_today(context: HookContext, case: Case[Any]) -> Case[Any]:
    field = DATED_BODIES.get(case.path, "")
    for item in _items(case.body) if field else ():
        if _after_today(item.get(field)):
            item[field] = date.today().isoformat()
        elif _before_today(item.get(field)) and _unconfirmed(item):
            item["backfill"] = True
    if isinstance(case.query, dict) and _after_today(case.query.get("since")):
        case.query["since"] = date.today().isoformat()
    return case


def _after_today(given: Any) -> bool:
    """Whether ``given`` is a real day written out that is after today."""
    day = _real_day(given)
    return day is not None and day > date.today()


def _before_today(given: Any) -> bool:
    """Whether ``given`` is a real day written out that is before today."""
    day = _real_day(given)
    return day is not None and day < date.today()


def _real_day(given: Any) -> date | None:
    if not (isinstance(given, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", given)):
        return None
    try:
        return date.fromisoformat(given)
    except ValueError:  # not a real day: what a negative case is about
        return None


def _unconfirmed(item: dict[str, Any]) -> bool:
    """``backfill`` left out, null or false: not a wrong value that a negative case is about."""
    return item.get("backfill") is None or item.get("backfill") is False


def _keeps_what_a_schema_cannot_say(context: HookContext, case: Case[Any]) -> bool:
    query = case.query if isinstance(case.query, dict) else {}
    start, end = query.get("work_start", "09:00"), query.get("work_end", "17:00")
    times = all(isinstance(t, str) and re.fullmatch(r"\d\d:\d\d", t) for t in (start, end))
    if times and end <= start:
        return False
    for item in _items(case.body):
        if _contradicts_itself_on_surgery(item):
            return False
        psfs = item.get("psfs")
        names = [
            entry["activity"].strip().casefold()
            for entry in _items(psfs)
            if isinstance(entry.get("activity"), str)
        ]
        if isinstance(psfs, list) and len(set(names)) != len(names):
            return False
    return True


def _contradicts_itself_on_surgery(intake: dict[str, Any]) -> bool:
    history = intake.get("history")
    if not isinstance(history, dict) or history.get("recent_surgery") is not False:
        return False
    weeks = [s.get("weeks_ago") for s in _items(history.get("surgeries"))]
    return any(isinstance(w, int | float) and w < SURGERY_WINDOW_WEEKS for w in weeks)


def test_schemathesis_finds_nothing_the_document_does_not_say(tmp_path: Path) -> None:
    """The served document, fuzzed in-process against the app over a temporary SQLite store."""
    app, served = served_document(tmp_path)
    schema = schemathesis.openapi.from_dict(
        served, config=schemathesis.Config.from_dict(FUZZ_CONFIG)
    )
    schema.app = app  # answered in-process, as schemathesis.openapi.from_asgi does
    schema.hook("map_case")(_no_later_than_today)
    schema.hook("filter_case")(_keeps_what_a_schema_cannot_say)
    problems: list[str] = []
    scenarios = 0
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            scenarios += 1
            problems += [
                f"{event.label}: {node.name}: {node.failure_info.failure.title}\n"
                f"{node.failure_info.failure.message}\n{node.failure_info.code_sample}"
                for nodes in event.recorder.checks.values()
                for node in nodes
                if node.failure_info is not None
            ]
        elif isinstance(event, events.NonFatalError):
            problems.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            raise event.exception
    assert scenarios >= len(served["paths"])
    assert not problems, "\n\n".join(dict.fromkeys(problems))
