"""What a visitor feels (issue 24), in headless Chromium: a filter change until every panel has settled, and the
first load on an emulated phone on a mobile network.

- Filter change → every panel settled: a capturing listener puts `performance.now()` at the user's change (the
  radio's change event, or the click on a dropdown option). Each panel records its paints: the charts (map, bars,
  shares, trend) on plotly's `plotly_afterplot`, the summary and the table on a MutationObserver; a paint is the
  time after the next frame (requestAnimationFrame, then a task). Once the page is quiet (no request in flight and
  no panel painted for 400 ms, Dash's title back), "settled" is the latest paint of any panel after the change,
  less the change. The walk (`changes` of them, seeded) cycles through the year, the question, the breakdown (a
  group, then none, in turns) and a filter (a group's option, then none), so views with and without a breakdown are both
  measured and reported apart (`by`: whether the view after the change is broken down).
- Mobile first load: a new context (empty cache) as a phone (360×740, touch, device scale 2), over the DevTools
  protocol Network.emulateNetworkConditions (1.6 Mbit/s down, 750 kbit/s up, 150 ms RTT) and
  Emulation.setCPUThrottlingRate 4. A script run before the page's own records, from the navigation's start:
  "readable", the first frame in which the view's summary has text and a table has a number (the app pre-renders
  them into the index page, web/first_paint.py, so for it that is the first contentful paint; the naive app shows
  them once its callbacks answered), with when the style sheets had arrived (they hold up the first paint); and
  "map", the first frame with a map with its areas coloured: the index page's own SVG map (views/map_svg.py; the
  app's first paint, timed as "readable" is) or else the first `plotly_afterplot` of the map with areas in it,
  which is also reported alone as "interactive_map" (when it can be zoomed and clicked). Then the same URL again
  in the same context (a returning visit, warm cache).
"""
from __future__ import annotations

import random
import time

from playwright.sync_api import sync_playwright

from .browser import ARGS, CHROMIUM, PENDING, VIEWPORT, _choose_question, _quiet

PANELS = {"map": "#map", "bars": "#bars", "shares": "#shares", "trend": "#trend"}  # plotly charts
WATCH = """(panels) => {
    window.__paints = {}; window.__pending = 0; window.__changedAt = undefined;
    const painted = (name) => requestAnimationFrame(() => setTimeout(() => {
        (window.__paints[name] = window.__paints[name] || []).push(performance.now()); }));
    for (const [name, selector] of Object.entries(panels)) {
        const gd = document.querySelector(selector + ' .js-plotly-plot');
        if (gd) gd.on('plotly_afterplot', () => painted(name));
    }
    for (const id of ['summary', 'table']) {
        const node = document.getElementById(id);
        if (node) new MutationObserver(() => painted(id)).observe(node,
            {childList: true, subtree: true, characterData: true});
    }
    const mark = () => { window.__changedAt = performance.now(); };
    document.addEventListener('change', mark, true);
    document.addEventListener('click', e => {
        if (e.target.closest('[role=option], .dash-options-list-option, .dash-dropdown-clear')) mark(); }, true);
""" + PENDING + "}"
LAST_PAINT = """() => { let last = null, at = window.__changedAt, panels = [];
    for (const [name, times] of Object.entries(window.__paints)) {
        const after = times.filter(t => t > at);
        if (after.length) { panels.push(name); last = Math.max(last === null ? 0 : last, after[after.length - 1]); }
    }
    return {ms: last === null ? null : last - at, panels: panels,
            quiet_for: performance.now() - Math.max(at, ...Object.values(window.__paints).flat())}; }"""


def _settle(page, timeout_ms: int) -> dict:
    """Wait for the page to be quiet after a change; its settled time and the panels that painted."""
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        _quiet(page, timeout_ms)
        state = page.evaluate(LAST_PAINT)
        if state["quiet_for"] >= 400 and page.evaluate("() => !document.title.startsWith('Updating')"):
            return state
        page.wait_for_timeout(100)
    raise TimeoutError("the page did not settle")


