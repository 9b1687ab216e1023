"""Headless Chromium measurements: bytes of a first page load as transferred, and the time from a filter change to
the repainted map.

- First load: a new browser context (empty cache), the page opened and left until the map has drawn its first
  frame with data and the network has been idle for a moment; then the sum of `transferSize` over the Performance
  API's navigation and resource entries (compressed bodies plus headers, as on the wire).
- Filter change → repainted map: a capturing listener puts `performance.mark()` at the user's change (the
  radio's change event, or the click on a dropdown option), a listener on the map's `plotly_afterplot` event
  records when plotly has drawn the map again; the time between them. Changes alternate between the year (a
  radio) and the question (the searchable dropdown), never showing a view twice, and each waits until the page
  is quiet before the next. The same for the answer-distribution chart (the rest of the view), for comparison.
"""
from __future__ import annotations

import json
import time

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1400, "height": 1000}

MAP_READY = """() => { const gd = document.querySelector('#map .js-plotly-plot');
    return !!(gd && gd.data && gd.data.some(t => (t.locations || []).length) && gd._fullLayout
              && document.querySelector('#map .maplibregl-canvas')); }"""
# Counts the page's requests in flight (window.__pending), for _quiet: the end of every page hook below.
PENDING = """
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function () {
        window.__pending++; this.addEventListener('loadend', () => window.__pending--); \
return send.apply(this, arguments); };
    const f = window.fetch;
    window.fetch = function () { window.__pending++; \
return f.apply(this, arguments).finally(() => window.__pending--); };
"""
INSTALL = """() => {
    window.__afterplot = []; window.__bars = []; window.__pending = 0;
    const gd = document.querySelector('#map .js-plotly-plot');
    gd.on('plotly_afterplot', () => window.__afterplot.push(performance.now()));
    const bars = document.querySelector('#bars .js-plotly-plot');
    if (bars) bars.on('plotly_afterplot', () => window.__bars.push(performance.now()));
    const mark = () => { performance.clearMarks('change'); performance.mark('change'); \
window.__changedAt = performance.now(); };
    document.addEventListener('change', mark, true);
    document.addEventListener('click', e => { if (e.target.closest('[role=option], .dash-options-list-option')) \
mark(); }, true);
""" + PENDING + "}"
REPAINTED = "() => window.__changedAt !== undefined && window.__afterplot.some(t => t > window.__changedAt)"
ELAPSED = "() => window.__afterplot.find(t => t > window.__changedAt) - window.__changedAt"
# The answer distribution (bars) redrawn too: the rest of the view, for comparison (null when it was not redrawn).
ELAPSED_BARS = """() => { const t = window.__bars.find(t => t > window.__changedAt);
                        return t === undefined ? null : t - window.__changedAt; }"""
TRANSFERRED = """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                     .reduce((s, e) => s + (e.transferSize || 0), 0)"""
ENTRIES = """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                 .map(e => [e.name, e.transferSize, e.decodedBodySize])"""


def _quiet(page, timeout_ms: int) -> None:
    """Wait until no request of the page is in flight, for 300 ms."""
    deadline = time.monotonic() + timeout_ms / 1000
    quiet_since = None
    while time.monotonic() < deadline:
        if page.evaluate("() => window.__pending") == 0:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since > 0.3:
                return
        else:
            quiet_since = None
        time.sleep(0.05)


def _choose_question(page, label: str, attempts: int = 3) -> None:
    """Open the question menu, search, click the option. Once in a while the list had not filtered yet and the
    option lay under another one; then close the menu and try again (the measurement starts at the click)."""
    for attempt in range(attempts):
        page.locator("[id='question']").click()
        menu = page.locator(".dash-dropdown-content")
        menu.wait_for(state="visible")
        search = menu.locator("input.dash-dropdown-search")
        if search.count():
            search.fill(label)
        # the option's label (the element a user clicks; assets/dropdowns.js names the radio inside it the option)
        option = menu.locator("label.dash-options-list-option", has_text=label).first
        try:
            page.wait_for_function("(label) => { const o = document.querySelector('.dash-dropdown-content "
                                   "label.dash-options-list-option'); return o && o.textContent.includes(label); }",
                                   arg=label, timeout=5_000)
            option.click(timeout=5_000)
            return
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
            page.wait_for_timeout(300)


def measure(url: str, waves: list, questions: list[str], changes: int, timeout_ms: int = 60_000) -> dict:
    """{first_load_bytes, first_load_seconds, entries, repaint_ms: [...], bodies: [page-load callback bodies]}."""
    bodies = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
            context.set_default_timeout(timeout_ms)
            page = context.new_page()
            page.on("request", lambda r: "_dash-update-component" in r.url and bodies.append(json.loads(r.post_data)))
            started = time.perf_counter()
            page.goto(url + "/")
            page.wait_for_function(MAP_READY, timeout=timeout_ms, polling=50)
            first_load_seconds = time.perf_counter() - started
            page.wait_for_function("() => !!document.querySelector('#bars .js-plotly-plot')", timeout=timeout_ms)
            page.evaluate(INSTALL)
            page.wait_for_timeout(500)
            _quiet(page, timeout_ms)
            first_load = page.evaluate(TRANSFERRED)
            entries = page.evaluate(ENTRIES)
            repaint, bars = [], []
            wave_index = len(waves) - 1
            for i in range(changes):
                if i % 2 == 0:
                    wave_index = (wave_index - 1) % len(waves)
                    page.locator("#wave").get_by_label(str(waves[wave_index]), exact=True).check()
                else:
                    _choose_question(page, questions[(i // 2) % len(questions)])
                page.wait_for_function(REPAINTED, timeout=timeout_ms, polling="raf")
                repaint.append(page.evaluate(ELAPSED))
                _quiet(page, timeout_ms)
                page.wait_for_timeout(300)
                bars.append(page.evaluate(ELAPSED_BARS))
        finally:
            browser.close()
    return {"first_load_bytes": first_load, "first_load_seconds": first_load_seconds, "entries": entries,
            "repaint_ms": repaint, "bars_ms": bars, "bodies": bodies}
