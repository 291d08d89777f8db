"""A person's whole cycle in a real browser against a real ``psoas serve``.

A new person fills the intake, sees the plan, runs a guided session on the
accelerated clock, pauses, reloads in the middle and carries on, finishes,
rates it and finds it on the dashboard. A person with a red flag is told to
seek care and cannot start a session from any page.
"""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser.conftest import Server, screenshot

pytestmark = pytest.mark.browser


def api(server: Server, path: str) -> Any:
    with urllib.request.urlopen(server.url + path, timeout=10) as answer:
        return json.loads(answer.read())


def fill_intake(
    page: Page, server: Server, *, saddle_numbness: bool, not_sure: tuple[str, ...] = ()
) -> None:
    """The intake as a person fills it: a desk worker with a Pso-Rite, every question answered.

    ``not_sure`` names safety questions answered "Not sure" instead of "No".
    """
    page.goto(server.url + "intake")
    page.get_by_label("How old are you").fill("38")
    page.get_by_label("Hours sitting on a typical day").fill("9")
    page.get_by_label(re.compile("low back pain now", re.I)).fill("6")
    page.get_by_label(re.compile("hip or groin pain now", re.I)).fill("1")
    pregnancy = page.locator('fieldset[data-question="pregnant"]')
    pregnancy.get_by_label("Not sure" if "pregnant" in not_sure else "No", exact=True).check()
    for field in page.locator('fieldset[data-type="bool"][data-question]').all():
        question = field.get_attribute("data-question")
        answer = "yes" if saddle_numbness and question == "saddle_numbness" else "no"
        field.locator(f"input[value={'unsure' if question in not_sure else answer}]").check()
    page.get_by_role("group", name="Health conditions").get_by_label("None of these").check()
    page.get_by_label("Pso-Rite").check()
    screenshot(page, "journey-intake-filled")
    page.get_by_role("button", name=re.compile("plan", re.I)).click()


def test_a_new_person_runs_a_whole_session_with_a_reload(server: Server, page: Page) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    fill_intake(page, server, saddle_numbness=False)
    expect(page).to_have_url(re.compile(r"/plan$"))
    expect(page.locator("main")).to_contain_text("Psoas self-release with a Pso-Rite")
    screenshot(page, "journey-plan")
    safety = api(server, "api/v1/assessment")["safety"]
    assert safety["self_release_allowed"] and safety["unanswered"] == []

    page.goto(server.url + "session")
    page.get_by_test_id("minutes").fill("10")
    page.get_by_test_id("before-low_back_pain").select_option("6")
    page.get_by_test_id("start").click()  # not yet said whether anything has changed
    expect(page.get_by_test_id("start-error")).to_contain_text("anything has changed")
    page.get_by_test_id("changed-no").check()
    page.get_by_test_id("start").click()
    expect(page).to_have_url(re.compile(r"/session/\d+"))
    session_id = int(re.findall(r"/session/(\d+)", page.url)[0])

    begin = page.get_by_test_id("begin")
    expect(begin).to_be_enabled()
    begin.click()
    status = page.get_by_test_id("session-status")
    expect(status).to_have_attribute("data-state", "running")
    title = page.get_by_test_id("step-title")
    first_title = title.inner_text()
    page.get_by_test_id("next").click()
    expect(title).not_to_have_text(first_title)
    screenshot(page, "journey-session-running")

    page.get_by_test_id("pause").click()
    expect(status).to_have_attribute("data-state", "paused")
    page.wait_for_timeout(200)  # the frame drawn as it paused may still land: read after it
    paused_at = page.get_by_test_id("step-time-left").inner_text()
    page.wait_for_timeout(600)  # at speed 100 a minute would pass if the clock ran on
    assert page.get_by_test_id("step-time-left").inner_text() == paused_at
    stored = api(server, f"api/v1/sessions/{session_id}")
    assert stored["status"] == "in_progress" and stored["step_index"] >= 1

    page.reload()
    begin = page.get_by_test_id("begin")
    expect(begin).to_have_text(re.compile("Continue"))
    expect(page.get_by_test_id("step-title")).to_have_text(
        stored["timeline"]["steps"][stored["step_index"]]["title"]
    )
    begin.click()
    expect(status).to_have_attribute("data-state", "finished", timeout=30_000)

    page.get_by_test_id("after-low_back_pain").select_option("3")
    page.get_by_test_id("felt-deep_ache").check()
    page.get_by_test_id("after-submit").click()
    expect(page.get_by_test_id("summary-change")).to_contain_text("3")
    screenshot(page, "journey-session-summary")

    record = api(server, f"api/v1/sessions/{session_id}")
    assert record["status"] == "completed"
    assert record["change"] == {"low_back_pain": -3}
    assert record["felt"] == ["deep_ache"]
    assert sum(step["spent_seconds"] for step in record["steps"]) <= 600

    page.get_by_test_id("dashboard-link").click()
    expect(page.locator("main")).to_contain_text(f"Session {session_id}")
    screenshot(page, "journey-dashboard")
    # No page asked anything of any other server (fonts, scripts, analytics: none).
    elsewhere = [url for url in requested if not url.startswith((server.url, "data:"))]
    assert requested and elsewhere == []


