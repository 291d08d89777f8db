"""The HTML pages: they render for a new person and for one with a history, show what matters
(safety first), keep to the content security policy, label every input, and ask every field
of the contracts within the contracts' ranges."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from psoas.content import KnowledgeBase
from psoas.content.vocabulary import MetricId, RedFlagId
from psoas.core.schemas import ContractName, json_schema
from psoas.services.reporting import inline_svg
from tests.conftest import EXAMPLES
from tests.reports.test_charts import drawn_points
from tests.web.conftest import served_history

PAGES = ["/", "/intake", "/plan", "/track", "/history", "/library", "/library/couch_stretch"]
LIBRARY_SHAPES = ["psoas_major", "prolonged_sitting", "pso_rite", "hernia"]
"""One entry of each other kind: a muscle, a cause, a tool, a safety rule."""

# --- a small HTML tree, enough to check structure ----------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def all(self, tag: str) -> list[Node]:
        return [node for node in self.iter() if node.tag == tag]

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def inside(self, tag: str) -> Node | None:
        return next((node for node in self.ancestors() if node.tag == tag), None)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, {n: v or "" for n, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def main_of(page: Node) -> Node:
    (main,) = page.all("main")
    return main


# --- what every page must be ----------------------------------------------------------------


def check_page(html: str) -> Node:
    """The structure every page keeps: CSP-clean, one h1, landmarks, labelled controls."""
    page = parse(html)
    (root,) = page.all("html")
    assert root.attrs.get("lang") == "en"
    assert len(page.all("h1")) == 1
    assert page.all("main") and page.all("nav") and page.all("header") and page.all("footer")
    assert not page.all("style"), "a <style> element breaks style-src 'self'"
    for script in page.all("script"):
        assert script.attrs.get("src", "").startswith("/static/"), "scripts come from this server"
        assert not script.text(), "no inline script bodies"
    ids = [node.attrs["id"] for node in page.iter() if "id" in node.attrs]
    assert len(ids) == len(set(ids)), "ids are unique"
    labelled = {label.attrs.get("for") for label in page.all("label")}
    for node in page.iter():
        assert "style" not in node.attrs, f"inline style on <{node.tag}>"
        assert not [a for a in node.attrs if re.fullmatch(r"on[a-z]+", a)], "event handler attr"
        if node.tag in ("input", "select", "textarea") and node.attrs.get("type") != "hidden":
            assert node.attrs.get("id") in labelled, f"<{node.tag} id={node.attrs.get('id')}>"
        if node.attrs.get("type") == "radio":
            group = node.inside("fieldset")
            assert group is not None and group.all("legend"), "radio groups have a legend"
        if node.tag in ("a", "button"):
            assert node.text() or node.attrs.get("aria-label"), f"empty <{node.tag}>"
        if node.tag == "a":
            assert node.attrs.get("href"), "links go somewhere"
    return page


@pytest.fixture
def seeded(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The desk worker's plan and eight weeks of measures and check-ins, served."""
    with served_history(database_url, tmp_path) as client:
        yield client


def get_page(client: TestClient, path: str) -> Node:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return check_page(response.text)


def test_every_page_renders_for_a_new_person(client: TestClient) -> None:
    for path in [*PAGES, *(f"/library/{entry}" for entry in LIBRARY_SHAPES)]:
        get_page(client, path)


def test_every_page_renders_with_a_history(seeded: TestClient) -> None:
    opened = seeded.post("/api/v1/sessions", json={"minutes": 15})
    assert opened.status_code == 201
    for path in PAGES:
        get_page(seeded, path)


def test_an_unknown_library_entry_is_the_error_page(client: TestClient) -> None:
    response = client.get("/library/couch_strech")
    assert response.status_code == 404
    page = check_page(response.text)
    assert "did you mean 'couch_stretch'" in main_of(page).text()


# --- the dashboard -----------------------------------------------------------------------------


def test_a_new_person_is_sent_to_the_intake(client: TestClient) -> None:
    main = main_of(get_page(client, "/"))
    assert [a.attrs["href"] for a in main.all("a")] == ["/intake"]


