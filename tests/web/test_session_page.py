"""The guided-session pages: the safety gate before the form, and the running page's data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from psoas.content import load_knowledge_base
from psoas.content.vocabulary import AdverseEventId
from psoas.core.session_records import FELT_LABELS, RATING_QUESTIONS
from psoas.settings import Settings
from psoas.web.app import create_app
from psoas.web.routes import session_page
from tests.conftest import EXAMPLES


@pytest.fixture
def pages(client: TestClient) -> TestClient:
    return client


@pytest.fixture
def fast_pages(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, session_speed=100)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


class _Page(HTMLParser):
    """The tags of a page with their attributes, and what each script holds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None

    def ids(self) -> set[str]:
        return {attrs["id"] or "" for _, attrs in self.tags if "id" in attrs}


def parse(html: str) -> _Page:
    parsed = _Page()
    parsed.feed(html)
    parsed.close()
    return parsed


def assert_no_inline_code(html: str) -> None:
    """Scripts only from files, or the one JSON data block; no style attributes or handlers."""
    parsed = parse(html)
    for attrs, text in parsed.scripts:
        if attrs.get("type") == "application/json":
            assert attrs.get("id") == "session-data"
            json.loads(text)
        else:
            assert (attrs.get("src") or "").startswith("/static/"), attrs
            assert text.strip() == ""
    for tag, attrs in parsed.tags:
        assert "style" not in attrs, tag
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)


def session_data(html: str) -> dict[str, Any]:
    blocks = [text for attrs, text in parse(html).scripts if attrs.get("id") == "session-data"]
    assert len(blocks) == 1
    data: dict[str, Any] = json.loads(blocks[0])
    return data


def load_example(client: TestClient, name: str) -> None:
    answer = client.post("/api/v1/plans", json=yaml.safe_load((EXAMPLES / name).read_text()))
    assert answer.status_code == 200, answer.text


def open_session(client: TestClient, **body: Any) -> dict[str, Any]:
    answer = client.post("/api/v1/sessions", json={"minutes": 10, **body})
    assert answer.status_code == 201, answer.text
    record: dict[str, Any] = answer.json()
    return record


# -- the start page ----------------------------------------------------------------------------


def test_without_a_safety_screen_the_page_says_why_and_offers_no_start(pages: TestClient) -> None:
    answer = pages.get("/session")
    assert answer.status_code == 200
    assert "Answer the safety questions first" in answer.text
    assert 'href="/intake"' in answer.text
    ids = parse(answer.text).ids()
    assert "session-blocked" in ids
    assert not {"start", "start-form", "carry-on"} & ids
    assert_no_inline_code(answer.text)


def test_an_urgent_screen_comes_first_and_prominently_with_no_start(pages: TestClient) -> None:
    load_example(pages, "safety-urgent.yaml")
    answer = pages.get("/session")
    assert answer.status_code == 200
    assert "Please get medical help now" in answer.text
    ids = parse(answer.text).ids()
    assert {"session-blocked", "safety-refusal"} <= ids
    assert not {"start", "start-form"} & ids
    assessment = pages.get("/api/v1/assessment").json()
    urgent = [r["message"] for r in assessment["safety"]["reasons"] if r["level"] == "urgent"]
    assert urgent
    refusal = answer.text.index('id="safety-refusal"')
    for message in urgent:
        assert answer.text.index(message.replace("'", "&#39;")) > refusal
    assert "Gentle breathing" not in answer.text  # care now, not exercise
    assert_no_inline_code(answer.text)


def test_a_caution_that_rules_out_pressure_shows_why_and_no_start(pages: TestClient) -> None:
    load_example(pages, "safety-caution.json")
    answer = pages.get("/session")
    assert "rules out steady pressure on the belly" in answer.text
    assert "start-form" not in parse(answer.text).ids()


def test_a_clear_screen_shows_the_form_with_the_tool_on_record(pages: TestClient) -> None:
    load_example(pages, "desk-worker.yaml")
    answer = pages.get("/session")
    assert answer.status_code == 200
    parsed = parse(answer.text)
    ids = parsed.ids()
    assert {"start-form", "start", "minutes", "tool", "kind-self_release"} <= ids
    assert {"kind-manual_release", "start-error"} <= ids
    assert {f"before-{name}" for name in RATING_QUESTIONS} <= ids
    assert "session-blocked" not in ids
    minutes = next(attrs for tag, attrs in parsed.tags if attrs.get("id") == "minutes")
    assert (minutes["min"], minutes["max"], minutes["value"]) == ("10", "45", "20")
    chosen = [attrs for tag, attrs in parsed.tags if tag == "option" and "selected" in attrs]
    assert {"value": "pso_rite", "selected": None} in chosen
    assert "carry-on" not in ids
    assert_no_inline_code(answer.text)
    assert '<script src="/static/session.js" defer></script>' in answer.text
    assert 'href="/static/session.css"' in answer.text


def test_an_unfinished_session_is_offered_to_carry_on(pages: TestClient) -> None:
    load_example(pages, "desk-worker.yaml")
    record = open_session(pages)
    answer = pages.get("/session")
    assert f'href="/session/{record["id"]}"' in answer.text
    assert "carry-on" in parse(answer.text).ids()


