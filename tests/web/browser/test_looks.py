"""Looks and comfort: the phone menu, dark mode's colours, and the API docs under the CSP."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from tests.web.browser.conftest import WIDTHS, Server, no_horizontal_scroll, screenshot
from tests.web.browser.test_accessibility import seed

pytestmark = pytest.mark.browser

MENU = {
    "Dashboard": "/",
    "Intake": "/intake",
    "Plan": "/plan",
    "Session": "/session",
    "Check-in": "/track",
    "History": "/history",
    "Library": "/library",
}


@pytest.fixture(params=list(WIDTHS))
def strict_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """A page that keeps the server's content security policy (the ``page`` fixture bypasses it)."""
    context = browser.new_context(viewport={"width": WIDTHS[request.param], "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    context.close()


def test_api_docs_render_their_operations_with_no_policy_violation(
    server: Server, strict_page: Page
) -> None:
    said: list[ConsoleMessage] = []
    errors: list[Exception] = []
    strict_page.on("console", lambda message: said.append(message))
    strict_page.on("pageerror", lambda error: errors.append(error))
    outside: list[str] = []
    strict_page.on(
        "request",
        lambda request: None if request.url.startswith(server.url) else outside.append(request.url),
    )
    strict_page.goto(server.url + "api/docs")
    operations = strict_page.locator(".opblock-summary-path")
    operations.first.wait_for()
    paths = {text.replace("\u200b", "") for text in operations.all_inner_texts()}
    assert {"/api/v1/plans", "/api/v1/check-ins", "/api/v1/health"} <= paths
    screenshot(strict_page, "api-docs")
    blocked = [m.text for m in said if "Content Security Policy" in m.text or m.type == "error"]
    assert blocked == []
    assert errors == []
    assert outside == [], "nothing is fetched from anywhere but this server"


def test_the_phone_menu_opens_and_reaches_every_page(server: Server, page: Page) -> None:
    page.goto(server.url)
    phone = page.viewport_size is not None and page.viewport_size["width"] == WIDTHS["phone"]
    nav = page.get_by_role("navigation", name="Main")
    toggle = nav.locator("summary")
    assert toggle.is_visible() is phone
    for label, path in MENU.items():
        if phone:
            assert not nav.get_by_role("link", name=label, exact=True).is_visible()
            toggle.click()
            screenshot(page, "menu-open")
        link = nav.get_by_role("link", name=label, exact=True)
        assert link.is_visible()
        link.click()
        page.wait_for_url(re.compile(re.escape(server.url.rstrip("/") + path) + "$"))
        assert no_horizontal_scroll(page)


def test_in_dark_mode_the_charts_stay_on_a_light_card(server: Server, page: Page) -> None:
    seed(server)
    page.emulate_media(color_scheme="dark")
    page.goto(server.url)
    page.wait_for_load_state("networkidle")
    chart = page.locator("figure.chart img").first
    chart.wait_for()
    colour: str = chart.evaluate("e => getComputedStyle(e).backgroundColor")
    assert [int(part) for part in re.findall(r"\d+", colour)[:3]] == [255, 255, 255]
    screenshot(page, "dashboard-charts-dark")