def test_the_dashboard_puts_safety_first_then_plan_charts_and_sessions(seeded: TestClient) -> None:
    session_id = seeded.post("/api/v1/sessions", json={"minutes": 15}).json()["id"]
    response = seeded.get("/")
    main = main_of(check_page(response.text))
    sections = main.all("section")
    assert "safety" in sections[0].attrs["class"]
    headings = [section.all("h2")[0].text() for section in sections]
    assert headings[1:] == ["What you can do now", "Today's plan", "Progress", "Last sessions"]
    assert [a for a in main.all("a") if a.attrs["href"] == "/session"], "self-release is allowed"
    figures = main.all("figure")
    assert [figure.attrs["id"] for figure in figures] == [
        "chart-pain",
        "chart-thomas",
        "chart-adherence",
    ]
    for figure in figures:
        (image,) = figure.all("img")
        (phone,) = figure.all("source")  # the browser picks the phone size below 48rem
        assert phone.attrs["media"] == "(max-width: 48rem)"
        assert phone.attrs["srcset"] == image.attrs["src"] + "&size=phone"
        (caption,) = figure.all("figcaption")
        assert caption.text() and image.attrs["alt"] == caption.text()
        for src in (image.attrs["src"], phone.attrs["srcset"]):
            chart = seeded.get(src)
            assert chart.status_code == 200
            assert chart.headers["content-type"] == "image/svg+xml"
            assert chart.text.startswith("<svg") and "style=" not in chart.text
    # The history has no rated session: that chart is a sentence and the next step.
    (empty,) = [p for p in main.all("p") if p.attrs.get("id") == "chart-sessions"]
    assert "No rated sessions yet." in empty.text()
    assert [a.attrs["href"] for a in empty.all("a")] == ["/session"]
    assert "style=" not in response.text
    assert "15 min" in sections[-1].text()
    assert seeded.get(f"/api/v1/sessions/{session_id}").status_code == 200


def test_today_lists_only_the_items_on_a_schedule(seeded: TestClient) -> None:
    plan = seeded.get("/api/v1/plan").json()
    today = main_of(get_page(seeded, "/")).all("section")[2]
    listed = {a.attrs["href"].removeprefix("/library/") for a in today.all("a")}
    scheduled = {
        item["technique"]
        for item in plan["items"]
        if item["schedule"]["cadence"] in ("daily", "weekly", "hourly_while_sitting")
    }
    assert listed == scheduled


@pytest.mark.parametrize("example", ["safety-urgent.yaml", "safety-refer.yaml"])
def test_a_serious_screen_comes_first_and_hides_the_session_link(
    client: TestClient, knowledge: KnowledgeBase, example: str
) -> None:
    intake = yaml.safe_load((EXAMPLES / example).read_text())
    assert client.post("/api/v1/plans", json=intake).status_code == 200
    safety = client.get("/api/v1/assessment").json()["safety"]
    main = main_of(get_page(client, "/"))
    first = main.all("section")[0]
    assert f"safety-{safety['level']}" in first.attrs["class"]
    for reason in safety["reasons"]:
        assert " ".join(reason["message"].split()) in first.text()
    assert not [a for a in main.all("a") if a.attrs["href"].startswith("/session")]
    assert "Guided release is not offered" in main.text()
    plan_page = main_of(get_page(client, "/plan"))
    assert f"safety-{safety['level']}" in plan_page.all("section")[0].attrs["class"]
    assert not [a for a in plan_page.all("a") if a.attrs["href"].startswith("/session")]


# --- plan -------------------------------------------------------------------------------------


def test_the_plan_shows_the_screen_the_factors_and_every_why(
    client: TestClient, knowledge: KnowledgeBase
) -> None:
    assert "/intake" in [a.attrs["href"] for a in main_of(get_page(client, "/plan")).all("a")]
    intake = yaml.safe_load((EXAMPLES / "safety-caution.json").read_text())
    plan = client.post("/api/v1/plans", json=intake).json()
    main = main_of(get_page(client, "/plan"))
    text = main.text()
    assert "safety" in main.all("section")[0].attrs["class"]
    for reason in plan["safety"]["reasons"]:
        assert " ".join(reason["message"].split()) in main.all("section")[0].text()
    causes = {cause.id.value: cause.name for cause in knowledge.causes}
    for factor in plan["factors"]:
        assert causes[factor["id"]] in text
        assert " ".join(factor["explanation"].split()) in text
        assert f"{factor['score']:.2f}" in text
    articles = main.all("article")
    assert len(articles) == len(plan["items"])
    for article, item in zip(articles, plan["items"], strict=True):
        assert item["title"] in article.text()
        assert item["frequency"] in article.text()
        for reason in item["reasons"]:
            assert " ".join(reason.split()) in article.text()


