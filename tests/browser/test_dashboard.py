"""The dashboard in headless Chromium: what the page shows must be the numbers the API gives for the same view.

Every expected number comes from GET /api/v1/results on the same server; the page's table, map figure and
bar figure are read from the DOM (the plotly figures through the graph div's `data`). No fixed sleeps: each
step waits for the value it expects, and on a timeout the assertion shows the difference.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

import pytest
import requests
import shapely.geometry
import shapely.ops
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from views.texts import half_up

from .meeting import choose

NBSP = "\u00a0"
WAVE = 2019
DEFAULT_QUESTION = "q_otrygg_kvall"
OTHER_QUESTION = "p_fortkorning"
CLICK_AREA = "Idre med fjällbyarna"  # the largest DeSO area of the demo
TEXT = {
    "sv": {"all": "Alla svarande", "too_few": "för få svar", "header": ["Område", "Grupp", "Antal svar", "Andel"]},
    "en": {"all": "All respondents", "too_few": "too few answers", "header": ["Area", "Group", "Answers", "Share"]},
}

TABLE_JS = """() => [...document.querySelectorAll('#result-table tbody tr')]
                       .map(tr => [...tr.cells].map(td => td.textContent))"""
TABLE_KEYS_JS = """() => [...document.querySelectorAll('#result-table tbody tr')]
                            .map(tr => [...tr.cells].slice(0, 3).map(td => td.textContent))"""
HEADER_JS = "() => [...document.querySelectorAll('#result-table thead th')].map(th => th.textContent)"
MAP_JS = """() => { const gd = document.querySelector('#map .js-plotly-plot');
                   return (gd && gd.data || []).filter(t => t.type === 'choroplethmap')
                                               .map(t => ({name: t.name, locations: t.locations, z: t.z})); }"""
# The areas coloured by their share, whichever trace draws them ("share", or e.g. a faded "uncertain" one):
# [[area_id, z], …] sorted by id. Not the grey "suppressed" areas, the "selected" outline nor the "scale" carrier.
MAP_VALUES_JS = f"""() => {{ const values = {{}};
    for (const t of ({MAP_JS})()) {{
        if (t.name === 'suppressed' || t.name === 'selected' || t.name === 'scale') continue;
        t.locations.forEach((id, i) => {{ values[id] = t.z[i]; }});
    }}
    return Object.keys(values).sort().map(id => [id, values[id]]); }}"""
BARS_JS = """() => { const gd = document.querySelector('#bars .js-plotly-plot');
                    return (gd && gd.data || []).map(t => ({name: t.name, y: t.y, x: t.x})); }"""
PROJECT_JS = """([lon, lat]) => { const gd = document.querySelector('#map .js-plotly-plot');
                                  const map = gd._fullLayout.map._subplot.map;
                                  const p = map.project([lon, lat]), box = map.getCanvas().getBoundingClientRect();
                                  return [box.left + p.x, box.top + p.y]; }"""


# ---- the API: the expected numbers ------------------------------------------------------------------

@lru_cache(maxsize=None)
def _get(url: str, params: tuple) -> dict:
    response = requests.get(url, params=dict(params), timeout=10)
    response.raise_for_status()
    return response.json()


def api_rows(server_url: str, question: str, level: str, by: str | None = None, lang: str = "sv",
             wave: int = WAVE) -> list[dict]:
    params = {"question": question, "wave": wave, "level": level, "lang": lang, **({"by": by} if by else {})}
    return _get(server_url + "/api/v1/results", tuple(sorted(params.items())))["rows"]


def api_question(server_url: str, question: str) -> dict:
    return next(q for q in _get(server_url + "/api/v1/questions", ())["questions"] if q["id"] == question)


def table_rows(server_url: str, question: str, level: str, by: str | None = None, lang: str = "sv") -> list[dict]:
    """What the table lists: the level's rows, then the whole municipality's (once, unless the level is it)."""
    rows = api_rows(server_url, question, level, by, lang)
    return rows + (api_rows(server_url, question, "kommun", by, lang) if level != "kommun" else [])


def n_text(row: dict, lang: str) -> str:
    if row["suppressed"]:
        return TEXT[lang]["too_few"]
    return f"{row['n']:,}".replace(",", NBSP if lang == "sv" else ",")


def table_key(row: dict, lang: str) -> list[str]:
    return [row["area_name"], row["group_text"], n_text(row, lang)]  # the group as the page names it


def map_values(rows: list[dict]) -> list[list]:
    """What the map should colour: every area that is not suppressed, with its share in whole percent (rounded
    half up, as the table shows it)."""
    return sorted([r["area_id"], int(half_up(r["share"] * 100))] for r in rows if not r["suppressed"])


def suppressed_trace(rows: list[dict]) -> dict:
    """The grey map trace: the areas with too few answers."""
    return {"name": "suppressed", "locations": [r["area_id"] for r in rows if r["suppressed"]]}


# ---- the page -----------------------------------------------------------------------------------------

def wait_equal(page, getter_js: str, expected, timeout: int = 15_000):
    """Wait until the JS getter returns `expected` (compared as JSON), then assert it (showing the diff)."""
    try:
        page.wait_for_function(f"(expected) => JSON.stringify(({getter_js})()) === JSON.stringify(expected)",
                               arg=expected, timeout=timeout)
    except PlaywrightTimeoutError:
        pass
    actual = page.evaluate(getter_js)
    assert actual == expected
    return actual


def map_traces(page) -> dict[str, dict]:
    return {t["name"]: t for t in page.evaluate(MAP_JS)}


def wait_map_values(page, rows: list[dict]) -> None:
    wait_equal(page, MAP_VALUES_JS, map_values(rows))


def wait_map_trace(page, expected: dict) -> None:
    keys = [k for k in expected if k != "name"]
    getter = (f"() => {{ const t = ({MAP_JS})().find(t => t.name === {json.dumps(expected['name'])});"
              f" return t ? {{{', '.join(f'{k}: t.{k}' for k in keys)}}} : null; }}")
    wait_equal(page, getter, {k: expected[k] for k in keys})


def assert_table(page, rows: list[dict], lang: str = "sv") -> list[list[str]]:
    """The table lists exactly `rows` (area, group, n) in order, each share as a whole percent, '–' if suppressed."""
    wait_equal(page, TABLE_KEYS_JS, [table_key(r, lang) for r in rows])
    shown = page.evaluate(TABLE_JS)
    pattern = re.compile(r"^(\d+)" + (NBSP if lang == "sv" else "") + "%$")
    for row, cells in zip(rows, shown):
        if row["suppressed"]:
            assert cells[3] == "–", (row, cells)
            continue
        match = pattern.match(cells[3])
        assert match, f"share {cells[3]!r} is not formatted as a whole percent for {lang}: {row['area_name']}"
        # correctly rounded to a whole percent (either way for an exact tie such as 12.5)
        assert abs(int(match[1]) - row["share"] * 100) <= 0.5 + 1e-9, (row, cells)
    return shown


def choose_level(page, label: str) -> None:
    page.locator("#level").get_by_label(label, exact=True).check()


def click_area(page, server_url: str, level: str, name: str) -> dict:
    """Click the map inside area `name`: at its pole of inaccessibility (the inside point farthest from the
    border), projected to screen pixels with the map's own projection. Hover first and wait for the hover
    label, so the click only comes once plotly has the boundaries (it loads the GeoJSON itself)."""
    page.locator("#map").scroll_into_view_if_needed()
    geo = requests.get(f"{server_url}/geo/{level}.geojson", timeout=10).json()
    feature = next(f for f in geo["features"] if f["properties"]["name"] == name)
    shape = shapely.geometry.shape(feature["geometry"])
    if shape.geom_type == "MultiPolygon":
        shape = max(shape.geoms, key=lambda g: g.area)
    point = shapely.ops.polylabel(shape, tolerance=0.001)
    for attempt in range(30):
        x, y = page.evaluate(PROJECT_JS, [point.x, point.y])
        page.mouse.move(x + attempt % 3, y)
        try:
            page.wait_for_function("(name) => [...document.querySelectorAll('#map .hoverlayer .hovertext')]"
                                   ".some(e => e.textContent.includes(name))", arg=name, timeout=500)
            break
        except PlaywrightTimeoutError:
            continue
    else:
        pytest.fail(f"no hover label for {name!r} at its centre ({point.x:.4f}, {point.y:.4f})")
    page.mouse.click(x + attempt % 3, y)
    return feature


# ---- the tests ----------------------------------------------------------------------------------------

@pytest.mark.browser
def test_page_loads_with_the_default_view(default_page, server_url):
    page = default_page
    expect(page.locator("#demo-banner")).to_be_visible()
    expect(page.locator("#demo-banner")).to_contain_text("Fiktiva demodata")
    assert page.evaluate("document.documentElement.lang") == "sv"
    assert page.locator("#page > div").get_attribute("lang") == "sv"
    page.wait_for_function("document.title === 'Trygghetskartan'")  # Dash shows "Updating..." meanwhile
    expect(page.locator("h1")).to_have_text("Trygghetskartan")
    expect(page.locator("#language-link")).to_have_text("In English")

    question = api_question(server_url, DEFAULT_QUESTION)
    expect(page.locator("#question-value")).to_have_text(question["short"]["sv"])
    expect(page.locator("#view-title")).to_have_text(question["text"]["sv"])
    assert page.locator("#wave").get_by_label(str(WAVE)).is_checked()
    assert page.locator("#level").get_by_label("By", exact=True).is_checked()
    expect(page.locator("#by-value")).to_have_text("Ingen uppdelning")

    assert page.evaluate(HEADER_JS)[:4] == TEXT["sv"]["header"]
    rows = table_rows(server_url, DEFAULT_QUESTION, "by")
    villages = api_rows(server_url, DEFAULT_QUESTION, "by")
    assert len(villages) > 10 and any(not r["suppressed"] for r in villages)
    kommun = api_rows(server_url, DEFAULT_QUESTION, "kommun")
    assert len(kommun) == 1 and kommun[0]["n"] > sum(r["n"] for r in villages if not r["suppressed"])
    shown = assert_table(page, rows)
    assert shown[-1][:3] == [kommun[0]["area_name"], "Alla svarande", n_text(kommun[0], "sv")]
    wait_map_values(page, villages)


@pytest.mark.browser
def test_changing_the_question_updates_title_table_and_map(page, server_url):
    question = api_question(server_url, OTHER_QUESTION)
    label = question["short"]["sv"]
    assert label == "Fortkörning"
    assert_table(page, table_rows(server_url, DEFAULT_QUESTION, "by"))

    # the theme headings are listed, disabled, above their questions
    page.locator("#question").click()
    menu = page.locator(".dash-dropdown-content")
    menu.wait_for(state="visible")
    themes = []
    for q in _get(server_url + "/api/v1/questions", ())["questions"]:
        if q["theme_text"]["sv"].upper() not in themes:
            themes.append(q["theme_text"]["sv"].upper())
    headings = menu.locator(".dash-options-list-option:has(input[disabled][role=option])")
    expect(headings).to_have_text(themes)
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)

    choose(page, "question", label)
    expect(page.locator("#view-title")).to_have_text(question["text"]["sv"])
    rows = table_rows(server_url, OTHER_QUESTION, "by")
    assert [r["share"] for r in rows] != [r["share"] for r in table_rows(server_url, DEFAULT_QUESTION, "by")]
    assert_table(page, rows)

    villages = api_rows(server_url, OTHER_QUESTION, "by")
    wait_map_values(page, villages)
    wait_map_trace(page, suppressed_trace(villages))


@pytest.mark.browser
def test_breakdown_by_sex_shows_group_rows_and_bars(page, server_url):
    choose(page, "by", "Kön")
    rows = table_rows(server_url, DEFAULT_QUESTION, "by", by="kon")
    shown = assert_table(page, rows)
    groups = {cells[1] for cells in shown}
    assert {"Alla svarande", "Kvinna", "Man"} <= groups

    # bars: the whole municipality, one bar per group; each segment is the API's distribution × 100
    kommun = api_rows(server_url, DEFAULT_QUESTION, "kommun", by="kon")
    page.wait_for_function(f"() => ({BARS_JS})().some(t => (t.y || []).some(y => y.includes('Kvinna')))")
    bars = page.evaluate(BARS_JS)
    options = [o for o in api_question(server_url, DEFAULT_QUESTION)["options"] if not o["excluded"]]
    assert [t["name"] for t in bars] == [o["text"]["sv"] for o in options]
    labels = bars[0]["y"]
    assert len(labels) == len(kommun)
    woman = next(r for r in kommun if r["group_label"] == "Kvinna")
    index = next(i for i, y in enumerate(labels) if "Kvinna" in y)
    assert str(woman["n"]) in labels[index]
    for trace, option in zip(bars, options):
        assert trace["x"][index] == pytest.approx(woman["distribution"][str(option["code"])] * 100, abs=0.051)


@pytest.mark.browser
def test_clicking_an_area_on_the_map_selects_it(page, server_url):
    choose_level(page, "Område (DeSO)")
    areas = api_rows(server_url, DEFAULT_QUESTION, "deso")
    wait_map_values(page, areas)
    area = next(r for r in areas if r["area_name"] == CLICK_AREA)
    assert not area["suppressed"]

    feature = click_area(page, server_url, "deso", CLICK_AREA)
    assert feature["properties"]["area_id"] == area["area_id"]
    expect(page.locator("#area-value")).to_have_text(CLICK_AREA)
    wait_equal(page, f"() => ({MAP_JS})().filter(t => t.name === 'selected').map(t => t.locations)",
               [[area["area_id"]]])

    page.wait_for_function(f"(name) => ({BARS_JS})().some(t => (t.y || []).some(y => y.includes(name)))",
                           arg=CLICK_AREA)
    bars = page.evaluate(BARS_JS)
    labels = bars[0]["y"]
    index = next(i for i, y in enumerate(labels) if CLICK_AREA in y)
    assert str(area["n"]) in labels[index]
    assert any("Hela kommunen" in y for y in labels)  # the municipality stays as the comparison
    options = [o for o in api_question(server_url, DEFAULT_QUESTION)["options"] if not o["excluded"]]
    assert [t["name"] for t in bars] == [o["text"]["sv"] for o in options]
    segments = [t["x"][index] for t in bars]
    expected = [area["distribution"][str(o["code"])] * 100 for o in options]
    assert segments == pytest.approx(expected, abs=0.051)
    assert sum(segments) == pytest.approx(100, abs=0.3)


@pytest.mark.browser
def test_district_level_lists_the_three_districts_and_the_municipality(page, server_url):
    choose_level(page, "Distrikt")
    rows = table_rows(server_url, DEFAULT_QUESTION, "distrikt")
    assert len(rows) == 4
    shown = assert_table(page, rows)
    assert {cells[0] for cells in shown[:3]} == {"Idre", "Särna", "Älvdalen"}
    assert sum(r["n"] for r in rows[:3]) == rows[3]["n"]  # every answer belongs to one district
    wait_map_values(page, rows[:3])


@pytest.mark.browser
def test_language_link_switches_to_english(english_page, server_url):
    page = english_page  # loaded in Swedish, then "In English" clicked (see the fixture)
    assert page.url.endswith("/?lang=en")
    assert page.evaluate(HEADER_JS)[:4] == TEXT["en"]["header"]
    assert page.locator("#page > div").get_attribute("lang") == "en"
    expect(page.locator("#demo-banner")).to_contain_text("Fictional demo data")
    expect(page.locator("#language-link")).to_have_text("På svenska")
    assert page.locator("#level").get_by_label("Village", exact=True).is_checked()
    question = api_question(server_url, DEFAULT_QUESTION)
    expect(page.locator("#view-title")).to_have_text(question["text"]["en"])
    expect(page.locator("#question-value")).to_have_text(question["short"]["en"])
    shown = assert_table(page, table_rows(server_url, DEFAULT_QUESTION, "by", lang="en"), lang="en")
    assert any(re.fullmatch(r"\d+%", cells[3]) for cells in shown)
    assert not any(NBSP in cells[3] for cells in shown)


@pytest.mark.browser
def test_english_page_sets_the_document_language(english_page):
    assert english_page.locator("#page > div").get_attribute("lang") == "en"
    assert english_page.evaluate("document.documentElement.lang") == "en"


@pytest.fixture(scope="module")
def used_dashboard(open_dashboard, server_url):
    """A dashboard used as a visitor would: load, change question, group and level, click an area on the map.
    Returns the tab and the record of every request, response status and console message on the way."""
    page, recorder = open_dashboard()
    choose(page, "question", api_question(server_url, OTHER_QUESTION)["short"]["sv"])
    assert_table(page, table_rows(server_url, OTHER_QUESTION, "by"))
    choose(page, "by", "Kön")
    assert_table(page, table_rows(server_url, OTHER_QUESTION, "by", by="kon"))
    choose_level(page, "Område (DeSO)")
    assert_table(page, table_rows(server_url, OTHER_QUESTION, "deso", by="kon"))
    wait_map_values(page, api_rows(server_url, OTHER_QUESTION, "deso"))
    click_area(page, server_url, "deso", CLICK_AREA)
    expect(page.locator("#area-value")).to_have_text(CLICK_AREA)
    page.wait_for_function(f"(name) => ({BARS_JS})().some(t => (t.y || []).some(y => y.includes(name)))",
                           arg=CLICK_AREA)
    wait_equal(page, f"() => ({MAP_JS})().filter(t => t.name === 'selected').map(t => t.locations)",
               [[next(r["area_id"] for r in api_rows(server_url, OTHER_QUESTION, "deso")
                      if r["area_name"] == CLICK_AREA)]])
    yield page, recorder
    page.close()


@pytest.mark.browser
def test_everything_is_served_locally(used_dashboard, server_url):
    _, recorder = used_dashboard
    # blob: URLs are maplibre's web workers, made in the page from the local bundle; data: URLs are inline
    local = (server_url + "/", f"blob:{server_url}/", "data:")
    assert [u for u in recorder.requests if not u.startswith(local)] == []
    paths = [u[len(server_url):] for u in recorder.requests if u.startswith(server_url)]
    assert any(p.startswith("/geo/by.geojson") for p in paths)
    assert any(p.startswith("/geo/deso.geojson") for p in paths)
    assert sum(p.split("?")[0] == "/_dash-update-component" for p in paths) >= 5
    assert recorder.bad_responses == []
    assert recorder.failed == []


@pytest.mark.browser
def test_no_errors_in_the_console(used_dashboard):
    _, recorder = used_dashboard
    assert recorder.console_errors == []
    assert recorder.page_errors == []


@pytest.mark.browser
def test_small_villages_are_suppressed_in_table_and_map(default_page, server_url):
    page = default_page
    villages = api_rows(server_url, DEFAULT_QUESTION, "by")
    min_n = _get(server_url + "/api/v1/results",
                 (("level", "by"), ("question", DEFAULT_QUESTION), ("wave", WAVE)))["min_n"]
    suppressed = [r for r in villages if r["suppressed"]]
    assert suppressed, "the demo has villages with fewer than min_n answers"
    assert all(r["n"] is None and r["share"] is None for r in suppressed)
    assert all(r["n"] >= min_n for r in villages if not r["suppressed"])

    shown = assert_table(page, table_rows(server_url, DEFAULT_QUESTION, "by"))
    by_name = {cells[0]: cells for cells in shown[:len(villages)]}
    for row in suppressed:
        cells = by_name[row["area_name"]]
        assert cells[2:4] == ["för få svar", "–"]
        assert not any(ch.isdigit() for cell in cells[4:] for ch in cell), cells  # no interval or other number
    assert page.locator("#result-table tbody tr.suppressed").count() == len(suppressed)

    wait_map_trace(page, suppressed_trace(villages))
    wait_map_values(page, villages)
    traces = map_traces(page)
    hidden = {r["area_id"] for r in suppressed}
    assert hidden.isdisjoint(traces["share"]["locations"])
    assert set(traces["suppressed"]["locations"]) == hidden
    # every village is drawn exactly once: coloured (in "share" or another coloured trace) or grey (the invisible
    # "scale" trace only carries the colour bar)
    drawn = [a for t in traces.values() if t["name"] not in ("selected", "scale") for a in t["locations"]]
    assert sorted(drawn) == sorted(r["area_id"] for r in villages)

