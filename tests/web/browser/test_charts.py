"""Charts in the real browser: readable text at 360 px and 1280 px, and words where none is drawn.

Each chart is an ``<img>`` of an SVG, whose text the page cannot reach, so its text is
measured on a copy: the SVG the browser chose (``currentSrc``) is laid out at the width the
image is displayed at, and each text's font size is scaled by the copy's screen transform.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.web.browser.conftest import Server, no_horizontal_scroll, screenshot
from tests.web.browser.test_accessibility import post, seed

pytestmark = pytest.mark.browser

LEAST_PX = 12.0

MEASURE = """
async () => {
  const measured = [];
  for (const image of document.querySelectorAll("figure.chart img")) {
    const shown = image.getBoundingClientRect();
    const source = await (await fetch(image.currentSrc)).text();
    const parsed = new DOMParser().parseFromString(source, "image/svg+xml").documentElement;
    const holder = document.createElement("div");
    holder.style.position = "absolute";
    holder.style.left = "0";
    holder.style.top = "0";
    holder.style.width = `${shown.width}px`;
    holder.style.visibility = "hidden";
    const copy = document.importNode(parsed, true);
    copy.setAttribute("width", "100%");
    copy.removeAttribute("height");
    holder.appendChild(copy);
    document.body.appendChild(holder);
    const texts = [...copy.querySelectorAll("text")].map((text) => {
      const matrix = text.getScreenCTM();
      const scale = Math.hypot(matrix.a, matrix.b);
      return [text.textContent.trim(), parseFloat(getComputedStyle(text).fontSize) * scale];
    });
    measured.push({
      src: image.currentSrc,
      shown: shown.width,
      copy: copy.getBoundingClientRect().width,
      texts,
    });
    holder.remove();
  }
  return measured;
}
"""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server with the desk worker's eight weeks (no rated session)."""
    running = Server(tmp_path_factory.mktemp("charts") / "psoas-data")
    try:
        seed(running)
        yield running
    finally:
        running.stop()


def measured_charts(page: Page) -> list[dict[str, Any]]:
    """Every chart on the page, once drawn (the first drawing starts the drawing worker)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('figure.chart img')]"
        ".every((image) => image.complete && image.naturalWidth > 0)",
        timeout=120_000,
    )
    found: list[dict[str, Any]] = page.evaluate(MEASURE)
    return found


def test_every_chart_text_is_at_least_12_px_as_displayed(seeded: Server, page: Page) -> None:
    page.goto(seeded.url, wait_until="domcontentloaded")
    charts = measured_charts(page)
    assert len(charts) >= 3  # pain, hip angle, adherence at least
    width = page.viewport_size["width"] if page.viewport_size else 0
    for chart in charts:
        # The browser picked the size drawn for the window: the phone's below 48rem.
        assert ("size=phone" in chart["src"]) == (width < 768), chart["src"]
        assert abs(chart["copy"] - chart["shown"]) < 1  # measured at the width shown
        assert len(chart["texts"]) > 5
        small = [(text, round(px, 1)) for text, px in chart["texts"] if px < LEAST_PX]
        assert not small, (chart["src"], chart["shown"], small)
    assert no_horizontal_scroll(page)
    screenshot(page, "dashboard-charts")


def test_a_person_with_no_entries_sees_a_sentence_and_the_next_step(
    server: Server, page: Page
) -> None:
    post(server, "api/v1/plans", {"schema": "psoas.intake/1"})
    page.goto(server.url)
    progress = page.locator("section", has=page.get_by_role("heading", name="Progress"))
    assert progress.locator("img").count() == 0
    assert (
        progress.inner_text()
        .strip()
        .endswith("No check-ins yet. Log today's pain to start your charts.")
    )
    page.get_by_role("link", name="Log today's pain to start your charts.").click()
    page.wait_for_url("**/track#check-in")
    assert page.locator("#check-in").is_visible()
