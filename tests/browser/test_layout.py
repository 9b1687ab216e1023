"""Phone (360×740), 400 % zoom (320 CSS px) and projector (1920×1080): nothing cut off or overlapping, checked with the
bounding boxes of the main regions and controls; screenshots go to tests/output/screens/ (gitignored) to look at."""
from __future__ import annotations

import pytest

from .meeting import SCREENS, api_rows, load, view_url, wait_settled

STORY = [{"question": "p_fortkorning", "wave": "2019", "level": "deso"},
         {"question": "q_otrygg_kvall", "wave": "2019", "level": "by"}]
REGIONS = ["#page header", ".layout-controls", "#main", ".layout-story", "#page footer"]
IN_MAIN = ["#view-title", ".view-toolbar", "#summary", "figure:has(#map)", "figure:has(#bars)", "figure:has(#shares)",
           "figure:has(#trend)", "#table"]
CONTROLS = [".controls > .mb-3", ".controls > fieldset", "fieldset > .mb-3", ".view-toolbar > button",
            ".story-panel button", "#story-start", "#page header a", ".save-chart button", "#table-csv", "#table-xlsx"]
TEXTS = ["#view-title", "#summary", "#view-subtitle", "h1", ".story-item", "button", "label", "a.btn",
         ".dash-dropdown-value"]

BOXES_JS = """(selectors) => selectors.map(sel => [...document.querySelectorAll(sel)].filter(e => \
e.offsetParent !== null
    || getComputedStyle(e).position === 'fixed').map(e => { const r = e.getBoundingClientRect();
    return {sel, text: (e.id || e.textContent || '').trim().slice(0, 40), x: r.left + scrollX, y: r.top + scrollY,
            w: r.width, h: r.height}; }))"""
CLIPPED_JS = """(selectors) => selectors.flatMap(sel => [...document.querySelectorAll(sel)]
    .filter(e => e.offsetParent !== null && getComputedStyle(e).overflow !== 'visible' || e.matches('button, a.btn'))
    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
    .map(e => sel + ' ' + (e.id || e.textContent.trim().slice(0, 40))))"""

COVERED_JS = """() => [...document.querySelectorAll(CONTROL_SELECTOR)].filter(e => e.offsetParent !== null)
    .filter(e => { e.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});  // also inside a
        // container that scrolls sideways (the table on a phone); 'instant': Bootstrap makes scrolling smooth (slow)
        const r = e.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        const label = e.closest('label') || (e.id && document.querySelector('label[for="' + CSS.escape(e.id) + '"]'));
        return !(hit && (hit === e || e.contains(hit) || (label && (hit === label || label.contains(hit))))); })
    .map(e => e.id || e.textContent.trim().slice(0, 30))""".replace(
    # plotly's mode bar shows on hover only; the save buttons stand in
    "CONTROL_SELECTOR", "'#main button:not(.modebar-btn), .layout-controls button, .layout-story button, "
                        "#page header a, input[type=radio]'")


def boxes(page, selectors: list[str]) -> dict[str, list[dict]]:
    return dict(zip(selectors, page.evaluate(BOXES_JS, selectors)))


def one(page, selector: str) -> dict:
    found = boxes(page, [selector])[selector]
    assert len(found) == 1, (selector, found)
    return found[0]


def overlap(a: dict, b: dict) -> float:
    """The area two boxes share, in px² (touching edges share none)."""
    w = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
    h = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
    return max(0.0, w) * max(0.0, h)


def settle(page, selectors: list[str], tries: int = 30) -> None:
    """Wait until the boxes stand still for 300 ms: plotly sizes a chart after its answer has come (the page is quiet
    by then), and the sections below it move meanwhile (a box measured then may lie over its neighbour)."""
    before = None
    for _ in range(tries):
        now = boxes(page, selectors)
        if now == before:
            return
        before = now
        page.wait_for_timeout(300)


def assert_fits(page, width: int) -> None:
    """Nothing wider than the screen, no region or control over another, no text cut off."""
    settle(page, REGIONS + IN_MAIN)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    regions = [one(page, s) for s in REGIONS]
    in_main = [one(page, s) for s in IN_MAIN]
    for box in regions + in_main:
        assert box["w"] > 0 and box["h"] > 0, box
        assert box["x"] >= -0.5 and box["x"] + box["w"] <= width + 0.5, f"cut off at the side: {box}"
    for group in (regions, in_main):
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                assert overlap(a, b) < 1, f"{a['sel']} overlaps {b['sel']}: {a} {b}"
    for selector, found in boxes(page, CONTROLS).items():
        for box in found:
            assert box["w"] > 0 and box["x"] >= -0.5 and box["x"] + box["w"] <= width + 0.5, (selector, box)
        for i, a in enumerate(found):
            for b in found[i + 1:]:
                assert overlap(a, b) < 1, f"{selector}: {a} overlaps {b}"
    assert page.evaluate(CLIPPED_JS, TEXTS) == []
    # every control can be hit: the point at its centre belongs to it (not to something drawn over it)
    assert page.evaluate(COVERED_JS) == []
    page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")


