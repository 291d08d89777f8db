"""The daily check-in page in a real browser, at 360 px and 1280 px.

A day long ago or before the first intake asks for a confirmation before it is stored;
the warning signs stay hidden until "anything new or worse?" is answered yes.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import date, timedelta
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect

from psoas.content import load_knowledge_base
from psoas.content.vocabulary import QuestionId, RedFlagId
from psoas.content.words import say
from tests.conftest import EXAMPLES
from tests.web.browser.conftest import Server, axe_violations, no_horizontal_scroll, screenshot

pytestmark = pytest.mark.browser


def post(server: Server, path: str, body: Any) -> Any:
    request = urllib.request.Request(
        server.url + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Origin": server.url.rstrip("/")},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"null")


def progress(server: Server) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(server.url + "api/v1/progress", timeout=10) as answer:
            found: dict[str, Any] = json.loads(answer.read())
            return found
    except urllib.error.HTTPError as error:  # 404: nothing stored yet
        assert error.code == 404
        return {"metrics": [], "red_flags_reported": []}


def days_stored(server: Server) -> list[str]:
    return [p["day"] for m in progress(server)["metrics"] for p in m["points"]]


def with_a_plan(server: Server) -> None:
    post(server, "api/v1/plans", yaml.safe_load((EXAMPLES / "desk-worker.yaml").read_text()))


def test_a_day_long_ago_needs_its_confirmation(server: Server, page: Page) -> None:
    with_a_plan(server)
    page.goto(server.url + "track")
    form = page.locator("#check-in")
    confirm = form.get_by_label(say("checkin.web_confirm"))
    expect(confirm).to_be_hidden()
    long_ago = (date.today() - timedelta(days=90)).isoformat()
    form.get_by_label("Day", exact=True).fill(long_ago)
    expect(confirm).to_be_visible()  # asked as soon as the day is picked
    expect(form.get_by_role("group", name=say("checkin.web_confirm_legend"))).to_be_visible()
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page)
    screenshot(page, "check-in-confirm-day")

    form.get_by_label(re.compile("low back pain", re.I)).fill("3")
    form.get_by_role("button", name="Save today's check-in").click()
    expect(form.locator("[data-summary]")).to_contain_text("Nothing was saved")
    expect(form.locator("[data-summary]")).to_contain_text("more than 60 days back")
    assert days_stored(server) == []

    confirm.check()
    form.get_by_role("button", name="Save today's check-in").click()
    expect(form.locator("[data-outcome]")).to_contain_text("Saved.")
    assert days_stored(server) == [long_ago]

    form.get_by_label("Day", exact=True).fill(date.today().isoformat())
    expect(confirm).to_be_hidden()  # today needs nothing, and the tick is cleared
    assert not confirm.is_checked()


def test_the_warning_signs_open_only_after_yes(server: Server, page: Page) -> None:
    with_a_plan(server)
    page.goto(server.url + "track")
    form = page.locator("#check-in")
    question = form.get_by_role("group", name=say("checkin.anything_new"))
    signs = form.get_by_role("group", name=say("checkin.which_signs"))
    text = load_knowledge_base().question(QuestionId(RedFlagId.SADDLE_NUMBNESS.value)).text
    saddle = signs.get_by_label(text, exact=True)
    expect(question).to_be_visible()
    expect(signs).to_be_hidden()
    question.get_by_label(say("checkin.anything_new_no"), exact=True).check()
    expect(signs).to_be_hidden()

    question.get_by_label(say("checkin.anything_new_yes"), exact=True).check()
    expect(signs).to_be_visible()
    saddle.check()
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page)
    screenshot(page, "check-in-anything-new")
    question.get_by_label(say("checkin.anything_new_no"), exact=True).check()
    expect(signs).to_be_hidden()  # "no" hides them, and nothing hidden is sent
    question.get_by_label(say("checkin.anything_new_yes"), exact=True).check()
    expect(saddle).not_to_be_checked()

    saddle.check()
    form.get_by_role("button", name="Save today's check-in").click()
    expect(page.locator("[data-safety]")).to_contain_text("Your safety screen changed")
    reported = progress(server)["red_flags_reported"]
    assert [flag for _, flag in reported] == ["saddle_numbness"]


def test_yes_with_nothing_picked_pauses_release_as_something_changed(
    server: Server, page: Page
) -> None:
    """A "yes" whose new or worse thing is not on the list is not a "no"."""
    with_a_plan(server)
    page.goto(server.url + "track")
    form = page.locator("#check-in")
    question = form.get_by_role("group", name=say("checkin.anything_new"))
    question.get_by_label(say("checkin.anything_new_yes"), exact=True).check()
    form.get_by_label(re.compile("low back pain", re.I)).fill("3")
    form.get_by_role("button", name="Save today's check-in").click()
    outcome = form.locator("[data-outcome]")
    expect(outcome).to_contain_text("Saved.")
    expect(outcome).to_contain_text("release is paused until you update your answers")
    assert progress(server)["release"]["allowed"] is False
