"""``psoas report``, ``psoas progress --charts`` and ``psoas remind`` as a person types them."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from icalendar import Calendar

from psoas.services import drawing, reminders
from tests.conftest import EXAMPLES


@pytest.fixture
def tracked(cli) -> None:
    assert cli("plan", EXAMPLES / "desk-worker.yaml").exit_code == 0
    history = EXAMPLES / "history"  # days before the intake: confirmed
    assert cli("measure", "--file", history / "measures.yaml", "--backfill").exit_code == 0
    assert cli("log", "--file", history / "check-ins.yaml", "--backfill").exit_code == 0


def test_an_html_report_is_written_whole(cli, tracked, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = cli("report", "--out", out, "--since", "2026-10-01")
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "Low back pain" in html
    assert "data:image/svg+xml" in html or "<svg" in html
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--out", "report.txt"], "'--format'"),
        (["--out", "missing-folder/report.html"], "--out: the folder"),
        (["--out", "r.html", "--since", "last week"], "'--since'"),
        (["--out", "r.html", "--person", "nobody"], "person"),
    ],
)
def test_report_mistakes_exit_2_naming_the_option(
    cli, tracked, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], named: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = cli("report", *args)
    assert result.exit_code == 2
    assert named in result.stderr
    assert list(work.iterdir()) == []


def test_a_report_needs_a_safety_screen(cli, tmp_path: Path) -> None:
    assert cli("log", "--pain", "3").exit_code == 0  # a person with a log but no screen
    result = cli("report", "--out", tmp_path / "r.html")
    assert result.exit_code == 2
    assert "no safety screen yet" in result.stderr


def test_progress_writes_every_chart_in_both_formats(cli, tracked, tmp_path: Path) -> None:
    result = cli("progress", "--charts", tmp_path / "charts")
    assert result.exit_code == 0, result.stderr
    written = sorted(path.name for path in (tmp_path / "charts").iterdir())
    stems = {name.rsplit(".", 1)[0] for name in written}
    assert len(stems) == 4
    assert written == sorted(f"{stem}.{fmt}" for stem in stems for fmt in ("png", "svg"))


def test_the_cli_draws_and_prints_in_its_own_process(
    cli, tracked, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One command, one process: no worker process is started for charts or a PDF."""

    def no_worker(*args: object, **kwargs: object) -> None:
        raise AssertionError("the CLI started a drawing worker")

    monkeypatch.setattr(drawing, "ProcessPoolExecutor", no_worker)
    assert cli("progress", "--charts", tmp_path / "charts").exit_code == 0
    assert len(list((tmp_path / "charts").iterdir())) == 8
    for name in ("report.html", "report.pdf"):
        result = cli("report", "--out", tmp_path / name)
        assert result.exit_code == 0, result.stderr
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")


def test_remind_export_writes_a_calendar_in_the_given_zone(cli, tracked, tmp_path: Path) -> None:
    out = tmp_path / "psoas.ics"
    result = cli("remind", "export", "--out", out, "--timezone", "America/New_York")
    assert result.exit_code == 0, result.stderr
    assert "America/New_York" in result.stdout
    calendar = Calendar.from_ical(out.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert events and all(event.walk("VALARM") for event in events)
    assert {str(event.decoded("DTSTART").tzinfo) for event in events} == {"America/New_York"}


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--work-days", "funday"], "--work-days"),
        (["--work-start", "18:00", "--work-end", "09:00"], "--work-end"),
        (["--timezone", "Mars/Olympus"], "--timezone"),
        (["--practice-at", "six"], "--practice-at"),
    ],
)
def test_remind_mistakes_exit_2_and_write_nothing(
    cli, tracked, tmp_path: Path, args: list[str], named: str
) -> None:
    out = tmp_path / "psoas.ics"
    result = cli("remind", "export", "--out", out, *args)
    assert result.exit_code == 2
    assert named in result.stderr
    assert not out.exists()


def test_remind_needs_a_plan(cli, tmp_path: Path) -> None:
    result = cli("remind", "export", "--out", tmp_path / "x.ics")
    assert result.exit_code == 2
    assert "no plan yet" in result.stderr