def _choose_option(page, control_id: str, index: int) -> None:
    """Open a dropdown (its id as Dash writes it) and click its `index`-th option."""
    page.locator(f"[id='{control_id}']").click()
    menu = page.locator(".dash-dropdown-content")
    menu.wait_for(state="visible")
    menu.locator("label.dash-options-list-option").nth(index).click()
    page.wait_for_timeout(50)
    if menu.count():
        page.keyboard.press("Escape")


def settled_walk(url: str, waves: list, questions: list[str], groups: list[str], changes: int,
                 timeout_ms: int = 60_000, seed: int = 24) -> list[dict]:
    """[{ms, by, kind, panels}] for `changes` filter changes (see the module's docstring)."""
    rng = random.Random(seed)
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
            context.set_default_timeout(timeout_ms)
            page = context.new_page()
            page.goto(url + "/")
            page.wait_for_function("() => !!document.querySelector('#map .js-plotly-plot') && "
                                   "!!document.querySelector('#bars .js-plotly-plot')", timeout=timeout_ms)
            page.wait_for_timeout(500)
            page.evaluate(WATCH, PANELS)
            _quiet(page, timeout_ms)
            wave, question, by, breakdowns, filtered = len(waves) - 1, 0, 0, 0, {}
            for i in range(changes):
                kind = ("wave", "question", "by", "filter")[i % 4]
                if kind == "wave":
                    wave = (wave - 1) % len(waves)
                    page.locator("#wave").get_by_label(str(waves[wave]), exact=True).check()
                elif kind == "question":
                    question = (question + 1) % len(questions)
                    _choose_question(page, questions[question])
                elif kind == "by":  # option 0 is "no breakdown", then the groups: a group and none in turns
                    breakdowns += 1
                    by = 0 if by else 1 + (breakdowns // 2) % len(groups)
                    _choose_option(page, "by", by)
                else:
                    group = groups[rng.randrange(len(groups))]
                    control = '{"group":"%s","type":"filter"}' % group
                    if filtered.get(group):  # a filtered group is cleared by its ×, else an option is chosen
                        page.locator(f"[id='{control}'] .dash-dropdown-clear").first.click()
                        filtered[group] = False
                    else:
                        _choose_option(page, control, rng.randrange(2))
                        filtered[group] = True
                state = _settle(page, timeout_ms)
                out.append({"ms": state["ms"], "by": by > 0, "kind": kind, "panels": state["panels"]})
        finally:
            browser.close()
    return out


MOBILE_WATCH = """(() => {
    window.__felt = {};
    const frame = (key) => requestAnimationFrame(() => setTimeout(() => {
        if (window.__felt[key] === undefined) window.__felt[key] = performance.now(); }));
    const readable = () => {
        const summary = document.querySelector('.summary, #summary');
        return summary && summary.textContent.trim()
            && [...document.querySelectorAll('table td')].some(td => /\\d/.test(td.textContent));
    };
    let asked = false, mapped = false;
    new MutationObserver(() => {
        if (!asked && readable()) {
            asked = true; window.__felt.readable_dom = performance.now(); frame('readable_frame'); }
        if (!mapped && document.querySelector('.first-paint-map path')) {
            mapped = true; window.__felt.map_dom = performance.now(); frame('map_frame'); } })
        .observe(document, {childList: true, subtree: true, characterData: true});
    new PerformanceObserver((list) => { for (const e of list.getEntries()) {
        if (e.name === 'first-contentful-paint') window.__felt.fcp = e.startTime; } })
        .observe({type: 'paint', buffered: true});
    const hook = setInterval(() => {
        const gd = document.querySelector('#map .js-plotly-plot');
        if (!gd || !gd.on) return;
        clearInterval(hook);
        gd.on('plotly_afterplot', () => {
            if ((gd.data || []).some(t => (t.locations || []).length)) frame('interactive_map');
        });
    }, 20);
})()"""
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}