# --- the forms ask every field of their contract, within its ranges ----------------------------


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in node and "properties" not in node:  # beside properties: what must be given
        choices = [choice for choice in node["anyOf"] if choice.get("type") != "null"]
        if len(choices) > 1:  # one list said in two ways (tools: distinct tools, or 'none' alone)
            items = [choice["items"] for choice in choices]
            values = [value for item in items for value in item.get("enum", [item.get("const")])]
            return {"type": "array", "items": {"enum": values}}
        return _resolve(schema, choices[0])
    return node


def contract_fields(contract: ContractName) -> dict[str, dict[str, Any]]:
    """Every leaf of a contract by dotted path (``*`` for a list's items), with its schema."""
    schema = json_schema(contract)
    found: dict[str, dict[str, Any]] = {}

    def walk(node: dict[str, Any], path: str) -> None:
        node = _resolve(schema, node)
        if "properties" in node:
            for name, child in node["properties"].items():
                walk(child, f"{path}.{name}" if path else name)
        elif node.get("type") == "array" and "properties" in _resolve(schema, node["items"]):
            walk(node["items"], f"{path}.*")
        else:
            found[path] = node

    walk(schema, "")
    found.pop("schema")
    return found


def form_fields(form: Node) -> dict[str, Node]:
    """What a form sends, by the same dotted paths: answers and the inputs of repeated rows."""
    found: dict[str, Node] = {}
    for node in form.iter():
        if "data-type" not in node.attrs:
            continue
        if "data-key" in node.attrs:
            rows = next(a for a in node.ancestors() if "data-list" in a.attrs)
            found[f"{rows.attrs['data-list']}.*.{node.attrs['data-key']}"] = node
        elif node.attrs["data-type"] == "choice":  # each answer sets fields of its own
            for radio in node.all("input"):
                for path in json.loads(html.unescape(radio.attrs["data-sets"])):
                    found[path] = node
        elif node.attrs["data-type"] == "checklist":  # each box is a field
            for box in node.all("input"):
                if "data-item" in box.attrs:
                    found[box.attrs["value"]] = node
        else:
            found[node.attrs["data-field"]] = node
    return found


def _templates_of(page: Node, form: Node) -> list[Node]:
    """Row templates live outside the form; a form's are those its add buttons name."""
    names = {b.attrs["data-template"] for b in form.iter() if "data-template" in b.attrs}
    return [t for t in page.all("template") if t.attrs["id"] in names]


def _lists(form: Node) -> dict[str, Node]:
    return {n.attrs["id"]: n for n in form.iter() if "data-list" in n.attrs}


def check_form_against(
    page: Node, form: Node, contract: ContractName, *, not_sure_everywhere: bool = False
) -> None:
    """``not_sure_everywhere``: every yes/no question, not only the safety ones, has "not sure"."""
    fields = form_fields(form)
    for template in _templates_of(page, form):
        button = next(
            b for b in form.iter() if b.attrs.get("data-template") == template.attrs["id"]
        )
        rows = _lists(form)[button.attrs["data-add-row"]]
        for node in template.iter():
            if "data-key" in node.attrs:
                fields[f"{rows.attrs['data-list']}.*.{node.attrs['data-key']}"] = node
    expected = contract_fields(contract)
    assert set(fields) == set(expected)
    for path, node in fields.items():
        leaf = expected[path]
        for attribute, key in (("min", "minimum"), ("max", "maximum")):
            if key in leaf or node.attrs.get("type") == "number":
                assert float(node.attrs[attribute]) == leaf[key], f"{path} {attribute}"
        for attribute, key in (("minlength", "minLength"), ("maxlength", "maxLength")):
            if key in leaf:
                assert int(node.attrs[attribute]) == leaf[key], f"{path} {attribute}"
        if leaf.get("type") == "integer" and node.tag == "input":
            assert node.attrs["step"] == "1", f"{path} takes whole numbers"
        if leaf.get("type") == "boolean" and node.attrs["data-type"] == "bool":
            radios = [n.attrs["value"] for n in node.all("input") if n.attrs["type"] == "radio"]
            safety = "data-question" in node.attrs
            unsure = safety or not_sure_everywhere
            assert radios == (["yes", "no", "unsure"] if unsure else ["yes", "no"]), path
            assert not [n for n in node.all("input") if "checked" in n.attrs], "no default"
        if "enum" in leaf:
            choices = [n.attrs["value"] for n in node.all("option") if n.attrs["value"]]
            assert choices == leaf["enum"]
        if leaf.get("type") == "array":
            boxes = [n.attrs["value"] for n in node.all("input") if n.attrs["type"] == "checkbox"]
            item = _resolve(json_schema(contract), leaf["items"])
            if "enum" in item:
                assert boxes == item["enum"]