def prepare(page, server_url: str, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(server_url + "/metod")
    page.evaluate("(story) => localStorage.setItem('story', JSON.stringify(story))", STORY)


@pytest.fixture
def fresh(browser, server_url):
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    yield page
    context.close()


def shot(page, name: str, full_page: bool = True) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)  # the last paint of the map canvas
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=full_page)


def area_view(server_url: str) -> str:
    deso = api_rows(server_url, {"question": "q_otrygg_kvall", "level": "deso"})
    return view_url({"level": "deso", "by": "kon", "area": next(r["area_id"] for r in deso if not r["suppressed"])})


@pytest.mark.browser
def test_phone_360_by_740(fresh, server_url):
    page = fresh
    prepare(page, server_url, 360, 740)
    load(page, server_url, area_view(server_url))
    page.wait_for_selector("#story-list li.story-item")
    assert_fits(page, 360)
    controls, main, story = one(page, ".layout-controls"), one(page, "#main"), one(page, ".layout-story")
    assert controls["y"] + controls["h"] <= main["y"] + 1 and main["y"] + main["h"] <= story["y"] + 1  # one column
    # the whole municipality is on the map (it zooms out to fit a narrow screen)
    fit = page.evaluate("""() => { const gd = document.querySelector('#map .js-plotly-plot');
        const fig = gd.closest('figure'); return [gd._fullLayout.map.zoom, Number(fig.dataset.zoom)]; }""")
    assert fit[0] < fit[1]
    shot(page, "meeting-phone")

    page.goto(server_url + "/presentation")
    page.wait_for_selector("#slide .js-plotly-plot")
    wait_settled(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for box in boxes(page, [".presentation-bar button", ".presentation-bar a", "#slide-title", "#slide-summary",
                            ".slide-figure"]).values():
        for b in box:
            assert b["x"] >= -0.5 and b["x"] + b["w"] <= 360.5, b
    shot(page, "presentation-phone")


@pytest.mark.browser
def test_400_percent_zoom_is_320_css_px(fresh, server_url):
    page = fresh
    prepare(page, server_url, 320, 640)
    load(page, server_url, "/")
    page.wait_for_selector("#story-list li.story-item")
    assert_fits(page, 320)
    shot(page, "meeting-320")


@pytest.mark.browser
def test_projector_1920_by_1080(fresh, server_url):
    page = fresh
    prepare(page, server_url, 1920, 1080)
    load(page, server_url, "/")
    page.wait_for_selector("#story-list li.story-item")
    assert_fits(page, 1920)
    controls, main, story = one(page, ".layout-controls"), one(page, "#main"), one(page, ".layout-story")
    assert controls["x"] + controls["w"] <= main["x"] and story["x"] + story["w"] <= main["x"]  # side by side
    map_box, bars_box = one(page, "figure:has(#map)"), one(page, "figure:has(#bars)")
    assert map_box["x"] + map_box["w"] <= bars_box["x"]  # map and bars next to each other
    # the view's title, summary and map are on the first screen
    for selector in ("#view-title", "#summary", "#map"):
        box = one(page, selector)
        assert box["y"] + min(box["h"], 400) <= 1080, selector
    shot(page, "meeting-projector", full_page=False)

    page.goto(server_url + "/presentation")
    page.wait_for_selector("#slide .js-plotly-plot")
    wait_settled(page)
    # one view per screen: nothing below the fold, nothing overlapping
    assert page.evaluate("document.documentElement.scrollHeight") <= 1081
    parts = boxes(page, [".presentation-bar", "#slide-title", ".slide-subtitle", "#slide-summary", ".slide-side",
                         ".slide-figure", ".slide-source"])
    flat = [b for found in parts.values() for b in found]
    assert len(flat) == 7
    for i, a in enumerate(flat):
        assert a["y"] + a["h"] <= 1080.5 and a["x"] + a["w"] <= 1920.5, a
        for b in flat[i + 1:]:
            assert overlap(a, b) < 1, (a, b)
    assert page.evaluate("parseFloat(getComputedStyle(document.getElementById('slide-title')).fontSize)") >= 48
    shot(page, "presentation-projector", full_page=False)
