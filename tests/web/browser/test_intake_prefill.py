"""The intake again, filled in with the stored answers, in a real browser at 360 and 1280 px.

A person re-does the intake changing one answer and sees the new screen; changes a safety
answer to yes and back to not sure; and at a session's start says something has changed,
which leads to the same filled-in answers before release can start.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.web.browser.conftest import Server, axe_violations, no_horizontal_scroll, screenshot
from tests.web.browser.test_journey import api, fill_intake

pytestmark = pytest.mark.browser


def question(page: Page, name: str) -> Locator:
    return page.locator(f'fieldset[data-question="{name}"]')


def save(page: Page) -> None:
    page.get_by_role("button", name=re.compile("plan", re.I)).click()
    expect(page).to_have_url(re.compile(r"/plan$"))


def test_redo_the_intake_from_the_filled_answers_changing_one(server: Server, page: Page) -> None:
    fill_intake(page, server, saddle_numbness=False)
    expect(page).to_have_url(re.compile(r"/plan$"))
    assert api(server, "api/v1/assessment")["safety"]["self_release_allowed"]
    page.goto(server.url + "intake")
    expect(page.get_by_role("heading", level=1)).to_have_text("Update your answers")
    expect(page.get_by_label("How old are you")).to_have_value("38")
    expect(page.get_by_label("Hours sitting on a typical day")).to_have_value("9")
    expect(question(page, "pregnant").get_by_label("No", exact=True)).to_be_checked()
    expect(question(page, "hernia").get_by_label("No", exact=True)).to_be_checked()
    expect(page.get_by_label("Pso-Rite")).to_be_checked()
    conditions = page.get_by_role("group", name="Health conditions")
    expect(conditions.get_by_label("None of these")).to_be_checked()
    assert no_horizontal_scroll(page)
    assert axe_violations(page) == []
    screenshot(page, "intake-filled-in")
    page.get_by_label("How old are you").fill("70")  # the one change
    save(page)
    safety = api(server, "api/v1/assessment")["safety"]
    assert not safety["self_release_allowed"]  # from 65, release waits for a scan of the aorta
    expect(page.locator("main")).to_contain_text("not offered")
    page.goto(server.url + "intake")
    expect(page.get_by_label("How old are you")).to_have_value("70")


def test_a_safety_answer_goes_to_yes_and_back_to_not_sure(server: Server, page: Page) -> None:
    fill_intake(page, server, saddle_numbness=False)
    expect(page).to_have_url(re.compile(r"/plan$"))
    page.goto(server.url + "intake")
    question(page, "hernia").get_by_label("Yes", exact=True).check()
    save(page)
    safety = api(server, "api/v1/assessment")["safety"]
    assert not safety["self_release_allowed"] and "hernia" not in safety["unanswered"]
    page.goto(server.url + "intake")
    expect(question(page, "hernia").get_by_label("Yes", exact=True)).to_be_checked()
    question(page, "hernia").get_by_label("Not sure", exact=True).check()
    save(page)
    safety = api(server, "api/v1/assessment")["safety"]
    assert "hernia" in safety["unanswered"] and not safety["self_release_allowed"]
    page.goto(server.url + "intake")
    expect(question(page, "hernia").get_by_label("Not sure", exact=True)).to_be_checked()


def test_the_session_start_asks_whether_anything_changed(server: Server, page: Page) -> None:
    fill_intake(page, server, saddle_numbness=False)
    expect(page).to_have_url(re.compile(r"/plan$"))
    page.goto(server.url + "session")
    changed = page.get_by_test_id("changed")
    expect(changed.locator("legend")).to_contain_text("has anything changed")
    page.get_by_test_id("changed-yes").check()
    page.get_by_test_id("start").click()
    expect(page).to_have_url(re.compile(r"/intake\?changed=1$"))
    expect(page.get_by_test_id("changed-note")).to_be_visible()
    expect(page.get_by_label("How old are you")).to_have_value("38")  # the answers, filled in
    assert api(server, "api/v1/sessions") == []
    page.goto(server.url + "session")
    expect(page.get_by_test_id("session-blocked")).to_be_visible()  # paused until answered
    page.goto(server.url + "intake?changed=1")
    assert axe_violations(page) == []
    save(page)  # gone through again: the answers count, and the pause is lifted
    page.goto(server.url + "session")
    expect(page.get_by_test_id("start-form")).to_be_visible()
