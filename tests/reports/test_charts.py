"""Charts: every one renders as SVG and PNG, says what its axes measure, and survives no data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import matplotlib
import pytest

from psoas.core.planning import Plan
from psoas.core.progress import (
    PAIN_METRICS,
    Point,
    Progress,
    SessionEffect,
    SessionEffects,
    Streaks,
    WeekAdherence,
)
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


def drawn_points(svg: bytes | str) -> int:
    """How many data points a chart marks (markers inside the axes; tick marks are outside)."""
    root = ET.fromstring(svg)
    return sum(
        1
        for group in root.iter(f"{SVG_NS}g")
        if group.get("clip-path")
        for _ in group.iter(f"{SVG_NS}use")
    )


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
    # a long legend entry is broken into lines, each its own text
    assert "Low back pain: no meaningful change (±2 points)" in " ".join(texts)
    assert "Hip or groin pain: baseline 2.8" in texts  # its first 5 days with values
    assert {"0", "10"} <= set(texts)  # the 0-10 scale is shown whole


def test_pain_chart_marks_each_day_rated(progress: Progress) -> None:
    days = sum(len(m.points) for m in progress.metrics if m.metric in PAIN_METRICS)
    assert drawn_points(charts.pain_chart(progress)) == days > 0


def test_thomas_chart_has_both_sides_and_the_horizontal(progress: Progress) -> None:
    texts = svg_texts(charts.thomas_chart(progress))
    assert {"Left hip", "Right hip", "Horizontal (0°)"} <= set(texts)


def test_adherence_chart_labels_each_week_with_its_percentage(progress: Progress) -> None:
    texts = svg_texts(charts.adherence_chart(progress))
    assert {"21 Sep", "96%", "9 Nov", "71%", "Overall: 82%"} <= set(texts)


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


# --- a window of dates: a chart's size does not grow with the span of the history ----------


OLD_DAY = date(1926, 3, 1)


def with_an_old_entry(progress: Progress, day: date = OLD_DAY) -> Progress:
    """``progress`` as it is with one more entry of every kind on ``day``, long before the rest.

    As progress makes it: the metrics gain a point, and adherence a week for every week
    from then on (nothing done in them), and the sessions one more.
    """
    metrics = [
        metric.model_copy(update={"points": [Point(day=day, value=4.0), *metric.points]})
        for metric in progress.metrics
    ]
    monday = day - timedelta(days=day.weekday())
    earlier = [
        WeekAdherence(week_start=monday + timedelta(weeks=n), planned=30, done=0, ratio=0.0)
        for n in range((progress.adherence[0].week_start - monday).days // 7)
    ]
    old_session = EFFECTS[0].model_copy(update={"session_id": 99, "day": day})
    effects = progress.session_effects.model_copy(
        update={"sessions": [old_session, *progress.session_effects.sessions]}
    )
    return progress.model_copy(
        update={
            "metrics": metrics,
            "adherence": [*earlier, *progress.adherence],
            "session_effects": effects,
        }
    )


def tick_labels(svg: bytes, axis: str = "xtick") -> int:
    root = ET.fromstring(svg)
    return sum(1 for node in root.iter(f"{SVG_NS}g") if node.get("id", "").startswith(f"{axis}_"))


@pytest.mark.parametrize("chart", charts.CHARTS, ids=lambda c: c.name)
def test_an_entry_from_1926_gives_the_chart_of_one_from_a_year_ago(
    progress: Progress, chart: charts.Chart
) -> None:
    old = with_an_old_entry(progress)
    assert len(old.adherence) > 5000
    year_ago = with_an_old_entry(progress, progress.as_of - timedelta(weeks=53))
    old_svg = chart.render(old, "svg")
    assert old_svg == chart.render(year_ago, "svg")
    assert len(old_svg) < 60_000  # 5.6 MB for the adherence chart before the window
    assert tick_labels(old_svg) <= charts.MOST_LABELS + 1
    assert charts.WINDOW_NOTE in svg_texts(old_svg)
    assert charts.WINDOW_NOTE not in svg_texts(chart.render(progress, "svg"))


def test_nothing_within_the_window_says_so(progress: Progress) -> None:
    later = progress.model_copy(update={"as_of": progress.as_of + timedelta(weeks=60)})
    texts = svg_texts(charts.pain_chart(later))
    assert charts.NO_DATA_IN_WINDOW in texts and "Low back pain" not in texts


def test_the_window_is_the_last_52_weeks_or_from_since(progress: Progress) -> None:
    assert charts.window_start(progress) == date(2025, 11, 18)  # as of 16 Nov 2026
    since = progress.model_copy(update={"since": date(2026, 10, 1)})
    assert charts.window_start(since) == date(2026, 10, 1)


def test_two_years_of_adherence_name_at_most_12_weeks(progress: Progress) -> None:
    start = charts.window_start(progress)
    mondays = [date(2024, 11, 18) + timedelta(weeks=n) for n in range(105)]
    weeks = [  # half done in the window, nothing before: the overall line is the window's
        WeekAdherence(week_start=monday, planned=20, done=done, ratio=done / 20)
        for monday in mondays
        for done in [10 if monday + timedelta(days=6) >= start else 0]
    ]
    svg = charts.adherence_chart(progress.model_copy(update={"adherence": weeks}))
    texts = svg_texts(svg)
    assert 1 < tick_labels(svg) <= charts.MOST_LABELS
    assert "16 Nov" in texts  # the newest week is always named
    assert [text for text in texts if text.endswith("%")] == ["Overall: 50%"]


# --- sizes: every text readable where each size is shown -----------------------------------

FONT_SIZE = re.compile(r"font-size:\s*([\d.]+)px")


def displayed_text_px(svg: bytes, box_px: float) -> list[tuple[str, float]]:
    """Each text's size in CSS px when the SVG is scaled to ``box_px`` wide, as a page does."""
    root = ET.fromstring(svg)
    view_width = float(root.get("viewBox", "").split()[2])
    sizes = []
    for node in root.iter(f"{SVG_NS}text"):
        found = FONT_SIZE.search(node.get("style", ""))
        assert found, node.attrib
        sizes.append(("".join(node.itertext()).strip(), float(found[1]) * box_px / view_width))
    return sizes


