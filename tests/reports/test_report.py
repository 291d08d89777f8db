"""The progress report: what a practitioner must find in it, safety first, and a real PDF."""

from __future__ import annotations

import base64
import html as html_lib
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from psoas.content.vocabulary import AdverseEventId, SafetyLevel, ToolId
from psoas.core.gates import HoldKind, ReleaseHold, ReleaseStatus
from psoas.core.planning import Plan
from psoas.core.progress import Progress, SessionEffects
from psoas.core.safety import SafetyResult
from psoas.core.session_records import SessionStatus, SessionSummary
from psoas.core.timeline import SessionKind
from psoas.reports import charts
from psoas.reports.report import DISCLAIMER, THOMAS_NOTE, ReportData, render_html, render_pdf
from psoas.services import care
from tests.conftest import EXAMPLES
from tests.reports.test_charts import TODAY, empty_progress, example_history

SESSIONS = [
    SessionSummary(
        id=1,
        person="me",
        kind=SessionKind.SELF_RELEASE,
        tool=ToolId.PSO_RITE,
        minutes=15,
        status=SessionStatus.COMPLETED,
        started_at=datetime(2026, 11, 2, 12, 0, tzinfo=UTC),
        steps_done=12,
        step_count=12,
        change={"low_back_pain": -2, "stress": -3},
    ),
    SessionSummary(
        id=2,
        person="me",
        kind=SessionKind.MANUAL_RELEASE,
        tool=None,
        minutes=20,
        status=SessionStatus.IN_PROGRESS,
        started_at=datetime(2026, 11, 5, 12, 0, tzinfo=UTC),
        steps_done=4,
        step_count=14,
        change={},
    ),
]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Progress, Plan, SafetyResult]:
    folder = tmp_path_factory.mktemp("report")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PSOAS_DATA_DIR", str(folder / "data"))
        return example_history(folder)


@pytest.fixture(scope="module")
def data(history: tuple[Progress, Plan, SafetyResult]) -> ReportData:
    progress, plan, safety = history
    return ReportData(
        person="me",
        name="desk <worker>",
        as_of=TODAY,
        safety=safety,
        progress=progress,
        charts=drawn(progress),
        plan=plan,
        plan_version=1,
        sessions=SESSIONS,
    )


def drawn(progress: Progress) -> dict[str, bytes]:
    """Every chart of ``progress``, as a service hands them to the report."""
    return {chart.name: chart.render(progress, "svg") for chart in charts.CHARTS}


@pytest.fixture(scope="module")
def page(data: ReportData) -> str:
    return render_html(data)


def section(page: str, name: str) -> str:
    found = re.search(rf'<section[^>]*id="{name}".*?</section>', page, re.S)
    assert found, name
    return found.group(0)


