"""Every page at 360 px and 1280 px, light and dark: no axe-core violations, no sideways scroll,
a screenshot (and in dark mode, a dark page)."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page

from tests.conftest import EXAMPLES
from tests.web.browser.conftest import Server, axe_violations, no_horizontal_scroll, screenshot

pytestmark = pytest.mark.browser

PAGES = {
    "dashboard": "",
    "intake": "intake",
    "plan": "plan",
    "session-start": "session",
    "track": "track",
    "history": "history",
    "library": "library",
    "library-entry": "library/couch_stretch",
    "reminders-mistake": "reminders.ics?work_days=funday&timezone=Mars%2FOlympus",
}


def post(server: Server, path: str, document: Any) -> Any:
    """A JSON call to the server's API, as a page of its own would make it."""
    request = urllib.request.Request(
        server.url + path,
        data=json.dumps(document).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or b"null")


def seed(server: Server) -> int:
    """The desk worker's plan, the example history, and one session: every page has content."""
    post(server, "api/v1/plans", yaml.safe_load((EXAMPLES / "desk-worker.yaml").read_text()))
    for name, path in (
        ("measures.yaml", "api/v1/measures"),
        ("check-ins.yaml", "api/v1/check-ins"),
    ):
        documents = yaml.safe_load((EXAMPLES / "history" / name).read_text())
        confirmed = [{**document, "backfill": True} for document in documents]  # before the intake
        post(server, path, json.loads(json.dumps(confirmed, default=str)))
    opened = post(server, "api/v1/sessions", {"minutes": 10, "before": {"low_back_pain": 5}})
    return int(opened["id"])


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, int]]:
    """One server for the whole sweep, with every kind of record in it."""
    running = Server(tmp_path_factory.mktemp("a11y") / "psoas-data")
    try:
        yield running, seed(running)
    finally:
        running.stop()


SCHEMES = ("light", "dark")


def in_scheme(page: Page, scheme: str) -> None:
    """Ask for the colour scheme as a system setting would (``prefers-color-scheme``)."""
    page.emulate_media(color_scheme="dark" if scheme == "dark" else "light")


def assert_the_scheme_shows(page: Page, scheme: str) -> None:
    """The page's background is dark in dark mode and light otherwise."""
    colour: str = page.eval_on_selector("body", "e => getComputedStyle(e).backgroundColor")
    red, green, blue = (int(part) for part in re.findall(r"\d+", colour)[:3])
    lightness = (red + green + blue) / (3 * 255)
    assert lightness < 0.2 if scheme == "dark" else lightness > 0.9, colour


def suffix(scheme: str) -> str:
    return "-dark" if scheme == "dark" else ""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_passes_axe_and_fits_a_phone(
    seeded: tuple[Server, int], page: Page, name: str, scheme: str
) -> None:
    server, _ = seeded
    in_scheme(page, scheme)
    page.goto(server.url + PAGES[name])
    page.wait_for_load_state("networkidle")
    screenshot(page, name + suffix(scheme))
    assert_the_scheme_shows(page, scheme)
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_running_session_page_passes_axe(
    seeded: tuple[Server, int], page: Page, scheme: str
) -> None:
    server, session_id = seeded
    in_scheme(page, scheme)
    page.goto(f"{server.url}session/{session_id}")
    page.wait_for_load_state("networkidle")
    screenshot(page, "session-run" + suffix(scheme))
    assert_the_scheme_shows(page, scheme)
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page)


def test_a_fresh_person_sees_where_to_start(server: Server, page: Page) -> None:
    page.goto(server.url)
    screenshot(page, "dashboard-fresh")
    assert page.get_by_role("link", name="Answer the intake").is_visible()
    assert axe_violations(page) == []
