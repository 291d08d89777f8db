"""Correct, delete and undo on the history page, in a real browser against ``psoas serve``.

A person corrects a check-in and sees progress change, deletes a session, undoes it,
and takes back a warning sign ticked by mistake: release is allowed again only when
the new screen allows it, and not while another check-in or the answers still hold it.
"""

from __future__ import annotations

import json
import re
import urllib.request
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.factories import intake
from tests.web.browser.conftest import Server, axe_violations, no_horizontal_scroll, screenshot

pytestmark = pytest.mark.browser

TODAY = date.today()
SIGN = "numbness around the bottom, genitals or inner thighs"


def post(server: Server, path: str, body: Any) -> Any:
    """A JSON POST as the app's own pages send it (same origin)."""
    request = urllib.request.Request(
        server.url + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Origin": server.url.rstrip("/")},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def check_in(server: Server, day: date, **values: Any) -> None:
    """A check-in of ``day``; a day before today is confirmed (the history's days predate care)."""
    confirmed = {"backfill": True} if day < TODAY else {}
    document = {"schema": "psoas.checkin/1", "day": day.isoformat(), **confirmed, **values}
    post(server, "api/v1/check-ins", document)


def record_id(page: Page, kind: str, index: int = 0) -> str:
    """The id of the ``index``-th (newest first) entry of ``kind`` on the history page."""
    found = page.locator(f'li[data-record^="{kind}-"]').nth(index).get_attribute("data-record")
    assert found is not None
    return found.split("-")[-1]


def now_cell(page: Page) -> str:
    row = page.locator("tr", has=page.get_by_role("rowheader", name="Low back pain"))
    return row.locator("td").nth(1).inner_text()


def test_correct_a_check_in_delete_a_session_and_undo(server: Server, page: Page) -> None:
    post(server, "api/v1/plans", intake(tools=["pso_rite"]))
    post(server, "api/v1/sessions", {"minutes": 20})  # before pain of 6 pauses release
    for n in reversed(range(10)):  # the newest entry is today's
        check_in(server, TODAY - timedelta(days=n), low_back_pain=6)
    page.goto(server.url + "history")
    before = now_cell(page)
    assert before.startswith("6.0")
    newest = record_id(page, "check_in")
    entry = page.locator(f'li[data-record="check_in-{newest}"]')
    entry.get_by_text("Correct", exact=False).first.click()
    entry.get_by_label(re.compile("^Low back pain")).fill("1")
    entry.get_by_label("Reason (optional)").fill("typed 6 for 1")
    screenshot(page, "history-correcting")
    entry.get_by_role("button", name="Save correction").click()
    outcome = page.locator("[data-change-outcome]")
    expect(outcome).to_contain_text(f"Corrected check-in {newest}.")
    assert now_cell(page) != before  # progress follows the current version
    expect(page.locator("ul.trail")).to_contain_text("low back pain 6 → 1 (typed 6 for 1)")

    session = record_id(page, "session")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"Delete session {session}").click()
    expect(outcome).to_contain_text(f"Deleted session {session}.")
    expect(page.locator(f'li[data-record="session-{session}"]')).to_have_count(0)

    page.get_by_role("button", name="Undo the last change").click()
    expect(outcome).to_contain_text(f"session {session} is as it was before it was deleted")
    expect(page.locator(f'li[data-record="session-{session}"]')).to_have_count(1)
    screenshot(page, "history-undone")
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page)


def test_a_wrong_correction_is_refused_in_words_and_nothing_changes(
    server: Server, page: Page
) -> None:
    post(server, "api/v1/plans", intake())
    check_in(server, TODAY, low_back_pain=4)
    page.goto(server.url + "history")
    entry = page.locator('li[data-record^="check_in-"]').first
    entry.get_by_text("Correct", exact=False).first.click()
    entry.get_by_role("button", name="Save correction").click()  # nothing changed
    problem = page.locator("[data-change-problem]")
    expect(problem).to_contain_text("these values are the ones already stored")
    expect(page.get_by_role("button", name="Undo the last change")).to_have_count(0)


def _withdraw(page: Page, server: Server) -> None:
    page.goto(server.url + "history")
    entry = page.locator('li[data-record^="check_in-"]').first
    entry.get_by_text("Correct", exact=False).first.click()
    entry.get_by_label(SIGN).uncheck()
    entry.get_by_label("Reason (optional)").fill("ticked the wrong box")
    entry.get_by_role("button", name="Save correction").click()


def _release_allowed(page: Page, server: Server) -> bool:
    page.goto(server.url)
    return page.get_by_role("link", name="Start a guided session").count() == 1


def test_withdrawing_a_wrongly_ticked_warning_sign_allows_release_again(
    server: Server, page: Page
) -> None:
    post(server, "api/v1/plans", intake(tools=["pso_rite"]))
    assert _release_allowed(page, server)
    check_in(server, TODAY, red_flags=["saddle_numbness"])
    assert not _release_allowed(page, server)
    _withdraw(page, server)
    expect(page.locator("[data-change-outcome]")).to_contain_text(
        "Screened again without the withdrawn warning sign."
    )
    screenshot(page, "history-sign-withdrawn")
    assert _release_allowed(page, server)


@pytest.mark.parametrize("held_by", ["another check-in", "the answers"])
def test_a_withdrawn_sign_still_held_elsewhere_keeps_release_off(
    server: Server, page: Page, held_by: str
) -> None:
    answers = intake(tools=["pso_rite"])
    if held_by == "the answers":
        answers["red_flags"]["saddle_numbness"] = True
    post(server, "api/v1/plans", answers)
    if held_by == "another check-in":
        check_in(server, TODAY - timedelta(days=1), red_flags=["saddle_numbness"])
    check_in(server, TODAY, red_flags=["saddle_numbness"])
    _withdraw(page, server)
    expect(page.locator("[data-change-outcome]")).to_contain_text("self-release stays paused")
    assert not _release_allowed(page, server)