def _phone_visit(page, url: str, timeout_ms: int) -> dict:
    page.goto(url, wait_until="commit")
    page.wait_for_function("() => window.__felt && window.__felt.interactive_map !== undefined", timeout=timeout_ms,
                           polling=200)
    page.wait_for_timeout(200)
    felt = page.evaluate("() => window.__felt")
    # In the first frame that shows the view's answer: the first paint with content if the answer was in the DOM
    # by then (the app's is in the HTML), else the frame after it came (a task after it, so late by a long task).
    dom, fcp, frame = felt.get("readable_dom"), felt.get("fcp"), felt.get("readable_frame")
    felt["readable"] = None if dom is None else min(frame or float("inf"), max(dom, fcp or 0))
    # The map: the first paint's (views/map_svg.py) in the same way, else plotly's, the interactive one.
    dom, frame = felt.get("map_dom"), felt.get("map_frame")
    felt["map"] = felt["interactive_map"] if dom is None else min(frame or float("inf"), max(dom, fcp or 0),
                                                                 felt["interactive_map"])
    felt["css_ms"] = page.evaluate(CSS_LOADED)
    return felt


def mobile_load(url: str, timeout_ms: int = 120_000) -> dict:
    """{cold: {readable, fcp, map}, warm: {…}, transferred_cold, transferred_warm} in ms from the navigation's
    start, on the emulated phone (see the module's docstring)."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(locale="sv-SE", **PHONE)
            context.set_default_timeout(timeout_ms)
            context.add_init_script(MOBILE_WATCH)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", NETWORK)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            out = {"cold": _phone_visit(page, url + "/", timeout_ms)}
            out["transferred_cold"] = page.evaluate(TRANSFERRED)
            page.goto("about:blank")
            out["warm"] = _phone_visit(page, url + "/", timeout_ms)
            out["transferred_warm"] = page.evaluate(TRANSFERRED)
        finally:
            browser.close()
    return out


CSS_LOADED = """() => Math.max(0, ...performance.getEntriesByType('resource')
                     .filter(e => e.initiatorType === 'link' && /\\.css/.test(e.name)).map(e => e.responseEnd))"""
TRANSFERRED = """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                     .reduce((s, e) => s + (e.transferSize || 0), 0)"""


def walk_inputs(results) -> tuple[list, list[str], list[str]]:
    """(waves, question labels, group ids) of a build for settled_walk (the labels as both apps list them)."""
    labels = {q.id: q.short["sv"] for q in results.codebook.single_choice}
    questions = [labels[q.id] for q in results.codebook.single_choice[1:12]]
    return list(results.waves), questions, [g.id for g in results.codebook.groups]


def main(argv: list[str] | None = None) -> int:
    """A smoke run against a server already running on the build in --data:
    python -m bench.felt --url http://127.0.0.1:8050 --changes 10 (the full run is bench/run.py's)."""
    import argparse
    import json

    import numpy as np

    from survey.results import Results

    parser = argparse.ArgumentParser(prog="python -m bench.felt")
    parser.add_argument("--url", required=True)
    parser.add_argument("--data", default="data/processed")
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--no-mobile", action="store_true")
    args = parser.parse_args(argv)
    waves, questions, groups = walk_inputs(Results(args.data))
    walk = settled_walk(args.url, waves, questions, groups, args.changes)
    for by in (False, True):
        ms = [w["ms"] for w in walk if w["by"] == by and w["ms"] is not None]
        if ms:
            print(f"settled, {'with' if by else 'without'} a breakdown: n={len(ms)} p50 {np.percentile(ms, 50):.0f} ms"
                  f" p95 {np.percentile(ms, 95):.0f} ms")
    print(json.dumps(walk))
    if not args.no_mobile:
        print(json.dumps(mobile_load(args.url)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
