"""Browser fixtures: one headless Debian Chromium (and one browser context) for the session, a tab per test.

The app is the one `server_url` (tests/conftest.py) serves under gunicorn. Chromium runs without network
access, so the flags below switch off everything that would phone home.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from playwright.sync_api import expect, sync_playwright

# Callbacks answer in milliseconds on a quiet machine, but CI's 2 cores may be busy: wait generously for what
# a test expects to appear (Playwright's default for expect() is 5 s), so a slow moment is not a failure.
expect.set_options(timeout=20_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1400, "height": 1000}  # wide enough for map and bars side by side (Bootstrap xl)
LOAD_TIMEOUT_MS = 30_000


@dataclass
class Recorder:
    """Everything a tab did: requests, responses with status ≥ 400, failed requests, console errors."""
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
        # with where it was thrown (the stack's first frames): a failure in CI then says which script
        page.on("pageerror", lambda e: self.page_errors.append(
            str(e) + " | " + " ".join((getattr(e, "stack", "") or "").split("\n")[1:6])))


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def browser_context(browser, server_url):
    """One context for the session: its HTTP cache keeps the script bundles (plotly is megabytes) between tests.
    The app keeps no state in the browser (no cookies, no stored data), so a new tab is a fresh dashboard.
    (It asks for `server_url` so that it closes, with its keep-alive connections, before the server stops.)"""
    context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture(scope="session")
def open_dashboard(browser_context, server_url):
    """open_dashboard(path="/") → (tab, recorder): a new tab with the dashboard loaded (the table has rows and
    the map has its canvas), and the record of everything the tab did from its first request on."""
    def open_(path: str = "/"):
        recorder = Recorder()
        tab = browser_context.new_page()
        recorder.attach(tab)
        tab.goto(server_url + path)
        tab.wait_for_selector("#result-table tbody tr", timeout=LOAD_TIMEOUT_MS)
        tab.wait_for_selector("#map .maplibregl-canvas", timeout=LOAD_TIMEOUT_MS)
        return tab, recorder
    return open_


@pytest.fixture
def page(open_dashboard):
    """The dashboard, freshly loaded in its own tab, for a test that changes the view."""
    tab, _ = open_dashboard()
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def default_page(open_dashboard):
    """One loaded dashboard shared by the tests that only read the default view (a page load costs seconds)."""
    tab, _ = open_dashboard()
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def english_page(open_dashboard):
    """The dashboard after a click on "In English", shared by the tests that only read it."""
    tab, _ = open_dashboard()
    tab.click("#language-link")
    tab.wait_for_url("**/?lang=en")
    tab.wait_for_selector("#result-table thead :text-is('Area')", timeout=LOAD_TIMEOUT_MS)
    tab.wait_for_selector("#map .maplibregl-canvas", timeout=LOAD_TIMEOUT_MS)
    yield tab
    tab.close()
