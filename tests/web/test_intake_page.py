"""The intake page filled in with the stored answers, and yes / no / not sure that change back.

The form is read here as ``static/forms.js`` reads it (what a press of "Save" would send),
so "the filled form holds every stored answer" means: sent unchanged, it is the same intake.
"""

from __future__ import annotations

import html
import json
from typing import Any

import yaml
from fastapi.testclient import TestClient

from tests.conftest import EXAMPLES
from tests.web.test_pages import Node, get_page, main_of

FULL = yaml.safe_load((EXAMPLES / "desk-worker.yaml").read_text(encoding="utf-8"))
FULL["person"]["age"] = 57  # the artery questions matter
FULL["lifestyle"]["activities"] = [
    {"kind": "running", "sessions_per_week": 3},
    {"kind": "other", "sessions_per_week": 1},
]
FULL["history"].update(injuries=["low_back_strain", "hip_injury"])
FULL["history"]["surgeries"] = [{"region": "hip", "weeks_ago": 80}]
FULL["symptoms"].update(muscle_spasms=True)
FULL["vascular_risk"]["smoker"] = True
FULL["conditions"]["osteoporosis"] = True
FULL["tools"] = ["pso_rite", "massage_ball"]
del FULL["posture"]["exaggerated_lumbar_curve"]  # not known
del FULL["red_flags"]["hernia"]  # "not sure"


def _set(document: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        document = document.setdefault(part, {})
    document[last] = value


def _checked(node: Node, kind: str) -> list[Node]:
    return [n for n in node.all("input") if n.attrs.get("type") == kind and "checked" in n.attrs]


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def sent_by(form: Node) -> dict[str, Any]:
    """The document the page's script would send for this form as it is."""
    sent: dict[str, Any] = {"schema": form.attrs["data-schema"]}
    for node in form.iter():
        kind = node.attrs.get("data-type")
        if kind is None or "data-key" in node.attrs:
            continue
        field = node.attrs.get("data-field", "")
        if kind == "number" and node.attrs.get("value"):
            _set(sent, field, _number(node.attrs["value"]))
        elif kind == "bool":
            chosen = _checked(node, "radio")
            if chosen and chosen[0].attrs["value"] != "unsure":
                _set(sent, field, chosen[0].attrs["value"] == "yes")
        elif kind == "list":
            boxes = [box.attrs["value"] for box in _checked(node, "checkbox")]
            if boxes:
                _set(sent, field, boxes)
        elif kind == "choice":
            for radio in _checked(node, "radio"):
                for path, value in json.loads(html.unescape(radio.attrs["data-sets"])).items():
                    _set(sent, path, value)
        elif kind == "checklist":
            ticked = {box.attrs["value"] for box in _checked(node, "checkbox")}
            items = [box.attrs["value"] for box in node.all("input") if "data-item" in box.attrs]
            answered = bool(ticked & set(items)) or "none" in ticked
            for item in items:
                if item in ticked or (answered and "unsure" not in ticked):
                    _set(sent, item, item in ticked)
    for rows in form.iter():
        if "data-list" in rows.attrs:
            entries = []
            for row in (n for n in rows.iter() if "data-row" in n.attrs):
                entry: dict[str, Any] = {}
                for part in row.iter():
                    if part.tag == "select":
                        picked = [o for o in part.all("option") if "selected" in o.attrs]
                        entry[part.attrs["data-key"]] = picked[0].attrs["value"]
                    elif "data-key" in part.attrs:
                        entry[part.attrs["data-key"]] = _number(part.attrs["value"])
                entries.append(entry)
            if entries:
                _set(sent, rows.attrs["data-list"], entries)
    return sent


def intake_form(client: TestClient) -> Node:
    page = get_page(client, "/intake")
    return next(form for form in page.all("form") if form.attrs.get("id") == "intake")


def test_a_new_person_gets_a_blank_form(client: TestClient) -> None:
    form = intake_form(client)
    assert sent_by(form) == {"schema": "psoas.intake/1"}
    assert not _checked(form, "radio") and not _checked(form, "checkbox")


def test_the_filled_form_holds_every_stored_answer(client: TestClient) -> None:
    assert client.post("/api/v1/plans", json=FULL).status_code == 200
    stored = client.get("/api/v1/assessment").json()
    form = intake_form(client)
    sent = sent_by(form)
    assert sent == json.loads(json.dumps(FULL))  # every answer, and nothing answered for them
    # A question left open shows "Not sure", never "No".
    hernia = next(n for n in form.iter() if n.attrs.get("data-field") == "red_flags.hernia")
    assert [n.attrs["value"] for n in _checked(hernia, "radio")] == ["unsure"]
    main = main_of(get_page(client, "/intake"))
    assert main.all("h1")[0].text() == "Update your answers"
    assert "hernia" in stored["safety"]["unanswered"]


def test_saved_again_with_one_change_it_screens_again(client: TestClient) -> None:
    assert client.post("/api/v1/plans", json=FULL).status_code == 200
    sent = sent_by(intake_form(client))
    sent["red_flags"]["hernia"] = False  # answered at last
    assert client.post("/api/v1/plans", json=sent).status_code == 200
    assert "hernia" not in client.get("/api/v1/assessment").json()["safety"]["unanswered"]
    assert sent_by(intake_form(client)) == sent


def _hernia(client: TestClient) -> list[str]:
    form = intake_form(client)
    field = next(n for n in form.iter() if n.attrs.get("data-field") == "red_flags.hernia")
    return [n.attrs["value"] for n in _checked(field, "radio")]


def test_a_safety_answer_goes_yes_then_not_sure_then_no(client: TestClient) -> None:
    answers = json.loads(json.dumps(FULL))
    for said, shown, open_ in ((True, "yes", False), (None, "unsure", True), (False, "no", False)):
        if said is None:
            answers["red_flags"].pop("hernia", None)
        else:
            answers["red_flags"]["hernia"] = said
        assert client.post("/api/v1/plans", json=answers).status_code == 200
        assert _hernia(client) == [shown]
        assert sent_by(intake_form(client))["red_flags"].get("hernia") == said
        unanswered = client.get("/api/v1/assessment").json()["safety"]["unanswered"]
        assert ("hernia" in unanswered) is open_


def test_every_yes_no_question_offers_not_sure(client: TestClient) -> None:
    form = intake_form(client)
    for node in form.iter():
        if node.attrs.get("data-type") == "bool":
            values = [n.attrs["value"] for n in node.all("input")]
            assert values == ["yes", "no", "unsure"], node.attrs["data-field"]


def test_saying_something_changed_leads_to_the_filled_form(client: TestClient) -> None:
    assert client.post("/api/v1/plans", json=FULL).status_code == 200
    assert "changed-note" not in client.get("/intake").text
    page = get_page(client, "/intake?changed=1")
    (note,) = [n for n in page.iter() if n.attrs.get("id") == "changed-note"]
    assert "something has changed" in note.text()
    assert sent_by(next(f for f in page.all("form") if f.attrs.get("id") == "intake")) == FULL