def row(page: str, row_id: str) -> list[str]:
    found = re.search(rf'<tr id="{row_id}">(.*?)</tr>', page, re.S)
    assert found, row_id
    return [
        html_lib.unescape(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", found[1])
    ]


def test_summary_gives_safety_phase_pain_adherence_and_streak(page: str) -> None:
    summary = section(page, "summary")
    assert "Clear: self-care as planned" in summary
    assert "Maintenance: keeping the gains" in summary  # the example earns it
    assert "<strong>6.0</strong> at baseline, <strong>2.9</strong> now" in summary
    assert '<span class="improved">improved</span>' in summary
    assert "A meaningful change is 2 points or 30%." in summary
    assert "82% of planned items done" in summary
    assert "3 days in a row now (longest 47)" in summary


def test_measures_table_has_baseline_now_month_ago_change_and_verdict(page: str) -> None:
    assert row(page, "metric-low_back_pain") == [
        "Low back pain",
        "points (0-10)",
        "6.0",
        "2.9",
        "4.7",
        "\u22123.1",
        "\u221251%",
        "improved",
        "2 points or 30%",
    ]
    thomas = row(page, "metric-thomas_hip_angle_left")
    assert thomas[0].endswith("*")
    assert thomas[-2:] == ["not judged", "not established"]


def test_every_plan_item_is_shown_with_its_reasons_and_frequency(data: ReportData, page: str):
    plan = section(page, "plan")
    assert data.plan is not None
    for item in data.plan.items:
        assert html_lib.escape(item.title) in plan
        assert html_lib.escape(item.frequency[1:]) in plan
        for reason in item.reasons:
            assert html_lib.escape(reason) in plan


def test_sessions_are_listed_with_their_change_in_ratings(page: str) -> None:
    assert row(page, "session-1") == [
        "2 Nov 2026",
        "Self-release (Pso-Rite)",
        "15",
        "finished",
        "12/12",
        "Low back pain \u22122, Stress \u22123",
        "–",
    ]
    assert row(page, "session-2")[3:] == ["not finished", "4/14", "–", "–"]


def test_charts_are_inlined_as_svg(data: ReportData, page: str) -> None:
    uris = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', section(page, "charts"))
    # The charts it was given, in the order of CHARTS: the report draws none itself.
    assert [base64.b64decode(uri) for uri in uris] == [data.charts[c.name] for c in charts.CHARTS]
    for uri in uris:
        root = ET.fromstring(base64.b64decode(uri))
        assert root.tag.endswith("svg")


def test_the_page_needs_nothing_from_outside(page: str) -> None:
    references = re.findall(r'(?:src|href)\s*=\s*["\']?([^"\'\s>]+)', page, re.I)
    assert references  # the charts
    assert all(ref.startswith("data:") for ref in references)
    assert not re.search(r"https?://", page.replace("data:image/svg+xml;base64,", ""))
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()


def test_what_the_person_typed_is_escaped(page: str) -> None:
    assert "desk &lt;worker&gt;" in page
    assert "desk <worker>" not in page


def test_footer_says_it_does_not_diagnose(page: str) -> None:
    footer = page[page.index("<footer>") :]
    assert DISCLAIMER in footer
    assert THOMAS_NOTE in footer
    assert "it does not diagnose" in DISCLAIMER
    assert "not a diagnosis" in THOMAS_NOTE


def test_a_clear_screen_shows_no_alert(page: str) -> None:
    assert 'id="safety-alert"' not in page


@pytest.mark.parametrize("example", ["safety-refer.yaml", "safety-urgent.yaml"])
def test_a_refer_or_urgent_screen_comes_first(data: ReportData, example: str) -> None:
    safety = care.assessment_of(care.read_intake(EXAMPLES / example)).safety
    page = render_html(replace(data, safety=safety))
    alert = section(page, "safety-alert")
    message = html_lib.escape(safety.reasons[0].message)
    assert message in alert
    body = page[page.index("<body>") :]
    assert body.index(message) < body.index("<h1>") < body.index('id="summary"')
    assert "Follow the safety advice above before anything else." in section(page, "summary")


def test_a_report_with_nothing_yet_still_renders() -> None:
    safety = SafetyResult(
        level=SafetyLevel.CLEAR,
        self_release_allowed=True,
        stretching_allowed=True,
        unanswered=[],
        reasons=[],
    )
    page = render_html(
        ReportData(
            person="new",
            as_of=TODAY,
            safety=safety,
            progress=empty_progress(),
            charts=drawn(empty_progress()),
        )
    )
    assert "No pain ratings yet." in page
    assert "No measurements or check-ins yet." in page
    assert "No plan saved yet" in page
    assert "No guided sessions yet." in page
    # One sentence and the next step in place of four empty charts.
    shown = section(page, "charts")
    assert "No check-ins yet. Log today&#39;s pain to start your charts." in shown
    assert "data:image/svg+xml" not in shown and "<figure" not in shown


def test_a_chart_with_nothing_to_draw_says_what_is_missing(data: ReportData) -> None:
    without = data.progress.model_copy(
        update={"session_effects": SessionEffects(sessions=[], mean_change={})}
    )
    page = render_html(replace(data, progress=without, charts=drawn(without)))
    shown = section(page, "charts")
    assert shown.count("data:image/svg+xml;base64,") == len(charts.CHARTS) - 1
    sessions = re.search(r'<p id="chart-sessions"[^>]*>(.*?)</p>', shown, re.S)
    assert sessions, shown
    assert "No rated sessions yet." in sessions.group(1)
    assert 'id="chart-pain"' in shown and "<figure" in shown


def test_the_heading_names_the_person_only_as_they_asked(data: ReportData) -> None:
    assert "<h1>Progress report: desk &lt;worker&gt;</h1>" in render_html(data)
    unnamed = render_html(replace(data, name=None))
    assert "<h1>Progress report</h1>" in unnamed
    assert ">me<" not in unnamed and ": me" not in unnamed


@pytest.fixture(scope="module")
def pdf_pages(page: str, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian's poppler-utils) is not installed")
    folder = tmp_path_factory.mktemp("pdf")
    pdf = render_pdf(page)
    assert pdf.startswith(b"%PDF-")
    (folder / "report.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", str(folder / "report.pdf"), str(folder / "page")],
        check=True,
        capture_output=True,
    )
    return sorted(folder.glob("page-*.png"))


def test_the_pdf_has_several_pages_none_of_them_blank(pdf_pages: list[Path]) -> None:
    assert len(pdf_pages) >= 2
    for path in pdf_pages:
        with Image.open(path) as image:
            grey = image.convert("L")
            width, height = grey.size
            assert abs(width / height - 210 / 297) < 0.01  # A4 portrait
            histogram = grey.histogram()
            inked = sum(histogram[:200])
            assert inked / (width * height) > 0.01, path.name


def test_a_paused_release_and_a_reported_problem_are_plain_to_see(data: ReportData) -> None:
    hold = ReleaseHold(
        kind=HoldKind.ADVERSE_EVENT,
        level=SafetyLevel.URGENT,
        since=datetime(2026, 11, 6, tzinfo=UTC),
        message="A pulse under the tool means it was pressing on an artery.",
    )
    release = ReleaseStatus(allowed=False, level=SafetyLevel.CLEAR, screened_at=None, holds=[hold])
    troubled = SESSIONS[0].model_copy(update={"adverse_events": [AdverseEventId.PULSE_UNDER_TOOL]})
    page = render_html(
        replace(
            data,
            progress=data.progress.model_copy(update={"release": release}),
            sessions=[troubled],
        )
    )
    summary = section(page, "summary")
    assert "Stop: please get medical help." in summary
    assert "pressing on an artery" in summary
    assert "a pulse or throbbing under the tool or fingers" in row(page, "session-1")[-1]


def test_an_allowed_release_adds_nothing_to_the_summary(page: str) -> None:
    assert 'id="release-paused"' not in page
