"""Fixtures and helpers for the meeting tests (issue 6: links, presentation, exports, accessibility, layout).

Imported by those test modules (`from .meeting import ...`), so tests/browser/conftest.py stays as it is. Each
module gets its own browser context: the story lives in localStorage, and a test must not see another's.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import axe_playwright_python
import pytest
import requests
from playwright.sync_api import expect

from .conftest import LOAD_TIMEOUT_MS, Recorder

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "tests" / "output" / "screens"
AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"  # axe-core, shipped in the package
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1400, "height": 1000}


@pytest.fixture(scope="module")
def meeting_context(browser, server_url):
    """A browser context of this module's own (fresh localStorage), downloads allowed."""
    context = browser.new_context(viewport=DESKTOP, locale="sv-SE", accept_downloads=True)
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture
def tab(meeting_context):
    """A new tab with a recorder of what it did (not yet loaded: use `load`)."""
    page = meeting_context.new_page()
    page.recorder = Recorder()
    page.recorder.attach(page)
    yield page
    page.close()


def load(page, server_url: str, path: str = "/") -> None:
    """Open a dashboard URL and wait until its table and map are drawn."""
    page.goto(server_url + path)
    page.wait_for_selector("#result-table tbody tr", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_selector("#map .maplibregl-canvas", timeout=LOAD_TIMEOUT_MS)
    wait_settled(page)


def wait_settled(page) -> None:
    """Wait until Dash has no callback in flight (it titles the page "Updating..." meanwhile)."""
    page.wait_for_function("() => document.title === 'Trygghetskartan'", timeout=LOAD_TIMEOUT_MS)


def api_rows(server_url: str, params: dict) -> list[dict]:
    response = requests.get(server_url + "/api/v1/results", params=params, timeout=10)
    response.raise_for_status()
    return response.json()["rows"]


def questions(server_url: str) -> dict[str, dict]:
    response = requests.get(server_url + "/api/v1/questions", timeout=10)
    response.raise_for_status()
    return {q["id"]: q for q in response.json()["questions"]}


def choose(page, dropdown_id: str, label: str) -> None:
    """Pick an option of a Dash 4 dropdown with the mouse (search box when it has one)."""
    page.locator(f"[id='{dropdown_id}']").click()
    menu = page.locator(".dash-dropdown-content")
    menu.wait_for(state="visible")
    search = menu.locator("input.dash-dropdown-search")
    if search.count():
        search.fill(label)
    # the option's label: the option itself (assets/dropdowns.js) is the radio inside it, which Dash hides
    menu.locator("label.dash-options-list-option").filter(
        has=page.get_by_role("option", name=label, exact=True)).click()
    expect(menu).to_have_count(0)
    expect(page.locator(f"[id='{dropdown_id}-value']")).to_have_text(label)


def axe_violations(page, context=None) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now: [{id, impact, nodes: [target, html]}]."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # evaluated, not a <script> tag: the app's Content-Security-Policy (rightly) blocks inline scripts
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("([context, tags]) => axe.run(context || document, {runOnly: {type: 'tag', values: tags},"
                           " resultTypes: ['violations']})", [context, WCAG_TAGS])
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [(n["target"], n["html"][:200]) for n in v["nodes"][:5]]} for v in result["violations"]]


def set_story(page, server_url: str, views: list[dict]) -> None:
    """Put a story straight into localStorage (as the app stores it) and reload."""
    page.goto(server_url + "/metod")
    page.evaluate("(story) => localStorage.setItem('story', JSON.stringify(story))", views)


def story_in_storage(page) -> list[dict]:
    return json.loads(page.evaluate("() => localStorage.getItem('story') || '[]'"))


def view_url(params: dict) -> str:
    return "/?" + urlencode(params) if params else "/"


def local_only(recorder: Recorder, server_url: str) -> list[str]:
    """Requests that left the app's own server (blob: workers and data: URLs are made in the page)."""
    local = (server_url + "/", f"blob:{server_url}/", "data:")
    return [u for u in recorder.requests if not u.startswith(local)]


# The place names of a map figure: those it shows (annotations not hidden by assets/app.js) and those drawn in its
# SVG, with their boxes; the map's box and how many colour bars it draws. null when there is no such map.
NAMES_JS = """(selector) => { const gd = document.querySelector(selector);
    if (!gd || !gd.layout) return null;
    const shown = (gd.layout.annotations || []).filter(a => a.visible !== false).map(a => a.text);
    const drawn = [...gd.querySelectorAll('.annotation')].filter(g => g.querySelector('.annotation-text'))
        .map(g => { const r = g.querySelector('.annotation-text-g').getBoundingClientRect();
                    return {text: g.querySelector('.annotation-text').textContent,
                            box: [r.left, r.top, r.right, r.bottom]}; });
    const r = gd.getBoundingClientRect();
    return {shown, drawn, map: [r.left, r.top, r.right, r.bottom],
            colorbar: gd.querySelectorAll('.colorbar').length}; }"""


def place_names(page, selector: str) -> dict | None:
    """NAMES_JS for the map plotted in `selector` (the dashboard's, a slide's)."""
    return page.evaluate(NAMES_JS, selector)
