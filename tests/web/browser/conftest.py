"""A real ``psoas serve`` and Debian's Chromium driven by Playwright, plus axe-core and screenshots.

The server is the installed command in a subprocess, on its own data folder,
with sessions sped up (``PSOAS_SESSION_SPEED``). Chromium is the system one
(``/usr/bin/chromium``; Playwright downloads nothing). axe-core comes from the
npm registry (``tests/web/browser/package-lock.json``) and is injected into
each page in a context that bypasses the page's CSP (only for the check).
Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = HERE.parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SPEED = "100"
"""A 10-minute session runs in 6 s."""
WIDTHS = {"phone": 360, "desktop": 1280}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (scripts/test installs it)")
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )
    yield launched
    launched.close()


class Server:
    """A running ``psoas serve`` on its own data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        env = {
            **os.environ,
            "PSOAS_DATA_DIR": str(data_dir),
            "PSOAS_SESSION_SPEED": SPEED,
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("PSOAS_DATABASE_URL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "psoas", "serve", "--no-browser", "--port", "8100"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.process.stdout is not None
        said = ""
        found = None
        while found is None:  # it may first say that it moved to another port
            line = self.process.stdout.readline()
            said += line
            found = re.search(r"http://\S+/", line)
            if not line or said.count("\n") > 5:
                self.stop()
                raise RuntimeError(f"psoas serve did not start: {said!r}")
        self.url = found.group(0)
        self._wait_until_up()

    def _wait_until_up(self, seconds: float = 15.0) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                with urllib.request.urlopen(self.url + "api/v1/health", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path / "psoas-data")
    yield running
    running.stop()


@pytest.fixture(params=list(WIDTHS))
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """A page at phone and at desktop width (CSP bypassed only so axe can be injected)."""
    width = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page as ``test-artifacts/screenshots/NAME-WIDTHpx.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = ARTIFACTS / f"{name}-{width}px.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds wrong with the page as it is now (rule id, impact, where)."""
    if not AXE.exists():
        pytest.fail("axe-core is not installed: npm ci --prefix tests/web/browser")
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "where": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
    ]


def no_horizontal_scroll(page: Page) -> bool:
    """Whether the page fits its viewport's width (a 360 px phone must not scroll sideways)."""
    overflow: bool = page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth + 1"
    )
    return overflow