def _form(page: Node, form_id: str) -> Node:
    return next(form for form in page.all("form") if form.attrs.get("id") == form_id)


def test_the_intake_form_asks_every_field_of_the_contract(
    client: TestClient, knowledge: KnowledgeBase
) -> None:
    page = get_page(client, "/intake")
    form = _form(page, "intake")
    assert form.attrs["data-post"] == "/api/v1/plans"
    assert form.attrs["data-schema"] == "psoas.intake/1"
    check_form_against(page, form, ContractName.INTAKE, not_sure_everywhere=True)
    fields = form_fields(form)
    for question in knowledge.questions:
        if question.id.value == "recent_surgery_where":
            continue  # the rows of operations: check_form_against covered them
        group = fields[question.field]
        assert group.tag == "fieldset" or question.id.value in ("age", "low_back_pain", "hip_pain")
        if group.attrs.get("data-type") in ("bool", "choice") and not question.asked_with:
            assert group.all("legend")[0].text() == " ".join(question.text.split())
        if group.attrs.get("data-type") == "checklist":  # one short line per condition
            assert question.short[1:] in group.text()
    # A safety question can always be answered "not sure", so nothing is ever a silent "no".
    assert fields["history.recent_surgery"].attrs["data-type"] == "bool"
    pregnancy = [n.text() for n in fields["person.pregnant"].all("label")]
    assert "Not sure" in pregnancy and "Not applicable to me" in pregnancy
    checklist = fields["conditions.osteoporosis"]
    labels = [n.text() for n in checklist.all("label")]
    assert labels[-2:] == ["None of these", "Not sure about some of these"]
    assert [s for s in form.iter() if s.attrs.get("role") == "alert"], "a summary for problems"


def test_the_track_forms_ask_every_field_of_their_contracts(
    seeded: TestClient, knowledge: KnowledgeBase
) -> None:
    page = get_page(seeded, "/track")
    check_in, measures = _form(page, "check-in"), _form(page, "measures")
    assert check_in.attrs["data-post"] == "/api/v1/check-ins"
    assert measures.attrs["data-post"] == "/api/v1/measures"
    check_form_against(page, check_in, ContractName.CHECKIN)
    check_form_against(page, measures, ContractName.MEASURES)
    plan = seeded.get("/api/v1/plan").json()
    done = form_fields(check_in)["done"]
    ticks = [n.attrs["value"] for n in done.all("input")]
    unscheduled = ("once", "with_release")
    assert ticks == [
        i["technique"] for i in plan["items"] if i["schedule"]["cadence"] not in unscheduled
    ]
    red_flags = [n.attrs["value"] for n in form_fields(check_in)["red_flags"].all("input")]
    assert red_flags == [flag.value for flag in RedFlagId]
    explanation = knowledge.measure(MetricId.THOMAS_HIP_ANGLE_LEFT).explanation
    assert " ".join(explanation.split()) in measures.text()
    assert "not a diagnosis" in measures.text()
    assert [n for n in page.iter() if n.attrs.get("role") == "alert" and "data-safety" in n.attrs]


def test_without_a_plan_the_check_in_has_nothing_to_tick(client: TestClient) -> None:
    page = get_page(client, "/track")
    assert "done" not in form_fields(_form(page, "check-in"))


# --- history and library ---------------------------------------------------------------------


def test_history_is_newest_first_with_the_report_and_reminders(seeded: TestClient) -> None:
    main = main_of(get_page(seeded, "/history"))
    (report,) = [f for f in main.all("form") if f.attrs.get("action") == "/api/v1/report"]
    assert report.attrs["method"] == "get"
    assert [n.attrs["name"] for n in report.all("input")] == ["name"]
    assert [(b.attrs["name"], b.attrs["value"]) for b in report.all("button")] == [
        ("format", "pdf"),
        ("format", "html"),
    ]
    (reminders,) = [f for f in main.all("form") if f.attrs.get("action") == "/reminders.ics"]
    assert reminders.attrs["method"] == "get"
    names = {n.attrs["name"]: n.attrs.get("value") for n in reminders.all("input")}
    (zones,) = reminders.all("select")
    names[zones.attrs["name"]] = next(
        o.text() for o in zones.all("option") if "selected" in o.attrs
    )
    assert set(names) == {"work_start", "work_end", "work_days", "practice_at", "timezone"}
    assert names["timezone"]
    sections = {s.all("h2")[0].text(): s for s in main.all("section")}
    logged = yaml.safe_load((EXAMPLES / "history" / "check-ins.yaml").read_text())
    check_ins = [li.text() for li in sections["Check-ins"].all("li")]
    assert len(check_ins) == len(logged)
    assert f"for {logged[-1]['day']}" in check_ins[0] and f"for {logged[0]['day']}" in check_ins[-1]
    assert sections["Measurements"].all("li")
    assert sections["Plan versions"].all("li")
    assert sections["Change since the start"].all("table")
    download = seeded.get("/reminders.ics", params={k: v or "" for k, v in names.items()})
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/calendar")


