"""Charts: every one renders as SVG and PNG, says what its axes measure, and survives no data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import matplotlib
import pytest

from psoas.core.planning import Plan
from psoas.core.progress import Progress, SessionEffect, SessionEffects, Streaks
from psoas.core.safety import SafetyResult
from psoas.reports import charts
from psoas.services import care, tracking
from psoas.store import open_database
from tests.conftest import EXAMPLES
from tests.factories import load_example_history

TODAY = date(2026, 11, 16)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"

AXES = {
    "pain": ("Pain (0-10 points)", "Date"),
    "thomas": ("Hip angle above horizontal (degrees)", "Date"),
    "adherence": ("Adherence (% of planned items done)", "Week starting"),
    "sessions": ("Rating before \u2192 after (0-10 points)", "Session"),
}

EFFECTS = [
    SessionEffect(
        session_id=1,
        day=date(2026, 11, 2),
        change={"low_back_pain": -2, "stress": -3},
        before={"low_back_pain": 5, "stress": 7},
        after={"low_back_pain": 3, "stress": 4},
    ),
    SessionEffect(
        session_id=2,
        day=date(2026, 11, 5),
        change={"low_back_pain": -1, "hip_pain": 0},
        before={"low_back_pain": 4, "hip_pain": 2},
        after={"low_back_pain": 3, "hip_pain": 2},
    ),
    SessionEffect(
        session_id=3,
        day=date(2026, 11, 9),
        change={"breathing_ease": 2},
        before={"breathing_ease": 5},
        after={"breathing_ease": 7},
    ),
]


def example_history(folder: Path) -> tuple[Progress, Plan, SafetyResult]:
    """The desk worker's eight weeks, through the real services, with three session effects."""
    database = open_database(f"sqlite:///{folder / 'history.sqlite3'}")
    try:
        load_example_history(database, today=TODAY)
        progress = tracking.progress(database, person="me", today=TODAY)
        plan = tracking.current_plan(database, person="me")
        safety = care.assessment_of(care.read_intake(EXAMPLES / "desk-worker.yaml")).safety
    finally:
        database.close()
    effects = SessionEffects(sessions=EFFECTS, mean_change={"low_back_pain": -1.5})
    progress = progress.model_copy(update={"session_effects": effects})
    assert plan is not None
    return progress, plan, safety


def empty_progress() -> Progress:
    return Progress(
        as_of=TODAY,
        since=None,
        metrics=[],
        adherence=[],
        adherence_overall=None,
        streaks=Streaks(current=0, longest=0),
        session_effects=SessionEffects(sessions=[], mean_change={}),
        red_flags_reported=[],
        recommendations=[],
    )


@pytest.fixture(scope="module")
def progress(tmp_path_factory: pytest.TempPathFactory) -> Progress:
    folder = tmp_path_factory.mktemp("charts")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PSOAS_DATA_DIR", str(folder / "data"))
        return example_history(folder)[0]


def svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    return ["".join(node.itertext()).strip() for node in root.iter(f"{SVG_NS}text")]


def test_the_charts_are_listed_once_each_with_axes_known() -> None:
    assert [chart.name for chart in charts.CHARTS] == list(AXES)
    assert charts.CHARTS[0].filename("png") == "pain.png"


@pytest.mark.parametrize("chart", charts.CHARTS, ids=lambda c: c.name)
def test_svg_is_xml_with_labelled_axes(progress: Progress, chart: charts.Chart) -> None:
    texts = svg_texts(chart.render(progress, "svg"))
    ylabel, xlabel = AXES[chart.name]
    assert ylabel in texts
    assert xlabel in texts
    assert charts.NO_DATA not in texts


@pytest.mark.parametrize("chart", charts.CHARTS, ids=lambda c: c.name)
def test_png_renders(progress: Progress, chart: charts.Chart) -> None:
    png = chart.render(progress, "png")
    assert png.startswith(PNG_MAGIC)
    assert len(png) > 5_000


@pytest.mark.parametrize("fmt", charts.FORMATS)
@pytest.mark.parametrize("chart", charts.CHARTS, ids=lambda c: c.name)
def test_no_data_still_renders_with_a_note(chart: charts.Chart, fmt: charts.ChartFormat) -> None:
    rendered = chart.render(empty_progress(), fmt)
    if fmt == "png":
        assert rendered.startswith(PNG_MAGIC)
        return
    texts = svg_texts(rendered)
    assert charts.NO_DATA in texts
    assert set(AXES[chart.name]) <= set(texts)


def test_pain_chart_shows_baseline_and_the_meaningful_change_band(progress: Progress) -> None:
    texts = svg_texts(charts.pain_chart(progress))
    assert "Low back pain: baseline 6.0" in texts
    assert "Low back pain: no meaningful change (±2 points)" in texts
    assert "Hip or groin pain: baseline 2.8" in texts  # its first 5 days with values
    assert {"0", "10"} <= set(texts)  # the 0-10 scale is shown whole


def test_thomas_chart_has_both_sides_and_the_horizontal(progress: Progress) -> None:
    texts = svg_texts(charts.thomas_chart(progress))
    assert {"Left hip", "Right hip", "Horizontal (0°)"} <= set(texts)


def test_adherence_chart_labels_each_week_with_its_percentage(progress: Progress) -> None:
    texts = svg_texts(charts.adherence_chart(progress))
    assert {"21 Sep", "92%", "9 Nov", "70%", "Overall: 81%"} <= set(texts)


def test_session_chart_shows_each_session_and_each_rating(progress: Progress) -> None:
    texts = svg_texts(charts.session_chart(progress))
    assert {"Low back pain", "Hip pain", "Stress", "Breathing ease"} <= set(texts)
    assert {"\u22122", "\u22123", "0", "+2"} <= set(texts)
    assert any(text.startswith("#3") for text in texts)


def test_a_session_rated_only_before_is_left_out_of_the_chart(progress: Progress) -> None:
    unrated = SessionEffect(session_id=9, day=date(2026, 11, 12), change={}, before={"stress": 5})
    effects = progress.session_effects.model_copy(update={"sessions": [*EFFECTS, unrated]})
    texts = svg_texts(
        charts.session_chart(progress.model_copy(update={"session_effects": effects}))
    )
    assert any(text.startswith("#3") for text in texts)
    assert not any(text.startswith("#9") for text in texts)


def test_session_chart_without_sessions_says_so(progress: Progress) -> None:
    none = progress.model_copy(
        update={"session_effects": SessionEffects(sessions=[], mean_change={})}
    )
    assert charts.NO_DATA in svg_texts(charts.session_chart(none))


def test_svg_is_the_same_every_time_and_leaves_global_settings_alone(progress: Progress) -> None:
    before = dict(matplotlib.rcParams)
    first = charts.pain_chart(progress, "svg")
    assert charts.pain_chart(progress, "svg") == first
    assert b"<dc:date>" not in first
    assert dict(matplotlib.rcParams) == before


def test_render_all_names_every_file(progress: Progress) -> None:
    rendered = charts.render_all(progress, "png")
    assert sorted(rendered) == sorted(f"{name}.png" for name in AXES)
    assert all(data.startswith(PNG_MAGIC) for data in rendered.values())


def test_an_unknown_format_is_refused(progress: Progress) -> None:
    with pytest.raises(ValueError, match="svg or png"):
        charts.pain_chart(progress, "pdf")  # type: ignore[arg-type]
