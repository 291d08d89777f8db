"""The web app's edges: whose Host it answers, how large and how deep a body may be, which ids."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount
from starlette.types import Message

from psoas.errors import InvalidDocument
from psoas.settings import Settings
from psoas.web.app import create_app
from psoas.web.deps import LARGEST_ID, MAX_JSON_DEPTH
from psoas.web.limits import MAX_BODY_BYTES, BodyLimit

API = "/api/v1"
ORIGIN = "http://127.0.0.1:8000"

PATH_VALUES = {"session_id": "1", "entry_id": "psoas_major", "name": "pain", "record_id": "1"}
"""A value for every path parameter of every route (a new parameter must be added here)."""


def make_client(tmp_path: Path, **settings: Any) -> TestClient:
    database_url = f"sqlite:///{tmp_path / 'psoas.sqlite3'}"
    app = create_app(Settings(data_dir=tmp_path / "data", database_url=database_url, **settings))
    return TestClient(app, base_url=ORIGIN)


@pytest.fixture
def sqlite_client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as client:
        yield client


def every_request(app: FastAPI) -> list[tuple[str, str]]:
    """(method, url) for every route of the app: API, pages, docs, the schema and static files."""
    requests: list[tuple[str, str]] = []
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):
            requests.append(("GET", f"{route.path}/site.css"))
            continue
        assert route.path and route.methods, route
        url = route.path
        for parameter in re.findall(r"{(\w+)}", route.path):
            url = url.replace(f"{{{parameter}}}", PATH_VALUES[parameter])
        requests += [(method, url) for method in sorted(route.methods) if method != "HEAD"]
    return requests


def send(client: TestClient, method: str, url: str, host: str) -> Any:
    """A request as a rebinding page would send it: its own name as Host and as Origin."""
    headers = {"Host": host, "Origin": f"http://{host}"}
    if method == "GET":
        return client.get(url, headers=headers)
    return client.request(method, url, headers=headers, json={"schema": "psoas.checkin/1"})


def test_every_route_is_covered(sqlite_client: TestClient) -> None:
    requests = every_request(sqlite_client.app)  # type: ignore[arg-type]
    urls = {url for _, url in requests}
    for expected in ("/", "/static/site.css", "/api/docs", f"{API}/openapi.json", f"{API}/plans"):
        assert expected in urls
    assert ("POST", f"{API}/sessions/1/checkpoints") in requests


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:8000",
        "localhost.evil.example:8000",
        "127.0.0.1:8001",
        "localhost",
        "127.0.0.1",
        "[::1]:9000",
        "user@127.0.0.1:8000",
        "127.0.0.1:8000/x",
        "",
    ],
)
def test_a_foreign_host_is_refused_on_every_route(sqlite_client: TestClient, host: str) -> None:
    for method, url in every_request(sqlite_client.app):  # type: ignore[arg-type]
        response = send(sqlite_client, method, url, host)
        assert response.status_code == 400, (method, url, response.status_code)
        assert response.json()["detail"].startswith("Host: this server does not answer to")
        assert response.headers["X-Frame-Options"] == "DENY"
    assert sqlite_client.get(f"{API}/assessment").status_code == 404  # the POSTs stored nothing


@pytest.mark.parametrize(
    "host", ["127.0.0.1:8000", "localhost:8000", "LocalHost:8000", "[::1]:8000"]
)
def test_this_servers_own_names_are_answered_on_every_route(
    sqlite_client: TestClient, host: str
) -> None:
    for method, url in every_request(sqlite_client.app):  # type: ignore[arg-type]
        response = send(sqlite_client, method, url, host)
        assert response.status_code < 500, (method, url, response.text)
        if response.headers["content-type"].startswith("application/json"):
            assert "Host:" not in response.text, (method, url)
    assert sqlite_client.get("/", headers={"Host": host}).status_code == 200
    assert sqlite_client.get(f"{API}/openapi.json", headers={"Host": host}).status_code == 200


def test_a_clinic_answers_to_its_public_names_only(tmp_path: Path) -> None:
    public = ("clinic.example.org", "staff.example.org:8443")
    with make_client(tmp_path, public_hosts=public) as client:

        def status(host: str) -> int:
            return client.get(f"{API}/health", headers={"Host": host}).status_code

        assert status("clinic.example.org") == 200
        assert status("Clinic.Example.org:443") == 200
        assert status("staff.example.org:8443") == 200
        assert status("staff.example.org") == 400
        assert status("127.0.0.1:8000") == 400
        assert status("evil.example") == 400


def test_public_names_are_read_from_the_environment_comma_separated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PSOAS_PUBLIC_HOSTS", " clinic.example.org, Staff.example.org:8443 ,")
    assert Settings().public_hosts == ("clinic.example.org", "staff.example.org:8443")


def test_a_public_name_that_is_not_a_host_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidDocument, match="PSOAS_PUBLIC_HOSTS: expected a host name"):
        create_app(Settings(data_dir=tmp_path, public_hosts=("clinic.example.org:http",)))


# --- bodies ---------------------------------------------------------------------------------


def check_ins(count: int) -> list[dict[str, Any]]:
    return [
        {
            "schema": "psoas.checkin/1",
            "day": f"2026-{1 + i // 28 % 12:02}-{1 + i % 28:02}",
            "backfill": True,  # months back: confirmed
        }
        for i in range(count)
    ]


def test_a_body_over_the_limit_is_refused_with_413_and_nothing_is_stored(
    sqlite_client: TestClient,
) -> None:
    body = json.dumps(check_ins(6000)).encode()
    assert len(body) > MAX_BODY_BYTES
    response = sqlite_client.post(
        f"{API}/check-ins", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json() == {
        "detail": f"request body: larger than {MAX_BODY_BYTES // 1024} KB; "
        "send fewer records at a time"
    }
    assert "nothing is stored" in sqlite_client.get(f"{API}/progress").json()["detail"]


def test_a_body_within_the_limit_is_read(sqlite_client: TestClient) -> None:
    body = json.dumps(check_ins(3)).encode()
    response = sqlite_client.post(
        f"{API}/check-ins", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 201, response.text


def test_a_body_without_a_length_is_counted_as_it_arrives() -> None:
    """A 100 MB body sent in chunks: refused at the chunk that crosses the limit, not buffered."""
    chunk = b" " * 65536
    chunks_sent = 0
    sent: list[Message] = []

    async def receive() -> dict[str, Any]:
        nonlocal chunks_sent
        chunks_sent += 1
        return {"type": "http.request", "body": chunk, "more_body": chunks_sent < 1600}

    async def send(message: Message) -> None:
        sent.append(message)

    async def reads_everything(scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        raise AssertionError("the whole body was read")

    limited = BodyLimit(reads_everything, max_bytes=MAX_BODY_BYTES)
    scope = {"type": "http", "method": "POST", "path": f"{API}/check-ins", "headers": []}
    # On a thread of its own: an event loop another test left set on this one cannot matter.
    runner = threading.Thread(target=asyncio.run, args=(limited(scope, receive, send),))
    runner.start()
    runner.join()

    assert chunks_sent == MAX_BODY_BYTES // len(chunk) + 1
    assert sent[0]["status"] == 413
    assert b"larger than 256 KB" in sent[1]["body"]


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize("url", [f"{API}/check-ins", f"{API}/plans", f"{API}/sessions/1/aftermath"])
def test_deeply_nested_json_is_refused_naming_the_problem(
    sqlite_client: TestClient, url: str
) -> None:
    response = sqlite_client.post(
        url, content=nested(50_000), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {
            "field": "(body)",
            "problem": f"arrays and objects nest more than {MAX_JSON_DEPTH} levels deep",
        }
    ]


def test_nesting_within_the_limit_reaches_the_contract(sqlite_client: TestClient) -> None:
    response = sqlite_client.post(
        f"{API}/check-ins",
        content=nested(MAX_JSON_DEPTH),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert "nest" not in response.text


def test_brackets_inside_strings_do_not_count_as_nesting(sqlite_client: TestClient) -> None:
    note = "[" * 100 + '\\"{' * 100
    body = f'{{"schema": "psoas.checkin/1", "day": "2026-11-02", "note": "{note}"}}'
    response = sqlite_client.post(
        f"{API}/check-ins", content=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["problems"]] == ["note"]


# --- ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize("session_id", [LARGEST_ID + 1, 2**63, 2**64 + 5, 0, -1])
def test_a_session_id_the_store_cannot_hold_is_refused_by_name(
    client: TestClient, session_id: int
) -> None:
    for response in (
        client.get(f"{API}/sessions/{session_id}"),
        client.post(f"{API}/sessions/{session_id}/resume", json={}),
        client.post(f"{API}/sessions/{session_id}/checkpoints", json={}),
        client.get(f"/session/{session_id}"),
    ):
        assert response.status_code == 422, response.text
        assert "session_id" in response.text


def test_the_largest_session_id_is_simply_unknown(client: TestClient) -> None:
    response = client.get(f"{API}/sessions/{LARGEST_ID}")
    assert response.status_code == 404
    assert str(LARGEST_ID) in response.json()["detail"]


# --- methods and query days -------------------------------------------------------------------


def test_an_unserved_method_is_405_naming_every_method_of_the_path(
    sqlite_client: TestClient,
) -> None:
    response = sqlite_client.put(f"{API}/sessions")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"


@pytest.mark.parametrize("since", ["0", "1700000000", "2026-02-30", "2026-1-1", "2999-01-01"])
def test_since_is_a_day_written_out_and_not_after_today(
    sqlite_client: TestClient, since: str
) -> None:
    for url in (f"{API}/progress", f"{API}/report"):
        response = sqlite_client.get(url, params={"since": since})
        assert response.status_code == 422, (url, response.text)
        assert response.json()["problems"][0]["field"] == "since"


def test_saying_something_changed_takes_an_object(sqlite_client: TestClient) -> None:
    response = sqlite_client.post(f"{API}/changes", json=[None, None])
    assert response.status_code == 422


def test_a_post_where_only_get_is_served_is_405_not_a_cross_site_refusal(
    sqlite_client: TestClient,
) -> None:
    response = sqlite_client.post(f"{API}/assessment")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