def test_history_of_a_new_person_offers_no_downloads(client: TestClient) -> None:
    main = main_of(get_page(client, "/history"))
    assert not [a for a in main.all("a") if a.attrs["href"].startswith("/api/")]
    assert not main.all("form")
    assert "Nothing yet." in main.text()


def test_the_library_lists_every_entry_by_section(client: TestClient) -> None:
    library = client.get("/api/v1/library").json()
    main = main_of(get_page(client, "/library"))
    hrefs = {a.attrs["href"] for a in main.all("a")}
    assert {f"/library/{entry['id']}" for entry in library} <= hrefs
    assert [s.attrs["id"] for s in main.all("section")] == [
        f"section-{name}"
        for name in ("anatomy", "causes", "techniques", "tools", "safety", "thresholds")
    ]


def test_a_technique_is_shown_in_full(client: TestClient, knowledge: KnowledgeBase) -> None:
    technique = next(t for t in knowledge.techniques if t.id == "couch_stretch")
    text = main_of(get_page(client, "/library/couch_stretch")).text()
    for line in [*technique.steps, *technique.cues, *technique.cautions]:
        assert " ".join(line.split()) in text
    assert technique.dose.describe() in text


# --- the charts' SVG under the content security policy ----------------------------------------


def test_chart_svg_is_inlined_without_styles_and_with_its_own_ids() -> None:
    svg = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg width="10pt" viewBox="0 0 10 10">'
        "<metadata>x</metadata><defs><style>*{stroke-linejoin: round}</style>"
        '<clipPath id="p1"><rect/></clipPath></defs>'
        '<path clip-path="url(#p1)" style="fill: none; stroke: #1f5f8b; stroke-width: 0.8"/>'
        '<use xlink:href="#p1"/></svg>'
    )
    inlined = inline_svg(svg, prefix="pain")
    assert inlined.startswith('<svg class="chart" role="img"')
    assert "style" not in inlined and "metadata" not in inlined and "DOCTYPE" not in inlined
    assert 'fill="none" stroke="#1f5f8b" stroke-width="0.8"' in inlined
    assert 'id="chart-pain-p1"' in inlined
    assert "url(#chart-pain-p1)" in inlined and 'href="#chart-pain-p1"' in inlined


def test_the_dashboard_is_kept_only_while_nothing_changes(client: TestClient) -> None:
    intake = yaml.safe_load((EXAMPLES / "desk-worker.yaml").read_text(encoding="utf-8"))
    assert client.post("/api/v1/plans", json=intake).status_code == 200
    first = client.get("/").text
    assert "Start a guided session" in first
    assert client.get("/").text == first  # nothing changed: the same page
    opened = client.post("/api/v1/sessions", json={"minutes": 10})
    assert opened.status_code == 201
    after = client.get("/").text
    assert f"Session {opened.json()['id']}" in after and after != first
    urgent = yaml.safe_load((EXAMPLES / "safety-urgent.yaml").read_text(encoding="utf-8"))
    assert client.post("/api/v1/plans", json=urgent).status_code == 200
    assert "Start a guided session" not in client.get("/").text


def test_a_chart_address_changes_when_the_records_do(seeded: TestClient) -> None:
    def sources() -> list[str]:
        return [img.attrs["src"] for img in main_of(parse(seeded.get("/").text)).all("img")]

    before = sources()
    assert before == sources()
    logged = seeded.post(
        "/api/v1/check-ins", json={"day": "2026-11-16", "low_back_pain": 2, "backfill": True}
    )
    assert logged.status_code == 201
    after = sources()
    assert [src.split("?")[0] for src in after] == [src.split("?")[0] for src in before]
    assert set(after).isdisjoint(before)
    assert seeded.get("/charts/nope.svg").status_code == 404