def test_the_reminder_loop_shows_what_is_due_in_the_terminal(
    cli, tracked, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A clock that starts on a Monday at 09:55 in UTC and moves only when slept on.
    clock = {"now": datetime(2026, 11, 23, 9, 55, tzinfo=UTC)}

    def sleep(seconds: float) -> None:
        clock["now"] += timedelta(seconds=seconds)

    real_loop = reminders.run_reminders

    def two_reminders(*args, **kwargs):
        kwargs.update(now=lambda: clock["now"], sleep=sleep, stop_after=2)
        return real_loop(*args, **kwargs)

    monkeypatch.setattr(reminders, "run_reminders", two_reminders)
    result = cli("remind", "--timezone", "UTC")
    assert result.exit_code == 0, result.stderr
    assert "10:00" in result.stdout and "Movement break" in result.stdout
    assert "11:00" in result.stdout
    assert clock["now"] == datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


# --- the report's name, its pages, and what it advises ---------------------------------------


def page_fills(pdf: Path) -> list[float]:
    """How far down each page's text reaches, 0 to 1 of the space inside the page's margins.

    Read with poppler-utils' ``pdftotext -bbox-layout``; the running header and footer
    (in the margins) are left out, so a page holding only them counts as empty.
    """
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian's poppler-utils) is not installed")
    found = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    root = ET.fromstring(re.sub(r'\sxmlns="[^"]+"', "", found, count=1))
    fills = []
    for page in root.iter("page"):
        top, bottom = MARGIN_TOP, float(page.attrib["height"]) - MARGIN_BOTTOM
        reaches = [
            float(block.attrib["yMax"])
            for block in page.iter("block")
            if float(block.attrib["yMin"]) > top and float(block.attrib["yMax"]) < bottom
        ]
        fills.append((max(reaches) - top) / (bottom - top) if reaches else 0.0)
    return fills


MARGIN_TOP = 16 / 25.4 * 72
MARGIN_BOTTOM = 18 / 25.4 * 72
"""The report's page margins (``@page`` in its template), in PDF points."""


def assert_no_page_wasted(pdf: Path) -> None:
    """No page is almost empty, and the report takes no more pages than its content fills."""
    fills = page_fills(pdf)
    assert all(fill >= 0.25 for fill in fills), fills
    assert len(fills) <= math.ceil(sum(fills) + 0.2), fills


def test_a_new_persons_report_wastes_no_page_on_empty_charts(cli, tmp_path: Path) -> None:
    assert cli("plan", EXAMPLES / "desk-worker.yaml").exit_code == 0
    out = tmp_path / "report.pdf"
    assert cli("report", "--out", out).exit_code == 0
    assert_no_page_wasted(out)
    html = tmp_path / "report.html"
    assert cli("report", "--out", html).exit_code == 0
    text = html.read_text(encoding="utf-8")
    assert "No check-ins yet. Log today&#39;s pain to start your charts." in text
    assert "data:image/svg+xml" not in text, "a plan alone draws no empty axes"


def test_eight_weeks_report_wastes_no_page(cli, tracked, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    assert cli("report", "--out", out).exit_code == 0
    assert_no_page_wasted(out)


def test_the_report_carries_the_name_the_person_gives(cli, tracked, tmp_path: Path) -> None:
    unnamed, named = tmp_path / "unnamed.pdf", tmp_path / "named.pdf"
    assert cli("report", "--out", unnamed).exit_code == 0
    assert cli("report", "--out", named, "--name", "  Alex   Morgan ").exit_code == 0
    first = subprocess.run(
        ["pdftotext", "-l", "1", str(named), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Progress report: Alex Morgan" in first
    plain = subprocess.run(
        ["pdftotext", "-l", "1", str(unnamed), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Progress report\n" in plain and "me" not in plain.split()
    refused = cli("report", "--out", tmp_path / "r.pdf", "--name", "x" * 101)
    assert refused.exit_code == 2 and "--name" in refused.stderr
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.parametrize("has_desk", [False, True])
def test_standing_desk_advice_only_with_a_standing_desk(
    cli, tmp_path: Path, has_desk: bool
) -> None:
    intake = yaml.safe_load((EXAMPLES / "desk-worker.yaml").read_text(encoding="utf-8"))
    intake["lifestyle"]["standing_desk"] = has_desk
    (tmp_path / "intake.yaml").write_text(yaml.safe_dump(intake), encoding="utf-8")
    planned = cli("plan", tmp_path / "intake.yaml")
    assert planned.exit_code == 0
    assert ("Using a standing desk" in planned.stdout) is has_desk
    out = tmp_path / "report.html"
    assert cli("report", "--out", out).exit_code == 0
    assert ("Using a standing desk" in out.read_text(encoding="utf-8")) is has_desk
