"""The map names its places (issue 20): at a projector's 1366 × 768, at every level, each name the view shows is
text in the map's SVG, on the map and clear of the others; the colour bar is there; the main town, a speck among
villages, can be clicked by its ring; hovering a name's area still shows its numbers; no console error.
Screenshots at 1920 × 1080, 1366 × 768 and 360 × 740 go to tests/output/screens/."""
from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .meeting import SCREENS, load, meeting_context, place_names, tab, wait_settled  # noqa: F401

LEVELS = {"by": "By", "deso": "Område (DeSO)", "distrikt": "Distrikt", "kommun": "Hela kommunen"}
SETTLED_JS = """() => { const gd = document.querySelector('#map .js-plotly-plot');
    const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot
        && gd._fullLayout.map._subplot.map;
    if (!map || !map.loaded() || map.isMoving() || gd.__tkWaiting || gd.__tkLabelsWaiting) return false;
    const r = gd.getBoundingClientRect();
    return [...gd.querySelectorAll('.annotation-text-g')].every(g => { const b = g.getBoundingClientRect();
        return b.left >= r.left && b.right <= r.right && b.top >= r.top && b.bottom <= r.bottom; }); }"""


def overlapping(boxes: list) -> list:
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["box"][0] < b["box"][2] - 1 and b["box"][0] < a["box"][2] - 1
            and a["box"][1] < b["box"][3] - 1 and b["box"][1] < a["box"][3] - 1]


def names_of(page) -> dict:
    page.wait_for_function("() => { const gd = document.querySelector('#map .js-plotly-plot');"
                           " return gd && gd.layout && (gd.layout.annotations || []).length > 0"
                           " && gd.getBoundingClientRect().height > 400"
                           " && gd.querySelectorAll('.annotation-text').length > 0; }")
    # The names follow the map's fit (assets/app.js), which waits for MapLibre: until the map is idle and the names
    # have moved, they stand where the server placed them for the build's zoom. Wait for that, then check.
    try:
        page.wait_for_function(SETTLED_JS, timeout=10_000)
    except PlaywrightTimeout:
        pass  # the assertions that follow say what is wrong
    return place_names(page, "#map .js-plotly-plot")


# Per name with a leader line to a ring (views/map_labels.py), how far (px) the line's head is from where MapLibre
# draws the place: the server sends each place in px from the map's centre, and assets/app.js moves the names by it
# when the map shows another zoom (a phone's) or centre.
HEADS_JS = """(selector) => { const gd = document.querySelector(selector);
    const map = gd._fullLayout.map._subplot.map, size = gd._fullLayout._size;
    const ring = gd.data.find(t => t.type === 'scattermap' && (t.customdata || []).length && t.text);
    return (gd.layout.annotations || []).filter(a => a.showarrow && a.visible !== false && ring.text.includes(a.text))
        .map(a => { const k = ring.text.indexOf(a.text), p = map.project([ring.lon[k], ring.lat[k]]);
                    const x = a.x === undefined ? 0.5 : a.x, y = a.y === undefined ? 0.5 : a.y;
                    return [a.text, x * size.w + a.xshift - p.x, (1 - y) * size.h - a.yshift - p.y]; }); }"""


def check_names(page, level: str) -> int:
    """The names shown are drawn, on the map, apart; the colour bar is there. Returns how many."""
    found = names_of(page)
    drawn = [d["text"] for d in found["drawn"]]
    assert found["shown"] and sorted(found["shown"]) == sorted(drawn), level
    assert found["colorbar"] == 1, level
    assert not overlapping(found["drawn"]), level
    left, top, right, bottom = found["map"]
    for d in found["drawn"]:
        assert left <= d["box"][0] and d["box"][2] <= right and top <= d["box"][1] and d["box"][3] <= bottom, d
    if level == "by":
        assert "Älvdalen" in drawn
        heads = page.evaluate(HEADS_JS, "#map .js-plotly-plot")
        assert heads and all(abs(dx) <= 2 and abs(dy) <= 2 for _, dx, dy in heads), heads
    return len(drawn)


PROJECT_JS = """([lon, lat]) => { const gd = document.querySelector('#map .js-plotly-plot');
    const map = gd._fullLayout.map._subplot.map, p = map.project([lon, lat]);
    const box = map.getCanvas().getBoundingClientRect(); return [box.left + p.x, box.top + p.y]; }"""