def test_a_chart_is_drawn_at_the_size_asked_for(seeded: TestClient) -> None:
    def width(svg: str) -> float:
        found = re.search(r'viewBox="0 0 ([\d.]+) ', svg)
        assert found, svg[:200]
        return float(found.group(1))

    wide = seeded.get("/charts/pain.svg")
    phone = seeded.get("/charts/pain.svg?size=phone")
    assert wide.status_code == phone.status_code == 200
    assert width(wide.text) == 540 and width(phone.text) == 288  # drawn for a phone's width
    assert seeded.get("/charts/pain.svg?size=wide").text == wide.text
    refused = seeded.get("/charts/pain.svg?size=huge")
    assert refused.status_code == 422
    assert "size" in refused.text


def test_a_person_with_a_plan_and_no_entries_sees_one_sentence_not_four_charts(
    client: TestClient,
) -> None:
    intake = yaml.safe_load((EXAMPLES / "desk-worker.yaml").read_text(encoding="utf-8"))
    assert client.post("/api/v1/plans", json=intake).status_code == 200
    progress = main_of(check_page(client.get("/").text)).all("section")
    (charts,) = [s for s in progress if s.all("h2")[0].text() == "Progress"]
    assert not charts.all("figure") and not charts.all("img")
    assert charts.all("p")[0].text() == "No check-ins yet. Log today's pain to start your charts."
    assert [a.attrs["href"] for a in charts.all("a")] == ["/track#check-in"]


def test_a_chart_and_progress_show_a_new_check_in_at_once(seeded: TestClient) -> None:
    before = seeded.get("/charts/pain.svg")
    assert before.status_code == 200
    assert seeded.get("/api/v1/progress").status_code == 200  # both kept now
    today = date.today().isoformat()
    logged = seeded.post("/api/v1/check-ins", json={"day": today, "low_back_pain": 1})
    assert logged.status_code == 201
    after = seeded.get("/charts/pain.svg").text
    assert drawn_points(after) == drawn_points(before.text) + 1  # one more point drawn
    metrics = seeded.get("/api/v1/progress").json()["metrics"]
    pain = next(metric for metric in metrics if metric["metric"] == "low_back_pain")
    assert pain["points"][-1] == {"day": today, "value": 1.0}


# --- gates over time on the pages ----------------------------------------------------------


def test_the_dashboard_says_plainly_that_release_is_paused_and_why(client: TestClient) -> None:
    intake = yaml.safe_load((EXAMPLES / "safety-clear.yaml").read_text())
    assert client.post("/api/v1/plans", json=intake).status_code == 200
    assert [a for a in main_of(get_page(client, "/")).all("a") if a.attrs["href"] == "/session"]
    today = date.today().isoformat()
    logged = client.post("/api/v1/check-ins", json={"day": today, "low_back_pain": 9})
    assert logged.status_code == 201
    main = main_of(get_page(client, "/"))
    paused = next(s for s in main.all("section") if s.attrs.get("id") == "release-paused")
    assert "Self-release is paused" in paused.text() and "9 out of 10" in paused.text()
    assert [a for a in paused.all("a") if a.attrs["href"] == "/intake"]
    assert not [a for a in main.all("a") if a.attrs["href"] == "/session"]
    start = main_of(get_page(client, "/session"))
    assert "Self-release is paused" in start.text() and "9 out of 10" in start.text()


def test_an_urgent_level_question_left_open_asks_for_answers_first(client: TestClient) -> None:
    intake = yaml.safe_load((EXAMPLES / "safety-clear.yaml").read_text())
    del intake["red_flags"]["saddle_numbness"]
    assert client.post("/api/v1/plans", json=intake).status_code == 200
    main = main_of(get_page(client, "/"))
    banner = main.all("section")[0]
    assert "Answer first" in banner.text()
    assert "area you would sit on a saddle" in banner.text()  # the question, in full
    plan = main_of(get_page(client, "/plan"))
    assert "Answer the safety questions still open" in plan.text()


def test_the_plan_page_marks_release_as_paused(client: TestClient) -> None:
    intake = yaml.safe_load((EXAMPLES / "safety-clear.yaml").read_text())
    assert client.post("/api/v1/plans", json=intake).status_code == 200
    assert 'id="release-paused"' not in client.get("/plan").text
    today = date.today().isoformat()
    client.post("/api/v1/check-ins", json={"day": today, "adverse_events": ["bruising"]})
    assert 'id="release-paused"' in client.get("/plan").text
    main = main_of(get_page(client, "/plan"))
    release = next(a for a in main.all("article") if "item-self_release" in a.attrs["class"])
    assert "Self-release is paused" in release.text()