def test_a_person_with_a_red_flag_cannot_start_a_session(server: Server, page: Page) -> None:
    fill_intake(page, server, saddle_numbness=True)
    expect(page).to_have_url(re.compile(r"/plan$"))
    main = page.locator("main")
    expect(main).to_contain_text(re.compile("urgent|seek", re.I))
    screenshot(page, "journey-red-flag-plan")

    page.goto(server.url)
    expect(page.get_by_role("link", name=re.compile("start.*session", re.I))).to_have_count(0)
    page.goto(server.url + "session")
    expect(page.get_by_test_id("session-blocked")).to_be_visible()
    expect(page.get_by_test_id("start")).to_have_count(0)
    screenshot(page, "journey-red-flag-session")
    # Nor through the API the page would call.
    request = urllib.request.Request(
        server.url + "api/v1/sessions",
        data=b'{"minutes": 10}',
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 409
    refused.value.close()


def test_not_sure_is_an_answer_that_keeps_the_question_open(server: Server, page: Page) -> None:
    fill_intake(page, server, saddle_numbness=False, not_sure=("pregnant", "hernia"))
    expect(page).to_have_url(re.compile(r"/plan$"))
    safety = api(server, "api/v1/assessment")["safety"]
    assert {"pregnant", "recent_birth", "hernia"} <= set(safety["unanswered"])
    assert not safety["self_release_allowed"] and safety["stretching_allowed"]
    expect(page.locator("main")).to_contain_text("Answer the safety questions still open")
    # Changed back: the same form, "No" this time, and release is offered.
    fill_intake(page, server, saddle_numbness=False)
    expect(page).to_have_url(re.compile(r"/plan$"))
    assert api(server, "api/v1/assessment")["safety"]["self_release_allowed"]


def test_a_problem_after_a_session_pauses_release_on_the_spot(server: Server, page: Page) -> None:
    fill_intake(page, server, saddle_numbness=False)
    expect(page).to_have_url(re.compile(r"/plan$"))
    record = post(server, "api/v1/sessions", {"minutes": 10})
    steps = [
        {"spent_seconds": step["duration"], "outcome": "completed"}
        for step in record["timeline"]["steps"]
    ]
    last = len(steps) - 1
    checkpoint = {"step_index": last, "step_elapsed": 0, "steps": steps, "finished": True}
    post(server, f"api/v1/sessions/{record['id']}/checkpoints", checkpoint)
    page.goto(server.url + f"session/{record['id']}")
    page.get_by_test_id("adverse-pulse_under_tool").check()
    page.get_by_test_id("after-submit").click()
    advice = page.get_by_test_id("release-advice")
    expect(advice).to_be_visible()
    expect(advice).to_contain_text("please get medical help")
    expect(advice).to_contain_text("pressing on an artery")
    screenshot(page, "journey-adverse-event")
    page.goto(server.url)
    expect(page.get_by_test_id("release-paused")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("start.*session", re.I))).to_have_count(0)


def post(server: Server, path: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        server.url + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Origin": server.url.rstrip("/")},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        text = answer.read()
    return json.loads(text) if text else None


def test_something_went_wrong_mid_session_stops_it_and_pauses_release(
    server: Server, page: Page
) -> None:
    fill_intake(page, server, saddle_numbness=False)
    expect(page).to_have_url(re.compile(r"/plan$"))
    record = post(server, "api/v1/sessions", {"minutes": 10})
    page.goto(server.url + f"session/{record['id']}")
    begin = page.get_by_test_id("begin")
    expect(begin).to_be_enabled()
    begin.click()
    expect(page.get_by_test_id("session-status")).to_have_attribute("data-state", "running")
    page.get_by_test_id("problem").click()
    expect(page.get_by_test_id("problem-report")).to_be_visible()
    page.get_by_test_id("problem-submit").click()  # nothing ticked yet: asked to tick
    expect(page.get_by_test_id("problem-error")).to_be_visible()
    page.get_by_test_id("problem-leg_tingling_numbness_or_weakness").check()
    page.get_by_test_id("problem-submit").click()
    advice = page.get_by_test_id("problem-advice")
    expect(advice).to_be_visible()
    expect(advice).to_contain_text("reached a nerve")
    screenshot(page, "journey-problem-mid-session")
    stored = api(server, f"api/v1/sessions/{record['id']}")
    assert stored["status"] == "in_progress"
    assert stored["adverse_events"] == ["leg_tingling_numbness_or_weakness"]


def test_saying_something_changed_starts_nothing_and_pauses(server: Server, page: Page) -> None:
    fill_intake(page, server, saddle_numbness=False)
    expect(page).to_have_url(re.compile(r"/plan$"))
    page.goto(server.url + "session")
    page.get_by_test_id("changed-yes").check()
    page.get_by_test_id("start").click()
    expect(page).to_have_url(re.compile(r"/intake\?changed=1$"))  # the answers, filled in
    expect(page.get_by_test_id("changed-note")).to_contain_text("something has changed")
    assert api(server, "api/v1/sessions") == []
    page.goto(server.url)
    expect(page.get_by_test_id("release-paused")).to_be_visible()