def test_a_finished_session_is_not_offered_to_carry_on(pages: TestClient) -> None:
    load_example(pages, "desk-worker.yaml")
    record = open_session(pages)
    steps = record["timeline"]["steps"]
    done = {
        "step_index": len(steps) - 1,
        "step_elapsed": steps[-1]["duration"],
        "steps": [{"spent_seconds": s["duration"], "outcome": "completed"} for s in steps],
        "finished": True,
    }
    stored = pages.post(f"/api/v1/sessions/{record['id']}/checkpoints", json=done)
    assert stored.status_code == 204, stored.text
    assert "carry-on" not in parse(pages.get("/session").text).ids()


# -- the running page ---------------------------------------------------------------------------


def test_the_running_page_embeds_the_record_the_speech_and_the_speed(pages: TestClient) -> None:
    load_example(pages, "desk-worker.yaml")
    record = open_session(pages, before={"low_back_pain": 5})
    answer = pages.get(f"/session/{record['id']}")
    assert answer.status_code == 200
    assert_no_inline_code(answer.text)
    data = session_data(answer.text)
    assert data["speed"] == 1.0
    assert data["api"] == f"/api/v1/sessions/{record['id']}"
    assert data["checkpoint_seconds"] == 5.0
    assert data["back_restarts_after"] == 5.0
    assert data["record"]["timeline"] == record["timeline"]
    assert data["record"]["status"] == "in_progress"
    assert data["record"]["before"]["low_back_pain"] == 5
    steps = data["record"]["timeline"]["steps"]
    assert len(steps) == len(data["record"]["steps"])
    assert {"phase", "side", "start", "duration", "cue", "title", "breath"} <= set(steps[0])


def test_the_page_says_what_the_terminal_says(pages: TestClient) -> None:
    load_example(pages, "desk-worker.yaml")
    record = open_session(pages)
    data = session_data(pages.get(f"/session/{record['id']}").text)
    spoken = load_knowledge_base().session.spoken
    speech = data["speech"]
    steps = data["record"]["timeline"]["steps"]
    assert len(speech["steps"]) == len(steps)
    for step, said in zip(steps, speech["steps"], strict=True):
        assert said["step_started"] == f"{step['title']}. {step['cue']}"
        paced = step["phase"] == "breathing"
        assert said["breath_in"] == (spoken.breathe_in if paced else None)
        assert said["breath_out"] == (spoken.breathe_out if paced else None)
        assert said["half_way"] == (spoken.half_way if step.get("placement") else None)
    assert any(said["breath_in"] for said in speech["steps"])
    assert any(said["half_way"] for said in speech["steps"])
    assert speech["paused"] == spoken.paused
    assert speech["resumed"] == spoken.resumed
    assert speech["session_finished"] == spoken.finished


def test_every_control_has_a_stable_id(pages: TestClient) -> None:
    load_example(pages, "desk-worker.yaml")
    record = open_session(pages)
    html = pages.get(f"/session/{record['id']}").text
    ids = parse(html).ids()
    controls = {
        "begin",
        "pause",
        "next",
        "back",
        "mute",
        "step-title",
        "step-cue",
        "step-time-left",
        "session-time-left",
        "session-progress",
        "session-status",
        "announce",
        "after-form",
        "after-submit",
        "summary",
        "pain-advice",
        "dashboard-link",
        "safety-stop-message",
        "release-advice",
        "problem",
        "problem-report",
        "problem-form",
        "problem-submit",
        "problem-advice",
    }
    controls |= {f"after-{name}" for name in RATING_QUESTIONS}
    controls |= {f"felt-{felt.value}" for felt in FELT_LABELS}
    controls |= {f"adverse-{event.value}" for event in AdverseEventId}
    controls |= {f"problem-{event.value}" for event in AdverseEventId}
    assert controls <= ids
    assert 'aria-live="polite"' in html


def test_the_speed_of_the_settings_reaches_the_page(fast_pages: TestClient) -> None:
    load_example(fast_pages, "desk-worker.yaml")
    record = open_session(fast_pages)
    data = session_data(fast_pages.get(f"/session/{record['id']}").text)
    assert data["speed"] == 100.0


def test_an_unknown_session_is_a_404_page(pages: TestClient) -> None:
    answer = pages.get("/session/9999")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "session: no entry with id &#39;9999&#39;" in answer.text


def test_a_session_id_must_be_a_number(pages: TestClient) -> None:
    assert pages.get("/session/abc").status_code == 422


def test_the_pages_keep_the_strict_security_headers(pages: TestClient) -> None:
    answer = pages.get("/session")
    assert "script-src 'self'" in answer.headers["content-security-policy"]


def test_the_script_and_styles_are_served(pages: TestClient) -> None:
    script = pages.get("/static/session.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert pages.get("/static/session.css").status_code == 200


# -- the JSON data block ------------------------------------------------------------------------


def test_the_data_block_cannot_close_its_script_tag() -> None:
    tricky = {"cue": "</script><script>alert(1)</script> & <!-- -->", "n": 1}
    block = str(session_page.json_data_block(tricky))
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block) == tricky