@pytest.mark.parametrize(
    ("size", "box_px"), [("phone", charts.PHONE_BOX_PX), ("wide", charts.WIDE_FROM_PX)]
)
@pytest.mark.parametrize("chart", charts.CHARTS, ids=lambda c: c.name)
def test_every_text_is_at_least_12_px_where_its_size_is_shown(
    progress: Progress, chart: charts.Chart, size: charts.SizeName, box_px: float
) -> None:
    for drawn in (progress, with_an_old_entry(progress), empty_progress()):
        sizes = displayed_text_px(chart.render(drawn, "svg", size), box_px)
        assert sizes
        small = [(text, round(px, 1)) for text, px in sizes if px < charts.LEAST_TEXT_PX]
        assert not small, small


def test_a_phone_chart_is_drawn_for_a_phone() -> None:
    # A phone's SVG is about as wide, in its own units, as the box it is shown in.
    phone = charts.SIZES["phone"]
    assert phone.inches[0] * 72 <= charts.PHONE_BOX_PX
    assert phone.text_points >= charts.LEAST_TEXT_PX * phone.inches[0] * 72 / charts.PHONE_BOX_PX


@pytest.mark.parametrize("chart", charts.CHARTS, ids=lambda c: c.name)
def test_both_sizes_draw_the_same_things(progress: Progress, chart: charts.Chart) -> None:
    """One text alternative serves either size: legends and axis titles say the same."""

    def said(size: charts.SizeName) -> str:
        texts = svg_texts(chart.render(progress, "svg", size))
        return " ".join(text for text in texts if not text[:1].isdigit())

    wide, phone = said("wide"), said("phone")
    for words in ("Date", "Week starting", "Session", "baseline", "Left hip", "Overall"):
        assert (words in wide) == (words in phone), words


def test_an_unknown_size_is_refused(progress: Progress) -> None:
    with pytest.raises(ValueError, match="wide or phone"):
        charts.pain_chart(progress, "svg", "tiny")  # type: ignore[arg-type]


# --- date axes span the data ------------------------------------------------------------


