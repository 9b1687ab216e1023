"""The answer before any script has run (issue 24, web/first_paint.py): a shared view's title, summary, numbers and
map (an SVG) are in the index page's HTML (a browser with JavaScript off), in the view's language, with the API's
shares and the page's hidden cells; axe finds nothing in it; and with scripts on, the app replaces it without an
error and says the same."""
from __future__ import annotations

import pytest

from views.texts import half_up, integer, percent_sign

from .conftest import LOAD_TIMEOUT_MS, VIEWPORT, Recorder
from .meeting import api_rows, axe_violations, view_url

VIEW = {"question": "p_klotter", "level": "by", "wave": "2019", "by": "kon"}
CELLS = "() => [...document.querySelectorAll('.first-paint tbody tr')].map(r => [...r.cells].map(c => c.textContent))"


@pytest.fixture(scope="module")
def no_script(browser, server_url):
    context = browser.new_context(viewport=VIEWPORT, locale="sv-SE", java_script_enabled=False)
    yield context.new_page()
    context.close()


def percent(share: float, lang: str) -> str:
    return f"{half_up(share * 100):.0f}" + percent_sign(lang)


def test_the_view_is_readable_without_scripts_and_the_app_replaces_it(no_script, browser, server_url):
    for lang, hidden in (("sv", "för få svar"), ("en", "too few answers")):
        params = {**VIEW, "lang": lang} if lang != "sv" else VIEW
        no_script.goto(server_url + view_url(params))
        assert no_script.locator("html").get_attribute("lang") == lang
        assert no_script.locator(".first-paint h2").inner_text().strip()
        summary = no_script.locator(".first-paint .summary").inner_text()
        assert summary.strip()
        cells = {(r[0], r[1]): r for r in no_script.evaluate(CELLS)}
        rows = api_rows(server_url, {**VIEW, "lang": lang})
        assert rows and len(cells) >= len(rows)
        # the map (views/map_svg.py): every village of the view, named, with the colour scale's key
        villages = {r["area_name"] for r in rows if r["level"] == "by"}
        names = no_script.locator(".first-paint-map svg[role=img] path title").all_text_contents()
        assert sorted(names) == sorted(villages) and hidden in no_script.locator(".first-paint-map").inner_text()
        for row in rows:  # every row of the API's answer, as the page shows it
            shown = cells[(row["area_name"], row["group_text"])]
            if row["suppressed"]:
                assert shown[2:5] == [hidden, "–", ""], shown
            else:
                assert shown[2] == integer(row["n"], lang) and shown[3] == percent(row["share"], lang), (shown, row)

    # axe needs scripts (with them off it never answers): the page with the app's bundles refused instead
    context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
    try:
        tab = context.new_page()
        tab.route("**/_dash-component-suites/**", lambda route: route.abort())
        tab.goto(server_url + view_url(VIEW))
        assert tab.locator(".first-paint table caption").inner_text().strip()
        assert axe_violations(tab) == []
    finally:
        context.close()

    # scripts on: the app mounts over it, with the same summary and no error
    context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
    try:
        tab, recorder = context.new_page(), Recorder()
        recorder.attach(tab)
        tab.goto(server_url + view_url(params))
        tab.wait_for_selector("#result-table tbody tr", timeout=LOAD_TIMEOUT_MS)
        tab.wait_for_function("(s) => document.getElementById('summary').textContent === s", arg=summary,
                              timeout=LOAD_TIMEOUT_MS)
        assert tab.locator(".first-paint").count() == 0
        # the map's image (/map.svg) stands in the map's place until plotly has drawn the map, then gives way
        assert "/map.svg?" in tab.locator("#main .map-placeholder").get_attribute("src")
        tab.wait_for_selector(".map-figure.map-ready", timeout=LOAD_TIMEOUT_MS)
        assert tab.locator("#main .map-placeholder").is_hidden()
        assert not recorder.console_errors and not recorder.page_errors, (recorder.console_errors,
                                                                          recorder.page_errors)
    finally:
        context.close()

