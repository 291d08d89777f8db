"""Charts served from the store: each drawn once per change of the records, one at a time."""

from __future__ import annotations

import base64
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date

import pytest

from psoas.core.progress import Progress
from psoas.errors import UnknownId
from psoas.reports import charts
from psoas.reports.report import chart_has_data
from psoas.services import drawing, reporting, tracking
from psoas.store import Database
from tests.factories import EXAMPLE_TODAY, load_example_history
from tests.reports.test_charts import drawn_points

CALLERS = 8


@pytest.fixture
def history(database: Database) -> Database:
    load_example_history(database)
    return database


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """How many times each chart is drawn; each drawing takes a moment, so callers overlap."""
    counts: Counter[str] = Counter()

    def counted(chart: charts.Chart) -> charts.Chart:
        def render(progress: Progress, fmt: charts.ChartFormat = "svg") -> bytes:
            counts[chart.name] += 1
            time.sleep(0.2)
            return chart.render(progress, fmt)

        return replace(chart, render=render)

    monkeypatch.setattr(drawing, "_CHART_BY_NAME", {c.name: counted(c) for c in charts.CHARTS})
    yield counts


def _charts_at_once(database: Database, names: list[str]) -> list[str]:
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        return list(
            pool.map(
                lambda name: reporting.progress_chart(
                    database, person="me", today=EXAMPLE_TODAY, name=name
                ),
                names,
            )
        )


def test_a_chart_asked_for_at_once_is_drawn_once_and_alone(
    history: Database, drawn: Counter[str]
) -> None:
    svgs = _charts_at_once(history, ["pain"] * CALLERS)
    assert len(set(svgs)) == 1 and svgs[0].startswith('<svg class="chart"')
    assert drawn == Counter(pain=1)  # the other three charts were not drawn for it
    _charts_at_once(history, ["pain", "adherence"])
    assert drawn == Counter(pain=1, adherence=1)


def test_a_new_check_in_gives_a_new_chart(history: Database, drawn: Counter[str]) -> None:
    before = reporting.progress_chart(history, person="me", today=EXAMPLE_TODAY, name="pain")
    check_in = tracking.parse_check_ins(
        {"schema": "psoas.checkin/1", "day": EXAMPLE_TODAY.isoformat(), "low_back_pain": 9},
        source="test",
    )
    tracking.record_check_ins(
        history, person="me", check_ins=check_in, today=EXAMPLE_TODAY, source="test"
    )
    after = reporting.progress_chart(history, person="me", today=EXAMPLE_TODAY, name="pain")
    # One more point on the low back pain line: one more marker drawn.
    assert drawn_points(after) == drawn_points(before) + 1
    assert drawn == Counter(pain=2)
    found = tracking.progress(history, person="me", today=EXAMPLE_TODAY)
    pain = next(metric for metric in found.metrics if metric.metric == "low_back_pain")
    assert (pain.points[-1].day, pain.points[-1].value) == (EXAMPLE_TODAY, 9)


def test_an_unknown_chart_is_named_with_the_known_ones(history: Database) -> None:
    with pytest.raises(UnknownId, match="'adherence'"):
        reporting.progress_chart(history, person="me", today=EXAMPLE_TODAY, name="pian")


def test_charts_are_drawn_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    drawing = 0
    most = 0
    lock = threading.Lock()
    save = charts._save

    def slow_save(figure: object, fmt: charts.ChartFormat) -> bytes:
        nonlocal drawing, most
        with lock:
            drawing += 1
            most = max(most, drawing)
        time.sleep(0.05)
        with lock:
            drawing -= 1
        return save(figure, fmt)  # type: ignore[arg-type]

    monkeypatch.setattr(charts, "_save", slow_save)
    empty = Progress.model_validate(
        {
            "as_of": date(2026, 11, 16),
            "since": None,
            "metrics": [],
            "adherence": [],
            "adherence_overall": None,
            "streaks": {"current": 0, "longest": 0},
            "session_effects": {"sessions": [], "mean_change": {}},
            "red_flags_reported": [],
            "recommendations": [],
        }
    )
    with ThreadPoolExecutor(max_workers=6) as pool:
        drawn = list(pool.map(lambda chart: chart.render(empty, "svg"), charts.CHARTS * 2))
    assert len(drawn) == 8 and most == 1


def test_pdfs_are_printed_one_at_a_time(history: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    making = most = 0
    lock = threading.Lock()

    def slow_print(html: str) -> bytes:
        nonlocal making, most
        with lock:
            making += 1
            most = max(most, making)
        time.sleep(0.05)
        with lock:
            making -= 1
        return html.encode()  # WeasyPrint's part, taken as done

    monkeypatch.setattr(drawing, "render_pdf", slow_print)
    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(
            pool.map(
                lambda _: reporting.report_bytes(
                    history, person="me", today=EXAMPLE_TODAY, fmt=reporting.ReportFormat.PDF
                ),
                range(4),
            )
        )
    assert len(set(reports)) == 1 and reports[0].startswith(b"<!DOCTYPE html>")
    assert most == 1


def test_a_report_uses_the_charts_the_pages_drew(history: Database, drawn: Counter[str]) -> None:
    for chart in charts.CHARTS:
        reporting.progress_chart(history, person="me", today=EXAMPLE_TODAY, name=chart.name)
    data = reporting.report_data(history, person="me", today=EXAMPLE_TODAY)
    assert drawn == Counter({chart.name: 1 for chart in charts.CHARTS})  # none drawn again
    page = reporting.report_bytes(
        history, person="me", today=EXAMPLE_TODAY, fmt=reporting.ReportFormat.HTML
    )
    shown = {name for name in data.charts if chart_has_data(name, data.progress)}
    assert shown == {"pain", "thomas", "adherence"}, "the example history has no rated sessions"
    assert all(base64.b64encode(data.charts[name]) in page for name in shown)
    # A report over a shorter span has charts of its own, drawn for it.
    reporting.report_data(history, person="me", today=EXAMPLE_TODAY, since=EXAMPLE_TODAY)
    assert drawn == Counter({chart.name: 2 for chart in charts.CHARTS})