def x_tick_labels(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return [
        "".join(group.itertext()).strip()
        for group in root.iter(f"{SVG_NS}g")
        if group.get("id", "").startswith("xtick_")
    ]


def with_days(progress: Progress, days: list[date]) -> Progress:
    """``progress`` with its pain and hip angles rated on ``days`` only."""
    metrics = [
        metric.model_copy(update={"points": [Point(day=day, value=3.0) for day in days]})
        for metric in progress.metrics
    ]
    return progress.model_copy(update={"metrics": metrics})


DATE_CHARTS = [chart for chart in charts.CHARTS if chart.name in ("pain", "thomas")]


@pytest.mark.parametrize("size", charts.SIZE_NAMES)
@pytest.mark.parametrize("chart", DATE_CHARTS, ids=lambda c: c.name)
def test_one_day_of_data_is_an_axis_of_that_day(
    progress: Progress, chart: charts.Chart, size: charts.SizeName
) -> None:
    labels = x_tick_labels(chart.render(with_days(progress, [TODAY]), "svg", size))
    assert "16 Nov" in labels  # the day itself, named
    assert set(labels) <= {"15 Nov", "16 Nov", "17 Nov"}  # and nothing past a day either side


@pytest.mark.parametrize("size", charts.SIZE_NAMES)
@pytest.mark.parametrize("chart", DATE_CHARTS, ids=lambda c: c.name)
def test_a_week_of_data_shows_its_days(
    progress: Progress, chart: charts.Chart, size: charts.SizeName
) -> None:
    week = [TODAY - timedelta(days=n) for n in range(7)]
    labels = x_tick_labels(chart.render(with_days(progress, week), "svg", size))
    shown = {f"{day:%d %b}" for day in (TODAY - timedelta(days=n) for n in range(-1, 8))}
    assert len(labels) >= 2
    assert set(labels) <= shown  # days of that week (and one either side), nothing wider


@pytest.mark.parametrize("size", charts.SIZE_NAMES)
@pytest.mark.parametrize("chart", DATE_CHARTS, ids=lambda c: c.name)
def test_three_months_of_data_show_months(
    progress: Progress, chart: charts.Chart, size: charts.SizeName
) -> None:
    days = [TODAY - timedelta(days=n) for n in range(0, 91, 3)]
    labels = x_tick_labels(chart.render(with_days(progress, days), "svg", size))
    assert {"Sep", "Oct", "Nov"} <= set(labels) <= {"Aug", "Sep", "Oct", "Nov", "Dec"}


# --- nothing to draw: a sentence and the next step instead ---------------------------------


def test_no_data_at_all_is_one_sentence_and_the_next_step() -> None:
    shown = charts.charts_shown(empty_progress())
    assert shown.nothing == ("No check-ins yet.", "Log today's pain to start your charts.")
    assert shown.drawn == []


def test_a_plan_alone_is_still_nothing_to_draw(progress: Progress) -> None:
    weeks = [week.model_copy(update={"done": 0, "ratio": 0.0}) for week in progress.adherence]
    planned_only = empty_progress().model_copy(update={"adherence": weeks})
    assert charts.charts_shown(planned_only).nothing is not None


def test_each_chart_without_data_says_what_is_missing_and_what_to_do(
    progress: Progress,
) -> None:
    pain_only = progress.model_copy(
        update={
            "metrics": [m for m in progress.metrics if m.metric in PAIN_METRICS],
            "session_effects": SessionEffects(sessions=[], mean_change={}),
        }
    )
    shown = charts.charts_shown(pain_only)
    assert shown.nothing is None
    assert [chart.name for chart in shown.drawn] == ["pain", "adherence"]
    missing = {chart.name: (chart.missing, chart.next_step) for chart in shown.charts}
    assert missing["pain"] == (None, None)
    assert missing["thomas"][0] == "No Modified Thomas test yet."
    assert missing["sessions"] == (
        "No rated sessions yet.",
        "Rate how you feel before and after a guided session to see its effect here.",
    )


def test_entries_only_before_the_window_say_so(progress: Progress) -> None:
    later = progress.model_copy(update={"as_of": progress.as_of + timedelta(weeks=60)})
    pain = charts.charts_shown(later).charts[0]
    assert (pain.drawn, pain.missing) == (False, "Nothing in the last 52 weeks.")
    assert charts.charts_shown(later).nothing is None  # not "no check-ins yet": there are some


def test_no_guided_session_is_offered_as_a_next_step_while_release_is_not_allowed(
    progress: Progress,
) -> None:
    assert progress.release is not None and progress.release.allowed
    none = SessionEffects(sessions=[], mean_change={})
    unrated = progress.model_copy(update={"session_effects": none})
    sessions = charts.charts_shown(unrated).charts[-1]
    assert sessions.name == "sessions" and sessions.next_step
    held = progress.release.model_copy(update={"allowed": False})
    for release in (held, None):
        paused = unrated.model_copy(update={"release": release})
        sessions = charts.charts_shown(paused).charts[-1]
        assert (sessions.missing, sessions.next_step) == ("No rated sessions yet.", None)


def test_a_report_from_a_day_with_nothing_since_names_that_day(progress: Progress) -> None:
    since = progress.model_copy(update={"since": date(2026, 11, 16)})
    thomas = charts.charts_shown(since).charts[1]
    assert thomas.name == "thomas" and not thomas.drawn  # last measured on 15 Nov
    assert thomas.missing == "Nothing since 16 Nov 2026."