def hover_and_click(page) -> None:
    """Särna's name stands on its area: hovering there shows the area's numbers. The main town's ring (its area
    is a few pixels wide): a click selects it."""
    page.locator("#map").scroll_into_view_if_needed()
    sarna = next(d["box"] for d in place_names(page, "#map .js-plotly-plot")["drawn"] if d["text"] == "Särna")
    page.mouse.move((sarna[0] + sarna[2]) / 2, (sarna[1] + sarna[3]) / 2)  # on the name: it takes no pointer
    page.wait_for_function("() => [...document.querySelectorAll('#map .hoverlayer .hovertext')]"
                           ".some(e => e.textContent.includes('Särna') && e.textContent.includes('%'))")
    alvdalen = page.evaluate("() => { const t = document.querySelector('#map .js-plotly-plot').data"
                             ".find(t => t.type === 'scattermap' && (t.customdata || []).includes('by_alvdalen'));"
                             " const i = t.customdata.indexOf('by_alvdalen'); return [t.lon[i], t.lat[i]]; }")
    x, y = page.evaluate(PROJECT_JS, alvdalen)
    page.mouse.move(x, y)
    page.wait_for_function("() => [...document.querySelectorAll('#map .hoverlayer .hovertext')]"
                           ".some(e => e.textContent.includes('Älvdalen'))")
    page.mouse.click(x, y)
    page.wait_for_function("() => document.querySelector('#area').textContent.includes('Älvdalen')")


ROWS_JS = """() => [...document.querySelectorAll('#result-table tbody tr')]
    .map(tr => [tr.cells[0].textContent, tr.cells[3].textContent])"""


def sort_the_table(page) -> None:
    """A click on "Andel" sorts the table highest first (hidden rows, then the municipality, last); a second
    click lowest first; the header says so (aria-sort) and keeps the focus."""
    rows = page.evaluate(ROWS_JS)
    page.click("#result-table thead th:nth-child(4) button")
    page.wait_for_function("() => document.querySelector('#result-table thead th:nth-child(4)')"
                           ".getAttribute('aria-sort') === 'descending'")
    ranked = page.evaluate(ROWS_JS)
    assert sorted(ranked) == sorted(rows) and ranked[-1][0] == "Älvdalens kommun"
    values = [int(v.split("\u00a0")[0]) for _, v in ranked[:-1] if v != "–"]
    assert values == sorted(values, reverse=True) and all(v == "–" for _, v in ranked[len(values):-1])
    page.wait_for_function("() => document.activeElement.closest('th') !== null")
    page.keyboard.press("Enter")  # the focused header again: the other way
    page.wait_for_function("() => document.querySelector('#result-table thead th:nth-child(4)')"
                           ".getAttribute('aria-sort') === 'ascending'")
    values = [int(v.split("\u00a0")[0]) for _, v in page.evaluate(ROWS_JS)[:-1] if v != "–"]
    assert values == sorted(values)


@pytest.mark.browser
def test_the_map_names_its_places_at_every_level_and_size(tab, server_url):
    tab.set_viewport_size({"width": 1366, "height": 768})
    load(tab, server_url)
    counts = {}
    for level, label in LEVELS.items():
        tab.locator("#level").get_by_label(label, exact=True).check()
        tab.wait_for_function("(id) => { const gd = document.querySelector('#map .js-plotly-plot');"
                              " return gd && gd.data.some(t => (t.geojson || '').includes('/geo/' + id + '.'));}",
                              arg=level)
        wait_settled(tab)
        counts[level] = check_names(tab, level)
    assert counts["deso"] == 5 and counts["distrikt"] == 3 and counts["kommun"] == 1
    tab.locator("#level").get_by_label(LEVELS["by"], exact=True).check()
    wait_settled(tab)
    counts["by"] = check_names(tab, "by")
    assert counts["by"] >= 18
    tab.locator("#map").screenshot(path=str(SCREENS / "map-names-1366.png"))
    sort_the_table(tab)
    hover_and_click(tab)
    for width, height in ((1920, 1080), (360, 740)):  # a tab opened at that size (a phone's map zooms out)
        other = tab.context.new_page()
        other.set_viewport_size({"width": width, "height": height})
        other.on("console", lambda m: m.type == "error" and tab.recorder.console_errors.append(m.text))
        load(other, server_url)
        check_names(other, "by")
        other.locator("#map").screenshot(path=str(SCREENS / f"map-names-{width}.png"))
        if width == 360:  # a level's whole map, its names moved to the phone's zoom, and back
            other.click("#controls-toggle")
            for level in ("distrikt", "by"):
                other.locator("#level").get_by_label(LEVELS[level], exact=True).check()
                other.wait_for_function("(id) => document.querySelector('#map .js-plotly-plot').data"
                                        ".some(t => (t.geojson || '').includes('/geo/' + id + '.'))", arg=level)
                wait_settled(other)
                check_names(other, level)
        other.close()
    assert not tab.recorder.console_errors and not tab.recorder.page_errors
