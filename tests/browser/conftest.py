"""Browser fixtures: one headless Debian Chromium for the session, a fresh page (own context) per test.

The app is the one `server_url` (tests/conftest.py) serves under gunicorn. Chromium runs without network
access, so the flags below switch off everything that would phone home.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1400, "height": 1000}  # wide enough for map and bars side by side (Bootstrap xl)
LOAD_TIMEOUT_MS = 30_000


@dataclass
class Recorder:
    """Everything a page did: requests, responses with status ≥ 400, failed requests, console errors."""
    requests: list[str] = field(default_factory=list)
    bad_responses: list[tuple[int, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("response", lambda r: r.status >= 400 and self.bad_responses.append((r.status, r.url)))
        page.on("requestfailed", lambda r: self.failed.append((r.url, r.failure or "")))
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def page(browser, server_url, recorder):
    """The dashboard in a fresh browser context, loaded: the table has rows and the map has its canvas."""
    context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    recorder.attach(tab)
    tab.goto(server_url + "/")
    tab.wait_for_selector("#result-table tbody tr", timeout=LOAD_TIMEOUT_MS)
    tab.wait_for_selector("#map .maplibregl-canvas", timeout=LOAD_TIMEOUT_MS)
    yield tab
    context.close()
